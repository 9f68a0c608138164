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
// grid, unit, kind and category, over a year of whole months and over
// days at both ends, and 0 for the others; the reports alone (read from
// the rows by month and node, tallies_reports_month) too, with changes
// still in the journal.
func testStatsMeasures(t *testing.T, e *env) {
	journaledCity(t, e)
	year := time.Date(2025, 3, 1, 0, 0, 0, 0, pingan.CST)
	days := time.Date(2025, 3, 10, 0, 0, 0, 0, pingan.CST)
	for _, r := range []struct {
		name     string
		from, to time.Time
		some     pingan.MeasureSet
	}{
		{"a year, reported and overdue", year, year.AddDate(1, 0, 0), pingan.MeasuresOf(pingan.MReported, pingan.MOverdue)},
		{"a year, reported", year, year.AddDate(1, 0, 0), pingan.MeasuresOf(pingan.MReported)},
		{"days at both ends, reported", days, time.Date(2026, 3, 5, 0, 0, 0, 0, pingan.CST), pingan.MeasuresOf(pingan.MReported)},
	} {
		t.Run(r.name, func(t *testing.T) { checkStatsMeasures(t, e, r.from, r.to, r.some) })
	}
}

func checkStatsMeasures(t *testing.T, e *env, from, to time.Time, some pingan.MeasureSet) {
	ctx, fx := context.Background(), e.fx
	for _, by := range []pingan.StatsDim{pingan.ByGrid, pingan.ByUnit, pingan.ByKind, pingan.ByCategory} {
		q := pingan.StatsQuery{Unit: fx.City.Code, From: from, To: to}
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
			if w == nil {
				t.Errorf("by %s: %s read alone, not with every measure", by, s.Key)
				continue
			}
			overdue := w.Counts["overdue"]
			if some&pingan.MeasuresOf(pingan.MOverdue) == 0 {
				overdue = 0
			}
			if s.Total != w.Total || s.Counts["overdue"] != overdue {
				t.Errorf("by %s, %s: reported %d overdue %d, want %+v", by, s.Key, s.Total, s.Counts["overdue"], w)
			}
			if n := s.Counts["closed_on_time"]; n != 0 {
				t.Errorf("by %s, %s: a measure not read counts %d", by, s.Key, n)
			}
		}
	}
}

// journaledCity fills e with grids and 500 cases reported over the
// thirteen months before now, stops the folder and files three reports of
// today in a grid, which stay in the journal, each accepted.
func journaledCity(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	storetest.BulkCases(t, e.db, fx, 500, storetest.BulkOptions{Now: e.clock.Now()})
	e.db.HaltFolder()
	for range 3 {
		c := e.report(t, fx.CountyDispatcher, "", func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: 39.755, Lng: 98.505} })
		if c.Grid == "" {
			t.Fatalf("a report in no grid: %+v", c)
		}
		e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	}
}
