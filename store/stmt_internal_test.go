package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// postgresEnv names the PostgreSQL database of the tests (as in
// storetest, which the tests inside the package cannot import).
const postgresEnv = "PINGAN_TEST_POSTGRES"

// eachDatabase runs test on a fresh SQLite file, and on a fresh schema of
// the PostgreSQL database named by PINGAN_TEST_POSTGRES when it is set.
func eachDatabase(t *testing.T, test func(t *testing.T, db *DB)) {
	t.Run("SQLite", func(t *testing.T) {
		test(t, openInternal(t, filepath.Join(t.TempDir(), "pingan.db")))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		test(t, openInternal(t, postgresSchema(t, postgresBase(t))))
	})
}

// postgresBase answers the database the tests' PostgreSQL schemas are made
// in (PINGAN_TEST_POSTGRES); without it the test is skipped, or fails
// under CI, which provides PostgreSQL.
func postgresBase(t *testing.T) string {
	t.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set (CI=true: CI provides PostgreSQL, so these tests must run)", postgresEnv)
		}
		t.Skipf("PostgreSQL skipped: set %s to run it", postgresEnv)
	}
	return base
}

// postgresSchema creates a fresh schema in the database of base, dropped
// when the test ends, and answers a URL whose search_path is that schema.
func postgresSchema(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "pingan_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { // registered before the store's Close, so it runs after it
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// countPrepares is a preparer that counts what it prepares, by SQL text.
type countPrepares struct {
	p  preparer
	mu sync.Mutex
	n  map[string]int
}

func (c *countPrepares) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[query]++
	c.mu.Unlock()
	return c.p.PrepareContext(ctx, query)
}

func (c *countPrepares) count(query string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[query]
}

// countingStmts gives db a statement cache whose preparations are counted.
func countingStmts(db *DB) (write, read *countPrepares) {
	write, read = &countPrepares{p: db.write}, &countPrepares{p: db.read}
	db.stmts.close()
	db.stmts = newStmtCache(write, read, db.log)
	return write, read
}

// TestStmtPreparedOnce: a statement of the writer met in a second
// transaction is prepared once, at the next beginWrite, and every later
// transaction runs that one; a statement of the readers is prepared once,
// and the one statement serves every reader connection at once.
func TestStmtPreparedOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		write, read := countingStmts(db)
		const q = `SELECT count(*) FROM units WHERE level = $1`
		var kept *sql.Stmt
		for i := range 6 {
			runStmt(t, db, q)
			db.stmts.mu.Lock()
			got := db.stmts.stmts[q]
			db.stmts.mu.Unlock()
			switch {
			case i < 2 && (got != nil || write.count(q) != 0):
				t.Fatalf("transaction %d: prepared on the writer before it was met in a second one", i)
			case i == 2:
				kept = got
			case i > 1 && got != kept:
				t.Fatalf("transaction %d: the kept statement changed", i)
			}
		}
		if kept == nil {
			t.Fatal("the statement was never kept")
		}
		if n := write.count(q); n != 1 {
			t.Errorf("prepared %d times on the writer over 6 transactions, want 1", n)
		}

		// Readers: prepared once, then several connections at once run the
		// one statement. (Two first reads at the same moment may both
		// prepare it; the cache keeps one and closes the other.)
		const rq = `SELECT code FROM units WHERE level <> $1`
		const readers = 4
		first, err := db.readStmt(ctx, rq)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		open := make(chan *sql.Rows, readers)
		stmts := make(chan *sql.Stmt, readers)
		for range readers {
			wg.Go(func() {
				s, err := db.readStmt(ctx, rq)
				if err != nil {
					t.Error(err)
					return
				}
				stmts <- s
				rows, err := s.QueryContext(ctx, "none")
				if err != nil {
					t.Error(err)
					return
				}
				open <- rows // held open: the next reader needs another connection
			})
		}
		wg.Wait()
		close(open)
		close(stmts)
		for rows := range open {
			rows.Close()
		}
		for s := range stmts {
			if s != first {
				t.Error("readers got another statement than the one kept")
			}
		}
		if n := read.count(rq); n != 1 {
			t.Errorf("prepared %d times for the readers, want 1", n)
		}
		if n := db.read.Stats().OpenConnections; n < readers {
			t.Errorf("%d reader connections open, want at least %d", n, readers)
		}
	})
}

