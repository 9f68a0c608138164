// Package store keeps pingan's data in SQLite (the default: one file, WAL,
// one writer connection and a pool of readers) or PostgreSQL (one pool), with
// database/sql and hand-written SQL, one file per entity. Every query is one
// text for both databases; the differences live in dialect.go and in the DDL
// of each dialect's migrations.
//
// *DB holds one handle on the database (connections, prepared statements,
// group writer, caches, the territory and the calendar) and one type per
// service of the domain over it, as its fields: db.Units
// (pingan.UnitService), db.Users, db.Categories, db.Cases (CaseService,
// Escalator and FileService), db.Stats, db.Grids, db.Calendar, db.Audit,
// db.Public, db.Notifications, db.Settings, db.Campaigns and
// db.Mediation (MediationService). Each public method runs in one transaction;
// jurisdiction is enforced in the queries, so a case or unit outside the
// actor's subtree answers ENOTFOUND exactly like one that does not exist.
// The grids' polygons are also held in memory, in a spatial index that
// places every new case with a position (territory.go, placement.go).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/secret"
)

var cst = pingan.CST

// Options configure Open.
type Options struct {
	// DSN is the path of a SQLite file, or a postgres:// or postgresql://
	// URL. A SQLite file and its directory are created when missing.
	DSN string
	// Sealer encrypts personal data at rest with the data key. Open refuses
	// (*KeyError) a key other than the one the database's personal data is
	// sealed with (key.go).
	Sealer pingan.Sealer
	// NewKey makes a sealer with a new key when Sealer is nil; Open asks it
	// only when the database holds nothing sealed yet, and refuses to open
	// a database that does (*KeyError, Missing). One of the two is required.
	NewKey func() (pingan.Sealer, error)
	// Files keeps the content of photos (sealed by the store); a report or
	// action with photos fails without it.
	Files pingan.FileStore
	// Calendar is the shipped holiday calendar, calendar.Official() when
	// nil; the years entered at run time are laid over it (calendar.go).
	Calendar *calendar.Calendar
	// Clock tells the time; pingan.SystemClock when nil.
	Clock pingan.Clock
	// Logger; slog.Default() when nil.
	Logger *slog.Logger
	// AutoMigrate applies pending migrations in Open.
	AutoMigrate bool
	// PasswordParams are the argon2id costs of new password hashes;
	// secret.DefaultParams when zero. Tests use secret.TestParams.
	PasswordParams secret.Params
	// GridRefresh is how often the store asks the database whether another
	// server changed the grids (territory.go); DefaultGridRefresh (5 s) when
	// 0, never when negative (one server alone on its database).
	GridRefresh time.Duration
}

// DB is the store: one handle on the database, shared by one type per
// service of the domain. It is safe for concurrent use.
//
// The services are its fields; cmd/pingan hands each to what needs it
// (api.Config{Cases: db.Cases, …}). What runs the database itself —
// Migrate, Backup, Close, the moves of photos, the key checks, BulkExec —
// stays on DB: the operator's work, not a service of the domain.
type DB struct {
	*handle

	Units      *Units      // pingan.UnitService
	Users      *Users      // pingan.UserService
	Categories *Categories // pingan.CategoryService
	Cases      *Cases      // pingan.CaseService, pingan.Escalator, pingan.FileService
	Stats      *Stats      // pingan.StatsService
	Grids      *Grids      // pingan.GridService
	Calendar   *Calendar   // pingan.CalendarService, calendar.Source
	Audit      *Audit      // pingan.AuditService
	Public     *Public     // pingan.PublicService

	Notifications *Notifications // pingan.NotificationService, pingan.Outbox, pingan.Notifier
	Settings      *Settings      // pingan.SettingsService
	Security      *Security      // pingan.SecurityService: the password rules and sessions (security.go)
	Campaigns     *Campaigns     // pingan.CampaignService
	Mediation     *Mediation     // pingan.MediationService
	Receptions    *Receptions    // pingan.ReceptionService
	Petitions     *Petitions     // pingan.PetitionService
	Schemes       *Schemes       // pingan.SchemeService
	Assess        *Assess        // pingan.AssessService

	Monthly *MonthlyReports // pingan.MonthlyReportService: the 平安报表 kept
	Tasks   *Tasks          // pingan.TaskService: supervised work tasks (督办事项)
	Risks   *Risks          // pingan.RiskService: the risk ledger (风险台账)

	Stability *Stability // pingan.StabilityService: 稳评 (social stability risk assessment)
	Warnings  *Warnings  // pingan.WarningService, pingan.WarningEngine: 预警
	Briefings *Briefings // pingan.BriefingService: the weekly 研判
	Sites     *Sites     // pingan.SiteService: the register of key sites (重点场所) and inspections
	Patrols   *Patrols   // pingan.PatrolService: patrols of the grids (网格巡查)
	Monitor   *Monitor   // pingan.MonitorService, pingan.MonitorWatch: sensors, readings, alarms (监测)
	APIKeys   *APIKeys   // pingan.APIKeyService: keys of machine clients (接口密钥)
	Open311   *Open311   // pingan.Open311Service: Open311 GeoReport v2
	Webhooks  *Webhooks  // pingan.WebhookService, pingan.WebhookOutbox: 事件推送

	CaseImports *CaseImports // pingan.CaseImportService: cases transferred in a file (导入事件)
}

