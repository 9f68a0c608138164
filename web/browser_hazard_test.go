package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
)

// A hazard in a browser: reported by the grid worker with a photo and
// dispatched to the housing bureau, whose handler signs it, orders its
// rectification and reports it done with an after-photo; the same handler
// may not recheck it (no form, and a forged request is refused naming the
// recheck); the county centre's recheck fails with a new deadline; done
// again; the recheck passes and the hazard is closed (销号).
func TestBrowserHazard(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	fx := e.fx
	base, dir, photo := e.ts.URL, shots(t), writePNG(t)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	c, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindHazard, Category: "AQ01",
		Title: "楼道堆放杂物堵塞消防通道", Description: "3号楼一单元楼道堆放大量纸箱", Unit: fx.Village.Code,
		Hazard: &pingan.HazardFacts{Level: pingan.HazardGeneral}, Photos: []pingan.Upload{{Name: "before.png", Data: pngBytes}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: fx.CountyHandler.UnitCode}} {
		if _, err := e.db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	deadline := func(days int) string {
		return e.clock.Now().In(pingan.CST).AddDate(0, 0, days).Format("2006-01-02T15:04")
	}

	browserLogin(t, ctx, base, fx.CountyHandler.Username)
	do(t, ctx, "sign", chromedp.Navigate(base+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.ID("act-sign")),
		chromedp.Click(css(`#act-sign button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusInProgress)
	if got := text(t, ctx, "#hz-stage"); !strings.Contains(got, "未责令整改") {
		t.Errorf("stage before the order %q", got)
	}
	do(t, ctx, "order rectification",
		chromedp.Click(css("#act-rectify_order summary")),
		chromedp.WaitVisible(chromedp.ID("rectify_order-deadline")),
		chromedp.SetValue(chromedp.ID("rectify_order-deadline"), deadline(7)),
		chromedp.SetValue(chromedp.ID("rectify_order-party-kind"), "property"),
		chromedp.SetValue(chromedp.ID("rectify_order-party-name"), "富康物业公司"),
		chromedp.SetValue(chromedp.ID("rectify_order-measures"), "清理楼道纸箱，保持消防通道畅通"),
		chromedp.Click(css(`#act-rectify_order button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("hz-deadline")))
	if got := text(t, ctx, "#hz-stage"); !strings.Contains(got, "整改中") {
		t.Errorf("stage after the order %q", got)
	}
	if got := text(t, ctx, "#hz-party"); !strings.Contains(got, "物业公司") || !strings.Contains(got, "富康物业公司") {
		t.Errorf("party %q", got)
	}
	shot(t, ctx, dir, "hazard-01-ordered")

	done := func(step string) {
		do(t, ctx, step,
			chromedp.Navigate(base+"/cases/"+c.ID), // the form folded
			chromedp.WaitVisible(chromedp.ID("act-rectify_done")),
			chromedp.Click(css("#act-rectify_done summary")),
			chromedp.WaitVisible(chromedp.ID("rectify_done-photos")),
			chromedp.SetValue(chromedp.ID("rectify_done-note"), "纸箱已清理"),
			chromedp.SetUploadFiles(chromedp.ID("rectify_done-photos"), []string{photo}),
			chromedp.Click(css(`#act-rectify_done button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("hz-done")))
		if got := text(t, ctx, "#hz-stage"); !strings.Contains(got, "待复查") {
			t.Errorf("%s: stage %q", step, got)
		}
	}
	// Done without a photo is refused naming the photos.
	do(t, ctx, "done without a photo",
		chromedp.Click(css("#act-rectify_done summary")),
		chromedp.WaitVisible(chromedp.ID("rectify_done-photos")),
		chromedp.Click(css(`#act-rectify_done button[type="submit"]`)),
		chromedp.WaitVisible(css(`#act-rectify_done .field-error`)))
	if got := text(t, ctx, "#act-rectify_done .field-error"); !strings.Contains(got, "整改后照片") {
		t.Errorf("the refusal of done without a photo %q", got)
	}
	done("done with an after-photo")

	// The one who reported it done has no recheck form, and a forged one
	// is refused naming the recheck.
	if n := js[int](t, ctx, `document.querySelectorAll("#act-recheck").length`); n != 0 {
		t.Error("the handler who rectified is offered the recheck")
	}
	forged := js[string](t, ctx, `(() => {
		const x = new XMLHttpRequest();
		x.open("POST", "/cases/`+c.ID+`/act", false);
		x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
		x.send(new URLSearchParams({csrf: document.querySelector('input[name="csrf"]').value, action: "recheck", "recheck.passed": "1"}).toString());
		return x.status + " " + (x.responseText.includes("复查不能由报告整改完成的人进行") ? "named" : "unnamed");
	})()`)
	if forged != "409 named" {
		t.Errorf("a recheck by the one who rectified answered %q", forged)
	}
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, fx.CountyDispatcher.Username)
	do(t, ctx, "recheck fails", chromedp.Navigate(base+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.ID("act-recheck")),
		chromedp.Click(css("#act-recheck summary")),
		chromedp.WaitVisible(chromedp.ID("recheck-failed")),
		chromedp.Click(chromedp.ID("recheck-failed")),
		chromedp.SetValue(chromedp.ID("recheck-deadline"), deadline(3)),
		chromedp.Click(css(`#act-recheck button[type="submit"]`)))
	waitFor(t, ctx, "the second round", `document.querySelector("#hz-round") && document.querySelector("#hz-round").innerText == "2"`)
	if got := text(t, ctx, "#hz-stage"); !strings.Contains(got, "整改中") {
		t.Errorf("stage after the failed recheck %q", got)
	}
	if got := text(t, ctx, "#hz-round"); got != "2" {
		t.Errorf("round %q", got)
	}
	browserLogout(t, ctx)

	e.clock.Advance(time.Hour)
	browserLogin(t, ctx, base, fx.CountyHandler.Username)
	do(t, ctx, "the case again", chromedp.Navigate(base+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.ID("act-rectify_done")))
	done("done again")
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, fx.CountyDispatcher.Username)
	do(t, ctx, "recheck passes", chromedp.Navigate(base+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.ID("act-recheck")),
		chromedp.Click(css("#act-recheck summary")),
		chromedp.WaitVisible(chromedp.ID("recheck-passed")),
		chromedp.Click(chromedp.ID("recheck-passed")),
		chromedp.Click(css(`#act-recheck button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusClosed)
	if got := text(t, ctx, "#hz-stage"); !strings.Contains(got, "已销号") {
		t.Errorf("stage after the passed recheck %q", got)
	}
	if n := js[int](t, ctx, `document.querySelectorAll("#timeline .photos img").length`); n != 3 {
		t.Errorf("%d photos on the timeline, want 3", n)
	}
	shot(t, ctx, dir, "hazard-02-closed")
}
