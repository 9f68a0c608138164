package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/workflow"
)

// Tasks is the supervised work tasks (督办事项, 13710): pingan.TaskService.
// A task's row is a cache of its timeline (task_events); each step loads
// the task (locked on PostgreSQL), applies workflow.ApplyTask and writes
// the row, its units and milestones, the event, the counters of the yearly
// list (task_tallies, per node = the lead unit and each unit above it) and
// an audit row in one transaction (migration 0028, docs/tasks.md). The
// watch (MarkOverdue) marks each missed milestone once and escalates.
type Tasks struct{ *handle }

var _ pingan.TaskService = (*Tasks)(nil)

// taskRow is a task as the store holds it: the domain's, with what only
// the store needs.
type taskRow struct {
	*pingan.Task
	region    string
	leadPath  string
	tallyYear int
	behindPts int
}

// kind answers the counters' kind of the task.
func (t *taskRow) kind() string { return taskKind(t.Quantified) }

func taskKind(quantified bool) string {
	if quantified {
		return "quantified"
	}
	return "deployment"
}

// IssueTask issues a task from the actor's unit in one transaction.
func (s *Tasks) IssueTask(ctx context.Context, actor *pingan.User, in *pingan.NewTask) (*pingan.Task, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	id, err := s.insertTask(ctx, tx, actor, in, s.now())
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	t, _, err := s.FindTask(ctx, actor, id)
	return t, err
}

// insertTask issues the task in in from the actor's unit in tx at now and
// answers its id: the row, its units, its plan, the issue event, the
// counters and the audit row. Another service may call it inside its own
// transaction (a decision of the weekly 研判 becomes a task with it).
// EFORBIDDEN for an actor who may not issue; EINVALID naming each bad field.
func (h *handle) insertTask(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewTask, now time.Time) (int64, error) {
	if err := pingan.Permit(actor, pingan.CapTasks); err != nil {
		return 0, err
	}
	if !workflow.MayIssue(actor) {
		return 0, pingan.E(pingan.EFORBIDDEN, "task.issue.forbidden")
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return 0, err
	}
	if in == nil {
		return 0, pingan.E(pingan.EINVALID, "task.none")
	}
	n := *in
	n.CoUnits = append([]string(nil), in.CoUnits...)
	n.Milestones = append([]pingan.NewMilestone(nil), in.Milestones...)
	n.Normalize()
	var v pingan.Invalid
	n.Validate(&v, pingan.Day(now))
	issuing, err := unitByCode(ctx, tx, lastCode(actor.ScopePath))
	if err != nil {
		return 0, err
	}
	if issuing == nil {
		return 0, errUnitNotFound(lastCode(actor.ScopePath))
	}
	typ, err := taskType(ctx, tx, n.Type)
	if err != nil {
		return 0, err
	}
	if typ == nil {
		v.Add("type", "task.type.unknown", pingan.ShowText(n.Type, 20))
	} else if typ.Quantified && n.Target <= 0 {
		v.Add("target", "task.target.required")
	}
	var lead *pingan.Unit
	if n.LeadUnit != "" {
		lead, err = unitInScope(ctx, tx, n.LeadUnit, scope)
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("lead_unit", "task.unit.outside", pingan.ShowText(n.LeadUnit, 20))
		} else if err != nil {
			return 0, err
		}
	}
	co := make([]*pingan.Unit, 0, len(n.CoUnits))
	for _, c := range n.CoUnits {
		u, err := unitInScope(ctx, tx, c, scope)
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("co_units", "task.unit.outside", pingan.ShowText(c, 20))
			continue
		} else if err != nil {
			return 0, err
		}
		co = append(co, u)
	}
	var plan []pingan.Milestone
	if typ != nil && !v.Has("milestones") && !v.Has("months") {
		if plan, err = h.taskPlan(typ, &n, now); err != nil {
			v.Add("milestones", "task.plan.calendar")
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	quantified := typ.Quantified || n.Target > 0
	year := now.In(cst).Year()
	if n.Source == pingan.TaskFromKeyList {
		year = n.ListYear
	}
	due := plan[len(plan)-1].Due
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO tasks (region, title, content, source, list_year, ref, type, quantified, target,
		target_unit, tally_year, unit_code, unit_path, lead_code, lead_path, state, issued_by, issued_at, due_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1) RETURNING id`,
		issuing.Region, n.Title, n.Content, n.Source, n.ListYear, n.Ref, typ.Code, quantified, n.Target, n.TargetUnit, year,
		issuing.Code, issuing.Path, lead.Code, lead.Path, pingan.TaskIssued, actor.ID, h.dialect.ts(now), h.dialect.ts(due)).Scan(&id)
	if err != nil {
		return 0, err
	}
	units := append([]*pingan.Unit{lead}, co...)
	for i, u := range units {
		role := pingan.TaskCo
		if i == 0 {
			role = pingan.TaskLead
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_units (task_id, unit_code, unit_path, role) VALUES ($1, $2, $3, $4)`,
			id, u.Code, u.Path, role); err != nil {
			return 0, err
		}
	}
	for _, m := range plan {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_milestones (task_id, seq, name, due_at, rule, share, state)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending')`, id, m.Seq, m.Name, h.dialect.ts(m.Due), m.Rule, m.Share); err != nil {
			return 0, err
		}
	}
	ev := &pingan.TaskEvent{At: now, ActorID: actor.ID, ActorName: nameOf(actor), Unit: issuing.Code, Step: pingan.TaskStepIssue,
		Details: map[string]any{"lead_unit": lead.Code, "type": typ.Code}}
	if err := h.taskEvent(ctx, tx, id, ev); err != nil {
		return 0, err
	}
	if err := h.taskTally(ctx, tx, lead.Path, year, n.Source, taskKind(quantified), map[string]int64{"issued": 1, "open": 1}); err != nil {
		return 0, err
	}
	return id, h.auditTask(ctx, tx, actor, issuing.Region, id, pingan.TaskStepIssue)
}

