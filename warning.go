package pingan

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// A warning (预警) is raised by the warning engine over what pingan already
// records about matters and places — the daily counters of cases per grid
// and category, a dispute's number of people and its 可能激化 flag, the
// repeats merged into a petition matter — never over people. A rule
// (WarningRule) is a row of a configurable table; the engine is the pure
// functions below and the spike detector (detector.go), so it can be
// evaluated without a database (warning_eval_test.go). A warning is sent
// to a unit and handled in a closed loop of its own: raised (已发出) → sign
// (签收) → handle (处置) → feedback (反馈) → release (解除), or escalated into
// a risk item (风险台账) or a case (docs/warnings.md).

// Rule kinds (规则类型).
const (
	RuleCluster  = "cluster"  // ≥ N cases of one category in one grid within D days (聚集)
	RuleGroup    = "group"    // a dispute involving ≥ N people (群体性)
	RuleVolatile = "volatile" // a dispute flagged 可能激化
	RuleRepeat   = "repeat"   // a petition matter with ≥ N repeats (重复信访)
	RuleSeasonal = "seasonal" // a category in the W weeks before 春节 above last year's by X% (节前)
	RuleSpike    = "spike"    // the statistical detector per grid × category (异常增长)
)

// RuleKinds lists the rule kinds in the order of the pages.
var RuleKinds = []string{RuleCluster, RuleGroup, RuleVolatile, RuleRepeat, RuleSeasonal, RuleSpike}

// Warning states.
const (
	WarningRaised    = "raised"    // 已发出: waiting for the unit to sign
	WarningSigned    = "signed"    // 已签收
	WarningHandling  = "handling"  // 处置中
	WarningFedBack   = "fed_back"  // 已反馈: waiting for the issuer to release
	WarningReleased  = "released"  // 已解除
	WarningEscalated = "escalated" // 已转风险或案件
)

// WarningStates lists the states in the order of the lists.
var WarningStates = []string{WarningRaised, WarningSigned, WarningHandling, WarningFedBack, WarningReleased, WarningEscalated}

// WarningOpen reports whether a warning in state st is still open.
func WarningOpen(st string) bool {
	return st == WarningRaised || st == WarningSigned || st == WarningHandling || st == WarningFedBack
}

// Warning steps (the rows of workflow/warning.go).
const (
	WarnStepRaise        = "raise"         // the engine
	WarnStepSign         = "sign"          // 签收
	WarnStepHandle       = "handle"        // 处置
	WarnStepFeedback     = "feedback"      // 反馈
	WarnStepRelease      = "release"       // 解除
	WarnStepEscalateRisk = "escalate_risk" // 转风险台账
	WarnStepEscalateCase = "escalate_case" // 转案件
	WarnStepOverdue      = "overdue"       // the watch: a deadline missed
)

// WarningSteps lists the steps a user may take, in the order of the forms.
var WarningSteps = []string{WarnStepSign, WarnStepHandle, WarnStepFeedback, WarnStepRelease, WarnStepEscalateRisk, WarnStepEscalateCase}

// Limits.
const (
	MaxWarningNote  = 2000
	MaxRuleName     = 40
	MaxRuleWindow   = 90 // days
	MaxRuleWeeks    = 12 // weeks
	MaxRuleCount    = 100000
	MaxWarningRaise = 500 // warnings one run of the engine raises at most
)

