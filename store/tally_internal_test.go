package store

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// TestMeasureGroups: every measure is in exactly one group, so that a row
// written with its groups' measures (writeTallies) keeps each it changes.
func TestMeasureGroups(t *testing.T) {
	for m := range pingan.NumMeasures {
		in := 0
		for _, g := range measureGroups {
			if g&(1<<m) != 0 {
				in++
			}
		}
		if in != 1 {
			t.Errorf("measure %s is in %d groups, want 1", pingan.MeasureNames[m], in)
		}
		if widen(1<<m)&(1<<m) == 0 {
			t.Errorf("widen drops %s", pingan.MeasureNames[m])
		}
	}
}

// TestTallyTextsFew: rows of any measures, in any number, are added with a
// few texts — the groups of measures that occur together, in runs of 16,
// 8, 4, 2 and 1 rows — where their exact measures and numbers would make a
// thousand; and every measure of every row is added.
func TestTallyTextsFew(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		tx, err := db.beginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		texts := map[string]*sql.Stmt{} // each prepared once, as the writer keeps them
		stmt := func(q string) (*sql.Stmt, error) {
			if s := texts[q]; s != nil {
				return s, nil
			}
			s, err := tx.PrepareContext(ctx, db.stmts.sql(q))
			texts[q] = s
			return s, err
		}
		want := map[dayKey]*pingan.Tally{}
		exact := map[[2]int64]bool{} // (set, rows) as they were written before
		rng := rand.New(rand.NewPCG(9, 9))
		kinds := []pingan.Kind{pingan.KindService, pingan.KindDispute, pingan.KindPetition, pingan.KindHazard}
		// Folds as the journal's folder adds them: rows of one node, day and
		// kind each, a few measures of that kind each, at random.
		for range 300 {
			var rs []pingan.TallyRow
			seen := map[dayKey]bool{}
			for range 1 + rng.IntN(40) {
				k := dayKey{string(rune('a' + rng.IntN(8))), "2026-11-2" + string(rune('1'+rng.IntN(9))), kinds[rng.IntN(len(kinds))]}
				if seen[k] {
					continue
				}
				seen[k] = true
				r := pingan.TallyRow{Node: k.node, Key: pingan.TallyKey{Day: k.day, Kind: k.kind}}
				own := pingan.KindMeasures(k.kind)
				for range 1 + rng.IntN(5) {
					if m := pingan.Measure(rng.IntN(int(pingan.NumMeasures))); own&(1<<m) != 0 {
						r.T[m] += int64(1 + rng.IntN(3))
					}
				}
				if r.T.Zero() {
					continue
				}
				rs = append(rs, r)
				if want[k] == nil {
					want[k] = new(pingan.Tally)
				}
				want[k].Add(&r.T)
			}
			sets := map[measureSet]int64{}
			for _, r := range rs {
				sets[measuresOf(&r.T)]++
			}
			for s, n := range sets {
				exact[[2]int64{int64(s), min(n, maxTallyRows)}] = true
			}
			if err := writeTallies(ctx, dayTallies, dayTallies.project(rs), stmt); err != nil {
				t.Fatal(err)
			}
		}
		if len(texts) > 150 || len(exact) < 4*len(texts) {
			t.Errorf("%d texts, where the exact measures and rows would make %d", len(texts), len(exact))
		}
		t.Logf("%d texts, where the exact measures and rows would make %d", len(texts), len(exact))
		checkDayRows(t, tx, want)
	})
}

// dayKey is the key of the day rows these tests write: node, day, kind.
type dayKey struct {
	node, day string
	kind      pingan.Kind
}

// checkDayRows requires the day rows q reads to be want's, every measure.
func checkDayRows(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, want map[dayKey]*pingan.Tally) {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `SELECT node, day, kind, `+strings.Join(measureColumns, ", ")+` FROM tallies_day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		var k dayKey
		var tl pingan.Tally
		dest := []any{&k.node, &k.day, &k.kind}
		for i := range tl {
			dest = append(dest, &tl[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		got++
		if w := want[k]; w == nil || *w != tl {
			t.Errorf("%v: %v, want %v", k, tl, w)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got != len(want) {
		t.Errorf("%d rows, want %d", got, len(want))
	}
}
