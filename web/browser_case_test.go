package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// On a phone, a county department's handler finds the actions above the
// case's details, reads where 上报上级 will send the case before confirming
// it, confirms, and lands on the inbox, which says where the case went —
// never on a page saying the case does not exist.
func TestBrowserEscalateFromPhone(t *testing.T) {
	ctx := newBrowser(t, 390, 844)
	e := newEnv(t)
	c := e.departmentCase(true)
	browserLogin(t, ctx, e.ts.URL, e.fx.CountyHandler.Username)
	do(t, ctx, "case page", chromedp.Navigate(e.ts.URL+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.ID("actions")))
	waitFor(t, ctx, "the actions above the details",
		`document.getElementById("actions").getBoundingClientRect().top < document.querySelector(".case-main").getBoundingClientRect().top`)
	do(t, ctx, "open the escalation", chromedp.Click(chromedp.CSS("#act-escalate summary")),
		chromedp.WaitVisible(chromedp.ID("escalate-target")))
	if got := text(t, ctx, "#escalate-target"); got != "将上报至：市级（酒泉市）" {
		t.Errorf("target shown %q", got)
	}
	do(t, ctx, "escalate",
		chromedp.SetValue(chromedp.ID("escalate-reason"), "涉及多个部门，超出本级处置能力"),
		chromedp.Click(chromedp.CSS("#act-escalate button[type=submit]")))
	waitFor(t, ctx, "the inbox", `location.pathname === "/inbox" && document.querySelector('p.notice[role=status]') !== null`)
	notice := text(t, ctx, `p.notice[role=status]`)
	if !strings.Contains(notice, "已上报案件 "+c.Number) || !strings.Contains(notice, "酒泉市") {
		t.Errorf("inbox notice %q", notice)
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if path != "/inbox" {
		t.Errorf("landed on %s", path)
	}
}
