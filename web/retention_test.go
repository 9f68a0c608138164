package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// The retention's page: the security administrator reads the months of
// each kind, a kind below its minimum comes back naming it and the
// minimum, nothing saved; good months are saved; the system and the audit
// administrators and a county's security administrator are refused.
func TestAdminRetention(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sec := e.login(e.fx.SecAdmin)
	mustContain(t, sec.get("/admin/security").body, `id="retention-link"`, `href="/admin/retention"`)
	res := sec.get("/admin/retention")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/retention: %d", res.status)
	}
	mustContain(t, res.body, `id="retention-form"`, `name="months.dispute" inputmode="numeric" value="60"`,
		`name="months.petition" inputmode="numeric" value="120"`, "最短 36 个月")

	bad := url.Values{"months.dispute": {"24"}, "months.petition": {"120"}, "months.hazard": {"十二"}, "months.service": {"36"}}
	res = sec.post("/admin/retention", bad)
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad months: %d", res.status)
	}
	mustContain(t, res.body, "不得短于 36 个月（人民调解卷宗至少保存三年）", "须为整数", `value="24"`)
	if p, _ := e.db.Security.RetentionPolicy(t.Context()); p.Months[pingan.KindDispute] != 60 {
		t.Errorf("a refused policy was saved: %+v", p)
	}
	good := url.Values{"months.dispute": {"48"}, "months.petition": {"60"}, "months.hazard": {"12"}, "months.service": {"24"}}
	res = sec.post("/admin/retention", good)
	if res.status != http.StatusSeeOther || res.location != "/admin/retention?saved=1" {
		t.Fatalf("save: %d %s\n%s", res.status, res.location, res.body)
	}
	if p, err := e.db.Security.RetentionPolicy(t.Context()); err != nil || p.Months[pingan.KindDispute] != 48 || p.Months[pingan.KindService] != 24 {
		t.Fatalf("saved %+v %v", p, err)
	}
	mustContain(t, sec.get("/admin/retention?saved=1").body, "保存期限已更新", `value="48"`)

	for _, c := range []*client{e.login(e.fx.Admin), e.login(e.fx.Auditor)} {
		if res := c.get("/admin/retention"); res.status != http.StatusForbidden {
			t.Errorf("GET by another administrator: %d", res.status)
		}
		if res := c.post("/admin/retention", good); res.status != http.StatusForbidden {
			t.Errorf("POST by another administrator: %d", res.status)
		}
	}
	if res := countySecAdmin(t, e).post("/admin/retention", good); res.status != http.StatusForbidden {
		t.Errorf("a county's security administrator: %d", res.status)
	}
}

// The citizen's request from the public case page: the form shows no
// personal data; a wrong code is not found; a bad request names its
// field; a good one becomes a task of the case's unit and the page says
// so with its number. Once the case's personal data is deleted the page,
// the staff's case page and the list say so, and a request is answered
// that the data is gone.
func TestPublicPersonalRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Category: "FW01", Title: "路灯坏了", Description: "小区门口路灯不亮",
		Unit: e.fx.Village.Code, Reporter: &pingan.Person{Name: "钱多多", Phone: "13911112222"}})
	if err != nil {
		t.Fatal(err)
	}
	citizen := e.anon()
	link := statusLink(receipt.Number, receipt.QueryCode)
	page := citizen.get(link)
	mustContain(t, page.body, `id="personal-form"`, "查阅或更正我的个人信息")
	mustNotContain(t, page.body, "钱多多", "13911112222")
	path := "/public/cases/" + receipt.Number + "/personal"
	if res := citizen.post(path, url.Values{"code": {"WRONGCOD"}, "kind": {"view"}}); res.status != http.StatusNotFound {
		t.Errorf("wrong code: %d", res.status)
	}
	res := citizen.post(path, url.Values{"code": {receipt.QueryCode}, "kind": {"correct"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("a correction of nothing: %d", res.status)
	}
	mustContain(t, res.body, "请选择需要更正的项目")
	mustNotContain(t, page.body, "<textarea") // no field to type personal data into
	res = citizen.post(path, url.Values{"code": {receipt.QueryCode}, "kind": {"correct"}, "fields": {"phone"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("request: %d %s", res.status, res.body)
	}
	m := regexp.MustCompile(`personal=(\d+)`).FindStringSubmatch(res.location)
	if m == nil {
		t.Fatalf("redirect %s", res.location)
	}
	page = citizen.get(res.location)
	mustContain(t, page.body, "已收到您的请求，编号 "+m[1])
	mustNotContain(t, page.body, "13911112222", "钱多多")
	id, _ := strconv.ParseInt(m[1], 10, 64)
	task, _, err := e.db.Tasks.FindTask(ctx, e.fx.TownshipDispatcher, id)
	if err != nil {
		t.Fatal(err)
	}
	if task.Lead != e.fx.Village.Code || task.Type != pingan.TaskTypePersonal || !strings.HasSuffix(task.Content, "需更正的项目：联系电话") {
		t.Errorf("task in %s of type %s: %q", task.Lead, task.Type, task.Content)
	}

	// Closed, and past its retention.
	fx := e.fx
	e.act(fx.TownshipDispatcher, receipt.Number, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, receipt.Number, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, receipt.Number, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.TownshipHandler, receipt.Number, pingan.ActionInput{Action: pingan.ActResolve, Result: "路灯已修复"})
	e.act(fx.TownshipDispatcher, receipt.Number, pingan.ActionInput{Action: pingan.ActClose})
	e.clock.Set(e.clock.Now().AddDate(0, 37, 0))
	if rep, err := e.db.Security.PurgePersonal(ctx, false); err != nil || rep.Total != 1 {
		t.Fatalf("purge %+v %v", rep, err)
	}
	page = citizen.get(link)
	mustContain(t, page.body, `id="personal-purged"`, "个人信息已按保存期限删除")
	mustNotContain(t, page.body, `id="personal-form"`)
	res = citizen.post(path, url.Values{"code": {receipt.QueryCode}, "kind": {"view"}})
	if res.status != http.StatusConflict {
		t.Fatalf("a request on a purged case: %d", res.status)
	}
	mustContain(t, res.body, "个人信息已按保存期限删除")
	staff := e.login(fx.TownshipDispatcher)
	mustContain(t, staff.get("/cases/"+receipt.Number).body, `id="case-people-purged"`)
	mustNotContain(t, staff.get("/cases/"+receipt.Number).body, "钱多多")
	mustContain(t, staff.get("/search?status=closed").body, `class="tag purged"`)
}
