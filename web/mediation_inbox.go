package web

import (
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// A mediator's tabs (调解员的工作台): the disputes dispatched to the
// mediator's organisation (the assigned unit) to sign, those in mediation
// (调解中), the agreements with terms still to perform (履行跟踪, the
// soonest day first) and the follow-up visits due (待回访, the soonest
// first). The last two select by the mediation's state on the case row
// (pingan.Mediation), which every list reads; they are counted page by
// page (tab.pick).

// disputesOnly narrows a tab to disputes.
func disputesOnly(f *pingan.CaseFilter, _ time.Time) { f.Kind = pingan.KindDispute }

var (
	// mediatorSignTab is 待签收 for a mediator who is not a handler: the
	// disputes dispatched to the organisation.
	mediatorSignTab = tab{ID: "sign", Statuses: []pingan.Status{pingan.StatusDispatched}, Mine: true, queue: disputesOnly}
	mediatingTab    = tab{ID: "mediating", Statuses: []pingan.Status{pingan.StatusInProgress}, Mine: true, queue: disputesOnly}
	performingTab   = tab{ID: "performing", Mine: true, queue: disputesOnly,
		Statuses: []pingan.Status{pingan.StatusInProgress, pingan.StatusResolved, pingan.StatusClosed},
		pick: func(c *pingan.Case) bool {
			m := c.Mediation
			return m != nil && m.Outcome == pingan.OutcomeAgreement && m.TermsPerformed < m.Terms
		},
		soonest: func(c *pingan.Case) *time.Time { return c.Mediation.NextDue }}
	mediationRevisitTab = tab{ID: "mediation_revisit", Mine: true, queue: disputesOnly,
		Statuses: []pingan.Status{pingan.StatusResolved, pingan.StatusClosed},
		pick:     func(c *pingan.Case) bool { return c.Mediation != nil && c.Mediation.RevisitBy != nil },
		soonest:  func(c *pingan.Case) *time.Time { return c.Mediation.RevisitBy }}
)

// mediatorTabs answers the tabs of a mediator (调解员); a handler has
// 待签收 already.
func mediatorTabs(u *pingan.User) []tab {
	var out []tab
	if !u.Has(pingan.RoleHandler) {
		out = append(out, mediatorSignTab)
	}
	return append(out, mediatingTab, performingTab, mediationRevisitTab)
}

// pickPage is how many cases a tab that picks by the mediation's state
// lists at once, ordered soonest first.
const pickPage = 200

// sortSoonest orders the rows by the day soonest gives each, soonest
// first, those without one last.
func sortSoonest(rs []*row, soonest func(*pingan.Case) *time.Time) {
	slices.SortStableFunc(rs, func(a, b *row) int {
		x, y := soonest(a.C), soonest(b.C)
		switch {
		case x == nil && y == nil:
			return 0
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		return x.Compare(*y)
	})
}

// MedDue answers the day a row of a mediator's tab is due by (the next
// term's, or the visit's), and whether it has passed.
func (v *view) MedDue(c *pingan.Case, tab string) (out struct {
	Day     string
	Overdue bool
}) {
	m := c.Mediation
	if m == nil {
		return out
	}
	day := m.NextDue
	if tab == mediationRevisitTab.ID {
		day = m.RevisitBy
	}
	if day != nil {
		out.Day = v.Date(*day)
		out.Overdue = pingan.DayOf(v.now).After(pingan.DayOf(*day))
	}
	return out
}
