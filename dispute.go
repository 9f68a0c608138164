package pingan

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Disputes and mediation (矛盾纠纷多元化解) under 《中华人民共和国人民调解法》
// (the People's Mediation Law, 2010), docs/disputes.md. A dispute is a case
// of kind dispute; mediation adds to it, without forking the loop:
//
//   - its parties (当事人, Case.Parties: sealed personal data like the
//     reporter's) and the facts of the dispute (DisputeFacts: the amount in
//     dispute 标的额, the people involved, 群体性);
//   - the mediation organisation it is dispatched to (调解组织: a unit with an
//     OrgType, the handling unit of the loop);
//   - mediation sessions (调解会, ActMediate), recorded by the mediator
//     while the case is in progress;
//   - the outcome, which resolves the case (办结反馈) for the centre to
//     verify and close: an agreement (ActAgree, art. 28–30), a mediation
//     that failed (ActMediationFail, art. 26) or one the parties refused
//     (ActRefuseMediation, art. 17/18), the last two with the route the
//     parties were told about (Referral);
//   - after an agreement: the court's answer to an application for judicial
//     confirmation (司法确认, art. 33, ActConfirm) within 30 days of it, the
//     performance of each term (履行, ActPerform), the follow-up visit (回访,
//     art. 31, ActRevisit); a term not performed by its date raises the
//     case again for the mediator (ActTermOverdue, the system's).
//
// The case row keeps the state (Mediation) as it keeps every other: a
// cache of the timeline, which the statistics count (tally.go).

// PartyType is whether a party is a person or an organisation.
type PartyType string

const (
	PartyPerson       PartyType = "person"       // 自然人
	PartyOrganisation PartyType = "organisation" // 法人或其他组织
)

// The roles of the parties of a dispute (Person.Role).
const (
	PartyApplicant  = "applicant"  // 申请人
	PartyRespondent = "respondent" // 被申请人
	PartyOther      = "party"      // 当事人 (neither, or both)
)

// PartyRoles are the roles a party may have.
var PartyRoles = []string{PartyApplicant, PartyRespondent, PartyOther}

// MaxParties bounds the parties of one dispute; a group dispute names its
// representatives, not every member.
const MaxParties = 20

// OrgType is the kind of a mediation organisation (调解组织). A unit with an
// OrgType is one; a category may name the kind its disputes go to by
// default (Category.OrgType), found among the organisations above the case.
type OrgType string

const (
	OrgVillage        OrgType = "village"        // 村(居)民委员会人民调解委员会
	OrgTownship       OrgType = "township"       // 乡镇(街道)人民调解委员会
	OrgMedical        OrgType = "medical"        // 医疗纠纷人民调解委员会
	OrgTraffic        OrgType = "traffic"        // 道路交通事故纠纷人民调解委员会
	OrgLabour         OrgType = "labour"         // 劳动争议调解组织
	OrgProperty       OrgType = "property"       // 物业纠纷调解委员会
	OrgFamily         OrgType = "family"         // 婚姻家庭纠纷调解委员会
	OrgAdministrative OrgType = "administrative" // 行政调解 (a department)
	OrgCourt          OrgType = "court"          // 诉前调解 (referred by a court)
	OrgLawyer         OrgType = "lawyer"         // 律师调解
	OrgOther          OrgType = "other"          // 其他调解组织
)

// OrgTypes lists the kinds of mediation organisations.
var OrgTypes = []OrgType{OrgVillage, OrgTownship, OrgMedical, OrgTraffic, OrgLabour, OrgProperty, OrgFamily,
	OrgAdministrative, OrgCourt, OrgLawyer, OrgOther}

// Valid reports whether t is a known kind ("" is none).
func (t OrgType) Valid() bool {
	for _, o := range OrgTypes {
		if o == t {
			return true
		}
	}
	return false
}

// DisputeFacts are what a dispute is about, beyond its parties: nothing
// personal.
type DisputeFacts struct {
	// AmountFen is the amount in dispute (标的额), in fen (分, a hundredth
	// of a yuan); 0 when none or unknown.
	AmountFen int64 `json:"amount_fen"`
	// People is how many people the dispute involves (涉及人数), 0 when
	// not given.
	People int `json:"people"`
	// Group marks a group dispute (群体性纠纷): People reaches the
	// threshold the deployment sets (DisputeSettings.GroupSize). Set by
	// the store, never by the caller.
	Group bool `json:"group"`
	// Volatile marks a dispute likely to escalate (可能激化), as the
	// reporter judges it; the warning rule "volatile" reads it.
	Volatile bool `json:"volatile"`
}

// MaxAmountFen bounds the amount in dispute: ten billion yuan.
const MaxAmountFen = 1_000_000_000_000

