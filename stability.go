package pingan

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 稳评 (社会稳定风险评估, docs/risks.md): before a major decision or
// project (征地拆迁, a price reform, a large plant) the deciding body has
// its effect on social stability assessed. A 稳评 is registered by a
// dispatcher or assessor and goes through its steps in order: 公示 (public
// notice, from … to), 听取意见 (opinions heard: how many, in sum), 风险识别
// (the risks identified; each may go to the ledger as a risk, linked, in
// the same transaction), 评估报告 (the report: a summary and the level
// 高/中/低), and 决策 (the decision made, on a day). Like a risk it is
// about a matter, never about a person.

// Stability stages: the last step done.
const (
	StabilityRegistered = "registered" // 已登记
	StabilityNotice     = "notice"     // 公示
	StabilityOpinions   = "opinions"   // 听取意见
	StabilityIdentify   = "identify"   // 风险识别
	StabilityReport     = "report"     // 评估报告
	StabilityDecide     = "decide"     // 决策
)

// StabilitySteps lists the steps in their order; each needs the one
// before it done.
var StabilitySteps = []string{StabilityNotice, StabilityOpinions, StabilityIdentify, StabilityReport, StabilityDecide}

// NextStabilityStep answers the step that follows stage; "" after the
// decision.
func NextStabilityStep(stage string) string {
	if stage == StabilityRegistered {
		return StabilitySteps[0]
	}
	i := slices.Index(StabilitySteps, stage)
	if i < 0 || i+1 >= len(StabilitySteps) {
		return ""
	}
	return StabilitySteps[i+1]
}

// Assessment levels of a report (风险等级).
const (
	StabilityHigh   = "high"   // 高
	StabilityMedium = "medium" // 中
	StabilityLow    = "low"    // 低
)

// StabilityLevels lists the levels, high first.
var StabilityLevels = []string{StabilityHigh, StabilityMedium, StabilityLow}

// Decisions (决策结果).
const (
	DecideImplement   = "implement"          // 准予实施
	DecideWithMeasure = "implement_measures" // 落实防范措施后实施
	DecidePostpone    = "postpone"           // 暂缓实施
	DecideReject      = "reject"             // 不予实施
)

// StabilityDecisions lists the decisions.
var StabilityDecisions = []string{DecideImplement, DecideWithMeasure, DecidePostpone, DecideReject}

// Limits of a 稳评's texts, in characters.
const (
	MaxStabilityTitle   = 100
	MaxStabilityBody    = 50
	MaxStabilityKind    = 30
	MaxStabilitySummary = 2000
	MaxStabilityItems   = 30
)

// stabilityLabels are the Chinese names of stages, levels and decisions.
var stabilityLabels = map[string]string{
	StabilityRegistered: "已登记", StabilityNotice: "公示", StabilityOpinions: "听取意见", StabilityIdentify: "风险识别",
	StabilityReport: "评估报告", StabilityDecide: "决策",
	StabilityHigh: "高", StabilityMedium: "中", StabilityLow: "低",
	DecideImplement: "准予实施", DecideWithMeasure: "落实防范措施后实施", DecidePostpone: "暂缓实施", DecideReject: "不予实施",
}

// StabilityLabel answers the Chinese name of a stage, level or decision.
func StabilityLabel(v string) string { return labelIn(stabilityLabels, v) }

// Stability is a 稳评.
type Stability struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Body     string `json:"body"` // the deciding body (决策机关), as text
	Kind     string `json:"kind"` // kind of decision (e.g. 重大工程项目, 重大政策)
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name,omitempty"`
	Stage    string `json:"stage"`
	// NoticeFrom and NoticeTo are the days of the public notice (公示).
	NoticeFrom      string           `json:"notice_from,omitempty"`
	NoticeTo        string           `json:"notice_to,omitempty"`
	Opinions        int              `json:"opinions"`
	OpinionsSummary string           `json:"opinions_summary,omitempty"`
	ReportSummary   string           `json:"report_summary,omitempty"`
	ReportLevel     string           `json:"report_level,omitempty"`
	Decision        string           `json:"decision,omitempty"`
	DecidedOn       string           `json:"decided_on,omitempty"`
	Items           []*StabilityItem `json:"items,omitempty"`
	RegisteredBy    int64            `json:"registered_by"`
	RegisteredAt    time.Time        `json:"registered_at"`
	Version         int              `json:"version"`
	UnitPath        string           `json:"-"`
}

// StabilityItem is a risk identified (风险点); RiskID the ledger's risk made
// of it, 0 for none.
type StabilityItem struct {
	Seq    int    `json:"seq"`
	Text   string `json:"text"`
	Level  string `json:"level,omitempty"` // a risk level (red …) when it went to the ledger
	RiskID int64  `json:"risk_id,omitempty"`
}

// NewStability is a 稳评 to register.
type NewStability struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Kind  string `json:"kind"`
	Unit  string `json:"unit"` // the actor's own when empty
}

// Normalize trims the texts of in.
func (in *NewStability) Normalize() {
	in.Title, in.Body, in.Kind, in.Unit = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Kind), strings.TrimSpace(in.Unit)
}

// Validate adds to v the wrong fields of in.
func (in *NewStability) Validate(v *Invalid) {
	for _, f := range []struct {
		name, value string
		max         int
	}{{"title", in.Title, MaxStabilityTitle}, {"body", in.Body, MaxStabilityBody}, {"kind", in.Kind, MaxStabilityKind}} {
		v.Require(f.name, f.value)
		if utf8.RuneCountInString(f.value) > f.max {
			v.Add(f.name, "risk.text.long", f.max)
		}
	}
}

