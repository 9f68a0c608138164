package store_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/importer"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

func gridCodes(gs []*pingan.Grid) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Code
	}
	return out
}

func gridNames(gs []*pingan.Grid) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Code + " " + g.Name
	}
	return out
}

func testImportGrids(t *testing.T, e *env) {
	fx := e.fx
	grids := storetest.FixtureGrids(fx)
	res := must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, grids))
	if res != (pingan.ImportResult{Created: 5}) {
		t.Errorf("first import: %+v", res)
	}
	if n, v := e.db.Grids.GridsLoaded(); n != 5 || v != 1 {
		t.Errorf("index after the import: %d grids, version %d", n, v)
	}
	// Idempotent: the same again changes nothing, nor the version.
	if res = must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, storetest.FixtureGrids(fx))); res != (pingan.ImportResult{Unchanged: 5}) {
		t.Errorf("second import: %+v", res)
	}
	if _, v := e.db.Grids.GridsLoaded(); v != 1 {
		t.Errorf("an import that changed nothing raised the version to %d", v)
	}
	// The same polygons written otherwise (as a GIS tool may) are the same.
	rewritten := storetest.FixtureGrids(fx)
	for _, g := range rewritten {
		g.Geometry = []byte(strings.ReplaceAll(strings.ReplaceAll(string(g.Geometry), ",", ", "), "98.5,", "98.50,"))
	}
	if res = must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, rewritten)); res != (pingan.ImportResult{Unchanged: 5}) {
		t.Errorf("the same polygons written otherwise: %+v", res)
	}

	got := must[[]*pingan.Grid](t)(e.db.Grids.FindGrids(ctx, fx.Admin, "620900"))
	if want := []string{"620902001001-01", "620902001001-02", "620902001002-01", "620902100001-01", "620921100001-01"}; !slices.Equal(gridCodes(got), want) {
		t.Errorf("FindGrids: %v, want %v", gridCodes(got), want)
	}
	g := got[0]
	if g.Name != "富康社区第一网格" || g.Type != pingan.GridCommunity || g.Unit != "620902001001" || g.Households != 320 || g.Population != 864 ||
		len(g.Workers) != 1 || g.Workers[0].UserID != fx.GridWorker.ID || g.Workers[0].Name != fx.GridWorker.Name || g.Workers[0].Position != pingan.GridMember {
		t.Errorf("grid read back: %+v", g)
	}
	if string(g.Geometry) != string(grids[0].Geometry) {
		t.Errorf("geometry %s, want %s as imported", g.Geometry, grids[0].Geometry)
	}
	// What a map draws: the same grids, from memory, without workers or
	// numbers; none outside the actor's jurisdiction.
	shapes := must[[]*pingan.Grid](t)(e.db.Grids.GridShapes(ctx, fx.Admin, "620900"))
	if !slices.Equal(gridCodes(shapes), gridCodes(got)) {
		t.Errorf("GridShapes: %v, want %v", gridCodes(shapes), gridCodes(got))
	}
	for i, sh := range shapes {
		if w := got[i]; sh.Name != w.Name || sh.Type != w.Type || sh.Unit != w.Unit || string(sh.Geometry) != string(w.Geometry) ||
			sh.Workers != nil || sh.Households != 0 {
			t.Errorf("shape %d: %+v, want %+v without workers and numbers", i, sh, w)
		}
	}
	if shapes = must[[]*pingan.Grid](t)(e.db.Grids.GridShapes(ctx, fx.GridWorker, "620902001001")); len(shapes) != 2 {
		t.Errorf("GridShapes of 富康社区: %v", gridCodes(shapes))
	}
	if _, err := e.db.Grids.GridShapes(ctx, fx.CountyDispatcher, "620921100001"); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("GridShapes of a village of another county: %v", err)
	}
	one := must[*pingan.Grid](t)(e.db.Grids.FindGrid(ctx, fx.GridWorker, "620902001001-01"))
	if one.Name != g.Name || len(one.Workers) != 1 {
		t.Errorf("FindGrid: %+v", one)
	}
	// What FindGrids answers imports back unchanged: the API's round trip.
	var buf strings.Builder
	if err := geo.WriteGrids(&buf, got); err != nil {
		t.Fatal(err)
	}
	back, err := geo.ReadGrids(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	if res = must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, back)); res != (pingan.ImportResult{Unchanged: 5}) {
		t.Errorf("re-import of the export: %+v", res)
	}

	// A rename and new numbers update; nil workers keep them.
	changed := storetest.FixtureGrids(nil)[:1]
	changed[0].Name, changed[0].Households = "富康社区一网格", 330
	if res = must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, changed)); res != (pingan.ImportResult{Updated: 1}) {
		t.Errorf("rename: %+v", res)
	}
	g = must[*pingan.Grid](t)(e.db.Grids.FindGrid(ctx, fx.Admin, "620902001001-01"))
	if g.Name != "富康社区一网格" || g.Households != 330 || len(g.Workers) != 1 {
		t.Errorf("after the rename: %+v", g)
	}
	// A name shows on maps: the version rises, so that other servers
	// draw it; numbers alone do not.
	if _, v := e.db.Grids.GridsLoaded(); v != 2 {
		t.Errorf("version %d after a change of name, want 2", v)
	}
	if sh := must[[]*pingan.Grid](t)(e.db.Grids.GridShapes(ctx, fx.Admin, "620902001001")); len(sh) != 2 || sh[0].Name != "富康社区一网格" {
		t.Errorf("the map after the rename: %v", gridNames(sh))
	}
	changed[0].Households = 331
	must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, changed))
	if _, v := e.db.Grids.GridsLoaded(); v != 2 {
		t.Errorf("a change of households raised the version to %d", v)
	}
	// An empty list removes the workers; a new list replaces them.
	changed[0].Workers = []pingan.GridWorker{}
	if res = must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, changed)); res != (pingan.ImportResult{Updated: 1}) {
		t.Errorf("no workers: %+v", res)
	}
	if g = must[*pingan.Grid](t)(e.db.Grids.FindGrid(ctx, fx.Admin, "620902001001-01")); len(g.Workers) != 0 {
		t.Errorf("workers left: %+v", g.Workers)
	}
	leader := &pingan.User{Username: "fk-leader", Name: "富康网格长", UnitCode: "620902001001", Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := e.db.Users.CreateUser(ctx, leader, storetest.Password); err != nil {
		t.Fatal(err)
	}
	changed[0].Workers = []pingan.GridWorker{{UserID: fx.GridWorker.ID, Position: pingan.GridAssistant}, {UserID: leader.ID, Position: pingan.GridLeader}}
	must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, changed))
	g = must[*pingan.Grid](t)(e.db.Grids.FindGrid(ctx, fx.Admin, "620902001001-01"))
	if len(g.Workers) != 2 || g.Workers[0].UserID != leader.ID || g.Workers[0].Position != pingan.GridLeader || g.Workers[1].Position != pingan.GridAssistant {
		t.Errorf("workers in rank order: %+v", g.Workers)
	}

	// A moved polygon raises the version and moves the index at once.
	moved := storetest.FixtureGrids(nil)[3:4]
	moved[0].Geometry = storetest.Rect(98.62, 39.80, 98.64, 39.82)
	if res = must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, moved)); res != (pingan.ImportResult{Updated: 1}) {
		t.Errorf("move: %+v", res)
	}
	if _, v := e.db.Grids.GridsLoaded(); v != 3 {
		t.Errorf("version %d after a move, want 3", v)
	}
	c := e.report(t, fx.CountyDispatcher, "", func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: 39.81, Lng: 98.63} })
	if c.Grid != "620902100001-01" || c.Unit != "620902100001" {
		t.Errorf("a case in the moved grid: grid %q unit %q", c.Grid, c.Unit)
	}
	c = e.report(t, fx.CountyDispatcher, "", func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: 39.81, Lng: 98.61} })
	if c.Grid != "" || !c.Ungridded {
		t.Errorf("a case where the grid was: grid %q ungridded %v", c.Grid, c.Ungridded)
	}
}

