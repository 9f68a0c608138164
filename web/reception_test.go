package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// noLatin fails the test when the Chinese page holds a Latin word.
func noLatin(t *testing.T, path, body string) {
	t.Helper()
	if ws := latinWords(body); len(ws) > 0 {
		t.Errorf("%s: Latin words on a Chinese page: %v", path, ws)
	}
}

// The schedule's pages: a bad day is refused with the field marked and
// nothing saved; a good one is listed, published with its button, and
// shown to citizens on the public page (linked from the public menu) with
// its leader, post, centre, time and place; an unpublished day is not.
func TestReceptionSchedulePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cl := e.login(e.fx.CountyDispatcher)
	tomorrow := pingan.Day(e.clock.Now().AddDate(0, 0, 1))
	form := func(from, to, place string) url.Values {
		return url.Values{"leader_id": {strconv.FormatInt(e.fx.CountyLeader.ID, 10)}, "leader_post": {"区委副书记"},
			"unit": {e.fx.CountyCentre.Code}, "day": {tomorrow}, "time_from": {from}, "time_to": {to}, "place": {place}, "topic": {"城乡建设"}}
	}
	res := cl.post("/reception-days", form("10:00", "09:00", "综治中心接访室"))
	if res.status != http.StatusBadRequest {
		t.Fatalf("a bad day: %d", res.status)
	}
	mustContain(t, html.UnescapeString(res.body), "结束时间 09:00 不晚于开始时间 10:00")
	mustContain(t, res.body, `id="d-to-err"`)
	mustContain(t, res.body, `id="reception-days-none"`)

	if res := cl.post("/reception-days", form("09:00", "11:30", "综治中心接访室")); res.status != http.StatusSeeOther {
		t.Fatalf("a good day: %d %s", res.status, res.body)
	}
	second := form("14:00", "16:00", "银达镇便民服务中心")
	if res := cl.post("/reception-days", second); res.status != http.StatusSeeOther {
		t.Fatalf("a second day: %d", res.status)
	}
	page := cl.get("/reception-days")
	days, err := e.db.Receptions.ReceptionDays(context.Background(), e.fx.CountyDispatcher, "")
	if err != nil || len(days) != 2 {
		t.Fatalf("%d days (%v)", len(days), err)
	}
	mustContain(t, page.body, `id="publish-`+strconv.FormatInt(days[0].ID, 10)+`"`)
	noLatin(t, "/reception-days", page.body)

	anon := e.anon()
	if p := anon.get("/public/receptions"); p.status != http.StatusOK || !strings.Contains(p.body, `id="public-receptions-none"`) {
		t.Errorf("before publishing: %d", p.status)
	}
	if res := cl.post("/reception-days/publish", url.Values{"id": {strconv.FormatInt(days[0].ID, 10)}, "published": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.status)
	}
	pub := anon.get("/public/receptions")
	if pub.status != http.StatusOK {
		t.Fatalf("public page: %d", pub.status)
	}
	for _, want := range []string{e.fx.CountyLeader.Name, "区委副书记", e.fx.CountyCentre.Name, "09:00～11:30", "综治中心接访室", tomorrow} {
		mustContain(t, pub.body, want)
	}
	mustNotContain(t, pub.body, "银达镇便民服务中心")
	noLatin(t, "/public/receptions", pub.body)
	mustContain(t, anon.get("/public/report").body, `href="/public/receptions"`)

	if res := e.login(e.fx.OtherDispatcher).post("/reception-days/publish",
		url.Values{"id": {strconv.FormatInt(days[1].ID, 10)}, "published": {"1"}}); res.status != http.StatusNotFound {
		t.Errorf("another county publishes: %d", res.status)
	}
}

