package store_test

import (
	"context"
	"errors"
	"reflect"
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
		{"StatsQueryRefused", testStatsQueryRefused},
		{"StatsBreakdown", testStatsBreakdown},
	}...)
}

// scanned counts what the statistics count of the cases in the subtree
// of path reported in [from, to) by a scan of the cases: the oracle the
// counters are checked against, written apart from pingan.CaseTally.
type scanned struct {
	Total, Resolved, OnTime, Rated, Happy, Escalate, Gridded int
	ByStatus                                                 map[pingan.Status]int
	ByKind                                                   map[pingan.Kind]int
}

func (e *env) scan(t *testing.T, path string, from, to time.Time, where string) scanned {
	t.Helper()
	p := path + "%"
	rows, err := e.raw(t).QueryContext(ctx, `SELECT status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0, grid <> '', count(*)
		FROM cases WHERE (unit_path LIKE $1 OR holding_path LIKE $1 OR assigned_path LIKE $1)
		AND reported_at >= $2 AND reported_at < $3 `+where+`
		GROUP BY status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0, grid <> ''`,
		p, e.db.Dialect().BindTime(from), e.db.Dialect().BindTime(to))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := scanned{ByStatus: map[pingan.Status]int{}, ByKind: map[pingan.Kind]int{}}
	for rows.Next() {
		var st pingan.Status
		var k pingan.Kind
		var overdue, esc, gridded bool
		var sat string
		var n int
		if err := rows.Scan(&st, &k, &overdue, &sat, &esc, &gridded, &n); err != nil {
			t.Fatal(err)
		}
		out.Total += n
		out.ByStatus[st] += n
		out.ByKind[k] += n
		if st == pingan.StatusResolved || st == pingan.StatusClosed {
			out.Resolved += n
			if !overdue {
				out.OnTime += n
			}
		}
		if sat != "" {
			out.Rated += n
			if sat == string(pingan.Satisfied) || sat == string(pingan.BasicallySatisfied) {
				out.Happy += n
			}
		}
		if esc {
			out.Escalate += n
		}
		if gridded {
			out.Gridded += n
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// of answers what s counts, in the oracle's terms.
func scannedOf(s *pingan.Stats) scanned {
	return scanned{Total: s.Total, Resolved: s.Resolved, OnTime: s.OnTime, Rated: s.Rated, Happy: s.Happy,
		Escalate: s.Escalate, ByStatus: s.ByStatus, ByKind: s.ByKind}
}

// testStatsSeries: a series is Stats of each period, in one reading, over
// cases written in bulk; each equals a scan of the cases; the grids add up
// to the gridded cases, the units one level down to no less than the unit.
func testStatsSeries(t *testing.T, e *env) {
	ctx, fx := context.Background(), e.fx
	storetest.SeedGrids(t, e.db, fx)
	storetest.BulkCases(t, e.db, fx, 3000, storetest.BulkOptions{Now: e.clock.Now()})
	first := time.Date(2025, 3, 1, 0, 0, 0, 0, pingan.CST)
	var bounds []time.Time
	for i := range 14 {
		bounds = append(bounds, first.AddDate(0, i, 0))
	}
	for _, c := range []struct {
		actor *pingan.User
		unit  *pingan.Unit
	}{{fx.CityDispatcher, fx.City}, {fx.CityDispatcher, fx.OtherCounty}, {fx.CountyDispatcher, fx.County},
		{fx.CountyDispatcher, fx.Township}, {fx.CountyDispatcher, fx.Village}} {
		q := pingan.StatsQuery{Unit: c.unit.Code}
		series, err := e.db.Stats.StatsSeries(ctx, c.actor, q, bounds)
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != 13 {
			t.Fatalf("%d stats for 14 bounds", len(series))
		}
		total := 0
		for i, got := range series {
			q.From, q.To = bounds[i], bounds[i+1]
			want, err := e.db.Stats.Stats(ctx, c.actor, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s %s: series %+v, Stats %+v", c.actor.Username, c.unit.Code, bounds[i].Format("2006-01"), got, want)
			}
			if s := e.scan(t, c.unit.Path, bounds[i], bounds[i+1], ""); !reflect.DeepEqual(scannedOf(got), scanned{Total: s.Total,
				Resolved: s.Resolved, OnTime: s.OnTime, Rated: s.Rated, Happy: s.Happy, Escalate: s.Escalate, ByStatus: s.ByStatus, ByKind: s.ByKind}) {
				t.Errorf("%s %s: counters %+v, scan %+v", c.unit.Code, bounds[i].Format("2006-01"), scannedOf(got), s)
			}
			total += got.Total
		}
		if total == 0 {
			t.Errorf("%s %s: no cases in the series", c.actor.Username, c.unit.Code)
		}
		// A period that starts and ends inside months: days from the day
		// rows, months from the month rows.
		q.From, q.To = bounds[2].AddDate(0, 0, 9), bounds[7].AddDate(0, 0, 17)
		got, err := e.db.Stats.Stats(ctx, c.actor, q)
		if err != nil {
			t.Fatal(err)
		}
		s := e.scan(t, c.unit.Path, q.From, q.To, "")
		if got.Total != s.Total || got.Resolved != s.Resolved || !reflect.DeepEqual(got.ByStatus, s.ByStatus) {
			t.Errorf("%s days and months: counters %+v, scan %+v", c.unit.Code, scannedOf(got), s)
		}
		grids, err := e.db.Stats.StatsBy(ctx, c.actor, q, pingan.ByGrid)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, g := range grids {
			sum += g.Total
		}
		if sum != s.Gridded {
			t.Errorf("%s: grids add up to %d, the scan has %d gridded", c.unit.Code, sum, s.Gridded)
		}
	}
	if _, err := e.db.Stats.StatsBy(ctx, fx.CountyDispatcher, wide("620921"), pingan.ByGrid); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("grid loads of another county: %v", err)
	}
	if _, err := e.db.Stats.StatsSeries(ctx, fx.CityDispatcher, pingan.StatsQuery{}, bounds[:1]); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("one bound: %v", err)
	}
	if _, err := e.db.Stats.StatsSeries(ctx, fx.CityDispatcher, pingan.StatsQuery{}, []time.Time{bounds[1], bounds[0]}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("descending bounds: %v", err)
	}
}

// testStatsBreakdown: by unit, category, kind and source, each part equal
// to a scan with the same filter; filters narrow the figures.
func testStatsBreakdown(t *testing.T, e *env) {
	fx := e.fx
	storetest.BulkCases(t, e.db, fx, 1000, storetest.BulkOptions{Now: e.clock.Now()})
	q := wide(fx.County.Code)
	units, err := e.db.Stats.StatsBy(ctx, fx.CountyDispatcher, q, pingan.ByUnit)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) == 0 {
		t.Fatal("no units one level down")
	}
	for _, u := range units {
		unit := fx.Units[u.Key]
		if unit == nil || unit.ParentCode != fx.County.Code || unit.Level == pingan.LevelCentre {
			t.Errorf("breakdown by unit has %q", u.Key)
			continue
		}
		if s := e.scan(t, unit.Path, q.From, q.To, ""); u.Total != s.Total || u.Resolved != s.Resolved {
			t.Errorf("%s: counters %d/%d, scan %d/%d", u.Key, u.Total, u.Resolved, s.Total, s.Resolved)
		}
	}
	for _, c := range []struct {
		d     pingan.StatsDim
		where func(k string) (string, func(*pingan.StatsQuery))
	}{
		{pingan.ByCategory, func(k string) (string, func(*pingan.StatsQuery)) {
			return "AND category = '" + k + "'", func(q *pingan.StatsQuery) { q.Category = k }
		}},
		{pingan.ByKind, func(k string) (string, func(*pingan.StatsQuery)) {
			return "AND kind = '" + k + "'", func(q *pingan.StatsQuery) { q.Kind = pingan.Kind(k) }
		}},
		{pingan.BySource, func(k string) (string, func(*pingan.StatsQuery)) {
			return "AND source = '" + k + "'", func(q *pingan.StatsQuery) { q.Source = pingan.Source(k) }
		}},
	} {
		parts, err := e.db.Stats.StatsBy(ctx, fx.CountyDispatcher, q, c.d)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) < 2 {
			t.Errorf("by %s: %d parts", c.d, len(parts))
		}
		sum := 0
		for _, p := range parts {
			sum += p.Total
			where, filter := c.where(p.Key)
			s := e.scan(t, fx.County.Path, q.From, q.To, where)
			if p.Total != s.Total || p.OnTime != s.OnTime || p.Rated != s.Rated {
				t.Errorf("by %s %s: counters %d/%d/%d, scan %d/%d/%d", c.d, p.Key, p.Total, p.OnTime, p.Rated, s.Total, s.OnTime, s.Rated)
			}
			fq := q
			filter(&fq)
			if c.d == pingan.ByCategory {
				continue // a category filter takes its subcategories too
			}
			f, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, fq)
			if err != nil {
				t.Fatal(err)
			}
			if f.Total != p.Total {
				t.Errorf("filtered by %s %s: %d, the breakdown has %d", c.d, p.Key, f.Total, p.Total)
			}
		}
		if all := e.scan(t, fx.County.Path, q.From, q.To, ""); sum != all.Total {
			t.Errorf("by %s: parts add up to %d of %d", c.d, sum, all.Total)
		}
	}
}

