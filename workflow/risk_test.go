package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The risk's steps, pair by pair: every (state, step, actor) is allowed
// exactly when the table below says so, with a refusal naming the step
// otherwise (EFORBIDDEN for the actor, ECONFLICT for the state).
func TestRiskStepsPairByPair(t *testing.T) {
	const (
		regPath  = "/62/6209/620902/"
		unitPath = "/62/6209/620902/620902001/"
		respPath = "/62/6209/620902/620902100/"
	)
	actors := map[string]*pingan.User{
		"leader":              {ID: 7, Roles: []pingan.Role{pingan.RoleLeader}, UnitCode: "620902", ScopePath: regPath},
		"other leader":        {ID: 8, Roles: []pingan.Role{pingan.RoleLeader}, UnitCode: "620902", ScopePath: regPath},
		"resp handler":        {ID: 9, Roles: []pingan.Role{pingan.RoleHandler}, UnitCode: "620902100", ScopePath: respPath},
		"unit handler":        {ID: 10, Roles: []pingan.Role{pingan.RoleHandler}, UnitCode: "620902001", ScopePath: unitPath},
		"registrar":           {ID: 11, Roles: []pingan.Role{pingan.RoleDispatcher}, UnitCode: "620902900", ScopePath: regPath},
		"city assessor":       {ID: 12, Roles: []pingan.Role{pingan.RoleAssessor}, UnitCode: "6209", ScopePath: "/62/6209/"},
		"township dispatcher": {ID: 13, Roles: []pingan.Role{pingan.RoleDispatcher}, UnitCode: "620902001900", ScopePath: unitPath},
		"viewer":              {ID: 14, Roles: []pingan.Role{pingan.RoleViewer}, UnitCode: "620902", ScopePath: regPath},
		"watch":               nil,
	}
	keepers := []string{"leader", "resp handler"}
	registrars := []string{"registrar", "city assessor"}
	both := append(slices.Clone(keepers), registrars...)
	want := map[string]struct {
		from []string
		who  []string
	}{
		pingan.RiskReview:          {[]string{pingan.RiskControlled}, keepers},
		pingan.RiskChangeLevel:     {[]string{pingan.RiskControlled}, both},
		pingan.RiskAddMeasure:      {[]string{pingan.RiskControlled}, keepers},
		pingan.RiskCompleteMeasure: {[]string{pingan.RiskControlled}, keepers},
		pingan.RiskLinkCase:        {[]string{pingan.RiskControlled, pingan.RiskResolved}, both},
		pingan.RiskUnlinkCase:      {[]string{pingan.RiskControlled, pingan.RiskResolved}, both},
		pingan.RiskResolve:         {[]string{pingan.RiskControlled}, keepers},
		pingan.RiskCloseStep:       {[]string{pingan.RiskResolved}, registrars},
		pingan.RiskReopen:          {[]string{pingan.RiskResolved, pingan.RiskClosed}, []string{"leader", "registrar", "city assessor"}},
		pingan.RiskOverdue:         {[]string{pingan.RiskControlled}, []string{"watch"}},
	}
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, pingan.CST)
	input := func(step string) *pingan.RiskAction {
		a := &pingan.RiskAction{Step: step, Note: "说明"}
		switch step {
		case pingan.RiskChangeLevel:
			a.Level = pingan.RiskOrange
		case pingan.RiskAddMeasure:
			a.Measure = &pingan.NewRiskMeasure{Text: "约谈", Due: "2026-03-20"}
		case pingan.RiskCompleteMeasure:
			a.Seq = 1
		case pingan.RiskLinkCase:
			a.Case = "2026-620902-000002"
		case pingan.RiskUnlinkCase:
			a.Case = "2026-620902-000001"
		}
		return a
	}
	for step, w := range want {
		for _, state := range pingan.RiskStates {
			for name, actor := range actors {
				r := &pingan.Risk{ID: 1, Status: state, Level: pingan.RiskRed, Leader: 7, Responsible: "620902100",
					RespPath: respPath, UnitPath: unitPath, RegPath: regPath, RegisteredAt: now.AddDate(0, 0, -10),
					NextReviewDue: now.AddDate(0, 0, -1), Cases: []string{"2026-620902-000001"},
					Measures: []*pingan.RiskMeasure{{Seq: 1, Text: "约谈", Due: "2026-03-12"}}}
				ch, err := ApplyRisk(r, actor, input(step), now, nil)
				ok := slices.Contains(w.from, state) && slices.Contains(w.who, name)
				if ok != (err == nil) {
					t.Errorf("%s by %s in %s: allowed %v, want %v (%v)", step, name, state, err == nil, ok, err)
					continue
				}
				if err != nil {
					mayAct := slices.Contains(w.who, name)
					code := pingan.ErrorCode(err)
					if mayAct && code != pingan.ECONFLICT || !mayAct && code != pingan.EFORBIDDEN {
						t.Errorf("%s by %s in %s: %v", step, name, state, err)
					}
					if pe, _ := err.(*pingan.Error); pe == nil || pe.Fields["step"].Key == "" {
						t.Errorf("%s by %s in %s: the refusal does not name the step: %v", step, name, state, err)
					}
					continue
				}
				if ch.Event.Step != step {
					t.Errorf("%s: event %q", step, ch.Event.Step)
				}
				if step != pingan.RiskOverdue && slices.Contains(pingan.RiskSteps, step) && !slices.Contains(RiskAllowed(r, actor), step) {
					t.Errorf("%s by %s in %s: applies but is not listed as allowed", step, name, state)
				}
			}
		}
	}
}