// WarningRule is a row of the rules' table. Its fields are a closed set of
// matter and place fields (RuleFields): what is counted (a kind and a
// category of cases), where (a grid, or the unit it is sent to) and how
// much; no rule can name a person or anything about one.
type WarningRule struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"` // Rule…
	// Name is the rule's title (json "title": a rule has no "name" field,
	// which is a person's).
	Name string `json:"title"`
	// CaseKind and Category select the cases counted: a kind of case, and
	// a category with those under it (by code prefix); every category of
	// the kind, each on its own, when Category is empty.
	CaseKind Kind   `json:"case_kind,omitempty"`
	Category string `json:"category,omitempty"`
	// Threshold is N: the cases (cluster), people (group), repeats
	// (repeat); the least count of the window (seasonal, spike).
	Threshold int `json:"threshold"`
	// WindowDays is D (cluster), the window of the detector (spike).
	WindowDays int `json:"window_days"`
	// Weeks is W before 春节 (seasonal), the baseline's weeks (spike).
	Weeks int `json:"weeks"`
	// Percent is X (seasonal): the rise over last year's same weeks.
	Percent int `json:"percent"`
	// Alpha is the detector's significance: a window is a spike when a
	// count as high has at most this probability under its baseline.
	Alpha float64 `json:"alpha"`
	// CooldownDays: after a warning a series raises no other for so long.
	CooldownDays int `json:"cooldown_days"`
	// Level is the warning's level (RiskRed … RiskBlue).
	Level string `json:"level"`
	// SendTo is the unit the warnings go to; the grid's village or
	// community (or the case's unit) when empty.
	SendTo string `json:"send_to,omitempty"`
	Active bool   `json:"active"`
	// Version is the version the editor saw (optimistic check).
	Version int `json:"version"`
}

// RuleFields is the closed set of fields a rule's input may name: matter
// and place only. ParseWarningRule refuses any other.
var RuleFields = []string{"id", "kind", "title", "case_kind", "category", "threshold", "window_days", "weeks", "percent",
	"alpha", "cooldown_days", "level", "send_to", "active", "version"}

// ParseWarningRule reads a rule's JSON input. A key outside RuleFields —
// a reporter, a phone, an id number, a party's name, an ethnicity, a
// religion or anything else — is refused naming it, so no rule can ever
// reference a personal field.
func ParseWarningRule(b []byte) (*WarningRule, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return nil, E(EINVALID, "warning.rule.json")
	}
	var v Invalid
	for k := range keys {
		if !slices.Contains(RuleFields, k) {
			v.Add(k, "warning.rule.field", ShowText(k, 30))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var r WarningRule
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, E(EINVALID, "warning.rule.json")
	}
	return &r, nil
}

// Normalize trims the texts of r.
func (r *WarningRule) Normalize() {
	r.Kind, r.Name, r.Category = strings.TrimSpace(r.Kind), strings.TrimSpace(r.Name), strings.TrimSpace(r.Category)
	r.Level, r.SendTo = strings.TrimSpace(r.Level), strings.TrimSpace(r.SendTo)
	r.CaseKind = Kind(strings.TrimSpace(string(r.CaseKind)))
}

// Validate adds to v every field of r that is wrong without the database:
// a known kind and level, a name, and the numbers the kind needs — a zero
// window or threshold is refused naming it. The store adds that the
// category and the unit exist.
func (r *WarningRule) Validate(v *Invalid) {
	if !slices.Contains(RuleKinds, r.Kind) {
		v.Add("kind", "warning.rule.kind", ShowText(r.Kind, 20))
		return
	}
	v.Require("title", r.Name)
	if utf8.RuneCountInString(r.Name) > MaxRuleName {
		v.Add("title", "warning.rule.name.long", MaxRuleName)
	}
	if RiskLevelRank(r.Level) == len(RiskLevels) {
		v.Add("level", "warning.level.bad", ShowText(r.Level, 10))
	}
	if r.CaseKind != "" && !r.CaseKind.Valid() {
		v.Add("case_kind", "warning.rule.case_kind", ShowText(string(r.CaseKind), 20))
	}
	positive := func(field string, n, max int) {
		if n <= 0 {
			v.Add(field, "warning.rule.zero")
		} else if n > max {
			v.Add(field, "warning.rule.max", max)
		}
	}
	switch r.Kind {
	case RuleCluster:
		positive("threshold", r.Threshold, MaxRuleCount)
		positive("window_days", r.WindowDays, MaxRuleWindow)
	case RuleGroup, RuleRepeat:
		positive("threshold", r.Threshold, MaxRuleCount)
	case RuleSeasonal:
		v.Require("category", r.Category)
		positive("threshold", r.Threshold, MaxRuleCount)
		positive("weeks", r.Weeks, MaxRuleWeeks)
		positive("percent", r.Percent, 1000)
	case RuleSpike:
		positive("threshold", r.Threshold, MaxRuleCount)
		positive("window_days", r.WindowDays, 28)
		positive("weeks", r.Weeks, MaxRuleWeeks)
		if !(r.Alpha > 0 && r.Alpha < 0.5) {
			v.Add("alpha", "warning.rule.alpha")
		}
	}
	if r.CooldownDays < 0 || r.CooldownDays > 365 {
		v.Add("cooldown_days", "warning.rule.max", 365)
	}
}

