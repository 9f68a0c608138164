package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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

// A file the API answers — here the statistics as XLSX — is an audit row
// of the account, with its path.
func TestAPIDownloadAudited(t *testing.T) {
	e := newEnv(t)
	d := e.fx.CountyDispatcher
	req := httptest.NewRequest("GET", "/api/v1/stats?format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+e.token(d.Username))
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("stats.xlsx: %d", rec.Code)
	}
	from := e.clock.Now().Add(-time.Hour)
	rows, total, err := e.db.Audit.SearchAudit(context.Background(), e.fx.Auditor, pingan.AuditFilter{Action: "download",
		Account: d.Username, From: from, To: from.Add(2 * time.Hour)})
	if err != nil || total != 1 || !strings.Contains(rows[0].Detail, "/api/v1/stats?format=xlsx") || rows[0].Result != pingan.AuditOK {
		t.Fatalf("%d rows %v: %+v", total, err, rows)
	}
}
