package pingan

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Assessment (考核, docs/assessment.md). A 平安办 — a user with the
// assessor role — defines a scheme (考核方案) per year and level of the units
// it assesses (the counties of its city, the townships of its county …):
// indicators with weights summing to 100, each computed from pingan's own
// rates (Rates) with a scoring rule, or scored by hand with evidence; the
// grades and the 红黄绿 bands; how many working days a unit has to object.
// For a period (month, quarter, year) each unit of the level gets a Result:
// every indicator's value and score, deductions (扣分), vetoes (一票否决),
// total, grade and rank among its peers (the units of the level under one
// parent). A period is computed live until the assessor publishes it
// (排名晾晒); from then on its results are frozen with the scheme's version,
// and change only by a logged Correction (an objection upheld, 申诉).

// PeriodKind is the length of an assessment period.
type PeriodKind string

const (
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
)

// AssessPeriod is a month ("2026-11"), a quarter ("2026-Q4") or a year ("2026")
// in China Standard Time.
type AssessPeriod struct {
	Kind PeriodKind
	Year int
	N    int // the month 1–12 or the quarter 1–4; 0 for a year
}

// ParseAssessPeriod reads "2026-11", "2026-Q4" or "2026".
func ParseAssessPeriod(s string) (AssessPeriod, bool) {
	s = strings.TrimSpace(s)
	year := func(y string) (int, bool) {
		n, err := strconv.Atoi(y)
		return n, err == nil && len(y) == 4 && n >= 2000 && n <= 2100
	}
	switch {
	case len(s) == 4:
		if y, ok := year(s); ok {
			return AssessPeriod{Kind: PeriodYear, Year: y}, true
		}
	case len(s) == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q'):
		y, ok := year(s[:4])
		q, err := strconv.Atoi(s[6:])
		if ok && err == nil && q >= 1 && q <= 4 {
			return AssessPeriod{Kind: PeriodQuarter, Year: y, N: q}, true
		}
	case len(s) == 7 && s[4] == '-':
		y, ok := year(s[:4])
		m, err := strconv.Atoi(s[5:])
		if ok && err == nil && m >= 1 && m <= 12 && s[5] >= '0' && s[5] <= '1' {
			return AssessPeriod{Kind: PeriodMonth, Year: y, N: m}, true
		}
	}
	return AssessPeriod{}, false
}

// String writes p as ParseAssessPeriod reads it.
func (p AssessPeriod) String() string {
	switch p.Kind {
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case PeriodYear:
		return fmt.Sprintf("%04d", p.Year)
	}
	return ""
}

// IsZero reports whether p is no period.
func (p AssessPeriod) IsZero() bool { return p.Kind == "" }

// Bounds answers [from, to): the period's first day and the day after its
// last, at midnight China Standard Time — what StatsQuery counts.
func (p AssessPeriod) Bounds() (from, to time.Time) {
	switch p.Kind {
	case PeriodMonth:
		from = time.Date(p.Year, time.Month(p.N), 1, 0, 0, 0, 0, CST)
		return from, from.AddDate(0, 1, 0)
	case PeriodQuarter:
		from = time.Date(p.Year, time.Month(3*p.N-2), 1, 0, 0, 0, 0, CST)
		return from, from.AddDate(0, 3, 0)
	}
	from = time.Date(p.Year, 1, 1, 0, 0, 0, 0, CST)
	return from, from.AddDate(1, 0, 0)
}

// Ended reports whether the period is over at now: a period is published
// only once it has.
func (p AssessPeriod) Ended(now time.Time) bool {
	_, to := p.Bounds()
	return !now.Before(to)
}

// Prev answers the period before p, of the same kind (环比).
func (p AssessPeriod) Prev() AssessPeriod {
	switch p.Kind {
	case PeriodMonth:
		if p.N == 1 {
			return AssessPeriod{PeriodMonth, p.Year - 1, 12}
		}
		return AssessPeriod{PeriodMonth, p.Year, p.N - 1}
	case PeriodQuarter:
		if p.N == 1 {
			return AssessPeriod{PeriodQuarter, p.Year - 1, 4}
		}
		return AssessPeriod{PeriodQuarter, p.Year, p.N - 1}
	}
	return AssessPeriod{PeriodYear, p.Year - 1, 0}
}

