package pingan

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// The honest evaluation of the warning engine (docs/warnings.md): a year
// of daily counts for 200 grids × 6 categories with a weekly rhythm, a
// yearly swell and Poisson noise (fixed seeds), clusters of known size and
// place injected (and none elsewhere), every rule and the detector run
// day by day as the job runs them, with their cooldowns; then precision,
// recall and the false alarms per grid per month, held to thresholds.

const (
	evalGrids  = 200
	evalCats   = 6
	evalWarmup = 70 // days of history before the year, for the baseline
	evalDays   = 365
	evalSeed   = 20261127
)

// evalCluster is an injected cluster: a series, its first day, its days
// and its cases.
type evalCluster struct {
	grid, cat   int
	start, days int
	size        int
	found       bool
}

// evalYear generates the counts: counts[grid][cat][day], and the clusters.
func evalYear(seed int64) ([][][]int, []*evalCluster) {
	rng := rand.New(rand.NewSource(seed))
	n := evalWarmup + evalDays
	counts := make([][][]int, evalGrids)
	for g := range counts {
		counts[g] = make([][]int, evalCats)
		for c := range counts[g] {
			// A series' own level: most grids are quiet, a few busy
			// (0.02 to 0.6 cases a day).
			base := 0.02 * math.Exp(rng.Float64()*math.Log(30))
			phase := rng.Float64() * 2 * math.Pi
			s := make([]int, n)
			for d := range s {
				wd := (d + 3) % 7 // day 0 is a Thursday
				week := 1.15
				if wd >= 5 {
					week = 0.6
				}
				year := 1 + 0.3*math.Sin(2*math.Pi*float64(d)/365+phase)
				s[d] = poisson(rng, base*week*year)
			}
			counts[g][c] = s
		}
	}
	// 120 clusters of 3 to 14 cases over 1 to 5 days, on distinct series
	// spaced by at least 30 days on the same series.
	var clusters []*evalCluster
	used := map[[2]int][]int{}
	for len(clusters) < 120 {
		cl := &evalCluster{grid: rng.Intn(evalGrids), cat: rng.Intn(evalCats),
			start: evalWarmup + rng.Intn(evalDays-10), days: 1 + rng.Intn(5), size: 3 + rng.Intn(12)}
		k := [2]int{cl.grid, cl.cat}
		clash := false
		for _, s := range used[k] {
			if abs(s-cl.start) < 30 {
				clash = true
			}
		}
		if clash {
			continue
		}
		used[k] = append(used[k], cl.start)
		for i := 0; i < cl.size; i++ {
			counts[cl.grid][cl.cat][cl.start+rng.Intn(cl.days)]++
		}
		clusters = append(clusters, cl)
	}
	return counts, clusters
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// poisson draws from a Poisson law of mean l (Knuth; l is small).
func poisson(rng *rand.Rand, l float64) int {
	L, k, p := math.Exp(-l), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= L {
			return k
		}
		k++
	}
}

// evalScore is what one rule scored.
type evalScore struct {
	name                      string
	raised, true_, falseAlarm int
	clusters, found           int // of the clusters of at least minSize
	minSize                   int
}

