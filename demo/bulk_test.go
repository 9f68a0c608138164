package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestBulk: cases added in bulk to a demo city, on both databases, stand
// in every status in a city's proportions, lie in the city's grids, have
// timelines that agree with their rows, and are counted in the statistics
// exactly as a recount counts them.
func TestBulk(t *testing.T) {
	n := 5000
	if race {
		n = 1500
	}
	for _, dbName := range []string{"SQLite", "Postgres"} {
		t.Run(dbName, func(t *testing.T) {
			if race && dbName == "SQLite" && os.Getenv(storetest.PostgresEnv) != "" {
				// The loader's goroutines are the same code on both
				// databases; under the race detector SQLite's engine is
				// instrumented Go too and takes four times PostgreSQL's time.
				t.Skip("race pass: the load's concurrency runs on PostgreSQL; SQLite runs in the full pass")
			}
			clock := NewClock()
			o := store.Options{Clock: clock}
			if dbName == "Postgres" {
				o.DSN = storetest.PostgresDSN(t)
			}
			db := storetest.OpenWith(t, o)
			ctx := context.Background()
			opt := small
			opt.Days, opt.Cases = 14, 60
			c, err := Seed(ctx, services(db), clock, opt)
			if err != nil {
				t.Fatal(err)
			}
			// The load drops the indexes of cases and timelines (and their
			// foreign keys on PostgreSQL) and makes them again at its end,
			// as they were.
			indexes := indexDefs(t, db)
			load, err := db.BeginBulkLoad(ctx, store.BulkLoadOptions{DropIndexes: []string{"cases", "actions"}, Unjournaled: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := indexDefs(t, db); len(got) >= len(indexes) {
				t.Errorf("%d indexes during the load, %d before", len(got), len(indexes))
			}
			// A retention shorter than the load's two years, for the
			// purges below: services and hazards a year (the least).
			if err := db.BulkExec(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE retention_policy SET months = 12 WHERE kind IN ('service', 'hazard')`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			begin := func(ctx context.Context) (BulkTx, error) { return load.Begin(ctx) }
			var calls int
			res, err := Bulk(ctx, services(db), begin, BulkOptions{City: c.Code, Seed: opt.Seed, Cases: n, Years: 2, Now: opt.Now,
				Progress: func(done, total int) { calls++ }, End: load.End})
			if err != nil {
				t.Fatal(err)
			}
			if got := indexDefs(t, db); !slices.Equal(got, indexes) {
				t.Errorf("indexes after the load:\n%s\nbefore:\n%s", strings.Join(got, "\n"), strings.Join(indexes, "\n"))
			}
			if res.Cases != n || calls < 24 {
				t.Errorf("wrote %d cases in %d transactions, want %d in one a month at least", res.Cases, calls, n)
			}
			checkBulk(t, db, n)
			// The cases closed before their retention ran out have their
			// personal data purged, as the retention job would have: at
			// the load's last moment it finds none left to purge.
			var purged, kept int
			err = db.BulkExec(ctx, func(tx *sql.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT COUNT(personal_purged_at), COUNT(reporter_sealed) FROM cases
					WHERE personal_purged_at IS NOT NULL`).Scan(&purged, &kept)
			})
			if err != nil {
				t.Fatal(err)
			}
			if purged == 0 || kept != 0 {
				t.Errorf("%d cases purged in the load, %d of them keeping their reporter", purged, kept)
			}
			clock.Set(opt.Now) // the moment the load ran to
			if due, err := db.Security.PurgePersonal(ctx, true); err != nil {
				t.Fatal(err)
			} else if due.Total != 0 {
				t.Errorf("after the load the retention job finds %d cases to purge: %v", due.Total, due.ByKind)
			}
			if dbName == "SQLite" {
				// The counters analysed: a month of every node is read
				// along the key, not by reading the table.
				var plan []string
				err := db.BulkExec(ctx, func(tx *sql.Tx) error {
					rows, err := tx.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT node FROM tallies_day WHERE day >= '2026-01-01' AND day < '2026-02-01'`)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						var id, parent, unused int
						var detail string
						if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
							return err
						}
						plan = append(plan, detail)
					}
					return rows.Err()
				})
				if err != nil {
					t.Fatal(err)
				}
				if p := strings.Join(plan, "; "); !strings.Contains(p, "PRIMARY KEY") {
					t.Errorf("a month of the day counters is read by %q, not along their key", p)
				}
			}
		})
	}
}

// indexDefs answers the statements that make the indexes of the database
// (and on PostgreSQL its constraints), in the order of their names, but
// the key of a load's record.
func indexDefs(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := `SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`
	if db.Dialect() == store.Postgres {
		q = `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
			UNION ALL SELECT c.conname || ': ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
			JOIN pg_class t ON t.oid = c.conrelid WHERE t.relnamespace = current_schema()::regnamespace ORDER BY 1`
	}
	var out []string
	err := db.BulkExec(context.Background(), func(tx *sql.Tx) error {
		rows, err := tx.Query(q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			// The key of a load's record (bulk_dropped_indexes, which a
			// load keeps until its end) is not the schema's.
			if !strings.HasPrefix(s, "bulk_dropped_indexes") {
				out = append(out, s)
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkBulk(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	const bulk = `c.description LIKE '群众反映：%'`
	count := func(q string) int {
		t.Helper()
		var k int
		err := db.BulkExec(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, q).Scan(&k) })
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return k
	}
	if got := count(`SELECT count(*) FROM cases c WHERE ` + bulk); got != n {
		t.Fatalf("%d bulk cases, want %d", got, n)
	}
	// Statuses: most closed, some of each open one, a few rejected.
	by := map[pingan.Status]int{}
	for _, s := range pingan.Statuses {
		by[s] = count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND status = '` + string(s) + `'`)
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	if s := share(by[pingan.StatusClosed]); s < 0.75 || s > 0.97 {
		t.Errorf("closed %.3f of the cases: %v", s, by)
	}
	if s := share(by[pingan.StatusRejected]); s < 0.01 || s > 0.08 {
		t.Errorf("rejected %.3f of the cases: %v", s, by)
	}
	open := []pingan.Status{pingan.StatusInProgress, pingan.StatusResolved}
	if !race {
		// Held before dispatch, or dispatched and not yet signed (hours,
		// now that no case waits for ever): a smaller city may have none.
		open = append(open, pingan.StatusAccepted, pingan.StatusDispatched)
	}
	for _, s := range open {
		if by[s] == 0 {
			t.Errorf("no case %s: %v", s, by)
		}
	}
	if s := share(count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND overdue`)); s < 0.03 || s > 0.3 {
		t.Errorf("overdue %.3f of the cases", s)
	}
	for what, k := range map[string]int{
		"petition answered": count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND kind = 'petition' AND pet_stage = 'answered'`),
		"escalated":         count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND escalation_level > 0`),
		"returned":          count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND returns > 0`),
		"reworked":          count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND reworks > 0`),
		"reopened":          count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND reopens > 0`),
		"rated":             count(`SELECT count(*) FROM cases c WHERE ` + bulk + ` AND satisfaction IS NOT NULL`),
	} {
		if k == 0 {
			t.Errorf("no case %s", what)
		}
	}
	// Timelines: numbered 1 … n, a report first, each step from the status
	// the last left and not before it, the last in the case's status, and
	// as many returns, reworks, reopens and escalations as the row counts.
	for what, q := range map[string]string{
		"seq not 1 … n": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND (SELECT count(*) FROM actions a WHERE a.region = c.region AND a.case_id = c.id)
			<> (SELECT max(seq) FROM actions a WHERE a.region = c.region AND a.case_id = c.id)`,
		"no report first": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND NOT EXISTS (SELECT 1 FROM actions a
			WHERE a.region = c.region AND a.case_id = c.id AND a.seq = 1 AND a.action = 'report' AND a.acted_at = c.reported_at)`,
		"a step from another status": `SELECT count(*) FROM actions a JOIN actions b ON b.region = a.region AND b.case_id = a.case_id
			AND b.seq = a.seq + 1 JOIN cases c ON c.region = a.region AND c.id = a.case_id WHERE ` + bulk + ` AND b.from_status <> a.to_status`,
		"a step back in time": `SELECT count(*) FROM actions a JOIN actions b ON b.region = a.region AND b.case_id = a.case_id
			AND b.seq = a.seq + 1 JOIN cases c ON c.region = a.region AND c.id = a.case_id WHERE ` + bulk + ` AND b.acted_at < a.acted_at`,
		"last step not in the status": `SELECT count(*) FROM cases c JOIN actions a ON a.region = c.region AND a.case_id = c.id
			WHERE ` + bulk + ` AND a.seq = (SELECT max(seq) FROM actions b WHERE b.region = c.region AND b.case_id = c.id) AND a.to_status <> c.status`,
		"escalations": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND c.escalation_level <> (SELECT count(*) FROM actions a
			WHERE a.region = c.region AND a.case_id = c.id AND a.action = 'escalate')`,
		"closed_at": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND (c.closed_at IS NOT NULL) <> (c.status IN ('closed', 'rejected'))`,
		"signed_at": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND (c.signed_at IS NOT NULL) <> (c.status IN ('in_progress', 'resolved', 'closed'))`,
		"rated": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND c.satisfaction IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actions a
			WHERE a.region = c.region AND a.case_id = c.id AND a.action = 'rate' AND a.satisfaction = c.satisfaction)`,
		"outside the city's grids": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.code = c.grid)`,
		// A petition's stage fits its status (docs/petitions.md).
		"a petition's stage not its status": `SELECT count(*) FROM cases c WHERE ` + bulk + ` AND c.kind = 'petition' AND NOT (
			(c.pet_stage = 'registered' AND c.status IN ('reported', 'accepted')) OR
			(c.pet_stage = 'forwarded' AND c.status IN ('dispatched', 'in_progress') AND c.pet_decided_on IS NOT NULL) OR
			(c.pet_stage = 'accepted' AND c.status = 'in_progress' AND c.pet_accepted_on IS NOT NULL) OR
			(c.pet_stage = 'answered' AND c.status IN ('resolved', 'closed') AND c.pet_answered_on IS NOT NULL AND c.pet_opinion <> '') OR
			(c.pet_stage = 'not_accepted' AND c.status IN ('rejected', 'resolved', 'closed')))`,
	} {
		if k := count(q); k > 0 {
			t.Errorf("%d bulk cases: %s", k, what)
		}
	}
	// Each case lies in its grid.
	ix := gridIndex(t, db)
	var outside int
	err := db.BulkExec(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.grid, c.lat, c.lng FROM cases c WHERE `+bulk)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var grid string
			var lat, lng float64
			if err := rows.Scan(&grid, &lat, &lng); err != nil {
				return err
			}
			if got := ix.Covering(lat, lng); len(got) != 1 || got[0] != grid {
				outside++
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if outside > 0 {
		t.Errorf("%d bulk cases lie outside their grid", outside)
	}
	// The counters, summed as the cases were written, are the recount.
	began := time.Now()
	check, err := db.Stats.VerifyTallies(ctx, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Counters) > 0 || len(check.Rows) > 0 {
		t.Errorf("the counters differ from the recount of %d cases: %v %v", check.Cases, check.Counters, check.Rows)
	}
	t.Logf("%d cases verified in %v", check.Cases, time.Since(began).Round(time.Millisecond))
}

// BenchmarkBulk writes PINGAN_BENCH_BULK cases (100,000 by default) in
// bulk into a small demo city, on SQLite (or on PostgreSQL with
// PINGAN_BENCH_POSTGRES=1 and PINGAN_TEST_POSTGRES), a new database each
// time: `go test -run '^$' -bench Bulk -benchtime 1x -cpuprofile cpu.out
// ./demo/`.
func BenchmarkBulk(b *testing.B) {
	n := 100000
	if s := os.Getenv("PINGAN_BENCH_BULK"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	for range b.N {
		b.StopTimer()
		clock := NewClock()
		o := store.Options{Clock: clock}
		if os.Getenv("PINGAN_BENCH_POSTGRES") != "" {
			o.DSN = storetest.PostgresDSN(b)
		}
		db := storetest.OpenWith(b, o)
		ctx := context.Background()
		opt := small
		opt.Days, opt.Cases = 14, 60
		c, err := Seed(ctx, services(db), clock, opt)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		began := time.Now()
		// As `pingan demo --bulk` loads into a new database.
		lo := store.BulkLoadOptions{DropIndexes: []string{"cases", "actions"}, Unjournaled: true}
		load, err := db.BeginBulkLoad(ctx, lo)
		if err != nil {
			b.Fatal(err)
		}
		begin := func(ctx context.Context) (BulkTx, error) { return load.Begin(ctx) }
		if _, err := Bulk(ctx, services(db), begin, BulkOptions{City: c.Code, Seed: opt.Seed, Cases: n, Now: opt.Now, End: load.End}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/time.Since(began).Seconds(), "cases/s")
	}
}

// TestCaseNumber: the numbers of bulk cases are written as the store
// writes them.
func TestCaseNumber(t *testing.T) {
	for _, year := range []int{7, 2026, 12345} {
		for _, seq := range []int{0, 1, 9, 10, 123, 999999, 1000000, 12345678} {
			if got, want := caseNumber(year, "620902", seq), fmt.Sprintf("%04d-%s-%06d", year, "620902", seq); got != want {
				t.Errorf("caseNumber(%d, 620902, %d) = %s, want %s", year, seq, got, want)
			}
		}
	}
}

// TestBulkLoadRecovers: the indexes a load dropped come back when the load
// fails, and after a load that died before its end, at the start of the
// next one.
func TestBulkLoadRecovers(t *testing.T) {
	for _, dbName := range []string{"SQLite", "Postgres"} {
		t.Run(dbName, func(t *testing.T) {
			var o store.Options
			if dbName == "Postgres" {
				o.DSN = storetest.PostgresDSN(t)
			}
			db := storetest.OpenWith(t, o)
			ctx := context.Background()
			indexes := indexDefs(t, db)
			drop := store.BulkLoadOptions{DropIndexes: []string{"cases", "actions"}}
			// A load that fails, before its cases or at its first
			// transaction: Bulk ends it all the same.
			begin := func(ctx context.Context) (BulkTx, error) { return nil, errors.New("no transaction") }
			for _, city := range []string{"no such city", "500114"} {
				load, err := db.BeginBulkLoad(ctx, drop)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := Bulk(ctx, services(db), begin, BulkOptions{City: city, Seed: 1, Cases: 10, End: load.End}); err == nil {
					t.Fatal("a load without transactions succeeded")
				}
				if got := indexDefs(t, db); !slices.Equal(got, indexes) {
					t.Errorf("after a failed load into %s, %d indexes and keys, want %d", city, len(got), len(indexes))
				}
			}
			// A load that dies: the next one makes them again first.
			if _, err := db.BeginBulkLoad(ctx, drop); err != nil {
				t.Fatal(err)
			}
			if got := indexDefs(t, db); len(got) >= len(indexes) {
				t.Fatalf("%d indexes and keys during the load, %d before", len(got), len(indexes))
			}
			next, err := db.BeginBulkLoad(ctx, store.BulkLoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := indexDefs(t, db); !slices.Equal(got, indexes) {
				t.Errorf("after a load that died, %d indexes and keys, want %d", len(got), len(indexes))
			}
			if err := next.End(ctx); err != nil {
				t.Fatal(err)
			}
			if dbName == "Postgres" {
				// The end of a load leaves the planner statistics of the
				// tables it wrote.
				var analyzed bool
				if err := db.BulkExec(ctx, func(tx *sql.Tx) error {
					return tx.QueryRow(`SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables
						WHERE schemaname = current_schema() AND relname = 'cases'`).Scan(&analyzed)
				}); err != nil {
					t.Fatal(err)
				}
				if !analyzed {
					t.Error("the cases were not analysed at the end of the load")
				}
			}
		})
	}
}
