package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"SecurityPolicy", testSecurityPolicy},
		{"AdminRolesAlone", testAdminRolesAlone},
		{"PasswordPolicy", testPasswordPolicy},
		{"PasswordExpiry", testPasswordExpiry},
		{"IdleAcrossRestart", testIdleAcrossRestart},
		{"SingleSession", testSingleSession},
	}...)
}

// setPolicy sets the policy as the operator at the command line.
func setPolicy(t *testing.T, e *env, edit func(p *pingan.SecurityPolicy)) {
	t.Helper()
	p := storetest.FixturePolicy()
	edit(p)
	if err := e.db.Security.SetSecurityPolicy(ctx, nil, p); err != nil {
		t.Fatal(err)
	}
}

// testSecurityPolicy: only the security administrator of the whole tree
// sets the policy; each bad field is named and nothing is saved; a change
// is audited and read back.
func testSecurityPolicy(t *testing.T, e *env) {
	fx := e.fx
	p := pingan.DefaultSecurityPolicy()
	countySec := e.addUser(t, "sz-sec", fx.County.Code, pingan.RoleSecAdmin)
	for _, u := range []*pingan.User{fx.Admin, fx.Auditor, countySec, fx.CountyDispatcher} {
		wantCode(t, e.db.Security.SetSecurityPolicy(ctx, u, &p), pingan.EFORBIDDEN)
	}
	bad := pingan.SecurityPolicy{MinLength: 6, Classes: 9, ExpiryDays: -3, History: 99, IdleMinutes: -1}
	wantFields(t, e.db.Security.SetSecurityPolicy(ctx, fx.SecAdmin, &bad), "classes", "expiry_days", "history", "idle_minutes", "min_length")
	before := len(accountAudit(t, e, "security_policy_set"))

	p.MinLength, p.History, p.SingleSession = 12, 3, true
	if err := e.db.Security.SetSecurityPolicy(ctx, fx.SecAdmin, &p); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Security.SecurityPolicy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.MinLength != 12 || got.History != 3 || !got.SingleSession || got.Classes != 3 || got.UpdatedBy == "" {
		t.Errorf("read back %+v", got)
	}
	rows := accountAudit(t, e, "security_policy_set")
	if len(rows) != before+1 || rows[len(rows)-1].UserID != fx.SecAdmin.ID {
		t.Errorf("audit %+v", rows)
	}
}

// testAdminRolesAlone: the three administrators' roles are held alone;
// only the security administrator (or the operator) gives roles, never to
// their own account; a change is audited; an account an upgrade left
// holding admin beside another role is listed.
func testAdminRolesAlone(t *testing.T, e *env) {
	fx := e.fx
	mixed := &pingan.User{Username: "two-hats", Name: "x", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleAdmin, pingan.RoleDispatcher}}
	wantField(t, e.db.Users.CreateUser(ctx, mixed, storetest.Password), "role")

	u := e.addUser(t, "sz-new", fx.County.Code, pingan.RoleViewer)
	wantCode(t, e.db.Users.SetRoles(ctx, fx.Admin, u.Username, []pingan.Role{pingan.RoleDispatcher}), pingan.EFORBIDDEN)
	wantCode(t, e.db.Users.SetRoles(ctx, fx.Auditor, u.Username, []pingan.Role{pingan.RoleDispatcher}), pingan.EFORBIDDEN)
	wantField(t, e.db.Users.SetRoles(ctx, fx.SecAdmin, u.Username, []pingan.Role{pingan.RoleSecAdmin, pingan.RoleAuditor}), "role")
	wantField(t, e.db.Users.SetRoles(ctx, fx.SecAdmin, u.Username, []pingan.Role{pingan.RoleAuditor, pingan.RoleViewer}), "role")
	wantField(t, e.db.Users.SetRoles(ctx, fx.SecAdmin, u.Username, nil), "role")
	wantCode(t, e.db.Users.SetRoles(ctx, fx.SecAdmin, fx.SecAdmin.Username, []pingan.Role{pingan.RoleViewer}), pingan.ECONFLICT)
	countySec := e.addUser(t, "sz-sec", fx.County.Code, pingan.RoleSecAdmin)
	wantCode(t, e.db.Users.SetRoles(ctx, countySec, fx.OtherDispatcher.Username, []pingan.Role{pingan.RoleViewer}), pingan.ENOTFOUND)
	if n := len(accountAudit(t, e, "roles_set")); n != 0 {
		t.Errorf("%d role changes audited after refusals", n)
	}

	if err := e.db.Users.SetRoles(ctx, fx.SecAdmin, u.Username, []pingan.Role{pingan.RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Users.UserByUsername(ctx, u.Username)
	if err != nil || !slices.Equal(got.Roles, []pingan.Role{pingan.RoleAuditor}) {
		t.Fatalf("after SetRoles: %+v %v", got, err)
	}
	rows := accountAudit(t, e, "roles_set")
	if len(rows) != 1 || rows[0].UserID != fx.SecAdmin.ID || rows[0].Detail["username"] != u.Username || rows[0].Detail["roles"] != "auditor" {
		t.Errorf("audit %+v", rows)
	}
	// The system administrator keeps the account, not its roles.
	err = e.db.Users.UpdateUser(ctx, fx.Admin, &pingan.User{Username: u.Username, Name: "改名", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleAuditor}})
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, e.db.Users.UpdateUser(ctx, fx.Admin, &pingan.User{Username: u.Username, Name: "改名", UnitCode: fx.County.Code,
		Roles: []pingan.Role{pingan.RoleViewer}}), "role")

	// An upgrade's account with two hats is listed.
	if _, err := e.db.SQL().ExecContext(ctx, `UPDATE users SET roles = 'admin,dispatcher' WHERE username = $1`, fx.CountyDispatcher.Username); err != nil {
		t.Fatal(err)
	}
	names, err := e.db.Users.MixedAdmins(ctx)
	if err != nil || !slices.Equal(names, []string{fx.CountyDispatcher.Username}) {
		t.Errorf("MixedAdmins %v %v", names, err)
	}
}