func (s evalScore) precision() float64 { return ratio(s.true_, s.raised) }
func (s evalScore) recall() float64    { return ratio(s.found, s.clusters) }
func (s evalScore) faPerGridMonth() float64 {
	return float64(s.falseAlarm) / (evalGrids * 12)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// runSeriesRule runs rule r day by day over every series of the year and
// scores it against the clusters.
func runSeriesRule(r *WarningRule, counts [][][]int, clusters []*evalCluster, minSize int) evalScore {
	start := time.Date(2025, 1, 2, 0, 0, 0, 0, CST) // a Thursday
	sc := evalScore{name: r.Name, minSize: minSize}
	for _, cl := range clusters {
		cl.found = false
	}
	byKey := map[[2]int][]*evalCluster{}
	for _, cl := range clusters {
		byKey[[2]int{cl.grid, cl.cat}] = append(byKey[[2]int{cl.grid, cl.cat}], cl)
	}
	for g := 0; g < evalGrids; g++ {
		for c := 0; c < evalCats; c++ {
			last := ""
			s := &Series{Place: fmt.Sprint(g), Kind: KindDispute, Category: fmt.Sprintf("0%d", c+1)}
			for d := evalWarmup; d < evalWarmup+evalDays; d++ {
				s.Counts = counts[g][c][:d+1]
				today := Day(start.AddDate(0, 0, d))
				w := r.EvalSeries(s, today, last)
				if w == nil {
					continue
				}
				last = today
				sc.raised++
				hit := false
				for _, cl := range byKey[[2]int{g, c}] {
					if d >= cl.start && d <= cl.start+cl.days-1+max(r.WindowDays, 1)-1 {
						hit, cl.found = true, true
					}
				}
				if hit {
					sc.true_++
				} else {
					sc.falseAlarm++
				}
			}
		}
	}
	for _, cl := range clusters {
		if cl.size >= minSize {
			sc.clusters++
			if cl.found {
				sc.found++
			}
		}
	}
	return sc
}

func TestWarningEvaluation(t *testing.T) {
	counts, clusters := evalYear(evalSeed)
	cluster := &WarningRule{ID: 1, Kind: RuleCluster, Name: "cluster N=8 D=3", Threshold: 8, WindowDays: 3, Level: RiskOrange, Active: true}
	spike := &WarningRule{ID: 2, Kind: RuleSpike, Name: "spike (Poisson, 7 d vs 8 wk)", Threshold: 4, WindowDays: 7, Weeks: 8,
		Alpha: 1e-5, CooldownDays: 14, Level: RiskYellow, Active: true}
	scores := []evalScore{
		runSeriesRule(cluster, counts, clusters, 10),
		runSeriesRule(spike, counts, clusters, 8),
	}
	scores = append(scores, evalCaseRules(t)...)
	scores = append(scores, evalSeasonal(t))
	var b strings.Builder
	fmt.Fprintf(&b, "\n| rule | raised | true | false | precision | recall (clusters ≥ size) | false alarms / grid / month |\n|---|---|---|---|---|---|---|\n")
	for _, s := range scores {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.3f | %.3f (%d of %d, ≥ %d) | %.4f |\n", s.name, s.raised, s.true_, s.falseAlarm,
			s.precision(), s.recall(), s.found, s.clusters, s.minSize, s.faPerGridMonth())
	}
	t.Log(b.String())

	// The thresholds, measured and held (docs/warnings.md).
	det := scores[1]
	if det.precision() < 0.9 || det.recall() < 0.9 || det.faPerGridMonth() > 0.005 {
		t.Errorf("detector: precision %.3f, recall %.3f, false alarms %.4f a grid a month; want ≥ 0.9, ≥ 0.9, ≤ 0.005",
			det.precision(), det.recall(), det.faPerGridMonth())
	}
	cl := scores[0]
	if cl.precision() < 0.75 || cl.recall() < 0.95 || cl.faPerGridMonth() > 0.01 {
		t.Errorf("cluster rule: precision %.3f, recall %.3f, false alarms %.4f a grid a month; want ≥ 0.75, ≥ 0.95, ≤ 0.01",
			cl.precision(), cl.recall(), cl.faPerGridMonth())
	}
	for _, s := range scores[2:5] { // exact by construction
		if s.precision() < 1 || s.recall() < 1 {
			t.Errorf("%s: precision %.3f, recall %.3f; want 1", s.name, s.precision(), s.recall())
		}
	}
	// The seasonal rule compares two seasons of small counts: Poisson
	// noise alone moves a township's count by a third; measured 0.73 / 1.
	if s := scores[5]; s.precision() < 0.7 || s.recall() < 0.9 {
		t.Errorf("%s: precision %.3f, recall %.3f; want ≥ 0.7, ≥ 0.9", s.name, s.precision(), s.recall())
	}
}

