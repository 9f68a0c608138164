package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Mediation in the demo city (矛盾纠纷多元化解, docs/disputes.md): the
// mediation organisations are units — each township's people's mediation
// committee (调委会), those of every third village and of the showcase
// community, and in each county a medical (医调委), a traffic (交调委) and a
// labour dispute mediation centre — with their mediators. A centre
// dispatches each dispute to the nearest organisation of the kind its
// category names, else to the village's or the township's committee; the
// mediator holds one to three sessions and ends them in an agreement (about
// nine in ten), a failure or a refusal with the route the parties were told
// of; after an agreement the parties perform its terms, some apply for
// judicial confirmation, and most are visited again about thirty days on.
// Everything goes through the case service's actions.

// orgKinds are the organisations of a county, by the suffix of their codes.
var orgKinds = []struct {
	suffix, name string
	kind         pingan.OrgType
}{
	{"YTW", "医疗纠纷人民调解委员会", pingan.OrgMedical},
	{"JTW", "道路交通事故纠纷人民调解委员会", pingan.OrgTraffic},
	{"LDZ", "劳动人事争议调解中心", pingan.OrgLabour},
}

// addMediationOrgs hangs the mediation organisations on the places of the
// tree and answers them, to import with the other units.
func addMediationOrgs(top *place, byCode map[string]*place) []*pingan.Unit {
	var out []*pingan.Unit
	add := func(p *place, u *pingan.Unit) {
		p.orgs = append(p.orgs, u)
		byCode[u.Code] = p
		out = append(out, u)
	}
	top.walk(func(p *place) {
		switch p.level() {
		case pingan.LevelCounty:
			for _, k := range orgKinds {
				add(p, &pingan.Unit{Code: p.unit.Code + "-" + k.suffix, Name: p.unit.Name + k.name, Level: pingan.LevelDepartment,
					ParentCode: p.unit.Code, OrgType: k.kind})
			}
		case pingan.LevelTownship:
			add(p, &pingan.Unit{Code: p.unit.Code + "-TJ", Name: p.unit.Name + "人民调解委员会", Level: pingan.LevelDepartment,
				ParentCode: p.unit.Code, OrgType: pingan.OrgTownship})
			for i, v := range p.children {
				if v.level() == pingan.LevelVillage && (i%3 == 0 || v.unit.Code == showcaseOf(p)) {
					add(v, &pingan.Unit{Code: v.unit.Code + "-TJ", Name: shortName(v.unit.Name) + "人民调解委员会",
						Level: pingan.LevelDepartment, ParentCode: v.unit.Code, OrgType: pingan.OrgVillage})
				}
			}
		}
	})
	return out
}

// showcaseOf answers the first community of the township, which the named
// accounts' showcase is when the township is theirs: it always has a
// committee of its own.
func showcaseOf(t *place) string {
	for _, v := range t.children {
		if community(v) && !park(v) {
			return v.unit.Code
		}
	}
	return ""
}

// hireMediators creates the mediators (调解员) of every organisation: its
// head, who signs for the disputes dispatched to it (mediator and
// handler), and two or four more.
func (s *staff) hireMediators(top *place, add func(username, name, unit string, roles ...pingan.Role) (*pingan.User, error), rng *rand.Rand) error {
	s.mediators = map[string][]string{}
	var err error
	top.walk(func(p *place) {
		for _, o := range p.orgs {
			if err != nil {
				return
			}
			n := 3
			if o.OrgType == pingan.OrgTownship || o.OrgType == pingan.OrgMedical {
				n = 5 // a team of five (五人小组)
			}
			for i := range n {
				name := personName(rng)
				username := "m_" + strings.ReplaceAll(o.Code, "-", "_")
				roles := []pingan.Role{pingan.RoleMediator}
				if i == 0 {
					roles = append(roles, pingan.RoleHandler) // the head signs for the organisation
				} else {
					username += fmt.Sprintf("_%d", i+1)
				}
				var u *pingan.User
				if u, err = add(username, o.Name+" "+name, o.Code, roles...); err != nil {
					return
				}
				if i == 0 {
					s.handlers[o.Code] = append([]*pingan.User{u}, s.handlers[o.Code]...)
				}
				s.mediators[o.Code] = append(s.mediators[o.Code], name)
			}
		}
	})
	return err
}

