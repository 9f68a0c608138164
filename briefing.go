package pingan

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The weekly 研判 (周研判会商, docs/briefings.md). For a unit — a city, a
// county or a township — and a week (Monday to Sunday in China Standard
// Time, written as an ISO week, 2026-W48), pingan drafts the week's
// briefing from the counters and indexed rows the other kinds of work
// keep: the risks registered, changed, reviewed and resolved in the week
// and the open ledger by level; the warnings raised in the week and how
// many of them are still open; what is overdue now (cases, risk reviews,
// warnings, tasks behind schedule or with a missed milestone); and the
// trend of the cases reported this week against the average of the four
// weeks before. The meeting (研判会) is recorded on it, which freezes the
// figures as they were; each of its decisions may become a supervised
// task (督办事项) in the decision's own transaction. A briefing is about
// matters and places: it lists no person.

// The limits of a briefing's texts, in characters.
const (
	MaxMeetingChair     = 50
	MaxMeetingAttendees = 500
	MaxMeetingSummary   = 4000
	MaxDecisionText     = 1000
	MaxDecisionCoUnits  = MaxTaskCoUnits
	// MaxBriefingDecisions is how many decisions one meeting records.
	MaxBriefingDecisions = 50
	// BriefingTrendWeeks is how many weeks before the week its trend
	// averages.
	BriefingTrendWeeks = 4
	// BriefingTopCategories is how many categories the trend shows.
	BriefingTopCategories = 8
	// BriefingRiskItems is how many risks the week's list names at most.
	BriefingRiskItems = 50
)

// The directions of a trend.
const (
	TrendUp   = "up"
	TrendDown = "down"
	TrendFlat = "flat"
)

// ParseWeek reads an ISO week, 2026-W48, and answers its Monday's
// midnight in China Standard Time; EINVALID naming week otherwise.
func ParseWeek(s string) (time.Time, error) {
	bad := Invalidf("week", "briefing.week.bad", ShowText(s, 20))
	y, w, ok := strings.Cut(strings.TrimSpace(s), "-W")
	if !ok || len(y) != 4 || len(w) != 2 {
		return time.Time{}, bad
	}
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || year < 1000 || week < 1 || week > 53 {
		return time.Time{}, bad
	}
	// The Monday of week 1 is the Monday of the week holding 4 January.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, CST)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(week-1))
	if WeekOf(monday) != s {
		return time.Time{}, bad // a week 53 of a year that has 52
	}
	return monday, nil
}

