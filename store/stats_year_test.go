package store_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"StatsYears", testStatsYears},
		{"BulkLoadYears", testBulkLoadYears},
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

// testBulkLoadYears: the transactions of a bulk load add to the day and
// month tables alone; its end makes the year rows again from the month
// rows, and after a load that died before its end the next load's start
// does.
func testBulkLoadYears(t *testing.T, e *env) {
	fx := e.fx
	e.report(t, fx.CountyDispatcher, "")
	if err := e.db.Stats.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	begin := func() *store.BulkLoad {
		t.Helper()
		load, err := e.db.BeginBulkLoad(ctx, store.BulkLoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return load
	}
	// add writes a counter row of a case the load would have written.
	add := func(load *store.BulkLoad) {
		t.Helper()
		b, err := load.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n pingan.Tally
		n[pingan.MReported], n[pingan.MInReported] = 4, 4
		// Of the day of the case, so that verify compares the year rows
		// with the month rows (outside the months of the cases every row
		// is a difference).
		key := pingan.TallyKey{Day: e.clock.Now().In(pingan.CST).Format("2006-01-02"), Region: fx.Village.Region, Kind: pingan.KindDispute, Category: "0102",
			Source: pingan.SourceGridWorker}
		if err := b.AddTallies(ctx, []pingan.TallyRow{{Node: fx.City.Code, Key: key, T: n}}); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// years answers the differences verify finds in the year tables.
	years := func() []store.TallyDiff {
		t.Helper()
		check, err := e.db.Stats.VerifyTallies(ctx, 1000, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []store.TallyDiff
		for _, d := range check.Counters {
			if strings.HasSuffix(d.Table, "_year") {
				out = append(out, d)
			}
		}
		return out
	}
	load := begin()
	add(load)
	if len(years()) == 0 {
		t.Error("a load's transaction wrote the year rows")
	}
	if err := load.End(ctx); err != nil {
		t.Fatal(err)
	}
	if d := years(); len(d) > 0 {
		t.Errorf("after the load's end the year rows differ from the month rows: %v", d)
	}
	died := begin()
	add(died) // and no end
	if len(years()) == 0 {
		t.Error("a load's transaction wrote the year rows")
	}
	next := begin()
	if d := years(); len(d) > 0 {
		t.Errorf("after the next load's start the year rows differ from the month rows: %v", d)
	}
	for _, l := range []*store.BulkLoad{next, died} {
		if err := l.End(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
