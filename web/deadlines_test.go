package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// Countdowns read in minutes under an hour, in hours under a day, then in
// days (working days for a deadline counted in them); time past is rounded
// up, time left down.
func TestCountdownWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, pingan.CST) // a Wednesday
	for _, tt := range []struct {
		due     time.Time
		unit    string
		zh, en  string
		overdue bool
	}{
		{now.Add(-6 * time.Minute), "hours", "已超期 6 分钟", "6 minutes overdue", true},
		{now.Add(-6*time.Minute - 10*time.Second), "working", "已超期 7 分钟", "7 minutes overdue", true},
		{now.Add(-time.Minute), "calendar", "已超期 1 分钟", "1 minute overdue", true},
		{now.Add(45*time.Minute + 30*time.Second), "hours", "还剩 45 分钟", "45 minutes left", false},
		{now.Add(20 * time.Second), "hours", "即将到期", "due now", false},
		{now.Add(-59*time.Minute - 30*time.Second), "hours", "已超期 1 小时", "1 hour overdue", true},
		{now.Add(5*time.Hour + 50*time.Minute), "working", "还剩 5 小时", "5 hours left", false},
		{now.Add(-23 * time.Hour), "calendar", "已超期 23 小时", "23 hours overdue", true},
		{now.Add(-25 * time.Hour), "calendar", "已超期 2 天", "2 days overdue", true},
		{now.Add(3*24*time.Hour + time.Hour), "calendar", "还剩 3 天", "3 days left", false},
		{now.Add(30 * time.Hour), "hours", "还剩 1 天", "1 day left", false},
		// Friday 23:59:59 then Monday: 2 working days from Wednesday.
		{time.Date(2026, 3, 6, 23, 59, 59, 0, pingan.CST), "working", "还剩 2 个工作日", "2 working days left", false},
		{time.Date(2026, 3, 9, 23, 59, 59, 0, pingan.CST), "working", "还剩 3 个工作日", "3 working days left", false},
	} {
		for lang, want := range map[pingan.Lang]string{pingan.ZH: tt.zh, pingan.EN: tt.en} {
			due := tt.due
			d := e.srv.deadline(now, &due, tt.unit, lang)
			if d.Words != want || d.Overdue != tt.overdue {
				t.Errorf("%s before %s (%s, %s): %q overdue %v, want %q overdue %v", now.Sub(due), due.Format(time.DateTime),
					tt.unit, lang, d.Words, d.Overdue, want, tt.overdue)
			}
		}
	}
}

// signAndWork accepts, dispatches to the township and, when sign is set,
// signs the case.
func signAndWork(e *env, id string, sign bool) {
	e.act(e.fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: e.fx.Township.Code})
	if sign {
		e.act(e.fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActSign})
	}
}

var overdueSection = regexp.MustCompile(`<h2 class="overdue-h">`)

// 超期 is a state of the deadlines a case must meet now, 曾超期 its history:
// a case flagged once but with days left is no longer listed as overdue;
// a missed sign deadline is.
func TestInboxOverdueNowAndWasOverdue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fx := e.fx
	ctx := context.Background()
	// Missed its resolve deadline while waiting to be signed, then signed
	// and extended: flagged, days left.
	extended := e.newCase(fx.GridWorker, "0102", "延期后仍在办的纠纷")
	signAndWork(e, extended.ID, false)
	e.clock.Set(time.Date(2026, 3, 17, 9, 0, 0, 0, pingan.CST))
	if _, err := e.db.Cases.EscalateDue(ctx, e.clock.Now(), 100); err != nil { // marks the dispatched case
		t.Fatal(err)
	}
	e.act(fx.TownshipHandler, extended.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.TownshipDispatcher, extended.ID, pingan.ActionInput{Action: pingan.ActExtend, Days: 10, Reason: "需要补充材料"})
	if c, _ := e.db.Cases.FindCase(ctx, fx.Admin, extended.ID); !c.Overdue || c.OverdueAt(e.clock.Now()) {
		t.Fatalf("the extended case: flag %v, overdue now %v", c.Overdue, c.OverdueAt(e.clock.Now()))
	}
	// Dispatched and not signed in time: 签收超期, no flag.
	unsigned := e.newCase(fx.GridWorker, "0102", "无人签收的纠纷")
	signAndWork(e, unsigned.ID, false)
	e.clock.Set(e.clock.Now().Add(3 * 24 * time.Hour))

	page := e.login(fx.TownshipHandler).get("/inbox?tab=sign")
	if page.status != http.StatusOK {
		t.Fatalf("inbox: %d", page.status)
	}
	mustContain(t, page.body, "签收超期", `id="tab-sign"`)
	if !strings.Contains(page.body, `title="已超期">超期 1</span>`) {
		t.Errorf("the sign tab's badge does not count the missed sign deadline")
	}
	all := e.login(fx.TownshipDispatcher).get("/inbox?tab=watch")
	mustContain(t, all.body, "曾超期", "无人签收的纠纷", "延期后仍在办的纠纷")
	// The overdue section holds the unsigned case only.
	i := overdueSection.FindStringIndex(all.body)
	if i == nil {
		t.Fatal("no overdue section on the watch tab")
	}
	rest := all.body[i[0]:]
	others := strings.Index(rest, `<h2>`)
	if others < 0 {
		t.Fatal("no second list on the watch tab")
	}
	if top := rest[:others]; !strings.Contains(top, "无人签收的纠纷") || strings.Contains(top, "延期后仍在办的纠纷") {
		t.Errorf("the overdue section lists the wrong cases")
	}
	if !strings.Contains(all.body, `title="已超期">超期 1</span>`) {
		t.Errorf("the watch tab's badge counts more than the one overdue now")
	}
	// The extended case's resolve deadline shows the days it has left.
	row := rowOf(t, all.body, "延期后仍在办的纠纷")
	if strings.Contains(row, "已超期") || !strings.Contains(row, "还剩") || !strings.Contains(row, "曾超期") {
		t.Errorf("the extended case's row: %s", row)
	}
}

