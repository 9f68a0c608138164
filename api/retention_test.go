package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestRetentionAPI: the security administrator reads and sets the months
// of each kind; a kind below its minimum is refused naming its field and
// the minimum, in the asker's language; the system and the audit
// administrators are refused.
func TestRetentionAPI(t *testing.T) {
	e := newEnv(t)
	sec := e.fx.SecAdmin.Username
	a := e.do("GET", "/api/v1/security/retention", sec, "")
	months, _ := a.body["months"].(map[string]any)
	if a.status != http.StatusOK || months["dispute"] != float64(60) || months["petition"] != float64(120) {
		t.Fatalf("GET: %d %s", a.status, a.raw)
	}
	a = e.do("PUT", "/api/v1/security/retention", sec, `{"months":{"dispute":24,"petition":60,"hazard":12,"service":12}}`, "Accept-Language: en")
	if a.status != http.StatusBadRequest || len(a.errFields()) != 1 ||
		!strings.Contains(fmt.Sprint(a.errFields()["months.dispute"]), "at least 36 months") {
		t.Fatalf("PUT below the minimum: %d %s", a.status, a.raw)
	}
	a = e.do("PUT", "/api/v1/security/retention", sec, `{"months":{"dispute":48,"petition":60,"hazard":12,"service":24}}`)
	months, _ = a.body["months"].(map[string]any)
	if a.status != http.StatusOK || months["dispute"] != float64(48) || str(a.body, "updated_by") == "" {
		t.Fatalf("PUT: %d %s", a.status, a.raw)
	}
	for _, u := range []string{e.fx.Admin.Username, e.fx.Auditor.Username} {
		if a := e.do("GET", "/api/v1/security/retention", u, ""); a.status != http.StatusForbidden {
			t.Errorf("GET by %s: %d", u, a.status)
		}
		if a := e.do("PUT", "/api/v1/security/retention", u, `{"months":{"dispute":48,"petition":60,"hazard":12,"service":24}}`); a.status != http.StatusForbidden {
			t.Errorf("PUT by %s: %d", u, a.status)
		}
	}
}
