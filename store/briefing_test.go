package store_test

import (
	"strconv"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The weekly 研判 (docs/briefings.md): the draft's figures are what was
// seeded (the week's risks, the open ledger, the trend of the cases
// against the four weeks before); recording the meeting freezes them; a
// decision becomes a task in its transaction, and a bad one names its
// field and writes nothing; what lies outside answers not_found. On both
// databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"BriefingDraft", testBriefingDraft},
		{"BriefingDecisions", testBriefingDecisions},
	}...)
}

// seedBriefingWeek reports 4 disputes two weeks before Epoch's week and 3
// in it, registers a red risk in it, and answers the week.
func seedBriefingWeek(t *testing.T, e *env) (week string, risk *pingan.Risk) {
	t.Helper()
	e.clock.Set(storetest.Epoch.AddDate(0, 0, -14))
	for range 4 {
		e.report(t, e.fx.GridWorker, "")
	}
	e.clock.Set(storetest.Epoch)
	for range 3 {
		e.report(t, e.fx.GridWorker, "")
	}
	r, err := e.db.Risks.RegisterRisk(ctx, e.fx.CountyDispatcher, redRisk(e))
	if err != nil {
		t.Fatal(err)
	}
	return pingan.WeekOf(e.clock.Now()), r
}

func testBriefingDraft(t *testing.T, e *env) {
	fx := e.fx
	week, risk := seedBriefingWeek(t, e)
	if week != "2026-W10" {
		t.Fatalf("week %s", week)
	}
	b, err := e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.County.Code, week)
	if err != nil {
		t.Fatal(err)
	}
	f := b.Figures
	if b.Held || b.ID != 0 || f.RiskTotal(pingan.RiskRegister) != 1 || len(f.Risks) != 1 || f.Risks[0].ID != risk.ID ||
		f.Risks[0].Level != pingan.RiskRed {
		t.Fatalf("draft %+v, risks %+v", b, f.Risks)
	}
	if f.OpenTotal() != 1 || f.OpenRisks[0] != (pingan.BriefingLevel{Level: pingan.RiskRed, Count: 1}) {
		t.Errorf("open ledger %+v", f.OpenRisks)
	}
	var kind *pingan.BriefingTrend
	for i := range f.Trends {
		if f.Trends[i].Dim == "kind" && f.Trends[i].Key == string(pingan.KindDispute) {
			kind = &f.Trends[i]
		}
	}
	// 3 this week against 4 in the four weeks before: 1 a week, up 200%.
	if kind == nil || kind.Week != 3 || kind.Before != 4 || kind.Average != 1 || kind.Dir != pingan.TrendUp || kind.Percent != 200 {
		t.Fatalf("trend of disputes %+v in %+v", kind, f.Trends)
	}
	if f.Overdue != (pingan.BriefingOverdue{}) {
		t.Errorf("overdue %+v, want nothing", f.Overdue)
	}
	// The township's briefing sees the risk too (it lies there); the
	// week before has none of it.
	if tb, err := e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.Township.Code, week); err != nil || tb.Figures.RiskTotal(pingan.RiskRegister) != 1 {
		t.Errorf("township draft %v, %+v", err, tb)
	}
	if pb, err := e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.County.Code, "2026-W09"); err != nil || pb.Figures.RiskTotal(pingan.RiskRegister) != 0 {
		t.Errorf("the week before %v, %+v", err, pb)
	}

	// Refused: another county, a village, a week not begun, a bad week,
	// a role without the capability.
	if _, err := e.db.Briefings.Briefing(ctx, fx.OtherDispatcher, fx.County.Code, week); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county read the briefing: %v", err)
	}
	_, err = e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.Village.Code, week)
	wantField(t, err, "unit")
	_, err = e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.County.Code, "2026-W11")
	wantField(t, err, "week")
	_, err = e.db.Briefings.Briefing(ctx, fx.CountyLeader, fx.County.Code, "2026-48")
	wantField(t, err, "week")
	if _, err := e.db.Briefings.Briefing(ctx, fx.CountyHandler, fx.County.Code, week); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a handler read the briefing: %v", err)
	}

	// The meeting freezes the figures: a risk registered after it does
	// not change the record.
	e.clock.Advance(2 * 3600e9)
	rec, err := e.db.Briefings.RecordMeeting(ctx, fx.CountyLeader, fx.County.Code, week, &pingan.Meeting{On: "2026-03-02",
		Chair: "区委政法委书记", Attendees: "区综治中心、住建局、东北街街道", Summary: "研判交房风险"})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Held || rec.ID == 0 || rec.Meeting.Chair != "区委政法委书记" || rec.Figures.RiskTotal(pingan.RiskRegister) != 1 || rec.Version != 1 {
		t.Fatalf("record %+v", rec)
	}
	if _, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, redRisk(e)); err != nil {
		t.Fatal(err)
	}
	again, err := e.db.Briefings.Briefing(ctx, fx.CountyDispatcher, fx.County.Code, week)
	if err != nil || again.Figures.RiskTotal(pingan.RiskRegister) != 1 || again.Figures.OpenTotal() != 1 {
		t.Fatalf("the record moved: %v %+v", err, again.Figures)
	}
	// A second first record is stale; a correction with the version
	// changes the texts, not the figures.
	_, err = e.db.Briefings.RecordMeeting(ctx, fx.CountyLeader, fx.County.Code, week, &pingan.Meeting{On: "2026-03-02", Chair: "另一人"})
	if pe := wantCode(t, err, pingan.ECONFLICT); pe.Fields["version"].Key == "" {
		t.Errorf("stale record %v does not name version", err)
	}
	fixed, err := e.db.Briefings.RecordMeeting(ctx, fx.CountyLeader, fx.County.Code, week, &pingan.Meeting{On: "2026-03-02",
		Chair: "区委副书记", Version: 1})
	if err != nil || fixed.Meeting.Chair != "区委副书记" || fixed.Version != 2 || fixed.Figures.OpenTotal() != 1 {
		t.Fatalf("correction %v %+v", err, fixed)
	}
	_, err = e.db.Briefings.RecordMeeting(ctx, fx.CountyLeader, fx.County.Code, "2026-W09", &pingan.Meeting{On: "2026-02-20"})
	wantFields(t, err, "on", "chair") // a day before the week, no chair

	weeks, err := e.db.Briefings.Briefings(ctx, fx.CountyLeader, fx.County.Code, 3)
	if err != nil || len(weeks) != 3 || weeks[0].Week != week || !weeks[0].Held || weeks[1].Held || weeks[2].Week != "2026-W08" {
		t.Fatalf("weeks %v %+v", err, weeks)
	}
	var held int
	if err := e.raw(t).QueryRow(`SELECT held FROM briefing_tallies WHERE node = $1 AND year = 2026`, fx.City.Code).Scan(&held); err != nil || held != 1 {
		t.Errorf("the city's count of meetings held %d (%v), want 1", held, err)
	}
}

