package demo

import (
	"fmt"
	"time"

	"github.com/pingan-gov/pingan"
)

// The demo year's petitions (信访), walked through the regulation's
// procedure with the case service's actions (docs/petitions.md): the
// county's 信访部门 registers each one with its channel and day received
// (a letter's postmark too), forwards or assigns it with a numbered slip,
// tells or refuses now and then, and merges repeats into their matters;
// the unit signs and accepts (受理告知书) or refuses; a few complex ones are
// extended (延期告知书); the unit answers with a 处理意见书 of a realistic
// mix of opinions; the answer is delivered by post, SMS or in person, the
// centre closes and calls back for a rating. A few dissatisfied
// petitioners ask for a 复查 (one or two answers changed), exactly one goes
// on to 复核, one petition to the city about a matter open below is merged
// as 越级, and leaders take a few hard matters on (包案). Every document's
// number and text come from the store's draft (the suggested next number,
// the text filled from the case).

// petPlan is how one petition will go, beyond the plan of every case.
type petPlan struct {
	refuse bool // the unit does not accept it
	extend bool // complex: the period is extended once
	lead   bool // a leader takes it on (包案)
	review bool // the petitioner asks for a 复查 after the answer
}

// petState is what the demo's petitions share: the matters registered at
// each centre (a repeat is merged into one of them), the 复查 and 复核 so
// far, whether the 越级 petition came, and the numbers given out when the
// store's drafts are not at hand.
type petState struct {
	matters   map[string][]string
	reviews   int
	changed   int
	recheck   bool
	overreach bool
	numbers   map[string]int
}

// petitionFacts answers the registration of the petition of s: its
// channel by its source, received the day it came, a letter's postmark one
// to three days before, the people of a visit.
func (w *history) petitionFacts(s *spec) *pingan.PetitionFacts {
	f := pingan.PetitionFactsOf(s.source, s.at)
	if f.Channel == pingan.PetitionLetter {
		pm := f.ReceivedOn.AddDate(0, 0, -1-w.rng.IntN(3))
		f.PostmarkedOn = &pm
	}
	if f.Channel == pingan.PetitionVisit && w.rng.Float64() < 0.1 {
		f.People = 2 + w.rng.IntN(4)
	}
	return &f
}

// petPlanOf answers the petition's plan, drawn on its first step.
func (w *history) petPlanOf(p *plan) *petPlan {
	if p.pet == nil {
		p.pet = &petPlan{refuse: w.rng.Float64() < 0.04, extend: w.rng.Float64() < 0.08,
			review: w.rng.Float64() < 0.12}
		p.pet.lead = (p.pet.extend || p.slow) && w.rng.Float64() < 0.5
	}
	return p.pet
}

// document answers the document of kind that actor issues on c: the
// store's draft — the issuing unit's next number and the text filled from
// the case — or, without the petitions service, a number of the demo's
// own.
func (w *history) document(actor *pingan.User, c *pingan.Case, kind pingan.DocKind) (*pingan.DocumentInput, error) {
	if w.svc.Petitions != nil {
		d, err := w.svc.Petitions.Draft(w.ctx, actor, c.ID, kind)
		if err != nil {
			return nil, fmt.Errorf("demo draft %s of %s: %w", kind, c.ID, err)
		}
		return &pingan.DocumentInput{Number: d.Number, Body: d.Body}, nil
	}
	if w.pets.numbers == nil {
		w.pets.numbers = map[string]int{}
	}
	year := w.clock.Now().In(pingan.CST).Year()
	key := fmt.Sprintf("%s %s %d", actor.ScopePath, kind, year)
	w.pets.numbers[key]++
	short := "信"
	if u := w.places[actor.UnitCode]; u != nil {
		short = pingan.UnitShortName(u.unit.Name)
	}
	return &pingan.DocumentInput{Number: pingan.DocNumber(short, kind, year, w.pets.numbers[key]),
		Body: kind.Title() + "\n\n" + c.Title}, nil
}

// issue takes the action in that issues a document, its draft filled in.
func (w *history) issue(actor *pingan.User, c *pingan.Case, in pingan.ActionInput, kind pingan.DocKind) (*pingan.Case, error) {
	if actor == nil {
		return nil, fmt.Errorf("demo: nobody to %s petition %s", in.Action, c.ID)
	}
	doc, err := w.document(actor, c, kind)
	if err != nil {
		return nil, err
	}
	in.Document = doc
	return w.act(actor, c, in)
}

