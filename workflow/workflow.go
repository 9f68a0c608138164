// Package workflow is the lifecycle of a case as a pure state machine: given
// a case, an actor and an action, it answers the case's new state and the
// timeline entry, or a conflict naming the current status and the actions
// allowed now. Deadlines are counted with package calendar. No I/O.
//
// The lifecycle (API.md):
//
//	reported ─accept→ accepted ─dispatch→ dispatched ─sign→ in_progress ─resolve→ resolved ─close→ closed
//	   └reject→ rejected         ▲           └return→ accepted           ▲           └rework→ in_progress
//	                             └──────── escalate (reported, accepted, in_progress) to the parent unit
//	closed ─reopen→ accepted; closed ─rate→ closed; extend, suspend, resume in in_progress;
//	supervise on any open case; comment on any case;
//	reported, accepted, dispatched, in_progress ─merge→ merged (合并: a duplicate into the case that
//	carries the work, which may have any status but rejected or merged); link, unlink on any case.
//
// Co-handling (主办/协办, cohandle.go): a dispatch may name assisting units
// beside the handling one; in dispatched and in_progress each assisting
// unit's handler takes assist_sign, then assist_report, which leave the
// status as it is; resolve waits for every report; return, escalate,
// reopen and another dispatch withdraw the assists.
package workflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// Env is what an action needs beyond the case and the actor. The store
// fills it from the database before calling Apply.
type Env struct {
	Now      time.Time
	Calendar *calendar.Calendar
	// Policy of the case's category (of the corrected category on accept).
	Policy pingan.Policy
	// Category is the corrected category on accept, when it changes.
	Category *pingan.Category
	// Parent is the target of an escalation (EscalationTarget: the lowest
	// administrative unit above every unit working on the case); nil at the
	// top of the tree.
	Parent *pingan.Unit
	// ToUnit is the unit named by a dispatch, looked up; nil if unknown.
	ToUnit *pingan.Unit
	// AssistUnits are the assisting units (协办) a dispatch names, looked
	// up in the order of ActionInput.AssistUnits; nil where unknown or
	// outside the actor's jurisdiction.
	AssistUnits []*pingan.Unit
	// Holding is the unit holding the case now (受理单位), looked up for an
	// accept, so that a refusal names the centre that took the case first;
	// nil when not looked up (the refusal then names its code).
	Holding *pingan.Unit
	// Other is the second case of merge, link and unlink (ToCase), read
	// in the actor's jurisdiction; nil when there is none there. Linked
	// says whether the two are linked already (merge.go).
	Other  *pingan.Case
	Linked bool
	// Terms are the terms of the dispute's agreement, for perform and
	// term_overdue (dispute.go); RevisitDays the days from an agreement to
	// its follow-up visit (pingan.DisputeSettings).
	Terms       []pingan.Term
	RevisitDays int
	// Petitions (petition.go): Document is the document deliver names,
	// read from the case; ReviewUnit the administrative unit one level
	// above the unit that answered, which handles a 复查 or 复核; Lead the
	// leader lead names, looked up in the case's jurisdiction (nil when
	// not found there).
	Document   *pingan.PetitionDocument
	ReviewUnit *pingan.Unit
	Lead       *pingan.User
	// PartyUnit is the department rectify_order names as the party
	// (hazard.go), looked up in the actor's jurisdiction; nil when not
	// found there.
	PartyUnit *pingan.Unit
}

// rule says from which statuses an action may be taken and who may take it.
type rule struct {
	from []pingan.Status
	// may reports whether the actor may take the action on c (nil actor is
	// the system).
	may func(c *pingan.Case, a *pingan.User) bool
	// whileSuspended: the action is allowed while the clock is stopped;
	// onlySuspended: only then.
	whileSuspended, onlySuspended bool
	// request: whether the case must have no pending request (requestNone)
	// or one (requestPending); 0 when it does not matter.
	request int
	// assist: the state the actor's unit's assist (协办) must be in; "" when
	// the action needs none.
	assist pingan.AssistState
	// kind: the only kind of case the action applies to ("" any);
	// agreement: it needs a mediation agreement; mediated: a mediation
	// that ended; noAgreement: no agreement yet (dispute.go).
	kind                             pingan.Kind
	agreement, mediated, noAgreement bool
	// stages: the petition stages the action is taken from (none: any;
	// petition.go).
	stages []pingan.PetitionStage
}

