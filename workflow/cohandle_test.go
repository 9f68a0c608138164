package workflow

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// Two assisting units (协办) of the tests: the township and another county
// department; their handlers.
var (
	police        = &pingan.Unit{Code: "620902-D02", Name: "公安局", Level: pingan.LevelDepartment, Path: "/62/6209/620902/620902-D02/"}
	community     = &pingan.Unit{Code: "620902-D03", Name: "民政局", Level: pingan.LevelDepartment, Path: "/62/6209/620902/620902-D03/"}
	policeHandler = user(21, police, pingan.RoleHandler)
	policeViewer  = user(22, police, pingan.RoleViewer)
	commHandler   = user(23, community, pingan.RoleHandler)
)

// assisted answers a case in status s handled by the department with the
// police in state ps and the community office in state cs.
func assisted(s pingan.Status, ps, cs pingan.AssistState) *pingan.Case {
	c := caseIn(s, false)
	c.Assists = []pingan.Assist{
		{Unit: police.Code, UnitName: police.Name, UnitPath: police.Path, State: ps, DispatchedAt: t0, Seq: 3},
		{Unit: community.Code, UnitName: community.Name, UnitPath: community.Path, State: cs, DispatchedAt: t0, Seq: 3},
	}
	return c
}

// TestAssistRows: who may take the two assist actions, from which status
// and in which state of their unit's assist, and what resolve waits for.
func TestAssistRows(t *testing.T) {
	D, S, R, W := pingan.AssistDispatched, pingan.AssistSigned, pingan.AssistReported, pingan.AssistWithdrawn
	tests := []struct {
		name   string
		c      *pingan.Case
		actor  *pingan.User
		action pingan.ActionName
		code   string // "" for allowed
		key    string // the message of a refusal, when it matters
	}{
		{"assisting handler signs a dispatched case", assisted(pingan.StatusDispatched, D, D), policeHandler, pingan.ActAssistSign, "", ""},
		{"assisting handler signs an in-progress case", assisted(pingan.StatusInProgress, D, S), policeHandler, pingan.ActAssistSign, "", ""},
		{"assisting handler reports once signed", assisted(pingan.StatusInProgress, S, D), policeHandler, pingan.ActAssistReport, "", ""},
		{"no report before signing", assisted(pingan.StatusInProgress, D, D), policeHandler, pingan.ActAssistReport, pingan.ECONFLICT, "action.conflict.assist.state"},
		{"no second sign", assisted(pingan.StatusInProgress, S, D), policeHandler, pingan.ActAssistSign, pingan.ECONFLICT, "action.conflict.assist.state"},
		{"no second report", assisted(pingan.StatusInProgress, R, D), policeHandler, pingan.ActAssistReport, pingan.ECONFLICT, "action.conflict.assist.state"},
		{"withdrawn assist may not sign", assisted(pingan.StatusInProgress, W, D), policeHandler, pingan.ActAssistSign, pingan.ENOTFOUND, ""},
		{"viewer of the assisting unit may not sign", assisted(pingan.StatusInProgress, D, D), policeViewer, pingan.ActAssistSign, pingan.EFORBIDDEN, ""},
		{"handling unit does not assist", assisted(pingan.StatusInProgress, D, D), deptHandler, pingan.ActAssistSign, pingan.ECONFLICT, "action.conflict.assist.none"},
		{"dispatcher does not assist", assisted(pingan.StatusInProgress, S, D), townDispatcher, pingan.ActAssistReport, pingan.ECONFLICT, "action.conflict.assist.none"},
		{"no assist on a resolved case", assisted(pingan.StatusResolved, D, D), policeHandler, pingan.ActAssistSign, pingan.ECONFLICT, "action.conflict"},
		{"no assist while suspended", func() *pingan.Case { c := assisted(pingan.StatusInProgress, D, D); c.Suspended = true; return c }(), policeHandler, pingan.ActAssistSign, pingan.ECONFLICT, "action.conflict.suspended"},
		{"another county sees nothing", assisted(pingan.StatusInProgress, D, D), foreign, pingan.ActAssistSign, pingan.ENOTFOUND, ""},
		{"resolve waits for both", assisted(pingan.StatusInProgress, S, R), deptHandler, pingan.ActResolve, pingan.ECONFLICT, "action.resolve.assists"},
		{"resolve waits for one", assisted(pingan.StatusInProgress, R, D), deptHandler, pingan.ActResolve, pingan.ECONFLICT, "action.resolve.assists"},
		{"resolve once both reported", assisted(pingan.StatusInProgress, R, R), deptHandler, pingan.ActResolve, "", ""},
		{"a withdrawn assist does not hold up resolve", assisted(pingan.StatusInProgress, R, W), deptHandler, pingan.ActResolve, "", ""},
		{"assisting handler comments", assisted(pingan.StatusInProgress, S, D), policeHandler, pingan.ActComment, "", ""},
		{"assisting handler may not resolve", assisted(pingan.StatusInProgress, R, R), policeHandler, pingan.ActResolve, pingan.EFORBIDDEN, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.c
			beforeAssists := slices.Clone(tt.c.Assists)
			c := *tt.c
			act, err := Apply(&c, tt.actor, input(tt.action), envAt(t0.Add(time.Hour)))
			if got := pingan.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
			if tt.key != "" {
				e, _ := err.(*pingan.Error)
				if e == nil || !strings.HasPrefix(e.Msg.Key, tt.key) {
					t.Fatalf("message %v, want %s", err, tt.key)
				}
			}
			if got := slices.Contains(Allowed(&before, tt.actor), tt.action); got != (tt.code == "") && tt.action != pingan.ActResolve {
				t.Errorf("Allowed contains %s = %v, want %v", tt.action, got, tt.code == "")
			}
			if !slices.Equal(before.Assists, beforeAssists) {
				t.Errorf("Apply changed the assists of the case it was given")
			}
			if tt.code != "" {
				if c.Status != before.Status || !slices.Equal(c.Assists, beforeAssists) {
					t.Errorf("a refused action changed the case")
				}
				return
			}
			if tt.action == pingan.ActAssistSign || tt.action == pingan.ActAssistReport {
				if c.Status != before.Status || act.FromStatus != before.Status || act.ToStatus != before.Status {
					t.Errorf("status %s → %s, want unchanged", before.Status, c.Status)
				}
				if act.ToUnit != tt.actor.UnitCode {
					t.Errorf("timeline entry names %q, want the assisting unit %s", act.ToUnit, tt.actor.UnitCode)
				}
			}
		})
	}
}

