package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

func testUsers(t *testing.T, e *env) {
	fx := e.fx
	for _, c := range []struct {
		u     *pingan.User
		scope string
	}{
		{fx.CountyDispatcher, fx.County.Path}, // a centre sees the unit it serves
		{fx.TownshipDispatcher, fx.Township.Path},
		{fx.CityDispatcher, fx.City.Path},
		{fx.CountyHandler, fx.CountyHousing.Path}, // a department sees itself
		{fx.GridWorker, fx.Village.Path},
	} {
		if c.u.ScopePath != c.scope || c.u.ID == 0 {
			t.Errorf("%s: id %d scope %s, want %s", c.u.Username, c.u.ID, c.u.ScopePath, c.scope)
		}
	}
	u, err := e.db.Users.UserByUsername(ctx, "sz-dispatcher")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != fx.CountyDispatcher.ID || u.ScopePath != fx.County.Path || len(u.Roles) != 1 || u.Roles[0] != pingan.RoleDispatcher || u.Name != "肃州区派遣员" {
		t.Errorf("UserByUsername = %+v", u)
	}
	_, err = e.db.Users.UserByUsername(ctx, "nobody")
	wantCode(t, err, pingan.ENOTFOUND)

	err = e.db.Users.CreateUser(ctx, &pingan.User{Username: "sz-dispatcher", UnitCode: "620902", Roles: []pingan.Role{pingan.RoleViewer}}, "long enough")
	wantCode(t, err, pingan.ECONFLICT)
	err = e.db.Users.CreateUser(ctx, &pingan.User{Username: "x", UnitCode: "", Roles: []pingan.Role{"boss"}}, "short")
	pe := wantCode(t, err, pingan.EINVALID)
	for _, f := range []string{"username", "unit", "role", "password"} {
		if zh(pe, f) == "" {
			t.Errorf("fields %v lack %s", pe.Fields, f)
		}
	}
	err = e.db.Users.CreateUser(ctx, &pingan.User{Username: "new-user", UnitCode: "999999", Roles: []pingan.Role{pingan.RoleViewer}}, "long enough")
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "unit"), "未知单位 999999") {
		t.Errorf("fields %v", pe.Fields)
	}
	// Roles round-trip in order.
	multi := &pingan.User{Username: "multi", UnitCode: "620902-zz", Roles: []pingan.Role{pingan.RoleDispatcher, pingan.RoleLeader}}
	if err := e.db.Users.CreateUser(ctx, multi, "long enough"); err != nil {
		t.Fatal(err)
	}
	s, err := e.db.Users.Login(ctx, "multi", "long enough")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.User.Roles) != 2 || !s.User.Has(pingan.RoleLeader) || s.User.ScopePath != fx.County.Path {
		t.Errorf("logged in user %+v", s.User)
	}

	// The directory: a county's administration sees its county's accounts
	// only; the province sees every account.
	all, err := e.db.Users.FindUsers(ctx, fx.Admin)
	if err != nil {
		t.Fatal(err)
	}
	county, err := e.db.Users.FindUsers(ctx, fx.CountyDispatcher)
	if err != nil {
		t.Fatal(err)
	}
	if len(county) == 0 || len(county) >= len(all) {
		t.Fatalf("county directory %d of %d accounts", len(county), len(all))
	}
	seen := map[string]bool{}
	for _, u := range county {
		if !strings.HasPrefix(u.ScopePath, fx.County.Path) {
			t.Errorf("%s (%s) is outside 肃州区", u.Username, u.UnitCode)
		}
		seen[u.Username] = true
	}
	if !seen["multi"] || !seen[fx.GridWorker.Username] || seen[fx.OtherDispatcher.Username] || seen[fx.CityDispatcher.Username] {
		t.Errorf("county directory %v", seen)
	}
	_, err = e.db.Users.FindUsers(ctx, &pingan.User{Username: "nobody"})
	wantCode(t, err, pingan.EFORBIDDEN)
}

