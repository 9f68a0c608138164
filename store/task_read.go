package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

const taskColumns = `t.id, t.region, t.title, t.content, t.source, t.list_year, t.ref, t.type, t.quantified, t.target, t.target_unit,
	t.tally_year, t.unit_code, u.name, t.unit_path, t.lead_code, l.name, t.lead_path, t.state, t.issued_by, t.issued_at, t.due_at,
	t.percent, t.quantity, t.escalation, t.behind, t.sent_back, t.finished_at, t.closed_at, t.version,
	COALESCE(tt.behind_points, 10)`

const taskFrom = ` FROM tasks t JOIN units u ON u.code = t.unit_code JOIN units l ON l.code = t.lead_code
	LEFT JOIN task_types tt ON tt.code = t.type`

func scanTask(s scanner) (*taskRow, error) {
	var t pingan.Task
	r := &taskRow{Task: &t}
	var issued, due, finished, closed stamp
	if err := s.Scan(&t.ID, &r.region, &t.Title, &t.Content, &t.Source, &t.ListYear, &t.Ref, &t.Type, &t.Quantified, &t.Target,
		&t.TargetUnit, &r.tallyYear, &t.Unit, &t.UnitName, &t.UnitPath, &t.Lead, &t.LeadName, &r.leadPath, &t.State, &t.IssuedBy,
		&issued, &due, &t.Percent, &t.Quantity, &t.Escalated, &t.Behind, &t.SentBack, &finished, &closed, &t.Version,
		&r.behindPts); err != nil {
		return nil, err
	}
	t.IssuedAt, t.Due, t.FinishedAt, t.ClosedAt = issued.T, due.T, finished.ptr(), closed.ptr()
	return r, nil
}

// taskSeen is the condition that the task t lies in the jurisdiction of
// the LIKE pattern p: issued there, or one of its units lies there.
func taskSeen(p string) string {
	return `(` + unitIn("t.unit_path", p) + ` OR EXISTS (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id AND ` +
		unitIn("tu.unit_path", p) + `))`
}

// loadTask loads task id in tx with its units and plan, locked for update
// when lock; ENOTFOUND when the actor does not see it.
func (h *handle) loadTask(ctx context.Context, tx *sql.Tx, actor *pingan.User, id int64, lock bool) (*taskRow, error) {
	q := `SELECT ` + taskColumns + taskFrom + ` WHERE t.id = $1`
	if lock {
		// Lock the task's row alone (PostgreSQL refuses FOR UPDATE on the
		// outer side of a join): a plain lock first, then the read.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM tasks WHERE id = $1`+h.dialect.forUpdate(), id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return nil, errTaskNotFound(id)
		} else if err != nil {
			return nil, err
		}
	}
	t, err := scanTask(tx.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errTaskNotFound(id)
	} else if err != nil {
		return nil, err
	}
	if err := h.taskParts(ctx, tx, []*taskRow{t}); err != nil {
		return nil, err
	}
	if actor != nil && !seesTask(actor, t.Task) {
		return nil, errTaskNotFound(id)
	}
	return t, nil
}

// seesTask reports whether the actor's jurisdiction holds the issuing unit
// or one of the task's units.
func seesTask(actor *pingan.User, t *pingan.Task) bool {
	if actor.Sees(t.UnitPath) {
		return true
	}
	for _, u := range t.Units {
		if actor.Sees(u.Path) {
			return true
		}
	}
	return false
}

func errTaskNotFound(id int64) error { return pingan.E(pingan.ENOTFOUND, "task.notfound", id) }

