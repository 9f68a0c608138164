// Package storetest gives tests of any package a real store: a fresh SQLite
// file (always) or a fresh PostgreSQL schema (when PINGAN_TEST_POSTGRES is
// set), a clock the test moves, and a small city with users of every role.
//
//	db := storetest.Open(t)
//	fx := storetest.Seed(t, db)
//	c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{…})
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/files"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
)

// PostgresEnv names the variable holding the URL of a PostgreSQL database
// for tests, e.g.
// PINGAN_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable
const PostgresEnv = "PINGAN_TEST_POSTGRES"

// Epoch is where test clocks start: Monday 2 March 2026, 09:00 CST, a
// working day.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)

// Clock is a pingan.Clock that tests set and advance.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock answers a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now answers the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock on by d and answers the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Key is the data key of test stores. Never use it for real data.
var Key = []byte("pingan-test-key-never-for-real!!")

// Sealer answers a sealer with Key.
func Sealer(t testing.TB) *secret.Sealer {
	s, err := secret.NewSealer(Key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Open answers a migrated store over a fresh SQLite file, on the system
// clock, closed when the test ends.
func Open(t testing.TB) *store.DB {
	return OpenWith(t, store.Options{})
}

// OpenWith is Open with options: an empty DSN is a fresh SQLite file, and
// unset Sealer and PasswordParams are the test ones (cheap hashes); unset
// Files is a fresh directory (files.Dir); an unset Logger discards.
// AutoMigrate is always on.
func OpenWith(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	if o.DSN == "" && o.Sealer == nil {
		o.DSN = FreshSQLite(t) // a copy of a migrated database sealed with Key
	} else if o.DSN == "" {
		o.DSN = filepath.Join(t.TempDir(), "pingan.db")
	} else if _, err := os.Stat(o.DSN); o.Sealer == nil && !strings.Contains(o.DSN, "://") && errors.Is(err, fs.ErrNotExist) {
		copyTemplate(t, o.DSN) // a new SQLite file, sealed with Key: the migrated copy
	}
	if o.Sealer == nil {
		o.Sealer = Sealer(t)
	}
	if o.PasswordParams == (secret.Params{}) {
		o.PasswordParams = secret.TestParams
	}
	if o.Files == nil {
		d, err := files.Open(filepath.Join(t.TempDir(), "files"))
		if err != nil {
			t.Fatal(err)
		}
		o.Files = d
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.AutoMigrate = true
	db, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", o.DSN, err)
	}
	dsns.Store(db, o.DSN)
	t.Cleanup(func() {
		dsns.Delete(db)
		db.Close()
	})
	return db
}

// OpenPostgres is OpenWith over a fresh schema of the PostgreSQL database
// named by PINGAN_TEST_POSTGRES, dropped when the test ends; the test is
// skipped when the variable is not set.
func OpenPostgres(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	o.DSN = PostgresDSN(t)
	return OpenWith(t, o)
}

// PostgresDSN creates a fresh schema in the database named by
// PINGAN_TEST_POSTGRES, drops it when the test ends, and answers a URL
// whose search_path is that schema. It skips the test when the variable is
// not set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		msg := fmt.Sprintf("PostgreSQL tests skipped: set %s to a database URL to run them, e.g. %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable", PostgresEnv, PostgresEnv)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: CI provides PostgreSQL, so these tests must run)")
		}
		t.Skip(msg)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "pingan_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: create schema: %v", err)
	}
	// Registered before the store's Close, so it runs after it.
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Password is the password of every fixture user.
const Password = "pingan-test-password"

