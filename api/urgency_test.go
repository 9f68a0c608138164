package api_test

import (
	"net/http"
	"testing"
	"time"
)

// The fields of the trade (docs/urgency.md): POST /cases takes hotline_no,
// urgency and sensitive; the case answers them, on the report and on GET,
// with the resolve deadline they shorten; bad ones are named.
func TestUrgencyFields(t *testing.T) {
	e := newEnv(t)
	normal := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"吵架"}`)
	critical := e.do("POST", "/api/v1/cases", "fk-grid",
		`{"kind":"dispute","category":"0102","title":"吵架","hotline_no":"2026A0001","urgency":"critical","sensitive":true}`)
	if normal.status != http.StatusCreated || critical.status != http.StatusCreated {
		t.Fatalf("reports: %d %s; %d %s", normal.status, normal.raw, critical.status, critical.raw)
	}
	if normal.body["urgency"] != "normal" || normal.body["sensitive"] != false || normal.body["hotline_no"] != "" {
		t.Errorf("normal report answered %s", normal.raw)
	}
	for _, a := range []answer{critical, e.do("GET", "/api/v1/cases/"+str(critical.body, "id"), "fk-grid", "")} {
		if a.body["hotline_no"] != "2026A0001" || a.body["urgency"] != "critical" || a.body["sensitive"] != true {
			t.Errorf("critical case answered %d %s", a.status, a.raw)
		}
	}
	due := func(a answer) time.Time {
		t.Helper()
		at, err := time.Parse(time.RFC3339, str(a.body, "resolve_by"))
		if err != nil {
			t.Fatalf("resolve_by of %s: %v", a.raw, err)
		}
		return at
	}
	if !due(critical).Before(due(normal)) {
		t.Errorf("critical resolve_by %v not before normal %v", due(critical), due(normal))
	}

	bad := e.do("POST", "/api/v1/cases", "fk-grid",
		`{"kind":"dispute","category":"0102","title":"吵架","hotline_no":"12345/001","urgency":"紧急"}`)
	if bad.status != http.StatusBadRequest || bad.errCode() != "invalid" {
		t.Fatalf("bad fields: %d %s", bad.status, bad.raw)
	}
	for _, f := range []string{"hotline_no", "urgency"} {
		if _, ok := bad.errFields()[f]; !ok {
			t.Errorf("fields %v do not name %s", bad.errFields(), f)
		}
	}
	if a := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"吵架","sensitive":"yes"}`); a.status != http.StatusBadRequest {
		t.Errorf("sensitive as a string: %d %s", a.status, a.raw)
	} else if _, ok := a.errFields()["sensitive"]; !ok {
		t.Errorf("fields %v do not name sensitive", a.errFields())
	}
}