// mediationOrg answers the organisation a centre dispatches the dispute
// c to: walking up from its village to the centre, the first of the kind
// its category names, else the first people's mediation committee; ""
// when there is none in the centre's reach.
func (w *history) mediationOrg(c *pingan.Case, v, centre *place) string {
	want := pingan.OrgType("")
	if cat := w.cats[c.Category]; cat != nil {
		want = cat.OrgType
	}
	find := func(match func(pingan.OrgType) bool) string {
		for q := v; q != nil; q = q.parent {
			for _, o := range q.orgs {
				if match(o.OrgType) {
					return o.Code
				}
			}
			if q == centre {
				break
			}
		}
		return ""
	}
	if want != "" && want != pingan.OrgVillage && want != pingan.OrgTownship {
		if code := find(func(t pingan.OrgType) bool { return t == want }); code != "" {
			return code
		}
	}
	return find(func(t pingan.OrgType) bool { return t == pingan.OrgVillage || t == pingan.OrgTownship })
}

// isOrg reports whether the unit is a mediation organisation.
func (w *history) isOrg(code string) bool {
	_, ok := w.staff.mediators[code]
	return ok
}

// medPlan is how a dispute's mediation goes.
type medPlan struct {
	round    int // the reopenings it was planned for
	sessions int // left to hold, the last one ending the mediation
	outcome  pingan.MediationOutcome
	// todo are the steps after the outcome: performance, confirmation,
	// the follow-up visit, in time order.
	todo []followUp
}

// followUp is a step after the outcome of a mediation.
type followUp struct {
	at time.Time
	in pingan.ActionInput
}

// mediationPlaces are where sessions are held; "%s" is the organisation.
var mediationPlaces = []string{"天理良心调解室", "%s调解室", "%s调解室", "村民委员会会议室", "综治中心矛盾纠纷调解室", "当事人家中"}

// termTexts are agreed terms, by kind of dispute (the first letter of the
// category: marriage and family 01, neighbours 02 …), "%d" an amount in
// yuan.
var termTexts = map[string][]string{
	"01": {"双方同意协议离婚，婚生子由女方抚养，男方每月支付抚养费%d元", "男方于约定日期前将共同存款的一半计%d元转至女方账户", "兄弟三人按月轮流赡养母亲，每人每月另付生活费%d元"},
	"02": {"被申请人于约定日期前修复漏水管道并赔偿申请人装修损失%d元", "被申请人于约定日期前清理楼道堆放物品，今后不再占用公共通道", "双方同意共同出资%d元疏通排水沟，今后互不阻挡排水"},
	"04": {"物业公司于约定日期前维修电梯并减免业主物业费%d元", "业主于约定日期前补缴物业费%d元，物业公司撤回催告"},
	"05": {"被申请人于约定日期前一次性赔偿申请人医疗费、误工费等共计%d元", "医院于约定日期前一次性补偿患者%d元，患者不再就此次诊疗主张其他权利"},
	"07": {"用工方于约定日期前一次性支付拖欠工资%d元", "用工方于约定日期前支付经济补偿金%d元并出具离职证明"},
	"09": {"双方按测量结果确定宅基地界址，被申请人于约定日期前拆除越界部分", "被申请人于约定日期前补偿申请人青苗损失%d元"},
	"11": {"施工方于约定日期前修复受损房屋并赔偿%d元"},
}

// termsFor answers the terms of an agreement on day for a dispute of the
// category: one to three, each due within 45 days.
func (w *history) termsFor(category string, day time.Time) []pingan.Term {
	texts := termTexts[category[:min(2, len(category))]]
	if len(texts) == 0 {
		texts = termTexts["02"]
	}
	n := 1 + w.rng.IntN(min(3, len(texts)))
	terms := make([]pingan.Term, 0, n+1)
	for _, i := range w.rng.Perm(len(texts))[:n] {
		text := texts[i]
		if strings.Contains(text, "%d") {
			text = fmt.Sprintf(text, (1+w.rng.IntN(60))*500)
		}
		how := []string{"一次性转账", "现金当面交付", "分两期转账", "当场履行"}[w.rng.IntN(4)]
		terms = append(terms, pingan.Term{Text: text, By: "被申请人", How: how, Due: day.AddDate(0, 0, w.rng.IntN(46))})
	}
	if w.rng.Float64() < 0.4 {
		terms = append(terms, pingan.Term{Text: "本协议履行完毕后，双方就此纠纷再无其他争议", By: "双方当事人", How: "当场履行", Due: day})
	}
	return terms
}

// session answers a session of the organisation held an hour or two ago.
func (w *history) session(org string, result pingan.SessionResult) *pingan.MediationSession {
	names := w.staff.mediators[org]
	team := names[:min(len(names), 1+w.rng.IntN(len(names)))]
	place := mediationPlaces[w.rng.IntN(len(mediationPlaces))]
	if strings.Contains(place, "%s") {
		place = fmt.Sprintf(place, w.orgName(org))
	}
	record := []string{
		"调解员告知双方权利义务，双方分别陈述事实和诉求，调解员释法明理、耐心疏导",
		"背对背听取双方意见后面对面协商，双方就主要分歧逐项沟通",
		"邀请村（居）干部、法律顾问参与调解，结合法律规定和当地习惯提出调解方案",
	}[w.rng.IntN(3)]
	return &pingan.MediationSession{HeldAt: w.clock.Now().Add(-w.hours(0.5, 2)), Place: place, Mediators: slices.Clone(team),
		Attendees: "申请人、被申请人及其近亲属", RightsNotified: true, Record: record, Result: result}
}

