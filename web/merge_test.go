package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/pingan-gov/pingan"
)

// A dispatcher merges a citizen's duplicate D into the main case M through
// the case page, confirming after seeing M's title; D's public page then
// follows M and shows M's outcome once M is closed, never M's reporter. A
// link shows on both cases' pages and is undone from either.
func TestMergeAndLinkThroughTheCasePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fx := e.fx
	m := e.newCase(fx.GridWorker, "FW01", "富康路路灯不亮")
	e.act(fx.TownshipDispatcher, m.ID, pingan.ActionInput{Action: pingan.ActAccept})
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01", Title: "路灯坏了",
		Description: "富康路路灯一直不亮", Unit: fx.Village.Code, Reporter: &pingan.Person{Name: "赵六", Phone: "13900001111"}})
	if err != nil {
		t.Fatal(err)
	}
	d := receipt.Number
	disp := e.login(fx.TownshipDispatcher)

	page := disp.get("/cases/" + d).body
	mustContain(t, page, `id="case-links"`, `id="act-merge"`, `id="act-link"`, "关联案件", "合并到")
	mustNotContain(t, page, `id="act-unlink"`, `id="case-merged-into"`)

	// The first step shows M's title and merges nothing.
	res := disp.post("/cases/"+d+"/act", url.Values{"action": {"merge"}, "to_case": {m.ID}, "reason": {"同一路灯重复反映"}})
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d", res.status)
	}
	mustContain(t, res.body, `id="merge-preview"`, "富康路路灯不亮", `name="confirm"`)
	if got, _ := e.db.Cases.FindCase(ctx, fx.Admin, d); got.Status == pingan.StatusMerged {
		t.Fatalf("the preview merged")
	}
	// A case of another county is not found, as one that does not exist.
	o := e.newCase(fx.OtherGridWorker, "FW01", "金塔县路灯")
	res = disp.post("/cases/"+d+"/act", url.Values{"action": {"merge"}, "to_case": {o.ID}, "reason": {"重复"}})
	mustContain(t, res.body, `id="links-error"`, "案件不存在 "+o.ID)
	mustNotContain(t, res.body, "金塔县路灯", `id="merge-preview"`)

	// Confirmed.
	page = postAct(t, disp, d, url.Values{"action": {"merge"}, "to_case": {m.ID}, "reason": {"同一路灯重复反映"}, "confirm": {"1"}})
	mustContain(t, page, `id="case-merged-into"`, `href="/cases/`+m.ID+`"`, "已合并")
	mustNotContain(t, page, `id="act-merge"`)
	mustContain(t, disp.get("/cases/"+m.ID).body, `id="case-merged"`, `href="/cases/`+d+`"`)

	// The citizen's page of D follows M; M's outcome shows once M is closed.
	citizen := e.anon()
	pub := citizen.get("/public/cases/" + d + "?code=" + url.QueryEscape(receipt.QueryCode)).body
	mustContain(t, pub, `id="public-merged"`, "您反映的问题已与案件 "+m.ID+" 合并办理", `id="public-merged-status"`)
	mustNotContain(t, pub, `id="public-merged-result"`, `id="rate"`)
	e.act(fx.TownshipDispatcher, m.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, m.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.TownshipHandler, m.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已更换灯泡，路灯恢复照明"})
	e.act(fx.TownshipDispatcher, m.ID, pingan.ActionInput{Action: pingan.ActClose, Note: "核实"})
	pub = citizen.get("/public/cases/" + d + "?code=" + url.QueryEscape(receipt.QueryCode)).body
	mustContain(t, pub, `id="public-merged-result"`, "已更换灯泡，路灯恢复照明", `id="public-merged-handler"`, "已结案")
	mustNotContain(t, pub, "张三丰", "13812345678", "138****5678", "张**", `id="rate"`)

	// A link shows on both pages and is undone from the other one.
	l := e.newCase(fx.GridWorker, "0102", "富康路施工噪音")
	postAct(t, disp, m.ID, url.Values{"action": {"link"}, "to_case": {l.ID}, "note": {"同一路段"}})
	mustContain(t, disp.get("/cases/"+m.ID).body, `id="links-list"`, `href="/cases/`+l.ID+`"`, "富康路施工噪音", `id="unlink-`+l.ID+`"`)
	mustContain(t, disp.get("/cases/"+l.ID).body, `id="links-list"`, `href="/cases/`+m.ID+`"`, "富康路路灯不亮")
	res = disp.post("/cases/"+l.ID+"/act", url.Values{"action": {"link"}, "to_case": {m.ID}})
	if res.status != http.StatusConflict {
		t.Errorf("a second link: %d", res.status)
	}
	postAct(t, disp, l.ID, url.Values{"action": {"unlink"}, "to_case": {m.ID}})
	mustNotContain(t, disp.get("/cases/"+m.ID).body, `id="links-list"`)
}
