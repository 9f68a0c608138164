package store_test

import (
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// The map under the grids (底图) is a setting of the whole deployment: only
// an administrator of the top unit sets it, a bad tile URL is refused
// naming its field, and every store on the database reads what was set.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"MapTiles", testMapTiles},
		{"MapTilesTopAdminOnly", testMapTilesTopAdminOnly},
		{"MapTilesRefused", testMapTilesRefused},
	}...)
}

const tianditu = "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default" +
	"&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=0123456789abcdef"

func testMapTiles(t *testing.T, e *env) {
	got := must[*pingan.MapTiles](t)(e.db.Settings.MapTiles(ctx))
	if got.Configured() {
		t.Fatalf("a new database has tiles: %+v", got)
	}
	in := &pingan.MapTiles{URL: "  " + tianditu + " ", Subdomains: "01234567",
		Annotation:  strings.ReplaceAll(strings.ReplaceAll(tianditu, "vec_w", "cva_w"), "LAYER=vec", "LAYER=cva"),
		Attribution: "© 天地图"}
	if err := e.db.Settings.SetMapTiles(ctx, e.fx.Admin, in); err != nil {
		t.Fatal(err)
	}
	// Read by another store on the same database.
	other := e.open(t)
	got = must[*pingan.MapTiles](t)(other.Settings.MapTiles(ctx))
	if got.URL != tianditu || got.Subdomains != "01234567" || got.Annotation != in.Annotation || got.Attribution != "© 天地图" ||
		got.MaxZoom != pingan.DefaultMaxZoom {
		t.Errorf("read back %+v", got)
	}
	if !strings.Contains(got.UpdatedBy, e.fx.Admin.Username) || !got.UpdatedAt.Equal(e.clock.Now().Truncate(1e6)) {
		t.Errorf("changed by %q at %v, want %s at %v", got.UpdatedBy, got.UpdatedAt, e.fx.Admin.Username, e.clock.Now())
	}
	if h := got.Hosts(); len(h) != 8 || h[0] != "https://t0.tianditu.gov.cn" || h[7] != "https://t7.tianditu.gov.cn" {
		t.Errorf("hosts %v", h)
	}

	// Replaced, then removed: the pages draw the grids alone again.
	if err := e.db.Settings.SetMapTiles(ctx, nil, &pingan.MapTiles{URL: "http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png", MaxZoom: 16}); err != nil {
		t.Fatal(err)
	}
	got = must[*pingan.MapTiles](t)(e.db.Settings.MapTiles(ctx))
	if got.URL != "http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png" || got.MaxZoom != 16 || got.Annotation != "" || got.Subdomains != "" {
		t.Errorf("replaced: %+v", got)
	}
	if err := e.db.Settings.SetMapTiles(ctx, e.fx.Admin, &pingan.MapTiles{}); err != nil {
		t.Fatal(err)
	}
	if got = must[*pingan.MapTiles](t)(e.db.Settings.MapTiles(ctx)); got.Configured() {
		t.Errorf("removed: %+v", got)
	}
}

func testMapTilesTopAdminOnly(t *testing.T, e *env) {
	fx := e.fx
	countyAdmin := e.addUser(t, "mt-county-admin", fx.OtherCounty.Code, pingan.RoleAdmin)
	cityAdmin := e.addUser(t, "mt-city-admin", fx.City.Code, pingan.RoleAdmin)
	for _, u := range []*pingan.User{countyAdmin, cityAdmin, fx.CountyDispatcher, fx.CityLeader} {
		wantCode(t, e.db.Settings.SetMapTiles(ctx, u, &pingan.MapTiles{URL: "https://tiles.example.gov.cn/{z}/{x}/{y}.png"}), pingan.EFORBIDDEN)
		// Forbidden comes before the fields are judged.
		wantCode(t, e.db.Settings.SetMapTiles(ctx, u, &pingan.MapTiles{URL: "ftp://x"}), pingan.EFORBIDDEN)
	}
	if got := must[*pingan.MapTiles](t)(e.db.Settings.MapTiles(ctx)); got.Configured() {
		t.Errorf("set by someone who may not: %+v", got)
	}
	if err := e.db.Settings.SetMapTiles(ctx, fx.Admin, &pingan.MapTiles{URL: "https://tiles.example.gov.cn/{z}/{x}/{y}.png"}); err != nil {
		t.Fatal(err)
	}
}

func testMapTilesRefused(t *testing.T, e *env) {
	for _, tc := range []struct {
		name  string
		in    pingan.MapTiles
		field string
		key   string
	}{
		{"no scheme", pingan.MapTiles{URL: "tiles.example.gov.cn/{z}/{x}/{y}.png"}, "url", "maptiles.url.scheme"},
		{"javascript", pingan.MapTiles{URL: "javascript:alert(1)//{z}/{x}/{y}"}, "url", "maptiles.url.scheme"},
		{"ftp", pingan.MapTiles{URL: "ftp://tiles.example.gov.cn/{z}/{x}/{y}.png"}, "url", "maptiles.url.scheme"},
		{"no place", pingan.MapTiles{URL: "https://tiles.example.gov.cn/tile.png"}, "url", "maptiles.url.template"},
		{"no y", pingan.MapTiles{URL: "https://tiles.example.gov.cn/{z}/{x}.png"}, "url", "maptiles.url.template"},
		{"annotation without map", pingan.MapTiles{Annotation: "https://a.example/{z}/{x}/{y}.png"}, "url", "maptiles.url.required"},
		{"bad annotation", pingan.MapTiles{URL: "https://a.example/{z}/{x}/{y}.png", Annotation: "https://a.example/cva"}, "annotation", "maptiles.url.template"},
		{"zoom", pingan.MapTiles{URL: "https://a.example/{z}/{x}/{y}.png", MaxZoom: 30}, "max_zoom", "maptiles.maxzoom.range"},
		{"subdomains", pingan.MapTiles{URL: "https://t{s}.a.example/{z}/{x}/{y}.png", Subdomains: "a b"}, "subdomains", "maptiles.subdomains.invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pe := wantCode(t, e.db.Settings.SetMapTiles(ctx, e.fx.Admin, &tc.in), pingan.EINVALID)
			if m, ok := pe.Fields[tc.field]; !ok || m.Key != tc.key || zh(pe, tc.field) == "" {
				t.Errorf("fields %v, want %s: %s", pe.Fields, tc.field, tc.key)
			}
		})
	}
	// The WMTS parameters stand for {z} {x} {y}.
	wmts := &pingan.MapTiles{URL: "https://gis.example.gov.cn/wmts/vec/default/w/{TileMatrix}/{TileRow}/{TileCol}.png"}
	if err := e.db.Settings.SetMapTiles(ctx, e.fx.Admin, wmts); err != nil {
		t.Fatal(err)
	}
	if got := must[*pingan.MapTiles](t)(e.db.Settings.MapTiles(ctx)); got.URL != wmts.URL {
		t.Errorf("read back %+v", got)
	}
}