// taskPlan answers the milestones of a new task: those given by hand, or
// the type's — working-day offsets from now, or one a month.
func (h *handle) taskPlan(typ *pingan.TaskType, n *pingan.NewTask, now time.Time) ([]pingan.Milestone, error) {
	cal := h.calendarNow()
	var plan []pingan.Milestone
	switch {
	case len(n.Milestones) > 0:
		for i, m := range n.Milestones {
			d, _ := pingan.ParseDay(m.Due)
			rule, share := pingan.MeetProgress, m.Share
			if i == len(n.Milestones)-1 {
				rule, share = pingan.MeetFinish, 100
			}
			plan = append(plan, pingan.Milestone{Seq: i + 1, Name: m.Name, Due: d.Add(24*time.Hour - time.Second), Rule: rule, Share: share})
		}
	case typ.Unit == "month":
		months := n.Months
		if months == 0 {
			months = 12
		}
		day := now.In(cst)
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, cst)
		for k := 1; k <= months; k++ {
			days := int(day.AddDate(0, k, 0).Sub(day).Hours()/24 + 0.5)
			d, err := cal.Due(now, days, calendar.CalendarDays)
			if err != nil {
				return nil, err
			}
			rule := pingan.MeetProgress
			if k == months {
				rule = pingan.MeetFinish
			}
			plan = append(plan, pingan.Milestone{Seq: k, Name: pingan.Text(pingan.ZH, "task.month.n", k), Due: d, Rule: rule, Share: 100 * k / months})
		}
	default:
		for i, off := range typ.Offsets {
			d, err := cal.Due(now, off, calendar.WorkingDays)
			if err != nil {
				return nil, err
			}
			m := pingan.Milestone{Seq: i + 1, Due: d, Rule: pingan.MeetProgress}
			if i < len(typ.Names) {
				m.Name = typ.Names[i]
			}
			if i < len(typ.Rules) {
				m.Rule = typ.Rules[i]
			}
			if i < len(typ.Shares) {
				m.Share = typ.Shares[i]
			}
			plan = append(plan, m)
		}
	}
	if len(plan) == 0 {
		return nil, errors.New("store: a task type without milestones")
	}
	return plan, nil
}

