package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The rows of a hazard's rectification (hazard.go): every status × stage ×
// actor for each of its actions, against a table written out by hand.

var (
	partyDept    = &pingan.Unit{Code: "620902-D02", Level: pingan.LevelDepartment, Path: "/62/6209/620902/620902-D02/"}
	partyHandler = user(30, partyDept, pingan.RoleHandler)
	deptGrid     = user(31, dept, pingan.RoleGridWorker)
	// partyDisp is a dispatcher of the party's unit whose jurisdiction
	// holds the case.
	partyDisp = &pingan.User{ID: 32, Username: "u32", UnitCode: partyDept.Code, ScopePath: county.Path, Roles: []pingan.Role{pingan.RoleDispatcher}}
)

// hazardIn answers a hazard in status s at stage, held by the township,
// assigned to dept, rectified by partyDept; at rechecking deptHandler
// reported it done.
func hazardIn(s pingan.Status, stage pingan.HazardStage, suspended bool) *pingan.Case {
	c := caseIn(s, suspended)
	c.Kind, c.Category = pingan.KindHazard, "A01"
	c.AssignedUnit, c.AssignedPath = dept.Code, dept.Path
	dl := t0.AddDate(0, 0, 7)
	c.Hazard = &pingan.Hazard{Level: pingan.HazardGeneral, Stage: stage}
	if stage != "" {
		c.Hazard.Deadline, c.Hazard.Round = &dl, 1
		c.Hazard.Party = pingan.RectifyParty{Kind: pingan.PartyDepartment, Name: "县应急管理局", Unit: partyDept.Code}
		c.Hazard.PartyPath = partyDept.Path
	}
	if stage == pingan.HazardRechecking {
		done := t0.Add(24 * time.Hour)
		c.Hazard.DoneBy, c.Hazard.DoneAt = deptHandler.ID, &done
	}
	return c
}

// hazardInput answers a complete input of a hazard's action.
func hazardInput(a pingan.ActionName, passed bool) pingan.ActionInput {
	in := input(a)
	dl := t0.AddDate(0, 0, 10)
	in.Rectify = &pingan.RectifyInput{Deadline: &dl, Measures: "更换灭火器，清理消防通道",
		Party: pingan.RectifyParty{Kind: pingan.PartyDepartment, Name: "县应急管理局", Unit: partyDept.Code}}
	in.Recheck = &pingan.RecheckInput{Passed: &passed}
	in.Attachments = []string{"sha256:" + "ab"}
	return in
}