// Check checks the facts into v under the prefix ("" for the top).
func (f *DisputeFacts) Check(v *Invalid, prefix string) {
	if f.AmountFen < 0 || f.AmountFen > MaxAmountFen {
		v.Add(prefix+"amount_fen", "dispute.amount.range")
	}
	if f.People < 0 || f.People > 1_000_000 {
		v.Add(prefix+"people", "dispute.people.range")
	}
}

// MediationOutcome is how the mediation of a dispute ended.
type MediationOutcome string

const (
	OutcomeAgreement MediationOutcome = "agreement" // 调解成功，达成协议
	OutcomeFailed    MediationOutcome = "failed"    // 调解不成
	OutcomeRefused   MediationOutcome = "refused"   // 当事人拒绝调解
)

// SessionResult is how a mediation session (调解会) ended.
type SessionResult string

const (
	SessionContinue  SessionResult = "continue"  // 继续调解
	SessionAgreement SessionResult = "agreement" // 达成协议
	SessionFailed    SessionResult = "failed"    // 调解不成
)

// MediationSession is one sitting of a mediation (调解会), recorded by the
// mediator. Attendees and Record may name people: they are sealed with the
// case's personal data and read whole only by those SeesPersonal names.
type MediationSession struct {
	Seq    int       `json:"seq"`
	HeldAt time.Time `json:"held_at"`
	// Place is where it was held: a named mediation room (天理良心调解室),
	// a village office.
	Place string `json:"place"`
	// Mediators are the mediators who held it (调解员; a team, e.g. the
	// five of a 五人小组), by name.
	Mediators []string `json:"mediators"`
	// Attendees says who attended (到场人员): the parties or their agents,
	// others.
	Attendees string `json:"attendees"`
	// RightsNotified records that the parties were told their rights and
	// duties (告知权利义务, art. 23).
	RightsNotified bool `json:"rights_notified"`
	// Record is the record of the session (调解笔录).
	Record     string        `json:"record"`
	Result     SessionResult `json:"result"`
	RecordedBy string        `json:"recorded_by,omitempty"`
	RecordedAt time.Time     `json:"recorded_at,omitzero"`
}

// Limits of the texts of mediation.
const (
	MaxMediationText = 20000 // a record, the facts of an agreement
	MaxMediationLine = 500   // a place, a term, a name
	MaxTerms         = 50
	MaxMediators     = 20
)

// Check checks the session into v under the prefix, at now: held, not in
// the future; a place, a mediator, a record and a known result.
func (s *MediationSession) Check(v *Invalid, prefix string, now time.Time) {
	s.Place = strings.TrimSpace(s.Place)
	s.Attendees = strings.TrimSpace(s.Attendees)
	s.Record = strings.TrimSpace(s.Record)
	switch {
	case s.HeldAt.IsZero():
		v.Require(prefix+"held_at", "")
	case s.HeldAt.After(now):
		v.Add(prefix+"held_at", "mediation.session.future")
	}
	v.Require(prefix+"place", s.Place)
	checkLen(v, prefix+"place", s.Place, MaxMediationLine)
	var names []string
	for _, m := range s.Mediators {
		if m = strings.TrimSpace(m); m != "" {
			names = append(names, m)
		}
	}
	s.Mediators = names
	switch {
	case len(names) == 0:
		v.Add(prefix+"mediators", "mediation.session.mediators")
	case len(names) > MaxMediators:
		v.Add(prefix+"mediators", "mediation.session.mediators.many", MaxMediators)
	}
	v.Require(prefix+"record", s.Record)
	checkLen(v, prefix+"record", s.Record, MaxMediationText)
	checkLen(v, prefix+"attendees", s.Attendees, MaxMediationText)
	switch s.Result {
	case SessionContinue, SessionAgreement, SessionFailed:
	case "":
		v.Require(prefix+"result", "")
	default:
		v.Add(prefix+"result", "mediation.session.result.unknown", string(s.Result))
	}
}

// checkLen adds the refusal of a text longer than max characters.
func checkLen(v *Invalid, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "mediation.text.long", max)
	}
}

// Agreement is a mediation agreement (调解协议, art. 28–30). A written one
// (调解协议书) holds what art. 29 asks: the parties (the case's), the main
// facts and the matters in dispute, the terms agreed, and how and by when
// each is performed; it is printed for the parties and the mediator to
// sign. A simple matter may end in an oral agreement, recorded (口头协议).
type Agreement struct {
	Written bool `json:"written"`
	// Facts are the main facts and the matters in dispute (纠纷的主要事实、
	// 争议事项).
	Facts string `json:"facts"`
	Terms []Term `json:"terms"`
	// SignedOn is the day the agreement was reached (协议日期): the 30
	// days for judicial confirmation and the follow-up visit count from
	// it.
	SignedOn time.Time `json:"signed_on"`
	// Mediators who signed it, by name.
	Mediators []string `json:"mediators,omitempty"`
}

