package pingan

import (
	"sort"
	"strings"
)

// Statistics are kept as counters (统计计数器), written in the transaction
// of every change to a case, so that no figure needs a scan of the cases.
//
// A case counts for every unit it lies in — where it happened, the centre
// holding it and the unit that must act, and each of their ancestors — and
// for its grid, in the cohort of the day it was reported (China Standard
// Time). What it counts there is its Tally: a pure function of the case's
// row. Each change adds the new Tally and takes away the old one, at every
// node of either, so the counters always equal the sum of the Tallies of the
// cases: that is what `pingan stats verify` checks. docs/statistics.md
// defines each measure and rate.

// Measure indexes a Tally.
type Measure int

// The measures (计数项). Status measures count the cases in each status now;
// the others count cases, never actions: a case returned three times counts
// once in Returned.
const (
	MReported     Measure = iota // 上报数: every case
	MInReported                  // now 待受理
	MInAccepted                  // now 已受理
	MInRejected                  // now 不予受理
	MInDispatched                // now 已派遣
	MInProgress                  // now 处置中
	MInResolved                  // now 已办结待核查
	MInClosed                    // now 已结案
	MInMerged                    // now 已合并 (a duplicate)
	MSigned                      // 签收数: signed at least once
	MSignedOnTime                // 按时签收数: signed, and never after its sign deadline
	MOnTime                      // 按期办结数: resolved or closed, never overdue
	MClosedOnTime                // 按期结案数: closed, never overdue
	MOverdue                     // 曾超期数: missed a resolve or supervision deadline
	MDue                         // 应结案数: closed, or open and overdue
	MDeferred                    // 缓办数: open, overdue and suspended (挂起)
	MEscalated                   // 上交数: escalated at least once
	MReturned                    // 退回数: returned by a handler at least once
	MReworked                    // 返工数: sent back for rework at least once
	MVerified                    // 核查数: closed, or sent back for rework at least once
	MReopened                    // 重办数: reopened at least once
	MRated                       // 评价数
	MSatisfied                   // 满意数: satisfied or basically satisfied
	MDissatisfied                // 不满意数
	MSensitive                   // 重大敏感数
	// Disputes (矛盾纠纷, dispute.go); zero for the other kinds.
	MMediated      // 调解终结数: mediation ended (agreement, failed or refused)
	MAgreed        // 调解成功数: an agreement was reached
	MSettled       // 化解数: an agreement, or settled as a follow-up visit found
	MConfirmed     // 司法确认数: the court confirmed the agreement
	MPerformBase   // 协议履行应考核数: an agreement performed, or whose every term's day has passed
	MPerformed     // 协议履行数: every term of the agreement performed
	MAgreementDays // 达成协议用时 (days from the report to the agreement, summed)
	// Petitions (信访, petition.go); zero for the other kinds. A petition
	// merged into its matter (a repeat or 越级) counts in the first four
	// only: the others count matters.
	MPetitions         // 信访件次: every petition registered
	MPetitionPeople    // 信访人次: the people of each petition
	MPetRepeats        // 重复件: merged into its matter as a repeat
	MPetOverreach      // 越级件: merged into the matter open below
	MPetLetters        // 来信件: matters that came by letter
	MPetLettersReplied // 来信已复件: a letter whose written reply was delivered
	MPetDecided        // 受理决定数: forwarded, told of another route, accepted or not
	MPetDecidedOnTime  // 及时受理数: every decision within its 15 days
	MPetAccepted       // 受理数
	MPetAnswered       // 办结数: the 处理意见书 issued
	MPetAnsweredOnTime // 按期办结数: issued within 60 days (and the extension)
	MPetExtended       // 延期数
	MPetReviews        // 复查数
	MPetReviewChanged  // 复查变更数: the 复查 changed or revoked the answer
	MPetRechecks       // 复核数
	MPetRecheckChanged // 复核变更数
	// 处置用时: the hours from the report to the resolution of the cases
	// resolved or closed, summed (平均处置用时 = HandleHours / (resolved +
	// closed), the handling units' evaluation).
	MHandleHours
	// Hazards (安全隐患, hazard.go, docs/hazards.md); zero for the other
	// kinds. They follow the measures before them so that the journal's
	// rows written before they existed read the same (journal.go numbers
	// the measures).
	MHazardMajor           // 重大隐患数
	MHazardOrdered         // 责令整改数: rectification ordered
	MHazardRectified       // 整改完成数: rechecked, passed and closed (销号)
	MHazardRectifiedOnTime // 按期整改数: closed so, never missing a rectification deadline
	MHazardRechecked       // 复查数: rechecked at least once
	MHazardPassedFirst     // 复查合格数: passed at the first recheck
	MHazardLate            // 整改超期数: missed a rectification deadline
	MHazardListed          // 挂牌督办数
	MHazardMajorOpen       // 重大隐患未销号: major and open now
	NumMeasures
)