// TestAssistStates walks one assist through its states and checks what
// each action writes on it.
func TestAssistStates(t *testing.T) {
	c := assisted(pingan.StatusDispatched, pingan.AssistDispatched, pingan.AssistDispatched)
	t1 := t0.Add(time.Hour)
	if _, err := Apply(c, policeHandler, pingan.ActionInput{Action: pingan.ActAssistSign}, envAt(t1)); err != nil {
		t.Fatal(err)
	}
	p := c.ActiveAssist(police.Code)
	if p.State != pingan.AssistSigned || p.SignedAt == nil || !p.SignedAt.Equal(t1) || c.Status != pingan.StatusDispatched {
		t.Fatalf("after sign: %+v, status %s", p, c.Status)
	}
	_, err := Apply(c, policeHandler, pingan.ActionInput{Action: pingan.ActAssistReport}, envAt(t1))
	if e, ok := err.(*pingan.Error); !ok || e.Code != pingan.EINVALID || e.Fields["result"].Key != "field.required" {
		t.Fatalf("report without a result: %v", err)
	}
	t2 := t1.Add(time.Hour)
	act, err := Apply(c, policeHandler, pingan.ActionInput{Action: pingan.ActAssistReport, Result: " 已出警调解 "}, envAt(t2))
	if err != nil {
		t.Fatal(err)
	}
	p = c.ActiveAssist(police.Code)
	if p.State != pingan.AssistReported || p.ReportedAt == nil || !p.ReportedAt.Equal(t2) || p.Result != "已出警调解" || act.Note != "已出警调解" {
		t.Fatalf("after report: %+v, note %q", p, act.Note)
	}
	if q := c.ActiveAssist(community.Code); q.State != pingan.AssistDispatched {
		t.Errorf("the other assist moved: %+v", q)
	}
}

