package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
)

// A mediator in a browser: signs a dispute dispatched to the organisation,
// records a session, then a written agreement of two terms (a row added
// by the form's script stays empty and is skipped), sees them on the
// case page, and downloads the 调解协议书 with the session the page holds.
func TestBrowserMediation(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	c := e.dispute(false)
	base, dir := e.ts.URL, shots(t)
	now := e.clock.Now().In(pingan.CST)
	day := pingan.DayOf(now)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	browserLogin(t, ctx, base, e.fx.Mediator.Username)
	do(t, ctx, "the mediator's inbox", chromedp.Navigate(base+"/inbox?tab=sign"),
		chromedp.WaitVisible(css(`a[href="/cases/`+c.ID+`"]`)))
	do(t, ctx, "sign", chromedp.Click(css(`a[href="/cases/`+c.ID+`"]`)), chromedp.WaitVisible(chromedp.ID("act-sign")),
		chromedp.Click(css(`#act-sign button[type="submit"]`)))
	waitStatus(t, ctx, "#case-status", pingan.StatusInProgress)

	do(t, ctx, "record a session",
		chromedp.Click(css("#act-mediate summary")),
		chromedp.WaitVisible(chromedp.ID("mediate-place")),
		chromedp.SetValue(chromedp.ID("mediate-held_at"), now.Add(-2*time.Hour).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.ID("mediate-place"), "东北街人民调解室"),
		chromedp.SetValue(chromedp.ID("mediate-mediators"), "李明\n张华"),
		chromedp.SetValue(chromedp.ID("mediate-attendees"), "王建国、富康物业代理人刘某"),
		chromedp.Click(chromedp.ID("mediate-rights")),
		chromedp.SetValue(chromedp.ID("mediate-record"), "双方陈述院墙位置争议，同意拆除越界部分并赔偿。"),
		chromedp.Click(css(`#act-mediate button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("session-1")))
	waitStatus(t, ctx, "#case-status", pingan.StatusInProgress)
	if got := text(t, ctx, "#session-1"); !strings.Contains(got, "东北街人民调解室") || !strings.Contains(got, "李明、张华") {
		t.Errorf("session shown %q", got)
	}

	term := func(no, field string) chromedp.CSS {
		return css(`input[name="agreement.terms.` + no + `.` + field + `"]`)
	}
	do(t, ctx, "open the agreement", chromedp.Click(css("#act-agree summary")), chromedp.WaitVisible(chromedp.ID("agree-facts")),
		chromedp.WaitVisible(chromedp.ID("agree-add-term")), // shown by the script
		chromedp.Click(chromedp.ID("agree-add-term")),
		chromedp.WaitReady(term("4", "text")))
	do(t, ctx, "write the agreement",
		chromedp.SetValue(chromedp.ID("agree-facts"), "双方因院墙位置发生争议，经调解自愿达成如下协议。"),
		chromedp.SetValue(term("1", "text"), "被申请人拆除越界院墙"),
		chromedp.SetValue(term("1", "by"), "被申请人"),
		chromedp.SetValue(term("1", "how"), "自行拆除"),
		chromedp.SetValue(term("1", "due"), day.AddDate(0, 0, 10).Format(time.DateOnly)),
		chromedp.SetValue(term("2", "text"), "被申请人赔偿修缮费 3000 元"),
		chromedp.SetValue(term("2", "by"), "被申请人"),
		chromedp.SetValue(term("2", "how"), "一次性转账"),
		chromedp.SetValue(term("2", "due"), day.AddDate(0, 0, 20).Format(time.DateOnly)))
	shot(t, ctx, dir, "mediation-01-agreement-form")
	do(t, ctx, "agree", chromedp.Click(css(`#act-agree button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("term-2")))
	waitStatus(t, ctx, "#case-status", pingan.StatusResolved)
	if got := text(t, ctx, "#term-1"); !strings.Contains(got, "被申请人拆除越界院墙") || !strings.Contains(got, day.AddDate(0, 0, 10).Format(time.DateOnly)) {
		t.Errorf("term 1 shown %q", got)
	}
	if got := text(t, ctx, "#term-2"); !strings.Contains(got, "赔偿修缮费 3000 元") || !strings.Contains(got, "未履行") {
		t.Errorf("term 2 shown %q", got)
	}
	if n := js[int](t, ctx, `document.querySelectorAll("#med-terms tbody tr").length`); n != 2 {
		t.Errorf("%d terms shown, want 2", n)
	}
	if got := text(t, ctx, "#med-confirm"); !strings.Contains(got, "还剩 30 天") {
		t.Errorf("司法确认 shown %q", got)
	}
	shot(t, ctx, dir, "mediation-02-agreed")

	// The 调解协议书, downloaded by the page's link with its session.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("print-agreement").href)
		.then(r => r.arrayBuffer().then(b => r.status + " " + r.headers.get("content-type") + " " +
			String.fromCharCode(...new Uint8Array(b.slice(0, 5))) + " " + b.byteLength))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download the agreement: %v", err)
	}
	if !strings.HasPrefix(got, "200 application/pdf %PDF-") {
		t.Errorf("the agreement's download: %q", got)
	}
}