// WeekOf answers the ISO week t lies in, in China Standard Time.
func WeekOf(t time.Time) string {
	y, w := t.In(CST).ISOWeek()
	return strconv.Itoa(y) + "-W" + twoDigits(w)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// WeekBefore answers the week n weeks before week (a valid week).
func WeekBefore(week string, n int) string {
	m, err := ParseWeek(week)
	if err != nil {
		return week
	}
	return WeekOf(m.AddDate(0, 0, -7*n))
}

// TrendOf answers the weekly average of before, the count of the weeks
// before together, the direction of this week's count against it, and
// the change in percent of the average (ok false when the average is 0: a
// change from nothing has no percentage).
func TrendOf(week, before int64, weeks int) (avg float64, dir string, pct float64, ok bool) {
	if weeks > 0 {
		avg = float64(before) / float64(weeks)
	}
	switch {
	case float64(week) > avg:
		dir = TrendUp
	case float64(week) < avg:
		dir = TrendDown
	default:
		dir = TrendFlat
	}
	if avg == 0 {
		return avg, dir, 0, false
	}
	return avg, dir, math.Round((float64(week)-avg)/avg*1000) / 10, true
}

// BriefingTrend is one line of the trend: the cases of a kind or a
// category reported in the week against the weekly average of the
// BriefingTrendWeeks weeks before.
type BriefingTrend struct {
	Dim     string  `json:"dim"` // "kind" | "category"
	Key     string  `json:"key"`
	Name    string  `json:"name,omitempty"`
	Week    int64   `json:"week"`
	Before  int64   `json:"before"` // the weeks before, together
	Average float64 `json:"average"`
	Dir     string  `json:"dir"` // Trend…
	Percent float64 `json:"percent"`
	HasPct  bool    `json:"has_percent"`
}

// NewTrend answers the trend line of a key from the week's count and the
// weeks' before together.
func NewTrend(dim, key, name string, week, before int64) BriefingTrend {
	avg, dir, pct, ok := TrendOf(week, before, BriefingTrendWeeks)
	return BriefingTrend{Dim: dim, Key: key, Name: name, Week: week, Before: before, Average: avg, Dir: dir, Percent: pct, HasPct: ok}
}

// BriefingRiskSteps counts the steps taken on the unit's risks in the
// week, by the risk's level now.
type BriefingRiskSteps struct {
	Level      string `json:"level"`
	Registered int64  `json:"registered"`
	Changed    int64  `json:"level_changed"`
	Reviewed   int64  `json:"reviewed"`
	Resolved   int64  `json:"resolved"`
}

// BriefingRisk is a risk with steps in the week.
type BriefingRisk struct {
	ID     int64    `json:"id"`
	Title  string   `json:"title"`
	Level  string   `json:"level"`
	Status string   `json:"status"`
	Steps  []string `json:"steps"` // the week's steps, each once, in order
}

// BriefingLevel is a count by level.
type BriefingLevel struct {
	Level string `json:"level"`
	Count int64  `json:"count"`
}

// BriefingWarnings counts the warnings raised in the week of one level
// and rule kind, and how many of them are still open.
type BriefingWarnings struct {
	Level    string `json:"level"`
	RuleKind string `json:"rule_kind"`
	Raised   int64  `json:"raised"`
	Open     int64  `json:"open"`
}

// BriefingOverdue is what is overdue when the figures are read.
type BriefingOverdue struct {
	Cases    int64 `json:"cases"`    // cases overdue now (超期, the gauges)
	Risks    int64 `json:"risks"`    // risks in control whose review is overdue
	Warnings int64 `json:"warnings"` // open warnings past a deadline
	Behind   int64 `json:"tasks_behind"`
	Missed   int64 `json:"tasks_missed"` // open tasks with a missed milestone
}

// BriefingFigures are the figures of a briefing: computed live for a
// draft, frozen with the meeting's record.
type BriefingFigures struct {
	At        time.Time           `json:"at"` // when they were read
	RiskSteps []BriefingRiskSteps `json:"risk_steps"`
	Risks     []BriefingRisk      `json:"risks"`
	// MoreRisks counts the risks with steps in the week not listed.
	MoreRisks int                `json:"more_risks,omitempty"`
	OpenRisks []BriefingLevel    `json:"open_risks"`
	Warnings  []BriefingWarnings `json:"warnings"`
	Overdue   BriefingOverdue    `json:"overdue"`
	Trends    []BriefingTrend    `json:"trends"`
	// Left out says which parts the reader's role may not read (risks,
	// warnings, tasks), so the page says so rather than show 0.
	LeftOut []string `json:"left_out,omitempty"`
}

// RiskTotal answers the risks of the week of one kind of step, all levels.
func (f *BriefingFigures) RiskTotal(step string) int64 {
	var n int64
	for _, r := range f.RiskSteps {
		switch step {
		case RiskRegister:
			n += r.Registered
		case RiskChangeLevel:
			n += r.Changed
		case RiskReview:
			n += r.Reviewed
		case RiskResolve:
			n += r.Resolved
		}
	}
	return n
}

// OpenTotal answers the open ledger, all levels.
func (f *BriefingFigures) OpenTotal() int64 {
	var n int64
	for _, l := range f.OpenRisks {
		n += l.Count
	}
	return n
}

// WarningTotals answers the warnings raised in the week and those of them
// still open.
func (f *BriefingFigures) WarningTotals() (raised, open int64) {
	for _, w := range f.Warnings {
		raised += w.Raised
		open += w.Open
	}
	return raised, open
}

// Meeting is the record of a 研判会.
type Meeting struct {
	On        string `json:"on"` // YYYY-MM-DD
	Chair     string `json:"chair"`
	Attendees string `json:"attendees,omitempty"`
	Summary   string `json:"summary,omitempty"`
	// Version is the briefing's version the recorder saw (0 for the first
	// record); a newer one answers ECONFLICT.
	Version int `json:"version,omitempty"`
}

// Normalize trims m's texts.
func (m *Meeting) Normalize() {
	m.On, m.Chair = strings.TrimSpace(m.On), strings.TrimSpace(m.Chair)
	m.Attendees, m.Summary = strings.TrimSpace(m.Attendees), strings.TrimSpace(m.Summary)
}

// Validate checks m: a day within the week's Monday … today, a chair, the
// lengths.
func (m *Meeting) Validate(v *Invalid, monday time.Time, today string) {
	if m.On == "" {
		v.Require("on", m.On)
	} else if _, ok := ParseDay(m.On); !ok {
		v.Add("on", "briefing.day.bad", ShowText(m.On, 20))
	} else if m.On < Day(monday) || m.On > today {
		v.Add("on", "briefing.day.outside", m.On)
	}
	v.Require("chair", m.Chair)
	textMax(v, "chair", m.Chair, MaxMeetingChair)
	textMax(v, "attendees", m.Attendees, MaxMeetingAttendees)
	textMax(v, "summary", m.Summary, MaxMeetingSummary)
}

func textMax(v *Invalid, field, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		v.Add(field, "briefing.text.long", n)
	}
}

