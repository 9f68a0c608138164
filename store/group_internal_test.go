package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"
)

// The group writer's tests queue work while the writer is held busy
// (HoldGroupWriter), so that what they queue is taken together; each job
// writes a category row, by code.

// addCategory writes a category with the code in tx.
func addCategory(ctx context.Context, tx *sql.Tx, code string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO categories (code, kind, name, sign_n, sign_unit, resolve_n, resolve_unit)
		VALUES ($1, 'service', $1, 1, 'hours', 1, 'hours')`, code)
	return err
}

// groupCodes answers the codes of the categories the tests wrote, in order.
func groupCodes(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.read.Query(`SELECT code FROM categories WHERE code LIKE 'ZG%' ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// queue hands write to the group writer and waits until it is queued; the
// answer comes on the channel.
func queue(t *testing.T, db *DB, ctx context.Context, write func(ctx context.Context, tx *sql.Tx) error) <-chan error {
	t.Helper()
	n := db.GroupQueued()
	answer := make(chan error, 1)
	go func() { answer <- db.inGroup(ctx, write) }()
	for deadline := time.Now().Add(10 * time.Second); db.GroupQueued() <= n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the work was not queued")
		}
	}
	return answer
}

// answer waits for the answer of queued work.
func answer(t *testing.T, c <-chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("no answer from the group writer")
		return nil
	}
}

// TestGroupOneTransaction: work queued together runs in one transaction,
// and all of it is written.
func TestGroupOneTransaction(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		codes := []string{"ZG1", "ZG2", "ZG3"}
		txs := make([]*sql.Tx, len(codes))
		release := db.HoldGroupWriter()
		var answers []<-chan error
		for i, code := range codes {
			answers = append(answers, queue(t, db, ctx, func(ctx context.Context, tx *sql.Tx) error {
				txs[i] = tx
				return addCategory(ctx, tx, code)
			}))
		}
		release()
		for i, a := range answers {
			if err := answer(t, a); err != nil {
				t.Errorf("%s: %v", codes[i], err)
			}
		}
		if txs[0] == nil || txs[1] != txs[0] || txs[2] != txs[0] {
			t.Errorf("transactions %p %p %p, want one", txs[0], txs[1], txs[2])
		}
		if got := groupCodes(t, db); !slices.Equal(got, codes) {
			t.Errorf("written %v, want %v", got, codes)
		}
	})
}

// TestGroupFailureAlone: work that fails in a group is undone alone —
// including what it wrote before it failed — and answers its error; the
// work before and after it in the same transaction is written.
func TestGroupFailureAlone(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		txs := make([]*sql.Tx, 3)
		release := db.HoldGroupWriter()
		first := queue(t, db, ctx, func(ctx context.Context, tx *sql.Tx) error {
			txs[0] = tx
			return addCategory(ctx, tx, "ZG1")
		})
		failing := queue(t, db, ctx, func(ctx context.Context, tx *sql.Tx) error {
			txs[1] = tx
			if err := addCategory(ctx, tx, "ZG2"); err != nil {
				return err
			}
			return addCategory(ctx, tx, "ZG1") // taken by the first: a unique violation
		})
		last := queue(t, db, ctx, func(ctx context.Context, tx *sql.Tx) error {
			txs[2] = tx
			return addCategory(ctx, tx, "ZG3")
		})
		release()
		if err := answer(t, first); err != nil {
			t.Errorf("first: %v", err)
		}
		if err := answer(t, failing); !isUnique(err) {
			t.Errorf("failing: %v, want a unique violation", err)
		}
		if err := answer(t, last); err != nil {
			t.Errorf("last: %v", err)
		}
		if txs[0] == nil || txs[1] != txs[0] || txs[2] != txs[0] {
			t.Errorf("transactions %p %p %p, want one", txs[0], txs[1], txs[2])
		}
		if got, want := groupCodes(t, db), []string{"ZG1", "ZG3"}; !slices.Equal(got, want) {
			t.Errorf("written %v, want %v", got, want)
		}
	})
}

// TestGroupEndedContext: work whose context ends while it waits in the
// queue is not run, and answers the context's error; the work queued with
// it is written.
func TestGroupEndedContext(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		release := db.HoldGroupWriter()
		before := queue(t, db, ctx, func(ctx context.Context, tx *sql.Tx) error { return addCategory(ctx, tx, "ZG1") })
		gone, cancel := context.WithCancel(ctx)
		ran := false
		cancelled := queue(t, db, gone, func(ctx context.Context, tx *sql.Tx) error {
			ran = true
			return addCategory(ctx, tx, "ZG2")
		})
		after := queue(t, db, ctx, func(ctx context.Context, tx *sql.Tx) error { return addCategory(ctx, tx, "ZG3") })
		cancel()
		release()
		if err := answer(t, before); err != nil {
			t.Errorf("before: %v", err)
		}
		if err := answer(t, cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v, want %v", err, context.Canceled)
		}
		if err := answer(t, after); err != nil {
			t.Errorf("after: %v", err)
		}
		if ran {
			t.Error("the work of an ended context ran")
		}
		if got, want := groupCodes(t, db), []string{"ZG1", "ZG3"}; !slices.Equal(got, want) {
			t.Errorf("written %v, want %v", got, want)
		}
	})
}

// TestGroupClosed: once the store is closed, work handed to the group
// writer is answered errClosed and never run.
func TestGroupClosed(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *DB) {
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		ran := 0
		for range 2 * maxGroup { // more than the queue holds
			err := db.inGroup(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
				ran++
				return nil
			})
			if !errors.Is(err, errClosed) {
				t.Fatalf("after Close: %v, want %v", err, errClosed)
			}
		}
		if ran > 0 {
			t.Errorf("work ran %d times after Close", ran)
		}
	})
}
