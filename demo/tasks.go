package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// The demo's supervised work tasks (督办事项, docs/tasks.md): over the
// history, every few days a county's leader or centre issues a 13710 task
// (批示 or 会议决定) to one of its townships or departments, now and then
// with a cooperating unit; and on the year's first working days the city
// issues its key-task list (重点任务清单): quantified tasks with monthly
// milestones and a target for each county, and deployment tasks. The units
// sign, report, finish; the issuer verifies or sends back; some units are
// slow, so the watch (run once a simulated day) marks their missed
// milestones and escalates 催办 → 督办 → 通报. Everything is written through
// the task service on the clock of each step.

// taskWatch is the store's watch pass, when the service has it.
type taskWatch interface {
	MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error)
}

// demoTaskTitles are the titles of the 13710 tasks, matters of work.
var demoTaskTitles = []string{"整治农贸市场周边占道经营", "排查辖区群租房消防隐患", "化解拖欠农民工工资纠纷", "清理校园周边无证摊点",
	"落实重点路段夜间巡逻", "核查“三无”小区物业管理", "整改沿街商铺燃气安全隐患", "推进矛盾纠纷多元化解中心建设",
	"开展反诈宣传进社区", "排查独居老人家中用电安全", "规范网格员入户走访记录", "整治河道非法采砂"}

// demoKeyTasks are the city's quantified key tasks: a title and a target.
var demoKeyTasks = []struct {
	title, unit string
	target      int64
}{
	{"完成老旧小区改造", "户", 120}, {"建成标准化综治中心", "个", 12}, {"培训专职网格员", "人", 300},
	{"安装公共区域视频监控", "处", 80}, {"创建平安村（社区）", "个", 40},
}

// taskPlan is one task to write: who issues it and when, and how its units behave.
type demoTask struct {
	at     time.Time
	issuer *pingan.User
	in     *pingan.NewTask
	lead   *pingan.User // acts for the lead unit
	co     *pingan.User // acts for the cooperating unit, or nil
	slow   bool         // signs and reports late
	stall  bool         // never finishes
	back   bool         // is sent back once
}

// taskStep is a step due at a time.
type taskStep struct {
	at time.Time
	fn func() error
}

