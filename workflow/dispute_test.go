package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The rows of mediation (dispute.go): who may take each action, in which
// state of the mediation, what it refuses and what it changes.

var (
	deptMediator = user(20, dept, pingan.RoleMediator)
	townMediator = user(21, township, pingan.RoleMediator)
)

// agreed answers a dispute in status s whose mediation reached an
// agreement of two terms on t0, due t0+10 and t0+20 days.
func agreed(s pingan.Status) (*pingan.Case, []pingan.Term) {
	c := caseIn(s, false)
	c.AssignedUnit, c.AssignedPath = dept.Code, dept.Path
	day := pingan.DayOf(t0)
	due1, due2 := day.AddDate(0, 0, 10), day.AddDate(0, 0, 20)
	confirm, revisit := day.AddDate(0, 0, 30), day.AddDate(0, 0, 30)
	c.Mediation = &pingan.Mediation{Sessions: 2, Outcome: pingan.OutcomeAgreement, AgreedAt: &day, ConfirmBy: &confirm,
		Terms: 2, NextDue: &due1, RevisitBy: &revisit, Settled: true}
	return c, []pingan.Term{{No: 1, Text: "赔偿 3000 元", By: "被申请人", Due: due1}, {No: 2, Text: "修复围墙", By: "被申请人", Due: due2}}
}

// TestMediationRows: each mediation action by who may and may not take it,
// in the states that allow it and those that do not.
func TestMediationRows(t *testing.T) {
	ended := func(o pingan.MediationOutcome) func(pingan.Status) *pingan.Case {
		return func(s pingan.Status) *pingan.Case {
			c := caseIn(s, false)
			c.AssignedUnit, c.AssignedPath = dept.Code, dept.Path
			c.Mediation = &pingan.Mediation{Outcome: o, Referral: pingan.ReferLitigation}
			return c
		}
	}
	withAgreement := func(s pingan.Status) *pingan.Case { c, _ := agreed(s); return c }
	plain := func(s pingan.Status) *pingan.Case {
		c := caseIn(s, false)
		c.AssignedUnit, c.AssignedPath = dept.Code, dept.Path
		return c
	}
	service := func(s pingan.Status) *pingan.Case {
		c := caseIn(s, false)
		c.Kind, c.Category = pingan.KindService, "FW01"
		return c
	}
	for _, tc := range []struct {
		action pingan.ActionName
		status pingan.Status
		make   func(pingan.Status) *pingan.Case
		actor  *pingan.User
		want   string // "" allowed, else the error code
	}{
		{pingan.ActSign, pingan.StatusDispatched, plain, deptMediator, ""}, // the organisation's mediator signs a dispute
		{pingan.ActSign, pingan.StatusDispatched, service, deptMediator, pingan.EFORBIDDEN},
		{pingan.ActSign, pingan.StatusDispatched, plain, townMediator, pingan.EFORBIDDEN},
		{pingan.ActMediate, pingan.StatusInProgress, plain, deptMediator, ""},
		{pingan.ActMediate, pingan.StatusInProgress, plain, deptHandler, ""},
		{pingan.ActMediate, pingan.StatusInProgress, plain, townMediator, pingan.EFORBIDDEN}, // not the organisation's
		{pingan.ActMediate, pingan.StatusInProgress, plain, townDispatcher, pingan.EFORBIDDEN},
		{pingan.ActMediate, pingan.StatusDispatched, plain, deptMediator, pingan.ECONFLICT}, // not signed yet
		{pingan.ActMediate, pingan.StatusInProgress, service, deptMediator, pingan.ECONFLICT},
		{pingan.ActAgree, pingan.StatusInProgress, plain, deptMediator, ""},
		{pingan.ActAgree, pingan.StatusInProgress, service, all, pingan.ECONFLICT},
		{pingan.ActAgree, pingan.StatusInProgress, withAgreement, deptMediator, pingan.ECONFLICT}, // a second agreement
		{pingan.ActAgree, pingan.StatusClosed, withAgreement, deptMediator, pingan.ECONFLICT},
		{pingan.ActMediationFail, pingan.StatusInProgress, plain, deptMediator, ""},
		{pingan.ActRefuseMediation, pingan.StatusInProgress, plain, deptMediator, ""},
		{pingan.ActRefuseMediation, pingan.StatusResolved, plain, deptMediator, pingan.ECONFLICT},
		{pingan.ActConfirm, pingan.StatusClosed, withAgreement, deptMediator, ""},
		{pingan.ActConfirm, pingan.StatusResolved, withAgreement, townDispatcher, ""},
		{pingan.ActConfirm, pingan.StatusClosed, withAgreement, leader, pingan.EFORBIDDEN},
		{pingan.ActConfirm, pingan.StatusClosed, ended(pingan.OutcomeFailed), deptMediator, pingan.ECONFLICT},
		{pingan.ActConfirm, pingan.StatusClosed, plain, deptMediator, pingan.ECONFLICT},
		{pingan.ActPerform, pingan.StatusClosed, withAgreement, deptMediator, ""},
		{pingan.ActPerform, pingan.StatusInProgress, withAgreement, deptMediator, ""},
		{pingan.ActPerform, pingan.StatusClosed, ended(pingan.OutcomeRefused), deptMediator, pingan.ECONFLICT},
		{pingan.ActRevisit, pingan.StatusClosed, withAgreement, townDispatcher, ""},
		{pingan.ActRevisit, pingan.StatusClosed, ended(pingan.OutcomeFailed), deptMediator, ""},
		{pingan.ActRevisit, pingan.StatusClosed, plain, deptMediator, pingan.ECONFLICT}, // no mediation ended
		{pingan.ActRevisit, pingan.StatusClosed, withAgreement, viewer, pingan.EFORBIDDEN},
		{pingan.ActRevisit, pingan.StatusClosed, withAgreement, foreign, pingan.ENOTFOUND},
	} {
		name := string(tc.action) + "/" + string(tc.status) + "/" + tc.actor.Username
		t.Run(name, func(t *testing.T) {
			c := tc.make(tc.status)
			before := *c
			env := envAt(t0.Add(2 * time.Hour))
			_, env.Terms = agreed(tc.status)
			env.RevisitDays = 30
			_, err := Apply(c, tc.actor, input(tc.action), env)
			if got := pingan.ErrorCode(err); got != tc.want && !(tc.want == "" && err == nil) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			allowed := slices.Contains(Allowed(&before, tc.actor), tc.action)
			if allowed != (tc.want == "") {
				t.Errorf("Allowed lists %s: %v, the action answers %v", tc.action, allowed, err)
			}
			if err != nil && (c.Status != before.Status || c.Mediation != before.Mediation) {
				t.Error("a refused action changed the case")
			}
		})
	}
}

