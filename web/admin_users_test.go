package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// spaceRe collapses the white space of a page's text.
var spaceRe = regexp.MustCompile(`\s+`)

// wordsOf answers the text of a page as a person reads it.
func wordsOf(body string) string {
	return spaceRe.ReplaceAllString(html.UnescapeString(textOf(body)), " ")
}

// Account administration: the search finds by name, username, unit and
// role within the jurisdiction only.
func TestAdminUsersSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := countyAdmin(t, e)
	res := a.get("/admin/users")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/users: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="user-search"`, `id="user-fk-grid"`, `href="/admin/users?edit=fk-grid#user-edit"`)
	mustNotContain(t, res.body, `id="user-jt-grid"`, `id="user-admin"`) // another county's, the province's

	res = a.get("/admin/users?q=" + url.QueryEscape("网格员"))
	mustContain(t, res.body, `id="user-fk-grid"`)
	mustNotContain(t, res.body, `id="user-sz-leader"`, `id="user-jt-grid"`)
	res = a.get("/admin/users?q=SZ-LEADER")
	mustContain(t, res.body, `id="user-sz-leader"`)
	mustNotContain(t, res.body, `id="user-fk-grid"`)
	res = a.get("/admin/users?role=grid_worker")
	mustContain(t, res.body, `id="user-fk-grid"`)
	mustNotContain(t, res.body, `id="user-sz-leader"`)
	res = a.get("/admin/users?unit=620902001001")
	mustContain(t, res.body, `id="user-fk-grid"`)
	mustNotContain(t, res.body, `id="user-sz-leader"`)
	res = a.get("/admin/users?q=nobody-at-all")
	mustContain(t, res.body, `id="users-none"`, "没有符合条件的账户")
	// A unit of another county is named as the field at fault.
	res = a.get("/admin/users?unit=620921")
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, `class="field-error"`) {
		t.Errorf("another county's unit: %d", res.status)
	}
}

// Editing an account: a bad field is named beside it and nothing changes;
// a good one is saved, and the grid roster reads the position in words
// before the person's new name.
func TestAdminUsersEdit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	a := e.login(e.fx.Admin)
	res := a.get("/admin/users?edit=jt-grid")
	mustContain(t, res.body, `id="user-edit-form"`, `value="金塔村网格员"`)

	res = a.post("/admin/users/edit", url.Values{"username": {"jt-grid"}, "name": {"  "}, "unit": {"620921100001"}, "role": {"grid_worker"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("an empty name: %d", res.status)
	}
	if !regexp.MustCompile(`id="edit-name"[^>]*>\s*<span class="field-error"`).MatchString(res.body) {
		t.Errorf("the empty name is not named beside its field:\n%s", res.body)
	}
	res = a.post("/admin/users/edit", url.Values{"username": {"jt-grid"}, "name": {"薛霞"}, "unit": {"620921100001"}})
	if res.status != http.StatusBadRequest || !regexp.MustCompile(`<span class="field-error" role="alert">[^<]+</span></fieldset>`).MatchString(res.body) {
		t.Errorf("no role: %d", res.status)
	}
	if u, _ := e.db.Users.UserByUsername(t.Context(), "jt-grid"); u.Name != "金塔村网格员" {
		t.Fatalf("a refused edit changed the name to %q", u.Name)
	}

	// The roles are the security administrator's (admin_security.go).
	res = a.post("/admin/users/edit", url.Values{"username": {"jt-grid"}, "name": {"薛霞"}, "unit": {"620921100001"}, "role": {"grid_worker"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.status, res.body)
	}
	res = a.get(res.location)
	mustContain(t, wordsOf(res.body), "账户 jt-grid 已保存")
	u, _ := e.db.Users.UserByUsername(t.Context(), "jt-grid")
	if u.Name != "薛霞" || !u.Has(pingan.RoleGridWorker) {
		t.Errorf("after the edit: %+v", u)
	}

	roster := wordsOf(a.get("/admin/grids").body)
	mustContain(t, roster, "网格长 薛霞", "网格员 富康社区网格员")
	mustNotContain(t, roster, "leader 薛霞", "gridpos.")

	// A county administrator cannot edit another county's account.
	c := countyAdmin(t, e)
	res = c.post("/admin/users/edit", url.Values{"username": {"jt-grid"}, "name": {"x"}, "unit": {"620902"}, "role": {"viewer"}})
	if res.status != http.StatusNotFound {
		t.Errorf("another county's account: %d", res.status)
	}
}

// Disabling ends the account's sessions; enabling lets it sign in again.
func TestAdminUsersDisable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := countyAdmin(t, e)
	g := e.login(e.fx.GridWorker)
	res := a.post("/admin/users/disable", url.Values{"username": {"fk-grid"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", res.status, res.body)
	}
	res = a.get(res.location)
	mustContain(t, res.body, `id="user-edit-disabled"`, `id="user-enable"`, "账户 fk-grid 已停用")
	if res := g.get("/inbox"); res.status != http.StatusSeeOther {
		t.Errorf("the disabled account's session still opens /inbox: %d", res.status)
	}
	// One's own account: refused in words, not an error page.
	res = a.post("/admin/users/disable", url.Values{"username": {"sz-admin"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, `id="user-edit-error"`) {
		t.Errorf("disabling oneself: %d", res.status)
	}
	res = a.post("/admin/users/enable", url.Values{"username": {"fk-grid"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", res.status)
	}
	e.login(e.fx.GridWorker)
}

// Setting a password: a weak one is named at the field; a good one, or a
// generated one shown once, replaces the old and ends the sessions.
func TestAdminUsersResetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := countyAdmin(t, e)
	g := e.login(e.fx.GridWorker)
	res := a.post("/admin/users/password", url.Values{"username": {"fk-grid"}, "password": {"short"}})
	if res.status != http.StatusBadRequest || !regexp.MustCompile(`id="edit-password"[^>]*>\s*<span class="field-error"`).MatchString(res.body) {
		t.Errorf("a weak password: %d", res.status)
	}
	res = a.post("/admin/users/password", url.Values{"username": {"fk-grid"}, "password": {"Qingshui-Lu-42"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", res.status, res.body)
	}
	mustContain(t, wordsOf(a.get(res.location).body), "账户 fk-grid 的密码已重置，结束了 1 个会话")
	if res := g.get("/inbox"); res.status != http.StatusSeeOther {
		t.Errorf("a session outlived the reset: %d", res.status)
	}
	if _, err := e.db.Users.Login(t.Context(), "fk-grid", "Qingshui-Lu-42"); err != nil {
		t.Errorf("the new password: %v", err)
	}

	res = a.post("/admin/users/password", url.Values{"username": {"fk-grid"}, "generate": {"1"}})
	if res.status != http.StatusOK || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("generate: %d %q", res.status, res.header.Get("Cache-Control"))
	}
	m := regexp.MustCompile(`新密码：(\S+) ——只显示这一次`).FindStringSubmatch(wordsOf(res.body))
	if m == nil {
		t.Fatalf("no generated password shown:\n%s", res.body)
	}
	if _, err := e.db.Users.Login(t.Context(), "fk-grid", m[1]); err != nil {
		t.Errorf("the generated password %q: %v", m[1], err)
	}
	if strings.Contains(a.get("/admin/users?edit=fk-grid").body, m[1]) {
		t.Error("the generated password is shown again")
	}
	// Outside the jurisdiction.
	res = a.post("/admin/users/password", url.Values{"username": {"jt-grid"}, "password": {"Qingshui-Lu-42"}})
	if res.status != http.StatusNotFound {
		t.Errorf("another county's account: %d", res.status)
	}
}
