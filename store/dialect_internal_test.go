package store

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

func openInternal(t *testing.T, path string) *DB {
	t.Helper()
	s, err := secret.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), Options{DSN: path, Sealer: s, AutoMigrate: true, PasswordParams: secret.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSQLiteConnections: WAL, foreign keys and busy timeout on every
// connection; one writer; the readers cannot write; odd characters in the
// path work.
func TestSQLiteConnections(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "odd?dir#100%", "sub", "pingan.db")
	db := openInternal(t, path)
	if db.Dialect() != SQLite {
		t.Fatalf("dialect %s", db.Dialect())
	}
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q %v", mode, err)
	}
	for _, c := range []struct {
		name string
		db   *sql.DB
		qo   int
	}{{"writer", db.write, 0}, {"reader", db.read, 1}} {
		var fk, busy, qo, sync int
		c.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		c.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		c.db.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo)
		c.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		if fk != 1 || busy != 10000 || qo != c.qo || sync != 1 {
			t.Errorf("%s: foreign_keys %d busy_timeout %d query_only %d synchronous %d", c.name, fk, busy, qo, sync)
		}
	}
	if _, err := db.read.ExecContext(ctx, `INSERT INTO categories (code, kind, name, sign_n, sign_unit, resolve_n, resolve_unit)
		VALUES ('ZZ', 'service', 'x', 1, 'hours', 1, 'hours')`); err == nil {
		t.Error("a reader wrote")
	}
	if n := db.write.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool of %d", n)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO units (code, name, level, parent_code, path, region)
		VALUES ('x', 'x', 'village', 'nope', '/x/', 'x')`); err == nil {
		t.Error("a foreign key was not enforced")
	}
}

// TestTimestampText: SQLite keeps timestamps as fixed-width UTC text, so
// that text order is time order, and they come back in CST.
func TestTimestampText(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t, filepath.Join(t.TempDir(), "pingan.db"))
	when := time.Date(2026, 3, 2, 9, 0, 0, 123456789, pingan.CST)
	if got := db.dialect.ts(when); got != "2026-03-02T01:00:00.123Z" {
		t.Errorf("ts = %v", got)
	}
	var s stamp
	if err := db.write.QueryRowContext(ctx, `SELECT $1`, db.dialect.ts(when)).Scan(&s); err != nil {
		t.Fatal(err)
	}
	if !s.Valid || !s.T.Equal(when.Truncate(time.Millisecond)) || s.T.Location() != pingan.CST {
		t.Errorf("round trip %v", s)
	}
	if err := s.Scan(nil); err != nil || s.Valid || s.ptr() != nil {
		t.Errorf("NULL scanned as %v", s)
	}
	if err := s.Scan("yesterday"); err == nil {
		t.Error("a bad timestamp scanned")
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(db.dialect.ts(time.Time{}.Add(time.Hour)).(string)) {
		t.Error("not fixed width")
	}
	if Postgres.ts(when) != when.UTC().Truncate(time.Millisecond) {
		t.Error("postgres binds time.Time")
	}
}

func TestCaseIDs(t *testing.T) {
	id := caseID(2026, "620902", 123)
	if id != "2026-620902-000123" {
		t.Errorf("caseID = %s", id)
	}
	for in, want := range map[string]string{
		"2026-620902-000123":  "620902",
		"2026-620902-1234567": "620902",
		"2026-62-09-000001":   "62-09",
	} {
		if got, ok := regionOfID(in); !ok || got != want {
			t.Errorf("regionOfID(%s) = %s, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "2026", "2026-620902", "26-620902-000001", "2026--000001", "2026-620902-", "2026-620902-00a001", "x026-620902-000001"} {
		if _, ok := regionOfID(in); ok {
			t.Errorf("regionOfID(%q) accepted", in)
		}
	}
}

func TestCursor(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 5e6, pingan.CST)
	c := makeCursor(at, "2026-620902-000001")
	got, id, ok := parseCursor(c)
	if !ok || !got.Equal(at) || id != "2026-620902-000001" {
		t.Errorf("parseCursor(%s) = %v %s %v", c, got, id, ok)
	}
	for _, bad := range []string{"", "!!", "bm9waXBl", "MTIzfA"} {
		if _, _, ok := parseCursor(bad); ok {
			t.Errorf("parseCursor(%q) accepted", bad)
		}
	}
}

func TestLikeEscape(t *testing.T) {
	if got := likePrefix(`/62/a_b%c\`); got != `/62/a\_b\%c\\%` {
		t.Errorf("likePrefix = %s", got)
	}
	if got := likeContains("漏水"); got != "%漏水%" {
		t.Errorf("likeContains = %s", got)
	}
}

func TestDialectOf(t *testing.T) {
	for dsn, want := range map[string]Dialect{
		"postgres://u@h/db":   Postgres,
		"postgresql://u@h/db": Postgres,
		"data/pingan.db":      SQLite,
		"/var/lib/pingan.db":  SQLite,
	} {
		if got := dialectOf(dsn); got != want {
			t.Errorf("dialectOf(%s) = %s", dsn, got)
		}
	}
	if got := redactDSN("postgres://u:secret@h/db"); got != "postgres://u:xxxxx@h/db" {
		t.Errorf("redactDSN = %s", got)
	}
}

func TestPgDumpArgs(t *testing.T) {
	got, err := pgDumpArgs("postgres://u:p@h:5432/db?sslmode=disable&search_path=pingan_a,public&pool_max_conns=4")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--schema=pingan_a", "--dbname=postgres://u:p@h:5432/db?sslmode=disable"}
	if !slices.Equal(got, want) {
		t.Errorf("pgDumpArgs = %q, want %q", got, want)
	}
}