// MeasureNames are the measures' names, used as column names (m_<name>)
// and in the API.
var MeasureNames = [NumMeasures]string{"reported", "in_reported", "in_accepted", "in_rejected", "in_dispatched",
	"in_progress", "in_resolved", "in_closed", "in_merged", "signed", "signed_on_time", "on_time", "closed_on_time",
	"overdue", "due", "deferred", "escalated", "returned", "reworked", "verified", "reopened", "rated", "satisfied",
	"dissatisfied", "sensitive", "mediated", "agreed", "settled", "confirmed", "perform_base", "performed",
	"agreement_days", "petitions", "petition_people", "pet_repeats", "pet_overreach", "pet_letters",
	"pet_letters_replied", "pet_decided", "pet_decided_on_time", "pet_accepted", "pet_answered", "pet_answered_on_time",
	"pet_extended", "pet_reviews", "pet_review_changed", "pet_rechecks", "pet_recheck_changed", "handle_hours",
	"hz_major", "hz_ordered", "hz_rectified", "hz_rectified_on_time", "hz_rechecked", "hz_passed_first", "hz_late",
	"hz_listed", "hz_major_open"}

// statusMeasure maps each status to the measure counting it.
var statusMeasure = map[Status]Measure{StatusReported: MInReported, StatusAccepted: MInAccepted,
	StatusRejected: MInRejected, StatusDispatched: MInDispatched, StatusInProgress: MInProgress,
	StatusResolved: MInResolved, StatusClosed: MInClosed, StatusMerged: MInMerged}

// kindOwn are the measures, first to last, that the cases of one kind
// alone count (CaseTally): zero for every other kind.
var kindOwn = map[Kind][2]Measure{KindDispute: {MMediated, MAgreementDays},
	KindPetition: {MPetitions, MPetRecheckChanged}, KindHazard: {MHazardMajor, MHazardMajorOpen}}

// KindMeasures answers the measures the cases of kind k can count: every
// one but the other kinds' own. A reading of k's counters need not add up
// the rest: they are zero.
func KindMeasures(k Kind) MeasureSet {
	s := MeasureSet(1)<<NumMeasures - 1
	for o, r := range kindOwn {
		for m := r[0]; m <= r[1] && o != k; m++ {
			s &^= 1 << m
		}
	}
	return s
}

// Tally is what one case counts, or the sum over many.
type Tally [NumMeasures]int64

// Add adds t to s.
func (s *Tally) Add(t *Tally) {
	for i := range s {
		s[i] += t[i]
	}
}

// Sub takes t from s.
func (s *Tally) Sub(t *Tally) {
	for i := range s {
		s[i] -= t[i]
	}
}

// Zero reports whether every measure is zero.
func (s *Tally) Zero() bool {
	return *s == Tally{}
}