// StabilityItemInput is a risk identified at 风险识别; with ToLedger it is
// registered as a risk (Risk: field, unit, level, leader, responsible
// unit; its title is Text when empty) in the same transaction.
type StabilityItemInput struct {
	Text     string   `json:"text"`
	ToLedger bool     `json:"to_ledger,omitempty"`
	Risk     *NewRisk `json:"risk,omitempty"`
}

// StabilityAction is a step of a 稳评.
type StabilityAction struct {
	Step     string               `json:"step"`
	From     string               `json:"from,omitempty"`  // notice
	To       string               `json:"to,omitempty"`    // notice
	Count    int                  `json:"count,omitempty"` // opinions
	Summary  string               `json:"summary,omitempty"`
	Items    []StabilityItemInput `json:"items,omitempty"` // identify
	Level    string               `json:"level,omitempty"` // report
	Decision string               `json:"decision,omitempty"`
	Day      string               `json:"day,omitempty"` // decide: today when empty
	Note     string               `json:"note,omitempty"`
	Version  int                  `json:"version,omitempty"`
}

// Normalize trims the texts of a.
func (a *StabilityAction) Normalize() {
	a.Step, a.From, a.To, a.Summary = strings.TrimSpace(a.Step), strings.TrimSpace(a.From), strings.TrimSpace(a.To), strings.TrimSpace(a.Summary)
	a.Level, a.Decision, a.Day, a.Note = strings.TrimSpace(a.Level), strings.TrimSpace(a.Decision), strings.TrimSpace(a.Day), strings.TrimSpace(a.Note)
	for i := range a.Items {
		a.Items[i].Text = strings.TrimSpace(a.Items[i].Text)
	}
}

// Validate adds to v the fields of a wrong for its step (today the day of
// the step, registered the 稳评's day of registration).
func (a *StabilityAction) Validate(v *Invalid, registered, today string) {
	if utf8.RuneCountInString(a.Summary) > MaxStabilitySummary {
		v.Add("summary", "risk.text.long", MaxStabilitySummary)
	}
	day := func(field, s string) bool {
		if s == "" {
			v.Add(field, "field.required")
			return false
		}
		if _, ok := ParseDay(s); !ok {
			v.Add(field, "risk.day.bad", s)
			return false
		}
		return true
	}
	switch a.Step {
	case StabilityNotice:
		if day("from", a.From) && day("to", a.To) && a.To < a.From {
			v.Add("to", "stability.to.before", a.To, a.From)
		}
	case StabilityOpinions:
		if a.Count < 0 {
			v.Add("count", "stability.count.bad")
		}
		v.Require("summary", a.Summary)
	case StabilityIdentify:
		if len(a.Items) == 0 {
			v.Add("items", "field.required")
		}
		if len(a.Items) > MaxStabilityItems {
			v.Add("items", "risk.too_many", MaxStabilityItems)
		}
		for i, it := range a.Items {
			f := "items[" + strconv.Itoa(i) + "]"
			v.Require(f+".text", it.Text)
			if utf8.RuneCountInString(it.Text) > MaxMeasureText {
				v.Add(f+".text", "risk.text.long", MaxMeasureText)
			}
			if it.ToLedger && it.Risk == nil {
				v.Add(f+".risk", "field.required")
			}
		}
	case StabilityReport:
		v.Require("summary", a.Summary)
		if !slices.Contains(StabilityLevels, a.Level) {
			v.Add("level", "stability.level.bad")
		}
	case StabilityDecide:
		if !slices.Contains(StabilityDecisions, a.Decision) {
			v.Add("decision", "stability.decision.bad")
		}
		if a.Day == "" {
			a.Day = today
		}
		if day("day", a.Day) && (a.Day < registered || a.Day > today) {
			v.Add("day", "stability.day.outside", a.Day)
		}
	default:
		v.Add("step", "risk.step.bad")
	}
}

// StabilityEvent is a row of a 稳评's timeline.
type StabilityEvent = RiskEvent

// StabilityService keeps the 稳评.
type StabilityService interface {
	// RegisterStability registers a 稳评 (a dispatcher or assessor;
	// EFORBIDDEN otherwise). EINVALID naming each bad field, a unit outside
	// the jurisdiction ("unit").
	RegisterStability(ctx context.Context, actor *User, in *NewStability) (*Stability, error)
	// FindStability answers a 稳评 with its items; ENOTFOUND when there is
	// none or its unit lies outside the actor's jurisdiction.
	FindStability(ctx context.Context, actor *User, id int64) (*Stability, error)
	// FindStabilities answers the 稳评 of the jurisdiction, newest first.
	FindStabilities(ctx context.Context, actor *User, limit int) ([]*Stability, error)
	// StabilityTimeline answers its events, oldest first.
	StabilityTimeline(ctx context.Context, actor *User, id int64) ([]*StabilityEvent, error)
	// ActOnStability takes a step: EFORBIDDEN for one who may not;
	// ECONFLICT naming step when it is out of order (or naming version);
	// EINVALID naming each bad field, those of a risk sent to the ledger as
	// items[i].risk.…. The risks are written in the same transaction.
	ActOnStability(ctx context.Context, actor *User, id int64, a *StabilityAction) (*Stability, error)
}
