package workflow

import (
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// Petitions (信访, pingan/petition.go, docs/petitions.md): the
// regulation's steps are rows of the one table, for the kind petition, and
// each statutory period is the case's resolve deadline (calendar days under
// the Civil Code's rules: a last day on a holiday moves to the next working
// day).
//
//	report            registered; resolve_by = received_on + 15 days (art. 21)
//	dispatch          转送/交办 with its document; forwarded; resolve_by = today + 15 (art. 22)
//	reject, inform    不予受理 / 告知 with the document; rejected / closed; ends
//	return            the unit objects: registered again; resolve_by = today + 15
//	escalate          registered at the centre above; resolve_by = today + 15
//	petition_accept   in_progress, forwarded → accepted (受理告知书); resolve_by = today + 60 (art. 34)
//	petition_refuse   in_progress, forwarded → not_accepted (不予受理告知书); resolved
//	petition_extend   accepted, once, 1–30 days (延期告知书); resolve_by + days
//	answer            accepted | review | recheck → answered | reviewed | rechecked, with the
//	                  opinion and its 意见书; resolved for the centre to verify and close
//	rework            the centre sends the answer or refusal back: the stage before it
//	deliver           any status: a document was delivered on a day, a way (送达)
//	request_review    resolved | closed, answered → review (复查, art. 35): the unit above the one that
//	                  answered handles it; in_progress; resolve_by = day received + 30
//	request_recheck   resolved | closed, reviewed → recheck (复核, art. 36), one more level up; a
//	                  hearing (听证) is a suspension: its days do not count
//	merge             as a repeat (重复件) or 越级 (MergeAs); into a matter 复核 ended, the answer
//	                  says it is not accepted again (art. 36)
//	lead              a leader takes the matter on (包案), or gives it up
//
// A petition is not resolved, extended, reopened or asked an extension of
// as other cases are: the regulation's steps take their place.

// petitionRules are the rows of the petition's actions; stages lists the
// stages each is taken from ("" any).
var petitionRules = map[pingan.ActionName]rule{
	pingan.ActInform:         {from: st(pingan.StatusReported, pingan.StatusAccepted), may: dispatcher, kind: pingan.KindPetition},
	pingan.ActPetitionAccept: {from: st(pingan.StatusInProgress), may: assignedHandler, kind: pingan.KindPetition, stages: stages(pingan.StageForwarded)},
	pingan.ActPetitionRefuse: {from: st(pingan.StatusInProgress), may: assignedHandler, kind: pingan.KindPetition, stages: stages(pingan.StageForwarded)},
	pingan.ActPetitionExtend: {from: st(pingan.StatusInProgress), may: approver, kind: pingan.KindPetition, stages: stages(pingan.StageAccepted)},
	pingan.ActAnswer:         {from: st(pingan.StatusInProgress), may: answerer, kind: pingan.KindPetition, stages: stages(pingan.StageAccepted, pingan.StageReview, pingan.StageRecheck)},
	pingan.ActDeliver:        {from: st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched, pingan.StatusInProgress, pingan.StatusResolved, pingan.StatusClosed, pingan.StatusRejected), may: deliverer, kind: pingan.KindPetition, whileSuspended: true},
	pingan.ActRequestReview:  {from: st(pingan.StatusResolved, pingan.StatusClosed), may: registrar, kind: pingan.KindPetition, stages: stages(pingan.StageAnswered)},
	pingan.ActRequestRecheck: {from: st(pingan.StatusResolved, pingan.StatusClosed), may: registrar, kind: pingan.KindPetition, stages: stages(pingan.StageReviewed)},
	pingan.ActLead:           {from: st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched, pingan.StatusInProgress, pingan.StatusResolved, pingan.StatusClosed), may: leadAssigner, kind: pingan.KindPetition, whileSuspended: true},
}

// notForPetitions are the actions of other cases a petition does not take:
// its own steps take their place (answer, petition_extend, request_review).
var notForPetitions = []pingan.ActionName{pingan.ActResolve, pingan.ActExtend, pingan.ActRequestExtend, pingan.ActReopen}

func init() {
	for name, r := range petitionRules {
		rules[name] = r
	}
}

func stages(s ...pingan.PetitionStage) []pingan.PetitionStage { return s }

// approver: who approves an extension (经本机关、单位负责人批准, art. 34): a
// leader who sees the case, or a dispatcher of the centre holding it.
func approver(c *pingan.Case, a *pingan.User) bool {
	return a != nil && ((a.Has(pingan.RoleLeader) && sees(c, a)) || dispatcher(c, a))
}

