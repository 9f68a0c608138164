package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// Intake keeps the categories and units it reads in memory (store/cache.go):
// a change through the store applies to the next report at once; another
// server on the same database sees it once its cached copy expires; a code
// it has not seen is read from the database, so new ones are found at once.
func testIntakeCaches(t *testing.T, e *env) {
	fx := e.fx
	other := e.open(t) // a second server on the same database
	report := func(db *store.DB, u *pingan.User, unit string) *pingan.Case {
		t.Helper()
		c, err := db.Cases.CreateCase(ctx, u, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "楼上漏水", Unit: unit})
		if err != nil {
			t.Fatalf("report: %v", err)
		}
		return c
	}
	resolveIn := func(c *pingan.Case) time.Duration {
		t.Helper()
		if c.ResolveBy == nil {
			t.Fatalf("%s: no resolve deadline", c.ID)
		}
		return c.ResolveBy.Sub(c.ReportedAt)
	}
	setResolve := func(hours int) {
		t.Helper()
		err := e.db.Categories.SaveCategory(ctx, nil, &pingan.Category{Code: "0102", Kind: pingan.KindDispute, Name: "邻里纠纷", Parent: "01",
			Policy: pingan.Policy{Sign: pingan.Period{N: 24, Unit: "hours"}, Resolve: pingan.Period{N: hours, Unit: "hours"}}})
		if err != nil {
			t.Fatal(err)
		}
	}

	// Both servers have read 0102 (10 working days).
	first := resolveIn(report(e.db, fx.GridWorker, ""))
	if got := resolveIn(report(other, fx.GridWorker, "")); got != first {
		t.Fatalf("two servers, two deadlines: %v, %v", first, got)
	}
	setResolve(72)
	if got := resolveIn(report(e.db, fx.GridWorker, "")); got != 72*time.Hour {
		t.Errorf("the server that changed the category resolves in %v, want 72h", got)
	}
	e.clock.Advance(store.CacheTTL)
	if got := resolveIn(report(other, fx.GridWorker, "")); got != 72*time.Hour {
		t.Errorf("after %v the other server resolves in %v, want 72h", store.CacheTTL, got)
	}
	setResolve(48)
	if got := resolveIn(report(e.db, fx.GridWorker, "")); got != 48*time.Hour {
		t.Errorf("after a second change: %v, want 48h", got)
	}

	// A unit imported through one server is found at once by the other.
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{{Code: "620902001003", Name: "新建社区",
		Level: pingan.LevelVillage, ParentCode: fx.Township.Code}}); err != nil {
		t.Fatal(err)
	}
	if c := report(other, fx.TownshipDispatcher, "620902001003"); c.Unit != "620902001003" || c.UnitPath != fx.Township.Path+"620902001003/" {
		t.Errorf("report in the new unit: unit %s, path %s", c.Unit, c.UnitPath)
	}
}

