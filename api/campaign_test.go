package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/store/storetest"
	"github.com/xuri/excelize/v2"
)

// TestCampaigns drives the campaigns' routes (docs/api.md, Campaigns): a
// bad campaign and a bad visit answer 400 naming the field and write
// nothing; a campaign is created, listed and read; visits are recorded,
// one with its case; the coverage answers as JSON and XLSX; the roles and
// the other county get what the table and the jurisdiction say.
func TestCampaigns(t *testing.T) {
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	disp, grid := e.fx.CountyDispatcher.Username, e.fx.GridWorker.Username

	a := e.do("POST", "/api/v1/campaigns", disp, `{"name":"敲门行动","kind":"door_knock","from":"2026-03-10","to":"2026-03-01"}`)
	if a.status != http.StatusBadRequest || a.errFields()["to"] == nil {
		t.Fatalf("to before from: %d %s", a.status, a.raw)
	}
	if l := e.do("GET", "/api/v1/campaigns", disp, ""); l.status != http.StatusOK || len(l.body["campaigns"].([]any)) != 0 {
		t.Fatalf("after a refusal: %d %s", l.status, l.raw)
	}
	a = e.do("POST", "/api/v1/campaigns", e.fx.Viewer.Username, `{"name":"敲门行动","kind":"door_knock","from":"2026-03-01","to":"2026-03-31"}`)
	if a.status != http.StatusForbidden || str(a.body, "error", "message_key") != "capability.campaigns.forbidden" {
		t.Errorf("a viewer creates: %d %s", a.status, a.raw)
	}
	a = e.do("POST", "/api/v1/campaigns", disp, fmt.Sprintf(`{"name":"敲门行动","kind":"door_knock","from":"2026-03-01","to":"2026-03-31","units":[%q]}`,
		e.fx.Village.Code))
	if a.status != http.StatusCreated || a.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	id := fmt.Sprint(a.body["id"])
	base := "/api/v1/campaigns/" + id
	if g := e.do("GET", base, grid, ""); g.status != http.StatusOK || str(g.body, "name") != "敲门行动" {
		t.Errorf("read by the village's worker: %d %s", g.status, g.raw)
	}
	if l := e.do("GET", "/api/v1/campaigns?active=today", grid, ""); len(l.body["campaigns"].([]any)) != 1 {
		t.Errorf("active today: %s", l.raw)
	}
	for _, path := range []string{base, base + "/coverage"} {
		if g := e.do("GET", path, e.fx.OtherDispatcher.Username, ""); g.status != http.StatusNotFound {
			t.Errorf("another county reads %s: %d", path, g.status)
		}
	}

	// A visit outside the worker's grid: 400 naming grid, nothing written.
	v := e.do("POST", base+"/visits", grid, `{"grid":"620902001001-02","place":"3号楼2单元501","outcome":"none"}`)
	if v.status != http.StatusBadRequest || v.errFields()["grid"] == nil {
		t.Fatalf("another grid: %d %s", v.status, v.raw)
	}
	if vs, _ := e.db.Campaigns.FindVisits(context.Background(), e.fx.Admin, a.int64("id"), 0); len(vs) != 0 {
		t.Fatalf("a refused visit was written: %d", len(vs))
	}
	if v := e.do("POST", base+"/visits", disp, `{"grid":"620902001001-01","place":"1号","outcome":"none"}`); v.status != http.StatusForbidden {
		t.Errorf("a dispatcher visits: %d %s", v.status, v.raw)
	}
	v = e.do("POST", base+"/visits", grid, `{"grid":"620902001001-01","place":"3号楼2单元501","outcome":"none"}`)
	if v.status != http.StatusCreated || str(v.body, "outcome") != "none" {
		t.Fatalf("visit: %d %s", v.status, v.raw)
	}
	v = e.do("POST", base+"/visits", grid, `{"grid":"620902001001-01","place":"5号楼101","outcome":"case",
		"case":{"category":"AQ02","title":"燃气软管老化","description":"厨房燃气软管开裂"}}`)
	if v.status != http.StatusCreated || str(v.body, "case_id") == "" {
		t.Fatalf("visit with a case: %d %s", v.status, v.raw)
	}
	if c := e.do("GET", "/api/v1/cases/"+str(v.body, "case_id"), disp, ""); c.status != http.StatusOK || str(c.body, "kind") != "hazard" {
		t.Errorf("the case: %d %s", c.status, c.raw)
	}

	cv := e.do("GET", base+"/coverage", e.fx.CountyLeader.Username, "")
	total, _ := cv.body["total"].(map[string]any)
	if cv.status != http.StatusOK || total["visits"] != 2.0 || total["places"] != 2.0 || total["hazards"] != 1.0 || total["households"] != 610.0 {
		t.Fatalf("coverage: %d %s", cv.status, cv.raw)
	}
	cv = e.do("GET", base+"/coverage?unit="+e.fx.Village.Code, grid, "")
	if cv.status != http.StatusOK || cv.body["by_grid"] != true {
		t.Errorf("the village by grid: %d %s", cv.status, cv.raw)
	}
	req := httptest.NewRequest("GET", base+"/coverage?format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+e.token(disp))
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != sheet.MediaType {
		t.Fatalf("xlsx: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	var found bool
	for _, r := range rows {
		if len(r) > 4 && r[0] == e.fx.Township.Code && r[2] == "610" && r[3] == "2" {
			found = true
		}
	}
	if !found {
		t.Errorf("no line of the township with 610 households and 2 visited: %q", rows)
	}
	if b := e.do("GET", base+"/coverage?format=pdf", disp, ""); b.status != http.StatusBadRequest || b.errFields()["format"] == nil {
		t.Errorf("format=pdf: %d %s", b.status, b.raw)
	}
	if g := e.do("GET", "/api/v1/campaigns/x", disp, ""); g.status != http.StatusNotFound {
		t.Errorf("a campaign id that is no number: %d", g.status)
	}
}

// int64 digs a number out of the answer.
func (a answer) int64(key string) int64 {
	f, _ := a.body[key].(float64)
	return int64(f)
}
