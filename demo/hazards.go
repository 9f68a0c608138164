package demo

import (
	"fmt"
	"time"

	"github.com/pingan-gov/pingan"
)

// The demo's safety hazards (安全隐患, docs/hazards.md) after they are
// signed for: most go through the rectification loop through the store's
// actions — 责令整改 with a deadline of a few working days and the party
// that must rectify (an enterprise, a property company or a county's
// department), 整改完成 with an after-photo, 复查 by the centre — most
// passing the first recheck (销号), some failing once (返工, a new
// deadline), some done late and a few left far past their deadline, so
// that the history ends with overdue rectifications still open. A handful
// are 重大隐患, listed for supervision (挂牌督办) at their report, with
// longer deadlines, so that some are open at the end. The rest are fixed
// on the spot (立行立改): the plain resolve of history.go.

// hzPlan is how a hazard's rectification will go.
type hzPlan struct {
	major bool // 重大隐患: always ordered, a longer deadline
	order bool // rectification is ordered; else fixed on the spot
	fail  bool // the first recheck fails (返工)
	late  bool // reported done a few days after the deadline
	stuck bool // left weeks past the deadline
}

// Shares of the hazards' ways.
const (
	hzMajorShare = 0.06 // 重大隐患
	hzOrderShare = 0.65 // of the general ones, ordered to rectify; the rest 立行立改
	hzFailShare  = 0.15 // fail the first recheck
	hzLateShare  = 0.12 // done late
	hzStuckShare = 0.08 // left weeks past the deadline
)

// planHazard draws the facts of a hazard report and how it will be
// rectified (called by report).
func (w *history) planHazard() (*pingan.HazardFacts, *hzPlan) {
	hp := &hzPlan{major: w.rng.Float64() < hzMajorShare}
	hp.order = hp.major || w.rng.Float64() < hzOrderShare
	hp.fail = w.rng.Float64() < hzFailShare
	switch x := w.rng.Float64(); {
	case x < hzLateShare:
		hp.late = true
	case x < hzLateShare+hzStuckShare:
		hp.stuck = true
	}
	f := &pingan.HazardFacts{Level: pingan.HazardGeneral}
	if hp.major {
		f.Level = pingan.HazardMajor
	}
	return f, hp
}

// rectifies reports whether the next step of c, a case in progress, is one
// of its rectification rather than the plain resolve.
func (w *history) rectifies(p *plan, c *pingan.Case) bool {
	return c.Kind == pingan.KindHazard && p.hz != nil && (p.hz.order || c.Hazard.Ordered())
}

// hzParty are the parties that rectify a hazard of each category:
// enterprises and property companies by name patterns (%s the village's
// short name, then a trade name), and the county's departments by suffix.
var hzParty = map[string]struct {
	enterprise []string
	property   bool
	depts      []string
	measures   []string
}{
	"AQ01": {enterprise: []string{"%s%s商贸有限公司", "%s%s餐饮店", "%s%s超市", "%s%s五金建材店"}, property: true, depts: []string{"YJ"},
		measures: []string{"清理消防通道堆放物，设置禁停标识", "规范电气线路敷设，拆除私拉乱接电线", "配齐并更换过期灭火器材，疏通安全出口", "设置电动自行车集中充电点，禁止楼道充电"}},
	"AQ02": {enterprise: []string{"%s%s燃气有限公司", "%s%s餐馆", "%s%s农家乐"}, depts: []string{"ZJ", "SJ"},
		measures: []string{"更换老化燃气管道和连接软管", "加装可燃气体报警和紧急切断装置", "规范液化气瓶存放，清理超量气瓶"}},
	"AQ03": {enterprise: []string{"%s%s建筑工程有限公司", "%s%s装饰工程有限公司"}, property: true, depts: []string{"ZJ"},
		measures: []string{"设置警戒区域，委托房屋安全鉴定并按意见加固", "停止违规加层施工，恢复原结构", "清除外墙松动瓷砖，修缮外立面"}},
	"AQ04": {enterprise: []string{"%s%s市政工程有限公司", "%s%s交通设施有限公司"}, depts: []string{"GA", "ZJ"},
		measures: []string{"修补破损路面，设置施工警示标志", "补装缺失井盖，恢复通行", "修复信号灯和交通标线"}},
}

// trades are the trade names of the demo's enterprises and property
// companies (字号).
var trades = []string{"顺达", "兴隆", "恒通", "鑫源", "福兴", "金诚", "宏盛", "安泰", "瑞丰", "嘉和", "永胜", "华康"}

