package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A patrol on the phone page: the grid worker starts a patrol of their
// grid, checks in 正常 at one point (the position taken then) and files a
// hazard with a photo at another, and ends the patrol; the coverage shows
// on the dashboard.
func TestBrowserPatrol(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	bg := context.Background()
	var pts []*pingan.PatrolPoint
	for _, p := range []struct {
		name     string
		lat, lng float64
	}{{"幸福路口", 39.755, 98.505}, {"富康小区东门", 39.758, 98.508}} {
		pt, err := e.db.Patrols.AddPatrolPoint(bg, e.fx.TownshipDispatcher, &pingan.NewPatrolPoint{Grid: "620902001001-01",
			Name: p.name, Location: &pingan.Location{Lat: p.lat, Lng: p.lng}})
		if err != nil {
			t.Fatal(err)
		}
		pts = append(pts, pt)
	}
	base, dir, photo := e.ts.URL, shots(t), writePNG(t)
	do(t, ctx, "phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	grantGeolocation(t, ctx, base)
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
		Latitude: new(39.7551), Longitude: new(98.5052), Accuracy: new(12.0)}); err != nil {
		t.Fatalf("geolocation: %v", err)
	}
	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "the phone page's link", chromedp.WaitVisible(chromedp.ID("m-patrol")),
		chromedp.Click(chromedp.CSS("#m-patrol a")), chromedp.WaitVisible(chromedp.ID("p-start")))
	do(t, ctx, "start", chromedp.Click(chromedp.ID("p-start")), chromedp.WaitVisible(chromedp.ID("checkin-form")))
	if n := text(t, ctx, "#patrol-due-n"); n != "2" {
		t.Errorf("points due: %s, want 2", n)
	}
	shot(t, ctx, dir, "patrol-01-started")

	// 正常 at the first point, with the position taken at the check-in.
	do(t, ctx, "check in 正常",
		chromedp.SetValue(chromedp.ID("c-point"), strconv.FormatInt(pts[0].ID, 10)),
		chromedp.Click(chromedp.ID("c-geo")))
	waitFor(t, ctx, "the position", `document.getElementById('c-lat').value !== ''`)
	do(t, ctx, "send", chromedp.Click(chromedp.ID("c-submit")), chromedp.WaitVisible(chromedp.ID("patrol-done")))
	if n := text(t, ctx, "#patrol-due-n"); n != "1" {
		t.Errorf("points due after a check-in: %s, want 1", n)
	}

	// A hazard at the second point: without its photo it is refused, the
	// text kept; with it, it is filed.
	finding := func(withPhoto bool) {
		do(t, ctx, "a finding",
			chromedp.SetValue(chromedp.ID("c-point"), strconv.FormatInt(pts[1].ID, 10)),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('c-found').checked = true; document.getElementById('c-finding').open = true`),
			chromedp.WaitVisible(chromedp.ID("c-kind")),
			chromedp.SetValue(chromedp.ID("c-kind"), "hazard"),
			chromedp.SetValue(chromedp.ID("c-level"), "general"),
			chromedp.SetValue(chromedp.ID("c-category"), "AQ02"),
			chromedp.SetValue(chromedp.ID("c-title"), "消防通道堆放杂物"),
			chromedp.SetValue(chromedp.ID("c-description"), "小区东门消防通道堆放纸箱杂物"))
		if withPhoto {
			do(t, ctx, "the photo", chromedp.SetUploadFiles(chromedp.ID("c-photo"), []string{photo}))
		}
		do(t, ctx, "send the finding", chromedp.Click(chromedp.ID("c-submit")))
	}
	finding(false)
	do(t, ctx, "refused", chromedp.WaitVisible(chromedp.ID("c-err-photos")))
	if v := js[string](t, ctx, `document.getElementById('c-description').value`); v != "小区东门消防通道堆放纸箱杂物" {
		t.Errorf("the refused finding lost its text: %q", v)
	}
	shot(t, ctx, dir, "patrol-02-refused")
	finding(true)
	waitFor(t, ctx, "the case's number", `location.search.indexOf('sent=') >= 0 && document.querySelector('.notice') !== null`)
	if n := text(t, ctx, ".notice"); !strings.Contains(n, "已打卡并上报") {
		t.Errorf("after the finding with its photo: %q", n)
	}
	shot(t, ctx, dir, "patrol-03-reported")
	do(t, ctx, "end", chromedp.Click(chromedp.ID("p-end")), chromedp.WaitVisible(chromedp.ID("p-start")))

	// What was written: two check-ins, the first with its position, the
	// second a hazard from the patrol with its photo.
	cv, err := e.db.Patrols.PatrolCoverage(bg, e.fx.CountyLeader, e.fx.Village.Code, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Total.Due != 2 || cv.Total.Visited != 2 || cv.Total.Hazards != 1 {
		t.Fatalf("coverage %+v", cv.Total)
	}
	cs, _, err := e.db.Cases.FindCases(bg, e.fx.GridWorker, pingan.CaseFilter{Q: "消防通道堆放纸箱"})
	if err != nil || len(cs) != 1 || cs[0].Source != pingan.SourcePatrol || cs[0].Kind != pingan.KindHazard {
		t.Fatalf("the hazard filed: %v %v", cs, err)
	}

	// The dashboard shows the coverage.
	browserLogout(t, ctx)
	do(t, ctx, "desktop", chromedp.EmulateViewport(1280, 900))
	browserLogin(t, ctx, base, e.fx.CountyLeader.Username)
	do(t, ctx, "dashboard", chromedp.Navigate(base+"/dashboard?unit="+e.fx.Village.Code), chromedp.WaitVisible(chromedp.ID("dash-patrols")))
	if r := text(t, ctx, "#dash-patrol-rate"); r != "100.0%" {
		t.Errorf("patrol coverage on the dashboard: %q", r)
	}
	if row := text(t, ctx, "#dash-patrol-620902001001-01"); !strings.Contains(row, "富康社区第一网格") {
		t.Errorf("the grid's line: %q", row)
	}
	shot(t, ctx, dir, "patrol-04-dashboard")
}
