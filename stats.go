package pingan

import (
	"context"
	"math/bits"
	"time"
)

// Statistics (统计) are read from counters kept with every change to a case
// (tally.go); docs/statistics.md defines each measure and rate.

// StatsQuery selects what statistics count: the cases reported in
// [From, To) — whole days, China Standard Time — that lie in the subtree
// of Unit (the reader's own when ""), of the kind, the category (with its
// subcategories), the source and the grid when given.
type StatsQuery struct {
	Unit     string
	From, To time.Time
	Kind     Kind
	Category string
	Source   Source
	Grid     string
	// Measures are the measures to add up, every one when none. When
	// given, a Stats answers their counts (and Total when MReported is
	// one of them) and the rates over every kind they make (NewCounts).
	// A reader of a few figures over many rows (the grid map's reports
	// per grid, a breakdown's three rates) reads much faster so.
	Measures MeasureSet `json:"-"`
}

// MeasureSet is a set of measures, a bit each.
type MeasureSet uint64

// A MeasureSet holds every measure: there are fewer than 64.
var _ [64 - NumMeasures]struct{}

// MeasuresOf answers the set of ms.
func MeasuresOf(ms ...Measure) MeasureSet {
	var s MeasureSet
	for _, m := range ms {
		s |= 1 << m
	}
	return s
}

// List answers the measures of the set, in order.
func (s MeasureSet) List() []Measure {
	var out []Measure
	for m := range NumMeasures {
		if s&(1<<m) != 0 {
			out = append(out, m)
		}
	}
	return out
}

// MaxStatsSpan is the longest period statistics count at once.
const MaxStatsSpan = 10 * 366 * 24 * time.Hour

// Check collects what is wrong with q into v, naming the parameter.
func (q StatsQuery) Check(v *Invalid) {
	for _, b := range []struct {
		field string
		t     time.Time
	}{{"from", q.From}, {"to", q.To}} {
		if b.t.IsZero() {
			v.Require(b.field, "")
		} else if !midnight(b.t) {
			v.Add(b.field, "stats.day.whole")
		}
	}
	if v.Has("from") || v.Has("to") {
		return
	}
	if !q.From.Before(q.To) {
		v.Add("to", "stats.to.before")
	} else if q.To.Sub(q.From) > MaxStatsSpan {
		v.Add("to", "stats.span.long")
	}
	if q.Kind != "" && !q.Kind.Valid() {
		v.Add("kind", "stats.kind.unknown", string(q.Kind))
	}
	if q.Source != "" && !q.Source.Valid() {
		v.Add("source", "stats.source.unknown", string(q.Source))
	}
}

