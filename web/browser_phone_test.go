package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
)

// phoneOffline takes the phone page's network away (off) or gives it back:
// the requests fail and navigator.onLine follows.
func phoneOffline(t *testing.T, ctx context.Context, off bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	var conds []*network.Conditions
	if off {
		conds = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}); err != nil {
		t.Fatalf("network conditions: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatalf("network state: %v", err)
	}
	waitFor(t, ctx, fmt.Sprintf("navigator.onLine to be %v", !off), fmt.Sprintf(`navigator.onLine === %v`, !off))
}

// js answers the value of a JavaScript expression on the page.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// phoneMark answers the message at a place of the quick report form and
// whether its control is marked invalid; "" when the place shows nothing.
func phoneMark(t *testing.T, ctx context.Context, place string) (string, bool) {
	t.Helper()
	type mark struct {
		Text   string `json:"text"`
		Hidden bool   `json:"hidden"`
		Marked bool   `json:"marked"`
	}
	m := js[mark](t, ctx, fmt.Sprintf(`(function () {
		var p = document.getElementById('m-err-%s');
		var c = document.getElementById(p.getAttribute('data-control'));
		return {text: p.textContent, hidden: p.hidden, marked: c.getAttribute('aria-invalid') === 'true' && c.getAttribute('aria-describedby') === p.id};
	})()`, place))
	if m.Hidden {
		return "", m.Marked
	}
	return m.Text, m.Marked
}

func phoneValue(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return js[string](t, ctx, `document.getElementById('`+id+`').value`)
}

