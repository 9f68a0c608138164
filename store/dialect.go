package store

// Every difference between SQLite and PostgreSQL that the Go code knows of is
// in this file. The DDL of each dialect is in its own migrations directory;
// every query (DML) is one text for both, with $N placeholders, except for
// the few fragments answered here.

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// dialectOf answers the dialect of a DSN: postgres:// and postgresql://
// URLs are PostgreSQL, everything else is the path of a SQLite file.
func dialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Roles of SQLite connections.
type sqliteRole int

const (
	sqliteWriter sqliteRole = iota // the one writer: WAL, immediate transactions
	sqliteReader                   // the pool of readers: query only
	sqliteCopier                   // a one-off connection that writes only elsewhere (VACUUM INTO)
)

// sqliteDSN answers the modernc.org/sqlite DSN of the file at path for a
// connection of the role. The writer begins its transactions IMMEDIATE, so
// that writers from other processes queue on the busy timeout instead of
// failing on a lock upgrade, and keeps its temporary files in memory: the
// sub-journals of the savepoints of group commit (group.go).
func sqliteDSN(path string, role sqliteRole) string {
	// The name goes to SQLite's URI parser: escape what it would take as
	// the start of the query or the fragment.
	name := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	switch role {
	case sqliteWriter:
		q += "&_pragma=journal_mode(WAL)&_txlock=immediate&_pragma=temp_store(MEMORY)"
	case sqliteReader:
		q += "&_pragma=query_only(1)"
	}
	return "file:" + name + "?" + q
}

// DriverDSN answers the database/sql driver and data source with which
// the store's writer connects to dsn (for a SQLite file: WAL, immediate
// transactions and the store's pragmas), for the rare program that needs
// a connection of its own configured the same: storetest's raw-insert
// benchmark.
func DriverDSN(dsn string) (driver, source string) {
	if dialectOf(dsn) == Postgres {
		return "pgx", dsn
	}
	return "sqlite", sqliteDSN(dsn, sqliteWriter)
}

// timeLayout is how SQLite stores a timestamp: TEXT in UTC with a fixed
// width, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000Z"

// ts answers the value to bind for a timestamp. Timestamps are kept to the
// millisecond in both dialects, so both answer the same.
func (d Dialect) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Millisecond)
	if d == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

// tsp is ts for a nullable timestamp.
func (d Dialect) tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.ts(*t)
}

// stamp scans a nullable timestamp from either dialect: TEXT from SQLite,
// timestamptz from PostgreSQL. Times come back in China Standard Time.
type stamp struct {
	T     time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (s *stamp) Scan(v any) error {
	s.Valid = false
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		s.T = v
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T as a timestamp", v)
	}
	s.T, s.Valid = s.T.In(cst), true
	return nil
}

func (s *stamp) parse(v string) error {
	t, err := time.Parse(timeLayout, v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return fmt.Errorf("store: bad timestamp %q", v)
		}
	}
	s.T, s.Valid = t.In(cst), true
	return nil
}

// ptr answers the time or nil.
func (s stamp) ptr() *time.Time {
	if !s.Valid {
		return nil
	}
	t := s.T
	return &t
}

// forUpdate locks the selected rows until the end of the transaction on
// PostgreSQL; SQLite's single writer already excludes other writers.
func (d Dialect) forUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked claims rows that no other transaction holds, so that several
// servers never take the same row (PostgreSQL); nothing on SQLite.
func (d Dialect) skipLocked() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// ilike is the case-insensitive LIKE: SQLite's LIKE already ignores ASCII
// case, PostgreSQL's does not.
func (d Dialect) ilike() string {
	if d == Postgres {
		return "ILIKE"
	}
	return "LIKE"
}

// migrationLock serialises concurrent migrations (several servers
// starting at once) on PostgreSQL; SQLite's immediate transaction does.
func (d Dialect) migrationLock() string {
	if d == Postgres {
		return "SELECT pg_advisory_xact_lock(7426170001)"
	}
	return ""
}

// foldTurn is the statement that takes the turn to fold the journal into
// the counters (journal.go lockFold) in a transaction on PostgreSQL, in
// the schema of the store: one fold at a time, among every server of it.
const foldTurn = `SELECT pg_advisory_xact_lock(74261702, hashtext(current_schema()))`

// tableExists is a query answering 1 when the table $1 exists in the
// current schema.
func (d Dialect) tableExists() string {
	if d == Postgres {
		return "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1"
	}
	return "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
}

// isUnique reports whether err is a violation of a unique or primary key
// constraint.
func isUnique(err error) bool {
	var le *sqlite.Error
	if errors.As(err, &le) {
		return le.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || le.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// isDeadlock reports whether err is PostgreSQL cancelling a statement to
// break a deadlock (or a serialization failure): the same work may succeed
// when run again. SQLite's one writer never deadlocks.
func isDeadlock(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// likePrefix answers a LIKE pattern matching every string that starts with
// s, with LIKE's wildcards in s escaped (use with ESCAPE '\').
func likePrefix(s string) string {
	return likeEscape(s) + "%"
}

// likeContains answers a LIKE pattern matching every string containing s.
func likeContains(s string) string {
	return "%" + likeEscape(s) + "%"
}

func likeEscape(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// pgDumpArgs answers the pg_dump arguments that select the database of a
// pgx DSN. libpq, which pg_dump uses, refuses the run-time parameters that
// pgx passes on (search_path=…) in a URL: they are taken out, and a
// search_path becomes --schema, which is where pingan's tables are.
func pgDumpArgs(dsn string) ([]string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	libpq := map[string]bool{"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
		"passfile": true, "channel_binding": true, "connect_timeout": true, "client_encoding": true, "options": true,
		"application_name": true, "fallback_application_name": true, "keepalives": true, "keepalives_idle": true,
		"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true, "sslmode": true,
		"sslcert": true, "sslkey": true, "sslpassword": true, "sslrootcert": true, "sslcrl": true, "sslcrldir": true,
		"sslsni": true, "requirepeer": true, "ssl_min_protocol_version": true, "ssl_max_protocol_version": true,
		"gssencmode": true, "krbsrvname": true, "gsslib": true, "service": true, "target_session_attrs": true}
	q := u.Query()
	var args []string
	for k, v := range q {
		if libpq[k] {
			continue
		}
		if k == "search_path" && len(v) > 0 {
			schema := strings.TrimSpace(strings.Split(v[0], ",")[0])
			if schema != "" {
				args = append(args, "--schema="+schema)
			}
		}
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return append(args, "--dbname="+u.String()), nil
}

// redactDSN hides the password of a PostgreSQL URL for logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