func seedTasks(ctx context.Context, svc Services, clock *Clock, c *city, start, end time.Time, seed uint64) error {
	if svc.Tasks == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 28))
	defer clock.Set(end)
	today := midnight(end)
	var plans []*demoTask
	actorOf := func(code string) *pingan.User {
		if hs := c.staff.handlers[code]; len(hs) > 0 {
			return hs[0]
		}
		return nil
	}
	// 13710 tasks of the counties.
	var counties []*place
	c.top.walk(func(p *place) {
		if p.level() == pingan.LevelCounty {
			counties = append(counties, p)
		}
	})
	for day := midnight(start).AddDate(0, 0, 2); day.Before(today); day = day.AddDate(0, 0, 3+rng.IntN(4)) {
		if len(counties) == 0 {
			break
		}
		county := counties[rng.IntN(len(counties))]
		issuer := c.staff.dispatcher[county.unit.Code]
		src := pingan.TaskFromMeeting
		if l := c.staff.leader[county.unit.Code]; l != nil && rng.IntN(2) == 0 {
			issuer, src = l, pingan.TaskFromInstruction
		}
		var leads []string
		for _, ch := range county.children {
			if actorOf(ch.unit.Code) != nil {
				leads = append(leads, ch.unit.Code)
			}
		}
		for _, d := range county.depts {
			if actorOf(d.Code) != nil {
				leads = append(leads, d.Code)
			}
		}
		slices.Sort(leads)
		if issuer == nil || len(leads) == 0 {
			continue
		}
		lead := leads[rng.IntN(len(leads))]
		p := &demoTask{at: day.Add(time.Duration(9+rng.IntN(7)) * time.Hour), issuer: issuer, lead: actorOf(lead),
			in:   &pingan.NewTask{Title: demoTaskTitles[rng.IntN(len(demoTaskTitles))], Source: src, LeadUnit: lead, Content: "按要求限时办结，逐级反馈"},
			slow: rng.IntN(5) == 0, stall: rng.IntN(12) == 0, back: rng.IntN(8) == 0}
		if co := leads[rng.IntN(len(leads))]; co != lead && rng.IntN(3) == 0 {
			p.in.CoUnits, p.co = []string{co}, actorOf(co)
		}
		plans = append(plans, p)
	}
	// The city's key-task list of the last year of the history.
	if l := c.staff.leader[c.top.unit.Code]; l != nil {
		year := today.Year()
		first := time.Date(year, 1, 5, 10, 0, 0, 0, pingan.CST)
		if first.Before(start) {
			first = midnight(start).AddDate(0, 0, 1).Add(10 * time.Hour)
		}
		for i, county := range counties {
			lead := actorOf(county.unit.Code)
			if lead == nil {
				if d := c.staff.dispatcher[county.unit.Code]; d != nil {
					lead = d
				} else {
					continue
				}
			}
			k := demoKeyTasks[i%len(demoKeyTasks)]
			plans = append(plans, &demoTask{at: first.Add(time.Duration(i) * time.Minute), issuer: l, lead: lead,
				in: &pingan.NewTask{Title: county.unit.Name + k.title, Source: pingan.TaskFromKeyList, ListYear: year,
					Type: pingan.TaskTypeMonthly, Target: k.target, TargetUnit: k.unit, Months: 12, LeadUnit: county.unit.Code},
				slow: i%3 == 2})
		}
	}

	// Each task's steps, all in the order of time, the watch once a day.
	var steps []taskStep
	hours := func(lo, hi int) time.Duration { return time.Duration(lo*60+rng.IntN((hi-lo)*60+1)) * time.Minute }
	for _, p := range plans {
		p := p
		var id int64
		act := func(u *pingan.User, a pingan.TaskAction) func() error {
			return func() error {
				if u == nil || id == 0 {
					return nil
				}
				_, err := svc.Tasks.ActOnTask(ctx, u, id, &a)
				if code := pingan.ErrorCode(err); code == pingan.ECONFLICT || code == pingan.EFORBIDDEN {
					return nil // a step the story no longer allows (cancelled, already signed)
				}
				return err
			}
		}
		steps = append(steps, taskStep{at: p.at, fn: func() error {
			t, err := svc.Tasks.IssueTask(ctx, p.issuer, p.in)
			if err != nil {
				return fmt.Errorf("demo task %q: %w", p.in.Title, err)
			}
			id = t.ID
			return nil
		}})
		late := time.Duration(0)
		if p.slow {
			late = 72 * time.Hour
		}
		at := p.at.Add(hours(1, 20) + late)
		steps = append(steps, taskStep{at, act(p.lead, pingan.TaskAction{Step: pingan.TaskStepSign})})
		if p.co != nil {
			steps = append(steps, taskStep{at.Add(hours(1, 30)), act(p.co, pingan.TaskAction{Step: pingan.TaskStepSign})})
		}
		if p.in.Type == pingan.TaskTypeMonthly {
			done := int64(0)
			for m := 1; m <= 12; m++ {
				done = min(p.in.Target, done+p.in.Target/12+int64(rng.IntN(3)))
				if p.slow {
					done = done * 3 / 4
				}
				q := done
				steps = append(steps, taskStep{p.at.AddDate(0, m, -3-rng.IntN(5)), act(p.lead, pingan.TaskAction{Step: pingan.TaskStepProgress,
					Quantity: &q, Note: "本月推进情况已报"})})
			}
			continue
		}
		for i, pct := range []int{20, 60, 100} {
			pc := pct
			at = at.Add(hours(20, 60) + late/2)
			steps = append(steps, taskStep{at, act(p.lead, pingan.TaskAction{Step: pingan.TaskStepProgress, Percent: &pc,
				Note: []string{"已部署，正在摸排", "已完成大部分整治", "已全部完成"}[i]})})
			if p.stall && i == 1 {
				break
			}
		}
		if p.stall {
			continue
		}
		at = at.Add(hours(2, 30))
		steps = append(steps, taskStep{at, act(p.lead, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "已按要求办结，附整改前后对比"})})
		if p.back {
			at = at.Add(hours(4, 40))
			steps = append(steps, taskStep{at, act(p.issuer, pingan.TaskAction{Step: pingan.TaskStepSendBack, Note: "佐证材料不全，请补充"})})
			at = at.Add(hours(20, 60))
			steps = append(steps, taskStep{at, act(p.lead, pingan.TaskAction{Step: pingan.TaskStepFinish, Note: "已补充佐证材料"})})
		}
		steps = append(steps, taskStep{at.Add(hours(4, 48)), act(p.issuer, pingan.TaskAction{Step: pingan.TaskStepVerify})})
	}
	slices.SortStableFunc(steps, func(a, b taskStep) int { return a.at.Compare(b.at) })
	watch, _ := svc.Tasks.(taskWatch)
	lastDay := time.Time{}
	for _, s := range steps {
		if !s.at.Before(end) {
			break
		}
		if d := midnight(s.at); watch != nil && d.After(lastDay) {
			if !lastDay.IsZero() {
				if _, err := watch.MarkOverdue(ctx, d.Add(time.Hour), 0); err != nil {
					return err
				}
			}
			lastDay = d
		}
		clock.Set(s.at)
		if err := s.fn(); err != nil {
			return err
		}
	}
	if watch != nil {
		if _, err := watch.MarkOverdue(ctx, end, 0); err != nil {
			return err
		}
	}
	return nil
}