// TestAssistWithdrawn: the case leaving the handling unit withdraws every
// assist; rework keeps them; a new dispatch names its own.
func TestAssistWithdrawn(t *testing.T) {
	S, R := pingan.AssistSigned, pingan.AssistReported
	for _, tt := range []struct {
		name     string
		c        *pingan.Case
		actor    *pingan.User
		action   pingan.ActionName
		withdraw bool
	}{
		{"return", assisted(pingan.StatusDispatched, S, R), deptHandler, pingan.ActReturn, true},
		{"escalate", assisted(pingan.StatusInProgress, S, R), deptHandler, pingan.ActEscalate, true},
		{"rework", assisted(pingan.StatusResolved, R, R), townDispatcher, pingan.ActRework, false},
		{"close", assisted(pingan.StatusResolved, R, R), townDispatcher, pingan.ActClose, false},
		{"extend", assisted(pingan.StatusInProgress, S, R), townDispatcher, pingan.ActExtend, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Apply(tt.c, tt.actor, input(tt.action), envAt(t0.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}
			for _, a := range tt.c.Assists {
				if got := a.State == pingan.AssistWithdrawn; got != tt.withdraw {
					t.Errorf("%s: state %s, withdrawn %v, want %v", a.Unit, a.State, got, tt.withdraw)
				}
			}
		})
	}

	// A new dispatch after a return names its own assisting units.
	c := assisted(pingan.StatusDispatched, S, R)
	if _, err := Apply(c, deptHandler, input(pingan.ActReturn), envAt(t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	in := input(pingan.ActDispatch)
	in.AssistUnits = []string{police.Code}
	env := envAt(t0.Add(2 * time.Hour))
	env.AssistUnits = []*pingan.Unit{police}
	if _, err := Apply(c, townDispatcher, in, env); err != nil {
		t.Fatal(err)
	}
	if len(c.Assists) != 3 || c.Assists[2].Unit != police.Code || c.Assists[2].State != pingan.AssistDispatched || c.Assists[2].Seq != 0 {
		t.Fatalf("assists after the new dispatch: %+v", c.Assists)
	}
	if c.ActiveAssist(community.Code) != nil {
		t.Errorf("the community office still assists")
	}
	if missing := c.AssistsMissing(); len(missing) != 1 || missing[0].Unit != police.Code {
		t.Errorf("missing %+v", missing)
	}
}

// TestAssistUnitsChecked: a dispatch's assisting units must be known, in
// the dispatcher's jurisdiction, other than the handling unit and each
// other; the refusal names assist_units and the code.
func TestAssistUnitsChecked(t *testing.T) {
	for _, tt := range []struct {
		name  string
		codes []string
		units []*pingan.Unit
		key   string
	}{
		{"the handling unit", []string{police.Code, dept.Code}, []*pingan.Unit{police, dept}, "action.assist_units.main"},
		{"twice", []string{police.Code, police.Code}, []*pingan.Unit{police, police}, "action.assist_units.twice"},
		{"unknown or outside", []string{police.Code, "999"}, []*pingan.Unit{police, nil}, "action.assist_units.unknown"},
		{"too many", slices.Repeat([]string{"9"}, pingan.MaxAssists+1), nil, "action.assist_units.many"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := caseIn(pingan.StatusAccepted, false)
			in := input(pingan.ActDispatch)
			in.AssistUnits = tt.codes
			env := envAt(t0)
			env.AssistUnits = tt.units
			_, err := Apply(c, townDispatcher, in, env)
			e, ok := err.(*pingan.Error)
			if !ok || e.Code != pingan.EINVALID || e.Fields["assist_units"].Key != tt.key {
				t.Fatalf("want invalid naming assist_units (%s), got %v", tt.key, err)
			}
			bad := tt.codes[len(tt.codes)-1]
			if len(tt.codes) > pingan.MaxAssists {
				bad = strconv.Itoa(pingan.MaxAssists)
			}
			zh, en := pingan.FieldTexts(err, pingan.ZH)["assist_units"], pingan.FieldTexts(err, pingan.EN)["assist_units"]
			if !strings.Contains(zh, bad) || !strings.Contains(en, bad) || zh == en {
				t.Errorf("the refusal %q / %q does not name %s in each language", zh, en, bad)
			}
			if c.Status != pingan.StatusAccepted || len(c.Assists) != 0 {
				t.Errorf("a refused dispatch changed the case")
			}
		})
	}
	// Two good ones: both dispatched, the dispatch itself unchanged.
	c := caseIn(pingan.StatusAccepted, false)
	in := input(pingan.ActDispatch)
	in.AssistUnits = []string{police.Code, "", community.Code}
	env := envAt(t0)
	env.AssistUnits = []*pingan.Unit{police, nil, community}
	if _, err := Apply(c, townDispatcher, in, env); err != nil {
		t.Fatal(err)
	}
	if c.AssignedUnit != dept.Code || len(c.Assists) != 2 || c.Assists[0].UnitName != police.Name || c.Assists[1].Unit != community.Code {
		t.Fatalf("after dispatch: %s %+v", c.AssignedUnit, c.Assists)
	}
}
