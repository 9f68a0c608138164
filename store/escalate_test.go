package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/store"
)

// due0102 is the resolve deadline of a 0102 case reported at the epoch: 10
// working days.
var due0102 = time.Date(2026, 3, 16, 23, 59, 59, 0, pingan.CST)

func escalate(t *testing.T, db *store.DB, now time.Time, limit int) int {
	t.Helper()
	n, err := db.Cases.EscalateDue(ctx, now, limit)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testEscalateDue(t *testing.T, e *env) {
	fx := e.fx
	reported := e.report(t, fx.GridWorker, "")
	dispatched := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, dispatched.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, dispatched.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	suspended := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, suspended.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定结果"})
	closed := e.report(t, fx.GridWorker, "")
	e.closeCase(t, closed.ID)

	if n := escalate(t, e.db, due0102, 100); n != 0 {
		t.Fatalf("at the deadline itself: %d touched", n)
	}
	now := due0102.Add(9 * time.Hour)
	e.clock.Set(now)
	if n := escalate(t, e.db, now, 100); n != 2 {
		t.Fatalf("past the deadline: %d touched, want 2", n)
	}

	c := e.find(t, reported.ID)
	if !c.Overdue || c.EscalationLevel != 1 || c.HoldingUnit != fx.Township.Code || c.HoldingPath != fx.Township.Path ||
		c.Status != pingan.StatusAccepted || c.Version != 2 || !c.UpdatedAt.Equal(now) {
		t.Errorf("escalated case %+v", c)
	}
	if c.ResolveBy == nil || !c.ResolveBy.After(now) {
		t.Errorf("escalated case's new deadline %v", c.ResolveBy)
	}
	acts := e.timeline(t, reported.ID)
	if len(acts) != 2 {
		t.Fatalf("timeline %d entries, want 2", len(acts))
	}
	a := acts[1]
	if a.Action != pingan.ActEscalate || a.ActorID != 0 || a.ActorName != pingan.SystemActor || a.Note != store.EscalateReason ||
		a.FromUnit != fx.Village.Code || a.ToUnit != fx.Township.Code || !a.At.Equal(now) || a.ToStatus != pingan.StatusAccepted {
		t.Errorf("escalation entry %+v", a)
	}
	// The township's centre sees it and may act; the count shows in lists.
	yes := true
	if list, _, _ := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{Overdue: &yes}); len(list) != 2 {
		t.Errorf("overdue list %v", ids(list))
	}

	d := e.find(t, dispatched.ID)
	if !d.Overdue || d.EscalationLevel != 0 || d.Status != pingan.StatusDispatched || d.HoldingUnit != fx.Township.Code { // the township took it by accepting
		t.Errorf("dispatched overdue case %+v", d)
	}
	if acts := e.timeline(t, dispatched.ID); len(acts) != 3 {
		t.Errorf("marking overdue wrote a timeline entry: %d", len(acts))
	}
	if s := e.find(t, suspended.ID); s.Overdue {
		t.Error("a suspended case was marked overdue")
	}
	if c := e.find(t, closed.ID); c.Overdue {
		t.Error("a closed case was marked overdue")
	}

	// Once for each missed deadline: not again for this one …
	if n := escalate(t, e.db, now.Add(time.Hour), 100); n != 0 {
		t.Errorf("second run touched %d", n)
	}
	// … but when the township's new deadline passes too, the case rises
	// to the county (小事不出村、大事不出镇), and the dispatched case, whose
	// deadline has not changed, is left alone.
	later := now.AddDate(0, 2, 0)
	if n := escalate(t, e.db, later, 100); n != 1 {
		t.Errorf("after the new deadline: %d touched, want 1", n)
	}
	if c := e.find(t, reported.ID); c.EscalationLevel != 2 || c.HoldingUnit != fx.County.Code || len(e.timeline(t, reported.ID)) != 3 {
		t.Errorf("after the second missed deadline: level %d at %s", c.EscalationLevel, c.HoldingUnit)
	}
	if n := escalate(t, e.db, later.Add(time.Hour), 100); n != 0 {
		t.Errorf("a third run touched %d", n)
	}
}