// hazardStep takes the next step of a hazard's rectification.
func (w *history) hazardStep(p *plan, c *pingan.Case) error {
	stage := pingan.HazardStage("")
	if c.Hazard != nil {
		stage = c.Hazard.Stage
	}
	switch stage {
	case "":
		actor, in, err := w.rectifyOrder(p, c)
		if err != nil {
			return err
		}
		if c, err = w.act(actor, c, in); err != nil {
			return err
		}
		w.doneLater(p, c)
	case pingan.HazardRectifying:
		h := c.Hazard
		unit := c.AssignedUnit
		if h.Party.Kind == pingan.PartyDepartment && h.Party.Unit != "" {
			unit = h.Party.Unit // the department reports its own rectification
		}
		by, err := w.handler(unit)
		if err != nil {
			return err
		}
		note := fmt.Sprintf("%s已按要求完成整改：%s。附整改后照片，请复查", h.Party.Name, h.Measures)
		if _, err = w.act(by, c, pingan.ActionInput{Action: pingan.ActRectifyDone, Note: note,
			Photos: []pingan.Upload{{Name: "整改后照片.png", Data: sitePNG}}}); err != nil {
			return err
		}
		// 复查 on site within a few days.
		w.at(p, w.clock.Now().Add(w.hours(2, 60)))
	case pingan.HazardRechecking:
		// The centre holding the case rechecks on site: never the one who
		// reported it done, nor the party's department.
		disp := w.staff.dispatcher[w.centreOf(c, p).unit.Code]
		passed := !p.hz.fail
		in := pingan.ActionInput{Action: pingan.ActRecheck, Recheck: &pingan.RecheckInput{Passed: &passed}}
		if !passed {
			p.hz.fail = false
			dl := w.workdays(w.clock.Now(), 2+w.rng.IntN(4))
			in.Rectify = &pingan.RectifyInput{Deadline: &dl}
			in.Note = "复查发现整改不到位，隐患未彻底消除，责令限期重新整改"
		}
		var err error
		if c, err = w.act(disp, c, in); err != nil {
			return err
		}
		switch {
		case !passed:
			w.doneLater(p, c)
		case p.rate:
			w.later(p, w.hours(2, 72)) // 回访, as after a close
		}
	}
	return nil
}

// rectifyOrder answers who orders a hazard's rectification and the order:
// the assigned unit's handler naming an enterprise or a property company;
// or, where a county's or the city's centre holds the case, its dispatcher
// naming one of the county's departments now and then.
func (w *history) rectifyOrder(p *plan, c *pingan.Case) (*pingan.User, pingan.ActionInput, error) {
	party := hzParty[p.prof.code]
	if party.enterprise == nil {
		party = hzParty["AQ01"]
	}
	v := p.grid.village
	in := pingan.ActionInput{Action: pingan.ActRectifyOrder, Rectify: &pingan.RectifyInput{
		Measures: party.measures[w.rng.IntN(len(party.measures))]}}
	r := &in.Rectify.Party
	trade := trades[w.rng.IntN(len(trades))]
	switch x := w.rng.Float64(); {
	case party.property && x < 0.35:
		r.Kind, r.Name = pingan.PartyProperty, fmt.Sprintf("%s%s物业服务有限公司", shortName(v.unit.Name), trade)
	default:
		r.Kind, r.Name = pingan.PartyEnterprise, fmt.Sprintf(party.enterprise[w.rng.IntN(len(party.enterprise))], shortName(v.unit.Name), trade)
	}
	actor, err := w.handler(c.AssignedUnit)
	if err != nil {
		return nil, in, err
	}
	centre := w.centreOf(c, p)
	if county := v.county(); county != nil && centre.level() != pingan.LevelTownship && w.rng.Float64() < 0.5 {
		d := county.depts[party.depts[w.rng.IntN(len(party.depts))]]
		if disp := w.staff.dispatcher[centre.unit.Code]; d != nil && d.Code != c.AssignedUnit && disp != nil && len(w.staff.handlers[d.Code]) > 0 {
			actor = disp
			r.Kind, r.Name, r.Unit = pingan.PartyDepartment, d.Name, d.Code
		}
	}
	days := 1 + w.rng.IntN(5) // a few working days
	if p.hz.major {
		days = 15 + w.rng.IntN(26) // three to eight weeks
	}
	dl := w.workdays(w.clock.Now(), days)
	in.Rectify.Deadline = &dl
	return actor, in, nil
}

// doneLater plans the report that the rectification is done: well within
// its deadline, or a few days after it (late), or weeks after (stuck).
func (w *history) doneLater(p *plan, c *pingan.Case) {
	now, dl := w.clock.Now(), *c.Hazard.Deadline
	t := now.Add(time.Duration(float64(dl.Sub(now)) * (0.3 + 0.65*w.rng.Float64())))
	switch {
	case p.hz.stuck:
		p.hz.stuck = false
		t = dl.Add(w.hours(24*10, 24*40))
	case p.hz.late:
		p.hz.late = false
		t = dl.Add(w.hours(20, 24*5))
	}
	w.at(p, t)
}

// at plans the next step of a case at t, in office hours.
func (w *history) at(p *plan, t time.Time) {
	p.gen++
	w.push(event{at: w.office(t), kind: eventStep, id: p.id, gen: p.gen})
}

// workdays answers the end of the office day (18:00) n working days after
// from's day.
func (w *history) workdays(from time.Time, n int) time.Time {
	day := midnight(from)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if w.working(day) {
			n--
		}
	}
	return day.Add(18 * time.Hour)
}

// rectifyDue answers the hazards whose rectification deadline the deadline
// watch at at finds passed and marks (rectify_overdue), as far as the demo
// knows them.
func (w *history) rectifyDue(at time.Time) []string {
	var ids []string
	for id := range w.open {
		c := w.cases[id]
		if h := c.Hazard; !w.stale[id] && h != nil && h.Stage == pingan.HazardRectifying && h.Deadline != nil && h.Deadline.Before(at) &&
			(h.Watched == nil || !h.Watched.Equal(*h.Deadline)) {
			ids = append(ids, id)
		}
	}
	return ids
}

// rectifyWatched notes on the demo's copies what the watch did to them:
// late, watched for their deadline.
func (w *history) rectifyWatched(ids []string) {
	for _, id := range ids {
		c := *w.cases[id]
		h := *c.Hazard
		dl := *h.Deadline
		h.Late, h.Watched = true, &dl
		c.Hazard = &h
		w.cases[id] = &c
	}
}
