package store_test

import (
	"math"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PetitionNumbers", testPetitionNumbers},
	}...)
}

// petitionNumbers are the numbers of storetest.PetitionHistory, derived by
// hand from its table:
//
//	信访件次        11  P1–P8, R1, R2, O1
//	信访人次        13  P2 came three
//	重复件           2  R1, R2;  越级件 1: O1;  事项数 11 − 2 − 1 = 8
//	来信件           3  P1, P3, P5 (R1 is merged);  已复 2: P1, P3
//	受理决定数       7  P1–P7 (P8 waits);  及时 6: P7 was forwarded late
//	受理数           4  P1, P2, P3, P5 (P4 refused by the township)
//	办结数           4  P1, P2, P3, P5;  按期 3: P3 came after its 60 days
//	延期数           1  P5
//	复查数           2  P1 (changed), P2 (upheld);  复核数 1: P2 (upheld)
//	评价数           3  P3 基本满意, P5 不满意, P6 满意
var petitionNumbers = map[string]int64{"petitions": 11, "petition_people": 13, "pet_repeats": 2, "pet_overreach": 1,
	"pet_letters": 3, "pet_letters_replied": 2, "pet_decided": 7, "pet_decided_on_time": 6, "pet_accepted": 4,
	"pet_answered": 4, "pet_answered_on_time": 3, "pet_extended": 1, "pet_reviews": 2, "pet_review_changed": 1,
	"pet_rechecks": 1, "pet_recheck_changed": 0, "rated": 3, "satisfied": 2}

// petitionRates are the rates of the history and their bases.
var petitionRates = map[string][2]float64{"petition_timely": {6.0 / 7, 7}, "petition_on_time": {3.0 / 4, 4},
	"petition_reply": {2.0 / 3, 3}, "petition_repeat": {2.0 / 11, 11}, "petition_overreach": {1.0 / 11, 11},
	"petition_review_change": {1.0 / 2, 2}, "petition_recheck_change": {0, 1}, "petition_satisfaction": {2.0 / 3, 3}}

// checkPetitionNumbers fails unless st holds the numbers of the history.
func checkPetitionNumbers(t *testing.T, what string, st *pingan.Stats) {
	t.Helper()
	for m, want := range petitionNumbers {
		if got := st.Counts[m]; got != want {
			t.Errorf("%s: %s = %d, want %d", what, m, got, want)
		}
	}
	for id, want := range petitionRates {
		if got := st.Rates[id]; math.Abs(got-want[0]) > 1e-9 {
			t.Errorf("%s: rate %s = %v, want %v", what, id, got, want[0])
		}
		if got := st.Bases[id]; float64(got) != want[1] {
			t.Errorf("%s: base of %s = %d, want %v", what, id, got, want[1])
		}
	}
	var tl pingan.Tally
	for i, n := range pingan.MeasureNames {
		tl[i] = st.Counts[n]
	}
	if m := pingan.PetitionMatters(&tl); m != 8 {
		t.Errorf("%s: %d matters, want 8", what, m)
	}
}

