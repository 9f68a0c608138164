package demo

import (
	"time"

	"github.com/pingan-gov/pingan"
)

// Petitions (信访) of the bulk history: each walked through the
// regulation's procedure (docs/petitions.md) rather than the loop of other
// cases, its state (pingan.Petition) kept consistent with its status and
// timeline, so that the counters summed from the same case agree with
// `pingan stats verify`. Documents are not written: the timeline says what
// each step issued.

// bulkPetitionCols are the columns of a petition's state on the case row
// (migration 0024), in the order of petitionRow.
var bulkPetitionCols = []string{"pet_channel", "pet_received_on", "pet_postmarked_on", "pet_people", "pet_stage",
	"pet_forward_mode", "pet_decided_on", "pet_decide_late", "pet_accepted_on", "pet_extended_days", "pet_level",
	"pet_opinion", "pet_answered_on", "pet_answer_late", "pet_delivered_on", "pet_replied", "pet_first_answer_late",
	"pet_review_opinion", "pet_recheck_opinion", "pet_requested_on", "pet_late_reason", "pet_merged_as", "pet_repeats",
	"pet_lead", "pet_lead_name"}

// petitionRow appends the values of bulkPetitionCols of c: zero for a case
// of another kind.
func (g *bulkGen) petitionRow(out []any, c *pingan.Case) []any {
	p := c.Petition
	if p == nil || c.Kind != pingan.KindPetition {
		p = &pingan.Petition{}
	}
	var received any
	if !p.ReceivedOn.IsZero() {
		received = g.bind(p.ReceivedOn)
	}
	return append(out, string(p.Channel), received, g.bindp(p.PostmarkedOn), p.People, string(p.Stage),
		string(p.ForwardMode), g.bindp(p.DecidedOn), p.DecideLate, g.bindp(p.AcceptedOn), p.ExtendedDays, p.Level,
		string(p.Opinion), g.bindp(p.AnsweredOn), p.AnswerLate, g.bindp(p.DeliveredOn), p.Replied, p.FirstAnswerLate,
		string(p.ReviewOpinion), string(p.RecheckOpinion), g.bindp(p.RequestedOn), p.LateReason, string(p.MergedAs),
		p.Repeats, nil, "")
}

// newPetition registers c, a petition reported at its time: the channel
// its source implies, received that day, a letter's postmark a few days
// before, the people of a visit; the 信访部门's 15 days from receipt
// (art. 21).
func (g *bulkGen) newPetition(c *pingan.Case) {
	f := pingan.PetitionFactsOf(c.Source, c.ReportedAt)
	if f.Channel == pingan.PetitionLetter {
		pm := f.ReceivedOn.AddDate(0, 0, -1-g.rng.IntN(4))
		f.PostmarkedOn = &pm
	}
	if f.Channel == pingan.PetitionVisit && g.rng.Float64() < 0.12 {
		f.People = 2 + g.rng.IntN(7)
	}
	due := f.ReceivedOn.AddDate(0, 0, pingan.PetitionDecideDays+1) // the end of the 15th day
	c.Petition = &pingan.Petition{PetitionFacts: f, Stage: pingan.StageRegistered}
	c.ResolveBy = &due
}

