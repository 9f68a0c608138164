package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
)

// TestRisks drives the ledger's and 稳评's routes (docs/api.md, Risks): a
// risk without a leader or a level answers 400 naming the field and writes
// nothing; one is registered, reviewed by its leader, resolved and closed;
// a review of the closed risk answers 409 naming the step; another county
// does not see it; a 稳评 step out of order answers 409.
func TestRisks(t *testing.T) {
	e := newEnv(t)
	db := e.db
	e.h = api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Calendar: db.Calendar, Risks: db.Risks, Stability: db.Stability, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	disp, leader := e.fx.CountyDispatcher.Username, e.fx.CountyLeader.Username
	body := func(leaderID int64, level string) string {
		return fmt.Sprintf(`{"title":"涉众集资兑付风险","field":"mass_finance","unit":%q,"level":%q,"leader":%d,"responsible":%q}`,
			e.fx.Township.Code, level, leaderID, e.fx.CountyHousing.Code)
	}
	for _, c := range []struct{ body, field string }{{body(0, "red"), "leader"}, {body(e.fx.CountyLeader.ID, ""), "level"}} {
		if a := e.do("POST", "/api/v1/risks", disp, c.body); a.status != http.StatusBadRequest || a.errFields()[c.field] == nil {
			t.Fatalf("without %s: %d %s", c.field, a.status, a.raw)
		}
	}
	if l := e.do("GET", "/api/v1/risks", disp, ""); l.status != http.StatusOK || len(l.body["risks"].([]any)) != 0 {
		t.Fatalf("after refusals: %d %s", l.status, l.raw)
	}
	if a := e.do("POST", "/api/v1/risks", e.fx.Viewer.Username, body(e.fx.CountyLeader.ID, "red")); a.status != http.StatusForbidden {
		t.Errorf("a viewer registers: %d", a.status)
	}
	a := e.do("POST", "/api/v1/risks", disp, body(e.fx.CountyLeader.ID, "red"))
	if a.status != http.StatusCreated || a.header.Get("Location") == "" || str(a.body, "status") != pingan.RiskControlled {
		t.Fatalf("register: %d %s", a.status, a.raw)
	}
	base := "/api/v1/risks/" + fmt.Sprint(a.body["id"])
	if g := e.do("GET", base, e.fx.OtherDispatcher.Username, ""); g.status != http.StatusNotFound {
		t.Errorf("another county reads: %d", g.status)
	}
	step := func(user, body string, want int) answer {
		t.Helper()
		r := e.do("POST", base+"/actions", user, body)
		if r.status != want {
			t.Fatalf("%s: %d %s", body, r.status, r.raw)
		}
		return r
	}
	step(leader, `{"step":"review","note":"兑付方案已报批"}`, http.StatusOK)
	step(disp, `{"step":"close"}`, http.StatusConflict)
	step(leader, `{"step":"resolve","note":"已兑付"}`, http.StatusOK)
	step(disp, `{"step":"close"}`, http.StatusOK)
	if r := step(leader, `{"step":"review"}`, http.StatusConflict); r.errFields()["step"] == nil {
		t.Errorf("a review of a closed risk does not name the step: %s", r.raw)
	}
	g := e.do("GET", base, leader, "")
	if g.status != http.StatusOK || len(g.body["timeline"].([]any)) != 4 {
		t.Fatalf("read: %d %s", g.status, g.raw)
	}
	month := e.clock.Now().In(pingan.CST).Format("2006-01")
	if c := e.do("GET", "/api/v1/risk-counts?from="+month+"&to="+month, disp, ""); c.status != http.StatusOK || len(c.body["months"].([]any)) != 4 {
		t.Fatalf("counts: %d %s", c.status, c.raw)
	}

	s := e.do("POST", "/api/v1/stability", disp, `{"title":"城区供水价格调整","body":"县政府","kind":"重大政策"}`)
	if s.status != http.StatusCreated {
		t.Fatalf("stability: %d %s", s.status, s.raw)
	}
	sb := "/api/v1/stability/" + fmt.Sprint(s.body["id"])
	if r := e.do("POST", sb+"/actions", disp, `{"step":"decide","decision":"implement"}`); r.status != http.StatusConflict || r.errFields()["step"] == nil {
		t.Errorf("out of order: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", sb+"/actions", disp, `{"step":"notice","from":"2026-03-01","to":"2026-03-10"}`); r.status != http.StatusOK {
		t.Errorf("notice: %d %s", r.status, r.raw)
	}
}