// handle is what every service shares: the connections and the dialect,
// the clock, the logger, the sealer and the file store, the prepared
// statements, the group writer, the caches of categories and units, the
// territory and the calendar. The helpers that several services call (a
// case loaded in a jurisdiction, intake, the audit rows, the photos, the
// cached lookups) are its methods; a helper of one service alone is
// mostly a method of that service (sign-in's of Users, login.go).
type handle struct {
	dialect Dialect
	dsn     string
	write   *sql.DB // SQLite: one connection; PostgreSQL: the pool
	read    *sql.DB // SQLite: query-only readers; PostgreSQL: == write
	sealer  pingan.Sealer
	files   pingan.FileStore
	cals    *calendarHolder
	clock   pingan.Clock
	log     *slog.Logger
	pw      secret.Params
	// similarScan, when set, replaces the window of petitions Similar
	// compares titles with (petition.go; tests).
	similarScan int

	// The grids' spatial index and the units' known areas (territory.go).
	terr *territory

	// Prepared statements of the hot paths, by SQL text (stmt.go).
	stmts *stmtCache

	// What every report reads, by code; see cacheTTL.
	categories codeCache[pingan.Category]
	units      codeCache[pingan.Unit]

	// tallying: the schema has the counters of the statistics (tally.go).
	tallying atomic.Bool
	// gauging: the schema has the open-now gauges (gauge.go).
	gauging atomic.Bool
	// journaling: the schema has the journal of the counters, which the
	// folder moves into them (journal.go).
	journaling atomic.Bool
	// orgTyped: the schema has the kinds of mediation organisation of
	// units and categories (migration 0023, orgTypeVersion).
	orgTyped atomic.Bool
	folder   *folder

	group *groupWriter // writes reports that arrive together in one transaction; see group.go

	notices noticeChannels // the channels notices go out on (notification.go)
	hooks   webhookCache   // the active webhooks (webhook.go)

	background sync.WaitGroup // work Close waits for: the key canary's first write (key.go)

	// Test hooks: when set, they run in the transaction that saves an
	// action, before and after the case row is updated (the timeline entry,
	// number seq, is inserted after both).
	beforeCaseUpdate, afterCaseUpdate func(ctx context.Context, tx *sql.Tx, c *pingan.Case, seq int) error
}

// newDB answers the store over h, with its services.
func newDB(h *handle) *DB {
	return &DB{handle: h,
		Units: &Units{h}, Users: &Users{handle: h}, Categories: &Categories{h}, Cases: &Cases{h}, Stats: &Stats{h},
		Grids: &Grids{h}, Calendar: &Calendar{h}, Audit: &Audit{h}, Public: &Public{h},
		Receptions:    &Receptions{handle: h, PetitionSettings: (&Petitions{h}).Settings}, // the 积案 thresholds: the petitions' rules
		Notifications: &Notifications{h}, Settings: &Settings{h}, Security: &Security{h}, Campaigns: &Campaigns{h}, Mediation: &Mediation{h},
		Petitions: &Petitions{h}, Schemes: &Schemes{h}, Assess: &Assess{h},
		Monthly: &MonthlyReports{h}, Tasks: &Tasks{h}, Risks: &Risks{h}, Stability: &Stability{h}, Warnings: &Warnings{h},
		Monitor: &Monitor{h}, APIKeys: &APIKeys{h}, Webhooks: &Webhooks{h},
		Patrols:   &Patrols{handle: h},
		Briefings: &Briefings{h}, Sites: &Sites{h},
		Open311:     &Open311{handle: h},
		CaseImports: &CaseImports{h}}
}

