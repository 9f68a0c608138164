package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// A warning sent to the village; the township above it is its issuer.
func warningIn(state string) *pingan.Warning {
	return &pingan.Warning{ID: 1, Rule: 1, RuleKind: pingan.RuleCluster, Level: pingan.RiskRed, Place: "620902001001-01",
		Unit: village.Code, UnitPath: village.Path, IssuerPath: township.Path, State: state, RaisedAt: t0,
		SignBy: t0.Add(2 * time.Hour), FeedbackBy: t0.Add(24 * time.Hour), Version: 2}
}

// TestWarningRules takes every step in every state by every actor and
// compares the outcome with the table written out here by hand.
func TestWarningRules(t *testing.T) {
	actors := map[string]*pingan.User{
		"villageHand": user(30, village, pingan.RoleHandler), "villageMed": user(31, village, pingan.RoleMediator),
		"villageDisp": user(32, village, pingan.RoleDispatcher), "villageGrid": reporter, "villageViewer": user(33, village, pingan.RoleViewer),
		"townDisp": townDispatcher, "countyDisp": countyDisp, "townHand": otherHandler, "leader": leader, "viewer": viewer,
		"foreign": foreign, "deptHand": deptHandler,
	}
	unit := []string{"villageHand", "villageMed", "villageDisp"}
	issuer := []string{"townDisp", "countyDisp"}
	open := []string{pingan.WarningRaised, pingan.WarningSigned, pingan.WarningHandling, pingan.WarningFedBack}
	worked := []string{pingan.WarningSigned, pingan.WarningHandling}
	want := map[string]struct {
		who, states []string
		to          string
	}{
		pingan.WarnStepSign:         {unit, []string{pingan.WarningRaised}, pingan.WarningSigned},
		pingan.WarnStepHandle:       {unit, worked, pingan.WarningHandling},
		pingan.WarnStepFeedback:     {unit, worked, pingan.WarningFedBack},
		pingan.WarnStepRelease:      {issuer, []string{pingan.WarningFedBack}, pingan.WarningReleased},
		pingan.WarnStepEscalateRisk: {issuer, open, pingan.WarningEscalated},
		pingan.WarnStepEscalateCase: {issuer, open, pingan.WarningEscalated},
	}
	if len(want) != len(pingan.WarningSteps) {
		t.Fatalf("the test knows %d steps, the domain %d", len(want), len(pingan.WarningSteps))
	}
	for _, state := range pingan.WarningStates {
		for _, step := range pingan.WarningSteps {
			for name, a := range actors {
				w := warningIn(state)
				got, ev, err := ApplyWarning(w, a, pingan.WarningAction{Step: step, Note: "已走访核实"}, t0.Add(time.Hour))
				row := want[step]
				mayWho, mayState := slices.Contains(row.who, name), slices.Contains(row.states, state)
				if allowed := WarningAllowed(w, a, step); allowed != (mayWho && mayState) {
					t.Errorf("%s %s by %s: allowed %v, want %v", state, step, name, allowed, mayWho && mayState)
				}
				switch {
				case !mayWho:
					if pingan.ErrorCode(err) != pingan.EFORBIDDEN {
						t.Errorf("%s %s by %s: %v, want forbidden", state, step, name, err)
					}
				case !mayState:
					if pingan.ErrorCode(err) != pingan.ECONFLICT {
						t.Errorf("%s %s by %s: %v, want conflict", state, step, name, err)
					}
				case err != nil:
					t.Errorf("%s %s by %s: %v", state, step, name, err)
				default:
					if got.State != row.to || got.Version != w.Version+1 || ev.Step != step || ev.ActorID != a.ID {
						t.Errorf("%s %s by %s: state %s version %d event %+v", state, step, name, got.State, got.Version, ev)
					}
					if w.State != state {
						t.Errorf("%s %s: the warning given was changed", state, step)
					}
				}
			}
		}
	}
}

// TestWarningReleaseNeedsFeedback: a release before the feedback is a 409
// naming feedback; steps that need a note name it.
func TestWarningReleaseNeedsFeedback(t *testing.T) {
	for _, st := range []string{pingan.WarningRaised, pingan.WarningSigned, pingan.WarningHandling} {
		_, _, err := ApplyWarning(warningIn(st), townDispatcher, pingan.WarningAction{Step: pingan.WarnStepRelease}, t0)
		var e *pingan.Error
		if pingan.ErrorCode(err) != pingan.ECONFLICT || !asError(err, &e) || e.Fields["feedback"].Key == "" {
			t.Errorf("release in %s: %v, want conflict naming feedback", st, err)
		}
	}
	hand := user(30, village, pingan.RoleHandler)
	for _, step := range []string{pingan.WarnStepHandle, pingan.WarnStepFeedback} {
		_, _, err := ApplyWarning(warningIn(pingan.WarningSigned), hand, pingan.WarningAction{Step: step, Note: "  "}, t0)
		if pingan.ErrorCode(err) != pingan.EINVALID || !fieldNamed(err, "note") {
			t.Errorf("%s without a note: %v", step, err)
		}
	}
	w, _, err := ApplyWarning(warningIn(pingan.WarningHandling), hand, pingan.WarningAction{Step: pingan.WarnStepFeedback, Note: "已化解"}, t0)
	if err != nil || w.Feedback != "已化解" || w.FedBackAt == nil {
		t.Fatalf("feedback: %+v, %v", w, err)
	}
	if _, _, err := ApplyWarning(warningIn(pingan.WarningRaised), hand, pingan.WarningAction{Step: "delete"}, t0); !fieldNamed(err, "step") {
		t.Errorf("an unknown step: %v", err)
	}
}

// TestMarkWarningOverdue: the watch marks a warning once, naming the
// deadline it missed.
func TestMarkWarningOverdue(t *testing.T) {
	w := warningIn(pingan.WarningRaised)
	if _, _, ok := MarkWarningOverdue(w, t0.Add(time.Hour)); ok {
		t.Fatal("marked within its deadlines")
	}
	got, ev, ok := MarkWarningOverdue(w, t0.Add(3*time.Hour))
	if !ok || !got.Overdue || ev.Details["missed"] != "sign" {
		t.Fatalf("sign missed: %v %+v", ok, ev)
	}
	if _, _, ok := MarkWarningOverdue(got, t0.Add(30*time.Hour)); ok {
		t.Error("marked twice")
	}
	s := warningIn(pingan.WarningSigned)
	if _, ev, ok := MarkWarningOverdue(s, t0.Add(25*time.Hour)); !ok || ev.Details["missed"] != "feedback" {
		t.Errorf("feedback missed: %v %+v", ok, ev)
	}
	if _, _, ok := MarkWarningOverdue(warningIn(pingan.WarningReleased), t0.Add(99*time.Hour)); ok {
		t.Error("a released warning marked")
	}
}

// fieldNamed reports whether err is an *Error naming field.
func fieldNamed(err error, field string) bool {
	var e *pingan.Error
	return asError(err, &e) && e != nil && e.Fields[field].Key != ""
}
