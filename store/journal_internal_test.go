package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// TestFoldsSideBySide: changes journalled and folded by many writers at
// once, each fold with its own mix of measures over the same counters, end
// with every sum in the tables and no fold lost to a deadlock. A fold
// writes its rows by groups of measures, not in the order of their keys
// (writeTallies), so two folds of different mixes on PostgreSQL would take
// the same rows' locks in opposite orders; folds take their turn instead
// (lockFold).
func TestFoldsSideBySide(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		kinds := []pingan.Kind{pingan.KindService, pingan.KindDispute, pingan.KindPetition, pingan.KindHazard}
		var mu sync.Mutex
		want := map[dayKey]*pingan.Tally{}
		const writers, changes = 8, 30
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 11))
				for range changes {
					// A change of a dozen rows over the same few nodes and
					// days as every other writer's, each row with a few
					// measures of its kind.
					p := newPending()
					for range 4 + rng.IntN(12) {
						k := dayKey{string(rune('a' + rng.IntN(4))), fmt.Sprintf("2026-11-%02d", 20+rng.IntN(3)), kinds[rng.IntN(len(kinds))]}
						r := pingan.TallyRow{Node: k.node, Key: pingan.TallyKey{Day: k.day, Kind: k.kind}}
						own := pingan.KindMeasures(k.kind)
						for range 1 + rng.IntN(4) {
							if m := pingan.Measure(rng.IntN(int(pingan.NumMeasures))); own&(1<<m) != 0 {
								r.T[m]++
							}
						}
						if r.T.Zero() {
							continue
						}
						p.add([]pingan.TallyRow{r})
						mu.Lock()
						if want[k] == nil {
							want[k] = new(pingan.Tally)
						}
						want[k].Add(&r.T)
						mu.Unlock()
					}
					tx, err := db.beginWrite(ctx)
					if err != nil {
						errs[w] = err
						return
					}
					err = db.journal(ctx, tx, p.sorted(), nil)
					if err == nil {
						err = tx.Commit()
					}
					tx.Rollback()
					if err == nil {
						err = db.Fold(ctx)
					}
					if err != nil {
						errs[w] = err
						return
					}
				}
			})
		}
		wg.Wait()
		for w, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v", w, err)
			}
		}
		if err := db.Fold(ctx); err != nil {
			t.Fatal(err)
		}
		checkDayRows(t, db.read, want)
	})
}

// TestFoldTakesTurns: on PostgreSQL a fold, and each rebuild, wait while
// another transaction holds the turn to fold, and go on once it ends; a
// rebuild takes the turn before it locks the journal or the counters, so
// the fold that holds the turn still moves the journal's rows into them
// (the other order is a deadlock: the rebuild holding a table locked,
// waiting for the turn; the fold holding the turn, waiting for the table).
func TestFoldTakesTurns(t *testing.T) {
	// PostgreSQL alone: SQLite has one writer.
	db := openInternal(t, postgresSchema(t, postgresBase(t)))
	db.HaltFolder()
	ctx := context.Background()
	// change journals one change of a report at a grid.
	change := func() {
		t.Helper()
		var tl pingan.Tally
		tl[pingan.MReported] = 1
		tx, err := db.beginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		var g pingan.Gauge
		g[0] = 1
		if err := db.journal(ctx, tx, []pingan.TallyRow{{Node: "g", Key: pingan.TallyKey{Day: "2026-11-27", Kind: pingan.KindService}, T: tl}},
			[]pingan.GaugeRow{{Node: "g", Key: pingan.GaugeKey{DueDay: "2026-11-30", Kind: pingan.KindService}, G: g}}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// waiting answers whether a transaction waits for this schema's turn.
	waiting := func() bool {
		t.Helper()
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND classid = 74261702 AND objid::bigint = (hashtext(current_schema())::bigint & 4294967295)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	for _, other := range []struct {
		name string
		run  func() error
	}{
		{"fold", func() error { return db.Fold(ctx) }},
		{"rebuild", func() error { _, err := db.Stats.RebuildTallies(ctx, nil); return err }},
		// A month's and the gauges' rebuilds lock the tables the fold
		// holding the turn writes.
		{"rebuild of a month", func() error {
			_, err := db.Stats.rebuildMonth(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, pingan.CST), true)
			return err
		}},
		{"rebuild of the gauges", func() error { _, err := db.Stats.RebuildGauges(ctx); return err }},
	} {
		t.Run(other.name, func(t *testing.T) {
			change()
			holder, err := db.beginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Rollback()
			if err := db.lockFold(ctx, holder); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- other.run() }()
			for !waiting() {
				select {
				case err := <-done:
					t.Fatalf("the %s ended (%v) while another transaction held the turn to fold", other.name, err)
				case <-time.After(10 * time.Millisecond):
				}
			}
			if n, err := db.foldInto(ctx, holder); err != nil || n != 1 {
				t.Fatalf("the fold holding the turn moved %d rows (%v), want 1", n, err)
			}
			if err := holder.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatalf("the %s, after its turn: %v", other.name, err)
			}
			if n, err := db.JournalRows(ctx); err != nil || n != 0 {
				t.Fatalf("journal after both: %d rows, %v", n, err)
			}
		})
	}
}
