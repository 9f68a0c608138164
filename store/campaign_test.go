package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Campaigns and their visits (大排查, 敲门行动, docs/campaigns.md): the
// counters equal a count of what was recorded, a door plate counts once per
// grid, a bad campaign or visit names its field and writes nothing, and a
// visit with a case is written with its case or not at all. They run on
// both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"CampaignCreate", testCampaignCreate},
		{"CampaignCounters", testCampaignCounters},
		{"CampaignVisitRefused", testCampaignVisitRefused},
		{"CampaignVisitWithCase", testCampaignVisitWithCase},
	}...)
}

// campaignCity seeds the fixture's grids with a township grid worker of
// 东北街街道 who works its three grids, and answers that worker.
func campaignCity(t *testing.T, e *env) *pingan.User {
	t.Helper()
	w := &pingan.User{Username: "dbj-grid", Name: "东北街网格员", UnitCode: e.fx.Township.Code, Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := e.db.Users.CreateUser(ctx, w, storetest.Password); err != nil {
		t.Fatal(err)
	}
	grids := storetest.FixtureGrids(e.fx)
	for _, g := range grids[:3] {
		g.Workers = append(g.Workers, pingan.GridWorker{UserID: w.ID, Name: w.Name, Position: pingan.GridMember})
	}
	if _, err := e.db.Grids.ImportGrids(ctx, grids); err != nil {
		t.Fatal(err)
	}
	return w
}

// newCampaign creates a campaign of the county over units as its dispatcher.
func newCampaign(t *testing.T, e *env, units ...string) *pingan.Campaign {
	t.Helper()
	c, err := e.db.Campaigns.CreateCampaign(ctx, e.fx.CountyDispatcher, &pingan.Campaign{Name: "春季矛盾纠纷大排查",
		Kind: pingan.CampaignSweep, From: "2026-03-01", To: "2026-03-31", Units: units})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testCampaignCreate(t *testing.T, e *env) {
	// A campaign ending before it starts: 400 naming to, nothing written.
	_, err := e.db.Campaigns.CreateCampaign(ctx, e.fx.CountyDispatcher, &pingan.Campaign{Name: "敲门行动",
		Kind: pingan.CampaignKnock, From: "2026-03-10", To: "2026-03-09"})
	wantField(t, err, "to")
	// A unit outside the county, and a township owning one.
	_, err = e.db.Campaigns.CreateCampaign(ctx, e.fx.CountyDispatcher, &pingan.Campaign{Name: "敲门行动",
		Kind: pingan.CampaignKnock, From: "2026-03-10", To: "2026-03-19", Units: []string{e.fx.OtherVillage.Code}})
	wantField(t, err, "units")
	_, err = e.db.Campaigns.CreateCampaign(ctx, e.fx.TownshipDispatcher, &pingan.Campaign{Name: "敲门行动",
		Kind: pingan.CampaignKnock, From: "2026-03-10", To: "2026-03-19"})
	wantField(t, err, "unit")
	// A role that does not manage campaigns.
	_, err = e.db.Campaigns.CreateCampaign(ctx, e.fx.GridWorker, &pingan.Campaign{Name: "敲门行动",
		Kind: pingan.CampaignKnock, From: "2026-03-10", To: "2026-03-19"})
	wantCode(t, err, pingan.EFORBIDDEN)
	if cs, err := e.db.Campaigns.FindCampaigns(ctx, e.fx.Admin, pingan.CampaignFilter{}); err != nil || len(cs) != 0 {
		t.Fatalf("after refusals: %d campaigns, %v", len(cs), err)
	}

	c := newCampaign(t, e, e.fx.Township.Code)
	if c.Unit != e.fx.County.Code || len(c.Units) != 1 {
		t.Errorf("campaign %+v", c)
	}
	// Seen by whoever's jurisdiction meets a participating subtree: the
	// city, the township's grid worker; not the other county nor 银达镇.
	for _, u := range []*pingan.User{e.fx.CityLeader, e.fx.CountyLeader, e.fx.GridWorker, e.fx.TownshipHandler} {
		if _, err := e.db.Campaigns.FindCampaign(ctx, u, c.ID); err != nil {
			t.Errorf("%s: %v", u.Username, err)
		}
	}
	for _, u := range []*pingan.User{e.fx.OtherDispatcher, e.fx.OtherGridWorker} {
		_, err := e.db.Campaigns.FindCampaign(ctx, u, c.ID)
		wantCode(t, err, pingan.ENOTFOUND)
		if cs, _ := e.db.Campaigns.FindCampaigns(ctx, u, pingan.CampaignFilter{}); len(cs) != 0 {
			t.Errorf("%s lists %d campaigns", u.Username, len(cs))
		}
	}
	if cs, _ := e.db.Campaigns.FindCampaigns(ctx, e.fx.GridWorker, pingan.CampaignFilter{Active: "2026-04-01"}); len(cs) != 0 {
		t.Errorf("active after its period: %d", len(cs))
	}
	if cs, _ := e.db.Campaigns.FindCampaigns(ctx, e.fx.GridWorker, pingan.CampaignFilter{Active: "2026-03-02"}); len(cs) != 1 {
		t.Errorf("active in its period: %d", len(cs))
	}
}

// tally is what the test expects a line to count.
type tally struct{ visits, places, cases, disputes, hazards int64 }

func testCampaignCounters(t *testing.T, e *env) {
	w := campaignCity(t, e)
	c := newCampaign(t, e, e.fx.Township.Code)
	grids := map[string]string{ // grid → village
		"620902001001-01": e.fx.Village.Code, "620902001001-02": e.fx.Village.Code, "620902001002-01": e.fx.Village2.Code}
	codes := []string{"620902001001-01", "620902001001-02", "620902001002-01"}
	places := []string{"3号楼2单元501", "３号楼２单元５０１", " 3号楼 2单元501 ", "东关村12号", "东关村１２号", "a栋101", "A栋101", "菜市场"}
	seen := map[string]bool{}
	want := map[string]*tally{}
	add := func(node string, d tally) {
		if want[node] == nil {
			want[node] = &tally{}
		}
		p := want[node]
		p.visits, p.places, p.cases, p.disputes, p.hazards = p.visits+d.visits, p.places+d.places, p.cases+d.cases, p.disputes+d.disputes, p.hazards+d.hazards
	}
	rng := rand.New(rand.NewPCG(1, uint64(len(e.dsn))))
	for i := range 40 {
		g, place := codes[rng.IntN(len(codes))], places[rng.IntN(len(places))]
		in := &pingan.NewVisit{Grid: g, Place: place, VisitedOn: "2026-03-0" + fmt.Sprint(1+rng.IntN(2)), Outcome: pingan.VisitNothing}
		var d tally
		d.visits = 1
		switch rng.IntN(4) {
		case 0:
			in.Outcome, in.Case = pingan.VisitCase, &pingan.NewCase{Category: "0102", Title: "邻里纠纷", Description: fmt.Sprintf("走访发现邻里纠纷 %d", i)}
			d.cases, d.disputes = 1, 1
		case 1:
			in.Outcome, in.Case = pingan.VisitCase, &pingan.NewCase{Category: "AQ02", Title: "燃气隐患", Description: fmt.Sprintf("走访发现燃气软管老化 %d", i)}
			d.cases, d.hazards = 1, 1
		}
		if key := g + "|" + pingan.PlaceKey(place); !seen[key] {
			seen[key] = true
			d.places = 1
		}
		v, err := e.db.Campaigns.RecordVisit(ctx, w, c.ID, in)
		if err != nil {
			t.Fatalf("visit %d: %v", i, err)
		}
		if (v.CaseID != "") != (d.cases == 1) {
			t.Errorf("visit %d: case %q", i, v.CaseID)
		}
		for _, n := range []string{g, grids[g], e.fx.Township.Code, e.fx.County.Code} {
			add(n, d)
		}
	}
	// The same door plate written four ways counts once in a grid.
	if len(seen) > len(codes)*4 {
		t.Fatalf("%d places for at most %d keys", len(seen), len(codes)*4)
	}
	check := func(cv *pingan.Coverage, households map[string]int64) {
		t.Helper()
		lines := append([]pingan.CoverageLine{cv.Total}, cv.Lines...)
		for _, l := range lines {
			w := want[l.Code]
			if w == nil {
				w = &tally{}
			}
			got := tally{l.Visits, l.Places, l.Cases, l.Disputes, l.Hazards}
			if got != *w {
				t.Errorf("%s %s: counters %+v, recount %+v", cv.Unit.Code, l.Code, got, *w)
			}
			if h, ok := households[l.Code]; ok && l.Households != h {
				t.Errorf("%s: %d households, want %d", l.Code, l.Households, h)
			}
			if l.Households > 0 && (l.Rate == nil || *l.Rate != float64(l.Places)/float64(l.Households)) {
				t.Errorf("%s: rate %v", l.Code, l.Rate)
			}
		}
	}
	// The county: one line, the township that takes part; 银达镇 does not.
	cv, err := e.db.Campaigns.Coverage(ctx, e.fx.CountyLeader, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Lines) != 1 || cv.Lines[0].Code != e.fx.Township.Code || cv.ByGrid {
		t.Errorf("county lines %+v", cv.Lines)
	}
	check(cv, map[string]int64{e.fx.County.Code: 320 + 290 + 410, e.fx.Township.Code: 320 + 290 + 410})
	cv, err = e.db.Campaigns.Coverage(ctx, e.fx.CountyLeader, c.ID, e.fx.Township.Code)
	if err != nil {
		t.Fatal(err)
	}
	check(cv, map[string]int64{e.fx.Village.Code: 610, e.fx.Village2.Code: 410})
	if len(cv.Lines) != 2 {
		t.Errorf("township lines %+v", cv.Lines)
	}
	cv, err = e.db.Campaigns.Coverage(ctx, e.fx.GridWorker, c.ID, "") // the village's own worker: his village, by grid
	if err != nil {
		t.Fatal(err)
	}
	if !cv.ByGrid || cv.Unit.Code != e.fx.Village.Code || len(cv.Lines) != 2 {
		t.Errorf("village coverage %+v", cv)
	}
	check(cv, map[string]int64{"620902001001-01": 320, "620902001001-02": 290})
	// Out of the reader's jurisdiction: 404 like a campaign that is not there.
	_, err = e.db.Campaigns.Coverage(ctx, e.fx.GridWorker, c.ID, e.fx.Village2.Code)
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Campaigns.Coverage(ctx, e.fx.OtherDispatcher, c.ID, "")
	wantCode(t, err, pingan.ENOTFOUND)
	vs, err := e.db.Campaigns.FindVisits(ctx, e.fx.CountyLeader, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total := int64(len(vs)); total != want[e.fx.County.Code].visits {
		t.Errorf("%d visits listed, %d counted", total, want[e.fx.County.Code].visits)
	}
}

// visitsAndCases answers what the county has recorded: visits of c, cases.
func visitsAndCases(t *testing.T, e *env, c *pingan.Campaign) (int, int) {
	t.Helper()
	vs, err := e.db.Campaigns.FindVisits(ctx, e.fx.CountyLeader, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := e.db.Cases.CountCases(ctx, e.fx.Admin, pingan.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(vs), n
}

func testCampaignVisitRefused(t *testing.T, e *env) {
	w := campaignCity(t, e)
	c := newCampaign(t, e, e.fx.Village.Code) // 富康社区 alone
	ok := &pingan.NewVisit{Grid: "620902001001-01", Place: "3号楼2单元501", Outcome: pingan.VisitNothing}
	tests := []struct {
		name  string
		actor *pingan.User
		in    pingan.NewVisit
		field string
	}{
		{"not his grid", e.fx.GridWorker, pingan.NewVisit{Grid: "620902001001-02", Place: "1号", Outcome: pingan.VisitNothing}, "grid"},
		{"another county's grid", e.fx.GridWorker, pingan.NewVisit{Grid: "620921100001-01", Place: "1号", Outcome: pingan.VisitNothing}, "grid"},
		{"no such grid", w, pingan.NewVisit{Grid: "nope", Place: "1号", Outcome: pingan.VisitNothing}, "grid"},
		{"grid not taking part", w, pingan.NewVisit{Grid: "620902001002-01", Place: "1号", Outcome: pingan.VisitNothing}, "grid"},
		{"no place", w, pingan.NewVisit{Grid: "620902001001-01", Outcome: pingan.VisitNothing}, "place"},
		{"future", w, pingan.NewVisit{Grid: "620902001001-01", Place: "1号", VisitedOn: "2026-03-03", Outcome: pingan.VisitNothing}, "visited_on"},
		{"before the period", w, pingan.NewVisit{Grid: "620902001001-01", Place: "1号", VisitedOn: "2026-02-28", Outcome: pingan.VisitNothing}, "visited_on"},
		{"bad outcome", w, pingan.NewVisit{Grid: "620902001001-01", Place: "1号", Outcome: "maybe"}, "outcome"},
		{"case without report", w, pingan.NewVisit{Grid: "620902001001-01", Place: "1号", Outcome: pingan.VisitCase}, "case"},
		{"grid and case both bad", w, pingan.NewVisit{Grid: "620902001002-01", Place: "1号", Outcome: pingan.VisitCase,
			Case: &pingan.NewCase{Category: "0102", Title: "纠纷", Description: "邻里纠纷"}}, "grid"},
		{"petition", w, pingan.NewVisit{Grid: "620902001001-01", Place: "1号", Outcome: pingan.VisitCase,
			Case: &pingan.NewCase{Kind: pingan.KindPetition, Title: "信访", Description: "反映问题"}}, "kind"},
	}
	for _, tt := range tests {
		_, err := e.db.Campaigns.RecordVisit(ctx, tt.actor, c.ID, &tt.in)
		if pingan.ErrorCode(err) != pingan.EINVALID {
			t.Errorf("%s: %v, want invalid", tt.name, err)
			continue
		}
		if _, named := err.(*pingan.Error).Fields[tt.field]; !named {
			t.Errorf("%s: %v does not name %s", tt.name, err, tt.field)
		}
	}
	// A role that does not patrol; a closed or unseen campaign.
	_, err := e.db.Campaigns.RecordVisit(ctx, e.fx.CountyDispatcher, c.ID, ok)
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Campaigns.RecordVisit(ctx, e.fx.OtherGridWorker, c.ID, &pingan.NewVisit{Grid: "620921100001-01", Place: "1号", Outcome: pingan.VisitNothing})
	wantCode(t, err, pingan.ENOTFOUND)
	if v, n := visitsAndCases(t, e, c); v != 0 || n != 0 {
		t.Fatalf("after refusals: %d visits, %d cases", v, n)
	}
	cv, err := e.db.Campaigns.Coverage(ctx, e.fx.CountyLeader, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if cv.Total.Visits != 0 || cv.Total.Places != 0 {
		t.Errorf("counters after refusals: %+v", cv.Total)
	}
	if _, err := e.db.Campaigns.RecordVisit(ctx, e.fx.GridWorker, c.ID, ok); err != nil {
		t.Fatal(err)
	}
	if v, _ := visitsAndCases(t, e, c); v != 1 {
		t.Errorf("%d visits, want 1", v)
	}
}

func testCampaignVisitWithCase(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	c := newCampaign(t, e, e.fx.Village.Code)
	// The case fails (a category that does not exist): no visit either.
	_, err := e.db.Campaigns.RecordVisit(ctx, e.fx.GridWorker, c.ID, &pingan.NewVisit{Grid: "620902001001-01", Place: "东关村12号",
		Outcome: pingan.VisitCase, Case: &pingan.NewCase{Kind: pingan.KindDispute, Category: "9999", Title: "纠纷", Description: "邻里因排水沟发生纠纷"}})
	wantField(t, err, "category")
	if v, n := visitsAndCases(t, e, c); v != 0 || n != 0 {
		t.Fatalf("after a failed case: %d visits, %d cases", v, n)
	}
	cv, _ := e.db.Campaigns.Coverage(ctx, e.fx.CountyLeader, c.ID, "")
	if cv.Total.Visits != 0 || cv.Total.Cases != 0 {
		t.Fatalf("counters after a failed case: %+v", cv.Total)
	}
	// The same, good: one case, placed in the grid, from a grid worker,
	// and one visit naming it.
	v, err := e.db.Campaigns.RecordVisit(ctx, e.fx.GridWorker, c.ID, &pingan.NewVisit{Grid: "620902001001-01", Place: "东关村12号",
		Outcome: pingan.VisitCase, Case: &pingan.NewCase{Category: "0102", Title: "排水沟纠纷", Description: "邻里因排水沟发生纠纷"}})
	if err != nil {
		t.Fatal(err)
	}
	k, err := e.db.Cases.FindCase(ctx, e.fx.CountyDispatcher, v.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if k.Grid != "620902001001-01" || k.Source != pingan.SourceGridWorker || k.Kind != pingan.KindDispute || k.Address != "东关村12号" {
		t.Errorf("case %s: grid %s, source %s, kind %s, address %s", k.ID, k.Grid, k.Source, k.Kind, k.Address)
	}
	if n, cs := visitsAndCases(t, e, c); n != 1 || cs != 1 {
		t.Errorf("%d visits, %d cases", n, cs)
	}
	cv, _ = e.db.Campaigns.Coverage(ctx, e.fx.CountyLeader, c.ID, "")
	if cv.Total.Visits != 1 || cv.Total.Cases != 1 || cv.Total.Disputes != 1 || cv.Total.Places != 1 {
		t.Errorf("counters %+v", cv.Total)
	}
	// It is a report as every other: the county's dispatcher finds it among the disputes.
	n, _, err := e.db.Cases.CountCases(ctx, e.fx.CountyDispatcher, pingan.CaseFilter{Kind: pingan.KindDispute, Grid: "620902001001-01"})
	if err != nil || n != 1 {
		t.Errorf("the county's disputes in the grid: %d, %v", n, err)
	}
}
