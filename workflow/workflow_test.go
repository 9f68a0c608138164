package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// The territory of these tests: county 620902 holds township 620902001 and
// its village 620902001001; 620902-D01 is a county department.
var (
	county   = &pingan.Unit{Code: "620902", Level: pingan.LevelCounty, Path: "/62/6209/620902/"}
	township = &pingan.Unit{Code: "620902001", Level: pingan.LevelTownship, Path: "/62/6209/620902/620902001/"}
	village  = &pingan.Unit{Code: "620902001001", Level: pingan.LevelVillage, Path: "/62/6209/620902/620902001/620902001001/"}
	dept     = &pingan.Unit{Code: "620902-D01", Level: pingan.LevelDepartment, Path: "/62/6209/620902/620902-D01/"}
	other    = &pingan.Unit{Code: "620921", Level: pingan.LevelCounty, Path: "/62/6209/620921/"}
)

func user(id int64, u *pingan.Unit, roles ...pingan.Role) *pingan.User {
	return &pingan.User{ID: id, Username: fmt.Sprintf("u%d", id), UnitCode: u.Code, ScopePath: u.Path, Roles: roles}
}

var (
	// all holds every role, at the township above the case, handling for the department.
	all            = &pingan.User{ID: 1, Username: "all", UnitCode: dept.Code, ScopePath: county.Path, Roles: pingan.Roles}
	townDispatcher = user(2, township, pingan.RoleDispatcher)
	deptHandler    = user(3, dept, pingan.RoleHandler)
	otherHandler   = user(4, township, pingan.RoleHandler)
	leader         = user(5, county, pingan.RoleLeader)
	viewer         = user(6, county, pingan.RoleViewer)
	foreign        = user(7, other, pingan.RoleDispatcher, pingan.RoleHandler, pingan.RoleLeader)
	reporter       = user(8, village, pingan.RoleGridWorker)
	countyDisp     = user(9, county, pingan.RoleDispatcher)
)

var (
	t0    = time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST) // a Monday
	cal   = calendar.Official()
	dpol  = pingan.Policy{Sign: pingan.Period{N: 24, Unit: "hours"}, Resolve: pingan.Period{N: 10, Unit: "working"}}
	envAt = func(now time.Time) Env {
		return Env{Now: now, Calendar: cal, Policy: dpol, Parent: county, ToUnit: dept}
	}
)

// caseIn answers a case in status s held by the township, as the store
// would load it.
func caseIn(s pingan.Status, suspended bool) *pingan.Case {
	due := t0.AddDate(0, 0, 14)
	c := &pingan.Case{ID: "2026-620902-000001", Kind: pingan.KindDispute, Category: "0102", Status: s,
		Unit: village.Code, UnitPath: village.Path, HoldingUnit: township.Code, HoldingPath: township.Path,
		ReportedBy: reporter.ID, ReportedAt: t0, ResolveBy: &due}
	if s == pingan.StatusDispatched || s == pingan.StatusInProgress || s == pingan.StatusResolved {
		c.AssignedUnit, c.AssignedPath = dept.Code, dept.Path
	}
	if suspended {
		at := t0.Add(time.Hour)
		c.Suspended, c.SuspendedAt = true, &at
	}
	return c
}

// input answers a complete input for each action.
func input(a pingan.ActionName) pingan.ActionInput {
	dl := t0.AddDate(0, 0, 3)
	performed := t0.Add(time.Hour)
	return pingan.ActionInput{Action: a, Reason: "原因", Result: "已调解", Note: "备注", ToUnit: dept.Code,
		Days: 5, Deadline: &dl, Satisfaction: pingan.Satisfied, ToCase: mainID,
		Session:   &pingan.MediationSession{HeldAt: t0.Add(time.Hour), Place: "调解室", Mediators: []string{"李调解"}, Record: "双方陈述", Result: pingan.SessionContinue},
		Agreement: &pingan.Agreement{Written: true, Facts: "邻里漏水", SignedOn: t0, Terms: []pingan.Term{{Text: "赔偿 500 元", By: "被申请人", Due: t0.AddDate(0, 0, 10)}}},
		Referral:  pingan.ReferLitigation, Confirmation: pingan.ConfirmConfirmed, Term: 1, PerformedOn: &performed,
		Revisit: &pingan.Revisit{On: t0, Result: pingan.RevisitSettled, Note: "双方满意"}}
}