// runPetition walks the petition from its registration; desk is the
// centre (信访部门) that holds it.
func (w *bulkWalk) runPetition(desk *place) {
	g, c, p := w.g, w.c, w.c.Petition
	w.t = c.ReportedAt
	w.acts[len(w.acts)-1].Deadline = c.ResolveBy
	day := func(t time.Time) *time.Time { d := pingan.DayOf(t); return &d }
	decided := func(at time.Time) {
		p.DecidedOn = day(at)
		p.DecideLate = p.DecideLate || at.After(*c.ResolveBy)
	}
	due := func(at time.Time, days int) *time.Time {
		d := pingan.DayOf(at).AddDate(0, 0, days+1)
		return &d
	}
	// The 信访部门 registers it (受理登记), or tells or refuses at once.
	at, ok := w.next(g.hours(0.3, 24), &desk)
	if !ok {
		return
	}
	centre := g.units[desk.centre.Code]
	// (告知 of another route is the demo year's: demo/petition.go.)
	if g.rng.Float64() < 0.04 {
		a := w.do(pingan.ActReject, at, centre.name, pingan.StatusRejected, "", "")
		a.Note = "已复核终结的事项，同一事实和理由不再受理"
		decided(at)
		p.Stage, c.ClosedAt = pingan.StageNotAccepted, &at
		return
	}
	w.do(pingan.ActAccept, at, centre.name, pingan.StatusAccepted, c.HoldingUnit, centre.code)
	c.HoldingUnit, c.HoldingPath = centre.code, centre.path
	// 转送 or 交办 within the 15 days, a few late.
	d := g.hours(2, 24*6)
	if g.rng.Float64() < 0.03 {
		d = g.hours(24*15, 24*20)
	}
	if at, ok = w.next(d, &desk); !ok {
		return
	}
	to := g.units[w.target(desk, "")]
	a := w.do(pingan.ActDispatch, at, centre.name, pingan.StatusDispatched, "", to.code)
	decided(at)
	p.Stage, p.ForwardMode = pingan.StageForwarded, pingan.ForwardTransfer
	if g.rng.Float64() < 0.3 {
		p.ForwardMode = pingan.ForwardAssign
	}
	a.Note = p.ForwardMode.Label()
	signBy := at.Add(24 * time.Hour)
	c.AssignedUnit, c.AssignedPath, c.SignBy = to.code, to.path, &signBy
	c.ResolveBy = due(at, pingan.PetitionDecideDays)
	a.Deadline = c.ResolveBy
	// The unit signs, then tells whether it accepts (art. 22).
	if at, ok = w.next(g.hours(0.5, 26), &desk); !ok {
		return
	}
	w.do(pingan.ActSign, at, to.name, pingan.StatusInProgress, "", "")
	c.SignedAt, c.SignLate = &at, at.After(signBy)
	if at, ok = w.next(g.hours(4, 24*8), &desk); !ok {
		return
	}
	if g.rng.Float64() < 0.04 {
		a := w.do(pingan.ActPetitionRefuse, at, to.name, pingan.StatusResolved, "", "")
		a.Note = "不属于本机关职权范围且不宜转办，不予受理"
		decided(at)
		p.Stage, c.ResolvedAt = pingan.StageNotAccepted, &at
		w.petitionClose(centre, desk)
		return
	}
	w.do(pingan.ActPetitionAccept, at, to.name, pingan.StatusInProgress, "", "")
	decided(at)
	p.Stage, p.AcceptedOn = pingan.StageAccepted, day(at)
	c.ResolveBy = due(at, pingan.PetitionHandleDays)
	w.acts[len(w.acts)-1].Deadline = c.ResolveBy
	// Handled within 60 days; a few complex ones extended (art. 34).
	work := g.hours(24*5, 24*45)
	if g.rng.Float64() < 0.08 {
		if at, ok = w.next(g.hours(24*30, 24*50), &desk); !ok {
			return
		}
		days := 15 + 15*g.rng.IntN(2)
		a := w.do(pingan.ActPetitionExtend, at, centre.name, pingan.StatusInProgress, "", "")
		a.Note, a.Days = "情况复杂，需进一步调查核实", days
		p.ExtendedDays = days
		ext := c.ResolveBy.AddDate(0, 0, days)
		c.ResolveBy, a.Deadline = &ext, &ext
		work = g.hours(24*3, 24*25)
	}
	if g.rng.Float64() < 0.05 {
		work = c.ResolveBy.Sub(w.t) + g.hours(24, 24*15) // late
	}
	if at, ok = w.next(work, &desk); !ok {
		return
	}
	p.Opinion = pingan.OpinionExplain
	switch x := g.rng.Float64(); {
	case x < 0.35:
		p.Opinion = pingan.OpinionSupport
	case x > 0.75:
		p.Opinion = pingan.OpinionNotSupport
	}
	a = w.do(pingan.ActAnswer, at, to.name, pingan.StatusResolved, "", "")
	a.Note = p.Opinion.Label()
	p.Stage, p.AnsweredOn = pingan.StageAnswered, day(at)
	p.AnswerLate = at.After(*c.ResolveBy)
	p.FirstAnswerLate = p.AnswerLate
	c.ResolvedAt = &at
	w.petitionClose(centre, desk)
}

// petitionClose delivers the written answer or refusal (送达), closes the
// matter and has it rated, each step while the history lasts.
func (w *bulkWalk) petitionClose(centre *bulkUnit, desk *place) {
	g, c, p := w.g, w.c, w.c.Petition
	at, ok := w.next(g.hours(4, 72), &desk)
	if !ok {
		return
	}
	if g.rng.Float64() < 0.95 {
		how := pingan.SendPost
		switch x := g.rng.Float64(); {
		case x < 0.3:
			how = pingan.SendSMS
		case x < 0.55:
			how = pingan.SendInPerson
		}
		a := w.do(pingan.ActDeliver, at, centre.name, c.Status, "", "")
		on := pingan.DayOf(at)
		a.Note = how.Label() + "送达（" + on.Format("2006-01-02") + "）"
		p.Replied = true
		if p.Stage == pingan.StageAnswered {
			p.DeliveredOn = &on
		}
	}
	if at, ok = w.next(g.hours(2, 72), &desk); !ok {
		return
	}
	w.do(pingan.ActClose, at, centre.name, pingan.StatusClosed, "", "")
	c.ClosedAt = &at
	if p.Stage != pingan.StageAnswered || g.rng.Float64() > 0.8 {
		return
	}
	if at, ok = w.next(g.hours(1, 72), &desk); !ok {
		return
	}
	s := pingan.Satisfied
	switch x := g.rng.Float64(); {
	case x < 0.1:
		s = pingan.Dissatisfied
	case x < 0.4:
		s = pingan.BasicallySatisfied
	}
	a := w.do(pingan.ActRate, at, "信访人", pingan.StatusClosed, "", "")
	a.Satisfaction, c.Satisfaction = s, &s
}
