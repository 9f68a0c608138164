package store_test

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// The journal of the counters (store/journal.go): what it holds counts
// before it is moved into the tables, the same as after; two stores moving
// it at once move each row once; a rebuild takes it in.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"TallyJournalRead", testTallyJournalRead},
		{"TallyJournalTwoFolders", testTallyJournalTwoFolders},
		{"TallyJournalRebuild", testTallyJournalRebuild},
	}...)
}

// statsView is every reading of the statistics a dashboard makes, for
// comparing two states of the counters.
type statsView struct {
	Whole, Kind *pingan.Stats
	Series      []*pingan.Stats
	ByUnit      []*pingan.Stats
	ByCategory  []*pingan.Stats
	Days        *pingan.Stats
	// What is open now, from the gauges.
	Open   *pingan.OpenNow
	OpenBy []*pingan.OpenNow
}

func readView(t *testing.T, e *env) statsView {
	t.Helper()
	u := e.fx.CityLeader
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, pingan.CST)
	to := time.Date(2026, 7, 1, 0, 0, 0, 0, pingan.CST)
	q := pingan.StatsQuery{Unit: "620900", From: from, To: to}
	var v statsView
	var err error
	if v.Whole, err = e.db.Stats.Stats(ctx, u, q); err != nil {
		t.Fatal(err)
	}
	kq := q
	kq.Kind = pingan.KindDispute
	if v.Kind, err = e.db.Stats.Stats(ctx, u, kq); err != nil {
		t.Fatal(err)
	}
	var bounds []time.Time
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		bounds = append(bounds, m)
	}
	if v.Series, err = e.db.Stats.StatsSeries(ctx, u, q, bounds); err != nil {
		t.Fatal(err)
	}
	if v.ByUnit, err = e.db.Stats.StatsBy(ctx, u, q, pingan.ByUnit); err != nil {
		t.Fatal(err)
	}
	if v.ByCategory, err = e.db.Stats.StatsBy(ctx, u, q, pingan.ByCategory); err != nil {
		t.Fatal(err)
	}
	// Days at both ends of whole months.
	dq := q
	dq.From, dq.To = time.Date(2026, 1, 29, 0, 0, 0, 0, pingan.CST), time.Date(2026, 3, 3, 0, 0, 0, 0, pingan.CST)
	if v.Days, err = e.db.Stats.Stats(ctx, u, dq); err != nil {
		t.Fatal(err)
	}
	if v.Open, err = e.db.Stats.OpenNow(ctx, u, pingan.StatsQuery{Unit: "620900"}); err != nil {
		t.Fatal(err)
	}
	if v.OpenBy, err = e.db.Stats.OpenNowBy(ctx, u, pingan.StatsQuery{Unit: "620900"}, pingan.ByUnit); err != nil {
		t.Fatal(err)
	}
	return v
}

// The counts in the journal are read with the tables: every reading is
// the same before the journal is moved into them and after, and verify
// finds no difference either way.
func testTallyJournalRead(t *testing.T, e *env) {
	e.db.HaltFolder()
	e.clock.Set(time.Date(2026, 1, 28, 9, 0, 0, 0, pingan.CST))
	cases, steps := walkSize()
	e.walk(t, 11, cases/2, steps/2)
	n, err := e.db.JournalRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("nothing journalled: the counters were written directly")
	}
	e.noDiffs(t)
	before := readView(t, e)
	if before.Whole.Total == 0 || len(before.Series) != 6 || before.Open.Open == 0 || before.Open.OverdueNow == 0 {
		t.Fatalf("the reading counts nothing: %+v, open now %+v", before.Whole, before.Open)
	}
	if err := e.db.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := e.db.JournalRows(ctx); err != nil || n != 0 {
		t.Fatalf("journal after folding: %d rows, %v", n, err)
	}
	e.noDiffs(t)
	after := readView(t, e)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the readings differ once the journal is in the tables:\nbefore %+v %+v\nafter  %+v %+v", before.Whole, before.Open,
			after.Whole, after.Open)
	}
}

// Two stores on one database fold at once: each row of the journal is
// counted once.
func testTallyJournalTwoFolders(t *testing.T, e *env) {
	other := e.open(t)
	e.db.HaltFolder()
	other.HaltFolder()
	e.clock.Set(time.Date(2026, 2, 2, 9, 0, 0, 0, pingan.CST))
	cases, steps := walkSize()
	e.walk(t, 12, cases/2, steps/2)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		db := e.db
		if i%2 == 1 {
			db = other
		}
		wg.Go(func() { errs[i] = db.Fold(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := e.db.JournalRows(ctx); err != nil || n != 0 {
		t.Fatalf("journal after folding: %d rows, %v", n, err)
	}
	e.noDiffs(t)
}

// A rebuild with changes in the journal: they are taken in, not counted
// twice.
func testTallyJournalRebuild(t *testing.T, e *env) {
	e.db.HaltFolder()
	e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST))
	e.walk(t, 13, 30, 200)
	if n, err := e.db.JournalRows(ctx); err != nil || n == 0 {
		t.Fatalf("journal before the rebuild: %d rows, %v", n, err)
	}
	if _, err := e.db.Stats.RebuildTallies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := e.db.JournalRows(ctx); err != nil || n != 0 {
		t.Fatalf("journal after the rebuild: %d rows, %v", n, err)
	}
	e.noDiffs(t)
}

// The journal's encoding reads back what it wrote, counters and gauges,
// and refuses what is cut short or has bytes left over.
func TestTallyJournalEncoding(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	words := []string{"", "620902", "620902001001-01", "2026-11-27", "dispute", "0102", "hotline", "网格"}
	w := func() string { return words[r.IntN(len(words))] }
	value := func() int64 {
		if r.IntN(4) == 0 {
			return r.Int64N(1<<40) - 1<<39
		}
		return 0
	}
	for range 200 {
		rows := make([]pingan.TallyRow, r.IntN(20))
		for i := range rows {
			rows[i] = pingan.TallyRow{Node: w(), Key: pingan.TallyKey{Region: w(), Day: w(), Kind: pingan.Kind(w()),
				Category: w(), Source: pingan.Source(w())}}
			for m := range rows[i].T {
				rows[i].T[m] = value()
			}
		}
		gauges := make([]pingan.GaugeRow, r.IntN(8))
		for i := range gauges {
			gauges[i] = pingan.GaugeRow{Node: w(), Key: pingan.GaugeKey{DueDay: w(), Region: w(), Kind: pingan.Kind(w()),
				Category: w(), Source: pingan.Source(w())}}
			for m := range gauges[i].G {
				gauges[i].G[m] = value()
			}
		}
		b := store.EncodeJournal(rows, gauges)
		got, gotGauges, err := store.DecodeJournal(b, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if (len(rows) > 0 || len(got) > 0) && !reflect.DeepEqual(got, rows) {
			t.Fatalf("decoded %v, encoded %v", got, rows)
		}
		if (len(gauges) > 0 || len(gotGauges) > 0) && !reflect.DeepEqual(gotGauges, gauges) {
			t.Fatalf("decoded gauges %v, encoded %v", gotGauges, gauges)
		}
		if _, _, err := store.DecodeJournal(b[:len(b)-1], nil, nil); err == nil {
			t.Fatal("a row cut short was read")
		}
		if _, _, err := store.DecodeJournal(append(b, 0), nil, nil); err == nil {
			t.Fatal("a row with a byte too many was read")
		}
	}
	if _, _, err := store.DecodeJournal([]byte{9, 0, 0}, nil, nil); err == nil {
		t.Fatal("an unknown format was read")
	}
}
