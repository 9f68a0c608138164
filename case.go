package pingan

import (
	"context"
	"math"
	"time"
)

// Status of a case in the closed loop.
type Status string

const (
	StatusReported   Status = "reported"    // 已上报
	StatusAccepted   Status = "accepted"    // 已受理
	StatusRejected   Status = "rejected"    // 不予受理
	StatusDispatched Status = "dispatched"  // 已派遣
	StatusInProgress Status = "in_progress" // 处置中
	StatusResolved   Status = "resolved"    // 已办结待核查
	StatusClosed     Status = "closed"      // 已结案
	// StatusMerged is the end of a duplicate merged into the case that
	// carries the work (已合并, Case.MergedInto): no deadline runs, and it
	// counts as neither resolved nor closed.
	StatusMerged Status = "merged"
)

// Statuses lists every status in loop order.
var Statuses = []Status{StatusReported, StatusAccepted, StatusRejected, StatusDispatched, StatusInProgress, StatusResolved, StatusClosed, StatusMerged}

// Open reports whether a case in status s still needs work.
func (s Status) Open() bool {
	return s != StatusRejected && s != StatusClosed && s != StatusMerged
}

// Label is the zh-CN name of the status.
func (s Status) Label() string {
	switch s {
	case StatusReported:
		return "已上报"
	case StatusAccepted:
		return "已受理"
	case StatusRejected:
		return "不予受理"
	case StatusDispatched:
		return "已派遣"
	case StatusInProgress:
		return "处置中"
	case StatusResolved:
		return "已办结待核查"
	case StatusClosed:
		return "已结案"
	case StatusMerged:
		return "已合并"
	}
	return string(s)
}

// Source says how a case reached pingan.
type Source string

const (
	SourceGridWorker Source = "grid_worker"
	SourceCitizen    Source = "citizen"
	SourceHotline    Source = "hotline"
	SourceLetter     Source = "letter"
	SourceVisit      Source = "visit"
	SourceAPI        Source = "api"
	SourceOpen311    Source = "open311"
	SourceImport     Source = "import"
	// SourceCourt is a dispute a court refers for mediation before
	// litigation (诉前调解委派), through the API.
	SourceCourt Source = "court"
	// SourceInspection, SourcePatrol, SourceMonitoring: a hazard found by an
	// inspection of a key site (检查, site.go), at a check-in of a grid
	// patrol (巡查, patrol.go), or raised by a monitoring alarm (监测报警,
	// monitor.go).
	SourceInspection Source = "inspection"
	SourcePatrol     Source = "patrol"
	SourceMonitoring Source = "monitoring"
)

// Sources lists the valid sources.
var Sources = []Source{SourceGridWorker, SourceCitizen, SourceHotline, SourceLetter, SourceVisit, SourceAPI, SourceOpen311, SourceImport, SourceCourt,
	SourceInspection, SourcePatrol, SourceMonitoring}

// Urgency of a case (紧急程度): how soon it must be resolved. An urgent or
// critical case, and one marked 重大敏感, has a shorter resolve period than
// its category's (Policy.ResolveFor, docs/urgency.md).
type Urgency string

const (
	UrgencyNormal   Urgency = "normal"   // 一般
	UrgencyUrgent   Urgency = "urgent"   // 紧急
	UrgencyCritical Urgency = "critical" // 特急
)

// Urgencies lists the urgencies, the least first.
var Urgencies = []Urgency{UrgencyNormal, UrgencyUrgent, UrgencyCritical}

// Valid reports whether u is one of Urgencies.
func (u Urgency) Valid() bool {
	return u == UrgencyNormal || u == UrgencyUrgent || u == UrgencyCritical
}

// MaxHotlineNo bounds the 12345 hotline's work order number (工单号).
const MaxHotlineNo = 32

// Satisfaction is the reporter's rating of a closed case (评价).
type Satisfaction string

const (
	Satisfied          Satisfaction = "satisfied"           // 满意
	BasicallySatisfied Satisfaction = "basically_satisfied" // 基本满意
	Dissatisfied       Satisfaction = "dissatisfied"        // 不满意
)

// Valid reports whether s is a known rating.
func (s Satisfaction) Valid() bool {
	return s == Satisfied || s == BasicallySatisfied || s == Dissatisfied
}