// TestMediationFields: each refusal names its field, and nothing changes.
func TestMediationFields(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	future := now.AddDate(0, 0, 1)
	for _, tc := range []struct {
		name   string
		make   func() *pingan.Case
		mutate func(in *pingan.ActionInput)
		field  string
		code   string
	}{
		{"session in the future", inProgress, func(in *pingan.ActionInput) { in.Session.HeldAt = future }, "session.held_at", pingan.EINVALID},
		{"session without a record", inProgress, func(in *pingan.ActionInput) { in.Session.Record = " " }, "session.record", pingan.EINVALID},
		{"session without mediators", inProgress, func(in *pingan.ActionInput) { in.Session.Mediators = []string{""} }, "session.mediators", pingan.EINVALID},
		{"session missing", inProgress, func(in *pingan.ActionInput) { in.Session = nil }, "session", pingan.EINVALID},
		{"agreement without terms", inProgress, func(in *pingan.ActionInput) { in.Action, in.Agreement.Terms = pingan.ActAgree, nil }, "agreement.terms", pingan.EINVALID},
		{"term without a date", inProgress, func(in *pingan.ActionInput) {
			in.Action = pingan.ActAgree
			in.Agreement.Terms = append(in.Agreement.Terms, pingan.Term{Text: "道歉", By: "被申请人"})
		}, "agreement.terms.2.due", pingan.EINVALID},
		{"term due before the agreement", inProgress, func(in *pingan.ActionInput) {
			in.Action = pingan.ActAgree
			in.Agreement.Terms[0].Due = t0.AddDate(0, 0, -1)
		}, "agreement.terms.1.due", pingan.EINVALID},
		{"written agreement without facts", inProgress, func(in *pingan.ActionInput) { in.Action, in.Agreement.Facts = pingan.ActAgree, "" }, "agreement.facts", pingan.EINVALID},
		{"agreement in the future", inProgress, func(in *pingan.ActionInput) { in.Action, in.Agreement.SignedOn = pingan.ActAgree, future }, "agreement.signed_on", pingan.EINVALID},
		{"failure without a route", inProgress, func(in *pingan.ActionInput) { in.Action, in.Referral = pingan.ActMediationFail, "" }, "referral", pingan.EINVALID},
		{"failure by an unknown route", inProgress, func(in *pingan.ActionInput) { in.Action, in.Referral = pingan.ActMediationFail, "petition" }, "referral", pingan.EINVALID},
		{"refusal without a reason", inProgress, func(in *pingan.ActionInput) { in.Action, in.Reason = pingan.ActRefuseMediation, "" }, "reason", pingan.EINVALID},
		{"unknown confirmation", closedAgreed, func(in *pingan.ActionInput) { in.Action, in.Confirmation = pingan.ActConfirm, "maybe" }, "confirmation", pingan.EINVALID},
		{"unknown term", closedAgreed, func(in *pingan.ActionInput) { in.Action, in.Term = pingan.ActPerform, 3 }, "term", pingan.EINVALID},
		{"performed in the future", closedAgreed, func(in *pingan.ActionInput) { in.Action, in.PerformedOn = pingan.ActPerform, &future }, "", pingan.EINVALID},
		{"revisit in the future", closedAgreed, func(in *pingan.ActionInput) { in.Action, in.Revisit.On = pingan.ActRevisit, future }, "revisit.on", pingan.EINVALID},
		{"revisit without a note", closedAgreed, func(in *pingan.ActionInput) { in.Action, in.Revisit.Note = pingan.ActRevisit, "" }, "revisit.note", pingan.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.make()
			before := *c
			in := input(pingan.ActMediate)
			tc.mutate(&in)
			if in.Action == pingan.ActPerform && tc.field == "" {
				tc.field = "performed_on"
			}
			env := envAt(now)
			_, env.Terms = agreed(c.Status)
			_, err := Apply(c, deptMediator, in, env)
			if pingan.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			var e *pingan.Error
			if tc.code == pingan.EINVALID {
				if !asError(err, &e) || e.Fields[tc.field].Key == "" {
					t.Fatalf("the refusal does not name %s: %#v", tc.field, err)
				}
			}
			if c.Status != before.Status || c.Mediation != before.Mediation {
				t.Error("a refused action changed the case")
			}
		})
	}
}

