package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// TestReportUrgency: the staff report form takes the 12345 work order
// number, the urgency and the 重大敏感 flag (docs/urgency.md); a bad one is
// named and kept in the form, a good one is stored and the case page
// shows its 特急 and 重大敏感 tags, which a normal case has not.
func TestReportUrgency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyDispatcher)
	page := c.get("/report")
	for _, id := range []string{`id="hotline_no"`, `id="urgency"`, `id="sensitive"`} {
		mustContain(t, page.body, id)
	}

	form := func(hotline, urgency string, sensitive bool) url.Values {
		v := url.Values{"category": {"0102"}, "title": {"邻里纠纷"}, "source": {string(pingan.SourceHotline)},
			"hotline_no": {hotline}, "urgency": {urgency}}
		if sensitive {
			v.Set("sensitive", "1")
		}
		return v
	}
	res := c.post("/report", form("12345/01", "critical", true))
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad work order number: status %d", res.status)
	}
	mustContain(t, res.body, pingan.Text(pingan.ZH, "urgency.hotline_no.bad"))
	mustContain(t, res.body, `<option value="critical" selected>`)
	mustContain(t, res.body, `name="sensitive" value="1" checked`)

	res = c.post("/report", form("2026A0001", "critical", true))
	if res.status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	list, _, err := e.db.Cases.FindCases(t.Context(), e.fx.CountyDispatcher, pingan.CaseFilter{})
	if err != nil || len(list) == 0 {
		t.Fatalf("%d cases (%v)", len(list), err)
	}
	got := list[0]
	if got.HotlineNo != "2026A0001" || got.Urgency != pingan.UrgencyCritical || !got.Sensitive {
		t.Errorf("stored hotline %q urgency %q sensitive %v", got.HotlineNo, got.Urgency, got.Sensitive)
	}
	body := c.get("/cases/" + got.ID).body
	mustContain(t, body, `id="case-urgency">`+pingan.Text(pingan.ZH, "urgency.critical"))
	mustContain(t, body, `id="case-sensitive">`+pingan.Text(pingan.ZH, "urgency.sensitive"))

	if res = c.post("/report", form("", "", false)); res.status != http.StatusSeeOther {
		t.Fatalf("normal report: status %d", res.status)
	}
	list, _, _ = e.db.Cases.FindCases(t.Context(), e.fx.CountyDispatcher, pingan.CaseFilter{})
	body = c.get("/cases/" + list[0].ID).body
	if list[0].Urgency != pingan.UrgencyNormal || strings.Contains(body, `id="case-urgency"`) || strings.Contains(body, `id="case-sensitive"`) {
		t.Errorf("normal case %q shows urgency tags", list[0].Urgency)
	}
}