// allowed is the lifecycle table of API.md, written out by hand: for each
// status, the actions an actor holding every role may take.
var allowed = map[string][]pingan.ActionName{
	"reported":              {pingan.ActAccept, pingan.ActReject, pingan.ActEscalate, pingan.ActSupervise, pingan.ActComment, pingan.ActMerge, pingan.ActLink, pingan.ActUnlink},
	"accepted":              {pingan.ActDispatch, pingan.ActEscalate, pingan.ActSupervise, pingan.ActComment, pingan.ActMerge, pingan.ActLink, pingan.ActUnlink},
	"rejected":              {pingan.ActComment, pingan.ActLink, pingan.ActUnlink},
	"dispatched":            {pingan.ActSign, pingan.ActReturn, pingan.ActSupervise, pingan.ActComment, pingan.ActMerge, pingan.ActLink, pingan.ActUnlink},
	"in_progress":           {pingan.ActResolve, pingan.ActEscalate, pingan.ActExtend, pingan.ActSuspend, pingan.ActSupervise, pingan.ActComment, pingan.ActRequestExtend, pingan.ActRequestSuspend, pingan.ActMerge, pingan.ActLink, pingan.ActUnlink, pingan.ActMediate, pingan.ActAgree, pingan.ActMediationFail, pingan.ActRefuseMediation},
	"in_progress+suspended": {pingan.ActResume, pingan.ActSupervise, pingan.ActComment, pingan.ActLink, pingan.ActUnlink},
	"resolved":              {pingan.ActClose, pingan.ActRework, pingan.ActSupervise, pingan.ActComment, pingan.ActLink, pingan.ActUnlink},
	"closed":                {pingan.ActComment, pingan.ActRate, pingan.ActReopen, pingan.ActLink, pingan.ActUnlink},
	"merged":                {pingan.ActComment, pingan.ActLink, pingan.ActUnlink},
}

// to is the status after each allowed (status, action).
var to = map[string]map[pingan.ActionName]pingan.Status{
	"reported":   {pingan.ActAccept: pingan.StatusAccepted, pingan.ActReject: pingan.StatusRejected, pingan.ActEscalate: pingan.StatusAccepted},
	"accepted":   {pingan.ActDispatch: pingan.StatusDispatched, pingan.ActEscalate: pingan.StatusAccepted},
	"dispatched": {pingan.ActSign: pingan.StatusInProgress, pingan.ActReturn: pingan.StatusAccepted},
	"in_progress": {pingan.ActResolve: pingan.StatusResolved, pingan.ActEscalate: pingan.StatusAccepted, pingan.ActAgree: pingan.StatusResolved,
		pingan.ActMediationFail: pingan.StatusResolved, pingan.ActRefuseMediation: pingan.StatusResolved},
	"resolved": {pingan.ActClose: pingan.StatusClosed, pingan.ActRework: pingan.StatusInProgress},
	"closed":   {pingan.ActReopen: pingan.StatusAccepted},
}

