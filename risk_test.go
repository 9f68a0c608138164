package pingan

import "testing"

// NewRisk.Validate names each field that is wrong without the database.
func TestNewRiskValidate(t *testing.T) {
	ok := func() *NewRisk {
		return &NewRisk{Title: " 某楼盘逾期交房 ", Field: "housing_delivery", Unit: "620902001", Level: RiskRed, Leader: 7,
			Responsible: "620902100", Measures: []NewRiskMeasure{{Text: "约谈开发商", Due: "2026-03-20"}}, Cases: []string{"a", " a ", ""}}
	}
	cases := []struct {
		name  string
		edit  func(*NewRisk)
		field string
	}{
		{"fine", func(*NewRisk) {}, ""},
		{"no title", func(r *NewRisk) { r.Title = "  " }, "title"},
		{"no level", func(r *NewRisk) { r.Level = "" }, "level"},
		{"unknown level", func(r *NewRisk) { r.Level = "black" }, "level"},
		{"no leader", func(r *NewRisk) { r.Leader = 0 }, "leader"},
		{"no responsible unit", func(r *NewRisk) { r.Responsible = "" }, "responsible"},
		{"no field", func(r *NewRisk) { r.Field = "" }, "field"},
		{"measure before today", func(r *NewRisk) { r.Measures[0].Due = "2026-03-09" }, "measures[0].due"},
		{"measure day malformed", func(r *NewRisk) { r.Measures[0].Due = "2026-3-20" }, "measures[0].due"},
		{"measure without text", func(r *NewRisk) { r.Measures[0].Text = "" }, "measures[0].text"},
		{"unknown source", func(r *NewRisk) { r.Source = "rumour" }, "source"},
	}
	for _, c := range cases {
		r := ok()
		c.edit(r)
		r.Normalize()
		var v Invalid
		r.Validate(&v, "2026-03-10")
		err := v.Err()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			if r.Title != "某楼盘逾期交房" || len(r.Cases) != 1 || r.Source != RiskFromLedger {
				t.Errorf("%s: not normalised: %+v", c.name, r)
			}
			continue
		}
		if !v.Has(c.field) {
			t.Errorf("%s: %v does not name %s", c.name, err, c.field)
		}
	}
}

// Every level, state, step and source has a Chinese name, and the levels
// rank red first.
func TestRiskLabels(t *testing.T) {
	for _, s := range append(append(append([]string{RiskRegister, RiskOverdue}, RiskLevels...), RiskStates...), RiskSteps...) {
		if RiskLabel(s) == s {
			t.Errorf("%s has no name", s)
		}
	}
	if RiskLevelRank(RiskRed) != 0 || RiskLevelRank(RiskBlue) != 3 || RiskLevelRank("x") != 4 {
		t.Error("ranks")
	}
}
