package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestTerritory: each reference city reads from the shipped data with its
// centres and departments, and its named accounts' units exist.
func TestTerritory(t *testing.T) {
	for _, code := range Cities() {
		c, err := newCity(code)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		counts := map[pingan.Level]int{}
		orgs := map[pingan.OrgType]int{}
		codes := map[string]bool{}
		for _, u := range c.units {
			if u.OrgType != "" {
				orgs[u.OrgType]++ // a mediation organisation (mediation.go), not a department
			} else {
				counts[u.Level]++
			}
			if codes[u.Code] {
				t.Errorf("%s: unit %s twice", code, u.Code)
			}
			codes[u.Code] = true
			if u.Code != code && !codes[u.ParentCode] {
				t.Errorf("%s: unit %s comes before its parent %s", code, u.Code, u.ParentCode)
			}
		}
		if c.units[0].Code != code || c.units[0].ParentCode != "" {
			t.Errorf("%s: the root is %+v", code, c.units[0])
		}
		if want := counts[pingan.LevelCity] + counts[pingan.LevelCounty] + counts[pingan.LevelTownship]; counts[pingan.LevelCentre] != want {
			t.Errorf("%s: %d centres for %d cities, counties and townships", code, counts[pingan.LevelCentre], want)
		}
		if counts[pingan.LevelDepartment] != 6*counts[pingan.LevelCounty] {
			t.Errorf("%s: %d departments for %d counties", code, counts[pingan.LevelDepartment], counts[pingan.LevelCounty])
		}
		// Mediation organisations: every township's committee, some
		// villages', and three of each county.
		if orgs[pingan.OrgTownship] != counts[pingan.LevelTownship] {
			t.Errorf("%s: %d township committees for %d townships", code, orgs[pingan.OrgTownship], counts[pingan.LevelTownship])
		}
		if n := orgs[pingan.OrgVillage]; n == 0 || n >= counts[pingan.LevelVillage] {
			t.Errorf("%s: %d village committees for %d villages", code, n, counts[pingan.LevelVillage])
		}
		for _, k := range []pingan.OrgType{pingan.OrgMedical, pingan.OrgTraffic, pingan.OrgLabour} {
			if orgs[k] != counts[pingan.LevelCounty] {
				t.Errorf("%s: %d %s organisations for %d counties", code, orgs[k], k, counts[pingan.LevelCounty])
			}
		}
		for _, a := range c.accounts() {
			if !codes[a.Unit] {
				t.Errorf("%s: account %s in unknown unit %s", code, a.Username, a.Unit)
			}
		}
		t.Logf("%s %s: %v, mediation %v; showcase %s %s", code, c.top.unit.Name, counts, orgs, c.showcase.unit.Code, c.showcase.unit.Name)
	}
	_, err := newCity("110000")
	if e, ok := err.(*pingan.Error); !ok || e.Code != pingan.EINVALID || e.Fields["city"].Key != "demo.city.unknown" ||
		!strings.Contains(err.Error(), "演示城市只能是 620900、") || !strings.Contains(pingan.ErrorText(err, pingan.EN), "one of 620900, ") {
		t.Errorf("an unknown city: %v", err)
	}
}