func testLoginLockout(t *testing.T, e *env) {
	bad := func() error { _, err := e.db.Users.Login(ctx, "fk-grid", "wrong password"); return err }
	var wrongMsg string
	for i := 1; i < pingan.MaxFailedLogins; i++ {
		pe := wantCode(t, bad(), pingan.EUNAUTHORIZED)
		wrongMsg = pe.Error()
	}
	// An unknown user is told exactly the same.
	_, err := e.db.Users.Login(ctx, "no-such-user", "whatever")
	if pe := wantCode(t, err, pingan.EUNAUTHORIZED); pe.Error() != wrongMsg || pe.Msg.Key != "signin.wrong" {
		t.Errorf("unknown user: %q, wrong password: %q", pe, wrongMsg)
	}
	// The fifth failure locks the account.
	pe := wantCode(t, bad(), pingan.ETOOMANY)
	unlock := storetest.Epoch.Add(pingan.LockoutDuration).In(pingan.CST)
	if msg := pe.Text(pingan.ZH); !strings.Contains(msg, unlock.Format("2006-01-02 15:04:05")) {
		t.Errorf("lock message %q does not say it unlocks at %s", msg, unlock)
	}
	if msg := pe.Text(pingan.EN); !strings.Contains(msg, unlock.Format(time.RFC3339)) {
		t.Errorf("lock message %q does not say it unlocks at %s", msg, unlock)
	}
	// Even the right password is refused while locked.
	_, err = e.db.Users.Login(ctx, "fk-grid", storetest.Password)
	wantCode(t, err, pingan.ETOOMANY)
	e.clock.Advance(pingan.LockoutDuration - time.Second)
	_, err = e.db.Users.Login(ctx, "fk-grid", storetest.Password)
	wantCode(t, err, pingan.ETOOMANY)

	e.clock.Advance(2 * time.Second)
	if _, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	// A success resets the count: four more failures do not lock.
	for i := 1; i < pingan.MaxFailedLogins; i++ {
		wantCode(t, bad(), pingan.EUNAUTHORIZED)
	}
	if _, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password); err != nil {
		t.Fatalf("after four failures: %v", err)
	}
	// Other accounts were never affected.
	if _, err := e.db.Users.Login(ctx, "sz-dispatcher", storetest.Password); err != nil {
		t.Fatal(err)
	}
}

func testSessions(t *testing.T, e *env) {
	s, err := e.db.Users.Login(ctx, "sz-dispatcher", storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Token) != 43 || !s.ExpiresAt.Equal(storetest.Epoch.Add(pingan.SessionLifetime)) {
		t.Errorf("session %q expires %v", s.Token, s.ExpiresAt)
	}
	u, err := e.db.Users.Authenticate(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != e.fx.CountyDispatcher.ID || u.ScopePath != e.fx.County.Path {
		t.Errorf("Authenticate = %+v", u)
	}
	// The token is stored hashed.
	var n int
	e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE token_hash = $1`, s.Token).Scan(&n)
	if n != 0 {
		t.Error("the token is stored in the clear")
	}
	for _, tok := range []string{"", "nonsense", s.Token + "x"} {
		_, err := e.db.Users.Authenticate(ctx, tok)
		wantCode(t, err, pingan.EUNAUTHORIZED)
	}
	s2, err := e.db.Users.Login(ctx, "sz-dispatcher", storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Users.Logout(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	_, err = e.db.Users.Authenticate(ctx, s2.Token)
	wantCode(t, err, pingan.EUNAUTHORIZED)
	if _, err := e.db.Users.Authenticate(ctx, s.Token); err != nil {
		t.Errorf("logging out one session ended another: %v", err)
	}
	e.clock.Advance(pingan.SessionLifetime - time.Second)
	if _, err := e.db.Users.Authenticate(ctx, s.Token); err != nil {
		t.Errorf("before expiry: %v", err)
	}
	e.clock.Advance(time.Second)
	_, err = e.db.Users.Authenticate(ctx, s.Token)
	wantCode(t, err, pingan.EUNAUTHORIZED)
}