// taskType answers the plan with the code, or nil.
func taskType(ctx context.Context, q queryer, code string) (*pingan.TaskType, error) {
	var t pingan.TaskType
	var offsets, names, rules, shares string
	err := q.QueryRowContext(ctx, `SELECT code, name, unit, offsets, names, rules, shares, quantified, behind_points
		FROM task_types WHERE code = $1`, code).Scan(&t.Code, &t.Name, &t.Unit, &offsets, &names, &rules, &shares, &t.Quantified, &t.BehindPoints)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	fillTaskType(&t, offsets, names, rules, shares)
	return &t, nil
}

func fillTaskType(t *pingan.TaskType, offsets, names, rules, shares string) {
	ints := func(s string) []int {
		var out []int
		for _, f := range strings.Split(s, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
				out = append(out, n)
			}
		}
		return out
	}
	t.Offsets, t.Shares = ints(offsets), ints(shares)
	if names != "" {
		t.Names = strings.Split(names, "|")
	}
	if rules != "" {
		t.Rules = strings.Split(rules, ",")
	}
}

// TaskTypes answers the plans.
func (s *Tasks) TaskTypes(ctx context.Context) ([]*pingan.TaskType, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name, unit, offsets, names, rules, shares, quantified, behind_points
		FROM task_types ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.TaskType
	for rows.Next() {
		var t pingan.TaskType
		var offsets, names, rules, shares string
		if err := rows.Scan(&t.Code, &t.Name, &t.Unit, &offsets, &names, &rules, &shares, &t.Quantified, &t.BehindPoints); err != nil {
			return nil, err
		}
		fillTaskType(&t, offsets, names, rules, shares)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// taskEvent appends ev to the timeline of task id.
func (h *handle) taskEvent(ctx context.Context, tx *sql.Tx, id int64, ev *pingan.TaskEvent) error {
	d := map[string]any{}
	for k, x := range ev.Details {
		d[k] = x
	}
	if len(ev.Evidence) > 0 {
		d["evidence"] = ev.Evidence
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO task_events (task_id, at, actor_id, actor_name, unit_code, step, note, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, h.dialect.ts(ev.At), ev.ActorID, ev.ActorName, ev.Unit, ev.Step, ev.Note, string(b)); err != nil {
		return err
	}
	return h.hookItem(ctx, tx, pingan.WebhookKindTask, id, ev.Step, ev.At) // the webhooks' outbox (webhook.go)
}

// taskMeasures are the counters' columns, the only names taskTally takes.
var taskMeasures = map[string]bool{"issued": true, "signed": true, "done": true, "on_time": true, "open": true, "behind": true,
	"missed": true, "sent_back": true, "urged": true, "supervised": true, "notified": true, "cancelled": true}

// taskTally adds the deltas to the counters of every node of path (the
// lead unit and each unit above it) for the year, source and kind.
func (h *handle) taskTally(ctx context.Context, tx *sql.Tx, path string, year int, source, kind string, deltas map[string]int64) error {
	var cols, vals, sets []string
	a := args{year, source, kind}
	for _, m := range slices.Sorted(maps.Keys(deltas)) {
		if !taskMeasures[m] {
			return errors.New("store: no task counter " + m)
		}
		if deltas[m] == 0 {
			continue
		}
		cols = append(cols, m)
		vals = append(vals, a.add(deltas[m]))
		sets = append(sets, m+` = task_tallies.`+m+` + excluded.`+m)
	}
	if len(cols) == 0 {
		return nil
	}
	codes := strings.Split(strings.Trim(path, "/"), "/")
	tuples := make([]string, len(codes))
	for i, c := range codes {
		tuples[i] = `(` + a.add(c) + `, $1, $2, $3, ` + strings.Join(vals, ", ") + `)`
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO task_tallies (node, year, source, kind, `+strings.Join(cols, ", ")+`)
		VALUES `+strings.Join(tuples, ", ")+` ON CONFLICT (node, year, source, kind) DO UPDATE SET `+strings.Join(sets, ", "), a...)
	return err
}

// auditTask records a step on task id in the audit log.
func (h *handle) auditTask(ctx context.Context, tx *sql.Tx, actor *pingan.User, region string, id int64, step string) error {
	return h.audit(ctx, tx, actor, "task_"+step, region, "", `{"task":`+strconv.FormatInt(id, 10)+`}`)
}
