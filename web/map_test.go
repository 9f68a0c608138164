package web

import (
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The map under the grids (底图): without tiles the grid map is the SVG it
// always was; with tiles set on /admin/map the pages that draw grids carry
// them to static/map.js, and the content security policy lets their images
// in — from those servers and no other.

// newMapEnv is newEnv with the settings service wired, and the grids seeded.
func newMapEnv(t testing.TB) *env {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	fx := storetest.Seed(t, db)
	e := &env{t: t, db: db, fx: fx, clock: clock, dataDir: t.TempDir()}
	e.srv = New(Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Grids: db.Grids, Holidays: db.Calendar, Calendar: db.Calendar, Settings: db.Settings,
		Clock: clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir})
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	storetest.SeedGrids(t, db, fx)
	return e
}

const tiandituVec = "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default" +
	"&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=0123456789abcdef"

// imgSrc answers the img-src directive of a response's policy.
func imgSrc(res response) string {
	for _, d := range strings.Split(res.header.Get("Content-Security-Policy"), ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "img-src ") {
			return d
		}
	}
	return ""
}

func TestGridMapTiles(t *testing.T) {
	t.Parallel()
	e := newMapEnv(t)
	admin := e.login(e.fx.Admin)
	dispatcher := e.login(e.fx.CountyDispatcher)

	// No tiles: the SVG alone, the policy as strict as ever.
	for _, page := range []struct {
		c    *client
		path string
	}{{admin, "/admin/grids"}, {dispatcher, "/dashboard"}} {
		res := page.c.get(page.path)
		if res.status != http.StatusOK || !strings.Contains(res.body, `<svg class="map"`) || strings.Contains(res.body, "data-map") ||
			strings.Contains(res.body, "leaflet") {
			t.Fatalf("%s without tiles: %d, svg %v, data-map %v", page.path, res.status,
				strings.Contains(res.body, `<svg class="map"`), strings.Contains(res.body, "data-map"))
		}
		if got := imgSrc(res); got != "img-src 'self' data: blob:" {
			t.Errorf("%s without tiles: %s", page.path, got)
		}
	}
	res := admin.get("/admin/map")
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="map-none"`) || !strings.Contains(res.body, `href="/admin/map"`) {
		t.Fatalf("/admin/map: %d", res.status)
	}

	// 天地图 with its annotation layer.
	cva := strings.NewReplacer("vec_w", "cva_w", "LAYER=vec", "LAYER=cva").Replace(tiandituVec)
	res = admin.post("/admin/map", url.Values{"url": {tiandituVec}, "subdomains": {"01234567"}, "annotation": {cva},
		"attribution": {"© 天地图 <审图号>"}, "max_zoom": {"17"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="map-saved"`) {
		t.Fatalf("save: %d %s", res.status, res.body)
	}
	for _, page := range []struct {
		c    *client
		path string
	}{{admin, "/admin/grids"}, {dispatcher, "/dashboard"}} {
		res := page.c.get(page.path)
		for _, want := range []string{`data-map`, `data-tiles="` + html.EscapeString(tiandituVec) + `"`,
			`data-annotation="` + html.EscapeString(cva) + `"`, `data-subdomains="0,1,2,3,4,5,6,7"`, `data-max-zoom="17"`,
			`data-attribution="© 天地图 &lt;审图号&gt;"`, `data-grids="{&#34;type&#34;:&#34;FeatureCollection&#34;`,
			`/static/leaflet/leaflet.js`, `/static/map.js`, `/static/leaflet/leaflet.css`, `<svg class="map"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("%s with tiles: no %s", page.path, want)
			}
		}
		src := imgSrc(res)
		for i := range 8 {
			if h := "https://t" + string(rune('0'+i)) + ".tianditu.gov.cn"; !strings.Contains(src, h) {
				t.Errorf("%s: %s does not allow %s", page.path, src, h)
			}
		}
		if !strings.HasPrefix(src, "img-src ") || !strings.Contains(src, "'self'") || strings.Contains(src, "*") {
			t.Errorf("%s: %s", page.path, src)
		}
	}
	// A map to pick a position on stays the SVG the form's script reads.
	if res := dispatcher.get("/report"); strings.Contains(res.body, "data-map") || !strings.Contains(res.body, `id="pick-map"`) {
		t.Errorf("/report with tiles: data-map %v", strings.Contains(res.body, "data-map"))
	}

	// The city's own server with the WMTS parameters, on http and a port.
	res = admin.post("/admin/map", url.Values{"url": {"http://10.0.0.5:8080/wmts/vec/{TileMatrix}/{TileRow}/{TileCol}.png"}})
	if res.status != http.StatusOK {
		t.Fatalf("save wmts: %d", res.status)
	}
	res = admin.get("/admin/grids")
	if !strings.Contains(res.body, `data-tiles="http://10.0.0.5:8080/wmts/vec/{z}/{y}/{x}.png"`) || strings.Contains(res.body, "data-annotation") {
		t.Errorf("wmts template not written for the map")
	}
	if src := imgSrc(res); src != "img-src http://10.0.0.5:8080 'self' data: blob:" {
		t.Errorf("wmts: %s", src)
	}

	// Removed: the SVG alone again.
	if res = admin.post("/admin/map", url.Values{"url": {""}}); res.status != http.StatusOK || !strings.Contains(res.body, `id="map-saved"`) {
		t.Fatalf("remove: %d", res.status)
	}
	if res = admin.get("/admin/grids"); strings.Contains(res.body, "data-map") || imgSrc(res) != "img-src 'self' data: blob:" {
		t.Errorf("after removal: data-map %v, %s", strings.Contains(res.body, "data-map"), imgSrc(res))
	}
}

// A bad tile URL is refused naming the field, in the reader's language,
// and keeps what was typed; only an administrator of the whole tree sets
// the map.
func TestMapSettingsRefused(t *testing.T) {
	t.Parallel()
	e := newMapEnv(t)
	admin := e.login(e.fx.Admin)
	for _, tc := range []struct {
		form  url.Values
		field string
		key   string
	}{
		{url.Values{"url": {"tiles.example.gov.cn/{z}/{x}/{y}.png"}}, "url", "maptiles.url.scheme"},
		{url.Values{"url": {"https://tiles.example.gov.cn/tile.png"}}, "url", "maptiles.url.template"},
		{url.Values{"url": {"https://tiles.example.gov.cn/{z}/{x}/{y}.png"}, "max_zoom": {"many"}}, "max_zoom", "maptiles.maxzoom.number"},
		{url.Values{"url": {"https://tiles.example.gov.cn/{z}/{x}/{y}.png"}, "annotation": {"https://a.example/x"}}, "annotation", "maptiles.url.template"},
	} {
		res := admin.post("/admin/map", tc.form)
		want := html.EscapeString(pingan.Text(pingan.ZH, tc.key))
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `<span class="field-error" role="alert">`+want) ||
			!strings.Contains(res.body, `value="`+html.EscapeString(tc.form.Get(tc.field))+`"`) {
			t.Errorf("%v: %d, want the field error %q", tc.form, res.status, want)
		}
	}
	if got, _ := e.db.Settings.MapTiles(t.Context()); got.Configured() {
		t.Errorf("refused settings kept: %+v", got)
	}
	// A county administrator and a dispatcher may not.
	county := &pingan.User{Username: "map-county-admin", Name: "县管理员", UnitCode: e.fx.County.Code, Roles: []pingan.Role{pingan.RoleAdmin}}
	if err := e.db.Users.CreateUser(t.Context(), county, storetest.Password); err != nil {
		t.Fatal(err)
	}
	ok := url.Values{"url": {"https://tiles.example.gov.cn/{z}/{x}/{y}.png"}}
	if res := e.login(county).post("/admin/map", ok); res.status != http.StatusForbidden {
		t.Errorf("county administrator: %d", res.status)
	}
	if res := e.login(e.fx.CountyDispatcher).get("/admin/map"); res.status != http.StatusForbidden {
		t.Errorf("dispatcher: %d", res.status)
	}
	if got, _ := e.db.Settings.MapTiles(t.Context()); got.Configured() {
		t.Errorf("set by who may not: %+v", got)
	}
	// Without a settings service there is no page.
	plain := newEnv(t)
	if res := plain.login(plain.fx.Admin).get("/admin/map"); res.status != http.StatusNotFound || strings.Contains(res.body, `href="/admin/map"`) {
		t.Errorf("without settings: %d", res.status)
	}
}

// The map's page is the deployment's administration, as the categories
// are (TestRolesEveryPage).
func init() {
	rolePages["GET /admin/map"] = pingan.CapAdminCategories
	rolePages["POST /admin/map"] = pingan.CapAdminCategories
}