// Term is one term of an agreement (协议条款): who performs what, how, by
// when, and whether it was.
type Term struct {
	No   int    `json:"no"`
	Text string `json:"text"`
	// By is who performs it: a party's role or name (被申请人王某).
	By  string `json:"by"`
	How string `json:"how,omitempty"` // 履行方式: 一次性现金支付、分期转账 …
	// Due is the day by which it is performed (履行期限).
	Due         time.Time  `json:"due"`
	PerformedOn *time.Time `json:"performed_on,omitempty"`
	// Note is what was recorded with its performance.
	Note string `json:"note,omitempty"`
}

// Check checks the agreement into v at now: a day not in the future; at
// least one term, each with its text, who performs it and a day not
// before the agreement's; a written one states the facts. It numbers the
// terms 1, 2, 3 … and trims the texts.
func (a *Agreement) Check(v *Invalid, now time.Time) {
	a.Facts = strings.TrimSpace(a.Facts)
	switch {
	case a.SignedOn.IsZero():
		v.Require("agreement.signed_on", "")
	case a.SignedOn.After(now):
		v.Add("agreement.signed_on", "mediation.agreement.future")
	}
	if a.Written {
		v.Require("agreement.facts", a.Facts)
	}
	checkLen(v, "agreement.facts", a.Facts, MaxMediationText)
	switch {
	case len(a.Terms) == 0:
		v.Add("agreement.terms", "mediation.agreement.terms")
	case len(a.Terms) > MaxTerms:
		v.Add("agreement.terms", "mediation.agreement.terms.many", MaxTerms)
	}
	for i := range a.Terms {
		t := &a.Terms[i]
		t.No = i + 1
		t.Text, t.By, t.How = strings.TrimSpace(t.Text), strings.TrimSpace(t.By), strings.TrimSpace(t.How)
		t.PerformedOn, t.Note = nil, ""
		f := "agreement.terms." + strconv.Itoa(i+1) + "."
		v.Require(f+"text", t.Text)
		checkLen(v, f+"text", t.Text, MaxMediationText)
		v.Require(f+"by", t.By)
		checkLen(v, f+"by", t.By, MaxMediationLine)
		checkLen(v, f+"how", t.How, MaxMediationLine)
		switch {
		case t.Due.IsZero():
			v.Add(f+"due", "mediation.term.due")
		case !a.SignedOn.IsZero() && DayOf(t.Due).Before(DayOf(a.SignedOn)):
			v.Add(f+"due", "mediation.term.due.before")
		}
	}
}

// Referral is the route the parties were told about when mediation failed
// or was refused (art. 26: 仲裁、行政、司法途径).
type Referral string

const (
	ReferArbitration    Referral = "arbitration"    // 仲裁
	ReferAdministrative Referral = "administrative" // 行政途径 (复议、裁决)
	ReferLitigation     Referral = "litigation"     // 诉讼
	ReferOther          Referral = "other"          // 其他合法途径
)

// Referrals lists the routes.
var Referrals = []Referral{ReferArbitration, ReferAdministrative, ReferLitigation, ReferOther}

// Valid reports whether r is a known route.
func (r Referral) Valid() bool {
	for _, x := range Referrals {
		if x == r {
			return true
		}
	}
	return false
}

// Confirmation is the state of judicial confirmation (司法确认, art. 33):
// the parties may apply to the court within 30 days of the agreement.
type Confirmation string

const (
	ConfirmApplied   Confirmation = "applied"   // 已申请
	ConfirmConfirmed Confirmation = "confirmed" // 法院确认有效
	ConfirmRefused   Confirmation = "refused"   // 法院不予确认
)

// Valid reports whether c is a known state ("" is none).
func (c Confirmation) Valid() bool {
	return c == ConfirmApplied || c == ConfirmConfirmed || c == ConfirmRefused
}

// ConfirmWindow is how long after an agreement the parties may apply for
// judicial confirmation (art. 33); ConfirmReminder how long before it
// closes the mediator is reminded.
const (
	ConfirmWindowDays   = 30
	ConfirmReminderDays = 7
)

// RevisitResult is what a follow-up visit (回访) found.
type RevisitResult string

const (
	RevisitSettled    RevisitResult = "settled"    // 已化解 (the matter is settled)
	RevisitPerforming RevisitResult = "performing" // 履行中
	RevisitUnsettled  RevisitResult = "unsettled"  // 未化解
)

// Revisit is a follow-up visit (回访, art. 31).
type Revisit struct {
	On     time.Time     `json:"on"`
	Result RevisitResult `json:"result"`
	Note   string        `json:"note"`
}

