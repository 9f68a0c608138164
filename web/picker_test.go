package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The villages named 下坝村委会 the picker tests add: two in 肃州区 (under
// 东北街街道 and 银达镇), one in 金塔县.
const (
	xiabaDongbei = "620902001003"
	xiabaYinda   = "620902100002"
	xiabaJinta   = "620921100002"
)

// newPickerEnv is the fixture city with three villages of one name and
// the fixture's grids.
func newPickerEnv(t testing.TB) *env {
	t.Helper()
	e := newEnv(t)
	if _, err := e.db.Units.ImportUnits(context.Background(), []*pingan.Unit{
		{Code: xiabaDongbei, Name: "下坝村委会", Level: pingan.LevelVillage, ParentCode: "620902001000"},
		{Code: xiabaYinda, Name: "下坝村委会", Level: pingan.LevelVillage, ParentCode: "620902100000"},
		{Code: xiabaJinta, Name: "下坝村委会", Level: pingan.LevelVillage, ParentCode: "620921100000"},
	}); err != nil {
		t.Fatal(err)
	}
	storetest.SeedGrids(t, e.db, e.fx)
	return e
}

// picked reads a picker's answer.
func picked(t testing.TB, c *client, path string) pickAnswer {
	t.Helper()
	res := c.get(path)
	if res.status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.status, res.body)
	}
	var ans pickAnswer
	if err := json.Unmarshal([]byte(res.body), &ans); err != nil {
		t.Fatalf("%s: %v: %s", path, err, res.body)
	}
	return ans
}

func codesOf(ans pickAnswer) []string {
	var out []string
	for _, p := range ans.Items {
		out = append(out, p.Code)
	}
	return out
}

func itemOf(ans pickAnswer, code string) *pick {
	for i := range ans.Items {
		if ans.Items[i].Code == code {
			return &ans.Items[i]
		}
	}
	return nil
}

// TestPickUnitsJurisdiction: the staff picker answers the units of the
// user's jurisdiction only, whatever is asked: never another county's.
func TestPickUnitsJurisdiction(t *testing.T) {
	t.Parallel()
	e := newPickerEnv(t)
	sz := e.login(e.fx.CountyDispatcher)
	for _, q := range []string{"", "xbc", "下坝", "620921", "JTX", "金塔", "jinta"} {
		ans := picked(t, sz, "/picker/units?limit=200&q="+url.QueryEscape(q))
		for _, code := range codesOf(ans) {
			if !strings.HasPrefix(code, "620902") {
				t.Errorf("q=%q: 肃州区's dispatcher is offered %s", q, code)
			}
		}
	}
	if all := picked(t, sz, "/picker/units?limit=200"); len(all.Items) < 10 || all.More {
		t.Errorf("the whole county: %d units, more %v", len(all.Items), all.More)
	}
	jt := e.login(e.fx.OtherDispatcher)
	if got := codesOf(picked(t, jt, "/picker/units?q=xbc")); !slices.Equal(got, []string{xiabaJinta}) {
		t.Errorf("金塔县's dispatcher finds %v by XBC", got)
	}
	if res := e.anon().get("/picker/units?q=xbc"); res.status == http.StatusOK || strings.Contains(res.body, "下坝") {
		t.Errorf("signed out: %d %s", res.status, res.body)
	}
}

// TestPickUnitsRepeatedNames: a name that repeats in the jurisdiction
// carries the path above it, and is marked; one that does not is not.
func TestPickUnitsRepeatedNames(t *testing.T) {
	t.Parallel()
	e := newPickerEnv(t)
	ans := picked(t, e.login(e.fx.CountyDispatcher), "/picker/units?q="+url.QueryEscape("下坝村委会"))
	want := map[string]string{xiabaDongbei: "肃州区 / 东北街街道", xiabaYinda: "肃州区 / 银达镇"}
	if len(ans.Items) != 2 {
		t.Fatalf("下坝村委会 in 肃州区: %v", codesOf(ans))
	}
	for code, path := range want {
		p := itemOf(ans, code)
		if p == nil || !p.Repeated || p.Path != path || p.Level != pingan.LevelVillage || p.LevelName == "" {
			t.Errorf("%s: %+v, want repeated with path %q", code, p, path)
		}
	}
	jt := picked(t, e.login(e.fx.OtherDispatcher), "/picker/units?q=XBCWH")
	if p := itemOf(jt, xiabaJinta); p == nil || p.Repeated || p.Path != "金塔县 / 金塔镇" {
		t.Errorf("the one 下坝村委会 of 金塔县: %+v", p)
	}
	// A word of the path narrows the search to one of them.
	got := codesOf(picked(t, e.login(e.fx.CountyDispatcher), "/picker/units?q="+url.QueryEscape("银达 xbc")))
	if !slices.Equal(got, []string{xiabaYinda}) {
		t.Errorf("银达 xbc: %v", got)
	}
}

