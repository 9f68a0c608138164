package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"StatsMeasures", testStatsMeasures},
	}...)
}

// testStatsMeasures: a reading of some measures alone (the grid map's
// reports per grid) answers for them what the reading of all answers, by
// grid, unit, kind and category over a year, and 0 for the others.
func testStatsMeasures(t *testing.T, e *env) {
	ctx, fx := context.Background(), e.fx
	storetest.SeedGrids(t, e.db, fx)
	storetest.BulkCases(t, e.db, fx, 500, storetest.BulkOptions{Now: e.clock.Now()})
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, pingan.CST)
	some := pingan.MeasuresOf(pingan.MReported, pingan.MOverdue)
	for _, by := range []pingan.StatsDim{pingan.ByGrid, pingan.ByUnit, pingan.ByKind, pingan.ByCategory} {
		q := pingan.StatsQuery{Unit: fx.City.Code, From: from, To: from.AddDate(1, 0, 0)}
		all, err := e.db.Stats.StatsBy(ctx, fx.CityDispatcher, q, by)
		if err != nil {
			t.Fatal(err)
		}
		q.Measures = some
		few, err := e.db.Stats.StatsBy(ctx, fx.CityDispatcher, q, by)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]*pingan.Stats{}
		total := 0
		for _, s := range all {
			want[s.Key] = s
			total += s.Total
		}
		if total == 0 {
			t.Fatalf("by %s: nothing counted", by)
		}
		if len(few) != len(all) {
			t.Fatalf("by %s: %d rows, want %d", by, len(few), len(all))
		}
		for _, s := range few {
			w := want[s.Key]
			if w == nil || s.Total != w.Total || s.Counts["overdue"] != w.Counts["overdue"] {
				t.Errorf("by %s, %s: reported %d overdue %d, want %+v", by, s.Key, s.Total, s.Counts["overdue"], w)
			}
			if n := s.Counts["closed_on_time"]; n != 0 {
				t.Errorf("by %s, %s: a measure not read counts %d", by, s.Key, n)
			}
		}
	}
}
