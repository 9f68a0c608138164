package demo

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// The demo's weekly 研判 (docs/briefings.md): the seat county and the
// town of the named accounts each hold their 研判会 on the Friday
// afternoon of the last eight weeks; each meeting records two decisions,
// the first turned into a 13710 task for one of the unit's townships,
// villages or departments, the second kept as a decision. Written through
// the briefing service on the clock of each meeting, so the figures each
// record freezes are those of its week.

// demoDecisions are the decisions' texts: matters of work.
var demoDecisions = []string{"对涉房逾期交房风险开展逐户走访，十日内形成化解方案", "集中排查在建工地欠薪隐患，春节前动态清零",
	"对本周聚集性纠纷所在网格加密巡查，每日报告", "督促相关部门落实重大风险包保责任，逐项销号",
	"组织矛盾纠纷大排查，重点排查邻里、婚姻家庭纠纷", "对超期未办结事项逐件督办，限期办结",
	"加强节假日期间重点场所安全检查", "完善预警信息签收反馈机制，压实属地责任"}

func seedBriefings(ctx context.Context, svc Services, clock *Clock, c *city, end time.Time, seed uint64) error {
	if svc.Briefings == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 29))
	defer clock.Set(end)
	type holder struct {
		unit  *place
		actor *pingan.User
		chair string
		leads []string
	}
	var holders []holder
	if seat := c.places[c.ref.seat]; seat != nil && c.staff.leader[seat.unit.Code] != nil {
		h := holder{unit: seat, actor: c.staff.leader[seat.unit.Code], chair: "区委政法委书记"}
		for _, ch := range seat.children {
			h.leads = append(h.leads, ch.unit.Code)
		}
		for _, d := range seat.depts {
			h.leads = append(h.leads, d.Code)
		}
		holders = append(holders, h)
	}
	if town := c.places[c.ref.town]; town != nil && c.staff.dispatcher[town.unit.Code] != nil {
		h := holder{unit: town, actor: c.staff.dispatcher[town.unit.Code], chair: "街道党工委副书记"}
		for _, ch := range town.children {
			h.leads = append(h.leads, ch.unit.Code)
		}
		holders = append(holders, h)
	}
	this := pingan.WeekOf(end)
	for i := 8; i >= 1; i-- {
		week := pingan.WeekBefore(this, i)
		monday, err := pingan.ParseWeek(week)
		if err != nil {
			return err
		}
		at := monday.AddDate(0, 0, 4).Add(15 * time.Hour) // Friday 15:00
		if at.After(end) {
			continue
		}
		for _, h := range holders {
			if len(h.leads) == 0 {
				continue
			}
			slices.Sort(h.leads)
			clock.Set(at)
			if _, err := svc.Briefings.RecordMeeting(ctx, h.actor, h.unit.unit.Code, week, &pingan.Meeting{On: pingan.Day(at),
				Chair: h.chair, Attendees: "综治中心、相关部门及乡镇（街道）负责同志", Summary: "通报本周风险、预警和超期事项，研判下周重点工作。"}); err != nil {
				return err
			}
			for k := range 2 {
				clock.Set(at.Add(time.Duration(30*(k+1)) * time.Minute))
				d := &pingan.NewDecision{Text: demoDecisions[rng.IntN(len(demoDecisions))], LeadUnit: h.leads[rng.IntN(len(h.leads))], Task: k == 0}
				if _, err := svc.Briefings.AddDecision(ctx, h.actor, h.unit.unit.Code, week, d); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