// The records and the matters: a reception about another county's matter
// is refused naming the matters; one about the county's petition is saved
// and its page shows the notes, each read audited; the 积案 page lists the
// matter once it is long-standing, linking its case, with the filters by
// 包案; the leader's 我的包案 lists what they lead.
func TestReceptionRecordAndMattersPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	c := e.newCase(e.fx.CountyDispatcher, "XF01", "征地补偿款未发放")
	other := e.newCase(e.fx.OtherDispatcher, "XF01", "金塔县信访事项")
	cl := e.login(e.fx.CountyDispatcher)
	form := url.Values{"kind": {"visit_down"}, "leader_id": {strconv.FormatInt(e.fx.CountyLeader.ID, 10)}, "unit": {e.fx.CountyCentre.Code},
		"held_on": {pingan.Day(e.clock.Now())}, "place": {"富康社区居委会"}, "people": {"4"}, "notes": {"向来访群众说明补偿方案"},
		"cases": {c.ID + "，" + other.ID}}
	res := cl.post("/receptions", form)
	if res.status != http.StatusBadRequest {
		t.Fatalf("another county's matter: %d", res.status)
	}
	mustContain(t, res.body, `id="r-cases-err"`)
	mustContain(t, res.body, `id="receptions-none"`)

	form.Set("cases", c.ID)
	res = cl.post("/receptions", form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/receptions/record?id=") {
		t.Fatalf("record: %d %s", res.status, res.location)
	}
	page := cl.get(strings.TrimSuffix(res.location, "&created=1"))
	mustContain(t, page.body, "向来访群众说明补偿方案")
	mustContain(t, page.body, `href="/cases/`+c.ID+`"`)
	noLatin(t, "/receptions/record", page.body)
	list := cl.get("/receptions")
	mustContain(t, list.body, `href="/cases/`+c.ID+`"`)
	mustNotContain(t, list.body, "向来访群众说明补偿方案")
	noLatin(t, "/receptions", list.body)

	// The leader leads the matter (包案); a hundred days on it is long-standing.
	if _, err := e.db.Cases.Act(ctx, e.fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActLead, Lead: e.fx.CountyLeader.ID}); err != nil {
		t.Fatalf("lead: %v", err)
	}
	if b := cl.get("/petitions/backlog"); !strings.Contains(b.body, `id="backlog-none"`) {
		t.Errorf("a fresh matter in the backlog")
	}
	e.clock.Advance(100 * 24 * time.Hour)
	cl = e.login(e.fx.CountyDispatcher) // the session ended meanwhile
	b := cl.get("/petitions/backlog")
	mustContain(t, b.body, `href="/cases/`+c.ID+`"`)
	mustContain(t, b.body, e.fx.CountyLeader.Name)
	noLatin(t, "/petitions/backlog", b.body)
	if b := cl.get("/petitions/backlog?lead=no"); strings.Contains(b.body, `href="/cases/`+c.ID+`"`) {
		t.Errorf("a led matter among the unled")
	}
	if b := cl.get("/petitions/backlog?lead=yes"); !strings.Contains(b.body, `href="/cases/`+c.ID+`"`) {
		t.Errorf("a led matter missing among the led")
	}
	if b := cl.get("/petitions/backlog?lead=perhaps"); b.status != http.StatusBadRequest {
		t.Errorf("a bad filter: %d", b.status)
	}

	leader := e.login(e.fx.CountyLeader)
	led := leader.get("/petitions/led")
	mustContain(t, led.body, `href="/cases/`+c.ID+`"`)
	mustContain(t, led.body, "征地补偿款未发放")
	noLatin(t, "/petitions/led", led.body)
	nav := navRe.FindStringSubmatch(led.body)
	if nav == nil || !strings.Contains(nav[1], `href="/petitions/led"`) || !strings.Contains(nav[1], `href="/reception-days"`) {
		t.Errorf("the leader's menu lacks the reception pages")
	}
	if l := e.login(e.fx.CityLeader).get("/petitions/led"); !strings.Contains(l.body, `id="led-none"`) {
		t.Errorf("another leader sees the matter as theirs")
	}
}
