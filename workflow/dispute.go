package workflow

import (
	"fmt"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Mediation of a dispute (调解, pingan/dispute.go): rows of the one table,
// for the kind dispute only.
//
//	in_progress ─mediate→ in_progress (a session; the status stays)
//	in_progress ─agree | mediation_fail | refuse_mediation→ resolved (the outcome; the centre verifies and closes)
//	resolved, closed ─confirm | revisit→ the same status (司法确认, 回访)
//	in_progress, resolved, closed ─perform→ the same status (a term performed)
//	resolved, closed ─term_overdue→ in_progress (the system's: a term not performed by its day)
//
// A rework withdraws a failed or refused outcome (the centre wants the
// mediation tried again) and keeps an agreement; a reopening withdraws any
// outcome, so that a new agreement may be reached.

// disputeRules are the rows of the mediation's actions.
var disputeRules = map[pingan.ActionName]rule{
	pingan.ActMediate:         {from: st(pingan.StatusInProgress), may: mediator, kind: pingan.KindDispute},
	pingan.ActAgree:           {from: st(pingan.StatusInProgress), may: mediator, kind: pingan.KindDispute, noAgreement: true},
	pingan.ActMediationFail:   {from: st(pingan.StatusInProgress), may: mediator, kind: pingan.KindDispute},
	pingan.ActRefuseMediation: {from: st(pingan.StatusInProgress), may: mediator, kind: pingan.KindDispute},
	pingan.ActConfirm:         {from: st(pingan.StatusResolved, pingan.StatusClosed), may: mediatorOrCentre, kind: pingan.KindDispute, whileSuspended: true, agreement: true},
	pingan.ActPerform:         {from: st(pingan.StatusInProgress, pingan.StatusResolved, pingan.StatusClosed), may: mediatorOrCentre, kind: pingan.KindDispute, whileSuspended: true, agreement: true},
	pingan.ActRevisit:         {from: st(pingan.StatusResolved, pingan.StatusClosed), may: mediatorOrCentre, kind: pingan.KindDispute, mediated: true},
	pingan.ActTermOverdue:     {from: st(pingan.StatusResolved, pingan.StatusClosed), may: system, kind: pingan.KindDispute, agreement: true},
}

func init() {
	for name, r := range disputeRules {
		rules[name] = r
	}
}

// mediator: a mediator (调解员) or handler of the mediation organisation
// the dispute is dispatched to.
func mediator(c *pingan.Case, a *pingan.User) bool {
	return a != nil && (a.Has(pingan.RoleMediator) || a.Has(pingan.RoleHandler)) && c.AssignedUnit != "" && a.UnitCode == c.AssignedUnit
}

// signer: the assigned unit's handler, or for a dispute a mediator of the
// mediation organisation it is dispatched to (签收).
func signer(c *pingan.Case, a *pingan.User) bool {
	return assignedHandler(c, a) || (c.Kind == pingan.KindDispute && a != nil && a.Has(pingan.RoleMediator) && mediator(c, a))
}

// mediatorOrCentre: the mediator, or a dispatcher of the holding centre.
func mediatorOrCentre(c *pingan.Case, a *pingan.User) bool {
	return mediator(c, a) || (a != nil && dispatcher(c, a))
}

// system: the system alone (the deadline watch).
func system(_ *pingan.Case, a *pingan.User) bool { return a == nil }

// allowsMediation reports whether the case's kind and mediation allow the
// action: a dispute, with an agreement when the action needs one, with an
// ended mediation when it needs that, without an agreement when it makes
// one (a second agreement is refused).
func (r rule) allowsMediation(c *pingan.Case) bool {
	if r.kind != "" && c.Kind != r.kind {
		return false
	}
	m := c.Mediation
	if r.agreement && (m == nil || m.Outcome != pingan.OutcomeAgreement) {
		return false
	}
	if r.mediated && (m == nil || m.Outcome == "") {
		return false
	}
	if r.noAgreement && m != nil && m.Outcome == pingan.OutcomeAgreement {
		return false
	}
	return true
}

// ending reports whether the action ends the mediation, resolving the case.
func ending(a pingan.ActionName) bool {
	return a == pingan.ActAgree || a == pingan.ActMediationFail || a == pingan.ActRefuseMediation
}

// validateMediation checks the fields of the mediation's actions into v.
func validateMediation(c *pingan.Case, in *pingan.ActionInput, env Env, v *pingan.Invalid) error {
	m := c.Mediation
	switch in.Action {
	case pingan.ActMediate:
		if in.Session == nil {
			v.Add("session", "mediation.session.required")
			return nil
		}
		in.Session.Check(v, "session.", env.Now)
		if in.Session.Result != "" && in.Session.Result != pingan.SessionContinue {
			v.Add("session.result", "mediation.session.result.agree")
		}
	case pingan.ActAgree:
		if in.Agreement == nil {
			v.Add("agreement.terms", "mediation.agreement.terms")
		} else {
			in.Agreement.Check(v, env.Now)
		}
		if in.Session != nil {
			in.Session.Result = pingan.SessionAgreement
			in.Session.Check(v, "session.", env.Now)
		}
	case pingan.ActMediationFail, pingan.ActRefuseMediation:
		v.Require("reason", in.Reason)
		switch {
		case in.Referral == "":
			v.Add("referral", "mediation.referral.required")
		case !in.Referral.Valid():
			v.Add("referral", "mediation.referral.unknown", string(in.Referral))
		}
		if in.Session != nil && in.Action == pingan.ActMediationFail {
			in.Session.Result = pingan.SessionFailed
			in.Session.Check(v, "session.", env.Now)
		}
	case pingan.ActConfirm:
		switch {
		case in.Confirmation == "":
			v.Require("confirmation", "")
		case !in.Confirmation.Valid():
			v.Add("confirmation", "mediation.confirmation.unknown", string(in.Confirmation))
		case m.Confirmation == pingan.ConfirmConfirmed || m.Confirmation == pingan.ConfirmRefused:
			return pingan.E(pingan.ECONFLICT, "mediation.confirmation.final", pingan.Text(pingan.ZH, "confirmation."+string(m.Confirmation)))
		}
	case pingan.ActPerform:
		t := termOf(env.Terms, in.Term)
		switch {
		case in.Term == 0:
			v.Require("term", "")
		case t == nil:
			v.Add("term", "mediation.term.unknown", in.Term)
		case t.PerformedOn != nil:
			return pingan.E(pingan.ECONFLICT, "mediation.term.performed", t.No, t.PerformedOn.In(pingan.CST).Format("2006-01-02"))
		}
		switch {
		case in.PerformedOn == nil:
			v.Require("performed_on", "")
		case pingan.DayOf(*in.PerformedOn).After(env.Now):
			v.Add("performed_on", "mediation.performed.future")
		case m.AgreedAt != nil && pingan.DayOf(*in.PerformedOn).Before(pingan.DayOf(*m.AgreedAt)):
			v.Add("performed_on", "mediation.performed.before")
		}
	case pingan.ActRevisit:
		if in.Revisit == nil {
			v.Require("revisit.on", "")
			v.Require("revisit.result", "")
			return nil
		}
		in.Revisit.Check(v, env.Now)
	case pingan.ActTermOverdue:
		if overdueTerm(env.Terms, env.Now) == nil {
			return pingan.E(pingan.ECONFLICT, "mediation.no_agreement")
		}
	}
	return nil
}

// termOf answers the term numbered no, nil when there is none.
func termOf(terms []pingan.Term, no int) *pingan.Term {
	for i := range terms {
		if terms[i].No == no {
			return &terms[i]
		}
	}
	return nil
}

// overdueTerm answers the first term not performed whose day has ended
// before now, nil when none.
func overdueTerm(terms []pingan.Term, now time.Time) *pingan.Term {
	for i := range terms {
		t := &terms[i]
		if t.PerformedOn == nil && !pingan.DayOf(t.Due).AddDate(0, 0, 1).After(now) {
			return t
		}
	}
	return nil
}

// nextDue answers the earliest day of the terms not performed, but skip;
// nil when every one is.
func nextDue(terms []pingan.Term, skip int) *time.Time {
	var out *time.Time
	for i := range terms {
		t := terms[i]
		if t.PerformedOn != nil || t.No == skip {
			continue
		}
		if d := pingan.DayOf(t.Due); out == nil || d.Before(*out) {
			out = &d
		}
	}
	return out
}

// mediationTransition changes next's mediation for the action; the status
// change of the actions that end the mediation is resolve's.
func mediationTransition(next *pingan.Case, act *pingan.Action, in pingan.ActionInput, env Env) {
	if next.Kind != pingan.KindDispute {
		return
	}
	m := pingan.Mediation{}
	if next.Mediation != nil {
		m = *next.Mediation
	}
	now := env.Now
	switch in.Action {
	case pingan.ActMediate:
		m.Sessions++
		act.Note = firstNonEmpty(in.Note, sessionNote(in.Session))
	case pingan.ActAgree:
		if in.Session != nil {
			m.Sessions++
		}
		a := in.Agreement
		day := pingan.DayOf(a.SignedOn)
		confirmBy := day.AddDate(0, 0, pingan.ConfirmWindowDays)
		revisitBy := day.AddDate(0, 0, max(env.RevisitDays, 1))
		m.Outcome, m.Referral, m.Settled = pingan.OutcomeAgreement, "", true
		m.AgreedAt, m.ConfirmBy, m.Confirmation, m.RevisitBy = &day, &confirmBy, "", &revisitBy
		m.Terms, m.TermsPerformed, m.PerformDue = len(a.Terms), 0, false
		m.NextDue = nextDue(a.Terms, 0)
		kind := "口头协议"
		if a.Written {
			kind = "书面调解协议"
		}
		act.Note = firstNonEmpty(in.Note, fmt.Sprintf("达成%s，共 %d 项，协议日期 %s", kind, len(a.Terms), day.Format("2006-01-02")))
	case pingan.ActMediationFail, pingan.ActRefuseMediation:
		if in.Session != nil {
			m.Sessions++
		}
		m.Outcome = pingan.OutcomeFailed
		if in.Action == pingan.ActRefuseMediation {
			m.Outcome = pingan.OutcomeRefused
		}
		m.Referral, m.Settled = in.Referral, false
		m.AgreedAt, m.ConfirmBy, m.Confirmation, m.RevisitBy, m.NextDue = nil, nil, "", nil, nil
		m.Terms, m.TermsPerformed, m.PerformDue = 0, 0, false
		act.Note = strings.TrimSpace(in.Reason) + "（告知途径：" + pingan.Text(pingan.ZH, "referral."+string(in.Referral)) + "）"
	case pingan.ActConfirm:
		m.Confirmation = in.Confirmation
		act.Note = firstNonEmpty(in.Note, pingan.Text(pingan.ZH, "confirmation."+string(in.Confirmation)))
	case pingan.ActPerform:
		m.TermsPerformed++
		m.NextDue = nextDue(env.Terms, in.Term)
		act.Note = firstNonEmpty(in.Note, fmt.Sprintf("第 %d 项已于 %s 履行", in.Term, pingan.DayOf(*in.PerformedOn).Format("2006-01-02")))
	case pingan.ActRevisit:
		r := in.Revisit
		day := pingan.DayOf(r.On)
		m.RevisitedAt, m.RevisitBy = &day, nil
		m.Settled = m.Outcome == pingan.OutcomeAgreement || r.Result == pingan.RevisitSettled
		act.Note = pingan.Text(pingan.ZH, "revisit.result."+string(r.Result)) + "：" + r.Note
	case pingan.ActTermOverdue: // the status and the deadline are transition's
		t := overdueTerm(env.Terms, now)
		due := pingan.DayOf(t.Due).Format("2006-01-02")
		if t.Text == "" { // the store keeps a term's text sealed, out of the timeline
			act.Note = pingan.Text(pingan.ZH, "mediation.term_overdue.sealed", t.No, due)
		} else {
			act.Note = pingan.Text(pingan.ZH, "mediation.term_overdue.note", t.No, t.Text, due)
		}
	case pingan.ActRework:
		if m.Outcome == pingan.OutcomeFailed || m.Outcome == pingan.OutcomeRefused {
			m.Outcome, m.Referral = "", ""
		}
	case pingan.ActReopen:
		m = pingan.Mediation{DisputeFacts: m.DisputeFacts, Sessions: m.Sessions}
	default:
		return
	}
	next.Mediation = &m
}

// sessionNote is the timeline's line for a session.
func sessionNote(s *pingan.MediationSession) string {
	if s == nil {
		return ""
	}
	return fmt.Sprintf("%s 在%s调解（调解员：%s）", s.HeldAt.In(pingan.CST).Format("2006-01-02 15:04"), s.Place, strings.Join(s.Mediators, "、"))
}
