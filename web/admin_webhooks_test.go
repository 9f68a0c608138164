package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// webhookSecretRe finds a webhook's secret in a page.
var webhookSecretRe = regexp.MustCompile(`whsec_[A-Za-z0-9_\-]{30,}`)

// The webhooks' pages: a bad URL is refused naming 网址 and nothing is
// added; a webhook registered shows its secret once; an event of its
// subtree appears among its deliveries; a delivered one is resent as a
// new delivery and its attempts are shown; disabling it says so; another
// county's administrator finds nothing.
func TestAdminWebhooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a := countySecAdmin(t, e)
	res := a.get("/admin/webhooks")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/webhooks: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="webhooks-none"`, `id="webhook-form"`, `value="case.*" checked`, `value="case.closed"`,
		"全部事件", "核查结案", "允许内网地址", `href="/admin/webhooks" aria-current="page"`)

	// Bad input: each named, nothing added.
	for _, c := range []struct {
		form  url.Values
		field string
		text  string
	}{
		{url.Values{"name": {"接收"}, "url": {"ftp://203.0.113.7/in"}, "unit": {"620902"}, "event": {"case.*"}}, "url", "网址须以"},
		{url.Values{"name": {"接收"}, "url": {"http://127.0.0.1:9000/in"}, "unit": {"620902"}, "event": {"case.*"}}, "url", "网址指向本机或内网地址"},
		{url.Values{"name": {"接收"}, "url": {"http://192.168.3.4/in"}, "unit": {"620902"}, "event": {"case.*"}}, "url", "网址指向本机或内网地址"},
		{url.Values{"name": {"接收"}, "url": {"https://203.0.113.7/in"}, "unit": {"620902"}}, "events", "请至少选择一类事件"},
		{url.Values{"name": {"接收"}, "url": {"https://203.0.113.7/in"}, "unit": {"620921"}, "event": {"case.*"}}, "unit", "您的辖区内没有单位"},
	} {
		res := a.post("/admin/webhooks", c.form)
		if res.status != http.StatusBadRequest || webhookSecretRe.MatchString(res.body) {
			t.Errorf("%v: %d", c.form, res.status)
		}
		mustContain(t, res.body, c.text, `id="webhooks-none"`)
	}
	// The private address allowed explicitly.
	res = a.post("/admin/webhooks", url.Values{"name": {"内网系统"}, "url": {"http://192.168.3.4/in"}, "unit": {"620902"},
		"event": {"risk.*"}, "allow_private": {"1"}})
	if res.status != http.StatusOK {
		t.Fatalf("allowed private: %d\n%s", res.status, res.body)
	}

	res = a.post("/admin/webhooks", url.Values{"name": {"市级平台"}, "url": {"https://203.0.113.7/pingan"}, "unit": {"620902"},
		"event": {"case.created", "case.closed"}})
	if res.status != http.StatusOK {
		t.Fatalf("add: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="webhook-secret"`, "只显示这一次", "市级平台", "X-Pingan-Signature")
	secret := webhookSecretRe.FindString(res.body)
	if secret == "" {
		t.Fatal("the new webhook's secret is not on the answer")
	}
	hooks, err := e.db.Webhooks.List(ctx, e.fx.SecAdmin)
	if err != nil || len(hooks) != 2 {
		t.Fatalf("webhooks %v, %v", hooks, err)
	}
	w := hooks[0]
	page := "/admin/webhooks?id=" + strconv.FormatInt(w.ID, 10)
	res = a.get("/admin/webhooks")
	mustContain(t, res.body, `id="webhook-`+strconv.FormatInt(w.ID, 10)+`"`, "市级平台", "https://203.0.113.7/pingan", "新上报", "核查结案",
		"风险台账：全部事件")
	mustNotContain(t, res.body, secret, `id="webhook-secret"`)

	// A report in the county is a delivery, pending.
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	res = a.get(page)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", page, res.status, res.body)
	}
	mustContain(t, res.body, c.Number, "新上报", "case.created", "待发送", "已送达 0，待发送 1，已放弃 0")
	mustNotContain(t, res.body, `class="resend"`, "楼上漏水")

	// Delivered: resend queues it again.
	ds, err := e.db.Webhooks.ClaimDeliveries(ctx, e.clock.Now(), time.Minute, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claimed %v, %v", ds, err)
	}
	if err := e.db.Webhooks.Delivered(ctx, ds[0].ID, ds[0].Claim, &pingan.WebhookAttempt{At: e.clock.Now(), Status: 202, Duration: 35 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	res = a.get(page + "&delivery=" + strconv.FormatInt(ds[0].ID, 10))
	mustContain(t, res.body, `id="attempts"`, "已送达", "202", "35 毫秒", `class="resend"`)
	res = a.post("/admin/webhooks/resend", url.Values{"delivery": {strconv.FormatInt(ds[0].ID, 10)}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, page+"&resent=") {
		t.Fatalf("resend: %d %s\n%s", res.status, res.location, res.body)
	}
	res = a.get(res.location)
	mustContain(t, res.body, "已重新排队发送", "重发自第 "+strconv.FormatInt(ds[0].ID, 10)+" 条", "已送达 1，待发送 1，已放弃 0")

	// Disable.
	res = a.post("/admin/webhooks/active", url.Values{"id": {strconv.FormatInt(w.ID, 10)}, "active": {"0"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", res.status, res.body)
	}
	res = a.get(res.location)
	mustContain(t, res.body, "已停用事件推送“市级平台”", `id="webhook-enable"`)
	if got, _ := e.db.Webhooks.Webhook(ctx, e.fx.SecAdmin, w.ID); got.Active {
		t.Error("the webhook is still active")
	}

	// Another county's administrator: not found, like no webhook.
	other := &pingan.User{Username: "jt-admin", Name: "金塔县管理员", UnitCode: "620921", Roles: []pingan.Role{pingan.RoleSecAdmin}}
	if err := e.db.Users.CreateUser(ctx, other, storetest.Password); err != nil {
		t.Fatal(err)
	}
	o := e.login(other)
	if res := o.get(page); res.status != http.StatusNotFound {
		t.Errorf("another county's admin: %d", res.status)
	}
	if res := o.post("/admin/webhooks/resend", url.Values{"delivery": {strconv.FormatInt(ds[0].ID, 10)}}); res.status != http.StatusNotFound {
		t.Errorf("another county's admin resends: %d", res.status)
	}
	mustNotContain(t, o.get("/admin/webhooks").body, "市级平台")
	for _, bad := range []string{"/admin/webhooks?id=x", "/admin/webhooks?id=999", page + "&delivery=999"} {
		if res := a.get(bad); res.status != http.StatusNotFound {
			t.Errorf("%s: %d", bad, res.status)
		}
	}
}

// The webhooks' page in a browser: a URL that is not http(s) comes back
// with the message under 网址 and the form's choices kept; corrected, the
// webhook is registered, its secret shown once; its page disables it.
func TestBrowserAdminWebhooks(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)
	browserLogin(t, ctx, base, e.fx.SecAdmin.Username)
	do(t, ctx, "the page", chromedp.Navigate(base+"/admin/webhooks"), chromedp.WaitVisible(chromedp.ID("webhook-form")))
	do(t, ctx, "a bad URL", chromedp.SetValue(chromedp.ID("webhook-name"), "市级平台"),
		chromedp.SetValue(chromedp.ID("webhook-url"), "ftp://203.0.113.7/in"),
		chromedp.SetValue(chromedp.ID("webhook-unit"), "620902"),
		chromedp.Click(`#events-case input[value="case.closed"]`),
		chromedp.Click(`#webhook-form button[type="submit"]`), chromedp.WaitVisible(`#webhook-form .field-error`))
	shot(t, ctx, dir, "webhooks-01-refused")
	if got := text(t, ctx, "#webhook-form"); !strings.Contains(got, "网址须以 http:// 或 https:// 开头") {
		t.Errorf("the refused form: %q", got)
	}
	if kept := js[bool](t, ctx, `document.querySelector('#events-case input[value="case.closed"]').checked && document.getElementById('webhook-unit').value === '620902'`); !kept {
		t.Error("the refused form lost its choices")
	}
	do(t, ctx, "corrected", chromedp.SetValue(chromedp.ID("webhook-url"), "https://203.0.113.7/in"),
		chromedp.Click(`#webhook-form button[type="submit"]`), chromedp.WaitVisible(chromedp.ID("webhook-secret")))
	shot(t, ctx, dir, "webhooks-02-secret")
	if s := text(t, ctx, "#webhook-secret-value"); !webhookSecretRe.MatchString(s) {
		t.Errorf("the secret shown: %q", s)
	}
	do(t, ctx, "its page", chromedp.Click(`#webhooks a[href^="/admin/webhooks?id="]`), chromedp.WaitVisible(chromedp.ID("webhook-disable")))
	do(t, ctx, "disable", chromedp.Click(chromedp.ID("webhook-disable")), chromedp.WaitVisible(chromedp.ID("webhook-enable")))
	shot(t, ctx, dir, "webhooks-03-disabled")
	if got := text(t, ctx, "#webhook-state"); !strings.Contains(got, "已停用") {
		t.Errorf("the state: %q", got)
	}
}
