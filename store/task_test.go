package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Supervised work tasks (督办事项, docs/tasks.md): a 13710 task's plan on
// the official calendar, bad input naming its field with nothing written,
// the loop with its counters, the watch marking each missed milestone once
// and escalating 催办 → 督办 → 通报, and the jurisdiction. On both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"TaskIssue", testTaskIssue},
		{"TaskLoop", testTaskLoop},
		{"TaskWatch", testTaskWatch},
	}...)
}

// new13710 issues a 13710 task of 肃州区 to 东北街街道, with 住建局 cooperating.
func new13710(t *testing.T, e *env) *pingan.Task {
	t.Helper()
	k, err := e.db.Tasks.IssueTask(ctx, e.fx.CountyDispatcher, &pingan.NewTask{Title: "整治东关市场周边占道经营",
		Content: "按区领导批示，十日内完成整治", Source: pingan.TaskFromInstruction, LeadUnit: e.fx.Township.Code,
		CoUnits: []string{e.fx.CountyHousing.Code}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func countTasks(t *testing.T, e *env, u *pingan.User) int {
	t.Helper()
	ts, err := e.db.Tasks.FindTasks(ctx, u, pingan.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

func testTaskIssue(t *testing.T, e *env) {
	fx := e.fx
	k := new13710(t, e)
	// 2 March 2026 (Monday) + 1, 3, 7, 10 working days.
	want := []string{"2026-03-03", "2026-03-05", "2026-03-11", "2026-03-16"}
	if len(k.Plan) != 4 {
		t.Fatalf("plan %+v", k.Plan)
	}
	for i, m := range k.Plan {
		if pingan.Day(m.Due) != want[i] {
			t.Errorf("milestone %d (%s) due %s, want %s", i, m.Name, pingan.Day(m.Due), want[i])
		}
	}
	if k.State != pingan.TaskIssued || k.Lead != fx.Township.Code || len(k.Units) != 2 || k.Units[0].Role != pingan.TaskLead {
		t.Fatalf("task %+v", k)
	}

	bad := []struct {
		name  string
		actor *pingan.User
		in    pingan.NewTask
		field string
	}{
		{"milestones backwards", fx.CountyDispatcher, pingan.NewTask{Title: "x", Source: pingan.TaskFromMeeting, LeadUnit: fx.Township.Code,
			Milestones: []pingan.NewMilestone{{Name: "一", Due: "2026-03-10"}, {Name: "二", Due: "2026-03-09"}}}, "milestones[1]"},
		{"lead outside", fx.CountyDispatcher, pingan.NewTask{Title: "x", Source: pingan.TaskFromMeeting, LeadUnit: fx.OtherTownship.Code}, "lead_unit"},
		{"co outside", fx.CountyDispatcher, pingan.NewTask{Title: "x", Source: pingan.TaskFromMeeting, LeadUnit: fx.Township.Code,
			CoUnits: []string{fx.OtherVillage.Code}}, "co_units"},
		{"no source", fx.CountyDispatcher, pingan.NewTask{Title: "x", LeadUnit: fx.Township.Code}, "source"},
		{"list without year", fx.CountyDispatcher, pingan.NewTask{Title: "x", Source: pingan.TaskFromKeyList, LeadUnit: fx.Township.Code}, "list_year"},
		{"quantified without target", fx.CountyDispatcher, pingan.NewTask{Title: "x", Source: pingan.TaskFromMeeting, Type: pingan.TaskTypeMonthly,
			LeadUnit: fx.Township.Code}, "target"},
		{"unknown type", fx.CountyDispatcher, pingan.NewTask{Title: "x", Source: pingan.TaskFromMeeting, Type: "weekly", LeadUnit: fx.Township.Code}, "type"},
	}
	for _, c := range bad {
		_, err := e.db.Tasks.IssueTask(ctx, c.actor, &c.in)
		t.Run(c.name, func(t *testing.T) { wantField(t, err, c.field) })
	}
	if _, err := e.db.Tasks.IssueTask(ctx, fx.TownshipHandler, &pingan.NewTask{Title: "x", Source: pingan.TaskFromMeeting,
		LeadUnit: fx.Village.Code}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a handler issued a task: %v", err)
	}
	if n := countTasks(t, e, fx.CountyDispatcher); n != 1 {
		t.Fatalf("%d tasks after the refused ones, want 1", n)
	}

	// A monthly quantified task of the key-task list: 12 milestones a
	// month apart, the last due a year on.
	q, err := e.db.Tasks.IssueTask(ctx, fx.CityLeader, &pingan.NewTask{Title: "完成老旧小区改造", Source: pingan.TaskFromKeyList,
		ListYear: 2026, Type: pingan.TaskTypeMonthly, Target: 120, TargetUnit: "户", LeadUnit: fx.County.Code})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Plan) != 12 || !q.Quantified || q.Plan[11].Share != 100 || pingan.Day(q.Plan[0].Due) < "2026-04-02" {
		t.Fatalf("monthly plan %+v", q.Plan)
	}

	// Outside the jurisdiction: not found.
	if _, _, err := e.db.Tasks.FindTask(ctx, fx.OtherDispatcher, k.ID); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county read the task: %v", err)
	}
	if _, err := e.db.Tasks.ActOnTask(ctx, fx.OtherHandler, k.ID, &pingan.TaskAction{Step: pingan.TaskStepSign}); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county signed the task: %v", err)
	}
}

func testTaskLoop(t *testing.T, e *env) {
	fx := e.fx
	k := new13710(t, e)
	act := func(u *pingan.User, a pingan.TaskAction) (*pingan.Task, error) {
		return e.db.Tasks.ActOnTask(ctx, u, k.ID, &a)
	}
	must := func(u *pingan.User, a pingan.TaskAction) *pingan.Task {
		t.Helper()
		x, err := act(u, a)
		if err != nil {
			t.Fatalf("%s by %s: %v", a.Step, u.Username, err)
		}
		return x
	}
	pct := func(p int) *int { return &p }

	if _, err := act(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: pct(10)}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("progress before signing: %v", err)
	}
	x := must(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepSign})
	if x.State != pingan.TaskDoing {
		t.Fatalf("state %s after the lead signed", x.State)
	}
	if _, err := act(fx.Mediator, pingan.TaskAction{Step: pingan.TaskStepSign}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("signed twice: %v", err)
	}
	must(fx.CountyHandler, pingan.TaskAction{Step: pingan.TaskStepSign})
	_, err := act(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: pct(120)})
	wantField(t, err, "note")
	_, err = act(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: pct(50),
		Evidence: []pingan.Upload{{Name: "x.txt", Data: []byte("not a picture")}}})
	wantField(t, err, "evidence")
	// A PNG's first bytes alone do not make evidence: the image decodes.
	_, err = act(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: pct(50), Note: "现场",
		Evidence: []pingan.Upload{{Name: "现场.png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")}}})
	wantField(t, err, "evidence")
	png := storetest.PNG("任务现场")
	x = must(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: pct(50), Note: "已完成一半",
		Evidence: []pingan.Upload{{Name: "现场.png", Data: png}}})
	if x.Percent != 50 || x.Plan[1].MetAt == nil {
		t.Fatalf("after the report: %d%%, plan %+v", x.Percent, x.Plan)
	}
	_, evs, err := e.db.Tasks.FindTask(ctx, fx.CountyLeader, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Step != pingan.TaskStepProgress || len(last.Evidence) != 1 {
		t.Fatalf("timeline's last %+v", last)
	}
	if _, typ, err := e.db.Tasks.TaskEvidence(ctx, fx.CountyLeader, k.ID, last.Evidence[0].Sum); err != nil || typ != "image/png" {
		t.Fatalf("evidence: %q %v", typ, err)
	}
	if _, err := act(fx.CountyHandler, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "完成"}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Fatalf("a cooperating unit finished: %v", err)
	}
	_, err = act(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepFinish})
	wantField(t, err, "note")
	must(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "整治完成"})
	if _, err := act(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepVerify}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Fatalf("the lead unit verified its own task: %v", err)
	}
	_, err = act(fx.CountyDispatcher, pingan.TaskAction{Step: pingan.TaskStepSendBack})
	wantField(t, err, "note")
	x = must(fx.CountyDispatcher, pingan.TaskAction{Step: pingan.TaskStepSendBack, Note: "缺少整治前后对比照片"})
	if x.State != pingan.TaskDoing || x.SentBack != 1 {
		t.Fatalf("after send back %s %d", x.State, x.SentBack)
	}
	if _, err := act(fx.CountyDispatcher, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "x", Version: 1}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("an old version was taken: %v", err)
	}
	must(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: pct(100)})
	must(fx.TownshipHandler, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "已补充照片"})
	x = must(fx.CountyLeader, pingan.TaskAction{Step: pingan.TaskStepVerify})
	if x.State != pingan.TaskClosed {
		t.Fatalf("state %s", x.State)
	}
	if _, err := act(fx.CountyDispatcher, pingan.TaskAction{Step: pingan.TaskStepCancel, Note: "x"}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("cancelled a closed task: %v", err)
	}

	// The counters: of the township, the county and the city alike.
	for _, u := range []*pingan.User{fx.TownshipDispatcher, fx.CountyLeader, fx.CityLeader} {
		c, err := e.db.Tasks.TaskCounts(ctx, u, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		d := c.Deployment
		if d.Issued != 1 || d.Signed != 1 || d.Done != 1 || d.OnTime != 1 || d.SentBack != 1 || d.Open != 0 || d.Behind != 0 || c.Quantified.Issued != 0 {
			t.Errorf("%s counts %+v", u.Username, c)
		}
	}
	l, err := e.db.Tasks.TaskList(ctx, fx.CountyLeader, "", 2026)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range l.Lines {
		if line.Code == fx.Township.Code {
			found = line.Deployment.Done == 1
		}
	}
	if !found {
		t.Errorf("the township's line %+v", l.Lines)
	}
}