// YearAgo answers the same period a year before (同比).
func (p AssessPeriod) YearAgo() AssessPeriod { p.Year--; return p }

// Source of an indicator's score.
type IndicatorSource string

const (
	SourceComputed IndicatorSource = "computed" // from pingan's rates
	SourceManual   IndicatorSource = "manual"   // scored by the assessor with evidence
)

// RuleKind is how a computed indicator's value becomes its score.
type RuleKind string

const (
	// RuleLinear: nothing at Floor or worse, the whole weight at Target
	// or better, in proportion between.
	RuleLinear RuleKind = "linear"
	// RuleThreshold: the share of the highest step reached (Steps).
	RuleThreshold RuleKind = "threshold"
	// RuleRank: by rank among the peers by value, the first the whole
	// weight and the last Last of it, in proportion between.
	RuleRank RuleKind = "rank"
)

// Step is a threshold of RuleThreshold: a value at At or better earns
// Share (0–1) of the weight.
type Step struct {
	At    float64 `json:"at"`
	Share float64 `json:"share"`
}

// ScoreRule turns a rate (0–1) into a score. Whether a higher value is
// better is the rate's (Rate.Good): for 重复信访率 Floor lies above Target
// and a step is reached at its value or below.
type ScoreRule struct {
	Kind   RuleKind `json:"kind"`
	Floor  float64  `json:"floor,omitempty"`
	Target float64  `json:"target,omitempty"`
	Steps  []Step   `json:"steps,omitempty"`
	Last   float64  `json:"last,omitempty"`
}

// Indicator is one line of a scheme (考核指标).
type Indicator struct {
	// Key names the indicator within its scheme (a short code, "i1").
	Key    string          `json:"key"`
	Name   string          `json:"name"`
	Weight float64         `json:"weight"`
	Source IndicatorSource `json:"source"`
	// Rate is the ID of a rate of Rates (computed indicators).
	Rate string    `json:"rate,omitempty"`
	Rule ScoreRule `json:"rule,omitzero"`
	// Guide says what earns the score (评分细则), for a manual indicator.
	Guide string `json:"guide,omitempty"`
}

// Grade is a band of totals: Min and above earns the grade.
type Grade struct {
	Name string  `json:"name"`
	Min  float64 `json:"min"`
}

// DefaultGrades are A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below.
var DefaultGrades = []Grade{{"A", 90}, {"B", 75}, {"C", 60}, {"D", 40}, {"E", 0}}

// Band is the colour a result is shown in on the published board.
type Band string

const (
	BandGreen  Band = "green"
	BandYellow Band = "yellow"
	BandRed    Band = "red"
)

// Levels of units a scheme assesses.
var AssessLevels = []Level{LevelCounty, LevelTownship, LevelVillage}

