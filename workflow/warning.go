package workflow

import (
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The loop of a warning (预警, warning.go), as rows of a table:
//
//	raised ─sign─▶ signed ─handle─▶ handling ─feedback─▶ fed_back ─release─▶ released
//	   └──────────────┴──────────────┴──── escalate_risk / escalate_case ───▶ escalated
//
// The unit it is sent to signs, handles and feeds back (its handlers, its
// centre's dispatchers, its mediators); the centre above it (the issuer: a
// dispatcher whose jurisdiction holds the unit above) releases it once it
// has feedback, or escalates it into a risk item or a case at any open step.

// warningRule is a row of the warnings' table.
type warningRule struct {
	from  []string
	roles []pingan.Role
	rel   func(w *pingan.Warning, a *pingan.User) bool
	note  bool   // the step needs a note
	to    string // the state after it
}

var (
	warningUnitRoles   = []pingan.Role{pingan.RoleHandler, pingan.RoleDispatcher, pingan.RoleMediator}
	warningIssuerRoles = []pingan.Role{pingan.RoleDispatcher}
	openWarning        = []string{pingan.WarningRaised, pingan.WarningSigned, pingan.WarningHandling, pingan.WarningFedBack}
	workedWarning      = []string{pingan.WarningSigned, pingan.WarningHandling}
)

// warningRules are the steps of a warning, by name.
var warningRules = map[string]warningRule{
	pingan.WarnStepSign:         {from: []string{pingan.WarningRaised}, roles: warningUnitRoles, rel: warningMember, to: pingan.WarningSigned},
	pingan.WarnStepHandle:       {from: workedWarning, roles: warningUnitRoles, rel: warningMember, note: true, to: pingan.WarningHandling},
	pingan.WarnStepFeedback:     {from: workedWarning, roles: warningUnitRoles, rel: warningMember, note: true, to: pingan.WarningFedBack},
	pingan.WarnStepRelease:      {from: []string{pingan.WarningFedBack}, roles: warningIssuerRoles, rel: warningIssuer, to: pingan.WarningReleased},
	pingan.WarnStepEscalateRisk: {from: openWarning, roles: warningIssuerRoles, rel: warningIssuer, to: pingan.WarningEscalated},
	pingan.WarnStepEscalateCase: {from: openWarning, roles: warningIssuerRoles, rel: warningIssuer, to: pingan.WarningEscalated},
}

// warningMember: the actor belongs to the unit the warning is sent to (or
// to the centre serving it).
func warningMember(w *pingan.Warning, a *pingan.User) bool {
	return a != nil && w.UnitPath != "" && a.ScopePath == w.UnitPath
}

// warningIssuer: the actor's jurisdiction holds the unit above the one the
// warning is sent to.
func warningIssuer(w *pingan.Warning, a *pingan.User) bool {
	return a != nil && w.IssuerPath != "" && a.Sees(w.IssuerPath)
}

func mayRole(a *pingan.User, roles []pingan.Role) bool {
	return a != nil && slices.ContainsFunc(roles, a.Has)
}

// WarningAllowed reports whether the actor may take step on w now.
func WarningAllowed(w *pingan.Warning, a *pingan.User, step string) bool {
	r, ok := warningRules[step]
	return ok && slices.Contains(r.from, w.State) && mayRole(a, r.roles) && r.rel(w, a)
}

// WarningStepsFor answers the steps the actor may take on w now, in form order.
func WarningStepsFor(w *pingan.Warning, a *pingan.User) []string {
	var out []string
	for _, s := range pingan.WarningSteps {
		if WarningAllowed(w, a, s) {
			out = append(out, s)
		}
	}
	return out
}

// ApplyWarning answers w after the actor took the step in, and its
// timeline row; EINVALID for an unknown step or a missing note ("note"),
// EFORBIDDEN when the step is not the actor's, ECONFLICT when the state
// does not allow it — a release before feedback names "feedback". w is
// not changed. The store links what an escalation created.
func ApplyWarning(w *pingan.Warning, actor *pingan.User, in pingan.WarningAction, now time.Time) (*pingan.Warning, *pingan.WarningEvent, error) {
	r, ok := warningRules[in.Step]
	if !ok {
		return nil, nil, pingan.Invalidf("step", "warning.step.unknown", pingan.ShowText(in.Step, 20))
	}
	if !mayRole(actor, r.roles) || !r.rel(w, actor) {
		return nil, nil, pingan.E(pingan.EFORBIDDEN, "warning.step.forbidden", in.Step)
	}
	if !slices.Contains(r.from, w.State) {
		if in.Step == pingan.WarnStepRelease && pingan.WarningOpen(w.State) {
			e := pingan.E(pingan.ECONFLICT, "warning.feedback.required")
			e.Fields = map[string]pingan.Message{"feedback": pingan.Msg("warning.feedback.required")}
			return nil, nil, e
		}
		return nil, nil, pingan.E(pingan.ECONFLICT, "warning.step.state", in.Step, w.State)
	}
	note := strings.TrimSpace(in.Note)
	if r.note && note == "" {
		return nil, nil, pingan.Invalidf("note", "warning.note.required")
	}
	if len([]rune(note)) > pingan.MaxWarningNote {
		return nil, nil, pingan.Invalidf("note", "warning.note.long", pingan.MaxWarningNote)
	}
	next := *w
	next.State = r.to
	switch in.Step {
	case pingan.WarnStepSign:
		next.SignedAt = &now
	case pingan.WarnStepFeedback:
		next.FedBackAt, next.Feedback = &now, note
	case pingan.WarnStepRelease, pingan.WarnStepEscalateRisk, pingan.WarnStepEscalateCase:
		next.ClosedAt = &now
	}
	next.Version++
	ev := &pingan.WarningEvent{At: now, ActorID: actor.ID, ActorName: actorName(actor), Unit: w.Unit, Step: in.Step, Note: note}
	return &next, ev, nil
}

// MarkWarningOverdue answers w marked overdue by the watch at now, with its
// timeline row naming the deadline missed (sign or feedback); ok is false
// when w is closed, already marked, or within its deadlines.
func MarkWarningOverdue(w *pingan.Warning, now time.Time) (*pingan.Warning, *pingan.WarningEvent, bool) {
	if w.Overdue || !w.Late(now) {
		return nil, nil, false
	}
	missed, due := "feedback", w.FeedbackBy
	if w.State == pingan.WarningRaised && now.After(w.SignBy) {
		missed, due = "sign", w.SignBy
	}
	next := *w
	next.Overdue = true
	next.Version++
	ev := &pingan.WarningEvent{At: now, Unit: w.Unit, Step: pingan.WarnStepOverdue,
		Details: map[string]any{"missed": missed, "due": due.Format(time.RFC3339)}}
	return &next, ev, true
}
