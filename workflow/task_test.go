package workflow

import (
	"slices"
	"testing"

	"github.com/pingan-gov/pingan"
)

// A task of the county (issued by it) led by the township with the county
// department cooperating; cityLeader sits above the county.
var (
	city       = &pingan.Unit{Code: "6209", Level: pingan.LevelCity, Path: "/62/6209/"}
	cityLeader = user(20, city, pingan.RoleLeader)
	townHand   = otherHandler // a handler of the township
	assessor   = user(21, county, pingan.RoleAssessor)
)

func taskIn(state string, signed bool) *pingan.Task {
	t := &pingan.Task{ID: 1, Title: "整治", Source: pingan.TaskFromInstruction, Type: pingan.TaskType13710, Unit: county.Code,
		UnitPath: county.Path, Lead: township.Code, State: state, IssuedAt: t0, Due: t0.AddDate(0, 0, 14), Version: 3,
		Units: []*pingan.TaskUnit{{Code: township.Code, Path: township.Path, Role: pingan.TaskLead},
			{Code: dept.Code, Path: dept.Path, Role: pingan.TaskCo}},
		Plan: []pingan.Milestone{{Seq: 1, Name: "部署", Rule: pingan.MeetSign, Due: t0.AddDate(0, 0, 1)},
			{Seq: 2, Name: "首次反馈", Rule: pingan.MeetReport, Share: 10, Due: t0.AddDate(0, 0, 3)},
			{Seq: 3, Name: "落实", Rule: pingan.MeetProgress, Share: 70, Due: t0.AddDate(0, 0, 9)},
			{Seq: 4, Name: "办结", Rule: pingan.MeetFinish, Share: 100, Due: t0.AddDate(0, 0, 14)}}}
	if signed {
		for _, u := range t.Units {
			at := t0
			u.SignedAt = &at
		}
	}
	return t
}

// TestTaskRules takes every step in every state by every actor and
// compares the outcome with the table written out here by hand.
func TestTaskRules(t *testing.T) {
	actors := map[string]*pingan.User{"countyDisp": countyDisp, "leader": leader, "assessor": assessor, "cityLeader": cityLeader,
		"townDisp": townDispatcher, "townHand": townHand, "deptHand": deptHandler, "viewer": viewer, "foreign": foreign, "reporter": reporter}
	unitStaff := []string{"townDisp", "townHand", "deptHand"}
	issuers := []string{"countyDisp", "leader", "assessor"}
	running := []string{pingan.TaskIssued, pingan.TaskDoing}
	want := map[string]struct {
		who, states []string
	}{
		pingan.TaskStepSign:      {unitStaff, running},
		pingan.TaskStepProgress:  {unitStaff, running},
		pingan.TaskStepFinish:    {[]string{"townDisp", "townHand"}, []string{pingan.TaskDoing}},
		pingan.TaskStepVerify:    {issuers, []string{pingan.TaskFinished}},
		pingan.TaskStepSendBack:  {issuers, []string{pingan.TaskFinished}},
		pingan.TaskStepUrge:      {append(slices.Clone(issuers), "cityLeader"), running},
		pingan.TaskStepSupervise: {append(slices.Clone(issuers), "cityLeader"), running},
		pingan.TaskStepNotify:    {append(slices.Clone(issuers), "cityLeader"), running},
		pingan.TaskStepCancel:    {issuers, []string{pingan.TaskIssued, pingan.TaskDoing, pingan.TaskFinished}},
	}
	if len(want) != len(TaskSteps) {
		t.Fatalf("the test knows %d steps, the rules %d", len(want), len(TaskSteps))
	}
	pct := 50
	n := 0
	for _, step := range TaskSteps {
		w := want[step]
		for _, st := range pingan.TaskStates {
			for name, a := range actors {
				task := taskIn(st, step != pingan.TaskStepSign)
				next, ev, err := ApplyTask(task, a, pingan.TaskAction{Step: step, Note: "说明", Percent: &pct}, t0)
				var code string
				switch {
				case !slices.Contains(w.who, name):
					code = pingan.EFORBIDDEN
				case !slices.Contains(w.states, st):
					code = pingan.ECONFLICT
				}
				n++
				if pingan.ErrorCode(err) != code {
					t.Errorf("%s in %s by %s: %v, want %q", step, st, name, err, code)
					continue
				}
				if TaskAllowed(task, a, step) != (code == "") {
					t.Errorf("%s in %s by %s: TaskAllowed disagrees with ApplyTask", step, st, name)
				}
				if code != "" {
					continue
				}
				if ev.Step != step || next.Version != task.Version+1 || task.State != st {
					t.Errorf("%s in %s by %s: event %+v, version %d, the task changed %s", step, st, name, ev, next.Version, task.State)
				}
			}
		}
	}
	t.Logf("%d (step, state, actor) triples", n)
}

