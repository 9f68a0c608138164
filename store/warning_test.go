package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Warnings (预警, docs/warnings.md): the engine over the grid's counters
// raises one cluster warning (and one spike) for eight disputes in one
// grid, not one a run; the per-case rule for a dispute flagged 可能激化;
// the loop to release with its counters, release refused before feedback;
// escalation into a risk and into a case in the step's transaction; the
// watch marking a missed deadline once; bad rules naming their field; the
// jurisdiction. On both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"WarningEngine", testWarningEngine},
		{"WarningRules", testWarningRules},
	}...)
}

const warnGrid = "620902001001-01"

// warningsBy answers the open warnings the actor sees, by rule kind.
func warningsBy(t *testing.T, e *env, u *pingan.User) map[string][]*pingan.Warning {
	t.Helper()
	ws, err := e.db.Warnings.FindWarnings(ctx, u, pingan.WarningFilter{State: "open"})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*pingan.Warning{}
	for _, w := range ws {
		out[w.RuleKind] = append(out[w.RuleKind], w)
	}
	return out
}

func testWarningEngine(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	// The cluster rule goes to the township, whose handler then works it.
	rs := must[[]*pingan.WarningRule](t)(e.db.Warnings.Rules(ctx, fx.CityDispatcher))
	for _, r := range rs {
		if r.Kind == pingan.RuleCluster {
			r.SendTo = fx.Township.Code
			must[*pingan.WarningRule](t)(e.db.Warnings.SaveRule(ctx, fx.CityDispatcher, r))
		}
	}
	for i := 0; i < 8; i++ {
		must[*pingan.Case](t)(e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: "楼道堆物纠纷", Description: "邻里因楼道堆放杂物争执", Grid: warnGrid}))
		e.clock.Advance(time.Hour)
	}
	hot := must[*pingan.Case](t)(e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0101",
		Title: "婚姻纠纷", Description: "双方争吵升级", Grid: warnGrid, Dispute: &pingan.DisputeFacts{Volatile: true}}))
	if hot.Mediation == nil || !hot.Mediation.Volatile {
		t.Fatalf("the 可能激化 flag was not kept: %+v", hot.Mediation)
	}
	n := must[int](t)(e.db.Warnings.RunWarnings(ctx, e.clock.Now()))
	if n != 3 {
		t.Fatalf("raised %d, want 3 (cluster, spike, volatile)", n)
	}
	if n := must[int](t)(e.db.Warnings.RunWarnings(ctx, e.clock.Advance(time.Hour))); n != 0 {
		t.Fatalf("a second run raised %d more", n)
	}
	by := warningsBy(t, e, fx.CountyDispatcher)
	if len(by[pingan.RuleCluster]) != 1 || len(by[pingan.RuleSpike]) != 1 || len(by[pingan.RuleVolatile]) != 1 {
		t.Fatalf("warnings %v", by)
	}
	cl := by[pingan.RuleCluster][0]
	if cl.Unit != fx.Township.Code || cl.Count != 8 || cl.Place != warnGrid || cl.Category != "0102" || cl.State != pingan.WarningRaised {
		t.Fatalf("cluster warning %+v", cl)
	}
	if by[pingan.RuleVolatile][0].CaseID != hot.ID || by[pingan.RuleVolatile][0].Unit != fx.Village.Code {
		t.Fatalf("volatile warning %+v", by[pingan.RuleVolatile][0])
	}
	// Another county sees none of them.
	if got := warningsBy(t, e, fx.OtherDispatcher); len(got) != 0 {
		t.Fatalf("another county sees %v", got)
	}
	_, _, err := e.db.Warnings.FindWarning(ctx, fx.OtherDispatcher, cl.ID)
	wantCode(t, err, pingan.ENOTFOUND)

	// The loop.
	act := func(u *pingan.User, step, note string) (*pingan.Warning, error) {
		return e.db.Warnings.ActWarning(ctx, u, cl.ID, &pingan.WarningAction{Step: step, Note: note})
	}
	_, err = act(fx.TownshipHandler, pingan.WarnStepRelease, "")
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = act(fx.CountyDispatcher, pingan.WarnStepRelease, "")
	if pe := wantCode(t, err, pingan.ECONFLICT); pe.Fields["feedback"].Key == "" {
		t.Errorf("release before feedback does not name feedback: %v", err)
	}
	if open, overdue, _ := e.db.Warnings.Waiting(ctx, fx.TownshipHandler); open != 1 || overdue != 0 {
		t.Errorf("the township's inbox counts %d warnings, %d overdue; want 1, 0", open, overdue)
	}
	must[*pingan.Warning](t)(act(fx.TownshipHandler, pingan.WarnStepSign, ""))
	must[*pingan.Warning](t)(act(fx.TownshipHandler, pingan.WarnStepHandle, "已上门调处"))
	_, err = act(fx.TownshipHandler, pingan.WarnStepFeedback, " ")
	wantFields(t, err, "note")
	must[*pingan.Warning](t)(act(fx.TownshipHandler, pingan.WarnStepFeedback, "双方已达成共识，杂物清走"))
	w := must[*pingan.Warning](t)(act(fx.CountyDispatcher, pingan.WarnStepRelease, "核实解除"))
	if w.State != pingan.WarningReleased {
		t.Fatalf("state %s", w.State)
	}
	_, evs, err := e.db.Warnings.FindWarning(ctx, fx.CountyDispatcher, cl.ID)
	if err != nil || len(evs) != 5 || evs[0].Step != pingan.WarnStepRaise || evs[4].Step != pingan.WarnStepRelease {
		t.Fatalf("timeline %v %v", evs, err)
	}

	// Escalations: the spike into a risk, the volatile dispute into a case.
	sp := by[pingan.RuleSpike][0]
	_, err = e.db.Warnings.ActWarning(ctx, fx.CountyDispatcher, sp.ID, &pingan.WarningAction{Step: pingan.WarnStepEscalateRisk,
		Risk: &pingan.NewRisk{Field: "no-such-field", Leader: fx.CountyLeader.ID, Responsible: fx.Township.Code}})
	if code(err) != pingan.EINVALID {
		t.Fatalf("a bad risk: %v", err)
	}
	if w, _, _ := e.db.Warnings.FindWarning(ctx, fx.CountyDispatcher, sp.ID); w.State != pingan.WarningRaised {
		t.Fatalf("a refused escalation changed the warning: %s", w.State)
	}
	w = must[*pingan.Warning](t)(e.db.Warnings.ActWarning(ctx, fx.CountyDispatcher, sp.ID, &pingan.WarningAction{
		Step: pingan.WarnStepEscalateRisk, Note: "转入风险台账", Risk: &pingan.NewRisk{Field: "conflict", Leader: fx.CountyLeader.ID,
			Responsible: fx.Township.Code}}))
	if w.State != pingan.WarningEscalated || w.RiskID == 0 {
		t.Fatalf("escalated into a risk: %+v", w)
	}
	vw := by[pingan.RuleVolatile][0]
	w = must[*pingan.Warning](t)(e.db.Warnings.ActWarning(ctx, fx.CountyDispatcher, vw.ID, &pingan.WarningAction{
		Step: pingan.WarnStepEscalateCase, Note: "可能激化，立案处置"}))
	if w.State != pingan.WarningEscalated || w.EscalatedCase == "" {
		t.Fatalf("escalated into a case: %+v", w)
	}
	if _, err := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, w.EscalatedCase); err != nil {
		t.Fatalf("the escalated case: %v", err)
	}

	// The counters of the county for the month.
	month := e.clock.Now().In(pingan.CST).Format("2006-01")
	cs := must[[]pingan.WarningCount](t)(e.db.Warnings.WarningCounts(ctx, fx.CountyDispatcher, fx.County.Code, month, month))
	var tot pingan.WarningCount
	for _, c := range cs {
		tot.Raised += c.Raised
		tot.Signed += c.Signed
		tot.FedBack += c.FedBack
		tot.Released += c.Released
		tot.Escalated += c.Escalated
		tot.Open += c.Open
	}
	if tot.Raised != 3 || tot.Signed != 1 || tot.FedBack != 1 || tot.Released != 1 || tot.Escalated != 2 || tot.Open != 0 {
		t.Fatalf("counters %+v", tot)
	}
	_, err = e.db.Warnings.WarningCounts(ctx, fx.CountyDispatcher, fx.OtherCounty.Code, month, month)
	wantCode(t, err, pingan.ENOTFOUND)
}