// orgName answers the name of the organisation.
func (w *history) orgName(code string) string {
	if p := w.places[code]; p != nil {
		for _, o := range p.orgs {
			if o.Code == code {
				return o.Name
			}
		}
	}
	return code
}

// mediateStep takes the mediation's next step on the dispute c in
// progress at its organisation: a session, or the one that ends it. A
// dispute back in progress with its agreement (sent back for rework) is
// reported again as resolved.
func (w *history) mediateStep(p *plan, c *pingan.Case) error {
	head, err := w.handler(c.AssignedUnit)
	if err != nil {
		return err
	}
	if c.Mediation != nil && c.Mediation.Outcome == pingan.OutcomeAgreement {
		// Back in progress with its agreement: the terms whose day has
		// come are recorded, then the result again.
		for p.med != nil && len(p.med.todo) > 0 && p.med.todo[0].in.Action == pingan.ActPerform && !p.med.todo[0].at.After(w.clock.Now()) {
			in := p.med.todo[0].in
			p.med.todo = p.med.todo[1:]
			if c, err = w.act(head, c, in); err != nil {
				return err
			}
		}
		if _, err := w.act(head, c, pingan.ActionInput{Action: pingan.ActResolve, Result: "调解协议有效，已督促当事人按约履行"}); err != nil {
			return err
		}
		w.later(p, w.hours(12, 72))
		return nil
	}
	if p.med == nil || p.med.round != c.Reopens+c.Reworks {
		p.med = &medPlan{round: c.Reopens + c.Reworks, sessions: 1 + w.rng.IntN(3), outcome: pingan.OutcomeAgreement}
		switch r := w.rng.Float64(); {
		case r < 0.03:
			p.med.outcome = pingan.OutcomeRefused
		case r < 0.09:
			p.med.outcome = pingan.OutcomeFailed
		}
	}
	m := p.med
	referral := []pingan.Referral{pingan.ReferLitigation, pingan.ReferLitigation, pingan.ReferArbitration, pingan.ReferAdministrative}[w.rng.IntN(4)]
	if strings.HasPrefix(c.Category, "07") {
		referral = pingan.ReferArbitration // 劳动争议: 劳动仲裁 first
	}
	now := w.clock.Now()
	day := pingan.DayOf(now)
	switch {
	case m.outcome == pingan.OutcomeRefused:
		_, err = w.act(head, c, pingan.ActionInput{Action: pingan.ActRefuseMediation, Referral: referral,
			Reason: "被申请人明确表示不同意调解，要求通过法律途径解决"})
	case m.sessions > 1:
		m.sessions--
		if _, err = w.act(head, c, pingan.ActionInput{Action: pingan.ActMediate, Session: w.session(c.AssignedUnit, pingan.SessionContinue)}); err != nil {
			return err
		}
		w.later(p, w.within(c, 0.15, 0.35))
		return nil
	case m.outcome == pingan.OutcomeFailed:
		_, err = w.act(head, c, pingan.ActionInput{Action: pingan.ActMediationFail, Referral: referral,
			Session: w.session(c.AssignedUnit, pingan.SessionFailed), Reason: "双方对赔偿数额分歧过大，经多次调解未能达成一致"})
		if err == nil && w.rng.Float64() < 0.5 {
			// 回访: some settle later between themselves.
			res := pingan.RevisitUnsettled
			if w.rng.Float64() < 0.3 {
				res = pingan.RevisitSettled
			}
			note := map[pingan.RevisitResult]string{pingan.RevisitSettled: "回访得知双方已自行和解，矛盾已化解",
				pingan.RevisitUnsettled: "回访得知当事人已向法院起诉"}[res]
			m.todo = append(m.todo, followUp{at: now.Add(w.hours(20*24, 40*24)), in: pingan.ActionInput{Action: pingan.ActRevisit,
				Revisit: &pingan.Revisit{Result: res, Note: note}}})
		}
	default:
		terms := w.termsFor(c.Category, day)
		a := &pingan.Agreement{Written: w.rng.Float64() < 0.85, Facts: c.Title + "。" + "双方就此发生争议，经人民调解委员会调解，自愿达成如下协议。",
			Terms: terms, SignedOn: day, Mediators: slices.Clone(w.staff.mediators[c.AssignedUnit][:1])}
		if _, err = w.act(head, c, pingan.ActionInput{Action: pingan.ActAgree, Agreement: a,
			Session: w.session(c.AssignedUnit, pingan.SessionAgreement)}); err != nil {
			return err
		}
		last := day
		for i, t := range terms {
			// Performed on a day up to its own (when that day has come
			// by the end of the history, else it waits).
			d := t.Due.AddDate(0, 0, -w.rng.IntN(int(t.Due.Sub(day).Hours()/24)+1))
			on := d
			m.todo = append(m.todo, followUp{at: d.Add(time.Duration(9+w.rng.IntN(8)) * time.Hour), in: pingan.ActionInput{Action: pingan.ActPerform,
				Term: i + 1, PerformedOn: &on, Note: "当事人已按协议履行"}})
			if d.After(last) {
				last = d
			}
		}
		if w.rng.Float64() < 0.25 { // 司法确认 (art. 33), within 30 days
			applied := now.Add(w.hours(3*24, 20*24))
			m.todo = append(m.todo, followUp{at: applied, in: pingan.ActionInput{Action: pingan.ActConfirm, Confirmation: pingan.ConfirmApplied,
				Note: "双方当事人共同向人民法院申请司法确认"}})
			answer := pingan.ConfirmConfirmed
			if w.rng.Float64() < 0.05 {
				answer = pingan.ConfirmRefused
			}
			m.todo = append(m.todo, followUp{at: applied.Add(w.hours(5*24, 15*24)), in: pingan.ActionInput{Action: pingan.ActConfirm, Confirmation: answer}})
		}
		if w.rng.Float64() < 0.85 { // 回访 (art. 31), about thirty days on
			at := now.Add(w.hours(25*24, 35*24))
			if l := last.Add(26 * time.Hour); l.After(at) {
				at = l
			}
			m.todo = append(m.todo, followUp{at: at, in: pingan.ActionInput{Action: pingan.ActRevisit,
				Revisit: &pingan.Revisit{Result: pingan.RevisitSettled, Note: "电话回访双方当事人，协议已履行，双方关系和睦"}}})
		}
	}
	if err != nil {
		return err
	}
	slices.SortStableFunc(m.todo, func(a, b followUp) int { return a.at.Compare(b.at) })
	w.later(p, w.hours(12, 72)) // the centre verifies and closes
	return nil
}

