package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// pending answers an in-progress case with a pending request of action.
func pending(action pingan.ActionName) *pingan.Case {
	c := caseIn(pingan.StatusInProgress, false)
	c.RequestAction, c.RequestReason = action, "需要鉴定"
	if action == pingan.ActRequestExtend {
		c.RequestDays = 3
	}
	return c
}

// TestRequestRows: handlers ask, centres decide — who may take each of
// the four actions, from which status, with and without a pending request.
func TestRequestRows(t *testing.T) {
	tests := []struct {
		name   string
		c      *pingan.Case
		actor  *pingan.User
		action pingan.ActionName
		code   string // "" for allowed
	}{
		{"assigned handler asks for days", caseIn(pingan.StatusInProgress, false), deptHandler, pingan.ActRequestExtend, ""},
		{"assigned handler asks to suspend", caseIn(pingan.StatusInProgress, false), deptHandler, pingan.ActRequestSuspend, ""},
		{"handler of another unit may not ask", caseIn(pingan.StatusInProgress, false), otherHandler, pingan.ActRequestExtend, pingan.EFORBIDDEN},
		{"dispatcher does not ask", caseIn(pingan.StatusInProgress, false), townDispatcher, pingan.ActRequestSuspend, pingan.EFORBIDDEN},
		{"no request before signing", caseIn(pingan.StatusDispatched, false), deptHandler, pingan.ActRequestExtend, pingan.ECONFLICT},
		{"no request after resolving", caseIn(pingan.StatusResolved, false), deptHandler, pingan.ActRequestSuspend, pingan.ECONFLICT},
		{"no request while suspended", caseIn(pingan.StatusInProgress, true), deptHandler, pingan.ActRequestExtend, pingan.ECONFLICT},
		{"second request while one is pending", pending(pingan.ActRequestSuspend), deptHandler, pingan.ActRequestExtend, pingan.ECONFLICT},
		{"holding dispatcher approves", pending(pingan.ActRequestExtend), townDispatcher, pingan.ActApproveRequest, ""},
		{"holding dispatcher refuses", pending(pingan.ActRequestSuspend), townDispatcher, pingan.ActRefuseRequest, ""},
		{"handler may not approve its own request", pending(pingan.ActRequestExtend), deptHandler, pingan.ActApproveRequest, pingan.EFORBIDDEN},
		{"leader may not approve", pending(pingan.ActRequestExtend), leader, pingan.ActApproveRequest, pingan.EFORBIDDEN},
		{"approve without a request", caseIn(pingan.StatusInProgress, false), townDispatcher, pingan.ActApproveRequest, pingan.ECONFLICT},
		{"refuse without a request", caseIn(pingan.StatusInProgress, false), townDispatcher, pingan.ActRefuseRequest, pingan.ECONFLICT},
		{"approve on a resolved case", caseIn(pingan.StatusResolved, false), townDispatcher, pingan.ActApproveRequest, pingan.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.c
			c := *tt.c
			_, err := Apply(&c, tt.actor, input(tt.action), envAt(t0.Add(time.Hour)))
			if got := pingan.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
			if got := slices.Contains(Allowed(&before, tt.actor), tt.action); got != (tt.code == "") {
				t.Errorf("Allowed contains %s = %v, want %v", tt.action, got, tt.code == "")
			}
			if tt.code != "" && (c.RequestAction != before.RequestAction || c.Suspended != before.Suspended) {
				t.Errorf("a refused action changed the case")
			}
		})
	}
}

func TestRequestConflictsSayWhy(t *testing.T) {
	_, err := Apply(pending(pingan.ActRequestSuspend), deptHandler, input(pingan.ActRequestExtend), envAt(t0))
	if want := "conflict: 案件当前状态为 处置中（in_progress），已有待审批的“挂起申请”，不能执行“延期申请”(request_extend)；请等待中心批准或驳回"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if got := pingan.ErrorText(err, pingan.EN); !containsAll(got, "request_suspend", "request_extend") {
		t.Errorf("in English: %q", got)
	}
	_, err = Apply(caseIn(pingan.StatusInProgress, false), townDispatcher, input(pingan.ActApproveRequest), envAt(t0))
	if e, ok := err.(*pingan.Error); !ok || e.Msg.Key != "action.conflict.request.none" {
		t.Errorf("approve without a request: %v", err)
	}
}