// Location is a WGS84 point.
type Location struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// Valid reports whether l is a position on the globe; nil is none.
func (l *Location) Valid() bool {
	return l != nil && !math.IsNaN(l.Lat) && !math.IsNaN(l.Lng) && l.Lat >= -90 && l.Lat <= 90 && l.Lng >= -180 && l.Lng <= 180
}

// Person is personal data of someone in a case: encrypted at rest, masked
// in lists, shown whole only to those SeesPersonal names, and every read of
// a case that has it audited.
type Person struct {
	Role     string `json:"role,omitempty"` // reporter, applicant 申请人, respondent 被申请人 …
	Name     string `json:"name,omitempty"`
	Phone    string `json:"phone,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	// Type is whether a party is a person or an organisation ("" is a
	// person); Address where a party lives or sits, optional.
	Type    PartyType `json:"type,omitempty"`
	Address string    `json:"address,omitempty"`
}

// Masked answers p with its name, phone, ID number and address masked; an
// organisation's name is not personal and stays.
func (p Person) Masked() Person {
	m := Person{Role: p.Role, Name: MaskName(p.Name), Phone: MaskPhone(p.Phone), IDNumber: MaskID(p.IDNumber),
		Type: p.Type, Address: MaskAddress(p.Address)}
	if p.Type == PartyOrganisation {
		m.Name = p.Name
	}
	return m
}

// Case is an item in the closed loop (事件): a dispute, a petition, a
// hazard, a service request. The row is a cache of its actions; the
// timeline is the truth.
type Case struct {
	ID           string     `json:"id"`
	Number       string     `json:"number"`
	Region       string     `json:"region"`
	Kind         Kind       `json:"kind"`
	Category     string     `json:"category"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Status       Status     `json:"status"`
	Location     *Location  `json:"location"`
	Address      string     `json:"address"`
	Grid         string     `json:"grid"`
	Unit         string     `json:"unit"`          // where it happened (village/community …)
	HoldingUnit  string     `json:"holding_unit"`  // whose centre holds it now (受理单位)
	AssignedUnit string     `json:"assigned_unit"` // who must act (处置单位)
	Source       Source     `json:"source"`
	ReportedBy   int64      `json:"reported_by,omitempty"`
	ReportedAt   time.Time  `json:"reported_at"`
	SignBy       *time.Time `json:"sign_by"`
	ResolveBy    *time.Time `json:"resolve_by"`
	// SignByProvisional and ResolveByProvisional say that the deadline was
	// counted, in part, on a year whose holiday arrangement has not been
	// published (暂定): it is recounted when the notice is entered.
	SignByProvisional    bool `json:"sign_by_provisional,omitempty"`
	ResolveByProvisional bool `json:"resolve_by_provisional"`
	// SuperviseBy is the deadline of the latest supervision order (督办),
	// nil when none was given.
	SuperviseBy *time.Time `json:"supervise_by"`
	// Overdue (曾超期) is set once the case has missed its resolve deadline
	// or a supervision deadline, and stays, for the on-time rate; whether
	// the case is overdue now (超期) is OverdueAt. See docs/deadlines.md.
	Overdue         bool          `json:"overdue"`
	Suspended       bool          `json:"suspended"`
	SuspendedAt     *time.Time    `json:"suspended_at,omitempty"`
	EscalationLevel int           `json:"escalation_level"`
	Supervised      bool          `json:"supervised"`
	SignedAt        *time.Time    `json:"signed_at"`
	ResolvedAt      *time.Time    `json:"resolved_at"`
	ClosedAt        *time.Time    `json:"closed_at"`
	Satisfaction    *Satisfaction `json:"satisfaction"`
	Reporter        *Person       `json:"reporter,omitempty"`
	Parties         []Person      `json:"parties,omitempty"`
	// PersonalMasked tells whether Reporter and Parties are masked.
	PersonalMasked bool `json:"personal_masked"`
	// PersonalPurgedAt is when the case's personal data was deleted at the
	// end of its retention (retention.go); nil while kept.
	PersonalPurgedAt *time.Time `json:"personal_purged_at,omitempty"`
	UpdatedAt        time.Time  `json:"updated_at"`
	Version          int        `json:"version"`

	// Ungridded is set when the case has a position that lies in no grid
	// (网格): it was placed at the lowest unit whose known area holds the
	// position, or at the unit given, or at the reporting user's unit.
	Ungridded bool `json:"ungridded"`
	// Placement says in a sentence (zh-CN, then English) which grid or unit
	// the case was placed in and why.
	Placement string `json:"placement,omitempty"`

	// SignLate (签收超期) is set when the case was signed after its sign
	// deadline; Returns, Reworks and Reopens count its 退回, 返工 and 重办.
	// They are kept for the statistics (tally.go).
	SignLate                  bool `json:"sign_late"`
	Returns, Reworks, Reopens int  `json:"-"`

	// HotlineNo is the 12345 hotline's work order number (工单号), "" when
	// the case did not come from it.
	HotlineNo string  `json:"hotline_no"`
	Urgency   Urgency `json:"urgency"`
	// Sensitive marks a case 重大敏感: it shortens the resolve period as
	// critical does (docs/urgency.md).
	Sensitive bool `json:"sensitive"`

	// RequestAction is the handler's pending request (request_extend or
	// request_suspend, "" when none) awaiting the holding centre's answer;
	// RequestDays the days asked for an extension; RequestReason why.
	RequestAction ActionName `json:"request_action,omitempty"`
	RequestDays   int        `json:"request_days,omitempty"`
	RequestReason string     `json:"request_reason,omitempty"`

	// MergedInto is the case this one was merged into (status merged), ""
	// otherwise; Merged the duplicates merged into this one that the reader
	// sees; Links the linked cases (关联案件) the reader sees, LinksHidden
	// how many others lie outside their jurisdiction. FindCase fills them,
	// an action's answer MergedInto only; lists leave them empty.
	MergedInto  string    `json:"merged_into"`
	Merged      []string  `json:"merged"`
	Links       []CaseRef `json:"links"`
	LinksHidden int       `json:"links_hidden"`

	// Paths of Unit, HoldingUnit and AssignedUnit, for jurisdiction checks.
	UnitPath, HoldingPath, AssignedPath string `json:"-"`

	// AllowedActions for the reading user, filled by the reader.
	AllowedActions []ActionName `json:"allowed_actions,omitempty"`

	// Assists are the assisting units (协办) of the case, withdrawn ones
	// included, oldest dispatch first; loaded with a single case, not in
	// lists (cohandle.go).
	Assists []Assist `json:"assists,omitempty"`
	// Mediation is the state of a dispute's mediation (dispute.go); nil
	// for the other kinds.
	Mediation *Mediation `json:"mediation,omitempty"`
	// Petition is the state of a petition (petition.go); nil for the
	// other kinds.
	Petition *Petition `json:"petition,omitempty"`
	// Hazard is the state of a hazard (hazard.go); nil for the other
	// kinds.
	Hazard *Hazard `json:"hazard,omitempty"`
}