// TestEveryStatusAndAction walks every (status, action) pair.
func TestEveryStatusAndAction(t *testing.T) {
	for key, want := range allowed {
		status, suspended := pingan.Status(key), false
		if key == "in_progress+suspended" {
			status, suspended = pingan.StatusInProgress, true
		}
		if got := Allowed(caseIn(status, suspended), all); !slices.Equal(got, want) {
			t.Errorf("%s: Allowed = %v, want %v", key, got, want)
		}
		for _, a := range pingan.ActionNames {
			t.Run(key+"/"+string(a), func(t *testing.T) {
				c := caseIn(status, suspended)
				before := *c
				act, err := Apply(c, all, input(a), pairEnv(envAt(t0.Add(2*time.Hour)), a))
				if !slices.Contains(want, a) {
					if pingan.ErrorCode(err) != pingan.ECONFLICT {
						t.Fatalf("want conflict, got %v", err)
					}
					var e *pingan.Error
					if !errors.As(err, &e) || !strings.HasPrefix(e.Msg.Key, "action.conflict") {
						t.Fatalf("want the conflict message, got %#v", err)
					}
					if msg := err.Error(); !containsAll(msg, status.Label(), string(status), a.Label(), string(a)) || strings.Contains(msg, "%!") {
						t.Errorf("conflict message %q should name the status and the action", msg)
					}
					if msg := pingan.ErrorText(err, pingan.EN); !containsAll(msg, string(status), string(a)) || strings.Contains(msg, "%!") {
						t.Errorf("conflict message in English %q should name the status and the action", msg)
					}
					if c.Status != before.Status || c.Version != before.Version || c.Suspended != before.Suspended {
						t.Errorf("a refused action changed the case")
					}
					return
				}
				if err != nil {
					t.Fatalf("want allowed, got %v", err)
				}
				wantStatus := status
				if s, ok := to[key][a]; ok {
					wantStatus = s
				} else if a == pingan.ActMerge {
					wantStatus = pingan.StatusMerged // from every open, running status
				}
				if c.Status != wantStatus || act.ToStatus != wantStatus || act.FromStatus != status {
					t.Errorf("status %s → %s (action says %s → %s), want %s", status, c.Status, act.FromStatus, act.ToStatus, wantStatus)
				}
				if act.Action != a || act.ActorID != all.ID || !act.At.Equal(t0.Add(2*time.Hour)) {
					t.Errorf("action row %+v", act)
				}
			})
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestWhoMay checks the roles and units of the table.
func TestWhoMay(t *testing.T) {
	tests := []struct {
		name   string
		status pingan.Status
		actor  *pingan.User
		action pingan.ActionName
		code   string // "" for allowed
	}{
		{"township dispatcher accepts", pingan.StatusReported, townDispatcher, pingan.ActAccept, ""},
		{"county dispatcher accepts below", pingan.StatusReported, countyDisp, pingan.ActAccept, ""},
		{"viewer may not accept", pingan.StatusReported, viewer, pingan.ActAccept, pingan.EFORBIDDEN},
		{"handler may not dispatch", pingan.StatusAccepted, otherHandler, pingan.ActDispatch, pingan.EFORBIDDEN},
		{"department sees no case before dispatch", pingan.StatusAccepted, deptHandler, pingan.ActComment, pingan.ENOTFOUND},
		{"assigned handler signs", pingan.StatusDispatched, deptHandler, pingan.ActSign, ""},
		{"handler of another unit may not sign", pingan.StatusDispatched, otherHandler, pingan.ActSign, pingan.EFORBIDDEN},
		{"dispatcher may not sign", pingan.StatusDispatched, townDispatcher, pingan.ActSign, pingan.EFORBIDDEN},
		{"assigned handler resolves", pingan.StatusInProgress, deptHandler, pingan.ActResolve, ""},
		{"assigned handler escalates", pingan.StatusInProgress, deptHandler, pingan.ActEscalate, ""},
		{"handler may not close", pingan.StatusResolved, deptHandler, pingan.ActClose, pingan.EFORBIDDEN},
		{"another county sees nothing", pingan.StatusReported, foreign, pingan.ActAccept, pingan.ENOTFOUND},
		{"another county may not comment", pingan.StatusClosed, foreign, pingan.ActComment, pingan.ENOTFOUND},
		{"leader supervises", pingan.StatusInProgress, leader, pingan.ActSupervise, ""},
		{"county dispatcher supervises from above", pingan.StatusInProgress, countyDisp, pingan.ActSupervise, ""},
		{"holding dispatcher may not supervise itself", pingan.StatusInProgress, townDispatcher, pingan.ActSupervise, pingan.EFORBIDDEN},
		{"reporter rates", pingan.StatusClosed, reporter, pingan.ActRate, ""},
		{"dispatcher rates on their behalf", pingan.StatusClosed, townDispatcher, pingan.ActRate, ""},
		{"viewer may not rate", pingan.StatusClosed, viewer, pingan.ActRate, pingan.EFORBIDDEN},
		{"viewer may not comment", pingan.StatusInProgress, viewer, pingan.ActComment, pingan.EFORBIDDEN},
		{"assessor may not comment", pingan.StatusInProgress, user(10, county, pingan.RoleAssessor), pingan.ActComment, pingan.EFORBIDDEN},
		{"administrator comments", pingan.StatusInProgress, user(11, county, pingan.RoleAdmin), pingan.ActComment, ""},
		{"leader comments", pingan.StatusInProgress, leader, pingan.ActComment, ""},
		{"dispatcher comments", pingan.StatusRejected, townDispatcher, pingan.ActComment, ""},
		{"mediator comments", pingan.StatusClosed, user(12, township, pingan.RoleMediator), pingan.ActComment, ""},
		{"grid worker comments", pingan.StatusReported, reporter, pingan.ActComment, ""},
		{"viewer who also mediates comments", pingan.StatusInProgress, user(13, township, pingan.RoleViewer, pingan.RoleMediator), pingan.ActComment, ""},
		{"department handler comments on its case", pingan.StatusInProgress, deptHandler, pingan.ActComment, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := caseIn(tt.status, false)
			_, err := Apply(c, tt.actor, input(tt.action), envAt(t0.Add(time.Hour)))
			if got := pingan.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
			if got := slices.Contains(Allowed(caseIn(tt.status, false), tt.actor), tt.action); got != (tt.code == "") {
				t.Errorf("Allowed contains %s = %v, want %v", tt.action, got, tt.code == "")
			}
		})
	}
}

func TestRequiredFields(t *testing.T) {
	tests := []struct {
		status pingan.Status
		in     pingan.ActionInput
		env    func(Env) Env
		field  string
		key    string
	}{
		{pingan.StatusReported, pingan.ActionInput{Action: pingan.ActReject}, nil, "reason", "field.required"},
		{pingan.StatusAccepted, pingan.ActionInput{Action: pingan.ActDispatch}, nil, "to_unit", "field.required"},
		{pingan.StatusAccepted, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: "999"}, func(e Env) Env { e.ToUnit = nil; return e }, "to_unit", "action.to_unit.unknown"},
		{pingan.StatusDispatched, pingan.ActionInput{Action: pingan.ActReturn}, nil, "reason", "field.required"},
		{pingan.StatusInProgress, pingan.ActionInput{Action: pingan.ActResolve}, nil, "result", "field.required"},
		{pingan.StatusResolved, pingan.ActionInput{Action: pingan.ActRework}, nil, "reason", "field.required"},
		{pingan.StatusInProgress, pingan.ActionInput{Action: pingan.ActEscalate}, nil, "reason", "field.required"},
		{pingan.StatusInProgress, pingan.ActionInput{Action: pingan.ActExtend, Reason: "r"}, nil, "days", "action.days.range"},
		{pingan.StatusInProgress, pingan.ActionInput{Action: pingan.ActSupervise, Note: "n"}, nil, "deadline", "field.required"},
		{pingan.StatusInProgress, pingan.ActionInput{Action: pingan.ActSupervise, Note: "n", Deadline: &t0}, nil, "deadline", "action.deadline.past"},
		{pingan.StatusClosed, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: "great"}, nil, "satisfaction", "action.satisfaction.unknown"},
		{pingan.StatusClosed, pingan.ActionInput{Action: pingan.ActReopen}, nil, "reason", "field.required"},
		{pingan.StatusReported, pingan.ActionInput{Action: pingan.ActAccept, Category: "9999"}, func(e Env) Env { e.Category = nil; return e }, "category", "action.category.unknown"},
	}
	for _, tt := range tests {
		t.Run(string(tt.in.Action)+"/"+tt.field, func(t *testing.T) {
			env := envAt(t0)
			if tt.env != nil {
				env = tt.env(env)
			}
			c := caseIn(tt.status, false)
			_, err := Apply(c, all, tt.in, env)
			e, ok := err.(*pingan.Error)
			if !ok || e.Code != pingan.EINVALID || e.Fields[tt.field].Key != tt.key {
				t.Fatalf("want invalid naming %s (%s), got %v", tt.field, tt.key, err)
			}
			if c.Status != tt.status {
				t.Errorf("status changed on invalid input")
			}
		})
	}
	_, err := Apply(caseIn(pingan.StatusReported, false), all, pingan.ActionInput{Action: "fly"}, envAt(t0))
	if e, ok := err.(*pingan.Error); !ok || e.Code != pingan.EINVALID || e.Fields["action"].Key != "action.unknown.field" || !strings.Contains(err.Error(), `未知操作 "fly"`) {
		t.Errorf("unknown action: %v", err)
	}
}

