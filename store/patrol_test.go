package store_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Patrols of the grids (网格巡查, docs/patrols.md): points set by the
// grid's leaders, one open patrol per worker, check-ins only at the points
// of the patrolled grid, a finding filed as a case in the check-in's
// transaction, and the weekly coverage counters equal to a model of what
// was due and visited. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PatrolCheckIn", testPatrolCheckIn},
		{"PatrolFindingFilesCase", testPatrolFindingFilesCase},
		{"PatrolCoverage", testPatrolCoverage},
		{"OnePatrolOpen", testOnePatrolOpen},
		{"PatrolSitePoints", testPatrolSitePoints},
		{"PatrolSitePointsConcurrent", testPatrolSitePointsConcurrent},
	}...)
}

const (
	patrolGrid  = "620902001001-01" // fk-grid works it: lng 98.50–98.51, lat 39.75–39.76
	patrolGrid2 = "620902001001-02"
)

// patrolPoint adds a point of grid at the position as the township's
// dispatcher, with the cadence in days.
func patrolPoint(t *testing.T, e *env, grid, name string, lat, lng float64, cadence int) *pingan.PatrolPoint {
	t.Helper()
	p, err := e.db.Patrols.AddPatrolPoint(ctx, e.fx.TownshipDispatcher, &pingan.NewPatrolPoint{Grid: grid, Name: name,
		Location: &pingan.Location{Lat: lat, Lng: lng}, Cadence: cadence})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testPatrolCheckIn(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	// Setting points: the grid's leaders only, inside the grid, in their
	// jurisdiction.
	_, err := e.db.Patrols.AddPatrolPoint(ctx, fx.GridWorker, &pingan.NewPatrolPoint{Grid: patrolGrid, Name: "幸福路口",
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}})
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Patrols.AddPatrolPoint(ctx, fx.TownshipDispatcher, &pingan.NewPatrolPoint{Grid: patrolGrid, Name: "幸福路口",
		Location: &pingan.Location{Lat: 39.755, Lng: 98.515}})
	wantField(t, err, "location")
	_, err = e.db.Patrols.AddPatrolPoint(ctx, fx.TownshipDispatcher, &pingan.NewPatrolPoint{Grid: "620921100001-01", Name: "金塔路口",
		Location: &pingan.Location{Lat: 40.01, Lng: 98.91}})
	wantField(t, err, "grid")
	_, err = e.db.Patrols.AddPatrolPoint(ctx, fx.TownshipDispatcher, &pingan.NewPatrolPoint{Grid: patrolGrid, Name: "幸福路口",
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Cadence: 400})
	wantField(t, err, "cadence")
	a := patrolPoint(t, e, patrolGrid, "幸福路口", 39.755, 98.505, 0)
	b := patrolPoint(t, e, patrolGrid, "富康小区东门", 39.758, 98.508, 14)
	other := patrolPoint(t, e, patrolGrid2, "第二网格菜市场", 39.755, 98.515, 7)
	if a.Cadence != pingan.DefaultPatrolCadence || !a.Due {
		t.Errorf("a new point: %+v", a)
	}
	pts, err := e.db.Patrols.PatrolPoints(ctx, fx.GridWorker, patrolGrid, false)
	if err != nil || len(pts) != 2 || !pts[0].Due || !pts[1].Due {
		t.Fatalf("points of the grid: %v %v", pts, err)
	}
	if _, err := e.db.Patrols.PatrolPoints(ctx, fx.OtherGridWorker, patrolGrid, false); code(err) != pingan.ENOTFOUND {
		t.Errorf("another county's worker reads the points: %v", err)
	}

	// A grid the worker does not work in.
	_, err = e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid2)
	wantField(t, err, "grid")
	_, err = e.db.Patrols.StartPatrol(ctx, fx.TownshipDispatcher, patrolGrid)
	wantCode(t, err, pingan.EFORBIDDEN)
	p, err := e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid)
	if err != nil {
		t.Fatal(err)
	}
	if open, err := e.db.Patrols.OpenPatrol(ctx, fx.GridWorker); err != nil || open == nil || open.ID != p.ID {
		t.Fatalf("open patrol: %v %v", open, err)
	}

	e.clock.Advance(10 * time.Minute)
	at := &pingan.Location{Lat: 39.7551, Lng: 98.5052}
	c, err := e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: a.ID, Location: at})
	if err != nil {
		t.Fatal(err)
	}
	if c.Result != pingan.PatrolOK || !c.Counted || c.Location == nil {
		t.Errorf("check-in %+v", c)
	}
	// A point of another grid, a point that does not exist, a bad result.
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: other.ID})
	wantField(t, err, "point")
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: 99999})
	wantField(t, err, "point")
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: b.ID, Result: "fine"})
	wantField(t, err, "result")
	// Someone else's patrol is not found.
	_, err = e.db.Patrols.CheckIn(ctx, fx.OtherGridWorker, p.ID, &pingan.NewCheckIn{Point: a.ID})
	wantCode(t, err, pingan.ENOTFOUND)

	pts, _ = e.db.Patrols.PatrolPoints(ctx, fx.GridWorker, patrolGrid, false)
	due := map[int64]bool{}
	for _, pt := range pts {
		due[pt.ID] = pt.Due
	}
	if due[a.ID] || !due[b.ID] {
		t.Errorf("after the check-in at a, due: %v", due)
	}
	// A second check-in at a the same week is recorded but covers nothing new.
	c2, err := e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: a.ID})
	if err != nil || c2.Counted {
		t.Fatalf("again at a: %+v %v", c2, err)
	}

	ended, err := e.db.Patrols.EndPatrol(ctx, fx.GridWorker, p.ID)
	if err != nil || ended.Open() || ended.CheckIns != 2 {
		t.Fatalf("ended: %+v %v", ended, err)
	}
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: b.ID})
	if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "patrol") == "" {
		t.Errorf("an ended patrol's refusal does not name patrol: %v", err)
	}
	if open, _ := e.db.Patrols.OpenPatrol(ctx, fx.GridWorker); open != nil {
		t.Errorf("still open: %+v", open)
	}
	got, cs, err := e.db.Patrols.FindPatrol(ctx, fx.TownshipDispatcher, p.ID)
	if err != nil || got.ID != p.ID || len(cs) != 2 || cs[0].Location == nil || cs[1].Location != nil {
		t.Fatalf("the patrol read back: %+v %v %v", got, cs, err)
	}
	if _, _, err := e.db.Patrols.FindPatrol(ctx, fx.OtherDispatcher, p.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("another county reads the patrol: %v", err)
	}

	// A point retired is no longer checked in at; changing its cadence moves its due day.
	off := false
	if _, err := e.db.Patrols.ChangePatrolPoint(ctx, fx.TownshipDispatcher, b.ID, &pingan.PatrolPointChange{Active: &off}); err != nil {
		t.Fatal(err)
	}
	p2, err := e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p2.ID, &pingan.NewCheckIn{Point: b.ID})
	wantField(t, err, "point")
	ch, err := e.db.Patrols.ChangePatrolPoint(ctx, fx.TownshipDispatcher, a.ID, &pingan.PatrolPointChange{Cadence: 30})
	if err != nil || ch.Cadence != 30 || ch.NextDue != pingan.Day(e.clock.Now().AddDate(0, 0, 30)) {
		t.Errorf("cadence changed: %+v %v", ch, err)
	}
	_, err = e.db.Patrols.ChangePatrolPoint(ctx, fx.OtherDispatcher, a.ID, &pingan.PatrolPointChange{Cadence: 7})
	wantCode(t, err, pingan.ENOTFOUND)
}