// TestPickUnitsInitials: the initials of the pinyin find a unit, in
// either case, the name's start first; the level filter keeps to its
// levels; a dispatcher sees departments first, others the tree top down.
func TestPickUnitsInitials(t *testing.T) {
	t.Parallel()
	e := newPickerEnv(t)
	admin := e.login(e.fx.Admin)
	for q, want := range map[string]string{"SZQ": "620902", "szq": "620902", "jqs": "620900", "JTX": "620921",
		"YDZ": "620902100000", "FKSQ": "620902001001", "620902001001": "620902001001", "富康": "620902001001"} {
		ans := picked(t, admin, "/picker/units?q="+url.QueryEscape(q))
		if len(ans.Items) == 0 || !slices.Contains(codesOf(ans), want) {
			t.Errorf("q=%s: %v, want %s among them", q, codesOf(ans), want)
		}
	}
	if got := codesOf(picked(t, admin, "/picker/units?q=ydz&level=township")); !slices.Equal(got, []string{"620902100000"}) {
		t.Errorf("YDZ among townships: %v", got)
	}
	for _, p := range picked(t, admin, "/picker/units?level=county,village&limit=200").Items {
		if p.Level != pingan.LevelCounty && p.Level != pingan.LevelVillage {
			t.Errorf("level=county,village answers %s (%s)", p.Code, p.Level)
		}
	}
	res := admin.get("/picker/units?level=hamlet")
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, `"level"`) {
		t.Errorf("level=hamlet: %d %s", res.status, res.body)
	}
	if res := admin.get("/picker/units?limit=0"); res.status != http.StatusBadRequest || !strings.Contains(res.body, `"limit"`) {
		t.Errorf("limit=0: %d %s", res.status, res.body)
	}

	first := picked(t, e.login(e.fx.CountyDispatcher), "/picker/units?limit=3").Items
	if len(first) == 0 || first[0].Level != pingan.LevelDepartment || first[0].Code != "620902-zjj" {
		t.Errorf("a dispatcher's list starts with %+v, want the department", first)
	}
	first = picked(t, e.login(e.fx.CountyLeader), "/picker/units?limit=3").Items
	if len(first) == 0 || first[0].Code != "620902" {
		t.Errorf("a leader's list starts with %+v, want the county", first)
	}
	// A limit cuts the list and says so.
	if ans := picked(t, admin, "/picker/units?limit=2"); len(ans.Items) != 2 || !ans.More {
		t.Errorf("limit=2: %d items, more %v", len(ans.Items), ans.More)
	}
}

// TestPickPublicCascade: the citizens' cascade answers the counties, a
// county's townships, a township's villages — never a centre, a
// department or a county as a child — and a search of townships and
// villages with the codes above each.
func TestPickPublicCascade(t *testing.T) {
	t.Parallel()
	e := newPickerEnv(t)
	c := e.anon()
	if got := codesOf(picked(t, c, "/public/picker/units")); !slices.Equal(got, []string{"620902", "620921"}) {
		t.Errorf("counties: %v", got)
	}
	if got := codesOf(picked(t, c, "/public/picker/units?parent=620902")); !slices.Equal(got, []string{"620902001000", "620902100000"}) {
		t.Errorf("townships of 肃州区: %v", got)
	}
	got := codesOf(picked(t, c, "/public/picker/units?parent=620902001000"))
	if !slices.Equal(got, []string{"620902001001", "620902001002", xiabaDongbei}) {
		t.Errorf("villages of 东北街街道: %v", got)
	}
	for _, parent := range []string{"620900", "620000", "620902-zz", "620902001001", "nothing"} {
		if got := codesOf(picked(t, c, "/public/picker/units?parent="+parent)); len(got) != 0 {
			t.Errorf("children of %s: %v", parent, got)
		}
	}
	ans := picked(t, c, "/public/picker/units?q=xbc")
	if got := codesOf(ans); len(got) != 3 {
		t.Fatalf("XBC for citizens: %v", got)
	}
	if p := itemOf(ans, xiabaYinda); p == nil || !p.Repeated || p.Path != "肃州区 / 银达镇" ||
		!slices.Equal(p.Up, []string{"620902", "620902100000"}) {
		t.Errorf("下坝村委会 of 银达镇 for citizens: %+v", p)
	}
	if got := codesOf(picked(t, c, "/public/picker/units?q=xbc&parent=620921")); !slices.Equal(got, []string{xiabaJinta}) {
		t.Errorf("XBC in 金塔县: %v", got)
	}
	for _, p := range picked(t, c, "/public/picker/units?q=z&limit=200").Items {
		if p.Level != pingan.LevelTownship && p.Level != pingan.LevelVillage {
			t.Errorf("a citizen's search answers %s (%s)", p.Code, p.Level)
		}
	}
}