func testImportGridsRefused(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	if _, err := e.db.Units.ImportUnitAreas(ctx, []geo.UnitArea{{Code: "620902001002", Geometry: storetest.Rect(98.52, 39.75, 98.54, 39.76)}}); err != nil {
		t.Fatal(err)
	}
	noRole := &pingan.User{Username: "nr-handler", UnitCode: "620902001001", Roles: []pingan.Role{pingan.RoleHandler}}
	if err := e.db.Users.CreateUser(ctx, noRole, storetest.Password); err != nil {
		t.Fatal(err)
	}
	good := func(code string) *pingan.Grid {
		return &pingan.Grid{Code: code, Name: "新网格", Type: pingan.GridCommunity, Unit: "620902001002",
			Geometry: storetest.Rect(98.53, 39.75, 98.535, 39.755)}
	}
	with := func(code string, f func(g *pingan.Grid)) *pingan.Grid {
		g := good(code)
		f(g)
		return g
	}
	tests := []struct {
		name  string
		grids []*pingan.Grid
		field string
		says  string
	}{
		{"unknown unit", []*pingan.Grid{with("N1", func(g *pingan.Grid) { g.Unit = "620902001099" })}, "grid N1 unit", "所属村/社区不存在 620902001099"},
		{"a township", []*pingan.Grid{with("N1", func(g *pingan.Grid) { g.Unit = "620902001000" })}, "grid N1 unit", "是乡镇/街道，网格须属于村或社区"},
		{"unknown type", []*pingan.Grid{with("N1", func(g *pingan.Grid) { g.Type = "school" })}, "grid N1 type", "网格类型"},
		{"unclosed ring", []*pingan.Grid{with("N1", func(g *pingan.Grid) {
			g.Geometry = []byte(`{"type":"Polygon","coordinates":[[[98.53,39.75],[98.535,39.75],[98.535,39.755],[98.53,39.7551]]]}`)
		})}, "grid N1 geometry", "未闭合"},
		{"self-intersection", []*pingan.Grid{with("N1", func(g *pingan.Grid) {
			g.Geometry = []byte(`{"type":"Polygon","coordinates":[[[98.53,39.75],[98.535,39.755],[98.535,39.75],[98.53,39.755],[98.53,39.75]]]}`)
		})}, "grid N1 geometry", "自相交"},
		{"overlaps a stored grid", []*pingan.Grid{with("N1", func(g *pingan.Grid) { g.Geometry = storetest.Rect(98.525, 39.75, 98.535, 39.755) })},
			"grid N1 geometry", "620902001002-01"},
		{"overlaps a grid of the same import", []*pingan.Grid{good("N1"), good("N2")}, "grid N2 geometry", "N1"},
		{"outside the village's known area", []*pingan.Grid{with("N1", func(g *pingan.Grid) { g.Geometry = storetest.Rect(98.53, 39.75, 98.55, 39.755) })},
			"grid N1 geometry", "620902001002"},
		{"duplicate code", []*pingan.Grid{good("N1"), good("N1")}, "grid N1 code", "重复"},
		{"a stored grid moved to another village", []*pingan.Grid{with("620902001002-01", func(g *pingan.Grid) { g.Unit = "620902001001" })},
			"grid 620902001002-01 unit", "不能改属"},
		{"no such user", []*pingan.Grid{with("N1", func(g *pingan.Grid) { g.Workers = []pingan.GridWorker{{UserID: 9999, Position: "member"}} })},
			"grid N1 workers[0]", "9999"},
		{"not a grid worker", []*pingan.Grid{with("N1", func(g *pingan.Grid) {
			g.Workers = []pingan.GridWorker{{UserID: noRole.ID, Position: "member"}}
		})}, "grid N1 workers[0]", "没有网格员角色"},
		{"a worker of another county", []*pingan.Grid{with("N1", func(g *pingan.Grid) {
			g.Workers = []pingan.GridWorker{{UserID: fx.OtherGridWorker.ID, Position: "member"}}
		})}, "grid N1 workers[0]", "不管辖网格所在村/社区"},
		{"unknown position", []*pingan.Grid{with("N1", func(g *pingan.Grid) {
			g.Workers = []pingan.GridWorker{{UserID: fx.GridWorker.ID, Position: "boss"}}
		})}, "grid N1 workers[0]", "岗位"},
		// One good grid with a bad one: nothing is imported.
		{"all or nothing", []*pingan.Grid{with("N0", func(g *pingan.Grid) { g.Geometry = storetest.Rect(98.535, 39.755, 98.54, 39.76) }),
			with("N1", func(g *pingan.Grid) { g.Unit = "nope" })}, "grid N1 unit", "不存在"},
	}
	for _, tt := range tests {
		_, err := e.db.Grids.ImportGrids(ctx, tt.grids)
		pe := wantCode(t, err, pingan.EINVALID)
		if !strings.Contains(zh(pe, tt.field), tt.says) {
			t.Errorf("%s: want %q mentioning %q, got %v", tt.name, tt.field, tt.says, err)
		}
		if pe.Msg.Key != "grid.import.failed" {
			t.Errorf("%s: message %q", tt.name, pe.Msg.Key)
		}
	}
	if got := must[[]*pingan.Grid](t)(e.db.Grids.FindGrids(ctx, fx.Admin, "620900")); len(got) != 5 {
		t.Errorf("%d grids after refused imports, want the 5 seeded", len(got))
	}
	if n, v := e.db.Grids.GridsLoaded(); n != 5 || v != 2 {
		t.Errorf("index after refused imports: %d grids, version %d", n, v)
	}
	// Within the tolerance: a sliver of overlap is accepted.
	sliver := with("N1", func(g *pingan.Grid) { g.Geometry = storetest.Rect(98.52995, 39.75, 98.535, 39.755) })
	if _, err := e.db.Grids.ImportGrids(ctx, []*pingan.Grid{sliver}); err != nil {
		t.Errorf("1%% overlap: %v", err)
	}
	// A hundred bad grids are named twenty at a time.
	var many []*pingan.Grid
	for i := range 100 {
		many = append(many, with(fmt.Sprintf("M%03d", i), func(g *pingan.Grid) {
			g.Unit, g.Geometry = "nope", storetest.Rect(100+float64(i)/100, 30, 100.005+float64(i)/100, 30.005)
		}))
	}
	_, err := e.db.Grids.ImportGrids(ctx, many)
	if pe := wantCode(t, err, pingan.EINVALID); len(pe.Fields) != 21 || !strings.Contains(zh(pe, "grids"), "另有 80 处错误") {
		t.Errorf("100 bad grids: %d fields: %v", len(pe.Fields), pe.Fields["grids"])
	}
}