// CaseTally answers what c counts. A merged duplicate counts as reported
// and merged only: its work is the main case's.
func CaseTally(c *Case) Tally {
	var t Tally
	t[MReported] = 1
	if m, ok := statusMeasure[c.Status]; ok {
		t[m] = 1
	}
	b := func(m Measure, yes bool) {
		if yes {
			t[m] = 1
		}
	}
	p := c.Petition
	if p != nil && c.Kind == KindPetition {
		t[MPetitions] = 1
		t[MPetitionPeople] = int64(max(1, p.People))
		b(MPetRepeats, p.MergedAs == MergeRepeat)
		b(MPetOverreach, p.MergedAs == MergeOverreach)
	}
	if c.Status == StatusMerged {
		return t
	}
	open := c.Status.Open()
	done := c.Status == StatusResolved || c.Status == StatusClosed
	b(MSigned, c.SignedAt != nil)
	b(MSignedOnTime, c.SignedAt != nil && !c.SignLate)
	b(MOnTime, done && !c.Overdue)
	b(MClosedOnTime, c.Status == StatusClosed && !c.Overdue)
	b(MOverdue, c.Overdue)
	b(MDue, c.Status == StatusClosed || (open && c.Overdue))
	b(MDeferred, open && c.Overdue && c.Suspended)
	b(MEscalated, c.EscalationLevel > 0)
	b(MReturned, c.Returns > 0)
	b(MReworked, c.Reworks > 0)
	b(MVerified, c.Status == StatusClosed || c.Reworks > 0)
	b(MReopened, c.Reopens > 0)
	if c.Satisfaction != nil {
		t[MRated] = 1
		b(MSatisfied, *c.Satisfaction == Satisfied || *c.Satisfaction == BasicallySatisfied)
		b(MDissatisfied, *c.Satisfaction == Dissatisfied)
	}
	b(MSensitive, c.Sensitive)
	if done && c.ResolvedAt != nil {
		t[MHandleHours] = int64(max(0, c.ResolvedAt.Sub(c.ReportedAt).Hours()))
	}
	if m := c.Mediation; m != nil && c.Kind == KindDispute {
		agreed := m.Outcome == OutcomeAgreement
		b(MMediated, m.Outcome != "")
		b(MAgreed, agreed)
		b(MSettled, m.Settled)
		b(MConfirmed, agreed && m.Confirmation == ConfirmConfirmed)
		b(MPerformed, m.Performed())
		b(MPerformBase, agreed && (m.PerformDue || m.Performed()))
		if agreed && m.AgreedAt != nil {
			t[MAgreementDays] = int64(max(0, DayOf(*m.AgreedAt).Sub(DayOf(c.ReportedAt)).Hours()/24))
		}
	}
	if p != nil && c.Kind == KindPetition {
		answered := (p.Level == 0 && p.AnsweredOn != nil) || p.Level > 0
		b(MPetLetters, p.Channel == PetitionLetter)
		b(MPetLettersReplied, p.Channel == PetitionLetter && p.Replied)
		b(MPetDecided, p.DecidedOn != nil)
		b(MPetDecidedOnTime, p.DecidedOn != nil && !p.DecideLate)
		b(MPetAccepted, p.AcceptedOn != nil)
		b(MPetAnswered, answered)
		b(MPetAnsweredOnTime, answered && !p.FirstAnswerLate)
		b(MPetExtended, p.ExtendedDays > 0)
		b(MPetReviews, p.Level >= 1)
		b(MPetReviewChanged, p.ReviewOpinion == OpinionChange || p.ReviewOpinion == OpinionRevoke)
		b(MPetRechecks, p.Level >= 2)
		b(MPetRecheckChanged, p.RecheckOpinion == OpinionChange || p.RecheckOpinion == OpinionRevoke)
	}
	if h := c.Hazard; h != nil && c.Kind == KindHazard {
		passed := h.Stage == HazardPassed
		b(MHazardMajor, h.Level == HazardMajor)
		b(MHazardOrdered, h.Round > 0)
		b(MHazardRectified, passed)
		b(MHazardRectifiedOnTime, passed && !h.Late)
		b(MHazardRechecked, h.Rechecks > 0)
		b(MHazardPassedFirst, passed && h.Round == 1)
		b(MHazardLate, h.Late)
		b(MHazardListed, h.Listed)
		b(MHazardMajorOpen, h.Level == HazardMajor && open)
	}
	return t
}