// The named accounts of 酒泉 are those pingan has always printed.
func TestJiuquanAccounts(t *testing.T) {
	c, err := newCity("620900")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range c.accounts() {
		got = append(got, a.Username+"@"+a.Unit)
	}
	want := "admin@620900 secadmin@620900 auditor@620900 city_centre@620900-ZZ suzhou_centre@620902-ZZ jinta_centre@620921-ZZ dongbei_centre@620902001-ZZ " +
		"suzhou_justice@620902-SF suzhou_housing@620902-ZJ gridworker@620902001002 mediator@620902-SF suzhou_leader@620902 " +
		"city_leader@620900 assessor@620900 viewer@620921"
	if strings.Join(got, " ") != want {
		t.Errorf("accounts\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// TestLay: the grids of every village and community tile it, lie inside
// it, overlap no other grid, and every point of the city lies in exactly
// one grid; each level nests in the one above; the same seed gives the
// same map, another seed another.
func TestLay(t *testing.T) {
	cities := Cities()
	if testing.Short() || race {
		cities = []string{"620900", "500114"}
	}
	for _, code := range cities {
		c, err := newCity(code)
		if err != nil {
			t.Fatal(err)
		}
		grids := lay(c.top, c.ref, 7)
		all := make([]*pingan.Grid, len(grids))
		types := map[pingan.GridType]int{}
		for i, g := range grids {
			all[i] = g.grid
			types[g.grid.Type]++
		}
		ix, err := geo.NewIndex(all)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		c.top.walk(func(p *place) {
			if p.parent != nil && !(p.parent.bound.Contains(p.bound.Min) && p.parent.bound.Contains(p.bound.Max)) {
				t.Errorf("%s: %s %v lies outside %s %v", code, p.unit.Code, p.bound, p.parent.unit.Code, p.parent.bound)
			}
			if p.level() != pingan.LevelVillage {
				return
			}
			if len(p.grids) == 0 {
				t.Errorf("%s: village %s has no grids", code, p.unit.Code)
			}
			for _, g := range p.grids {
				if err := geo.Validate(g.grid, p.bound, ix, 0); err != nil {
					t.Errorf("%s: %v", code, err)
				}
				want := pingan.GridVillage
				if community(p) {
					want = pingan.GridCommunity
				}
				switch {
				case !strings.HasPrefix(g.grid.Code, p.unit.Code) || g.grid.Unit != p.unit.Code:
					t.Errorf("%s: grid %s in %s", code, g.grid.Code, g.grid.Unit)
				case g.grid.Type == pingan.GridDedicated:
					if g.grid.Households != 0 || g.grid.Population < 200 || !strings.Contains(g.grid.Name, "专属网格") {
						t.Errorf("%s: dedicated grid %+v", code, g.grid)
					}
				case g.grid.Type != want || park(p):
					t.Errorf("%s: grid %s of %s %s is %s", code, g.grid.Code, p.unit.Code, p.unit.Name, g.grid.Type)
				case g.grid.Households < 100 || g.grid.Households > 700 || g.grid.Population < 2*g.grid.Households:
					t.Errorf("%s: implausible grid %+v", code, g.grid)
				}
			}
		})
		rng := rand.New(rand.NewPCG(1, 2))
		b := c.top.bound
		for range 5000 {
			lng, lat := b.Min[0]+(b.Max[0]-b.Min[0])*rng.Float64(), b.Min[1]+(b.Max[1]-b.Min[1])*rng.Float64()
			if got := ix.Covering(lat, lng); len(got) != 1 {
				t.Fatalf("%s: [%g, %g] lies in %v", code, lng, lat, got)
			}
		}
		for i := 0; i < len(grids); i += 7 {
			l := point(ix, grids[i], rng)
			if got, _ := ix.Locate(l.Lat, l.Lng); got != grids[i].grid.Code {
				t.Errorf("%s: a point drawn in %s lies in %s", code, grids[i].grid.Code, got)
			}
		}
		again, _ := newCity(code)
		same, other := lay(again.top, again.ref, 7), lay(c.top, c.ref, 8)
		if len(same) != len(grids) {
			t.Fatalf("%s: %d grids, then %d", code, len(grids), len(same))
		}
		differ := false
		for i := range grids {
			if !bytes.Equal(same[i].grid.Geometry, grids[i].grid.Geometry) || same[i].grid.Name != grids[i].grid.Name {
				t.Fatalf("%s: grid %s differs between two layouts with one seed", code, grids[i].grid.Code)
			}
			differ = differ || i >= len(other) || !bytes.Equal(other[i].grid.Geometry, grids[i].grid.Geometry)
		}
		if !differ {
			t.Errorf("%s: another seed lays the same grids", code)
		}
		t.Logf("%s: %d grids %v", code, len(grids), types)
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"民主街社区居委会": "民主街社区", "西关社区居民委员会": "西关社区", "中渠村委会": "中渠村", "东湾村民委员会": "东湾村",
		"今日社区": "今日社区", "沁水经济技术开发区社区": "沁水经济技术开发区社区", "城关居委会": "城关社区",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestFestival(t *testing.T) {
	cst := pingan.CST
	for _, tt := range []struct {
		day  time.Time
		want int
	}{
		{time.Date(2026, 2, 17, 10, 0, 0, 0, cst), 0},
		{time.Date(2026, 1, 18, 0, 0, 0, 0, cst), -30},
		{time.Date(2025, 2, 8, 0, 0, 0, 0, cst), 10},
		{time.Date(2026, 12, 31, 0, 0, 0, 0, cst), -37}, // 2027-02-06
	} {
		if got := festival(tt.day); got != tt.want {
			t.Errorf("festival(%s) = %d, want %d", tt.day.Format("2006-01-02"), got, tt.want)
		}
	}
}

// small is a demo city that builds in a few seconds: 黔江区 with six weeks
// of cases, ending at the midnight that starts a Monday.
var small = Options{City: "500114", Seed: 11, Days: 45, Cases: 520, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, pingan.CST)}

func init() {
	if race {
		// Fewer cases, over two months still: a petition's procedure
		// (15 days to forward, 15 to accept, then its answer) needs them.
		small.Days, small.Cases = 60, 240
	}
}

// TestSmallCity builds the small city once and checks what it holds, each
// check reading it only: the dispute categories, the mediation of its
// disputes, the procedure of its petitions, the leaders' receptions.
func TestSmallCity(t *testing.T) {
	skipShort(t)
	db, c := build(t, small)
	for _, check := range []struct {
		name string
		fn   func(*testing.T, *store.DB, *City)
	}{
		{"DisputeTree", checkDisputeTree}, {"Mediation", checkMediation}, {"Petitions", checkPetitions}, {"Receptions", checkReceptions}, {"Assessment", checkAssessment},
		{"Warnings", checkWarnings}, {"Tasks", checkTasks}, {"Risks", checkRisks}, {"Briefings", checkBriefings},
		{"Patrols", checkPatrols}, {"Sites", checkSites},
		{"Hazards", checkHazards}, {"Findings", checkFindings},
	} {
		t.Run(check.name, func(t *testing.T) { check.fn(t, db, c) })
	}
}

// services are the store's services, as cmd/pingan hands them to Seed.
func services(db *store.DB) Services {
	return Services{Units: db.Units, Users: db.Users, Categories: db.Categories, Grids: db.Grids,
		Cases: db.Cases, Stats: db.Stats, Escalator: db.Cases, Campaigns: db.Campaigns, Petitions: db.Petitions, Receptions: db.Receptions,
		Schemes: db.Schemes, Assess: db.Assess, Tasks: db.Tasks, Risks: db.Risks, Stability: db.Stability, Warnings: db.Warnings,
		Briefings: db.Briefings, Patrols: db.Patrols, Sites: db.Sites, Retention: db.Security}
}

// build seeds a demo city into a fresh SQLite store.
func build(t *testing.T, opt Options) (*store.DB, *City) {
	t.Helper()
	clock := NewClock()
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	began := time.Now()
	c, err := Seed(context.Background(), services(db), clock, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s (%s) built in %v: %d units, grids %v, %d users, cases %v", c.Name, c.Code, time.Since(began).Round(time.Millisecond), c.Units, c.Grids, c.Users, c.Cases)
	return db, c
}

// digest answers a line for every case of the city — its number, status,
// units, grid, deadlines and the rest of its state — and the cases.
func digest(t *testing.T, db *store.DB) ([]string, []*pingan.Case) {
	t.Helper()
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var all []*pingan.Case
	f := pingan.CaseFilter{Limit: store.MaxLimit}
	for {
		page, next, err := db.Cases.FindCases(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			ts := func(p *time.Time) string {
				if p == nil {
					return "-"
				}
				return p.UTC().Format(time.RFC3339Nano)
			}
			sat := "-"
			if c.Satisfaction != nil {
				sat = string(*c.Satisfaction)
			}
			loc := "-"
			if c.Location != nil {
				loc = fmt.Sprintf("%.6f,%.6f", c.Location.Lat, c.Location.Lng)
			}
			lines = append(lines, strings.Join([]string{c.Number, string(c.Status), c.Category, c.Unit, c.Grid, loc, c.HoldingUnit, c.AssignedUnit,
				c.ReportedAt.UTC().Format(time.RFC3339Nano), ts(c.SignBy), ts(c.ResolveBy), ts(c.SignedAt), ts(c.ResolvedAt), ts(c.ClosedAt),
				fmt.Sprint(c.Overdue, c.Suspended, c.EscalationLevel, c.Supervised, c.Ungridded, c.Version), sat, c.Title}, " "))
			all = append(all, c)
		}
		if next == "" {
			return lines, all
		}
		f.Cursor = next
	}
}

// TestSeedIsDeterministic builds the demo twice with one seed and one last
// day and finds the same cases, case for case, every status among them,
// each case in the grid its position lies in; and another seed builds
// another history.
func TestSeedIsDeterministic(t *testing.T) {
	skipShort(t)
	db1, c1 := build(t, small)
	db2, c2 := build(t, small)
	d1, cases := digest(t, db1)
	d2, _ := digest(t, db2)
	if len(d1) < small.Cases*8/10 || len(d1) > small.Cases*12/10 {
		t.Errorf("%d cases, want about %d", len(d1), small.Cases)
	}
	if len(d1) != len(d2) {
		t.Fatalf("%d cases, then %d", len(d1), len(d2))
	}
	for i := range d1 {
		if d1[i] != d2[i] {
			t.Fatalf("case %d differs:\n%s\n%s", i, d1[i], d2[i])
		}
	}
	if fmt.Sprint(c1.Cases) != fmt.Sprint(c2.Cases) || c1.Users != c2.Users || fmt.Sprint(c1.Grids) != fmt.Sprint(c2.Grids) {
		t.Errorf("the summaries differ: %+v, %+v", c1, c2)
	}

	// Every status, open and closed, and the other states a page shows.
	statuses := map[pingan.Status]int{}
	var overdue, escalated, supervised, suspended, dissatisfied, onTime int
	ix := gridIndex(t, db1)
	for _, c := range cases {
		statuses[c.Status]++
		if c.Overdue {
			overdue++
		}
		if c.EscalationLevel > 0 {
			escalated++
		}
		if c.Supervised {
			supervised++
		}
		if c.Suspended {
			suspended++
		}
		if c.Satisfaction != nil && *c.Satisfaction == pingan.Dissatisfied {
			dissatisfied++
		}
		if c.Status == pingan.StatusClosed && !c.Overdue {
			onTime++
		}
		if c.Location == nil || c.Grid == "" || c.Ungridded || !strings.HasPrefix(c.Grid, c.Unit) {
			t.Fatalf("case %s not placed in a grid: grid %q unit %s ungridded %v at %v", c.ID, c.Grid, c.Unit, c.Ungridded, c.Location)
		}
		if got, _ := ix.Locate(c.Location.Lat, c.Location.Lng); got != c.Grid {
			t.Errorf("case %s at %v is in grid %s, its position in %s", c.ID, *c.Location, c.Grid, got)
		}
	}
	for _, s := range pingan.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no case is %s: %v", s, statuses)
		}
	}
	if overdue == 0 || escalated == 0 || supervised == 0 || dissatisfied == 0 || onTime < statuses[pingan.StatusClosed]*8/10 {
		t.Errorf("overdue %d, escalated %d, supervised %d, suspended now %d, dissatisfied %d, closed on time %d of %d closed",
			overdue, escalated, supervised, suspended, dissatisfied, onTime, statuses[pingan.StatusClosed])
	}

	if !race {
		other := small
		other.Seed++
		db3, _ := build(t, other)
		if d3, _ := digest(t, db3); strings.Join(d3, "\n") == strings.Join(d1, "\n") {
			t.Error("another seed wrote the same history")
		}
	}

	// A second Seed finds the city and leaves it alone.
	again, err := Seed(context.Background(), services(db1), NewClock(), small)
	if err != nil || !again.Existing || again.Code != small.City || len(again.Accounts) != len(c1.Accounts) {
		t.Fatalf("seeding again: %+v %v", again, err)
	}
	if d, _ := digest(t, db1); len(d) != len(d1) {
		t.Errorf("seeding again wrote %d cases", len(d)-len(d1))
	}
}

// gridIndex answers an index of the store's grids, checking their workers.
func gridIndex(t *testing.T, db *store.DB) *geo.Index {
	t.Helper()
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	grids, err := db.Grids.FindGrids(ctx, admin, admin.UnitCode)
	if err != nil {
		t.Fatal(err)
	}
	staffed := 0
	for _, g := range grids {
		if len(g.Workers) > 0 {
			staffed++
		}
	}
	if staffed == 0 {
		t.Errorf("none of %d grids has workers", len(grids))
	}
	ix, err := geo.NewIndex(grids)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// skipShort skips a test that builds a city on the clock, one report after
// another, in -short mode: the README's race pass runs the demo's
// concurrent bulk loading, and these serial builds run in its first pass.
func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("a serial build of a city: runs in the full pass, skipped with -short")
	}
}