const (
	requestNone = 1 + iota
	requestPending
)

var open = []pingan.Status{pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched, pingan.StatusInProgress, pingan.StatusResolved}

var rules = map[pingan.ActionName]rule{
	pingan.ActAccept:    {from: st(pingan.StatusReported), may: dispatcher},
	pingan.ActReject:    {from: st(pingan.StatusReported), may: dispatcher},
	pingan.ActDispatch:  {from: st(pingan.StatusAccepted), may: dispatcher},
	pingan.ActSign:      {from: st(pingan.StatusDispatched), may: signer},
	pingan.ActReturn:    {from: st(pingan.StatusDispatched), may: assignedHandler},
	pingan.ActResolve:   {from: st(pingan.StatusInProgress), may: assignedHandler},
	pingan.ActClose:     {from: st(pingan.StatusResolved), may: dispatcher},
	pingan.ActRework:    {from: st(pingan.StatusResolved), may: dispatcher},
	pingan.ActEscalate:  {from: st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusInProgress), may: escalator},
	pingan.ActExtend:    {from: st(pingan.StatusInProgress), may: dispatcher},
	pingan.ActSuspend:   {from: st(pingan.StatusInProgress), may: dispatcher},
	pingan.ActResume:    {from: st(pingan.StatusInProgress), may: dispatcher, whileSuspended: true, onlySuspended: true},
	pingan.ActSupervise: {from: open, may: supervisor, whileSuspended: true},
	pingan.ActComment:   {from: pingan.Statuses, may: commenter, whileSuspended: true},
	pingan.ActRate:      {from: st(pingan.StatusClosed), may: rater},
	pingan.ActReopen:    {from: st(pingan.StatusClosed), may: dispatcher},
	// Handlers ask, centres decide (延期、挂起申请与审批).
	pingan.ActRequestExtend:  {from: st(pingan.StatusInProgress), may: assignedHandler, request: requestNone},
	pingan.ActRequestSuspend: {from: st(pingan.StatusInProgress), may: assignedHandler, request: requestNone},
	pingan.ActApproveRequest: {from: st(pingan.StatusInProgress), may: dispatcher, whileSuspended: true, request: requestPending},
	pingan.ActRefuseRequest:  {from: st(pingan.StatusInProgress), may: dispatcher, whileSuspended: true, request: requestPending},
	// Assisting units sign and report their part (协办签收、协办反馈).
	pingan.ActAssistSign:   {from: st(pingan.StatusDispatched, pingan.StatusInProgress), may: assistHandler, assist: pingan.AssistDispatched},
	pingan.ActAssistReport: {from: st(pingan.StatusDispatched, pingan.StatusInProgress), may: assistHandler, assist: pingan.AssistSigned},
	// Duplicates and links (合并与关联, merge.go): a duplicate still open and
	// running is merged by the dispatcher holding it; a link is made or
	// undone on any status.
	pingan.ActMerge:  {from: mergeable, may: dispatcher},
	pingan.ActLink:   {from: pingan.Statuses, may: linker, whileSuspended: true},
	pingan.ActUnlink: {from: pingan.Statuses, may: linker, whileSuspended: true},
}

func st(s ...pingan.Status) []pingan.Status { return s }

// dispatcher: a dispatcher whose jurisdiction holds the case's holding unit.
func dispatcher(c *pingan.Case, a *pingan.User) bool {
	return a.Has(pingan.RoleDispatcher) && a.Sees(c.HoldingPath)
}