func testGridsScoped(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	got := must[[]*pingan.Grid](t)(e.db.Grids.FindGrids(ctx, fx.CountyDispatcher, "620902"))
	if want := []string{"620902001001-01", "620902001001-02", "620902001002-01", "620902100001-01"}; !slices.Equal(gridCodes(got), want) {
		t.Errorf("肃州区's grids: %v", gridCodes(got))
	}
	got = must[[]*pingan.Grid](t)(e.db.Grids.FindGrids(ctx, fx.GridWorker, "620902001001"))
	if len(got) != 2 {
		t.Errorf("富康社区's grids for its grid worker: %v", gridCodes(got))
	}
	_, err := e.db.Grids.FindGrids(ctx, fx.Admin, "620902001001-01") // a grid is not a unit
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Grids.FindGrids(ctx, fx.OtherDispatcher, "620902")
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Grids.FindGrids(ctx, fx.GridWorker, "620902001002")
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Grids.FindGrid(ctx, fx.OtherDispatcher, "620902001001-01")
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Grids.FindGrid(ctx, fx.Admin, "nope")
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Grids.FindGrids(ctx, nil, "620902")
	wantCode(t, err, pingan.EUNAUTHORIZED)
	if g := must[*pingan.Grid](t)(e.db.Grids.FindGrid(ctx, fx.OtherGridWorker, "620921100001-01")); g.Workers[0].Position != pingan.GridLeader {
		t.Errorf("金塔村网格: %+v", g)
	}
}

