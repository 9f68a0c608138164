package store_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"MonthlyReports", testMonthlyReports},
	}...)
}

// The kept monthly reports: replaced in place when generated again, listed
// newest month first within the reader's jurisdiction with their sizes,
// their files served to it alone.
func testMonthlyReports(t *testing.T, e *env) {
	fx := e.fx
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)
	keep := func(unit, month, by string, xlsx, pdf string) {
		t.Helper()
		r := &pingan.MonthlyReport{Unit: unit, Month: month, GeneratedAt: at, GeneratedBy: by}
		if err := e.db.Monthly.KeepMonthlyReport(ctx, r, []byte(xlsx), []byte(pdf)); err != nil {
			t.Fatal(err)
		}
	}
	keep(fx.County.Code, "2026-01", "", "x1", "p1")
	keep(fx.County.Code, "2026-02", "", "x2", "p2")
	keep(fx.City.Code, "2026-02", "", "x3", "p3")
	keep(fx.OtherCounty.Code, "2026-02", "", "x4", "p4")
	keep(fx.County.Code, "2026-02", "肃州区领导", "xlsx again", "pdf again") // generated again
	wantCode(t, e.db.Monthly.KeepMonthlyReport(ctx, &pingan.MonthlyReport{Unit: "999999", Month: "2026-02", GeneratedAt: at}, nil, nil),
		pingan.ENOTFOUND)

	list := func(u *pingan.User, unit string) []*pingan.MonthlyReport {
		t.Helper()
		rs, err := e.db.Monthly.MonthlyReports(ctx, u, unit)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	rs := list(fx.CityLeader, "")
	var got []string
	for _, r := range rs {
		got = append(got, r.Unit+" "+r.Month)
	}
	want := []string{"620900 2026-02", "620902 2026-02", "620921 2026-02", "620902 2026-01"}
	if len(got) != len(want) {
		t.Fatalf("the city's archive %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("the city's archive %v, want %v", got, want)
		}
	}
	if r := rs[1]; r.UnitName != "肃州区" || r.GeneratedBy != "肃州区领导" || r.XLSXBytes != len("xlsx again") || r.PDFBytes != len("pdf again") ||
		!r.GeneratedAt.Equal(at) {
		t.Errorf("generated again: %+v", r)
	}
	if rs := list(fx.CountyLeader, ""); len(rs) != 2 {
		t.Errorf("the county sees %d reports", len(rs))
	}
	if rs := list(fx.CityLeader, fx.County.Code); len(rs) != 2 || rs[0].Month != "2026-02" {
		t.Errorf("of the county: %v", rs)
	}
	_, err := e.db.Monthly.MonthlyReports(ctx, fx.CountyLeader, fx.OtherCounty.Code)
	wantCode(t, err, pingan.ENOTFOUND)

	b, err := e.db.Monthly.MonthlyReportFile(ctx, fx.Viewer, fx.County.Code, "2026-02", pingan.ReportPDF)
	if err != nil || !bytes.Equal(b, []byte("pdf again")) {
		t.Errorf("the PDF: %q %v", b, err)
	}
	if b, err := e.db.Monthly.MonthlyReportFile(ctx, fx.Viewer, fx.County.Code, "2026-01", pingan.ReportXLSX); err != nil || string(b) != "x1" {
		t.Errorf("the XLSX: %q %v", b, err)
	}
	_, err = e.db.Monthly.MonthlyReportFile(ctx, fx.Viewer, fx.OtherCounty.Code, "2026-02", pingan.ReportPDF)
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Monthly.MonthlyReportFile(ctx, fx.Viewer, fx.County.Code, "2025-12", pingan.ReportPDF)
	wantCode(t, err, pingan.ENOTFOUND)
	_, err = e.db.Monthly.MonthlyReportFile(ctx, fx.Viewer, fx.County.Code, "2026-02", "doc")
	wantCode(t, err, pingan.EINVALID)
}
