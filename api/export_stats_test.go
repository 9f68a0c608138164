package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan"
)

// TestStatsXLSX: GET /api/v1/stats?format=xlsx answers the statistics the
// JSON answers as a workbook: 指标 with the count received as a number and
// the rates as percentages, and the breakdown asked for by by=, in the
// caller's language; JSON stays the default, an unknown format is refused
// naming it, and another county's unit answers 404 as in JSON.
func TestStatsXLSX(t *testing.T) {
	e := newEnv(t)
	for _, title := range []string{"楼道堆物", "邻里纠纷", "噪音扰民"} {
		e.report("fk-grid", `{"kind":"dispute","category":"0102","title":"`+title+`","description":"请尽快处理","unit":"620902001001",
			"reporter":{"name":"张三丰","phone":"13812345678"}}`)
	}
	ctx := context.Background()
	want, err := e.db.Stats.Stats(ctx, e.fx.CountyDispatcher, pingan.StatsQuery{Unit: "620902",
		From: monthOf(e), To: monthOf(e).AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if want.Total != 3 {
		t.Fatalf("the county counts %d cases, want 3", want.Total)
	}

	get := func(path string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+e.token("sz-dispatcher"))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	rec := get("/api/v1/stats?unit=620902&by=unit&format=xlsx")
	if rec.Code != http.StatusOK {
		t.Fatalf("format=xlsx: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8-") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "指标" || got[1] != "下级单位" {
		t.Fatalf("sheets %v, want 指标 and 下级单位", got)
	}
	rows, _ := f.GetRows("指标")
	header := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "指标" {
			header = i
		}
	}
	if header < 0 || !strings.HasPrefix(rows[1][0], "单位：肃州区") {
		t.Fatalf("no header row or no unit line: %q", rows)
	}
	cell := func(label string, col int) string {
		for i := header + 1; i < len(rows); i++ {
			if rows[i][0] == label {
				ref, _ := excelize.CoordinatesToCellName(col, i+1)
				return ref
			}
		}
		t.Fatalf("no row %s", label)
		return ""
	}
	ref := cell("上报数", 2)
	if typ, _ := f.GetCellType("指标", ref); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("上报数 is of type %v, want a number", typ)
	}
	if raw, _ := f.GetCellValue("指标", ref, excelize.Options{RawCellValue: true}); raw != strconv.Itoa(want.Total) {
		t.Errorf("上报数 %q, want %d", raw, want.Total)
	}
	ref = cell("办结率", 2)
	sid, _ := f.GetCellStyle("指标", ref)
	st, _ := f.GetStyle(sid)
	if want.Bases["resolution"] > 0 && (st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0%") {
		t.Errorf("办结率 has no percent format: %+v", st)
	}
	units, _ := f.GetRows("下级单位")
	var names []string
	for _, r := range units {
		if len(r) > 1 {
			names = append(names, r[1])
		}
	}
	if !strings.Contains(strings.Join(names, ","), "东北街街道") {
		t.Errorf("the breakdown names %v, want the townships", names)
	}

	// English when asked for.
	rec = get("/api/v1/stats?unit=620902&format=xlsx", "Accept-Language", "en")
	if f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes())); err != nil || f.GetSheetList()[0] != "Figures" {
		t.Errorf("in English: %v", err)
	}

	// JSON by default; a bad format named; another county's unit 404.
	if a := e.do("GET", "/api/v1/stats?unit=620902", "sz-dispatcher", ""); a.status != 200 || a.body["total"] != float64(want.Total) {
		t.Errorf("JSON: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/stats?format=pdf", "sz-dispatcher", ""); a.status != 400 || a.errFields()["format"] == nil {
		t.Errorf("format=pdf: %d %s", a.status, a.raw)
	}
	if rec := get("/api/v1/stats?unit=620921&format=xlsx"); rec.Code != http.StatusNotFound {
		t.Errorf("another county's unit as xlsx: %d", rec.Code)
	}
}

// monthOf answers the first day of the month of e's clock (China Standard Time).
func monthOf(e *env) time.Time {
	y, m, _ := e.clock.Now().In(pingan.CST).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, pingan.CST)
}
