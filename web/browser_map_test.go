package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The grid map on tiles in a browser: the administrator sets a tile server
// (a local one here) on /admin/map; the grid administration page and the
// dashboard then draw the grids with Leaflet over tiles the browser fetched
// from that server — the content security policy lets them in — with the
// grids as SVG paths in Leaflet's overlay pane.
func TestBrowserGridMapOnTiles(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newMapEnv(t)
	base, dir := e.ts.URL, shots(t)

	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for x := range 256 {
		for y := range 256 {
			img.Set(x, y, color.RGBA{0xe8, 0xee, 0xe0, 0xff})
		}
	}
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	tileRe := regexp.MustCompile(`^/(\d+)/(\d+)/(\d+)\.png$`)
	var mu sync.Mutex
	var tiles []string
	tileServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !tileRe.MatchString(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		tiles = append(tiles, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(tileServer.Close)
	requested := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(tiles)
	}

	browserLogin(t, ctx, base, e.fx.Admin.Username)
	// Without tiles: the SVG, and no Leaflet.
	do(t, ctx, "grids without tiles", chromedp.Navigate(base+"/admin/grids"), chromedp.WaitVisible(chromedp.ID("grid-map")))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.leaflet-container').length`)); err != nil || n != 0 {
		t.Fatalf("a Leaflet map without tiles: %d %v", n, err)
	}

	do(t, ctx, "set the tiles", chromedp.Navigate(base+"/admin/map"), chromedp.WaitVisible(chromedp.ID("map-url")),
		chromedp.SetValue(chromedp.ID("map-url"), tileServer.URL+"/{z}/{x}/{y}.png"),
		chromedp.SetValue(chromedp.ID("map-attribution"), "本地瓦片"),
		chromedp.Click(chromedp.ID("map-submit")), chromedp.WaitVisible(chromedp.ID("map-saved")))

	grids, err := e.db.Grids.FindGrids(context.Background(), e.fx.Admin, e.fx.Admin.UnitCode)
	if err != nil || len(grids) == 0 {
		t.Fatalf("grids: %d %v", len(grids), err)
	}
	do(t, ctx, "grids on tiles", chromedp.Navigate(base+"/admin/grids"), chromedp.WaitVisible(chromedp.CSS(".leaflet-container")))
	waitFor(t, ctx, "the grids drawn in the overlay pane",
		`document.querySelectorAll('.leaflet-overlay-pane svg path.leaflet-interactive[data-grid]').length > 0`)
	waitFor(t, ctx, "tiles loaded", `document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length > 0`)
	shot(t, ctx, dir, "33-admin-grids-tiles")
	paths, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.leaflet-overlay-pane svg path[data-grid]').length`))
	if err != nil || paths != len(grids) {
		t.Errorf("grid paths in the overlay pane: %d, want %d (%v)", paths, len(grids), err)
	}
	if n := requested(); n == 0 {
		t.Fatal("no tile requested from the tile server")
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var img = document.querySelector('.leaflet-tile-pane img.leaflet-tile-loaded');
		var svg = document.getElementById('grid-map');
		var path = document.querySelector('.leaflet-overlay-pane svg path[data-grid]');
		return [img.src.indexOf('`+tileServer.URL+`/') === 0, getComputedStyle(svg).display,
			document.querySelector('.leaflet-control-attribution').textContent.indexOf('本地瓦片') >= 0,
			path.getAttribute('fill') !== '#9aa5b1', !!document.querySelector('.leaflet-control-zoom-in')].join(' ');
	}())`))
	if err != nil || state != "true none true true true" {
		t.Errorf("tile from the server, SVG hidden, attribution, grid colour, zoom control: %q %v", state, err)
	}

	// Zoom in: deeper tiles are asked for.
	before := requested()
	do(t, ctx, "zoom in", chromedp.Click(chromedp.CSS(".leaflet-control-zoom-in")))
	waitFor(t, ctx, "tiles after zooming", `document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length > 0 &&
		!document.querySelector('.leaflet-zoom-anim')`)
	for i := 0; i < 100 && requested() == before; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if requested() == before {
		t.Errorf("zooming in asked for no tiles")
	}

	// The dashboard's map too.
	browserLogout(t, ctx)
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "dashboard on tiles", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS(".leaflet-container")))
	waitFor(t, ctx, "the dashboard's grids", `document.querySelectorAll('.leaflet-overlay-pane svg path[data-grid][role="link"]').length > 0`)
	shot(t, ctx, dir, "34-dashboard-tiles")
}