// testStatsQueryRefused: each bad query names its parameter.
func testStatsQueryRefused(t *testing.T, e *env) {
	fx := e.fx
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, pingan.CST)
	for _, c := range []struct {
		q     pingan.StatsQuery
		field string
	}{
		{pingan.StatsQuery{From: day.Add(time.Hour), To: day.AddDate(0, 1, 0)}, "from"},
		{pingan.StatsQuery{From: day, To: day}, "to"},
		{pingan.StatsQuery{From: day.AddDate(0, 1, 0), To: day}, "to"},
		{pingan.StatsQuery{From: day.AddDate(-11, 0, 0), To: day}, "to"},
		{pingan.StatsQuery{From: day, To: day.AddDate(0, 1, 0), Category: "9999"}, "category"},
		{pingan.StatsQuery{From: day, To: day.AddDate(0, 1, 0), Kind: "rumour"}, "kind"},
		{pingan.StatsQuery{From: day, To: day.AddDate(0, 1, 0), Source: "pigeon"}, "source"},
		{pingan.StatsQuery{From: day, To: day.AddDate(0, 1, 0), Grid: "620921100001001"}, "grid"},
	} {
		_, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, c.q)
		var pe *pingan.Error
		if pingan.ErrorCode(err) != pingan.EINVALID || !errors.As(err, &pe) || pe.Fields[c.field].Key == "" {
			t.Errorf("%+v: %v, want invalid naming %s", c.q, err, c.field)
		}
	}
	if _, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, pingan.StatsQuery{Unit: "620921", From: day, To: day.AddDate(0, 1, 0)}); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county: %v", err)
	}
	if _, err := e.db.Stats.StatsBy(ctx, fx.CountyDispatcher, pingan.StatsQuery{From: day, To: day.AddDate(0, 1, 0)}, "street"); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("by street: %v", err)
	}
}
