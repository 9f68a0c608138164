package pingan

import "testing"

// StabilityAction.Validate names the fields each step needs.
func TestStabilityActionValidate(t *testing.T) {
	cases := []struct {
		a     StabilityAction
		field string
	}{
		{StabilityAction{Step: StabilityNotice, From: "2026-03-01", To: "2026-03-10"}, ""},
		{StabilityAction{Step: StabilityNotice, From: "2026-03-10", To: "2026-03-01"}, "to"},
		{StabilityAction{Step: StabilityNotice, To: "2026-03-01"}, "from"},
		{StabilityAction{Step: StabilityOpinions, Count: 3}, "summary"},
		{StabilityAction{Step: StabilityOpinions, Count: -1, Summary: "x"}, "count"},
		{StabilityAction{Step: StabilityIdentify}, "items"},
		{StabilityAction{Step: StabilityIdentify, Items: []StabilityItemInput{{Text: "x", ToLedger: true}}}, "items[0].risk"},
		{StabilityAction{Step: StabilityReport, Summary: "x", Level: "severe"}, "level"},
		{StabilityAction{Step: StabilityReport, Summary: "x", Level: StabilityHigh}, ""},
		{StabilityAction{Step: StabilityDecide, Decision: "maybe"}, "decision"},
		{StabilityAction{Step: StabilityDecide, Decision: DecidePostpone, Day: "2026-03-11"}, "day"},
		{StabilityAction{Step: StabilityDecide, Decision: DecidePostpone}, ""},
		{StabilityAction{Step: "vote"}, "step"},
	}
	for _, c := range cases {
		a := c.a
		a.Normalize()
		var v Invalid
		a.Validate(&v, "2026-03-01", "2026-03-10")
		if c.field == "" {
			if err := v.Err(); err != nil {
				t.Errorf("%+v: %v", c.a, err)
			}
		} else if !v.Has(c.field) {
			t.Errorf("%+v: %v does not name %s", c.a, v.Err(), c.field)
		}
	}
	if NextStabilityStep(StabilityRegistered) != StabilityNotice || NextStabilityStep(StabilityReport) != StabilityDecide || NextStabilityStep(StabilityDecide) != "" {
		t.Error("the order")
	}
}
