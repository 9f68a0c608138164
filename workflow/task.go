package workflow

import (
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Supervised work tasks (督办事项, pingan/task.go, docs/tasks.md). The
// steps are rows of taskRules: from which states, who may (a role held by
// the actor and the actor's relation to the task), and the effect, in
// ApplyTask.
//
//	issue      leader, assessor, dispatcher of the issuing unit: issued (MayIssue)
//	sign       handler, dispatcher, mediator of a task unit not yet signed: the lead's
//	           signature moves issued → doing
//	progress   the same, of a signed unit: percent 0–100 or a quantity against the target
//	           (more needs a note)
//	finish     of the lead unit, with a summary: doing → finished
//	verify     issuer: finished → closed
//	send_back  issuer, with a reason: finished → doing, counted
//	urge, supervise, notify
//	           issuer, or a leader above the issuing unit: the escalation (催办 → 督办 → 通报)
//	           rises to the step's level; the watch takes them on missed milestones (MissTask)
//	cancel     issuer, with a reason: any open state → cancelled

// taskRule is a row of the tasks' table.
type taskRule struct {
	from  []string
	roles []pingan.Role
	// rel reports whether the actor stands to the task as the step needs.
	rel func(t *pingan.Task, a *pingan.User) bool
	// note: the step needs a note ("note").
	note bool
}

var (
	issuerRoles = []pingan.Role{pingan.RoleLeader, pingan.RoleAssessor, pingan.RoleDispatcher}
	unitRoles   = []pingan.Role{pingan.RoleHandler, pingan.RoleDispatcher, pingan.RoleMediator}
	openTask    = []string{pingan.TaskIssued, pingan.TaskDoing, pingan.TaskFinished}
	runningTask = []string{pingan.TaskIssued, pingan.TaskDoing}
)

// taskRules are the steps of a task, by name.
var taskRules = map[string]taskRule{
	pingan.TaskStepSign:      {from: runningTask, roles: unitRoles, rel: taskUnitMember},
	pingan.TaskStepProgress:  {from: runningTask, roles: unitRoles, rel: taskUnitMember},
	pingan.TaskStepFinish:    {from: []string{pingan.TaskDoing}, roles: unitRoles, rel: leadMember, note: true},
	pingan.TaskStepVerify:    {from: []string{pingan.TaskFinished}, roles: issuerRoles, rel: issuer},
	pingan.TaskStepSendBack:  {from: []string{pingan.TaskFinished}, roles: issuerRoles, rel: issuer, note: true},
	pingan.TaskStepUrge:      {from: runningTask, roles: issuerRoles, rel: taskEscalator},
	pingan.TaskStepSupervise: {from: runningTask, roles: issuerRoles, rel: taskEscalator},
	pingan.TaskStepNotify:    {from: runningTask, roles: issuerRoles, rel: taskEscalator},
	pingan.TaskStepCancel:    {from: openTask, roles: issuerRoles, rel: issuer, note: true},
}

// TaskSteps lists the steps a user may take by hand, in the order of the forms.
var TaskSteps = []string{pingan.TaskStepSign, pingan.TaskStepProgress, pingan.TaskStepFinish, pingan.TaskStepVerify,
	pingan.TaskStepSendBack, pingan.TaskStepUrge, pingan.TaskStepSupervise, pingan.TaskStepNotify, pingan.TaskStepCancel}

// escalationOf answers the level of an escalation step.
var escalationOf = map[string]int{pingan.TaskStepUrge: pingan.EscalateUrge,
	pingan.TaskStepSupervise: pingan.EscalateSupervise, pingan.TaskStepNotify: pingan.EscalateNotify}

// EscalationStep answers the step of an escalation level (1–3).
func EscalationStep(level int) string {
	for s, l := range escalationOf {
		if l == level {
			return s
		}
	}
	return ""
}

// MayIssue reports whether the actor may issue tasks from their unit.
func MayIssue(a *pingan.User) bool { return hasAny(a, issuerRoles) }

func hasAny(a *pingan.User, roles []pingan.Role) bool {
	return a != nil && slices.ContainsFunc(roles, a.Has)
}

// issuer: the actor belongs to the issuing unit (or the centre serving it).
func issuer(t *pingan.Task, a *pingan.User) bool {
	return a != nil && t.UnitPath != "" && a.ScopePath == t.UnitPath
}

// taskEscalator: the issuer, or a leader whose jurisdiction holds the issuing unit.
func taskEscalator(t *pingan.Task, a *pingan.User) bool {
	return issuer(t, a) || (a != nil && a.Has(pingan.RoleLeader) && a.Sees(t.UnitPath))
}

// ActingUnit answers the task unit the actor acts for: the one whose path
// is the actor's scope (its own staff, or the centre serving it), with the
// code when it is given; nil when none.
func ActingUnit(t *pingan.Task, a *pingan.User, code string) *pingan.TaskUnit {
	if a == nil {
		return nil
	}
	for _, u := range t.Units {
		if (code == "" || u.Code == code) && u.Path == a.ScopePath {
			return u
		}
	}
	return nil
}

func taskUnitMember(t *pingan.Task, a *pingan.User) bool { return ActingUnit(t, a, "") != nil }

func leadMember(t *pingan.Task, a *pingan.User) bool {
	u := ActingUnit(t, a, t.Lead)
	return u != nil && u.Role == pingan.TaskLead
}

// TaskAllowed reports whether the actor may take step on t now.
func TaskAllowed(t *pingan.Task, a *pingan.User, step string) bool {
	r, ok := taskRules[step]
	return ok && slices.Contains(r.from, t.State) && hasAny(a, r.roles) && r.rel(t, a)
}

// TaskStepsFor answers the steps the actor may take on t now, in form order.
func TaskStepsFor(t *pingan.Task, a *pingan.User) []string {
	var out []string
	for _, s := range TaskSteps {
		if TaskAllowed(t, a, s) {
			out = append(out, s)
		}
	}
	return out
}

// ApplyTask answers t after the actor took the step in, and the timeline
// row; EFORBIDDEN when the step is not the actor's, ECONFLICT when the
// state (or the unit's signature) does not allow it, EINVALID naming the
// field. t is not changed.
func ApplyTask(t *pingan.Task, actor *pingan.User, in pingan.TaskAction, now time.Time) (*pingan.Task, *pingan.TaskEvent, error) {
	r, ok := taskRules[in.Step]
	if !ok {
		return nil, nil, pingan.Invalidf("step", "task.step.unknown", in.Step)
	}
	if !hasAny(actor, r.roles) || !r.rel(t, actor) {
		return nil, nil, pingan.E(pingan.EFORBIDDEN, "task.forbidden."+in.Step)
	}
	if !slices.Contains(r.from, t.State) {
		return nil, nil, pingan.E(pingan.ECONFLICT, "task.conflict."+in.Step)
	}
	note := strings.TrimSpace(in.Note)
	var v pingan.Invalid
	if r.note && note == "" {
		v.Add("note", "task.note.required")
	}
	if len([]rune(note)) > pingan.MaxTaskNote {
		v.Add("note", "task.note.long", pingan.MaxTaskNote)
	}
	next := cloneTask(t)
	ev := &pingan.TaskEvent{At: now, ActorID: actor.ID, ActorName: actorName(actor), Unit: t.Unit, Step: in.Step, Note: note}
	switch in.Step {
	case pingan.TaskStepSign, pingan.TaskStepProgress, pingan.TaskStepFinish:
		code := in.Unit
		if in.Step == pingan.TaskStepFinish {
			code = t.Lead
		}
		u := unitIn(next, ActingUnit(t, actor, code))
		if u == nil {
			return nil, nil, pingan.E(pingan.EFORBIDDEN, "task.forbidden."+in.Step)
		}
		ev.Unit = u.Code
		switch in.Step {
		case pingan.TaskStepSign:
			if u.SignedAt != nil {
				return nil, nil, pingan.E(pingan.ECONFLICT, "task.signed", u.Name)
			}
			u.SignedAt = &now
			if u.Role == pingan.TaskLead {
				next.State = pingan.TaskDoing
			}
		case pingan.TaskStepProgress:
			if u.SignedAt == nil {
				return nil, nil, pingan.E(pingan.ECONFLICT, "task.unsigned", u.Name)
			}
			if err := progress(next, u, in, note, &v, ev); err != nil {
				return nil, nil, err
			}
		case pingan.TaskStepFinish:
			next.State, next.FinishedAt = pingan.TaskFinished, &now
		}
	case pingan.TaskStepVerify:
		next.State, next.ClosedAt = pingan.TaskClosed, &now
	case pingan.TaskStepSendBack:
		next.State, next.FinishedAt = pingan.TaskDoing, nil
		next.SentBack++
	case pingan.TaskStepUrge, pingan.TaskStepSupervise, pingan.TaskStepNotify:
		next.Escalated = max(next.Escalated, escalationOf[in.Step])
	case pingan.TaskStepCancel:
		next.State, next.ClosedAt = pingan.TaskCancelled, &now
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	next.Version++
	return next, ev, nil
}

// progress applies a progress report of unit u to next: a percentage, or
// a quantity of a quantified task; more than 100 or the target needs a
// note. The lead unit's report is the task's.
func progress(next *pingan.Task, u *pingan.TaskUnit, in pingan.TaskAction, note string, v *pingan.Invalid, ev *pingan.TaskEvent) error {
	ev.Details = map[string]any{}
	switch {
	case next.Target > 0 && in.Quantity != nil:
		q := *in.Quantity
		if q < 0 {
			v.Add("quantity", "task.quantity.bad")
		} else if q > next.Target && note == "" {
			v.Add("note", "task.over.target", next.Target)
		}
		u.Quantity = q
		u.Percent = int(min(100, q*100/next.Target))
		ev.Details["quantity"] = q
	case in.Percent != nil:
		p := *in.Percent
		if p < 0 {
			v.Add("percent", "task.percent.bad")
		} else if p > 100 && note == "" {
			v.Add("note", "task.over.100")
		}
		u.Percent = p
		if next.Target > 0 {
			u.Quantity = next.Target * int64(p) / 100
		}
		ev.Details["percent"] = p
	default:
		if next.Target > 0 {
			v.Add("quantity", "field.required")
		} else {
			v.Add("percent", "field.required")
		}
		return nil
	}
	now := ev.At
	u.ReportedAt = &now
	u.Reports++
	if u.Role == pingan.TaskLead {
		next.Percent, next.Quantity = u.Percent, u.Quantity
	}
	return nil
}

// MissTask answers t after the watch found its milestone seq missed: the
// escalation rises one level (催办, then 督办, then 通报, which stays), and
// the timeline row is that step's, naming the milestone. ECONFLICT when
// the task no longer runs.
func MissTask(t *pingan.Task, seq int, now time.Time) (*pingan.Task, *pingan.TaskEvent, error) {
	if !slices.Contains(runningTask, t.State) {
		return nil, nil, pingan.E(pingan.ECONFLICT, "task.conflict."+pingan.TaskStepMissed)
	}
	next := cloneTask(t)
	next.Escalated = min(pingan.EscalateNotify, t.Escalated+1)
	name := ""
	for i := range next.Plan {
		if next.Plan[i].Seq == seq {
			next.Plan[i].Missed = true
			name = next.Plan[i].Name
		}
	}
	next.Version++
	ev := &pingan.TaskEvent{At: now, Unit: t.Unit, Step: EscalationStep(next.Escalated),
		Details: map[string]any{"milestone": name, "seq": seq, "auto": true}}
	return next, ev, nil
}

// Met answers the milestones of t that its state now meets and that were
// not yet met nor missed, by their index in t.Plan.
func Met(t *pingan.Task) []int {
	var lead *pingan.TaskUnit
	for _, u := range t.Units {
		if u.Role == pingan.TaskLead {
			lead = u
		}
	}
	var out []int
	for i, m := range t.Plan {
		if m.MetAt != nil || m.Missed {
			continue
		}
		ok := false
		switch m.Rule {
		case pingan.MeetSign:
			ok = lead != nil && lead.SignedAt != nil
		case pingan.MeetReport:
			ok = lead != nil && lead.Reports > 0
		case pingan.MeetProgress:
			ok = t.Progress() >= m.Share || t.FinishedAt != nil
		case pingan.MeetFinish:
			ok = t.FinishedAt != nil
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

func unitIn(t *pingan.Task, u *pingan.TaskUnit) *pingan.TaskUnit {
	if u == nil {
		return nil
	}
	for _, x := range t.Units {
		if x.Code == u.Code {
			return x
		}
	}
	return nil
}

func cloneTask(t *pingan.Task) *pingan.Task {
	n := *t
	n.Units = make([]*pingan.TaskUnit, len(t.Units))
	for i, u := range t.Units {
		c := *u
		n.Units[i] = &c
	}
	n.Plan = slices.Clone(t.Plan)
	return &n
}
