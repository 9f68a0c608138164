package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"StatsByHandler", testStatsByHandler},
	}...)
}

// handledCase takes a case from report to close through the township's
// centre, resolved 30 hours after the report.
func (e *env) handledCase(t *testing.T) *pingan.Case {
	t.Helper()
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.clock.Advance(30 * time.Hour)
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议"})
	return e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
}

// The handling units (处置单位) are the centres and departments of the
// subtree, each counting the cases it holds or must act on, with the hours
// of handling (处置用时); and a database that had cases before the
// migration that added those hours has them recounted when it is migrated.
func testStatsByHandler(t *testing.T, e *env) {
	fx := e.fx
	e.handledCase(t)
	e.report(t, fx.GridWorker, "") // reported, held by the township's centre
	q := pingan.StatsQuery{From: time.Date(2026, 3, 1, 0, 0, 0, 0, pingan.CST), To: time.Date(2026, 4, 1, 0, 0, 0, 0, pingan.CST)}
	byHandler := func(t *testing.T, u *pingan.User, q pingan.StatsQuery) map[string]*pingan.Stats {
		t.Helper()
		got, err := e.db.Stats.StatsBy(ctx, u, q, pingan.ByHandler)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*pingan.Stats{}
		for _, s := range got {
			out[s.Key] = s
		}
		return out
	}
	got := byHandler(t, fx.CountyLeader, q)
	want := []string{fx.CountyCentre.Code, fx.CountyHousing.Code, fx.TownshipCentre.Code, fx.Township2Centre.Code}
	if len(got) != len(want) {
		t.Fatalf("county's handling units: %d, want %v", len(got), want)
	}
	for _, k := range want {
		if got[k] == nil {
			t.Fatalf("no handling unit %s", k)
		}
	}
	tc := got[fx.TownshipCentre.Code]
	if tc.Total != 2 || tc.Resolved != 1 || tc.Counts["handle_hours"] != 30 {
		t.Errorf("township centre: reported %d resolved %d hours %d, want 2 1 30", tc.Total, tc.Resolved, tc.Counts["handle_hours"])
	}
	if n := got[fx.CountyHousing.Code].Total; n != 0 {
		t.Errorf("housing bureau counts %d cases, want 0", n)
	}
	// Another county's units stay out; the unit queried need not be one's own.
	if other := byHandler(t, fx.CityLeader, pingan.StatsQuery{From: q.From, To: q.To, Unit: fx.OtherCounty.Code}); len(other) != 2 ||
		other[fx.OtherCountyCentre.Code] == nil || other[fx.OtherTownshipCentre.Code] == nil {
		t.Errorf("other county's handling units: %v", other)
	}

	// Back to the schema before 0025, with the counters as they were then
	// (no hours), and migrated again: the counters are recounted.
	if _, err := e.db.Stats.RebuildTallies(ctx, nil); err != nil { // the journal into the tables
		t.Fatal(err)
	}
	raw := e.raw(t)
	for _, q := range []string{
		`DROP TABLE monthly_reports`, `DROP TABLE peace_designations`, `DROP TABLE assess_corrections`,
		`DROP TABLE assess_objections`, `DROP TABLE assess_notices`, `DROP TABLE assess_periods`, `DROP TABLE assess_inputs`,
		`DROP TABLE assess_scheme_versions`, `DROP TABLE assess_schemes`,
		`ALTER TABLE tallies_day DROP COLUMN m_handle_hours`, `ALTER TABLE tallies_month DROP COLUMN m_handle_hours`,
		`DELETE FROM schema_migrations WHERE version = 25`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The later migrations stay applied, so opening sees the latest
	// version; Migrate applies what is missing, as an upgrade does.
	e.db = e.open(t)
	if err := e.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got = byHandler(t, fx.CountyLeader, q)
	if h := got[fx.TownshipCentre.Code].Counts["handle_hours"]; h != 30 {
		t.Errorf("after the upgrade: hours %d, want 30", h)
	}
	var hours int64
	if err := raw.QueryRowContext(ctx, `SELECT COALESCE(SUM(m_handle_hours), 0) FROM tallies_month WHERE node = $1`, fx.Township.Code).Scan(&hours); err != nil || hours != 30 {
		t.Errorf("month counters after the upgrade: %d hours, %v", hours, err)
	}
}
