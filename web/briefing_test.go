package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// TestBriefingPages: the week's draft and record in Chinese show no Latin
// word; a decision without a lead unit answers 400 on the page naming it
// and writes nothing; a good one becomes a task linked from its row; the
// print answers a PDF; another county's unit is not found.
func TestBriefingPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fx := e.fx
	if _, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, &pingan.NewRisk{Title: "某小区逾期交房", Field: "housing_delivery",
		Unit: fx.Township.Code, Level: pingan.RiskRed, Leader: fx.CountyLeader.ID, Responsible: fx.CountyHousing.Code}); err != nil {
		t.Fatal(err)
	}
	week := pingan.WeekOf(e.clock.Now())
	base := "/briefings/" + fx.County.Code + "/" + week
	cl := e.login(fx.CountyLeader)
	cl.get("/lang/zh?next=/inbox")
	noLatin := func(what string, res response) {
		t.Helper()
		if res.status != http.StatusOK && res.status != http.StatusBadRequest {
			t.Fatalf("%s: %d", what, res.status)
		}
		if ws := latinWords(res.body); len(ws) > 0 {
			t.Errorf("%s shows Latin words %v", what, ws)
		}
	}
	draft := cl.get(base)
	noLatin("the draft", draft)
	if !strings.Contains(draft.body, `id="risk-`) || !strings.Contains(draft.body, "/risks?level=red") {
		t.Errorf("the draft lacks the week's risk or its link")
	}
	if res := cl.post(base+"/meeting", url.Values{"on": {pingan.Day(e.clock.Now())}, "chair": {"区委政法委书记"}}); res.status != http.StatusSeeOther {
		t.Fatalf("meeting: %d %s", res.status, res.body)
	}
	bad := cl.post(base+"/decisions", url.Values{"text": {"开展排查"}, "task": {"1"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, `id="decision-error"`) {
		t.Fatalf("a decision without a lead unit: %d", bad.status)
	}
	noLatin("the refused decision", bad)
	if b, err := e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.County.Code, week); err != nil || len(b.Decisions) != 0 {
		t.Fatalf("a refused decision was written: %v %+v", err, b)
	}
	if res := cl.post(base+"/decisions", url.Values{"text": {"东北街街道十日内完成排查"}, "lead_unit": {fx.Township.Code}, "task": {"1"},
		"plan": {pingan.TaskType13710}}); res.status != http.StatusSeeOther {
		t.Fatalf("decision: %d %s", res.status, res.body)
	}
	held := cl.get(base)
	noLatin("the record", held)
	if !strings.Contains(held.body, `id="decision-1"`) || !strings.Contains(held.body, `href="/tasks/`) {
		t.Errorf("the record lacks the decision's task")
	}
	noLatin("the list", cl.get("/briefings?unit="+fx.County.Code))
	if _, err := paper.New(""); err == nil {
		if res := cl.get(base + ".pdf"); res.status != http.StatusOK || res.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.body, "%PDF") {
			t.Errorf("the print: %d %s", res.status, res.header.Get("Content-Type"))
		}
	}
	if res := e.login(fx.OtherDispatcher).get(base); res.status != http.StatusNotFound {
		t.Errorf("another county reads the briefing: %d", res.status)
	}
}