// answerer: the handler of the unit that handles the matter; at 复查 and
// 复核 also a dispatcher of the centre of the administrative unit that
// handles it (its users are the centre's).
func answerer(c *pingan.Case, a *pingan.User) bool {
	if assignedHandler(c, a) {
		return true
	}
	if a == nil || c.Petition == nil || c.Petition.Level == 0 || c.AssignedPath == "" {
		return false
	}
	return (a.Has(pingan.RoleDispatcher) || a.Has(pingan.RoleHandler)) && a.ScopePath == c.AssignedPath
}

// deliverer: a dispatcher who sees the case, or its assigned handler.
func deliverer(c *pingan.Case, a *pingan.User) bool {
	return a != nil && (assignedHandler(c, a) || (a.Has(pingan.RoleDispatcher) && sees(c, a)))
}

// registrar: a dispatcher who sees the case registers a 复查 or 复核
// request; validate checks that the unit that must handle it is in their
// jurisdiction.
func registrar(c *pingan.Case, a *pingan.User) bool {
	return a != nil && a.Has(pingan.RoleDispatcher) && sees(c, a)
}

// leadAssigner: a dispatcher or leader who sees the case assigns a leader
// to it (包案).
func leadAssigner(c *pingan.Case, a *pingan.User) bool {
	return a != nil && (a.Has(pingan.RoleDispatcher) || a.Has(pingan.RoleLeader)) && sees(c, a)
}

// allowsPetition reports whether the case's kind and petition stage allow
// the action: a petition's own steps at their stages, and none of the
// steps they replace.
func (r rule) allowsPetition(c *pingan.Case) bool {
	if len(r.stages) > 0 && (c.Petition == nil || !slices.Contains(r.stages, c.Petition.Stage)) {
		return false
	}
	return true
}

// petitionBlocked reports whether name is an action a petition does not take.
func petitionBlocked(c *pingan.Case, name pingan.ActionName) bool {
	return c.Kind == pingan.KindPetition && slices.Contains(notForPetitions, name)
}

// documentKind answers the kind of document action name issues on c, ""
// when it issues none.
func documentKind(c *pingan.Case, name pingan.ActionName) pingan.DocKind {
	if c.Kind != pingan.KindPetition {
		return ""
	}
	switch name {
	case pingan.ActDispatch:
		return pingan.DocForward
	case pingan.ActReject:
		return pingan.DocRefuse
	case pingan.ActInform:
		return pingan.DocRoute
	case pingan.ActPetitionAccept:
		return pingan.DocAccept
	case pingan.ActPetitionRefuse:
		return pingan.DocRefuse
	case pingan.ActPetitionExtend:
		return pingan.DocExtend
	case pingan.ActAnswer:
		if c.Petition != nil {
			return pingan.AnswerKindAt(c.Petition.Level)
		}
		return pingan.DocAnswer
	}
	return ""
}

// DocumentKind answers the kind of document the action issues on c (the
// store keeps it with the timeline entry), "" when it issues none.
func DocumentKind(c *pingan.Case, name pingan.ActionName) pingan.DocKind {
	return documentKind(c, name)
}