// Scheme is an assessment scheme (考核方案) of a year for the units of one
// level under Unit. Editing a scheme a published period used makes a new
// Version; the published results keep theirs.
type Scheme struct {
	ID      int64  `json:"id"`
	Unit    string `json:"unit"` // the unit whose 平安办 assesses
	Year    int    `json:"year"`
	Level   Level  `json:"level"` // the level of the units assessed
	Name    string `json:"name"`
	Version int    `json:"version"`

	Indicators []Indicator `json:"indicators"`
	// Grades descend; the last's Min is 0. DefaultGrades when none.
	Grades []Grade `json:"grades"`
	// Green and Yellow: a total at Green or above is shown green, at
	// Yellow or above yellow, else red; a vetoed unit is red.
	Green  float64 `json:"green"`
	Yellow float64 `json:"yellow"`
	// ObjectionDays are the working days after publication in which a
	// unit may object (申诉期); 5 when 0.
	ObjectionDays int `json:"objection_days"`
	// CreationMin is the year's total a unit without veto needs to be
	// designated 平安乡镇 / 平安村(社区) (平安创建); 90 when 0.
	CreationMin float64 `json:"creation_min"`

	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Limits of a scheme.
const (
	MaxIndicators     = 40
	MaxIndicatorName  = 60
	MaxIndicatorGuide = 500
	MaxSchemeName     = 100
	MaxAssessText     = 2000
)

// Normalize trims the typed fields and fills the defaults.
func (s *Scheme) Normalize() {
	s.Unit = strings.TrimSpace(s.Unit)
	s.Name = strings.TrimSpace(s.Name)
	for i := range s.Indicators {
		in := &s.Indicators[i]
		in.Key = strings.TrimSpace(in.Key)
		in.Name = strings.TrimSpace(in.Name)
		in.Rate = strings.TrimSpace(in.Rate)
		in.Guide = strings.TrimSpace(in.Guide)
		if in.Key == "" {
			in.Key = "i" + strconv.Itoa(i+1)
		}
	}
	if len(s.Grades) == 0 {
		s.Grades = append([]Grade(nil), DefaultGrades...)
	}
	if s.Green == 0 && s.Yellow == 0 {
		s.Green, s.Yellow = 90, 75
	}
	if s.ObjectionDays == 0 {
		s.ObjectionDays = 5
	}
	if s.CreationMin == 0 {
		s.CreationMin = 90
	}
}

// RateByID answers the rate of Rates with the ID.
func RateByID(id string) (Rate, bool) {
	for _, r := range Rates {
		if r.ID == id {
			return r, true
		}
	}
	return Rate{}, false
}

// Check names into v each bad field of a normalized scheme: the unit,
// year, level and name are required; the weights are positive and sum to
// 100; a computed indicator names a rate that exists and a rule whose
// floor lies below its target (above, for a rate where less is better),
// whose steps rise, whose shares lie in 0–1; the grades descend to 0; the
// bands, the objection days and the creation threshold are in range.
func (s *Scheme) Check(v *Invalid) {
	v.Require("unit", s.Unit)
	if s.Year < 2000 || s.Year > 2100 {
		v.Add("year", "assess.year.bad", s.Year)
	}
	okLevel := false
	for _, l := range AssessLevels {
		okLevel = okLevel || s.Level == l
	}
	if !okLevel {
		v.Add("level", "assess.level.bad", ShowText(string(s.Level), 20))
	}
	v.Require("name", s.Name)
	checkRunes(v, "name", s.Name, MaxSchemeName)
	if len(s.Indicators) == 0 {
		v.Add("indicators", "field.required")
	} else if len(s.Indicators) > MaxIndicators {
		v.Add("indicators", "assess.indicators.many", MaxIndicators)
	}
	keys := map[string]bool{}
	sum := 0.0
	for i, in := range s.Indicators {
		f := func(name string) string { return fmt.Sprintf("indicators[%d].%s", i, name) }
		if keys[in.Key] {
			v.Add(f("key"), "assess.key.twice", ShowText(in.Key, 20))
		}
		keys[in.Key] = true
		checkRunes(v, f("key"), in.Key, 20)
		v.Require(f("name"), in.Name)
		checkRunes(v, f("name"), in.Name, MaxIndicatorName)
		checkRunes(v, f("guide"), in.Guide, MaxIndicatorGuide)
		if !(in.Weight > 0) || in.Weight > 100 || math.IsNaN(in.Weight) {
			v.Add(f("weight"), "assess.weight.bad")
		}
		sum += in.Weight
		switch in.Source {
		case SourceManual:
		case SourceComputed:
			r, ok := RateByID(in.Rate)
			if !ok {
				v.Add(f("rate"), "assess.rate.unknown", ShowText(in.Rate, 40))
				continue
			}
			in.Rule.check(v, f("rule"), r.Good)
		default:
			v.Add(f("source"), "assess.source.bad", ShowText(string(in.Source), 20))
		}
	}
	if len(s.Indicators) > 0 && math.Abs(sum-100) > 1e-6 {
		v.Add("indicators", "assess.weights.sum", trimFloat(sum))
	}
	for i, g := range s.Grades {
		f := fmt.Sprintf("grades[%d]", i)
		if strings.TrimSpace(g.Name) == "" {
			v.Add(f+".name", "field.required")
		}
		if g.Min < 0 || g.Min > 100 || (i > 0 && g.Min >= s.Grades[i-1].Min) {
			v.Add(f+".min", "assess.grades.order")
		}
	}
	if n := len(s.Grades); n > 0 && s.Grades[n-1].Min != 0 {
		v.Add(fmt.Sprintf("grades[%d].min", n-1), "assess.grades.last")
	}
	if s.Green < 0 || s.Green > 100 {
		v.Add("green", "assess.points.range")
	}
	if s.Yellow < 0 || s.Yellow > s.Green {
		v.Add("yellow", "assess.yellow.above")
	}
	if s.ObjectionDays < 1 || s.ObjectionDays > 30 {
		v.Add("objection_days", "assess.objection_days.bad")
	}
	if s.CreationMin < 0 || s.CreationMin > 100 {
		v.Add("creation_min", "assess.points.range")
	}
}

func (r ScoreRule) check(v *Invalid, field string, good bool) {
	share := func(x float64) bool { return x >= 0 && x <= 1 && !math.IsNaN(x) }
	switch r.Kind {
	case RuleLinear:
		if !share(r.Floor) {
			v.Add(field+".floor", "assess.rate.range")
		} else if !share(r.Target) {
			v.Add(field+".target", "assess.rate.range")
		} else if good && r.Floor >= r.Target {
			v.Add(field+".floor", "assess.floor.above", trimFloat(r.Floor*100), trimFloat(r.Target*100))
		} else if !good && r.Floor <= r.Target {
			v.Add(field+".floor", "assess.floor.below", trimFloat(r.Floor*100), trimFloat(r.Target*100))
		}
	case RuleThreshold:
		if len(r.Steps) == 0 {
			v.Add(field+".steps", "field.required")
		}
		for i, st := range r.Steps {
			f := fmt.Sprintf("%s.steps[%d]", field, i)
			if !share(st.At) {
				v.Add(f+".at", "assess.rate.range")
			} else if !share(st.Share) {
				v.Add(f+".share", "assess.share.range")
			} else if i > 0 && (st.Share <= r.Steps[i-1].Share ||
				(good && st.At <= r.Steps[i-1].At) || (!good && st.At >= r.Steps[i-1].At)) {
				v.Add(f+".at", "assess.steps.order")
			}
		}
	case RuleRank:
		if !share(r.Last) {
			v.Add(field+".last", "assess.share.range")
		}
	default:
		v.Add(field+".kind", "assess.rule.bad", ShowText(string(r.Kind), 20))
	}
}

// trimFloat writes x with at most two decimals and no trailing zeros.
func trimFloat(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// GradeOf answers the grade of total under the scheme's grades.
func (s *Scheme) GradeOf(total float64) string {
	for _, g := range s.Grades {
		if total >= g.Min-1e-9 {
			return g.Name
		}
	}
	if n := len(s.Grades); n > 0 {
		return s.Grades[n-1].Name
	}
	return ""
}

// BandOf answers the band of a total; a vetoed unit is red.
func (s *Scheme) BandOf(total float64, vetoed bool) Band {
	switch {
	case vetoed:
		return BandRed
	case total >= s.Green-1e-9:
		return BandGreen
	case total >= s.Yellow-1e-9:
		return BandYellow
	}
	return BandRed
}

// Score answers the score of a computed indicator whose rate is value
// (over a base of base), among n peers where the value ranks rank (1 the
// best; rank-based rules only). An indicator with nothing to count (base
// 0) earns its whole weight: no case of the kind went wrong.
func (in *Indicator) Score(value float64, base int64, rank, n int) float64 {
	if base <= 0 {
		return in.Weight
	}
	r, _ := RateByID(in.Rate)
	share := 0.0
	switch in.Rule.Kind {
	case RuleLinear:
		share = (value - in.Rule.Floor) / (in.Rule.Target - in.Rule.Floor) // the sign of a falling rate cancels
	case RuleThreshold:
		for _, st := range in.Rule.Steps {
			if (r.Good && value >= st.At-1e-12) || (!r.Good && value <= st.At+1e-12) {
				share = st.Share
			}
		}
	case RuleRank:
		share = 1
		if n > 1 {
			share = 1 - float64(rank-1)/float64(n-1)*(1-in.Rule.Last)
		}
	}
	return round2(in.Weight * min(1, max(0, share)))
}

// round2 rounds to hundredths, as scores are shown and summed.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// IndicatorResult is how one unit fared on one indicator in a period.
type IndicatorResult struct {
	Key    string          `json:"key"`
	Name   string          `json:"name"`
	Weight float64         `json:"weight"`
	Source IndicatorSource `json:"source"`
	Rate   string          `json:"rate,omitempty"`
	// Num and Base are the rate's numerator and denominator; Value is
	// Num/Base, nil when Base is 0 (nothing to count) or for a manual
	// indicator. Rank is the value's rank among the peers (rank rules).
	Num   int64    `json:"num"`
	Base  int64    `json:"base"`
	Value *float64 `json:"value,omitempty"`
	Rank  int      `json:"rank,omitempty"`
	Score float64  `json:"score"`
	// Scored says whether a manual indicator was scored (0 until it is);
	// Comment and Evidence are the assessor's.
	Scored   bool       `json:"scored,omitempty"`
	Comment  string     `json:"comment,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Evidence is a file the assessor or a unit attached (佐证材料), kept by
// its content's sum like a case's photos.
type Evidence struct {
	Sum  string `json:"sum"` // hex SHA-256
	Name string `json:"name"`
	Type string `json:"type"`
}

// InputKind is what an assessor enters for a unit in a period.
type InputKind string

const (
	InputScore     InputKind = "score"     // a manual indicator's score
	InputDeduction InputKind = "deduction" // 扣分项
	InputVeto      InputKind = "veto"      // 一票否决
)

// Input is a manual score, deduction or veto of a unit in a period,
// entered before publication.
type Input struct {
	ID        int64     `json:"id"`
	Kind      InputKind `json:"kind"`
	Unit      string    `json:"unit"`
	Indicator string    `json:"indicator,omitempty"` // the key of a manual indicator (score)
	// Points: the score (0 to the weight) or the points deducted (> 0);
	// none for a veto.
	Points   float64    `json:"points"`
	Reason   string     `json:"reason"` // the comment of a score, the reason of a deduction or veto
	Evidence []Evidence `json:"evidence,omitempty"`
	By       string     `json:"by"`
	At       time.Time  `json:"at"`
}

// Check names into v what is wrong with an input of s: an assessed unit is
// the store's to check.
func (in *Input) Check(v *Invalid, s *Scheme) {
	v.Require("unit", in.Unit)
	checkRunes(v, "reason", in.Reason, MaxAssessText)
	bad := math.IsNaN(in.Points) || math.IsInf(in.Points, 0)
	switch in.Kind {
	case InputScore:
		var ind *Indicator
		for i := range s.Indicators {
			if s.Indicators[i].Key == in.Indicator {
				ind = &s.Indicators[i]
			}
		}
		if ind == nil || ind.Source != SourceManual {
			v.Add("indicator", "assess.indicator.manual", ShowText(in.Indicator, 20))
		} else if bad || in.Points < 0 || in.Points > ind.Weight {
			v.Add("points", "assess.score.range", trimFloat(ind.Weight))
		}
	case InputDeduction:
		v.Require("reason", in.Reason)
		if bad || in.Points <= 0 || in.Points > 100 {
			v.Add("points", "assess.deduction.range")
		}
	case InputVeto:
		v.Require("reason", in.Reason)
	default:
		v.Add("kind", "assess.input.kind", ShowText(string(in.Kind), 20))
	}
}

// Result is one unit's assessment in a period.
type Result struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	// Parent is the unit whose children are the peers ranked together.
	Parent     string            `json:"parent"`
	ParentName string            `json:"parent_name"`
	Lines      []IndicatorResult `json:"lines,omitempty"`
	Deductions []Input           `json:"deductions,omitempty"`
	Vetoes     []Input           `json:"vetoes,omitempty"`
	// Sum of the indicators' scores; Deducted the points deducted; Total
	// Sum less Deducted, never below 0.
	Sum      float64 `json:"sum"`
	Deducted float64 `json:"deducted"`
	Total    float64 `json:"total"`
	Vetoed   bool    `json:"vetoed"`
	// Grade: the scheme's last grade when vetoed.
	Grade string `json:"grade"`
	Band  Band   `json:"band"`
	// Rank among Peers (1 the best); PrevRank in the last published period
	// of the same kind, 0 when there was none.
	Rank     int `json:"rank"`
	Peers    int `json:"peers"`
	PrevRank int `json:"prev_rank,omitempty"`
	// After publication: what stays with the result.
	Notices     []AssessNotice `json:"notices,omitempty"`
	Objections  []Objection    `json:"objections,omitempty"`
	Corrections []Correction   `json:"corrections,omitempty"`
}

// TieRule says how equal totals are ordered (shown on the board): a
// vetoed unit after every other; then the higher total; then the higher
// score on each indicator in the scheme's order; then the fewer points
// deducted; then the unit's code.
const TieRule = "assess.tie_rule"

// Finish sums r's lines and deductions into its total, grade and band
// under s.
func (r *Result) Finish(s *Scheme) {
	r.Sum, r.Deducted = 0, 0
	for _, l := range r.Lines {
		r.Sum += l.Score
	}
	for _, d := range r.Deductions {
		r.Deducted += d.Points
	}
	r.Sum, r.Deducted = round2(r.Sum), round2(r.Deducted)
	r.Total = round2(max(0, r.Sum-r.Deducted))
	r.Vetoed = len(r.Vetoes) > 0
	r.Grade = s.GradeOf(r.Total)
	if r.Vetoed && len(s.Grades) > 0 {
		r.Grade = s.Grades[len(s.Grades)-1].Name
	}
	r.Band = s.BandOf(r.Total, r.Vetoed)
}

// RankResults orders rs by parent, then by TieRule, and numbers each
// unit's rank among the peers of its parent.
func RankResults(rs []*Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Parent != b.Parent {
			return a.Parent < b.Parent
		}
		if a.Vetoed != b.Vetoed {
			return !a.Vetoed
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		for k := range min(len(a.Lines), len(b.Lines)) {
			if a.Lines[k].Score != b.Lines[k].Score {
				return a.Lines[k].Score > b.Lines[k].Score
			}
		}
		if a.Deducted != b.Deducted {
			return a.Deducted < b.Deducted
		}
		return a.Unit < b.Unit
	})
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].Parent == rs[i].Parent {
			j++
		}
		for k := i; k < j; k++ {
			rs[k].Rank, rs[k].Peers = k-i+1, j-i
		}
		i = j
	}
}

// Subject is a unit assessed in a period, with what the counters count for
// it over the period: t, and by kind for the rates of one kind.
type Subject struct {
	Unit, UnitName     string
	Parent, ParentName string
	T                  *Tally
	ByKind             map[Kind]*Tally
}

// Compute answers the results of the subjects under s: each computed
// indicator from the subject's counts, each manual one, deduction and veto
// from inputs, ranked among the peers (RankResults).
func Compute(s *Scheme, subjects []Subject, inputs []Input) []*Result {
	byUnit := map[string][]Input{}
	for _, in := range inputs {
		byUnit[in.Unit] = append(byUnit[in.Unit], in)
	}
	rs := make([]*Result, len(subjects))
	for i, sub := range subjects {
		r := &Result{Unit: sub.Unit, UnitName: sub.UnitName, Parent: sub.Parent, ParentName: sub.ParentName}
		for _, ind := range s.Indicators {
			l := IndicatorResult{Key: ind.Key, Name: ind.Name, Weight: ind.Weight, Source: ind.Source, Rate: ind.Rate}
			if ind.Source == SourceComputed {
				rate, _ := RateByID(ind.Rate)
				t := sub.T
				if rate.Kind != "" && sub.ByKind != nil {
					if t = sub.ByKind[rate.Kind]; t == nil {
						t = new(Tally)
					}
				}
				if t == nil {
					t = new(Tally)
				}
				l.Num, l.Base = sumOf(t, rate.Num), rate.Base(t)
				if l.Base > 0 {
					v := float64(l.Num) / float64(l.Base)
					l.Value = &v
				}
			}
			r.Lines = append(r.Lines, l)
		}
		for _, in := range byUnit[sub.Unit] {
			switch in.Kind {
			case InputScore:
				for k := range r.Lines {
					if r.Lines[k].Key == in.Indicator {
						r.Lines[k].Score, r.Lines[k].Scored = in.Points, true
						r.Lines[k].Comment, r.Lines[k].Evidence = in.Reason, in.Evidence
					}
				}
			case InputDeduction:
				r.Deductions = append(r.Deductions, in)
			case InputVeto:
				r.Vetoes = append(r.Vetoes, in)
			}
		}
		rs[i] = r
	}
	// Computed scores, ranks by value among the peers for rank rules.
	for k, ind := range s.Indicators {
		if ind.Source != SourceComputed {
			continue
		}
		rate, _ := RateByID(ind.Rate)
		peers := map[string][]*Result{}
		for _, r := range rs {
			peers[r.Parent] = append(peers[r.Parent], r)
		}
		for _, group := range peers {
			var counted []*Result
			for _, r := range group {
				if r.Lines[k].Value != nil {
					counted = append(counted, r)
				}
			}
			for _, r := range counted { // equal values share the better rank
				rank := 1
				for _, o := range counted {
					if better(*o.Lines[k].Value, *r.Lines[k].Value, rate.Good) {
						rank++
					}
				}
				if ind.Rule.Kind == RuleRank {
					r.Lines[k].Rank = rank
				}
			}
			for _, r := range group {
				l := &r.Lines[k]
				v := 0.0
				if l.Value != nil {
					v = *l.Value
				}
				l.Score = ind.Score(v, l.Base, l.Rank, len(counted))
			}
		}
	}
	for _, r := range rs {
		r.Finish(s)
	}
	RankResults(rs)
	return rs
}

// better reports whether a is a better value than b of a rate.
func better(a, b float64, good bool) bool {
	if good {
		return a > b+1e-12
	}
	return a < b-1e-12
}

// AssessStatus is where a period's assessment stands.
type AssessStatus string

const (
	AssessDraft     AssessStatus = "draft"     // computed live
	AssessPublished AssessStatus = "published" // frozen, on the board
)

// Assessment is a scheme's assessment of a period: computed live while a
// draft, frozen once published.
type Assessment struct {
	Scheme      *Scheme      `json:"scheme"` // the version it was computed with
	Period      string       `json:"period"`
	Status      AssessStatus `json:"status"`
	PublishedAt *time.Time   `json:"published_at,omitempty"`
	PublishedBy string       `json:"published_by,omitempty"`
	// ObjectionsUntil is the end of the last day a unit may object.
	ObjectionsUntil *time.Time `json:"objections_until,omitempty"`
	Results         []*Result  `json:"results"`
	// Partial: the reader is an assessed unit and sees its own details and
	// the others' totals only.
	Partial bool `json:"partial,omitempty"`
}

// NoticeKind is what is recorded against a unit ranked low.
type NoticeKind string

const (
	NoticeCirculated NoticeKind = "notice"    // 通报
	NoticeInterview  NoticeKind = "interview" // 约谈
)

// AssessNotice is a 通报 or a 约谈 record kept with a published result.
type AssessNotice struct {
	ID   int64      `json:"id"`
	Kind NoticeKind `json:"kind"`
	Day  string     `json:"day"` // YYYY-MM-DD
	// Who met whom (约谈): the leader who held it and the people of the
	// unit met; what was required of the unit (整改要求).
	Host     string    `json:"host,omitempty"`
	Attendee string    `json:"attendee,omitempty"`
	Required string    `json:"required"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Check names into v what is wrong with a notice.
func (n *AssessNotice) Check(v *Invalid) {
	if n.Kind != NoticeCirculated && n.Kind != NoticeInterview {
		v.Add("kind", "assess.notice.kind", ShowText(string(n.Kind), 20))
	}
	if _, ok := ParseDay(n.Day); !ok {
		v.Add("day", "assess.day.bad", ShowText(n.Day, 32))
	}
	if n.Kind == NoticeInterview {
		v.Require("host", n.Host)
		v.Require("attendee", n.Attendee)
	}
	checkRunes(v, "host", n.Host, 200)
	checkRunes(v, "attendee", n.Attendee, 200)
	v.Require("required", n.Required)
	checkRunes(v, "required", n.Required, MaxAssessText)
}

// Objection is a unit's objection to its published result (申诉), filed
// within the scheme's working days after publication, with the assessor's
// answer.
type Objection struct {
	ID       int64      `json:"id"`
	Unit     string     `json:"unit"`
	Text     string     `json:"text"`
	Evidence []Evidence `json:"evidence,omitempty"`
	FiledBy  string     `json:"filed_by"`
	FiledAt  time.Time  `json:"filed_at"`
	// The answer: Upheld or not, Reply; an upheld objection's correction is
	// among the result's Corrections with its ID.
	Answered   bool       `json:"answered"`
	Upheld     bool       `json:"upheld"`
	Reply      string     `json:"reply,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// Correction changes a published result, and is logged with it: the score
// of an indicator (Indicator, Score) or a deduction withdrawn (Deduction,
// the ID of the Input), the totals before and after, and why.
type Correction struct {
	ID        int64     `json:"id"`
	Objection int64     `json:"objection,omitempty"`
	Indicator string    `json:"indicator,omitempty"`
	Score     float64   `json:"score"`
	Deduction int64     `json:"deduction,omitempty"`
	OldScore  float64   `json:"old_score"`
	OldTotal  float64   `json:"old_total"`
	NewTotal  float64   `json:"new_total"`
	OldRank   int       `json:"old_rank"`
	NewRank   int       `json:"new_rank"`
	Reason    string    `json:"reason"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Apply applies c to the result of unit among the published results rs
// under s: the indicator's new score or the deduction withdrawn, then the
// totals and ranks again. It fills c's old and new totals and ranks, and
// answers EINVALID naming reason, indicator, score or deduction.
func (c *Correction) Apply(s *Scheme, rs []*Result, unit string) error {
	var v Invalid
	v.Require("reason", c.Reason)
	checkRunes(&v, "reason", c.Reason, MaxAssessText)
	var r *Result
	for _, x := range rs {
		if x.Unit == unit {
			r = x
		}
	}
	if r == nil {
		return E(ENOTFOUND, "assess.unit.none", unit)
	}
	switch {
	case c.Indicator != "" && c.Deduction != 0:
		v.Add("indicator", "assess.correction.one")
	case c.Indicator != "":
		k := -1
		for i, l := range r.Lines {
			if l.Key == c.Indicator {
				k = i
			}
		}
		if k < 0 {
			v.Add("indicator", "assess.indicator.none", ShowText(c.Indicator, 20))
		} else if w := r.Lines[k].Weight; math.IsNaN(c.Score) || c.Score < 0 || c.Score > w {
			v.Add("score", "assess.score.range", trimFloat(w))
		} else if err := v.Err(); err == nil {
			c.OldScore = r.Lines[k].Score
			r.Lines[k].Score = round2(c.Score)
			r.Lines[k].Scored = r.Lines[k].Source == SourceManual || r.Lines[k].Scored
		}
	case c.Deduction != 0:
		k := -1
		for i, d := range r.Deductions {
			if d.ID == c.Deduction {
				k = i
			}
		}
		if k < 0 {
			v.Add("deduction", "assess.deduction.none", c.Deduction)
		} else if err := v.Err(); err == nil {
			c.OldScore = r.Deductions[k].Points
			r.Deductions = append(r.Deductions[:k:k], r.Deductions[k+1:]...)
		}
	default:
		v.Add("indicator", "field.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	c.OldTotal, c.OldRank = r.Total, r.Rank
	r.Finish(s)
	RankResults(rs)
	c.NewTotal, c.NewRank = r.Total, r.Rank
	r.Corrections = append(r.Corrections, *c)
	return nil
}

// Designation is a unit designated 平安乡镇 / 平安村(社区) for a year (平安创建),
// from its published year result.
type Designation struct {
	Year     int     `json:"year"`
	Unit     string  `json:"unit"`
	UnitName string  `json:"unit_name"`
	Level    Level   `json:"level"`
	County   string  `json:"county"` // the county it lies in (创建比例 per county)
	Total    float64 `json:"total"`
	SchemeID int64   `json:"scheme_id"`
}

// Designated answers the results of a year that earn the designation
// under s: a total at CreationMin or above and no veto.
func Designated(s *Scheme, rs []*Result) []*Result {
	var out []*Result
	for _, r := range rs {
		if !r.Vetoed && r.Total >= s.CreationMin-1e-9 {
			out = append(out, r)
		}
	}
	return out
}

// CreationShare is the 创建比例 of one county: the units of a level
// designated over those assessed.
type CreationShare struct {
	County     string `json:"county"`
	CountyName string `json:"county_name"`
	Level      Level  `json:"level"`
	Designated int    `json:"designated"`
	Assessed   int    `json:"assessed"`
}
