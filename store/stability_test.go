package store_test

import (
	"testing"

	"github.com/pingan-gov/pingan"
)

// 稳评 (docs/risks.md): its steps run in order, a step out of order is a
// conflict naming the step, a risk identified goes to the ledger in the
// same transaction (and a bad one writes neither it nor the step).

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"StabilitySteps", testStabilitySteps},
	}...)
}

func testStabilitySteps(t *testing.T, e *env) {
	fx := e.fx
	_, err := e.db.Stability.RegisterStability(ctx, fx.CountyDispatcher, &pingan.NewStability{Title: "城区棚户区改造项目", Kind: "重大工程项目"})
	wantField(t, err, "body")
	_, err = e.db.Stability.RegisterStability(ctx, fx.CountyLeader, &pingan.NewStability{Title: "城区棚户区改造项目", Body: "县政府", Kind: "重大工程项目"})
	wantCode(t, err, pingan.EFORBIDDEN)
	s, err := e.db.Stability.RegisterStability(ctx, fx.CountyDispatcher, &pingan.NewStability{Title: "城区棚户区改造项目", Body: "县政府", Kind: "重大工程项目"})
	if err != nil || s.Stage != pingan.StabilityRegistered || s.Unit != fx.County.Code {
		t.Fatalf("register: %v %+v", err, s)
	}
	// Out of order: the report before the notice.
	_, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &pingan.StabilityAction{Step: pingan.StabilityReport, Summary: "x", Level: pingan.StabilityLow})
	if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "step") == "" {
		t.Errorf("%v does not name step", err)
	}
	today := pingan.Day(e.clock.Now())
	_, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &pingan.StabilityAction{Step: pingan.StabilityNotice, From: today, To: "2020-01-01"})
	wantField(t, err, "to")
	steps := []pingan.StabilityAction{
		{Step: pingan.StabilityNotice, From: today, To: today},
		{Step: pingan.StabilityOpinions, Count: 126, Summary: "多数群众支持，部分关注安置标准"},
	}
	for _, a := range steps {
		if s, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &a); err != nil {
			t.Fatalf("%s: %v", a.Step, err)
		}
	}
	// An identified risk without a leader: refused naming its field, and
	// nothing written — neither the risk nor the step.
	bad := pingan.StabilityAction{Step: pingan.StabilityIdentify, Items: []pingan.StabilityItemInput{
		{Text: "安置补偿标准争议", ToLedger: true, Risk: &pingan.NewRisk{Field: "conflict", Unit: fx.Township.Code, Level: pingan.RiskOrange,
			Responsible: fx.Township.Code}},
		{Text: "施工扰民"}}}
	_, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &bad)
	wantField(t, err, "items[0].risk.leader")
	if rs, _ := e.db.Risks.FindRisks(ctx, fx.CountyDispatcher, pingan.RiskFilter{}); len(rs) != 0 {
		t.Fatalf("a refused identification wrote %d risks", len(rs))
	}
	bad.Items[0].Risk.Leader = fx.CountyLeader.ID
	if s, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &bad); err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 2 || s.Items[0].RiskID == 0 || s.Items[1].RiskID != 0 {
		t.Fatalf("items: %+v", s.Items)
	}
	r, err := e.db.Risks.FindRisk(ctx, fx.CountyLeader, s.Items[0].RiskID)
	if err != nil || r.Source != pingan.RiskFromStability || r.Title != "安置补偿标准争议" || r.Level != pingan.RiskOrange {
		t.Fatalf("the risk identified: %v %+v", err, r)
	}
	for _, a := range []pingan.StabilityAction{
		{Step: pingan.StabilityReport, Summary: "风险可控", Level: pingan.StabilityMedium},
		{Step: pingan.StabilityDecide, Decision: pingan.DecideWithMeasure},
	} {
		if s, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &a); err != nil {
			t.Fatalf("%s: %v", a.Step, err)
		}
	}
	if s.Stage != pingan.StabilityDecide || s.Decision != pingan.DecideWithMeasure || s.DecidedOn != today || s.ReportLevel != pingan.StabilityMedium {
		t.Fatalf("decided: %+v", s)
	}
	_, err = e.db.Stability.ActOnStability(ctx, fx.CountyDispatcher, s.ID, &pingan.StabilityAction{Step: pingan.StabilityDecide, Decision: pingan.DecideReject})
	wantCode(t, err, pingan.ECONFLICT)
	tl, err := e.db.Stability.StabilityTimeline(ctx, fx.CountyDispatcher, s.ID)
	if err != nil || len(tl) != 6 {
		t.Fatalf("timeline: %v %d", err, len(tl))
	}
	if _, err := e.db.Stability.FindStability(ctx, fx.OtherDispatcher, s.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("another county reads it: %v", err)
	}
}
