package store

import (
	"github.com/pingan-gov/pingan"
)

// The state of a dispute's mediation on its case row (pingan.Mediation,
// migration 0023): read with every case and with what the counters count
// of it, written by updateCase; a new dispute writes its facts.

// caseMediationColumns are the columns of pingan.Mediation.
const caseMediationColumns = `amount_fen, people, group_dispute, volatile, med_sessions, med_outcome, med_referral, agreed_at,
	confirm_by, confirmation, terms, terms_performed, next_due, perform_due, revisit_by, revisited_at, settled`

// caseFactColumns are the facts of a dispute, written with a new case.
const caseFactColumns = `amount_fen, people, group_dispute, volatile`

// mediationScan receives the caseMediationColumns.
type mediationScan struct {
	m                                                    pingan.Mediation
	outcome, referral, confirmation                      string
	agreedAt, confirmBy, nextDue, revisitBy, revisitedAt stamp
}

// dest answers the scan's destinations, in the order of the columns.
func (ms *mediationScan) dest() []any {
	m := &ms.m
	return []any{&m.AmountFen, &m.People, &m.Group, &m.Volatile, &m.Sessions, &ms.outcome, &ms.referral, &ms.agreedAt,
		&ms.confirmBy, &ms.confirmation, &m.Terms, &m.TermsPerformed, &ms.nextDue, &m.PerformDue, &ms.revisitBy,
		&ms.revisitedAt, &m.Settled}
}

// apply sets c's Mediation from the scan: a dispute's, nil for another kind.
func (ms *mediationScan) apply(c *pingan.Case) {
	if c.Kind != pingan.KindDispute {
		c.Mediation = nil
		return
	}
	m := ms.m
	m.Outcome, m.Referral, m.Confirmation = pingan.MediationOutcome(ms.outcome), pingan.Referral(ms.referral), pingan.Confirmation(ms.confirmation)
	m.AgreedAt, m.ConfirmBy, m.NextDue = ms.agreedAt.ptr(), ms.confirmBy.ptr(), ms.nextDue.ptr()
	m.RevisitBy, m.RevisitedAt = ms.revisitBy.ptr(), ms.revisitedAt.ptr()
	c.Mediation = &m
}

// mediationArgs answers the values of the caseMediationColumns of c that
// an update writes: all but volatile, which is a fact of the report.
func mediationArgs(d Dialect, c *pingan.Case) []any {
	m := c.Mediation
	if m == nil || c.Kind != pingan.KindDispute {
		m = &pingan.Mediation{}
	}
	return []any{m.AmountFen, m.People, m.Group, m.Sessions, string(m.Outcome), string(m.Referral), d.tsp(m.AgreedAt),
		d.tsp(m.ConfirmBy), string(m.Confirmation), m.Terms, m.TermsPerformed, d.tsp(m.NextDue), m.PerformDue,
		d.tsp(m.RevisitBy), d.tsp(m.RevisitedAt), m.Settled}
}

// hasFacts reports whether c is a dispute with facts to write.
func hasFacts(c *pingan.Case) bool {
	m := c.Mediation
	return c.Kind == pingan.KindDispute && m != nil && (m.AmountFen != 0 || m.People != 0 || m.Group || m.Volatile)
}
