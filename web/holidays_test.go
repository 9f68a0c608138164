package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/store/storetest"
)

// notice2027 is a made-up notice for 2027, a test fixture: the real 2027
// notice is not yet published. It sets 元旦 1–3 January and 春节 5–11
// February, with Saturday 13 February a make-up working day. 11 February
// 2027 is 农历正月初六; notice2027Wrong says 初七, which the parser refuses.
const notice2027 = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（农历正月初六、周四）放假调休，共7天。2月13日（周六）上班。
`

const notice2027Wrong = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（农历正月初七、周四）放假调休，共7天。2月13日（周六）上班。
`

// at2027 is when the tests report their case: a 10-working-day deadline
// from then falls in February 2027, a year counted provisionally.
var at2027 = time.Date(2027, 1, 25, 10, 0, 0, 0, pingan.CST)

// The page shows a year as twelve month grids, marked, for an
// administrator; others are refused; without the service it is not there.
func TestHolidaysPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Admin)
	res := a.get("/admin/holidays")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/holidays: %d\n%s", res.status, res.body)
	}
	// 2026 is shipped; its notice is in: the current year is shown.
	mustContain(t, res.body, "节假日安排", `id="holiday-year">2026 年`, `id="holiday-state">官方`, `href="/admin/holidays" aria-current="page"`,
		`id="month-2026-1"`, `id="month-2026-12"`, `data-date="2026-02-17" title="2026-02-17 春节"`, "2027 <small>暂定</small>",
		"2024 <small>官方</small>", `action="/admin/holidays/preview"`, `action="/admin/holidays/day"`)
	mustNotContain(t, res.body, `id="holiday-banner"`, `id="provisional-note"`)
	if n := strings.Count(res.body, `<table class="month"`); n != 12 {
		t.Errorf("%d month grids, want 12", n)
	}
	// A make-up working day of 2026 (Saturday 28 February) is marked 班.
	if !regexp.MustCompile(`data-date="2026-02-28" title="[^"]*调休上班">28<span class="mark">班</span>`).MatchString(res.body) {
		t.Error("2026-02-28 is not marked as a make-up working day")
	}
	// A provisional year says so; the notice form offers its year.
	res = a.get("/admin/holidays?year=2027")
	mustContain(t, res.body, `id="holiday-state">暂定`,
		"暂定：尚未录入国务院通知，按《全国年节及纪念日放假办法》法定节假日计算，不含调休", `name="year" value="2027"`)
	if n := strings.Count(res.body, `<span class="mark">班</span>`); n != 0 {
		t.Errorf("a provisional year has %d make-up working days", n)
	}
	// In English too, every message translated.
	a.get("/lang/en?next=/")
	body := a.get("/admin/holidays?year=2027").body
	mustContain(t, body, "Holiday arrangements", "Provisional: the State Council notice has not been entered")
	if m := regexp.MustCompile(`\b(?:holidays|due|admin)\.[a-z_.]+\b`).FindString(textOf(body)); m != "" {
		t.Errorf("message key %q shown untranslated", m)
	}
	a.get("/lang/zh?next=/")
	for _, p := range []string{"/admin/holidays?year=1990", "/admin/holidays?year=x"} {
		if res := a.get(p); res.status != http.StatusNotFound && res.status != http.StatusBadRequest {
			t.Errorf("GET %s: %d", p, res.status)
		}
	}
	// The other administration pages link to it.
	mustContain(t, a.get("/admin/categories").body, `<a href="/admin/holidays">节假日安排</a>`)

	// Not for others.
	d := e.login(e.fx.CountyDispatcher)
	if res := d.get("/admin/holidays"); res.status != http.StatusForbidden {
		t.Errorf("dispatcher GET /admin/holidays: %d", res.status)
	}
	for _, p := range []string{"/admin/holidays/preview", "/admin/holidays", "/admin/holidays/day"} {
		if res := d.post(p, url.Values{"text": {notice2027}, "date": {"2027-02-13"}, "kind": {"ordinary"}}); res.status != http.StatusForbidden {
			t.Errorf("dispatcher POST %s: %d", p, res.status)
		}
	}
	if res := e.anon().get("/admin/holidays"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
		t.Errorf("anonymous GET /admin/holidays: %d %s", res.status, res.location)
	}
	if ys, _ := e.db.Calendar.HolidayYears(context.Background()); len(ys) != 0 {
		t.Errorf("refused forms entered %d years", len(ys))
	}

	// Without the calendar service the page is not there, nor its link.
	srv := New(Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats, Calendar: e.db.Calendar,
		Clock: e.clock, Logger: slog.New(slog.DiscardHandler), DataDir: t.TempDir()})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	plain := &env{t: t, db: e.db, fx: e.fx, clock: e.clock, srv: srv, ts: ts}
	pa := plain.login(e.fx.Admin)
	if res := pa.get("/admin/holidays"); res.status != http.StatusNotFound {
		t.Errorf("GET /admin/holidays without the service: %d", res.status)
	}
	mustNotContain(t, pa.get("/admin/categories").body, `href="/admin/holidays"`)
}

