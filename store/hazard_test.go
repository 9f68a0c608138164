package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// A hazard through 责令整改 → 整改完成 → 复查 (failed, then passed) → 销号,
// with photos; the recheck refused to the one who rectified and audited;
// a major hazard listed for supervision at its report; the missed
// rectification deadline marked once; the counters against a recount. On
// both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"HazardLoop", testHazardLoop},
		{"HazardRecheckRefused", testHazardRecheckRefused},
		{"HazardMajorListed", testHazardMajorListed},
		{"HazardRectifyOverdue", testHazardRectifyOverdue},
		{"HazardSiteChecked", testHazardSiteChecked},
		{"HazardCounters", testHazardCounters},
	}...)
}

// hazardSigned reports a hazard of level in the village as the grid
// worker, with a photo, and has the county centre accept and dispatch it
// to the county's 住建局 by the county centre (CountyHandler's unit), which signs: in progress.
func (e *env) hazardSigned(t *testing.T, level pingan.HazardLevel) *pingan.Case {
	t.Helper()
	fx := e.fx
	c := e.report(t, fx.GridWorker, fx.Village.Code, func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title, n.Description = pingan.KindHazard, "AQ01", "楼道堆放杂物堵塞消防通道", "3号楼楼道堆放纸箱"
		n.Hazard = &pingan.HazardFacts{Level: level}
		n.Photos = []pingan.Upload{{Name: "before.png", Data: pngPhoto("整改前")}}
	})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHandler.UnitCode})
	return e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
}

// rectifyOrder answers an order to the property company by the deadline.
func rectifyOrder(deadline time.Time) pingan.ActionInput {
	return pingan.ActionInput{Action: pingan.ActRectifyOrder, Rectify: &pingan.RectifyInput{Deadline: &deadline,
		Party: pingan.RectifyParty{Kind: pingan.PartyProperty, Name: "富康物业公司"}, Measures: "清理楼道杂物，保持消防通道畅通"}}
}

func recheck(passed bool, deadline *time.Time) pingan.ActionInput {
	in := pingan.ActionInput{Action: pingan.ActRecheck, Recheck: &pingan.RecheckInput{Passed: &passed}}
	if deadline != nil {
		in.Rectify = &pingan.RectifyInput{Deadline: deadline}
	}
	return in
}

func done(label string) pingan.ActionInput {
	return pingan.ActionInput{Action: pingan.ActRectifyDone, Note: "已清理",
		Photos: []pingan.Upload{{Name: "after.png", Data: pngPhoto(label)}}}
}