// NewDecision is a decision of the meeting (会议决定).
type NewDecision struct {
	Text     string   `json:"text"`
	LeadUnit string   `json:"lead_unit"`
	CoUnits  []string `json:"co_units,omitempty"`
	// Plan is the task type of the task it becomes (13710 when empty).
	Plan string `json:"plan,omitempty"`
	// Task: 转为督办事项 — the decision becomes a task in its transaction.
	Task bool `json:"task"`
	// Target and TargetUnit, for a quantified plan.
	Target     int64  `json:"target,omitempty"`
	TargetUnit string `json:"target_unit,omitempty"`
}

// Normalize trims d's texts and drops empty or repeated co-units and the
// lead unit among them.
func (d *NewDecision) Normalize() {
	d.Text, d.LeadUnit, d.Plan = strings.TrimSpace(d.Text), strings.TrimSpace(d.LeadUnit), strings.TrimSpace(d.Plan)
	d.TargetUnit = strings.TrimSpace(d.TargetUnit)
	seen := map[string]bool{d.LeadUnit: true}
	var co []string
	for _, c := range d.CoUnits {
		if c = strings.TrimSpace(c); c != "" && !seen[c] {
			seen[c] = true
			co = append(co, c)
		}
	}
	d.CoUnits = co
}

// Validate checks what needs no database: a text and a lead unit.
func (d *NewDecision) Validate(v *Invalid) {
	v.Require("text", d.Text)
	textMax(v, "text", d.Text, MaxDecisionText)
	v.Require("lead_unit", d.LeadUnit)
	if len(d.CoUnits) > MaxDecisionCoUnits {
		v.Add("co_units", "briefing.co_units.many", MaxDecisionCoUnits)
	}
}

// TaskOf answers the task a decision of the briefing with id becomes: its
// title the decision's first line, its source 会议决定, its reference the
// briefing ("briefing:12").
func (d *NewDecision) TaskOf(briefing int64) *NewTask {
	title, _, _ := strings.Cut(d.Text, "\n")
	if r := []rune(strings.TrimSpace(title)); len(r) > MaxTaskTitle {
		title = string(r[:MaxTaskTitle])
	}
	return &NewTask{Title: strings.TrimSpace(title), Content: d.Text, Source: TaskFromMeeting,
		Ref: "briefing:" + strconv.FormatInt(briefing, 10), Type: d.Plan, LeadUnit: d.LeadUnit,
		CoUnits: append([]string(nil), d.CoUnits...), Target: d.Target, TargetUnit: d.TargetUnit}
}