// testPetitionNumbers walks the fixed history through Act and reads its
// numbers from the counters: for the county, by unit and by month; a
// hazard rated 满意 beside it changes the satisfaction of every case, not
// that of petitions; each figure's list holds exactly the petitions it
// counts.
func testPetitionNumbers(t *testing.T, e *env) {
	fx := e.fx
	ps := storetest.PetitionHistory(t, e.db, fx, e.clock)
	e.noDiffs(t)
	// A hazard of March, rated 满意 (reported in March, rated in May).
	e.clock.Set(time.Date(2026, 3, 20, 10, 0, 0, 0, pingan.CST))
	h := e.report(t, fx.GridWorker, fx.Village.Code, func(n *pingan.NewCase) { n.Kind, n.Category = pingan.KindHazard, "AQ01" })
	e.clock.Set(time.Date(2026, 5, 10, 12, 0, 0, 0, pingan.CST))
	e.act(t, fx.TownshipDispatcher, h.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, h.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, h.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, h.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已整改"})
	e.act(t, fx.TownshipDispatcher, h.ID, pingan.ActionInput{Action: pingan.ActClose})
	e.act(t, fx.TownshipDispatcher, h.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Satisfied})
	e.noDiffs(t)

	from := time.Date(2026, 3, 1, 0, 0, 0, 0, pingan.CST)
	q := pingan.StatsQuery{Unit: fx.County.Code, From: from, To: from.AddDate(0, 1, 0)}
	all, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, q)
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 12 || all.Rates["satisfaction"] != 3.0/4 {
		t.Errorf("every case: %d reported, satisfaction %v; want the 11 petitions and the hazard, 3/4", all.Total, all.Rates["satisfaction"])
	}
	all.Counts["rated"], all.Counts["satisfied"] = 3, 2 // the hazard's rating is not a petition's
	checkPetitionNumbers(t, "county", all)
	q.Kind = pingan.KindPetition
	st, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, q)
	if err != nil {
		t.Fatal(err)
	}
	checkPetitionNumbers(t, "county, petitions", st)
	q.Kind = pingan.KindHazard
	hz, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range pingan.PetitionRates {
		if hz.Bases[id] != 0 {
			t.Errorf("hazards: rate %s has base %d, want none (shown as —)", id, hz.Bases[id])
		}
	}

	// By unit: the township holds them all; the other township nothing.
	q.Kind = pingan.KindPetition
	by, err := e.db.Stats.StatsBy(ctx, fx.CountyDispatcher, q, pingan.ByUnit)
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, row := range by {
		switch row.Key {
		case fx.Township.Code:
			seen = true
			checkPetitionNumbers(t, "by unit", row)
		case fx.Township2.Code:
			if row.Counts["petitions"] != 0 {
				t.Errorf("银达镇 counts %d petitions", row.Counts["petitions"])
			}
		}
	}
	if !seen {
		t.Errorf("by unit: no row of the township among %d", len(by))
	}

	// By month: March holds them all, February nothing.
	series, err := e.db.Stats.StatsSeries(ctx, fx.CountyDispatcher, pingan.StatsQuery{Unit: fx.County.Code, Kind: pingan.KindPetition},
		[]time.Time{from.AddDate(0, -1, 0), from, from.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if series[0].Counts["petitions"] != 0 || series[0].Bases["petition_timely"] != 0 {
		t.Errorf("February: %d petitions", series[0].Counts["petitions"])
	}
	checkPetitionNumbers(t, "March", series[1])

	// Each figure's list: exactly the petitions it counts.
	for m, want := range petitionNumbers {
		switch m {
		case "petition_people", "rated", "satisfied":
			continue // people summed; the ratings are the satisfied filter's
		}
		cs, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Unit: fx.County.Code, Petition: m})
		if err != nil {
			t.Fatalf("list of %s: %v", m, err)
		}
		if int64(len(cs)) != want {
			t.Errorf("the list of %s holds %d petitions, want %d", m, len(cs), want)
		}
	}
	cs, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Unit: fx.County.Code, Petition: "matters"})
	if err != nil || len(cs) != 8 {
		t.Errorf("the list of matters: %v, %d, want 8", err, len(cs))
	}
	for _, c := range cs {
		if c.Petition == nil || c.Petition.MergedAs != "" {
			t.Errorf("a matter merged: %s %+v", c.ID, c.Petition)
		}
	}
	if cs, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Unit: fx.County.Code,
		Kind: pingan.KindPetition, Satisfied: true}); err != nil || len(cs) != 2 {
		t.Errorf("the petitions rated satisfied: %v, %d, want 2", err, len(cs))
	}
	if _, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Petition: "petitioners"}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("an unknown measure: %v, want EINVALID", err)
	}
	if len(ps) != 8 {
		t.Fatalf("%d petitions of the history", len(ps))
	}
}
