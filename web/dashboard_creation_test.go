package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// creationFake answers the designations of one year, whatever the reader.
type creationFake struct {
	pingan.AssessService
	year   int
	shares map[pingan.Level][]pingan.CreationShare
}

func (f *creationFake) CreationShares(_ context.Context, _ *pingan.User, year int, level pingan.Level) ([]pingan.CreationShare, error) {
	if year != f.year {
		return nil, nil
	}
	return f.shares[level], nil
}

var creationRowRe = regexp.MustCompile(`(?s)<tr id="creation-([0-9a-z]+)"[^>]*><td>([^<]*)</td>(.*?)</tr>`)
var creationCellRe = regexp.MustCompile(`<td class="n (township|village)"[^>]*>(?:<strong[^>]*>([^<]*)</strong> <span class="muted small">(\d+/\d+)</span>|<span class="none">)`)

// TestDashboardCreation reads the section 平安创建: per county of the unit
// shown, the share of its townships and villages designated in the year
// of the period, the sum at a city; a county outside the city, another
// year, a filtered dashboard and a township show nothing of it.
func TestDashboardCreation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	city, county, other := e.fx.City.Code, e.fx.County.Code, e.fx.OtherCounty.Code
	e.srv.assess = &creationFake{year: 2025, shares: map[pingan.Level][]pingan.CreationShare{
		pingan.LevelTownship: {
			{County: county, CountyName: "肃州区", Level: pingan.LevelTownship, Designated: 19, Assessed: 20},
			{County: other, CountyName: "金塔县", Level: pingan.LevelTownship, Designated: 0, Assessed: 3},
			{County: "621002", CountyName: "外县", Level: pingan.LevelTownship, Designated: 5, Assessed: 5},
		},
		pingan.LevelVillage: {
			{County: county, CountyName: "肃州区", Level: pingan.LevelVillage, Designated: 37, Assessed: 50},
		},
	}}
	c := e.login(e.fx.CityLeader)
	read := func(path string) map[string]string {
		t.Helper()
		res := c.get(path)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", path, res.status)
		}
		if !strings.Contains(res.body, `id="dash-creation"`) {
			return nil
		}
		rows := map[string]string{}
		for _, m := range creationRowRe.FindAllStringSubmatch(res.body, -1) {
			var cells []string
			for _, x := range creationCellRe.FindAllStringSubmatch(m[3], -1) {
				if x[2] == "" {
					cells = append(cells, x[1]+" -")
				} else {
					cells = append(cells, x[1]+" "+x[2]+" "+x[3])
				}
			}
			rows[m[1]] = m[2] + ": " + strings.Join(cells, ", ")
		}
		return rows
	}
	want := map[string]string{
		county: "肃州区: township 95% 19/20, village 74% 37/50",
		other:  "金塔县: township 0% 0/3, village -",
		"all":  "合计: township 83% 19/23, village 74% 37/50",
	}
	got := read("/dashboard?unit=" + city + "&period=year&at=2025-01")
	if len(got) != len(want) {
		t.Errorf("city: rows %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("city: row %s = %q, want %q", k, got[k], w)
		}
	}
	// A month of the year shows the year's.
	got = read("/dashboard?unit=" + county + "&period=month&at=2025-07")
	if len(got) != 1 || got[county] != want[county] {
		t.Errorf("county: rows %v, want %s alone", got, want[county])
	}
	for _, path := range []string{
		"/dashboard?unit=" + city + "&period=year&at=2026-01",               // nothing designated
		"/dashboard?unit=" + other + "&period=year&at=2025-01",              // none of its units
		"/dashboard?unit=" + city + "&period=year&at=2025-01&kind=dispute",  // filtered
		"/dashboard?unit=" + e.fx.Township.Code + "&period=year&at=2025-01", // below a county
	} {
		if got := read(path); got != nil {
			t.Errorf("%s: section shown: %v", path, got)
		}
	}
}
