package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The fields of the trade (docs/urgency.md): the 12345 work order number,
// the urgency and the 重大敏感 flag are written by the report, read back by
// FindCase and FindCases, and shorten the resolve deadline. They run on
// both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"UrgencyRoundTrip", testUrgencyRoundTrip},
	}...)
}

func testUrgencyRoundTrip(t *testing.T, e *env) {
	fx := e.fx
	report := func(in pingan.NewCase) *pingan.Case {
		t.Helper()
		in.Kind, in.Category, in.Title = pingan.KindDispute, "0102", "邻里纠纷"
		c, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// 10 working days after Monday 2 March 2026 for the category 0102.
	end := func(day int) time.Time { return time.Date(2026, 3, day, 23, 59, 59, 0, pingan.CST) }
	normal := report(pingan.NewCase{})
	urgent := report(pingan.NewCase{HotlineNo: " 12345A2026001 ", Urgency: pingan.UrgencyUrgent})
	critical := report(pingan.NewCase{Urgency: pingan.UrgencyCritical, Sensitive: true})
	for _, tt := range []struct {
		c         *pingan.Case
		hotline   string
		urgency   pingan.Urgency
		sensitive bool
		resolveBy time.Time
	}{
		{normal, "", pingan.UrgencyNormal, false, end(16)},
		{urgent, "12345A2026001", pingan.UrgencyUrgent, false, end(9)},
		{critical, "", pingan.UrgencyCritical, true, end(5)},
	} {
		got, err := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, tt.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*pingan.Case{tt.c, got} {
			if c.HotlineNo != tt.hotline || c.Urgency != tt.urgency || c.Sensitive != tt.sensitive {
				t.Errorf("case %s: hotline %q urgency %q sensitive %v, want %q %q %v",
					tt.c.ID, c.HotlineNo, c.Urgency, c.Sensitive, tt.hotline, tt.urgency, tt.sensitive)
			}
			if c.ResolveBy == nil || !c.ResolveBy.Equal(tt.resolveBy) {
				t.Errorf("case %s: resolve_by %v, want %v", tt.c.ID, c.ResolveBy, tt.resolveBy)
			}
		}
	}
	list, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range list {
		switch c.ID {
		case urgent.ID:
			seen++
			if c.HotlineNo != "12345A2026001" || c.Urgency != pingan.UrgencyUrgent || c.Sensitive {
				t.Errorf("listed %+v", c)
			}
		case critical.ID:
			seen++
			if c.Urgency != pingan.UrgencyCritical || !c.Sensitive {
				t.Errorf("listed %+v", c)
			}
		}
	}
	if seen != 2 {
		t.Errorf("listed %d of the 2 cases", seen)
	}

	// Bad fields are named, and nothing is written.
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "x",
		HotlineNo: "12345-001", Urgency: "asap"})
	pe := wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "hotline_no", "urgency.hotline_no.bad")
	wantKey(t, pe, "urgency", "urgency.unknown")
	if all, _, _ := e.db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{}); len(all) != 3 {
		t.Errorf("%d cases after a refused report, want 3", len(all))
	}
}