func testHazardLoop(t *testing.T, e *env) {
	fx := e.fx
	c := e.hazardSigned(t, pingan.HazardGeneral)
	if c.Hazard == nil || c.Hazard.Level != pingan.HazardGeneral || c.Hazard.Stage != "" || c.Hazard.Listed {
		t.Fatalf("a new hazard: %+v", c.Hazard)
	}
	now := e.clock.Now()

	// A deadline in the past is refused naming the field, nothing written.
	if _, err := e.db.Cases.Act(ctx, fx.CountyHandler, c.ID, rectifyOrder(now.Add(-time.Hour))); pingan.ErrorCode(err) != pingan.EINVALID ||
		pingan.FieldTexts(err, pingan.ZH)["rectify.deadline"] == "" {
		t.Fatalf("a past deadline: %v", err)
	}
	// A party "department" that is a village is refused naming its unit.
	village := rectifyOrder(now.AddDate(0, 0, 7))
	village.Rectify.Party = pingan.RectifyParty{Kind: pingan.PartyDepartment, Name: "富康社区", Unit: fx.Village.Code}
	if _, err := e.db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, village); pingan.ErrorCode(err) != pingan.EINVALID ||
		pingan.FieldTexts(err, pingan.ZH)["rectify.party.unit"] == "" {
		t.Fatalf("a village as the party's department: %v", err)
	}
	c = e.act(t, fx.CountyHandler, c.ID, rectifyOrder(now.AddDate(0, 0, 7)))
	if h := c.Hazard; h.Stage != pingan.HazardRectifying || h.Round != 1 || h.Party.Name != "富康物业公司" || h.Deadline == nil {
		t.Fatalf("after the order: %+v", h)
	}
	// Resolving it without a recheck is refused once ordered.
	if _, err := e.db.Cases.Act(ctx, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("resolve of an ordered hazard: %v", err)
	}
	// Done needs an after-photo.
	if _, err := e.db.Cases.Act(ctx, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActRectifyDone}); pingan.ErrorCode(err) != pingan.EINVALID ||
		pingan.FieldTexts(err, pingan.ZH)["photos"] == "" {
		t.Fatalf("done without a photo: %v", err)
	}
	e.clock.Advance(24 * time.Hour)
	c = e.act(t, fx.CountyHandler, c.ID, done("整改后一"))
	if h := c.Hazard; h.Stage != pingan.HazardRechecking || h.DoneBy != fx.CountyHandler.ID || h.Late {
		t.Fatalf("after done: %+v", h)
	}
	// A failed recheck by the township centre: back to rectifying, round 2, 返工.
	again := e.clock.Now().AddDate(0, 0, 3)
	c = e.act(t, fx.TownshipDispatcher, c.ID, recheck(false, &again))
	if h := c.Hazard; h.Stage != pingan.HazardRectifying || h.Round != 2 || h.Rechecks != 1 || c.Reworks != 1 || !h.Deadline.Equal(again) {
		t.Fatalf("after the failed recheck: %+v reworks %d", h, c.Reworks)
	}
	e.clock.Advance(time.Hour)
	e.act(t, fx.CountyHandler, c.ID, done("整改后二"))
	e.clock.Advance(time.Hour)
	c = e.act(t, fx.TownshipDispatcher, c.ID, recheck(true, nil))
	if h := c.Hazard; c.Status != pingan.StatusClosed || h.Stage != pingan.HazardPassed || h.Rechecks != 2 || c.ClosedAt == nil || c.ResolvedAt == nil {
		t.Fatalf("after the passed recheck: %s %+v", c.Status, h)
	}
	// Read back as it was written.
	r := e.find(t, c.ID)
	if h := r.Hazard; h == nil || h.Stage != pingan.HazardPassed || h.Round != 2 || h.Party.Kind != pingan.PartyProperty ||
		h.Measures == "" || h.OrderedAt == nil || h.RecheckedAt == nil || !h.LastPassed {
		t.Fatalf("read back: %+v", r.Hazard)
	}
	var photos int
	var actions []pingan.ActionName
	for _, a := range e.timeline(t, c.ID) {
		photos += len(a.Attachments)
		actions = append(actions, a.Action)
	}
	if photos != 3 {
		t.Errorf("%d photos on the timeline, want 3 (before, two after)", photos)
	}
	want := []pingan.ActionName{pingan.ActReport, pingan.ActAccept, pingan.ActDispatch, pingan.ActSign, pingan.ActRectifyOrder,
		pingan.ActRectifyDone, pingan.ActRecheck, pingan.ActRectifyDone, pingan.ActRecheck}
	if len(actions) != len(want) {
		t.Fatalf("timeline %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("timeline %v, want %v", actions, want)
		}
	}
}

func testHazardRecheckRefused(t *testing.T, e *env) {
	fx := e.fx
	c := e.hazardSigned(t, pingan.HazardGeneral)
	e.act(t, fx.CountyHandler, c.ID, rectifyOrder(e.clock.Now().AddDate(0, 0, 7)))
	e.act(t, fx.CountyHandler, c.ID, done("整改后"))
	before := e.find(t, c.ID)
	_, err := e.db.Cases.Act(ctx, fx.CountyHandler, c.ID, recheck(true, nil))
	if pingan.ErrorCode(err) != pingan.ECONFLICT || pingan.FieldTexts(err, pingan.ZH)["recheck"] == "" {
		t.Fatalf("a recheck by the one who rectified: %v", err)
	}
	after := e.find(t, c.ID)
	if after.Version != before.Version || after.Hazard.Stage != pingan.HazardRechecking || after.Status != pingan.StatusInProgress {
		t.Fatalf("the refused recheck changed the case: %+v", after.Hazard)
	}
	if a := e.lastAudit(t, c.ID); a == nil || a.Action != "action_refused" {
		t.Fatalf("the refusal was not audited: %+v", a)
	}
	if c := e.find(t, c.ID); slicesContains(c.AllowedActions, pingan.ActRecheck) {
		t.Error("the admin may recheck?") // the admin is no dispatcher or handler
	}
}

func slicesContains(s []pingan.ActionName, a pingan.ActionName) bool {
	for _, x := range s {
		if x == a {
			return true
		}
	}
	return false
}