// TestPickGrids: grids are found by name or initials inside the
// jurisdiction, with their village's path; a report naming a grid lands
// in it.
func TestPickGrids(t *testing.T) {
	t.Parallel()
	e := newPickerEnv(t)
	sz := e.login(e.fx.CountyDispatcher)
	ans := picked(t, sz, "/picker/grids?q=fksq")
	if got := codesOf(ans); !slices.Equal(got, []string{"620902001001-01", "620902001001-02"}) {
		t.Errorf("FKSQ: %v", got)
	}
	if p := itemOf(ans, "620902001001-02"); p == nil || p.Name != "富康社区第二网格" || p.Path != "肃州区 / 东北街街道 / 富康社区" {
		t.Errorf("富康社区第二网格: %+v", p)
	}
	for _, q := range []string{"", "jtc", "金塔"} {
		for _, code := range codesOf(picked(t, sz, "/picker/grids?q="+url.QueryEscape(q))) {
			if !strings.HasPrefix(code, "620902") {
				t.Errorf("q=%q: 肃州区's dispatcher is offered the grid %s", q, code)
			}
		}
	}

	res := sz.postMultipart("/report", url.Values{"source": {"hotline"}, "category": {"FW03"}, "title": {"银达村垃圾堆放"},
		"description": {"村口垃圾堆放多日。"}, "grid": {"620902100001-01"}}, nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("report naming a grid: %d %s", res.status, res.body)
	}
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: "银达村垃圾堆放"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("the case: %v %v", cs, err)
	}
	if cs[0].Grid != "620902100001-01" || cs[0].Unit != "620902100001" {
		t.Errorf("the case lies in grid %q, unit %q", cs[0].Grid, cs[0].Unit)
	}
	// Another county's grid is refused, naming the field.
	res = sz.postMultipart("/report", url.Values{"source": {"hotline"}, "category": {"FW03"}, "title": {"金塔村垃圾"},
		"description": {"村口垃圾堆放多日。"}, "grid": {"620921100001-01"}}, nil)
	if res.status != http.StatusBadRequest {
		t.Errorf("a report naming 金塔县's grid: %d", res.status)
	}
}

// TestPickerPages: both report forms mark their place for the script
// and load it, keeping the plain control for a browser without it.
func TestPickerPages(t *testing.T) {
	t.Parallel()
	e := newPickerEnv(t)
	staff := e.login(e.fx.CountyDispatcher).get("/report")
	mustContain(t, staff.body, `data-picker="units"`, `data-picker="grids"`, `<script src="/static/picker.js" defer></script>`,
		`<option value="`+xiabaYinda+`"`, `name="grid"`)
	public := e.anon().get("/public/report")
	mustContain(t, public.body, `data-picker="public-units"`, `<script src="/static/picker.js" defer></script>`,
		`<option value="`+xiabaYinda+`"`)
	if res := e.anon().get("/static/picker.js"); res.status != http.StatusOK || !strings.Contains(res.body, "data-picker") {
		t.Errorf("/static/picker.js: %d", res.status)
	}
}

func BenchmarkPickUnits(b *testing.B) {
	e := newPickerEnv(b)
	c := e.login(e.fx.Admin)
	for b.Loop() {
		c.get("/picker/units?q=xbc")
	}
}
