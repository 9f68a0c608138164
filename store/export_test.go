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

// Migrations answers the migrations of a dialect.
var Migrations = migrations

// RawInsertCase inserts c as it is, with sealed personal data, in its own
// transaction: the floor under CreateCase, for BenchmarkRawInsert.
func (db *DB) RawInsertCase(ctx context.Context, c *pingan.Case, reporter, parties []byte) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.insertCase(ctx, tx, c, reporter, parties); err != nil {
		return err
	}
	return tx.Commit()
}

// CaseID is caseID.
var CaseID = caseID
