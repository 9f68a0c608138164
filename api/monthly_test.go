package api_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/paper"
)

// The monthly reports' archive: a leader, a dispatcher or an assessor of
// the unit's jurisdiction generates a past month's report (again); the
// others are refused, as are a month not ended or malformed and a unit
// that is neither a city nor a county; the archive lists what the caller's
// jurisdiction holds and serves the files.
func TestMonthlyReportsAPI(t *testing.T) {
	e := newEnv(t)
	db := e.db
	e.h = api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Schemes: db.Schemes, Assess: db.Assess, Monthly: db.Monthly, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	fx := e.fx
	county := "/api/v1/reports/monthly/" + fx.County.Code + "/"

	// The handling units: the centres and departments of the county.
	a := e.do("GET", "/api/v1/stats?by=handler&from=2026-03-01&to=2026-03-31", fx.CountyLeader.Username, "")
	by, _ := a.body["breakdown"].([]any)
	var keys []string
	for _, b := range by {
		m, _ := b.(map[string]any)
		k, _ := m["key"].(string)
		keys = append(keys, k)
	}
	if a.status != http.StatusOK || len(keys) != 4 || keys[0] != fx.CountyHousing.Code || keys[1] != fx.CountyCentre.Code {
		t.Errorf("stats by handler: %d %v %s", a.status, keys, a.raw)
	}

	if _, err := paper.New(""); err != nil {
		t.Skipf("no font for the PDF: %v", err)
	}

	for _, tt := range []struct {
		u      *pingan.User
		path   string
		status int
		field  string
	}{
		{fx.Viewer, county + "2026-02", http.StatusForbidden, ""},
		{fx.GridWorker, county + "2026-02", http.StatusForbidden, ""},
		{fx.CountyLeader, county + "2026-03", http.StatusBadRequest, "month"},
		{fx.CountyLeader, county + "2026-13", http.StatusBadRequest, "month"},
		{fx.CountyLeader, county + "2026-Q1", http.StatusBadRequest, "month"},
		{fx.CountyLeader, "/api/v1/reports/monthly/" + fx.Township.Code + "/2026-02", http.StatusBadRequest, "unit"},
		{fx.CountyLeader, "/api/v1/reports/monthly/" + fx.OtherCounty.Code + "/2026-02", http.StatusNotFound, ""},
		{fx.CountyLeader, county + "2026-02", http.StatusCreated, ""},
		{fx.CityDispatcher, "/api/v1/reports/monthly/" + fx.City.Code + "/2026-02", http.StatusCreated, ""},
		{fx.Assessor, county + "2026-01", http.StatusCreated, ""},
	} {
		a := e.do("POST", tt.path, tt.u.Username, "")
		if a.status != tt.status || (tt.field != "" && a.errFields()[tt.field] == nil) {
			t.Errorf("POST %s as %s: %d %s, want %d naming %q", tt.path, tt.u.Username, a.status, a.raw, tt.status, tt.field)
		}
	}

	list := func(u *pingan.User, query string) []any {
		t.Helper()
		a := e.do("GET", "/api/v1/reports/monthly"+query, u.Username, "")
		if a.status != http.StatusOK {
			t.Fatalf("GET list as %s: %d %s", u.Username, a.status, a.raw)
		}
		rs, _ := a.body["reports"].([]any)
		return rs
	}
	rs := list(fx.CountyLeader, "")
	if len(rs) != 2 {
		t.Fatalf("the county's archive: %v", rs)
	}
	first, _ := rs[0].(map[string]any)
	if first["month"] != "2026-02" || first["generated_by"] != fx.CountyLeader.Name || first["pdf_bytes"].(float64) == 0 {
		t.Errorf("newest first: %v", first)
	}
	if n := len(list(fx.CityLeader, "?unit="+fx.City.Code)); n != 1 {
		t.Errorf("the city's own: %d reports", n)
	}
	if n := len(list(fx.OtherDispatcher, "")); n != 0 {
		t.Errorf("another county sees %d reports", n)
	}

	file := func(u *pingan.User, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+e.token(u.Username))
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	if rec := file(fx.Viewer, county+"2026-02.pdf"); rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF")) ||
		rec.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("PDF: %d %s %.20q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if rec := file(fx.Viewer, county+"2026-02.xlsx"); rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
		t.Errorf("XLSX: %d %.20q", rec.Code, rec.Body.String())
	}
	for _, p := range []string{county + "2026-02.doc", county + "2025-12.pdf"} {
		if rec := file(fx.Viewer, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	if rec := file(fx.OtherDispatcher, county+"2026-02.pdf"); rec.Code != http.StatusNotFound {
		t.Errorf("another county's dispatcher reads the PDF: %d", rec.Code)
	}
	if rec := file(fx.CountyLeader, "/api/v1/stats?by=handler&format=xlsx"); rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
		t.Errorf("stats by handler as XLSX: %d %.100q", rec.Code, rec.Body.String())
	}
}