func inProgress() *pingan.Case { return caseIn(pingan.StatusInProgress, false) }

func closedAgreed() *pingan.Case { c, _ := agreed(pingan.StatusClosed); return c }

func asError(err error, e **pingan.Error) bool {
	x, ok := err.(*pingan.Error)
	*e = x
	return ok
}

// TestMediationStates: what each action leaves in the case's mediation.
func TestMediationStates(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	env := envAt(now)
	env.RevisitDays = 45

	// An agreement resolves the case and sets the windows.
	c := inProgress()
	in := input(pingan.ActAgree)
	in.Agreement.Terms = append(in.Agreement.Terms, pingan.Term{Text: "道歉", By: "被申请人", Due: t0.AddDate(0, 0, 3)})
	act, err := Apply(c, deptMediator, in, env)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Mediation
	day := pingan.DayOf(t0)
	if c.Status != pingan.StatusResolved || c.ResolvedAt == nil || act.ToStatus != pingan.StatusResolved {
		t.Fatalf("agree left %s", c.Status)
	}
	if m.Outcome != pingan.OutcomeAgreement || !m.Settled || m.Terms != 2 || m.Sessions != 1 ||
		!m.AgreedAt.Equal(day) || !m.ConfirmBy.Equal(day.AddDate(0, 0, 30)) || !m.RevisitBy.Equal(day.AddDate(0, 0, 45)) ||
		!m.NextDue.Equal(day.AddDate(0, 0, 3)) {
		t.Fatalf("agree: %+v", m)
	}

	// Performing the earlier term moves the next day to the later one.
	c, terms := agreed(pingan.StatusClosed)
	env.Terms = terms
	in = input(pingan.ActPerform)
	if _, err := Apply(c, deptMediator, in, env); err != nil {
		t.Fatal(err)
	}
	if c.Mediation.TermsPerformed != 1 || !c.Mediation.NextDue.Equal(terms[1].Due) || c.Status != pingan.StatusClosed {
		t.Fatalf("perform: %+v", c.Mediation)
	}
	// A term performed already is refused.
	terms[0].PerformedOn = &now
	if _, err := Apply(c, deptMediator, in, env); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("performing a performed term: %v", err)
	}

	// The court answers once.
	c, _ = agreed(pingan.StatusClosed)
	in = input(pingan.ActConfirm)
	if _, err := Apply(c, deptMediator, in, env); err != nil || c.Mediation.Confirmation != pingan.ConfirmConfirmed {
		t.Fatalf("confirm: %v %+v", err, c.Mediation)
	}
	if _, err := Apply(c, deptMediator, in, env); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("a second answer: %v", err)
	}

	// A failed mediation is settled only when a visit finds it so.
	c = inProgress()
	if _, err := Apply(c, deptMediator, input(pingan.ActMediationFail), env); err != nil {
		t.Fatal(err)
	}
	if c.Mediation.Outcome != pingan.OutcomeFailed || c.Mediation.Settled || c.Mediation.Referral != pingan.ReferLitigation {
		t.Fatalf("fail: %+v", c.Mediation)
	}
	c.Status = pingan.StatusClosed
	if _, err := Apply(c, townDispatcher, input(pingan.ActRevisit), env); err != nil || !c.Mediation.Settled || c.Mediation.RevisitedAt == nil {
		t.Fatalf("revisit found it settled: %v %+v", err, c.Mediation)
	}

	// A rework withdraws a failure, and keeps an agreement.
	c = inProgress()
	Apply(c, deptMediator, input(pingan.ActRefuseMediation), env)
	if _, err := Apply(c, townDispatcher, input(pingan.ActRework), env); err != nil || c.Mediation.Outcome != "" {
		t.Fatalf("rework of a refusal: %v %+v", err, c.Mediation)
	}
	c, _ = agreed(pingan.StatusResolved)
	if _, err := Apply(c, townDispatcher, input(pingan.ActRework), env); err != nil || c.Mediation.Outcome != pingan.OutcomeAgreement {
		t.Fatalf("rework of an agreement: %v %+v", err, c.Mediation)
	}
	// A reopening withdraws the agreement: a new one may be reached.
	c, _ = agreed(pingan.StatusClosed)
	if _, err := Apply(c, townDispatcher, input(pingan.ActReopen), env); err != nil || c.Mediation.Outcome != "" || c.Mediation.Sessions != 2 {
		t.Fatalf("reopen: %v %+v", err, c.Mediation)
	}
}