func testTaskWatch(t *testing.T, e *env) {
	fx := e.fx
	k := new13710(t, e)
	// Wednesday 4 March: the deployment (due the 3rd) was missed.
	now := e.clock.Advance(48 * time.Hour)
	n, err := e.db.Tasks.MarkOverdue(ctx, now, 0)
	if err != nil || n != 1 {
		t.Fatalf("marked %d, %v; want 1", n, err)
	}
	if n, _ := e.db.Tasks.MarkOverdue(ctx, now, 0); n != 0 {
		t.Fatalf("marked %d again", n)
	}
	x, evs, err := e.db.Tasks.FindTask(ctx, fx.TownshipHandler, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if x.Escalated != pingan.EscalateUrge || !x.Plan[0].Missed || evs[len(evs)-1].Step != pingan.TaskStepUrge {
		t.Fatalf("after the first miss: escalation %d, plan %+v, last step %s", x.Escalated, x.Plan, evs[len(evs)-1].Step)
	}
	// Monday 9 March: the first feedback (due the 5th) missed too: 督办.
	now = e.clock.Advance(5 * 24 * time.Hour)
	if n, err := e.db.Tasks.MarkOverdue(ctx, now, 0); err != nil || n != 1 {
		t.Fatalf("marked %d, %v", n, err)
	}
	x, _, _ = e.db.Tasks.FindTask(ctx, fx.TownshipHandler, k.ID)
	if x.Escalated != pingan.EscalateSupervise || !x.Behind || x.Expected < 40 {
		t.Fatalf("after the second miss: escalation %d behind %v expected %d", x.Escalated, x.Behind, x.Expected)
	}
	behind, err := e.db.Tasks.FindTasks(ctx, fx.CountyDispatcher, pingan.TaskFilter{Behind: true})
	if err != nil || len(behind) != 1 {
		t.Fatalf("behind list %d %v", len(behind), err)
	}
	c, err := e.db.Tasks.TaskCounts(ctx, fx.CountyLeader, "", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Deployment; d.Missed != 2 || d.Urged != 1 || d.Supervise != 1 || d.Behind != 1 || d.Open != 1 {
		t.Fatalf("counts %+v", d)
	}
	// Signing and reporting on schedule clears the flag, and the counter.
	pct := 80
	if _, err := e.db.Tasks.ActOnTask(ctx, fx.TownshipHandler, k.ID, &pingan.TaskAction{Step: pingan.TaskStepSign}); err != nil {
		t.Fatal(err)
	}
	x, err = e.db.Tasks.ActOnTask(ctx, fx.TownshipHandler, k.ID, &pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: &pct})
	if err != nil || x.Behind {
		t.Fatalf("after the report: behind %v, %v", x != nil && x.Behind, err)
	}
	c, _ = e.db.Tasks.TaskCounts(ctx, fx.CountyLeader, "", 2026)
	if c.Deployment.Behind != 0 {
		t.Fatalf("behind counter %d", c.Deployment.Behind)
	}
	// A cancelled task is watched no more.
	if _, err := e.db.Tasks.ActOnTask(ctx, fx.CountyDispatcher, k.ID, &pingan.TaskAction{Step: pingan.TaskStepCancel, Note: "情况变化"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.Tasks.MarkOverdue(ctx, e.clock.Advance(30*24*time.Hour), 0); n != 0 {
		t.Fatalf("a cancelled task's milestones marked: %d", n)
	}
	c, _ = e.db.Tasks.TaskCounts(ctx, fx.CountyLeader, "", 2026)
	if c.Deployment.Open != 0 || c.Deployment.Cancelled != 1 {
		t.Fatalf("counts after cancel %+v", c.Deployment)
	}
}