func TestRequestFields(t *testing.T) {
	for _, tt := range []struct {
		c     *pingan.Case
		actor *pingan.User
		in    pingan.ActionInput
		field string
	}{
		{caseIn(pingan.StatusInProgress, false), deptHandler, pingan.ActionInput{Action: pingan.ActRequestExtend, Days: 3}, "reason"},
		{caseIn(pingan.StatusInProgress, false), deptHandler, pingan.ActionInput{Action: pingan.ActRequestExtend, Reason: "r"}, "days"},
		{caseIn(pingan.StatusInProgress, false), deptHandler, pingan.ActionInput{Action: pingan.ActRequestSuspend}, "reason"},
		{pending(pingan.ActRequestExtend), townDispatcher, pingan.ActionInput{Action: pingan.ActRefuseRequest}, "reason"},
	} {
		t.Run(string(tt.in.Action)+"/"+tt.field, func(t *testing.T) {
			_, err := Apply(tt.c, tt.actor, tt.in, envAt(t0))
			if e, ok := err.(*pingan.Error); !ok || e.Code != pingan.EINVALID || e.Fields[tt.field].Key == "" {
				t.Fatalf("want invalid naming %s, got %v", tt.field, err)
			}
		})
	}
}

// TestRequestApplied: an approval applies the request and clears it; a
// refusal clears it and leaves the deadline.
func TestRequestApplied(t *testing.T) {
	c := caseIn(pingan.StatusInProgress, false)
	due := time.Date(2026, 3, 5, 23, 59, 59, 0, pingan.CST)
	c.ResolveBy = &due
	at := time.Date(2026, 3, 4, 9, 0, 0, 0, pingan.CST)
	if _, err := Apply(c, deptHandler, pingan.ActionInput{Action: pingan.ActRequestExtend, Days: 3, Reason: "需要鉴定"}, envAt(at)); err != nil {
		t.Fatal(err)
	}
	if c.RequestAction != pingan.ActRequestExtend || c.RequestDays != 3 || c.RequestReason != "需要鉴定" || !c.ResolveBy.Equal(due) {
		t.Fatalf("after the request: %s %d %q %v", c.RequestAction, c.RequestDays, c.RequestReason, c.ResolveBy)
	}
	act, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActApproveRequest}, envAt(at.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	// 3 working days from Thursday 2026-03-05: 6, 9, 10 → 2026-03-10.
	want := time.Date(2026, 3, 10, 23, 59, 59, 0, pingan.CST)
	if !c.ResolveBy.Equal(want) || act.Days != 3 || !act.Deadline.Equal(want) || c.RequestAction != "" || c.RequestDays != 0 {
		t.Errorf("after approval: resolve_by %v (want %v), act %+v, request %q", c.ResolveBy, want, act, c.RequestAction)
	}

	if _, err := Apply(c, deptHandler, pingan.ActionInput{Action: pingan.ActRequestSuspend, Reason: "等待司法鉴定"}, envAt(at.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActRefuseRequest, Reason: "可先行调解"}, envAt(at.Add(3*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if c.Suspended || c.RequestAction != "" || !c.ResolveBy.Equal(want) {
		t.Errorf("after refusal: suspended %v, request %q, resolve_by %v", c.Suspended, c.RequestAction, c.ResolveBy)
	}

	if _, err := Apply(c, deptHandler, pingan.ActionInput{Action: pingan.ActRequestSuspend, Reason: "等待司法鉴定"}, envAt(at.Add(4*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActApproveRequest}, envAt(at.Add(5*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if !c.Suspended || c.SuspendedAt == nil || c.RequestAction != "" {
		t.Errorf("after approving the suspension: suspended %v, request %q", c.Suspended, c.RequestAction)
	}
}

// TestRequestLapses: a request lapses when the case leaves the handling.
func TestRequestLapses(t *testing.T) {
	c := pending(pingan.ActRequestExtend)
	if _, err := Apply(c, deptHandler, pingan.ActionInput{Action: pingan.ActResolve, Result: "已调解"}, envAt(t0)); err != nil {
		t.Fatal(err)
	}
	if c.RequestAction != "" || c.RequestDays != 0 || c.RequestReason != "" {
		t.Errorf("request kept on a resolved case: %q", c.RequestAction)
	}
}
