package store_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The open-now gauges answer what the counts of the open cases answer —
// 在办, 重大敏感在办 and 超期 now — for every unit, grid and filter, as the
// cases move along the loop, are suspended, resumed, reopened and
// escalated, as deadlines pass between readings and when a holiday year
// entered moves the open deadlines. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"GaugesOpenNow", testGaugesOpenNow},
		{"GaugesRebuild", testGaugesRebuild},
		{"GaugesDueIndex", testGaugesDueIndex},
		{"CountIndexes", testCountIndexes},
		{"MapMonthIndex", testMapMonthIndex},
	}...)
}

var openStatuses = []pingan.Status{pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched,
	pingan.StatusInProgress, pingan.StatusResolved}

// countNow counts, as the admin, the open cases of f, those of them
// 重大敏感 and those overdue now: the counts the gauges replace.
func (e *env) countNow(t *testing.T, f pingan.CaseFilter) pingan.OpenNow {
	t.Helper()
	yes := true
	f.Status = openStatuses
	n, _, err := e.db.Cases.CountCases(ctx, e.fx.Admin, f)
	if err != nil {
		t.Fatal(err)
	}
	over := f
	over.OverdueNow = &yes
	o, _, err := e.db.Cases.CountCases(ctx, e.fx.Admin, over)
	if err != nil {
		t.Fatal(err)
	}
	f.Sensitive = true
	s, _, err := e.db.Cases.CountCases(ctx, e.fx.Admin, f)
	if err != nil {
		t.Fatal(err)
	}
	return pingan.OpenNow{Open: int64(n), SensitiveOpen: int64(s), OverdueNow: int64(o)}
}

// openNowMatches fails unless, at the store's clock, OpenNow and OpenNowBy
// of every unit (and each grid of a village), with and without filters,
// equal the counts of the cases; it answers the overdue cases of the city.
func (e *env) openNowMatches(t *testing.T, when string) int64 {
	t.Helper()
	fx := e.fx
	filters := []pingan.StatsQuery{{}, {Category: "0102"}, {Kind: pingan.KindDispute}, {Source: pingan.SourceGridWorker}}
	grids := map[string][]string{}
	for code, u := range fx.Units {
		if u.Level != pingan.LevelVillage {
			continue
		}
		gs, err := e.db.Grids.FindGrids(ctx, fx.Admin, code)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			grids[code] = append(grids[code], g.Code)
		}
	}
	same := func(got *pingan.OpenNow, want pingan.OpenNow, what string) {
		t.Helper()
		if got.Open != want.Open || got.SensitiveOpen != want.SensitiveOpen || got.OverdueNow != want.OverdueNow {
			t.Errorf("%s, %s: gauges open %d, sensitive %d, overdue %d; cases %d, %d, %d", when, what,
				got.Open, got.SensitiveOpen, got.OverdueNow, want.Open, want.SensitiveOpen, want.OverdueNow)
		}
	}
	var city int64
	for code, u := range fx.Units {
		for _, q := range filters {
			q.Unit = code
			f := pingan.CaseFilter{Unit: code, Kind: q.Kind, Category: q.Category, Source: q.Source}
			got, err := e.db.Stats.OpenNow(ctx, fx.Admin, q)
			if err != nil {
				t.Fatal(err)
			}
			want := e.countNow(t, f)
			same(got, want, fmt.Sprintf("unit %s %+v", code, q))
			if code == fx.City.Code && q == (pingan.StatsQuery{Unit: code}) {
				city = got.OverdueNow
			}
			by, err := e.db.Stats.OpenNowBy(ctx, fx.Admin, q, pingan.ByUnit)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range by {
				if e.fx.Units[c.Key].ParentCode != code || e.fx.Units[c.Key].Level == pingan.LevelCentre {
					t.Errorf("%s: %s is not a unit one level down of %s", when, c.Key, code)
				}
				f := f
				f.Unit = c.Key
				same(c, e.countNow(t, f), fmt.Sprintf("child %s of %s %+v", c.Key, code, q))
			}
			if u.Level != pingan.LevelVillage {
				continue
			}
			byGrid, err := e.db.Stats.OpenNowBy(ctx, fx.Admin, q, pingan.ByGrid)
			if err != nil {
				t.Fatal(err)
			}
			if len(byGrid) != len(grids[code]) {
				t.Errorf("%s: %d grids of %s, want %d", when, len(byGrid), code, len(grids[code]))
			}
			for _, g := range byGrid {
				f := f
				f.Grid = g.Key
				same(g, e.countNow(t, f), fmt.Sprintf("grid %s %+v", g.Key, q))
				q := q
				q.Grid = g.Key
				one, err := e.db.Stats.OpenNow(ctx, fx.Admin, q)
				if err != nil {
					t.Fatal(err)
				}
				same(one, e.countNow(t, f), fmt.Sprintf("grid %s alone %+v", g.Key, q))
			}
		}
	}
	return city
}

