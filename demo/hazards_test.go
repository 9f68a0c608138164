package demo

import (
	"context"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkHazards reads the small city's hazards: most went through the
// rectification loop — ordered with a party of each kind, reported done
// with an after-photo, rechecked by someone else, most passing first time
// (销号), some failing once (返工) — some were fixed on the spot, some
// rectifications are overdue and open at the end, and some listed major
// hazards are still open on the city leader's list. The hazards' counters
// and their rates (整改率, 按期整改率, 复查合格率) equal a recount of the
// cases, and every counter equals the recount of `pingan stats verify`.
func checkHazards(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	var hazards []*pingan.Case
	f := pingan.CaseFilter{Kind: pingan.KindHazard, Limit: store.MaxLimit}
	for {
		page, next, err := db.Cases.FindCases(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		hazards = append(hazards, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	stages := map[pingan.HazardStage]int{}
	parties := map[pingan.PartyKind]int{}
	var ordered, rectified, onTime, rechecked, passedFirst, late, rework, onSpot, lateOpen, listedOpen, majors int
	var passedCase *pingan.Case
	for _, h := range hazards {
		z := h.Hazard
		if z == nil {
			t.Fatalf("hazard %s has no hazard state", h.Number)
		}
		if h.Status == pingan.StatusMerged {
			continue // counts as reported only: its work is the main case's
		}
		stages[z.Stage]++
		open := h.Status != pingan.StatusClosed && h.Status != pingan.StatusRejected && h.Status != pingan.StatusMerged
		if z.Round > 0 {
			ordered++
			parties[z.Party.Kind]++
		}
		if z.Stage == pingan.HazardPassed {
			rectified++
			if h.Status != pingan.StatusClosed {
				t.Errorf("hazard %s passed its recheck but is %s", h.Number, h.Status)
			}
			if !z.Late {
				onTime++
			}
			if z.Round == 1 {
				passedFirst++
			} else if passedCase == nil {
				passedCase = h // one that failed a recheck first
			}
		}
		if z.Rechecks > 0 {
			rechecked++
		}
		if z.Late {
			late++
			if open && z.Stage == pingan.HazardRectifying {
				lateOpen++
			}
		}
		if z.Round > 1 {
			rework++
		}
		if z.Stage == "" && z.Round == 0 && (h.Status == pingan.StatusResolved || h.Status == pingan.StatusClosed) {
			onSpot++ // 立行立改
		}
		if z.Level == pingan.HazardMajor {
			majors++
			if !z.Listed {
				t.Errorf("major hazard %s is not listed", h.Number)
			}
			if open {
				listedOpen++
			}
		}
	}
	t.Logf("%d hazards: stages %v, parties %v; ordered %d, rectified %d (%d on time), rechecked %d (%d passed first), rework %d, late %d (%d open), on the spot %d, major %d (%d open)",
		len(hazards), stages, parties, ordered, rectified, onTime, rechecked, passedFirst, rework, late, lateOpen, onSpot, majors, listedOpen)
	if ordered == 0 || rectified == 0 || rechecked == 0 || passedFirst == 0 || passedFirst == rechecked || rework == 0 || lateOpen == 0 || onSpot == 0 ||
		listedOpen == 0 || majors == listedOpen || stages[pingan.HazardRectifying] == 0 || stages[pingan.HazardRechecking]+stages[pingan.HazardRectifying] == 0 ||
		len(parties) < 3 || 3*ordered < len(hazards) {
		t.Errorf("the hazards did not go through the loop as planned")
	}
	if passedCase == nil {
		t.Fatal("no hazard passed a recheck after failing one")
	}
	// Its timeline: ordered, done with a photo, failed, done again, passed —
	// rechecked by someone other than who reported it done.
	acts, err := db.Cases.Timeline(ctx, admin, passedCase.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []pingan.ActionName
	doneBy := map[string]bool{}
	for _, a := range acts {
		switch a.Action {
		case pingan.ActRectifyOrder, pingan.ActRectifyDone, pingan.ActRecheck:
			steps = append(steps, a.Action)
		}
		if a.Action == pingan.ActRectifyDone {
			doneBy[a.ActorName] = true
			if len(a.Attachments) == 0 {
				t.Errorf("%s: rectify_done without an after-photo", passedCase.Number)
			}
		}
		if a.Action == pingan.ActRecheck && doneBy[a.ActorName] {
			t.Errorf("%s: rechecked by %s, who reported it done", passedCase.Number, a.ActorName)
		}
	}
	if len(steps) < 5 || steps[0] != pingan.ActRectifyOrder || steps[len(steps)-1] != pingan.ActRecheck {
		t.Errorf("%s: the steps %v", passedCase.Number, steps)
	}

	// The counters and the rates of the statistics are the recount.
	st, err := db.Stats.Stats(ctx, admin, pingan.StatsQuery{Unit: c.Code, From: midnight(c.From), To: midnight(c.To).AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for m, want := range map[string]int{"hz_ordered": ordered, "hz_rectified": rectified, "hz_rectified_on_time": onTime, "hz_rechecked": rechecked,
		"hz_passed_first": passedFirst, "hz_late": late, "hz_major": majors, "hz_major_open": listedOpen} {
		if got := st.Counts[m]; got != int64(want) {
			t.Errorf("counts[%s] = %d, the recount %d", m, got, want)
		}
	}
	for id, want := range map[string]float64{"hazard_rectify": float64(rectified) / float64(ordered),
		"hazard_rectify_on_time": float64(onTime) / float64(rectified), "hazard_recheck_pass": float64(passedFirst) / float64(rechecked)} {
		if got := st.Rates[id]; got == 0 || got-want > 1e-9 || want-got > 1e-9 {
			t.Errorf("rates[%s] = %v, the recount %v", id, got, want)
		}
	}
	t.Logf("整改率 %.1f%%, 按期整改率 %.1f%%, 复查合格率 %.1f%%", 100*st.Rates["hazard_rectify"], 100*st.Rates["hazard_rectify_on_time"], 100*st.Rates["hazard_recheck_pass"])
	// The dashboard's list of the open listed major hazards.
	_, total, err := db.Cases.ListedHazards(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if total != listedOpen {
		t.Errorf("%d listed hazards open on the list, the recount %d", total, listedOpen)
	}
	began := time.Now()
	check, err := db.Stats.VerifyTallies(ctx, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Counters) > 0 || len(check.Rows) > 0 {
		t.Errorf("the counters differ from the recount of %d cases: %v %v", check.Cases, check.Counters, check.Rows)
	}
	t.Logf("%d cases verified in %v", check.Cases, time.Since(began).Round(time.Millisecond))
}
