package store

import (
	"context"
	"database/sql"
	"time"
)

// BulkExec runs write in one transaction on the writer, committed when
// write answers nil and rolled back otherwise. It is for seeding
// benchmarks and for imports that write rows in bulk, many per statement,
// where the store's own methods would write them one at a time: write
// answers for the rows it writes being what the store would have written
// (columns, timestamps bound with Dialect.BindTime, case counters, the
// timeline). The store's caches of categories and units are not told.
func (db *DB) BulkExec(ctx context.Context, write func(tx *sql.Tx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := write(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// BindTime answers t as the store binds a timestamp in the dialect: TEXT
// in UTC with milliseconds on SQLite, a timestamptz on PostgreSQL. For
// BulkExec.
func (d Dialect) BindTime(t time.Time) any { return d.ts(t) }

// ValuesList answers "($1, $2, $3), ($4, $5, $6)" for rows of cols
// parameters: the VALUES of a multi-row INSERT. For BulkExec.
func ValuesList(rows, cols int) string { return valuesList(rows, cols) }