// taskParts fills the units and the plans of ts.
func (h *handle) taskParts(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, ts []*taskRow) error {
	if len(ts) == 0 {
		return nil
	}
	by := map[int64]*taskRow{}
	a := args{}
	marks := make([]string, len(ts))
	for i, t := range ts {
		by[t.ID] = t
		t.Units, t.Plan = nil, nil
		marks[i] = a.add(t.ID)
	}
	in := strings.Join(marks, ", ")
	rows, err := q.QueryContext(ctx, `SELECT tu.task_id, tu.unit_code, u.name, tu.unit_path, tu.role, tu.signed_at, tu.percent, tu.quantity,
		tu.reported_at, tu.reports FROM task_units tu JOIN units u ON u.code = tu.unit_code WHERE tu.task_id IN (`+in+`)
		ORDER BY tu.task_id, CASE tu.role WHEN 'lead' THEN 0 ELSE 1 END, tu.unit_path`, a...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var u pingan.TaskUnit
		var signed, reported stamp
		if err := rows.Scan(&id, &u.Code, &u.Name, &u.Path, &u.Role, &signed, &u.Percent, &u.Quantity, &reported, &u.Reports); err != nil {
			rows.Close()
			return err
		}
		u.SignedAt, u.ReportedAt = signed.ptr(), reported.ptr()
		by[id].Units = append(by[id].Units, &u)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT task_id, seq, name, due_at, rule, share, state, met_at FROM task_milestones
		WHERE task_id IN (`+in+`) ORDER BY task_id, seq`, a...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m pingan.Milestone
		var due, met stamp
		var state string
		if err := rows.Scan(&id, &m.Seq, &m.Name, &due, &m.Rule, &m.Share, &state, &met); err != nil {
			return err
		}
		m.Due, m.MetAt, m.Missed = due.T, met.ptr(), state == "missed"
		by[id].Plan = append(by[id].Plan, m)
	}
	return rows.Err()
}

// expected sets the 序时进度 of t at now on the calendar in force.
func (h *handle) expected(t *pingan.Task, now time.Time) {
	cal := h.calendarNow()
	t.Expected = pingan.ExpectedProgress(t.IssuedAt, t.Due, now, func(d time.Time) bool {
		ok, err := cal.IsWorkingDay(d)
		if err != nil {
			wd := d.In(cst).Weekday()
			return wd != time.Saturday && wd != time.Sunday
		}
		return ok
	})
}

// FindTask answers a task the actor sees, with its timeline.
func (s *Tasks) FindTask(ctx context.Context, actor *pingan.User, id int64) (*pingan.Task, []*pingan.TaskEvent, error) {
	if err := pingan.Permit(actor, pingan.CapTasks); err != nil {
		return nil, nil, err
	}
	if _, err := scopeOf(actor); err != nil {
		return nil, nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	t, err := s.loadTask(ctx, tx, actor, id, false)
	if err != nil {
		return nil, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT at, actor_id, actor_name, unit_code, step, note, details FROM task_events
		WHERE task_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var evs []*pingan.TaskEvent
	for rows.Next() {
		var ev pingan.TaskEvent
		var at stamp
		var details string
		if err := rows.Scan(&at, &ev.ActorID, &ev.ActorName, &ev.Unit, &ev.Step, &ev.Note, &details); err != nil {
			return nil, nil, err
		}
		ev.At = at.T
		if details != "" && details != "{}" {
			var d struct {
				Evidence []pingan.Evidence `json:"evidence"`
			}
			_ = json.Unmarshal([]byte(details), &ev.Details)
			if json.Unmarshal([]byte(details), &d) == nil {
				ev.Evidence = d.Evidence
			}
			delete(ev.Details, "evidence")
		}
		evs = append(evs, &ev)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	s.expected(t.Task, s.now())
	return t.Task, evs, nil
}

// FindTasks answers the tasks the actor sees, open first, newest first.
func (s *Tasks) FindTasks(ctx context.Context, actor *pingan.User, f pingan.TaskFilter) ([]*pingan.Task, error) {
	if err := pingan.Permit(actor, pingan.CapTasks); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	a := args{scope}
	q := `SELECT ` + taskColumns + taskFrom + ` WHERE ` + taskSeen("$1")
	switch f.Side {
	case "issued":
		q += ` AND t.unit_path = ` + a.add(actor.ScopePath)
	case "assigned":
		q += ` AND EXISTS (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id AND tu.unit_path = ` + a.add(actor.ScopePath) + `)`
	}
	switch f.State {
	case "":
	case "open":
		q += ` AND t.state IN ('issued', 'doing', 'finished')`
	default:
		q += ` AND t.state = ` + a.add(f.State)
	}
	if f.Behind {
		q += ` AND t.behind = ` + a.add(true)
	}
	if f.Year != 0 {
		q += ` AND t.tally_year = ` + a.add(f.Year)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q += ` ORDER BY CASE WHEN t.state IN ('issued', 'doing', 'finished') THEN 0 ELSE 1 END, t.id DESC LIMIT ` + strconv.Itoa(limit)
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	var ts []*taskRow
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ts = append(ts, t)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := s.taskParts(ctx, tx, ts); err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]*pingan.Task, len(ts))
	for i, t := range ts {
		s.expected(t.Task, now)
		out[i] = t.Task
	}
	return out, nil
}

// TaskCounts answers the counters of the tasks under unit (the actor's
// when empty) for the year: the dashboard's figures.
func (s *Tasks) TaskCounts(ctx context.Context, actor *pingan.User, unit string, year int) (*pingan.TaskCounts, error) {
	l, err := s.TaskList(ctx, actor, unit, year)
	if err != nil {
		return nil, err
	}
	return &l.Total.TaskCounts, nil
}

// TaskList answers the yearly list under a unit from the counters: its
// total and a line per child unit.
func (s *Tasks) TaskList(ctx context.Context, actor *pingan.User, unit string, year int) (*pingan.TaskList, error) {
	if err := pingan.Permit(actor, pingan.CapTasks); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if unit == "" {
		unit = lastCode(actor.ScopePath)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := unitInScope(ctx, tx, unit, scope)
	if err != nil {
		return nil, err
	}
	out := &pingan.TaskList{Year: year, Unit: u, Total: pingan.TaskLine{Code: u.Code, Name: u.Name}}
	rows, err := tx.QueryContext(ctx, `SELECT code, name FROM units WHERE parent_code = $1 ORDER BY path`, u.Code)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l pingan.TaskLine
		if err := rows.Scan(&l.Code, &l.Name); err != nil {
			rows.Close()
			return nil, err
		}
		out.Lines = append(out.Lines, l)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	a := args{year}
	marks := []string{a.add(u.Code)}
	at := map[string]*pingan.TaskCounts{u.Code: &out.Total.TaskCounts}
	for i := range out.Lines {
		marks = append(marks, a.add(out.Lines[i].Code))
		at[out.Lines[i].Code] = &out.Lines[i].TaskCounts
	}
	rows, err = tx.QueryContext(ctx, `SELECT node, kind, CAST(sum(issued) AS BIGINT), CAST(sum(signed) AS BIGINT), CAST(sum(done) AS BIGINT),
		CAST(sum(on_time) AS BIGINT), CAST(sum(open) AS BIGINT), CAST(sum(behind) AS BIGINT), CAST(sum(missed) AS BIGINT),
		CAST(sum(sent_back) AS BIGINT), CAST(sum(urged) AS BIGINT), CAST(sum(supervised) AS BIGINT), CAST(sum(notified) AS BIGINT),
		CAST(sum(cancelled) AS BIGINT)
		FROM task_tallies WHERE year = $1 AND node IN (`+strings.Join(marks, ", ")+`) GROUP BY node, kind`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var node, kind string
		var t pingan.TaskTally
		if err := rows.Scan(&node, &kind, &t.Issued, &t.Signed, &t.Done, &t.OnTime, &t.Open, &t.Behind, &t.Missed, &t.SentBack,
			&t.Urged, &t.Supervise, &t.Notified, &t.Cancelled); err != nil {
			return nil, err
		}
		c := at[node]
		if c == nil {
			continue
		}
		if kind == "quantified" {
			c.Quantified = t
		} else {
			c.Deployment = t
		}
	}
	return out, rows.Err()
}

// TaskEvidence answers a file attached to a progress report of a task the
// actor sees.
func (s *Tasks) TaskEvidence(ctx context.Context, actor *pingan.User, id int64, sum string) ([]byte, string, error) {
	_, evs, err := s.FindTask(ctx, actor, id)
	if err != nil {
		return nil, "", err
	}
	if !validSum(sum) {
		return nil, "", fileNotFound()
	}
	typ := ""
	for _, ev := range evs {
		for _, e := range ev.Evidence {
			if e.Sum == sum {
				typ = e.Type
			}
		}
	}
	if typ == "" {
		return nil, "", fileNotFound()
	}
	var name sql.NullString
	var sealed []byte
	if err := s.read.QueryRowContext(ctx, `SELECT name, content FROM files WHERE sum = $1`, sum).Scan(&name, &sealed); errors.Is(err, sql.ErrNoRows) {
		return nil, "", fileNotFound()
	} else if err != nil {
		return nil, "", err
	}
	data, err := (&Cases{s.handle}).fileContent(ctx, name, sealed)
	return data, typ, err
}

// TasksWaiting answers how many running tasks of the actor's unit wait
// for it: to sign, or with a milestone due within soon — the inbox's entry.
func (s *Tasks) TasksWaiting(ctx context.Context, actor *pingan.User, soon time.Duration) (int, error) {
	if pingan.Permit(actor, pingan.CapTasks) != nil || actor.ScopePath == "" {
		return 0, nil
	}
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM task_units tu JOIN tasks t ON t.id = tu.task_id
		WHERE tu.unit_code = $1 AND t.state IN ('issued', 'doing') AND (tu.signed_at IS NULL OR EXISTS (SELECT 1 FROM task_milestones m
		WHERE m.task_id = t.id AND m.state = 'pending' AND m.due_at < $2))`,
		lastCode(actor.ScopePath), s.dialect.ts(s.now().Add(soon))).Scan(&n)
	return n, err
}