// TestConflictWhileSuspended: the system may do nothing to a suspended
// case, and the refusal says so.
func TestConflictWhileSuspended(t *testing.T) {
	_, err := Apply(caseIn(pingan.StatusInProgress, true), nil, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "overdue"}, envAt(t0))
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code != pingan.ECONFLICT || e.Msg.Key != "action.conflict.suspended.none" {
		t.Fatalf("escalating a suspended case: %v", err)
	}
	if want := "案件当前状态为 处置中（in_progress（已挂起）），不能执行“上报上级”(escalate)；现在可执行：无"; err.Error() != "conflict: "+want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	if got := pingan.ErrorText(err, pingan.EN); !strings.Contains(got, "in_progress") || !strings.Contains(got, "suspended") || !strings.Contains(got, "none is allowed") {
		t.Errorf("in English: %q", got)
	}
}

func TestEscalateNeverAboveTheTop(t *testing.T) {
	c := caseIn(pingan.StatusAccepted, false)
	c.HoldingUnit, c.HoldingPath = county.Code, county.Path
	env := envAt(t0)
	env.Parent = nil
	_, err := Apply(c, nil, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "overdue"}, env)
	if pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("escalating the top unit: %v", err)
	}
	if c.EscalationLevel != 0 || c.HoldingUnit != county.Code {
		t.Errorf("case changed")
	}
}