// evalCaseRules scores the per-case rules over a year of generated cases:
// disputes with a number of people (a few group disputes of 30 or more
// injected), some flagged 可能激化, petition matters with repeats. They
// are exact by construction — the rule reads the very fact — so this
// checks the engine's plumbing and dedup, not a statistic.
func evalCaseRules(t *testing.T) []evalScore {
	rng := rand.New(rand.NewSource(evalSeed + 1))
	group := &WarningRule{ID: 3, Kind: RuleGroup, Name: "group ≥ 30 people", Threshold: 30, Level: RiskRed, Active: true}
	volatile := &WarningRule{ID: 4, Kind: RuleVolatile, Name: "volatile (可能激化)", Level: RiskOrange, Active: true}
	repeat := &WarningRule{ID: 5, Kind: RuleRepeat, Name: "repeat ≥ 3", Threshold: 3, Level: RiskYellow, Active: true}
	out := []evalScore{{name: group.Name, minSize: 30}, {name: volatile.Name, minSize: 1}, {name: repeat.Name, minSize: 3}}
	keys := map[string]bool{}
	start := time.Date(2025, 1, 2, 9, 0, 0, 0, CST)
	for i := 0; i < 20000; i++ {
		c := &CaseFacts{ID: fmt.Sprint(i), Kind: KindDispute, Category: "02", Grid: fmt.Sprint(rng.Intn(evalGrids)),
			People: 1 + rng.Intn(6), Reported: start.Add(time.Duration(rng.Intn(365*24)) * time.Hour)}
		truth := [3]bool{}
		if rng.Intn(400) == 0 {
			c.People, truth[0] = 30+rng.Intn(100), true
		}
		if rng.Intn(300) == 0 {
			c.Volatile, truth[1] = true, true
		}
		if rng.Intn(5) == 0 {
			c.Kind, c.Category, c.People = KindPetition, "XF01", 0
			truth[0], truth[1] = false, false
			c.Repeats = rng.Intn(3)
			if rng.Intn(50) == 0 {
				c.Repeats, truth[2] = 3+rng.Intn(4), true
			}
		}
		for j, r := range []*WarningRule{group, volatile, repeat} {
			w := r.EvalCase(c)
			// The job sees a case on every run while it stays open: the key
			// dedups.
			if w2 := r.EvalCase(c); (w == nil) != (w2 == nil) || (w != nil && w.Key != w2.Key) {
				t.Fatalf("%s: two runs over one case differ", r.Name)
			}
			if truth[j] {
				out[j].clusters++
			}
			if w == nil || keys[w.Key] {
				continue
			}
			keys[w.Key] = true
			out[j].raised++
			if truth[j] {
				out[j].true_++
				out[j].found++
			} else {
				out[j].falseAlarm++
			}
		}
	}
	return out
}

// evalSeasonal scores the seasonal rule: 40 townships' wage-arrears
// (拖欠劳动报酬) counts for two seasons, each with the usual rise before
// 春节, and in 8 townships a further rise of 80% the second season; the
// rule (4 weeks, +30%, at least 8 cases) runs every day of the weeks
// before 2026's 春节 (17 February) against those before 2025's (29
// January).
func evalSeasonal(t *testing.T) evalScore {
	rng := rand.New(rand.NewSource(evalSeed + 2))
	r := &WarningRule{ID: 6, Kind: RuleSeasonal, Name: "seasonal 4 wk +30%", Category: "0701", Threshold: 20, Weeks: 4, Percent: 30,
		Level: RiskOrange, Active: true}
	f25 := time.Date(2025, 1, 29, 0, 0, 0, 0, CST)
	f26 := time.Date(2026, 2, 17, 0, 0, 0, 0, CST)
	sc := evalScore{name: r.Name, minSize: 1}
	for town := 0; town < 40; town++ {
		base := 0.3 + rng.Float64()*0.9 // a day, before the rise
		hot := town%5 == 0
		day := func(f time.Time, d time.Time, extra float64) int {
			l := base
			if !d.Before(f.AddDate(0, 0, -28)) && d.Before(f) {
				l *= 1.6 * extra
			}
			return poisson(rng, l)
		}
		last := map[string]int{}
		for d := f25.AddDate(0, 0, -40); d.Before(f25); d = d.AddDate(0, 0, 1) {
			last[Day(d)] = day(f25, d, 1)
		}
		extra := 1.0
		if hot {
			extra = 1.8
			sc.clusters++
		}
		this := map[string]int{}
		raised := false
		for d := f26.AddDate(0, 0, -40); d.Before(f26); d = d.AddDate(0, 0, 1) {
			this[Day(d)] = day(f26, d, extra)
			from, to, lf, lt, ok := r.SeasonalWindow(d, f26, f25)
			if !ok || raised {
				continue
			}
			now, then := 0, 0
			for x := from; !x.After(to); x = x.AddDate(0, 0, 1) {
				now += this[Day(x)]
			}
			for x := lf; !x.After(lt); x = x.AddDate(0, 0, 1) {
				then += last[Day(x)]
			}
			if w := r.EvalSeasonal(fmt.Sprint(town), now, then, from, to); w != nil {
				raised = true
				sc.raised++
				if hot {
					sc.true_++
					sc.found++
				} else {
					sc.falseAlarm++
				}
			}
		}
	}
	return sc
}