// NewCase is the input of a report.
type NewCase struct {
	Kind        Kind      `json:"kind"`
	Category    string    `json:"category"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Location    *Location `json:"location,omitempty"`
	Address     string    `json:"address,omitempty"`
	Grid        string    `json:"grid,omitempty"`
	Unit        string    `json:"unit,omitempty"`
	Source      Source    `json:"source,omitempty"`
	Reporter    *Person   `json:"reporter,omitempty"`
	Parties     []Person  `json:"parties,omitempty"`
	// Dispute is the facts of a dispute (标的额、涉及人数); only for the
	// kind dispute.
	Dispute *DisputeFacts `json:"dispute,omitempty"`
	// Petition is the registration of a petition (channel, day received,
	// postmark, people), only for the kind petition. A petition reported
	// without it (the phone page, the public form, a 12345 transfer) is
	// registered as received the day it was reported, by the channel its
	// source implies (PetitionFactsOf).
	Petition *PetitionFacts `json:"petition,omitempty"`
	// Hazard is the facts of a safety hazard (隐患等级、所在重点场所); only
	// for the kind hazard (hazard.go). A hazard reported without it is
	// 一般隐患 at the reported position.
	Hazard         *HazardFacts `json:"hazard,omitempty"`
	ResolvedOnSite bool         `json:"resolved_on_site,omitempty"`
	Result         string       `json:"result,omitempty"` // what was done on site
	// HotlineNo is the 12345 work order number (工单号): letters and
	// digits, at most MaxHotlineNo, optional.
	HotlineNo string `json:"hotline_no,omitempty"`
	// Urgency is normal when not given.
	Urgency   Urgency `json:"urgency,omitempty"`
	Sensitive bool    `json:"sensitive,omitempty"` // 重大敏感
	// Photos arrive with the report and are attached to its first
	// timeline entry.
	Photos []Upload `json:"-"`
	// IdempotencyKey: the same key from the same user returns the same case.
	IdempotencyKey string `json:"-"`
	// ReportedAt may be set by imports and the demo; otherwise now.
	ReportedAt time.Time `json:"-"`
}

// CaseFilter selects cases for a list.
type CaseFilter struct {
	Status   []Status
	Kind     Kind
	Category string
	Unit     string // a subtree inside the caller's jurisdiction
	Grid     string
	// Overdue selects by the flag (曾超期: a deadline was missed once).
	Overdue *bool
	// OverdueNow selects the cases overdue now (超期, Case.OverdueAt at
	// the store's clock).
	OverdueNow *bool
	// Q searches the number, title, description and address, and finds a
	// case by its exact 12345 work order number (HotlineNo).
	Q        string
	From, To time.Time
	Limit    int
	Cursor   string
	// Offset skips that many cases: the pages of a search by number
	// (Cursor pages a list that grows while read).
	Offset int
	// Holding tells the cases held by the caller's own level from those
	// held below it (本级 / 下级), e.g. in 待受理: "own" — the holding unit
	// is the one the caller's centre serves; "below" — a unit under it;
	// "" — either.
	Holding string
	// GridName selects the cases in a grid whose name contains it.
	GridName string
	// Person is a name or a phone number of a reporter or a party, matched
	// exactly (names trimmed, phone numbers by their digits) over a blind
	// index of the sealed values; each search by a person is audited.
	Person string
	// Returned selects the cases sent back (退回) by the unit they were
	// dispatched to and not moved on since: accepted, and the last step
	// that moved them was a return (comments, supervision orders and
	// recounts do not move a case). docs/queues.md.
	Returned bool
	// Satisfaction selects the cases rated so (评价); "" any.
	Satisfaction Satisfaction
	// Unrated selects the cases not rated yet.
	Unrated bool
	// ClosedFrom selects the cases closed (结案) at or after it.
	ClosedFrom time.Time
	// Held keeps the cases whose holding unit (受理单位) lies in the
	// caller's jurisdiction: those its dispatchers act on, rather than
	// every case that happened or is assigned there.
	Held bool
	// MinUrgency keeps the cases at least this urgent (docs/urgency.md):
	// urgent — 紧急 and 特急 (紧急及以上); critical — 特急 only; "" or
	// normal — any.
	MinUrgency Urgency
	// Sensitive keeps only the cases marked 重大敏感.
	Sensitive bool
	// The filters of the dashboard's figures (docs/statistics.md), each
	// selecting the cases a measure counts: Source (来源); Escalated —
	// escalated (上报上级) at least once; Reworked — sent back for rework
	// (返工) at least once; Signed — signed in its present round; SignLate —
	// signed after its sign deadline (签收超期); Satisfied — rated 满意 or
	// 基本满意. A nil *bool selects either.
	Source                                Source
	Escalated, Reworked, Signed, SignLate *bool
	Satisfied                             bool
	// Mediation keeps the disputes a measure of mediation counts, by its
	// name (MeasureNames, docs/disputes.md): mediated, agreed, settled,
	// confirmed, perform_base or performed; "" for any case.
	Mediation string
	// Petition keeps the petitions a measure of petitions counts, by its
	// name (MeasureNames, docs/petitions.md: petitions, pet_repeats,
	// pet_decided_on_time …), or matters (信访事项: not merged); "" for any
	// case.
	Petition string
	// Hazard keeps the hazards a measure of hazards counts, by its name
	// (MeasureNames, docs/hazards.md: hz_major, hz_rectified …) or found
	// (every hazard); "" for any case.
	Hazard string
	// PetitionStages selects the petitions at one of these stages (a
	// petition tab of the inbox); none: any case.
	PetitionStages []PetitionStage
	// AssignedUnits selects the cases assigned to one of these units (the
	// 复查复核 tab: the reader's unit, or the one their centre serves).
	AssignedUnits []string
}

// CaseService runs the closed loop. Every method checks the actor's
// jurisdiction: a case outside it answers ENOTFOUND.
type CaseService interface {
	// CreateCase reports a case. EINVALID names each bad field (unknown
	// category or unit included); EFORBIDDEN for a role that does not
	// report (CapReport).
	CreateCase(ctx context.Context, actor *User, in *NewCase) (*Case, error)
	// FindCase answers one case with AllowedActions for the actor, its
	// personal data whole or masked as SeesPersonal decides (each read of a
	// case with personal data is audited, with whether it was masked).
	// ENOTFOUND outside jurisdiction.
	FindCase(ctx context.Context, actor *User, id string) (*Case, error)
	// FindCases lists cases newest first with personal data masked, and the
	// cursor of the next page ("" at the end).
	FindCases(ctx context.Context, actor *User, f CaseFilter) ([]*Case, string, error)
	// Act applies one lifecycle action. ECONFLICT names the current status
	// and the allowed actions; EFORBIDDEN when the role may not; EINVALID for
	// a missing reason, unit …, and for an attachment the actor did not
	// upload (FileService) that is not already attached to a case they see;
	// ENOTFOUND outside jurisdiction.
	Act(ctx context.Context, actor *User, id string, in ActionInput) (*Case, error)
	// Timeline answers every action of the case, oldest first.
	Timeline(ctx context.Context, actor *User, id string) ([]*Action, error)
}

// Escalator is the background work over deadlines.
type Escalator interface {
	// EscalateDue marks cases overdue whose resolve deadline passed before
	// now and escalates them to the parent unit's centre, each exactly once,
	// recording a system escalate action; it marks (never escalates) the
	// open cases whose supervision deadline passed, once for each. It
	// answers how many it touched.
	EscalateDue(ctx context.Context, now time.Time, limit int) (int, error)
}

// DueKind names a deadline of a case.
type DueKind string

const (
	DueSign      DueKind = "sign"      // 签收时限, while dispatched
	DueResolve   DueKind = "resolve"   // 办结时限, while reported, accepted, dispatched or in progress
	DueSupervise DueKind = "supervise" // 督办时限, while open
)

// Due is a deadline a case must meet now.
type Due struct {
	Kind DueKind
	At   time.Time
	// Stopped says the clock stands still (挂起): the deadline is counted
	// against the moment it stopped, not against now.
	Stopped *time.Time
	// Provisional: counted in part on a year without a holiday notice (暂定).
	Provisional bool
}

// PassedAt reports whether the deadline has passed at now: now is after
// it, or, with the clock stopped, the moment it stopped was.
func (d Due) PassedAt(now time.Time) bool {
	if d.Stopped != nil {
		return d.Stopped.After(d.At)
	}
	return now.After(d.At)
}

// Dues answers the deadlines the case must meet now, in the order sign,
// resolve, supervise: the sign deadline while it is dispatched; the resolve
// deadline while it is reported, accepted, dispatched or in progress (its
// clock stopped while suspended); the supervision deadline while it is open.
// A deadline met, or of a step already taken, is not among them.
func (c *Case) Dues() []Due {
	var out []Due
	if c.Status == StatusDispatched && c.SignBy != nil {
		out = append(out, Due{Kind: DueSign, At: *c.SignBy, Provisional: c.SignByProvisional})
	}
	switch c.Status {
	case StatusReported, StatusAccepted, StatusDispatched, StatusInProgress:
		if c.ResolveBy != nil {
			d := Due{Kind: DueResolve, At: *c.ResolveBy, Provisional: c.ResolveByProvisional}
			if c.Suspended {
				d.Stopped = c.SuspendedAt
				if d.Stopped == nil { // stopped, when unknown: not passed
					d.Stopped = &d.At
				}
			}
			out = append(out, d)
		}
	}
	if c.Status.Open() && c.SuperviseBy != nil {
		out = append(out, Due{Kind: DueSupervise, At: *c.SuperviseBy})
	}
	return out
}

// OverdueAt reports whether the case is overdue at now (超期): one of the
// deadlines it must meet now (Dues) has passed. The store's filter
// CaseFilter.OverdueNow says the same in SQL; docs/deadlines.md is the one
// definition both follow.
func (c *Case) OverdueAt(now time.Time) bool {
	for _, d := range c.Dues() {
		if d.PassedAt(now) {
			return true
		}
	}
	return false
}