func testWarningRules(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	bad := []struct {
		name  string
		actor *pingan.User
		rule  pingan.WarningRule
		field string
	}{
		{"zero window", fx.CityDispatcher, pingan.WarningRule{Kind: pingan.RuleCluster, Name: "聚集", Threshold: 5, Level: pingan.RiskRed}, "window_days"},
		{"zero threshold", fx.CityDispatcher, pingan.WarningRule{Kind: pingan.RuleCluster, Name: "聚集", WindowDays: 5, Level: pingan.RiskRed}, "threshold"},
		{"unknown category", fx.CityDispatcher, pingan.WarningRule{Kind: pingan.RuleCluster, Name: "聚集", Threshold: 5, WindowDays: 3,
			Category: "9999", Level: pingan.RiskRed}, "category"},
		{"unknown level", fx.CityDispatcher, pingan.WarningRule{Kind: pingan.RuleGroup, Name: "群体", Threshold: 30, Level: "purple"}, "level"},
		{"unknown kind", fx.CityDispatcher, pingan.WarningRule{Kind: "person", Name: "人员", Level: pingan.RiskRed}, "kind"},
	}
	for _, b := range bad {
		_, err := e.db.Warnings.SaveRule(ctx, b.actor, &b.rule)
		wantFields(t, err, b.field)
	}
	_, err := e.db.Warnings.SaveRule(ctx, fx.CountyDispatcher, &pingan.WarningRule{Kind: pingan.RuleGroup, Name: "群体", Threshold: 30,
		Level: pingan.RiskRed})
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Warnings.SaveRule(ctx, fx.TownshipHandler, &pingan.WarningRule{Kind: pingan.RuleGroup, Name: "群体", Threshold: 30,
		Level: pingan.RiskRed})
	wantCode(t, err, pingan.EFORBIDDEN)
	rs := must[[]*pingan.WarningRule](t)(e.db.Warnings.Rules(ctx, fx.CityDispatcher))
	if len(rs) != 6 {
		t.Fatalf("%d rules after refusals, want the 6 seeded", len(rs))
	}
	r := rs[0]
	r.Threshold = 12
	saved := must[*pingan.WarningRule](t)(e.db.Warnings.SaveRule(ctx, fx.CityDispatcher, r))
	if saved.Version != r.Version+1 {
		t.Fatalf("version %d", saved.Version)
	}
	_, err = e.db.Warnings.SaveRule(ctx, fx.CityDispatcher, r) // the version seen is stale now
	wantCode(t, err, pingan.ECONFLICT)

	// Deadlines and the watch: a blue volatile warning, missed.
	err = e.db.Warnings.SetDeadlines(ctx, fx.CityDispatcher, []pingan.WarningDeadline{{Level: pingan.RiskOrange, SignHours: 0, FeedbackDays: 3}})
	wantFields(t, err, "deadlines[0]")
	if err := e.db.Warnings.SetDeadlines(ctx, fx.CityDispatcher, []pingan.WarningDeadline{{Level: pingan.RiskOrange, SignHours: 1, FeedbackDays: 1}}); err != nil {
		t.Fatal(err)
	}
	must[*pingan.Case](t)(e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0101",
		Title: "婚姻纠纷", Description: "双方争吵升级", Grid: warnGrid, Dispute: &pingan.DisputeFacts{Volatile: true, People: 2}}))
	if n := must[int](t)(e.db.Warnings.RunWarnings(ctx, e.clock.Now())); n != 1 {
		t.Fatalf("raised %d", n)
	}
	ws := must[[]*pingan.Warning](t)(e.db.Warnings.FindWarnings(ctx, fx.CountyDispatcher, pingan.WarningFilter{}))
	if len(ws) != 1 || ws[0].SignBy.Sub(ws[0].RaisedAt) != time.Hour {
		t.Fatalf("warnings %+v", ws)
	}
	if n := must[int](t)(e.db.Warnings.MarkOverdue(ctx, e.clock.Now(), 10)); n != 0 {
		t.Fatalf("marked %d within the deadline", n)
	}
	late := e.clock.Advance(2 * time.Hour)
	if n := must[int](t)(e.db.Warnings.MarkOverdue(ctx, late, 10)); n != 1 {
		t.Fatalf("marked %d, want 1", n)
	}
	if n := must[int](t)(e.db.Warnings.MarkOverdue(ctx, e.clock.Advance(72*time.Hour), 10)); n != 0 {
		t.Fatalf("marked again: %d", n)
	}
	ws = must[[]*pingan.Warning](t)(e.db.Warnings.FindWarnings(ctx, fx.CountyDispatcher, pingan.WarningFilter{Overdue: true}))
	if len(ws) != 1 || !ws[0].Overdue {
		t.Fatalf("overdue list %+v", ws)
	}
}