// testPasswordPolicy: every password set — a new account's, an
// administrator's reset, one's own change — meets the policy, naming the
// field; the last N are refused; the old password is checked.
func testPasswordPolicy(t *testing.T, e *env) {
	fx := e.fx
	setPolicy(t, e, func(p *pingan.SecurityPolicy) { p.MinLength, p.Classes, p.History = 12, 3, 3 })
	wantField(t, e.db.Users.CreateUser(ctx, &pingan.User{Username: "sz-short", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleViewer}}, "Short-1"), "password")
	wantField(t, e.db.Users.CreateUser(ctx, &pingan.User{Username: "sz-kinds", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleViewer}}, "only-lower-case"), "password")
	u := &pingan.User{Username: "sz-pw", Name: "x", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleViewer}}
	if err := e.db.Users.CreateUser(ctx, u, "First-password-1"); err != nil {
		t.Fatal(err)
	}
	_, err := e.db.Users.SetPassword(ctx, fx.Admin, u.Username, "too-few-kinds")
	wantField(t, err, "password")
	_, err = e.db.Users.SetPassword(ctx, fx.Admin, u.Username, "First-password-1")
	wantField(t, err, "password")
	for _, pw := range []string{"Second-password-2", "Third-password-3"} {
		if _, err := e.db.Users.SetPassword(ctx, fx.Admin, u.Username, pw); err != nil {
			t.Fatal(err)
		}
	}
	// The first is among the last three still; after a fourth it is not.
	_, err = e.db.Users.SetPassword(ctx, nil, u.Username, "First-password-1")
	wantField(t, err, "password")
	if _, err := e.db.Users.SetPassword(ctx, nil, u.Username, "Fourth-password-4"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.SetPassword(ctx, nil, u.Username, "First-password-1"); err != nil {
		t.Errorf("a password older than the last three: %v", err)
	}

	// One's own change: the old password first, then the rules.
	sess, err := e.db.Users.Login(ctx, u.Username, "First-password-1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.db.Users.Login(ctx, u.Username, "First-password-1")
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, e.db.Security.ChangeOwnPassword(ctx, sess.User, sess.Token, "wrong-password", "Fifth-password-5"), "old_password")
	wantField(t, e.db.Security.ChangeOwnPassword(ctx, sess.User, sess.Token, "First-password-1", "Fourth-password-4"), "password")
	if err := e.db.Security.ChangeOwnPassword(ctx, sess.User, sess.Token, "First-password-1", "Fifth-password-5"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.Authenticate(ctx, sess.Token); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, err := e.db.Users.Authenticate(ctx, other.Token); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("the other session lives on: %v", err)
	}
	if n := len(accountAudit(t, e, "password_changed")); n != 1 {
		t.Errorf("%d own changes audited", n)
	}
}

