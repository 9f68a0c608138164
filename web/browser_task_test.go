package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A 13710 task in a browser: the county's dispatcher issues it to the
// township on the form; the township's handler signs it; four days later
// the first feedback (due on the third working day) is missed: the watch
// marks it, the task's timeline shows 催办 and the list shows the task
// behind schedule.
func TestBrowserTaskMissedMilestone(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)

	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "issue",
		chromedp.Navigate(base+"/tasks/new"),
		chromedp.WaitVisible(chromedp.ID("task-form")),
		chromedp.SetValue(chromedp.ID("t-title"), "整治东关市场周边占道经营"),
		chromedp.SetValue(chromedp.ID("t-content"), "按区领导批示，十个工作日内完成整治并报结"),
		chromedp.SetValue(chromedp.ID("t-lead"), e.fx.Township.Code),
		chromedp.Click(chromedp.ID("task-issue")),
		chromedp.WaitVisible(chromedp.ID("plan")))
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasPrefix(path, "/tasks/") {
		t.Fatalf("after issuing: %q %v", path, err)
	}
	if got := text(t, ctx, "#plan"); !strings.Contains(got, "部署") || !strings.Contains(got, "2026-03-16") {
		t.Errorf("the plan: %q", got)
	}
	browserLogout(t, ctx)

	browserLogin(t, ctx, base, e.fx.TownshipHandler.Username)
	do(t, ctx, "sign",
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.ID("do-sign")),
		chromedp.Click(chromedp.ID("do-sign")),
		chromedp.WaitVisible(chromedp.CSS("#timeline li.step-sign")))
	if got := text(t, ctx, "#task-state"); got != "办理中" {
		t.Errorf("state after signing: %q", got)
	}
	browserLogout(t, ctx)

	// Friday 6 March: the first feedback, due Thursday, was missed.
	now := e.clock.Advance(4 * 24 * time.Hour)
	if n, err := e.db.Tasks.MarkOverdue(context.Background(), now, 10); err != nil || n != 1 {
		t.Fatalf("the watch marked %d (%v)", n, err)
	}
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "task page",
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS("#timeline li.step-urge")))
	if got := text(t, ctx, "#timeline li.step-urge"); !strings.Contains(got, "催办") || !strings.Contains(got, "首次反馈") {
		t.Errorf("the timeline's 催办: %q", got)
	}
	if got := text(t, ctx, "#task-escalation"); got != "催办" {
		t.Errorf("escalation: %q", got)
	}
	shot(t, ctx, dir, "task-urged")
	id := strings.TrimPrefix(path, "/tasks/")
	do(t, ctx, "list",
		chromedp.Navigate(base+"/tasks?side=issued"),
		chromedp.WaitVisible(chromedp.ID("task-"+id)))
	if row := text(t, ctx, "#task-"+id); !strings.Contains(row, "进度落后") || !strings.Contains(row, "催办") {
		t.Errorf("the list's row: %q", row)
	}
	do(t, ctx, "behind filter",
		chromedp.Navigate(base+"/tasks?behind=1"),
		chromedp.WaitVisible(chromedp.ID("task-"+id)))
	shot(t, ctx, dir, "task-list-behind")
}