func testCasePlacedInGrid(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	at := func(lat, lng float64) func(*pingan.NewCase) {
		return func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: lat, Lng: lng} }
	}
	tests := []struct {
		name       string
		by         *pingan.User
		unit       string
		mod        func(*pingan.NewCase)
		grid, want string
		ungridded  bool
		says       string
	}{
		{"inside a grid", fx.GridWorker, "", at(39.755, 98.505), "620902001001-01", "620902001001", false, "位置 (39.755000, 98.505000) 在网格 620902001001-01「富康社区第一网格」内"},
		{"the position prevails over the unit given", fx.CountyDispatcher, "620902100001", at(39.755, 98.525), "620902001002-01", "620902001002", false, "prevails"},
		{"a shared border goes to the smallest code", fx.CountyDispatcher, "", at(39.755, 98.52), "620902001001-02", "620902001001", false, "620902001001-02、620902001002-01"},
		{"the end of a shared border", fx.CountyDispatcher, "", at(39.76, 98.51), "620902001001-01", "620902001001", false, "smallest code"},
		{"the outer edge", fx.CountyDispatcher, "", at(39.76, 98.525), "620902001002-01", "620902001002", false, "lies in grid 620902001002-01"},
		{"a grid given", fx.CountyDispatcher, "", func(n *pingan.NewCase) { n.Grid = "620902100001-01"; n.Location = nil }, "620902100001-01", "620902100001", false, "given in the report"},
		{"a grid given and a position elsewhere", fx.CountyDispatcher, "", func(n *pingan.NewCase) { n.Grid = "620902100001-01"; at(39.755, 98.505)(n) },
			"620902100001-01", "620902100001", false, "the position (39.755000, 98.505000) lies in grid 620902001001-01"},
		{"in no grid: the unit given", fx.CountyDispatcher, "620902100001", at(39.74, 98.51), "", "620902100001", true, "the unit given in the report"},
		{"in no grid: the reporter's unit", fx.GridWorker, "", at(39.74, 98.51), "", "620902001001", true, "the reporting user's unit"},
		{"in no grid: a centre's own county", fx.CountyDispatcher, "", at(39.74, 98.51), "", "620902", true, "lies in no grid"},
		{"no position", fx.GridWorker, "", func(n *pingan.NewCase) { n.Location = nil }, "", "620902001001", false, "no position or grid given"},
		{"a citizen's report", nil, "620902", at(40.01, 98.91), "620921100001-01", "620921100001", false, "金塔村网格"},
	}
	for _, tt := range tests {
		in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: tt.name, Unit: tt.unit}
		tt.mod(in)
		c, err := e.db.Cases.CreateCase(ctx, tt.by, in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if c.Grid != tt.grid || c.Unit != tt.want || c.Ungridded != tt.ungridded || !strings.Contains(c.Placement, tt.says) {
			t.Errorf("%s: grid %q unit %q ungridded %v placement %q; want grid %q unit %q ungridded %v mentioning %q",
				tt.name, c.Grid, c.Unit, c.Ungridded, c.Placement, tt.grid, tt.want, tt.ungridded, tt.says)
		}
		// Stored, and read back in the list and the case.
		if got := e.find(t, c.ID); got.Grid != c.Grid || got.Unit != c.Unit || got.Ungridded != c.Ungridded || got.Placement != c.Placement || got.Region != c.Region {
			t.Errorf("%s: read back %q %q %v %q", tt.name, got.Grid, got.Unit, got.Ungridded, got.Placement)
		}
	}
	list, _, err := e.db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{Grid: "620902001001-01"})
	if err != nil || len(list) != 2 || list[0].Placement == "" {
		t.Errorf("cases of grid 620902001001-01: %d", len(list))
	}

	// Refused: a position or grid outside the reporter's jurisdiction, an
	// unknown grid.
	refused := []struct {
		name  string
		by    *pingan.User
		mod   func(*pingan.NewCase)
		field string
	}{
		{"a position in another county's grid", fx.CountyDispatcher, at(40.01, 98.91), "location"},
		{"a position in another village's grid", fx.GridWorker, at(39.755, 98.525), "location"},
		{"another county's grid", fx.CountyDispatcher, func(n *pingan.NewCase) { n.Grid = "620921100001-01" }, "grid"},
		{"an unknown grid", fx.CountyDispatcher, func(n *pingan.NewCase) { n.Grid = "620902001001-99" }, "grid"},
		{"an unknown unit in no grid", fx.CountyDispatcher, func(n *pingan.NewCase) { n.Unit = "nope" }, "unit"},
	}
	for _, tt := range refused {
		in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: tt.name, Location: &pingan.Location{Lat: 39.74, Lng: 98.51}}
		tt.mod(in)
		_, err = e.db.Cases.CreateCase(ctx, tt.by, in)
		if pe := wantCode(t, err, pingan.EINVALID); zh(pe, tt.field) == "" {
			t.Errorf("%s: %v does not name %s", tt.name, err, tt.field)
		}
	}
	// A grid worker may still report a case of their village without a
	// position.
	if c := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.Location = nil }); c.Unit != "620902001001" {
		t.Errorf("unit %q", c.Unit)
	}
}