// assignedHandler: a handler of the unit the case is dispatched to.
func assignedHandler(c *pingan.Case, a *pingan.User) bool {
	return a.Has(pingan.RoleHandler) && c.AssignedUnit != "" && a.UnitCode == c.AssignedUnit
}

// escalator: the system, a dispatcher of the holding unit, or the assigned handler.
func escalator(c *pingan.Case, a *pingan.User) bool {
	return a == nil || dispatcher(c, a) || assignedHandler(c, a)
}

// supervisor: a leader who sees the case, or a dispatcher of a unit above
// the holding unit (督办 comes from above).
func supervisor(c *pingan.Case, a *pingan.User) bool {
	if a.Has(pingan.RoleLeader) && sees(c, a) {
		return true
	}
	return a.Has(pingan.RoleDispatcher) && a.Sees(c.HoldingPath) && a.ScopePath != c.HoldingPath
}

// sees: anyone whose jurisdiction holds the case, and the users of a unit
// that assists it now (协办).
func sees(c *pingan.Case, a *pingan.User) bool {
	return a.Sees(c.UnitPath) || a.Sees(c.AssignedPath) || a.Sees(c.HoldingPath) || assisting(c, a) || rectifyingParty(c, a)
}

// commenter: anyone whose jurisdiction holds the case and whose role
// writes — a dispatcher, handler, grid worker, mediator, leader or the
// administrator. A comment (备注) is written into the case's timeline, so
// the roles that only read, viewer (只读) and assessor (考核办), may not.
func commenter(c *pingan.Case, a *pingan.User) bool {
	if !sees(c, a) {
		return false
	}
	for _, r := range []pingan.Role{pingan.RoleDispatcher, pingan.RoleHandler, pingan.RoleGridWorker, pingan.RoleMediator, pingan.RoleLeader, pingan.RoleAdmin} {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// rater: the reporter, or a dispatcher on their behalf; once.
func rater(c *pingan.Case, a *pingan.User) bool {
	if c.Satisfaction != nil {
		return false
	}
	return (a.ID != 0 && a.ID == c.ReportedBy) || dispatcher(c, a)
}

func (r rule) allowsStatus(c *pingan.Case) bool {
	if (c.Suspended && !r.whileSuspended) || (!c.Suspended && r.onlySuspended) {
		return false
	}
	for _, s := range r.from {
		if s == c.Status {
			return true
		}
	}
	return false
}

// allowsRequest reports whether c's pending request (or its absence)
// allows the action.
func (r rule) allowsRequest(c *pingan.Case) bool {
	switch r.request {
	case requestNone:
		return c.RequestAction == ""
	case requestPending:
		return c.RequestAction != ""
	}
	return true
}

// requestConflict answers the refusal of an action the pending request (or
// its absence) does not allow.
func requestConflict(c *pingan.Case, name pingan.ActionName) error {
	if c.RequestAction == "" {
		return pingan.E(pingan.ECONFLICT, "action.conflict.request.none", c.Status.Label(), string(c.Status), name.Label(), string(name))
	}
	return pingan.E(pingan.ECONFLICT, "action.conflict.request.pending", c.Status.Label(), string(c.Status), name.Label(), string(name),
		c.RequestAction.Label(), string(c.RequestAction))
}

// Allowed answers the actions actor may take on c now, in ActionNames order.
func Allowed(c *pingan.Case, actor *pingan.User) []pingan.ActionName {
	var out []pingan.ActionName
	for _, name := range pingan.ActionNames {
		r := rules[name]
		if r.allowsStatus(c) && r.allowsMediation(c) && r.allowsPetition(c) && !petitionBlocked(c, name) &&
			!hazardBlocked(c, name) && r.allowsRequest(c) && r.allowsAssist(c, actor) && r.may(c, actor) &&
			hazardRefused(c, actor, name) == nil {
			out = append(out, name)
		}
	}
	return out
}

// conflict answers the refusal of an action the case's status does not
// allow, naming the status and the actions allowed now.
func conflict(c *pingan.Case, actor *pingan.User, name pingan.ActionName) error {
	allowed := Allowed(c, actor)
	s := make([]string, len(allowed))
	for i, a := range allowed {
		s[i] = string(a)
	}
	key, none := "action.conflict", "action.conflict.none"
	if c.Suspended {
		key, none = "action.conflict.suspended", "action.conflict.suspended.none"
	}
	if len(allowed) == 0 {
		return pingan.E(pingan.ECONFLICT, none, c.Status.Label(), string(c.Status), name.Label(), string(name))
	}
	return pingan.E(pingan.ECONFLICT, key, c.Status.Label(), string(c.Status), name.Label(), string(name), strings.Join(s, ", "))
}

// taken reports whether a centre has accepted c already (or the case went
// on from there): the refusal of a second accept then says who holds it.
func taken(c *pingan.Case) bool {
	return c.Status != pingan.StatusReported && c.Status != pingan.StatusRejected
}

// takenBy answers the refusal of an accept of a case a centre took first,
// naming that centre's unit (its name when env has it, else its code), the
// status and the actions allowed now.
func takenBy(c *pingan.Case, actor *pingan.User, env Env) error {
	holder := c.HoldingUnit
	if env.Holding != nil && env.Holding.Code == c.HoldingUnit && env.Holding.Name != "" {
		holder = env.Holding.Name
	}
	var s []string
	for _, a := range Allowed(c, actor) {
		s = append(s, string(a))
	}
	if len(s) == 0 {
		return pingan.E(pingan.ECONFLICT, "action.conflict.taken.none", holder, c.Status.Label(), string(c.Status),
			pingan.ActAccept.Label(), string(pingan.ActAccept))
	}
	return pingan.E(pingan.ECONFLICT, "action.conflict.taken", holder, c.Status.Label(), string(c.Status),
		pingan.ActAccept.Label(), string(pingan.ActAccept), strings.Join(s, ", "))
}

// scopeUnit answers the unit whose subtree a is the jurisdiction of: for
// a centre's user the administrative unit the centre serves. A path is the
// codes from the root ("/62/6209/620902/"), so the code is its last part.
// Empty for the system or a user without a scope.
func scopeUnit(a *pingan.User) (code, path string) {
	if a == nil || a.ScopePath == "" {
		return "", ""
	}
	p := strings.TrimSuffix(a.ScopePath, "/")
	return p[strings.LastIndexByte(p, '/')+1:], a.ScopePath
}

// Apply moves c by the action in. actor is nil for the system (the
// escalation ticker). On success c holds its new state and the answer is the
// timeline entry to append (Seq and CaseID filled by the store). On failure c
// is unchanged and the error is a *pingan.Error: EINVALID for bad fields,
// EFORBIDDEN when the actor's role or unit may not, ECONFLICT when the
// status does not allow the action.
func Apply(c *pingan.Case, actor *pingan.User, in pingan.ActionInput, env Env) (*pingan.Action, error) {
	r, ok := rules[in.Action]
	if !ok {
		return nil, &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("action.unknown", string(in.Action)),
			Fields: map[string]pingan.Message{"action": pingan.Msg("action.unknown.field")}}
	}
	if actor != nil && !sees(c, actor) {
		return nil, pingan.E(pingan.ENOTFOUND, "action.case.not_found")
	}
	if !r.allowsStatus(c) || (in.Action == pingan.ActRate && c.Satisfaction != nil) {
		if in.Action == pingan.ActAccept && taken(c) {
			return nil, takenBy(c, actor, env)
		}
		return nil, conflict(c, actor, in.Action)
	}
	if !r.allowsMediation(c) || !r.allowsPetition(c) || petitionBlocked(c, in.Action) || hazardBlocked(c, in.Action) {
		return nil, conflict(c, actor, in.Action)
	}
	if !r.allowsRequest(c) {
		return nil, requestConflict(c, in.Action)
	}
	if !r.allowsAssist(c, actor) {
		return nil, assistConflict(c, actor, in.Action)
	}
	if !r.may(c, actor) {
		return nil, pingan.E(pingan.EFORBIDDEN, "action.forbidden", in.Action.Label(), string(in.Action))
	}
	if err := hazardRefused(c, actor, in.Action); err != nil { // 复查 by the rectifier (hazard.go)
		return nil, err
	}
	if err := validate(c, in, env); err != nil {
		return nil, err
	}
	var pv pingan.Invalid
	if err := validatePetition(c, actor, &in, env, &pv); err != nil {
		return nil, err
	}
	if err := pv.Err(); err != nil {
		return nil, err
	}
	if in.Action == pingan.ActResolve || ending(in.Action) {
		if err := assistsMissing(c); err != nil {
			return nil, err
		}
	}
	next := *c
	act := &pingan.Action{
		Action:      in.Action,
		At:          env.Now,
		FromStatus:  c.Status,
		ToStatus:    c.Status,
		Note:        firstNonEmpty(in.Reason, in.Result, in.Note),
		Attachments: in.Attachments,
		ActorName:   pingan.SystemActor,
	}
	if actor != nil {
		act.ActorID, act.ActorName = actor.ID, actorName(actor)
	}
	if err := transition(&next, act, actor, in, env); err != nil {
		return nil, err
	}
	if err := petitionTransition(c, &next, act, in, env); err != nil {
		return nil, err
	}
	cohandle(c, &next, act, actor, in, env)
	if next.Status != pingan.StatusInProgress {
		// A request is about the handling under way: it lapses when the
		// case leaves it.
		next.RequestAction, next.RequestDays, next.RequestReason = "", 0, ""
	}
	next.UpdatedAt = env.Now
	*c = next
	return act, nil
}

func actorName(u *pingan.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

// validate checks the fields each action needs.
func validate(c *pingan.Case, in pingan.ActionInput, env Env) error {
	var v pingan.Invalid
	switch in.Action {
	case pingan.ActReject, pingan.ActReturn, pingan.ActRework, pingan.ActEscalate, pingan.ActReopen, pingan.ActSuspend,
		pingan.ActRequestSuspend, pingan.ActRefuseRequest:
		v.Require("reason", in.Reason)
	case pingan.ActResolve, pingan.ActAssistReport:
		v.Require("result", in.Result)
	case pingan.ActDispatch:
		switch {
		case strings.TrimSpace(in.ToUnit) == "":
			v.Require("to_unit", in.ToUnit)
		case env.ToUnit == nil:
			v.Add("to_unit", "action.to_unit.unknown", in.ToUnit)
		}
		checkAssistUnits(&v, in, env)
	case pingan.ActExtend, pingan.ActRequestExtend:
		if in.Days <= 0 || in.Days > 365 {
			v.Add("days", "action.days.range")
		}
		v.Require("reason", in.Reason)
	case pingan.ActSupervise:
		if in.Deadline == nil {
			v.Require("deadline", "")
		} else if !in.Deadline.After(env.Now) {
			v.Add("deadline", "action.deadline.past")
		}
		v.Require("note", in.Note)
	case pingan.ActComment:
		v.Require("note", in.Note)
	case pingan.ActMerge, pingan.ActLink, pingan.ActUnlink:
		return checkPair(c, in, env)
	case pingan.ActRate:
		if in.Satisfaction == "" {
			v.Require("satisfaction", "")
		} else if !in.Satisfaction.Valid() {
			v.Add("satisfaction", "action.satisfaction.unknown")
		}
	case pingan.ActAccept:
		if in.Category != "" && in.Category != c.Category && env.Category == nil {
			v.Add("category", "action.category.unknown", in.Category)
		}
	case pingan.ActMediate, pingan.ActAgree, pingan.ActMediationFail, pingan.ActRefuseMediation, pingan.ActConfirm,
		pingan.ActPerform, pingan.ActRevisit, pingan.ActTermOverdue:
		if err := validateMediation(c, &in, env, &v); err != nil {
			return err
		}
	case pingan.ActRectifyOrder, pingan.ActRectifyDone, pingan.ActRecheck:
		validateHazard(c, &in, env, &v) // hazard.go
	}
	if in.Action == pingan.ActEscalate && env.Parent == nil {
		if err := v.Err(); err != nil {
			return err
		}
		return pingan.E(pingan.ECONFLICT, "action.escalate.top")
	}
	return v.Err()
}

// transition changes next and fills act; validate has run.
func transition(next *pingan.Case, act *pingan.Action, actor *pingan.User, in pingan.ActionInput, env Env) error {
	now := env.Now
	switch in.Action {
	case pingan.ActAccept:
		next.Status = pingan.StatusAccepted
		// 受理即认领 (accepting is claiming): a reported case waits in the
		// 待受理 of every centre above it; the centre that accepts it
		// first holds it from now on, and the others may no longer.
		if code, path := scopeUnit(actor); path != "" && path != next.HoldingPath {
			act.FromUnit, act.ToUnit = next.HoldingUnit, code
			next.HoldingUnit, next.HoldingPath = code, path
		}
		if env.Category != nil && env.Category.Code != next.Category {
			act.Note = firstNonEmpty(act.Note, fmt.Sprintf("类别更正为 %s %s", env.Category.Code, env.Category.Name))
			next.Category, next.Kind = env.Category.Code, env.Category.Kind
			if err := setDeadline(&next.ResolveBy, act, env, next.ReportedAt, env.Policy.ResolveFor(next.Urgency, next.Sensitive)); err != nil {
				return err
			}
		}
	case pingan.ActReject:
		next.Status = pingan.StatusRejected
		next.ClosedAt = &now
	case pingan.ActDispatch:
		next.Status = pingan.StatusDispatched
		act.FromUnit, act.ToUnit = next.AssignedUnit, env.ToUnit.Code
		next.AssignedUnit, next.AssignedPath = env.ToUnit.Code, env.ToUnit.Path
		if err := setDeadline(&next.SignBy, act, env, now, env.Policy.Sign); err != nil {
			return err
		}
	case pingan.ActSign:
		next.Status = pingan.StatusInProgress
		next.SignedAt = &now
		next.SignLate = next.SignBy != nil && now.After(*next.SignBy)
	case pingan.ActReturn:
		next.Status = pingan.StatusAccepted
		next.Returns++
		act.FromUnit = next.AssignedUnit
		next.AssignedUnit, next.AssignedPath, next.SignBy = "", "", nil
	case pingan.ActResolve, pingan.ActAgree, pingan.ActMediationFail, pingan.ActRefuseMediation:
		next.Status = pingan.StatusResolved
		next.ResolvedAt = &now
	case pingan.ActClose:
		next.Status = pingan.StatusClosed
		next.ClosedAt = &now
	case pingan.ActRework:
		next.Status = pingan.StatusInProgress
		next.ResolvedAt = nil
		next.Reworks++
		if next.AssignedUnit == "" {
			// Resolved on site, never dispatched: the centre dispatches it now.
			next.Status = pingan.StatusAccepted
		}
	case pingan.ActEscalate:
		// 上报上级: the parent unit's centre holds the case, registered
		// (accepted) with a full resolve period from now.
		next.Status = pingan.StatusAccepted
		act.FromUnit, act.ToUnit = next.HoldingUnit, env.Parent.Code
		next.HoldingUnit, next.HoldingPath = env.Parent.Code, env.Parent.Path
		next.AssignedUnit, next.AssignedPath, next.SignBy, next.SignedAt = "", "", nil, nil
		next.EscalationLevel++
		if err := setDeadline(&next.ResolveBy, act, env, now, env.Policy.ResolveFor(next.Urgency, next.Sensitive)); err != nil {
			return err
		}
	case pingan.ActExtend:
		if err := extend(next, act, env, in.Days); err != nil {
			return err
		}
	case pingan.ActSuspend:
		next.Suspended = true
		next.SuspendedAt = &now
	case pingan.ActRequestExtend, pingan.ActRequestSuspend:
		next.RequestAction, next.RequestDays, next.RequestReason = in.Action, 0, strings.TrimSpace(in.Reason)
		if in.Action == pingan.ActRequestExtend {
			next.RequestDays, act.Days = in.Days, in.Days
		}
	case pingan.ActApproveRequest:
		// The timeline entry of an approval carries what it applied: the
		// days of an extension (recount replays it as one), none for a
		// suspension.
		switch next.RequestAction {
		case pingan.ActRequestExtend:
			if err := extend(next, act, env, next.RequestDays); err != nil {
				return err
			}
		case pingan.ActRequestSuspend:
			if next.Suspended {
				return pingan.E(pingan.ECONFLICT, "action.request.suspended")
			}
			next.Suspended = true
			next.SuspendedAt = &now
		}
		act.Note = firstNonEmpty(in.Note, next.RequestReason)
		next.RequestAction, next.RequestDays, next.RequestReason = "", 0, ""
	case pingan.ActRefuseRequest:
		next.RequestAction, next.RequestDays, next.RequestReason = "", 0, ""
	case pingan.ActResume:
		if next.ResolveBy != nil && next.SuspendedAt != nil {
			due, err := env.Calendar.Shift(*next.ResolveBy, *next.SuspendedAt, now, resolveUnit(next, env.Policy))
			if err != nil {
				return calendarError(err, "resolve_by")
			}
			next.ResolveBy = &due
			act.Deadline = &due
		}
		next.Suspended, next.SuspendedAt = false, nil
	case pingan.ActSupervise:
		next.Supervised = true
		act.Deadline = in.Deadline
		next.SuperviseBy = in.Deadline
	case pingan.ActComment:
	case pingan.ActMerge, pingan.ActLink, pingan.ActUnlink:
		pairTransition(next, act, in, env)
	case pingan.ActRate:
		s := in.Satisfaction
		next.Satisfaction = &s
		act.Satisfaction = s
	case pingan.ActTermOverdue:
		// 履行逾期: back to the mediator, with a full resolve period from
		// now, so that the raised case is not overdue at once.
		next.Status = pingan.StatusInProgress
		next.ResolvedAt, next.ClosedAt = nil, nil
		if err := setDeadline(&next.ResolveBy, act, env, now, env.Policy.ResolveFor(next.Urgency, next.Sensitive)); err != nil {
			return err
		}
	case pingan.ActReopen:
		next.Status = pingan.StatusAccepted
		next.Reopens++
		next.ClosedAt, next.ResolvedAt, next.Satisfaction = nil, nil, nil
		next.SuperviseBy = nil // an order on the closed round is answered
		next.AssignedUnit, next.AssignedPath, next.SignBy, next.SignedAt = "", "", nil, nil
		if err := setDeadline(&next.ResolveBy, act, env, now, env.Policy.ResolveFor(next.Urgency, next.Sensitive)); err != nil {
			return err
		}
	}
	mediationTransition(next, act, in, env)
	hazardTransition(next, act, actor, in, env) // hazard.go
	act.ToStatus = next.Status
	return nil
}

// extend moves next's resolve deadline by days (延期) and records it on act.
func extend(next *pingan.Case, act *pingan.Action, env Env, days int) error {
	if next.ResolveBy == nil {
		return pingan.E(pingan.ECONFLICT, "action.extend.no_deadline")
	}
	due, err := env.Calendar.Extend(*next.ResolveBy, days, calendar.Unit(unitOf(env.Policy.Resolve)))
	if err != nil {
		return calendarError(err, "days")
	}
	next.ResolveBy = &due
	act.Deadline, act.Days = &due, days
	return nil
}

func unitOf(p pingan.Period) string {
	if p.Unit == "" {
		return "calendar"
	}
	return p.Unit
}

// deadline counts p from `from`; a policy without a period has no deadline
// and is refused.
// setDeadline counts p from `from` into *field and records it on act.
func setDeadline(field **time.Time, act *pingan.Action, env Env, from time.Time, p pingan.Period) error {
	due, err := deadline(env, from, p)
	if err != nil {
		return err
	}
	*field, act.Deadline = &due, &due
	return nil
}

func deadline(env Env, from time.Time, p pingan.Period) (time.Time, error) {
	if !p.Valid() {
		return time.Time{}, pingan.E(pingan.EINVALID, "action.policy.bad", p.N, p.Unit)
	}
	due, err := env.Calendar.Due(from, p.N, calendar.Unit(p.Unit))
	if err != nil {
		return time.Time{}, calendarError(err, "policy")
	}
	return due, nil
}

// calendarError answers a deadline the calendar cannot count. A period that
// runs out of the calendar's years (calendar.ErrNotCovered: before the
// first year of the data, or past the provisional rule's reach) or is too
// long to count at all is the input's fault, an EINVALID error naming field:
// days for an extension (延期), policy for a period of the category's
// policy (时限), resolve_by for a deadline moved on resumption. Any other
// failure is a fault of ours.
func calendarError(err error, field string) error {
	var nc *calendar.NotCoveredError
	switch {
	case errors.As(err, &nc):
		return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("action.deadline.uncovered"),
			Fields: map[string]pingan.Message{field: pingan.Msg("action.deadline.uncovered.year", nc.Year)}}
	case strings.Contains(err.Error(), "too long a period"): // calendar.Due's refusal; it has no sentinel
		return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("action.deadline.too_long"),
			Fields: map[string]pingan.Message{field: pingan.Msg("action.deadline.too_long")}}
	}
	// A fault of ours, never shown: the calendar's own words go to the log.
	return pingan.E(pingan.EINTERNAL, "action.deadline.failed", err.Error())
}