func testHazardMajorListed(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, fx.Village.Code, func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title = pingan.KindHazard, "AQ02", "燃气管道泄漏"
		n.Hazard = &pingan.HazardFacts{Level: pingan.HazardMajor}
	})
	if !c.Supervised || c.Hazard == nil || !c.Hazard.Listed || c.Hazard.Supervisor != fx.Township.Code {
		t.Fatalf("a major hazard at the village is supervised by the township: %+v", c.Hazard)
	}
	tl := e.timeline(t, c.ID)
	if len(tl) != 2 || tl[1].Action != pingan.ActSupervise || tl[1].ActorID != 0 {
		t.Fatalf("timeline %+v", tl)
	}
	list, total, err := e.db.Cases.ListedHazards(ctx, fx.CountyDispatcher)
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("listed: %d %v %v", total, list, err)
	}
	if list, total, _ := e.db.Cases.ListedHazards(ctx, fx.OtherDispatcher); total != 0 || len(list) != 0 {
		t.Fatalf("another county sees %d listed", total)
	}
	// A general one is not listed.
	g := e.report(t, fx.GridWorker, fx.Village.Code, func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title = pingan.KindHazard, "AQ01", "灭火器过期"
	})
	if g.Supervised || g.Hazard.Listed {
		t.Fatal("a general hazard was listed")
	}
	// Closed, it leaves the list.
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHandler.UnitCode})
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.CountyHandler, c.ID, rectifyOrder(e.clock.Now().AddDate(0, 0, 2)))
	e.act(t, fx.CountyHandler, c.ID, done("整改后"))
	e.act(t, fx.TownshipDispatcher, c.ID, recheck(true, nil))
	if _, total, _ := e.db.Cases.ListedHazards(ctx, fx.CountyDispatcher); total != 0 {
		t.Fatalf("%d listed after it closed", total)
	}
	// A bad level is refused naming the field.
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindHazard, Category: "AQ01", Title: "隐患",
		Unit: fx.Village.Code, Hazard: &pingan.HazardFacts{Level: "huge"}})
	if pingan.ErrorCode(err) != pingan.EINVALID || pingan.FieldTexts(err, pingan.ZH)["hazard.level"] == "" {
		t.Fatalf("a bad level: %v", err)
	}
}

func testHazardRectifyOverdue(t *testing.T, e *env) {
	fx := e.fx
	c := e.hazardSigned(t, pingan.HazardGeneral)
	e.act(t, fx.CountyHandler, c.ID, rectifyOrder(e.clock.Now().Add(2*time.Hour)))
	late := e.clock.Advance(3 * time.Hour)
	if _, err := e.db.Cases.EscalateDue(ctx, late, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Cases.EscalateDue(ctx, late.Add(time.Hour), 10); err != nil {
		t.Fatal(err)
	}
	r := e.find(t, c.ID)
	if !r.Hazard.Late || r.Hazard.Stage != pingan.HazardRectifying || r.Status != pingan.StatusInProgress {
		t.Fatalf("after the watch: %s %+v", r.Status, r.Hazard)
	}
	n := 0
	for _, a := range e.timeline(t, c.ID) {
		if a.Action == pingan.ActRectifyOverdue {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("marked %d times, want once", n)
	}
	// Done late: counted late, and on-time never.
	e.act(t, fx.CountyHandler, c.ID, done("整改后"))
	e.act(t, fx.TownshipDispatcher, c.ID, recheck(true, nil))
	st := e.hazardStats(t, fx.CountyDispatcher)
	if st.Counts["hz_late"] != 1 || st.Counts["hz_rectified"] != 1 || st.Counts["hz_rectified_on_time"] != 0 {
		t.Fatalf("counts %v", st.Counts)
	}
}

func testHazardSiteChecked(t *testing.T, e *env) {
	fx := e.fx
	_, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindHazard, Category: "AQ01", Title: "隐患",
		Unit: fx.Village.Code, Hazard: &pingan.HazardFacts{Level: pingan.HazardGeneral, Site: 987654}})
	if pingan.ErrorCode(err) != pingan.EINVALID || pingan.FieldTexts(err, pingan.ZH)["hazard.site"] == "" {
		t.Fatalf("an unknown site: %v", err)
	}
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "纠纷",
		Unit: fx.Village.Code, Hazard: &pingan.HazardFacts{Level: pingan.HazardGeneral}})
	if pingan.ErrorCode(err) != pingan.EINVALID || pingan.FieldTexts(err, pingan.ZH)["hazard"] == "" {
		t.Fatalf("a dispute with a hazard's facts: %v", err)
	}
}