func testPatrolFindingFilesCase(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	a := patrolPoint(t, e, patrolGrid, "幸福路口", 39.755, 98.505, 7)
	b := patrolPoint(t, e, patrolGrid, "富康小区东门", 39.758, 98.508, 7)
	p, err := e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid)
	if err != nil {
		t.Fatal(err)
	}
	// A hazard without its photo: 400 naming photos, nothing written.
	hazard := func(photos ...[]byte) *pingan.NewCheckIn {
		nc := &pingan.NewCase{Kind: pingan.KindHazard, Category: "AQ02", Title: "燃气软管老化",
			Description: "巡查发现沿街商铺燃气软管老化开裂", Hazard: &pingan.HazardFacts{Level: pingan.HazardGeneral}}
		for i, ph := range photos {
			nc.Photos = append(nc.Photos, pingan.Upload{Name: fmt.Sprintf("p%d.png", i), Data: ph})
		}
		return &pingan.NewCheckIn{Point: a.ID, Result: pingan.PatrolFinding, Location: &pingan.Location{Lat: 39.7552, Lng: 98.5051}, Case: nc}
	}
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, hazard())
	wantField(t, err, "photos")
	// A finding whose report is bad (no category) is refused with the
	// check-in's own fields in the same answer.
	bad := hazard(storetest.PNG("x"))
	bad.Case.Category = ""
	bad.Point = 424242
	_, err = e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, bad)
	wantField(t, err, "category")
	wantField(t, err, "point")
	if _, cs, _ := e.db.Patrols.FindPatrol(ctx, fx.GridWorker, p.ID); len(cs) != 0 {
		t.Fatalf("refused findings wrote %d check-ins", len(cs))
	}
	if cs, _, _ := e.db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{}); len(cs) != 0 {
		t.Fatalf("refused findings filed %d cases", len(cs))
	}
	if cv, _ := e.db.Patrols.PatrolCoverage(ctx, fx.CountyLeader, fx.Village.Code, 0, 0); cv.Total.CheckIns != 0 || cv.Total.Visited != 0 {
		t.Fatalf("refused findings counted: %+v", cv.Total)
	}

	c, err := e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, hazard(storetest.PNG("hazard")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Result != pingan.PatrolFinding || c.CaseID == "" || !c.Counted {
		t.Fatalf("finding %+v", c)
	}
	k, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if k.Kind != pingan.KindHazard || k.Source != pingan.SourcePatrol || k.Grid != patrolGrid || k.Address != "幸福路口" {
		t.Errorf("the case filed: kind %s source %s grid %s address %s", k.Kind, k.Source, k.Grid, k.Address)
	}
	// A dispute needs no photo.
	d, err := e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: b.ID, Case: &pingan.NewCase{
		Kind: pingan.KindDispute, Category: "0102", Title: "邻里噪音纠纷", Description: "巡查时居民反映楼上装修噪音扰民"}})
	if err != nil || d.CaseID == "" {
		t.Fatalf("dispute finding: %+v %v", d, err)
	}
	cv, err := e.db.Patrols.PatrolCoverage(ctx, fx.CountyLeader, fx.Village.Code, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if l := cv.Total; l.Due != 2 || l.Visited != 2 || l.CheckIns != 2 || l.Findings != 2 || l.Hazards != 1 || l.Disputes != 1 || l.Patrols != 1 {
		t.Errorf("village line %+v", l)
	}
}