// Cooldown answers the days a series stays quiet after a warning: the
// rule's, else its window.
func (r *WarningRule) Cooldown() int {
	if r.CooldownDays > 0 {
		return r.CooldownDays
	}
	return max(r.WindowDays, 1)
}

// Counts reports whether the rule counts cases of kind and category.
func (r *WarningRule) Counts(kind Kind, category string) bool {
	if r.CaseKind != "" && r.CaseKind != kind {
		return false
	}
	return r.Category == "" || strings.HasPrefix(category, r.Category)
}

// Series is the daily counts of cases of one place (a grid, or a unit) and
// one category, oldest first; the last is the day the engine runs for.
type Series struct {
	Place    string
	Kind     Kind
	Category string
	Counts   []int
}

// Raise is a warning the engine answers: the rule, the place and category,
// the counts that triggered it and its dedup key — the rule, the place,
// the category and the window — so that one cluster raises one warning.
type Raise struct {
	Rule     *WarningRule
	Place    string // a grid or a unit
	Kind     Kind
	Category string
	CaseID   string // the case of a per-case rule
	// Count is what the window counted (cases, people, repeats); Expected
	// the baseline it was held against (spike, seasonal), 0 otherwise.
	Count    int
	Expected float64
	From, To string // the window's first and last day (YYYY-MM-DD)
	Key      string
}

func (r *Raise) key() {
	if r.CaseID != "" {
		r.Key = fmt.Sprintf("%d|case|%s", r.Rule.ID, r.CaseID)
		return
	}
	r.Key = fmt.Sprintf("%d|%s|%s|%s", r.Rule.ID, r.Place, r.Category, r.From)
}

// quiet reports whether a series whose last warning was on day last (""
// for none) is still cooling down on day today.
func quiet(last, today string, days int) bool {
	if last == "" {
		return false
	}
	l, ok1 := ParseDay(last)
	t, ok2 := ParseDay(today)
	return ok1 && ok2 && t.Sub(l) < time.Duration(days)*24*time.Hour
}

// EvalSeries answers the warning a cluster or spike rule raises over the
// series s on its last day, today, or nil; last is the day of the series'
// last warning of this rule ("" for none), for the cooldown.
func (r *WarningRule) EvalSeries(s *Series, today, last string) *Raise {
	if !r.Active || !r.Counts(s.Kind, s.Category) || quiet(last, today, r.Cooldown()) {
		return nil
	}
	var count int
	var expected float64
	switch r.Kind {
	case RuleCluster:
		count = sumLast(s.Counts, r.WindowDays)
		if count < r.Threshold {
			return nil
		}
	case RuleSpike:
		d := Detector{Window: r.WindowDays, Weeks: r.Weeks, MinCount: r.Threshold, Alpha: r.Alpha}
		ok := false
		if count, expected, ok = d.Spike(s.Counts); !ok {
			return nil
		}
	default:
		return nil
	}
	t, _ := ParseDay(today)
	out := &Raise{Rule: r, Place: s.Place, Kind: s.Kind, Category: s.Category, Count: count, Expected: expected,
		From: Day(t.AddDate(0, 0, 1-r.WindowDays)), To: today}
	out.key()
	return out
}

