package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A load of many rows at once (demo.Bulk, `pingan demo --bulk`): its
// transactions are BulkTx, and around them the load makes the database
// cheaper to write. The secondary indexes of the tables it fills (but the
// partial ones, of the open cases) are dropped at its start and made again
// at its end, one sort each instead of an insert into every B-tree for
// every row; so are their foreign keys on
// PostgreSQL, which would look up the row referred to for every row, and
// are checked at once when they are added again. On SQLite the writer
// checks no foreign keys meanwhile (the writer of the rows answers for
// them), and a load into a database made for it may go without journal
// and without sync; on PostgreSQL commits do not wait for the WAL's flush.
// What is dropped is written down in bulk_dropped_indexes, in the
// transaction that drops it, so that a load that dies midway leaves a
// record: the next BeginBulkLoad, or RestoreBulkIndexes, makes it again.
// So are the year rows of the counters: the load's transactions add to the
// day and month tables only, and its end makes the years again from the
// month rows (bulkYears, last in the record).

// BulkLoadOptions say how a load writes.
type BulkLoadOptions struct {
	// DropIndexes names the tables whose secondary indexes (not the
	// primary keys, not unique ones, not partial ones) are dropped for the
	// load, and on PostgreSQL their foreign keys.
	DropIndexes []string
	// Unjournaled writes without rollback journal and without sync on
	// SQLite: for a database made for the load, which a failure midway
	// (a crash, the power) may leave unusable. (PostgreSQL commits the
	// transactions of every load without waiting for the WAL's flush,
	// which loses at most the last ones on a crash and nothing else.)
	Unjournaled bool
}

// BulkLoad is a load in progress (BeginBulkLoad).
type BulkLoad struct {
	db      *DB
	o       BulkLoadOptions
	journal string // SQLite's journal mode before the load, when changed
	// cache is SQLite's page cache on the writer before the load (PRAGMA
	// cache_size), which BeginBulk makes 256 MB: a server that goes on
	// from the load (pingan demo --bulk) would keep the pages for good.
	cache int64
	ended bool
}

// bulkIndexTable records the indexes a load dropped, until it makes them
// again.
const bulkIndexTable = "bulk_dropped_indexes"

// BeginBulkLoad prepares the database for a load: it first makes again
// the indexes an earlier load left dropped, then drops those o names. End
// must follow, also when the load fails.
func (db *DB) BeginBulkLoad(ctx context.Context, o BulkLoadOptions) (*BulkLoad, error) {
	if err := db.RestoreBulkIndexes(ctx); err != nil {
		return nil, err
	}
	l := &BulkLoad{db: db, o: o}
	if db.dialect == SQLite {
		if err := db.write.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&l.cache); err != nil {
			return nil, err
		}
		if _, err := db.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return nil, err
		}
		if o.Unjournaled {
			if err := l.unjournal(ctx); err != nil {
				l.End(ctx)
				return nil, err
			}
		}
	}
	if err := l.record(ctx); err != nil {
		l.End(ctx)
		return nil, err
	}
	return l, nil
}

