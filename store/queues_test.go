package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The queues of what comes back to a centre (docs/queues.md): the cases a
// unit returned (退回), the closed cases rated dissatisfied (不满意) and those
// not yet rated (待回访), each a filter of FindCases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"QueueReturned", testQueueReturned},
		{"QueueRatings", testQueueRatings},
		{"QueueHeld", testQueueHeld},
	}...)
}

// returned reports a case that the township dispatches to itself and its
// handler sends back with reason.
func (e *env) returned(t *testing.T, reason string) *pingan.Case {
	t.Helper()
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: reason})
	return c
}

// A returned case stays in the queue through comments, supervision orders
// and recounts, and leaves it when dispatched again or escalated.
func testQueueReturned(t *testing.T, e *env) {
	fx := e.fx
	plain := e.returned(t, "不属于本单位职责")
	commented := e.returned(t, "地址不在辖区")
	e.act(t, fx.TownshipDispatcher, commented.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "已联系住建局"})
	e.act(t, fx.CountyDispatcher, commented.ID, pingan.ActionInput{Action: pingan.ActSupervise, Note: "尽快重新派遣",
		Deadline: ptr(e.clock.Now().Add(72 * time.Hour))})
	again := e.returned(t, "派错单位")
	e.act(t, fx.TownshipDispatcher, again.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	escalated := e.returned(t, "超出本级能力")
	e.act(t, fx.TownshipDispatcher, escalated.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "需区级协调"})
	accepted := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, accepted.ID, pingan.ActionInput{Action: pingan.ActAccept})
	// Returned, dispatched again and returned again: in the queue.
	twice := e.returned(t, "第一次退回")
	e.act(t, fx.TownshipDispatcher, twice.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, twice.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "第二次退回"})

	want := sorted(plain.ID, commented.ID, twice.ID)
	if got := e.list(t, fx.TownshipDispatcher, pingan.CaseFilter{Returned: true}); !slices.Equal(got, want) {
		t.Errorf("returned: %v, want %v", got, want)
	}
	if got := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Returned: true, Status: []pingan.Status{pingan.StatusAccepted}}); !slices.Equal(got, want) {
		t.Errorf("returned, county: %v, want %v", got, want)
	}
	if got := e.list(t, fx.OtherDispatcher, pingan.CaseFilter{Returned: true}); len(got) != 0 {
		t.Errorf("another county lists %v", got)
	}
	// The filter joins the others: a returned case is never dispatched.
	if got := e.list(t, fx.TownshipDispatcher, pingan.CaseFilter{Returned: true, Status: []pingan.Status{pingan.StatusDispatched}}); len(got) != 0 {
		t.Errorf("returned and dispatched: %v", got)
	}
}