// Decision is a decision as recorded.
type Decision struct {
	Seq      int       `json:"seq"`
	Text     string    `json:"text"`
	LeadUnit string    `json:"lead_unit"`
	LeadName string    `json:"lead_name"`
	CoUnits  []string  `json:"co_units,omitempty"`
	Plan     string    `json:"plan,omitempty"`
	TaskID   int64     `json:"task_id,omitempty"`
	At       time.Time `json:"at"`
}

// Briefing is the week's briefing of a unit: a draft (Held false, the
// figures read now) or the record of its meeting.
type Briefing struct {
	ID       int64     `json:"id,omitempty"` // 0 for a draft
	Unit     string    `json:"unit"`
	UnitName string    `json:"unit_name"`
	Week     string    `json:"week"`
	From     time.Time `json:"from"` // Monday 00:00
	To       time.Time `json:"to"`   // the next Monday 00:00
	Held     bool      `json:"held"`
	Meeting  *Meeting  `json:"meeting,omitempty"`
	// RecordedBy and RecordedAt: who recorded the meeting first, and when.
	RecordedBy string           `json:"recorded_by,omitempty"`
	RecordedAt *time.Time       `json:"recorded_at,omitempty"`
	Figures    *BriefingFigures `json:"figures"`
	Decisions  []*Decision      `json:"decisions"`
	Version    int              `json:"version"`
}

// BriefingWeek is one week of a unit's list of briefings.
type BriefingWeek struct {
	Week      string `json:"week"`
	Held      bool   `json:"held"`
	On        string `json:"on,omitempty"`
	Decisions int    `json:"decisions"`
	Tasks     int    `json:"tasks"`
}

// RiskBoard is the dashboard's section 风险预警 under a unit.
type RiskBoard struct {
	Unit  string `json:"unit"`
	Month string `json:"month"` // YYYY-MM
	Year  int    `json:"year"`
	// Risks: the ledger's counters for the twelve months up to Month, by
	// month and level; nil when the reader may not read risks.
	Risks []*RiskMonth `json:"risks,omitempty"`
	// Warnings raised in Month by level, and of them still open and
	// marked overdue; nil when the reader may not read warnings.
	Warnings []WarningCount `json:"warnings,omitempty"`
	// Tasks: the year's task counters; nil when the reader may not read tasks.
	Tasks *TaskCounts `json:"tasks,omitempty"`
}

// BriefingService keeps the weekly 研判.
type BriefingService interface {
	// Briefing answers the briefing of unit (the actor's own when empty)
	// for week: the record when its meeting was held, else the draft read
	// now. EFORBIDDEN without CapBriefings; EINVALID naming week (not an
	// ISO week, or one not begun) or unit (not a city, county or
	// township); ENOTFOUND for a unit outside the jurisdiction.
	Briefing(ctx context.Context, actor *User, unit, week string) (*Briefing, error)
	// Briefings answers the unit's last n weeks up to the current one,
	// newest first, with what was held. The errors of Briefing.
	Briefings(ctx context.Context, actor *User, unit string, n int) ([]*BriefingWeek, error)
	// RecordMeeting records the meeting, freezing the figures on the first
	// record; a later one corrects the texts. The errors of Briefing, and
	// EINVALID naming on, chair or a text too long; ECONFLICT naming
	// version when the briefing changed since m.Version. Nothing is
	// written on error.
	RecordMeeting(ctx context.Context, actor *User, unit, week string, m *Meeting) (*Briefing, error)
	// AddDecision records a decision of the meeting and, with d.Task, the
	// task it becomes, in one transaction. The errors of Briefing;
	// ECONFLICT naming meeting before the meeting is recorded; EINVALID
	// naming text, lead_unit or co_units (also a unit outside the
	// jurisdiction), and the task's fields (plan for an unknown type);
	// EFORBIDDEN when the actor may not issue a task. Nothing is written
	// on error.
	AddDecision(ctx context.Context, actor *User, unit, week string, d *NewDecision) (*Briefing, error)
	// RiskBoard answers the dashboard's section under unit at the time at,
	// from the counters of risks, warnings and tasks; the parts the actor
	// may not read are nil. ENOTFOUND for a unit outside the jurisdiction.
	RiskBoard(ctx context.Context, actor *User, unit string, at time.Time) (*RiskBoard, error)
}
