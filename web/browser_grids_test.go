package web

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The position picked on the report form's grid map: a click fills the
// latitude and longitude, marks the point and names the grid under it, and
// the case lands in that grid. Then the grid administration page.
func TestBrowserPickOnMap(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	base, dir := e.ts.URL, shots(t)

	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "report form", chromedp.Navigate(base+"/report"), chromedp.WaitVisible(chromedp.ID("pick-map")),
		chromedp.ScrollIntoView(chromedp.ID("pick-map")))
	// The middle of 富康社区第二网格 on the screen.
	const target = "620902001001-02"
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var r = document.querySelector('#pick-map g[data-grid="`+target+`"] polygon').getBoundingClientRect();
		return JSON.stringify({x: r.left + r.width / 2, y: r.top + r.height / 2});
	}())`))
	if err != nil {
		t.Fatalf("where the grid is: %v", err)
	}
	var at struct{ X, Y float64 }
	if err := json.Unmarshal([]byte(raw), &at); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "click the map", chromedp.MouseClickXY(at.X, at.Y))
	waitFor(t, ctx, "the picked position", `document.getElementById('lat').value !== '' && document.getElementById('pick-map-pin') !== null`)
	if got := text(t, ctx, "#pick-grid"); !strings.Contains(got, "富康社区第二网格") {
		t.Errorf("picked grid shown as %q", got)
	}
	shot(t, ctx, dir, "30-report-map")
	do(t, ctx, "report from the map",
		chromedp.SetValue(chromedp.ID("category"), "FW03"),
		chromedp.SetValue(chromedp.ID("description"), "小区门口垃圾箱满溢，无人清运。"),
		chromedp.Click(chromedp.ID("report-submit")),
		chromedp.WaitVisible(chromedp.ID("case-status")))
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: "垃圾箱满溢"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases reported from the map: %d (%v)", len(cs), err)
	}
	if c := cs[0]; c.Grid != target || c.Location == nil || c.Location.Lat < 39.75 || c.Location.Lat > 39.76 ||
		c.Location.Lng < 98.51 || c.Location.Lng > 98.52 {
		t.Errorf("case from the map: grid %q, location %v", c.Grid, c.Location)
	}

	// Typed coordinates move the marker and name their grid.
	do(t, ctx, "typed position", chromedp.Navigate(base+"/report"), chromedp.WaitVisible(chromedp.ID("pick-map")),
		chromedp.SendKeys(chromedp.ID("lat"), "39.755"), chromedp.SendKeys(chromedp.ID("lng"), "98.525"))
	waitFor(t, ctx, "the typed position's grid", `document.getElementById('pick-grid').textContent.indexOf('南苑社区第一网格') >= 0`)
	browserLogout(t, ctx)

	// The grid administration page.
	browserLogin(t, ctx, base, e.fx.Admin.Username)
	do(t, ctx, "grid administration", chromedp.Navigate(base+"/admin/grids"), chromedp.WaitVisible(chromedp.ID("grid-map")))
	shot(t, ctx, dir, "31-admin-grids")
	do(t, ctx, "grids of one community", chromedp.SetValue(chromedp.ID("grid-unit"), "620902001001"),
		chromedp.Click(chromedp.CSS(`#grid-filter button[type="submit"]`)))
	waitFor(t, ctx, "the filtered list", `(document.getElementById('grid-count') || {}).textContent === '2'`)
	shot(t, ctx, dir, "32-admin-grids-unit")
	// A file with a grid over another is refused, naming it.
	bad := filepath.Join(t.TempDir(), "grids.geojson")
	over := &pingan.Grid{Code: "620902001001-03", Name: "富康社区第三网格", Type: pingan.GridCommunity, Unit: "620902001001",
		Geometry: storetest.Rect(98.50, 39.75, 98.51, 39.76)}
	if err := os.WriteFile(bad, gridFile(t, over), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "bad import", chromedp.SetUploadFiles(chromedp.ID("grid-file"), []string{bad}),
		chromedp.Click(chromedp.ID("grid-import-submit")), chromedp.WaitVisible(chromedp.ID("import-errors")))
	if got := text(t, ctx, "#import-errors"); !strings.Contains(got, "620902001001-03") {
		t.Errorf("import errors: %q", got)
	}
	shot(t, ctx, dir, "33-admin-grids-error")
}
