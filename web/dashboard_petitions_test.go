package web

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/store/storetest"
)

var petitionMetricRe = regexp.MustCompile(`(?s)<div class="metric petition" title="([^"]*)" id="metric-([a-z_]+)">(.*?)\n</div>`)

// TestDashboardPetitions reads the section 信访工作 over the fixed history
// (storetest.PetitionHistory, its numbers computed by hand there): every
// figure shows its formula and its number, and links to the list of
// exactly the petitions it counts (人次: the petitions whose people it
// sums), as every count of its tables does; the section leaves the
// dashboard of another kind.
func TestDashboardPetitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.PetitionHistory(t, e.db, e.fx, e.clock)
	c := e.login(e.fx.CountyDispatcher)
	path := "/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-03"
	res := c.get(path)
	if res.status != http.StatusOK {
		t.Fatalf("%s: %d", path, res.status)
	}
	want := map[string]string{"p_petitions": "11", "p_people": "13", "p_matters": "8", "p_reviews": "2", "p_rechecks": "1",
		"p_petition_timely": "85.7%", "p_petition_on_time": "75.0%", "p_petition_reply": "66.7%", "p_petition_repeat": "18.2%",
		"p_petition_overreach": "9.1%", "p_petition_review_change": "50.0%", "p_petition_recheck_change": "0.0%",
		"p_petition_satisfaction": "66.7%"}
	// The numerators a rate's list counts.
	nums := map[string]int{"p_petition_timely": 6, "p_petition_on_time": 3, "p_petition_reply": 2, "p_petition_repeat": 2,
		"p_petition_overreach": 1, "p_petition_review_change": 1, "p_petition_recheck_change": 0, "p_petition_satisfaction": 2}
	seen := 0
	for _, m := range petitionMetricRe.FindAllStringSubmatch(res.body, -1) {
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
		if id == "p_people" {
			n = "11" // the petitions whose people it sums
		}
		if got := listedCases(t, c, html.UnescapeString(v[1])); strconv.Itoa(got) != n {
			t.Errorf("%s: %s, its list %d", id, n, got)
		}
	}
	if seen != len(want) {
		t.Errorf("%d figures of petitions, want %d", seen, len(want))
	}
	// The tables: by unit and by month.
	cells := 0
	for _, m := range cellRe.FindAllStringSubmatch(res.body, -1) {
		if !strings.HasPrefix(m[1], "p_") || m[1] == "p_people" {
			continue
		}
		cells++
		n, _ := strconv.Atoi(m[3])
		if got := listedCases(t, c, html.UnescapeString(m[2])); got != n {
			t.Errorf("%s: %d, its list (%s) %d", m[1], n, m[2], got)
		}
	}
	for _, id := range []string{"dash-petitions-unit", "dash-petitions-month", "petition-unit-" + e.fx.Township.Code,
		"petition-month-2026-03"} {
		mustContain(t, res.body, `id="`+id+`"`)
	}
	if cells < 2*4 {
		t.Errorf("%d counts in the tables of petitions", cells)
	}
	// The main figures leave the rates of petitions to the section.
	if strings.Contains(res.body, `id="metric-petition_timely"`) {
		t.Error("a rate of petitions among the main figures")
	}

	// Another kind: no section.
	res = c.get(path + "&kind=hazard")
	if strings.Contains(res.body, `id="dash-petitions"`) {
		t.Error("the section of petitions on the dashboard of hazards")
	}
}