// deliver records the delivery of the petition's latest document not yet
// delivered (送达): by post, SMS or in person, today.
func (w *history) deliver(actor *pingan.User, c *pingan.Case) (*pingan.Case, error) {
	if w.svc.Petitions == nil {
		return c, nil
	}
	rec, err := w.svc.Petitions.Petition(w.ctx, actor, c.ID)
	if err != nil {
		return nil, fmt.Errorf("demo petition %s: %w", c.ID, err)
	}
	var doc *pingan.PetitionDocumentRef
	for i := range rec.Documents {
		if d := &rec.Documents[i]; d.SentOn == nil && (doc == nil || d.IssuedAt.After(doc.IssuedAt) || d.ID > doc.ID) {
			doc = d
		}
	}
	if doc == nil {
		return c, nil
	}
	how := pingan.SendPost
	switch x := w.rng.Float64(); {
	case c.Petition != nil && c.Petition.Channel == pingan.PetitionLetter && x < 0.8:
	case x < 0.4:
		how = pingan.SendSMS
	case x < 0.7:
		how = pingan.SendInPerson
	}
	on := pingan.DayOf(w.clock.Now())
	return w.act(actor, c, pingan.ActionInput{Action: pingan.ActDeliver, DocID: doc.ID, On: &on, Method: how})
}

// answerer answers who answers a petition at 复查 or 复核: the centre of
// the unit that handles it, else its handler.
func (w *history) answerer(c *pingan.Case) (*pingan.User, error) {
	if d := w.staff.dispatcher[c.AssignedUnit]; d != nil {
		return d, nil
	}
	return w.handler(c.AssignedUnit)
}

