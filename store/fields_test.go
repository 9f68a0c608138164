package store_test

import (
	"slices"
	"testing"

	"github.com/pingan-gov/pingan"
)

// The lists' filters of the fields of the trade (docs/urgency.md): at
// least an urgency (紧急及以上, 特急), 重大敏感 only, and a search by the
// exact 12345 work order number, inside the jurisdiction. They run on both
// databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"FieldFilters", testFieldFilters},
	}...)
}

func testFieldFilters(t *testing.T, e *env) {
	fx := e.fx
	report := func(u *pingan.User, title string, in pingan.NewCase) *pingan.Case {
		t.Helper()
		in.Kind, in.Category, in.Title = pingan.KindDispute, "0102", title
		c, err := e.db.Cases.CreateCase(ctx, u, &in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	normal := report(fx.GridWorker, "一般纠纷", pingan.NewCase{HotlineNo: "H2026001"})
	urgent := report(fx.GridWorker, "紧急纠纷", pingan.NewCase{Urgency: pingan.UrgencyUrgent, HotlineNo: "H2026002"})
	critical := report(fx.GridWorker, "特急纠纷", pingan.NewCase{Urgency: pingan.UrgencyCritical})
	sensitive := report(fx.GridWorker, "敏感纠纷", pingan.NewCase{Sensitive: true})
	both := report(fx.GridWorker, "紧急敏感纠纷", pingan.NewCase{Urgency: pingan.UrgencyUrgent, Sensitive: true})
	// Another county's: never in the county dispatcher's lists.
	report(fx.OtherGridWorker, "金塔县特急敏感", pingan.NewCase{Urgency: pingan.UrgencyCritical, Sensitive: true, HotlineNo: "H2026009"})

	ids := func(cs ...*pingan.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		slices.Sort(out)
		return out
	}
	for _, tt := range []struct {
		name string
		f    pingan.CaseFilter
		want []*pingan.Case
	}{
		{"any", pingan.CaseFilter{}, []*pingan.Case{normal, urgent, critical, sensitive, both}},
		{"normal is any", pingan.CaseFilter{MinUrgency: pingan.UrgencyNormal}, []*pingan.Case{normal, urgent, critical, sensitive, both}},
		{"urgent and above", pingan.CaseFilter{MinUrgency: pingan.UrgencyUrgent}, []*pingan.Case{urgent, critical, both}},
		{"critical", pingan.CaseFilter{MinUrgency: pingan.UrgencyCritical}, []*pingan.Case{critical}},
		{"sensitive", pingan.CaseFilter{Sensitive: true}, []*pingan.Case{sensitive, both}},
		{"urgent and sensitive", pingan.CaseFilter{MinUrgency: pingan.UrgencyUrgent, Sensitive: true}, []*pingan.Case{both}},
		{"critical and sensitive", pingan.CaseFilter{MinUrgency: pingan.UrgencyCritical, Sensitive: true}, nil},
		{"hotline number", pingan.CaseFilter{Q: " H2026002 "}, []*pingan.Case{urgent}},
		{"hotline number exactly", pingan.CaseFilter{Q: "H20260"}, nil},
		{"another county's number", pingan.CaseFilter{Q: "H2026009"}, nil},
		{"with the other filters", pingan.CaseFilter{Sensitive: true, Status: []pingan.Status{pingan.StatusReported}, Q: "敏感"}, []*pingan.Case{sensitive, both}},
	} {
		list, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got, want := ids(list...), ids(tt.want...); !slices.Equal(got, want) {
			t.Errorf("%s: FindCases %v, want %v", tt.name, got, want)
		}
		_, total, err := e.db.Cases.SearchCases(ctx, fx.CountyDispatcher, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if total != len(tt.want) {
			t.Errorf("%s: SearchCases counts %d, want %d", tt.name, total, len(tt.want))
		}
	}

	// The other county's dispatcher finds its own by the number.
	list, _, err := e.db.Cases.FindCases(ctx, fx.OtherDispatcher, pingan.CaseFilter{Q: "H2026009", MinUrgency: pingan.UrgencyCritical, Sensitive: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Title != "金塔县特急敏感" {
		t.Errorf("the other county finds %d cases by its number", len(list))
	}

	// An urgency that is none is named.
	_, _, err = e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{MinUrgency: "asap"})
	wantKey(t, wantCode(t, err, pingan.EINVALID), "urgency", "urgency.unknown")
}
