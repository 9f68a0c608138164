package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestWarnings drives the warnings' routes (docs/api.md, Warnings): a rule
// with a zero window, an unknown category or a personal field answers 400
// naming the field and writes nothing, one below the city 403; the engine
// raises one cluster warning over eight disputes of one grid; the list
// filters by kind and unit (another county's unit: 404) and another
// county's reader gets 404 for the warning; the loop through its actions —
// a release before feedback 409 naming feedback, a feedback without text
// 400 naming note, a stale version 409, an unknown step 400 naming step —
// ends released with five rows on its timeline.
func TestWarnings(t *testing.T) {
	e := newEnv(t)
	db, fx := e.db, e.fx
	ctx := context.Background()
	e.h = api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Calendar: db.Calendar, Risks: db.Risks, Warnings: db.Warnings, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	storetest.SeedGrids(t, db, fx)
	city, county, handler := fx.CityDispatcher.Username, fx.CountyDispatcher.Username, fx.TownshipHandler.Username

	// The rules.
	rs := e.do("GET", "/api/v1/warning-rules", county, "")
	if rs.status != http.StatusOK || len(rs.body["rules"].([]any)) != 6 || len(rs.body["deadlines"].([]any)) != 4 {
		t.Fatalf("rules: %d %s", rs.status, rs.raw)
	}
	for _, c := range []struct{ body, field string }{
		{`{"kind":"cluster","title":"聚集","threshold":5,"window_days":0,"level":"red"}`, "window_days"},
		{`{"kind":"cluster","title":"聚集","threshold":0,"window_days":3,"level":"red"}`, "threshold"},
		{`{"kind":"cluster","title":"聚集","threshold":5,"window_days":3,"category":"9999","level":"red"}`, "category"},
		{`{"kind":"group","title":"群体","threshold":30,"level":"red","reporter_phone":"13800000000"}`, "reporter_phone"},
		{`{"kind":"group","title":"群体","threshold":30,"level":"red","ethnicity":"汉"}`, "ethnicity"},
		{`{"kind":"group","title":"群体","threshold":30,"level":"purple"}`, "level"},
	} {
		if a := e.do("POST", "/api/v1/warning-rules", city, c.body); a.status != http.StatusBadRequest || a.errFields()[c.field] == nil {
			t.Errorf("%s: %d %s; want 400 naming %s", c.body, a.status, a.raw, c.field)
		}
	}
	if a := e.do("POST", "/api/v1/warning-rules", county, `{"kind":"group","title":"群体","threshold":30,"level":"red"}`); a.status != http.StatusForbidden {
		t.Errorf("a county's dispatcher adds a rule: %d", a.status)
	}
	if a := e.do("POST", "/api/v1/warning-rules", handler, `{"kind":"group","title":"群体","threshold":30,"level":"red"}`); a.status != http.StatusForbidden {
		t.Errorf("a handler adds a rule: %d", a.status)
	}
	if rs := e.do("GET", "/api/v1/warning-rules", county, ""); len(rs.body["rules"].([]any)) != 6 {
		t.Fatalf("refused rules were written: %s", rs.raw)
	}
	// The cluster rule goes to the township, whose handler works it.
	var cluster map[string]any
	for _, r := range rs.body["rules"].([]any) {
		if m := r.(map[string]any); m["kind"] == pingan.RuleCluster {
			cluster = m
		}
	}
	cluster["send_to"] = fx.Township.Code
	if a := e.do("POST", "/api/v1/warning-rules", city, mustJSON(cluster)); a.status != http.StatusOK || str(a.body, "send_to") != fx.Township.Code {
		t.Fatalf("change the cluster rule: %d %s", a.status, a.raw)
	}
	if a := e.do("POST", "/api/v1/warning-rules", city, mustJSON(cluster)); a.status != http.StatusConflict {
		t.Errorf("a stale rule: %d %s", a.status, a.raw)
	}

	// Eight disputes in one grid: one cluster warning.
	for i := 0; i < 8; i++ {
		if _, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: "楼道堆物纠纷", Description: "邻里因楼道堆放杂物争执", Grid: "620902001001-01"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
	}
	if _, err := db.Warnings.RunWarnings(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	l := e.do("GET", "/api/v1/warnings?kind=cluster", county, "")
	if l.status != http.StatusOK || len(l.body["warnings"].([]any)) != 1 {
		t.Fatalf("list: %d %s", l.status, l.raw)
	}
	w := l.body["warnings"].([]any)[0].(map[string]any)
	if w["count"] != float64(8) || w["unit"] != fx.Township.Code || w["state"] != pingan.WarningRaised {
		t.Fatalf("the warning: %v", w)
	}
	if l := e.do("GET", "/api/v1/warnings?unit="+fx.Township.Code+"&state=open", county, ""); len(l.body["warnings"].([]any)) == 0 {
		t.Errorf("the township's filter: %s", l.raw)
	}
	if l := e.do("GET", "/api/v1/warnings?unit="+fx.Township2.Code, county, ""); l.status != http.StatusOK || len(l.body["warnings"].([]any)) != 0 {
		t.Errorf("another township's filter: %d %s", l.status, l.raw)
	}
	if l := e.do("GET", "/api/v1/warnings?unit="+fx.OtherCounty.Code, county, ""); l.status != http.StatusNotFound {
		t.Errorf("another county's unit: %d %s", l.status, l.raw)
	}
	if l := e.do("GET", "/api/v1/warnings?state=open", fx.OtherDispatcher.Username, ""); len(l.body["warnings"].([]any)) != 0 {
		t.Errorf("another county lists %s", l.raw)
	}
	base := fmt.Sprintf("/api/v1/warnings/%v", w["id"])
	if g := e.do("GET", base, fx.OtherDispatcher.Username, ""); g.status != http.StatusNotFound {
		t.Errorf("another county reads it: %d", g.status)
	}
	if g := e.do("GET", "/api/v1/warnings/abc", county, ""); g.status != http.StatusNotFound {
		t.Errorf("a bad id: %d", g.status)
	}
	if g := e.do("POST", base+"/actions", fx.OtherHandler.Username, `{"step":"sign"}`); g.status != http.StatusNotFound {
		t.Errorf("another county signs it: %d", g.status)
	}

	step := func(user, body string, want int) answer {
		t.Helper()
		r := e.do("POST", base+"/actions", user, body)
		if r.status != want {
			t.Fatalf("%s by %s: %d %s; want %d", body, user, r.status, r.raw, want)
		}
		return r
	}
	if r := step(county, `{"step":"release"}`, http.StatusConflict); r.errFields()["feedback"] == nil {
		t.Errorf("a release before feedback does not name feedback: %s", r.raw)
	}
	if r := step(handler, `{"step":"fly"}`, http.StatusBadRequest); r.errFields()["step"] == nil {
		t.Errorf("an unknown step does not name step: %s", r.raw)
	}
	step(county, `{"step":"sign"}`, http.StatusForbidden) // the county's centre is not the unit it is sent to
	s := step(handler, `{"step":"sign","version":1}`, http.StatusOK)
	if s.body["state"] != pingan.WarningSigned {
		t.Fatalf("signed: %s", s.raw)
	}
	step(handler, `{"step":"handle","note":"已上门调处","version":1}`, http.StatusConflict) // the version seen is stale
	step(handler, `{"step":"handle","note":"已上门调处"}`, http.StatusOK)
	if r := step(handler, `{"step":"feedback","note":"  "}`, http.StatusBadRequest); r.errFields()["note"] == nil {
		t.Errorf("a feedback without text does not name note: %s", r.raw)
	}
	f := step(handler, `{"step":"feedback","note":"杂物已清走，双方和解"}`, http.StatusOK)
	if f.body["feedback"] != "杂物已清走，双方和解" {
		t.Errorf("feedback: %s", f.raw)
	}
	if a := f.body["allowed_steps"].([]any); len(a) != 0 {
		t.Errorf("the handler may still %v", a)
	}
	step(handler, `{"step":"release"}`, http.StatusForbidden)
	r := step(county, `{"step":"release","note":"核实解除"}`, http.StatusOK)
	if r.body["state"] != pingan.WarningReleased || len(r.body["timeline"].([]any)) != 5 {
		t.Fatalf("released: %s", r.raw)
	}
	step(county, `{"step":"release"}`, http.StatusConflict)
}