// petitionStep takes the step a petition's status and stage call for and
// plans the next.
func (w *history) petitionStep(p *plan, c *pingan.Case) error {
	pp := w.petPlanOf(p)
	centre := w.centreOf(c, p)
	disp := w.staff.dispatcher[centre.unit.Code]
	stage := pingan.StageRegistered
	if c.Petition != nil {
		stage = c.Petition.Stage
	}
	var err error
	switch {
	case c.Status == pingan.StatusReported:
		return w.petitionRegister(p, pp, c, centre, disp)
	case c.Status == pingan.StatusAccepted:
		// 转送 or 交办 within the 15 days (art. 21).
		mode := pingan.ForwardTransfer
		if w.rng.Float64() < 0.3 {
			mode = pingan.ForwardAssign
		}
		if c, err = w.issue(disp, c, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: w.target(c, p, centre),
			ForwardMode: mode, Note: "请依法依规办理并按期告知信访人"}, pingan.DocForward); err != nil {
			return err
		}
		w.soon(p, c, 4, 96)
	case c.Status == pingan.StatusDispatched:
		h, err := w.handler(c.AssignedUnit)
		if err != nil {
			return err
		}
		if p.returned && w.department(c.AssignedUnit) {
			// Outside its remit: it objects and returns the matter (art. 22).
			p.returned, p.avoid = false, c.AssignedUnit
			_, err = w.act(h, c, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本单位职权范围，提出异议，请重新转送"})
			w.later(p, w.hours(1, 8))
			return err
		}
		if c, err = w.act(h, c, pingan.ActionInput{Action: pingan.ActSign}); err != nil {
			return err
		}
		w.later(p, min(w.hours(4, 24*5), w.within(c, 0.1, 0.6)))
	case c.Status == pingan.StatusInProgress && stage == pingan.StageForwarded:
		h, err := w.handler(c.AssignedUnit)
		if err != nil {
			return err
		}
		if pp.refuse {
			_, err = w.issue(h, c, pingan.ActionInput{Action: pingan.ActPetitionRefuse,
				Reason: "所反映事项已依法处理完毕，不属于信访事项受理范围"}, pingan.DocRefuse)
			w.later(p, w.hours(12, 72))
			return err
		}
		if c, err = w.issue(h, c, pingan.ActionInput{Action: pingan.ActPetitionAccept}, pingan.DocAccept); err != nil {
			return err
		}
		if pp.lead {
			if l := w.leaderOver(centre); l != nil {
				if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActLead, Lead: l.ID,
					Note: "情况复杂，由" + l.Name + "包案化解"}); err != nil {
					return err
				}
			}
		}
		if err := w.overreach(c); err != nil {
			return err
		}
		if pp.extend {
			w.later(p, w.within(c, 0.6, 0.85))
		} else {
			w.resolveLater(p, c, 0.2, 0.75)
		}
	case c.Status == pingan.StatusInProgress && c.Suspended:
		if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActResume, Note: "听证结束，恢复计算复核期限"}); err != nil {
			return err
		}
		w.resolveLater(p, c, 0.2, 0.6)
	case c.Status == pingan.StatusInProgress && stage == pingan.StageAccepted && pp.extend:
		pp.extend = false
		days := 15 + 15*w.rng.IntN(2)
		if c, err = w.issue(disp, c, pingan.ActionInput{Action: pingan.ActPetitionExtend, Days: days,
			Reason: "情况复杂，需进一步调查核实，经负责人批准延期办理"}, pingan.DocExtend); err != nil {
			return err
		}
		w.resolveLater(p, c, 0.3, 0.8)
	case c.Status == pingan.StatusInProgress && stage == pingan.StageAccepted:
		h, err := w.handler(c.AssignedUnit)
		if err != nil {
			return err
		}
		opinion := pingan.OpinionExplain
		switch x := w.rng.Float64(); {
		case x < 0.3:
			opinion = pingan.OpinionSupport
		case x > 0.75:
			opinion = pingan.OpinionNotSupport
		}
		result := p.prof.results[w.rng.IntN(len(p.prof.results))]
		if _, err = w.issue(h, c, pingan.ActionInput{Action: pingan.ActAnswer, Opinion: opinion, Result: result},
			pingan.DocAnswer); err != nil {
			return err
		}
		w.later(p, w.hours(12, 72))
	case c.Status == pingan.StatusInProgress && (stage == pingan.StageReview || stage == pingan.StageRecheck):
		// The unit above answers the 复查 or 复核: the original answer is
		// upheld, but one or two reviews change it.
		a, err := w.answerer(c)
		if err != nil {
			return err
		}
		opinion, kind, by := pingan.OpinionUphold, pingan.DocReviewAnswer, "经复查，"
		if stage == pingan.StageRecheck {
			kind, by = pingan.DocRecheckAnswer, "经复核，"
		} else if w.pets.changed < 2 && (w.pets.reviews == 2 || w.pets.reviews == 4) {
			w.pets.changed++
			opinion = pingan.OpinionChange
		}
		if _, err = w.issue(a, c, pingan.ActionInput{Action: pingan.ActAnswer, Opinion: opinion,
			Result: by + opinion.Label()}, kind); err != nil {
			return err
		}
		w.later(p, w.hours(12, 72))
	case c.Status == pingan.StatusResolved:
		// The answer (or refusal) is delivered; the centre verifies and
		// closes the matter.
		if c, err = w.deliver(disp, c); err != nil {
			return err
		}
		if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActClose}); err != nil {
			return err
		}
		if c.Petition != nil && c.Petition.Level == 0 && stage != pingan.StageNotAccepted && p.rate {
			w.later(p, w.hours(24, 24*5))
		} else if stage == pingan.StageReviewed && !w.pets.recheck {
			w.later(p, w.hours(24*3, 24*15))
		}
	case c.Status == pingan.StatusClosed && stage == pingan.StageAnswered && c.Satisfaction == nil && p.rate:
		s := pingan.Satisfied
		switch x := w.rng.Float64(); {
		case x > 0.88:
			s = pingan.Dissatisfied
		case x > 0.65:
			s = pingan.BasicallySatisfied
		}
		if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: s}); err != nil {
			return err
		}
		if (s == pingan.Dissatisfied || pp.review) && w.pets.reviews < 5 {
			pp.review = true
			w.later(p, w.hours(24*2, 24*12))
		}
	case c.Status == pingan.StatusClosed && stage == pingan.StageAnswered && pp.review:
		// 复查 (art. 35): asked within 30 days of the answer's delivery.
		pp.review = false
		w.pets.reviews++
		on := pingan.DayOf(w.clock.Now())
		in := pingan.ActionInput{Action: pingan.ActRequestReview, On: &on, Note: "信访人对处理意见不服，请求复查",
			LateReason: w.lateReason(c, on)}
		if c, err = w.register(disp, c, in); err != nil {
			return err
		}
		w.resolveLater(p, c, 0.2, 0.7)
	case c.Status == pingan.StatusClosed && stage == pingan.StageReviewed && !w.pets.recheck:
		// 复核 (art. 36): exactly one, at the city.
		w.pets.recheck = true
		on := pingan.DayOf(w.clock.Now())
		in := pingan.ActionInput{Action: pingan.ActRequestRecheck, On: &on, Note: "信访人对复查意见不服，请求复核",
			LateReason: w.lateReason(c, on)}
		if c, err = w.register(w.staff.dispatcher[w.top.unit.Code], c, in); err != nil {
			return err
		}
		// A hearing (听证): the clock stops while it is held (art. 36).
		held, err := w.svc.Cases.Act(w.ctx, disp, c.ID, pingan.ActionInput{Action: pingan.ActSuspend,
			Reason: "复核机关组织听证，听证所需时间不计入复核期限"})
		if err == nil {
			w.keep(held)
			w.later(p, w.hours(48, 120))
			return nil
		}
		w.resolveLater(p, c, 0.3, 0.7)
	}
	return nil
}

// lateReason answers why a request on the day on is accepted after the
// 30 days from the answer's delivery (a long holiday on the way), "" when
// it is in time.
func (w *history) lateReason(c *pingan.Case, on time.Time) string {
	if p := c.Petition; p != nil && p.DeliveredOn != nil && on.After(p.DeliveredOn.AddDate(0, 0, pingan.PetitionReviewDays)) {
		return "信访人因病住院，未能在期限内提出请求"
	}
	return ""
}