// unjournal turns SQLite's journal and sync off on the writer. Leaving
// WAL needs the file to itself: the readers' idle connections are closed
// first.
func (l *BulkLoad) unjournal(ctx context.Context) error {
	db := l.db
	if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&l.journal); err != nil {
		return err
	}
	n := db.read.Stats().MaxOpenConnections
	db.read.SetMaxIdleConns(0)
	db.read.SetMaxIdleConns(n)
	var mode string
	if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode = OFF`).Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "off") {
		return fmt.Errorf("store: bulk load: journal mode %s, not off", mode)
	}
	_, err := db.write.ExecContext(ctx, `PRAGMA synchronous = OFF`)
	return err
}

// Begin begins one transaction of the load.
func (l *BulkLoad) Begin(ctx context.Context) (*BulkTx, error) {
	b, err := l.db.BeginBulk(ctx)
	if err != nil {
		return nil, err
	}
	b.load = true
	if l.db.dialect == Postgres {
		if err := b.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			b.Rollback()
			return nil, err
		}
	}
	return b, nil
}

// End makes the dropped indexes again and puts the writer back as it was.
// It does its work once; a load that failed calls it too.
func (l *BulkLoad) End(ctx context.Context) error {
	if l.ended {
		return nil
	}
	l.ended = true
	// The indexes are made even when ctx is done: the load stopped
	// because of it, and the database must not stay without them.
	ctx = context.WithoutCancel(ctx)
	err := l.db.RestoreBulkIndexes(ctx)
	db := l.db
	if db.dialect == SQLite {
		if l.journal != "" {
			var mode string
			if e := db.write.QueryRowContext(ctx, `PRAGMA journal_mode = `+l.journal).Scan(&mode); e != nil {
				err = errors.Join(err, e)
			}
			if _, e := db.write.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); e != nil {
				err = errors.Join(err, e)
			}
		}
		if _, e := db.write.ExecContext(ctx, `PRAGMA foreign_keys = ON`); e != nil {
			err = errors.Join(err, e)
		}
		if _, e := db.write.ExecContext(ctx, `PRAGMA cache_size = `+strconv.FormatInt(l.cache, 10)); e != nil {
			err = errors.Join(err, e)
		}
		// The counters' statistics for the planner: with them SQLite
		// reads a period of every node by skipping along the key (node,
		// period, …) instead of reading the whole table, as
		// `pingan stats verify` does month by month — at ten million
		// cases 33 million rows a month read, without them. The cases'
		// queries are left to the words of their partial indexes. 12 s
		// at ten million cases.
		for _, tt := range tallyTables {
			if _, e := db.write.ExecContext(ctx, `ANALYZE `+tt.table); e != nil {
				err = errors.Join(err, e)
			}
		}
	}
	if db.dialect == Postgres {
		// The planner's statistics, for the tables as they are now: left
		// to autovacuum, the lists read a million new cases with the
		// estimates of an empty table for a while (a 待受理 tab of 3.3 s
		// instead of 0.16 s). A sample of each table: seconds.
		if _, e := db.write.ExecContext(ctx, `ANALYZE`); e != nil {
			err = errors.Join(err, e)
		}
	}
	return err
}

// bulkIndex is an index (or on PostgreSQL a foreign key) as its table's
// catalog gives it: def makes it, drop drops it.
type bulkIndex struct {
	name, table, def, drop string
}

// bulkYears is the record's entry that makes the counters' year rows again
// from the month rows (yearsFromMonths) rather than an index.
var bulkYears = bulkIndex{name: "years", table: yearTallies.table}

// record writes down what the load's end makes again — the secondary
// indexes of the tables named (and their foreign keys on PostgreSQL), then
// the counters' year rows — and drops those indexes, in one transaction.
func (l *BulkLoad) record(ctx context.Context) error {
	db := l.db
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var list, fks []bulkIndex
	for _, table := range l.o.DropIndexes {
		ix, err := db.secondaryIndexes(ctx, tx, table)
		if err != nil {
			return err
		}
		list = append(list, ix...)
		if db.dialect == Postgres {
			fk, err := foreignKeys(ctx, tx, table)
			if err != nil {
				return err
			}
			fks = append(fks, fk...)
		}
	}
	// Made again in this order: the indexes, the foreign keys, the years.
	list = append(append(list, fks...), bulkYears)
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+bulkIndexTable+` (
		pos INTEGER PRIMARY KEY, name TEXT NOT NULL, tbl TEXT NOT NULL, def TEXT NOT NULL)`); err != nil {
		return err
	}
	for i, ix := range list {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+bulkIndexTable+` (pos, name, tbl, def) VALUES ($1, $2, $3, $4)`,
			i, ix.name, ix.table, ix.def); err != nil {
			return err
		}
		if ix.drop == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, ix.drop); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// secondaryIndexes answers the indexes of table that are neither its
// primary key nor unique nor partial, with the statements that make them.
// A partial index (WHERE …) stays: it holds few rows, the open cases, and
// making it again would read the whole table for them.
func (db *DB) secondaryIndexes(ctx context.Context, tx *sql.Tx, table string) ([]bulkIndex, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL
		AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name`
	if db.dialect == Postgres {
		q = `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
			WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
			AND NOT i.indisprimary AND NOT i.indisunique AND i.indpred IS NULL ORDER BY c.relname`
	}
	rows, err := tx.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bulkIndex
	for rows.Next() {
		ix := bulkIndex{table: table}
		if err := rows.Scan(&ix.name, &ix.def); err != nil {
			return nil, err
		}
		if db.dialect == SQLite && strings.Contains(strings.ToUpper(ix.def), "WHERE") {
			continue
		}
		ix.drop = `DROP INDEX ` + ix.name
		out = append(out, ix)
	}
	return out, rows.Err()
}

