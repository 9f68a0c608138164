package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Tests of who takes a new case (受理即认领) and of the search people ask
// for: by a person over the blind index, by the level that holds a case, by
// grid name, with counts and pages. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"AcceptTakesTheCase", testAcceptTakesTheCase},
		{"AcceptConcurrent", testAcceptConcurrent},
		{"HoldingOwnAndBelow", testHoldingOwnAndBelow},
		{"PersonSearch", testPersonSearch},
		{"PersonIndexNotInClear", testPersonIndexNotInClear},
		{"PersonIndexBackfill", testPersonIndexBackfill},
		{"SearchCountsAndPages", testSearchCountsAndPages},
	}...)
}

// find lists the cases f selects for u, failing the test on error.
func (e *env) list(t *testing.T, u *pingan.User, f pingan.CaseFilter) []string {
	t.Helper()
	cs, _, err := e.db.Cases.FindCases(ctx, u, f)
	if err != nil {
		t.Fatalf("%s lists %+v: %v", u.Username, f, err)
	}
	out := ids(cs)
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// The centre that accepts a case reported below it holds it from then on;
// the centre below keeps seeing it but no longer holds it.
func testAcceptTakesTheCase(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	got := e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if got.HoldingUnit != fx.County.Code || got.Status != pingan.StatusAccepted {
		t.Fatalf("after the county accepted: held by %s, %s", got.HoldingUnit, got.Status)
	}
	acts := e.timeline(t, c.ID)
	if a := acts[len(acts)-1]; a.Action != pingan.ActAccept || a.FromUnit != fx.Village.Code || a.ToUnit != fx.County.Code {
		t.Errorf("accept entry %+v", a)
	}
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	if pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("the township dispatched a case the county took: %v", err)
	}
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if pingan.ErrorCode(err) != pingan.ECONFLICT || !strings.Contains(pingan.ErrorText(err, pingan.ZH), fx.County.Name) ||
		!strings.Contains(pingan.ErrorText(err, pingan.EN), fx.County.Name) {
		t.Errorf("the second accept should name %s: %v", fx.County.Name, err)
	}
	if f := e.find(t, c.ID); f.HoldingUnit != fx.County.Code || f.Version != got.Version {
		t.Errorf("a refused accept changed the case: held by %s, version %d", f.HoldingUnit, f.Version)
	}
}

// Two centres accept the same new case at the same moment: exactly one
// wins and holds it, the other is told which centre took it, and the
// timeline has one accept.
func testAcceptConcurrent(t *testing.T, e *env) {
	fx := e.fx
	names := map[string]string{fx.Township.Code: fx.Township.Name, fx.County.Code: fx.County.Name}
	for i := range 6 {
		c := e.report(t, fx.GridWorker, "")
		dispatchers := []*pingan.User{fx.TownshipDispatcher, fx.CountyDispatcher}
		if i%2 == 1 {
			dispatchers[0], dispatchers[1] = dispatchers[1], dispatchers[0]
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(dispatchers))
		for j, d := range dispatchers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[j] = e.db.Cases.Act(ctx, d, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			}
		}
		if won != 1 {
			t.Fatalf("case %d: %d accepts succeeded (%v), want exactly 1", i, won, errs)
		}
		got := e.find(t, c.ID)
		holder := names[got.HoldingUnit]
		if holder == "" || got.Status != pingan.StatusAccepted {
			t.Fatalf("case %d held by %s, %s", i, got.HoldingUnit, got.Status)
		}
		for j, err := range errs {
			if err == nil {
				if want := dispatchers[j]; !strings.HasSuffix(want.ScopePath, "/"+got.HoldingUnit+"/") {
					t.Errorf("case %d: %s won but %s holds it", i, want.Username, got.HoldingUnit)
				}
				continue
			}
			if pingan.ErrorCode(err) != pingan.ECONFLICT || !strings.Contains(pingan.ErrorText(err, pingan.ZH), holder) {
				t.Errorf("case %d: the loser should hear that %s took it: %v", i, holder, err)
			}
		}
		accepts := 0
		for _, a := range e.timeline(t, c.ID) {
			if a.Action == pingan.ActAccept {
				accepts++
			}
		}
		if accepts != 1 {
			t.Errorf("case %d: %d accept entries", i, accepts)
		}
	}
}

