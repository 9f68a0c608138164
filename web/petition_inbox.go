package web

import (
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The petition tabs (信访工作台): for the 信访部门 (a centre's dispatcher)
// the petitions registered and not yet forwarded, told or refused
// (待转送, held in the reader's jurisdiction); for the responsible unit's
// handler those forwarded to it to accept or not (待受理告知) and those
// accepted and in hand (信访办理中); for both the 复查 and 复核 the
// reader's unit answers (复查复核). Each selects by the petition's stage
// on the case row (CaseFilter.PetitionStages), so that it is counted in
// SQL as the other tabs are, never page by page; the lists are ordered by
// the statutory period, the soonest first.

// atStages answers a tab's queue of the petitions at one of the stages.
func atStages(s ...pingan.PetitionStage) func(*pingan.CaseFilter, time.Time) {
	return func(f *pingan.CaseFilter, _ time.Time) { f.PetitionStages = s }
}

// resolveBy orders a petition tab by its running statutory period.
func resolveBy(c *pingan.Case) *time.Time { return c.ResolveBy }

var (
	petitionForwardTab = tab{ID: "petition_forward", Statuses: []pingan.Status{pingan.StatusReported, pingan.StatusAccepted},
		queue:   func(f *pingan.CaseFilter, now time.Time) { atStages(pingan.StageRegistered)(f, now); f.Held = true },
		soonest: resolveBy}
	petitionDecideTab = tab{ID: "petition_decide", Statuses: []pingan.Status{pingan.StatusDispatched, pingan.StatusInProgress},
		Mine: true, queue: atStages(pingan.StageForwarded), soonest: resolveBy}
	petitionHandlingTab = tab{ID: "petition_handling", Statuses: []pingan.Status{pingan.StatusInProgress},
		Mine: true, queue: atStages(pingan.StageAccepted), soonest: resolveBy}
)

// petitionReviewTab is 复查复核 for u: the petitions in 复查 or 复核
// assigned to u's unit, or to the administrative unit u's centre serves
// (its dispatcher answers for it: workflow's answerer).
func petitionReviewTab(u *pingan.User) tab {
	units := []string{u.UnitCode}
	if p := strings.TrimSuffix(u.ScopePath, "/"); p != "" {
		if served := p[strings.LastIndexByte(p, '/')+1:]; served != u.UnitCode {
			units = append(units, served)
		}
	}
	return tab{ID: "petition_review", Statuses: []pingan.Status{pingan.StatusInProgress}, soonest: resolveBy,
		queue: func(f *pingan.CaseFilter, now time.Time) {
			atStages(pingan.StageReview, pingan.StageRecheck)(f, now)
			f.AssignedUnits = units
		}}
}

// petitionTabs answers the petition tabs of u by role.
func petitionTabs(u *pingan.User) []tab {
	var out []tab
	if u.Has(pingan.RoleDispatcher) {
		out = append(out, petitionForwardTab)
	}
	if u.Has(pingan.RoleHandler) {
		out = append(out, petitionDecideTab, petitionHandlingTab)
	}
	if u.Has(pingan.RoleDispatcher) || u.Has(pingan.RoleHandler) {
		out = append(out, petitionReviewTab(u))
	}
	return out
}