// testPatrolCoverage checks in at random over five weeks and finds every
// counter equal to a model of the points' due days and to the check-ins
// recorded.
func testPatrolCoverage(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)) // a Monday, week 2026-W10
	first := pingan.WeekAt(e.clock.Now())
	type point struct {
		p        *pingan.PatrolPoint
		next     string
		dueWeek  pingan.Week
		seenWeek pingan.Week
	}
	var pts []*point
	for i, cad := range []int{7, 7, 14, 3, 30} {
		p := patrolPoint(t, e, patrolGrid, fmt.Sprintf("点位%d", i+1), 39.751+float64(i)*0.001, 98.501+float64(i)*0.001, cad)
		pts = append(pts, &point{p: p, next: pingan.Day(e.clock.Now()), dueWeek: first})
	}
	// The model: due and visited per week.
	type counts struct{ due, visited, checkins int64 }
	want := map[pingan.Week]*counts{first: {due: int64(len(pts))}}
	rng := rand.New(rand.NewPCG(7, uint64(len(e.dsn))))
	week := first
	for day := range 35 {
		now := time.Date(2026, 3, 2+day, 9, 0, 0, 0, pingan.CST)
		e.clock.Set(now)
		if w := pingan.WeekAt(now); w != week {
			week = w
			want[w] = &counts{}
			for _, pt := range pts {
				if pt.next <= w.Sunday() && pt.dueWeek < w {
					pt.dueWeek = w
					want[w].due++
				}
			}
		}
		if rng.IntN(3) != 0 {
			continue // no patrol that day
		}
		p, err := e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid)
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range pts {
			if rng.IntN(2) == 0 {
				continue
			}
			c, err := e.db.Patrols.CheckIn(ctx, fx.GridWorker, p.ID, &pingan.NewCheckIn{Point: pt.p.ID})
			if err != nil {
				t.Fatal(err)
			}
			counted := pt.dueWeek == week && pt.seenWeek != week
			if counted {
				pt.seenWeek = week
				want[week].visited++
			}
			if c.Counted != counted {
				t.Errorf("%s at %s: counted %v, want %v", pingan.Day(now), pt.p.Name, c.Counted, counted)
			}
			want[week].checkins++
			pt.next = pingan.Day(now.AddDate(0, 0, pt.p.Cadence))
		}
		if _, err := e.db.Patrols.EndPatrol(ctx, fx.GridWorker, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	// A week passes with nothing done: reading it opens it.
	e.clock.Set(time.Date(2026, 4, 14, 9, 0, 0, 0, pingan.CST))
	last := pingan.WeekAt(e.clock.Now())
	for w := week.Next(); w <= last; w = w.Next() {
		want[w] = &counts{}
		for _, pt := range pts {
			if pt.next <= w.Sunday() && pt.dueWeek < w {
				pt.dueWeek = w
				want[w].due++
			}
		}
	}
	var total counts
	for _, c := range want {
		total.due, total.visited, total.checkins = total.due+c.due, total.visited+c.visited, total.checkins+c.checkins
	}
	for _, unit := range []string{fx.Village.Code, fx.Township.Code, fx.County.Code, fx.City.Code} {
		cv, err := e.db.Patrols.PatrolCoverage(ctx, fx.CityLeader, unit, first, last)
		if err != nil {
			t.Fatal(err)
		}
		if l := cv.Total; l.Due != total.due || l.Visited != total.visited || l.CheckIns != total.checkins {
			t.Errorf("%s: due %d visited %d check-ins %d, want %+v", unit, l.Due, l.Visited, l.CheckIns, total)
		}
		if len(cv.Weeks) != len(want) {
			t.Fatalf("%s: %d weeks, want %d", unit, len(cv.Weeks), len(want))
		}
		for _, w := range cv.Weeks {
			m := want[w.Week]
			if m == nil || w.Due != m.due || w.Visited != m.visited || w.CheckIns != m.checkins {
				t.Errorf("%s %s: %+v, want %+v", unit, w.Week, w.PatrolLine, m)
			}
		}
	}
	// The village's lines are its grids; the patrolled grid holds everything.
	cv, _ := e.db.Patrols.PatrolCoverage(ctx, fx.CountyLeader, fx.Village.Code, first, last)
	if !cv.ByGrid || len(cv.Lines) != 2 || cv.Lines[0].Code != patrolGrid || cv.Lines[0].Due != total.due || cv.Lines[1].Due != 0 {
		t.Errorf("village lines: %+v", cv.Lines)
	}
	if total.visited == 0 || total.visited >= total.due {
		t.Errorf("the random patrols covered %d of %d: not a useful test", total.visited, total.due)
	}
	// The rows agree with the counters.
	var rows int64
	for _, p := range patrolsOf(t, e) {
		_, cs, err := e.db.Patrols.FindPatrol(ctx, fx.CountyLeader, p)
		if err != nil {
			t.Fatal(err)
		}
		rows += int64(len(cs))
	}
	if rows != total.checkins {
		t.Errorf("%d check-in rows, counters %d", rows, total.checkins)
	}
	_, err := e.db.Patrols.PatrolCoverage(ctx, fx.CityLeader, fx.City.Code, last, first)
	wantField(t, err, "to")
	_, err = e.db.Patrols.PatrolCoverage(ctx, fx.OtherDispatcher, fx.Village.Code, first, last)
	wantCode(t, err, pingan.ENOTFOUND)
}

