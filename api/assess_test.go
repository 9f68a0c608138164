package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// newAssessEnv is newEnv with the assessment services configured.
func newAssessEnv(t *testing.T) *env {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	srv := api.New(api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Schemes: db.Schemes, Assess: db.Assess, Calendar: db.Calendar, Clock: clock, Logger: slog.New(slog.DiscardHandler),
	})
	return &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
}

// assessBody is a township scheme of 肃州区 whose indicators are ind.
func assessBody(unit, ind string) string {
	return fmt.Sprintf(`{"unit":%q,"year":2026,"level":"township","name":"乡镇考核","indicators":[%s]}`, unit, ind)
}

const (
	indClosing = `{"key":"i1","name":"结案率","weight":60,"source":"computed","rate":"closing","rule":{"kind":"linear","floor":0.5,"target":1}}`
	indManual  = `{"key":"i2","name":"实体化运行","weight":40,"source":"manual"}`
)

// TestAssessRefusals: the bad inputs of a scheme and of its periods each
// answer 400 or 409 naming the field, and write nothing; the roles get
// what the table says.
func TestAssessRefusals(t *testing.T) {
	e := newAssessEnv(t)
	as, county := e.fx.Assessor.Username, e.fx.County.Code
	for _, c := range []struct{ what, body, field string }{
		{"weights of 90", assessBody(county, indClosing+`,{"key":"i2","name":"x","weight":30,"source":"manual"}`), "indicators"},
		{"an unknown rate", assessBody(county, strings.Replace(indClosing, "closing", "happiness", 1)+","+indManual), "indicators[0].rate"},
		{"floor above target", assessBody(county, strings.Replace(indClosing, `"floor":0.5`, `"floor":1.5`, 1)+","+indManual), "indicators[0].rule.floor"},
		{"floor above target", assessBody(county, strings.Replace(indClosing, `"floor":0.5,"target":1`, `"floor":0.9,"target":0.8`, 1)+","+indManual), "indicators[0].rule.floor"},
	} {
		a := e.do("POST", "/api/v1/assess/schemes", as, c.body)
		if a.status != http.StatusBadRequest || a.errFields()[c.field] == nil {
			t.Errorf("%s: %d %s", c.what, a.status, a.raw)
		}
	}
	if l := e.do("GET", "/api/v1/assess/schemes", as, ""); l.status != http.StatusOK || len(l.body["schemes"].([]any)) != 0 {
		t.Fatalf("after the refusals: %d %s", l.status, l.raw)
	}
	if a := e.do("POST", "/api/v1/assess/schemes", e.fx.CountyDispatcher.Username, assessBody(county, indClosing+","+indManual)); a.status != http.StatusForbidden {
		t.Errorf("a dispatcher defines a scheme: %d", a.status)
	}
	a := e.do("POST", "/api/v1/assess/schemes", as, assessBody(county, indClosing+","+indManual))
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	id := a.int64("id")
	if a := e.do("POST", "/api/v1/assess/schemes", as, assessBody(county, indClosing+","+indManual)); a.status != http.StatusConflict || a.errFields()["level"] == nil {
		t.Errorf("a second scheme: %d %s", a.status, a.raw)
	}
	p := fmt.Sprintf("/api/v1/assess/schemes/%d/periods/2026-03", id)
	if a := e.do("GET", p, e.fx.OtherDispatcher.Username, ""); a.status != http.StatusNotFound {
		t.Errorf("another county reads the assessment: %d", a.status)
	}
	if a := e.do("GET", fmt.Sprintf("/api/v1/assess/schemes/%d/periods/2026-13", id), as, ""); a.status != http.StatusBadRequest || a.errFields()["period"] == nil {
		t.Errorf("a bad period: %d %s", a.status, a.raw)
	}
	in := fmt.Sprintf(`{"kind":"score","unit":%q,"indicator":"i2","points":30,"reason":"齐全","evidence":[{"name":"a.pdf","data":"JVBERi0xLjQK"}]}`, e.fx.Township.Code)
	if a := e.do("POST", p+"/inputs", as, in); a.status != http.StatusCreated {
		t.Fatalf("an input: %d %s", a.status, a.raw)
	}
	// Publishing before the month ends: 409 naming period.
	if a := e.do("POST", p+"/publish", as, ""); a.status != http.StatusConflict || a.errFields()["period"] == nil {
		t.Errorf("published early: %d %s", a.status, a.raw)
	}
	e.advance(31 * 24 * time.Hour)
	if a := e.do("POST", p+"/publish", as, ""); a.status != http.StatusOK || str(a.body, "status") != "published" {
		t.Fatalf("publish: %d %s", a.status, a.raw)
	}
	if a := e.do("POST", p+"/inputs", as, in); a.status != http.StatusConflict || a.errFields()["period"] == nil {
		t.Errorf("an input once published: %d %s", a.status, a.raw)
	}
	res := p + "/results/" + e.fx.Township.Code
	if a := e.do("POST", res+"/corrections", as, `{"indicator":"i2","score":35}`); a.status != http.StatusBadRequest || a.errFields()["reason"] == nil {
		t.Errorf("a correction without reason: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", p, as, ""); a.status != http.StatusOK || !strings.Contains(a.raw, `"score":30`) || strings.Contains(a.raw, `"corrections"`) {
		t.Errorf("after the refused correction: %d %s", a.status, a.raw)
	}
	// An objection after the deadline: 409 naming text.
	e.advance(30 * 24 * time.Hour)
	if a := e.do("POST", res+"/objections", e.fx.TownshipDispatcher.Username, `{"text":"逾期申诉"}`); a.status != http.StatusConflict || a.errFields()["text"] == nil {
		t.Errorf("a late objection: %d %s", a.status, a.raw)
	}
}
