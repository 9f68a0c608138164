package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// The counters of the statistics equal a full recount after any sequence
// of actions: random walks of cases through the loop, by every role, with
// the clock moving across days and months and the deadline watch running.
// They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"TalliesRandomWalk", testTalliesRandomWalk},
		{"TalliesRebuild", testTalliesRebuild},
	}...)
}

// walkSize is the cases and steps of a walk; PINGAN_TALLY_STEPS sets the
// steps (1500 unless set; 300 under the race detector, too few to reach
// every status and action, which the walk then does not require).
func walkSize() (cases, steps int) {
	steps = 1500
	if race {
		steps = 300
	}
	if s := os.Getenv("PINGAN_TALLY_STEPS"); s != "" {
		steps, _ = strconv.Atoi(s)
	}
	return max(steps/10, 10), steps
}

// forward are the actions that move a case along the loop.
var forward = map[pingan.ActionName]bool{pingan.ActAccept: true, pingan.ActDispatch: true, pingan.ActSign: true,
	pingan.ActResolve: true, pingan.ActClose: true, pingan.ActRate: true, pingan.ActAgree: true, pingan.ActMediationFail: true}

// within answers one of the units that u sees, if any; any of them if none.
func within(r *rand.Rand, u *pingan.User, units []*pingan.Unit) *pingan.Unit {
	var in []*pingan.Unit
	for _, x := range units {
		if u.Sees(x.Path) {
			in = append(in, x)
		}
	}
	if len(in) == 0 || r.IntN(10) == 0 {
		return units[r.IntN(len(units))]
	}
	return in[r.IntN(len(in))]
}

// walk files cases and moves them at random, answering how many actions
// were taken.
func (e *env) walk(t *testing.T, seed uint64, cases, steps int) int {
	t.Helper()
	fx := e.fx
	r := rand.New(rand.NewPCG(seed, 1))
	reporters := []*pingan.User{fx.GridWorker, fx.OtherGridWorker, fx.TownshipDispatcher, fx.CountyDispatcher}
	actors := []*pingan.User{fx.CityDispatcher, fx.CountyDispatcher, fx.CountyHandler, fx.TownshipDispatcher,
		fx.TownshipHandler, fx.Mediator, fx.CityLeader, fx.GridWorker, fx.OtherDispatcher, fx.OtherHandler}
	// Mostly units with a handler, sometimes one without.
	targets := []*pingan.Unit{fx.Township, fx.CountyHousing, fx.OtherTownship, fx.Township, fx.CountyHousing, fx.OtherTownship, fx.Village}
	cats := []string{"0102", "FW01"}
	sats := []pingan.Satisfaction{pingan.Satisfied, pingan.BasicallySatisfied, pingan.Dissatisfied}
	var ids []string
	acted := 0
	for step := 0; step < steps; step++ {
		// Reports arrive all along the walk.
		if len(ids) < cases && (len(ids) == 0 || r.IntN(steps) < cases*5/4) {
			u := reporters[r.IntN(len(reporters))]
			in := &pingan.NewCase{Category: cats[r.IntN(len(cats))], Title: fmt.Sprintf("随机事件 %d", len(ids)),
				Description: "计数器随机检验", Sensitive: r.IntN(5) == 0}
			if u == fx.GridWorker && r.IntN(3) == 0 {
				in.Location = &pingan.Location{Lat: 39.74, Lng: 98.51}
			}
			c, err := e.db.Cases.CreateCase(ctx, u, in)
			if err != nil {
				t.Fatalf("report %d by %s: %v", len(ids), u.Username, err)
			}
			ids = append(ids, c.ID)
			continue
		}
		switch r.IntN(300) {
		case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9: // a few hours, sometimes days, now and then weeks
			e.clock.Advance(time.Duration(1+r.IntN(72)) * time.Hour)
			continue
		case 10:
			e.clock.Advance(time.Duration(5+r.IntN(30)) * 24 * time.Hour)
			if _, err := e.db.Cases.EscalateDue(ctx, e.clock.Now(), 1000); err != nil {
				t.Fatalf("watch: %v", err)
			}
			continue
		}
		// A case, and what each actor may do with it: mostly a step along
		// the loop, so that cases reach its end; otherwise anything.
		id := ids[r.IntN(len(ids))]
		type pair struct {
			u    *pingan.User
			name pingan.ActionName
		}
		var fwd, any []pair
		got, err := e.db.Cases.FindCase(ctx, fx.Admin, id) // no personal data: nothing audited
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range actors {
			for _, a := range workflow.Allowed(got, x) {
				if a == pingan.ActComment && r.IntN(5) > 0 {
					continue // comments change no count: fewer of them
				}
				if a == pingan.ActMerge || a == pingan.ActLink || a == pingan.ActUnlink {
					continue // the walk names no second case: each would be refused
				}
				if mediating[a] && a != pingan.ActMediate && r.IntN(3) > 0 {
					continue // four more actions of an in-progress dispute: less often each
				}
				any = append(any, pair{x, a})
				if forward[a] {
					fwd = append(fwd, pair{x, a})
				}
			}
		}
		pick := any
		if len(fwd) > 0 && r.IntN(10) < 8 {
			pick = fwd
		}
		if len(pick) == 0 {
			continue
		}
		p := pick[r.IntN(len(pick))]
		u, name := p.u, p.name
		deadline := e.clock.Now().Add(time.Duration(24+r.IntN(200)) * time.Hour)
		in := pingan.ActionInput{Action: name, Note: "随机备注", Reason: "随机原因", Result: "随机结果",
			ToUnit: within(r, u, targets).Code, Days: 1 + r.IntN(10), Deadline: &deadline,
			Satisfaction: sats[r.IntN(len(sats))]}
		if name == pingan.ActAccept && r.IntN(3) == 0 {
			in.Category = cats[r.IntN(len(cats))]
		}
		mediationInput(r, &in, e.clock.Now())
		if _, err := e.db.Cases.Act(ctx, u, id, in); err == nil {
			acted++
		} else if code := pingan.ErrorCode(err); code != pingan.EINVALID && code != pingan.ECONFLICT && code != pingan.ENOTFOUND {
			t.Fatalf("%s by %s on %s: %v", name, u.Username, id, err)
		}
	}
	return acted
}

