package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

var dashRiskRe = regexp.MustCompile(`<a href="([^"]*)" id="dash-risk-(red|orange|yellow|blue)"[^>]*>(\d+)</a>`)

// TestDashboardRisks reads the section 风险预警 from the counters: a red
// and a yellow risk in control this month, one resolved, and a task
// issued this year; each count links to its list; a viewer, whose role
// reads none of them, and a filtered dashboard show no section.
func TestDashboardRisks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fx := e.fx
	register := func(level string) *pingan.Risk {
		t.Helper()
		r, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, &pingan.NewRisk{Title: "某小区逾期交房" + level, Field: "housing_delivery",
			Unit: fx.Township.Code, Level: level, Leader: fx.CountyLeader.ID, Responsible: fx.CountyHousing.Code})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	register(pingan.RiskRed)
	register(pingan.RiskYellow)
	gone := register(pingan.RiskYellow)
	if _, err := e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, gone.ID, &pingan.RiskAction{Step: pingan.RiskResolve, Note: "已交房",
		Version: gone.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Tasks.IssueTask(ctx, fx.CountyDispatcher, &pingan.NewTask{Title: "整治", Source: pingan.TaskFromMeeting,
		LeadUnit: fx.Township.Code}); err != nil {
		t.Fatal(err)
	}
	res := e.login(fx.CountyLeader).get("/dashboard?unit=" + fx.County.Code)
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="dash-risks"`) {
		t.Fatalf("no section: %d", res.status)
	}
	got := map[string]string{}
	for _, m := range dashRiskRe.FindAllStringSubmatch(res.body, -1) {
		got[m[2]] = m[3]
		if !strings.Contains(m[1], "level="+m[2]) || !strings.HasPrefix(m[1], "/risks?") {
			t.Errorf("%s links to %s", m[2], m[1])
		}
	}
	if got["red"] != "1" || got["yellow"] != "1" || got["orange"] != "0" || got["blue"] != "0" {
		t.Errorf("in control by level %v, want red 1, yellow 1", got)
	}
	for _, want := range []string{`id="risk-chart"`, `id="dash-risks-tasks"`, "按序时推进 1 项", `id="dash-risks-warnings"`,
		pingan.Text(pingan.ZH, "dash.risks.open.formula")} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the section lacks %s", want)
		}
	}
	if res := e.login(fx.Viewer).get("/dashboard?unit=" + fx.County.Code); res.status != http.StatusOK || strings.Contains(res.body, `id="dash-risks"`) {
		t.Errorf("a viewer sees the section: %d", res.status)
	}
	if res := e.login(fx.CountyLeader).get("/dashboard?unit=" + fx.County.Code + "&kind=dispute"); strings.Contains(res.body, `id="dash-risks"`) {
		t.Error("a filtered dashboard shows the section")
	}
}
