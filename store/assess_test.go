package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/store/storetest"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Assessment", testAssessment},
	}...)
}

// assessScheme is the township scheme of 肃州区 for 2026:
//
//	i1 结案率 (closing)         40  linear, nothing at 50%, all at 100%
//	i2 满意率 (satisfaction)    30  threshold: 50% of it at 60%, all at 90%
//	i3 上交率 (escalation)      20  rank, less is better; the last earns half
//	i4 综治中心实体化运行 (manual) 10
func assessScheme(unit string) *pingan.Scheme {
	return &pingan.Scheme{Unit: unit, Year: 2026, Level: pingan.LevelTownship, Name: "2026年度乡镇（街道）平安建设考核",
		Indicators: []pingan.Indicator{
			{Key: "i1", Name: "结案率", Weight: 40, Source: pingan.SourceComputed, Rate: "closing",
				Rule: pingan.ScoreRule{Kind: pingan.RuleLinear, Floor: 0.5, Target: 1}},
			{Key: "i2", Name: "满意率", Weight: 30, Source: pingan.SourceComputed, Rate: "satisfaction",
				Rule: pingan.ScoreRule{Kind: pingan.RuleThreshold, Steps: []pingan.Step{{At: 0.6, Share: 0.5}, {At: 0.9, Share: 1}}}},
			{Key: "i3", Name: "上交率", Weight: 20, Source: pingan.SourceComputed, Rate: "escalation",
				Rule: pingan.ScoreRule{Kind: pingan.RuleRank, Last: 0.5}},
			{Key: "i4", Name: "综治中心实体化运行", Weight: 10, Source: pingan.SourceManual, Guide: "场所、人员、制度齐全"},
		}}
}