// Check checks the visit into v at now.
func (r *Revisit) Check(v *Invalid, now time.Time) {
	r.Note = strings.TrimSpace(r.Note)
	switch {
	case r.On.IsZero():
		v.Require("revisit.on", "")
	case r.On.After(now):
		v.Add("revisit.on", "mediation.revisit.future")
	}
	switch r.Result {
	case RevisitSettled, RevisitPerforming, RevisitUnsettled:
	case "":
		v.Require("revisit.result", "")
	default:
		v.Add("revisit.result", "mediation.revisit.result.unknown", string(r.Result))
	}
	v.Require("revisit.note", r.Note)
	checkLen(v, "revisit.note", r.Note, MaxMediationText)
}

// Mediation is the state of a dispute's mediation, kept on the case row: a
// cache of its timeline, counted by the statistics.
type Mediation struct {
	DisputeFacts
	// Sessions is how many sessions were recorded.
	Sessions int              `json:"sessions"`
	Outcome  MediationOutcome `json:"outcome,omitempty"`
	// Referral is the route of a failed or refused mediation.
	Referral Referral `json:"referral,omitempty"`
	// AgreedAt is the day of the agreement (Agreement.SignedOn).
	AgreedAt *time.Time `json:"agreed_at,omitempty"`
	// ConfirmBy is the last day to apply for judicial confirmation.
	ConfirmBy    *time.Time   `json:"confirm_by,omitempty"`
	Confirmation Confirmation `json:"confirmation,omitempty"`
	// Terms and TermsPerformed count the agreement's terms; NextDue is the
	// earliest day of a term not yet performed.
	Terms          int        `json:"terms"`
	TermsPerformed int        `json:"terms_performed"`
	NextDue        *time.Time `json:"next_due,omitempty"`
	// PerformDue is set once the day of every term has passed (履行期届满),
	// by the deadline watch.
	PerformDue bool `json:"perform_due"`
	// RevisitBy is when the follow-up visit is due; RevisitedAt when the
	// last one was made.
	RevisitBy   *time.Time `json:"revisit_by,omitempty"`
	RevisitedAt *time.Time `json:"revisited_at,omitempty"`
	// Settled (化解): an agreement was reached, or a follow-up visit found
	// the matter settled.
	Settled bool `json:"settled"`
}

// Performed reports whether every term of the agreement was performed.
func (m *Mediation) Performed() bool {
	return m != nil && m.Outcome == OutcomeAgreement && m.Terms > 0 && m.TermsPerformed >= m.Terms
}

// DayOf answers the midnight (China Standard Time) that starts t's day.
func DayOf(t time.Time) time.Time {
	y, mo, d := t.In(CST).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, CST)
}

// DisputeSettings are a deployment's rules for disputes.
type DisputeSettings struct {
	// GroupSize is the number of people from which a dispute is a group
	// dispute (群体性纠纷); DefaultGroupSize when 0.
	GroupSize int `json:"group_size"`
	// RevisitDays is how many days after an agreement the follow-up visit
	// is due; DefaultRevisitDays when 0.
	RevisitDays int `json:"revisit_days"`
}

// Defaults of DisputeSettings.
const (
	DefaultGroupSize   = 5
	DefaultRevisitDays = 30
)

// Normalize fills the defaults.
func (s *DisputeSettings) Normalize() {
	if s.GroupSize <= 0 {
		s.GroupSize = DefaultGroupSize
	}
	if s.RevisitDays <= 0 {
		s.RevisitDays = DefaultRevisitDays
	}
}

// Validate checks the settings into v.
func (s *DisputeSettings) Validate(v *Invalid) {
	if s.GroupSize < 2 || s.GroupSize > 10000 {
		v.Add("group_size", "dispute.settings.group_size")
	}
	if s.RevisitDays < 1 || s.RevisitDays > 365 {
		v.Add("revisit_days", "dispute.settings.revisit_days")
	}
}

// MediationRecord is everything recorded in a dispute's mediation: its
// sessions, its agreement (nil when none), the end of a failed or refused
// mediation and the follow-up visits. Sessions' Attendees and Record are
// masked ("") for a reader who does not see the case's personal data.
type MediationRecord struct {
	Sessions  []MediationSession `json:"sessions"`
	Agreement *Agreement         `json:"agreement,omitempty"`
	// EndReason is why a failed or refused mediation ended (Outcome).
	EndReason string    `json:"end_reason,omitempty"`
	Revisits  []Revisit `json:"revisits"`
	Masked    bool      `json:"masked"`
}

// MediationService reads what a dispute's mediation recorded; the actions
// that record it go through CaseService.Act.
type MediationService interface {
	// Mediation answers the record of the case id, read in actor's
	// jurisdiction (ENOTFOUND outside it), personal parts masked unless
	// SeesPersonal; the read is audited like the case's.
	Mediation(ctx context.Context, actor *User, id string) (*MediationRecord, error)
}