// The quick report refused by the server (类别 empty, 已就地化解 without a
// result) keeps everything typed, the photo too, and marks each bad field
// with its message; corrected, it is sent once. Without the script the
// server draws the same.
func TestBrowserPhoneRefusedKeepsInput(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	e := newEnv(t)
	base, dir, photo := e.ts.URL, shots(t), writePNG(t)
	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "phone page", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))
	const what = "路口井盖松动，车辆经过有响声"
	do(t, ctx, "report without a category",
		chromedp.SetValue(chromedp.ID("m-description"), what),
		chromedp.SetValue(chromedp.ID("m-address"), "富康路与建设路口"),
		chromedp.SetUploadFiles(chromedp.ID("m-photo"), []string{photo}),
		chromedp.Click(chromedp.ID("m-onsite")),
		chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "the category marked", `!document.getElementById('m-err-category').hidden`)
	shot(t, ctx, dir, "30-phone-refused")
	if msg, marked := phoneMark(t, ctx, "category"); msg != pingan.Text(pingan.ZH, "field.required") || !marked {
		t.Errorf("category: %q marked %v", msg, marked)
	}
	if msg, marked := phoneMark(t, ctx, "result"); msg != pingan.Text(pingan.ZH, "report.result.required") || !marked {
		t.Errorf("result: %q marked %v", msg, marked)
	}
	if msg, marked := phoneMark(t, ctx, "description"); msg != "" || marked {
		t.Errorf("description marked: %q %v", msg, marked)
	}
	if got := phoneValue(t, ctx, "m-description"); got != what {
		t.Errorf("description after the refusal: %q", got)
	}
	if got := phoneValue(t, ctx, "m-address"); got != "富康路与建设路口" {
		t.Errorf("address after the refusal: %q", got)
	}
	if !js[bool](t, ctx, `document.getElementById('m-onsite').checked && document.getElementById('m-photo').files.length === 1`) {
		t.Error("the on-site box or the photo was cleared")
	}
	if got := js[string](t, ctx, `document.activeElement.id`); got != "m-category" {
		t.Errorf("focus on %q, want the first bad field", got)
	}
	if !js[bool](t, ctx, `document.getElementById('refused').hidden && document.getElementById('outbox').hidden`) {
		t.Error("the report in the form is listed in the outbox too")
	}

	// The category chosen: only the result is marked now.
	do(t, ctx, "category", chromedp.SetValue(chromedp.ID("m-category"), "FW03"), chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "the result marked alone", `document.getElementById('m-err-category').hidden && !document.getElementById('m-err-result').hidden`)
	if _, marked := phoneMark(t, ctx, "category"); marked {
		t.Error("the category is still marked")
	}
	if got := phoneValue(t, ctx, "m-description"); got != what {
		t.Errorf("description after the second refusal: %q", got)
	}
	if n := casesLike(t, e, "路口井盖松动"); n != 0 {
		t.Fatalf("%d cases from refused reports", n)
	}

	// With the result: sent, once, with its photo; the form is empty again.
	do(t, ctx, "result", chromedp.SetValue(chromedp.ID("m-result"), "已临时加固，设置警示标志"), chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "sent", `document.getElementById('m-message').textContent.indexOf('`+pingan.Text(pingan.ZH, "m.sent.js")+`') === 0`)
	if got := phoneValue(t, ctx, "m-description"); got != "" {
		t.Errorf("description after sending: %q", got)
	}
	if msg, _ := phoneMark(t, ctx, "result"); msg != "" {
		t.Errorf("result still marked after sending: %q", msg)
	}
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: "路口井盖松动"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases after sending: %d %v", len(cs), err)
	}
	if cs[0].Status != pingan.StatusResolved || cs[0].Source != pingan.SourceGridWorker {
		t.Errorf("sent case: %s %s", cs[0].Status, cs[0].Source)
	}
	tl, err := e.db.Cases.Timeline(context.Background(), e.fx.GridWorker, cs[0].ID)
	if err != nil || len(tl) == 0 || len(tl[0].Attachments) != 1 {
		t.Errorf("the photo kept through the refusals did not arrive: %v", err)
	}
	if !js[bool](t, ctx, `document.getElementById('refused').hidden && document.getElementById('outbox').hidden`) {
		t.Error("the sent report is still in the outbox")
	}

	// Without the script: the server's page keeps the input and marks the
	// fields the same way.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "plain form", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")),
		chromedp.SetValue(chromedp.ID("m-description"), "小区门口共享单车乱停"),
		chromedp.Click(chromedp.ID("m-submit")))
	// The form is posted and the server's answer loaded in its place: wait
	// for the new page, not for the field of the page being left.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err == nil && at == "/m/report" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the refused plain form was not answered")
		}
		time.Sleep(100 * time.Millisecond)
	}
	do(t, ctx, "the answer", chromedp.WaitReady("body"), chromedp.WaitVisible(chromedp.ID("m-err-category")))
	shot(t, ctx, dir, "31-phone-refused-plain")
	if msg, marked := phoneMark(t, ctx, "category"); msg != pingan.Text(pingan.ZH, "field.required") || !marked {
		t.Errorf("plain form, category: %q marked %v", msg, marked)
	}
	if got := phoneValue(t, ctx, "m-description"); got != "小区门口共享单车乱停" {
		t.Errorf("plain form, description after the refusal: %q", got)
	}
}