// TestHazardRows: each hazard action, in every status (suspended or not)
// and stage, by every actor.
func TestHazardRows(t *testing.T) {
	actors := []*pingan.User{all, townDispatcher, deptHandler, otherHandler, leader, viewer, foreign, reporter, countyDisp,
		partyHandler, deptGrid, partyDisp}
	// who answers what when the status and stage allow the action; an
	// actor not named is forbidden.
	who := map[pingan.ActionName]map[*pingan.User]string{
		pingan.ActRectifyOrder: {all: "", townDispatcher: "", deptHandler: "", countyDisp: "", partyDisp: "", foreign: pingan.ENOTFOUND},
		pingan.ActRectifyDone:  {all: "", deptHandler: "", partyHandler: "", foreign: pingan.ENOTFOUND},
		pingan.ActRecheck: {all: "", townDispatcher: "", countyDisp: "", deptGrid: "", foreign: pingan.ENOTFOUND,
			deptHandler: pingan.ECONFLICT, partyDisp: pingan.ECONFLICT}, // the one who rectified; the party's unit
	}
	stageOf := map[pingan.ActionName]pingan.HazardStage{pingan.ActRectifyOrder: "", pingan.ActRectifyDone: pingan.HazardRectifying,
		pingan.ActRecheck: pingan.HazardRechecking}
	n := 0
	for _, action := range []pingan.ActionName{pingan.ActRectifyOrder, pingan.ActRectifyDone, pingan.ActRecheck} {
		for _, status := range pingan.Statuses {
			for _, suspended := range []bool{false, true} {
				for _, stage := range pingan.HazardStages {
					for _, actor := range actors {
						want, ok := who[action][actor]
						if !ok {
							want = pingan.EFORBIDDEN
						}
						if actor == partyHandler && (stage == "" || stage == pingan.HazardPassed) {
							want = pingan.ENOTFOUND // the party's unit sees the hazard while it is rectified and rechecked
						} else if actor != foreign && (status != pingan.StatusInProgress || suspended || stage != stageOf[action]) {
							want = pingan.ECONFLICT
						}
						c := hazardIn(status, stage, suspended)
						before := *c
						beforeHazard := *c.Hazard
						_, err := Apply(c, actor, hazardInput(action, true), envAt(t0.Add(48*time.Hour)).withParty())
						got := pingan.ErrorCode(err)
						if err == nil {
							got = ""
						}
						name := string(action) + "/" + string(status) + "/" + string(stage) + "/" + actor.Username
						if suspended {
							name += "/suspended"
						}
						if got != want {
							t.Errorf("%s: got %v, want %q", name, err, want)
						}
						allowed := slices.Contains(Allowed(&before, actor), action)
						if allowed != (want == "") {
							t.Errorf("%s: Allowed lists it %v, the action answers %v", name, allowed, err)
						}
						if err != nil && (c.Status != before.Status || *c.Hazard != beforeHazard) {
							t.Errorf("%s: a refused action changed the case", name)
						}
						n++
					}
				}
			}
		}
	}
	if n < 3*len(pingan.Statuses)*2*4*len(actors) {
		t.Fatalf("walked %d pairs", n)
	}
}

// withParty answers env with the party's department looked up.
func (e Env) withParty() Env {
	e.PartyUnit = partyDept
	return e
}

// TestHazardRecheckRefusedNamesField: the refusal of a recheck by the one
// who rectified is a conflict naming recheck.
func TestHazardRecheckRefusedNamesField(t *testing.T) {
	c := hazardIn(pingan.StatusInProgress, pingan.HazardRechecking, false)
	_, err := Apply(c, deptHandler, hazardInput(pingan.ActRecheck, true), envAt(t0.Add(48*time.Hour)))
	e, ok := err.(*pingan.Error)
	if !ok || e.Code != pingan.ECONFLICT || e.Fields["recheck"].Key != "hazard.recheck.self" {
		t.Fatalf("got %#v", err)
	}
}

// TestHazardFields: each bad field is named, and nothing changes.
func TestHazardFields(t *testing.T) {
	now := t0.Add(48 * time.Hour)
	past := now.Add(-time.Minute)
	for _, tc := range []struct {
		name   string
		action pingan.ActionName
		stage  pingan.HazardStage
		passed bool
		mutate func(in *pingan.ActionInput, env *Env)
		field  string
	}{
		{"deadline past", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Deadline = &past }, "rectify.deadline"},
		{"deadline now", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Deadline = &now }, "rectify.deadline"},
		{"no deadline", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Deadline = nil }, "rectify.deadline"},
		{"no order", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify = nil }, "rectify.party.kind"},
		{"no kind", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Party.Kind = "" }, "rectify.party.kind"},
		{"bad kind", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Party.Kind = "person" }, "rectify.party.kind"},
		{"no name", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Party.Name = " " }, "rectify.party.name"},
		{"no unit", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Party.Unit = "" }, "rectify.party.unit"},
		{"unit outside", pingan.ActRectifyOrder, "", true, func(_ *pingan.ActionInput, env *Env) { env.PartyUnit = nil }, "rectify.party.unit"},
		{"no measures", pingan.ActRectifyOrder, "", true, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Measures = "" }, "rectify.measures"},
		{"no photo", pingan.ActRectifyDone, pingan.HazardRectifying, true, func(in *pingan.ActionInput, _ *Env) { in.Attachments = nil }, "photos"},
		{"no result", pingan.ActRecheck, pingan.HazardRechecking, true, func(in *pingan.ActionInput, _ *Env) { in.Recheck = nil }, "recheck.passed"},
		{"failed without deadline", pingan.ActRecheck, pingan.HazardRechecking, false, func(in *pingan.ActionInput, _ *Env) { in.Rectify = nil }, "rectify.deadline"},
		{"failed deadline past", pingan.ActRecheck, pingan.HazardRechecking, false, func(in *pingan.ActionInput, _ *Env) { in.Rectify.Deadline = &past }, "rectify.deadline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := hazardIn(pingan.StatusInProgress, tc.stage, false)
			before := *c.Hazard
			in, env := hazardInput(tc.action, tc.passed), envAt(now).withParty()
			tc.mutate(&in, &env)
			_, err := Apply(c, townDispatcher, in, env)
			if tc.action == pingan.ActRectifyDone {
				_, err = Apply(c, deptHandler, in, env)
			}
			e, ok := err.(*pingan.Error)
			if !ok || e.Code != pingan.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
			if _, ok := e.Fields[tc.field]; !ok {
				t.Errorf("fields %v do not name %s", e.Fields, tc.field)
			}
			if *c.Hazard != before || c.Status != pingan.StatusInProgress {
				t.Error("a refused action changed the case")
			}
		})
	}
}