func testBriefingDecisions(t *testing.T, e *env) {
	fx := e.fx
	week, _ := seedBriefingWeek(t, e)
	add := func(d pingan.NewDecision) (*pingan.Briefing, error) {
		return e.db.Briefings.AddDecision(ctx, fx.CountyLeader, fx.County.Code, week, &d)
	}
	// Before the meeting: 409 naming meeting.
	_, err := add(pingan.NewDecision{Text: "约谈开发商", LeadUnit: fx.CountyHousing.Code})
	if pe := wantCode(t, err, pingan.ECONFLICT); pe.Fields["meeting"].Key == "" {
		t.Errorf("%v does not name meeting", err)
	}
	if _, err := e.db.Briefings.RecordMeeting(ctx, fx.CountyLeader, fx.County.Code, week, &pingan.Meeting{On: "2026-03-02", Chair: "区长"}); err != nil {
		t.Fatal(err)
	}
	raw := e.raw(t)
	count := func(table string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	bad := []struct {
		name  string
		in    pingan.NewDecision
		field string
	}{
		{"no text", pingan.NewDecision{LeadUnit: fx.Township.Code, Task: true}, "text"},
		{"no lead unit", pingan.NewDecision{Text: "开展排查", Task: true}, "lead_unit"},
		{"lead outside", pingan.NewDecision{Text: "开展排查", LeadUnit: fx.OtherTownship.Code, Task: true}, "lead_unit"},
		{"co outside", pingan.NewDecision{Text: "开展排查", LeadUnit: fx.Township.Code, CoUnits: []string{fx.OtherVillage.Code}}, "co_units"},
		{"unknown plan", pingan.NewDecision{Text: "开展排查", LeadUnit: fx.Township.Code, Plan: "weekly", Task: true}, "plan"},
		{"quantified without target", pingan.NewDecision{Text: "开展排查", LeadUnit: fx.Township.Code, Plan: pingan.TaskTypeMonthly, Task: true}, "target"},
	}
	for _, c := range bad {
		_, err := add(c.in)
		t.Run(c.name, func(t *testing.T) { wantField(t, err, c.field) })
	}
	if n, m := count("briefing_decisions"), count("tasks"); n != 0 || m != 0 {
		t.Fatalf("%d decisions and %d tasks after the refused ones", n, m)
	}

	// One decision stays a decision, the next becomes a 13710 task.
	if _, err := add(pingan.NewDecision{Text: "住建局每周报告交房进度", LeadUnit: fx.CountyHousing.Code}); err != nil {
		t.Fatal(err)
	}
	b, err := add(pingan.NewDecision{Text: "东北街街道十日内完成涉房矛盾排查\n逐户登记诉求", LeadUnit: fx.Township.Code,
		CoUnits: []string{fx.CountyHousing.Code}, Task: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Decisions) != 2 || b.Decisions[0].TaskID != 0 || b.Decisions[1].TaskID == 0 || b.Decisions[1].LeadName == "" ||
		len(b.Decisions[1].CoUnits) != 1 {
		t.Fatalf("decisions %+v", b.Decisions)
	}
	task, _, err := e.db.Tasks.FindTask(ctx, fx.CountyLeader, b.Decisions[1].TaskID)
	if err != nil {
		t.Fatal(err)
	}
	if task.Source != pingan.TaskFromMeeting || task.Ref != "briefing:"+strconv.FormatInt(b.ID, 10) || task.Title != "东北街街道十日内完成涉房矛盾排查" ||
		task.Lead != fx.Township.Code || len(task.Plan) != 4 || len(task.Units) != 2 {
		t.Fatalf("task %+v", task)
	}
	var decisions, tasks int
	if err := raw.QueryRow(`SELECT decisions, tasks FROM briefing_tallies WHERE node = $1 AND year = 2026`, fx.County.Code).Scan(&decisions, &tasks); err != nil ||
		decisions != 2 || tasks != 1 {
		t.Errorf("counters %d decisions, %d tasks (%v), want 2 and 1", decisions, tasks, err)
	}
	if n := count(`audit WHERE action = 'briefing_decision'`); n != 2 {
		t.Errorf("%d audit rows of decisions, want 2", n)
	}
	weeks, err := e.db.Briefings.Briefings(ctx, fx.CountyDispatcher, fx.County.Code, 1)
	if err != nil || weeks[0].Decisions != 2 || weeks[0].Tasks != 1 {
		t.Errorf("list %v %+v", err, weeks)
	}
	// A dispatcher of another county neither reads nor decides.
	if _, err := e.db.Briefings.AddDecision(ctx, fx.OtherDispatcher, fx.County.Code, week,
		&pingan.NewDecision{Text: "x", LeadUnit: fx.Township.Code}); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county decided: %v", err)
	}
}
