package workflow

import (
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// The rectification of a hazard (隐患整改, pingan/hazard.go,
// docs/hazards.md): rows of the one table, for the kind hazard only. The
// case's status stays in progress while the hazard is rectified and
// rechecked; the stage (pingan.HazardStage) says where it stands.
//
//	in_progress, stage ""         ─rectify_order→   rectifying (a deadline in the future, the party, the measures)
//	in_progress, rectifying       ─rectify_done→    rechecking (after-photos; late when past the deadline)
//	in_progress, rechecking       ─recheck passed→  closed, stage passed (销号)
//	in_progress, rechecking       ─recheck failed→  rectifying, a new deadline, round + 1 (返工)
//	in_progress, rectifying       ─rectify_overdue→ the same (the system's: the deadline passed, 整改超期)
//
// A plain resolve is a hazard fixed on the spot (立行立改) and is allowed
// only while no rectification is ordered; once ordered, the loop goes
// through recheck. A recheck is never taken by the user who reported the
// rectification done nor by a user of the party's unit (409 naming
// recheck). A major hazard (重大隐患) is listed for supervision at its
// report (List).

// hazardRules are the rows of the hazard's actions.
var hazardRules = map[pingan.ActionName]rule{
	pingan.ActRectifyOrder:   {from: st(pingan.StatusInProgress), may: orderer, kind: pingan.KindHazard},
	pingan.ActRectifyDone:    {from: st(pingan.StatusInProgress), may: rectifier, kind: pingan.KindHazard},
	pingan.ActRecheck:        {from: st(pingan.StatusInProgress), may: rechecker, kind: pingan.KindHazard},
	pingan.ActRectifyOverdue: {from: st(pingan.StatusInProgress), may: system, kind: pingan.KindHazard, whileSuspended: true},
}

// hazardStages are the stages each hazard action is taken from.
var hazardStages = map[pingan.ActionName]pingan.HazardStage{
	pingan.ActRectifyOrder:   "",
	pingan.ActRectifyDone:    pingan.HazardRectifying,
	pingan.ActRecheck:        pingan.HazardRechecking,
	pingan.ActRectifyOverdue: pingan.HazardRectifying,
}

func init() {
	for name, r := range hazardRules {
		rules[name] = r
	}
}

// orderer: the assigned unit's handler, or a dispatcher of the centre
// holding the case (责令整改).
func orderer(c *pingan.Case, a *pingan.User) bool {
	return assignedHandler(c, a) || (a != nil && dispatcher(c, a))
}

// partyRectifier: a handler of the party's unit, when the party is a
// department.
func partyRectifier(c *pingan.Case, a *pingan.User) bool {
	h := c.Hazard
	return a != nil && h != nil && h.Party.Kind == pingan.PartyDepartment && h.Party.Unit != "" &&
		a.Has(pingan.RoleHandler) && a.UnitCode == h.Party.Unit
}

// rectifier: the assigned unit's handler, or a handler of the party's
// unit when the party is a department (整改完成).
func rectifier(c *pingan.Case, a *pingan.User) bool {
	return assignedHandler(c, a) || partyRectifier(c, a)
}

// rechecker: a handler or grid worker of the assigned unit, or a
// dispatcher who sees the case (复查); hazardRefused keeps out the one who
// rectified and the party's unit.
func rechecker(c *pingan.Case, a *pingan.User) bool {
	if a == nil {
		return false
	}
	if (a.Has(pingan.RoleHandler) || a.Has(pingan.RoleGridWorker)) && c.AssignedUnit != "" && a.UnitCode == c.AssignedUnit {
		return true
	}
	return a.Has(pingan.RoleDispatcher) && sees(c, a)
}

// hazardBlocked reports whether a hazard's stage does not allow the
// action: a hazard action away from its stage, or a plain resolve once
// rectification is ordered.
func hazardBlocked(c *pingan.Case, name pingan.ActionName) bool {
	if want, ok := hazardStages[name]; ok {
		stage := pingan.HazardStage("")
		if c.Hazard != nil {
			stage = c.Hazard.Stage
		}
		return c.Kind != pingan.KindHazard || stage != want
	}
	return name == pingan.ActResolve && c.Kind == pingan.KindHazard && c.Hazard.Ordered()
}

// hazardRefused answers the refusal of a recheck by the user who reported
// the rectification done or by a user of the party's unit (复查不得由整改
// 方进行): a conflict naming recheck; nil otherwise.
func hazardRefused(c *pingan.Case, a *pingan.User, name pingan.ActionName) error {
	h := c.Hazard
	if name != pingan.ActRecheck || a == nil || h == nil {
		return nil
	}
	key := ""
	switch {
	case h.DoneBy != 0 && a.ID == h.DoneBy:
		key = "hazard.recheck.self"
	case h.Party.Kind == pingan.PartyDepartment && h.Party.Unit != "" && a.UnitCode == h.Party.Unit:
		key = "hazard.recheck.party"
	default:
		return nil
	}
	return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg(key), Fields: map[string]pingan.Message{"recheck": pingan.Msg(key)}}
}