// Closed cases by rating and by the date they were closed.
func testQueueRatings(t *testing.T, e *env) {
	fx := e.fx
	rate := func(id string, s pingan.Satisfaction) {
		e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: s})
	}
	old := e.report(t, fx.GridWorker, "")
	e.closeCase(t, old.ID)
	oldUnhappy := e.report(t, fx.GridWorker, "")
	e.closeCase(t, oldUnhappy.ID)
	rate(oldUnhappy.ID, pingan.Dissatisfied)
	e.clock.Advance(40 * 24 * time.Hour)
	since := e.clock.Now().AddDate(0, 0, -30)

	unrated := e.report(t, fx.GridWorker, "")
	e.closeCase(t, unrated.ID)
	happy := e.report(t, fx.GridWorker, "")
	e.closeCase(t, happy.ID)
	rate(happy.ID, pingan.Satisfied)
	unhappy := e.report(t, fx.GridWorker, "")
	e.closeCase(t, unhappy.ID)
	rate(unhappy.ID, pingan.Dissatisfied)
	reopened := e.report(t, fx.GridWorker, "")
	e.closeCase(t, reopened.ID)
	rate(reopened.ID, pingan.Dissatisfied)
	e.act(t, fx.TownshipDispatcher, reopened.ID, pingan.ActionInput{Action: pingan.ActReopen, Reason: "群众不满意，重新办理"})
	open := e.report(t, fx.GridWorker, "") // not closed, not rated
	_ = open

	closed := []pingan.Status{pingan.StatusClosed}
	for _, tc := range []struct {
		name string
		f    pingan.CaseFilter
		want []string
	}{
		{"dissatisfied", pingan.CaseFilter{Status: closed, Satisfaction: pingan.Dissatisfied}, sorted(oldUnhappy.ID, unhappy.ID)},
		{"dissatisfied since", pingan.CaseFilter{Status: closed, Satisfaction: pingan.Dissatisfied, ClosedFrom: since}, sorted(unhappy.ID)},
		{"satisfied", pingan.CaseFilter{Satisfaction: pingan.Satisfied}, sorted(happy.ID)},
		{"unrated", pingan.CaseFilter{Status: closed, Unrated: true}, sorted(old.ID, unrated.ID)},
		{"unrated since", pingan.CaseFilter{Status: closed, Unrated: true, ClosedFrom: since}, sorted(unrated.ID)},
		{"closed since", pingan.CaseFilter{ClosedFrom: since}, sorted(unrated.ID, happy.ID, unhappy.ID)},
	} {
		if got := e.list(t, fx.TownshipDispatcher, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// A page at a time (the page's keys read first from the index of
	// closed cases by rating): the same cases, newest report first.
	var paged []string
	f := pingan.CaseFilter{Status: closed, Unrated: true, Limit: 1}
	for range 5 {
		page, next, err := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			paged = append(paged, c.ID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if want := e.list(t, fx.TownshipDispatcher, pingan.CaseFilter{Status: closed, Unrated: true}); len(paged) != 2 || !slices.Equal(sorted(paged...), want) {
		t.Errorf("unrated a page at a time: %v, listed at once %v", paged, want)
	}
	if got := e.list(t, fx.OtherDispatcher, pingan.CaseFilter{Status: closed, Unrated: true}); len(got) != 0 {
		t.Errorf("another county lists %v", got)
	}

	_, _, err := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{Satisfaction: "happy"})
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != pingan.EINVALID || pe.Fields["satisfaction"].Key == "" {
		t.Errorf("unknown rating: %v", err)
	}
}

// Held keeps the cases held inside the caller's jurisdiction, those its
// dispatchers act on: a case the township escalated to the county is the
// township's to see, the county's to dispatch.
func testQueueHeld(t *testing.T, e *env) {
	fx := e.fx
	kept := e.returned(t, "不属于本单位职责")
	up := e.returned(t, "超出本级能力")
	e.act(t, fx.TownshipDispatcher, up.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "需区级协调"})
	accepted := []pingan.Status{pingan.StatusAccepted}
	if got, want := e.list(t, fx.TownshipDispatcher, pingan.CaseFilter{Status: accepted}), sorted(kept.ID, up.ID); !slices.Equal(got, want) {
		t.Errorf("township sees %v, want %v", got, want)
	}
	if got, want := e.list(t, fx.TownshipDispatcher, pingan.CaseFilter{Status: accepted, Held: true}), sorted(kept.ID); !slices.Equal(got, want) {
		t.Errorf("township holds %v, want %v", got, want)
	}
	if got, want := e.list(t, fx.CountyDispatcher, pingan.CaseFilter{Status: accepted, Held: true}), sorted(kept.ID, up.ID); !slices.Equal(got, want) {
		t.Errorf("county holds %v, want %v", got, want)
	}
	if got := e.list(t, fx.OtherDispatcher, pingan.CaseFilter{Status: accepted, Held: true}); len(got) != 0 {
		t.Errorf("another county holds %v", got)
	}
}

func ptr[T any](v T) *T { return &v }
