package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestCoHandlingThroughThePages: the county centre dispatches a case to its
// housing department with two assisting units (协办); the handler of 银达镇,
// which does not see the case by jurisdiction, finds it in the 协办 tab,
// signs and reports on the case page; the department's 办结反馈 is refused
// until both assisting units reported.
func TestCoHandlingThroughThePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	yd := &pingan.User{Username: "yd-handler", Name: "银达镇处置员", UnitCode: e.fx.Township2.Code, Roles: []pingan.Role{pingan.RoleHandler}}
	if err := e.db.Users.CreateUser(ctx, yd, storetest.Password); err != nil {
		t.Fatal(err)
	}
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水噪音纠纷")
	e.act(e.fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})

	centre := e.login(e.fx.CountyDispatcher)
	page := centre.get("/cases/" + c.ID).body
	mustContain(t, page, `name="assist_units" multiple`, `data-picker="units-multi"`, `data-picker="units"`, "协办单位", "/static/picker.js")
	// A 协办 that is the 主办 itself is refused, naming the field, the form kept.
	res := centre.post("/cases/"+c.ID+"/act", url.Values{"action": {"dispatch"}, "to_unit": {e.fx.CountyHousing.Code},
		"assist_units": {e.fx.Township.Code, e.fx.CountyHousing.Code}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("dispatch with the handling unit assisting: %d", res.status)
	}
	mustContain(t, res.body, "协办单位 "+e.fx.CountyHousing.Code+" 已是主办单位", `value="`+e.fx.Township.Code+`" selected`)
	postAct(t, centre, c.ID, url.Values{"action": {"dispatch"}, "to_unit": {e.fx.CountyHousing.Code},
		"assist_units": {e.fx.Township.Code, e.fx.Township2.Code}})

	page = centre.get("/cases/" + c.ID).body
	mustContain(t, page, `id="case-assists"`, `id="assist-`+e.fx.Township.Code+`"`, `id="assist-`+e.fx.Township2.Code+`"`, "待签收")

	// 银达镇's handler: nothing in its lists, the case in its 协办 tab.
	ydc := e.login(yd)
	inbox := ydc.get("/inbox?tab=open").body
	mustNotContain(t, inbox, c.Number)
	inbox = ydc.get("/inbox?tab=assist").body
	mustContain(t, inbox, `id="tab-assist"`, `id="assist-rows"`, c.Number, "待签收")
	page = ydc.get("/cases/" + c.ID).body
	mustContain(t, page, `id="act-assist_sign"`, "张三丰", `id="assist-hint"`)
	mustNotContain(t, page, `id="act-resolve"`, `id="act-assist_report"`)
	postAct(t, ydc, c.ID, url.Values{"action": {"assist_sign"}})
	mustContain(t, ydc.get("/inbox?tab=assist").body, "办理中")

	dept := e.login(e.fx.CountyHandler)
	postAct(t, dept, c.ID, url.Values{"action": {"sign"}})
	town := e.login(e.fx.TownshipHandler)
	postAct(t, town, c.ID, url.Values{"action": {"assist_sign"}})
	postAct(t, town, c.ID, url.Values{"action": {"assist_report"}, "result": {"街道已约谈双方"}})

	// The department may not resolve while 银达镇 has not reported.
	res = dept.post("/cases/"+c.ID+"/act", url.Values{"action": {"resolve"}, "result": {"已维修"}})
	if res.status != http.StatusConflict {
		t.Fatalf("resolve before every report: %d", res.status)
	}
	mustContain(t, res.body, "协办单位尚未全部反馈", e.fx.Township2.Name)
	if strings.Contains(res.body, e.fx.Township.Name+" 未反馈") {
		t.Errorf("the refusal names the unit that reported")
	}

	// A report needs its result.
	res = ydc.post("/cases/"+c.ID+"/act", url.Values{"action": {"assist_report"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("a report without a result: %d", res.status)
	}
	page = postAct(t, ydc, c.ID, url.Values{"action": {"assist_report"}, "result": {"镇司法所已协助调解"}})
	mustContain(t, page, "镇司法所已协助调解", "已反馈", "协办反馈")
	mustContain(t, ydc.get("/inbox?tab=assist").body, "已反馈")

	postAct(t, dept, c.ID, url.Values{"action": {"resolve"}, "result": {"已维修"}})
	got, err := e.db.Cases.FindCase(ctx, e.fx.Admin, c.ID)
	if err != nil || got.Status != pingan.StatusResolved {
		t.Fatalf("after resolve: %v %v", got.Status, err)
	}
	// Another county's handler finds nothing.
	if res := e.login(e.fx.OtherHandler).get("/cases/" + c.ID); res.status != http.StatusNotFound {
		t.Errorf("another county reads the case: %d", res.status)
	}
}

// TestBrowserDispatchPickers: on the case page a dispatcher chooses the
// handling unit (主办) and two assisting units (协办) by typing the initials
// of their names' pinyin, removes one and adds it again, and the dispatch
// lands with the handling unit and both assisting units.
func TestBrowserDispatchPickers(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, 1280, 1000)
	e := newPickerEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "夜间噪音扰民")
	e.act(e.fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	base, dir := e.ts.URL, shots(t)
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "case page", chromedp.Navigate(base+"/cases/"+c.ID), chromedp.WaitVisible(`#dispatch-to_unit + .picker input`))
	waitFor(t, ctx, "both selects hidden behind their boxes",
		`document.getElementById('dispatch-to_unit').hidden && document.getElementById('dispatch-assist_units').hidden && `+
			`document.querySelectorAll('#act-dispatch [role="combobox"]').length === 2`)

	cl := e.login(e.fx.CountyDispatcher)
	const pickSrc = "/picker/units?level=city,county,township,village,department"
	// choose types the initials into the box after the select sel, and
	// chooses the option naming name with the keyboard.
	choose := func(sel, initials, name string) {
		t.Helper()
		box := sel + ` + .picker input`
		do(t, ctx, "type "+initials, chromedp.SendKeys(box, initials))
		list := sel + ` + .picker [role="option"]`
		// The answer to the initials (as many options as the server
		// answers them), not the whole list the focus asked for.
		want := len(picked(t, cl, pickSrc+"&q="+initials).Items)
		waitFor(t, ctx, name+" listed", fmt.Sprintf(`document.querySelectorAll('%s').length === %d && `, list, want)+
			`Array.prototype.some.call(document.querySelectorAll('`+list+`'), function (o) { return o.textContent.indexOf('`+name+`') >= 0; })`)
		idx, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.prototype.findIndex.call(document.querySelectorAll('`+list+`'), function (o) { return o.textContent.indexOf('`+name+`') >= 0; })`))
		if err != nil || idx < 0 {
			t.Fatalf("the option of %s: %d %v", name, idx, err)
		}
		do(t, ctx, "choose "+name, chromedp.SendKeys(box, strings.Repeat(kb.ArrowDown, idx+1)+kb.Enter))
	}
	choose(`#dispatch-to_unit`, "szqzf", e.fx.CountyHousing.Name)
	waitFor(t, ctx, "the handling unit chosen", `document.getElementById('dispatch-to_unit').value === '`+e.fx.CountyHousing.Code+`'`)

	assists := `Array.prototype.filter.call(document.getElementById('dispatch-assist_units').options, function (o) { return o.selected; }).map(function (o) { return o.value; }).sort().join(',')`
	choose(`#dispatch-assist_units`, "ydz", e.fx.Township2.Name)
	waitFor(t, ctx, "银达镇 chosen", assists+` === '`+e.fx.Township2.Code+`'`)
	waitFor(t, ctx, "the box emptied for the next", `document.querySelector('#dispatch-assist_units + .picker input').value === ''`)
	choose(`#dispatch-assist_units`, "dbjjd", e.fx.Township.Name)
	both := e.fx.Township.Code + "," + e.fx.Township2.Code
	waitFor(t, ctx, "both assisting units chosen and listed", assists+` === '`+both+`' && `+
		`document.querySelectorAll('.picker-chosen li').length === 2`)
	// Remove 银达镇 and choose it again.
	do(t, ctx, "remove 银达镇", chromedp.Click(`.picker-chosen li[data-code="`+e.fx.Township2.Code+`"] button`))
	waitFor(t, ctx, "银达镇 removed", assists+` === '`+e.fx.Township.Code+`' && document.querySelectorAll('.picker-chosen li').length === 1`)
	choose(`#dispatch-assist_units`, "ydz", e.fx.Township2.Name)
	waitFor(t, ctx, "both again", assists+` === '`+both+`'`)
	shot(t, ctx, dir, "60-dispatch-assists")

	do(t, ctx, "dispatch", chromedp.Click(`#act-dispatch button[type="submit"]`), chromedp.WaitVisible(`#case-assists`))
	waitStatus(t, ctx, "#case-status", pingan.StatusDispatched)
	got, err := e.db.Cases.FindCase(context.Background(), e.fx.Admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, a := range got.Assists {
		units = append(units, a.Unit)
	}
	slices.Sort(units)
	if got.AssignedUnit != e.fx.CountyHousing.Code || strings.Join(units, ",") != both {
		t.Errorf("dispatched to %s with %v, want %s with %s", got.AssignedUnit, units, e.fx.CountyHousing.Code, both)
	}
}