func testGaugesOpenNow(t *testing.T, e *env) {
	fx := e.fx
	if _, err := e.db.Grids.ImportGrids(ctx, storetest.FixtureGrids(fx)); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2026, 12, 20, 9, 0, 0, 0, pingan.CST))
	inGrid := func(in *pingan.NewCase) { in.Location = &pingan.Location{Lat: 39.755, Lng: 98.505} }
	for i := range 6 {
		e.report(t, fx.GridWorker, "", inGrid, func(in *pingan.NewCase) { in.Sensitive = i%2 == 0 })
	}
	steps := 240
	if race {
		steps = 80
	}
	everOverdue := false
	for round := range 4 {
		e.walk(t, uint64(100+round), 12, steps)
		e.noDiffs(t)
		// Deadlines pass between readings: hours, across midnight.
		for h := range 5 {
			if over := e.openNowMatches(t, fmt.Sprintf("round %d, %s", round, e.clock.Now().Format(time.DateTime))); over > 0 {
				everOverdue = true
			}
			e.clock.Advance(time.Duration(3+7*h) * time.Hour)
		}
	}
	if !everOverdue {
		t.Error("no case was ever overdue: the readings prove nothing")
	}
	// Suspended before and after the resolve deadline passed, and resumed:
	// the clock of one stops in time, the other is overdue whatever the
	// time while suspended.
	var held []*pingan.Case
	for range 2 {
		c := e.report(t, fx.GridWorker, "", inGrid)
		e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
		e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
		held = append(held, e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign}))
	}
	e.act(t, fx.TownshipDispatcher, held[0].ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定结果"})
	e.clock.Set(held[1].ResolveBy.Add(2 * time.Hour))
	e.openNowMatches(t, "one suspended in time")
	e.act(t, fx.TownshipDispatcher, held[1].ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "当事人外出务工"})
	e.openNowMatches(t, "one suspended after its deadline")
	e.clock.Advance(30 * time.Hour)
	for _, c := range held {
		e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActResume, Note: "恢复办理"})
	}
	e.openNowMatches(t, "resumed")
	e.noDiffs(t)
	if !race {
		for _, a := range []pingan.ActionName{pingan.ActSuspend, pingan.ActResume, pingan.ActReopen, pingan.ActEscalate,
			pingan.ActSupervise, pingan.ActSign, pingan.ActClose} {
			var n int
			if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM actions WHERE action = $1`, string(a)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("the walk took no %s", a)
			}
		}
	}
	// A holiday year entered moves the open deadlines counted across it.
	e.clock.Set(time.Date(2027, 1, 25, 10, 0, 0, 0, pingan.CST))
	for range 4 {
		e.report(t, fx.GridWorker, "", inGrid)
	}
	rc, err := e.db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{made2027()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Moved == 0 {
		t.Fatalf("the holiday year moved no deadline: %+v", rc)
	}
	e.noDiffs(t)
	for range 6 {
		e.clock.Advance(40 * time.Hour)
		e.openNowMatches(t, "after the holiday year, "+e.clock.Now().Format(time.DateTime))
	}
	// The gauges of a node are few: those that count nothing are removed.
	var zero int
	if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM gauges WHERE m_open = 0`).Scan(&zero); err != nil {
		t.Fatal(err)
	}
	if zero != 0 {
		t.Errorf("%d gauges count nothing", zero)
	}
	// Another dimension is refused.
	_, err = e.db.Stats.OpenNowBy(ctx, fx.Admin, pingan.StatsQuery{}, pingan.ByCategory)
	wantCode(t, err, pingan.EINVALID)
	// A unit outside the jurisdiction is not found.
	_, err = e.db.Stats.OpenNow(ctx, fx.OtherDispatcher, pingan.StatsQuery{Unit: fx.County.Code})
	wantCode(t, err, pingan.ENOTFOUND)
}

