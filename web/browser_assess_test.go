package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An assessment in a browser: the city's assessor defines the counties'
// scheme in the editor — a computed row, a row added with 增加一行 for a
// manual indicator, the weights summed as typed — saves it, opens
// February (over by the fixture's 2 March), publishes it and sees the
// board: each county with its rank, band and 新.
func TestBrowserAssess(t *testing.T) {
	ctx := newBrowser(t, 1400, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	id := func(s string) chromedp.CSS { return css("#" + s) }

	browserLogin(t, ctx, base, e.fx.Assessor.Username)
	do(t, ctx, "the new scheme", chromedp.Navigate(base+"/assess"), chromedp.Click(id("scheme-new")),
		chromedp.WaitVisible(id("add-indicator")))
	rows := js[int](t, ctx, `document.querySelectorAll("#indicators tbody tr").length`)
	do(t, ctx, "add a row", chromedp.Click(id("add-indicator")))
	if got := js[int](t, ctx, `document.querySelectorAll("#indicators tbody tr").length`); got != rows+1 {
		t.Fatalf("%d rows after 增加一行, want %d", got, rows+1)
	}
	last := js[string](t, ctx, `(function(){var r=document.querySelectorAll("#indicators tbody tr");return r[r.length-1].querySelector("input").id})()`)
	n := strings.TrimSuffix(strings.TrimPrefix(last, "ind-"), "-key")
	do(t, ctx, "fill the scheme",
		chromedp.SetValue(id("s-name"), "2026年度县区平安建设考核"),
		chromedp.SetValue(id("ind-0-key"), "i1"),
		chromedp.SetValue(id("ind-0-name"), "结案率"),
		chromedp.SetValue(id("ind-0-rate"), "closing"),
		chromedp.SetValue(id("ind-0-kind"), "linear"),
		chromedp.SetValue(id("ind-0-floor"), "40"),
		chromedp.SetValue(id("ind-0-target"), "90"),
		chromedp.SetValue(id("ind-"+n+"-key"), "i2"),
		chromedp.SetValue(id("ind-"+n+"-name"), "综治中心规范化建设"),
		chromedp.SetValue(id("ind-"+n+"-source"), "manual"),
		chromedp.SendKeys(id("ind-0-weight"), "60"),
		chromedp.SendKeys(id("ind-"+n+"-weight"), "40"))
	waitFor(t, ctx, "the weights' sum", `document.getElementById("weight-sum").textContent === "100"`)
	shot(t, ctx, dir, "assess-01-scheme")
	do(t, ctx, "save", chromedp.Click(id("scheme-save")), chromedp.WaitVisible(css(`a[href$="/2026-02"]`)))

	do(t, ctx, "February", chromedp.Click(css(`a[href$="/2026-02"]`)), chromedp.WaitVisible(id("publish")))
	if js[bool](t, ctx, `document.getElementById("publish").disabled`) {
		t.Fatal("February's 发布 is disabled")
	}
	do(t, ctx, "publish", chromedp.Click(id("publish")))
	waitFor(t, ctx, "published", `(document.getElementById("period-status") || {}).textContent === "已发布"`)
	shot(t, ctx, dir, "assess-02-board")
	// Nothing counted in February: both counties 60 (the computed
	// indicator in full, the manual one unscored), red; the tie goes by
	// the unit's code.
	for unit, rank := range map[string]string{"620902": "1", "620921": "2"} {
		row := "#row-" + unit
		if got := text(t, ctx, row+" td.rank"); got != rank {
			t.Errorf("%s ranks %q, want %s", unit, got, rank)
		}
		if got := text(t, ctx, row+" .band"); got != "红" {
			t.Errorf("%s's band %q", unit, got)
		}
		if got := text(t, ctx, row+" td.change"); got != "新" {
			t.Errorf("%s's change %q", unit, got)
		}
	}
	if got := text(t, ctx, "#tie-rule"); !strings.Contains(got, "同分时") {
		t.Errorf("the tie rule: %q", got)
	}
}
