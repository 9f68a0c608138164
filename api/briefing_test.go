package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
)

// TestBriefings drives the weekly 研判's routes (docs/api.md, Briefings):
// the draft of a week, a decision before the meeting refused naming
// meeting, the meeting recorded, a decision without a lead unit 400
// naming lead_unit with nothing written, a decision turned into a task,
// and the other county and a handler kept out.
func TestBriefings(t *testing.T) {
	e := newEnv(t)
	db := e.db
	e.h = api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Calendar: db.Calendar, Tasks: db.Tasks, Briefings: db.Briefings, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	leader := e.fx.CountyLeader.Username
	week := pingan.WeekOf(e.clock.Now())
	base := "/api/v1/briefings/" + e.fx.County.Code + "/" + week

	g := e.do("GET", base, leader, "")
	if g.status != http.StatusOK || g.body["held"] != false || g.body["week"] != week || g.body["figures"] == nil {
		t.Fatalf("draft: %d %s", g.status, g.raw)
	}
	if g := e.do("GET", "/api/v1/briefings/"+e.fx.County.Code+"/2026-48", leader, ""); g.status != http.StatusBadRequest || g.errFields()["week"] == nil {
		t.Errorf("bad week: %d %s", g.status, g.raw)
	}
	if g := e.do("GET", base, e.fx.OtherDispatcher.Username, ""); g.status != http.StatusNotFound {
		t.Errorf("another county reads: %d %s", g.status, g.raw)
	}
	if g := e.do("GET", base, e.fx.CountyHandler.Username, ""); g.status != http.StatusForbidden {
		t.Errorf("a handler reads: %d %s", g.status, g.raw)
	}
	decision := fmt.Sprintf(`{"text":"十日内完成涉房矛盾排查","lead_unit":%q,"task":true}`, e.fx.Township.Code)
	if a := e.do("POST", base+"/decisions", leader, decision); a.status != http.StatusConflict || a.errFields()["meeting"] == nil {
		t.Fatalf("a decision before the meeting: %d %s", a.status, a.raw)
	}
	m := e.do("POST", base+"/meeting", leader, fmt.Sprintf(`{"on":%q,"chair":"区委政法委书记","summary":"研判交房风险"}`, pingan.Day(e.clock.Now())))
	if m.status != http.StatusOK || m.body["held"] != true || m.int64("version") != 1 {
		t.Fatalf("meeting: %d %s", m.status, m.raw)
	}
	if a := e.do("POST", base+"/decisions", leader, `{"text":"排查"}`); a.status != http.StatusBadRequest || a.errFields()["lead_unit"] == nil {
		t.Fatalf("no lead unit: %d %s", a.status, a.raw)
	}
	a := e.do("POST", base+"/decisions", leader, decision)
	if a.status != http.StatusCreated {
		t.Fatalf("decision: %d %s", a.status, a.raw)
	}
	ds := a.body["decisions"].([]any)
	if len(ds) != 1 {
		t.Fatalf("decisions %s", a.raw)
	}
	id := int64(ds[0].(map[string]any)["task_id"].(float64))
	if tk := e.do("GET", fmt.Sprintf("/api/v1/tasks/%d", id), leader, ""); tk.status != http.StatusOK {
		t.Errorf("the task: %d %s", tk.status, tk.raw)
	}
	l := e.do("GET", "/api/v1/briefings/"+e.fx.County.Code+"?weeks=2", leader, "")
	if ws := l.body["weeks"].([]any); l.status != http.StatusOK || len(ws) != 2 || ws[0].(map[string]any)["tasks"] != float64(1) {
		t.Errorf("list: %d %s", l.status, l.raw)
	}
}