func testCasePlacedInKnownArea(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	areas := []geo.UnitArea{
		{Code: "620902100000", Geometry: storetest.Rect(98.58, 39.78, 98.70, 39.90)}, // 银达镇
		{Code: "620902100001", Geometry: storetest.Rect(98.59, 39.79, 98.64, 39.84)}, // 银达村, inside it
		{Code: "620921", Geometry: storetest.Rect(98.80, 39.95, 99.20, 40.30)},       // 金塔县
		{Code: "620902", Geometry: storetest.Rect(98.30, 39.60, 98.79, 39.94)},       // 肃州区
	}
	res := must[pingan.ImportResult](t)(e.db.Units.ImportUnitAreas(ctx, areas))
	if res != (pingan.ImportResult{Created: 4}) {
		t.Errorf("areas: %+v", res)
	}
	if res = must[pingan.ImportResult](t)(e.db.Units.ImportUnitAreas(ctx, areas)); res != (pingan.ImportResult{Unchanged: 4}) {
		t.Errorf("areas again: %+v", res)
	}
	report := func(by *pingan.User, unit string, lat, lng float64) *pingan.Case {
		return e.report(t, by, unit, func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: lat, Lng: lng} })
	}
	c := report(fx.CountyDispatcher, "", 39.83, 98.63) // in 银达村's area, outside its grid
	if c.Unit != "620902100001" || !c.Ungridded || c.Grid != "" || !strings.Contains(c.Placement, "the lowest unit whose area holds it") {
		t.Errorf("in the village's area: %q %v %q", c.Unit, c.Ungridded, c.Placement)
	}
	c = report(fx.CountyDispatcher, "", 39.88, 98.68) // in 银达镇's area only
	if c.Unit != "620902100000" || !c.Ungridded || !strings.Contains(c.Placement, "乡镇/街道") {
		t.Errorf("in the township's area: %q %v %q", c.Unit, c.Ungridded, c.Placement)
	}
	c = report(fx.CountyDispatcher, "620902100001", 39.88, 98.68) // the village given lies in the township
	if c.Unit != "620902100001" || !strings.Contains(c.Placement, "inside it") {
		t.Errorf("a village given inside the township's area: %q %q", c.Unit, c.Placement)
	}
	c = report(fx.CountyDispatcher, "620902001001", 39.70, 98.40) // in the county only; the unit given lies in it
	if c.Unit != "620902001001" {
		t.Errorf("a community given inside the county's area: %q %q", c.Unit, c.Placement)
	}
	c = report(fx.CountyDispatcher, "", 39.70, 98.40)
	if c.Unit != "620902" {
		t.Errorf("in the county's area: %q %q", c.Unit, c.Placement)
	}
	_, err := e.db.Cases.CreateCase(ctx, fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "金塔",
		Location: &pingan.Location{Lat: 40.2, Lng: 99.1}})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "location") == "" || strings.Contains(zh(pe, "location"), "620921") {
		t.Errorf("a position in another county's area: %v", err)
	}

	// Bad areas are refused, naming the area.
	for _, tt := range []struct {
		a           geo.UnitArea
		field, says string
	}{
		{geo.UnitArea{Code: "620902-zz", Geometry: storetest.Rect(1, 1, 2, 2)}, "area 620902-zz", "不是行政区划单位"},
		{geo.UnitArea{Code: "nope", Geometry: storetest.Rect(1, 1, 2, 2)}, "area nope", "不存在"},
		{geo.UnitArea{Code: "620902", Geometry: []byte(`{"type":"Point","coordinates":[1,2]}`)}, "area 620902 geometry", "Point"},
	} {
		_, err := e.db.Units.ImportUnitAreas(ctx, []geo.UnitArea{tt.a})
		if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, tt.field), tt.says) {
			t.Errorf("%s: %v", tt.a.Code, err)
		}
	}
}