// Open connects to the database of o.DSN. It refuses a schema newer than
// this program knows; an older one must be brought up to date with Migrate
// (or AutoMigrate) before use.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.DSN == "" {
		return nil, errors.New("store: " + pingan.Text(pingan.ZH, "store.dsn.none"))
	}
	if o.Sealer == nil && o.NewKey == nil {
		return nil, errors.New("store: " + pingan.Text(pingan.ZH, "store.sealer.none"))
	}
	db := newDB(&handle{dialect: dialectOf(o.DSN), dsn: o.DSN, sealer: o.Sealer, files: o.Files, clock: o.Clock, log: o.Logger, pw: o.PasswordParams})
	db.terr = newTerritory(o.GridRefresh)
	if o.Calendar == nil {
		o.Calendar = calendar.Official()
	}
	db.cals = newCalendarHolder(o.Calendar, o.GridRefresh)
	if db.clock == nil {
		db.clock = pingan.SystemClock
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	if db.pw == (secret.Params{}) {
		db.pw = secret.DefaultParams
	}
	var err error
	switch db.dialect {
	case SQLite:
		err = db.openSQLite(ctx, o.DSN)
	case Postgres:
		err = db.openPostgres(ctx, o.DSN)
	}
	if err != nil {
		return nil, err
	}
	db.stmts = newStmtCache(db.write, db.read, db.log)
	if db.dialect == SQLite {
		db.stmts.sql = anonymous
	}
	have, want, err := db.SchemaVersion(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if have > want {
		db.Close()
		return nil, errors.New("store: " + pingan.Text(pingan.ZH, "store.schema.newer", have, want))
	}
	if o.AutoMigrate && have < want {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	if have, _, err = db.SchemaVersion(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.tallying.Store(have >= tallyVersion)
	db.gauging.Store(have >= gaugeVersion)
	db.journaling.Store(have >= journalVersion)
	db.orgTyped.Store(have >= orgTypeVersion)
	db.hooks.ready.Store(have >= webhookVersion)
	if err := db.checkKey(ctx, o.NewKey); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadTerritoryAtOpen(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.grids.load"), err)
	}
	db.startGroupWriter()
	db.startFolder()
	return db, nil
}

func (db *DB) openSQLite(ctx context.Context, path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.db.mkdir", dir), err)
		}
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, sqliteWriter))
	if err != nil {
		return err
	}
	w.SetMaxOpenConns(1) // the one writer
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil { // creates the file, switches to WAL
		w.Close()
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.db.open", path), err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, sqliteReader))
	if err != nil {
		w.Close()
		return err
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	db.write, db.read = w, r
	return nil
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("store: %s %s: %w", pingan.Text(pingan.ZH, "store.dsn.bad"), redactDSN(dsn), err)
	}
	p.SetMaxOpenConns(max(10, 4*runtime.NumCPU()))
	p.SetMaxIdleConns(max(10, 4*runtime.NumCPU()))
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.db.connect", redactDSN(dsn)), err)
	}
	db.write, db.read = p, p
	return nil
}

// Close lets the group writer and the background work finish, and closes
// the prepared statements and the connections.
func (db *DB) Close() error {
	db.stopGroupWriter()
	db.stopFolder()
	db.background.Wait()
	db.stmts.close()
	err := db.write.Close()
	if db.read != db.write {
		if rerr := db.read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Dialect answers which database is behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// now is the clock's time to the millisecond, the precision of the store.
func (h *handle) now() time.Time {
	return h.clock.Now().In(cst).Truncate(time.Millisecond)
}

// beginWrite starts a transaction on the writer, first preparing the
// statements that stmt met unprepared (stmt.go).
func (h *handle) beginWrite(ctx context.Context) (*sql.Tx, error) {
	h.stmts.prepareUnready(ctx)
	return h.write.BeginTx(ctx, nil)
}

// beginRead starts a read-only transaction on a reader.
func (h *handle) beginRead(ctx context.Context) (*sql.Tx, error) {
	return h.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// errCaseNotFound is the answer for a case that does not exist or lies
// outside the actor's jurisdiction: the two are indistinguishable.
func errCaseNotFound(id string) error {
	return pingan.E(pingan.ENOTFOUND, "case.notfound", id)
}

// errUnitNotFound is errCaseNotFound for units.
func errUnitNotFound(code string) error {
	return pingan.E(pingan.ENOTFOUND, "unit.notfound", code)
}

// errNoActor answers a call that needs a signed-in user without one.
func errNoActor() error {
	return pingan.E(pingan.EUNAUTHORIZED, "signin.required")
}
