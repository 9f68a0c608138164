package store_test

import (
	"testing"

	"github.com/pingan-gov/pingan"
)

// Handlers ask, centres decide: a handler's request for an extension or a
// suspension is kept on the case until the holding centre answers it. They
// run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"RequestApproved", testRequestApproved},
		{"RequestRefused", testRequestRefused},
	}...)
}

// inProgress answers a case the township handler has signed.
func (e *env) inProgress(t *testing.T) *pingan.Case {
	t.Helper()
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	return e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
}

func testRequestApproved(t *testing.T, e *env) {
	fx := e.fx
	c := e.inProgress(t)
	before := *c.ResolveBy
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActRequestExtend, Days: 5, Reason: "需要司法鉴定"})
	got := e.find(t, c.ID)
	if got.RequestAction != pingan.ActRequestExtend || got.RequestDays != 5 || got.RequestReason != "需要司法鉴定" {
		t.Fatalf("request kept as %q %d %q", got.RequestAction, got.RequestDays, got.RequestReason)
	}
	if !got.ResolveBy.Equal(before) {
		t.Errorf("a request moved resolve_by from %v to %v", before, got.ResolveBy)
	}
	// A second request while one is pending is refused.
	_, err := e.db.Cases.Act(ctx, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActRequestSuspend, Reason: "等待"})
	if pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("second request: %v", err)
	}
	// The handler may not approve its own request.
	if _, err := e.db.Cases.Act(ctx, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActApproveRequest}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("handler approving: %v", err)
	}
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActApproveRequest})
	got = e.find(t, c.ID)
	if got.RequestAction != "" || got.RequestDays != 0 || got.RequestReason != "" {
		t.Errorf("request still pending after approval: %q", got.RequestAction)
	}
	if !got.ResolveBy.After(before) {
		t.Fatalf("resolve_by %v, want after %v", got.ResolveBy, before)
	}
	tl := e.timeline(t, c.ID)
	last := tl[len(tl)-1]
	if last.Action != pingan.ActApproveRequest || last.Days != 5 || last.Deadline == nil || !last.Deadline.Equal(*got.ResolveBy) {
		t.Errorf("approval entry %+v", last)
	}
	// Nothing is pending now: approving again is a conflict.
	if _, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActApproveRequest}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("approve without a request: %v", err)
	}
}

func testRequestRefused(t *testing.T, e *env) {
	fx := e.fx
	c := e.inProgress(t)
	before := *c.ResolveBy
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActRequestExtend, Days: 5, Reason: "需要司法鉴定"})
	if _, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRefuseRequest}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("refusal without a reason: %v", err)
	}
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRefuseRequest, Reason: "可先行调解"})
	got := e.find(t, c.ID)
	if got.RequestAction != "" || !got.ResolveBy.Equal(before) || got.Suspended {
		t.Errorf("after refusal: request %q, resolve_by %v (was %v), suspended %v", got.RequestAction, got.ResolveBy, before, got.Suspended)
	}
	// A new request may follow a refusal; a suspension approved stops the clock.
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActRequestSuspend, Reason: "当事人住院"})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActApproveRequest, Note: "同意"})
	if got := e.find(t, c.ID); !got.Suspended || got.RequestAction != "" {
		t.Errorf("after approving the suspension: suspended %v, request %q", got.Suspended, got.RequestAction)
	}
}
