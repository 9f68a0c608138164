package store

import (
	"context"
	"database/sql"

	"github.com/pingan-gov/pingan"
)

// Hooks for the tests of package store_test.

// SQL answers the writer, for tests that read raw rows.
func (db *DB) SQL() *sql.DB { return db.write }

// Hook runs inside the transaction that saves an action.
type Hook = func(ctx context.Context, tx *sql.Tx, c *pingan.Case, seq int) error

// SetHooks installs functions to run in the transaction that saves an
// action, before and after the case row is updated; the timeline entry
// (number seq) is inserted after both. Nil removes a hook.
func (db *DB) SetHooks(before, after Hook) {
	db.beforeCaseUpdate, db.afterCaseUpdate = before, after
}

// SetSimilarScan sets the window of petitions Similar compares titles
// with (0: the default).
func (db *DB) SetSimilarScan(n int) { db.similarScan = n }

// Migrations answers the migrations of a dialect.
var Migrations = migrations

// CaseID is caseID.
var CaseID = caseID

// CacheTTL is how long a cached category or unit is trusted.
const CacheTTL = cacheTTL

// InGroup is inGroup: write runs in a transaction of the group writer.
func (db *DB) InGroup(ctx context.Context, write func(ctx context.Context, tx *sql.Tx) error) error {
	return db.inGroup(ctx, write)
}

// HoldGroupWriter keeps the group writer busy until release is called, so
// that the work queued meanwhile goes into one transaction.
func (db *DB) HoldGroupWriter() (release func()) {
	started, hold := make(chan struct{}), make(chan struct{})
	go db.inGroup(context.Background(), func(context.Context, *sql.Tx) error {
		close(started)
		<-hold
		return nil
	})
	<-started
	return func() { close(hold) }
}

// GroupQueued answers how much work waits for the group writer.
func (db *DB) GroupQueued() int { return len(db.group.queue) }

// MigrateTo applies the migrations the database lacks up to version n,
// for tests of a migration on data written by the versions before it.
func (db *DB) MigrateTo(ctx context.Context, n int) error {
	ms, err := migrations(db.dialect)
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return err
	}
	for _, m := range ms {
		if m.Version > n {
			break
		}
		if _, err := db.migrate(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// Seal seals data with the store's key, for tests that write the rows of
// earlier versions.
func (db *DB) Seal(data []byte) ([]byte, error) { return db.sealer.Seal(data) }

// HaltFolder stops moving the journal of the counters into them: what
// is journalled stays in the journal until Fold.
func (db *DB) HaltFolder() { db.haltFolder() }

// JournalRows answers the rows in the journal of the counters.
func (db *DB) JournalRows(ctx context.Context) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM tally_journal`).Scan(&n)
	return n, err
}

// EncodeJournal and DecodeJournal are the journal's encoding.
var (
	EncodeJournal = encodeJournal
	DecodeJournal = decodeJournal
)
