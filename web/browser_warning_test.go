package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A warning handled end to end in a browser: eight disputes reported in
// one grid within a day, the engine's run raises a cluster warning sent to
// the township (the rule's unit); its handler finds it from the inbox's
// line, signs it, handles it and feeds back; the county's centre releases
// it, and the timeline holds each step.
func TestBrowserWarningLoop(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	base, dir := e.ts.URL, shots(t)
	bg := context.Background()

	rules, err := e.db.Warnings.Rules(bg, fx.CityDispatcher)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Kind == pingan.RuleCluster {
			r.SendTo = fx.Township.Code
			if _, err := e.db.Warnings.SaveRule(bg, fx.CityDispatcher, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 8; i++ {
		if _, err := e.db.Cases.CreateCase(bg, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: fmt.Sprintf("楼道堆物纠纷 %d", i+1), Description: "邻里因楼道堆放杂物争执", Grid: "620902001001-01"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
	}
	if n, err := e.db.Warnings.RunWarnings(bg, e.clock.Now()); err != nil || n == 0 {
		t.Fatalf("the engine raised %d (%v)", n, err)
	}
	ws, err := e.db.Warnings.FindWarnings(bg, fx.TownshipHandler, pingan.WarningFilter{Kind: pingan.RuleCluster})
	if err != nil || len(ws) != 1 {
		t.Fatalf("cluster warnings %v (%v)", ws, err)
	}
	id := fmt.Sprint(ws[0].ID)

	// The township's handler: the inbox's line, the list, the warning.
	browserLogin(t, ctx, base, fx.TownshipHandler.Username)
	do(t, ctx, "inbox", chromedp.Navigate(base+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox-more")))
	if got := text(t, ctx, "#inbox-more"); !strings.Contains(got, "预警 1") {
		t.Errorf("the inbox's line: %q", got)
	}
	do(t, ctx, "list",
		chromedp.Click(chromedp.CSS(`#inbox-more a[href^="/warnings"]`)),
		chromedp.WaitVisible(chromedp.ID("warning-"+id)))
	if row := text(t, ctx, "#warning-"+id); !strings.Contains(row, "橙色") || !strings.Contains(row, "已发出") || !strings.Contains(row, "8 件") {
		t.Errorf("the list's row: %q", row)
	}
	shot(t, ctx, dir, "warning-list")
	do(t, ctx, "open", chromedp.Click(chromedp.CSS(`#warning-`+id+` a`)), chromedp.WaitVisible(chromedp.ID("warning-state")))
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("warning-cases").getAttribute("href")`))
	if err != nil || !strings.Contains(href, "grid=620902001001-01") || !strings.Contains(href, "category=0102") {
		t.Errorf("the link to the cases: %q (%v)", href, err)
	}
	state := func(want string) {
		t.Helper()
		waitFor(t, ctx, "state "+want, fmt.Sprintf(`(document.getElementById("warning-state") || {}).textContent === %q`, want))
	}
	do(t, ctx, "sign", chromedp.Click(chromedp.ID("do-sign")), chromedp.WaitVisible(chromedp.CSS("#timeline li.ev-sign")))
	state("已签收")
	do(t, ctx, "handle",
		chromedp.SetValue(chromedp.ID("hd-note"), "已上门调处，组织双方协商"),
		chromedp.Click(chromedp.ID("do-handle")),
		chromedp.WaitVisible(chromedp.CSS("#timeline li.ev-handle")))
	state("处置中")
	do(t, ctx, "feedback",
		chromedp.SetValue(chromedp.ID("fb-note"), "杂物已清走，双方和解"),
		chromedp.Click(chromedp.ID("do-feedback")),
		chromedp.WaitVisible(chromedp.ID("warning-feedback")))
	state("已反馈")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#warning-steps form").length`)); err != nil || n != 0 {
		t.Errorf("the handler still has %d forms (%v)", n, err)
	}
	shot(t, ctx, dir, "warning-fed-back")
	browserLogout(t, ctx)

	// The county's centre releases it.
	browserLogin(t, ctx, base, fx.CountyDispatcher.Username)
	do(t, ctx, "release",
		chromedp.Navigate(base+"/warnings/"+id),
		chromedp.WaitVisible(chromedp.ID("form-release")),
		chromedp.SetValue(chromedp.ID("rl-note"), "核实解除"),
		chromedp.Click(chromedp.ID("do-release")),
		chromedp.WaitVisible(chromedp.CSS("#timeline li.ev-release")))
	state("已解除")
	steps, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#timeline li")].map(li => li.className)`))
	if err != nil || strings.Join(steps, " ") != "ev-raise ev-sign ev-handle ev-feedback ev-release" {
		t.Errorf("the timeline: %v (%v)", steps, err)
	}
	if got := text(t, ctx, "#timeline li.ev-feedback"); !strings.Contains(got, "杂物已清走") || !strings.Contains(got, "东北街处置员") {
		t.Errorf("the timeline's feedback: %q", got)
	}
	shot(t, ctx, dir, "warning-released")
}
