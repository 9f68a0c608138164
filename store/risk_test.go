package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The risk ledger (风险台账, docs/risks.md): a bad registration names its
// field and writes nothing; the steps move a risk and its review due as
// the rules say, each with its timeline row; the counters agree with the
// rows; a missed review is marked once; what lies outside the
// jurisdiction answers not_found. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"RiskRegisterRefused", testRiskRegisterRefused},
		{"RiskLoop", testRiskLoop},
		{"RiskOverdue", testRiskOverdue},
	}...)
}

// redRisk answers a red risk of the county registered by its dispatcher,
// kept by the county leader and 住建局.
func redRisk(e *env) *pingan.NewRisk {
	return &pingan.NewRisk{Title: "某小区逾期交房", Field: "housing_delivery", Unit: e.fx.Township.Code, Level: pingan.RiskRed,
		Leader: e.fx.CountyLeader.ID, Responsible: e.fx.CountyHousing.Code,
		Measures: []pingan.NewRiskMeasure{{Text: "每周约谈开发商", Owner: "住建局分管副局长", Due: pingan.Day(e.clock.Now().AddDate(0, 0, 10))}}}
}

func testRiskRegisterRefused(t *testing.T, e *env) {
	fx := e.fx
	cases := []struct {
		name  string
		edit  func(r *pingan.NewRisk)
		field string
	}{
		{"no leader", func(r *pingan.NewRisk) { r.Leader = 0 }, "leader"},
		{"no level", func(r *pingan.NewRisk) { r.Level = "" }, "level"},
		{"bad level", func(r *pingan.NewRisk) { r.Level = "purple" }, "level"},
		{"unknown field", func(r *pingan.NewRisk) { r.Field = "religion" }, "field"},
		{"leader not a leader", func(r *pingan.NewRisk) { r.Leader = fx.CountyHandler.ID }, "leader"},
		{"leader outside", func(r *pingan.NewRisk) { r.Leader = fx.CityLeader.ID }, "leader"},
		{"unit outside", func(r *pingan.NewRisk) { r.Unit = fx.OtherVillage.Code }, "unit"},
		{"no responsible", func(r *pingan.NewRisk) { r.Responsible = "" }, "responsible"},
		{"measure before registration", func(r *pingan.NewRisk) { r.Measures[0].Due = "2020-01-01" }, "measures[0].due"},
		{"case not seen", func(r *pingan.NewRisk) { r.Cases = []string{"2026-620902-999999"} }, "cases"},
	}
	for _, c := range cases {
		in := redRisk(e)
		c.edit(in)
		_, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, in)
		if pe := wantCode(t, err, pingan.EINVALID); zh(pe, c.field) == "" {
			t.Errorf("%s: %v does not name %s", c.name, err, c.field)
		}
	}
	_, err := e.db.Risks.RegisterRisk(ctx, fx.CountyHandler, redRisk(e))
	wantCode(t, err, pingan.EFORBIDDEN)
	if rs, err := e.db.Risks.FindRisks(ctx, fx.CityDispatcher, pingan.RiskFilter{}); err != nil || len(rs) != 0 {
		t.Fatalf("after refusals: %d risks, %v", len(rs), err)
	}
	month := pingan.Day(e.clock.Now())[:7]
	ms, err := e.db.Risks.RiskCounts(ctx, fx.CityDispatcher, fx.City.Code, month, month)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Registered != 0 || m.Open != 0 {
			t.Fatalf("counters written by a refusal: %+v", m)
		}
	}
}