// sumLast answers the sum of the last n counts.
func sumLast(c []int, n int) int {
	s := 0
	for i := max(0, len(c)-n); i < len(c); i++ {
		s += c[i]
	}
	return s
}

// CaseFacts are what per-case rules look at: matter and place, never a
// person.
type CaseFacts struct {
	ID       string
	Kind     Kind
	Category string
	Grid     string
	Unit     string // the unit the case happened in
	People   int    // a dispute's 涉及人数
	Volatile bool   // a dispute flagged 可能激化
	Repeats  int    // repeats merged into a petition matter
	Reported time.Time
}

// EvalCase answers the warning a group, volatile or repeat rule raises for
// the case c, or nil.
func (r *WarningRule) EvalCase(c *CaseFacts) *Raise {
	if !r.Active || !r.Counts(c.Kind, c.Category) {
		return nil
	}
	var count int
	switch r.Kind {
	case RuleGroup:
		if c.Kind != KindDispute || c.People < r.Threshold {
			return nil
		}
		count = c.People
	case RuleVolatile:
		if c.Kind != KindDispute || !c.Volatile {
			return nil
		}
		count = 1
	case RuleRepeat:
		if c.Kind != KindPetition || c.Repeats < r.Threshold {
			return nil
		}
		count = c.Repeats
	default:
		return nil
	}
	place := c.Grid
	if place == "" {
		place = c.Unit
	}
	day := Day(c.Reported)
	out := &Raise{Rule: r, Place: place, Kind: c.Kind, Category: c.Category, CaseID: c.ID, Count: count, From: day, To: day}
	out.key()
	return out
}

// SeasonalWindow answers the days of the seasonal rule's window on day
// today before the 春节 festival: from W weeks before it to today, and
// the same stretch before last year's 春节 lastFestival; ok is false
// unless today lies in the last of the W weeks before festival — judged
// earlier, on a few weeks of small counts, the rule mostly sees noise
// (warning_eval_test.go).
func (r *WarningRule) SeasonalWindow(today, festival, lastFestival time.Time) (from, to, lastFrom, lastTo time.Time, ok bool) {
	from = festival.AddDate(0, 0, -7*r.Weeks)
	days := int(today.Sub(from).Hours()/24 + 0.5)
	if days < 7*(r.Weeks-1) || !today.Before(festival) {
		return
	}
	lastFrom = lastFestival.AddDate(0, 0, -7*r.Weeks)
	return from, today, lastFrom, lastFrom.AddDate(0, 0, days), true
}

// EvalSeasonal answers the warning the seasonal rule raises at place when
// its window counted now cases against last year's then (from the days
// SeasonalWindow gives), or nil: now at least the threshold and above
// then by Percent percent (any rise when then is 0). One warning a place a
// season: the key holds the festival's year.
func (r *WarningRule) EvalSeasonal(place string, now, then int, from, to time.Time) *Raise {
	if !r.Active || r.Kind != RuleSeasonal || now < r.Threshold {
		return nil
	}
	if float64(now) <= float64(then)*(1+float64(r.Percent)/100) {
		return nil
	}
	out := &Raise{Rule: r, Place: place, Kind: r.CaseKind, Category: r.Category, Count: now, Expected: float64(then),
		From: Day(from), To: Day(to)}
	out.Key = fmt.Sprintf("%d|%s|%s|season-%d", r.ID, place, r.Category, from.AddDate(0, 0, 7*r.Weeks).Year())
	return out
}

// SortRaises orders raises by level (red first), then by key, so that a
// capped run keeps the most serious.
func SortRaises(rs []*Raise) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := RiskLevelRank(rs[i].Rule.Level), RiskLevelRank(rs[j].Rule.Level)
		if a != b {
			return a < b
		}
		return rs[i].Key < rs[j].Key
	})
}

