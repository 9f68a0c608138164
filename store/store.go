// Package store keeps pingan's data in SQLite (the default: one file, WAL,
// one writer connection and a pool of readers) or PostgreSQL (one pool), with
// database/sql and hand-written SQL, one file per entity. Every query is one
// text for both databases; the differences live in dialect.go and in the DDL
// of each dialect's migrations.
//
// *DB implements every service of the domain: pingan.UnitService,
// UserService, CategoryService, CaseService, StatsService, Escalator,
// AuditService and GridService. Each public method runs in one transaction;
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

// DB is the store. It is safe for concurrent use.
type DB struct {
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

	dummyOnce sync.Once
	dummy     string // a password hash for unknown users, see Login

	// The grids' spatial index and the units' known areas (territory.go).
	terr *territory

	// Prepared statements of the hot paths, by SQL text; see stmt.
	stmtMu     sync.Mutex
	stmts      map[string]*sql.Stmt // on the writer
	unready    map[string]bool      // met in a transaction, to prepare at the next beginWrite
	reads      map[string]*sql.Stmt // on the readers
	hasUnready atomic.Bool

	// What every report reads, by code; see cacheTTL.
	categories codeCache[pingan.Category]
	units      codeCache[pingan.Unit]

	group *groupWriter // writes reports that arrive together in one transaction; see group.go

	background sync.WaitGroup // work Close waits for: the key canary's first write (key.go)

	// Test hooks: when set, they run in the transaction that saves an
	// action, before and after the case row is updated (the timeline entry,
	// number seq, is inserted after both).
	beforeCaseUpdate, afterCaseUpdate func(ctx context.Context, tx *sql.Tx, c *pingan.Case, seq int) error
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
	db := &DB{dialect: dialectOf(o.DSN), dsn: o.DSN, sealer: o.Sealer, files: o.Files, clock: o.Clock, log: o.Logger, pw: o.PasswordParams,
		stmts: map[string]*sql.Stmt{}, unready: map[string]bool{}, reads: map[string]*sql.Stmt{}}
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
	if err := db.checkKey(ctx, o.NewKey); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadTerritoryAtOpen(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.grids.load"), err)
	}
	db.startGroupWriter()
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
	db.background.Wait()
	db.stmtMu.Lock()
	for _, m := range []map[string]*sql.Stmt{db.stmts, db.reads} {
		for _, s := range m {
			s.Close()
		}
	}
	db.stmts, db.reads, db.unready = nil, nil, nil
	db.stmtMu.Unlock()
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
func (db *DB) now() time.Time {
	return db.clock.Now().In(cst).Truncate(time.Millisecond)
}

// beginWrite starts a transaction on the writer, first preparing the
// statements that stmt met unprepared.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if db.hasUnready.Load() {
		db.prepareUnready(ctx)
	}
	return db.write.BeginTx(ctx, nil)
}

// stmt answers query as a statement of tx, prepared once on the writer and
// kept until Close. SQLite parses a statement's text on every run unless it
// is prepared, which costs about as much as running the small statements
// of intake; pgx keeps a statement cache per connection of its own, so on
// PostgreSQL it changes little. Use it for the statements every report
// runs, with the SQL text written at the call.
//
// A statement cannot be prepared on the writer while tx holds it (SQLite's
// writer is one connection): one met for the first time runs prepared for
// tx alone and is prepared for good at the next beginWrite.
func (db *DB) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	s, ok := db.stmts[query]
	if !ok && db.unready != nil {
		db.unready[query] = true
		db.hasUnready.Store(true)
	}
	db.stmtMu.Unlock()
	if !ok {
		return tx.PrepareContext(ctx, query)
	}
	return tx.StmtContext(ctx, s), nil
}

// prepareUnready prepares on the writer the statements that stmt met for
// the first time. A statement that fails to prepare (a table a pending
// migration adds) is left to run unprepared and tried again when met again.
func (db *DB) prepareUnready(ctx context.Context) {
	db.stmtMu.Lock()
	queries := make([]string, 0, len(db.unready))
	for q := range db.unready {
		queries = append(queries, q)
	}
	clear(db.unready)
	db.hasUnready.Store(false)
	db.stmtMu.Unlock()
	for _, q := range queries {
		s, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			db.log.Debug("store: cannot prepare a statement", "err", err)
			continue
		}
		db.stmtMu.Lock()
		if _, dup := db.stmts[q]; dup || db.stmts == nil { // prepared meanwhile, or closed
			s.Close()
		} else {
			db.stmts[q] = s
		}
		db.stmtMu.Unlock()
	}
}

// readStmt answers query prepared on the readers, for the reads of every
// request outside a transaction (a session's user).
func (db *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	s, ok := db.reads[query]
	db.stmtMu.Unlock()
	if ok {
		return s, nil
	}
	s, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if old, dup := db.reads[query]; dup {
		s.Close()
		return old, nil
	}
	if db.reads == nil { // closed
		s.Close()
		return nil, errClosed
	}
	db.reads[query] = s
	return s, nil
}

// beginRead starts a read-only transaction on a reader.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	return db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
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
