package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Every page renders for the users who may see it.
func TestPagesRender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水引发邻里纠纷")
	for _, tc := range []struct {
		user  *pingan.User
		paths []string
	}{
		{e.fx.CountyDispatcher, []string{"/inbox", "/inbox?tab=all", "/cases/" + c.ID, "/report", "/dashboard"}},
		{e.fx.CountyHandler, []string{"/inbox", "/inbox?tab=sign"}},
		{e.fx.GridWorker, []string{"/m", "/cases/" + c.ID}},
		{e.fx.CityLeader, []string{"/dashboard", "/dashboard?unit=620902&period=quarter", "/dashboard?period=year"}},
		{e.fx.Admin, []string{"/admin/units", "/admin/users", "/admin/categories", "/admin/grids", "/admin/holidays", "/admin/holidays?year=2027"}},
	} {
		cl := e.login(tc.user)
		for _, p := range tc.paths {
			res := cl.get(p)
			if res.status != http.StatusOK {
				t.Errorf("%s GET %s: %d\n%s", tc.user.Username, p, res.status, res.body)
			}
			if m := regexp.MustCompile(`\b(?:status|action|kind|case|dash|tab|m|nav|pub|admin|grid|gridtype|gridpos|report|holidays|due)\.[a-z_.]+\b`).FindString(textOf(res.body)); m != "" {
				t.Errorf("%s GET %s: message key %q shown untranslated", tc.user.Username, p, m)
			}
		}
	}
	anon := e.anon()
	for _, p := range []string{"/login", "/public/report", "/public/track"} {
		if res := anon.get(p); res.status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.status)
		}
	}
}