// 待受理 shows the cases held by one's own level apart from those held
// below it.
func testHoldingOwnAndBelow(t *testing.T, e *env) {
	fx := e.fx
	inVillage := e.report(t, fx.GridWorker, "")
	atCounty := e.report(t, fx.CountyDispatcher, fx.County.Code)
	reported := []pingan.Status{pingan.StatusReported}
	own := pingan.CaseFilter{Status: reported, Holding: "own"}
	below := pingan.CaseFilter{Status: reported, Holding: "below"}
	all := pingan.CaseFilter{Status: reported}

	for _, tc := range []struct {
		u               *pingan.User
		own, below, all []string
	}{
		{fx.CountyDispatcher, sorted(atCounty.ID), sorted(inVillage.ID), sorted(inVillage.ID, atCounty.ID)},
		{fx.TownshipDispatcher, nil, sorted(inVillage.ID), sorted(inVillage.ID)},
		{fx.CityDispatcher, nil, sorted(inVillage.ID, atCounty.ID), sorted(inVillage.ID, atCounty.ID)},
		{fx.OtherDispatcher, nil, nil, nil},
	} {
		if got := e.list(t, tc.u, own); !slices.Equal(got, tc.own) {
			t.Errorf("%s own: %v, want %v", tc.u.Username, got, tc.own)
		}
		if got := e.list(t, tc.u, below); !slices.Equal(got, tc.below) {
			t.Errorf("%s below: %v, want %v", tc.u.Username, got, tc.below)
		}
		if got := e.list(t, tc.u, all); !slices.Equal(got, tc.all) {
			t.Errorf("%s either: %v, want %v", tc.u.Username, got, tc.all)
		}
	}

	// Once the township took the village's case, it is the township's own
	// and below the county.
	e.act(t, fx.TownshipDispatcher, inVillage.ID, pingan.ActionInput{Action: pingan.ActAccept})
	accepted := []pingan.Status{pingan.StatusAccepted}
	if got := e.list(t, fx.TownshipDispatcher, pingan.CaseFilter{Status: accepted, Holding: "own"}); !slices.Equal(got, sorted(inVillage.ID)) {
		t.Errorf("township's own accepted: %v", got)
	}
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Status: accepted, Holding: "below"}); !slices.Equal(got, sorted(inVillage.ID)) {
		t.Errorf("county's accepted below: %v", got)
	}
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Holding: "own"}); !slices.Equal(got, sorted(atCounty.ID)) {
		t.Errorf("county's own: %v", got)
	}

	_, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Holding: "sideways"})
	if pe, ok := err.(*pingan.Error); !ok || pe.Code != pingan.EINVALID || pe.Fields["holding"].Key == "" {
		t.Errorf("an unknown holding level: %v", err)
	}
}

