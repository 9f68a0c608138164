package web

import (
	"net/http"
	"testing"
)

// Every account's first page after signing in is one its roles may open:
// the audit administrator lands on the audit trail, the security
// administrator on the roles, the system administrator on the units.
func TestLanding(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := map[string]string{
		e.fx.Auditor.Username:            "/audit",
		e.fx.SecAdmin.Username:           "/admin/roles",
		e.fx.Admin.Username:              "/admin/units",
		e.fx.GridWorker.Username:         "/m",
		e.fx.CountyLeader.Username:       "/dashboard",
		e.fx.TownshipDispatcher.Username: "/inbox",
	}
	for name, u := range e.fx.Users {
		c := e.login(u)
		res := c.get("/")
		if res.status != http.StatusSeeOther {
			t.Errorf("%s: GET / %d, want 303", name, res.status)
			continue
		}
		if w, ok := want[name]; ok && res.location != w {
			t.Errorf("%s lands on %s, want %s", name, res.location, w)
		}
		if page := c.get(res.location); page.status != http.StatusOK {
			t.Errorf("%s: the first page %s answers %d", name, res.location, page.status)
		}
	}
}
