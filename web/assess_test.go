package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// schemeForm is the editor's form of the city's county scheme: 结案率
// (computed, linear 40% → 90%) and a manual indicator, with a blank row.
func assessSchemeForm() url.Values {
	return url.Values{"name": {"2026年度县区平安建设考核"}, "year": {"2026"}, "level": {"county"},
		"indicators[0].key": {"i1"}, "indicators[0].name": {"结案率"}, "indicators[0].weight": {"60"},
		"indicators[0].source": {"computed"}, "indicators[0].rate": {"closing"}, "indicators[0].rule.kind": {"linear"},
		"indicators[0].rule.floor": {"40"}, "indicators[0].rule.target": {"90"},
		"indicators[1].key": {""}, "indicators[1].name": {""}, "indicators[1].weight": {""}, "indicators[1].source": {"computed"},
		"indicators[2].key": {"i2"}, "indicators[2].name": {"综治中心规范化建设"}, "indicators[2].weight": {"40"},
		"indicators[2].source": {"manual"}, "indicators[2].rule.kind": {"linear"},
		"grades": {"A:90,B:75,C:60,D:40,E:0"}, "green": {"90"}, "yellow": {"75"}, "objection_days": {"5"}, "creation_min": {"90"}}
}

// The assessment's pages from the editor to a corrected result: a bad
// scheme is refused with each message beside its field and the form kept;
// a good one is listed with March. March's draft shows both counties with
// the forms; a score above the weight is refused naming points; the
// 发布 button waits for the month's end. Published, the board shows the
// bands, 新 and the tie rule; the result page shows how 结案率 was scored
// with the link to its cases, and full marks where nothing was counted.
// The county's viewer sees the board's totals only, its own result whole,
// not the other's, and objects; the assessor upholds it with a new score,
// logged on the result. Every page is in Chinese; the table downloads.
func TestAssessPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fx := e.fx
	// Two cases of 肃州区 in March, one closed: 结案率 1/2.
	closed := e.newCase(fx.GridWorker, "FW03", "垃圾清运不及时")
	for _, step := range []struct {
		u  *pingan.User
		in pingan.ActionInput
	}{
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActAccept}},
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code}},
		{fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActSign}},
		{fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActResolve, Result: "已清运"}},
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActClose}},
	} {
		e.act(step.u, closed.ID, step.in)
	}
	e.newCase(fx.GridWorker, "FW03", "路面坑洼")

	as := e.login(fx.Assessor)
	if p := as.get("/assess"); !strings.Contains(p.body, `id="scheme-new"`) || !strings.Contains(p.body, `id="schemes-none"`) {
		t.Fatalf("/assess: %d", p.status)
	}
	editor := as.get("/assess/schemes/new")
	mustContain(t, editor.body, `name="indicators[4].rule.floor"`, `id="add-indicator"`, "/static/assess.js", `<option value="closing">结案率</option>`)
	noLatin(t, "/assess/schemes/new", editor.body)

	bad := assessSchemeForm()
	bad.Set("indicators[2].weight", "30")
	bad.Set("indicators[0].rule.floor", "95")
	res := as.post("/assess/schemes", bad)
	if res.status != http.StatusBadRequest {
		t.Fatalf("a bad scheme: %d", res.status)
	}
	body := html.UnescapeString(res.body)
	mustContain(t, body, `data-field="indicators">各指标权重之和为 90，须为 100`, `data-field="indicators[0].rule.floor">下限 95% 不低于目标 90%`,
		`value="2026年度县区平安建设考核"`, `name="indicators[1].weight" value="30"`,
		`<label for="s-yellow">`, `id="s-yellow" name="yellow" inputmode="decimal" value="75">`)
	noLatin(t, "POST /assess/schemes", res.body)

	res = as.post("/assess/schemes", assessSchemeForm())
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/assess?saved=") {
		t.Fatalf("a good scheme: %d %s", res.status, res.body)
	}
	id := strings.TrimPrefix(res.location, "/assess?saved=")
	base := "/assess/schemes/" + id + "/2026-03"
	list := as.get(res.location)
	mustContain(t, list.body, "2026年度县区平安建设考核", `href="`+base+`"`, "考核方案已保存")
	noLatin(t, "/assess", list.body)
	if p := as.get("/assess/schemes/" + id); !strings.Contains(p.body, `name="indicators[1].rule.kind"`) ||
		!strings.Contains(p.body, `value="综治中心规范化建设"`) || strings.Contains(p.body, `id="scheme-used"`) {
		t.Errorf("the editor of the scheme saved")
	}

	// March, still running: the draft, the forms, publishing waits.
	draft := as.get(base)
	mustContain(t, draft.body, `id="row-620902"`, `id="row-620921"`, `id="input-form"`, `id="publish" disabled`, `id="publish-why"`)
	noLatin(t, base, draft.body)
	if res := as.postMultipart(base+"/inputs", url.Values{"unit": {"620902"}, "kind": {"score"}, "indicator": {"i2"}, "points": {"50"}}, nil); res.status != http.StatusBadRequest ||
		!strings.Contains(html.UnescapeString(res.body), `id="in-points-err">得分须为 0 至 40 分`) {
		t.Errorf("a score above the weight: %d", res.status)
	}

	e.clock.Advance(40 * 24 * time.Hour) // 11 April
	as = e.login(fx.Assessor)
	for _, in := range []url.Values{
		{"unit": {"620902"}, "kind": {"score"}, "indicator": {"i2"}, "points": {"30"}, "reason": {"场所人员基本到位"}},
		{"unit": {"620921"}, "kind": {"score"}, "indicator": {"i2"}, "points": {"20"}, "reason": {"制度不全"}},
		{"unit": {"620921"}, "kind": {"deduction"}, "points": {"5"}, "reason": {"发生较大安全事故"}},
	} {
		if res := as.postMultipart(base+"/inputs", in, []upload{{"photos", "现场.png", pngBytes}}); res.status != http.StatusSeeOther {
			t.Fatalf("input %v: %d %s", in, res.status, res.body)
		}
	}
	draft = as.get(base)
	mustContain(t, draft.body, "发生较大安全事故", `<button type="submit" class="primary" id="publish">`)
	if res := as.post(base+"/publish", nil); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.status, res.body)
	}
	board := as.get(base)
	// 金塔县: 60 (nothing counted) + 20 − 5 = 75, yellow, first; 肃州区:
	// 1/2 → (50−40)/(90−40)·60 = 12, + 30 = 42, red, second.
	mustContain(t, board.body, `<tr class="band-yellow" id="row-620921">`, `<tr class="band-red" id="row-620902">`,
		`<td class="n total">75</td>`, `<td class="n total">42</td>`, `<td class="change new">新</td>`, `id="tie-rule"`, `id="notice-620902"`)
	if strings.Index(board.body, `id="row-620921"`) > strings.Index(board.body, `id="row-620902"`) {
		t.Errorf("金塔县 (75) is not ranked above 肃州区 (42)")
	}
	noLatin(t, base+" (published)", board.body)
	if res := as.postMultipart(base+"/inputs", url.Values{"unit": {"620902"}, "kind": {"deduction"}, "points": {"1"}, "reason": {"迟报"}}, nil); res.status != http.StatusConflict &&
		res.status != http.StatusBadRequest {
		t.Errorf("an input after publication: %d", res.status)
	}
	if res := as.post(base+"/620902/notices", url.Values{"kind": {"interview"}, "day": {"2026-04-11"}, "required": {"一个月内整改"}}); res.status != http.StatusBadRequest ||
		!strings.Contains(res.body, `id="notice-620902" open`) {
		t.Errorf("an interview without its host: %d", res.status)
	}
	if res := as.post(base+"/620902/notices", url.Values{"kind": {"notice"}, "day": {"2026-04-11"}, "required": {"一个月内整改"}}); res.status != http.StatusSeeOther {
		t.Errorf("a notice: %d %s", res.status, res.body)
	}

	full := as.get(base + "/620902")
	mustContain(t, html.UnescapeString(full.body), "结案率 1 ÷ 2 = 50.0%，线性 下限 40% 目标 90% → 12 分", "考核人员评分：场所人员基本到位",
		"一个月内整改", "/inbox?")
	other := as.get(base + "/620921")
	mustContain(t, html.UnescapeString(other.body), "本期无可考核事项，得满分", "发生较大安全事故", "/evidence/")
	noLatin(t, base+"/620921", other.body)

	xl := as.get(base + "/board.xlsx")
	if xl.status != http.StatusOK || xl.header.Get("Content-Type") != sheet.MediaType || len(xl.body) < 100 {
		t.Errorf("the table's download: %d %s", xl.status, xl.header.Get("Content-Type"))
	}

	// The county's viewer: the board's totals, its own result, the menu.
	vw := e.login(fx.Viewer)
	nav := navRe.FindStringSubmatch(vw.get("/inbox").body)
	if nav == nil || !strings.Contains(nav[1], `href="/assess"`) {
		t.Errorf("the menu of a unit on a board lacks 考核")
	}
	vb := vw.get(base)
	mustContain(t, vb.body, `<a href="`+base+`/620902">`, `<td class="n total">75</td>`)
	mustNotContain(t, vb.body, `href="`+base+`/620921"`, "发生较大安全事故", `id="input-form"`, `id="notice-620902"`)
	noLatin(t, base+" (viewer)", vb.body)
	if res := vw.get(base + "/620921"); res.status != http.StatusNotFound {
		t.Errorf("another county's result: %d", res.status)
	}
	own := vw.get(base + "/620902")
	mustContain(t, own.body, `id="objection-form"`, `id="objection-deadline"`)
	noLatin(t, base+"/620902 (viewer)", own.body)
	if res := vw.postMultipart(base+"/620902/objections", url.Values{"text": {"综治中心评分偏低，附现场照片"}}, nil); res.status != http.StatusSeeOther {
		t.Fatalf("an objection: %d %s", res.status, res.body)
	}
	if res := vw.post(base+"/publish", nil); res.status != http.StatusForbidden {
		t.Errorf("a viewer publishes: %d", res.status)
	}

	// The assessor upholds it: i2 30 → 35, logged on the result.
	board = as.get(base)
	mustContain(t, board.body, "综治中心评分偏低，附现场照片")
	a, err := e.db.Assess.Assessment(t.Context(), fx.Assessor, formID(id), "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	var objection int64
	for _, r := range a.Results {
		for _, o := range r.Objections {
			objection = o.ID
		}
	}
	if res := as.post(base+"/620902/answer", url.Values{"objection": {strconv.FormatInt(objection, 10)}, "upheld": {"1"}, "indicator": {"i2"},
		"score": {"35"}, "reply": {"经核实，场所已规范"}}); res.status != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", res.status, res.body)
	}
	full = vw.get(base + "/620902")
	mustContain(t, html.UnescapeString(full.body), "「综治中心规范化建设」得分 30 → 35", "总分 42 → 47", "经核实，场所已规范")
}
