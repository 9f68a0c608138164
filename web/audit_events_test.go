package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The audit page names its events in Chinese and filters by them: a case's
// dispatch is found as 案件操作·派遣 (case_dispatch) and no other step is;
// the filter lists the events. An account the system administrator opens on
// /admin/users and a unit table uploaded on /admin/units are audit rows
// under the administrator, naming the account's roles and unit, the file
// and its counts, and never the password.
func TestAuditPageEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "楼道堆物")
	for _, in := range []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: e.fx.Township.Code}} {
		if _, err := e.db.Cases.Act(t.Context(), e.fx.TownshipDispatcher, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.login(e.fx.Admin)
	const password = "Kq7-unit-admin-2026"
	if res := admin.post("/admin/users", url.Values{"username": {"sz-new"}, "name": {"新网格员"}, "unit": {e.fx.Village.Code},
		"role": {"grid_worker"}, "password": {password}}); res.status >= 400 {
		t.Fatalf("a new account: %d\n%s", res.status, res.body)
	}
	csv := "code,name,level,parent_code\n620902001009,新建社区,village,620902001000\n"
	if res := admin.postMultipart("/admin/units", nil, []upload{{field: "file", name: "新社区.csv", data: []byte(csv)}}); res.status >= 400 {
		t.Fatalf("a unit table: %d\n%s", res.status, res.body)
	}

	a := e.login(e.fx.Auditor)
	day := e.clock.Now().In(pingan.CST).Format(time.DateOnly)
	res := a.get("/audit?action=case_dispatch&from=" + day + "&to=" + day)
	mustContain(t, res.body, `<td>案件操作·派遣</td><td class="mono">case_dispatch</td>`, c.ID, "事件代码",
		`list="audit-events"`, `<option value="case_dispatch">案件操作·派遣</option>`, `<option value="user_create">新建账户</option>`,
		`<option value="unit_import">导入单位</option>`)
	if n := strings.Count(res.body, `<td class="mono">case_`); n != 1 {
		t.Errorf("%d case action rows for case_dispatch, want 1:\n%s", n, res.body)
	}
	// Unfiltered, the report and the register are there too, by their names.
	mustContain(t, a.get("/audit?from="+day+"&to="+day).body, `<td>案件操作·上报</td>`, `<td>案件操作·受理</td>`)

	for _, want := range []struct{ action, label string }{{"user_create", "新建账户"}, {"unit_import", "导入单位"}} {
		res := a.get("/audit?action=" + want.action + "&from=" + day + "&to=" + day)
		mustContain(t, res.body, "<td>"+want.label+"</td>")
		rows, total, err := e.db.Audit.SearchAudit(t.Context(), e.fx.Auditor, pingan.AuditFilter{Action: want.action,
			Account: e.fx.Admin.Username, From: storetest.Epoch.Add(-time.Hour), To: e.clock.Now().Add(time.Hour)})
		if err != nil || total != 1 {
			t.Fatalf("%s by the administrator: %d rows (%v)", want.action, total, err)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(rows[0].Detail), &d); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rows[0].Detail, password) || rows[0].Unit != e.fx.Admin.UnitCode {
			t.Errorf("%s: %+v", want.action, rows[0])
		}
		switch want.action {
		case "user_create":
			if d["username"] != "sz-new" || d["roles"] != "grid_worker" || d["unit"] != e.fx.Village.Code {
				t.Errorf("the new account's row: %s", rows[0].Detail)
			}
		case "unit_import":
			if d["file"] != "新社区.csv" || d["rows"] != 1.0 || d["created"] != 1.0 {
				t.Errorf("the import's row: %s", rows[0].Detail)
			}
		}
	}
}