// validateHazard checks the fields of the hazard's actions into v.
func validateHazard(c *pingan.Case, in *pingan.ActionInput, env Env, v *pingan.Invalid) {
	switch in.Action {
	case pingan.ActRectifyOrder:
		in.Rectify.Check(v, env.Now, false)
		if in.Rectify != nil && in.Rectify.Party.Kind == pingan.PartyDepartment && in.Rectify.Party.Unit != "" && env.PartyUnit == nil {
			v.Add("rectify.party.unit", "hazard.party.unit.unknown", in.Rectify.Party.Unit)
		}
	case pingan.ActRectifyDone:
		if len(in.Photos)+len(in.Attachments) == 0 {
			v.Add("photos", "hazard.photos.required")
		}
	case pingan.ActRecheck:
		if in.Recheck == nil || in.Recheck.Passed == nil {
			v.Require("recheck.passed", "")
			return
		}
		if !*in.Recheck.Passed {
			in.Rectify.Check(v, env.Now, true)
		}
	}
}

// hazardTransition changes next's hazard and status for the hazard's
// actions, and a reopening; transition has run.
func hazardTransition(next *pingan.Case, act *pingan.Action, actor *pingan.User, in pingan.ActionInput, env Env) {
	if next.Kind != pingan.KindHazard {
		return
	}
	h := pingan.Hazard{Level: pingan.HazardGeneral}
	if next.Hazard != nil {
		h = *next.Hazard
	}
	now := env.Now
	day := func(t *time.Time) string { return t.In(pingan.CST).Format("2006-01-02 15:04") }
	switch in.Action {
	case pingan.ActRectifyOrder:
		r := in.Rectify
		dl := *r.Deadline
		h.Stage, h.Deadline, h.Party, h.Measures = pingan.HazardRectifying, &dl, r.Party, r.Measures
		h.PartyPath = ""
		if env.PartyUnit != nil {
			h.Party.Unit, h.PartyPath = env.PartyUnit.Code, env.PartyUnit.Path
		} else {
			h.Party.Unit = ""
		}
		h.OrderedAt, h.DoneBy, h.DoneAt = &now, 0, nil
		h.Round++
		act.Deadline = &dl
		resolveAfterRecheck(next, dl, env)
		act.Note = firstNonEmpty(in.Note, pingan.Text(pingan.ZH, "hazard.note.order", h.Party.Name, day(&dl), h.Measures))
	case pingan.ActRectifyDone:
		h.Stage = pingan.HazardRechecking
		h.DoneAt = &now
		if actor != nil {
			h.DoneBy = actor.ID
		}
		late := h.Deadline != nil && now.After(*h.Deadline)
		h.Late = h.Late || late
		key := "hazard.note.done"
		if late {
			key = "hazard.note.done.late"
		}
		act.Note = firstNonEmpty(in.Note, in.Result, pingan.Text(pingan.ZH, key))
	case pingan.ActRecheck:
		h.Rechecks++
		h.RecheckedAt = &now
		h.LastPassed = *in.Recheck.Passed
		if h.LastPassed {
			// 销号: closed as close closes, resolved when it was done.
			h.Stage = pingan.HazardPassed
			next.Status = pingan.StatusClosed
			resolved := now
			if h.DoneAt != nil {
				resolved = *h.DoneAt
			}
			next.ResolvedAt, next.ClosedAt = &resolved, &now
			act.Note = firstNonEmpty(in.Note, pingan.Text(pingan.ZH, "hazard.note.passed"))
		} else {
			dl := *in.Rectify.Deadline
			h.Stage, h.Deadline, h.Round = pingan.HazardRectifying, &dl, h.Round+1
			h.DoneBy, h.DoneAt = 0, nil
			next.Reworks++ // 返工
			act.Deadline = &dl
			resolveAfterRecheck(next, dl, env)
			act.Note = firstNonEmpty(in.Note, pingan.Text(pingan.ZH, "hazard.note.failed", day(&dl)))
		}
	case pingan.ActRectifyOverdue:
		h.Late = true
		if h.Deadline != nil {
			w := *h.Deadline
			h.Watched = &w
			act.Note = pingan.Text(pingan.ZH, "hazard.note.overdue", day(h.Deadline))
		}
	case pingan.ActReopen:
		// A reopened hazard is ordered again from the start; its rounds
		// and rechecks stay counted.
		h.Stage, h.Deadline, h.DoneBy, h.DoneAt = "", nil, 0, nil
	default:
		return
	}
	act.ToStatus = next.Status
	next.Hazard = &h
}