// foreignKeys answers the foreign keys of table on PostgreSQL, which
// checks each row inserted against the table it refers to: dropped for a
// load, added again at its end, which checks every row at once.
func foreignKeys(ctx context.Context, tx *sql.Tx, table string) ([]bulkIndex, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace AND c.contype = 'f' ORDER BY c.conname`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bulkIndex
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		out = append(out, bulkIndex{name: name, table: table,
			def:  `ALTER TABLE ` + table + ` ADD CONSTRAINT ` + name + ` ` + def,
			drop: `ALTER TABLE ` + table + ` DROP CONSTRAINT ` + name})
	}
	return out, rows.Err()
}

// RestoreBulkIndexes makes again the indexes a bulk load dropped and has
// not made again (bulk_dropped_indexes): at the end of a load, and after
// one that died midway. Without such a record it does nothing.
func (db *DB) RestoreBulkIndexes(ctx context.Context) error {
	var n int
	if err := db.write.QueryRowContext(ctx, db.dialect.tableExists(), bulkIndexTable).Scan(&n); err != nil || n == 0 {
		return err
	}
	var list []bulkIndex
	rows, err := db.write.QueryContext(ctx, `SELECT name, tbl, def FROM `+bulkIndexTable+` ORDER BY pos`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var ix bulkIndex
		if err := rows.Scan(&ix.name, &ix.table, &ix.def); err != nil {
			rows.Close()
			return err
		}
		list = append(list, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// One index a transaction, each written off the record as it is made;
	// on SQLite the sorts have a helper thread meanwhile.
	began := time.Now()
	if db.dialect == SQLite {
		if _, err := db.write.ExecContext(ctx, `PRAGMA threads = 2`); err != nil {
			return err
		}
		defer db.write.ExecContext(ctx, `PRAGMA threads = 0`)
	}
	for _, ix := range list {
		tx, err := db.beginWrite(ctx)
		if err != nil {
			return err
		}
		if db.dialect == Postgres {
			// The sorts of a big table go faster with more memory.
			if _, err := tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '512MB'`); err != nil {
				tx.Rollback()
				return err
			}
		}
		if ix.def == "" && ix.name == bulkYears.name {
			if err := yearsFromMonths(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: bulk load: making the counters' years again: %w", err)
			}
		} else if _, err := tx.ExecContext(ctx, ix.def); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: bulk load: making index %s again: %w", ix.name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+bulkIndexTable+` WHERE name = $1 AND tbl = $2`, ix.name, ix.table); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	if _, err = db.write.ExecContext(ctx, `DROP TABLE `+bulkIndexTable); err != nil {
		return err
	}
	db.log.Info("store: bulk load: indexes and the counters' years made again", "entries", len(list), "seconds", time.Since(began).Round(100*time.Millisecond).Seconds())
	return nil
}
