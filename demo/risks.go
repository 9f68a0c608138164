package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// The demo's risk ledger (风险台账, docs/risks.md): every county's
// dispatcher registers two risks a month over the history (eight in all
// a month in a city of fewer counties, or a district), in its
// townships, each kept by the county's leader (包保) and a department or
// the township; the leader reviews each on the cadence of its level (red
// weekly …), now and then lowering it; most are resolved after some weeks
// and closed, a few stay in control, and some of those have missed their
// last review (the watch marks them overdue when the server starts). The
// seat county has two 稳评: one decided, whose identified risk went to the
// ledger, one still at its public notice. Everything goes through the
// services, on the clock of each step.

// riskTemplates are the matters of each field: a place's name is put
// before them. They name matters and places, never a person.
var riskTemplates = map[string][]string{
	"housing_delivery": {"某楼盘逾期交房业主聚集风险", "安置小区延期交付引发群体诉求", "商品房办证难遗留问题"},
	"labour":           {"建筑工地拖欠农民工工资", "企业停产欠薪劳资纠纷", "物流园区用工结算争议"},
	"mass_finance":     {"投资理财公司兑付困难", "养老服务机构预收费退费纠纷", "村镇合作社集资款兑付风险"},
	"conflict":         {"土地流转租金纠纷", "征地补偿标准争议", "小区物业费与停车管理矛盾"},
	"public_safety":    {"老旧商场消防通道堵塞隐患", "危旧房屋安全隐患", "自建房经营场所安全隐患"},
	"public_order":     {"城乡结合部治安复杂区域", "夜市周边打架滋事隐患", "网吧周边未成年人聚集隐患"},
}

// riskFieldDraw are the fields the demo draws from, the common ones more often.
var riskFieldDraw = []string{"housing_delivery", "labour", "labour", "mass_finance", "conflict", "conflict", "public_safety", "public_order"}

// riskLevelDraw: about one in ten red, a quarter orange, the rest yellow or blue.
var riskLevelDraw = []string{"red", "orange", "orange", "yellow", "yellow", "yellow", "yellow", "blue", "blue", "blue"}

// riskEvent is one step the demo takes on a risk, at its time.
type riskEvent struct {
	at   time.Time
	risk int // index into the plan
	step string
}

// riskPlan is a risk the demo registers and what becomes of it.
type riskPlan struct {
	in         *pingan.NewRisk
	dispatcher *pingan.User
	leader     *pingan.User
	id         int64
}

// seedRisks writes the ledger and the 稳评; it leaves the clock at end.
func seedRisks(ctx context.Context, svc Services, clock *Clock, c *city, start, end time.Time, seed uint64) error {
	if svc.Risks == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 26))
	defer clock.Set(end)
	days := map[string]int{}
	for l, d := range pingan.DefaultReviewDays {
		days[l] = d
	}
	var plans []*riskPlan
	var events []riskEvent
	months := int(end.Sub(start).Hours()/24/30) + 1
	counties := []*place{c.top} // a district that is its own city
	if c.top.level() != pingan.LevelCounty {
		counties = nil
		for _, p := range c.top.children {
			if p.level() == pingan.LevelCounty {
				counties = append(counties, p)
			}
		}
	}
	perMonth := max(2, 8/max(1, len(counties)))
	for _, county := range counties {
		if len(county.children) == 0 {
			continue
		}
		disp, leader := c.staff.dispatcher[county.unit.Code], c.staff.leader[county.unit.Code]
		if disp == nil || leader == nil {
			continue
		}
		for m := range months {
			for range perMonth {
				at := start.AddDate(0, 0, 30*m+rng.IntN(28)).Add(time.Duration(9+rng.IntN(8)) * time.Hour)
				if !at.Before(end) {
					continue
				}
				town := county.children[rng.IntN(len(county.children))]
				field := riskFieldDraw[rng.IntN(len(riskFieldDraw))]
				level := riskLevelDraw[rng.IntN(len(riskLevelDraw))]
				resp := town.unit.Code
				if d := county.depts[riskDepts[field]]; d != nil {
					resp = d.Code
				}
				ts := riskTemplates[field]
				in := &pingan.NewRisk{Title: town.unit.Name + ts[rng.IntN(len(ts))], Field: field, Unit: town.unit.Code, Level: level,
					Leader: leader.ID, Responsible: resp,
					Description: "经排查发现，需落实包保责任，定期研判，逐项化解。",
					Measures: []pingan.NewRiskMeasure{{Text: "建立工作专班，每周会商研判", Owner: "责任单位分管负责同志",
						Due: pingan.Day(at.AddDate(0, 0, 7+rng.IntN(21)))}}}
				i := len(plans)
				plans = append(plans, &riskPlan{in: in, dispatcher: disp, leader: leader})
				events = append(events, riskEvent{at, i, pingan.RiskRegister})
				// Its life: reviewed on the cadence until resolved after
				// 3 to 20 weeks; one in five is still in control at the
				// end, and a third of those missed their last review.
				life := time.Duration(21+rng.IntN(120)) * 24 * time.Hour
				stays := rng.IntN(5) == 0
				cadence := time.Duration(days[level]) * 24 * time.Hour
				t := at
				for {
					t = t.Add(cadence).Add(-time.Duration(rng.IntN(20)) * time.Hour)
					if !stays && t.After(at.Add(life)) || !t.Before(end) {
						break
					}
					if stays && t.Add(cadence).After(end) && rng.IntN(3) == 0 {
						break // the last review missed: overdue now
					}
					events = append(events, riskEvent{t, i, pingan.RiskReview})
				}
				if stays || !at.Add(life).Before(end) {
					continue
				}
				resolved := at.Add(life)
				events = append(events, riskEvent{resolved, i, pingan.RiskResolve})
				if closed := resolved.Add(time.Duration(2+rng.IntN(10)) * 24 * time.Hour); closed.Before(end) && rng.IntN(10) < 7 {
					events = append(events, riskEvent{closed, i, pingan.RiskCloseStep})
				}
			}
		}
	}
	slices.SortStableFunc(events, func(a, b riskEvent) int { return a.at.Compare(b.at) })
	for _, ev := range events {
		p := plans[ev.risk]
		clock.Set(ev.at)
		switch ev.step {
		case pingan.RiskRegister:
			r, err := svc.Risks.RegisterRisk(ctx, p.dispatcher, p.in)
			if err != nil {
				return fmt.Errorf("demo risk %q: %w", p.in.Title, err)
			}
			p.id = r.ID
		case pingan.RiskReview:
			a := &pingan.RiskAction{Step: pingan.RiskReview, Note: "包保领导研判：风险总体可控，继续落实措施。"}
			if p.in.Level != pingan.RiskBlue && rng.IntN(6) == 0 {
				a.Level = pingan.RiskLevels[pingan.RiskLevelRank(p.in.Level)+1] // eased: one level lower
				a.Note = "包保领导研判：主要诉求已回应，风险等级下调。"
				p.in.Level = a.Level
			}
			if _, err := svc.Risks.ActOnRisk(ctx, p.leader, p.id, a); err != nil {
				return fmt.Errorf("demo risk review %d: %w", p.id, err)
			}
		case pingan.RiskResolve:
			if _, err := svc.Risks.ActOnRisk(ctx, p.leader, p.id, &pingan.RiskAction{Step: pingan.RiskResolve,
				Note: "相关诉求已依法依规解决，群众情绪稳定。"}); err != nil {
				return fmt.Errorf("demo risk resolve %d: %w", p.id, err)
			}
		case pingan.RiskCloseStep:
			if _, err := svc.Risks.ActOnRisk(ctx, p.dispatcher, p.id, &pingan.RiskAction{Step: pingan.RiskCloseStep,
				Note: "经核查已化解，予以销号。"}); err != nil {
				return fmt.Errorf("demo risk close %d: %w", p.id, err)
			}
		}
	}
	return seedStability(ctx, svc, clock, c, end)
}