// rowOf answers the table row holding s.
func rowOf(t *testing.T, body, s string) string {
	t.Helper()
	i := strings.Index(body, s)
	if i < 0 {
		t.Fatalf("no row with %q", s)
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	return body[start : i+end]
}

// A supervision deadline (督办) shows in the handler's list and on the case's
// 办理时限 card, and once passed it is 超期 (督办超期) and the watch marks it.
func TestSupervisionDeadlineShown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fx := e.fx
	ctx := context.Background()
	c := e.newCase(fx.GridWorker, "0102", "领导督办的纠纷")
	signAndWork(e, c.ID, true)
	by := e.clock.Now().Add(2*time.Hour + 30*time.Minute)
	e.act(fx.CountyLeader, c.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by, Note: "今天下班前办结"})

	h := e.login(fx.TownshipHandler)
	p := h.get("/inbox?tab=handle")
	if !strings.Contains(p.body, "领导督办的纠纷") {
		t.Fatalf("%d %s", p.status, p.body)
	}
	row := rowOf(t, p.body, "领导督办的纠纷")
	mustContain(t, row, "督办时限", "还剩 2 小时", "办结时限")
	mustNotContain(t, row, "督办超期")

	card := renderDeadlines(t, e, c.ID)
	mustContain(t, card, `id="supervise-due"`, "督办时限", "还剩 2 小时", `id="resolve-due"`)

	e.clock.Set(by.Add(6 * time.Minute))
	h = e.login(fx.TownshipHandler) // the session of before has been idle too long
	page := h.get("/inbox?tab=handle")
	row = rowOf(t, page.body, "领导督办的纠纷")
	mustContain(t, row, "督办超期", "已超期 6 分钟")
	if !strings.Contains(page.body, `title="已超期">超期 1</span>`) {
		t.Errorf("the handle tab's badge does not count the missed supervision deadline")
	}
	mustContain(t, renderDeadlines(t, e, c.ID), "督办超期", "已超期 6 分钟")
	if n, err := e.db.Cases.EscalateDue(ctx, e.clock.Now(), 100); err != nil || n != 1 {
		t.Fatalf("the watch touched %d (%v), want 1", n, err)
	}
	got, _ := e.db.Cases.FindCase(ctx, fx.Admin, c.ID)
	if !got.Overdue || got.EscalationLevel != 0 || got.Status != pingan.StatusInProgress {
		t.Errorf("after the watch: flag %v, level %d, %s", got.Overdue, got.EscalationLevel, got.Status)
	}
}

// renderDeadlines renders the 办理时限 card of the case as the county's
// dispatcher sees it, as the case page calls it.
func renderDeadlines(t *testing.T, e *env, id string) string {
	t.Helper()
	c, err := e.db.Cases.FindCase(context.Background(), e.fx.CountyDispatcher, id)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/cases/"+id, nil)
	v := e.srv.newView(r, "case")
	var buf bytes.Buffer
	if err := e.srv.pages["case"].t.ExecuteTemplate(&buf, "deadlines", map[string]any{"V": v, "C": c}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// A rate with nothing to count shows "—" with its reason, not 0.0%.
func TestRatesWithNothingToCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyDispatcher)
	page := c.get("/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-03")
	if page.status != http.StatusOK {
		t.Fatalf("dashboard: %d", page.status)
	}
	mustNotContain(t, page.body, "0.0%")
	mustContain(t, page.body, `<div class="value none" title="本期没有受理的案件，无可计算">—</div>`,
		`<div class="value none" title="本期没有办结的案件，无可计算">—</div>`, `<div class="value none" title="本期没有评价，无可计算">—</div>`)

	// One case received, none resolved: the resolution rate is 0.0 %, the
	// on-time rate has nothing to count.
	e.newCase(e.fx.GridWorker, "0102", "刚受理的纠纷")
	page = c.get("/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-03")
	metric := func(id string) string {
		i := strings.Index(page.body, `id="metric-`+id+`"`)
		if i < 0 {
			t.Fatalf("no metric %s", id)
		}
		j := strings.Index(page.body[i:], `<div class="deltas">`)
		return page.body[i : i+j]
	}
	mustContain(t, metric("resolution"), "0.0%")
	mustContain(t, metric("on_time"), `title="本期没有办结的案件，无可计算">—</div>`)
	mustNotContain(t, metric("on_time"), "0.0%")
}

// A bad date in the inbox's filter is refused naming the field.
func TestInboxFilterBadDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := e.login(e.fx.CountyDispatcher).get("/inbox?tab=all&from=2026-13-01")
	if page.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", page.status)
	}
	mustContain(t, page.body, "上报起", "2026-13-01")
}
