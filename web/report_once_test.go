package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pingan-gov/pingan"
)

// TestReportAnsweredOnce: a staff report with every kind of mistake at
// once — no title, no description, a latitude that is no number, a
// longitude off the globe, an unknown category — gets one answer naming
// every field, in the domain's words, and nothing is written.
func TestReportAnsweredOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyDispatcher)
	before, _, err := e.db.Cases.FindCases(t.Context(), e.fx.CountyDispatcher, pingan.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	res := c.post("/report", url.Values{"category": {"9999"}, "lat": {"北纬三十九度"}, "lng": {"200"},
		"source": {string(pingan.SourceHotline)}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("status %d", res.status)
	}
	for _, key := range []string{"report.category.unknown", "report.title.required", "report.lat.number", "report.lng.range"} {
		text := pingan.Text(pingan.ZH, key)
		if key == "report.category.unknown" {
			text = pingan.Text(pingan.ZH, key, "9999")
		}
		mustContain(t, res.body, text)
	}
	after, _, err := e.db.Cases.FindCases(t.Context(), e.fx.CountyDispatcher, pingan.CaseFilter{})
	if err != nil || len(after) != len(before) {
		t.Errorf("%d cases before, %d after a refused report (%v)", len(before), len(after), err)
	}

	// The same report without its mistakes, with no kind and no title: the
	// kind comes from the category and the title from the description.
	res = c.post("/report", url.Values{"category": {"0102"}, "description": {"楼上漏水，楼下天花板渗水，双方争执不下"},
		"source": {string(pingan.SourceHotline)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	after, _, err = e.db.Cases.FindCases(t.Context(), e.fx.CountyDispatcher, pingan.CaseFilter{})
	if err != nil || len(after) != len(before)+1 {
		t.Fatalf("%d cases after a good report (%v)", len(after), err)
	}
	if got := after[0]; got.Kind != pingan.KindDispute || got.Title != "楼上漏水，楼下天花板渗水，双方争执不下" {
		t.Errorf("kind %q title %q", got.Kind, got.Title)
	}
}