// mediating are the actions of a mediation in progress.
var mediating = map[pingan.ActionName]bool{pingan.ActMediate: true, pingan.ActAgree: true, pingan.ActMediationFail: true,
	pingan.ActRefuseMediation: true}

// mediationInput fills what the actions of a mediation need (dispute.go),
// now and then something wrong.
func mediationInput(r *rand.Rand, in *pingan.ActionInput, now time.Time) {
	day := pingan.DayOf(now)
	in.Session = &pingan.MediationSession{HeldAt: now.Add(-time.Hour), Place: "调解室", Mediators: []string{"调解员甲", "调解员乙"},
		Attendees: "双方当事人", RightsNotified: true, Record: "双方陈述意见", Result: pingan.SessionContinue}
	terms := make([]pingan.Term, 1+r.IntN(3))
	for i := range terms {
		terms[i] = pingan.Term{Text: fmt.Sprintf("第 %d 项", i+1), By: "被申请人", Due: day.AddDate(0, 0, r.IntN(40))}
	}
	in.Agreement = &pingan.Agreement{Written: r.IntN(2) == 0, Facts: "邻里纠纷", SignedOn: day.AddDate(0, 0, -r.IntN(3)), Terms: terms}
	in.Referral = pingan.Referrals[r.IntN(len(pingan.Referrals))]
	in.Confirmation = []pingan.Confirmation{pingan.ConfirmApplied, pingan.ConfirmConfirmed, pingan.ConfirmRefused}[r.IntN(3)]
	in.Term = 1 + r.IntN(3)
	in.PerformedOn = &day
	in.Revisit = &pingan.Revisit{On: day, Result: []pingan.RevisitResult{pingan.RevisitSettled, pingan.RevisitPerforming, pingan.RevisitUnsettled}[r.IntN(3)], Note: "回访"}
	if r.IntN(20) == 0 {
		in.Agreement.Terms = nil // refused: an agreement without terms
	}
}