// patrolsOf answers the ids of the patrols recorded, 1 up to the first
// that is not found.
func patrolsOf(t *testing.T, e *env) []int64 {
	var out []int64
	for id := int64(1); ; id++ {
		if _, _, err := e.db.Patrols.FindPatrol(ctx, e.fx.Admin, id); err != nil {
			return out
		}
		out = append(out, id)
	}
}

// testOnePatrolOpen starts patrols of one worker at once: one starts, the
// others answer 409 naming patrol.
func testOnePatrolOpen(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid)
		}()
	}
	wg.Wait()
	started := 0
	for _, err := range errs {
		switch {
		case err == nil:
			started++
		case code(err) == pingan.ECONFLICT:
			if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "patrol") == "" {
				t.Errorf("refusal does not name patrol: %v", err)
			}
		default:
			t.Errorf("start: %v", err)
		}
	}
	if started != 1 {
		t.Errorf("%d patrols started at once, want 1", started)
	}
	_, err := e.db.Patrols.StartPatrol(ctx, fx.GridWorker, patrolGrid)
	wantCode(t, err, pingan.ECONFLICT)
}

// testPatrolSitePoints: a key site's point follows the register. Retired
// with its site, it is restored when the site is active again and counted
// due as a restored point is; moved with its site to another grid, it
// takes its name, position and the week's due along.
func testPatrolSitePoints(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)) // a Monday, week 2026-W10
	first := pingan.WeekAt(e.clock.Now())
	ns := pingan.NewSite{Name: "富康加油站", Type: "hazard_source", Level: 3, Location: &pingan.Location{Lat: 39.755, Lng: 98.505},
		Department: fx.CountyHousing.Code}
	site, err := e.db.Sites.AddSite(ctx, fx.CountyDispatcher, &ns)
	if err != nil {
		t.Fatal(err)
	}
	// sitePoint answers the site's point among the grid's points, nil
	// when it is not one of them (all: retired ones too).
	sitePoint := func(grid string, all bool) *pingan.PatrolPoint {
		t.Helper()
		ps, err := e.db.Patrols.PatrolPoints(ctx, fx.TownshipDispatcher, grid, all)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Site == site.ID {
				return p
			}
		}
		return nil
	}
	change := func(f func(*pingan.NewSite)) {
		t.Helper()
		in := ns
		f(&in)
		if _, err := e.db.Sites.UpdateSite(ctx, fx.CountyDispatcher, site.ID, &in); err != nil {
			t.Fatal(err)
		}
	}
	// dues answers the week's due of both grids and the village.
	dues := func(w pingan.Week) [3]int64 {
		t.Helper()
		cv, err := e.db.Patrols.PatrolCoverage(ctx, fx.CountyLeader, fx.Village.Code, w, w)
		if err != nil {
			t.Fatal(err)
		}
		var out [3]int64
		for _, l := range cv.Lines {
			switch l.Code {
			case patrolGrid:
				out[0] = l.Due
			case patrolGrid2:
				out[1] = l.Due
			}
		}
		out[2] = cv.Total.Due
		return out
	}
	if p := sitePoint(patrolGrid, false); p == nil || !p.Due || !p.Active {
		t.Fatalf("the new site's point: %+v", p)
	}
	if d := dues(first); d != [3]int64{1, 0, 1} {
		t.Errorf("week 1 due (grid 1, grid 2, village): %v, want [1 0 1]", d)
	}
	change(func(in *pingan.NewSite) { in.Active = new(false) })
	if p := sitePoint(patrolGrid, false); p != nil {
		t.Errorf("the retired site's point is still patrolled: %+v", p)
	}
	if p := sitePoint(patrolGrid, true); p == nil || p.Active {
		t.Errorf("the retired site's point: %+v", p)
	}
	// The next week opens with the point retired: not due; the site made
	// active again restores its point, counted due at once.
	e.clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, pingan.CST))
	second := pingan.WeekAt(e.clock.Now())
	if d := dues(second); d != [3]int64{0, 0, 0} {
		t.Errorf("week 2 due with the site retired: %v", d)
	}
	change(func(in *pingan.NewSite) { in.Active = new(true) })
	if p := sitePoint(patrolGrid, false); p == nil || !p.Active || !p.Due {
		t.Fatalf("the restored site's point: %+v", p)
	}
	if d := dues(second); d != [3]int64{1, 0, 1} {
		t.Errorf("week 2 due after the restore: %v, want [1 0 1]", d)
	}
	// Moved to the second grid, renamed: the point and its due go along.
	change(func(in *pingan.NewSite) {
		in.Active, in.Name, in.Location = new(true), "富康加油站（新址）", &pingan.Location{Lat: 39.756, Lng: 98.515}
	})
	if p := sitePoint(patrolGrid, true); p != nil {
		t.Errorf("the moved site's point stays on its old grid: %+v", p)
	}
	p := sitePoint(patrolGrid2, false)
	if p == nil || p.Grid != patrolGrid2 || p.Name != "富康加油站（新址）" || p.Lng != 98.515 || !p.Due {
		t.Fatalf("the moved site's point: %+v", p)
	}
	if d := dues(second); d != [3]int64{0, 1, 1} {
		t.Errorf("week 2 due after the move: %v, want [0 1 1]", d)
	}
	if d := dues(first); d != [3]int64{1, 0, 1} {
		t.Errorf("week 1 due after the move: %v, want [1 0 1]", d)
	}
}

