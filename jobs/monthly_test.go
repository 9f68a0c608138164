package jobs_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/monthly"
	"github.com/pingan-gov/pingan/paper"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The monthly reports are due from the month's first working day of the
// official calendar (after the National Day holiday in October 2026), for
// the city and each county, once each; a report missing later is made on
// the next pass.
func TestMonthlyReports(t *testing.T) {
	cal := calendar.Official()
	for day, want := range map[string]string{
		"2026-10-01": "", "2026-10-07": "", "2026-10-08": "2026-09", "2026-10-20": "2026-09",
		"2026-11-02": "2026-10", "2026-11-01": "", // a Sunday
	} {
		at, _ := time.ParseInLocation(time.DateOnly, day, pingan.CST)
		if got, err := jobs.Due(cal, at.Add(9*time.Hour)); err != nil || got != want {
			t.Errorf("due on %s: %q %v, want %q", day, got, err, want)
		}
	}
	if _, err := paper.New(""); err != nil {
		t.Skipf("no font for the PDF: %v", err)
	}
	clock := storetest.NewClock(time.Date(2026, 10, 7, 9, 0, 0, 0, pingan.CST))
	dsn := t.TempDir() + "/pingan.db"
	db := storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock})
	fx := storetest.Seed(t, db)
	ctx := context.Background()
	m := &jobs.MonthlyReports{Services: monthly.Services{Stats: db.Stats, Cases: db.Cases, Units: db.Units, Schemes: db.Schemes,
		Assess: db.Assess, Categories: db.Categories}, Reports: db.Monthly, Calendar: cal, Clock: clock, Logger: slog.New(slog.DiscardHandler)}
	pass := func(want int) {
		t.Helper()
		if n, err := m.Pass(ctx); err != nil || n != want {
			t.Fatalf("pass on %s: %d reports, %v; want %d", clock.Now().Format(time.DateOnly), n, err, want)
		}
	}
	pass(0) // still the holiday
	clock.Set(time.Date(2026, 10, 8, 9, 0, 0, 0, pingan.CST))
	pass(3) // 酒泉市, 肃州区, 金塔县
	pass(0)
	kept, err := db.Monthly.MonthlyReports(ctx, fx.Admin, "")
	if err != nil || len(kept) != 3 {
		t.Fatalf("kept %d, %v", len(kept), err)
	}
	for _, r := range kept {
		if r.Month != "2026-09" || r.GeneratedBy != "" || r.PDFBytes == 0 || r.XLSXBytes == 0 {
			t.Errorf("kept %+v", r)
		}
	}
	if kept[0].Unit != fx.City.Code {
		t.Errorf("first kept %s, want the city", kept[0].Unit)
	}
	// One goes missing: the next pass makes it again, and only it.
	raw, err := sql.Open(store.DriverDSN(dsn))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `DELETE FROM monthly_reports WHERE unit_code = $1`, fx.OtherCounty.Code); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 10, 20, 9, 0, 0, 0, pingan.CST))
	pass(1)
	pdf, err := db.Monthly.MonthlyReportFile(ctx, fx.OtherDispatcher, fx.OtherCounty.Code, "2026-09", pingan.ReportPDF)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the county's PDF: %.8q %v", pdf, err)
	}
}