// WarningDeadline is how long a unit has for a warning of one level: to
// sign it (hours on the clock) and to handle it and feed back (working
// days on the official calendar).
type WarningDeadline struct {
	Level        string `json:"level"`
	SignHours    int    `json:"sign_hours"`
	FeedbackDays int    `json:"feedback_days"`
}

// DefaultWarningDeadlines are the deadlines a new database starts with.
var DefaultWarningDeadlines = []WarningDeadline{
	{RiskRed, 2, 1}, {RiskOrange, 4, 3}, {RiskYellow, 8, 5}, {RiskBlue, 24, 10},
}

// Validate adds to v what is wrong with d (deadlines[i]).
func (d *WarningDeadline) Validate(v *Invalid, field string) {
	if RiskLevelRank(d.Level) == len(RiskLevels) {
		v.Add(field, "warning.level.bad", ShowText(d.Level, 10))
	}
	if d.SignHours <= 0 || d.SignHours > 240 {
		v.Add(field, "warning.deadline.sign")
	}
	if d.FeedbackDays <= 0 || d.FeedbackDays > 60 {
		v.Add(field, "warning.deadline.feedback")
	}
}

// Warning is a warning as read.
type Warning struct {
	ID       int64  `json:"id"`
	Rule     int64  `json:"rule"`
	RuleKind string `json:"rule_kind"`
	RuleName string `json:"rule_name"`
	Level    string `json:"level"`
	// Place is the grid or unit where it happened; Category and CaseKind
	// what was counted; CaseID the case of a per-case rule.
	Place        string  `json:"place"`
	PlaceName    string  `json:"place_name"`
	CaseKind     Kind    `json:"case_kind,omitempty"`
	Category     string  `json:"category,omitempty"`
	CategoryName string  `json:"category_name,omitempty"`
	CaseID       string  `json:"case_id,omitempty"`
	Count        int     `json:"count"`
	Expected     float64 `json:"expected,omitempty"`
	From         string  `json:"from"`
	To           string  `json:"to"`
	// Unit is the unit it is sent to; Issuer the unit above it whose
	// centre releases it.
	Unit       string     `json:"unit"`
	UnitName   string     `json:"unit_name"`
	UnitPath   string     `json:"-"`
	IssuerPath string     `json:"-"`
	State      string     `json:"state"`
	RaisedAt   time.Time  `json:"raised_at"`
	SignBy     time.Time  `json:"sign_by"`
	FeedbackBy time.Time  `json:"feedback_by"`
	SignedAt   *time.Time `json:"signed_at,omitempty"`
	FedBackAt  *time.Time `json:"fed_back_at,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	Feedback   string     `json:"feedback,omitempty"`
	Overdue    bool       `json:"overdue"`
	// RiskID and EscalatedCase link what it was escalated into.
	RiskID        int64  `json:"risk_id,omitempty"`
	EscalatedCase string `json:"escalated_case,omitempty"`
	Key           string `json:"-"`
	Version       int    `json:"version"`
}

// Late reports whether w is past a deadline it has not met at now.
func (w *Warning) Late(now time.Time) bool {
	if !WarningOpen(w.State) {
		return false
	}
	return (w.State == WarningRaised && now.After(w.SignBy)) || (w.FedBackAt == nil && now.After(w.FeedbackBy))
}

// WarningEvent is one row of a warning's timeline: the shape of every
// timeline of an item of its own kind (RiskEvent).
type WarningEvent = RiskEvent

// WarningAction is a step taken on a warning.
type WarningAction struct {
	Step string `json:"step"`
	Note string `json:"note,omitempty"`
	// Risk is the risk item escalate_risk registers (its title, level and
	// unit default to the warning's).
	Risk *NewRisk `json:"risk,omitempty"`
	// Case is the report escalate_case files (its unit and category
	// default to the warning's).
	Case *NewCase `json:"case,omitempty"`
	// Version is the version the actor saw; a newer one answers ECONFLICT.
	Version int `json:"version,omitempty"`
}

// WarningFilter selects warnings for a list.
type WarningFilter struct {
	State string // a state, "open", or "" for all
	Level string
	Rule  int64
	// Kind keeps those of one rule kind (Rule…).
	Kind string
	// Unit keeps those sent to a unit of that subtree (a code in the
	// actor's jurisdiction; ENOTFOUND otherwise).
	Unit string
	// Mine keeps those sent to the actor's unit.
	Mine    bool
	Overdue bool
	Limit   int
}

// WarningCount is the counters of one month and level (预警统计).
type WarningCount struct {
	Month     string `json:"month"` // YYYY-MM, the month raised
	RuleKind  string `json:"rule_kind"`
	Level     string `json:"level"`
	Raised    int64  `json:"raised"`
	Signed    int64  `json:"signed"`
	FedBack   int64  `json:"fed_back"`
	Released  int64  `json:"released"`
	Escalated int64  `json:"escalated"`
	Overdue   int64  `json:"overdue"`
	Open      int64  `json:"open"`
}

// WarningService keeps the warnings and their rules.
type WarningService interface {
	// Rules answers every rule. EFORBIDDEN without CapWarnings.
	Rules(ctx context.Context, actor *User) ([]*WarningRule, error)
	// SaveRule adds (ID 0) or changes a rule. EFORBIDDEN without
	// CapWarningRules or for an actor below the city; EINVALID naming each
	// bad field (Validate's, an unknown category, a unit outside the
	// actor's jurisdiction "send_to"); ECONFLICT for a stale version;
	// ENOTFOUND for no such rule.
	SaveRule(ctx context.Context, actor *User, r *WarningRule) (*WarningRule, error)
	// Deadlines answers the deadlines by level.
	Deadlines(ctx context.Context) ([]WarningDeadline, error)
	// SetDeadlines changes them; EFORBIDDEN, EINVALID naming deadlines[i].
	SetDeadlines(ctx context.Context, actor *User, ds []WarningDeadline) error
	// FindWarning answers a warning the actor sees (its unit lies in their
	// jurisdiction) with its timeline; ENOTFOUND otherwise.
	FindWarning(ctx context.Context, actor *User, id int64) (*Warning, []*WarningEvent, error)
	// FindWarnings answers the warnings the actor sees, open first,
	// newest first.
	FindWarnings(ctx context.Context, actor *User, f WarningFilter) ([]*Warning, error)
	// ActWarning takes a step; EFORBIDDEN when it is not the actor's,
	// ECONFLICT for the state (release without feedback names feedback) or
	// a stale version, EINVALID naming the field, ENOTFOUND for a warning
	// the actor does not see. Nothing is written on error.
	ActWarning(ctx context.Context, actor *User, id int64, in *WarningAction) (*Warning, error)
	// WarningCounts answers the counters under unit (the actor's own when
	// empty) for the months from–to (YYYY-MM), per month, rule kind and
	// level. ENOTFOUND for a unit outside the jurisdiction.
	WarningCounts(ctx context.Context, actor *User, unit, from, to string) ([]WarningCount, error)
	// Waiting answers how many open warnings are sent to the actor's unit,
	// and how many of them are overdue (the inbox's line).
	Waiting(ctx context.Context, actor *User) (open, overdue int, err error)
}

// WarningEngine runs the rules and marks missed deadlines: the job's.
type WarningEngine interface {
	// RunWarnings evaluates every active rule at now and raises the
	// warnings not raised before; answers how many it raised.
	RunWarnings(ctx context.Context, now time.Time) (int, error)
	// MarkOverdue marks at most limit open warnings past a deadline.
	MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error)
}
