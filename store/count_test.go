package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// CountCases counts what FindCases lists: the badges of the inbox's tabs
// (docs/queues.md) are counts in the database, with the same conditions.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"CountCases", testCountCases},
	}...)
}

// testCountCases compares CountCases and CountAssigned with every page of
// FindCases for the filter of every tab of the inbox, for dispatchers and
// handlers at each level, over cases spread along the loop (BulkCases) and
// cases returned, supervised, suspended, resolved under supervision and
// closed and rated through the store.
func testCountCases(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	storetest.BulkCases(t, e.db, fx, 1500, storetest.BulkOptions{Now: e.clock.Now()})
	e.returned(t, "不属于本单位职责")
	e.returned(t, "派错单位")
	supervised := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, supervised.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, supervised.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, supervised.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, supervised.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"})
	by := e.clock.Now().Add(24 * time.Hour)
	e.act(t, fx.CountyLeader, supervised.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by, Note: "限期核查"})
	suspended := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, suspended.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipDispatcher, suspended.ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定结果"})
	for i := range 3 {
		c := e.report(t, fx.GridWorker, "")
		e.closeCase(t, c.ID)
		if i == 0 {
			e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied})
		}
	}
	// Two days on: the supervision deadline of the resolved case has
	// passed, and more deadlines of the open ones.
	e.clock.Advance(48 * time.Hour)
	now := e.clock.Now()

	st := func(ss ...pingan.Status) []pingan.Status { return ss }
	yes, no := true, false
	tabs := []struct {
		name string
		f    pingan.CaseFilter
	}{
		{"register", pingan.CaseFilter{Status: st(pingan.StatusReported)}},
		{"register own", pingan.CaseFilter{Status: st(pingan.StatusReported), Holding: "own"}},
		{"register below", pingan.CaseFilter{Status: st(pingan.StatusReported), Holding: "below"}},
		{"dispatch", pingan.CaseFilter{Status: st(pingan.StatusAccepted)}},
		{"returned", pingan.CaseFilter{Status: st(pingan.StatusAccepted), Returned: true, Held: true}},
		{"verify", pingan.CaseFilter{Status: st(pingan.StatusResolved)}},
		{"verify overdue", pingan.CaseFilter{Status: st(pingan.StatusResolved), OverdueNow: &yes}},
		{"watch", pingan.CaseFilter{Status: st(pingan.StatusDispatched, pingan.StatusInProgress)}},
		{"dissatisfied", pingan.CaseFilter{Status: st(pingan.StatusClosed), Satisfaction: pingan.Dissatisfied, Held: true,
			ClosedFrom: now.AddDate(0, 0, -90)}},
		{"revisit", pingan.CaseFilter{Status: st(pingan.StatusClosed), Unrated: true, Held: true, ClosedFrom: now.AddDate(0, 0, -30)}},
		{"sign", pingan.CaseFilter{Status: st(pingan.StatusDispatched)}},
		{"handle", pingan.CaseFilter{Status: st(pingan.StatusInProgress)}},
		{"open", pingan.CaseFilter{Status: st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched,
			pingan.StatusInProgress, pingan.StatusResolved)}},
		{"open overdue", pingan.CaseFilter{Status: st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched,
			pingan.StatusInProgress, pingan.StatusResolved), OverdueNow: &yes}},
		{"open not overdue", pingan.CaseFilter{Status: st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched,
			pingan.StatusInProgress, pingan.StatusResolved), OverdueNow: &no}},
		{"all", pingan.CaseFilter{}},
		{"all overdue", pingan.CaseFilter{OverdueNow: &yes}},
		{"all of a kind", pingan.CaseFilter{Kind: pingan.KindDispute}},
	}
	users := []*pingan.User{fx.CityDispatcher, fx.CountyDispatcher, fx.TownshipDispatcher, fx.OtherDispatcher,
		fx.CountyHandler, fx.TownshipHandler}
	seen := map[string]bool{} // the tabs that counted some case overdue, and some case at all
	for _, u := range users {
		for _, tab := range tabs {
			var n, overdue, assigned, assignedOverdue int
			f := tab.f
			f.Limit = 200
			for {
				cs, next, err := e.db.Cases.FindCases(ctx, u, f)
				if err != nil {
					t.Fatalf("%s %s: %v", u.Username, tab.name, err)
				}
				for _, c := range cs {
					n++
					od := c.OverdueAt(now)
					if od {
						overdue++
					}
					if c.AssignedUnit == u.UnitCode {
						assigned++
						if od {
							assignedOverdue++
						}
					}
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			gotN, gotOverdue, err := e.db.Cases.CountCases(ctx, u, tab.f)
			if err != nil || gotN != n || gotOverdue != overdue {
				t.Errorf("%s %s: counted %d, %d overdue (%v); listed %d, %d overdue", u.Username, tab.name, gotN, gotOverdue, err, n, overdue)
			}
			gotN, gotOverdue, err = e.db.Cases.CountAssigned(ctx, u, tab.f)
			if err != nil || gotN != assigned || gotOverdue != assignedOverdue {
				t.Errorf("%s %s assigned: counted %d, %d overdue (%v); listed %d, %d overdue", u.Username, tab.name, gotN, gotOverdue, err, assigned, assignedOverdue)
			}
			// Capped: the count stops at Limit+1.
			capped := tab.f
			capped.Limit = 3
			gotN, gotOverdue, err = e.db.Cases.CountCases(ctx, u, capped)
			if err != nil || gotN != min(n, 4) || gotOverdue != min(overdue, 4) {
				t.Errorf("%s %s capped at 3: counted %d, %d overdue (%v); listed %d, %d overdue", u.Username, tab.name, gotN, gotOverdue, err, n, overdue)
			}
			seen[tab.name+" some"] = seen[tab.name+" some"] || n > 0
			seen[tab.name+" overdue"] = seen[tab.name+" overdue"] || overdue > 0
		}
	}
	// The cases cover what the counts tell apart.
	for _, k := range []string{"returned some", "verify overdue", "dissatisfied some", "revisit some", "register some",
		"register overdue", "watch overdue", "open some", "all overdue"} {
		if !seen[k] {
			t.Errorf("no tab saw %q: the test's cases do not cover it", k)
		}
	}
	if _, _, err := e.db.Cases.CountCases(ctx, fx.CityDispatcher, pingan.CaseFilter{Status: st("lost")}); code(err) != pingan.EINVALID {
		t.Errorf("unknown status: %v", err)
	}
}