func TestEscalateBySystem(t *testing.T) {
	c := caseIn(pingan.StatusInProgress, false)
	now := time.Date(2026, 3, 20, 10, 0, 0, 0, pingan.CST)
	act, err := Apply(c, nil, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "超过办结时限"}, envAt(now))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != pingan.StatusAccepted || c.HoldingUnit != county.Code || c.AssignedUnit != "" || c.EscalationLevel != 1 {
		t.Errorf("after escalation: %+v", c)
	}
	if act.ActorID != 0 || act.ActorName != pingan.SystemActor || act.FromUnit != township.Code || act.ToUnit != county.Code {
		t.Errorf("action %+v", act)
	}
	// A fresh period of 10 working days from Friday 2026-03-20: the 10th
	// working day after it is Friday 2026-04-03.
	want := time.Date(2026, 4, 3, 23, 59, 59, 0, pingan.CST)
	if !c.ResolveBy.Equal(want) {
		t.Errorf("resolve_by %v, want %v", c.ResolveBy, want)
	}
}

func TestDeadlines(t *testing.T) {
	// Report on Friday 2026-02-13, the eve of the Spring Festival holiday
	// (2026-02-15 … 23 off; Saturday 2026-02-14 and 2026-02-28 are 调休
	// working days). 10 working days, the start day not counted: 14, 24,
	// 25, 26, 27, 28 (Sat, 调休), 3-2, 3-3, 3-4, 3-5 → 2026-03-05 24:00.
	reported := time.Date(2026, 2, 13, 16, 30, 0, 0, pingan.CST)
	c := &pingan.Case{Kind: pingan.KindDispute, Category: "0102", Unit: village.Code, UnitPath: village.Path, ReportedAt: reported}
	act, err := Report(c, reporter, &pingan.NewCase{Title: "邻里漏水"}, envAt(reported))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 5, 23, 59, 59, 0, pingan.CST)
	if !c.ResolveBy.Equal(want) || !act.Deadline.Equal(want) {
		t.Fatalf("resolve_by %v, want %v", c.ResolveBy, want)
	}
	if c.Status != pingan.StatusReported || c.HoldingUnit != village.Code || c.ReportedBy != reporter.ID {
		t.Errorf("report: %+v", c)
	}
	// Dispatch on 2026-02-13 at 17:00: sign within 24 hours, counted in hours.
	c.Status = pingan.StatusAccepted
	c.HoldingUnit, c.HoldingPath = township.Code, township.Path
	dispatchAt := reported.Add(30 * time.Minute)
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, envAt(dispatchAt)); err != nil {
		t.Fatal(err)
	}
	if want := dispatchAt.Add(24 * time.Hour); !c.SignBy.Equal(want) || c.AssignedUnit != dept.Code {
		t.Errorf("sign_by %v, want %v", c.SignBy, want)
	}
	if _, err := Apply(c, deptHandler, pingan.ActionInput{Action: pingan.ActSign}, envAt(dispatchAt.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	// Extension by 3 working days from 2026-03-05: 6, 9, 10 → 2026-03-10.
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActExtend, Days: 3, Reason: "需要鉴定"}, envAt(time.Date(2026, 3, 4, 9, 0, 0, 0, pingan.CST))); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 10, 23, 59, 59, 0, pingan.CST); !c.ResolveBy.Equal(want) {
		t.Errorf("after extension resolve_by %v, want %v", c.ResolveBy, want)
	}
	// Suspended from Friday 2026-03-06 to Wednesday 2026-03-11: the clock
	// stood still through the working days 9, 10 and 11 March, so the
	// deadline moves 3 working days: 11, 12, 13 → 2026-03-13.
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定"}, envAt(time.Date(2026, 3, 6, 10, 0, 0, 0, pingan.CST))); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(c, deptHandler, pingan.ActionInput{Action: pingan.ActResolve, Result: "x"}, envAt(time.Date(2026, 3, 7, 10, 0, 0, 0, pingan.CST))); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("resolve while suspended: %v", err)
	}
	act, err = Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActResume}, envAt(time.Date(2026, 3, 11, 15, 0, 0, 0, pingan.CST)))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 13, 23, 59, 59, 0, pingan.CST); !c.ResolveBy.Equal(want) || !act.Deadline.Equal(want) {
		t.Errorf("after suspension resolve_by %v, want %v", c.ResolveBy, want)
	}
	if c.Suspended || c.SuspendedAt != nil {
		t.Errorf("still suspended")
	}
}

