package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
)

// Writing many cases at once, with their timelines and the counters the
// writer summed itself (demo.Bulk, `pingan demo --bulk`): one transaction
// on the writer, rows many to a prepared statement, the counters added as
// every change of a case adds them (tally.go). What is written must be what
// the store would have written; nothing here checks it.

// BulkTx is one transaction of bulk writes (BeginBulk).
type BulkTx struct {
	db *DB
	// load: a transaction of a BulkLoad, which makes the year rows from
	// the month rows at its end (the tables of AddTallies).
	load  bool
	tx    *sql.Tx
	conn  *sql.Conn            // PostgreSQL: the connection of tx, for COPY
	stmts map[string]*sql.Stmt // the full statements of Insert, prepared once in tx
}

// BeginBulk begins a transaction of bulk writes on the writer.
func (db *DB) BeginBulk(ctx context.Context) (*BulkTx, error) {
	if db.dialect == Postgres {
		// A connection of its own, whose pgx connection copies the rows
		// of Insert in the transaction.
		db.stmts.prepareUnready(ctx)
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return nil, err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			conn.Close()
			return nil, err
		}
		return &BulkTx{db: db, tx: tx, conn: conn, stmts: map[string]*sql.Stmt{}}, nil
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	if db.dialect == SQLite {
		// A page cache of 256 MB instead of 2 MB on the writer's
		// connection: the indexes of millions of cases are written at
		// many places at once, and each page evicted is read again.
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = `+strconv.Itoa(bulkCacheSize)); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return &BulkTx{db: db, tx: tx, stmts: map[string]*sql.Stmt{}}, nil
}

// bulkCacheSize is the page cache of a load's transactions on SQLite
// (PRAGMA cache_size: negative in KiB), 256 MB.
const bulkCacheSize = -262144

// bulkRows is the rows of one INSERT of BulkTx.Insert on SQLite: a few,
// whose parameters the driver binds fastest (stmt.go, anonymous).
func bulkRows(cols int) int { return max(1, 512/cols) }

// BindTime answers t as the store binds a timestamp (Dialect.BindTime),
// for a writer that binds its rows before Insert, away from the writer.
func (b *BulkTx) BindTime(t time.Time) any { return b.db.dialect.ts(t) }

// Insert writes rows into table: args are the values of cols, row after
// row; a time.Time (or *time.Time, nil for NULL) is bound as the store
// binds timestamps. On PostgreSQL the rows are copied (COPY … FROM STDIN,
// binary); on SQLite they go a few to a prepared INSERT, which stops at a
// failing row (OR FAIL: the transaction is rolled back then, and SQLite
// keeps no statement journal for it).
func (b *BulkTx) Insert(ctx context.Context, table string, cols []string, args []any) error {
	n := len(cols)
	for i, a := range args {
		switch t := a.(type) {
		case time.Time:
			args[i] = b.db.dialect.ts(t)
		case *time.Time:
			if t == nil {
				args[i] = nil
			} else {
				args[i] = b.db.dialect.ts(*t)
			}
		}
	}
	if b.conn != nil {
		return b.copy(ctx, table, cols, args)
	}
	joined := strings.Join(cols, ", ")
	text := func(rows int) string {
		k := bulkTextKey{table, joined, rows}
		if q, ok := bulkTexts.Load(k); ok {
			return q.(string)
		}
		q := anonymous(`INSERT OR FAIL INTO ` + table + ` (` + joined + `) VALUES ` + valuesList(rows, n))
		bulkTexts.Store(k, q)
		return q
	}
	per := bulkRows(n)
	for len(args) > 0 {
		rows := min(per, len(args)/n)
		chunk := args[:rows*n]
		args = args[rows*n:]
		if rows < per {
			if _, err := b.tx.ExecContext(ctx, text(rows), chunk...); err != nil {
				return err
			}
			continue
		}
		s, err := b.prepared(ctx, text(rows))
		if err != nil {
			return err
		}
		if _, err := s.ExecContext(ctx, chunk...); err != nil {
			return err
		}
	}
	return nil
}

// bulkTextKey names the text of an INSERT of BulkTx.Insert: its table, its
// columns and its rows.
type bulkTextKey struct {
	table, cols string
	rows        int
}

// bulkTexts are the texts of Insert, made once.
var bulkTexts sync.Map

// AddTallies adds the counter rows — day rows; the month rows are their
// sums — in the transaction, for a writer of cases in bulk that summed
// their tallies (pingan.TallyChange) itself (on PostgreSQL copied,
// copyTallies). The transaction takes the turn to fold first and keeps it
// to its end: a fold of the journal writes the same rows in another order
// (journal.go lockFold).
func (b *BulkTx) AddTallies(ctx context.Context, rows []pingan.TallyRow) error {
	if err := b.db.lockFold(ctx, b.tx); err != nil {
		return err
	}
	if b.conn != nil {
		return b.copyTallies(ctx, rows)
	}
	// A batch writes tens of thousands of rows that change a few hundred
	// different sets of measures. One statement for each set would prepare
	// hundreds of texts in every transaction; one of every measure binds
	// and adds dozens of zeros a row. A row's measures are those of its
	// kind (a petition's, a hazard's, a dispute's mediation, and the loop's
	// that all share): one statement a kind, of the measures its rows
	// change in the batch, prepared once: 22 to 33 of the 63. Rows that
	// change none are left out, as writeTallies leaves them.
	stmt := func(q string) (*sql.Stmt, error) { return b.prepared(ctx, q) }
	for _, tt := range b.tallyTables() {
		var kinds []pingan.Kind
		sets := map[pingan.Kind]measureSet{}
		byKind := map[pingan.Kind][]pingan.TallyRow{}
		for _, r := range tt.project(rows) {
			m := measuresOf(&r.T)
			if m == 0 {
				continue
			}
			k := r.Key.Kind
			if _, ok := sets[k]; !ok {
				kinds = append(kinds, k)
			}
			sets[k] |= m
			byKind[k] = append(byKind[k], r)
		}
		for _, k := range kinds {
			rs := byKind[k]
			for len(rs) > 0 {
				n := min(len(rs), maxTallyRows)
				if err := writeTallySet(ctx, tt, sets[k], rs[:n], stmt); err != nil {
					return err
				}
				rs = rs[n:]
			}
		}
	}
	return nil
}

// tallyTables are the counter tables AddTallies adds to: all of them, or,
// in a BulkLoad, all but the year tables, which its end makes from the
// month rows (a batch of a month changes as many year rows as month rows,
// wide rows updated again with every batch: a sixth of a load's time).
func (b *BulkTx) tallyTables() []tallyTable {
	if b.load {
		return monthTables()
	}
	return tallyTables
}

// prepared answers query prepared in the transaction, once.
func (b *BulkTx) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if s := b.stmts[q]; s != nil {
		return s, nil
	}
	s, err := b.tx.PrepareContext(ctx, b.db.stmts.sql(q))
	if err != nil {
		return nil, err
	}
	b.stmts[q] = s
	return s, nil
}

// Exec runs one statement ($1 … parameters) in the transaction.
func (b *BulkTx) Exec(ctx context.Context, query string, args ...any) error {
	_, err := b.tx.ExecContext(ctx, query, args...)
	return err
}

// Int answers the integer the query answers, ok false when it answers no
// row.
func (b *BulkTx) Int(ctx context.Context, query string, args ...any) (n int64, ok bool, err error) {
	err = b.tx.QueryRowContext(ctx, query, args...).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return n, err == nil, err
}

// Seal seals personal data with the store's key, as a case's reporter is.
func (b *BulkTx) Seal(plaintext []byte) ([]byte, error) { return b.db.sealer.Seal(plaintext) }

// Commit commits the transaction.
func (b *BulkTx) Commit() error {
	b.closeStmts()
	err := b.tx.Commit()
	b.closeConn()
	return err
}

// Rollback rolls the transaction back; after Commit it does nothing.
func (b *BulkTx) Rollback() error {
	b.closeStmts()
	err := b.tx.Rollback()
	b.closeConn()
	return err
}

func (b *BulkTx) closeConn() {
	if b.conn != nil {
		b.conn.Close()
		b.conn = nil
	}
}

func (b *BulkTx) closeStmts() {
	for q, s := range b.stmts {
		s.Close()
		delete(b.stmts, q)
	}
}
