package store_test

import (
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

func TestMigrationFilesAgree(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: %s vs %s", i+1, lite[i].Name, pg[i].Name)
		}
	}
	// The seed data is one text for both.
	if lite[1].SQL != pg[1].SQL {
		t.Error("0002_categories.sql differs between the dialects")
	}
}

func testMigrationsIdempotent(t *testing.T, e *env) {
	for range 2 {
		if err := e.db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	have, want, err := e.db.SchemaVersion(ctx)
	if err != nil || have != want || want < 2 {
		t.Fatalf("SchemaVersion = %d, %d, %v", have, want, err)
	}
	// Another store opening the same database finds nothing to do.
	db2 := e.open(t)
	cats, err := db2.Categories.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != 22 {
		t.Errorf("%d categories after migrating again, want the 22 seeded once", len(cats))
	}
}

func testRefusesNewerSchema(t *testing.T, e *env) {
	if _, err := e.db.SQL().ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')`); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Options{DSN: e.dsn, Sealer: storetest.Sealer(t), AutoMigrate: true})
	if err == nil {
		db.Close()
		t.Fatal("Open accepted a schema newer than the program")
	}
	if !strings.Contains(err.Error(), "999") {
		t.Errorf("error %q does not name the version", err)
	}
}

func testImportUnits(t *testing.T, e *env) {
	fx := e.fx
	for _, c := range []struct {
		u            *pingan.Unit
		path, region string
	}{
		{fx.Province, "/620000/", "620000"},
		{fx.City, "/620000/620900/", "620900"},
		{fx.CityCentre, "/620000/620900/620900-zz/", "620900"},
		{fx.County, "/620000/620900/620902/", "620902"},
		{fx.CountyHousing, "/620000/620900/620902/620902-zjj/", "620902"},
		{fx.Township, "/620000/620900/620902/620902001000/", "620902"},
		{fx.TownshipCentre, "/620000/620900/620902/620902001000/620902001000-zz/", "620902"},
		{fx.Village, "/620000/620900/620902/620902001000/620902001001/", "620902"},
		{fx.OtherVillage, "/620000/620900/620921/620921100000/620921100001/", "620921"},
	} {
		if c.u.Path != c.path || c.u.Region != c.region {
			t.Errorf("%s: path %s region %s, want %s %s", c.u.Code, c.u.Path, c.u.Region, c.path, c.region)
		}
	}

	// Importing the same again changes nothing.
	res, err := e.db.Units.ImportUnits(ctx, storetest.FixtureUnits())
	if err != nil {
		t.Fatal(err)
	}
	if want := (pingan.ImportResult{Unchanged: len(storetest.FixtureUnits())}); res != want {
		t.Errorf("re-import: %+v, want %+v", res, want)
	}

	// A child before its parent, a rename.
	res, err = e.db.Units.ImportUnits(ctx, []*pingan.Unit{
		{Code: "620902200001", Name: "三墩村", Level: pingan.LevelVillage, ParentCode: "620902200000"},
		{Code: "620902200000", Name: "三墩镇", Level: pingan.LevelTownship, ParentCode: "620902"},
		{Code: "620902001002", Name: "南苑社区居委会", Level: pingan.LevelVillage, ParentCode: "620902001000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (pingan.ImportResult{Created: 2, Updated: 1}); res != want {
		t.Errorf("import: %+v, want %+v", res, want)
	}
	u, err := e.db.Units.FindUnit(ctx, fx.CountyDispatcher, "620902200001")
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/620000/620900/620902/620902200000/620902200001/" || u.Region != "620902" || u.Name != "三墩村" {
		t.Errorf("imported unit %+v", u)
	}
	if u, _ := e.db.Units.FindUnit(ctx, fx.CountyDispatcher, "620902001002"); u == nil || u.Name != "南苑社区居委会" {
		t.Errorf("renamed unit %+v", u)
	}
}

func testImportUnitsBadRow(t *testing.T, e *env) {
	batch := []*pingan.Unit{
		{Code: "620902300000", Name: "西峰乡", Level: pingan.LevelTownship, ParentCode: "620902"},
		{Code: "620902300001", Name: "西峰村", Level: pingan.LevelVillage, ParentCode: "620902300000"},
		{Code: "620999100000", Name: "某镇", Level: pingan.LevelTownship, ParentCode: "620999"},
	}
	_, err := e.db.Units.ImportUnits(ctx, batch)
	pe := wantCode(t, err, pingan.EINVALID)
	if msg := zh(pe, "row 3"); !strings.Contains(msg, "上级单位不存在 620999") || pe.Fields["row 3"].Key != "unit.parent.unknown" {
		t.Errorf("fields %v: want row 3 naming the missing parent", pe.Fields)
	}
	// All or nothing: the good rows were not imported either.
	_, err = e.db.Units.FindUnit(ctx, e.fx.Admin, "620902300000")
	wantCode(t, err, pingan.ENOTFOUND)

	for _, c := range []struct {
		name  string
		batch []*pingan.Unit
		row   string
		want  string
	}{
		{"bad level", []*pingan.Unit{{Code: "620902400000", Name: "x", Level: "town", ParentCode: "620902"}}, "row 1", "未知层级"},
		{"bad code", []*pingan.Unit{{Code: "62_09", Name: "x", Level: pingan.LevelVillage, ParentCode: "620902"}}, "row 1", "单位代码无效"},
		{"no name", []*pingan.Unit{{Code: "620902400000", Level: pingan.LevelTownship, ParentCode: "620902"}}, "row 1", "名称"},
		{"duplicate", []*pingan.Unit{
			{Code: "620902400000", Name: "x", Level: pingan.LevelTownship, ParentCode: "620902"},
			{Code: "620902400000", Name: "y", Level: pingan.LevelTownship, ParentCode: "620902"}}, "row 2", "重复"},
		{"cycle", []*pingan.Unit{
			{Code: "A1", Name: "x", Level: pingan.LevelDepartment, ParentCode: "A2"},
			{Code: "A2", Name: "y", Level: pingan.LevelDepartment, ParentCode: "A1"}}, "row", "循环"},
		{"level above parent", []*pingan.Unit{{Code: "620903", Name: "x", Level: pingan.LevelCounty, ParentCode: "620902001000"}}, "row 1", "层级"},
		{"centre without parent", []*pingan.Unit{{Code: "zz", Name: "x", Level: pingan.LevelCentre}}, "row 1", "上级"},
		{"move", []*pingan.Unit{{Code: "620902001001", Name: "富康社区", Level: pingan.LevelVillage, ParentCode: "620902100000"}}, "row 1", "不支持"},
	} {
		_, err := e.db.Units.ImportUnits(ctx, c.batch)
		pe := wantCode(t, err, pingan.EINVALID)
		found := false
		for k, v := range pe.Fields {
			if strings.HasPrefix(k, c.row) && strings.Contains(v.Text(pingan.ZH), c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: fields %v, want %s saying %q", c.name, pe.Fields, c.row, c.want)
		}
	}
}

func testUnitsScoped(t *testing.T, e *env) {
	fx := e.fx
	units, err := e.db.Units.FindUnits(ctx, fx.CountyDispatcher, pingan.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range units {
		codes = append(codes, u.Code)
		if !strings.HasPrefix(u.Path, fx.County.Path) {
			t.Errorf("county dispatcher sees %s", u.Code)
		}
	}
	if len(units) != 10 || units[0].Code != "620902" {
		t.Errorf("county dispatcher sees %v", codes)
	}
	for _, code := range []string{"620921", "620921100001", "620900", "620000", "620900-zz"} {
		_, err := e.db.Units.FindUnit(ctx, fx.CountyDispatcher, code)
		wantCode(t, err, pingan.ENOTFOUND)
	}
	kids, err := e.db.Units.FindUnits(ctx, fx.CountyDispatcher, pingan.UnitFilter{Parent: "620902001000", Level: pingan.LevelVillage})
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 2 || kids[0].Code != "620902001001" || kids[1].Code != "620902001002" {
		t.Errorf("children: %v", kids)
	}
	// By codes: those in the jurisdiction, by path; others left out.
	named, err := e.db.Units.FindUnits(ctx, fx.CountyDispatcher, pingan.UnitFilter{Codes: []string{"620902001002", "620921100001", "620902", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(named) != 2 || named[0].Code != "620902" || named[1].Code != "620902001002" {
		t.Errorf("by codes: %v", named)
	}
	// A department sees itself only; a grid worker their village.
	if us, _ := e.db.Units.FindUnits(ctx, fx.CountyHandler, pingan.UnitFilter{}); len(us) != 1 || us[0].Code != "620902-zjj" {
		t.Errorf("department sees %v", us)
	}
	if us, _ := e.db.Units.FindUnits(ctx, fx.GridWorker, pingan.UnitFilter{}); len(us) != 1 || us[0].Code != "620902001001" {
		t.Errorf("grid worker sees %v", us)
	}
	if us, _ := e.db.Units.FindUnits(ctx, fx.Admin, pingan.UnitFilter{Limit: 3}); len(us) != 3 {
		t.Errorf("limit 3: %d units", len(us))
	}
	_, err = e.db.Units.FindUnits(ctx, nil, pingan.UnitFilter{})
	wantCode(t, err, pingan.EUNAUTHORIZED)
	_, err = e.db.Units.FindUnits(ctx, &pingan.User{ID: 1, UnitCode: "620000"}, pingan.UnitFilter{})
	wantCode(t, err, pingan.EFORBIDDEN) // no ScopePath: sees nothing, never everything
}

func testCategories(t *testing.T, e *env) {
	cats, err := e.db.Categories.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*pingan.Category{}
	for i, c := range cats {
		by[c.Code] = c
		if i > 0 && cats[i-1].Code >= c.Code {
			t.Errorf("not ordered by code: %s before %s", cats[i-1].Code, c.Code)
		}
	}
	want := map[string]pingan.Category{
		"0102": {Code: "0102", Kind: pingan.KindDispute, Name: "邻里纠纷", Parent: "01",
			Policy: pingan.Policy{Sign: pingan.Period{N: 24, Unit: "hours"}, Resolve: pingan.Period{N: 10, Unit: "working"}}},
		"XF01": {Code: "XF01", Kind: pingan.KindPetition, Name: "城乡建设类信访",
			Policy: pingan.Policy{Sign: pingan.Period{N: 15, Unit: "calendar"}, Resolve: pingan.Period{N: 60, Unit: "calendar"}}},
	}
	for code, w := range want {
		if got := by[code]; got == nil || !reflect.DeepEqual(*got, w) {
			t.Errorf("%s = %+v, want %+v", code, got, w)
		}
	}
	for _, k := range pingan.Kinds {
		n := 0
		for _, c := range cats {
			if c.Kind == k.Kind {
				n++
			}
			if !c.Policy.Sign.Valid() || !c.Policy.Resolve.Valid() {
				t.Errorf("%s: invalid policy %+v", c.Code, c.Policy)
			}
		}
		if n == 0 {
			t.Errorf("no category of kind %s", k.Kind)
		}
	}

	c := &pingan.Category{Code: "0103", Kind: pingan.KindDispute, Name: "赡养纠纷", Parent: "01",
		Policy: pingan.Policy{Sign: pingan.Period{N: 24, Unit: "hours"}, Resolve: pingan.Period{N: 15, Unit: "working"}}}
	if err := e.db.Categories.SaveCategory(ctx, nil, c); err != nil {
		t.Fatal(err)
	}
	c.Name = "赡养扶养纠纷"
	if err := e.db.Categories.SaveCategory(ctx, nil, c); err != nil {
		t.Fatal(err)
	}
	cats, _ = e.db.Categories.Categories(ctx)
	if len(cats) != 23 {
		t.Errorf("%d categories, want 23", len(cats))
	}
	err = e.db.Categories.SaveCategory(ctx, nil, &pingan.Category{Code: "0104", Kind: pingan.KindDispute, Name: "x", Parent: "AQ01",
		Policy: pingan.Policy{Sign: pingan.Period{N: 1, Unit: "days"}, Resolve: pingan.Period{N: 0, Unit: "working"}}})
	pe := wantCode(t, err, pingan.EINVALID)
	for _, f := range []string{"policy.sign", "policy.resolve"} {
		if zh(pe, f) == "" {
			t.Errorf("fields %v lack %s", pe.Fields, f)
		}
	}
	err = e.db.Categories.SaveCategory(ctx, nil, &pingan.Category{Code: "0104", Kind: pingan.KindDispute, Name: "x", Parent: "AQ01", Policy: c.Policy})
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "parent"), "上级类别属于另一种类 hazard") {
		t.Errorf("fields %v: want parent of another kind", pe.Fields)
	}
}

// TestExplicitMigrate: without AutoMigrate, Open leaves a fresh database
// alone and Migrate brings it up to date.
func TestExplicitMigrate(t *testing.T) {
	for name, dsnFor := range map[string]func(t testing.TB) string{
		"sqlite":   func(t testing.TB) string { return t.TempDir() + "/pingan.db" },
		"postgres": storetest.PostgresDSN,
	} {
		t.Run(name, func(t *testing.T) {
			db, err := store.Open(ctx, store.Options{DSN: dsnFor(t), Sealer: storetest.Sealer(t), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			have, want, err := db.SchemaVersion(ctx)
			if err != nil || have != 0 || want == 0 {
				t.Fatalf("fresh database: version %d of %d, %v", have, want, err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if have, want, err = db.SchemaVersion(ctx); err != nil || have != want {
				t.Fatalf("after Migrate: version %d of %d, %v", have, want, err)
			}
		})
	}
}

func testBackup(t *testing.T, e *env) {
	if e.db.Dialect() == store.Postgres {
		if _, err := exec.LookPath("pg_dump"); err != nil {
			t.Skip("pg_dump not installed")
		}
	}
	c := e.report(t, e.fx.GridWorker, "", withPersons)
	to := filepath.Join(t.TempDir(), "backup", "pingan-backup.db")
	if err := e.db.Backup(ctx, to); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Backup(ctx, to); err == nil {
		t.Error("Backup overwrote a file")
	}
	if e.db.Dialect() == store.Postgres {
		if fi, err := os.Stat(to); err != nil || fi.Size() == 0 {
			t.Errorf("dump %v %v", fi, err)
		}
		return
	}
	// The copy is a working database.
	copied := storetest.OpenWith(t, store.Options{DSN: to, Clock: e.clock})
	got, err := copied.Cases.FindCase(ctx, e.fx.CountyDispatcher, c.ID)
	if err != nil || got.Reporter == nil || got.Reporter.Phone != reporter.Phone {
		t.Errorf("case in the backup: %+v %v", got, err)
	}
}