func TestAcceptCorrectsCategory(t *testing.T) {
	c := caseIn(pingan.StatusReported, false)
	env := envAt(t0)
	env.Category = &pingan.Category{Code: "H01", Kind: pingan.KindHazard, Name: "消防隐患"}
	env.Policy = pingan.Policy{Sign: pingan.Period{N: 2, Unit: "hours"}, Resolve: pingan.Period{N: 48, Unit: "hours"}}
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActAccept, Category: "H01"}, env); err != nil {
		t.Fatal(err)
	}
	if c.Category != "H01" || c.Kind != pingan.KindHazard || !c.ResolveBy.Equal(t0.Add(48*time.Hour)) {
		t.Errorf("after correction: %s %s %v", c.Category, c.Kind, c.ResolveBy)
	}
}

func TestResolvedOnSite(t *testing.T) {
	c := &pingan.Case{Unit: village.Code, UnitPath: village.Path}
	act, err := Report(c, reporter, &pingan.NewCase{ResolvedOnSite: true, Result: "当场调解，双方签字"}, envAt(t0))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != pingan.StatusResolved || act.ToStatus != pingan.StatusResolved || c.ResolvedAt == nil {
		t.Errorf("on site: %+v", c)
	}
	// Verification fails: nobody was ever dispatched, so the centre gets it
	// back to dispatch.
	c.HoldingPath = township.Path
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActRework, Reason: "回访不认可"}, envAt(t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if c.Status != pingan.StatusAccepted || c.ResolvedAt != nil {
		t.Errorf("rework of an on-site case: status %s", c.Status)
	}
}

// TestDeadlineErrors: a period the calendar cannot count is the input's
// fault, named by its field; a policy without a period is refused.
func TestDeadlineErrors(t *testing.T) {
	tests := []struct {
		name   string
		at     time.Time
		policy pingan.Period
		field  string
		key    string
		zh     string
	}{
		{"before the calendar", time.Date(1990, 3, 1, 9, 0, 0, 0, pingan.CST), pingan.Period{N: 10, Unit: "working"}, "policy", "action.deadline.uncovered.year", "工作日历未覆盖的 1990 年"},
		{"too long", t0, pingan.Period{N: 1 << 30, Unit: "hours"}, "policy", "action.deadline.too_long", "期限过长"},
		{"no period", t0, pingan.Period{}, "", "action.policy.bad", "类别的时限设置无效"},
	}
	for _, tt := range tests {
		c := &pingan.Case{Unit: village.Code, UnitPath: village.Path, ReportedAt: tt.at}
		env := envAt(t0)
		env.Policy.Resolve = tt.policy
		_, err := Report(c, reporter, &pingan.NewCase{Title: "t"}, env)
		var e *pingan.Error
		if !errors.As(err, &e) || e.Code != pingan.EINVALID {
			t.Errorf("%s: want invalid, got %v", tt.name, err)
			continue
		}
		key := e.Msg.Key
		if tt.field != "" {
			key = e.Fields[tt.field].Key
		}
		if key != tt.key || !strings.Contains(err.Error(), tt.zh) {
			t.Errorf("%s: want %s saying %q, got %v", tt.name, tt.key, tt.zh, err)
		}
	}
}

func TestRateOnce(t *testing.T) {
	c := caseIn(pingan.StatusClosed, false)
	if _, err := Apply(c, reporter, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.BasicallySatisfied}, envAt(t0)); err != nil {
		t.Fatal(err)
	}
	if c.Satisfaction == nil || *c.Satisfaction != pingan.BasicallySatisfied {
		t.Fatalf("satisfaction %v", c.Satisfaction)
	}
	if _, err := Apply(c, reporter, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Satisfied}, envAt(t0)); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("second rating: %v", err)
	}
}