// Reports written offline wait on the phone; back online they are sent
// and the page says how many. One the server refuses stays, listed with
// the reason, through a reload; corrected, it is sent.
func TestBrowserPhoneOutboxRefused(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)
	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "phone page", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))

	phoneOffline(t, ctx, true)
	// The outbox keeps the urgency and 重大敏感 (docs/urgency.md) and sends them.
	do(t, ctx, "good report offline",
		chromedp.SetValue(chromedp.ID("m-category"), "FW03"),
		chromedp.SetValue(chromedp.ID("m-description"), "河道边垃圾堆积，气味较大"),
		chromedp.SetValue(chromedp.ID("m-urgency"), "critical"),
		chromedp.Click(chromedp.ID("m-sensitive")),
		chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "one waiting", `document.getElementById('outbox-n').textContent === '1'`)
	waitFor(t, ctx, "the form emptied to 一般", `document.getElementById('m-urgency').value === 'normal' && !document.getElementById('m-sensitive').checked`)
	do(t, ctx, "report without a category offline",
		chromedp.SetValue(chromedp.ID("m-description"), "广场路灯杆倾斜"),
		chromedp.SetValue(chromedp.ID("m-address"), "人民广场东侧"),
		chromedp.SetValue(chromedp.ID("m-urgency"), "urgent"),
		chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "two waiting", `document.getElementById('outbox-n').textContent === '2' && document.getElementById('m-description').value === ''`)
	if n := casesLike(t, e, "河道边垃圾堆积") + casesLike(t, e, "广场路灯杆倾斜"); n != 0 {
		t.Fatalf("%d cases reached the server while offline", n)
	}

	phoneOffline(t, ctx, false)
	flushed := strings.ReplaceAll(pingan.Text(pingan.ZH, "m.flushed", "1"), "'", `\'`)
	waitFor(t, ctx, "the report sent and the refused one listed",
		`document.getElementById('outbox').hidden && document.getElementById('m-message').textContent.indexOf('`+flushed+`') === 0 &&
		!document.getElementById('refused').hidden && document.getElementById('refused-n').textContent === '1'`)
	shot(t, ctx, dir, "32-phone-outbox-refused")
	if n := casesLike(t, e, "河道边垃圾堆积"); n != 1 {
		t.Errorf("%d cases of the good report, want 1", n)
	}
	phoneCaseFields(t, e, "河道边垃圾堆积", pingan.UrgencyCritical, true)
	if n := casesLike(t, e, "广场路灯杆倾斜"); n != 0 {
		t.Errorf("%d cases of the refused report", n)
	}
	item := text(t, ctx, "#refused-list li")
	mustContain(t, item, "广场路灯杆倾斜", pingan.Text(pingan.ZH, "m.refused.field", pingan.Text(pingan.ZH, "case.category"), pingan.Text(pingan.ZH, "field.required")))
	if !strings.Contains(text(t, ctx, "#m-message"), pingan.Text(pingan.ZH, "m.refused.n", "1")) {
		t.Errorf("the message does not say a report was refused: %q", text(t, ctx, "#m-message"))
	}

	// It does not vanish with a reload, and is not sent again by itself.
	do(t, ctx, "reload", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("refused-list")))
	waitFor(t, ctx, "the refused report after a reload", `document.querySelectorAll('#refused-list li').length === 1`)

	// Corrected and sent again.
	do(t, ctx, "correct", chromedp.Click(chromedp.CSS("#refused-list li button.edit")))
	waitFor(t, ctx, "the report in the form", `document.getElementById('m-description').value === '广场路灯杆倾斜' && document.getElementById('refused').hidden`)
	if got := phoneValue(t, ctx, "m-address"); got != "人民广场东侧" {
		t.Errorf("address of the corrected report: %q", got)
	}
	if got, ticked := phoneValue(t, ctx, "m-urgency"), js[bool](t, ctx, `document.getElementById('m-sensitive').checked`); got != "urgent" || ticked {
		t.Errorf("urgency of the corrected report: %q, 重大敏感 %v", got, ticked)
	}
	if msg, marked := phoneMark(t, ctx, "category"); msg != pingan.Text(pingan.ZH, "field.required") || !marked {
		t.Errorf("category of the corrected report: %q marked %v", msg, marked)
	}
	shot(t, ctx, dir, "33-phone-correct")
	do(t, ctx, "resend", chromedp.SetValue(chromedp.ID("m-category"), "FW01"), chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "sent", `document.getElementById('m-message').textContent.indexOf('`+pingan.Text(pingan.ZH, "m.sent.js")+`') === 0 &&
		document.getElementById('refused').hidden && document.getElementById('outbox').hidden`)
	if n := casesLike(t, e, "广场路灯杆倾斜"); n != 1 {
		t.Errorf("%d cases of the corrected report, want 1", n)
	}
	phoneCaseFields(t, e, "广场路灯杆倾斜", pingan.UrgencyUrgent, false)
	do(t, ctx, "reload after", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))
	waitOutboxEmpty(t, ctx)
	if !js[bool](t, ctx, `document.getElementById('refused').hidden && document.getElementById('outbox').hidden`) {
		t.Error("the outbox is not empty after everything was sent")
	}
	if n := casesLike(t, e, "河道边垃圾堆积") + casesLike(t, e, "广场路灯杆倾斜"); n != 2 {
		t.Errorf("%d cases in all, want 2", n)
	}
}