var tagRe = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`)

// textOf answers the text of a page without its markup.
func textOf(html string) string { return tagRe.ReplaceAllString(html, " ") }

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	anon := e.anon()
	if res := anon.get("/inbox"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login?next=%2Finbox") {
		t.Fatalf("inbox without a session: %d %s", res.status, res.location)
	}
	res := anon.post("/login", url.Values{"username": {"sz-dispatcher"}, "password": {"wrong-password"}})
	if res.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.status)
	}
	mustContain(t, res.body, "用户名或密码不正确")
	res = anon.post("/login", url.Values{"username": {"sz-dispatcher"}, "password": {"pingan-test-password"}, "next": {"/dashboard"}})
	if res.status != http.StatusSeeOther || res.location != "/dashboard" {
		t.Fatalf("login: %d %s", res.status, res.location)
	}
	var cookie string
	for _, h := range res.header.Values("Set-Cookie") {
		if strings.HasPrefix(h, sessionCookie+"=") {
			cookie = h
		}
	}
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie over plain HTTP: %s", cookie)
	}
	// An open redirect is refused.
	res = e.anon().post("/login", url.Values{"username": {"sz-dispatcher"}, "password": {"pingan-test-password"}, "next": {"//evil.example/"}})
	if res.location != "/inbox" {
		t.Errorf("login with next=//evil.example: to %s", res.location)
	}

	c := e.login(e.fx.CountyDispatcher)
	if res := c.get("/inbox"); res.status != http.StatusOK {
		t.Fatalf("inbox: %d", res.status)
	}
	// Logout needs the form's token.
	if res := c.post("/logout", url.Values{"csrf": {"forged"}}); res.status != http.StatusForbidden {
		t.Errorf("logout with a forged token: %d", res.status)
	}
	if res := c.post("/logout", nil); res.status != http.StatusSeeOther || res.location != "/login" {
		t.Fatalf("logout: %d %s", res.status, res.location)
	}
	if res := c.get("/inbox"); res.status != http.StatusSeeOther {
		t.Errorf("inbox after logout: %d", res.status)
	}
}

func TestSecureCookieOverTLS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := httptest.NewRequest(http.MethodPost, "https://pingan.example/login",
		strings.NewReader(url.Values{"username": {"sz-dispatcher"}, "password": {"pingan-test-password"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Errorf("login over TLS: %d, cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyDispatcher)
	e.clock.Advance(25 * time.Minute)
	if res := c.get("/inbox"); res.status != http.StatusOK {
		t.Fatalf("inbox after 25 idle minutes: %d", res.status)
	}
	e.clock.Advance(31 * time.Minute)
	res := c.get("/inbox")
	if res.status != http.StatusSeeOther || !strings.Contains(res.location, "expired=1") {
		t.Fatalf("inbox after 31 idle minutes: %d %s", res.status, res.location)
	}
	// The session is over in the store too.
	if res := c.get("/inbox"); res.status != http.StatusSeeOther {
		t.Errorf("the idle session lives on: %d", res.status)
	}
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyDispatcher)
	mustContain(t, c.get("/inbox").body, "工作台", "待受理")
	res := c.get("/lang/en?next=/inbox%3Ftab%3Dall")
	if res.status != http.StatusSeeOther || res.location != "/inbox?tab=all" {
		t.Fatalf("switch: %d %s", res.status, res.location)
	}
	body := c.get("/inbox").body
	mustContain(t, body, "Inbox", "To register", `lang="en"`)
	mustNotContain(t, body, "待受理")
	c.get("/lang/zh?next=/")
	mustContain(t, c.get("/inbox").body, "待受理")
	// The switch never sends anyone elsewhere.
	if res := c.get("/lang/en?next=https://evil.example/"); res.location != "/" {
		t.Errorf("switch to an outside page: %s", res.location)
	}
}

// Forms refuse a missing or forged token and cross-origin posts.
func TestFormsRefuseForgery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cs := e.newCase(e.fx.GridWorker, "0102", "噪音扰民")
	c := e.login(e.fx.CountyDispatcher)
	accept := url.Values{"action": {"accept"}}
	for _, tc := range []struct {
		name    string
		form    url.Values
		headers []string
	}{
		{"no token", url.Values{"action": {"accept"}, "csrf": {""}}, nil},
		{"forged token", url.Values{"action": {"accept"}, "csrf": {"AAAA"}}, nil},
		{"cross-origin", accept, []string{"Origin", "https://evil.example"}},
		{"cross-site fetch", accept, []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		res := c.post("/cases/"+cs.ID+"/act", tc.form, tc.headers...)
		want := pingan.Text(pingan.ZH, "error.csrf")
		if strings.HasPrefix(tc.name, "cross") {
			want = pingan.Text(pingan.ZH, "error.crossorigin")
		}
		if res.status != http.StatusForbidden || !strings.Contains(res.body, want) {
			t.Errorf("%s: %d, want 403 saying %q", tc.name, res.status, want)
		}
	}
	// In English, the same refusals in English.
	en := e.login(e.fx.CountyDispatcher)
	en.get("/lang/en?next=/")
	for key, headers := range map[string][]string{"error.csrf": nil, "error.crossorigin": {"Sec-Fetch-Site", "cross-site"}} {
		form := url.Values{"action": {"accept"}}
		if headers == nil {
			form.Set("csrf", "AAAA")
		}
		if res := en.post("/cases/"+cs.ID+"/act", form, headers...); res.status != http.StatusForbidden || !strings.Contains(res.body, pingan.Text(pingan.EN, key)) {
			t.Errorf("%s in English: %d, want %q", key, res.status, pingan.Text(pingan.EN, key))
		}
	}
	got, _ := e.db.Cases.FindCase(context.Background(), e.fx.CountyDispatcher, cs.ID)
	if got.Status != pingan.StatusReported {
		t.Fatalf("a refused form moved the case to %s", got.Status)
	}
	// The citizen pages have no session: the origin check guards them.
	res := e.anon().post("/public/report", url.Values{"category": {"FW01"}, "unit": {"620902001001"}, "title": {"路灯坏了"}},
		"Origin", "https://evil.example")
	if res.status != http.StatusForbidden {
		t.Errorf("cross-origin public report: %d", res.status)
	}
	// With the token the same form works.
	res = c.post("/cases/"+cs.ID+"/act", accept)
	if res.status != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.status, res.body)
	}
}

// A user never sees a case or unit outside their jurisdiction, also by
// guessing URLs: the answer is 404, the same as for what does not exist.
func TestJurisdiction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := e.newCase(e.fx.OtherGridWorker, "0102", "金塔村宅基地纠纷")
	mine := e.newCase(e.fx.GridWorker, "0102", "富康社区邻里纠纷")
	ref := storetest.AttachPhoto(t, e.db.Cases, e.fx.OtherGridWorker, other.ID, pngBytes)
	sum := strings.TrimPrefix(ref, "sha256:")

	c := e.login(e.fx.CountyDispatcher)
	for _, p := range []string{"/cases/" + other.ID, "/cases/" + other.ID + "/files/" + sum,
		"/cases/2026-620902-999999", "/cases/not-a-case", "/dashboard?unit=620921", "/dashboard?unit=620921100001"} {
		if res := c.get(p); res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, res.status)
		}
	}
	if res := c.post("/cases/"+other.ID+"/act", url.Values{"action": {"accept"}}); res.status != http.StatusNotFound {
		t.Errorf("act on a case outside: %d", res.status)
	}
	// Nor do lists show it.
	for _, p := range []string{"/inbox", "/inbox?tab=all", "/inbox?tab=all&q=" + url.QueryEscape(other.ID)} {
		body := c.get(p).body
		mustNotContain(t, body, "/cases/"+other.ID, "金塔村宅基地纠纷")
	}
	mustContain(t, c.get("/inbox?tab=all").body, mine.ID)
	// The dispatch list offers units of the jurisdiction only.
	body := c.get("/cases/" + mine.ID).body
	e.act(e.fx.CountyDispatcher, mine.ID, pingan.ActionInput{Action: pingan.ActAccept})
	body = c.get("/cases/" + mine.ID).body
	mustContain(t, body, `value="620902-zjj"`)
	mustNotContain(t, body, `value="620921`, "金塔")
	// The grid worker of 富康社区 does not see 金塔's, nor the county's other units on the dashboard.
	g := e.login(e.fx.GridWorker)
	if res := g.get("/cases/" + other.ID); res.status != http.StatusNotFound {
		t.Errorf("grid worker reads a case of another county: %d", res.status)
	}
	if res := g.get("/dashboard?unit=620902001002"); res.status != http.StatusNotFound {
		t.Errorf("grid worker reads the dashboard of another community: %d", res.status)
	}
	mustNotContain(t, g.get("/m").body, other.ID)
	// The other county's dispatcher sees theirs, with its photo.
	o := e.login(e.fx.OtherDispatcher)
	if res := o.get("/cases/" + other.ID + "/files/" + sum); res.status != http.StatusOK || res.header.Get("Content-Type") != "image/png" {
		t.Errorf("photo for its own dispatcher: %d %s", res.status, res.header.Get("Content-Type"))
	}
	// A photo of one case is not served through another case.
	if res := o.get("/cases/" + other.ID + "/files/" + strings.Repeat("0", 64)); res.status != http.StatusNotFound {
		t.Errorf("unknown photo: %d", res.status)
	}
	// Administration is for administrators.
	for _, p := range []string{"/admin/units", "/admin/users", "/admin/categories", "/admin/holidays"} {
		if res := c.get(p); res.status != http.StatusForbidden {
			t.Errorf("dispatcher GET %s: %d", p, res.status)
		}
	}
	if res := c.post("/admin/users", url.Values{"username": {"x1"}}); res.status != http.StatusForbidden {
		t.Errorf("dispatcher adds a user: %d", res.status)
	}
}

func TestInboxByRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newCase(e.fx.GridWorker, "0102", "邻里噪音")
	b := e.newCase(e.fx.GridWorker, "FW01", "路灯不亮")
	e.act(e.fx.CountyDispatcher, b.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.CountyDispatcher, b.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: "620902-zjj"})

	d := e.login(e.fx.CountyDispatcher)
	body := d.get("/inbox").body
	mustContain(t, body, `id="tab-register"`, `id="tab-dispatch"`, `id="tab-verify"`, a.ID)
	mustNotContain(t, body, `id="tab-sign"`, b.ID)
	if !regexp.MustCompile(`id="tab-register"[^>]*>待受理 <span class="count">1</span>`).MatchString(body) {
		t.Errorf("register count: %s", regexp.MustCompile(`id="tab-register".*`).FindString(body))
	}
	// Filters.
	mustNotContain(t, d.get("/inbox?tab=all&kind=service").body, a.ID)
	mustContain(t, d.get("/inbox?tab=all&kind=service").body, b.ID)
	mustContain(t, d.get("/inbox?tab=all&q="+url.QueryEscape("路灯")).body, b.ID)
	mustContain(t, d.get("/inbox?tab=all&status=dispatched").body, b.ID)
	if res := d.get("/inbox?tab=all&kind=nonsense"); res.status != http.StatusBadRequest {
		t.Errorf("unknown kind: %d", res.status)
	}

	h := e.login(e.fx.CountyHandler)
	body = h.get("/inbox").body
	mustContain(t, body, `id="tab-sign"`, b.ID)
	mustNotContain(t, body, `id="tab-register"`)
	// The township handler does not get the county department's case to sign.
	mustNotContain(t, e.login(e.fx.TownshipHandler).get("/inbox?tab=sign").body, b.ID)

	// Overdue first: after the resolve deadline passes and the escalator
	// marks it, the case is listed under 已超期.
	e.clock.Advance(30 * 24 * time.Hour)
	if _, err := e.db.Cases.EscalateDue(context.Background(), e.clock.Now(), 100); err != nil {
		t.Fatal(err)
	}
	body = e.login(e.fx.CityDispatcher).get("/inbox?tab=open").body
	if i, j := strings.Index(body, `class="overdue-h"`), strings.Index(body, a.ID); i < 0 || j < i {
		t.Errorf("overdue case not listed first (heading at %d, case at %d)", i, j)
	}
	mustContain(t, body, "已超期")
}

func TestInboxPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range inboxPage + 5 {
		e.newCase(e.fx.GridWorker, "FW03", "环境卫生问题 "+string(rune('A'+i%26)))
		e.clock.Advance(time.Minute)
	}
	c := e.login(e.fx.CountyDispatcher)
	body := c.get("/inbox?tab=all").body
	next := regexp.MustCompile(`href="(/inbox\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page")
	}
	first := strings.Count(body, `<td class="num">`)
	second := strings.Count(c.get(strings.ReplaceAll(next[1], "&amp;", "&")).body, `<td class="num">`)
	if first != inboxPage || second != 5 {
		t.Errorf("pages of %d and %d rows, want %d and 5", first, second, inboxPage)
	}
}

func TestCasePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cs := e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	d := e.login(e.fx.CountyDispatcher)
	body := d.get("/cases/" + cs.ID).body
	mustContain(t, body, "楼上漏水", "张三丰", "13812345678", `id="act-accept"`, `id="act-reject"`, "还剩 10 个工作日", "已记入审计日志")
	mustNotContain(t, body, `id="act-sign"`, `id="act-close"`)
	// A viewer reads personal data masked and may do nothing.
	v := e.login(e.fx.Viewer)
	body = v.get("/cases/" + cs.ID).body
	mustContain(t, body, "张**", "138****5678", "个人信息已脱敏显示")
	mustNotContain(t, body, "张三丰", "13812345678", `id="act-accept"`, `id="act-reject"`, `id="act-comment"`)
	// The error is shown beside the field, the input kept.
	res := d.post("/cases/"+cs.ID+"/act", url.Values{"action": {"reject"}, "reason": {"  "}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("reject without a reason: %d", res.status)
	}
	if !regexp.MustCompile(`(?s)id="reject-reason".*?<span class="field-error" role="alert">必填</span>`).MatchString(res.body) {
		t.Error("no error beside the reason field")
	}
	// A conflict is shown at the top.
	res = d.post("/cases/"+cs.ID+"/act", url.Values{"action": {"close"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, `id="case-error"`) {
		t.Errorf("close a reported case: %d", res.status)
	}
	// The loop through the forms.
	steps := []struct {
		c    *client
		form url.Values
		want pingan.Status
	}{
		{d, url.Values{"action": {"accept"}}, pingan.StatusAccepted},
		{d, url.Values{"action": {"dispatch"}, "to_unit": {"620902-zjj"}}, pingan.StatusDispatched},
		{e.login(e.fx.CountyHandler), url.Values{"action": {"sign"}}, pingan.StatusInProgress},
	}
	for _, s := range steps {
		if res := s.c.post("/cases/"+cs.ID+"/act", s.form); res.status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", s.form.Get("action"), res.status, res.body)
		}
		got, _ := e.db.Cases.FindCase(context.Background(), e.fx.CountyDispatcher, cs.ID)
		if got.Status != s.want {
			t.Fatalf("%s: status %s, want %s", s.form.Get("action"), got.Status, s.want)
		}
	}
	h := e.login(e.fx.CountyHandler)
	res = h.postMultipart("/cases/"+cs.ID+"/act", url.Values{"action": {"resolve"}, "result": {"已维修管道"}},
		[]upload{{"photos", "after.png", pngBytes}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("resolve with a photo: %d %s", res.status, res.body)
	}
	body = d.get("/cases/" + cs.ID + "?done=close").body
	mustContain(t, body, "已维修管道", `/files/`, `id="act-close"`, `id="act-rework"`)
	// Extend needs days: the error names the field.
	res = d.post("/cases/"+cs.ID+"/act", url.Values{"action": {"supervise"}, "note": {"督办"}, "deadline": {"tomorrow"}})
	if res.status != http.StatusBadRequest && res.status != http.StatusForbidden {
		t.Errorf("supervise with a bad deadline: %d", res.status)
	}
}

func TestReportWithPhotos(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyDispatcher)
	form := url.Values{"source": {"hotline"}, "category": {"AQ01"}, "title": {"商铺消防通道堵塞"},
		"description": {"东北街 3 号商铺堆放杂物堵塞消防通道"}, "unit": {"620902001001"}, "address": {"东北街 3 号"},
		"lat": {"39.7446"}, "lng": {"98.5083"}, "reporter_name": {"李四"}, "reporter_phone": {"13900001111"}}
	res := c.postMultipart("/report", form, []upload{{"photos", "scene.png", pngBytes}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/cases/") {
		t.Fatalf("report: %d %s\n%s", res.status, res.location, res.body)
	}
	page := c.get(res.location).body
	mustContain(t, page, "商铺消防通道堵塞", "李四", "39.74460", "已完成：上报")
	sum := regexp.MustCompile(`/files/([0-9a-f]{64})`).FindStringSubmatch(page)
	if sum == nil {
		t.Fatal("no photo on the case page")
	}
	if res := c.get(strings.SplitN(res.location, "?", 2)[0] + "/files/" + sum[1]); res.status != http.StatusOK || res.body != string(pngBytes) {
		t.Errorf("photo served: %d", res.status)
	}
	// Bad photos and fields are named beside the field.
	for _, tc := range []struct {
		name  string
		data  []byte
		field string
	}{
		{"a GIF", []byte("GIF89a\x01\x00\x01\x00"), "photos"},
		{"a script", []byte("<script>alert(1)</script>"), "photos"},
		{"too large", append(append([]byte{}, pngBytes...), make([]byte, pingan.MaxPhotoBytes)...), "photos"},
	} {
		res := c.postMultipart("/report", form, []upload{{"photos", "x.png", tc.data}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `class="field-error"`) {
			t.Errorf("%s: %d", tc.name, res.status)
		}
	}
	bad := url.Values{"source": {"hotline"}, "title": {"x"}, "lat": {"north"}, "lng": {"98.5"}}
	res = c.postMultipart("/report", bad, nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad report: %d", res.status)
	}
	mustContain(t, res.body, "纬度应为数字")
	bad.Set("lat", "39.7")
	res = c.postMultipart("/report", bad, nil)
	mustContain(t, res.body, "必填", `value="x"`)
}

func TestMobileReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := e.login(e.fx.GridWorker)
	mustContain(t, g.get("/m").body, `id="quick"`, "尚未分配网格")
	form := url.Values{"category": {"FW03"}, "description": {"垃圾桶满溢"}, "lat": {"39.74"}, "lng": {"98.51"}, "key": {"k-123"}}
	send := func() map[string]any {
		res := g.postMultipart("/m/report", form, []upload{{"photos", "p.png", pngBytes}},
			"Accept", "application/json", "X-CSRF-Token", g.csrf)
		if res.status != http.StatusOK {
			t.Fatalf("mobile report: %d %s", res.status, res.body)
		}
		var out map[string]any
		json.Unmarshal([]byte(res.body), &out)
		return out
	}
	first, again := send(), send()
	if first["number"] == "" || first["number"] != again["number"] {
		t.Errorf("the same key made two cases: %v %v", first, again)
	}
	// Handled on the spot needs a result.
	form = url.Values{"category": {"FW03"}, "description": {"小广告"}, "resolved_on_site": {"1"}, "key": {"k-124"}}
	res := g.postMultipart("/m/report", form, nil, "Accept", "application/json", "X-CSRF-Token", g.csrf)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, `"result"`) {
		t.Errorf("on the spot without a result: %d %s", res.status, res.body)
	}
	form.Set("result", "已清理")
	res = g.postMultipart("/m/report", form, nil, "Accept", "application/json", "X-CSRF-Token", g.csrf)
	if res.status != http.StatusOK || !strings.Contains(res.body, `"status":"resolved"`) {
		t.Errorf("on the spot: %d %s", res.status, res.body)
	}
	// The error is the JSON API's, in the page's language: the same
	// fields, the message with its key.
	form = url.Values{"category": {"FW03"}, "description": {"小广告"}, "resolved_on_site": {"1"}, "key": {"k-125"}}
	bodies := map[pingan.Lang]httpx.ErrorBody{}
	for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
		if lang == pingan.EN {
			g.get("/lang/en?next=/m")
		}
		res := g.postMultipart("/m/report", form, nil, "Accept", "application/json", "X-CSRF-Token", g.csrf)
		var b httpx.ErrorBody
		if err := json.Unmarshal([]byte(res.body), &b); err != nil || res.status != http.StatusBadRequest ||
			b.Error.Code != "invalid" || b.Error.MessageKey == "" || b.Error.Message != pingan.Text(lang, b.Error.MessageKey) {
			t.Errorf("%s: %d %s", lang, res.status, res.body)
		}
		bodies[lang] = b
	}
	zh, en := bodies[pingan.ZH].Error, bodies[pingan.EN].Error
	if zh.Message == en.Message || len(zh.Fields) == 0 || len(zh.Fields) != len(en.Fields) || zh.Fields["result"] == en.Fields["result"] ||
		zh.FieldKeys["result"] != en.FieldKeys["result"] {
		t.Errorf("Chinese %+v, English %+v", zh, en)
	}
	g.get("/lang/zh?next=/m")
	// Without the token the script's post is refused.
	res = g.postMultipart("/m/report", url.Values{"csrf": {""}, "category": {"FW03"}, "description": {"x"}}, nil, "Accept", "application/json")
	if res.status != http.StatusForbidden {
		t.Errorf("mobile report without a token: %d", res.status)
	}
	mustContain(t, g.get("/m").body, "垃圾桶满溢")
}

func TestPublicReportTrackAndRate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	citizen := e.anon()
	res := citizen.postMultipart("/public/report", url.Values{"category": {"FW01"}, "unit": {"620902001001"},
		"title": {"小区路灯不亮"}, "description": {"富康小区 3 栋前路灯一周不亮"}, "reporter_name": {"王五"},
		"reporter_phone": {"13700002222"}}, []upload{{"photos", "lamp.png", pngBytes}})
	if res.status != http.StatusOK {
		t.Fatalf("public report: %d %s", res.status, res.body)
	}
	number := regexp.MustCompile(`id="receipt-number">([^<]+)<`).FindStringSubmatch(res.body)
	code := regexp.MustCompile(`id="receipt-code">([^<]+)<`).FindStringSubmatch(res.body)
	if number == nil || code == nil {
		t.Fatalf("no receipt: %s", res.body)
	}
	link := statusLink(number[1], code[1])
	mustContain(t, res.body, strings.ReplaceAll(link, "&", "&amp;"))
	page := citizen.get(link)
	if page.status != http.StatusOK {
		t.Fatalf("status page: %d", page.status)
	}
	mustContain(t, page.body, "已上报", "富康社区", "路灯损坏")
	mustNotContain(t, page.body, "王五", "13700002222", "一周不亮", `id="rate"`)
	// A wrong code is the same as no such case.
	if res := citizen.get(statusLink(number[1], "WRONGCOD")); res.status != http.StatusNotFound {
		t.Errorf("wrong code: %d", res.status)
	}
	if res := citizen.get(statusLink("2026-620902-999999", code[1])); res.status != http.StatusNotFound {
		t.Errorf("wrong number: %d", res.status)
	}
	// Rating before the case is closed is refused.
	if res := citizen.post("/public/cases/"+number[1]+"/rate", url.Values{"code": {code[1]}, "satisfaction": {"satisfied"}}); res.status != http.StatusConflict {
		t.Errorf("rate an open case: %d", res.status)
	}
	// Staff see the citizen's contact and photo.
	d := e.login(e.fx.CountyDispatcher)
	mustContain(t, d.get("/cases/"+number[1]).body, "王五", "13700002222", "/files/", "群众反映")
	// Close it, then the citizen rates once.
	e.act(e.fx.CountyDispatcher, number[1], pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.CountyDispatcher, number[1], pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: "620902-zjj"})
	e.act(e.fx.CountyHandler, number[1], pingan.ActionInput{Action: pingan.ActSign})
	e.act(e.fx.CountyHandler, number[1], pingan.ActionInput{Action: pingan.ActResolve, Result: "已更换灯泡"})
	e.act(e.fx.CountyDispatcher, number[1], pingan.ActionInput{Action: pingan.ActClose})
	page = citizen.get(link)
	mustContain(t, page.body, `id="rate"`, "已结案")
	mustContain(t, page.body, "已更换灯泡") // the result, before the rating (issue 19)
	mustNotContain(t, page.body, "区住建局处置员")
	if res := citizen.post("/public/cases/"+number[1]+"/rate", url.Values{"code": {code[1]}}); res.status != http.StatusBadRequest {
		t.Errorf("rate without a rating: %d", res.status)
	}
	res = citizen.post("/public/cases/"+number[1]+"/rate", url.Values{"code": {strings.ToLower(code[1])}, "satisfaction": {"satisfied"}, "note": {"很及时"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("rate: %d %s", res.status, res.body)
	}
	mustContain(t, citizen.get(link).body, `id="public-rating">满意`)
	if res := citizen.post("/public/cases/"+number[1]+"/rate", url.Values{"code": {code[1]}, "satisfaction": {"dissatisfied"}}); res.status != http.StatusConflict {
		t.Errorf("rate twice: %d", res.status)
	}
	got, _ := e.db.Cases.FindCase(context.Background(), e.fx.CountyDispatcher, number[1])
	if got.Satisfaction == nil || *got.Satisfaction != pingan.Satisfied {
		t.Errorf("satisfaction in the store: %v", got.Satisfaction)
	}
	// Guessing codes is stopped.
	guesser := e.anon()
	for range limit.DefaultQuery.Burst {
		guesser.get(statusLink(number[1], "AAAAAAAA"))
	}
	if res := guesser.get(link); res.status != http.StatusTooManyRequests {
		t.Errorf("after %d failed look-ups: %d", limit.DefaultQuery.Burst, res.status)
	}
}

func TestPublicReportErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.anon().postMultipart("/public/report", url.Values{"unit": {"620902"}, "title": {"x"}}, nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad public report: %d", res.status)
	}
	mustContain(t, res.body, "请选择所在的乡镇", `value="x"`)
}

func TestAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Admin)
	mustContain(t, a.get("/admin/units").body, "肃州区", "620902001001")
	res := a.post("/admin/units", url.Values{"csv": {"code,name,level,parent_code\n620902001003,新华社区,village,620902001000\n"}})
	if res.status != http.StatusOK {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	mustContain(t, res.body, "新增 1", "新华社区")
	res = a.post("/admin/units", url.Values{"csv": {"code,name,level,parent_code\n620902001004,坏行,hamlet,620902001000\n"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="import-errors"`) {
		t.Errorf("bad import: %d", res.status)
	}
	// Users.
	res = a.post("/admin/users", url.Values{"username": {"xh-grid"}, "name": {"新华网格员"}, "unit": {"620902001003"},
		"role": {"grid_worker"}, "password": {"a-long-password"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", res.status, res.body)
	}
	res = a.post("/admin/users", url.Values{"username": {"xh-grid"}, "unit": {"620902001003"}, "role": {"grid_worker"}, "password": {"a-long-password"}})
	if res.status != http.StatusConflict {
		t.Errorf("add a user twice: %d", res.status)
	}
	// The directory lists the new account.
	mustContain(t, a.get("/admin/users").body, "xh-grid", "新华网格员", e.fx.CountyDispatcher.Username)
	res = a.post("/admin/users", url.Values{"username": {"x"}, "unit": {""}, "password": {"short"}})
	if res.status != http.StatusBadRequest || strings.Count(res.body, `class="field-error"`) < 2 {
		t.Errorf("bad user: %d", res.status)
	}
	// Categories.
	res = a.post("/admin/categories", url.Values{"row": {"FW01"}, "code": {"FW01"}, "kind": {"service"}, "name": {"路灯损坏"},
		"sign_n": {"0"}, "sign_unit": {"hours"}, "resolve_n": {"3"}, "resolve_unit": {"working"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "签收时限：") { // named as its column
		t.Errorf("bad policy: %d", res.status)
	}
	res = a.post("/admin/categories", url.Values{"row": {"FW01"}, "code": {"FW01"}, "kind": {"service"}, "name": {"路灯损坏"},
		"sign_n": {"12"}, "sign_unit": {"hours"}, "resolve_n": {"2"}, "resolve_unit": {"working"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("save category: %d %s", res.status, res.body)
	}
	cats, _ := e.db.Categories.Categories(context.Background())
	for _, c := range cats {
		if c.Code == "FW01" && (c.Policy.Sign.N != 12 || c.Policy.Resolve.N != 2) {
			t.Errorf("policy not saved: %+v", c.Policy)
		}
	}
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newCase(e.fx.GridWorker, "0102", "纠纷一")
	e.newCase(e.fx.GridWorker, "FW01", "路灯二")
	e.act(e.fx.CountyDispatcher, a.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.CountyDispatcher, a.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: "620902-zjj"})
	e.act(e.fx.CountyHandler, a.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(e.fx.CountyHandler, a.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "调解成功"})
	l := e.login(e.fx.CityLeader)
	body := l.get("/dashboard").body
	metric := func(body, id string) string {
		m := regexp.MustCompile(`(?s)id="metric-` + id + `">.*?<div class="value">([^<]*)</div>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no metric %s", id)
		}
		return m[1]
	}
	if got := metric(body, "received"); got != "2" {
		t.Errorf("received %s, want 2", got)
	}
	if got := metric(body, "resolution"); got != "50.0%" {
		t.Errorf("resolution %s, want 50.0%%", got)
	}
	mustContain(t, body, "<svg", "同比", "环比", "酒泉市", `href="/dashboard?at=2026-03&amp;period=month&amp;unit=620902"`, "本单位下暂无网格")
	// Drill down.
	body = l.get("/dashboard?unit=620902001000").body
	mustContain(t, body, "东北街街道", "富康社区")
	if got := metric(body, "received"); got != "2" {
		t.Errorf("township received %s", got)
	}
	if got := metric(l.get("/dashboard?unit=620921").body, "received"); got != "0" {
		t.Errorf("金塔县 received %s", got)
	}
}

// TestCatalogue: every key the templates ask for is in pingan's one
// catalogue, which has the pages' words (the root package's tests check
// both languages of every key and the keys of the Go code).
func TestCatalogue(t *testing.T) {
	t.Parallel()
	files, err := templateFiles()
	if err != nil {
		t.Fatal(err)
	}
	idRe := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	n := 0
	for _, f := range files {
		b, _ := assets.ReadFile(f)
		for _, m := range idRe.FindAllStringSubmatch(string(b), -1) {
			n++
			if !pingan.HasMessage(m[1]) {
				t.Errorf("%s: message %q is not in the catalogue", f, m[1])
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d message keys in the templates: the scan is broken", n)
	}
	keys, _ := pingan.MessageKeys()
	for _, pre := range []string{"tab.", "dash.rate.", "dash.by.", "status.", "action.", "kind.", "role.", "level."} {
		found := false
		for _, k := range keys {
			found = found || strings.HasPrefix(k, pre)
		}
		if !found {
			t.Errorf("no messages %s*", pre)
		}
	}
	// The names the pages make from the domain's values.
	var v view
	for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
		v.Lang = lang
		for _, st := range pingan.Statuses {
			if name := v.Status(st); name == "" || name == "status."+string(st) {
				t.Errorf("%s: status %s is named %q", lang, st, name)
			}
		}
		for _, a := range append([]pingan.ActionName{pingan.ActReport, pingan.ActRecount}, pingan.ActionNames...) {
			if name := v.Action(a); name == "" || name == "action."+string(a) {
				t.Errorf("%s: action %s is named %q", lang, a, name)
			}
		}
		for _, r := range pingan.Roles {
			if name := v.Role(r); name == "" || name == "role."+string(r) {
				t.Errorf("%s: role %s is named %q", lang, r, name)
			}
		}
	}
}

// TestFormErrorKeys: the keys of the form errors that reach the catalogue
// only through pingan.BadTextError are written.
func TestFormErrorKeys(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"form.file.text", "text.nul", "text.utf8"} {
		if !pingan.HasMessage(key) {
			t.Errorf("%q is not in the catalogue", key)
		}
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"/inbox": "/inbox", "//evil": "/", "https://evil": "/", "/\\evil": "/", "": "/", "/a\r\nb": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q", in, got)
		}
	}
}

// Grids: the dashboard's map and the phone page show the grids of the
// jurisdiction only, shaded by load; a grid drills down to its cases.
func TestGrids(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	c, err := e.db.Cases.CreateCase(context.Background(), e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindService, Category: "FW03",
		Title: "垃圾满溢", Location: &pingan.Location{Lat: 39.755, Lng: 98.505}})
	if err != nil {
		t.Fatal(err)
	}
	d := e.login(e.fx.CountyDispatcher)
	body := d.get("/dashboard").body
	mustContain(t, body, `<svg class="map"`, "富康社区第一网格", "南苑社区第一网格", "银达村网格", `class="load`)
	mustNotContain(t, body, "金塔村网格")
	if c.Grid != "" {
		mustContain(t, body, `href="/inbox?from=2026-03-01&amp;grid=`+url.QueryEscape(c.Grid)+`&amp;tab=all&amp;to=2026-03-31&amp;unit=620902"`)
		mustContain(t, d.get("/inbox?tab=all&grid="+url.QueryEscape(c.Grid)).body, c.ID)
		mustNotContain(t, d.get("/inbox?tab=all&grid=620902001002-01").body, "/cases/"+c.ID)
	}
	mustContain(t, e.login(e.fx.GridWorker).get("/m").body, "富康社区第一网格")
	o := e.login(e.fx.OtherGridWorker).get("/m").body
	mustContain(t, o, "金塔村网格")
	mustNotContain(t, o, "富康社区")
	mustNotContain(t, e.login(e.fx.OtherDispatcher).get("/dashboard").body, "富康社区第一网格")
}