// A notice with a line the parser refuses shows the line, its number and
// why, and offers nothing to confirm.
func TestHolidaysPreviewProblems(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Admin)
	res := a.post("/admin/holidays/preview", url.Values{"text": {notice2027Wrong}, "year": {"2027"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("preview of a wrong notice: %d\n%s", res.status, res.body)
	}
	if !regexp.MustCompile(`<tr class="problem"><td class="n">3</td><td class="text">二、春节：[^<]*</td><td>[^<]*正月初六[^<]*</td></tr>`).MatchString(res.body) {
		t.Errorf("the problem of line 3 is not shown:\n%s", res.body)
	}
	mustContain(t, res.body, `id="notice-problems"`, "未录入任何内容")
	mustNotContain(t, res.body, `id="holidays-confirm"`, `action="/admin/holidays" `, `id="recount-moved"`)
	// The text stays in the form, to be corrected.
	mustContain(t, res.body, "农历正月初七、周四")
	// Confirming it anyway (a forged page) enters nothing.
	res = a.post("/admin/holidays", url.Values{"text": {notice2027Wrong}, "year": {"2027"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="notice-problems"`) {
		t.Errorf("confirm of a wrong notice: %d", res.status)
	}
	// Text that is no notice at all, an empty form, a bad year.
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"text": {"你好"}, "year": {"2027"}}, "无法读取通知"},
		{url.Values{"text": {""}}, "必填"},
		{url.Values{"text": {notice2027}, "year": {"27"}}, "年份应为四位数字"},
		{url.Values{"text": {notice2027}, "year": {"2028"}}, "与指定的 2028 年不一致"},
	} {
		res := a.post("/admin/holidays/preview", tc.form)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.want) || strings.Contains(res.body, `id="holidays-confirm"`) {
			t.Errorf("preview %v: %d, want 400 with %q", tc.form, res.status, tc.want)
		}
	}
	if ys, _ := e.db.Calendar.HolidayYears(context.Background()); len(ys) != 0 {
		t.Errorf("%d years entered", len(ys))
	}
}

// A good notice previews the days it sets and the deadlines it would move;
// confirmed, it is entered and the deadline recounted. Until then an
// administrator is asked for the notice, and the deadline is marked 暂定.
func TestHolidaysPreviewAndEnter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clock.Set(at2027)
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水引发邻里纠纷")
	if !c.ResolveByProvisional {
		t.Fatalf("the deadline %v is not provisional", c.ResolveBy)
	}
	a := e.login(e.fx.Admin)
	banner := `<a href="/admin/holidays?year=2027">2027 年节假日安排尚未录入，相关期限按法定节假日暂定计算。请在国务院通知发布后录入 →</a>`
	mustContain(t, a.get("/dashboard").body, banner)
	mustContain(t, a.get("/inbox").body, banner)
	mark := `<span class="tag provisional" title="该年国务院节假日安排尚未发布，此期限按法定节假日暂定计算，发布后将自动重算">暂定</span>`
	d := e.login(e.fx.CountyDispatcher)
	body := d.get("/inbox").body
	mustContain(t, body, mark)
	mustNotContain(t, body, `id="holiday-banner"`) // not an administrator
	body = d.get("/cases/" + c.ID).body
	if !regexp.MustCompile(`id="resolve-due">2027-02-12 23:59 <span class="due[^>]*>[^<]*</span> ` + regexp.QuoteMeta(mark)).MatchString(body) {
		t.Errorf("the resolve deadline is not marked provisional:\n%s", regexp.MustCompile(`id="resolve-due".*`).FindString(body))
	}
	// The default year is the one whose notice is missing.
	mustContain(t, a.get("/admin/holidays").body, `id="holiday-year">2027 年`)

	res := a.post("/admin/holidays/preview", url.Values{"text": {notice2027}})
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "预览：2027 年节假日安排", `id="recount-examined">1<`, `id="recount-moved">1<`, `id="recount-cases">1<`,
		`<a href="/cases/`+c.ID+`">`+c.ID+`</a>`, "<td>办理时限</td>", "2027-02-12 23:59", "2027-02-13 23:59",
		`id="holidays-confirm"`, `data-date="2027-02-13" title="2027-02-13 春节 · 调休上班"`, "2月5日（周五） 至 2月11日（周四）")
	mustNotContain(t, res.body, `id="notice-problems"`)
	// The preview wrote nothing.
	if got, _ := e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID); !got.ResolveBy.Equal(*c.ResolveBy) || !e.db.Calendar.Calendar().IsProvisional(2027) {
		t.Fatalf("the preview moved the deadline to %v", got.ResolveBy)
	}
	// The confirm form carries the text, read again on confirming.
	hidden := regexp.MustCompile(`<input type="hidden" name="text" value="([^"]*)">`).FindStringSubmatch(res.body)
	if hidden == nil {
		t.Fatal("no text in the confirm form")
	}
	res = a.post("/admin/holidays", url.Values{"text": {unescape(hidden[1])}, "year": {""}})
	if res.status != http.StatusSeeOther || res.location != "/admin/holidays?entered=2027&moved=1&year=2027" {
		t.Fatalf("confirm: %d %s\n%s", res.status, res.location, res.body)
	}
	body = a.get(res.location).body
	mustContain(t, body, `<p class="notice" role="status">已录入 2027 年节假日安排，调整了 1 个期限</p>`, `id="holiday-state">已录入`,
		"由 管理员 (admin) 于 2027-01-25 10:00 录入")
	mustNotContain(t, body, `id="provisional-note"`)

	// The deadline moved, as the calendar with the notice counts it.
	want, err := calendar.Official().With(map[int]calendar.Year{2027: {
		Holidays: map[string]string{"2027-01-01": "元旦", "2027-01-02": "元旦", "2027-01-03": "元旦", "2027-02-05": "春节", "2027-02-06": "春节",
			"2027-02-07": "春节", "2027-02-08": "春节", "2027-02-09": "春节", "2027-02-10": "春节", "2027-02-11": "春节"},
		Workdays: map[string]string{"2027-02-13": "春节"}}})
	if err != nil {
		t.Fatal(err)
	}
	due, err := want.Due(c.ReportedAt, 10, calendar.WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID)
	if err != nil || !got.ResolveBy.Equal(due) || got.ResolveByProvisional {
		t.Fatalf("recounted to %v (provisional %v), want %v (%v)", got.ResolveBy, got.ResolveByProvisional, due, err)
	}
	body = d.get("/cases/" + c.ID).body
	mustContain(t, body, `id="resolve-due">2027-02-13 23:59 `, "<strong>时限调整</strong>", "节假日安排更新，办理时限由 2027-02-12 23:59 调整为 2027-02-13 23:59")
	mustNotContain(t, body, mark, "action.recount")
	mustNotContain(t, d.get("/inbox").body, mark)
	mustNotContain(t, a.get("/dashboard").body, `id="holiday-banner"`)
	// In English the entry has its English name.
	d.get("/lang/en?next=/")
	mustContain(t, d.get("/cases/"+c.ID).body, "<strong>Deadline recounted</strong>")
}

// unescape undoes html/template's escaping of an attribute value.
func unescape(s string) string {
	return strings.NewReplacer("&#10;", "\n", "&#13;", "\r", "&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#43;", "+").Replace(s)
}

// One day is corrected: the year is entered again with it; the store's
// refusal is shown beside the form, in Chinese.
func TestHolidaysCorrectDay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Admin)
	// A make-up working day on a Wednesday.
	res := a.post("/admin/holidays/day", url.Values{"date": {"2027-02-10"}, "kind": {"workday"}, "name": {"春节"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("a make-up working day on a Wednesday: %d\n%s", res.status, res.body)
	}
	if !regexp.MustCompile(`id="day-date" name="date" type="date" value="2027-02-10"><span class="field-error" role="alert">调休上班日 2027-02-10 是周三，不是周六或周日</span>`).MatchString(res.body) {
		t.Errorf("the store's error is not beside the date:\n%s", regexp.MustCompile(`(?s)id="day-form".*?</form>`).FindString(res.body))
	}
	mustContain(t, res.body, `<option value="workday" selected>`, `id="holiday-year">2027 年`)
	for _, tc := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"date": {"2027-02-30"}, "kind": {"holiday"}, "name": {"春节"}}, "date", "日期格式应为"},
		{url.Values{"date": {"2027-02-12"}, "kind": {"holiday"}, "name": {" "}}, "name", "必填"},
		{url.Values{"date": {"2027-02-12"}, "kind": {"weekend"}}, "kind", "请选择"},
		{url.Values{"date": {"2028-02-12"}, "kind": {"holiday"}, "name": {"春节"}}, "date", "请先录入 2027 年的节假日安排"},
	} {
		res := a.post("/admin/holidays/day", tc.form)
		if res.status != http.StatusBadRequest || !regexp.MustCompile(`id="day-`+tc.field+`"[^>]*>(?:(?:<option[^>]*>[^<]*</option>)*\s*</select>)?<span class="field-error" role="alert">[^<]*`+tc.want).MatchString(res.body) {
			t.Errorf("%v: %d, want 400 with %q beside %s", tc.form, res.status, tc.want, tc.field)
		}
	}
	if ys, _ := e.db.Calendar.HolidayYears(context.Background()); len(ys) != 0 {
		t.Fatalf("refused corrections entered %d years", len(ys))
	}

	// A good correction of a shipped year keeps the rest of it.
	res = a.post("/admin/holidays/day", url.Values{"date": {"2026-12-31"}, "kind": {"holiday"}, "name": {"元旦"}})
	if res.status != http.StatusSeeOther || res.location != "/admin/holidays?corrected=2026-12-31&moved=0&year=2026" {
		t.Fatalf("correction: %d %s\n%s", res.status, res.location, res.body)
	}
	body := a.get(res.location).body
	mustContain(t, body, "已更正 2026-12-31，调整了 0 个期限", `id="holiday-state">已录入`, `data-date="2026-12-31" title="2026-12-31 元旦"`)
	cal := e.db.Calendar.Calendar()
	if name, ok := cal.Holiday(time.Date(2026, 12, 31, 12, 0, 0, 0, pingan.CST)); !ok || name != "元旦" {
		t.Errorf("2026-12-31 is %q %v", name, ok)
	}
	if name, ok := cal.Holiday(time.Date(2026, 2, 17, 12, 0, 0, 0, pingan.CST)); !ok || name != "春节" {
		t.Errorf("the correction lost 春节 2026: %q %v", name, ok)
	}
	// Back to an ordinary day.
	res = a.post("/admin/holidays/day", url.Values{"date": {"2026-12-31"}, "kind": {"ordinary"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("ordinary: %d", res.status)
	}
	if _, ok := e.db.Calendar.Calendar().Holiday(time.Date(2026, 12, 31, 12, 0, 0, 0, pingan.CST)); ok {
		t.Error("2026-12-31 is still a holiday")
	}

	// An administrator of one county may look but not change the calendar.
	county := &pingan.User{Username: "sz-admin", Name: "区管理员", UnitCode: e.fx.County.Code, Roles: []pingan.Role{pingan.RoleAdmin}}
	if err := e.db.Users.CreateUser(context.Background(), county, storetest.Password); err != nil {
		t.Fatal(err)
	}
	ca := e.login(county)
	if res := ca.get("/admin/holidays"); res.status != http.StatusOK {
		t.Errorf("county administrator GET: %d", res.status)
	}
	res = ca.post("/admin/holidays/day", url.Values{"date": {"2026-12-31"}, "kind": {"holiday"}, "name": {"元旦"}})
	if res.status != http.StatusForbidden || !strings.Contains(res.body, `id="day-error">只有管辖全部单位的系统管理员可以录入节假日安排</p>`) {
		t.Errorf("county administrator corrects a day: %d\n%s", res.status, res.body)
	}
	res = ca.post("/admin/holidays/preview", url.Values{"text": {notice2027}})
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "只有管辖全部单位的系统管理员可以录入节假日安排") ||
		strings.Contains(res.body, `id="holidays-confirm"`) {
		t.Errorf("county administrator previews a notice: %d", res.status)
	}
}

