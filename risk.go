package pingan

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The risk ledger (风险台账, docs/risks.md) keeps the matters that may
// disturb the peace of a place — a housing project that will not be
// delivered, wages owed on a building site, a fund that cannot pay out —
// as items managed "台账式、清单化": each has a field (领域), a level
// (红/橙/黄/蓝), a leader who answers for it (包保领导), a responsible unit,
// control measures (措施) with dates, linked cases, and a review (研判复核)
// due by a cadence that follows the level. A missed review is overdue. A
// risk is about a matter and a place, never about a person: it has no
// field for anyone's views, religion, ethnicity or movements, and its
// measures name an owner by unit and by role or title (责任人), not by name.

// Risk levels (风险等级), most serious first.
const (
	RiskRed    = "red"    // 红: 重大
	RiskOrange = "orange" // 橙: 较大
	RiskYellow = "yellow" // 黄: 一般
	RiskBlue   = "blue"   // 蓝: 低
)

// RiskLevels lists the levels, red first.
var RiskLevels = []string{RiskRed, RiskOrange, RiskYellow, RiskBlue}

// RiskLevelRank answers the order of a level (0 for red), len(RiskLevels)
// for an unknown one.
func RiskLevelRank(level string) int {
	if i := slices.Index(RiskLevels, level); i >= 0 {
		return i
	}
	return len(RiskLevels)
}

// DefaultReviewDays are the review cadences by level in calendar days:
// red weekly, orange fortnightly, yellow monthly, blue quarterly. The store
// keeps the ones in force (risk_cadence), which a city may change.
var DefaultReviewDays = map[string]int{RiskRed: 7, RiskOrange: 14, RiskYellow: 30, RiskBlue: 90}

// Risk states.
const (
	RiskControlled = "controlled" // 在控
	RiskResolved   = "resolved"   // 已化解
	RiskClosed     = "closed"     // 已销号
)

// RiskStates lists the states in the order of the lists.
var RiskStates = []string{RiskControlled, RiskResolved, RiskClosed}

// Risk steps (the rows of workflow/risk.go).
const (
	RiskRegister        = "register"         // 登记
	RiskReview          = "review"           // 研判复核
	RiskChangeLevel     = "change_level"     // 调整等级
	RiskAddMeasure      = "add_measure"      // 增加措施
	RiskCompleteMeasure = "complete_measure" // 措施完成
	RiskLinkCase        = "link_case"        // 关联事件
	RiskUnlinkCase      = "unlink_case"      // 取消关联
	RiskResolve         = "resolve"          // 化解
	RiskCloseStep       = "close"            // 销号
	RiskReopen          = "reopen"           // 重新在控
	RiskOverdue         = "overdue"          // 复核逾期: written by the watch
)

// RiskSteps lists the steps a user takes, in the order of the forms.
var RiskSteps = []string{RiskReview, RiskChangeLevel, RiskAddMeasure, RiskCompleteMeasure, RiskLinkCase,
	RiskUnlinkCase, RiskResolve, RiskCloseStep, RiskReopen}

// Where a risk came from.
const (
	RiskFromLedger    = "ledger"    // registered on the ledger
	RiskFromWarning   = "warning"   // a warning escalated (预警转风险)
	RiskFromStability = "stability" // identified in a 稳评
)

// Limits of a risk's texts, in characters.
const (
	MaxRiskTitle       = 100
	MaxRiskDescription = 4000
	MaxRiskNote        = 1000
	MaxMeasureText     = 500
	MaxMeasureOwner    = 50
	MaxRiskMeasures    = 50
	MaxRiskCases       = 100
	MaxRiskFieldName   = 20
)

// RiskField is a field of risks (领域): 社会矛盾, 公共安全, 涉众金融 … The
// store keeps them (risk_fields); a city's assessor or dispatcher edits
// the list.
type RiskField struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Seq    int    `json:"seq"`
	Active bool   `json:"active"`
}

