package api_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestGridsRoundTrip: GET /grids answers a FeatureCollection that
// `pingan import grids` (geo.ReadGrids, then ImportGrids) takes back
// without a change, and GET /grids/{code} a Feature that reads back the same.
func TestGridsRoundTrip(t *testing.T) {
	e := newEnv(t)
	seeded := storetest.SeedGrids(t, e.db, e.fx)
	a := e.do("GET", "/api/v1/grids?unit=620902", "sz-dispatcher", "")
	if a.status != http.StatusOK || a.body["type"] != "FeatureCollection" || !strings.HasPrefix(a.header.Get("Content-Type"), "application/geo+json") {
		t.Fatalf("grids: %d %s %s", a.status, a.header.Get("Content-Type"), a.raw)
	}
	grids, err := geo.ReadGrids(strings.NewReader(a.raw))
	if err != nil {
		t.Fatalf("the answer does not read back: %v", err)
	}
	if len(grids) != 4 {
		t.Fatalf("%d grids under 肃州区, want 4", len(grids))
	}
	for i, g := range grids {
		if !reflect.DeepEqual(g, seeded[i]) {
			t.Errorf("grid %d read back as %+v, want %+v", i, g, seeded[i])
		}
	}
	res, err := e.db.Grids.ImportGrids(t.Context(), grids)
	if err != nil || res != (pingan.ImportResult{Unchanged: 4}) {
		t.Errorf("importing the answer: %+v %v", res, err)
	}

	one := e.do("GET", "/api/v1/grids/620902001001-01", "fk-grid", "")
	if one.status != http.StatusOK || one.body["type"] != "Feature" || one.body["id"] != "620902001001-01" {
		t.Fatalf("one grid: %d %s", one.status, one.raw)
	}
	back, err := geo.ReadGrids(strings.NewReader(one.raw))
	if err != nil || len(back) != 1 || !reflect.DeepEqual(back[0], seeded[0]) {
		t.Errorf("one grid read back: %+v %v", back, err)
	}
	if w := back[0].Workers; len(w) != 1 || w[0].Name != "富康社区网格员" || w[0].Position != "member" {
		t.Errorf("workers: %+v", w)
	}

	// Jurisdiction: another county's grids are not found.
	for _, path := range []string{"/api/v1/grids/620902001001-01", "/api/v1/grids?unit=620902", "/api/v1/grids?unit=620902001001"} {
		if a := e.do("GET", path, "jt-dispatcher", ""); a.status != http.StatusNotFound || a.errCode() != "not_found" {
			t.Errorf("%s from 金塔县: %d %s", path, a.status, a.raw)
		}
	}
	if a := e.do("GET", "/api/v1/grids?unit=620921", "jt-dispatcher", ""); a.status != http.StatusOK || len(a.body["features"].([]any)) != 1 {
		t.Errorf("金塔县's own grids: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/grids?unit=620902100000", "sz-dispatcher", ""); a.status != http.StatusOK || len(a.body["features"].([]any)) != 1 {
		t.Errorf("a township's grids: %d %s", a.status, a.raw)
	}
}

// TestCaseLandsInItsGrid: a report with a position answers its grid, its
// village and why; one outside the reporter's jurisdiction is refused.
func TestCaseLandsInItsGrid(t *testing.T) {
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	a := e.do("POST", "/api/v1/cases", "sz-dispatcher", `{"kind":"dispute","category":"0102","title":"邻里噪音",
		"location":{"lat":39.7551,"lng":98.5262},"source":"hotline"}`)
	if a.status != http.StatusCreated {
		t.Fatalf("report: %d %s", a.status, a.raw)
	}
	if str(a.body, "grid") != "620902001002-01" || str(a.body, "unit") != "620902001002" || a.body["ungridded"] != false ||
		!strings.Contains(str(a.body, "placement"), "南苑社区第一网格") {
		t.Errorf("placed: grid %q unit %q ungridded %v placement %q", str(a.body, "grid"), str(a.body, "unit"), a.body["ungridded"], str(a.body, "placement"))
	}
	got := e.do("GET", "/api/v1/cases/"+str(a.body, "id"), "sz-dispatcher", "")
	if str(got.body, "placement") != str(a.body, "placement") || str(got.body, "grid") != "620902001002-01" {
		t.Errorf("read back: %s", got.raw)
	}

	a = e.do("POST", "/api/v1/cases", "sz-dispatcher", `{"kind":"dispute","category":"0102","title":"戈壁滩上",
		"location":{"lat":39.70,"lng":98.40}}`)
	if a.status != http.StatusCreated || a.body["ungridded"] != true || str(a.body, "grid") != "" || !strings.Contains(str(a.body, "placement"), "lies in no grid") {
		t.Errorf("ungridded: %d %s", a.status, a.raw)
	}

	a = e.do("POST", "/api/v1/cases", "sz-dispatcher", `{"kind":"dispute","category":"0102","title":"金塔村",
		"location":{"lat":40.01,"lng":98.91}}`)
	if a.status != http.StatusBadRequest || a.errCode() != "invalid" || a.errFields()["location"] == nil || strings.Contains(a.raw, "620921100001-01") {
		t.Errorf("outside the jurisdiction: %d %s", a.status, a.raw)
	}
	a = e.do("POST", "/api/v1/cases", "sz-dispatcher", `{"kind":"dispute","category":"0102","title":"金塔村","grid":"620921100001-01"}`)
	if a.status != http.StatusBadRequest || a.errFields()["grid"] == nil {
		t.Errorf("another county's grid: %d %s", a.status, a.raw)
	}
}
