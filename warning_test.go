package pingan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRuleRefusesPersonalFields: a rule's input is a closed set of matter
// and place fields; every field of a Person, and every other personal
// field one could think of, is refused naming it — so no rule can
// reference a person.
func TestRuleRefusesPersonalFields(t *testing.T) {
	var personal []string
	pt := reflect.TypeOf(Person{})
	for i := 0; i < pt.NumField(); i++ {
		personal = append(personal, strings.Split(pt.Field(i).Tag.Get("json"), ",")[0])
	}
	personal = append(personal, "reporter", "parties", "party_name", "party_names", "phone", "id_number", "address", "ethnicity",
		"religion", "views", "movements", "petitioner", "petitioner_key", "person", "key_persons")
	if len(personal) < 20 {
		t.Fatalf("the test knows %d personal fields", len(personal))
	}
	for _, f := range personal {
		if contains(RuleFields, f) {
			t.Errorf("the rules' fields include the personal field %q", f)
		}
		body, _ := json.Marshal(map[string]any{"kind": RuleCluster, "title": "聚集", "threshold": 5, "window_days": 3,
			"level": RiskRed, f: "x"})
		_, err := ParseWarningRule(body)
		if e, ok := err.(*Error); !ok || e.Code != EINVALID || e.Fields[f].Key != "warning.rule.field" {
			t.Errorf("a rule naming %q: %v, want it refused naming the field", f, err)
		}
	}
	// The closed set itself parses.
	r, err := ParseWarningRule([]byte(`{"kind":"cluster","title":"聚集","threshold":5,"window_days":3,"level":"red","category":"02"}`))
	if err != nil || r.Threshold != 5 || r.Category != "02" {
		t.Fatalf("a good rule: %+v, %v", r, err)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestRuleValidate: a zero window or threshold, a bad level or kind, named.
func TestRuleValidate(t *testing.T) {
	cases := []struct {
		r     WarningRule
		field string
	}{
		{WarningRule{Kind: RuleCluster, Name: "a", Threshold: 5, Level: RiskRed}, "window_days"},
		{WarningRule{Kind: RuleCluster, Name: "a", WindowDays: 3, Level: RiskRed}, "threshold"},
		{WarningRule{Kind: RuleGroup, Name: "a", Threshold: 30, Level: "pink"}, "level"},
		{WarningRule{Kind: RuleSeasonal, Name: "a", Threshold: 5, Weeks: 4, Percent: 30, Level: RiskRed}, "category"},
		{WarningRule{Kind: RuleSpike, Name: "a", Threshold: 4, WindowDays: 7, Weeks: 8, Level: RiskRed}, "alpha"},
		{WarningRule{Kind: "people", Name: "a", Level: RiskRed}, "kind"},
		{WarningRule{Kind: RuleGroup, Threshold: 30, Level: RiskRed}, "title"},
	}
	for _, c := range cases {
		var v Invalid
		c.r.Validate(&v)
		if !v.Has(c.field) {
			t.Errorf("%+v: %v, want %s named", c.r, v.Err(), c.field)
		}
	}
	var v Invalid
	(&WarningRule{Kind: RuleSpike, Name: "a", Threshold: 4, WindowDays: 7, Weeks: 8, Alpha: 1e-5, Level: RiskYellow}).Validate(&v)
	if err := v.Err(); err != nil {
		t.Errorf("a good spike rule: %v", err)
	}
}

// TestEvalSeriesDedup: one cluster raises one warning, its key the window's.
func TestEvalSeriesDedup(t *testing.T) {
	r := &WarningRule{ID: 7, Kind: RuleCluster, Threshold: 3, WindowDays: 3, Level: RiskRed, Active: true}
	s := &Series{Place: "g1", Kind: KindDispute, Category: "02", Counts: []int{0, 0, 1, 2, 1, 1, 0}}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, CST)
	last, raised := "", 0
	var keys []string
	for i := 3; i <= len(s.Counts); i++ {
		x := &Series{Place: s.Place, Kind: s.Kind, Category: s.Category, Counts: s.Counts[:i]}
		today := Day(day.AddDate(0, 0, i-1))
		if w := r.EvalSeries(x, today, last); w != nil {
			last, raised = today, raised+1
			keys = append(keys, w.Key)
		}
	}
	if raised != 1 || keys[0] != "7|g1|02|2026-03-02" {
		t.Fatalf("raised %d %v, want one keyed by its window", raised, keys)
	}
	if (&WarningRule{Kind: RuleCluster, Threshold: 3, WindowDays: 3, Category: "01", Active: true}).EvalSeries(s, "2026-03-05", "") != nil {
		t.Error("a rule of another category raised")
	}
}

// TestPoissonTail against values worked by hand.
func TestPoissonTail(t *testing.T) {
	for _, c := range []struct {
		k    int
		l, p float64
	}{{0, 2, 1}, {1, 2, 0.8646647}, {3, 1, 0.0803014}, {8, 0.5, 6.2197e-8}} {
		if got := PoissonTail(c.k, c.l); got < c.p*0.999-1e-9 || got > c.p*1.001+1e-9 {
			t.Errorf("P(X ≥ %d | %g) = %g, want %g", c.k, c.l, got, c.p)
		}
	}
}
