package pingan

import (
	"sort"
	"time"
)

// Open-now gauges (在办计数). The counters of tally.go count cohorts by the
// day a case was reported; the dashboard also shows what is open now,
// whenever reported: 重大敏感在办 and the cases overdue now (超期). Those are
// kept as gauges: what each open case counts at each of its nodes (the
// same nodes as its counters, TallyNodes), keyed by its region, kind,
// category, source and due day — the day (China Standard Time) of the
// moment it becomes overdue (DueMoment). A case is overdue at now exactly
// when that moment is before now, so the cases overdue now are those of
// the due days before today, and of today's those whose moment has come:
// a few, read from the cases (docs/statistics.md, "The gauges").

// GaugeMeasure indexes a Gauge.
type GaugeMeasure int

// The measures of the gauges. A closed, rejected or merged case counts
// nothing.
const (
	GOpen          GaugeMeasure = iota // 在办: open (Status.Open)
	GSensitiveOpen                     // 重大敏感在办: open and 重大敏感
	NumGaugeMeasures
)

// GaugeMeasureNames are the measures' names, used as column names
// (m_<name>) and in the API.
var GaugeMeasureNames = [NumGaugeMeasures]string{"open", "sensitive_open"}

// Gauge is what one open case counts, or the sum over many.
type Gauge [NumGaugeMeasures]int64

// Zero reports whether every measure is zero.
func (g *Gauge) Zero() bool { return *g == Gauge{} }

// Add adds h to g.
func (g *Gauge) Add(h *Gauge) {
	for i := range g {
		g[i] += h[i]
	}
}

// GaugeKey is the cohort of an open case at each of its nodes.
type GaugeKey struct {
	// DueDay is the day of DueMoment, YYYY-MM-DD in China Standard Time;
	// "" when no deadline of the case can pass.
	DueDay   string
	Region   string
	Kind     Kind
	Category string
	Source   Source
}

// DueMoment answers the moment the case becomes overdue (超期): the
// earliest At of the deadlines it must meet now (Dues) whose clock runs;
// ok is false when none can pass — it has no deadline, or only a stopped
// one (挂起) that had not passed when it stopped. A stopped deadline that
// passed before it stopped makes the case overdue whatever the time: the
// answer is then the zero time. So c.OverdueAt(now) is exactly
// ok && at.Before(now).
func DueMoment(c *Case) (at time.Time, ok bool) {
	for _, d := range c.Dues() {
		if d.Stopped != nil {
			if d.Stopped.After(d.At) {
				return time.Time{}, true
			}
			continue
		}
		if !ok || d.At.Before(at) {
			at, ok = d.At, true
		}
	}
	return at, ok
}

// DueDayOf answers the day of a due moment, YYYY-MM-DD in China Standard
// Time ("0001-01-01" for the zero time, before every day).
func DueDayOf(at time.Time) string {
	if at.IsZero() {
		return "0001-01-01"
	}
	return at.In(CST).Format("2006-01-02")
}

// CaseGauge answers what c counts while open; nothing once it is not.
func CaseGauge(c *Case) Gauge {
	var g Gauge
	if !c.Status.Open() {
		return g
	}
	g[GOpen] = 1
	if c.Sensitive {
		g[GSensitiveOpen] = 1
	}
	return g
}

// CaseGaugeKey answers the cohort of c in the gauges.
func CaseGaugeKey(c *Case) GaugeKey {
	k := GaugeKey{Region: c.Region, Kind: c.Kind, Category: c.Category, Source: c.Source}
	if at, ok := DueMoment(c); ok {
		k.DueDay = DueDayOf(at)
	}
	return k
}

// GaugeRow is one gauge: what the open cases of a cohort count at a node.
type GaugeRow struct {
	Node string
	Key  GaugeKey
	G    Gauge
}

// GaugeChange answers the gauges to add when a case changes from before
// (nil for a new case) to after, one row for each node and cohort whose
// counts change, zero rows left out, sorted by GaugeLess so that writers
// take row locks in one order.
func GaugeChange(before, after *Case) []GaugeRow {
	if before == nil && after != nil { // a new case: its gauge at each node, in node order
		g := CaseGauge(after)
		if g.Zero() {
			return nil
		}
		k := CaseGaugeKey(after)
		nodes := TallyNodes(after)
		out := make([]GaugeRow, len(nodes))
		for i, n := range nodes {
			out[i] = GaugeRow{Node: n, Key: k, G: g}
		}
		return out
	}
	type nk struct {
		node string
		key  GaugeKey
	}
	sum := map[nk]*Gauge{}
	add := func(c *Case, sign int64) {
		g := CaseGauge(c)
		if g.Zero() {
			return
		}
		k := CaseGaugeKey(c)
		for _, n := range TallyNodes(c) {
			s := sum[nk{n, k}]
			if s == nil {
				s = new(Gauge)
				sum[nk{n, k}] = s
			}
			for i := range s {
				s[i] += sign * g[i]
			}
		}
	}
	if before != nil {
		add(before, -1)
	}
	if after != nil {
		add(after, 1)
	}
	out := make([]GaugeRow, 0, len(sum))
	for k, g := range sum {
		if !g.Zero() {
			out = append(out, GaugeRow{Node: k.node, Key: k.key, G: *g})
		}
	}
	sort.Slice(out, func(i, j int) bool { return GaugeLess(out[i], out[j]) })
	return out
}

// GaugeLess orders gauges by node, then by cohort: due day, region, kind,
// category, source — the order of the table's key.
func GaugeLess(a, b GaugeRow) bool {
	if a.Node != b.Node {
		return a.Node < b.Node
	}
	x, y := a.Key, b.Key
	if x.DueDay != y.DueDay {
		return x.DueDay < y.DueDay
	}
	if x.Region != y.Region {
		return x.Region < y.Region
	}
	if x.Kind != y.Kind {
		return x.Kind < y.Kind
	}
	if x.Category != y.Category {
		return x.Category < y.Category
	}
	return x.Source < y.Source
}