// register has a dispatcher register a request for 复查 or 复核: the one
// given, else the city's, whose jurisdiction holds every unit above.
func (w *history) register(disp *pingan.User, c *pingan.Case, in pingan.ActionInput) (*pingan.Case, error) {
	after, err := w.svc.Cases.Act(w.ctx, disp, c.ID, in)
	if code := pingan.ErrorCode(err); code == pingan.EFORBIDDEN || code == pingan.ECONFLICT {
		return w.act(w.staff.dispatcher[w.top.unit.Code], c, in)
	}
	if err != nil {
		return nil, fmt.Errorf("demo %s %s: %w", in.Action, c.ID, err)
	}
	w.keep(after)
	return after, nil
}

// petitionRegister is the 信访部门's first step: a repeat merged into its
// matter, now and then a matter told of another route or not accepted,
// else registered (受理登记) to be forwarded.
func (w *history) petitionRegister(p *plan, pp *petPlan, c *pingan.Case, centre *place, disp *pingan.User) error {
	if w.pets.matters == nil {
		w.pets.matters = map[string][]string{}
	}
	key := centre.unit.Code
	ms := w.pets.matters[key]
	x := w.rng.Float64()
	var err error
	switch {
	case x < 0.06 && len(ms) > 0:
		// 重复件: the same petitioner again about a matter registered.
		to := ms[w.rng.IntN(len(ms))]
		if m := w.cases[to]; m != nil && m.Status != pingan.StatusMerged {
			if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActMerge, ToCase: to, MergeAs: pingan.MergeRepeat,
				Reason: "同一信访人就同一事项再次反映，作为重复件并入原信访事项"}); err == nil {
				return nil
			}
			return err
		}
	case x < 0.085:
		if c, err = w.issue(disp, c, pingan.ActionInput{Action: pingan.ActInform, Referral: pingan.ReferLitigation,
			Reason: "所反映事项应当通过诉讼途径解决，已告知信访人依法向人民法院提起诉讼"}, pingan.DocRoute); err != nil {
			return err
		}
		_, err = w.deliver(disp, c)
		return err
	case x < 0.1:
		if c, err = w.issue(disp, c, pingan.ActionInput{Action: pingan.ActReject, Reason: rejectReasons[pingan.KindPetition]},
			pingan.DocRefuse); err != nil {
			return err
		}
		_, err = w.deliver(disp, c)
		return err
	}
	if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActAccept}); err != nil {
		return err
	}
	if len(ms) >= 40 {
		ms = ms[1:]
	}
	w.pets.matters[key] = append(ms, c.ID)
	if p.review && !p.urgent {
		// Several units may be responsible: the joint meeting decides
		// who, within days.
		if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActComment, Note: "涉及多个部门职责，提交联席会议研判后转送"}); err != nil {
			return err
		}
		w.later(p, min(w.hours(24, 96), w.within(c, 0.05, 0.3)))
		return nil
	}
	w.soon(p, c, 1, 40)
	return nil
}

// leaderOver answers the leader of the county over centre, else the
// city's.
func (w *history) leaderOver(centre *place) *pingan.User {
	if county := centre.county(); county != nil && w.staff.leader[county.unit.Code] != nil {
		return w.staff.leader[county.unit.Code]
	}
	return w.staff.leader[w.top.unit.Code]
}

// overreach files, once in the year, a petition to the city about the
// matter c still open below (越级), which the city's centre merges into it.
func (w *history) overreach(c *pingan.Case) error {
	if w.pets.overreach || w.rng.Float64() < 0.9 {
		return nil
	}
	w.pets.overreach = true
	city := w.staff.dispatcher[w.top.unit.Code]
	r := w.person("reporter")
	now := w.clock.Now()
	facts := pingan.PetitionFactsOf(pingan.SourceVisit, now)
	o, err := w.svc.Cases.CreateCase(w.ctx, city, &pingan.NewCase{Kind: pingan.KindPetition, Category: c.Category,
		Title: c.Title, Description: "群众到市信访接待场所反映：" + c.Title + "。该事项正在区县办理中。", Unit: c.Unit,
		Address: c.Address, Location: c.Location, Source: pingan.SourceVisit, Reporter: &r, Petition: &facts,
		ReportedAt: now})
	if err != nil {
		return fmt.Errorf("demo 越级 petition about %s: %w", c.ID, err)
	}
	_, err = w.act(city, o, pingan.ActionInput{Action: pingan.ActMerge, ToCase: c.ID, MergeAs: pingan.MergeOverreach,
		Reason: "越级走访，所反映事项正在区县依法办理中，并入原信访事项，引导信访人逐级反映"})
	return err
}