// followUpStep takes the follow-up of the dispute c whose time has come
// (performance, confirmation, the visit) and answers whether it took one.
func (w *history) followUpStep(p *plan, c *pingan.Case) (bool, error) {
	m := p.med
	if m == nil || len(m.todo) == 0 || m.todo[0].at.After(w.clock.Now()) || c.Mediation == nil || c.Mediation.Outcome == "" {
		return false, nil
	}
	f := m.todo[0]
	m.todo = m.todo[1:]
	head, err := w.handler(c.AssignedUnit)
	if err != nil {
		return true, err
	}
	in := f.in
	if in.Revisit != nil {
		r := *in.Revisit
		r.On = pingan.DayOf(w.clock.Now())
		if r.Result == pingan.RevisitSettled && c.Mediation.Outcome == pingan.OutcomeAgreement && c.Mediation.TermsPerformed < c.Mediation.Terms {
			r.Result, r.Note = pingan.RevisitPerforming, "回访双方当事人，协议正在履行中"
		}
		in.Revisit = &r
	}
	if in.Action == pingan.ActConfirm && c.Mediation.Confirmation != "" && c.Mediation.Confirmation != pingan.ConfirmApplied {
		return true, nil
	}
	if _, err := w.act(head, c, in); err != nil {
		return true, err
	}
	w.later(p, w.hours(1, 24))
	if len(m.todo) > 0 && m.todo[0].at.Before(w.events.at(p)) {
		// A term falls due before then, perhaps at the weekend: on time.
		p.gen++
		w.push(event{at: laterOf(m.todo[0].at, w.clock.Now().Add(10*time.Minute)), kind: eventStep, id: p.id, gen: p.gen})
	}
	return true, nil
}

// at answers when the pending step of the plan p is, the zero time when
// none.
func (e events) at(p *plan) time.Time {
	for _, ev := range e {
		if ev.kind == eventStep && ev.id == p.id && ev.gen == p.gen {
			return ev.at
		}
	}
	return time.Time{}
}

// nextFollowUp plans the dispute's next follow-up when nothing else is
// planned.
func (w *history) nextFollowUp(p *plan, c *pingan.Case, gen int) {
	if p.med == nil || len(p.med.todo) == 0 || p.gen != gen || c == nil ||
		(c.Status != pingan.StatusResolved && c.Status != pingan.StatusClosed) {
		return
	}
	at := p.med.todo[0].at
	p.gen++
	w.push(event{at: laterOf(at, w.clock.Now().Add(10*time.Minute)), kind: eventStep, id: p.id, gen: p.gen})
}

// laterOf answers the later of a and b.
func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