// noDiffs fails unless the counters equal a recount.
func (e *env) noDiffs(t *testing.T) int64 {
	t.Helper()
	check, err := e.db.Stats.VerifyTallies(ctx, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range check.Counters {
		t.Errorf("counter differs: %s", d)
	}
	for _, d := range check.Rows {
		t.Errorf("case %s keeps %d × %s, its timeline has %d", d.ID, d.Counted, d.Action, d.Timeline)
	}
	return check.Cases
}

func testTalliesRandomWalk(t *testing.T, e *env) {
	cases, steps := walkSize()
	e.clock.Set(time.Date(2026, 1, 28, 9, 0, 0, 0, pingan.CST))
	acted := e.walk(t, 20261127, cases, steps)
	n := e.noDiffs(t)
	if n != int64(cases) {
		t.Errorf("recounted %d cases, filed %d", n, cases)
	}
	if acted < steps/4 {
		t.Errorf("only %d of %d steps acted: the walk does not exercise the loop", acted, steps)
	}
	if race {
		return
	}
	// The walk reaches every status.
	by := map[pingan.Status]int{}
	rows, err := e.raw(t).QueryContext(ctx, `SELECT status, count(*) FROM cases GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s pingan.Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		by[s] = n
	}
	for _, s := range []pingan.Status{pingan.StatusAccepted, pingan.StatusRejected, pingan.StatusDispatched,
		pingan.StatusInProgress, pingan.StatusResolved, pingan.StatusClosed} {
		if by[s] == 0 {
			t.Errorf("no case ends %s: %v", s, by)
		}
	}
	// And takes every action that a measure counts.
	for _, a := range []pingan.ActionName{pingan.ActReturn, pingan.ActRework, pingan.ActReopen, pingan.ActEscalate,
		pingan.ActRate, pingan.ActSuspend, pingan.ActReject, pingan.ActMediate, pingan.ActAgree, pingan.ActMediationFail, pingan.ActConfirm,
		pingan.ActPerform, pingan.ActRevisit} {
		var n int
		if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM actions WHERE action = $1`, string(a)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("the walk took no %s", a)
		}
	}
	t.Logf("%d cases, %d actions, %v", cases, acted, by)
}

// A rebuild gives the counters kept with each action; and it repairs them
// after they were changed behind the store's back.
func testTalliesRebuild(t *testing.T, e *env) {
	// Across a new year: the year rows of both years are checked and
	// made again.
	e.clock.Set(time.Date(2025, 12, 29, 9, 0, 0, 0, pingan.CST))
	steps := 300
	if race {
		steps = 120
	}
	e.walk(t, 7, 60, steps)
	// Changed where they are kept: the journal moved in first, the folder
	// stopped (see testGaugesRebuild).
	e.db.HaltFolder()
	if err := e.db.Stats.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	raw := e.raw(t)
	if _, err := raw.ExecContext(ctx, `UPDATE tallies_month SET m_in_closed = m_in_closed + 5 WHERE node = $1`, e.fx.County.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM tallies_day WHERE node = $1`, e.fx.Village.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE tallies_kind_month SET m_reported = m_reported + 2 WHERE node = $1`, e.fx.City.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM tallies_reports_month WHERE node = $1`, e.fx.Township.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE tallies_year SET m_signed = m_signed + 3 WHERE node = $1 AND year = '2026'`, e.fx.City.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE tallies_kind_year SET m_rated = m_rated + 1 WHERE node = $1`, e.fx.City.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM tallies_reports_year WHERE node = $1`, e.fx.County.Code); err != nil {
		t.Fatal(err)
	}
	var years []string
	rows, err := raw.QueryContext(ctx, `SELECT DISTINCT year FROM tallies_year ORDER BY year`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			t.Fatal(err)
		}
		years = append(years, y)
	}
	rows.Close()
	if !slices.Equal(years, []string{"2025", "2026"}) {
		t.Fatalf("the walk's cases count in the years %v, want 2025 and 2026", years)
	}
	check, err := e.db.Stats.VerifyTallies(ctx, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Each table's change is found; the year rows' against the month rows.
	found := map[string]bool{}
	for _, d := range check.Counters {
		found[d.Table] = true
		if d.Table == "tallies_year" && d.Node == e.fx.City.Code && (d.Period != "2026" || d.Measure != "signed" || d.Counted != d.Recounted+3) {
			t.Errorf("verify found %v at the city's year rows; want its signed 3 more in 2026", d)
		}
	}
	for _, table := range []string{"tallies_day", "tallies_month", "tallies_kind_month", "tallies_reports_month",
		"tallies_year", "tallies_kind_year", "tallies_reports_year"} {
		if !found[table] {
			t.Errorf("verify found nothing in %s after it was changed: %v", table, check.Counters)
		}
	}
	var progressed int64
	n, err := e.db.Stats.RebuildTallies(ctx, func(done, total int64) { progressed = done })
	if err != nil {
		t.Fatal(err)
	}
	if n != 60 || progressed != 60 {
		t.Errorf("rebuild counted %d cases, progress said %d; want 60", n, progressed)
	}
	e.noDiffs(t)
}