// phoneCaseFields checks the urgency and the 重大敏感 flag of the one case
// whose words hold q.
func phoneCaseFields(t *testing.T, e *env, q string, urgency pingan.Urgency, sensitive bool) {
	t.Helper()
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: q})
	if err != nil || len(cs) != 1 {
		t.Fatalf("%s: %d cases (%v)", q, len(cs), err)
	}
	if cs[0].Urgency != urgency || cs[0].Sensitive != sensitive {
		t.Errorf("%s: urgency %q 重大敏感 %v, want %q %v", q, cs[0].Urgency, cs[0].Sensitive, urgency, sensitive)
	}
}

// After one visit the phone page opens without signal — the server out of
// reach and the phone offline — from the copy its service worker keeps; a
// report written there is sent when the connection returns, and the page
// says so.
func TestBrowserPhoneOpensOffline(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	e := newEnv(t)
	var down atomic.Bool
	app := e.srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			// No signal: the connection drops without an answer.
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
			return
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	base, dir := ts.URL, shots(t)
	browserLogin(t, ctx, base, e.fx.GridWorker.Username)
	do(t, ctx, "phone page", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))
	// The worker installs in the background, slowly on a loaded machine:
	// wait until it is active, then open the page again, which it controls
	// from the start.
	active, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if _, err := chromedp.Run(active, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(function () { return true; })`,
		chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("the service worker never became active: %v", err)
	}
	do(t, ctx, "phone page again", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("quick")))
	waitFor(t, ctx, "the service worker", `!!(navigator.serviceWorker && navigator.serviceWorker.controller)`)
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Promise.all(['/m', '/static/app.css', '/static/app.js'].map(function (u) {
		return caches.match(u);
	})).then(function (rs) { return rs.every(function (r) { return !!r; }); })`, chromedp.EvalAwaitPromise))
	if err != nil || !kept {
		t.Fatalf("the page and its assets are not kept (%v)", err)
	}

	down.Store(true)
	phoneOffline(t, ctx, true)
	if res := func() error {
		c := &http.Client{Timeout: 2 * time.Second}
		r, err := c.Get(base + "/m")
		if err == nil {
			r.Body.Close()
		}
		return err
	}(); res == nil {
		t.Fatal("the server still answers")
	}
	do(t, ctx, "the page offline", chromedp.Navigate(base+"/m"), chromedp.WaitVisible(chromedp.ID("m-submit")))
	if !js[bool](t, ctx, `getComputedStyle(document.getElementById('m-submit')).minHeight === '52px'`) {
		t.Error("the page opened offline without its style sheet")
	}
	shot(t, ctx, dir, "34-phone-opened-offline")
	do(t, ctx, "report offline",
		chromedp.SetValue(chromedp.ID("m-category"), "FW03"),
		chromedp.SetValue(chromedp.ID("m-description"), "桥下涵洞积水，行人绕行"),
		chromedp.Click(chromedp.ID("m-submit")))
	waitFor(t, ctx, "the report kept", `document.getElementById('outbox-n').textContent === '1'`)

	down.Store(false)
	phoneOffline(t, ctx, false)
	flushed := pingan.Text(pingan.ZH, "m.flushed", "1")
	waitFor(t, ctx, "sent after reconnecting", `document.getElementById('outbox').hidden && document.getElementById('m-message').textContent.indexOf('`+flushed+`') === 0`)
	shot(t, ctx, dir, "35-phone-sent-after-reconnecting")
	if n := casesLike(t, e, "桥下涵洞积水"); n != 1 {
		t.Errorf("%d cases after reconnecting, want 1", n)
	}
}