// RiskMeasure is one control measure (管控措施): what is done, by which unit
// and which role or title (责任人, e.g. 街道分管副主任 — never a name), by
// when, and when it was done.
type RiskMeasure struct {
	Seq       int        `json:"seq"`
	Text      string     `json:"text"`
	Unit      string     `json:"unit,omitempty"`
	UnitName  string     `json:"unit_name,omitempty"`
	Owner     string     `json:"owner,omitempty"`
	Due       string     `json:"due"`            // YYYY-MM-DD
	Done      string     `json:"done,omitempty"` // YYYY-MM-DD, "" while open
	AddedAt   time.Time  `json:"added_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	DoneAfter bool       `json:"done_after,omitempty"` // done after its due day
}

// NewRiskMeasure is a measure to add.
type NewRiskMeasure struct {
	Text  string `json:"text"`
	Unit  string `json:"unit,omitempty"`
	Owner string `json:"owner,omitempty"`
	Due   string `json:"due"`
}

// Normalize trims the texts of m.
func (m *NewRiskMeasure) Normalize() {
	m.Text, m.Unit, m.Owner, m.Due = strings.TrimSpace(m.Text), strings.TrimSpace(m.Unit), strings.TrimSpace(m.Owner), strings.TrimSpace(m.Due)
}

// Validate adds to v the wrong fields of m, named field.text, field.due …;
// a due day before registered (YYYY-MM-DD) is wrong.
func (m *NewRiskMeasure) Validate(v *Invalid, field, registered string) {
	v.Require(field+".text", m.Text)
	if utf8.RuneCountInString(m.Text) > MaxMeasureText {
		v.Add(field+".text", "risk.text.long", MaxMeasureText)
	}
	if utf8.RuneCountInString(m.Owner) > MaxMeasureOwner {
		v.Add(field+".owner", "risk.text.long", MaxMeasureOwner)
	}
	switch _, ok := ParseDay(m.Due); {
	case m.Due == "":
		v.Add(field+".due", "field.required")
	case !ok:
		v.Add(field+".due", "risk.day.bad", m.Due)
	case registered != "" && m.Due < registered:
		v.Add(field+".due", "risk.measure.before", m.Due, registered)
	}
}

// Risk is an item of the ledger.
type Risk struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Field       string `json:"field"`
	FieldName   string `json:"field_name,omitempty"`
	// Unit is where the risk lies; Responsible the unit that must control it.
	Unit            string `json:"unit"`
	UnitName        string `json:"unit_name,omitempty"`
	Responsible     string `json:"responsible"`
	ResponsibleName string `json:"responsible_name,omitempty"`
	Level           string `json:"level"`
	// Leader is the 包保 leader's account; LeaderName their name as staff.
	Leader     int64  `json:"leader"`
	LeaderName string `json:"leader_name,omitempty"`
	Status     string `json:"status"`
	Source     string `json:"source"`
	SourceRef  string `json:"source_ref,omitempty"`
	// RegUnit is the registering unit: its dispatchers and assessors, and
	// those above, close the risk (销号).
	RegUnit       string     `json:"reg_unit"`
	RegisteredBy  int64      `json:"registered_by"`
	RegisteredAt  time.Time  `json:"registered_at"`
	NextReviewDue time.Time  `json:"next_review_due"`
	LastReviewAt  *time.Time `json:"last_review_at,omitempty"`
	Reviews       int        `json:"reviews"`
	// Overdue says the review due was missed (marked by the watch); a review
	// clears it.
	Overdue    bool           `json:"overdue"`
	ResolvedAt *time.Time     `json:"resolved_at,omitempty"`
	ClosedAt   *time.Time     `json:"closed_at,omitempty"`
	Version    int            `json:"version"`
	Measures   []*RiskMeasure `json:"measures,omitempty"`
	Cases      []string       `json:"cases,omitempty"`
	// UnitPath, RespPath and RegPath are the units' paths, for the rules.
	UnitPath string `json:"-"`
	RespPath string `json:"-"`
	RegPath  string `json:"-"`
}

// NewRisk is a risk to register.
type NewRisk struct {
	Title       string           `json:"title"`
	Description string           `json:"description,omitempty"`
	Field       string           `json:"field"`
	Unit        string           `json:"unit"`
	Level       string           `json:"level"`
	Leader      int64            `json:"leader"`
	Responsible string           `json:"responsible"`
	Measures    []NewRiskMeasure `json:"measures,omitempty"`
	Cases       []string         `json:"cases,omitempty"`
	// Source and SourceRef say where it came from (RiskFrom…; the warning's
	// or 稳评's id); RiskFromLedger when empty.
	Source    string `json:"source,omitempty"`
	SourceRef string `json:"source_ref,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Normalize trims the texts of in and drops repeated cases.
func (in *NewRisk) Normalize() {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.Field, in.Unit, in.Level = strings.TrimSpace(in.Field), strings.TrimSpace(in.Unit), strings.TrimSpace(in.Level)
	in.Responsible, in.Source, in.SourceRef = strings.TrimSpace(in.Responsible), strings.TrimSpace(in.Source), strings.TrimSpace(in.SourceRef)
	in.Note = strings.TrimSpace(in.Note)
	if in.Source == "" {
		in.Source = RiskFromLedger
	}
	for i := range in.Measures {
		in.Measures[i].Normalize()
	}
	var cases []string
	for _, c := range in.Cases {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(cases, c) {
			cases = append(cases, c)
		}
	}
	in.Cases = cases
}

// Validate adds to v every field of in that is wrong without looking at
// the database: title, level, leader and responsible unit given, the
// texts not too long, the measures' due days not before today
// (YYYY-MM-DD, the day of registration). The store adds the field, the
// units, the leader and the cases.
func (in *NewRisk) Validate(v *Invalid, today string) {
	v.Require("title", in.Title)
	if utf8.RuneCountInString(in.Title) > MaxRiskTitle {
		v.Add("title", "risk.text.long", MaxRiskTitle)
	}
	if utf8.RuneCountInString(in.Description) > MaxRiskDescription {
		v.Add("description", "risk.text.long", MaxRiskDescription)
	}
	if utf8.RuneCountInString(in.Note) > MaxRiskNote {
		v.Add("note", "risk.text.long", MaxRiskNote)
	}
	v.Require("field", in.Field)
	v.Require("unit", in.Unit)
	switch {
	case in.Level == "":
		v.Add("level", "field.required")
	case RiskLevelRank(in.Level) == len(RiskLevels):
		v.Add("level", "risk.level.bad")
	}
	if in.Leader <= 0 {
		v.Add("leader", "field.required")
	}
	v.Require("responsible", in.Responsible)
	switch in.Source {
	case RiskFromLedger, RiskFromWarning, RiskFromStability:
	default:
		v.Add("source", "risk.source.bad")
	}
	if len(in.Measures) > MaxRiskMeasures {
		v.Add("measures", "risk.too_many", MaxRiskMeasures)
	}
	for i := range in.Measures {
		in.Measures[i].Validate(v, "measures["+strconv.Itoa(i)+"]", today)
	}
	if len(in.Cases) > MaxRiskCases {
		v.Add("cases", "risk.too_many", MaxRiskCases)
	}
}

// RiskAction is a step taken on a risk. Version is the row's version the
// actor saw (0: not checked).
type RiskAction struct {
	Step    string          `json:"step"`
	Note    string          `json:"note,omitempty"`
	Level   string          `json:"level,omitempty"`   // review (optional), change_level
	Measure *NewRiskMeasure `json:"measure,omitempty"` // add_measure
	Seq     int             `json:"seq,omitempty"`     // complete_measure: the measure
	Done    string          `json:"done,omitempty"`    // complete_measure: the day (today when empty)
	Case    string          `json:"case,omitempty"`    // link_case, unlink_case
	Version int             `json:"version,omitempty"`
}

// Normalize trims the texts of a.
func (a *RiskAction) Normalize() {
	a.Step, a.Note, a.Level = strings.TrimSpace(a.Step), strings.TrimSpace(a.Note), strings.TrimSpace(a.Level)
	a.Done, a.Case = strings.TrimSpace(a.Done), strings.TrimSpace(a.Case)
	if a.Measure != nil {
		a.Measure.Normalize()
	}
}

// Validate adds to v the fields of a that are wrong for its step without
// looking at the risk (registered is its day of registration, today the
// day of the step): change_level needs a level and a reason (note),
// resolve a note, add_measure a measure, complete_measure its number,
// link_case and unlink_case a case.
func (a *RiskAction) Validate(v *Invalid, registered, today string) {
	if utf8.RuneCountInString(a.Note) > MaxRiskNote {
		v.Add("note", "risk.text.long", MaxRiskNote)
	}
	if a.Level != "" && RiskLevelRank(a.Level) == len(RiskLevels) {
		v.Add("level", "risk.level.bad")
	}
	switch a.Step {
	case RiskReview:
	case RiskChangeLevel:
		if a.Level == "" {
			v.Add("level", "field.required")
		}
		v.Require("note", a.Note)
	case RiskResolve, RiskReopen:
		v.Require("note", a.Note)
	case RiskAddMeasure:
		if a.Measure == nil {
			v.Add("measure", "field.required")
		} else {
			a.Measure.Validate(v, "measure", registered)
		}
	case RiskCompleteMeasure:
		if a.Seq <= 0 {
			v.Add("seq", "field.required")
		}
		if a.Done == "" {
			a.Done = today
		}
		switch _, ok := ParseDay(a.Done); {
		case !ok:
			v.Add("done", "risk.day.bad", a.Done)
		case a.Done < registered:
			v.Add("done", "risk.measure.before", a.Done, registered)
		case a.Done > today:
			v.Add("done", "risk.day.future", a.Done)
		}
	case RiskLinkCase, RiskUnlinkCase:
		v.Require("case", a.Case)
	case RiskCloseStep:
	default:
		v.Add("step", "risk.step.bad")
	}
}

// RiskEvent is a row of a risk's timeline.
type RiskEvent struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	ActorID   int64          `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	Unit      string         `json:"unit"`
	Step      string         `json:"step"`
	Note      string         `json:"note,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

// RiskFilter selects risks for the ledger.
type RiskFilter struct {
	Level   string `json:"level,omitempty"`
	Field   string `json:"field,omitempty"`
	Status  string `json:"status,omitempty"` // "" every state; "open" controlled
	Unit    string `json:"unit,omitempty"`   // a subtree of the jurisdiction
	Overdue bool   `json:"overdue,omitempty"`
	// Kept keeps the risks the actor keeps: they are its 包保 leader, or a
	// handler of its responsible unit.
	Kept   bool `json:"kept,omitempty"`
	Limit  int  `json:"limit,omitempty"` // 0: 500
	Offset int  `json:"offset,omitempty"`
}

// RiskMonth is one month and level of the ledger's numbers under a unit,
// from the counters: registered, resolved, closed, reviews done and
// reviews missed in the month, and Open, the risks in control (在控) at its
// end.
type RiskMonth struct {
	Month      string `json:"month"` // YYYY-MM
	Level      string `json:"level"`
	Registered int64  `json:"registered"`
	Resolved   int64  `json:"resolved"`
	Closed     int64  `json:"closed"`
	Reviews    int64  `json:"reviews"`
	Overdue    int64  `json:"overdue"`
	Open       int64  `json:"open"`
}

// RiskService keeps the ledger.
type RiskService interface {
	// RegisterRisk registers a risk. EFORBIDDEN for a role other than a
	// dispatcher or assessor; EINVALID naming each bad field: those of
	// Validate, an unknown or retired field ("field"), a unit or
	// responsible unit outside the jurisdiction, a leader who is no leader
	// or lies outside it ("leader"), a case the actor does not see
	// ("cases"). Nothing is written on error.
	RegisterRisk(ctx context.Context, actor *User, in *NewRisk) (*Risk, error)
	// FindRisk answers a risk with its measures and cases; ENOTFOUND when
	// there is none or the actor does not see it.
	FindRisk(ctx context.Context, actor *User, id int64) (*Risk, error)
	// FindRisks answers the ledger of the actor's jurisdiction, red first,
	// then by the review due.
	FindRisks(ctx context.Context, actor *User, f RiskFilter) ([]*Risk, error)
	// RiskTimeline answers a risk's events, oldest first; ENOTFOUND as FindRisk.
	RiskTimeline(ctx context.Context, actor *User, id int64) ([]*RiskEvent, error)
	// ActOnRisk takes a step. ENOTFOUND as FindRisk; EFORBIDDEN when the
	// actor may not take it; ECONFLICT naming the step when the state does
	// not allow it (e.g. a review of a closed risk), or naming version
	// when the risk changed since the actor read it; EINVALID naming each
	// bad field. Nothing is written on error.
	ActOnRisk(ctx context.Context, actor *User, id int64, a *RiskAction) (*Risk, error)
	// RiskFields answers the fields, active ones only unless all.
	RiskFields(ctx context.Context, all bool) ([]*RiskField, error)
	// SaveRiskField adds or renames a field or retires it (Active false).
	// EFORBIDDEN for anyone but a dispatcher or assessor of a city;
	// EINVALID naming code or name.
	SaveRiskField(ctx context.Context, actor *User, f *RiskField) error
	// ReviewDays answers the review cadence in force by level.
	ReviewDays(ctx context.Context) (map[string]int, error)
	// KeptDue counts the risks in control the actor keeps (RiskFilter.Kept)
	// whose review is due by then, and of them the overdue ones.
	KeptDue(ctx context.Context, actor *User, by time.Time) (due, overdue int, err error)
	// RiskLeaders answers the active leaders of the actor's jurisdiction,
	// who may be a risk's 包保 leader.
	RiskLeaders(ctx context.Context, actor *User) ([]*User, error)
	// RiskCounts answers the counters under unit (the actor's own scope
	// when empty) for the months from … to (YYYY-MM, both included) by
	// level. ENOTFOUND for a unit the actor does not see.
	RiskCounts(ctx context.Context, actor *User, unit, from, to string) ([]*RiskMonth, error)
}

// riskLabels are the Chinese names of the levels, states, steps and
// sources, for the messages that name one (a Chinese text shows no Latin
// word).
var riskLabels = map[string]string{
	RiskRed: "红色（重大）", RiskOrange: "橙色（较大）", RiskYellow: "黄色（一般）", RiskBlue: "蓝色（低）",
	RiskControlled: "在控", RiskResolved: "已化解", RiskClosed: "已销号",
	RiskRegister: "登记", RiskReview: "研判复核", RiskChangeLevel: "调整等级", RiskAddMeasure: "增加措施",
	RiskCompleteMeasure: "措施完成", RiskLinkCase: "关联事件", RiskUnlinkCase: "取消关联", RiskResolve: "化解",
	RiskCloseStep: "销号", RiskReopen: "重新在控", RiskOverdue: "复核逾期",
	RiskFromLedger: "台账登记", RiskFromWarning: "预警转入", RiskFromStability: "稳评识别",
}

// RiskLabel answers the Chinese name of a level, state, step or source of
// a risk; the value itself when it has none.
func RiskLabel(v string) string { return labelIn(riskLabels, v) }

// labelIn answers the name of v in labels; v itself when it has none.
func labelIn(labels map[string]string, v string) string {
	if l, ok := labels[v]; ok {
		return l
	}
	return v
}