// TestTermOverdue: the system raises a closed dispute again once a term's
// day has ended unperformed, and not before.
func TestTermOverdue(t *testing.T) {
	c, terms := agreed(pingan.StatusClosed)
	env := envAt(terms[0].Due.Add(23 * time.Hour)) // the day itself: not yet
	env.Terms = terms
	if _, err := Apply(c, nil, pingan.ActionInput{Action: pingan.ActTermOverdue}, env); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("on the term's day: %v", err)
	}
	if _, err := Apply(c, deptMediator, pingan.ActionInput{Action: pingan.ActTermOverdue}, env); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Fatalf("by a user: %v", err)
	}
	env.Now = terms[0].Due.AddDate(0, 0, 1)
	act, err := Apply(c, nil, pingan.ActionInput{Action: pingan.ActTermOverdue}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != pingan.StatusInProgress || c.ClosedAt != nil || c.AssignedUnit != dept.Code || act.Note == "" {
		t.Fatalf("term_overdue left %s %s %q", c.Status, c.AssignedUnit, act.Note)
	}
	if c.OverdueAt(env.Now) || c.ResolveBy == nil || !c.ResolveBy.After(env.Now) {
		t.Errorf("the raised case is overdue at once: resolve by %v", c.ResolveBy)
	}
	if !slices.Contains(Allowed(c, deptMediator), pingan.ActPerform) {
		t.Error("the mediator cannot record the performance of the raised case")
	}
}