func testRiskLoop(t *testing.T, e *env) {
	fx := e.fx
	c, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "业主聚集讨要说法"})
	if err != nil {
		t.Fatal(err)
	}
	in := redRisk(e)
	in.Cases = []string{c.ID}
	r, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, in)
	if err != nil {
		t.Fatal(err)
	}
	reg := e.clock.Now()
	if r.Status != pingan.RiskControlled || !r.NextReviewDue.Equal(reg.AddDate(0, 0, 7).Truncate(time.Millisecond)) || len(r.Measures) != 1 || len(r.Cases) != 1 {
		t.Fatalf("registered: %+v", r)
	}
	// Outside the jurisdiction: not found, as for no such risk.
	_, err = e.db.Risks.FindRisk(ctx, fx.OtherDispatcher, r.ID)
	wantCode(t, err, pingan.ENOTFOUND)
	// A township handler sees it (its unit is theirs) but does not keep it;
	// the leader reviews it.
	_, err = e.db.Risks.ActOnRisk(ctx, fx.TownshipHandler, r.ID, &pingan.RiskAction{Step: pingan.RiskReview})
	wantCode(t, err, pingan.EFORBIDDEN)
	e.clock.Advance(48 * time.Hour)
	r, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskReview, Note: "开发商资金已到位一半", Version: r.Version})
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().AddDate(0, 0, 7).Truncate(time.Millisecond); !r.NextReviewDue.Equal(want) || r.Level != pingan.RiskRed || r.Reviews != 1 {
		t.Fatalf("reviewed: due %v want %v, level %s, reviews %d", r.NextReviewDue, want, r.Level, r.Reviews)
	}
	// A stale version: 409 naming version.
	_, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskReview, Version: r.Version - 1})
	if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "version") == "" {
		t.Errorf("%v does not name version", err)
	}
	// 住建局's handler lowers it to orange with a reason.
	_, err = e.db.Risks.ActOnRisk(ctx, fx.CountyHandler, r.ID, &pingan.RiskAction{Step: pingan.RiskChangeLevel, Level: pingan.RiskOrange})
	wantField(t, err, "note")
	r, err = e.db.Risks.ActOnRisk(ctx, fx.CountyHandler, r.ID, &pingan.RiskAction{Step: pingan.RiskChangeLevel, Level: pingan.RiskOrange, Note: "已复工"})
	if err != nil || r.Level != pingan.RiskOrange {
		t.Fatalf("change level: %v %+v", err, r)
	}
	// A measure due before registration is refused; one is added and completed.
	_, err = e.db.Risks.ActOnRisk(ctx, fx.CountyHandler, r.ID, &pingan.RiskAction{Step: pingan.RiskAddMeasure,
		Measure: &pingan.NewRiskMeasure{Text: "张贴公告", Due: "2020-01-01"}})
	wantField(t, err, "measure.due")
	r, err = e.db.Risks.ActOnRisk(ctx, fx.CountyHandler, r.ID, &pingan.RiskAction{Step: pingan.RiskAddMeasure,
		Measure: &pingan.NewRiskMeasure{Text: "张贴公告", Unit: fx.Township.Code, Owner: "街道办分管副主任", Due: pingan.Day(e.clock.Now())}})
	if err != nil || len(r.Measures) != 2 {
		t.Fatalf("add measure: %v %+v", err, r)
	}
	r, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskCompleteMeasure, Seq: 2})
	if err != nil || r.Measures[1].Done != pingan.Day(e.clock.Now()) {
		t.Fatalf("complete measure: %v %+v", err, r.Measures[1])
	}
	// Resolve needs a note; then a review is refused, naming the step.
	_, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskResolve})
	wantField(t, err, "note")
	if r, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskResolve, Note: "已交房"}); err != nil {
		t.Fatal(err)
	}
	// Only the registering unit's dispatcher (or above) closes it.
	_, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskCloseStep})
	wantCode(t, err, pingan.EFORBIDDEN)
	if r, err = e.db.Risks.ActOnRisk(ctx, fx.CityDispatcher, r.ID, &pingan.RiskAction{Step: pingan.RiskCloseStep}); err != nil || r.Status != pingan.RiskClosed {
		t.Fatalf("close: %v %+v", err, r)
	}
	_, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskReview})
	if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "step") == "" {
		t.Errorf("%v does not name step", err)
	}
	tl, err := e.db.Risks.RiskTimeline(ctx, fx.CountyLeader, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, ev := range tl {
		steps = append(steps, ev.Step)
	}
	want := []string{"register", "review", "change_level", "add_measure", "complete_measure", "resolve", "close"}
	if len(steps) != len(want) {
		t.Fatalf("timeline %v, want %v", steps, want)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("timeline %v, want %v", steps, want)
		}
	}
	// The counters under the province and the county: one registered red,
	// one review, one resolved and one closed orange, none open.
	month := pingan.Day(e.clock.Now())[:7]
	for _, node := range []string{fx.City.Code, fx.County.Code, fx.Township.Code} {
		ms, err := e.db.Risks.RiskCounts(ctx, fx.CityDispatcher, node, month, month)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]pingan.RiskMonth{}
		for _, m := range ms {
			got[m.Level] = *m
		}
		if got[pingan.RiskRed].Registered != 1 || got[pingan.RiskRed].Reviews != 1 || got[pingan.RiskOrange].Resolved != 1 ||
			got[pingan.RiskOrange].Closed != 1 || got[pingan.RiskRed].Open != 0 || got[pingan.RiskOrange].Open != 0 {
			t.Errorf("%s: counters %+v", node, got)
		}
	}
	if _, err := e.db.Risks.RiskCounts(ctx, fx.CountyDispatcher, fx.OtherCounty.Code, month, month); code(err) != pingan.ENOTFOUND {
		t.Errorf("counts of another county: %v", err)
	}
}

func testRiskOverdue(t *testing.T, e *env) {
	fx := e.fx
	r, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, redRisk(e))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.db.Risks.MarkOverdue(ctx, e.clock.Now(), 10); err != nil || n != 0 {
		t.Fatalf("before the due: %d, %v", n, err)
	}
	now := e.clock.Advance(8 * 24 * time.Hour)
	if n, err := e.db.Risks.MarkOverdue(ctx, now, 10); err != nil || n != 1 {
		t.Fatalf("past the due: %d, %v", n, err)
	}
	if n, err := e.db.Risks.MarkOverdue(ctx, now, 10); err != nil || n != 0 {
		t.Fatalf("marked twice: %d, %v", n, err)
	}
	rs, err := e.db.Risks.FindRisks(ctx, fx.CityLeader, pingan.RiskFilter{Overdue: true})
	if err != nil || len(rs) != 1 || rs[0].ID != r.ID || !rs[0].Overdue {
		t.Fatalf("overdue ledger: %v %+v", err, rs)
	}
	ms, err := e.db.Risks.RiskCounts(ctx, fx.CityLeader, "", pingan.Day(now)[:7], pingan.Day(now)[:7])
	if err != nil {
		t.Fatal(err)
	}
	var overdue, open int64
	for _, m := range ms {
		overdue += m.Overdue
		open += m.Open
	}
	if overdue != 1 || open != 1 {
		t.Errorf("counters: overdue %d open %d", overdue, open)
	}
	// A review clears it.
	if r, err = e.db.Risks.ActOnRisk(ctx, fx.CountyLeader, r.ID, &pingan.RiskAction{Step: pingan.RiskReview}); err != nil || r.Overdue {
		t.Fatalf("review: %v %+v", err, r)
	}
	if rs, err := e.db.Risks.FindRisks(ctx, fx.CityLeader, pingan.RiskFilter{Overdue: true}); err != nil || len(rs) != 0 {
		t.Fatalf("overdue after review: %v %d", err, len(rs))
	}
}