// RecheckDays are the working days a recheck (复查) takes at most after
// the rectification's deadline.
const RecheckDays = 3

// resolveAfterRecheck moves the case's resolve deadline to the end of the
// recheck of a rectification due at dl, when that is later: the deadline
// the inspector sets (整改期限) governs the hazard, not the category's
// period, so a hazard rectified and rechecked in time is resolved in time
// and one that is not is overdue as a case too.
func resolveAfterRecheck(next *pingan.Case, dl time.Time, env Env) {
	due := dl.Add(RecheckDays * 24 * time.Hour)
	if env.Calendar != nil {
		if d, err := env.Calendar.Due(dl, RecheckDays, calendar.WorkingDays); err == nil {
			due = d
		}
	}
	if next.ResolveBy == nil || due.After(*next.ResolveBy) {
		next.ResolveBy = &due
	}
}

// List lists a major hazard for supervision (挂牌督办) by the unit above
// the one holding it, as the system, at its report: c is marked supervised
// and listed, and the answer is the timeline entry to append; nil when c
// is not a major hazard or is listed already. by is the supervising unit
// (nil at the top of the tree: the holding unit supervises it itself).
func List(c *pingan.Case, by *pingan.Unit, now time.Time) *pingan.Action {
	h := c.Hazard
	if c.Kind != pingan.KindHazard || h == nil || h.Level != pingan.HazardMajor || h.Listed {
		return nil
	}
	code, name := c.HoldingUnit, c.HoldingUnit
	if by != nil {
		code, name = by.Code, by.Name
	}
	h.Listed, h.Supervisor = true, code
	c.Supervised = true
	return &pingan.Action{Action: pingan.ActSupervise, At: now, FromStatus: c.Status, ToStatus: c.Status,
		ActorName: pingan.SystemActor, Note: pingan.Text(pingan.ZH, "hazard.note.listed", name)}
}

// rectifyingParty: a user of the department that must rectify the hazard
// (整改责任单位) sees it while its rectification is ordered.
func rectifyingParty(c *pingan.Case, a *pingan.User) bool {
	h := c.Hazard
	return a != nil && h != nil && (h.Stage == pingan.HazardRectifying || h.Stage == pingan.HazardRechecking) && h.Party.Kind == pingan.PartyDepartment && h.Party.Unit != "" &&
		a.UnitCode == h.Party.Unit
}
