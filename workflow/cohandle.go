package workflow

import (
	"slices"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Co-handling (主办/协办, pingan.Assist): a dispatch names the handling unit
// (to_unit, 主办) and the assisting units (assist_units, 协办); each
// assisting unit's handler signs (assist_sign) and reports its part
// (assist_report) without changing the case's status; the handling unit
// resolves only when every assisting unit has reported; the assists are
// withdrawn when the case leaves the handling unit.

// assistHandler: a handler of a unit that assists the case now.
func assistHandler(c *pingan.Case, a *pingan.User) bool {
	return a != nil && a.Has(pingan.RoleHandler) && c.ActiveAssist(a.UnitCode) != nil
}

// assisting: a user of a unit that assists the case now; they see it as
// the handling unit's users do.
func assisting(c *pingan.Case, a *pingan.User) bool {
	return a != nil && c.ActiveAssist(a.UnitCode) != nil
}

// allowsAssist reports whether the assist of actor's unit is in the state
// the action needs (r.assist), or the action needs none.
func (r rule) allowsAssist(c *pingan.Case, a *pingan.User) bool {
	if r.assist == "" {
		return true
	}
	if a == nil {
		return false
	}
	as := c.ActiveAssist(a.UnitCode)
	return as != nil && as.State == r.assist
}

// assistConflict answers the refusal of an assist action when the actor's
// unit does not assist the case, or its assist is not in the state the
// action needs (signed twice, reported before signing).
func assistConflict(c *pingan.Case, a *pingan.User, name pingan.ActionName) error {
	var as *pingan.Assist
	if a != nil {
		as = c.ActiveAssist(a.UnitCode)
	}
	if as == nil {
		return pingan.E(pingan.ECONFLICT, "action.conflict.assist.none", c.Status.Label(), string(c.Status), name.Label(), string(name))
	}
	return pingan.E(pingan.ECONFLICT, "action.conflict.assist.state", c.Status.Label(), string(c.Status), name.Label(), string(name),
		as.State.Label(), string(as.State))
}

// checkAssistUnits adds to v what is wrong with the assisting units of a
// dispatch: each must be known and in the dispatcher's jurisdiction
// (env.AssistUnits, looked up in the same order), and differ from the
// handling unit and from each other.
func checkAssistUnits(v *pingan.Invalid, in pingan.ActionInput, env Env) {
	if len(in.AssistUnits) > pingan.MaxAssists {
		v.Add("assist_units", "action.assist_units.many", pingan.MaxAssists)
		return
	}
	seen := map[string]bool{}
	main := strings.TrimSpace(in.ToUnit)
	for i, code := range in.AssistUnits {
		code = strings.TrimSpace(code)
		switch {
		case code == "":
			continue
		case code == main:
			v.Add("assist_units", "action.assist_units.main", code)
		case seen[code]:
			v.Add("assist_units", "action.assist_units.twice", code)
		case i >= len(env.AssistUnits) || env.AssistUnits[i] == nil:
			v.Add("assist_units", "action.assist_units.unknown", code)
		}
		seen[code] = true
	}
}

// assistsMissing refuses a resolve (办结反馈) while an assisting unit has
// not reported, naming those units.
func assistsMissing(c *pingan.Case) error {
	missing := c.AssistsMissing()
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, len(missing))
	for i, a := range missing {
		names[i] = firstNonEmpty(a.UnitName, a.Unit)
	}
	return pingan.E(pingan.ECONFLICT, "action.resolve.assists", strings.Join(names, "、"))
}

// cohandle changes the assists of next, the case c after the action in:
// a dispatch withdraws the assists of the round before and names its own;
// a case leaving its handling unit (return, escalation, reopening)
// withdraws them; assist_sign and assist_report move the actor's unit's
// assist and name it on the timeline entry.
func cohandle(c, next *pingan.Case, act *pingan.Action, actor *pingan.User, in pingan.ActionInput, env Env) {
	leaves := in.Action == pingan.ActDispatch || (c.AssignedUnit != "" && next.AssignedUnit != c.AssignedUnit)
	if !leaves && in.Action != pingan.ActAssistSign && in.Action != pingan.ActAssistReport {
		return
	}
	next.Assists = slices.Clone(c.Assists) // c stays as it was
	if leaves {
		for i := range next.Assists {
			if next.Assists[i].State.Active() {
				next.Assists[i].State = pingan.AssistWithdrawn
			}
		}
	}
	switch in.Action {
	case pingan.ActDispatch:
		for i, code := range in.AssistUnits {
			if strings.TrimSpace(code) == "" || i >= len(env.AssistUnits) || env.AssistUnits[i] == nil {
				continue
			}
			u := env.AssistUnits[i]
			next.Assists = append(next.Assists, pingan.Assist{Unit: u.Code, UnitName: u.Name, UnitPath: u.Path,
				State: pingan.AssistDispatched, DispatchedAt: env.Now})
		}
	case pingan.ActAssistSign, pingan.ActAssistReport:
		as := next.ActiveAssist(actor.UnitCode)
		now := env.Now
		if in.Action == pingan.ActAssistSign {
			as.State, as.SignedAt = pingan.AssistSigned, &now
		} else {
			as.State, as.ReportedAt, as.Result = pingan.AssistReported, &now, strings.TrimSpace(in.Result)
		}
		act.ToUnit = as.Unit
	}
}
