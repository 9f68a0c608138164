package web

import (
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// The petition tabs (信访工作台): for the 信访部门 (a centre's dispatcher)
// the petitions registered and not yet forwarded, told or refused
// (待转送, held in the reader's jurisdiction); for the responsible unit's
// handler those forwarded to it to accept or not (待受理告知) and those
// accepted and in hand (信访办理中); for both the 复查 and 复核 the
// reader's unit answers (复查复核). Each selects by the petition's stage
// on the case row (pingan.Petition), which every list reads, counted page
// by page (tab.pick); the lists are ordered by the statutory period, the
// soonest first.

// petitionsOnly narrows a tab to petitions.
func petitionsOnly(f *pingan.CaseFilter, _ time.Time) { f.Kind = pingan.KindPetition }

// atStage answers a tab's pick of the petitions at one of the stages.
func atStage(s ...pingan.PetitionStage) func(*pingan.Case) bool {
	return func(c *pingan.Case) bool { return c.Petition != nil && slices.Contains(s, c.Petition.Stage) }
}

// resolveBy orders a petition tab by its running statutory period.
func resolveBy(c *pingan.Case) *time.Time { return c.ResolveBy }

var (
	petitionForwardTab = tab{ID: "petition_forward", Statuses: []pingan.Status{pingan.StatusReported, pingan.StatusAccepted},
		queue: func(f *pingan.CaseFilter, now time.Time) { petitionsOnly(f, now); f.Held = true },
		pick:  atStage(pingan.StageRegistered), soonest: resolveBy}
	petitionDecideTab = tab{ID: "petition_decide", Statuses: []pingan.Status{pingan.StatusDispatched, pingan.StatusInProgress},
		Mine: true, queue: petitionsOnly, pick: atStage(pingan.StageForwarded), soonest: resolveBy}
	petitionHandlingTab = tab{ID: "petition_handling", Statuses: []pingan.Status{pingan.StatusInProgress},
		Mine: true, queue: petitionsOnly, pick: atStage(pingan.StageAccepted), soonest: resolveBy}
)

// petitionReviewTab is 复查复核 for u: the petitions in 复查 or 复核
// assigned to u's unit, or to the administrative unit u's centre serves
// (its dispatcher answers for it: workflow's answerer).
func petitionReviewTab(u *pingan.User) tab {
	at := atStage(pingan.StageReview, pingan.StageRecheck)
	return tab{ID: "petition_review", Statuses: []pingan.Status{pingan.StatusInProgress}, queue: petitionsOnly, soonest: resolveBy,
		pick: func(c *pingan.Case) bool {
			return at(c) && (c.AssignedUnit == u.UnitCode || (c.AssignedPath != "" && c.AssignedPath == u.ScopePath))
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