// A notice that starts 元旦 in the December before its year adds those
// days to that year, which keeps the rest of its arrangement; entering
// that year's own notice again keeps them. A year still provisional is
// not entered that way, with nothing else in it.
func TestHolidaysNoticeAcrossYears(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Admin)
	const notice2028 = "国务院办公厅关于2028年部分节假日安排的通知\n一、元旦：2027年12月31日（周五）至2028年1月2日（周日）放假，共3天。\n"
	res := a.post("/admin/holidays/preview", url.Values{"text": {notice2028}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "请先录入 2027 年的节假日安排") || strings.Contains(res.body, `id="holidays-confirm"`) {
		t.Fatalf("a notice reaching into a provisional year: %d\n%s", res.status, res.body)
	}
	if res := a.post("/admin/holidays", url.Values{"text": {notice2027}}); res.status != http.StatusSeeOther {
		t.Fatalf("enter 2027: %d\n%s", res.status, res.body)
	}
	res = a.post("/admin/holidays/preview", url.Values{"text": {notice2028}})
	if res.status != http.StatusOK {
		t.Fatalf("preview 2028: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "录入后的安排 · 2027 年", `id="month-2027-12"`, "录入后的安排 · 2028 年", `id="month-2028-1"`)
	mustNotContain(t, res.body, `id="month-2027-1"`)
	if res := a.post("/admin/holidays", url.Values{"text": {notice2028}}); res.status != http.StatusSeeOther {
		t.Fatalf("enter 2028: %d\n%s", res.status, res.body)
	}
	check := func(when string) {
		t.Helper()
		cal := e.db.Calendar.Calendar()
		for day, want := range map[string]string{"2027-02-10": "春节", "2027-12-31": "元旦", "2028-01-01": "元旦"} {
			d, _ := time.ParseInLocation(time.DateOnly, day, pingan.CST)
			if name, ok := cal.Holiday(d); !ok || name != want {
				t.Errorf("%s: %s is %q, want %s", when, day, name, want)
			}
		}
	}
	check("after 2028")
	if res := a.post("/admin/holidays", url.Values{"text": {notice2027}}); res.status != http.StatusSeeOther {
		t.Fatalf("enter 2027 again: %d\n%s", res.status, res.body)
	}
	check("after 2027 again")
}