// TestHazardLoop: order → done late → recheck failed → done → recheck
// passed, and what each step changes.
func TestHazardLoop(t *testing.T) {
	c := hazardIn(pingan.StatusInProgress, "", false)
	now := t0.Add(time.Hour)
	due := t0.Add(72 * time.Hour) // the category's period, shorter than the rectification's
	c.ResolveBy = &due
	step := func(actor *pingan.User, in pingan.ActionInput) *pingan.Action {
		t.Helper()
		act, err := Apply(c, actor, in, envAt(now).withParty())
		if err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
		return act
	}
	if !slices.Contains(Allowed(c, deptHandler), pingan.ActResolve) {
		t.Error("a hazard not ordered cannot be resolved on the spot")
	}
	act := step(townDispatcher, hazardInput(pingan.ActRectifyOrder, true))
	h := c.Hazard
	if h.Stage != pingan.HazardRectifying || h.Round != 1 || h.Deadline == nil || !h.Deadline.Equal(t0.AddDate(0, 0, 10)) ||
		h.Party.Unit != partyDept.Code || h.PartyPath != partyDept.Path || act.Deadline == nil || c.Status != pingan.StatusInProgress {
		t.Fatalf("after the order: %+v, %+v", h, act)
	}
	// The inspector's deadline governs: the case is due when its recheck is.
	if c.ResolveBy == nil || !c.ResolveBy.After(*h.Deadline) || c.ResolveBy.Sub(*h.Deadline) > 8*24*time.Hour {
		t.Errorf("after the order due %v, the rectification %v", c.ResolveBy, h.Deadline)
	}
	if slices.Contains(Allowed(c, deptHandler), pingan.ActResolve) {
		t.Error("an ordered hazard can still be resolved without recheck")
	}
	if _, err := Apply(c, deptHandler, input(pingan.ActResolve), envAt(now)); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("resolve of an ordered hazard: %v", err)
	}
	now = t0.AddDate(0, 0, 11) // after the deadline
	step(partyHandler, hazardInput(pingan.ActRectifyDone, true))
	if h = c.Hazard; h.Stage != pingan.HazardRechecking || !h.Late || h.DoneBy != partyHandler.ID {
		t.Fatalf("after done: %+v", h)
	}
	if _, err := Apply(c, partyHandler, hazardInput(pingan.ActRecheck, true), envAt(now)); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("the party rechecked itself: %v", err)
	}
	failed := hazardInput(pingan.ActRecheck, false)
	again := now.AddDate(0, 0, 5)
	failed.Rectify.Deadline = &again
	act = step(deptGrid, failed)
	if h = c.Hazard; h.Stage != pingan.HazardRectifying || h.Round != 2 || c.Reworks != 1 || h.Rechecks != 1 || h.LastPassed ||
		h.DoneBy != 0 || act.Deadline == nil || c.Status != pingan.StatusInProgress {
		t.Fatalf("after a failed recheck: %+v reworks %d", h, c.Reworks)
	}
	if c.ResolveBy == nil || !c.ResolveBy.After(again) {
		t.Errorf("after a failed recheck due %v, the new rectification %v", c.ResolveBy, again)
	}
	now = now.Add(time.Hour)
	step(deptHandler, hazardInput(pingan.ActRectifyDone, true))
	done := now
	now = now.Add(2 * time.Hour)
	act = step(townDispatcher, hazardInput(pingan.ActRecheck, true))
	if h = c.Hazard; h.Stage != pingan.HazardPassed || c.Status != pingan.StatusClosed || h.Rechecks != 2 || !h.LastPassed ||
		c.ClosedAt == nil || !c.ClosedAt.Equal(now) || c.ResolvedAt == nil || !c.ResolvedAt.Equal(done) || act.ToStatus != pingan.StatusClosed {
		t.Fatalf("after the passed recheck: %+v %+v", h, c)
	}
	// Closed, the party's department no longer reads it.
	if rectifyingParty(c, partyHandler) {
		t.Error("the party's department still sees the hazard after 销号")
	}
	// Reopened, it is ordered again from the start.
	step(townDispatcher, input(pingan.ActReopen))
	if c.Hazard.Stage != "" || c.Hazard.Round != 2 {
		t.Errorf("after reopening: %+v", c.Hazard)
	}
}

