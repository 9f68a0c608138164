package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// countySecAdmin adds a security administrator of 肃州区 and signs in.
func countySecAdmin(t *testing.T, e *env) *client {
	t.Helper()
	u := &pingan.User{Username: "sz-secadmin", Name: "肃州区安全管理员", UnitCode: "620902", Roles: []pingan.Role{pingan.RoleSecAdmin}}
	if err := e.db.Users.CreateUser(context.Background(), u, storetest.Password); err != nil {
		t.Fatal(err)
	}
	return e.login(u)
}

// The policy's page: bad input comes back with each field named and the
// values kept, nothing saved; good input is saved and shown; a security
// administrator of a county is refused.
func TestAdminSecurityPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sec := e.login(e.fx.SecAdmin)
	county := countySecAdmin(t, e)
	res := sec.get("/admin/security")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/security: %d", res.status)
	}
	mustContain(t, res.body, `id="policy-form"`, `name="min_length" inputmode="numeric" value="10"`, `href="/admin/security" aria-current="page"`)

	bad := url.Values{"min_length": {"6"}, "classes": {"三"}, "expiry_days": {"90"}, "history": {"99"}, "idle_minutes": {"30"}}
	res = sec.post("/admin/security", bad)
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad policy: %d", res.status)
	}
	mustContain(t, res.body, "密码最短长度须在 8 到 128 之间", "须为整数", "不得重复使用的历史密码个数须在 0 到 24 之间", `value="三"`)
	if p, _ := e.db.Security.SecurityPolicy(t.Context()); p.MinLength == 6 || p.History == 99 {
		t.Errorf("a refused policy was saved: %+v", p)
	}

	good := url.Values{"min_length": {"12"}, "classes": {"3"}, "expiry_days": {"60"}, "history": {"4"}, "idle_minutes": {"15"}, "single_session": {"1"}}
	res = sec.post("/admin/security", good)
	if res.status != http.StatusSeeOther || res.location != "/admin/security?saved=1" {
		t.Fatalf("save: %d %s\n%s", res.status, res.location, res.body)
	}
	p, err := e.db.Security.SecurityPolicy(t.Context())
	if err != nil || p.MinLength != 12 || p.ExpiryDays != 60 || p.History != 4 || p.IdleMinutes != 15 || !p.SingleSession {
		t.Fatalf("saved %+v %v", p, err)
	}
	mustContain(t, sec.get("/admin/security?saved=1").body, "安全策略已保存", `value="12"`, `id="policy-single_session" name="single_session" value="1" checked`)

	if res := county.post("/admin/security", good); res.status != http.StatusForbidden {
		t.Errorf("a county's security administrator: %d", res.status)
	}
}

// The roles' page: the security administrator gives an account its
// roles; an administrator's role beside another is refused under the
// roles; the system administrator may not change roles on the account
// page either.
func TestAdminRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sec := e.login(e.fx.SecAdmin)
	res := sec.get("/admin/roles?q=sz-dispatcher")
	if res.status != http.StatusOK {
		t.Fatalf("GET /admin/roles: %d", res.status)
	}
	mustContain(t, res.body, `id="roles-sz-dispatcher"`, `value="dispatcher" checked`)

	res = sec.post("/admin/roles?q=sz-dispatcher", url.Values{"username": {"sz-dispatcher"}, "role": {"admin", "dispatcher"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("admin beside dispatcher: %d", res.status)
	}
	mustContain(t, res.body, "管理员角色 admin 须单独持有")
	res = sec.post("/admin/roles", url.Values{"username": {"sz-dispatcher"}, "role": {"dispatcher", "leader"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("dispatcher and leader: %d\n%s", res.status, res.body)
	}
	u, err := e.db.Users.UserByUsername(t.Context(), "sz-dispatcher")
	if err != nil || !slices.Equal(u.Roles, []pingan.Role{pingan.RoleDispatcher, pingan.RoleLeader}) {
		t.Fatalf("roles %v %v", u, err)
	}

	// The system administrator's account page keeps the roles as they are.
	admin := e.login(e.fx.Admin)
	res = admin.post("/admin/users/edit", url.Values{"username": {"sz-dispatcher"}, "name": {u.Name}, "unit": {u.UnitCode}, "role": {"viewer"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("an administrator changes roles: %d", res.status)
	}
	mustContain(t, res.body, "账户的角色只能由安全管理员修改")
	// Nor gives an administrator's role with a new account.
	res = admin.post("/admin/users", url.Values{"username": {"new-sec"}, "name": {"x"}, "unit": {"620000"}, "role": {"secadmin"}, "password": {storetest.Password}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("a new security administrator by the system administrator: %d", res.status)
	}
	mustContain(t, res.body, "系统管理员不能授予管理员角色 secadmin")
}

// An expired password: the account signs in, every page sends it to the
// change of its password, a form elsewhere is refused; once changed, the
// pages open again.
func TestPasswordExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := storetest.FixturePolicy()
	p.ExpiryDays, p.IdleMinutes = 30, 24*60
	if err := e.db.Security.SetSecurityPolicy(t.Context(), nil, p); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(31 * 24 * time.Hour)
	c := e.anon()
	if res := c.post("/login", url.Values{"username": {"sz-dispatcher"}, "password": {storetest.Password}}); res.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.status)
	}
	res := c.get("/inbox")
	if res.status != http.StatusSeeOther || res.location != "/account/password?expired=1" {
		t.Fatalf("/inbox: %d %s", res.status, res.location)
	}
	page := c.get("/account/password?expired=1")
	mustContain(t, page.body, `id="password-expired"`, `id="password-form"`)
	mustNotContain(t, page.body, `<nav class="main"`) // no menu of pages it cannot open yet
	c.csrf = csrfRe.FindStringSubmatch(page.body)[1]
	if res := c.post("/notifications/read", nil); res.status != http.StatusForbidden || !strings.Contains(res.body, "密码已过期") {
		t.Errorf("a form elsewhere: %d", res.status)
	}
	res = c.post("/account/password", url.Values{"old_password": {storetest.Password}, "password": {storetest.Password}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("the same password again: %d", res.status)
	}
	mustContain(t, res.body, "不能使用最近 5 次用过的密码")
	res = c.post("/account/password", url.Values{"old_password": {storetest.Password}, "password": {"Renewed-password-7"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", res.status, res.body)
	}
	if res := c.get("/inbox"); res.status != http.StatusOK || !strings.Contains(res.body, `<nav class="main"`) {
		t.Errorf("/inbox after the change: %d %s", res.status, res.location)
	}
}
