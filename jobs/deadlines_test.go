package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestPassMarksMissedSupervision: a pass of the deadline watch, one case at
// a time, escalates the case that missed its resolve deadline and marks —
// without escalating — the one that missed its supervision deadline (督办超期),
// each once.
func TestPassMarksMissedSupervision(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	fx := storetest.Seed(t, db)
	ctx := context.Background()
	report := func(title string) *pingan.Case {
		c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: title, Description: "楼上漏水", Source: pingan.SourceGridWorker})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	act := func(u *pingan.User, id string, in pingan.ActionInput) {
		if _, err := db.Cases.Act(ctx, u, id, in); err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
	}
	late := report("逾期未办结")
	// Reported a week later, supervised with a deadline two days on.
	clock.Set(storetest.Epoch.AddDate(0, 0, 7))
	supervised := report("限期督办")
	by := clock.Now().Add(48 * time.Hour)
	act(fx.CountyLeader, supervised.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by, Note: "两日内办结"})

	// Past late's resolve deadline and supervised's supervision deadline,
	// before supervised's resolve deadline.
	clock.Set(time.Date(2026, 3, 17, 9, 0, 0, 0, pingan.CST))
	w := &jobs.Deadlines{Escalator: db.Cases, Clock: clock, Batch: 1}
	n, err := w.Pass(ctx)
	if err != nil || n != 2 {
		t.Fatalf("pass: %d touched (%v), want 2", n, err)
	}
	if n, err := w.Pass(ctx); err != nil || n != 0 {
		t.Fatalf("second pass: %d touched (%v), want 0", n, err)
	}
	l, _ := db.Cases.FindCase(ctx, fx.Admin, late.ID)
	s, _ := db.Cases.FindCase(ctx, fx.Admin, supervised.ID)
	if !l.Overdue || l.EscalationLevel != 1 {
		t.Errorf("the late case: flag %v, level %d", l.Overdue, l.EscalationLevel)
	}
	if !s.Overdue || s.EscalationLevel != 0 || !s.OverdueAt(clock.Now()) {
		t.Errorf("the supervised case: flag %v, level %d, overdue now %v", s.Overdue, s.EscalationLevel, s.OverdueAt(clock.Now()))
	}
}