// testPasswordExpiry: a password older than the policy's days has
// expired, for the pages too (TouchSession), until it is changed.
func testPasswordExpiry(t *testing.T, e *env) {
	setPolicy(t, e, func(p *pingan.SecurityPolicy) { p.ExpiryDays, p.IdleMinutes = 30, 24*60 })
	u := e.fx.CountyDispatcher
	expired := func() bool {
		t.Helper()
		x, err := e.db.Security.PasswordExpiredFor(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	if expired() {
		t.Fatal("a new password has expired")
	}
	e.clock.Advance(30 * 24 * time.Hour)
	if !expired() {
		t.Fatal("a password of 30 days has not expired")
	}
	sess, err := e.db.Users.Login(ctx, u.Username, storetest.Password)
	if err != nil {
		t.Fatalf("an expired password may still sign in (to change it): %v", err)
	}
	if idle, exp, err := e.db.Users.TouchSession(ctx, sess.Token); err != nil || idle || !exp {
		t.Fatalf("TouchSession: idle %v expired %v %v", idle, exp, err)
	}
	if err := e.db.Security.ChangeOwnPassword(ctx, sess.User, sess.Token, storetest.Password, "Renewed-password-1"); err != nil {
		t.Fatal(err)
	}
	if expired() {
		t.Error("the changed password has expired")
	}
	if _, exp, _ := e.db.Users.TouchSession(ctx, sess.Token); exp {
		t.Error("the session still says expired")
	}
}

// testIdleAcrossRestart: the idle clock is in the database: a new store on
// the same database (a restarted server) ends a session idle too long, and
// keeps one in use.
func testIdleAcrossRestart(t *testing.T, e *env) {
	u := e.fx.CountyDispatcher
	sess, err := e.db.Users.Login(ctx, u.Username, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(20 * time.Minute)
	if idle, _, err := e.db.Users.TouchSession(ctx, sess.Token); err != nil || idle {
		t.Fatalf("after 20 minutes: idle %v %v", idle, err)
	}
	// The server restarts; 20 more minutes: 20 since the last use.
	again := e.open(t)
	e.clock.Advance(20 * time.Minute)
	if idle, _, err := again.Users.TouchSession(ctx, sess.Token); err != nil || idle {
		t.Fatalf("after the restart, 20 minutes since the last use: idle %v %v", idle, err)
	}
	// A use within the minute is not written; 31 minutes after the last
	// written one the session is over, after another restart too.
	e.clock.Advance(30 * time.Second)
	if idle, _, err := again.Users.TouchSession(ctx, sess.Token); err != nil || idle {
		t.Fatalf("30 seconds later: idle %v %v", idle, err)
	}
	third := e.open(t)
	e.clock.Advance(30*time.Minute + 40*time.Second)
	if idle, _, err := third.Users.TouchSession(ctx, sess.Token); err != nil || !idle {
		t.Fatalf("after 31 idle minutes and a restart: idle %v %v", idle, err)
	}
	if _, err := e.db.Users.Authenticate(ctx, sess.Token); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("the idle session lives on: %v", err)
	}
}

// testSingleSession: with one session per account, signing in ends the
// account's other sessions, audited as sessions_revoked; without, both
// live.
func testSingleSession(t *testing.T, e *env) {
	u := e.fx.CountyDispatcher
	first, err := e.db.Users.Login(ctx, u.Username, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.Login(ctx, u.Username, storetest.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.Authenticate(ctx, first.Token); err != nil {
		t.Fatalf("two sessions by default: %v", err)
	}
	setPolicy(t, e, func(p *pingan.SecurityPolicy) { p.SingleSession = true })
	third, err := e.db.Users.Login(ctx, u.Username, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.Authenticate(ctx, first.Token); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("the first session lives on: %v", err)
	}
	if _, err := e.db.Users.Authenticate(ctx, third.Token); err != nil {
		t.Errorf("the new session: %v", err)
	}
	rows := accountAudit(t, e, "sessions_revoked")
	if len(rows) != 1 || rows[0].Detail["sessions"] != float64(2) {
		t.Errorf("audit %+v", rows)
	}
}
