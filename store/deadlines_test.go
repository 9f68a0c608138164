package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// overdueNowIDs lists, as the admin at the store's clock, the IDs of the
// cases overdue now (CaseFilter.OverdueNow), sorted.
func (e *env) overdueNowIDs(t *testing.T, want bool) []string {
	t.Helper()
	list, _, err := e.db.Cases.FindCases(ctx, e.fx.Admin, pingan.CaseFilter{OverdueNow: &want, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	out := ids(list)
	slices.Sort(out)
	return out
}

// testOverdueNow: the store's filter and the domain's Case.OverdueAt are
// one definition of 超期 (docs/deadlines.md): a missed sign deadline counts
// while the case waits to be signed, a suspended clock counts against the
// moment it stopped, a supervision deadline counts while the case is open,
// and the flag of a deadline missed once (曾超期) is not the same thing.
func testOverdueNow(t *testing.T, e *env) {
	fx := e.fx
	reported := e.report(t, fx.GridWorker, "")
	dispatched := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, dispatched.ID, pingan.ActionInput{Action: pingan.ActAccept})
	dispatched = e.act(t, fx.TownshipDispatcher, dispatched.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	if dispatched.SignBy == nil || !dispatched.SignBy.Before(due0102) {
		t.Fatalf("sign deadline %v", dispatched.SignBy)
	}
	supervised := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, supervised.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, supervised.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, supervised.ID, pingan.ActionInput{Action: pingan.ActSign})
	superviseBy := dispatched.SignBy.Add(24 * time.Hour)
	if c := e.act(t, fx.CountyLeader, supervised.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &superviseBy, Note: "限期化解"}); c.SuperviseBy == nil || !c.SuperviseBy.Equal(superviseBy) {
		t.Fatalf("supervision deadline on the answer %v", c.SuperviseBy)
	}
	if c := e.find(t, supervised.ID); c.SuperviseBy == nil || !c.SuperviseBy.Equal(superviseBy) {
		t.Fatalf("supervision deadline kept %v, want %v", c.SuperviseBy, superviseBy)
	}
	suspended := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, suspended.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定结果"})
	// Suspended once its deadline has passed (below): overdue for good.
	late := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, late.ID, pingan.ActionInput{Action: pingan.ActSign})
	closed := e.report(t, fx.GridWorker, "")
	e.closeCase(t, closed.ID)
	all := []string{reported.ID, dispatched.ID, supervised.ID, suspended.ID, late.ID, closed.ID}

	check := func(now time.Time, want ...string) {
		t.Helper()
		e.clock.Set(now)
		slices.Sort(want)
		if got := e.overdueNowIDs(t, true); !slices.Equal(got, want) {
			t.Errorf("at %s overdue now %v, want %v", now.Format(time.DateTime), got, want)
		}
		var rest []string
		for _, id := range all {
			c := e.find(t, id)
			if c.OverdueAt(now) != slices.Contains(want, id) {
				t.Errorf("at %s Case.OverdueAt(%s) = %v, the store's filter disagrees", now.Format(time.DateTime), id, c.OverdueAt(now))
			}
			if !slices.Contains(want, id) {
				rest = append(rest, id)
			}
		}
		slices.Sort(rest)
		if got := e.overdueNowIDs(t, false); !slices.Equal(got, rest) {
			t.Errorf("at %s not overdue now %v, want %v", now.Format(time.DateTime), got, rest)
		}
	}
	check(dispatched.SignBy.Add(-time.Minute))
	// 签收超期: counted while it waits to be signed, though no flag is set.
	check(dispatched.SignBy.Add(time.Minute), dispatched.ID)
	check(superviseBy.Add(time.Minute), dispatched.ID, supervised.ID)
	// The suspended case stopped before its deadline: not overdue, however
	// late it is now.
	check(due0102.Add(time.Hour), reported.ID, dispatched.ID, supervised.ID, late.ID)
	if c := e.find(t, dispatched.ID); c.Overdue {
		t.Error("a missed sign deadline set the flag of a missed resolve deadline")
	}
	// Signed, the sign deadline no longer counts; the resolve deadline does.
	e.act(t, fx.TownshipHandler, dispatched.ID, pingan.ActionInput{Action: pingan.ActSign})
	check(due0102.Add(time.Hour), reported.ID, dispatched.ID, supervised.ID, late.ID)
	// Its clock stopped after its deadline: overdue whenever it is asked.
	e.act(t, fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定结果"})
	check(due0102.Add(time.Hour), reported.ID, dispatched.ID, supervised.ID, late.ID)

	// Resolved: the resolve deadline is met, the supervision order still
	// waits for the centre to verify and close.
	e.act(t, fx.TownshipHandler, supervised.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已调解"})
	check(due0102.Add(time.Hour), reported.ID, dispatched.ID, supervised.ID, late.ID)
	e.act(t, fx.TownshipDispatcher, supervised.ID, pingan.ActionInput{Action: pingan.ActClose})
	check(due0102.Add(time.Hour), reported.ID, dispatched.ID, late.ID)
	check(due0102.Add(30*24*time.Hour), reported.ID, dispatched.ID, late.ID)
}

// testSuperviseDue: the deadline watch marks an open case that missed its
// supervision deadline (督办超期), once for each deadline, never escalating it
// and writing no timeline entry; a reopening drops the answered order.
func testSuperviseDue(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	by := storetest.Epoch.Add(2 * 24 * time.Hour)
	e.act(t, fx.CountyLeader, c.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by, Note: "三日内办结"})
	entries, held := len(e.timeline(t, c.ID)), e.find(t, c.ID).HoldingUnit

	if n := escalate(t, e.db, by, 100); n != 0 {
		t.Fatalf("at the supervision deadline itself: %d touched", n)
	}
	now := by.Add(time.Minute)
	e.clock.Set(now)
	if n := escalate(t, e.db, now, 100); n != 1 {
		t.Fatalf("past the supervision deadline: %d touched, want 1", n)
	}
	got := e.find(t, c.ID)
	if !got.Overdue || got.EscalationLevel != 0 || got.HoldingUnit != held || got.Status != pingan.StatusAccepted {
		t.Errorf("after a missed supervision deadline: overdue %v, level %d, held at %s, %s", got.Overdue, got.EscalationLevel, got.HoldingUnit, got.Status)
	}
	if n := len(e.timeline(t, c.ID)); n != entries {
		t.Errorf("marking wrote a timeline entry: %d, want %d", n, entries)
	}
	if n := escalate(t, e.db, now.Add(time.Hour), 100); n != 0 {
		t.Errorf("the same supervision deadline was marked again: %d", n)
	}
	// A new order, a new deadline, watched afresh.
	by2 := now.Add(24 * time.Hour)
	e.act(t, fx.CountyLeader, c.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by2, Note: "再次督办"})
	if n := escalate(t, e.db, by2.Add(time.Minute), 100); n != 1 {
		t.Errorf("a second missed supervision deadline: %d touched, want 1", n)
	}
	// Closed and reopened, the order of the closed round is answered.
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	if r := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActReopen, Reason: "群众反映问题复发"}); r.SuperviseBy != nil {
		t.Errorf("a reopened case keeps the supervision deadline %v", r.SuperviseBy)
	}
}