// TallyKey is the cohort a case counts in, at each of its nodes.
type TallyKey struct {
	Region   string
	Day      string // the day it was reported, YYYY-MM-DD in China Standard Time
	Kind     Kind
	Category string
	Source   Source
}

// Month answers the month of the key's day, YYYY-MM.
func (k TallyKey) Month() string { return k.Day[:7] }

// CaseTallyKey answers the cohort of c.
func CaseTallyKey(c *Case) TallyKey {
	return TallyKey{Region: c.Region, Day: c.ReportedAt.In(CST).Format("2006-01-02"), Kind: c.Kind,
		Category: c.Category, Source: c.Source}
}

// TallyNodes answers the codes of every unit c lies in — each unit on the
// paths of where it happened, of the centre holding it and of the unit that
// must act — and its grid, sorted and once each: the nodes of its counters.
func TallyNodes(c *Case) []string {
	seen := map[string]bool{}
	for _, p := range []string{c.UnitPath, c.HoldingPath, c.AssignedPath} {
		for _, code := range strings.Split(strings.Trim(p, "/"), "/") {
			if code != "" {
				seen[code] = true
			}
		}
	}
	if c.Grid != "" {
		seen[c.Grid] = true
	}
	out := make([]string, 0, len(seen))
	for code := range seen {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

// TallyRow is one counter: what the cases of a cohort count at a node.
type TallyRow struct {
	Node string
	Key  TallyKey
	T    Tally
}

// TallyChange answers the counters to add when a case changes from before
// (nil for a new case) to after, one row for each node and cohort whose
// counts change, sorted by node and cohort so that writers take row locks
// in one order.
func TallyChange(before, after *Case) []TallyRow {
	if before == nil && after != nil { // a new case: its tally at each node, in node order
		t, k := CaseTally(after), CaseTallyKey(after)
		nodes := TallyNodes(after)
		out := make([]TallyRow, len(nodes))
		for i, n := range nodes {
			out[i] = TallyRow{Node: n, Key: k, T: t}
		}
		return out
	}
	type nk struct {
		node string
		key  TallyKey
	}
	sum := map[nk]*Tally{}
	add := func(c *Case, sign int64) {
		t, k := CaseTally(c), CaseTallyKey(c)
		for _, n := range TallyNodes(c) {
			s := sum[nk{n, k}]
			if s == nil {
				s = new(Tally)
				sum[nk{n, k}] = s
			}
			for i := range s {
				s[i] += sign * t[i]
			}
		}
	}
	if before != nil {
		add(before, -1)
	}
	if after != nil {
		add(after, 1)
	}
	out := make([]TallyRow, 0, len(sum))
	for k, t := range sum {
		if !t.Zero() {
			out = append(out, TallyRow{Node: k.node, Key: k.key, T: *t})
		}
	}
	sort.Slice(out, func(i, j int) bool { return TallyLess(out[i], out[j]) })
	return out
}

// TallyLess orders counters by node, then by cohort.
func TallyLess(a, b TallyRow) bool {
	if a.Node != b.Node {
		return a.Node < b.Node
	}
	if a.Key.Day != b.Key.Day {
		return a.Key.Day < b.Key.Day
	}
	if a.Key.Region != b.Key.Region {
		return a.Key.Region < b.Key.Region
	}
	if a.Key.Kind != b.Key.Kind {
		return a.Key.Kind < b.Key.Kind
	}
	if a.Key.Category != b.Key.Category {
		return a.Key.Category < b.Key.Category
	}
	return a.Key.Source < b.Key.Source
}
