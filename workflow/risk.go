package workflow

import (
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// Risks (风险台账, pingan/risk.go, docs/risks.md): the steps are rows of
// riskRules — from which states, who may — and ApplyRisk answers the
// risk's new state and one timeline row.
//
//	register          dispatcher or assessor (the store checks the units are theirs); controlled;
//	                  next review = now + the level's cadence
//	review            controlled: the 包保 leader or a handler of the responsible unit; an optional
//	                  new level; next review = now + the (new) level's cadence; clears overdue
//	change_level      controlled: as review, or a registrar; with a reason; next review counted
//	                  from the last review (or the registration) by the new level's cadence
//	add_measure,
//	complete_measure  controlled: the keepers (leader, responsible handlers)
//	link_case,
//	unlink_case       controlled, resolved: the keepers or a registrar
//	resolve           controlled → resolved (已化解), with a note: the keepers
//	close             resolved → closed (已销号): a dispatcher or assessor of the registering unit or above
//	reopen            resolved, closed → controlled, with a note: a registrar or the leader;
//	                  next review = now + the level's cadence
//	overdue           controlled, the review due passed: the watch (no actor)

// riskRule is a row of the risk's steps.
type riskRule struct {
	from []string
	may  func(r *pingan.Risk, a *pingan.User) bool
}

var riskRules = map[string]riskRule{
	pingan.RiskReview:          {from: []string{pingan.RiskControlled}, may: riskKeeper},
	pingan.RiskChangeLevel:     {from: []string{pingan.RiskControlled}, may: either(riskKeeper, riskRegistrar)},
	pingan.RiskAddMeasure:      {from: []string{pingan.RiskControlled}, may: riskKeeper},
	pingan.RiskCompleteMeasure: {from: []string{pingan.RiskControlled}, may: riskKeeper},
	pingan.RiskLinkCase:        {from: []string{pingan.RiskControlled, pingan.RiskResolved}, may: either(riskKeeper, riskRegistrar)},
	pingan.RiskUnlinkCase:      {from: []string{pingan.RiskControlled, pingan.RiskResolved}, may: either(riskKeeper, riskRegistrar)},
	pingan.RiskResolve:         {from: []string{pingan.RiskControlled}, may: riskKeeper},
	pingan.RiskCloseStep:       {from: []string{pingan.RiskResolved}, may: riskRegistrar},
	pingan.RiskReopen:          {from: []string{pingan.RiskResolved, pingan.RiskClosed}, may: either(riskLeader, riskRegistrar)},
	pingan.RiskOverdue:         {from: []string{pingan.RiskControlled}, may: riskWatch},
}

func either(f, g func(*pingan.Risk, *pingan.User) bool) func(*pingan.Risk, *pingan.User) bool {
	return func(r *pingan.Risk, a *pingan.User) bool { return f(r, a) || g(r, a) }
}

// riskWatch: the watch, no actor.
func riskWatch(_ *pingan.Risk, a *pingan.User) bool { return a == nil }

// riskLeader: the risk's 包保 leader.
func riskLeader(r *pingan.Risk, a *pingan.User) bool {
	return a != nil && a.ID == r.Leader && a.Has(pingan.RoleLeader)
}

// riskKeeper: the 包保 leader or a handler of the responsible unit.
func riskKeeper(r *pingan.Risk, a *pingan.User) bool {
	return riskLeader(r, a) || (a != nil && a.Has(pingan.RoleHandler) &&
		(a.UnitCode == r.Responsible || (r.RespPath != "" && a.ScopePath == r.RespPath)))
}

// riskRegistrar: a dispatcher or assessor whose jurisdiction holds the
// registering unit (of it or above it).
func riskRegistrar(r *pingan.Risk, a *pingan.User) bool {
	return a != nil && (a.Has(pingan.RoleDispatcher) || a.Has(pingan.RoleAssessor)) && a.Sees(r.RegPath)
}

// MayRegisterRisk reports whether a may register risks (the store checks
// the units lie in their jurisdiction).
func MayRegisterRisk(a *pingan.User) bool {
	return a != nil && (a.Has(pingan.RoleDispatcher) || a.Has(pingan.RoleAssessor))
}

// RiskAllowed answers the steps actor may take on r now, in the order of
// pingan.RiskSteps.
func RiskAllowed(r *pingan.Risk, actor *pingan.User) []string {
	var out []string
	for _, s := range pingan.RiskSteps {
		if rr := riskRules[s]; slices.Contains(rr.from, r.Status) && rr.may(r, actor) {
			out = append(out, s)
		}
	}
	return out
}

// RiskChange is what a step does to a risk: the new state, level and next
// review due, the measure completed, and the timeline row.
type RiskChange struct {
	Status  string
	Level   string
	NextDue time.Time
	// Reviewed says the step is a review (counted; clears overdue).
	Reviewed bool
	Event    pingan.RiskEvent
}

// riskStepError answers a refusal naming the step: EFORBIDDEN when the
// actor may not take it, ECONFLICT when the state does not allow it.
func riskStepError(code, key string, args ...any) error {
	e := pingan.E(code, key, args...)
	e.Fields = map[string]pingan.Message{"step": pingan.Msg(key, args...)}
	return e
}

// ApplyRisk takes step a on r for actor (nil: the watch) at now, with the
// review cadence days by level. It answers the change, or an error naming
// the field: "step" (EFORBIDDEN for the actor, ECONFLICT for the state),
// or the fields of a (EINVALID). r is not changed.
func ApplyRisk(r *pingan.Risk, actor *pingan.User, a *pingan.RiskAction, now time.Time, days map[string]int) (*RiskChange, error) {
	rr, ok := riskRules[a.Step]
	if !ok {
		return nil, pingan.Invalidf("step", "risk.step.bad")
	}
	if !rr.may(r, actor) {
		return nil, riskStepError(pingan.EFORBIDDEN, "risk.step.forbidden", pingan.RiskLabel(a.Step), a.Step)
	}
	if !slices.Contains(rr.from, r.Status) {
		return nil, riskStepError(pingan.ECONFLICT, "risk.step.state", pingan.RiskLabel(a.Step), a.Step, pingan.RiskLabel(r.Status), r.Status)
	}
	var v pingan.Invalid
	if a.Step != pingan.RiskOverdue {
		a.Validate(&v, pingan.Day(r.RegisteredAt), pingan.Day(now))
	}
	if a.Step == pingan.RiskChangeLevel && a.Level == r.Level {
		v.Add("level", "risk.level.same", pingan.RiskLabel(a.Level), a.Level)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ch := &RiskChange{Status: r.Status, Level: r.Level, NextDue: r.NextReviewDue}
	ch.Event = pingan.RiskEvent{At: now, Step: a.Step, Note: a.Note, Details: map[string]any{}}
	if actor != nil {
		ch.Event.ActorID, ch.Event.ActorName, ch.Event.Unit = actor.ID, actorName(actor), actor.UnitCode
	}
	setLevel := func() {
		if a.Level != "" && a.Level != r.Level {
			ch.Level = a.Level
			ch.Event.Details["from"], ch.Event.Details["to"] = r.Level, a.Level
		}
	}
	due := func(from time.Time) time.Time { return from.AddDate(0, 0, ReviewDays(days, ch.Level)) }
	switch a.Step {
	case pingan.RiskReview:
		setLevel()
		ch.Reviewed = true
		ch.NextDue = due(now)
	case pingan.RiskChangeLevel:
		setLevel()
		base := r.RegisteredAt
		if r.LastReviewAt != nil {
			base = *r.LastReviewAt
		}
		ch.NextDue = due(base)
	case pingan.RiskAddMeasure:
		m := a.Measure
		ch.Event.Details["text"], ch.Event.Details["due"] = m.Text, m.Due
		if m.Unit != "" {
			ch.Event.Details["unit"] = m.Unit
		}
		if m.Owner != "" {
			ch.Event.Details["owner"] = m.Owner
		}
	case pingan.RiskCompleteMeasure:
		var found *pingan.RiskMeasure
		for _, m := range r.Measures {
			if m.Seq == a.Seq {
				found = m
			}
		}
		switch {
		case found == nil:
			return nil, pingan.Invalidf("seq", "risk.measure.unknown", a.Seq)
		case found.Done != "":
			return nil, conflictField("seq", "risk.measure.done", a.Seq)
		}
		ch.Event.Details["seq"], ch.Event.Details["done"] = a.Seq, a.Done
	case pingan.RiskLinkCase:
		if slices.Contains(r.Cases, a.Case) {
			return nil, conflictField("case", "risk.case.linked", a.Case)
		}
		ch.Event.Details["case"] = a.Case
	case pingan.RiskUnlinkCase:
		if !slices.Contains(r.Cases, a.Case) {
			return nil, conflictField("case", "risk.case.unlinked", a.Case)
		}
		ch.Event.Details["case"] = a.Case
	case pingan.RiskResolve:
		ch.Status = pingan.RiskResolved
	case pingan.RiskCloseStep:
		ch.Status = pingan.RiskClosed
	case pingan.RiskReopen:
		ch.Status = pingan.RiskControlled
		ch.NextDue = due(now)
	case pingan.RiskOverdue:
		if now.Before(r.NextReviewDue) || r.Overdue {
			return nil, riskStepError(pingan.ECONFLICT, "risk.step.state", pingan.RiskLabel(a.Step), a.Step, pingan.RiskLabel(r.Status), r.Status)
		}
		ch.Event.Details["due"] = r.NextReviewDue.Format(time.RFC3339)
	}
	if len(ch.Event.Details) == 0 {
		ch.Event.Details = nil
	}
	return ch, nil
}

// conflictField answers ECONFLICT naming field.
func conflictField(field, key string, args ...any) error {
	e := pingan.E(pingan.ECONFLICT, key, args...)
	e.Fields = map[string]pingan.Message{field: pingan.Msg(key, args...)}
	return e
}

// ReviewDays answers the cadence of level in days: days' value, else the
// default (pingan.DefaultReviewDays), else 30.
func ReviewDays(days map[string]int, level string) int {
	if d := days[level]; d > 0 {
		return d
	}
	if d := pingan.DefaultReviewDays[level]; d > 0 {
		return d
	}
	return 30
}

// FirstReview answers the first review due of a risk of level registered
// at now.
func FirstReview(level string, now time.Time, days map[string]int) time.Time {
	return now.AddDate(0, 0, ReviewDays(days, level))
}
