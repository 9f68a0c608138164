package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
)

// The weekly 研判 in a browser: the county's leader opens the week's
// briefing from the list, records the meeting (the figures freeze), turns
// a decision into a 13710 task in one step, and follows the link to the
// task, which comes from the meeting.
func TestBrowserBriefing(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)
	week := pingan.WeekOf(e.clock.Now())

	browserLogin(t, ctx, base, e.fx.CountyLeader.Username)
	do(t, ctx, "list",
		chromedp.Navigate(base+"/briefings?unit="+e.fx.County.Code),
		chromedp.WaitVisible(chromedp.ID("week-"+week)),
		chromedp.Click(chromedp.CSS("#week-"+week+" a")),
		chromedp.WaitVisible(chromedp.ID("form-meeting")))
	if got := text(t, ctx, "#briefing-state"); got != "研判稿" {
		t.Errorf("state of the draft: %q", got)
	}
	shot(t, ctx, dir, "briefing-draft")
	do(t, ctx, "meeting",
		chromedp.SetValue(chromedp.ID("m-on"), pingan.Day(e.clock.Now())),
		chromedp.SetValue(chromedp.ID("m-chair"), "区委政法委书记"),
		chromedp.SetValue(chromedp.ID("m-attendees"), "区综治中心、住建局、东北街街道"),
		chromedp.SetValue(chromedp.ID("m-summary"), "研判涉房风险，部署排查化解"),
		chromedp.Click(chromedp.ID("m-submit")),
		chromedp.WaitVisible(chromedp.ID("meeting-record")))
	if got := text(t, ctx, "#briefing-state"); got != "已召开" {
		t.Errorf("state after the meeting: %q", got)
	}
	if got := text(t, ctx, "#meeting-record"); !strings.Contains(got, "区委政法委书记") {
		t.Errorf("the record: %q", got)
	}
	do(t, ctx, "decision",
		chromedp.WaitVisible(chromedp.ID("form-decision")),
		chromedp.SetValue(chromedp.ID("d-text"), "东北街街道十日内完成涉房矛盾排查"),
		chromedp.SetValue(chromedp.ID("d-lead"), e.fx.Township.Code),
		chromedp.Click(chromedp.ID("d-submit")),
		chromedp.WaitVisible(chromedp.CSS("#decision-1 a.decision-task")))
	if got := text(t, ctx, "#decision-1"); !strings.Contains(got, "东北街街道十日内完成涉房矛盾排查") || !strings.Contains(got, "东北街") {
		t.Errorf("the decision: %q", got)
	}
	shot(t, ctx, dir, "briefing-decided")
	do(t, ctx, "task",
		chromedp.Click(chromedp.CSS("#decision-1 a.decision-task")),
		chromedp.WaitVisible(chromedp.ID("task-state")))
	if got := text(t, ctx, "h1"); !strings.Contains(got, "东北街街道十日内完成涉房矛盾排查") {
		t.Errorf("the task's title: %q", got)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, pingan.Text(pingan.ZH, "task.source.meeting")) {
		t.Errorf("the task does not come from the meeting: %q", body)
	}
	shot(t, ctx, dir, "briefing-task")
}
