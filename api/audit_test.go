package api_test

import (
	"net/http"
	"testing"

	"github.com/pingan-gov/pingan"
)

// GET /api/v1/audit: the audit administrator reads the rows of a range,
// with the chain's state; a range longer than a year, or none, is refused
// naming the field; no other role reads it.
func TestAuditAPI(t *testing.T) {
	e := newEnv(t)
	auditor := e.fx.Auditor.Username
	a := e.do("GET", "/api/v1/audit?action=login&from=2026-01-01&to=2026-12-31", auditor, "")
	if a.status != http.StatusOK {
		t.Fatalf("GET /audit: %d %s", a.status, a.raw)
	}
	rows, _ := a.body["rows"].([]any)
	if len(rows) == 0 || str(rows[0].(map[string]any), "action") != "login" || str(rows[0].(map[string]any), "result") != pingan.AuditOK {
		t.Fatalf("rows: %s", a.raw)
	}
	if _, ok := a.body["chain"].(map[string]any)["head_seq"]; !ok {
		t.Fatalf("no chain state: %s", a.raw)
	}
	for _, tc := range []struct{ query, field string }{
		{"from=2024-01-01&to=2026-12-31", "to"},
		{"to=2026-12-31", "from"},
		{"from=yesterday&to=2026-12-31", "from"},
	} {
		a := e.do("GET", "/api/v1/audit?"+tc.query, auditor, "")
		if _, named := a.errFields()[tc.field]; a.status != http.StatusBadRequest || !named {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.query, a.status, a.raw, tc.field)
		}
	}
	for _, u := range []*pingan.User{e.fx.Admin, e.fx.SecAdmin, e.fx.CountyDispatcher} {
		if a := e.do("GET", "/api/v1/audit?from=2026-01-01&to=2026-12-31", u.Username, ""); a.status != http.StatusForbidden {
			t.Errorf("%s: %d", u.Username, a.status)
		}
	}
}