// Reports that arrive while the writer is busy are written together in one
// transaction, each in its own savepoint: a bad report, a repeated
// idempotency key or a failing statement fails alone, the rest are
// written, numbered without gaps.
func testGroupCommit(t *testing.T, e *env) {
	fx := e.fx
	const (
		good = iota
		badCategory
		keyed // all with one idempotency key
	)
	reports := []int{good, badCategory, keyed, good, keyed, badCategory, good, keyed, good}
	const written = 4 + 1 // the good ones, and one for the key

	release := e.db.HoldGroupWriter()
	var wg sync.WaitGroup
	cases := make([]*pingan.Case, len(reports))
	errs := make([]error, len(reports))
	for i, kind := range reports {
		wg.Go(func() {
			in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: fmt.Sprintf("报告 %d", i)}
			switch kind {
			case badCategory:
				in.Category = "9999"
			case keyed:
				in.IdempotencyKey = "phone-retry-1"
			}
			cases[i], errs[i] = e.db.Cases.CreateCase(ctx, fx.GridWorker, in)
		})
	}
	// And work whose second statement fails: its first is undone too.
	var failed error
	wg.Go(func() {
		failed = e.db.InGroup(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_counters (region, year, last_seq) VALUES ('999999', 2026, 1)`); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO actions (region, case_id, seq, action, actor_name, acted_at, to_status)
				VALUES ('999999', 'no-such-case', 1, 'comment', 'x', '2026-03-02T01:00:00.000Z', 'reported')`)
			return err
		})
	})
	for deadline := time.Now().Add(10 * time.Second); e.db.GroupQueued() < len(reports)+1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d queued", e.db.GroupQueued(), len(reports)+1)
		}
	}
	release() // all of them go into the next transaction
	wg.Wait()

	if failed == nil {
		t.Error("a statement breaking a foreign key succeeded")
	}
	answered := map[string]bool{}
	keyID := ""
	for i, kind := range reports {
		switch {
		case kind == badCategory:
			wantCode(t, errs[i], pingan.EINVALID)
			continue
		case errs[i] != nil:
			t.Fatalf("report %d: %v", i, errs[i])
		case kind == keyed && keyID == "":
			keyID = cases[i].ID
		case kind == keyed && cases[i].ID != keyID:
			t.Errorf("one idempotency key, two cases: %s %s", keyID, cases[i].ID)
		}
		answered[cases[i].ID] = true
	}
	if len(answered) != written {
		t.Errorf("%d cases answered, want %d: %v", len(answered), written, answered)
	}
	list, _, err := e.db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != written {
		t.Fatalf("%d cases written, want %d", len(list), written)
	}
	for i, c := range list { // newest first, numbered without gaps
		if want := fmt.Sprintf("2026-620902-%06d", len(list)-i); c.ID != want || !answered[c.ID] {
			t.Errorf("case %d is %s, want %s (answered: %v)", i, c.ID, want, answered[c.ID])
		}
		if acts := e.timeline(t, c.ID); len(acts) != 1 {
			t.Errorf("%s: %d timeline entries", c.ID, len(acts))
		}
	}
	var n int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM case_counters WHERE region = '999999'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed work's first statement was kept (%d rows, %v)", n, err)
	}
	// The group's statistics count the reports written, not those undone.
	if n := e.noDiffs(t); n != written {
		t.Errorf("recounted %d cases, want %d", n, written)
	}
}

// Two servers' groups that take the counters of two regions in opposite
// orders deadlock on PostgreSQL; the work that loses is written again,
// alone, after its group's commit.
func testGroupCommitDeadlock(t *testing.T, e *env) {
	if e.db.Dialect() != store.Postgres {
		t.Skip("SQLite has one writer: nothing to deadlock")
	}
	other := e.open(t) // a second server on the same database
	count := func(ctx context.Context, tx *sql.Tx, region string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO case_counters (region, year, last_seq) VALUES ($1, 2026, 1)
			ON CONFLICT (region, year) DO UPDATE SET last_seq = case_counters.last_seq + 1`, region)
		return err
	}
	var took sync.WaitGroup // the first work of each group has taken its counter
	took.Add(2)
	first := func(region string) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			err := count(ctx, tx, region)
			took.Done()
			took.Wait()
			return err
		}
	}
	second := func(region string) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error { return count(ctx, tx, region) }
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	queue := func(db *store.DB, i int, write func(context.Context, *sql.Tx) error) {
		wg.Go(func() { errs[i] = db.InGroup(ctx, write) })
		for db.GroupQueued() < i%2+1 {
			time.Sleep(time.Millisecond)
		}
	}
	releaseA, releaseB := e.db.HoldGroupWriter(), other.HoldGroupWriter()
	queue(e.db, 0, first("900001"))
	queue(e.db, 1, second("900002"))
	queue(other, 2, first("900002"))
	queue(other, 3, second("900001"))
	releaseA()
	releaseB()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("work %d: %v", i, err)
		}
	}
	for _, region := range []string{"900001", "900002"} {
		var n int
		if err := e.db.SQL().QueryRowContext(ctx, `SELECT last_seq FROM case_counters WHERE region = $1`, region).Scan(&n); err != nil || n != 2 {
			t.Errorf("counter of %s: %d (%v), want 2", region, n, err)
		}
	}
}
