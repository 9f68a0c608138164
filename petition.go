package pingan

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Petitions (信访) under 《信访工作条例》 (the Regulation on Letters and
// Visits, issued 2022, in force 2022-05-01), docs/petitions.md. A petition
// is a case of kind petition; the regulation's steps are rows of the one
// workflow table, and each statutory period is the case's running deadline
// (ResolveBy), so the deadline watch, the overdue counts and the open-now
// gauges follow them as they follow every other case:
//
//   - registration (登记, 来信必录): the channel (来信, 来访, 来电, 网上,
//     12345 转办), the day it was received and a letter's postmark, how
//     many came to a visit and their representatives (at most five, art.
//     20); the 信访部门 then has 15 days (art. 21): it forwards or assigns
//     the matter to the unit that must handle it (转送/交办, the dispatch),
//     tells the petitioner in writing that it belongs to another statutory
//     route (告知, PetitionInform), or does not accept it (不予受理, reject);
//   - the responsible unit decides within 15 days of receiving it whether
//     to accept it and tells the petitioner in writing (art. 22:
//     PetitionAccept with a 受理告知书, PetitionRefuse with a 不予受理告知书);
//   - it handles an accepted matter within 60 days; an extension of at most
//     30 days, once, with its reason in a 延期告知书 (art. 34, PetitionExtend);
//   - it ends with a written answer, the 处理意见书 (art. 32,
//     PetitionAnswer); every letter gets a written reply (来信必复);
//   - 复查: within 30 days of receiving the answer the petitioner may ask the
//     unit one level up, which answers within 30 days (art. 35,
//     PetitionReview, then PetitionAnswer with a 复查意见书);
//   - 复核: within 30 days of the 复查 answer, one level further up, answered
//     within 30 days; a hearing (听证) stops the clock (art. 36: suspend and
//     resume); after it the same request is not accepted again.
//
// Each written step carries its document (PetitionDocument): numbered
// (肃信转〔2026〕123号), its text filled from the case and edited before
// issue, kept with the case; the day it was sent and how (PetitionDeliver)
// is what the 复查 and 复核 windows count from.
//
// A new petition about a matter already open or finished is merged into it
// as a repeat (重复件); one to a higher level about a matter still open
// below as 越级 (MergeAs). The statistics count matters and people-times
// (人次). pingan records matters, never people as targets: there is no
// list, flag or profile of a petitioner (docs/petitions.md, "The line").

// PetitionChannel is how a petition arrived (信访形式).
type PetitionChannel string

const (
	PetitionLetter  PetitionChannel = "letter"  // 来信
	PetitionVisit   PetitionChannel = "visit"   // 来访
	PetitionPhone   PetitionChannel = "phone"   // 来电
	PetitionOnline  PetitionChannel = "online"  // 网上信访
	PetitionHotline PetitionChannel = "hotline" // 12345 转办
)

// PetitionChannels lists the channels.
var PetitionChannels = []PetitionChannel{PetitionLetter, PetitionVisit, PetitionPhone, PetitionOnline, PetitionHotline}

// Valid reports whether c is a known channel.
func (c PetitionChannel) Valid() bool {
	for _, x := range PetitionChannels {
		if x == c {
			return true
		}
	}
	return false
}

// Label is the zh-CN name of the channel.
func (c PetitionChannel) Label() string {
	switch c {
	case PetitionLetter:
		return "来信"
	case PetitionVisit:
		return "来访"
	case PetitionPhone:
		return "来电"
	case PetitionOnline:
		return "网上信访"
	case PetitionHotline:
		return "12345转办"
	}
	return string(c)
}

// PetitionStage is where a petition stands in the regulation's procedure.
type PetitionStage string

const (
	StageRegistered  PetitionStage = "registered"   // 已登记: the 信访部门 decides within 15 days
	StageForwarded   PetitionStage = "forwarded"    // 已转送/交办: the unit decides within 15 days
	StageInformed    PetitionStage = "informed"     // 已告知 (another statutory route): ends
	StageNotAccepted PetitionStage = "not_accepted" // 不予受理: ends
	StageAccepted    PetitionStage = "accepted"     // 已受理: handled within 60 days (+30)
	StageAnswered    PetitionStage = "answered"     // 已出具处理意见书
	StageReview      PetitionStage = "review"       // 复查中: answered within 30 days
	StageReviewed    PetitionStage = "reviewed"     // 已复查
	StageRecheck     PetitionStage = "recheck"      // 复核中: answered within 30 days, a hearing not counted
	StageRechecked   PetitionStage = "rechecked"    // 已复核: final, not accepted again
)

// PetitionStages lists the stages in the order of the procedure.
var PetitionStages = []PetitionStage{StageRegistered, StageForwarded, StageInformed, StageNotAccepted, StageAccepted,
	StageAnswered, StageReview, StageReviewed, StageRecheck, StageRechecked}

// Label is the zh-CN name of the stage.
func (s PetitionStage) Label() string {
	switch s {
	case StageRegistered:
		return "已登记"
	case StageForwarded:
		return "已转送交办"
	case StageInformed:
		return "已告知其他途径"
	case StageNotAccepted:
		return "不予受理"
	case StageAccepted:
		return "已受理"
	case StageAnswered:
		return "已出具处理意见"
	case StageReview:
		return "复查中"
	case StageReviewed:
		return "已复查"
	case StageRecheck:
		return "复核中"
	case StageRechecked:
		return "已复核"
	}
	return string(s)
}

// ForwardMode is how the 信访部门 sends a matter on (art. 21).
type ForwardMode string

const (
	// ForwardTransfer (转送): the unit handles it under its own duty.
	ForwardTransfer ForwardMode = "transfer"
	// ForwardAssign (交办): the unit handles it and reports the result
	// back within the period set (办结报告).
	ForwardAssign ForwardMode = "assign"
)

// Valid reports whether m is a known mode.
func (m ForwardMode) Valid() bool { return m == ForwardTransfer || m == ForwardAssign }

// Label is the zh-CN name of the mode.
func (m ForwardMode) Label() string {
	switch m {
	case ForwardTransfer:
		return "转送"
	case ForwardAssign:
		return "交办"
	}
	return string(m)
}

// Opinion is what a written answer decides: of a 处理意见书 (art. 32),
// support, explain or not support; of a 复查 or 复核 (art. 35–36), uphold
// the answer below, change it or revoke it.
type Opinion string

const (
	OpinionSupport    Opinion = "support"     // 予以支持
	OpinionExplain    Opinion = "explain"     // 解释说明 (reasonable, without a legal basis)
	OpinionNotSupport Opinion = "not_support" // 不予支持
	OpinionUphold     Opinion = "uphold"      // 维持
	OpinionChange     Opinion = "change"      // 变更
	OpinionRevoke     Opinion = "revoke"      // 撤销，责令重新处理
)

// Label is the zh-CN name of the opinion.
func (o Opinion) Label() string {
	switch o {
	case OpinionSupport:
		return "予以支持"
	case OpinionExplain:
		return "解释说明"
	case OpinionNotSupport:
		return "不予支持"
	case OpinionUphold:
		return "维持原处理意见"
	case OpinionChange:
		return "变更原处理意见"
	case OpinionRevoke:
		return "撤销原处理意见"
	}
	return string(o)
}

// OpinionsAt answers the opinions an answer at level may give: level 0 the
// 处理意见书's, 1 and 2 (复查, 复核) those on the answer below.
func OpinionsAt(level int) []Opinion {
	if level == 0 {
		return []Opinion{OpinionSupport, OpinionExplain, OpinionNotSupport}
	}
	return []Opinion{OpinionUphold, OpinionChange, OpinionRevoke}
}

// ValidAt reports whether o may be given at level.
func (o Opinion) ValidAt(level int) bool {
	for _, x := range OpinionsAt(level) {
		if x == o {
			return true
		}
	}
	return false
}

// DocKind is the kind of a petition's written document (信访文书).
type DocKind string

const (
	DocForward       DocKind = "forward"        // 信访事项转送（交办）单
	DocRoute         DocKind = "route"          // 告知书 (another statutory route)
	DocRefuse        DocKind = "refuse"         // 不予受理告知书
	DocAccept        DocKind = "accept"         // 受理告知书
	DocExtend        DocKind = "extend"         // 延期告知书
	DocAnswer        DocKind = "answer"         // 信访事项处理意见书
	DocReviewAnswer  DocKind = "review_answer"  // 信访事项复查意见书
	DocRecheckAnswer DocKind = "recheck_answer" // 信访事项复核意见书
)

// DocKinds lists the kinds of documents.
var DocKinds = []DocKind{DocForward, DocRoute, DocRefuse, DocAccept, DocExtend, DocAnswer, DocReviewAnswer, DocRecheckAnswer}

// Valid reports whether k is a known kind.
func (k DocKind) Valid() bool {
	for _, x := range DocKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Title is the document's title as printed.
func (k DocKind) Title() string {
	switch k {
	case DocForward:
		return "信访事项转送交办单"
	case DocRoute:
		return "信访事项告知书"
	case DocRefuse:
		return "信访事项不予受理告知书"
	case DocAccept:
		return "信访事项受理告知书"
	case DocExtend:
		return "信访事项延期办理告知书"
	case DocAnswer:
		return "信访事项处理意见书"
	case DocReviewAnswer:
		return "信访事项复查意见书"
	case DocRecheckAnswer:
		return "信访事项复核意见书"
	}
	return string(k)
}

// Mark is the character of the kind in a document's number: 肃信转〔2026〕
// 123号 is the 123rd forward of 2026 of a unit whose short name is 肃.
func (k DocKind) Mark() string {
	switch k {
	case DocForward:
		return "转"
	case DocRoute:
		return "告"
	case DocRefuse:
		return "不受"
	case DocAccept:
		return "受"
	case DocExtend:
		return "延"
	case DocAnswer:
		return "处"
	case DocReviewAnswer:
		return "复查"
	case DocRecheckAnswer:
		return "复核"
	}
	return ""
}

// Answer reports whether k is a written answer on the matter (处理意见书,
// 复查意见书, 复核意见书): its delivery starts the next level's window.
func (k DocKind) Answer() bool {
	return k == DocAnswer || k == DocReviewAnswer || k == DocRecheckAnswer
}

// AnswerKindAt answers the kind of the written answer at level.
func AnswerKindAt(level int) DocKind {
	switch level {
	case 1:
		return DocReviewAnswer
	case 2:
		return DocRecheckAnswer
	}
	return DocAnswer
}

// UnitShortName answers the short name a unit's documents are numbered
// with: the first character of its name after the province's and city's
// (酒泉市肃州区 → 肃); "" for an empty name.
func UnitShortName(name string) string {
	for _, p := range []string{"省", "自治区", "市"} {
		if i := strings.Index(name, p); i > 0 && i+len(p) < len(name) {
			name = name[i+len(p):]
		}
	}
	r, size := utf8.DecodeRuneInString(name)
	if size == 0 || r == utf8.RuneError {
		return ""
	}
	return string(r)
}

// DocNumber answers the number of the nth document of kind in year of a
// unit with the short name: 肃信转〔2026〕123号.
func DocNumber(short string, kind DocKind, year, n int) string {
	return short + "信" + kind.Mark() + "〔" + strconv.Itoa(year) + "〕" + strconv.Itoa(n) + "号"
}

// SendMethod is how a document was delivered to the petitioner (送达方式).
type SendMethod string

const (
	SendPost     SendMethod = "post"      // 邮寄
	SendSMS      SendMethod = "sms"       // 短信
	SendInPerson SendMethod = "in_person" // 当面送达
	SendOnline   SendMethod = "online"    // 网上答复
)

// SendMethods lists the methods.
var SendMethods = []SendMethod{SendPost, SendSMS, SendInPerson, SendOnline}

// Valid reports whether m is a known method.
func (m SendMethod) Valid() bool {
	for _, x := range SendMethods {
		if x == m {
			return true
		}
	}
	return false
}

// Label is the zh-CN name of the method.
func (m SendMethod) Label() string {
	switch m {
	case SendPost:
		return "邮寄"
	case SendSMS:
		return "短信"
	case SendInPerson:
		return "当面送达"
	case SendOnline:
		return "网上答复"
	}
	return string(m)
}

// MergeAs is what a petition merged into a matter is (ActionInput.MergeAs,
// Petition.MergedAs).
type MergeAs string

const (
	// MergeRepeat (重复件): the same petitioner about a matter already
	// open or finished.
	MergeRepeat MergeAs = "repeat"
	// MergeOverreach (越级): to a higher level about a matter still open
	// below; routed to the level handling it.
	MergeOverreach MergeAs = "overreach"
)

// Valid reports whether m is a known kind ("" is none).
func (m MergeAs) Valid() bool { return m == MergeRepeat || m == MergeOverreach }

// Limits of a petition.
const (
	// MaxRepresentatives bounds the representatives of a visit by many
	// people (art. 20: 代表人数不超过5人).
	MaxRepresentatives = 5
	// MaxPetitionExtension is the longest extension of the handling
	// period, given once (art. 34).
	MaxPetitionExtension = 30
	// MaxDocText bounds a document's text.
	MaxDocText = 20000
	// MaxDocNumber bounds a document's number.
	MaxDocNumber = 60
)

// PartyRepresentative is the role of a representative of a visit by many
// people (Person.Role, Case.Parties).
const PartyRepresentative = "representative"

// The statutory periods, in days (日, counted under the Civil Code's rules:
// calendar.CalendarDays).
const (
	PetitionDecideDays = 15 // art. 21 and 22: to forward or tell; to accept or not
	PetitionHandleDays = 60 // art. 34
	PetitionReviewDays = 30 // art. 35 and 36: to ask; to answer
)

// PetitionFacts are what a petition's registration records beyond the
// case: nothing personal (the petitioner is the Reporter; the
// representatives of a visit are Parties with the role representative).
type PetitionFacts struct {
	Channel PetitionChannel `json:"channel"`
	// ReceivedOn is the day it was received (收到日期): the 15 days of
	// art. 21 count from it. A day; the time of day is ignored.
	ReceivedOn time.Time `json:"received_on"`
	// PostmarkedOn is a letter's postmark (邮戳日期), nil when none.
	PostmarkedOn *time.Time `json:"postmarked_on,omitempty"`
	// People is how many came (来访人数) or signed; 1 when not given.
	People int `json:"people"`
}

// Check checks the facts into v under prefix, at now: a known channel, a
// day of receipt not in the future, a postmark not after it and only on a
// letter, people from 1.
func (f *PetitionFacts) Check(v *Invalid, prefix string, now time.Time) {
	switch {
	case f.Channel == "":
		v.Require(prefix+"channel", "")
	case !f.Channel.Valid():
		v.Add(prefix+"channel", "petition.channel.unknown", string(f.Channel))
	}
	today := DayOf(now)
	switch {
	case f.ReceivedOn.IsZero():
		v.Require(prefix+"received_on", "")
	case DayOf(f.ReceivedOn).After(today):
		v.Add(prefix+"received_on", "petition.received.future")
	}
	if f.PostmarkedOn != nil {
		switch {
		case f.Channel != PetitionLetter:
			v.Add(prefix+"postmarked_on", "petition.postmark.letter")
		case !f.ReceivedOn.IsZero() && DayOf(*f.PostmarkedOn).After(DayOf(f.ReceivedOn)):
			v.Add(prefix+"postmarked_on", "petition.postmark.after")
		}
	}
	if f.People == 0 {
		f.People = 1
	}
	if f.People < 0 || f.People > 100_000 {
		v.Add(prefix+"people", "petition.people.range")
	}
}

// PetitionFactsOf answers the registration of a petition reported at
// reportedAt from source without one: received that day, by the channel
// the source implies, one person.
func PetitionFactsOf(source Source, reportedAt time.Time) PetitionFacts {
	ch := PetitionOnline
	switch source {
	case SourceHotline:
		ch = PetitionHotline
	case SourceLetter:
		ch = PetitionLetter
	case SourceVisit, SourceGridWorker:
		ch = PetitionVisit
	}
	return PetitionFacts{Channel: ch, ReceivedOn: DayOf(reportedAt), People: 1}
}

// DocumentInput is the document an action issues: its number and text as
// the user last edited them (the draft pingan filled from the case).
type DocumentInput struct {
	Number string `json:"number"`
	Body   string `json:"body"`
}

// Check checks the document into v under prefix.
func (d *DocumentInput) Check(v *Invalid, prefix string) {
	d.Number = strings.TrimSpace(d.Number)
	d.Body = strings.TrimSpace(d.Body)
	v.Require(prefix+"number", d.Number)
	checkLen(v, prefix+"number", d.Number, MaxDocNumber)
	v.Require(prefix+"body", d.Body)
	checkLen(v, prefix+"body", d.Body, MaxDocText)
}

// PetitionDocument is a written document of a petition (信访文书). Its
// text may name the petitioner: the store seals it with the personal data.
type PetitionDocument struct {
	ID     int64   `json:"id"`
	CaseID string  `json:"case_id"`
	Kind   DocKind `json:"kind"`
	Number string  `json:"number"`
	Body   string  `json:"body"`
	// Unit is the issuing unit (its code) and UnitName its name.
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name,omitempty"`
	// Level of the procedure it was issued at (0, 1 复查, 2 复核).
	Level int `json:"level"`
	// IssuedAt is when it was issued (the action that carried it); Seq
	// that action's place in the timeline.
	IssuedAt time.Time `json:"issued_at"`
	IssuedBy string    `json:"issued_by"`
	Seq      int       `json:"seq"`
	// SentOn is the day it was delivered (送达) and SentBy how; nil and ""
	// until recorded.
	SentOn *time.Time `json:"sent_on,omitempty"`
	SentBy SendMethod `json:"sent_by,omitempty"`
}

// Petition is the state of a petition on its case row: a cache of its
// timeline, counted by the statistics (tally.go).
type Petition struct {
	PetitionFacts
	Stage       PetitionStage `json:"stage"`
	ForwardMode ForwardMode   `json:"forward_mode,omitempty"`
	// DecidedOn is the day the 信访部门 or the unit decided (forward,
	// tell, accept or not); DecideLate that it was after its 15 days.
	DecidedOn  *time.Time `json:"decided_on,omitempty"`
	DecideLate bool       `json:"decide_late"`
	AcceptedOn *time.Time `json:"accepted_on,omitempty"`
	// ExtendedDays is the extension given (延期, once), 0 when none.
	ExtendedDays int `json:"extended_days"`
	// Level is 0, 1 in 复查, 2 in 复核.
	Level int `json:"level"`
	// Opinion and AnsweredOn are of the latest answer; AnswerLate that it
	// came after its period; DeliveredOn the day it was delivered, from
	// which the next level's 30 days count.
	Opinion     Opinion    `json:"opinion,omitempty"`
	AnsweredOn  *time.Time `json:"answered_on,omitempty"`
	AnswerLate  bool       `json:"answer_late"`
	DeliveredOn *time.Time `json:"delivered_on,omitempty"`
	// Replied: a written reply was delivered (来信必复).
	Replied bool `json:"replied"`
	// FirstAnswerLate keeps whether the first answer (level 0) came late,
	// for the statistics, once a 复查 moves on.
	FirstAnswerLate bool `json:"first_answer_late"`
	// ReviewOpinion and RecheckOpinion are the answers of 复查 and 复核.
	ReviewOpinion  Opinion `json:"review_opinion,omitempty"`
	RecheckOpinion Opinion `json:"recheck_opinion,omitempty"`
	// RequestedOn is the day the 复查 or 复核 request was received; Late
	// reason why one after its 30 days was accepted.
	RequestedOn *time.Time `json:"requested_on,omitempty"`
	LateReason  string     `json:"late_reason,omitempty"`
	// MergedAs is what this petition was merged into its matter as
	// (repeat or 越级), "" when it is a matter of its own; Repeats counts
	// the petitions merged into this matter.
	MergedAs MergeAs `json:"merged_as,omitempty"`
	Repeats  int     `json:"repeats"`
	// Lead is the leader who took the matter on (包案), 0 when none.
	Lead     int64  `json:"lead,omitempty"`
	LeadName string `json:"lead_name,omitempty"`
}

// Final reports whether the procedure has ended at this stage: nothing
// more may be asked (告知, 不予受理, 复核).
func (p *Petition) Final() bool {
	return p != nil && (p.Stage == StageInformed || p.Stage == StageNotAccepted || p.Stage == StageRechecked)
}

// PetitionSettings are a deployment's rules for petitions.
type PetitionSettings struct {
	// BacklogDays: a matter open longer than this is a long-standing one
	// (积案); BacklogRepeats: so is one petitioned this many times.
	BacklogDays    int `json:"backlog_days"`
	BacklogRepeats int `json:"backlog_repeats"`
}

// DefaultPetitionSettings are the rules of a new deployment: 90 days, three
// petitions.
var DefaultPetitionSettings = PetitionSettings{BacklogDays: 90, BacklogRepeats: 3}

// Check checks the settings.
func (s *PetitionSettings) Check() error {
	var v Invalid
	if s.BacklogDays < 1 || s.BacklogDays > 3650 {
		v.Add("backlog_days", "petition.settings.days")
	}
	if s.BacklogRepeats < 2 || s.BacklogRepeats > 100 {
		v.Add("backlog_repeats", "petition.settings.repeats")
	}
	return v.Err()
}