// riskDepts are the county departments (by suffix) that answer for a
// field; the township answers for the others.
var riskDepts = map[string]string{"housing_delivery": "ZJ", "public_order": "GA"}

// seedStability writes the seat county's two 稳评.
func seedStability(ctx context.Context, svc Services, clock *Clock, c *city, end time.Time) error {
	seat := c.places[c.ref.seat]
	if svc.Stability == nil || seat == nil || len(seat.children) == 0 {
		return nil
	}
	disp, leader := c.staff.dispatcher[seat.unit.Code], c.staff.leader[seat.unit.Code]
	if disp == nil || leader == nil {
		return nil
	}
	today := midnight(end)
	at := func(daysAgo int) { clock.Set(today.AddDate(0, 0, -daysAgo).Add(10 * time.Hour)) }
	at(60)
	s, err := svc.Stability.RegisterStability(ctx, disp, &pingan.NewStability{Title: seat.unit.Name + "老旧小区综合改造项目",
		Body: seat.unit.Name + "人民政府", Kind: "重大工程项目"})
	if err != nil {
		return fmt.Errorf("demo stability: %w", err)
	}
	town := seat.children[0].unit.Code
	steps := []struct {
		ago int
		a   pingan.StabilityAction
	}{
		{58, pingan.StabilityAction{Step: pingan.StabilityNotice, From: pingan.Day(today.AddDate(0, 0, -58)), To: pingan.Day(today.AddDate(0, 0, -48))}},
		{47, pingan.StabilityAction{Step: pingan.StabilityOpinions, Count: 214, Summary: "召开居民座谈会 6 场，多数居民支持改造，关注施工期间出行和加装电梯费用分摊。"}},
		{40, pingan.StabilityAction{Step: pingan.StabilityIdentify, Items: []pingan.StabilityItemInput{
			{Text: "加装电梯费用分摊引发邻里矛盾", ToLedger: true, Risk: &pingan.NewRisk{Field: "conflict", Unit: town, Level: pingan.RiskYellow,
				Leader: leader.ID, Responsible: town}},
			{Text: "施工期间噪声扰民"}}}},
		{35, pingan.StabilityAction{Step: pingan.StabilityReport, Summary: "风险总体可控，需落实费用分摊协商机制和文明施工措施。", Level: pingan.StabilityLow}},
		{30, pingan.StabilityAction{Step: pingan.StabilityDecide, Decision: pingan.DecideWithMeasure}},
	}
	for _, st := range steps {
		at(st.ago)
		if _, err := svc.Stability.ActOnStability(ctx, disp, s.ID, &st.a); err != nil {
			return fmt.Errorf("demo stability %s: %w", st.a.Step, err)
		}
	}
	at(5)
	s, err = svc.Stability.RegisterStability(ctx, disp, &pingan.NewStability{Title: seat.unit.Name + "城区集中供热价格调整",
		Body: seat.unit.Name + "发展和改革局", Kind: "重大政策"})
	if err != nil {
		return fmt.Errorf("demo stability: %w", err)
	}
	at(3)
	_, err = svc.Stability.ActOnStability(ctx, disp, s.ID, &pingan.StabilityAction{Step: pingan.StabilityNotice,
		From: pingan.Day(today.AddDate(0, 0, -3)), To: pingan.Day(today.AddDate(0, 0, 7))})
	return err
}
