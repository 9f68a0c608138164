package store_test

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"StatsYears", testStatsYears},
	}...)
}

// testStatsYears: a reading of whole years by category, source or unit,
// filtered by a category, or of the reports by grid (read from the year
// tables: tallies_year, tallies_kind_year, tallies_reports_year) answers
// every measure as the same reading month by month does (read from the
// month tables), also over a range that starts and ends inside a year,
// with changes still in the journal and after they are folded.
func testStatsYears(t *testing.T, e *env) {
	journaledCity(t, e)
	check := func(t *testing.T) {
		for _, r := range []struct{ from, to time.Time }{
			{time.Date(2025, 1, 1, 0, 0, 0, 0, pingan.CST), time.Date(2027, 1, 1, 0, 0, 0, 0, pingan.CST)},
			// The cases are reported from 2025-02 to 2026-03: a year
			// with months of reports after it, and one with months of
			// reports before it, left out.
			{time.Date(2024, 12, 1, 0, 0, 0, 0, pingan.CST), time.Date(2026, 2, 1, 0, 0, 0, 0, pingan.CST)},
			{time.Date(2025, 6, 1, 0, 0, 0, 0, pingan.CST), time.Date(2027, 1, 1, 0, 0, 0, 0, pingan.CST)},
		} {
			for _, by := range []pingan.StatsDim{pingan.ByCategory, pingan.BySource, pingan.ByUnit} {
				checkYears(t, e, r.from, r.to, by, "", 0)
			}
			checkYears(t, e, r.from, r.to, "", "0102", 0)
			checkYears(t, e, r.from, r.to, pingan.ByGrid, "", pingan.MeasuresOf(pingan.MReported))
		}
	}
	t.Run("journal", check)
	if err := e.db.Stats.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("folded", check)
}

// checkYears compares the reading of [from, to) by the dimension by (or,
// when "", of the category cat), of the measures ms (all when 0), with
// the sums of its months' readings.
func checkYears(t *testing.T, e *env, from, to time.Time, by pingan.StatsDim, cat string, ms pingan.MeasureSet) {
	t.Helper()
	fx := e.fx
	read := func(from, to time.Time) map[string]map[string]int64 {
		q := pingan.StatsQuery{Unit: fx.City.Code, From: from, To: to, Category: cat, Measures: ms}
		var parts []*pingan.Stats
		if by == "" {
			s, err := e.db.Stats.Stats(ctx, fx.CityDispatcher, q)
			if err != nil {
				t.Fatal(err)
			}
			parts = []*pingan.Stats{s}
		} else {
			var err error
			if parts, err = e.db.Stats.StatsBy(ctx, fx.CityDispatcher, q, by); err != nil {
				t.Fatal(err)
			}
		}
		out := map[string]map[string]int64{}
		for _, p := range parts {
			if p.Total > 0 {
				out[p.Key] = p.Counts
			}
		}
		return out
	}
	got := read(from, to)
	want := map[string]map[string]int64{}
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		for k, counts := range read(m, m.AddDate(0, 1, 0)) {
			if want[k] == nil {
				want[k] = map[string]int64{}
			}
			for n, v := range counts {
				want[k][n] += v
			}
		}
	}
	what := fmt.Sprintf("%s to %s by %q category %q", from.Format("2006-01"), to.Format("2006-01"), by, cat)
	if len(want) == 0 {
		t.Fatalf("%s: nothing counted", what)
	}
	for k, w := range want {
		if !maps.Equal(got[k], w) {
			t.Errorf("%s, %s: %v, month by month %v", what, k, got[k], w)
		}
	}
	for k := range got {
		if want[k] == nil {
			t.Errorf("%s: %s counted, not month by month", what, k)
		}
	}
}