// testAssessment walks a small fixed history of 肃州区's three townships
// in March 2026 through the real actions and checks its assessment, worked
// out by hand:
//
//	T1 东北街  4 cases: 3 closed (rated satisfied, satisfied, dissatisfied), 1 escalated
//	T2 银达镇  2 cases: 2 closed, both rated satisfied
//	T3 清水镇  3 cases: 1 closed (rated dissatisfied), 2 accepted and open
//
//	        结案率        i1              满意率      i2        上交率   rank  i3                  i4   sum  扣分  total
//	T1  3/4 = .75  (.75-.5)/.5·40 = 20   2/3 ≥ .6   15   1/4 = .25   3   (1-2/2·.5)·20 = 10  10    55    0    55  D
//	T2  2/2 = 1                    40   1 ≥ .9     30   0/2 = 0     1   20                   6    96    2    94  (vetoed: E)
//	T3  1/3 < .5                    0   0/1        0    0/3 = 0     1   20                   8    28    0    28  E
//
// T2 has a deduction of 2 and a veto: it ranks last, graded E, whatever its
// 94. So T1 1st, T3 2nd, T2 3rd. After publication T3 objects in time and is
// upheld: i1 corrected to 40, T3 = 68 (C), first; T1 second.
func testAssessment(t *testing.T, e *env) {
	fx := e.fx
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{
		{Code: "620902102000", Name: "清水镇", Level: pingan.LevelTownship, ParentCode: fx.County.Code},
		{Code: "620902102000-zz", Name: "清水镇综治中心", Level: pingan.LevelCentre, ParentCode: "620902102000"},
		{Code: "620902102001", Name: "清水村", Level: pingan.LevelVillage, ParentCode: "620902102000"},
	}); err != nil {
		t.Fatal(err)
	}
	t1, t2, t3 := fx.Township.Code, fx.Township2.Code, "620902102000"
	type crew struct{ reporter, dispatcher, handler *pingan.User }
	crews := map[string]crew{
		t1: {fx.GridWorker, fx.TownshipDispatcher, fx.TownshipHandler},
		t2: {e.addUser(t, "yd-grid", fx.Village3.Code, pingan.RoleGridWorker), e.addUser(t, "yd-dispatcher", fx.Township2Centre.Code, pingan.RoleDispatcher),
			e.addUser(t, "yd-handler", t2, pingan.RoleHandler)},
		t3: {e.addUser(t, "qs-grid", "620902102001", pingan.RoleGridWorker), e.addUser(t, "qs-dispatcher", "620902102000-zz", pingan.RoleDispatcher),
			e.addUser(t, "qs-handler", t3, pingan.RoleHandler)},
	}
	villages := map[string]string{t1: fx.Village.Code, t2: fx.Village3.Code, t3: "620902102001"}
	history := func(town string, rated []pingan.Satisfaction, open, escalated int) {
		c := crews[town]
		for _, sat := range rated {
			k := e.report(t, c.reporter, villages[town])
			e.act(t, c.dispatcher, k.ID, pingan.ActionInput{Action: pingan.ActAccept})
			e.act(t, c.dispatcher, k.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: town})
			e.act(t, c.handler, k.ID, pingan.ActionInput{Action: pingan.ActSign})
			e.act(t, c.handler, k.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议"})
			e.act(t, c.dispatcher, k.ID, pingan.ActionInput{Action: pingan.ActClose})
			e.act(t, c.dispatcher, k.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: sat})
		}
		for range open {
			k := e.report(t, c.reporter, villages[town])
			e.act(t, c.dispatcher, k.ID, pingan.ActionInput{Action: pingan.ActAccept})
		}
		for range escalated {
			k := e.report(t, c.reporter, villages[town])
			e.act(t, c.dispatcher, k.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "涉及多个部门"})
		}
	}
	history(t1, []pingan.Satisfaction{pingan.Satisfied, pingan.BasicallySatisfied, pingan.Dissatisfied}, 0, 1)
	history(t2, []pingan.Satisfaction{pingan.Satisfied, pingan.Satisfied}, 0, 0)
	history(t3, []pingan.Satisfaction{pingan.Dissatisfied}, 2, 0)

	// The scheme: refused with weights not summing to 100, to one who does
	// not assess; saved; a second of the same unit, year and level refused.
	bad := assessScheme(fx.County.Code)
	bad.Indicators[3].Weight = 20
	if pe := wantCode(t, saveScheme(e, fx.Assessor, bad), pingan.EINVALID); zh(pe, "indicators") == "" {
		t.Errorf("weights of 110: fields %v", pe.Fields)
	}
	wantCode(t, saveScheme(e, fx.CountyDispatcher, assessScheme(fx.County.Code)), pingan.EFORBIDDEN)
	s, err := e.db.Schemes.SaveScheme(ctx, fx.Assessor, assessScheme(fx.County.Code))
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || s.ObjectionDays != 5 {
		t.Errorf("saved: version %d, objection days %d", s.Version, s.ObjectionDays)
	}
	if pe := wantCode(t, saveScheme(e, fx.Assessor, assessScheme(fx.County.Code)), pingan.ECONFLICT); zh(pe, "level") == "" {
		t.Errorf("a second scheme: fields %v", pe.Fields)
	}
	if list, err := e.db.Schemes.Schemes(ctx, crews[t3].dispatcher, 2026); err != nil || len(list) != 1 {
		t.Errorf("the township reads the county's scheme: %v %d", err, len(list))
	}
	if list, _ := e.db.Schemes.Schemes(ctx, fx.OtherDispatcher, 0); len(list) != 0 {
		t.Errorf("another county reads %d schemes", len(list))
	}

	// The inputs of March: manual scores (T1's with a photo), T2's
	// deduction and veto; a file that is no image nor PDF refused.
	enter := func(in pingan.Input, files ...pingan.Upload) *pingan.Input {
		t.Helper()
		got, err := e.db.Assess.Enter(ctx, fx.Assessor, s.ID, "2026-03", &in, files)
		if err != nil {
			t.Fatalf("enter %+v: %v", in, err)
		}
		return got
	}
	photo := storetest.PNG("综治中心照片")
	in1 := enter(pingan.Input{Kind: pingan.InputScore, Unit: t1, Indicator: "i4", Points: 7, Reason: "初评"})
	enter(pingan.Input{Kind: pingan.InputScore, Unit: t1, Indicator: "i4", Points: 10, Reason: "场所人员制度齐全"},
		pingan.Upload{Name: "中心.png", Data: photo})
	enter(pingan.Input{Kind: pingan.InputScore, Unit: t2, Indicator: "i4", Points: 6, Reason: "制度不全"})
	enter(pingan.Input{Kind: pingan.InputScore, Unit: t3, Indicator: "i4", Points: 8, Reason: "人员不足"})
	enter(pingan.Input{Kind: pingan.InputDeduction, Unit: t2, Points: 2, Reason: "信息报送迟报"})
	enter(pingan.Input{Kind: pingan.InputVeto, Unit: t2, Reason: "发生重大群体性事件"})
	_, err = e.db.Assess.Enter(ctx, fx.Assessor, s.ID, "2026-03", &pingan.Input{Kind: pingan.InputDeduction, Unit: t1, Points: 1, Reason: "x"},
		[]pingan.Upload{{Name: "a.txt", Data: []byte("plain text")}})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "evidence") == "" {
		t.Errorf("a text file as evidence: %v", pe.Fields)
	}
	// A PNG by its first bytes that does not decode is refused as a
	// case's photo is.
	_, err = e.db.Assess.Enter(ctx, fx.Assessor, s.ID, "2026-03", &pingan.Input{Kind: pingan.InputDeduction, Unit: t1, Points: 1, Reason: "x"},
		[]pingan.Upload{{Name: "假图.png", Data: append([]byte("\x89PNG\r\n\x1a\n"), "not an image"...)}})
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "evidence"), "无法解码") {
		t.Errorf("an undecodable image as evidence: %v", pe.Fields)
	}
	if _, err := e.db.Assess.Enter(ctx, fx.Assessor, s.ID, "2026-03", &pingan.Input{Kind: pingan.InputScore, Unit: fx.OtherTownship.Code,
		Indicator: "i4", Points: 1}, nil); code(err) != pingan.EINVALID {
		t.Errorf("a unit not assessed: %v", err)
	}
	if err := e.db.Assess.Withdraw(ctx, fx.Assessor, s.ID, "2026-03", in1.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("the replaced score withdrawn: %v, want ENOTFOUND (replaced)", err)
	}

	type want struct {
		unit             string
		lines            [4]float64
		sum, total       float64
		grade            string
		rank             int
		vetoed           bool
		i3Rank           int
		i1Num, i1Base    int64
		deducted         float64
		band             pingan.Band
		correctedCounted int
	}
	check := func(what string, a *pingan.Assessment, ws []want) {
		t.Helper()
		if len(a.Results) != len(ws) {
			t.Fatalf("%s: %d results", what, len(a.Results))
		}
		for i, w := range ws {
			r := a.Results[i]
			if r.Unit != w.unit || r.Rank != w.rank || r.Peers != 3 || r.Total != w.total || r.Sum != w.sum || r.Grade != w.grade ||
				r.Vetoed != w.vetoed || r.Deducted != w.deducted || r.Band != w.band || r.Parent != fx.County.Code {
				t.Errorf("%s: #%d %s rank %d/%d sum %v total %v grade %s vetoed %v deducted %v band %s; want %+v",
					what, i+1, r.Unit, r.Rank, r.Peers, r.Sum, r.Total, r.Grade, r.Vetoed, r.Deducted, r.Band, w)
				continue
			}
			for k, l := range r.Lines {
				if l.Score != w.lines[k] {
					t.Errorf("%s: %s %s scores %v, want %v", what, r.Unit, l.Key, l.Score, w.lines[k])
				}
			}
			if r.Lines[2].Rank != w.i3Rank || r.Lines[0].Num != w.i1Num || r.Lines[0].Base != w.i1Base {
				t.Errorf("%s: %s i3 rank %d, i1 %d/%d", what, r.Unit, r.Lines[2].Rank, r.Lines[0].Num, r.Lines[0].Base)
			}
			if len(r.Corrections) != w.correctedCounted {
				t.Errorf("%s: %s has %d corrections", what, r.Unit, len(r.Corrections))
			}
		}
	}
	march := []want{
		{unit: t1, lines: [4]float64{20, 15, 10, 10}, sum: 55, total: 55, grade: "D", rank: 1, i3Rank: 3, i1Num: 3, i1Base: 4, band: pingan.BandRed},
		{unit: t3, lines: [4]float64{0, 0, 20, 8}, sum: 28, total: 28, grade: "E", rank: 2, i3Rank: 1, i1Num: 1, i1Base: 3, band: pingan.BandRed},
		{unit: t2, lines: [4]float64{40, 30, 20, 6}, sum: 96, total: 94, grade: "E", rank: 3, vetoed: true, i3Rank: 1, i1Num: 2, i1Base: 2,
			deducted: 2, band: pingan.BandRed},
	}
	a, err := e.db.Assess.Assessment(ctx, fx.Assessor, s.ID, "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != pingan.AssessDraft || a.Partial {
		t.Errorf("draft: %s partial %v", a.Status, a.Partial)
	}
	check("draft", a, march)
	if ev := a.Results[0].Lines[3].Evidence; len(ev) != 1 || ev[0].Type != "image/png" {
		t.Errorf("T1's evidence %+v", ev)
	} else if data, typ, err := e.db.Assess.Evidence(ctx, fx.Assessor, s.ID, "2026-03", t1, ev[0].Sum); err != nil || string(data) != string(photo) || typ != "image/png" {
		t.Errorf("evidence read back: %v %q", err, typ)
	}
	// A unit assessed does not see the draft.
	if _, err := e.db.Assess.Assessment(ctx, crews[t3].dispatcher, s.ID, "2026-03"); code(err) != pingan.ENOTFOUND {
		t.Errorf("a township reads the draft: %v", err)
	}

	// Publication: refused before the month ends, accepted after.
	_, err = e.db.Assess.Publish(ctx, fx.Assessor, s.ID, "2026-03")
	if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "period") == "" {
		t.Errorf("published early: fields %v", pe.Fields)
	}
	e.clock.Set(time.Date(2026, 4, 1, 10, 0, 0, 0, pingan.CST))
	pub, err := e.db.Assess.Publish(ctx, fx.Assessor, s.ID, "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	until, _ := e.db.Calendar.Calendar().Due(e.clock.Now(), 5, calendar.WorkingDays)
	if pub.ObjectionsUntil == nil || !pub.ObjectionsUntil.Equal(until) || until.Sub(e.clock.Now()) < 5*24*time.Hour {
		t.Errorf("objections until %v, want %v", pub.ObjectionsUntil, until)
	}
	if _, err := e.db.Assess.Publish(ctx, fx.Assessor, s.ID, "2026-03"); code(err) != pingan.ECONFLICT {
		t.Errorf("published twice: %v", err)
	}
	_, err = e.db.Assess.Enter(ctx, fx.Assessor, s.ID, "2026-03", &pingan.Input{Kind: pingan.InputDeduction, Unit: t1, Points: 1, Reason: "迟报"}, nil)
	if pe := wantCode(t, err, pingan.ECONFLICT); zh(pe, "period") == "" {
		t.Errorf("an input of a published period: %v", pe.Fields)
	}

	// Editing the scheme after publication: a new version; the published
	// results keep theirs.
	edit := assessScheme(fx.County.Code)
	edit.ID = s.ID
	edit.Indicators[0].Weight, edit.Indicators[3].Weight = 30, 20
	s2, err := e.db.Schemes.SaveScheme(ctx, fx.Assessor, edit)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Version != 2 {
		t.Errorf("edited after publication: version %d, want 2", s2.Version)
	}
	if old, err := e.db.Schemes.Scheme(ctx, fx.Assessor, s.ID, 1); err != nil || old.Indicators[0].Weight != 40 {
		t.Errorf("version 1 kept: %v", err)
	}
	a, err = e.db.Assess.Assessment(ctx, fx.Assessor, s.ID, "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != pingan.AssessPublished || a.Scheme.Version != 1 {
		t.Errorf("published: %s at version %d", a.Status, a.Scheme.Version)
	}
	check("published", a, march)

	// The board as T1 sees it: its own result whole, the others' totals.
	board, err := e.db.Assess.Assessment(ctx, crews[t1].dispatcher, s.ID, "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if !board.Partial || len(board.Results[0].Lines) != 4 || len(board.Results[2].Lines) != 0 || len(board.Results[2].Vetoes) != 0 ||
		board.Results[2].Total != 94 || board.Results[2].Rank != 3 {
		t.Errorf("T1's board: partial %v, own lines %d, T2's lines %d vetoes %d", board.Partial, len(board.Results[0].Lines),
			len(board.Results[2].Lines), len(board.Results[2].Vetoes))
	}

	// T3 objects in time; the assessor upholds it with a correction.
	if _, err := e.db.Assess.Object(ctx, crews[t1].dispatcher, s.ID, "2026-03", t3, &pingan.Objection{Text: "代为申诉"}, nil); code(err) != pingan.EFORBIDDEN {
		t.Errorf("T1 objects for T3: %v", err)
	}
	o, err := e.db.Assess.Object(ctx, crews[t3].dispatcher, s.ID, "2026-03", t3, &pingan.Objection{Text: "两件未结案件系上级交办，不应计入"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Assess.Answer(ctx, fx.Assessor, o.ID, true, "经核实，申诉成立", &pingan.Correction{Indicator: "i1", Score: 40}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Assess.Answer(ctx, fx.Assessor, o.ID, false, "再答", nil); code(err) != pingan.ECONFLICT {
		t.Errorf("answered twice: %v", err)
	}
	if _, err := e.db.Assess.Correct(ctx, fx.Assessor, s.ID, "2026-03", t1, &pingan.Correction{Indicator: "i4", Score: 9}); code(err) != pingan.EINVALID {
		t.Errorf("a correction without reason: %v", err)
	}
	a, err = e.db.Assess.Assessment(ctx, fx.Assessor, s.ID, "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	second := march[0]
	second.rank = 2
	check("corrected", a, []want{
		{unit: t3, lines: [4]float64{40, 0, 20, 8}, sum: 68, total: 68, grade: "C", rank: 1, i3Rank: 1, i1Num: 1, i1Base: 3, band: pingan.BandRed,
			correctedCounted: 1},
		second, march[2],
	})
	if c := a.Results[0].Corrections; len(c) == 1 && (c[0].OldTotal != 28 || c[0].NewTotal != 68 || c[0].OldRank != 2 || c[0].NewRank != 1 ||
		c[0].Objection != o.ID || c[0].Reason != "经核实，申诉成立" || c[0].ID == 0) {
		t.Errorf("the correction %+v", c[0])
	}
	if obs := a.Results[0].Objections; len(obs) != 1 || !obs[0].Upheld || !obs[0].Answered {
		t.Errorf("T3's objections %+v", obs)
	}
	var logged int
	if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM assess_corrections WHERE scheme_id = $1`, s.ID).Scan(&logged); err != nil || logged != 1 {
		t.Errorf("corrections logged %d: %v", logged, err)
	}

	// After the deadline an objection is refused, naming text.
	e.clock.Set(until.Add(time.Second))
	_, err = e.db.Assess.Object(ctx, crews[t1].dispatcher, s.ID, "2026-03", t1, &pingan.Objection{Text: "逾期申诉"}, nil)
	if pe := wantCode(t, err, pingan.ECONFLICT); !strings.Contains(zh(pe, "text"), until.Format("2006-01-02")) {
		t.Errorf("a late objection: fields %v", pe.Fields)
	}
}

func saveScheme(e *env, u *pingan.User, s *pingan.Scheme) error {
	_, err := e.db.Schemes.SaveScheme(ctx, u, s)
	return err
}
