package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
)

// TestTasks drives the tasks' routes (docs/api.md, Tasks): milestones
// running backwards and progress over 100% without a note answer 400
// naming the field and write nothing; a 13710 task is issued, read,
// signed, reported on, finished, verified; the other county does not see
// it; the yearly list counts it.
func TestTasks(t *testing.T) {
	e := newEnv(t)
	db := e.db
	e.h = api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Calendar: db.Calendar, Tasks: db.Tasks, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	disp, town := e.fx.CountyDispatcher.Username, e.fx.TownshipHandler.Username

	a := e.do("POST", "/api/v1/tasks", disp, fmt.Sprintf(`{"title":"整治","source":"meeting","lead_unit":%q,
		"milestones":[{"name":"一","due":"2026-03-10"},{"name":"二","due":"2026-03-06"}]}`, e.fx.Township.Code))
	if a.status != http.StatusBadRequest || a.errFields()["milestones[1]"] == nil {
		t.Fatalf("backwards: %d %s", a.status, a.raw)
	}
	if l := e.do("GET", "/api/v1/tasks", disp, ""); l.status != http.StatusOK || len(l.body["tasks"].([]any)) != 0 {
		t.Fatalf("after a refusal: %d %s", l.status, l.raw)
	}
	if a := e.do("POST", "/api/v1/tasks", e.fx.Viewer.Username, `{}`); a.status != http.StatusForbidden {
		t.Errorf("a viewer issues: %d %s", a.status, a.raw)
	}
	a = e.do("POST", "/api/v1/tasks", disp, fmt.Sprintf(`{"title":"整治占道经营","source":"instruction","lead_unit":%q}`, e.fx.Township.Code))
	if a.status != http.StatusCreated || a.header.Get("Location") == "" || len(a.body["milestones"].([]any)) != 4 {
		t.Fatalf("issue: %d %s", a.status, a.raw)
	}
	base := "/api/v1/tasks/" + fmt.Sprint(a.body["id"])
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
	step(town, `{"step":"finish","note":"x"}`, http.StatusConflict)
	step(town, `{"step":"sign"}`, http.StatusOK)
	r := step(town, `{"step":"progress","percent":120}`, http.StatusBadRequest)
	if r.errFields()["note"] == nil {
		t.Fatalf("over 100: %s", r.raw)
	}
	if tk, _, _ := db.Tasks.FindTask(context.Background(), e.fx.CountyLeader, a.int64("id")); tk == nil || tk.Percent != 0 {
		t.Fatalf("a refused report was written: %d", tk.Percent)
	}
	step(town, `{"step":"progress","percent":60,"evidence":[{"name":"a.pdf","data":"JVBERi0xLjQK"}]}`, http.StatusOK)
	step(town, `{"step":"finish","note":"完成"}`, http.StatusOK)
	step(town, `{"step":"verify"}`, http.StatusForbidden)
	r = step(disp, `{"step":"verify"}`, http.StatusOK)
	if str(r.body, "state") != pingan.TaskClosed {
		t.Fatalf("verified: %s", r.raw)
	}
	g := e.do("GET", base, town, "")
	evs := g.body["events"].([]any)
	if g.status != http.StatusOK || len(evs) != 5 {
		t.Fatalf("timeline: %d %s", g.status, g.raw)
	}
	ev := evs[2].(map[string]any)["evidence"].([]any)[0].(map[string]any)
	req := httptest.NewRequest("GET", base+"/evidence/"+fmt.Sprint(ev["sum"]), nil)
	req.Header.Set("Authorization", "Bearer "+e.token(town))
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "%PDF-") || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("evidence: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	l := e.do("GET", "/api/v1/task-lists/2026", e.fx.CountyLeader.Username, "")
	if l.status != http.StatusOK || l.body["total"].(map[string]any)["deployment"].(map[string]any)["done"] != float64(1) {
		t.Fatalf("list: %d %s", l.status, l.raw)
	}
	if l := e.do("GET", "/api/v1/tasks?side=assigned", town, ""); len(l.body["tasks"].([]any)) != 1 {
		t.Errorf("assigned: %s", l.raw)
	}
	if l := e.do("GET", "/api/v1/tasks?side=issued", town, ""); len(l.body["tasks"].([]any)) != 0 {
		t.Errorf("issued by the township: %s", l.raw)
	}
}
