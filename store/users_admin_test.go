package store_test

import (
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Tests of account administration (账号管理): finding accounts, editing
// them and setting their passwords, inside the administrator's
// jurisdiction only. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"SearchUsers", testSearchUsers},
		{"UpdateUser", testUpdateUser},
		{"SetPassword", testSetPassword},
	}...)
}

// countyAdmin adds an administrator of 肃州区.
func countyAdmin(t *testing.T, e *env) *pingan.User {
	t.Helper()
	return e.addUser(t, "sz-admin", e.fx.County.Code, pingan.RoleAdmin)
}

func usernames(us []*pingan.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Username)
	}
	return out
}

func testSearchUsers(t *testing.T, e *env) {
	admin := countyAdmin(t, e)
	all, total, err := e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) || total == 0 {
		t.Fatalf("total %d, %d listed", total, len(all))
	}
	for _, u := range all {
		if u.Username == "jt-grid" || u.Username == "admin" {
			t.Errorf("a county administrator finds %s, outside the county", u.Username)
		}
	}
	// By a part of the name, whatever its case, and of the username.
	got, _, err := e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Query: "网格员"})
	if err != nil || len(got) != 1 || got[0].Username != "fk-grid" {
		t.Errorf("by name: %v, %v", usernames(got), err)
	}
	got, _, _ = e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Query: "SZ-LEAD"})
	if len(got) != 1 || got[0].Username != "sz-leader" {
		t.Errorf("by username: %v", usernames(got))
	}
	// By role: grid_worker's underscore is no wildcard.
	got, _, _ = e.db.Users.SearchUsers(ctx, e.fx.Admin, pingan.UserFilter{Role: pingan.RoleGridWorker})
	if len(got) != 2 {
		t.Errorf("grid workers: %v", usernames(got))
	}
	// By unit: the unit and the units under it.
	got, _, _ = e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Unit: e.fx.Township.Code})
	for _, u := range got {
		if !strings.HasPrefix(e.fx.Units[u.UnitCode].Path, e.fx.Township.Path) {
			t.Errorf("unit %s: %s of %s", e.fx.Township.Code, u.Username, u.UnitCode)
		}
	}
	if len(got) == 0 {
		t.Error("none in the township")
	}
	_, _, err = e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Unit: e.fx.OtherCounty.Code})
	wantField(t, err, "unit")
	_, _, err = e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Role: "boss"})
	wantField(t, err, "role")
	// Paged.
	page, total2, _ := e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Offset: 2, Limit: 2})
	if total2 != total || len(page) != 2 || page[0].Username != all[2].Username {
		t.Errorf("page 2: %v of %d", usernames(page), total2)
	}
	// Disabled accounts say so.
	if err := e.db.Users.DisableUser(ctx, admin, "fk-grid"); err != nil {
		t.Fatal(err)
	}
	got, _, _ = e.db.Users.SearchUsers(ctx, admin, pingan.UserFilter{Query: "fk-grid"})
	if len(got) != 1 || !got[0].Disabled {
		t.Errorf("disabled account listed as %+v", got)
	}
}

func testUpdateUser(t *testing.T, e *env) {
	admin := countyAdmin(t, e)
	// Outside the jurisdiction: as if there were no such account.
	err := e.db.Users.UpdateUser(ctx, admin, &pingan.User{Username: "jt-grid", Name: "x", UnitCode: e.fx.County.Code, Roles: []pingan.Role{pingan.RoleViewer}})
	wantCode(t, err, pingan.ENOTFOUND)
	err = e.db.Users.UpdateUser(ctx, e.fx.CountyDispatcher, &pingan.User{Username: "fk-grid", Name: "x", UnitCode: e.fx.County.Code, Roles: []pingan.Role{pingan.RoleViewer}})
	wantCode(t, err, pingan.EFORBIDDEN)
	// Into a unit outside the jurisdiction: the unit is named.
	err = e.db.Users.UpdateUser(ctx, admin, &pingan.User{Username: "fk-grid", Name: "x", UnitCode: e.fx.OtherVillage.Code, Roles: []pingan.Role{pingan.RoleGridWorker}})
	wantField(t, err, "unit")
	err = e.db.Users.UpdateUser(ctx, admin, &pingan.User{Username: "fk-grid", Name: " ", UnitCode: e.fx.Village.Code, Roles: []pingan.Role{"boss"}})
	wantField(t, err, "name")
	wantField(t, err, "role")
	// The roles are the security administrator's: neither one's own nor
	// another's change (三权分立).
	err = e.db.Users.UpdateUser(ctx, admin, &pingan.User{Username: "sz-admin", Name: "x", UnitCode: e.fx.County.Code, Roles: []pingan.Role{pingan.RoleViewer}})
	wantField(t, err, "role")
	err = e.db.Users.UpdateUser(ctx, admin, &pingan.User{Username: "fk-grid", Name: "x", UnitCode: e.fx.Village.Code, Roles: []pingan.Role{pingan.RoleGridWorker, pingan.RoleMediator}})
	wantField(t, err, "role")
	if n := len(accountAudit(t, e, "user_updated")); n != 0 {
		t.Errorf("%d updates audited after refusals", n)
	}

	u := &pingan.User{Username: "fk-grid", Name: "薛霞", UnitCode: e.fx.Village2.Code, Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := e.db.Users.UpdateUser(ctx, admin, u); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Users.UserByUsername(ctx, "fk-grid")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "薛霞" || got.UnitCode != e.fx.Village2.Code || !got.Has(pingan.RoleGridWorker) || got.ScopePath != e.fx.Village2.Path {
		t.Errorf("after update: %+v", got)
	}
	rows := accountAudit(t, e, "user_updated")
	if len(rows) != 1 || rows[0].User != "sz-admin" || rows[0].Detail["username"] != "fk-grid" {
		t.Errorf("audit %+v", rows)
	}
	// The same again changes nothing and is not audited.
	if err := e.db.Users.UpdateUser(ctx, admin, u); err != nil {
		t.Fatal(err)
	}
	if n := len(accountAudit(t, e, "user_updated")); n != 1 {
		t.Errorf("%d updates audited, want 1", n)
	}
}

func testSetPassword(t *testing.T, e *env) {
	admin := countyAdmin(t, e)
	const fresh = "Qingshui-Lu-42"
	if _, err := e.db.Users.SetPassword(ctx, admin, "jt-grid", fresh); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("outside the jurisdiction: %v", err)
	}
	if _, err := e.db.Users.SetPassword(ctx, e.fx.CountyLeader, "fk-grid", fresh); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a leader: %v", err)
	}
	_, err := e.db.Users.SetPassword(ctx, admin, "fk-grid", "short")
	wantField(t, err, "password")
	if _, err := e.db.Users.Login(ctx, "jt-grid", fresh); err == nil {
		t.Error("a refused reset took effect")
	}
	s1, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.db.Users.SetPassword(ctx, admin, "fk-grid", fresh)
	if err != nil || n != 1 {
		t.Fatalf("SetPassword = %d, %v", n, err)
	}
	if _, err := e.db.Users.Authenticate(ctx, s1.Token); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("a session outlived the reset: %v", err)
	}
	if _, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password); err == nil {
		t.Error("the old password still signs in")
	}
	if _, err := e.db.Users.Login(ctx, "fk-grid", fresh); err != nil {
		t.Errorf("the new password: %v", err)
	}
	rows := accountAudit(t, e, "password_set")
	if len(rows) != 1 || rows[0].User != "sz-admin" || rows[0].Detail["username"] != "fk-grid" || rows[0].Detail["sessions"] != float64(1) {
		t.Errorf("audit %+v", rows)
	}
}
