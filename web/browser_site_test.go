package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A key site's inspection in a browser, on a phone: the grid worker opens
// the site, the 检查 form; choosing 不合格 on an item shows its photo input
// (hidden before); without the photo the form comes back with the item's
// message and the choice kept; with it the inspection is recorded and the
// site's page lists the failed item with the hazard case filed.
func TestBrowserSiteInspection(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	site, err := e.db.Sites.AddSite(context.Background(), e.fx.CountyDispatcher, &pingan.NewSite{Name: "富康小学",
		Type: pingan.SiteSchool, Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: e.fx.CountyHousing.Code})
	if err != nil {
		t.Fatal(err)
	}
	base, dir, photo := e.ts.URL, shots(t), writePNG(t)
	id := strconv.FormatInt(site.ID, 10)

	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "the site", chromedp.Navigate(base+"/sites/"+id), chromedp.WaitVisible(chromedp.ID("site-inspect")))
	do(t, ctx, "the form", chromedp.Click(chromedp.ID("site-inspect")), chromedp.WaitVisible(chromedp.ID("inspect-form")))
	if hidden := js[bool](t, ctx, `document.getElementById('fail-2').hidden`); !hidden {
		t.Errorf("the photo of item 2 shows before 不合格 is chosen")
	}
	do(t, ctx, "不合格", chromedp.Click(chromedp.ID("item-2-fail")), chromedp.WaitVisible(chromedp.ID("photos-2")),
		chromedp.SetValue(chromedp.ID("note-2"), "灭火器压力不足"))
	shot(t, ctx, dir, "site-01-fail")
	do(t, ctx, "send without the photo", chromedp.Click(chromedp.ID("inspect-save")), chromedp.WaitVisible(chromedp.ID("item-2-err")))
	if v := js[bool](t, ctx, `document.getElementById('item-2-fail').checked && !document.getElementById('fail-2').hidden`); !v {
		t.Errorf("the refused form lost the item's 不合格")
	}
	do(t, ctx, "the photo", chromedp.SetUploadFiles(chromedp.ID("photos-2"), []string{photo}),
		chromedp.Click(chromedp.ID("inspect-save")), chromedp.WaitVisible(chromedp.ID("inspections")))
	shot(t, ctx, dir, "site-02-recorded")
	if got := text(t, ctx, "#inspections tbody"); !strings.Contains(got, "灭火器压力不足") || !strings.Contains(got, "1 项不合格") {
		t.Errorf("the site's inspections: %q", got)
	}
	if n := js[int](t, ctx, `document.querySelectorAll('#inspections a[href^="/cases/"]').length`); n != 1 {
		t.Errorf("%d hazards linked, want 1", n)
	}
}
