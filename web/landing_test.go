package web

import (
	"net/http"
	"regexp"
	"strings"
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

// The administration tabs show each administrator the pages of their own
// duty: every tab opens, and the system and the security administrators
// see none of each other's.
func TestAdminTabs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tabs := regexp.MustCompile(`(?s)<nav class="tabs" aria-label="[^"]*">(.*?)</nav>`)
	href := regexp.MustCompile(`href="([^"]+)"`)
	for _, c := range []struct {
		user      string
		start     string
		must, not []string
	}{
		{e.fx.Admin.Username, "/admin/units", []string{"/admin/users", "/admin/categories"}, []string{"/admin/roles", "/admin/security", "/admin/keys", "/admin/totp"}},
		{e.fx.SecAdmin.Username, "/admin/roles", []string{"/admin/security", "/admin/keys"}, []string{"/admin/units", "/admin/users", "/admin/categories"}},
	} {
		cl := e.login(e.fx.Users[c.user])
		page := cl.get(c.start)
		m := tabs.FindStringSubmatch(page.body)
		if page.status != http.StatusOK || m == nil {
			t.Fatalf("%s: %s %d without its tabs", c.user, c.start, page.status)
		}
		var links []string
		for _, l := range href.FindAllStringSubmatch(m[1], -1) {
			links = append(links, l[1])
			if res := cl.get(l[1]); res.status != http.StatusOK {
				t.Errorf("%s: the tab %s answers %d", c.user, l[1], res.status)
			}
		}
		all := " " + strings.Join(links, " ") + " "
		for _, l := range c.must {
			if !strings.Contains(all, " "+l+" ") {
				t.Errorf("%s: no tab %s among %s", c.user, l, all)
			}
		}
		for _, l := range c.not {
			if strings.Contains(all, " "+l+" ") {
				t.Errorf("%s: a tab %s of another duty among %s", c.user, l, all)
			}
		}
	}
}