// Report fills in the state of a new case: status (reported, or resolved when
// resolved on site), holding unit (the case's unit), deadlines from the
// policy, and answers the first timeline entry. The report has passed
// pingan.NewCase.Validate: a case resolved on site has its result.
func Report(c *pingan.Case, actor *pingan.User, in *pingan.NewCase, env Env) (*pingan.Action, error) {
	now := env.Now
	if c.ReportedAt.IsZero() {
		c.ReportedAt = now
	}
	c.Status = pingan.StatusReported
	c.HoldingUnit, c.HoldingPath = c.Unit, c.UnitPath
	due, err := deadline(env, c.ReportedAt, env.Policy.ResolveFor(in.Urgency, in.Sensitive)) // docs/urgency.md
	if err != nil {
		return nil, err
	}
	c.ResolveBy = &due
	act := &pingan.Action{Action: pingan.ActReport, At: c.ReportedAt, ToStatus: pingan.StatusReported,
		ToUnit: c.Unit, Note: strings.TrimSpace(in.Title), Deadline: &due, ActorName: pingan.SystemActor}
	if err := petitionReport(c, act, env); err != nil {
		return nil, err
	}
	if in.ResolvedOnSite {
		// 就地化解: reported and resolved by the same person at the same
		// visit; the centre verifies and closes it.
		at := c.ReportedAt
		c.Status = pingan.StatusResolved
		c.ResolvedAt = &at
		act.ToStatus = pingan.StatusResolved
		act.Note = strings.TrimSpace(in.Result)
	}
	if actor != nil {
		c.ReportedBy = actor.ID
		act.ActorID, act.ActorName = actor.ID, actorName(actor)
	}
	c.UpdatedAt = now
	return act, nil
}
