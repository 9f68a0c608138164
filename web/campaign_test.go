package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The campaigns' pages (campaign.go): a dispatcher creates a campaign and
// is told which field is wrong; a grid worker records visits on the phone
// page, with a case in the same step; the coverage page shows the numbers
// with their formula and drills down; another county's campaign is a page
// that does not exist.

// campaignsOf answers the campaigns the admin sees.
func (e *env) campaignsOf(t *testing.T) []*pingan.Campaign {
	t.Helper()
	cs, err := e.db.Campaigns.FindCampaigns(context.Background(), e.fx.Admin, pingan.CampaignFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestCampaignPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	d := e.login(e.fx.CountyDispatcher)

	// A campaign ending before it starts: 400, the field named on the
	// page, what was typed kept, nothing written.
	form := url.Values{"name": {"春季矛盾纠纷大排查"}, "kind": {"sweep"}, "from": {"2026-03-01"}, "to": {"2026-02-01"},
		"unit": {e.fx.County.Code}, "units": {e.fx.Township.Code}}
	res := d.post("/campaigns", form)
	body := html.UnescapeString(res.body)
	want := pingan.Text(pingan.ZH, "campaign.to.before", "2026-02-01", "2026-03-01")
	if res.status != http.StatusBadRequest || !strings.Contains(body, want) || !strings.Contains(body, `aria-describedby="c-to-err"`) {
		t.Fatalf("to before from: %d, want 400 saying %q:\n%s", res.status, want, res.body)
	}
	if !strings.Contains(body, "春季矛盾纠纷大排查") {
		t.Error("the refused form lost the name")
	}
	if cs := e.campaignsOf(t); len(cs) != 0 {
		t.Fatalf("a refused campaign was written: %d", len(cs))
	}
	// The list offers the county's townships to tick.
	if page := d.get("/campaigns"); !strings.Contains(page.body, `value="`+e.fx.Township.Code+`"`) || !strings.Contains(page.body, `id="campaign-form"`) {
		t.Errorf("the form lacks the township's box:\n%s", page.body)
	}
	form.Set("to", "2026-03-31")
	res = d.post("/campaigns", form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/campaigns/") {
		t.Fatalf("create: %d %s\n%s", res.status, res.location, res.body)
	}
	cs := e.campaignsOf(t)
	if len(cs) != 1 {
		t.Fatalf("%d campaigns", len(cs))
	}
	id := strconv.FormatInt(cs[0].ID, 10)

	// The phone page: the visit card with the running campaign and the
	// worker's grid.
	g := e.login(e.fx.GridWorker)
	m := g.get("/m")
	if m.status != http.StatusOK || !strings.Contains(m.body, `id="visit-form"`) || !strings.Contains(m.body, `value="620902001001-01"`) ||
		!strings.Contains(m.body, `value="2026-03-02"`) {
		t.Fatalf("the phone page has no visit form:\n%s", m.body)
	}
	// A grid that is not the worker's: 400 naming it, nothing written.
	visit := url.Values{"campaign": {id}, "grid": {"620902001001-02"}, "place": {"3号楼2单元501"}, "visited_on": {"2026-03-02"}, "outcome": {"none"}}
	res = g.post("/m/visit", visit)
	want = pingan.Text(pingan.ZH, "campaign.grid.notyours", "620902001001-02")
	if res.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(res.body), want) {
		t.Fatalf("another grid: %d, want 400 saying %q:\n%s", res.status, want, res.body)
	}
	if !strings.Contains(res.body, `value="3号楼2单元501"`) {
		t.Error("the refused visit lost the door plate")
	}
	visit.Set("grid", "620902001001-01")
	if res = g.post("/m/visit", visit); res.status != http.StatusSeeOther {
		t.Fatalf("visit: %d\n%s", res.status, res.body)
	}
	// The same door plate typed full-width, and a dispute reported with it.
	visit.Set("place", "３号楼２单元５０１")
	visit.Set("outcome", "case")
	for k, v := range map[string]string{"kind": "dispute", "category": "0102", "title": "楼上漏水", "description": "501 与 601 因漏水争执"} {
		visit.Set(k, v)
	}
	res = g.post("/m/visit", visit)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/m?sent=") {
		t.Fatalf("visit with a case: %d %s\n%s", res.status, res.location, res.body)
	}

	// The coverage: the county's township, then the village's grids.
	cv := d.get("/campaigns/" + id)
	if cv.status != http.StatusOK || !strings.Contains(cv.body, `id="coverage-disputes">1<`) ||
		!strings.Contains(cv.body, "?unit="+e.fx.Township.Code) || !strings.Contains(cv.body, "覆盖率 = 已走访户数 / 户数") {
		t.Fatalf("coverage page:\n%s", cv.body)
	}
	v := d.get("/campaigns/" + id + "?unit=" + e.fx.Village.Code)
	want = pingan.Text(pingan.ZH, "campaign.formula.value", 1, 320, "0.3%")
	if v.status != http.StatusOK || !strings.Contains(html.UnescapeString(v.body), want) {
		t.Errorf("the village's grids: %d, want %q:\n%s", v.status, want, v.body)
	}
	x := d.get("/campaigns/" + id + "/coverage.xlsx?unit=" + e.fx.Township.Code)
	if x.status != http.StatusOK || x.header.Get("Content-Type") != sheet.MediaType || !strings.HasPrefix(x.body, "PK") {
		t.Errorf("download: %d %s", x.status, x.header.Get("Content-Type"))
	}
}

// TestCampaignJurisdiction: another county's campaign, its coverage and
// its download answer exactly as a campaign that does not exist, and its
// name is shown nowhere.
func TestCampaignJurisdiction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, err := e.db.Campaigns.CreateCampaign(context.Background(), e.fx.OtherDispatcher, &pingan.Campaign{Name: "金塔县敲门行动",
		Kind: pingan.CampaignKnock, From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(c.ID, 10)
	for _, u := range []*pingan.User{e.fx.CountyDispatcher, e.fx.GridWorker, e.fx.CountyLeader} {
		cl := e.login(u)
		for _, path := range []string{"/campaigns/%s", "/campaigns/%s/coverage.xlsx", "/campaigns/%s?unit=" + e.fx.OtherCounty.Code} {
			got, none := cl.get(strings.ReplaceAll(path, "%s", id)), cl.get(strings.ReplaceAll(path, "%s", "999999"))
			norm := func(body, id string) string { // the language switch links back
				return strings.ReplaceAll(body, "%2fcampaigns%2f"+id, "{path}")
			}
			if got.status != http.StatusNotFound || norm(got.body, id) != norm(none.body, "999999") {
				t.Errorf("%s %s: %d, want the 404 of no campaign", u.Username, path, got.status)
			}
		}
		if page := cl.get("/campaigns"); strings.Contains(page.body, "金塔县敲门行动") {
			t.Errorf("%s: the list shows another county's campaign", u.Username)
		}
		if strings.Contains(cl.get("/m").body, "金塔县敲门行动") {
			t.Errorf("%s: the phone page offers another county's campaign", u.Username)
		}
	}
	own := e.login(e.fx.OtherDispatcher)
	if res := own.get("/campaigns/" + id); res.status != http.StatusOK || !strings.Contains(res.body, "金塔县敲门行动") {
		t.Errorf("its own county: %d", res.status)
	}
}