// searchAudits answers the audit rows of searches by a person.
func (e *env) searchAudits(t *testing.T) []map[string]any {
	t.Helper()
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT user_id, case_id, detail FROM audit WHERE action = 'search_person' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var user int64
		var caseID, detail string
		if err := rows.Scan(&user, &caseID, &detail); err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(detail), &m); err != nil {
			t.Fatalf("detail %q: %v", detail, err)
		}
		m["user_id"], m["case_id"], m["detail"] = user, caseID, detail
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A name or a phone number finds the cases it belongs to, exactly, inside
// the searcher's jurisdiction, and each search is audited without the
// value in clear.
func testPersonSearch(t *testing.T, e *env) {
	fx := e.fx
	withPeople := e.report(t, fx.GridWorker, "", withPersons)
	e.report(t, fx.GridWorker, "")
	other := e.report(t, fx.OtherGridWorker, "", func(n *pingan.NewCase) {
		n.Address, n.Location = "金塔村", nil
		n.Reporter = &pingan.Person{Role: "reporter", Name: "张三丰", Phone: "138 1234 5678"}
	})

	searches := []struct {
		u      *pingan.User
		person string
		want   []string
		kind   string
	}{
		{fx.CountyDispatcher, " 张三丰 ", sorted(withPeople.ID), "name"},
		{fx.CountyDispatcher, "李四", sorted(withPeople.ID), "name"},
		{fx.CountyDispatcher, "138-1234-5678", sorted(withPeople.ID), "phone"},
		{fx.CountyDispatcher, "+86 138 1234 5678", sorted(withPeople.ID), "phone"},
		{fx.CountyDispatcher, "１３９８７６５４３２１", sorted(withPeople.ID), "phone"}, // full-width digits
		{fx.CountyDispatcher, "张三", nil, "name"},                             // exact, never a part
		{fx.CountyDispatcher, "1381234567", nil, "phone"},                    // a digit short
		{fx.CountyDispatcher, "620902199001011234", nil, "phone"},            // ID numbers are not indexed
		{fx.CityDispatcher, "13812345678", sorted(withPeople.ID, other.ID), "phone"},
		{fx.OtherDispatcher, "13812345678", sorted(other.ID), "phone"},
		{fx.Mediator, "张三丰", sorted(withPeople.ID), "name"},
		{fx.CountyLeader, "李四", sorted(withPeople.ID), "name"},
	}
	for _, s := range searches {
		if got := e.list(t, s.u, pingan.CaseFilter{Person: s.person}); !slices.Equal(got, s.want) {
			t.Errorf("%s searching %q: %v, want %v", s.u.Username, s.person, got, s.want)
		}
	}
	// With other filters: the same person among the closed cases only.
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Person: "张三丰", Status: []pingan.Status{pingan.StatusClosed}}); got != nil {
		t.Errorf("closed cases of 张三丰: %v", got)
	}

	audits := e.searchAudits(t)
	if len(audits) != len(searches)+1 {
		t.Fatalf("%d audit rows for %d searches by person", len(audits), len(searches)+1)
	}
	for i, s := range searches {
		a := audits[i]
		if a["user_id"] != s.u.ID || a["kind"] != s.kind || a["case_id"] != "" || len(fmt.Sprint(a["mac"])) != 64 {
			t.Errorf("audit of %s searching %q: %+v", s.u.Username, s.person, a)
		}
		for _, clear := range []string{"张三丰", "李四", "13812345678", "13987654321", "1381234567", "620902199001011234"} {
			if strings.Contains(fmt.Sprint(a["detail"]), clear) {
				t.Errorf("audit row %s holds %q in clear", a["detail"], clear)
			}
		}
	}
	if m := audits[2]["masked"]; m != "138****5678" {
		t.Errorf("the audit of a phone search shows %v", m)
	}
	if audits[0]["mac"] != audits[len(searches)]["mac"] || audits[2]["mac"] != audits[3]["mac"] {
		t.Errorf("one person, one HMAC: %v %v / %v %v", audits[0]["mac"], audits[len(searches)]["mac"], audits[2]["mac"], audits[3]["mac"])
	}

	// Roles that read personal data masked may not search by a person, and
	// a search for nothing is refused; neither is audited.
	for _, u := range []*pingan.User{fx.Viewer, fx.Assessor, fx.Admin, fx.GridWorker} {
		_, _, err := e.db.Cases.FindCases(ctx, u, pingan.CaseFilter{Person: "张三丰"})
		if pe, ok := err.(*pingan.Error); !ok || pe.Code != pingan.EFORBIDDEN || pe.Fields["person"].Key == "" {
			t.Errorf("%s searched by person: %v", u.Username, err)
		}
	}
	_, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Person: "- -"})
	if pe, ok := err.(*pingan.Error); !ok || pe.Code != pingan.EINVALID || pe.Fields["person"].Key != "search.person.empty" {
		t.Errorf("a search for no digits: %v", err)
	}
	if n := len(e.searchAudits(t)); n != len(audits) {
		t.Errorf("refused searches wrote %d audit rows", n-len(audits))
	}
}