// midnight reports whether t is 00:00 in China Standard Time.
func midnight(t time.Time) bool {
	t = t.In(CST)
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// StatsDim is what statistics are broken down by.
type StatsDim string

const (
	ByUnit     StatsDim = "unit"     // the units one level down
	ByGrid     StatsDim = "grid"     // the grids of the subtree
	ByCategory StatsDim = "category" // each category
	ByKind     StatsDim = "kind"
	BySource   StatsDim = "source"
	// ByOrg: the mediation organisations of the subtree (调解组织, units
	// with an OrgType), each counting the cases it holds or is assigned.
	ByOrg StatsDim = "org"
	// ByHandler: the centres (综治中心) and departments (职能部门) of the
	// subtree, each counting the cases it holds or must act on — the people
	// in the loop judged as well as the areas (数字城管 evaluation).
	ByHandler StatsDim = "handler"
)

// Valid reports whether d is a dimension statistics are broken down by.
func (d StatsDim) Valid() bool {
	switch d {
	case ByUnit, ByGrid, ByCategory, ByKind, BySource, ByOrg, ByHandler:
		return true
	}
	return false
}

// Stats are counts and rates for a subtree and period.
type Stats struct {
	Unit string    `json:"unit"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Key is the unit, grid, category, kind or source of a breakdown.
	Key      string         `json:"key,omitempty"`
	Total    int            `json:"total"`
	ByStatus map[Status]int `json:"by_status"`
	ByKind   map[Kind]int   `json:"by_kind"`
	Resolved int            `json:"resolved"` // resolved or closed
	OnTime   int            `json:"on_time"`  // resolved without missing the deadline
	Rated    int            `json:"rated"`
	Happy    int            `json:"satisfied"` // satisfied or basically satisfied
	Escalate int            `json:"escalated"`
	// Counts are every measure (MeasureNames).
	Counts map[string]int64 `json:"counts"`
	// Rates by RateIDs; Bases their denominators (a rate whose base is 0
	// has nothing to count and is shown as "—").
	Rates map[string]float64 `json:"rates"`
	Bases map[string]int64   `json:"rate_bases"`
	// AgreementDays is the average days from report to agreement of the
	// disputes that reached one (平均达成协议用时, AgreementDays); 0 when
	// none did (counts.agreed is its base).
	AgreementDays float64 `json:"avg_agreement_days"`
}

// Rate is one rate of the statistics: the sum of the measures Num over
// the base Den (what is added) less Less.
type Rate struct {
	ID        string
	Num       []Measure
	Den, Less []Measure
	// Good: a rise is good.
	Good bool
	// Kind, when set, is the kind whose cases alone the rate counts, its
	// base included: 化解率 is over the disputes accepted, not every case
	// (NewStats reads it from the counts by kind).
	Kind Kind
}

// Rates are the rates of the statistics, in the order shown. Their
// formulas are the messages "rate.<id>.formula".
var Rates = []Rate{
	{ID: "resolution", Num: ms(MInResolved, MInClosed), Den: ms(MReported), Less: ms(MInRejected, MInMerged), Good: true}, // 办结率
	{ID: "closing", Num: ms(MInClosed), Den: ms(MReported), Less: ms(MInRejected, MInMerged), Good: true},                 // 结案率
	{ID: "on_time", Num: ms(MOnTime), Den: ms(MInResolved, MInClosed), Good: true},                                        // 按期办结率
	{ID: "closed_on_time", Num: ms(MClosedOnTime), Den: ms(MDue), Less: ms(MDeferred), Good: true},                        // 按期结案率
	{ID: "response", Num: ms(MSignedOnTime), Den: ms(MSigned), Good: true},                                                // 响应率 (按时签收)
	{ID: "rework", Num: ms(MReworked), Den: ms(MVerified)},                                                                // 返工率
	{ID: "satisfaction", Num: ms(MSatisfied), Den: ms(MRated), Good: true},                                                // 满意率
	{ID: "escalation", Num: ms(MEscalated), Den: ms(MReported)},                                                           // 上交率
	// Disputes (dispute.go): over the counts of the kind dispute.
	{ID: "mediation_success", Num: ms(MAgreed), Den: ms(MMediated), Good: true, Kind: KindDispute},                                          // 调解成功率
	{ID: "settlement", Num: ms(MSettled), Den: ms(MReported), Less: ms(MInReported, MInRejected, MInMerged), Good: true, Kind: KindDispute}, // 化解率 (over 受理数 of disputes)
	{ID: "performance", Num: ms(MPerformed), Den: ms(MPerformBase), Good: true, Kind: KindDispute},                                          // 协议履行率
	// Petitions (petition.go, docs/petitions.md): over the counts of the
	// kind petition.
	{ID: "petition_timely", Num: ms(MPetDecidedOnTime), Den: ms(MPetDecided), Good: true, Kind: KindPetition},    // 及时受理率
	{ID: "petition_on_time", Num: ms(MPetAnsweredOnTime), Den: ms(MPetAnswered), Good: true, Kind: KindPetition}, // 按期办结率 (信访)
	{ID: "petition_reply", Num: ms(MPetLettersReplied), Den: ms(MPetLetters), Good: true, Kind: KindPetition},    // 来信必复率
	{ID: "petition_repeat", Num: ms(MPetRepeats), Den: ms(MPetitions), Kind: KindPetition},                       // 重复信访率
	{ID: "petition_overreach", Num: ms(MPetOverreach), Den: ms(MPetitions), Kind: KindPetition},                  // 越级信访率
	{ID: "petition_review_change", Num: ms(MPetReviewChanged), Den: ms(MPetReviews), Kind: KindPetition},         // 复查变更率
	{ID: "petition_recheck_change", Num: ms(MPetRecheckChanged), Den: ms(MPetRechecks), Kind: KindPetition},      // 复核变更率
	{ID: "petition_satisfaction", Num: ms(MSatisfied), Den: ms(MRated), Good: true, Kind: KindPetition},          // 满意率 (信访)
	// Hazards (hazard.go, docs/hazards.md): over the counts of the kind
	// hazard.
	{ID: "hazard_rectify", Num: ms(MHazardRectified), Den: ms(MHazardOrdered), Good: true, Kind: KindHazard},                 // 整改率
	{ID: "hazard_rectify_on_time", Num: ms(MHazardRectifiedOnTime), Den: ms(MHazardRectified), Good: true, Kind: KindHazard}, // 按期整改率
	{ID: "hazard_recheck_pass", Num: ms(MHazardPassedFirst), Den: ms(MHazardRechecked), Good: true, Kind: KindHazard},        // 复查合格率
}

// HazardRates are the rates of Rates that count hazards only.
var HazardRates = []string{"hazard_rectify", "hazard_rectify_on_time", "hazard_recheck_pass"}

// DisputeRates are the rates of Rates that count disputes only.
var DisputeRates = []string{"mediation_success", "settlement", "performance"}

// PetitionRates are the rates of Rates that count petitions only.
var PetitionRates = []string{"petition_timely", "petition_on_time", "petition_reply", "petition_repeat",
	"petition_overreach", "petition_review_change", "petition_recheck_change", "petition_satisfaction"}

// PetitionMatters answers the matters (信访事项数) of t: the petitions
// less those merged into a matter as a repeat or 越级.
func PetitionMatters(t *Tally) int64 { return t[MPetitions] - t[MPetRepeats] - t[MPetOverreach] }

// AgreementDays answers the average days from report to agreement (平均
// 达成协议用时) over t, 0 when no agreement was reached.
func AgreementDays(t *Tally) float64 {
	if t[MAgreed] == 0 {
		return 0
	}
	return float64(t[MAgreementDays]) / float64(t[MAgreed])
}

func ms(m ...Measure) []Measure { return m }

func sumOf(t *Tally, m []Measure) int64 {
	var n int64
	for _, x := range m {
		n += t[x]
	}
	return n
}

// Measures answers the measures r reads.
func (r Rate) Measures() MeasureSet {
	return MeasuresOf(r.Num...) | MeasuresOf(r.Den...) | MeasuresOf(r.Less...)
}

// Base answers the denominator of r over t.
func (r Rate) Base(t *Tally) int64 { return sumOf(t, r.Den) - sumOf(t, r.Less) }

// Of answers r over t, 0 when its base is.
func (r Rate) Of(t *Tally) float64 {
	base := r.Base(t)
	if base <= 0 {
		return 0
	}
	return float64(sumOf(t, r.Num)) / float64(base)
}

// NewStats answers the statistics of the counts t, their counts by kind
// (nil when not read), for unit and [from, to). A rate of one kind
// (Rate.Kind) counts that kind's counts when byKind is given, else t
// (whose cases are then of that kind, or count nothing of it).
func NewStats(unit string, from, to time.Time, t *Tally, byKind map[Kind]*Tally) *Stats {
	s := &Stats{Unit: unit, From: from, To: to, ByStatus: map[Status]int{}, ByKind: map[Kind]int{},
		Counts: map[string]int64{}, Rates: map[string]float64{}, Bases: map[string]int64{}}
	for st, m := range statusMeasure {
		if t[m] != 0 {
			s.ByStatus[st] = int(t[m])
		}
	}
	for k, kt := range byKind {
		if kt[MReported] != 0 {
			s.ByKind[k] = int(kt[MReported])
		}
	}
	for i, n := range MeasureNames {
		s.Counts[n] = t[i]
	}
	s.Total = int(t[MReported])
	s.Resolved = int(t[MInResolved] + t[MInClosed])
	s.OnTime = int(t[MOnTime])
	s.Rated, s.Happy = int(t[MRated]), int(t[MSatisfied])
	s.Escalate = int(t[MEscalated])
	for _, r := range Rates {
		rt := t
		if r.Kind != "" && byKind != nil {
			if rt = byKind[r.Kind]; rt == nil {
				rt = new(Tally)
			}
		}
		s.Rates[r.ID], s.Bases[r.ID] = r.Of(rt), r.Base(rt)
	}
	s.AgreementDays = AgreementDays(t)
	return s
}

// NewCounts answers the Stats of the measures ms of t alone: their
// Counts, Total when MReported is one of them, and the rates over every
// kind whose measures ms all holds (a rate of one kind would need the
// counts by kind); no breakdown.
func NewCounts(unit string, from, to time.Time, t *Tally, ms MeasureSet) *Stats {
	s := &Stats{Unit: unit, From: from, To: to, Counts: make(map[string]int64, bits.OnesCount64(uint64(ms)))}
	for _, m := range ms.List() {
		s.Counts[MeasureNames[m]] = t[m]
	}
	s.Total = int(t[MReported])
	for _, r := range Rates {
		if r.Kind != "" || r.Measures()&^ms != 0 {
			continue
		}
		if s.Rates == nil {
			s.Rates, s.Bases = map[string]float64{}, map[string]int64{}
		}
		s.Rates[r.ID], s.Bases[r.ID] = r.Of(t), r.Base(t)
	}
	return s
}

// StatsService computes statistics from the counters, and what is open
// now from the gauges.
type StatsService interface {
	// Stats answers the statistics of q. EINVALID naming the parameter for
	// a bad query or an unknown category or grid; ENOTFOUND for a unit
	// outside the jurisdiction.
	Stats(ctx context.Context, actor *User, q StatsQuery) (*Stats, error)
	// StatsSeries is Stats for each period [bounds[i], bounds[i+1]) — whole
	// days — of q's filters: len(bounds)-1 Stats, for a trend. EINVALID
	// unless bounds ascend (at least two).
	StatsSeries(ctx context.Context, actor *User, q StatsQuery, bounds []time.Time) ([]*Stats, error)
	// StatsBy is Stats of q broken down by d, each with its Key, those
	// that count nothing left out except the units one level down.
	StatsBy(ctx context.Context, actor *User, q StatsQuery, d StatsDim) ([]*Stats, error)
	// What is open now, whenever reported, from the gauges.
	OpenNowService
}

// OpenNow is what is open now (在办) in a subtree, whenever reported: kept
// as gauges (gauge.go), not counted from the cases.
type OpenNow struct {
	// Key is the unit or grid of a breakdown.
	Key string `json:"key,omitempty"`
	// Open counts the open cases (Status.Open); SensitiveOpen those of
	// them marked 重大敏感 (重大敏感在办); OverdueNow those overdue now (超期,
	// Case.OverdueAt at the store's clock).
	Open          int64 `json:"open"`
	SensitiveOpen int64 `json:"sensitive_open"`
	OverdueNow    int64 `json:"overdue_now"`
}

// OpenNowService reads what is open now from the gauges.
type OpenNowService interface {
	// OpenNow answers what is open now in the subtree of q's unit (or its
	// grid), of q's kind, category and source; q's period is not used.
	// The errors of Stats.
	OpenNow(ctx context.Context, actor *User, q StatsQuery) (*OpenNow, error)
	// OpenNowBy is OpenNow of each unit one level down (ByUnit, centres
	// left out) or of each grid of the subtree (ByGrid), every one with its
	// Key, in the order of their codes; EINVALID for another dimension.
	OpenNowBy(ctx context.Context, actor *User, q StatsQuery, d StatsDim) ([]*OpenNow, error)
}

// GaugeRebuilder recounts the open-now gauges from the open cases: after
// cases are written in bulk, around the transactions of every change.
type GaugeRebuilder interface {
	RebuildGauges(ctx context.Context) (int, error)
}