// Fixture is a small city: province 620000 → city 620900 → counties 620902
// (肃州区) and 620921 (金塔县) → townships → villages, a centre (综治中心)
// under the city, each county and each township, departments, and users of
// every role. Users have ID and ScopePath filled, as Authenticate would.
type Fixture struct {
	Units map[string]*pingan.Unit // by code
	Users map[string]*pingan.User // by username

	Province, City, CityCentre, CityPolice *pingan.Unit
	// 肃州区 and its township 东北街街道 (two communities) and 银达镇 (one village)
	County, CountyCentre, CountyHousing  *pingan.Unit
	Township, TownshipCentre             *pingan.Unit
	Village, Village2                    *pingan.Unit
	Township2, Township2Centre, Village3 *pingan.Unit
	// 金塔县, another county: its cases are out of 肃州区's sight.
	OtherCounty, OtherCountyCentre     *pingan.Unit
	OtherTownship, OtherTownshipCentre *pingan.Unit
	OtherVillage                       *pingan.Unit

	Admin                                                 *pingan.User // at the province: sees everything
	SecAdmin, Auditor                                     *pingan.User // the security and the audit administrators, at the province
	CityDispatcher, CityLeader, Assessor                  *pingan.User
	CountyDispatcher, CountyHandler, CountyLeader, Viewer *pingan.User // CountyHandler: 住建局, a department
	TownshipDispatcher, TownshipHandler, Mediator         *pingan.User
	GridWorker                                            *pingan.User // in Village
	OtherDispatcher, OtherHandler, OtherGridWorker        *pingan.User // in 金塔县
}

// FixtureUnits are the units of the fixture, in an order ImportUnits takes.
func FixtureUnits() []*pingan.Unit {
	u := func(code, name string, level pingan.Level, parent string) *pingan.Unit {
		return &pingan.Unit{Code: code, Name: name, Level: level, ParentCode: parent}
	}
	return []*pingan.Unit{
		u("620000", "甘肃省", pingan.LevelProvince, ""),
		u("620900", "酒泉市", pingan.LevelCity, "620000"),
		u("620900-zz", "酒泉市综治中心", pingan.LevelCentre, "620900"),
		u("620900-gaj", "酒泉市公安局", pingan.LevelDepartment, "620900"),
		u("620902", "肃州区", pingan.LevelCounty, "620900"),
		u("620902-zz", "肃州区综治中心", pingan.LevelCentre, "620902"),
		u("620902-zjj", "肃州区住房和城乡建设局", pingan.LevelDepartment, "620902"),
		u("620902001000", "东北街街道", pingan.LevelTownship, "620902"),
		u("620902001000-zz", "东北街街道综治中心", pingan.LevelCentre, "620902001000"),
		u("620902001001", "富康社区", pingan.LevelVillage, "620902001000"),
		u("620902001002", "南苑社区", pingan.LevelVillage, "620902001000"),
		u("620902100000", "银达镇", pingan.LevelTownship, "620902"),
		u("620902100000-zz", "银达镇综治中心", pingan.LevelCentre, "620902100000"),
		u("620902100001", "银达村", pingan.LevelVillage, "620902100000"),
		u("620921", "金塔县", pingan.LevelCounty, "620900"),
		u("620921-zz", "金塔县综治中心", pingan.LevelCentre, "620921"),
		u("620921100000", "金塔镇", pingan.LevelTownship, "620921"),
		u("620921100000-zz", "金塔镇综治中心", pingan.LevelCentre, "620921100000"),
		u("620921100001", "金塔村", pingan.LevelVillage, "620921100000"),
	}
}

// FixturePolicy answers the security policy Seed sets: the defaults but
// two kinds of character and no expiry.
func FixturePolicy() *pingan.SecurityPolicy {
	p := pingan.DefaultSecurityPolicy()
	p.Classes, p.ExpiryDays = 2, 0
	return &p
}