// testPatrolSitePointsConcurrent reads a grid with a new key site from
// several goroutines at once: each read answers, and the site is one
// point counted due once.
func testPatrolSitePointsConcurrent(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST))
	w := pingan.WeekAt(e.clock.Now())
	if _, err := e.db.Patrols.PatrolPoints(ctx, fx.TownshipDispatcher, patrolGrid, false); err != nil { // the week opens
		t.Fatal(err)
	}
	for round := range 4 {
		if _, err := e.db.Sites.AddSite(ctx, fx.CountyDispatcher, &pingan.NewSite{Name: fmt.Sprintf("富康商场%d", round), Type: "hazard_source",
			Level: 3, Location: &pingan.Location{Lat: 39.751 + float64(round)*0.001, Lng: 98.505}, Department: fx.CountyHousing.Code}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.db.Patrols.PatrolPoints(ctx, fx.TownshipDispatcher, patrolGrid, false)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: a read at the same moment: %v", round, err)
			}
		}
	}
	ps, err := e.db.Patrols.PatrolPoints(ctx, fx.TownshipDispatcher, patrolGrid, false)
	if err != nil || len(ps) != 4 {
		t.Fatalf("%d points, %v", len(ps), err)
	}
	cv, err := e.db.Patrols.PatrolCoverage(ctx, fx.CountyLeader, fx.Village.Code, w, w)
	if err != nil || cv.Total.Due != 4 {
		t.Errorf("due %+v, %v; want 4", cv, err)
	}
}
