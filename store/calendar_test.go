package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// made2027 is a made-up arrangement for 2027 (its notice is not published
// as these tests are written): 春节 5–11 February, with Saturday 13
// February a make-up working day.
func made2027() *pingan.HolidayYear {
	y := &pingan.HolidayYear{Year: 2027, Holidays: map[string]string{"2027-01-01": "元旦"},
		Workdays: map[string]string{"2027-02-13": "春节"}}
	for d := 5; d <= 11; d++ {
		y.Holidays[time.Date(2027, 2, d, 0, 0, 0, 0, pingan.CST).Format(time.DateOnly)] = "春节"
	}
	return y
}

// testHolidayYears: a year entered at run time is checked, previewed,
// entered with the recount of the open deadlines counted across it, in one
// transaction, and seen by every server on the database.
func testHolidayYears(t *testing.T, e *env) {
	fx := e.fx
	other := storetest.OpenWith(t, store.Options{DSN: e.dsn, Clock: e.clock, GridRefresh: time.Millisecond})
	if !other.Calendar.Calendar().IsProvisional(2027) {
		t.Fatal("2027 is not provisional before it is entered")
	}
	e.clock.Set(time.Date(2027, 1, 25, 10, 0, 0, 0, pingan.CST))
	c := e.report(t, fx.GridWorker, "")
	if !c.ResolveByProvisional || !e.find(t, c.ID).ResolveByProvisional {
		t.Fatalf("a deadline in 2027 is not marked provisional: %v", c.ResolveBy)
	}
	closed := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActReject, Reason: "重复"})
	provisional := *c.ResolveBy
	want, err := calendar.Official().With(map[int]calendar.Year{2027: {Holidays: made2027().Holidays, Workdays: made2027().Workdays}})
	if err != nil {
		t.Fatal(err)
	}
	wantDue, err := want.Due(c.ReportedAt, 10, calendar.WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	if wantDue.Equal(provisional) {
		t.Fatalf("the made-up notice does not move the deadline %v: the test proves nothing", provisional)
	}

	// Only an administrator of the whole tree may enter a year.
	countyAdmin := &pingan.User{Username: "sz-admin", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleAdmin}}
	if err := e.db.Users.CreateUser(ctx, countyAdmin, storetest.Password); err != nil {
		t.Fatal(err)
	}
	countyAdmin.ScopePath = fx.County.Path
	for _, u := range []*pingan.User{fx.CountyDispatcher, countyAdmin} {
		_, err := e.db.Calendar.EnterHolidayYears(ctx, u, []*pingan.HolidayYear{made2027()}, false)
		wantCode(t, err, pingan.EFORBIDDEN)
	}

	// Bad days are named, and nothing is written.
	bad := made2027()
	bad.Workdays["2027-02-10"] = "春节" // a Wednesday, and a holiday too
	bad.Holidays["2028-01-01"] = "元旦" // outside the year
	_, err = e.db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{bad}, false)
	pe := wantCode(t, err, pingan.EINVALID)
	if !strings.Contains(zh(pe, "workdays.2027-02-10"), "周三") || !strings.Contains(zh(pe, "holidays.2028-01-01"), "不在 2027 年内") {
		t.Errorf("fields %v", pe.Fields)
	}
	wantKey(t, pe, "workdays.2027-02-10", "calendar.workday.weekday")
	if en := pe.Fields["workdays.2027-02-10"].Text(pingan.EN); !strings.Contains(en, "Wednesday") || strings.Contains(en, "周") {
		t.Errorf("in English: %q", en)
	}
	wantKey(t, pe, "holidays.2028-01-01", "calendar.holiday.year")
	gap := &pingan.HolidayYear{Year: 2028, Holidays: map[string]string{"2028-01-01": "元旦"}}
	_, err = e.db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{gap}, false)
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "years.2028"), "2027") || pe.Fields["years.2028"].Key != "calendar.year.gap" {
		t.Errorf("a gap: %v", pe.Fields)
	}

	// A preview says what would move and writes nothing.
	rc, err := e.db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{made2027()}, true)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Applied || rc.Moved != 1 || rc.Cases != 1 || rc.Examined != 1 || len(rc.Changes) != 1 || !rc.Changes[0].To.Equal(wantDue) {
		t.Errorf("preview %+v", rc)
	}
	if got := e.find(t, c.ID); !got.ResolveBy.Equal(provisional) || len(e.timeline(t, c.ID)) != 1 {
		t.Errorf("the preview moved the deadline to %v", got.ResolveBy)
	}
	if ys, _ := e.db.Calendar.HolidayYears(ctx); len(ys) != 0 || !e.db.Calendar.Calendar().IsProvisional(2027) {
		t.Errorf("the preview entered %d years", len(ys))
	}

	// Entered: the deadline is recounted, with a timeline entry.
	e.clock.Set(time.Date(2027, 1, 26, 9, 0, 0, 0, pingan.CST))
	rc, err = e.db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{made2027()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !rc.Applied || rc.Moved != 1 {
		t.Errorf("entered %+v", rc)
	}
	got := e.find(t, c.ID)
	if !got.ResolveBy.Equal(wantDue) || got.ResolveByProvisional {
		t.Errorf("recounted to %v (provisional %v), want %v", got.ResolveBy, got.ResolveByProvisional, wantDue)
	}
	tl := e.timeline(t, c.ID)
	last := tl[len(tl)-1]
	if last.Action != pingan.ActRecount || !strings.Contains(last.Note, "节假日安排更新，办理时限由 2027-02-12 23:59 调整为 2027-02-13 23:59") ||
		last.Deadline == nil || !last.Deadline.Equal(wantDue) || last.ActorID != fx.Admin.ID {
		t.Errorf("timeline entry %+v", last)
	}
	ys, err := e.db.Calendar.HolidayYears(ctx)
	if err != nil || len(ys) != 1 || ys[0].Year != 2027 || len(ys[0].Holidays) != 8 || ys[0].EnteredBy == "" {
		t.Errorf("entered years %+v, %v", ys, err)
	}
	// Another server on the database counts on it within its refresh.
	time.Sleep(5 * time.Millisecond)
	if !other.Calendar.Calendar().IsOfficial(2027) {
		t.Error("the other server still counts 2027 provisionally")
	}
	if d, err := other.Calendar.Calendar().Due(c.ReportedAt, 10, calendar.WorkingDays); err != nil || !d.Equal(wantDue) {
		t.Errorf("the other server counts %v, %v", d, err)
	}
	// Entering the same year again moves nothing.
	if rc, err := e.db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{made2027()}, false); err != nil || rc.Moved != 0 {
		t.Errorf("entered again: %+v, %v", rc, err)
	}
}