// The effects: a review moves the due on by the level's cadence (keeping
// or changing the level), a level change counts from the last review, a
// resolve and a close move the state, a reopen starts a cadence again.
func TestApplyRiskEffects(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, pingan.CST)
	reg := now.AddDate(0, 0, -3)
	leader := &pingan.User{ID: 7, Roles: []pingan.Role{pingan.RoleLeader}}
	base := func() *pingan.Risk {
		return &pingan.Risk{Status: pingan.RiskControlled, Level: pingan.RiskRed, Leader: 7, RegPath: "/62/", RegisteredAt: reg,
			NextReviewDue: reg.AddDate(0, 0, 7)}
	}
	days := map[string]int{pingan.RiskRed: 7, pingan.RiskOrange: 10}
	cases := []struct {
		name      string
		a         pingan.RiskAction
		status    string
		level     string
		due       time.Time
		reviewed  bool
		wantField string
	}{
		{"review keeps red", pingan.RiskAction{Step: pingan.RiskReview}, pingan.RiskControlled, pingan.RiskRed, now.AddDate(0, 0, 7), true, ""},
		{"review to orange", pingan.RiskAction{Step: pingan.RiskReview, Level: pingan.RiskOrange}, pingan.RiskControlled, pingan.RiskOrange, now.AddDate(0, 0, 10), true, ""},
		{"review to blue: the default cadence", pingan.RiskAction{Step: pingan.RiskReview, Level: pingan.RiskBlue}, pingan.RiskControlled, pingan.RiskBlue, now.AddDate(0, 0, 90), true, ""},
		{"change level from registration", pingan.RiskAction{Step: pingan.RiskChangeLevel, Level: pingan.RiskOrange, Note: "复工"}, pingan.RiskControlled, pingan.RiskOrange, reg.AddDate(0, 0, 10), false, ""},
		{"change level without reason", pingan.RiskAction{Step: pingan.RiskChangeLevel, Level: pingan.RiskOrange}, "", "", time.Time{}, false, "note"},
		{"change to the same level", pingan.RiskAction{Step: pingan.RiskChangeLevel, Level: pingan.RiskRed, Note: "x"}, "", "", time.Time{}, false, "level"},
		{"resolve", pingan.RiskAction{Step: pingan.RiskResolve, Note: "已交房"}, pingan.RiskResolved, pingan.RiskRed, reg.AddDate(0, 0, 7), false, ""},
		{"resolve without note", pingan.RiskAction{Step: pingan.RiskResolve}, "", "", time.Time{}, false, "note"},
		{"measure before registration", pingan.RiskAction{Step: pingan.RiskAddMeasure, Measure: &pingan.NewRiskMeasure{Text: "x", Due: "2026-03-01"}}, "", "", time.Time{}, false, "measure.due"},
		{"bad level", pingan.RiskAction{Step: pingan.RiskReview, Level: "purple"}, "", "", time.Time{}, false, "level"},
	}
	for _, c := range cases {
		a := c.a
		ch, err := ApplyRisk(base(), leader, &a, now, days)
		if c.wantField != "" {
			if pe, _ := err.(*pingan.Error); pe == nil || pe.Code != pingan.EINVALID || pe.Fields[c.wantField].Key == "" {
				t.Errorf("%s: %v, want invalid naming %s", c.name, err, c.wantField)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if ch.Status != c.status || ch.Level != c.level || !ch.NextDue.Equal(c.due) || ch.Reviewed != c.reviewed {
			t.Errorf("%s: %+v, want %s %s %v reviewed %v", c.name, ch, c.status, c.level, c.due, c.reviewed)
		}
	}
	// Marked overdue only past the due, and once.
	r := base()
	if _, err := ApplyRisk(r, nil, &pingan.RiskAction{Step: pingan.RiskOverdue}, r.NextReviewDue.Add(-time.Minute), days); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("overdue before the due: %v", err)
	}
	r.Overdue = true
	if _, err := ApplyRisk(r, nil, &pingan.RiskAction{Step: pingan.RiskOverdue}, r.NextReviewDue.Add(time.Minute), days); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("overdue twice: %v", err)
	}
}

// 稳评's steps run in order: each is refused (409 naming step) before its
// turn and after the decision, and by anyone outside the jurisdiction.
func TestStabilityOrder(t *testing.T) {
	disp := &pingan.User{ID: 1, Roles: []pingan.Role{pingan.RoleDispatcher}, ScopePath: "/62/6209/"}
	stages := append([]string{pingan.StabilityRegistered}, pingan.StabilitySteps...)
	for i, stage := range stages {
		for j, step := range pingan.StabilitySteps {
			s := &pingan.Stability{Stage: stage, UnitPath: "/62/6209/620902/"}
			next, err := ApplyStability(s, disp, &pingan.StabilityAction{Step: step})
			if ok := j == i; ok != (err == nil) {
				t.Errorf("%s at %s: %v", step, stage, err)
			} else if err == nil && next != step {
				t.Errorf("%s at %s: next %s", step, stage, next)
			} else if pe, _ := err.(*pingan.Error); err != nil && (pe.Code != pingan.ECONFLICT || pe.Fields["step"].Key == "") {
				t.Errorf("%s at %s: %v, want a conflict naming step", step, stage, err)
			}
		}
	}
	out := &pingan.User{ID: 2, Roles: []pingan.Role{pingan.RoleDispatcher}, ScopePath: "/62/6210/"}
	if _, err := ApplyStability(&pingan.Stability{Stage: pingan.StabilityRegistered, UnitPath: "/62/6209/620902/"}, out,
		&pingan.StabilityAction{Step: pingan.StabilityNotice}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("outside: %v", err)
	}
}