// hazardStats answers the statistics of the hazards of today's year in
// the user's jurisdiction.
func (e *env) hazardStats(t *testing.T, u *pingan.User) *pingan.Stats {
	t.Helper()
	now := e.clock.Now().In(pingan.CST)
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, pingan.CST)
	st, err := e.db.Stats.Stats(ctx, u, pingan.StatsQuery{From: from, To: from.AddDate(1, 0, 0), Kind: pingan.KindHazard})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func testHazardCounters(t *testing.T, e *env) {
	fx := e.fx
	// One major open and listed; one passed at the first recheck, on time;
	// one failed once then passed; one ordered and still rectifying; one
	// resolved on the spot.
	e.report(t, fx.GridWorker, fx.Village.Code, func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title = pingan.KindHazard, "AQ02", "燃气管道泄漏"
		n.Hazard = &pingan.HazardFacts{Level: pingan.HazardMajor}
	})
	a := e.hazardSigned(t, pingan.HazardGeneral)
	e.act(t, fx.CountyHandler, a.ID, rectifyOrder(e.clock.Now().AddDate(0, 0, 5)))
	e.act(t, fx.CountyHandler, a.ID, done("一"))
	e.act(t, fx.TownshipDispatcher, a.ID, recheck(true, nil))
	b := e.hazardSigned(t, pingan.HazardGeneral)
	e.act(t, fx.CountyHandler, b.ID, rectifyOrder(e.clock.Now().AddDate(0, 0, 5)))
	e.act(t, fx.CountyHandler, b.ID, done("二"))
	again := e.clock.Now().AddDate(0, 0, 2)
	e.act(t, fx.TownshipDispatcher, b.ID, recheck(false, &again))
	e.act(t, fx.CountyHandler, b.ID, done("三"))
	e.act(t, fx.TownshipDispatcher, b.ID, recheck(true, nil))
	c := e.hazardSigned(t, pingan.HazardGeneral)
	e.act(t, fx.CountyHandler, c.ID, rectifyOrder(e.clock.Now().AddDate(0, 0, 5)))
	d := e.hazardSigned(t, pingan.HazardGeneral)
	e.act(t, fx.CountyHandler, d.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "当场清理"})

	st := e.hazardStats(t, fx.CountyDispatcher)
	want := map[string]int64{"reported": 5, "hz_major": 1, "hz_major_open": 1, "hz_listed": 1, "hz_ordered": 3, "hz_rectified": 2,
		"hz_rectified_on_time": 2, "hz_rechecked": 2, "hz_passed_first": 1, "hz_late": 0, "reworked": 1}
	for k, v := range want {
		if st.Counts[k] != v {
			t.Errorf("%s = %d, want %d", k, st.Counts[k], v)
		}
	}
	for id, w := range map[string][2]float64{"hazard_rectify": {2.0 / 3, 3}, "hazard_rectify_on_time": {1, 2}, "hazard_recheck_pass": {0.5, 2}} {
		if st.Rates[id] != w[0] || st.Bases[id] != int64(w[1]) {
			t.Errorf("%s = %v over %d, want %v over %v", id, st.Rates[id], st.Bases[id], w[0], w[1])
		}
	}
	// Each figure's list holds exactly the hazards its counter counts.
	for _, m := range []string{"hz_major", "hz_major_open", "hz_listed", "hz_ordered", "hz_rectified", "hz_rectified_on_time",
		"hz_rechecked", "hz_passed_first", "hz_late"} {
		if ids := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Hazard: m}); int64(len(ids)) != st.Counts[m] {
			t.Errorf("the list of %s holds %d, the counter %d", m, len(ids), st.Counts[m])
		}
	}
	if ids := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Hazard: "found"}); len(ids) != 5 {
		t.Errorf("found lists %d", len(ids))
	}
	if _, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Hazard: "hz_bogus"}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("an unknown figure: %v", err)
	}
	// The counters equal a recount of the rows.
	check, err := e.db.Stats.VerifyTallies(ctx, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Counters) > 0 || len(check.Rows) > 0 {
		t.Fatalf("the counters differ from a recount: %+v", check)
	}
}
