package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Migrations are embedded SQL files, one directory per dialect, named
// NNNN_name.sql and applied in order, each in its own transaction, recorded
// in schema_migrations. A migration, once released, is never edited: a
// change is a new file in both directories.
//
//go:embed migrations
var migrationFiles embed.FS

// MigrationsDigest answers a digest of every embedded migration of both
// dialects: two builds with the same digest make the same schema (the
// tests keep a migrated database by it, storetest.FreshSQLite).
func MigrationsDigest() string {
	h := sha256.New()
	fs.WalkDir(migrationFiles, "migrations", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrationFiles, p)
		fmt.Fprintf(h, "%s %d\n", p, len(b))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))
}

type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrations answers the migrations of dialect d in order.
func migrations(d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: bad migration file name %s", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations of %s are not numbered 1, 2, 3 …: %04d_%s", d, m.Version, m.Name)
		}
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// SchemaVersion answers the version of the database's schema and the
// latest version this program knows.
func (db *DB) SchemaVersion(ctx context.Context) (have, want int, err error) {
	ms, err := migrations(db.dialect)
	if err != nil {
		return 0, 0, err
	}
	want = len(ms)
	var n int
	if err := db.write.QueryRowContext(ctx, db.dialect.tableExists(), "schema_migrations").Scan(&n); err != nil {
		return 0, want, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.schema.read"), err)
	}
	if n == 0 {
		return 0, want, nil
	}
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return 0, want, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.schema.read"), err)
	}
	return have, want, nil
}

// Migrate applies the migrations the database lacks, each in its own
// transaction. It is safe to call again, and from several servers at once.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := migrations(db.dialect)
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	recount := false
	for _, m := range ms {
		applied, err := db.migrate(ctx, m)
		if err != nil {
			return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.migration.failed", fmt.Sprintf("%04d_%s", m.Version, m.Name)), err)
		}
		if applied {
			db.log.Info("database migrated", "version", m.Version, "name", m.Name, "dialect", string(db.dialect))
			recount = recount || m.Version == handleHoursVersion
		}
	}
	db.tallying.Store(true)
	db.gauging.Store(true)
	db.journaling.Store(true)
	db.orgTyped.Store(true)
	db.hooks.ready.Store(true)
	if recount {
		return db.recountHandleHours(ctx)
	}
	return nil
}

// handleHoursVersion is the migration that added the counter 处置用时
// (m_handle_hours); the counters of a database that held cases before it
// are recounted once, so that the cases resolved before count their hours.
const handleHoursVersion = 25

// recountHandleHours rebuilds the counters when there are cases.
func (db *DB) recountHandleHours(ctx context.Context) error {
	var some int
	err := db.write.QueryRowContext(ctx, `SELECT 1 FROM cases LIMIT 1`).Scan(&some)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil {
		var n int64
		n, err = db.Stats.RebuildTallies(ctx, nil)
		db.log.Info("counters recounted", "cases", n)
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.migration.failed", fmt.Sprintf("%04d (recount)", handleHoursVersion)), err)
	}
	return nil
}

// migrate applies m unless it is already applied.
func (db *DB) migrate(ctx context.Context, m migration) (applied bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if lock := db.dialect.migrationLock(); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return false, err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, db.now().UTC().Format(timeLayout)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