// TestTaskEffects follows the states and counters a step changes.
func TestTaskEffects(t *testing.T) {
	p := func(n int) *int { return &n }
	q := func(n int64) *int64 { return &n }
	cases := []struct {
		name   string
		task   *pingan.Task
		actor  *pingan.User
		in     pingan.TaskAction
		state  string
		field  string // EINVALID naming it
		code   string
		effect func(n *pingan.Task) bool
	}{
		{"lead signs: doing", taskIn(pingan.TaskIssued, false), townHand, pingan.TaskAction{Step: pingan.TaskStepSign}, pingan.TaskDoing, "", "",
			func(n *pingan.Task) bool { return n.Units[0].SignedAt != nil && n.Units[1].SignedAt == nil }},
		{"co signs: still issued", taskIn(pingan.TaskIssued, false), deptHandler, pingan.TaskAction{Step: pingan.TaskStepSign}, pingan.TaskIssued, "", "",
			func(n *pingan.Task) bool { return n.Units[1].SignedAt != nil }},
		{"sign twice", taskIn(pingan.TaskDoing, true), townHand, pingan.TaskAction{Step: pingan.TaskStepSign}, "", "", pingan.ECONFLICT, nil},
		{"progress unsigned", taskIn(pingan.TaskIssued, false), deptHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: p(5)}, "", "", pingan.ECONFLICT, nil},
		{"progress over 100 without note", taskIn(pingan.TaskDoing, true), townHand, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: p(101)}, "", "note", "", nil},
		{"progress over 100 with note", taskIn(pingan.TaskDoing, true), townHand, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: p(110), Note: "超额完成"}, pingan.TaskDoing, "", "",
			func(n *pingan.Task) bool { return n.Percent == 110 && n.Progress() == 110 }},
		{"progress negative", taskIn(pingan.TaskDoing, true), townHand, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: p(-1)}, "", "percent", "", nil},
		{"progress without figure", taskIn(pingan.TaskDoing, true), townHand, pingan.TaskAction{Step: pingan.TaskStepProgress}, "", "percent", "", nil},
		{"co progress is not the task's", taskIn(pingan.TaskDoing, true), deptHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: p(40)}, pingan.TaskDoing, "", "",
			func(n *pingan.Task) bool {
				return n.Percent == 0 && n.Units[1].Percent == 40 && n.Units[1].Reports == 1
			}},
		{"quantity above target without note", quantified(), townHand, pingan.TaskAction{Step: pingan.TaskStepProgress, Quantity: q(121)}, "", "note", "", nil},
		{"quantity against target", quantified(), townHand, pingan.TaskAction{Step: pingan.TaskStepProgress, Quantity: q(30)}, pingan.TaskDoing, "", "",
			func(n *pingan.Task) bool { return n.Quantity == 30 && n.Progress() == 25 }},
		{"finish without summary", taskIn(pingan.TaskDoing, true), townHand, pingan.TaskAction{Step: pingan.TaskStepFinish}, "", "note", "", nil},
		{"finish", taskIn(pingan.TaskDoing, true), townDispatcher, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "完成"}, pingan.TaskFinished, "", "",
			func(n *pingan.Task) bool { return n.FinishedAt != nil }},
		{"send back counts", taskIn(pingan.TaskFinished, true), countyDisp, pingan.TaskAction{Step: pingan.TaskStepSendBack, Note: "材料不全"}, pingan.TaskDoing, "", "",
			func(n *pingan.Task) bool { return n.SentBack == 1 && n.FinishedAt == nil }},
		{"verify closes", taskIn(pingan.TaskFinished, true), leader, pingan.TaskAction{Step: pingan.TaskStepVerify}, pingan.TaskClosed, "", "",
			func(n *pingan.Task) bool { return n.ClosedAt != nil }},
		{"notify by hand jumps to 通报", taskIn(pingan.TaskDoing, true), cityLeader, pingan.TaskAction{Step: pingan.TaskStepNotify}, pingan.TaskDoing, "", "",
			func(n *pingan.Task) bool { return n.Escalated == pingan.EscalateNotify }},
		{"cancel needs a reason", taskIn(pingan.TaskDoing, true), countyDisp, pingan.TaskAction{Step: pingan.TaskStepCancel}, "", "note", "", nil},
		{"unknown step", taskIn(pingan.TaskDoing, true), countyDisp, pingan.TaskAction{Step: "delete"}, "", "step", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next, _, err := ApplyTask(c.task, c.actor, c.in, t0)
			switch {
			case c.field != "":
				if pingan.ErrorCode(err) != pingan.EINVALID || pingan.FieldTexts(err, pingan.ZH)[c.field] == "" {
					t.Fatalf("want invalid %s, got %v", c.field, err)
				}
			case c.code != "":
				if pingan.ErrorCode(err) != c.code {
					t.Fatalf("want %s, got %v", c.code, err)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if next.State != c.state || !c.effect(next) {
					t.Fatalf("state %s, task %+v", next.State, next)
				}
			}
		})
	}
}

func quantified() *pingan.Task {
	t := taskIn(pingan.TaskDoing, true)
	t.Quantified, t.Target = true, 120
	return t
}

// TestMissTask: each miss rises one level and 通报 stays; a task that no
// longer runs is not escalated.
func TestMissTask(t *testing.T) {
	task := taskIn(pingan.TaskIssued, false)
	want := []string{pingan.TaskStepUrge, pingan.TaskStepSupervise, pingan.TaskStepNotify, pingan.TaskStepNotify}
	for i, w := range want {
		next, ev, err := MissTask(task, min(i+1, 4), t0)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Step != w || next.Escalated != min(i+1, 3) || !next.Plan[min(i, 3)].Missed {
			t.Fatalf("miss %d: step %s, level %d", i+1, ev.Step, next.Escalated)
		}
		task = next
	}
	for _, st := range []string{pingan.TaskFinished, pingan.TaskClosed, pingan.TaskCancelled} {
		if _, _, err := MissTask(taskIn(st, true), 1, t0); pingan.ErrorCode(err) != pingan.ECONFLICT {
			t.Errorf("%s: %v", st, err)
		}
	}
}

// TestMet: what meets each milestone.
func TestMet(t *testing.T) {
	task := taskIn(pingan.TaskDoing, true)
	if got := Met(task); !slices.Equal(got, []int{0}) {
		t.Fatalf("signed: %v", got)
	}
	task.Units[0].Reports, task.Percent = 1, 70
	if got := Met(task); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("reported 70: %v", got)
	}
	task.Plan[0].Missed = true
	now := t0
	task.FinishedAt = &now
	if got := Met(task); !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("finished, first missed: %v", got)
	}
}