// validatePetition checks the fields of a petition's steps into v.
func validatePetition(c *pingan.Case, actor *pingan.User, in *pingan.ActionInput, env Env, v *pingan.Invalid) error {
	if in.Petition != nil && (c.Kind != pingan.KindPetition || in.Action != pingan.ActAccept) {
		// Only the accept of a petition corrects its registration.
		v.Add("petition", "petition.facts.accept_only")
		return nil
	}
	if c.Kind != pingan.KindPetition {
		return nil
	}
	p := c.Petition
	if documentKind(c, in.Action) != "" {
		if in.Document == nil {
			v.Require("document.number", "")
			v.Require("document.body", "")
		} else {
			in.Document.Check(v, "document.")
		}
	}
	today := pingan.DayOf(env.Now)
	switch in.Action {
	case pingan.ActDispatch:
		switch {
		case in.ForwardMode == "":
			v.Require("forward_mode", "")
		case !in.ForwardMode.Valid():
			v.Add("forward_mode", "petition.forward_mode.unknown", string(in.ForwardMode))
		}
	case pingan.ActInform:
		v.Require("reason", in.Reason)
		switch {
		case in.Referral == "":
			v.Add("referral", "petition.referral.required")
		case !in.Referral.Valid():
			v.Add("referral", "mediation.referral.unknown", string(in.Referral))
		}
	case pingan.ActPetitionRefuse:
		v.Require("reason", in.Reason)
	case pingan.ActPetitionExtend:
		v.Require("reason", in.Reason)
		if in.Days < 1 || in.Days > pingan.MaxPetitionExtension {
			v.Add("days", "petition.extend.days", pingan.MaxPetitionExtension)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if p != nil && p.ExtendedDays > 0 {
			return pingan.E(pingan.ECONFLICT, "petition.extend.once", p.ExtendedDays)
		}
	case pingan.ActAnswer:
		level := 0
		if p != nil {
			level = p.Level
		}
		switch {
		case in.Opinion == "":
			v.Require("opinion", "")
		case !in.Opinion.ValidAt(level):
			v.Add("opinion", "petition.opinion.level", string(in.Opinion))
		}
	case pingan.ActDeliver:
		d := env.Document
		switch {
		case in.DocID == 0:
			v.Require("doc_id", "")
		case d == nil || d.ID != in.DocID || d.CaseID != c.ID:
			v.Add("doc_id", "petition.document.unknown", in.DocID)
		}
		switch {
		case in.Method == "":
			v.Require("method", "")
		case !in.Method.Valid():
			v.Add("method", "petition.method.unknown", string(in.Method))
		}
		switch {
		case in.On == nil:
			v.Require("on", "")
		case pingan.DayOf(*in.On).After(today):
			v.Add("on", "petition.on.future")
		case d != nil && pingan.DayOf(*in.On).Before(pingan.DayOf(d.IssuedAt)):
			v.Add("on", "petition.deliver.before_issue", d.IssuedAt.In(pingan.CST).Format("2006-01-02"))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if d.SentOn != nil {
			return pingan.E(pingan.ECONFLICT, "petition.deliver.again", d.Number, d.SentOn.In(pingan.CST).Format("2006-01-02"))
		}
	case pingan.ActRequestReview, pingan.ActRequestRecheck:
		switch {
		case in.On == nil:
			v.Require("on", "")
		case pingan.DayOf(*in.On).After(today):
			v.Add("on", "petition.on.future")
		case p != nil && p.AnsweredOn != nil && pingan.DayOf(*in.On).Before(pingan.DayOf(*p.AnsweredOn)):
			v.Add("on", "petition.request.before_answer", p.AnsweredOn.In(pingan.CST).Format("2006-01-02"))
		}
		in.LateReason = strings.TrimSpace(in.LateReason)
		if in.On != nil && p != nil && p.DeliveredOn != nil && strings.TrimSpace(in.LateReason) == "" {
			last, err := env.Calendar.Due(*p.DeliveredOn, pingan.PetitionReviewDays, calendar.CalendarDays)
			if err != nil {
				return calendarError(err, "on")
			}
			if in.On.After(last) {
				v.Add("late_reason", "petition.request.late", last.In(pingan.CST).Format("2006-01-02"))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if env.ReviewUnit == nil {
			return pingan.E(pingan.ECONFLICT, "petition.request.top")
		}
		if actor != nil && !actor.Sees(env.ReviewUnit.Path) {
			return pingan.E(pingan.EFORBIDDEN, "petition.request.reach", env.ReviewUnit.Name)
		}
	case pingan.ActAccept:
		if in.Petition != nil {
			in.Petition.Check(v, "petition.", env.Now)
		}
	case pingan.ActMerge:
		if in.MergeAs != "" && !in.MergeAs.Valid() {
			v.Add("merge_as", "petition.merge_as.unknown", string(in.MergeAs))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if o := env.Other; in.MergeAs == pingan.MergeOverreach && o != nil && !o.Status.Open() {
			return pingan.E(pingan.ECONFLICT, "petition.overreach.closed", o.ID)
		}
		if o := env.Other; o != nil && o.Kind != pingan.KindPetition {
			v.Add("to_case", "petition.merge.kind", o.ID)
		}
	case pingan.ActLead:
		if in.Lead != 0 && (env.Lead == nil || env.Lead.ID != in.Lead) {
			v.Add("lead", "petition.lead.unknown", in.Lead)
		}
	}
	return nil
}

// acceptedFacts answers a registration corrected at accept as the report
// keeps one: days without their time, at least one person.
func acceptedFacts(f pingan.PetitionFacts) pingan.PetitionFacts {
	f.ReceivedOn = pingan.DayOf(f.ReceivedOn)
	if f.PostmarkedOn != nil {
		d := pingan.DayOf(*f.PostmarkedOn)
		f.PostmarkedOn = &d
	}
	if f.People < 1 {
		f.People = 1
	}
	return f
}

// petitionDue answers the day n days after from, under the Civil Code's
// rules, for field.
func petitionDue(env Env, from time.Time, n int, field string) (*time.Time, error) {
	d, err := env.Calendar.Due(from, n, calendar.CalendarDays)
	if err != nil {
		return nil, calendarError(err, field)
	}
	return &d, nil
}

// petitionTransition changes next's petition state after the generic
// transition: stages, the statutory deadlines, the answers.
func petitionTransition(c, next *pingan.Case, act *pingan.Action, in pingan.ActionInput, env Env) error {
	if next.Kind != pingan.KindPetition {
		return nil
	}
	p := &pingan.Petition{}
	if c.Petition != nil {
		cp := *c.Petition
		p = &cp
	}
	next.Petition = p
	now := env.Now
	today := pingan.DayOf(now)
	decided := func() {
		p.DecidedOn = &today
		p.DecideLate = p.DecideLate || (c.ResolveBy != nil && now.After(*c.ResolveBy))
	}
	setDue := func(from time.Time, n int) error {
		due, err := petitionDue(env, from, n, "policy")
		if err != nil {
			return err
		}
		next.ResolveBy, act.Deadline = due, due
		return nil
	}
	var err error
	switch in.Action {
	case pingan.ActDispatch:
		decided()
		p.Stage, p.ForwardMode = pingan.StageForwarded, in.ForwardMode
		act.Note = firstNonEmpty(act.Note, in.ForwardMode.Label())
		err = setDue(now, pingan.PetitionDecideDays)
	case pingan.ActAccept:
		// The centre's registration keeps the statutory 15 days from the
		// day received, whatever the category says; a registration the
		// dispatcher corrects (a petition reported without one) replaces
		// the report's and the 15 days count again from its day received.
		// The stage stays.
		next.ResolveBy, act.Deadline = c.ResolveBy, nil
		if in.Petition != nil {
			p.PetitionFacts = acceptedFacts(*in.Petition)
			var due *time.Time
			if due, err = petitionDue(env, p.ReceivedOn, pingan.PetitionDecideDays, "petition.received_on"); err == nil {
				next.ResolveBy, act.Deadline = due, due
			}
		}
	case pingan.ActReject:
		decided()
		p.Stage = pingan.StageNotAccepted
	case pingan.ActInform:
		decided()
		p.Stage = pingan.StageInformed
		next.Status = pingan.StatusClosed
		next.ClosedAt = &now
		act.Note = pingan.Text(pingan.ZH, "referral."+string(in.Referral)) + "：" + strings.TrimSpace(in.Reason)
	case pingan.ActReturn, pingan.ActEscalate:
		// Sent back by the unit (异议) or up to the centre above: the
		// centre that holds it forwards it within its own 15 days.
		p.Stage, p.ForwardMode = pingan.StageRegistered, ""
		err = setDue(now, pingan.PetitionDecideDays)
	case pingan.ActPetitionAccept:
		decided()
		p.Stage, p.AcceptedOn = pingan.StageAccepted, &today
		err = setDue(now, pingan.PetitionHandleDays)
	case pingan.ActPetitionRefuse:
		decided()
		p.Stage = pingan.StageNotAccepted
		next.Status = pingan.StatusResolved
		next.ResolvedAt = &now
	case pingan.ActPetitionExtend:
		if next.ResolveBy == nil {
			return pingan.E(pingan.ECONFLICT, "action.extend.no_deadline")
		}
		due, e := env.Calendar.Extend(*next.ResolveBy, in.Days, calendar.CalendarDays)
		if e != nil {
			return calendarError(e, "days")
		}
		next.ResolveBy, act.Deadline, act.Days = &due, &due, in.Days
		p.ExtendedDays = in.Days
	case pingan.ActAnswer:
		next.Status = pingan.StatusResolved
		next.ResolvedAt = &now
		p.Opinion, p.AnsweredOn = in.Opinion, &today
		p.AnswerLate = c.ResolveBy != nil && now.After(*c.ResolveBy)
		p.DeliveredOn = nil
		switch p.Level {
		case 0:
			p.Stage, p.FirstAnswerLate = pingan.StageAnswered, p.AnswerLate
		case 1:
			p.Stage, p.ReviewOpinion = pingan.StageReviewed, in.Opinion
		default:
			p.Stage, p.RecheckOpinion = pingan.StageRechecked, in.Opinion
		}
		act.Note = firstNonEmpty(in.Result, in.Note, in.Opinion.Label())
	case pingan.ActRework:
		switch p.Stage {
		case pingan.StageNotAccepted:
			p.Stage = pingan.StageForwarded
		case pingan.StageAnswered:
			p.Stage = pingan.StageAccepted
		case pingan.StageReviewed:
			p.Stage, p.ReviewOpinion = pingan.StageReview, ""
		case pingan.StageRechecked:
			p.Stage, p.RecheckOpinion = pingan.StageRecheck, ""
		}
		p.Opinion, p.AnsweredOn, p.AnswerLate = "", nil, false
	case pingan.ActDeliver:
		d := env.Document
		on := pingan.DayOf(*in.On)
		p.Replied = true
		if d.Kind.Answer() && d.Level == p.Level {
			p.DeliveredOn = &on
		}
		act.Note = d.Number + "（" + in.Method.Label() + "，" + on.Format("2006-01-02") + "）"
	case pingan.ActRequestReview, pingan.ActRequestRecheck:
		on := pingan.DayOf(*in.On)
		p.Level++
		p.Stage = pingan.StageReview
		if in.Action == pingan.ActRequestRecheck {
			p.Stage = pingan.StageRecheck
		}
		p.RequestedOn, p.LateReason = &on, in.LateReason
		p.Opinion, p.AnsweredOn, p.AnswerLate, p.DeliveredOn = "", nil, false, nil
		next.Status = pingan.StatusInProgress
		next.ResolvedAt, next.ClosedAt = nil, nil
		act.FromUnit, act.ToUnit = next.AssignedUnit, env.ReviewUnit.Code
		next.AssignedUnit, next.AssignedPath = env.ReviewUnit.Code, env.ReviewUnit.Path
		next.SignBy = nil
		act.Note = firstNonEmpty(in.Note, in.Reason, in.LateReason)
		err = setDue(on, pingan.PetitionReviewDays)
	case pingan.ActMerge:
		p.MergedAs = in.MergeAs
		if p.MergedAs == "" {
			p.MergedAs = pingan.MergeRepeat
		}
		if o := env.Other; o != nil && o.Petition != nil && o.Petition.Stage == pingan.StageRechecked {
			act.Note += "；原事项已复核终结，同一事实和理由不再受理（《信访工作条例》第三十六条）"
		}
	case pingan.ActLead:
		if in.Lead == 0 {
			p.Lead, p.LeadName = 0, ""
			act.Note = firstNonEmpty(in.Note, "结束包案")
		} else {
			p.Lead, p.LeadName = env.Lead.ID, actorName(env.Lead)
			act.Note = firstNonEmpty(in.Note, "包案领导："+p.LeadName)
		}
	}
	return err
}

// petitionPair changes the main matter of a petition merged into it: one
// more repeat (ApplyPair).
func petitionPair(c, other *pingan.Case, in pingan.ActionInput) {
	if in.Action != pingan.ActMerge || c.Kind != pingan.KindPetition || other.Petition == nil {
		return
	}
	p := *other.Petition
	p.Repeats++
	other.Petition = &p
}

// petitionReport fills the registration of a new petition (Report): its
// stage and the 信访部门's 15 days from the day it was received.
func petitionReport(c *pingan.Case, act *pingan.Action, env Env) error {
	if c.Kind != pingan.KindPetition || c.Petition == nil {
		return nil
	}
	c.Petition.Stage = pingan.StageRegistered
	due, err := petitionDue(env, c.Petition.ReceivedOn, pingan.PetitionDecideDays, "petition.received_on")
	if err != nil {
		return err
	}
	c.ResolveBy, act.Deadline = due, due
	return nil
}

// resolveUnit answers the unit c's resolve deadline is counted in: a
// petition's in days as the regulation says, others' by their category.
func resolveUnit(c *pingan.Case, p pingan.Policy) calendar.Unit {
	if c.Kind == pingan.KindPetition {
		return calendar.CalendarDays
	}
	return calendar.Unit(unitOf(p.Resolve))
}
