package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/store/storetest"
)

// gridFile answers a GeoJSON file of the grids.
func gridFile(t *testing.T, grids ...*pingan.Grid) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := geo.WriteGrids(&buf, grids); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// countyAdmin adds an administrator of 肃州区 and logs in.
func countyAdmin(t *testing.T, e *env) *client {
	t.Helper()
	u := &pingan.User{Username: "sz-admin", Name: "肃州区管理员", UnitCode: "620902", Roles: []pingan.Role{pingan.RoleAdmin}}
	if err := e.db.Users.CreateUser(context.Background(), u, storetest.Password); err != nil {
		t.Fatal(err)
	}
	return e.login(u)
}

// Grid administration: the list with workers and the map, the filter by
// unit, the jurisdiction, and the download.
func TestAdminGrids(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	a := e.login(e.fx.Admin)
	res := a.get("/admin/grids")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/grids: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `<svg class="map" id="grid-map"`, `href="#grid-620902001001-01"`, `id="grid-620902001001-01"`,
		"富康社区第一网格", "金塔村网格", "社区网格", "农村网格", "320", "864",
		"网格员</span> 富康社区网格员", "网格长</span> 金塔村网格员", `href="/admin/grids"`, `id="grid-download"`)
	// The administration tabs lead to the page.
	mustContain(t, a.get("/admin/units").body, `<a href="/admin/grids"`)

	// By unit.
	res = a.get("/admin/grids?unit=620902001001")
	mustContain(t, res.body, "富康社区第一网格", "富康社区第二网格", `<span class="count" id="grid-count">2</span>`,
		`href="/admin/grids.geojson?unit=620902001001"`)
	mustNotContain(t, res.body, "南苑社区第一网格", "金塔村网格")

	// The download is the file the import reads back.
	res = a.get("/admin/grids.geojson?unit=620902001001")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/geo+json") ||
		!strings.Contains(res.header.Get("Content-Disposition"), "grids-620902001001.geojson") {
		t.Fatalf("download: %d %s %s", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
	}
	back, err := geo.ReadGrids(strings.NewReader(res.body))
	if err != nil || len(back) != 2 || back[0].Code != "620902001001-01" || len(back[0].Workers) != 1 {
		t.Fatalf("download read back: %v %+v", err, back)
	}
	res = a.postMultipart("/admin/grids", nil, []upload{{"file", "grids.geojson", []byte(res.body)}})
	if res.status != http.StatusOK {
		t.Fatalf("import of the download: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "新增 0，更新 0，未变 2")

	// Someone else than an administrator gets nowhere.
	d := e.login(e.fx.CountyDispatcher)
	for _, p := range []string{"/admin/grids", "/admin/grids.geojson?unit=620902"} {
		if res := d.get(p); res.status != http.StatusForbidden {
			t.Errorf("dispatcher GET %s: %d", p, res.status)
		}
	}
	if res := d.postMultipart("/admin/grids", nil, []upload{{"file", "g.geojson", gridFile(t, storetest.FixtureGrids(e.fx)[0])}}); res.status != http.StatusForbidden {
		t.Errorf("dispatcher imports grids: %d", res.status)
	}
	// Nor does a forged form.
	if res := a.postMultipart("/admin/grids", url.Values{"csrf": {"forged"}}, []upload{{"file", "g.geojson", []byte("{}")}}); res.status != http.StatusForbidden {
		t.Errorf("import with a forged token: %d", res.status)
	}
}

// A county's administrator sees and imports the grids of the county only,
// by URL guessing either.
func TestAdminGridsJurisdiction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	a := countyAdmin(t, e)
	body := a.get("/admin/grids").body
	mustContain(t, body, "富康社区第一网格", "银达村网格")
	mustNotContain(t, body, "金塔村网格", `value="620921`)
	for _, p := range []string{"/admin/grids?unit=620921", "/admin/grids?unit=620921100001", "/admin/grids?unit=nope",
		"/admin/grids.geojson?unit=620921", "/admin/grids.geojson?unit=620921100001"} {
		if res := a.get(p); res.status != http.StatusNotFound {
			t.Errorf("county admin GET %s: %d", p, res.status)
		}
	}
	dl := a.get("/admin/grids.geojson").body
	mustContain(t, dl, "620902001001-01")
	mustNotContain(t, dl, "620921100001-01")

	// A grid in another county is refused, and the good grid beside it is
	// not imported either.
	good := &pingan.Grid{Code: "620902100001-02", Name: "银达村第二网格", Type: pingan.GridVillage, Unit: "620902100001",
		Geometry: storetest.Rect(98.62, 39.80, 98.64, 39.82), Households: 90}
	outside := &pingan.Grid{Code: "620921100001-02", Name: "金塔村第二网格", Type: pingan.GridVillage, Unit: "620921100001",
		Geometry: storetest.Rect(98.92, 40.00, 98.94, 40.02)}
	res := a.postMultipart("/admin/grids", nil, []upload{{"file", "g.geojson", gridFile(t, good, outside)}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("import outside the jurisdiction: %d", res.status)
	}
	mustContain(t, res.body, `id="import-errors"`, "grid 620921100001-02 unit", "未做任何更改")
	if _, err := e.db.Grids.FindGrid(context.Background(), e.fx.Admin, good.Code); !isNotFound(err) {
		t.Errorf("the good grid was imported beside the refused one: %v", err)
	}
}

// The import takes a whole file or nothing, and names each bad grid.
func TestAdminGridsImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	a := e.login(e.fx.Admin)
	good := &pingan.Grid{Code: "620902100001-02", Name: "银达村第二网格", Type: pingan.GridVillage, Unit: "620902100001",
		Geometry: storetest.Rect(98.62, 39.80, 98.64, 39.82), Households: 90, Population: 240}
	// Overlaps 富康社区第一网格 entirely.
	overlapping := &pingan.Grid{Code: "620902001001-03", Name: "富康社区第三网格", Type: pingan.GridCommunity, Unit: "620902001001",
		Geometry: storetest.Rect(98.50, 39.75, 98.51, 39.76)}
	res := a.postMultipart("/admin/grids", nil, []upload{{"file", "g.geojson", gridFile(t, good, overlapping)}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("overlapping grid: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="import-errors"`, "620902001001-03")
	mustNotContain(t, res.body, "银达村第二网格")
	if _, err := e.db.Grids.FindGrid(context.Background(), e.fx.Admin, good.Code); !isNotFound(err) {
		t.Errorf("half imported: %v", err)
	}
	// A file that is not GeoJSON, a bad feature, no file.
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not json", []byte("code,name\n"), "GeoJSON"},
		{"bad type", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"X-1","properties":{"name":"坏网格","type":"hamlet","unit":"620902001001"},"geometry":{"type":"Point","coordinates":[98.5,39.7]}}]}`), "X-1"},
		{"no file", nil, "GeoJSON"},
	} {
		var files []upload
		if tc.data != nil {
			files = []upload{{"file", "g.geojson", tc.data}}
		}
		res := a.postMultipart("/admin/grids", nil, files)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="import-errors"`) || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s: %d, errors shown: %v", tc.name, res.status, strings.Contains(res.body, `id="import-errors"`))
		}
	}
	// The good grid alone goes in and is listed.
	res = a.postMultipart("/admin/grids", url.Values{"unit": {"620902100001"}}, []upload{{"file", "g.geojson", gridFile(t, good)}})
	if res.status != http.StatusOK {
		t.Fatalf("import: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "新增 1，更新 0，未变 0", `id="grid-620902100001-02"`, "银达村第二网格", "240")
}

// The report form draws the user's grids to pick the position on; a
// picked or typed position places the case in its grid.
func TestReportPickMap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.login(e.fx.CountyDispatcher)
	// No grids yet: no map, and the form works as before.
	body := d.get("/report").body
	mustNotContain(t, body, `id="pick-map"`)
	storetest.SeedGrids(t, e.db, e.fx)
	body = d.get("/report").body
	mustContain(t, body, `<svg class="map pick" id="pick-map" data-lng0=`, `data-grid="620902001001-01" data-name="富康社区第一网格"`,
		`data-pick-lat="lat"`, `id="pick-grid"`, `id="lat"`, `id="address"`)
	mustNotContain(t, body, "金塔村网格")
	mustNotContain(t, e.login(e.fx.OtherDispatcher).get("/report").body, "富康社区")
	// Typed coordinates place the case in the grid under them.
	res := d.postMultipart("/report", url.Values{"category": {"FW03"}, "description": {"垃圾满溢"}, "lat": {"39.7555"}, "lng": {"98.5152"}}, nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("report: %d\n%s", res.status, res.body)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(res.location, "/cases/"), "?done=report")
	c, err := e.db.Cases.FindCase(context.Background(), e.fx.CountyDispatcher, id)
	if err != nil || c.Grid != "620902001001-02" {
		t.Fatalf("case %s in grid %q (%v)", id, c.Grid, err)
	}
	// The grid worker's phone page draws their grid.
	mustContain(t, e.login(e.fx.GridWorker).get("/m").body, `id="m-map"`, `data-pick-lat="m-lat"`, `data-grid="620902001001-01"`)
}