// A rebuild of the counters rebuilds the gauges: verify finds gauges
// changed behind the store's back, and rebuild repairs them.
func testGaugesRebuild(t *testing.T, e *env) {
	e.clock.Set(time.Date(2026, 6, 29, 9, 0, 0, 0, pingan.CST))
	e.walk(t, 11, 40, 160)
	// The gauges are changed where they are kept: the journal moved into
	// them first, with the folder stopped, or a change still journalled
	// would leave the rows to tamper with unwritten.
	e.db.HaltFolder()
	if err := e.db.Stats.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	// Both tables: the gauges by cohort, and their sums by kind
	// (gauges_kind), each changed at another node.
	raw := e.raw(t)
	if _, err := raw.ExecContext(ctx, `UPDATE gauges SET m_open = m_open + 2 WHERE node = $1`, e.fx.County.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM gauges WHERE node = $1`, e.fx.Township.Code); err != nil {
		t.Fatal(err)
	}
	res, err := raw.ExecContext(ctx, `UPDATE gauges_kind SET m_sensitive_open = m_sensitive_open + 1 WHERE node = $1`, e.fx.City.Code)
	if err != nil {
		t.Fatal(err)
	}
	more, _ := res.RowsAffected() // one a row: a row a due day and kind
	if more == 0 {
		t.Fatal("no gauges by kind at the city")
	}
	check, err := e.db.Stats.VerifyTallies(ctx, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]map[string]bool{}
	for _, d := range check.Counters {
		if found[d.Table] == nil {
			found[d.Table] = map[string]bool{}
		}
		found[d.Table][d.Node] = true
	}
	for _, w := range []struct{ table, node string }{{"gauges", e.fx.County.Code}, {"gauges", e.fx.Township.Code},
		{"gauges_kind", e.fx.City.Code}} {
		if !found[w.table][w.node] {
			t.Errorf("verify did not find the %s changed at %s: %v", w.table, w.node, found)
		}
	}
	// The city's gauges as read: the sums by kind, which were changed.
	if got, err := e.db.Stats.OpenNow(ctx, e.fx.Admin, pingan.StatsQuery{Unit: e.fx.City.Code}); err != nil {
		t.Fatal(err)
	} else if want := e.countNow(t, pingan.CaseFilter{Unit: e.fx.City.Code}).SensitiveOpen; got.SensitiveOpen != want+more {
		t.Errorf("the city's 重大敏感在办 %d, not the changed gauges by kind (%d + %d): not read from gauges_kind", got.SensitiveOpen, want, more)
	}
	if _, err := e.db.Stats.RebuildTallies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.noDiffs(t)
	e.openNowMatches(t, "rebuilt")
	// Emptied, they are built again at start.
	for _, table := range []string{"gauges", "gauges_kind"} {
		if _, err := raw.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.Stats.BuildTalliesIfEmpty(ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.noDiffs(t)
}

// The open cases whose deadline fell today before now are read from the
// index of the due moments, never from a scan of the open cases.
func testGaugesDueIndex(t *testing.T, e *env) {
	lo, hi := any("2026-01-01T00:00:00.000Z"), any("2026-01-02T00:00:00.000Z")
	if e.db.Dialect() == store.Postgres {
		lo, hi = time.Date(2026, 1, 1, 0, 0, 0, 0, pingan.CST), time.Date(2026, 1, 2, 0, 0, 0, 0, pingan.CST)
	}
	if plan := planOf(t, e, store.OpenDueQuery(e.db.Dialect()), lo, hi); !strings.Contains(plan, "cases_open_due") {
		t.Errorf("the query of today's due moments does not read cases_open_due:\n%s", plan)
	}
}

// The inbox's counts read the open cases of their statuses and the open
// petitions of their stages from indexes of their own, never every open
// case (migrations 0047, 0053).
func testCountIndexes(t *testing.T, e *env) {
	now := any("2026-01-01T00:00:00.000Z")
	if e.db.Dialect() == store.Postgres {
		now = time.Date(2026, 1, 1, 0, 0, 0, 0, pingan.CST)
		// PostgreSQL plans by its statistics: cases of every status, open
		// and closed, in time and late, for it to weigh.
		storetest.SeedGrids(t, e.db, e.fx)
		storetest.BulkCases(t, e.db, e.fx, 1500, storetest.BulkOptions{Now: e.clock.Now()})
	}
	index := "cases_open_status"
	if e.db.Dialect() == store.Postgres {
		index = "cases_overdue_at" // by its statistics (0053)
	}
	if plan := planOf(t, e, store.OverdueCountQuery(e.db.Dialect()), now); !strings.Contains(plan, index) {
		t.Errorf("the count of a tab's overdue cases does not read %s:\n%s", index, plan)
	}
	q, a := store.PetitionCountQuery()
	if plan := planOf(t, e, q, a...); !strings.Contains(plan, "cases_open_petitions") {
		t.Errorf("the count of the petitions of a stage does not read cases_open_petitions:\n%s", plan)
	}
}

// The grid map of a month reads the month's rows of its grids' reports
// alone: on SQLite along the key, a range a grid; on PostgreSQL by the
// index by month (0054), which it takes over a scan of every month only
// when the table and the grids are a city's — a thousand grids, ten years.
func testMapMonthIndex(t *testing.T, e *env) {
	want := "PRIMARY KEY"
	if e.db.Dialect() == store.Postgres {
		want = "tallies_reports_month_month"
		db := e.raw(t)
		v := e.fx.Village
		for _, q := range []string{
			`INSERT INTO grids (code, name, type, unit_code, region, geometry, min_lng, min_lat, max_lng, max_lat, updated_at)
			SELECT $1 || lpad(i::text, 4, '0'), 'grid ' || i, 'community', $1, $2, '{}', 0, 0, 0, 0, now()
			FROM generate_series(1, 1000) i`,
			`INSERT INTO tallies_reports_month (node, month, region, kind, category, source, m_reported)
			SELECT $1 || lpad(i::text, 4, '0'), to_char(date '2016-01-01' + m * interval '1 month', 'YYYY-MM'), $2, '', '', '', 1
			FROM generate_series(1, 1000) i, generate_series(0, 119) m`,
		} {
			if _, err := db.ExecContext(ctx, q, v.Code, v.Region); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ExecContext(ctx, `ANALYZE grids, units, tallies_reports_month`); err != nil {
			t.Fatal(err)
		}
	}
	setup, q, a := store.MapMonthQuery(e.db.Dialect(), e.fx.City.Path, time.Date(2025, 11, 1, 0, 0, 0, 0, pingan.CST), time.Date(2025, 12, 1, 0, 0, 0, 0, pingan.CST))
	if plan := explain(t, e, true, q, a...); !strings.Contains(plan, want) {
		t.Errorf("the grid map of a month does not read %s:\n%s\n%s", want, q, plan)
	}
	if e.db.Dialect() != store.Postgres {
		return
	}
	// The statement as the store's transaction runs it, prepared once (by
	// the driver's cache): PostgreSQL may plan its sixth run for any
	// parameters, a plan that expects a handful of grids.
	tx, err := e.raw(t).BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ps := make([]string, len(a)) // EXECUTE takes values, not parameters
	for i, v := range a {
		ps[i] = "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
	}
	run := `EXECUTE map_month(` + strings.Join(ps, ", ") + `)`
	for _, s := range []string{setup, `PREPARE map_month AS ` + q, run, run, run, run, run} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			t.Fatal(s, err)
		}
	}
	rows, err := tx.QueryContext(ctx, `EXPLAIN `+run)
	if err != nil {
		t.Fatal(err)
	}
	if p := planText(t, rows); !strings.Contains(p, want) {
		t.Errorf("the sixth run of the grid map of a month does not read %s:\n%s", want, p)
	}
}

// planOf answers the planner's plan of the query q, a line a step. On
// PostgreSQL the tables of a test are small: the planner is told that a
// scan costs.
func planOf(t *testing.T, e *env, q string, args ...any) string {
	t.Helper()
	return explain(t, e, false, q, args...)
}

// explain is planOf, on PostgreSQL with scans costed as they are when
// scans is true (for tables the test has filled).
func explain(t *testing.T, e *env, scans bool, q string, args ...any) string {
	t.Helper()
	conn, err := e.raw(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	explain := "EXPLAIN QUERY PLAN "
	if e.db.Dialect() == store.Postgres {
		explain = "EXPLAIN "
		if _, err := conn.ExecContext(ctx, `ANALYZE cases`); err != nil { // the statistics of 0053
			t.Fatal(err)
		}
		if !scans {
			if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
				t.Fatal(err)
			}
			defer conn.ExecContext(ctx, `RESET enable_seqscan`)
		}
	}
	rows, err := conn.QueryContext(ctx, explain+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	return planText(t, rows)
}

// planText answers the rows of an EXPLAIN, the last column of each a line.
func planText(t *testing.T, rows *sql.Rows) string {
	t.Helper()
	defer rows.Close()
	var plan []string
	for rows.Next() {
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(vals[len(cols)-1]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