// runStmt runs q, a count of units of a level, in a transaction of the
// writer of its own, as the store runs a statement it keeps (db.stmt).
func runStmt(t *testing.T, db *DB, q string) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	s, err := db.stmt(ctx, tx, q)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.QueryRowContext(ctx, "village").Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestStmtInTransaction: the statement stmt answers runs in the
// transaction it was asked for, whether met for the first time or kept:
// what it writes is seen inside the transaction only, kept by its commit
// and undone by its rollback.
func TestStmtInTransaction(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		// A statement run on the writer outside tx would wait for SQLite's
		// one writer connection for ever: the deadline makes that a failure.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		count := func(q querier, code string) int {
			t.Helper()
			var n int
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM categories WHERE code = $1`, code).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		const ins = `INSERT INTO categories (code, kind, name, sign_n, sign_unit, resolve_n, resolve_unit)
			VALUES ($1, 'service', $1, 1, 'hours', 1, 'hours')`
		for i, c := range []struct {
			code   string
			commit bool
		}{{"ZS1", true}, {"ZS2", false}, {"ZS3", true}} {
			func() {
				tx, err := db.beginWrite(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback() // a failure must not keep the writer
				db.stmts.mu.Lock()
				_, kept := db.stmts.stmts[ins]
				db.stmts.mu.Unlock()
				if kept != (i > 1) {
					t.Fatalf("statement %d: kept %v", i, kept)
				}
				s, err := db.stmt(ctx, tx, ins)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.ExecContext(ctx, c.code); err != nil {
					t.Fatalf("%s: %v", c.code, err)
				}
				if n := count(tx, c.code); n != 1 {
					t.Errorf("%s: %d rows inside the transaction, want 1", c.code, n)
				}
				if n := count(db.read, c.code); n != 0 {
					t.Errorf("%s: seen outside the transaction before it ended", c.code)
				}
				if c.commit {
					err = tx.Commit()
				} else {
					err = tx.Rollback()
				}
				if err != nil {
					t.Fatal(err)
				}
			}()
			want := 0
			if c.commit {
				want = 1
			}
			if n := count(db.read, c.code); n != want {
				t.Errorf("%s: %d rows after the transaction (commit %v), want %d", c.code, n, c.commit, want)
			}
		}
	})
}

// TestStmtClosedByClose: Close closes every statement kept, of the writer
// and of the readers, and the cache keeps none afterwards.
func TestStmtClosedByClose(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		const q = `SELECT count(*) FROM units WHERE level = $1`
		for range 2 { // met twice: the next beginWrite prepares it
			tx, err := db.beginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.stmt(ctx, tx, q); err != nil {
				t.Fatal(err)
			}
			tx.Rollback()
		}
		tx, err := db.beginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		db.stmts.mu.Lock()
		written := db.stmts.stmts[q]
		db.stmts.mu.Unlock()
		read, err := db.readStmt(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if written == nil {
			t.Fatal("no statement kept on the writer")
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		var n int
		for whose, s := range map[string]*sql.Stmt{"the writer's": written, "the readers'": read} {
			if err := s.QueryRowContext(ctx, "village").Scan(&n); err == nil || !strings.Contains(err.Error(), "statement is closed") {
				t.Errorf("%s statement after Close: %v, want statement is closed", whose, err)
			}
		}
		if db.stmts.stmts != nil || db.stmts.reads != nil {
			t.Error("the cache still keeps statements after Close")
		}
	})
}

// TestStmtKeptAtMost: the writer keeps a statement met in two
// transactions, never one met once, and at most max of them: the least
// recently run are closed, and one asked for again is prepared again. A
// statement closed so while a transaction runs it (on PostgreSQL, whose
// writer has many connections) still runs in that transaction.
func TestStmtKeptAtMost(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		write, _ := countingStmts(db)
		db.stmts.max = 3
		text := func(i int) string { return `SELECT count(*) + ` + strconv.Itoa(i) + ` FROM units WHERE level = $1` }
		// run runs the texts in one transaction each, the way a writer does.
		run := func(texts ...string) {
			t.Helper()
			for _, q := range texts {
				runStmt(t, db, q)
			}
			// What the last one left to keep is prepared at the next beginWrite.
			tx, err := db.beginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tx.Rollback()
		}
		kept := func() map[string]*sql.Stmt {
			db.stmts.mu.Lock()
			defer db.stmts.mu.Unlock()
			return maps.Clone(db.stmts.stmts)
		}
		run(text(0), text(1), text(2), text(3), text(4))
		run(text(9))
		if n := len(kept()); n != 0 {
			t.Fatalf("%d statements kept after each was met once, want none", n)
		}
		run(text(0), text(1), text(2), text(3), text(4), text(9)) // met again: kept from the next beginWrite
		first := kept()
		if len(first) != 3 {
			t.Fatalf("%d statements kept, want at most 3", len(first))
		}
		for _, i := range []int{3, 4, 9} { // the last three met again
			if first[text(i)] == nil {
				t.Errorf("statement %d not kept; kept: %v", i, slices.Collect(maps.Keys(first)))
			}
		}
		run(text(2), text(4), text(5), text(5), text(6)) // 4 runs again; 5 is kept in place of 3, run least recently
		now := kept()
		if len(now) != 3 || now[text(4)] == nil || now[text(5)] == nil || now[text(9)] == nil {
			t.Errorf("kept %v, want 4, 5 and 9", slices.Collect(maps.Keys(now)))
		}
		var n int
		if err := first[text(3)].QueryRowContext(ctx, "village").Scan(&n); err == nil || !strings.Contains(err.Error(), "statement is closed") {
			t.Errorf("a statement let go: %v, want statement is closed", err)
		}
		if n := write.count(text(6)); n != 0 {
			t.Errorf("a statement met once was prepared %d times on the writer, want 0", n)
		}
		run(text(3), text(3), text(3)) // asked for again: kept again
		if kept()[text(3)] == nil {
			t.Error("a statement let go and met again twice is not kept again")
		}
		if n := write.count(text(3)); n != 2 {
			t.Errorf("statement 3 prepared %d times on the writer, want 2", n)
		}

		if db.dialect != Postgres {
			return
		}
		// On PostgreSQL: a transaction holds the kept statement of text 5
		// while the beginWrite of others lets it go.
		tx, err := db.beginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		held, err := db.stmt(ctx, tx, text(5))
		if err != nil {
			t.Fatal(err)
		}
		run(text(7), text(7), text(8), text(8), text(10), text(10))
		if kept()[text(5)] != nil {
			t.Fatalf("statement 5 still kept: %v", slices.Collect(maps.Keys(kept())))
		}
		for range 2 {
			if err := held.QueryRowContext(ctx, "village").Scan(&n); err != nil {
				t.Errorf("the held statement after it was let go: %v", err)
			}
		}
	})
}
