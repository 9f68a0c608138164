package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The filters of the dashboard's figures (docs/statistics.md): each list
// a figure links to selects by what the case's row says, checked here
// against the cases as read one by one.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"FigureFilters", testFigureFilters},
	}...)
}

func testFigureFilters(t *testing.T, e *env) {
	fx := e.fx
	var all []*pingan.Case
	add := func(c *pingan.Case) { all = append(all, c) }

	add(e.report(t, fx.GridWorker, ""))                                                                                 // reported only
	add(e.report(t, fx.CountyDispatcher, fx.Village.Code, func(n *pingan.NewCase) { n.Source = pingan.SourceHotline })) // by the hotline
	happy := e.report(t, fx.GridWorker, "")
	e.closeCase(t, happy.ID)
	e.act(t, fx.TownshipDispatcher, happy.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.BasicallySatisfied})
	add(happy)
	sad := e.report(t, fx.GridWorker, "")
	e.closeCase(t, sad.ID)
	e.act(t, fx.TownshipDispatcher, sad.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied})
	add(sad)
	late := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.clock.Advance(10 * 24 * time.Hour) // past its sign deadline
	e.act(t, fx.TownshipHandler, late.ID, pingan.ActionInput{Action: pingan.ActSign})
	add(late)
	add(e.onSiteReworked(t))
	up := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, up.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, up.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "需区级协调"})
	add(up)
	// The deadlines of the open cases pass: they are overdue (曾超期) from now on.
	if _, err := e.db.Cases.EscalateDue(ctx, e.clock.Advance(60*24*time.Hour), 100); err != nil {
		t.Fatal(err)
	}

	rows := map[string]*pingan.Case{}
	for _, c := range all {
		rows[c.ID] = e.find(t, c.ID)
	}
	yes, no := ptr(true), ptr(false)
	for _, tc := range []struct {
		name string
		f    pingan.CaseFilter
		want func(c *pingan.Case) bool
	}{
		{"source hotline", pingan.CaseFilter{Source: pingan.SourceHotline}, func(c *pingan.Case) bool { return c.Source == pingan.SourceHotline }},
		{"source grid worker", pingan.CaseFilter{Source: pingan.SourceGridWorker}, func(c *pingan.Case) bool { return c.Source == pingan.SourceGridWorker }},
		{"escalated", pingan.CaseFilter{Escalated: yes}, func(c *pingan.Case) bool { return c.EscalationLevel > 0 }},
		{"never escalated", pingan.CaseFilter{Escalated: no}, func(c *pingan.Case) bool { return c.EscalationLevel == 0 }},
		{"reworked", pingan.CaseFilter{Reworked: yes}, func(c *pingan.Case) bool { return c.Reworks > 0 }},
		{"never reworked", pingan.CaseFilter{Reworked: no}, func(c *pingan.Case) bool { return c.Reworks == 0 }},
		{"signed", pingan.CaseFilter{Signed: yes}, func(c *pingan.Case) bool { return c.SignedAt != nil }},
		{"not signed", pingan.CaseFilter{Signed: no}, func(c *pingan.Case) bool { return c.SignedAt == nil }},
		{"signed late", pingan.CaseFilter{SignLate: yes}, func(c *pingan.Case) bool { return c.SignLate }},
		{"signed on time", pingan.CaseFilter{Signed: yes, SignLate: no}, func(c *pingan.Case) bool { return c.SignedAt != nil && !c.SignLate }},
		{"satisfied", pingan.CaseFilter{Satisfied: true}, func(c *pingan.Case) bool {
			return c.Satisfaction != nil && (*c.Satisfaction == pingan.Satisfied || *c.Satisfaction == pingan.BasicallySatisfied)
		}},
		{"ever overdue", pingan.CaseFilter{Overdue: yes}, func(c *pingan.Case) bool { return c.Overdue }},
		{"closed never overdue", pingan.CaseFilter{Overdue: no, Status: []pingan.Status{pingan.StatusClosed}}, func(c *pingan.Case) bool {
			return !c.Overdue && c.Status == pingan.StatusClosed
		}},
	} {
		var want []string
		for id, c := range rows {
			if tc.want(c) {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		if len(want) == 0 || len(want) == len(rows) {
			t.Errorf("%s: the cases do not tell the filter's sides apart (%d of %d)", tc.name, len(want), len(rows))
		}
		if got := e.list(t, fx.CountyDispatcher, tc.f); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
	}
	_, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Source: "pigeon"})
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != pingan.EINVALID || pe.Fields["source"].Key != "stats.source.unknown" {
		t.Errorf("an unknown source: %v", err)
	}
}
