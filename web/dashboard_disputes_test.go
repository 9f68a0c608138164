package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

var valueLinkRe = regexp.MustCompile(`<a class="value-link" href="([^"]+)">`)

var disputeMetricRe = regexp.MustCompile(`(?s)<div class="metric dispute" title="([^"]*)" id="metric-([a-z_]+)">(.*?)\n</div>`)

// TestDashboardDisputes reads the section 矛盾纠纷化解 over the fixed history
// (storetest.DisputeHistory, its numbers computed by hand there): every
// figure shows its formula and its number, and links to the list of
// exactly the disputes it counts, as every count of its tables does; the
// section leaves the dashboard of another kind, whose rates of disputes
// show "—".
func TestDashboardDisputes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.DisputeHistory(t, e.db, e.fx, e.clock)
	c := e.login(e.fx.CountyDispatcher)
	path := "/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-03"
	res := c.get(path)
	if res.status != http.StatusOK {
		t.Fatalf("%s: %d", path, res.status)
	}
	want := map[string]string{"d_accepted": "10", "d_agreed": "6", "d_confirmed": "2", "d_mediation_success": "66.7%",
		"d_settlement": "70.0%", "d_performance": "75.0%", "d_agreement_days": "5.5"}
	// The numerators a rate's list counts.
	nums := map[string]int{"d_mediation_success": 6, "d_settlement": 7, "d_performance": 3}
	seen := 0
	for _, m := range disputeMetricRe.FindAllStringSubmatch(res.body, -1) {
		formula, id, inner := html.UnescapeString(m[1]), m[2], m[3]
		seen++
		if formula == "" || !strings.Contains(formula, "=") && !strings.Contains(formula, "：") {
			t.Errorf("%s: formula %q", id, formula)
		}
		if !strings.Contains(inner, `<div class="value">`+want[id]+`</div>`) {
			t.Errorf("%s: want %s in %s", id, want[id], inner)
		}
		if v := numRe.FindStringSubmatch(inner); v != nil {
			n, _ := strconv.Atoi(v[2])
			if n != nums[id] {
				t.Errorf("%s: numerator %d, want %d", id, n, nums[id])
			}
			if got := listedCases(t, c, html.UnescapeString(v[1])); got != n {
				t.Errorf("%s: numerator %d, its list %d", id, n, got)
			}
			continue
		}
		v := valueLinkRe.FindStringSubmatch(inner)
		if v == nil {
			t.Fatalf("%s: no link in %s", id, inner)
		}
		n := want[id]
		if id == "d_agreement_days" {
			n = "6" // the agreements it averages over
		}
		if got := listedCases(t, c, html.UnescapeString(v[1])); strconv.Itoa(got) != n {
			t.Errorf("%s: %s, its list %d", id, n, got)
		}
	}
	if seen != len(want) {
		t.Errorf("%d figures of disputes, want %d", seen, len(want))
	}
	// The tables: by organisation, unit, category and month.
	cells := 0
	for _, m := range cellRe.FindAllStringSubmatch(res.body, -1) {
		if !strings.HasPrefix(m[1], "d_") {
			continue
		}
		cells++
		n, _ := strconv.Atoi(m[3])
		if got := listedCases(t, c, html.UnescapeString(m[2])); got != n {
			t.Errorf("%s: %d, its list (%s) %d", m[1], n, m[2], got)
		}
	}
	for _, id := range []string{"dash-disputes-org", "dash-disputes-unit", "dash-disputes-category", "dash-disputes-month",
		"dispute-org-" + e.fx.Township.Code} {
		mustContain(t, res.body, `id="`+id+`"`)
	}
	if cells < 4*3 {
		t.Errorf("%d counts in the tables of disputes", cells)
	}

	// Another kind: no section, and the rates of disputes count nothing.
	res = c.get(path + "&kind=hazard")
	if strings.Contains(res.body, `id="dash-disputes"`) {
		t.Error("the section of disputes on the dashboard of hazards")
	}
	for _, id := range pingan.DisputeRates {
		m := regexp.MustCompile(`(?s)id="metric-` + id + `">(.*?)\n</div>`).FindStringSubmatch(res.body)
		if m == nil || !strings.Contains(m[1], `class="value none"`) {
			t.Errorf("hazards: %s is not shown as —", id)
		}
	}
}

// TestAdminOrgTypes: an administrator makes a unit a mediation
// organisation on the units page and a category name the kind its
// disputes go to; a bad kind is a 400 naming it.
func TestAdminOrgTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Admin)
	res := a.post("/admin/units/org_type", url.Values{"unit": {e.fx.Township.Code}, "org_type": {"township"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("org type: %d %s", res.status, res.body)
	}
	body := a.get("/admin/units").body
	mustContain(t, body, `<td class="org-type">乡镇(街道)人民调解委员会</td>`)
	res = a.post("/admin/units/org_type", url.Values{"unit": {e.fx.Township.Code}, "org_type": {"mediators"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "未知调解组织类型 mediators") {
		t.Errorf("bad org type: %d", res.status)
	}
	res = a.post("/admin/categories", url.Values{"row": {"0102"}, "code": {"0102"}, "kind": {"dispute"}, "name": {"邻里纠纷"},
		"parent": {"01"}, "sign_n": {"24"}, "sign_unit": {"hours"}, "resolve_n": {"10"}, "resolve_unit": {"working"}, "org_type": {"family"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("category: %d %s", res.status, res.body)
	}
	cats, err := e.db.Categories.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == "0102" && c.OrgType != pingan.OrgFamily {
			t.Errorf("0102 goes to %q", c.OrgType)
		}
	}
	res = a.post("/admin/categories", url.Values{"row": {"AQ01"}, "code": {"AQ01"}, "kind": {"hazard"}, "name": {"消防安全隐患"},
		"sign_n": {"2"}, "sign_unit": {"hours"}, "resolve_n": {"72"}, "resolve_unit": {"hours"}, "org_type": {"medical"}})
	if res.status != http.StatusBadRequest {
		t.Errorf("a hazard naming an organisation: %d", res.status)
	}
}

// TestDispatchPreselectsMediationOrg: the dispatch form of a dispute
// preselects the people's mediation committee of its township.
func TestDispatchPreselectsMediationOrg(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.db.Units.SetUnitOrgType(context.Background(), e.fx.Admin, e.fx.Township.Code, pingan.OrgTownship); err != nil {
		t.Fatal(err)
	}
	d := e.newCase(e.fx.GridWorker, "0102", "邻里通行纠纷")
	e.act(e.fx.TownshipDispatcher, d.ID, pingan.ActionInput{Action: pingan.ActAccept})
	h := e.newCase(e.fx.GridWorker, "AQ01", "楼道堆放杂物")
	e.act(e.fx.TownshipDispatcher, h.ID, pingan.ActionInput{Action: pingan.ActAccept})
	c := e.login(e.fx.TownshipDispatcher)
	selected := `<option value="` + e.fx.Township.Code + `" selected>`
	mustContain(t, c.get("/cases/"+d.ID).body, selected)
	if strings.Contains(c.get("/cases/"+h.ID).body, selected) {
		t.Error("a hazard's dispatch preselects a mediation organisation")
	}
}