// testEscalateDueConcurrent: two servers, one database, each case once.
func testEscalateDueConcurrent(t *testing.T, e *env) {
	const n = 12
	var cases []string
	for range n {
		cases = append(cases, e.report(t, e.fx.GridWorker, "").ID)
	}
	now := due0102.Add(time.Hour)
	other := e.open(t)
	var wg sync.WaitGroup
	counts := make([]int, 2)
	errs := make([]error, 2)
	for i, db := range []*store.DB{e.db, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k, err := db.Cases.EscalateDue(ctx, now, 3)
				if err != nil {
					errs[i] = err
					return
				}
				if k == 0 {
					return
				}
				counts[i] += k
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if counts[0]+counts[1] != n {
		t.Errorf("touched %d + %d, want %d in all", counts[0], counts[1], n)
	}
	for _, id := range cases {
		if c := e.find(t, id); c.EscalationLevel != 1 || len(e.timeline(t, id)) != 2 {
			t.Errorf("%s: level %d", id, c.EscalationLevel)
		}
	}
}

func testEscalateDueTop(t *testing.T, e *env) {
	fx := e.fx
	// A province centre and its dispatcher.
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{{Code: "620000-zz", Name: "甘肃省综治中心", Level: pingan.LevelCentre, ParentCode: "620000"}}); err != nil {
		t.Fatal(err)
	}
	top := &pingan.User{Username: "gs-dispatcher", Name: "省派遣员", UnitCode: "620000-zz", Roles: []pingan.Role{pingan.RoleDispatcher}}
	if err := e.db.Users.CreateUser(ctx, top, "long enough"); err != nil {
		t.Fatal(err)
	}
	atTop := e.report(t, top, "")
	if atTop.Unit != "620000" || atTop.Region != "620000" {
		t.Fatalf("province case: unit %s region %s", atTop.Unit, atTop.Region)
	}
	// By hand: nowhere to go.
	_, err := e.db.Cases.Act(ctx, top, atTop.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "x"})
	wantCode(t, err, pingan.ECONFLICT)
	atCity := e.report(t, fx.CityDispatcher, "")

	now := due0102.Add(time.Hour)
	if n := escalate(t, e.db, now, 100); n != 2 {
		t.Fatalf("touched %d, want 2", n)
	}
	c := e.find(t, atTop.ID)
	if !c.Overdue || c.EscalationLevel != 0 || c.HoldingUnit != "620000" || c.Status != pingan.StatusReported {
		t.Errorf("top case %+v", c)
	}
	if acts := e.timeline(t, atTop.ID); len(acts) != 1 {
		t.Errorf("top case timeline %d entries", len(acts))
	}
	c = e.find(t, atCity.ID)
	if !c.Overdue || c.EscalationLevel != 1 || c.HoldingUnit != "620000" {
		t.Errorf("city case %+v", c)
	}
	// Both are at the top now. The top case's deadline has been acted on:
	// never again. The city case has a new deadline at the province; when
	// that passes it is marked, not escalated — there is nowhere above.
	if n := escalate(t, e.db, now.Add(time.Hour), 100); n != 0 {
		t.Errorf("an hour later: touched %d", n)
	}
	later := now.AddDate(0, 3, 0)
	if n := escalate(t, e.db, later, 100); n != 1 {
		t.Errorf("after the province's deadline: touched %d, want 1", n)
	}
	if n := escalate(t, e.db, later.Add(time.Hour), 100); n != 0 {
		t.Errorf("again: touched %d", n)
	}
	if c := e.find(t, atCity.ID); c.EscalationLevel != 1 || c.HoldingUnit != "620000" || len(e.timeline(t, atCity.ID)) != 2 {
		t.Errorf("escalated above the top: level %d at %s", c.EscalationLevel, c.HoldingUnit)
	}
}

func testDeadlineExtendSuspend(t *testing.T, e *env) {
	fx := e.fx
	cal := calendar.Official()
	c := e.report(t, fx.GridWorker, "")
	if !c.ResolveBy.Equal(due0102) {
		t.Fatalf("resolve_by %v, want %v", c.ResolveBy, due0102)
	}
	e.clock.Advance(time.Hour)
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})

	// 延期: five more working days.
	r1, err := cal.Extend(due0102, 5, calendar.WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	x := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActExtend, Days: 5, Reason: "需等待鉴定"})
	if !x.ResolveBy.Equal(r1) || !e.find(t, c.ID).ResolveBy.Equal(r1) {
		t.Fatalf("extended resolve_by %v, want %v", x.ResolveBy, r1)
	}

	// 挂起 … 恢复: the clock stops in between.
	stopped := time.Date(2026, 3, 5, 10, 0, 0, 0, pingan.CST)
	e.clock.Set(stopped)
	s := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "当事人外出务工"})
	if !s.Suspended || s.SuspendedAt == nil || !s.SuspendedAt.Equal(stopped) {
		t.Errorf("suspended %v at %v", s.Suspended, s.SuspendedAt)
	}
	restarted := r1.Add(10 * time.Hour) // past the extended deadline while stopped
	if n := escalate(t, e.db, restarted, 100); n != 0 {
		t.Errorf("a suspended case was touched: %d", n)
	}
	e.clock.Set(restarted)
	r2, err := cal.Shift(r1, stopped, restarted, calendar.WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	r := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActResume, Note: "当事人返回"})
	got := e.find(t, c.ID)
	if r.Suspended || got.Suspended || got.SuspendedAt != nil || !got.ResolveBy.Equal(r2) || !r2.After(restarted) {
		t.Fatalf("resumed: suspended %v, resolve_by %v, want %v", got.Suspended, got.ResolveBy, r2)
	}
	acts := e.timeline(t, c.ID)
	last := acts[len(acts)-1]
	if last.Action != pingan.ActResume || last.Deadline == nil || !last.Deadline.Equal(r2) {
		t.Errorf("resume entry %+v", last)
	}
	if ext := acts[4]; ext.Action != pingan.ActExtend || ext.Deadline == nil || !ext.Deadline.Equal(r1) {
		t.Errorf("extend entry %+v", ext)
	}

	// The shifted deadline is the one that counts.
	if n := escalate(t, e.db, r2.Add(-time.Minute), 100); n != 0 {
		t.Errorf("before the shifted deadline: %d", n)
	}
	if n := escalate(t, e.db, r2.Add(time.Minute), 100); n != 1 {
		t.Errorf("after the shifted deadline: %d", n)
	}
	if got := e.find(t, c.ID); !got.Overdue || got.EscalationLevel != 1 || got.HoldingUnit != fx.County.Code { // from the township, which accepted it
		t.Errorf("after escalation %+v", got)
	}
}