// TestRectifyOverdue: the system marks a missed rectification deadline,
// and no one else may.
func TestRectifyOverdue(t *testing.T) {
	c := hazardIn(pingan.StatusInProgress, pingan.HazardRectifying, false)
	if _, err := Apply(c, all, input(pingan.ActRectifyOverdue), envAt(t0.AddDate(0, 0, 8))); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a user marked it: %v", err)
	}
	act, err := Apply(c, nil, input(pingan.ActRectifyOverdue), envAt(t0.AddDate(0, 0, 8)))
	if err != nil || !c.Hazard.Late || c.Hazard.Watched == nil || !c.Hazard.Watched.Equal(*c.Hazard.Deadline) || act.Note == "" {
		t.Fatalf("got %v, %+v", err, c.Hazard)
	}
	r := hazardIn(pingan.StatusInProgress, pingan.HazardRechecking, false)
	if _, err := Apply(r, nil, input(pingan.ActRectifyOverdue), envAt(t0.AddDate(0, 0, 8))); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("marked at rechecking: %v", err)
	}
}

// TestList: a major hazard is listed for supervision by the unit above,
// once; a general one is not.
func TestList(t *testing.T) {
	c := hazardIn(pingan.StatusReported, "", false)
	if act := List(c, county, t0); act != nil || c.Supervised {
		t.Fatal("a general hazard was listed")
	}
	c.Hazard.Level = pingan.HazardMajor
	act := List(c, county, t0)
	if act == nil || act.Action != pingan.ActSupervise || !c.Supervised || !c.Hazard.Listed || c.Hazard.Supervisor != county.Code {
		t.Fatalf("got %+v, %+v", act, c.Hazard)
	}
	if List(c, county, t0) != nil {
		t.Error("listed twice")
	}
	d := hazardIn(pingan.StatusReported, "", false)
	d.Hazard.Level = pingan.HazardMajor
	if List(d, nil, t0) == nil || d.Hazard.Supervisor != d.HoldingUnit {
		t.Errorf("at the top: %+v", d.Hazard)
	}
	e := caseIn(pingan.StatusReported, false) // a dispute
	e.Hazard = &pingan.Hazard{Level: pingan.HazardMajor}
	if List(e, county, t0) != nil {
		t.Error("a dispute was listed")
	}
}
