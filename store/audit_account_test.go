package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/store/storetest"
)

// auditRowsOf answers the rows of action, oldest first.
func auditRowsOf(t *testing.T, e *env, action string) []*pingan.AuditRecord {
	t.Helper()
	var out []*pingan.AuditRecord
	rows, total, err := e.db.Audit.SearchAudit(ctx, e.fx.Auditor, pingan.AuditFilter{Action: action,
		From: storetest.Epoch.AddDate(0, 0, -1), To: e.clock.Now().AddDate(0, 0, 1), PerPage: 500})
	if err != nil || total != len(rows) {
		t.Fatalf("%s: %d of %d rows (%v)", action, len(rows), total, err)
	}
	for i := len(rows) - 1; i >= 0; i-- {
		out = append(out, rows[i])
	}
	return out
}

// testAuditAccountsAndImports: an account opened at the command line or by
// an administrator is a user_create row under who opened it, with the
// account's name, roles and unit and never its password; an administrator
// opens accounts only in their jurisdiction and without an administrator's
// role. An import of units, grids or units' areas from a file is a
// unit_import, grid_import or area_import row with the file's name and
// counts; the fixtures' imports, which name no file, write none.
func testAuditAccountsAndImports(t *testing.T, e *env) {
	fx := e.fx
	const password = "Qz8-county-admin"
	before := len(auditRowsOf(t, e, "user_create"))
	countyAdmin := &pingan.User{Username: "sz-admin", Name: "肃州区管理员", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleAdmin}}
	if err := e.db.Users.CreateUser(ctx, countyAdmin, password); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.db.Users.AddUser(ctx, fx.CountyDispatcher, &pingan.User{Username: "sz-x", Name: "x", UnitCode: fx.Village.Code,
		Roles: []pingan.Role{pingan.RoleViewer}}, password), pingan.EFORBIDDEN)
	pe := wantCode(t, e.db.Users.AddUser(ctx, countyAdmin, &pingan.User{Username: "sz-x", Name: "x", UnitCode: fx.Village.Code,
		Roles: []pingan.Role{pingan.RoleAuditor}}, password), pingan.EINVALID)
	if pe.Fields["role"].Key != "roles.admin.grant" {
		t.Errorf("an administrator's role: %+v", pe.Fields)
	}
	pe = wantCode(t, e.db.Users.AddUser(ctx, countyAdmin, &pingan.User{Username: "jt-x", Name: "x", UnitCode: fx.OtherVillage.Code,
		Roles: []pingan.Role{pingan.RoleViewer}}, password), pingan.EINVALID)
	if pe.Fields["unit"].Key != "admin.unit.outside" {
		t.Errorf("another county's unit: %+v", pe.Fields)
	}
	worker := &pingan.User{Username: "sz-worker", Name: "新网格员", UnitCode: fx.Village.Code, Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := e.db.Users.AddUser(ctx, countyAdmin, worker, password); err != nil || worker.ID == 0 || worker.ScopePath != fx.Village.Path {
		t.Fatalf("an account in the jurisdiction: %+v %v", worker, err)
	}
	rows := auditRowsOf(t, e, "user_create")[before:]
	if len(rows) != 2 {
		t.Fatalf("%d user_create rows, want 2: %+v", len(rows), rows)
	}
	for i, want := range []struct {
		by, unit, username, roles, newUnit string
	}{
		{"命令行 (command line)", "", "sz-admin", "admin", fx.County.Code},
		{countyAdmin.Name, fx.County.Code, "sz-worker", "grid_worker", fx.Village.Code},
	} {
		r := rows[i]
		var d struct{ Username, Roles, Unit string }
		if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
			t.Fatal(err)
		}
		if r.User != want.by || r.Unit != want.unit || d.Username != want.username || d.Roles != want.roles || d.Unit != want.newUnit ||
			r.Result != pingan.AuditOK || strings.Contains(r.Detail, password) {
			t.Errorf("row %d: %+v, want %+v", i, r, want)
		}
	}

	units := []*pingan.Unit{{Code: "620902001009", Name: "新建社区", Level: pingan.LevelVillage, ParentCode: fx.Township.Code},
		{Code: fx.Village.Code, Name: "富康社区（更名）", Level: pingan.LevelVillage, ParentCode: fx.Township.Code}}
	if _, err := e.db.Units.ImportUnits(ctx, units[:1]); err != nil {
		t.Fatal(err)
	}
	if n := len(auditRowsOf(t, e, "unit_import")); n != 0 {
		t.Errorf("an import that names no file wrote %d rows", n)
	}
	units[0].Name = "新建社区（二）"
	res, err := e.db.Units.ImportUnitsFile(ctx, nil, "units-2026.csv", units, nil)
	if err != nil || res.Updated != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	storetest.SeedGrids(t, e.db, fx)
	grids := storetest.FixtureGrids(fx)
	if _, err := e.db.Grids.ImportGridsFile(ctx, fx.Admin, "grids.geojson", grids); err != nil {
		t.Fatal(err)
	}
	areas := []geo.UnitArea{{Code: fx.Township2.Code, Geometry: storetest.Rect(98.58, 39.78, 98.70, 39.90)}}
	if _, err := e.db.Units.ImportUnitAreasFile(ctx, nil, "areas.geojson", areas); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ action, by, detail string }{
		{"area_import", "命令行 (command line)", `{"file":"areas.geojson","rows":1,"created":1,"updated":0,"unchanged":0}`},
		{"unit_import", "命令行 (command line)", `{"file":"units-2026.csv","rows":2,"created":0,"updated":2,"unchanged":0}`},
		{"grid_import", fx.Admin.Name, `{"file":"grids.geojson","rows":` + itoa(int64(len(grids))) + `,"created":0,"updated":0,"unchanged":` + itoa(int64(len(grids))) + `}`},
	} {
		rows := auditRowsOf(t, e, want.action)
		if len(rows) != 1 || rows[0].User != want.by || rows[0].Detail != want.detail {
			t.Errorf("%s: %+v, want by %s %s", want.action, rows, want.by, want.detail)
		}
	}
}
