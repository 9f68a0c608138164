package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
)

// The risk ledger in a browser: the county's dispatcher registers a red
// risk; its 包保 leader reviews it — the level stays red, the next review
// moves on by the red cadence (7 days) and the timeline shows the review;
// eight days later the watch marks the missed review and the ledger shows
// the red risk overdue.
func TestBrowserRiskReview(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)

	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "register",
		chromedp.Navigate(base+"/risks"),
		chromedp.WaitVisible(chromedp.ID("risk-form")),
		chromedp.SetValue(chromedp.ID("r-title"), "某楼盘逾期交房业主维权"),
		chromedp.SetValue(chromedp.ID("r-field"), "housing_delivery"),
		chromedp.SetValue(chromedp.ID("r-level"), pingan.RiskRed),
		chromedp.SetValue(chromedp.ID("r-unit"), e.fx.Township.Code),
		chromedp.SetValue(chromedp.ID("r-responsible"), e.fx.CountyHousing.Code),
		chromedp.SetValue(chromedp.ID("r-leader"), strconv.FormatInt(e.fx.CountyLeader.ID, 10)),
		chromedp.SetValue(chromedp.ID("r-m-text"), "每周约谈开发商，督促复工"),
		chromedp.SetValue(chromedp.ID("r-m-owner"), "住建局分管副局长"),
		chromedp.SetValue(chromedp.ID("r-m-due"), pingan.Day(e.clock.Now().AddDate(0, 0, 14))),
		chromedp.Click(chromedp.CSS("#risk-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("risk-level")))
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasPrefix(path, "/risks/") {
		t.Fatalf("after registering: %q %v", path, err)
	}
	browserLogout(t, ctx)

	// Two days on, the leader reviews it without changing the level.
	e.clock.Advance(48 * time.Hour)
	browserLogin(t, ctx, base, e.fx.CountyLeader.Username)
	do(t, ctx, "review",
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.ID("form-review")),
		chromedp.SetValue(chromedp.ID("rv-note"), "开发商已落实续建资金，业主情绪平稳"),
		chromedp.Click(chromedp.ID("do-review")),
		chromedp.WaitVisible(chromedp.CSS("#timeline li.ev-review")))
	if got := text(t, ctx, "#risk-level"); got != "红色（重大）" {
		t.Errorf("level after the review: %q", got)
	}
	if got, want := text(t, ctx, "#risk-due"), pingan.Day(e.clock.Now().AddDate(0, 0, 7)); got != want {
		t.Errorf("next review %q, want %q", got, want)
	}
	if got := text(t, ctx, "#timeline li.ev-review"); !strings.Contains(got, "研判复核") || !strings.Contains(got, "开发商已落实续建资金") {
		t.Errorf("the timeline's review: %q", got)
	}
	shot(t, ctx, dir, "risk-reviewed")

	// Eight days later the review is missed: the watch marks it, and the
	// ledger shows the red risk overdue.
	now := e.clock.Advance(8 * 24 * time.Hour)
	if n, err := e.db.Risks.MarkOverdue(context.Background(), now, 10); err != nil || n != 1 {
		t.Fatalf("the watch marked %d (%v)", n, err)
	}
	id := strings.TrimPrefix(path, "/risks/")
	browserLogin(t, ctx, base, e.fx.CountyLeader.Username) // the session ended while the clock moved on
	do(t, ctx, "ledger",
		chromedp.Navigate(base+"/risks?overdue=1"),
		chromedp.WaitVisible(chromedp.ID("risk-"+id)))
	row := text(t, ctx, "#risk-"+id)
	if !strings.Contains(row, "红色（重大）") || !strings.Contains(row, "逾期") {
		t.Errorf("the ledger's row: %q", row)
	}
	cls, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById("risk-%s").className`, id)))
	if err != nil || !strings.Contains(cls, "overdue") {
		t.Errorf("the row's class %q (%v)", cls, err)
	}
	shot(t, ctx, dir, "risk-ledger-overdue")
}
