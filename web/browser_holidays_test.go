package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan/calendar"
)

// A deadline counted on a year whose holiday notice is not in yet is marked
// 暂定; the administrator, asked by the banner, pastes the notice, previews
// the deadline it moves, confirms, and the case shows the recounted
// deadline with its timeline entry. The notice is the made-up notice2027
// (the real 2027 notice is not yet published).
func TestBrowserHolidayNotice(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	e.clock.Set(at2027)
	base, dir := e.ts.URL, shots(t)

	// The administrator reports a case whose 10 working days run into
	// February 2027, counted provisionally.
	browserLogin(t, ctx, base, e.fx.Admin.Username)
	do(t, ctx, "report form", chromedp.Navigate(base+"/report"), chromedp.WaitVisible(chromedp.ID("report-form")),
		chromedp.SetValue(chromedp.ID("category"), "0102"),
		chromedp.SetValue(chromedp.ID("unit"), "620902001001"),
		chromedp.SetValue(chromedp.ID("title"), "楼上漏水引发邻里纠纷"),
		chromedp.SetValue(chromedp.ID("description"), "楼上卫生间漏水，楼下住户与其多次争吵。"),
		chromedp.Click(chromedp.ID("report-submit")),
		chromedp.WaitVisible(chromedp.ID("case-status")))
	id := text(t, ctx, ".case-title .num")
	c, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, id)
	if err != nil {
		t.Fatalf("the case reported, %q: %v", id, err)
	}
	if !c.ResolveByProvisional {
		t.Fatalf("the deadline %v is not provisional", c.ResolveBy)
	}
	due := text(t, ctx, "#resolve-due")
	if !strings.HasPrefix(due, "2027-02-12 23:59") || !strings.HasSuffix(due, "暂定") {
		t.Errorf("resolve deadline shown as %q, want 2027-02-12 23:59 … 暂定", due)
	}
	why, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#resolve-due .provisional').title`))
	if err != nil || !strings.Contains(why, "发布后将自动重算") {
		t.Errorf("the 暂定 mark says %q (%v)", why, err)
	}

	// The banner on the dashboard leads to the page of 2027.
	do(t, ctx, "dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.ID("holiday-banner")),
		chromedp.Click(chromedp.CSS("#holiday-banner a")), chromedp.WaitVisible(chromedp.ID("provisional-note")))
	if got := text(t, ctx, "#holiday-year"); got != "2027 年 暂定" {
		t.Errorf("year shown as %q", got)
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the holiday page scrolls sideways (%v)", err)
	}
	shot(t, ctx, dir, "holidays-provisional")

	// Paste, preview: one deadline would move.
	do(t, ctx, "preview",
		chromedp.SetValue(chromedp.ID("notice-text"), notice2027),
		chromedp.Click(chromedp.ID("notice-preview")),
		chromedp.WaitVisible(chromedp.ID("recount-moved")))
	if got := text(t, ctx, "#recount-moved"); got != "1" {
		t.Errorf("deadlines to move: %q, want 1", got)
	}
	if got := text(t, ctx, "#recount-changes td.to"); got != "2027-02-13 23:59" {
		t.Errorf("moved to %q", got)
	}
	shot(t, ctx, dir, "holidays-preview")

	// Confirm.
	do(t, ctx, "confirm", chromedp.Click(chromedp.ID("holidays-confirm")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if got := text(t, ctx, "p.notice"); got != "已录入 2027 年节假日安排，调整了 1 个期限" {
		t.Errorf("after confirming: %q", got)
	}
	if got := text(t, ctx, "#holiday-state"); got != "已录入" {
		t.Errorf("the year is %q", got)
	}

	// The case: recounted, no longer provisional, the entry on its timeline.
	do(t, ctx, "the case again", chromedp.Navigate(base+"/cases/"+id), chromedp.WaitVisible(chromedp.ID("timeline")))
	due = text(t, ctx, "#resolve-due")
	if !strings.HasPrefix(due, "2027-02-13 23:59") || strings.Contains(due, "暂定") {
		t.Errorf("resolve deadline after the notice: %q", due)
	}
	if tl := text(t, ctx, "#timeline li.act-recount"); !strings.Contains(tl, "时限调整") || !strings.Contains(tl, "节假日安排更新") {
		t.Errorf("timeline entry: %q", tl)
	}
	shot(t, ctx, dir, "holidays-case")

	// On a phone the months fit the screen.
	do(t, ctx, "phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/admin/holidays?year=2027"), chromedp.WaitVisible(chromedp.ID("month-2027-12")))
	fits, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the holiday page scrolls sideways at 360 px (%v)", err)
	}
	shot(t, ctx, dir, "holidays-phone")

	// The store agrees with the calendar the notice makes.
	days, err := calendar.ParseNotice(notice2027, 2027)
	if err != nil || len(days.Problems) > 0 {
		t.Fatalf("notice: %v %v", err, days.Problems)
	}
	want, err := calendar.Official().With(days.Days)
	if err != nil {
		t.Fatal(err)
	}
	wantDue, err := want.Due(c.ReportedAt, 10, calendar.WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, id)
	if err != nil || !got.ResolveBy.Equal(wantDue) || got.ResolveByProvisional {
		t.Fatalf("stored deadline %v (provisional %v), want %v (%v)", got.ResolveBy, got.ResolveByProvisional, wantDue, err)
	}
	if shown := wantDue.In(calendar.CST).Format("2006-01-02 15:04"); !strings.HasPrefix(due, shown) {
		t.Errorf("shown %q, counted %s", due, shown)
	}
}
