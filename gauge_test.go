package pingan

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// randomCase answers a case of random status, paths, flags and deadlines
// around base, for the gauges' tests.
func randomCase(r *rand.Rand, base time.Time) *Case {
	at := func() *time.Time {
		if r.IntN(4) == 0 {
			return nil
		}
		t := base.Add(time.Duration(r.IntN(96*3600)-48*3600) * time.Second)
		return &t
	}
	units := []string{"/1/", "/1/2/", "/1/2/3/", "/1/4/"}
	c := &Case{Status: Statuses[r.IntN(len(Statuses))], Region: []string{"a", "b"}[r.IntN(2)],
		Kind: []Kind{"x", "y"}[r.IntN(2)], Category: []string{"c1", "c2"}[r.IntN(2)], Source: Sources[r.IntN(2)],
		UnitPath: units[r.IntN(len(units))], HoldingPath: units[r.IntN(len(units))], AssignedPath: units[r.IntN(len(units))],
		SignBy: at(), ResolveBy: at(), SuperviseBy: at(), Suspended: r.IntN(3) == 0, Sensitive: r.IntN(2) == 0}
	if r.IntN(3) == 0 {
		c.Grid = "g1"
	}
	if c.Suspended {
		c.SuspendedAt = at()
	}
	return c
}

// The due moment says exactly when a case is overdue: at every now,
// OverdueAt(now) is the moment being before now.
func TestDueMomentIsOverdueAt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 3, 10, 23, 30, 0, 0, CST)
	overdue, not := 0, 0
	for range 20000 {
		c := randomCase(r, base)
		at, ok := DueMoment(c)
		for range 8 {
			now := base.Add(time.Duration(r.IntN(120*3600)-60*3600) * time.Second)
			if r.IntN(4) == 0 && ok && !at.IsZero() { // at the moment itself, and just after
				now = at.Add(time.Duration(r.IntN(3)) * time.Millisecond)
			}
			want := c.OverdueAt(now)
			if got := ok && at.Before(now); got != want {
				t.Fatalf("case %+v at %v: due moment %v (%v) says overdue %v, OverdueAt %v", c, now, at, ok, got, want)
			}
			if want {
				overdue++
			} else {
				not++
			}
			// The due day orders as the moment does, against today.
			if ok {
				today := now.In(CST).Format("2006-01-02")
				if day := DueDayOf(at); day < today && !want {
					t.Fatalf("due day %s before today %s but not overdue", day, today)
				}
			}
		}
	}
	if overdue == 0 || not == 0 {
		t.Fatalf("overdue %d, not %d: the cases are not varied", overdue, not)
	}
}

// What a case counts while open, and nothing once closed.
func TestCaseGauge(t *testing.T) {
	c := &Case{Status: StatusInProgress, Sensitive: true}
	if g := CaseGauge(c); g != (Gauge{GOpen: 1, GSensitiveOpen: 1}) {
		t.Fatalf("open sensitive: %v", g)
	}
	c.Sensitive = false
	if g := CaseGauge(c); g != (Gauge{GOpen: 1}) {
		t.Fatalf("open: %v", g)
	}
	for _, s := range []Status{StatusClosed, StatusRejected, StatusMerged} {
		c := &Case{Status: s, Sensitive: true}
		if g := CaseGauge(c); !g.Zero() {
			t.Fatalf("%s: %v", s, g)
		}
	}
	if k := CaseGaugeKey(&Case{Status: StatusResolved}); k.DueDay != "" {
		t.Fatalf("no deadline: due day %q", k.DueDay)
	}
	due := time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC) // 00:30 on the 11th in China
	if k := CaseGaugeKey(&Case{Status: StatusAccepted, ResolveBy: &due}); k.DueDay != "2026-03-11" {
		t.Fatalf("due day %q", k.DueDay)
	}
}

// The changes of a case's life add up to what it counts at its end, in
// sorted rows without zeros.
func TestGaugeChange(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, CST)
	type nk struct {
		node string
		key  GaugeKey
	}
	for range 2000 {
		sum := map[nk]Gauge{}
		var prev *Case
		for range 1 + r.IntN(5) {
			c := randomCase(r, base)
			rows := GaugeChange(prev, c)
			if !sort.SliceIsSorted(rows, func(i, j int) bool { return GaugeLess(rows[i], rows[j]) }) {
				t.Fatalf("rows not sorted: %v", rows)
			}
			for _, row := range rows {
				if row.G.Zero() {
					t.Fatalf("a zero row: %v", row)
				}
				g := sum[nk{row.Node, row.Key}]
				g.Add(&row.G)
				sum[nk{row.Node, row.Key}] = g
			}
			prev = c
		}
		want := map[nk]Gauge{}
		if g := CaseGauge(prev); !g.Zero() {
			for _, n := range TallyNodes(prev) {
				want[nk{n, CaseGaugeKey(prev)}] = g
			}
		}
		for k, g := range sum {
			if g.Zero() {
				delete(sum, k)
			}
		}
		if len(sum) != len(want) {
			t.Fatalf("sum %v, want %v", sum, want)
		}
		for k, g := range want {
			if sum[k] != g {
				t.Fatalf("%v: sum %v, want %v", k, sum[k], g)
			}
		}
	}
}
