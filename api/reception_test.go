package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/internal/limit"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// newReceptionEnv is newEnv with the reception service configured.
func newReceptionEnv(t *testing.T) *env {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	srv := api.New(api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Receptions: db.Receptions, Clock: clock, Logger: slog.New(slog.DiscardHandler),
	})
	return &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
}

// TestReceptionDays drives the schedule's routes: a bad row answers 400
// naming its fields and writes nothing; a row is created, published with
// PUT and listed; the public list answers without signing in and carries
// the public parts alone; the roles and the other county get what the
// table and the jurisdiction say.
func TestReceptionDays(t *testing.T) {
	e := newReceptionEnv(t)
	disp := e.fx.CountyDispatcher.Username
	tomorrow := pingan.Day(e.clock.Now().AddDate(0, 0, 1))
	body := func(day, from, to, place string, published bool) string {
		return fmt.Sprintf(`{"unit":%q,"leader_id":%d,"leader_post":"区长","day":%q,"time_from":%q,"time_to":%q,"place":%q,"topic":"劳动保障","published":%v}`,
			e.fx.CountyCentre.Code, e.fx.CountyLeader.ID, day, from, to, place, published)
	}
	a := e.do("POST", "/api/v1/reception-days", disp, body("2020-01-01", "10:00", "09:00", "", false))
	f := a.errFields()
	if a.status != http.StatusBadRequest || f["day"] == nil || f["time_to"] == nil || f["place"] == nil || len(f) != 3 {
		t.Fatalf("a bad row: %d %s", a.status, a.raw)
	}
	if l := e.do("GET", "/api/v1/reception-days?from=all", disp, ""); l.status != http.StatusOK || len(l.body["reception_days"].([]any)) != 0 {
		t.Fatalf("after a refusal: %d %s", l.status, l.raw)
	}
	if a := e.do("POST", "/api/v1/reception-days", e.fx.Viewer.Username, body(tomorrow, "09:00", "11:00", "接访室", false)); a.status != http.StatusForbidden ||
		str(a.body, "error", "message_key") != "capability.receptions.forbidden" {
		t.Errorf("a viewer schedules: %d %s", a.status, a.raw)
	}
	a = e.do("POST", "/api/v1/reception-days", disp, body(tomorrow, "09:00", "11:00", "接访室", false))
	if a.status != http.StatusCreated || str(a.body, "leader_name") != e.fx.CountyLeader.Name {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	path := "/api/v1/reception-days/" + fmt.Sprint(a.int64("id"))
	if p := e.do("GET", "/api/v1/public/reception-days", "", ""); p.status != http.StatusOK || len(p.body["reception_days"].([]any)) != 0 {
		t.Errorf("unpublished, the public list: %d %s", p.status, p.raw)
	}
	if u := e.do("PUT", path, e.fx.OtherDispatcher.Username, body(tomorrow, "09:00", "11:00", "接访室", true)); u.status != http.StatusNotFound {
		t.Errorf("another county publishes: %d %s", u.status, u.raw)
	}
	if u := e.do("PUT", path, e.fx.CountyLeader.Username, body(tomorrow, "09:00", "11:00", "接访室", true)); u.status != http.StatusOK {
		t.Fatalf("publish: %d %s", u.status, u.raw)
	}
	p := e.do("GET", "/api/v1/public/reception-days", "", "")
	days, _ := p.body["reception_days"].([]any)
	if p.status != http.StatusOK || len(days) != 1 {
		t.Fatalf("the public list: %d %s", p.status, p.raw)
	}
	pub := days[0].(map[string]any)
	if pub["leader_name"] != e.fx.CountyLeader.Name || pub["unit_name"] != e.fx.CountyCentre.Name || pub["day"] != tomorrow {
		t.Errorf("public day %v", pub)
	}
	for _, k := range []string{"id", "leader_id", "unit", "published"} {
		if _, ok := pub[k]; ok {
			t.Errorf("the public list shows %s: %v", k, pub)
		}
	}
	if l := e.do("GET", "/api/v1/reception-days", e.fx.OtherDispatcher.Username, ""); len(l.body["reception_days"].([]any)) != 0 {
		t.Errorf("another county lists: %s", l.raw)
	}
	// The public list costs a read whatever its answer: each request from
	// an address spends its bucket; past the burst, 429 with Retry-After.
	served := 2 // above
	for range limit.DefaultPublic.Burst {
		if p := e.do("GET", "/api/v1/public/reception-days", "", ""); p.status == http.StatusOK {
			served++
		}
	}
	if served != limit.DefaultPublic.Burst {
		t.Errorf("%d public reads served from one address, want the burst of %d", served, limit.DefaultPublic.Burst)
	}
	if p := e.do("GET", "/api/v1/public/reception-days", "", ""); p.status != http.StatusTooManyRequests ||
		p.header.Get("Retry-After") != "1" || str(p.body, "error", "message_key") != "limit.public" {
		t.Errorf("past the burst: %d %q %s", p.status, p.header.Get("Retry-After"), p.raw)
	}
}

// TestReceptionsAndBacklog records a reception about a petition matter
// (one about another county's matter is 400 naming cases), reads it with
// its notes, lists the backlog with a bad filter refused, and answers a
// leader's 包案 to the leader alone.
func TestReceptionsAndBacklog(t *testing.T) {
	e := newReceptionEnv(t)
	ctx := context.Background()
	c, err := e.db.Cases.CreateCase(ctx, e.fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindPetition, Category: "XF01",
		Title: "征地补偿款未发放", Description: "村民反映征地补偿款至今未发放", Unit: e.fx.Village.Code, Source: pingan.SourceVisit})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.db.Cases.CreateCase(ctx, e.fx.OtherDispatcher, &pingan.NewCase{Kind: pingan.KindPetition, Category: "XF01",
		Title: "金塔县信访", Description: "金塔县的事项", Unit: e.fx.OtherVillage.Code, Source: pingan.SourceVisit})
	if err != nil {
		t.Fatal(err)
	}
	rec := func(cases ...string) string {
		return fmt.Sprintf(`{"kind":"appointment","unit":%q,"leader_id":%d,"held_on":%q,"place":"银达镇政府","people":3,"notes":"约访张某，答复补偿款发放进度","cases":["%s"]}`,
			e.fx.CountyCentre.Code, e.fx.CountyLeader.ID, pingan.Day(e.clock.Now()), strings.Join(cases, `","`))
	}
	disp := e.fx.CountyDispatcher.Username
	a := e.do("POST", "/api/v1/receptions", disp, rec(c.ID, other.ID))
	if a.status != http.StatusBadRequest || a.errFields()["cases"] == nil || len(a.errFields()) != 1 {
		t.Fatalf("another county's matter: %d %s", a.status, a.raw)
	}
	a = e.do("POST", "/api/v1/receptions", disp, rec(c.ID))
	if a.status != http.StatusCreated {
		t.Fatalf("record: %d %s", a.status, a.raw)
	}
	l := e.do("GET", "/api/v1/receptions", disp, "")
	list, _ := l.body["receptions"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["notes"] != nil {
		t.Errorf("list: %s", l.raw)
	}
	g := e.do("GET", "/api/v1/receptions/"+fmt.Sprint(a.int64("id")), e.fx.CountyLeader.Username, "")
	if g.status != http.StatusOK || !strings.Contains(str(g.body, "notes"), "补偿款") {
		t.Errorf("read: %d %s", g.status, g.raw)
	}
	if g := e.do("GET", "/api/v1/receptions/x", disp, ""); g.status != http.StatusNotFound {
		t.Errorf("a bad id: %d", g.status)
	}

	if b := e.do("GET", "/api/v1/petitions/backlog?lead=maybe", disp, ""); b.status != http.StatusBadRequest || b.errFields()["lead"] == nil {
		t.Errorf("a bad filter: %d %s", b.status, b.raw)
	}
	// Ninety-odd days on, the matter is long-standing.
	e.clock.Advance(100 * 24 * time.Hour)
	e.tokens = map[string]string{} // the sessions ended meanwhile
	b := e.do("GET", "/api/v1/petitions/backlog", disp, "")
	items, _ := b.body["items"].([]any)
	if b.status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["id"] != c.ID || b.body["unled"] != float64(1) {
		t.Errorf("backlog: %d %s", b.status, b.raw)
	}
	if b := e.do("GET", "/api/v1/petitions/backlog?lead=yes", disp, ""); len(b.body["items"].([]any)) != 0 {
		t.Errorf("led backlog: %s", b.raw)
	}
	if l := e.do("GET", "/api/v1/petitions/led", e.fx.CountyLeader.Username, ""); l.status != http.StatusOK || len(l.body["items"].([]any)) != 0 {
		t.Errorf("led: %d %s", l.status, l.raw)
	}
	if l := e.do("GET", "/api/v1/petitions/led", disp, ""); l.status != http.StatusForbidden {
		t.Errorf("a dispatcher's 包案: %d %s", l.status, l.raw)
	}
}
