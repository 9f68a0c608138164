package pingan

import (
	"testing"
	"time"
)

func TestAssessPeriod(t *testing.T) {
	for _, c := range []struct {
		in, prev, yearAgo string
		from, to          string
	}{
		{"2026-11", "2026-10", "2025-11", "2026-11-01", "2026-12-01"},
		{"2026-01", "2025-12", "2025-01", "2026-01-01", "2026-02-01"},
		{"2026-Q4", "2026-Q3", "2025-Q4", "2026-10-01", "2027-01-01"},
		{"2026-q1", "2025-Q4", "2025-Q1", "2026-01-01", "2026-04-01"},
		{"2026", "2025", "2025", "2026-01-01", "2027-01-01"},
	} {
		p, ok := ParseAssessPeriod(c.in)
		if !ok {
			t.Errorf("%s: not read", c.in)
			continue
		}
		from, to := p.Bounds()
		if Day(from) != c.from || Day(to) != c.to || !midnight(from) || !midnight(to) {
			t.Errorf("%s: bounds %s %s, want %s %s", c.in, from, to, c.from, c.to)
		}
		if p.Prev().String() != c.prev || p.YearAgo().String() != c.yearAgo {
			t.Errorf("%s: prev %s, year ago %s", c.in, p.Prev(), p.YearAgo())
		}
		if q, _ := ParseAssessPeriod(p.String()); q != p {
			t.Errorf("%s: %s reads back as %+v", c.in, p, q)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-11", "2026-1x", "1999", "2026-", "2026-2-1"} {
		if p, ok := ParseAssessPeriod(bad); ok {
			t.Errorf("%q read as %+v", bad, p)
		}
	}
	nov, _ := ParseAssessPeriod("2026-11")
	if nov.Ended(time.Date(2026, 11, 30, 23, 59, 0, 0, CST)) || !nov.Ended(time.Date(2026, 12, 1, 0, 0, 0, 0, CST)) {
		t.Error("November ends at the first of December, China Standard Time")
	}
}

// testScheme is the scheme the hand-worked examples use: 40 for 按期结案率
// (linear, nothing at 80%, all at 100%), 30 for 满意率 (steps), 20 for 上交率
// (by rank, the last earning half) and 10 scored by hand.
func testScheme() *Scheme {
	s := &Scheme{Unit: "620900", Year: 2026, Level: LevelTownship, Name: "2026年度乡镇平安建设考核",
		Indicators: []Indicator{
			{Key: "i1", Name: "按期结案率", Weight: 40, Source: SourceComputed, Rate: "closed_on_time",
				Rule: ScoreRule{Kind: RuleLinear, Floor: 0.8, Target: 1}},
			{Key: "i2", Name: "满意率", Weight: 30, Source: SourceComputed, Rate: "satisfaction",
				Rule: ScoreRule{Kind: RuleThreshold, Steps: []Step{{0.8, 0.5}, {0.9, 0.8}, {0.95, 1}}}},
			{Key: "i3", Name: "上交率", Weight: 20, Source: SourceComputed, Rate: "escalation",
				Rule: ScoreRule{Kind: RuleRank, Last: 0.5}},
			{Key: "i4", Name: "综治中心实体化运行", Weight: 10, Source: SourceManual},
		}}
	s.Normalize()
	return s
}

func TestSchemeCheck(t *testing.T) {
	var v Invalid
	testScheme().Check(&v)
	if err := v.Err(); err != nil {
		t.Fatalf("a good scheme: %v", FieldTexts(err, ZH))
	}
	for _, c := range []struct {
		name, field string
		edit        func(*Scheme)
	}{
		{"weights 99", "indicators", func(s *Scheme) { s.Indicators[3].Weight = 9 }},
		{"unknown rate", "indicators[1].rate", func(s *Scheme) { s.Indicators[1].Rate = "happiness" }},
		{"floor above target", "indicators[0].rule.floor", func(s *Scheme) { s.Indicators[0].Rule.Floor = 1 }},
		{"a falling rate's floor below its target", "indicators[2].rule.floor", func(s *Scheme) {
			s.Indicators[2].Rule = ScoreRule{Kind: RuleLinear, Floor: 0.02, Target: 0.1}
		}},
		{"steps falling", "indicators[1].rule.steps[1].at", func(s *Scheme) { s.Indicators[1].Rule.Steps[1].At = 0.7 }},
		{"share above 1", "indicators[2].rule.last", func(s *Scheme) { s.Indicators[2].Rule.Last = 1.5 }},
		{"no rule", "indicators[0].rule.kind", func(s *Scheme) { s.Indicators[0].Rule.Kind = "" }},
		{"key twice", "indicators[1].key", func(s *Scheme) { s.Indicators[1].Key = "i1" }},
		{"level", "level", func(s *Scheme) { s.Level = LevelCentre }},
		{"grades rising", "grades[1].min", func(s *Scheme) { s.Grades[1].Min = 95 }},
		{"last grade above 0", "grades[4].min", func(s *Scheme) { s.Grades[4].Min = 10 }},
		{"yellow above green", "yellow", func(s *Scheme) { s.Yellow = 95 }},
		{"no indicators", "indicators", func(s *Scheme) { s.Indicators = nil }},
		{"source", "indicators[3].source", func(s *Scheme) { s.Indicators[3].Source = "guess" }},
	} {
		s := testScheme()
		c.edit(s)
		var v Invalid
		s.Check(&v)
		if !v.Has(c.field) {
			t.Errorf("%s: %s not named: %v", c.name, c.field, FieldTexts(v.Err(), ZH))
		}
	}
}

func TestIndicatorScoreFallingRate(t *testing.T) {
	// 上交率, less is better: nothing at 10%, all at 2%; 6% earns half.
	in := Indicator{Weight: 20, Source: SourceComputed, Rate: "escalation",
		Rule: ScoreRule{Kind: RuleLinear, Floor: 0.1, Target: 0.02}}
	for _, c := range []struct{ v, want float64 }{{0.06, 10}, {0.01, 20}, {0.2, 0}, {0.1, 0}} {
		if got := in.Score(c.v, 50, 0, 0); got != c.want {
			t.Errorf("%v: %v, want %v", c.v, got, c.want)
		}
	}
	in.Rule = ScoreRule{Kind: RuleThreshold, Steps: []Step{{0.1, 0.5}, {0.05, 1}}}
	for _, c := range []struct{ v, want float64 }{{0.12, 0}, {0.1, 10}, {0.07, 10}, {0.05, 20}} {
		if got := in.Score(c.v, 50, 0, 0); got != c.want {
			t.Errorf("steps %v: %v, want %v", c.v, got, c.want)
		}
	}
}

// TestCompute works a period out by hand. Townships A, B, C lie under one
// county, D alone under another.
//
//	     按期结案 (i1, 40)        满意 (i2, 30)      上交 (i3, 20, rank)     i4  deducted
//	A    9/(10−0) = 90% → 20     19/20 = 95% → 30   1/20 = 5%, 2nd → 15      8
//	B    19/(21−1) = 95% → 30    17/20 = 85% → 15   0/20 = 0%, 1st → 20     10
//	C    nothing due → 40        none rated → 30    3/20 = 15%, 3rd → 10     —   5
//	D    1/(2−1) = 100% → 40     none rated → 30    1/5, alone → 20          —
//
// A 73 (C, red), B 75 (B, yellow), C 80 − 5 = 75 (B, yellow), D 90 (A,
// green). B and C tie at 75: C scored more on i1, so C ranks first.
func TestCompute(t *testing.T) {
	s := testScheme()
	tally := func(m map[Measure]int64) *Tally {
		var t Tally
		for k, v := range m {
			t[k] = v
		}
		return &t
	}
	subjects := []Subject{
		{Unit: "A", Parent: "P", T: tally(map[Measure]int64{MReported: 20, MClosedOnTime: 9, MDue: 10, MRated: 20, MSatisfied: 19, MEscalated: 1})},
		{Unit: "B", Parent: "P", T: tally(map[Measure]int64{MReported: 20, MClosedOnTime: 19, MDue: 21, MDeferred: 1, MRated: 20, MSatisfied: 17})},
		{Unit: "C", Parent: "P", T: tally(map[Measure]int64{MReported: 20, MEscalated: 3})},
		{Unit: "D", Parent: "Q", T: tally(map[Measure]int64{MReported: 5, MEscalated: 1, MClosedOnTime: 1, MDue: 2, MDeferred: 1})},
	}
	inputs := []Input{
		{ID: 1, Kind: InputScore, Unit: "A", Indicator: "i4", Points: 8, Reason: "制度上墙，值班表缺两天"},
		{ID: 2, Kind: InputScore, Unit: "B", Indicator: "i4", Points: 10},
		{ID: 3, Kind: InputDeduction, Unit: "C", Points: 5, Reason: "迟报重大事项"},
	}
	rs := Compute(s, subjects, inputs)
	type want struct {
		unit          string
		scores        [4]float64
		total         float64
		grade         string
		band          Band
		rank, peers   int
		escalatedRank int
	}
	check := func(stage string, rs []*Result, ws []want) {
		t.Helper()
		if len(rs) != len(ws) {
			t.Fatalf("%s: %d results", stage, len(rs))
		}
		for i, w := range ws {
			r := rs[i]
			var scores [4]float64
			for k, l := range r.Lines {
				scores[k] = l.Score
			}
			if r.Unit != w.unit || scores != w.scores || r.Total != w.total || r.Grade != w.grade || r.Band != w.band ||
				r.Rank != w.rank || r.Peers != w.peers || r.Lines[2].Rank != w.escalatedRank {
				t.Errorf("%s: #%d %s %v total %v %s %s rank %d/%d (上交 %d), want %+v", stage, i, r.Unit, scores, r.Total,
					r.Grade, r.Band, r.Rank, r.Peers, r.Lines[2].Rank, w)
			}
		}
	}
	check("scored", rs, []want{
		{"C", [4]float64{40, 30, 10, 0}, 75, "B", BandYellow, 1, 3, 3},
		{"B", [4]float64{30, 15, 20, 10}, 75, "B", BandYellow, 2, 3, 1},
		{"A", [4]float64{20, 30, 15, 8}, 73, "C", BandRed, 3, 3, 2},
		{"D", [4]float64{40, 30, 20, 0}, 90, "A", BandGreen, 1, 1, 1},
	})
	if rs[0].Lines[0].Value != nil || rs[0].Lines[0].Base != 0 || *rs[1].Lines[0].Value != 0.95 || rs[1].Lines[0].Num != 19 || rs[1].Lines[0].Base != 20 {
		t.Errorf("values: C %+v, B %+v", rs[0].Lines[0], rs[1].Lines[0])
	}
	if !rs[2].Lines[3].Scored || rs[2].Lines[3].Comment != "制度上墙，值班表缺两天" || rs[0].Lines[3].Scored {
		t.Errorf("manual lines: A %+v, C %+v", rs[2].Lines[3], rs[0].Lines[3])
	}

	// A veto sends C last, graded E and red, whatever its score.
	rs = Compute(s, subjects, append(inputs, Input{ID: 4, Kind: InputVeto, Unit: "C", Reason: "发生重大群体性事件"}))
	check("vetoed", rs, []want{
		{"B", [4]float64{30, 15, 20, 10}, 75, "B", BandYellow, 1, 3, 1},
		{"A", [4]float64{20, 30, 15, 8}, 73, "C", BandRed, 2, 3, 2},
		{"C", [4]float64{40, 30, 10, 0}, 75, "E", BandRed, 3, 3, 3},
		{"D", [4]float64{40, 30, 20, 0}, 90, "A", BandGreen, 1, 1, 1},
	})
	if got := Designated(s, rs); len(got) != 1 || got[0].Unit != "D" {
		t.Errorf("designated: %v", got)
	}

	// Corrections: A's i4 to 10 ties it with B at 75, B still first on i1;
	// C's deduction withdrawn, C still last (vetoed).
	c := &Correction{Indicator: "i4", Score: 10, Reason: "申诉成立：值班表已补正"}
	if err := c.Apply(s, rs, "A"); err != nil {
		t.Fatal(err)
	}
	if c.OldScore != 8 || c.OldTotal != 73 || c.NewTotal != 75 || c.OldRank != 2 || c.NewRank != 2 || len(rs[1].Corrections) != 1 {
		t.Errorf("correction %+v; A %+v", c, rs[1])
	}
	c = &Correction{Deduction: 3, Reason: "扣分依据不足"}
	if err := c.Apply(s, rs, "C"); err != nil {
		t.Fatal(err)
	}
	check("corrected", rs, []want{
		{"B", [4]float64{30, 15, 20, 10}, 75, "B", BandYellow, 1, 3, 1},
		{"A", [4]float64{20, 30, 15, 10}, 75, "B", BandYellow, 2, 3, 2},
		{"C", [4]float64{40, 30, 10, 0}, 80, "E", BandRed, 3, 3, 3},
		{"D", [4]float64{40, 30, 20, 0}, 90, "A", BandGreen, 1, 1, 1},
	})
	for _, bad := range []struct {
		c     Correction
		field string
	}{
		{Correction{Indicator: "i4", Score: 9}, "reason"},
		{Correction{Indicator: "i4", Score: 11, Reason: "x"}, "score"},
		{Correction{Indicator: "i9", Score: 1, Reason: "x"}, "indicator"},
		{Correction{Deduction: 99, Reason: "x"}, "deduction"},
		{Correction{Indicator: "i4", Deduction: 3, Reason: "x"}, "indicator"},
	} {
		before := rs[1].Total
		err := bad.c.Apply(s, rs, "A")
		if f := FieldTexts(err, ZH); f[bad.field] == "" || rs[1].Total != before || len(rs[1].Corrections) != 1 {
			t.Errorf("%+v: %v", bad.c, f)
		}
	}
}

func TestInputCheck(t *testing.T) {
	s := testScheme()
	for _, c := range []struct {
		in    Input
		field string
	}{
		{Input{Kind: InputScore, Unit: "A", Indicator: "i1", Points: 5}, "indicator"}, // computed
		{Input{Kind: InputScore, Unit: "A", Indicator: "i4", Points: 11}, "points"},
		{Input{Kind: InputDeduction, Unit: "A", Points: 0, Reason: "x"}, "points"},
		{Input{Kind: InputDeduction, Unit: "A", Points: 2}, "reason"},
		{Input{Kind: InputVeto, Unit: "A"}, "reason"},
		{Input{Kind: InputVeto, Reason: "x"}, "unit"},
		{Input{Kind: "bonus", Unit: "A"}, "kind"},
	} {
		var v Invalid
		c.in.Check(&v, s)
		if !v.Has(c.field) {
			t.Errorf("%+v: %s not named (%v)", c.in, c.field, FieldTexts(v.Err(), ZH))
		}
	}
	var v Invalid
	ok := Input{Kind: InputScore, Unit: "A", Indicator: "i4", Points: 10}
	ok.Check(&v, s)
	if v.Err() != nil {
		t.Errorf("a good score: %v", v.Err())
	}
}