// The index holds no name and no phone number in clear.
func testPersonIndexNotInClear(t *testing.T, e *env) {
	c := e.report(t, e.fx.GridWorker, "", withPersons)
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT region, case_id, mac FROM case_people`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var region, id, mac string
		if err := rows.Scan(&region, &id, &mac); err != nil {
			t.Fatal(err)
		}
		n++
		if id != c.ID || len(mac) != 64 {
			t.Errorf("index row %s %s %s", region, id, mac)
		}
		for _, clear := range []string{"张三丰", "李四", "13812345678", "13987654321", "5678", "4321"} {
			if strings.Contains(mac, clear) {
				t.Errorf("index row %s holds %q", mac, clear)
			}
		}
	}
	// 张三丰 twice with one phone, 李四 with another: two names, two phones.
	if n != 4 {
		t.Errorf("%d index rows, want 4", n)
	}
}

// Cases written before the index are indexed at start, once.
func testPersonIndexBackfill(t *testing.T, e *env) {
	fx := e.fx
	old := e.report(t, fx.GridWorker, "", withPersons)
	fresh := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) {
		n.Reporter = &pingan.Person{Role: "reporter", Name: "张三丰", Phone: "13812345678"}
	})
	db := e.db.SQL()
	for _, q := range []string{`DELETE FROM case_people WHERE case_id = $1`,
		`INSERT INTO case_people_backlog (region, case_id) VALUES ('620902', $1)`} {
		if _, err := db.ExecContext(ctx, q, old.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Person: "李四"}); got != nil {
		t.Fatalf("before the backfill: %v", got)
	}
	n, err := e.db.IndexPeople(ctx)
	if err != nil || n != 1 {
		t.Fatalf("IndexPeople: %d, %v", n, err)
	}
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Person: "李四"}); !slices.Equal(got, sorted(old.ID)) {
		t.Errorf("after the backfill 李四: %v", got)
	}
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Person: "13812345678"}); !slices.Equal(got, sorted(old.ID, fresh.ID)) {
		t.Errorf("after the backfill 13812345678: %v", got)
	}
	var left int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM case_people_backlog`).Scan(&left); err != nil || left != 0 {
		t.Errorf("backlog left: %d, %v", left, err)
	}
	if n, err := e.db.IndexPeople(ctx); err != nil || n != 0 {
		t.Errorf("a second start indexed %d, %v", n, err)
	}
	// Another server opening the database indexes nothing again.
	if n, err := e.open(t).IndexPeople(ctx); err != nil || n != 0 {
		t.Errorf("another server indexed %d, %v", n, err)
	}
}

// A search answers a page by number and the count of every match, by
// date range and grid name too.
func testSearchCountsAndPages(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	var all []string
	for i := range 7 {
		e.clock.Set(storetest.Epoch.Add(time.Duration(i) * time.Hour))
		c := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) {
			n.Location = &pingan.Location{Lat: 39.755, Lng: 98.505 + 0.01*float64(i%2)} // 第一网格, 第二网格 in turn
		})
		all = append(all, c.ID)
	}
	slices.Reverse(all) // newest first
	var pages [][]string
	for off := 0; off < 9; off += 3 {
		cs, total, err := e.db.Cases.SearchCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Limit: 3, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 {
			t.Errorf("offset %d: total %d, want 7", off, total)
		}
		pages = append(pages, ids(cs))
	}
	if got := slices.Concat(pages...); !slices.Equal(got, all) || len(pages[2]) != 1 {
		t.Errorf("pages %v, want %v in threes", pages, all)
	}

	// The first grid holds the 1st, 3rd, 5th and 7th report.
	cs, total, err := e.db.Cases.SearchCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{GridName: "第一网格", Limit: 2})
	if err != nil || total != 4 || len(cs) != 2 || cs[0].Grid != "620902001001-01" {
		t.Errorf("grid name: %d of %d, %v", len(cs), total, err)
	}
	// From the 2nd hour to before the 5th: reports 3, 4 and 5.
	from, to := storetest.Epoch.Add(2*time.Hour), storetest.Epoch.Add(5*time.Hour)
	if _, total, err := e.db.Cases.SearchCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{From: from, To: to}); err != nil || total != 3 {
		t.Errorf("date range: %d, %v", total, err)
	}
	if _, total, err := e.db.Cases.SearchCases(ctx, fx.OtherDispatcher, pingan.CaseFilter{}); err != nil || total != 0 {
		t.Errorf("another county counts %d, %v", total, err)
	}
	_, _, err = e.db.Cases.SearchCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Offset: -3})
	if pe, ok := err.(*pingan.Error); !ok || pe.Code != pingan.EINVALID || pe.Fields["offset"].Key == "" {
		t.Errorf("a negative offset: %v", err)
	}
}