// Seed imports the fixture's units and creates its users.
func Seed(t testing.TB, db *store.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Units.ImportUnits(ctx, FixtureUnits()); err != nil {
		t.Fatalf("storetest: import units: %v", err)
	}
	// The fixture's passwords are of two kinds of character and never
	// expire while tests move the clock by years; the tests of the
	// security policy set their own.
	if err := db.Security.SetSecurityPolicy(ctx, nil, FixturePolicy()); err != nil {
		t.Fatalf("storetest: security policy: %v", err)
	}
	fx := &Fixture{Units: map[string]*pingan.Unit{}, Users: map[string]*pingan.User{}}
	user := func(username, name, unit string, roles ...pingan.Role) *pingan.User {
		u := &pingan.User{Username: username, Name: name, UnitCode: unit, Roles: roles}
		if err := db.Users.CreateUser(ctx, u, Password); err != nil {
			t.Fatalf("storetest: create user %s: %v", username, err)
		}
		fx.Users[username] = u
		return u
	}
	fx.Admin = user("admin", "管理员", "620000", pingan.RoleAdmin)
	fx.SecAdmin = user("secadmin", "安全管理员", "620000", pingan.RoleSecAdmin)
	fx.Auditor = user("auditor", "审计管理员", "620000", pingan.RoleAuditor)
	units, err := db.Units.FindUnits(ctx, fx.Admin, pingan.UnitFilter{})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	for _, u := range units {
		fx.Units[u.Code] = u
	}
	un := func(code string) *pingan.Unit { return fx.Units[code] }
	fx.Province, fx.City, fx.CityCentre, fx.CityPolice = un("620000"), un("620900"), un("620900-zz"), un("620900-gaj")
	fx.County, fx.CountyCentre, fx.CountyHousing = un("620902"), un("620902-zz"), un("620902-zjj")
	fx.Township, fx.TownshipCentre = un("620902001000"), un("620902001000-zz")
	fx.Village, fx.Village2 = un("620902001001"), un("620902001002")
	fx.Township2, fx.Township2Centre, fx.Village3 = un("620902100000"), un("620902100000-zz"), un("620902100001")
	fx.OtherCounty, fx.OtherCountyCentre = un("620921"), un("620921-zz")
	fx.OtherTownship, fx.OtherTownshipCentre, fx.OtherVillage = un("620921100000"), un("620921100000-zz"), un("620921100001")

	fx.CityDispatcher = user("city-dispatcher", "市综治中心派遣员", "620900-zz", pingan.RoleDispatcher)
	fx.CityLeader = user("city-leader", "市领导", "620900", pingan.RoleLeader)
	fx.Assessor = user("assessor", "考核办", "620900", pingan.RoleAssessor)
	fx.CountyDispatcher = user("sz-dispatcher", "肃州区派遣员", "620902-zz", pingan.RoleDispatcher)
	fx.CountyHandler = user("sz-housing", "区住建局处置员", "620902-zjj", pingan.RoleHandler)
	fx.CountyLeader = user("sz-leader", "肃州区领导", "620902", pingan.RoleLeader)
	fx.Viewer = user("sz-viewer", "肃州区查看员", "620902", pingan.RoleViewer)
	fx.TownshipDispatcher = user("dbj-dispatcher", "东北街派遣员", "620902001000-zz", pingan.RoleDispatcher)
	fx.TownshipHandler = user("dbj-handler", "东北街处置员", "620902001000", pingan.RoleHandler)
	fx.Mediator = user("dbj-mediator", "东北街调解员", "620902001000", pingan.RoleMediator)
	fx.GridWorker = user("fk-grid", "富康社区网格员", "620902001001", pingan.RoleGridWorker)
	fx.OtherDispatcher = user("jt-dispatcher", "金塔县派遣员", "620921-zz", pingan.RoleDispatcher)
	fx.OtherHandler = user("jt-handler", "金塔镇处置员", "620921100000", pingan.RoleHandler)
	fx.OtherGridWorker = user("jt-grid", "金塔村网格员", "620921100001", pingan.RoleGridWorker)
	return fx
}

// PNG answers a real PNG image that differs by text: a photo as the file
// checks see it (pingan.CheckPhotos decodes it), distinct for each text.
func PNG(text string) []byte {
	return pngOf(text)
}

// AttachPhoto attaches a photo with data to the case as a comment of
// actor's and answers its reference ("sha256:…").
func AttachPhoto(t testing.TB, db pingan.CaseService, actor *pingan.User, caseID string, data []byte) string {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Act(ctx, actor, caseID, pingan.ActionInput{Action: pingan.ActComment, Note: "照片",
		Photos: []pingan.Upload{{Name: "photo.png", Data: data}}}); err != nil {
		t.Fatalf("storetest: attach a photo: %v", err)
	}
	acts, err := db.Timeline(ctx, actor, caseID)
	if err != nil {
		t.Fatal(err)
	}
	last := acts[len(acts)-1]
	if len(last.Attachments) == 0 {
		t.Fatal("storetest: the comment carries no attachment")
	}
	return last.Attachments[len(last.Attachments)-1]
}
