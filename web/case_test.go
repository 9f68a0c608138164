package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// departmentCase is a community's case the county's centre accepted and
// dispatched to the county's housing bureau, signed there when signed.
func (e *env) departmentCase(signed bool) *pingan.Case {
	e.t.Helper()
	c := e.newCase(e.fx.GridWorker, "0102", "楼道堆物引发邻里纠纷")
	e.act(e.fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: e.fx.CountyHousing.Code})
	if signed {
		e.act(e.fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	}
	return c
}

// followMoved posts the action as the client and answers the inbox it is
// sent back to, failing unless it is sent there rather than to the case.
func followMoved(t *testing.T, cl *client, id string, form url.Values) string {
	t.Helper()
	res := cl.post("/cases/"+id+"/act", form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/inbox?") {
		t.Fatalf("after the action: status %d, location %q, want the inbox", res.status, res.location)
	}
	page := cl.get(res.location)
	if page.status != http.StatusOK {
		t.Fatalf("inbox after the action: %d %s", page.status, page.body)
	}
	return page.body
}

// A department's 退回 takes the case out of its sight: the page goes back
// to the inbox and says where the case went, never "案件不存在".
func TestReturnGoesBackToTheInbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.departmentCase(false)
	cl := e.login(e.fx.CountyHandler)
	body := followMoved(t, cl, c.ID, url.Values{"action": {"return"}, "reason": {"不属于本部门职责"}})
	mustContain(t, body, "已退回案件 "+c.Number, "案件已回到肃州区")
	mustNotContain(t, body, "案件不存在")
}

// A department's 上报上级 names the target before it is confirmed (the
// city, never the street office below the county), then goes back to the
// inbox saying where the case went.
func TestEscalateShowsTheTargetAndGoesBackToTheInbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.departmentCase(true)
	cl := e.login(e.fx.CountyHandler)
	page := cl.get("/cases/" + c.ID)
	if page.status != http.StatusOK {
		t.Fatalf("case page %d", page.status)
	}
	mustContain(t, page.body, `id="escalate-target"`, "将上报至：市级（酒泉市）")
	body := followMoved(t, cl, c.ID, url.Values{"action": {"escalate"}, "reason": {"涉及多个部门，超出本级能力"}})
	mustContain(t, body, "已上报案件 "+c.Number, "案件已转至酒泉市受理")

	// The city's centre now holds it; its page says so in words.
	city := e.login(e.fx.CityDispatcher).get("/cases/" + c.ID)
	mustContain(t, city.body, `id="case-escalated"`, "已上报至市级（酒泉市综治中心）")
}

// At the top of the tree the escalation is shown as impossible.
func TestEscalateAtTheTop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{{Code: "620000-zz", Name: "甘肃省综治中心", Level: pingan.LevelCentre, ParentCode: "620000"}}); err != nil {
		t.Fatal(err)
	}
	top := &pingan.User{Username: "gs-dispatcher", Name: "省派遣员", UnitCode: "620000-zz", Roles: []pingan.Role{pingan.RoleDispatcher}}
	if err := e.db.Users.CreateUser(ctx, top, storetest.Password); err != nil {
		t.Fatal(err)
	}
	c := e.newCase(top, "0102", "省级案件")
	page := e.login(top).get("/cases/" + c.ID)
	mustContain(t, page.body, "本案件已在最高一级，无法再上报")
}

// A dispatcher who still sees the case after escalating it stays on its
// page.
func TestEscalateInSightStaysOnTheCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "邻里纠纷")
	cl := e.login(e.fx.CountyDispatcher)
	res := cl.post("/cases/"+c.ID+"/act", url.Values{"action": {"escalate"}, "reason": {"需市级协调"}})
	if res.status != http.StatusSeeOther || res.location != "/cases/"+c.ID+"?done=escalate" {
		t.Fatalf("status %d location %q", res.status, res.location)
	}
}

// The words stored in the database — the system's and the citizens' names,
// the automatic escalation's note, the roles of the parties — are shown in
// the reader's language, and the grid and the holding centre by name.
func TestCaseWordsByKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	storetest.SeedGrids(t, e.db, e.fx)
	c, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "楼上漏水引发邻里纠纷", Description: "楼上住户卫生间漏水", Location: &pingan.Location{Lat: 39.755, Lng: 98.505},
		Parties: []pingan.Person{{Role: "applicant", Name: "李四"}, {Role: "respondent", Name: "王五"}}})
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01", Title: "路灯不亮",
		Description: "小区路灯不亮", Unit: e.fx.Village.Code})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(20 * 24 * time.Hour)
	if _, err := e.db.Cases.EscalateDue(ctx, e.clock.Now(), 100); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct {
		path      string
		want, bad []string
	}{
		{"/lang/zh", []string{"系统", "超过办结时限自动上报", "申请人", "被申请人", "富康社区第一网格", "东北街街道综治中心",
			"已上报至乡镇（街道）级（东北街街道综治中心）", `id="case-map"`, `id="case-pin"`},
			[]string{"(system)", "resolve deadline missed", ">applicant<", ">respondent<"}},
		{"/lang/en", []string{"System", "Resolve deadline missed: escalated automatically", "Applicant", "Respondent"},
			[]string{"系统 (system)", "超过办结时限自动上报", "申请人"}},
	} {
		cl := e.login(e.fx.TownshipDispatcher)
		cl.get(lang.path + "?next=/inbox")
		page := cl.get("/cases/" + c.ID)
		mustContain(t, page.body, lang.want...)
		mustNotContain(t, page.body, lang.bad...)
		citizen := cl.get("/cases/" + receipt.Number)
		mustNotContain(t, citizen.body, "群众 (citizen)", "(citizen)")
	}
}

// The citizen reads the outcome — the reason of a 不予受理, the unit that
// handled the case and its result — before being asked to rate it.
func TestPublicOutcome(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	file := func(title string) *pingan.PublicReceipt {
		r, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01", Title: title,
			Description: title, Unit: e.fx.Village.Code})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	rejected := file("重复反映的路灯")
	e.act(e.fx.TownshipDispatcher, rejected.Number, pingan.ActionInput{Action: pingan.ActReject, Reason: "与 2026 年已受理的案件重复，已并案办理"})
	closed := file("路灯不亮")
	e.act(e.fx.TownshipDispatcher, closed.Number, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.TownshipDispatcher, closed.Number, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: e.fx.Township.Code})
	e.act(e.fx.TownshipHandler, closed.Number, pingan.ActionInput{Action: pingan.ActSign})
	e.act(e.fx.TownshipHandler, closed.Number, pingan.ActionInput{Action: pingan.ActResolve, Result: "已更换灯具，路灯恢复照明"})
	e.act(e.fx.TownshipDispatcher, closed.Number, pingan.ActionInput{Action: pingan.ActClose})

	cl := e.anon()
	page := cl.get(statusLink(rejected.Number, rejected.QueryCode))
	mustContain(t, page.body, "不予受理理由", "已并案办理")
	page = cl.get(statusLink(closed.Number, closed.QueryCode))
	mustContain(t, page.body, "办理单位", "东北街街道", "办理结果", "已更换灯具，路灯恢复照明", `id="rate"`)
	if strings.Index(page.body, "已更换灯具") > strings.Index(page.body, `id="rate"`) {
		t.Error("the rating form comes before the result")
	}
}