// testGridIndexRefresh: a second server on the same database sees the
// grids another imported once it next checks the version.
func testGridIndexRefresh(t *testing.T, e *env) {
	fx := e.fx
	other := storetest.OpenWith(t, store.Options{DSN: e.dsn, Clock: e.clock, GridRefresh: time.Millisecond})
	lazy := storetest.OpenWith(t, store.Options{DSN: e.dsn, Clock: e.clock, GridRefresh: time.Hour})
	if n, _ := other.Grids.GridsLoaded(); n != 0 {
		t.Fatalf("%d grids before any import", n)
	}
	storetest.SeedGrids(t, e.db, fx)
	time.Sleep(5 * time.Millisecond)
	in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "漏水", Location: &pingan.Location{Lat: 39.755, Lng: 98.505}}
	c, err := other.Cases.CreateCase(ctx, fx.CountyDispatcher, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Grid != "620902001001-01" {
		t.Errorf("the other server placed the case in %q", c.Grid)
	}
	if n, v := other.Grids.GridsLoaded(); n != 5 || v != 1 {
		t.Errorf("the other server holds %d grids at version %d", n, v)
	}
	// A server that checks rarely places by what it knew meanwhile.
	c, err = lazy.Cases.CreateCase(ctx, fx.CountyDispatcher, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Grid != "" || !c.Ungridded {
		t.Errorf("the lazy server placed the case in %q before checking", c.Grid)
	}
	// A fresh store loads the grids when it opens.
	if n, v := e.open(t).Grids.GridsLoaded(); n != 5 || v != 1 {
		t.Errorf("a store opened after the import holds %d grids at version %d", n, v)
	}
	// A rename made by one server is drawn by the other once it checks.
	renamed := storetest.FixtureGrids(nil)[2:3]
	renamed[0].Name = "民主街社区一网格"
	must[pingan.ImportResult](t)(e.db.Grids.ImportGrids(ctx, renamed))
	time.Sleep(5 * time.Millisecond)
	sh := must[[]*pingan.Grid](t)(other.Grids.GridShapes(ctx, fx.Admin, renamed[0].Unit))
	if len(sh) != 1 || sh[0].Code != renamed[0].Code || sh[0].Name != "民主街社区一网格" {
		t.Errorf("the other server draws %v", gridNames(sh))
	}
}

// testImportGridsConcurrent: two servers importing at once both succeed,
// one after the other, and both end up with every grid.
func testImportGridsConcurrent(t *testing.T, e *env) {
	fx := e.fx
	a := storetest.OpenWith(t, store.Options{DSN: e.dsn, Clock: e.clock, GridRefresh: time.Millisecond})
	b := storetest.OpenWith(t, store.Options{DSN: e.dsn, Clock: e.clock, GridRefresh: time.Millisecond})
	grids := storetest.FixtureGrids(fx)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, db := range []*store.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			half := grids[:3]
			if i == 1 {
				half = grids[3:]
			}
			_, errs[i] = db.Grids.ImportGrids(ctx, half)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(5 * time.Millisecond)
	for i, db := range []*store.DB{a, b} {
		in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "漏水", Location: &pingan.Location{Lat: 40.01, Lng: 98.91}}
		c, err := db.Cases.CreateCase(ctx, fx.Admin, in)
		if err != nil {
			t.Fatal(err)
		}
		in.Location = &pingan.Location{Lat: 39.755, Lng: 98.505}
		d, err := db.Cases.CreateCase(ctx, fx.Admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.Grid != "620921100001-01" || d.Grid != "620902001001-01" {
			t.Errorf("server %d placed the cases in %q and %q", i, c.Grid, d.Grid)
		}
	}
	if _, v := a.Grids.GridsLoaded(); v != 2 {
		t.Errorf("version %d after two imports", v)
	}
}

// testImportDivisions imports the official division tables of the demo's
// five cities twice: the second import changes nothing.
func testImportDivisions(t *testing.T, e *env) {
	units, err := importer.Divisions("../demo/divisions", nil)
	if err != nil {
		t.Fatal(err)
	}
	// A database of its own: the fixture's townships are not the official ones.
	db := storetest.Open(t)
	if e.db.Dialect() == store.Postgres {
		db = storetest.OpenPostgres(t, store.Options{})
	}
	all := &pingan.User{ID: 1, ScopePath: "/"}
	var calls, last int
	res, err := db.Units.ImportUnitsProgress(ctx, units, func(done, total int) {
		calls++
		if done < last || total != len(units) {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if res != (pingan.ImportResult{Created: len(units)}) || last != len(units) || calls < 2 {
		t.Errorf("first import %+v of %d, progress to %d in %d calls", res, len(units), last, calls)
	}
	res, err = db.Units.ImportUnits(ctx, units)
	if err != nil || res != (pingan.ImportResult{Unchanged: len(units)}) {
		t.Errorf("second import: %+v %v", res, err)
	}
	u := must[*pingan.Unit](t)(db.Units.FindUnit(ctx, all, "500114001001"))
	if u.Path != "/500000/500100/500114/500114001/500114001001/" || u.Region != "500114" || u.Level != pingan.LevelVillage {
		t.Errorf("a village of 黔江区: %+v", u)
	}
	// A unit moved under another parent is refused, naming its row, and
	// nothing is written.
	moved := slices.Clone(units)
	i := slices.IndexFunc(moved, func(u *pingan.Unit) bool { return u.Code == "500114001001" })
	m := *moved[i]
	m.ParentCode = "500114002"
	m.Name = "改名"
	moved[i] = &m
	_, err = db.Units.ImportUnits(ctx, moved)
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, fmt.Sprintf("row %d", i+1)), "不支持变更已有单位的上级或层级 500114001001") {
		t.Errorf("moved unit: %v", err)
	}
	if u := must[*pingan.Unit](t)(db.Units.FindUnit(ctx, all, "500114001001")); u.Name == "改名" {
		t.Error("a refused import renamed a unit")
	}
}
