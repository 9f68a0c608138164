package demo

import (
	"container/heap"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The findings of the demo's key-site inspections (sites.go), patrols
// (patrols.go) and monitoring alarms (monitor.go) are filed after the
// history, on a clock set back to their day, and would otherwise wait as
// reported for ever — some 重大隐患 for most of a year. This last step of
// the seeding walks them through the loop the history's own cases go
// through, with its steps (history.go's advance, hazards.go's
// rectification): the centre holding each accepts and dispatches it to
// the township or the department the category calls for, which signs;
// a hazard's rectification is ordered with a deadline and the party that
// must act, reported done with an after-photo and rechecked by the centre
// (most pass, some fail once); a patrol's dispute is mediated or resolved
// and closed. All on the demo's clock, in time order, never past its
// last day: those reported in the last two weeks stay at an earlier
// stage — some still reported, others rectifying — so that the inbox and
// the dashboard's list of open listed major hazards show a believable mix.

// findingSources are the sources of the cases filed after the history.
var findingSources = []pingan.Source{pingan.SourceInspection, pingan.SourcePatrol, pingan.SourceMonitoring}

// findingsRecent is how far before the end a finding may still wait in
// its first status, and findingsWaitShare how many of those do.
const (
	findingsRecent    = 14 * 24 * time.Hour
	findingsWaitShare = 0.35
)

// walkFindings takes the findings still reported at end through their
// steps. h is the history just run: its helpers, plans and staff; the
// walk has an event queue and a random stream of its own.
func walkFindings(h *history, seed uint64, end time.Time) error {
	admin := h.staff.users["admin"]
	if admin == nil {
		return nil
	}
	var found []*pingan.Case
	f := pingan.CaseFilter{Status: []pingan.Status{pingan.StatusReported}, Limit: 500}
	for {
		page, next, err := h.svc.Cases.FindCases(h.ctx, admin, f)
		if err != nil {
			return err
		}
		for _, c := range page {
			if slices.Contains(findingSources, c.Source) && h.plans[c.ID] == nil {
				found = append(found, c)
			}
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortStableFunc(found, func(a, b *pingan.Case) int {
		if c := a.ReportedAt.Compare(b.ReportedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Number, b.Number)
	})
	w := *h // the history's helpers over a queue and a stream of their own
	w.rng = rand.New(rand.NewPCG(seed, 34))
	w.events = nil
	w.lastIn = map[string]string{}
	grids := map[string]*gridPlace{}
	for _, g := range w.grids {
		grids[g.grid.Code] = g
	}
	profs := map[string]*profile{}
	for _, p := range w.profs {
		profs[p.code] = p
	}
	defer w.clock.Set(end)
	for _, c := range found {
		g, prof := grids[c.Grid], profs[c.Category]
		if g == nil || prof == nil {
			continue // outside the demo's grids, or a category it has no words for
		}
		p := &plan{id: c.ID, prof: prof, kind: c.Kind, grid: g, report: -1, urgent: w.urgent(prof), desk: g.village.township()}
		if hold := w.places[c.HoldingUnit]; hold != nil && hold.level() != pingan.LevelVillage && hold.level().Rank() < p.desk.level().Rank() {
			p.desk = hold // registered by the county's centre
		}
		if c.Kind == pingan.KindHazard {
			_, hp := w.planHazard() // hazards.go
			hp.major = c.Hazard != nil && c.Hazard.Level == pingan.HazardMajor
			hp.order = hp.major || w.rng.Float64() < 0.85
			p.hz = hp
		}
		p.returned = w.rng.Float64() < 0.04
		p.rework = w.rng.Float64() < 0.05
		p.mediate = c.Kind == pingan.KindDispute && w.rng.Float64() < 0.3
		p.rate = w.rng.Float64() < 0.85
		if end.Sub(c.ReportedAt) < findingsRecent && w.rng.Float64() < findingsWaitShare {
			p.stall = pingan.StatusReported // not yet taken up
		}
		w.plans[c.ID] = p
		w.keep(c)
		// 受理: within the hour for what is urgent, else within a working day.
		w.clock.Set(c.ReportedAt)
		if p.urgent {
			w.later(p, w.hours(0.2, 2))
		} else {
			w.later(p, w.hours(0.5, 20))
		}
	}
	for w.events.Len() > 0 && w.events[0].at.Before(end) {
		ev := heap.Pop(&w.events).(event)
		w.clock.Set(ev.at)
		clear(w.lastIn) // a finding is its own matter: never merged into the last report
		if err := w.step(ev); err != nil {
			return err
		}
	}
	return nil
}
