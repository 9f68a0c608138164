package store_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Tests of what the command line's account commands (pingan user list,
// edit) need of the store. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"SearchUsersOperator", testSearchUsersOperator},
		{"UpdateUserGrids", testUpdateUserGrids},
	}...)
}

// The operator at the command line (no actor) finds every account, and
// Roster names their units and grids.
func testSearchUsersOperator(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	all, total, err := e.db.Users.SearchUsers(ctx, nil, pingan.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if total != want || len(all) != want {
		t.Errorf("%d accounts (total %d), want %d", len(all), total, want)
	}
	got, _, err := e.db.Users.SearchUsers(ctx, nil, pingan.UserFilter{Unit: e.fx.OtherVillage.Code, Role: pingan.RoleGridWorker})
	if err != nil {
		t.Fatal(err)
	}
	if names := usernames(got); !reflect.DeepEqual(names, []string{e.fx.OtherGridWorker.Username}) {
		t.Errorf("grid workers of %s: %v", e.fx.OtherVillage.Code, names)
	}
	units, grids, err := e.db.Users.Roster(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	if units[e.fx.Village.Code] != e.fx.Village.Name {
		t.Errorf("unit names %v", units)
	}
	if g := grids[e.fx.GridWorker.ID]; !reflect.DeepEqual(g, []string{"620902001001-01"}) {
		t.Errorf("grids of the grid worker: %v", g)
	}
}

// UpdateUserGrids sets the grids a grid worker works in with the rest of
// the account, refuses grids that do not exist or lie outside the unit,
// and audits the change once.
func testUpdateUserGrids(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	gridsOf := func() map[string]string {
		t.Helper()
		rows, err := e.db.SQL().QueryContext(ctx, `SELECT grid_code, position FROM grid_workers WHERE user_id = $1`, e.fx.GridWorker.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var code, pos string
			if err := rows.Scan(&code, &pos); err != nil {
				t.Fatal(err)
			}
			out[code] = pos
		}
		return out
	}
	if _, err := e.db.SQL().ExecContext(ctx, `UPDATE grid_workers SET position = 'leader' WHERE user_id = $1`, e.fx.GridWorker.ID); err != nil {
		t.Fatal(err)
	}
	load := func() *pingan.User {
		t.Helper()
		u, err := e.db.Users.UserByUsername(ctx, e.fx.GridWorker.Username)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	u := load()
	if err := e.db.Users.UpdateUserGrids(ctx, nil, u, []string{"620902001001-01", "620902001001-02"}); err != nil {
		t.Fatal(err)
	}
	if g := gridsOf(); !reflect.DeepEqual(g, map[string]string{"620902001001-01": "leader", "620902001001-02": "member"}) {
		t.Errorf("grids %v", g)
	}
	rows := accountAudit(t, e, "user_updated")
	if len(rows) != 1 || rows[0].Detail["username"] != e.fx.GridWorker.Username || rows[0].User != "命令行 (command line)" {
		t.Errorf("audit %+v", rows)
	}
	for _, c := range []struct {
		grids []string
		key   string
	}{
		{[]string{"620921100001-01"}, "grid.worker.outside"}, // another county's
		{[]string{"620902001002-01"}, "grid.worker.outside"}, // another community's
		{[]string{"no-such-grid"}, "grid.notfound"},
	} {
		err := e.db.Users.UpdateUserGrids(ctx, nil, load(), c.grids)
		var pe *pingan.Error
		if pingan.ErrorCode(err) != pingan.EINVALID || !errors.As(err, &pe) || pe.Fields["grid"].Key != c.key {
			t.Errorf("grids %v: %v", c.grids, err)
		}
	}
	// Grids for an account without the grid worker's role, and the name
	// changed with them: neither is written.
	u = load()
	u.Name, u.Roles = "改了", []pingan.Role{pingan.RoleMediator}
	if err := e.db.Users.UpdateUserGrids(ctx, nil, u, []string{"620902001001-02"}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("grids of a mediator: %v", err)
	}
	if got := load(); got.Name == "改了" || !got.Has(pingan.RoleGridWorker) {
		t.Errorf("half written: %+v", got)
	}
	// nil leaves the grids; empty takes the account out of every grid.
	u = load()
	u.Name = "新名字"
	if err := e.db.Users.UpdateUserGrids(ctx, nil, u, nil); err != nil {
		t.Fatal(err)
	}
	if g := gridsOf(); len(g) != 2 {
		t.Errorf("grids nil changed the grids: %v", g)
	}
	if err := e.db.Users.UpdateUserGrids(ctx, nil, load(), []string{}); err != nil {
		t.Fatal(err)
	}
	if g := gridsOf(); len(g) != 0 {
		t.Errorf("grids after leaving every grid: %v", g)
	}
	if n := len(accountAudit(t, e, "user_updated")); n != 3 {
		t.Errorf("%d updates audited, want 3", n)
	}
	// The same again changes nothing and is not audited.
	if err := e.db.Users.UpdateUserGrids(ctx, nil, load(), []string{}); err != nil {
		t.Fatal(err)
	}
	if n := len(accountAudit(t, e, "user_updated")); n != 3 {
		t.Errorf("%d updates audited, want 3", n)
	}
}
