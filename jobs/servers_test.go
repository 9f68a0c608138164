package jobs_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestTwoServersEscalateEachCaseOnce starts the deadline watch of two
// servers — two stores, as two processes would have — against one
// PostgreSQL database with a few hundred cases falling due, and checks that
// every case is escalated exactly once: one escalate entry in its timeline,
// escalation level 1.
func TestTwoServersEscalateEachCaseOnce(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	clock := storetest.NewClock(storetest.Epoch)
	a := storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock})
	b := storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock})
	fx := storetest.Seed(t, a)
	ctx := context.Background()

	const n = 300
	ids := make([]string, 0, n)
	for i := range n {
		c, err := a.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: "邻里纠纷", Description: "楼上漏水", Source: pingan.SourceGridWorker})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		ids = append(ids, c.ID)
	}
	// A month later every resolve deadline (10 working days) has passed.
	clock.Set(storetest.Epoch.AddDate(0, 1, 0))

	var (
		wg      sync.WaitGroup
		touched [2]int
		errs    [2]error
	)
	for i, db := range []*store.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Small batches so that the two servers interleave.
			w := &jobs.Deadlines{Escalator: db.Cases, Clock: clock, Batch: 7}
			for range 3 {
				k, err := w.Pass(ctx)
				touched[i] += k
				if err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if touched[0]+touched[1] != n {
		t.Errorf("the servers touched %d + %d cases, want %d in all", touched[0], touched[1], n)
	}
	if touched[0] == 0 || touched[1] == 0 {
		t.Logf("one server did all the work (%d, %d): the claim was never contended", touched[0], touched[1])
	}
	for _, id := range ids {
		c, err := a.Cases.FindCase(ctx, fx.CityDispatcher, id)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := a.Cases.Timeline(ctx, fx.CityDispatcher, id)
		if err != nil {
			t.Fatal(err)
		}
		escalations := 0
		for _, act := range acts {
			if act.Action == pingan.ActEscalate {
				escalations++
			}
		}
		if escalations != 1 || c.EscalationLevel != 1 || !c.Overdue {
			t.Errorf("%s: %d escalate entries, level %d, overdue %v", id, escalations, c.EscalationLevel, c.Overdue)
		}
	}
}
