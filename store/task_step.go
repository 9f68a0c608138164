package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// ActOnTask takes a step on a task in one transaction: load (locked),
// apply, the row, its units and milestones, the event, the counters, the
// audit row, and the evidence of a progress report sealed like a case's
// photos.
func (s *Tasks) ActOnTask(ctx context.Context, actor *pingan.User, id int64, a *pingan.TaskAction) (t *pingan.Task, err error) {
	if err := pingan.Permit(actor, pingan.CapTasks); err != nil {
		return nil, err
	}
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, pingan.E(pingan.EINVALID, "task.none")
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := s.loadTask(ctx, tx, actor, id, true)
	if err != nil {
		return nil, err
	}
	if a.Version != 0 && a.Version != cur.Version {
		return nil, pingan.E(pingan.ECONFLICT, "task.version", cur.Version)
	}
	var v pingan.Invalid
	if a.Step == pingan.TaskStepProgress {
		checkEvidence(&v, a.Evidence)
	} else if len(a.Evidence) > 0 {
		v.Add("evidence", "task.evidence.step")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	next, ev, err := workflow.ApplyTask(cur.Task, actor, *a, now)
	if err != nil {
		return nil, err
	}
	if len(a.Evidence) > 0 {
		w := &filesWritten{ctx: ctx}
		defer func() { s.finishFiles(w, err) }()
		if ev.Evidence, err = (&Assess{s.handle}).keepEvidence(ctx, tx, actor, a.Evidence, w); err != nil {
			return nil, err
		}
	}
	if err := s.saveTask(ctx, tx, cur, next, ev, now); err != nil {
		return nil, err
	}
	if err := s.auditTask(ctx, tx, actor, cur.region, id, a.Step); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.expected(next, now)
	return next, nil
}

// saveTask writes next over cur in tx: the milestones its state now meets
// (all that remain once finished), the behind-schedule flag at now, the
// row (version checked), the units, the event and the counters.
func (h *handle) saveTask(ctx context.Context, tx *sql.Tx, cur *taskRow, next *pingan.Task, ev *pingan.TaskEvent, now time.Time) error {
	for _, i := range workflow.Met(next) {
		next.Plan[i].MetAt = &now
	}
	if next.State == pingan.TaskFinished || next.State == pingan.TaskClosed {
		for i := range next.Plan {
			if next.Plan[i].MetAt == nil && !next.Plan[i].Missed {
				next.Plan[i].MetAt = &now
			}
		}
	}
	h.expected(next, now)
	next.Behind = (next.State == pingan.TaskIssued || next.State == pingan.TaskDoing) &&
		pingan.Behind(next.Progress(), next.Expected, cur.behindPts)
	res, err := tx.ExecContext(ctx, `UPDATE tasks SET state = $1, percent = $2, quantity = $3, escalation = $4, behind = $5,
		sent_back = $6, finished_at = $7, closed_at = $8, version = $9 WHERE id = $10 AND version = $11`,
		next.State, next.Percent, next.Quantity, next.Escalated, next.Behind, next.SentBack, h.dialect.tsp(next.FinishedAt),
		h.dialect.tsp(next.ClosedAt), next.Version, next.ID, cur.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return pingan.E(pingan.ECONFLICT, "task.version", cur.Version)
	}
	for i, u := range next.Units {
		o := cur.Units[i]
		if u.SignedAt == o.SignedAt && u.Reports == o.Reports {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE task_units SET signed_at = $1, percent = $2, quantity = $3, reported_at = $4, reports = $5
			WHERE task_id = $6 AND unit_code = $7`, h.dialect.tsp(u.SignedAt), u.Percent, u.Quantity, h.dialect.tsp(u.ReportedAt),
			u.Reports, next.ID, u.Code); err != nil {
			return err
		}
	}
	for i, m := range next.Plan {
		o := cur.Plan[i]
		state := ""
		switch {
		case m.Missed && !o.Missed:
			state = "missed"
		case m.MetAt != nil && o.MetAt == nil && !m.Missed:
			state = "met"
		default:
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE task_milestones SET state = $1, met_at = $2 WHERE task_id = $3 AND seq = $4`,
			state, h.dialect.tsp(m.MetAt), next.ID, m.Seq); err != nil {
			return err
		}
	}
	if next.State == pingan.TaskCancelled { // its milestones are watched no more
		if _, err := tx.ExecContext(ctx, `UPDATE task_milestones SET state = 'void' WHERE task_id = $1 AND state = 'pending'`, next.ID); err != nil {
			return err
		}
	}
	if err := h.taskEvent(ctx, tx, next.ID, ev); err != nil {
		return err
	}
	return h.taskTally(ctx, tx, cur.leadPath, cur.tallyYear, cur.Source, cur.kind(), taskDeltas(cur.Task, next, ev))
}

// taskDeltas answers what a step from cur to next with the event ev adds
// to the counters.
func taskDeltas(cur, next *pingan.Task, ev *pingan.TaskEvent) map[string]int64 {
	d := map[string]int64{}
	b := func(x bool) int64 {
		if x {
			return 1
		}
		return 0
	}
	d["behind"] = b(next.Behind) - b(cur.Behind)
	wasOpen, isOpen := pingan.TaskOpen(cur.State), pingan.TaskOpen(next.State)
	d["open"] = b(isOpen) - b(wasOpen)
	switch ev.Step {
	case pingan.TaskStepSign:
		if cur.State == pingan.TaskIssued && next.State == pingan.TaskDoing {
			d["signed"] = 1
		}
	case pingan.TaskStepVerify:
		d["done"] = 1
		if next.FinishedAt != nil && !next.FinishedAt.After(next.Due) {
			d["on_time"] = 1
		}
	case pingan.TaskStepSendBack:
		d["sent_back"] = 1
	case pingan.TaskStepCancel:
		d["cancelled"] = 1
	case pingan.TaskStepUrge:
		d["urged"] = 1
	case pingan.TaskStepSupervise:
		d["supervised"] = 1
	case pingan.TaskStepNotify:
		d["notified"] = 1
	}
	for i, m := range next.Plan {
		if m.Missed && !cur.Plan[i].Missed {
			d["missed"]++
		}
	}
	return d
}

// MarkOverdue is the tasks' pass of the deadline watch at now: each
// pending milestone of a running task past its due time is marked missed
// once and the task escalates one level (催办 → 督办 → 通报), each task in
// its own transaction; then the behind-schedule flags of running tasks are
// brought up to now. It answers the milestones marked, at most limit.
func (s *Tasks) MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.read.QueryContext(ctx, `SELECT m.task_id, m.seq FROM task_milestones m JOIN tasks t ON t.id = m.task_id
		WHERE m.state = 'pending' AND m.due_at < $1 AND t.state IN ('issued', 'doing') ORDER BY m.due_at, m.task_id, m.seq LIMIT $2`,
		s.dialect.ts(now), limit)
	if err != nil {
		return 0, err
	}
	type due struct {
		id  int64
		seq int
	}
	var dues []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.seq); err != nil {
			rows.Close()
			return 0, err
		}
		dues = append(dues, d)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range dues {
		ok, err := s.missOne(ctx, d.id, d.seq, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, s.refreshBehind(ctx, now)
}

// missOne marks milestone seq of task id missed, if it still is pending.
func (s *Tasks) missOne(ctx context.Context, id int64, seq int, now time.Time) (bool, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	cur, err := s.loadTask(ctx, tx, nil, id, true)
	if err != nil {
		return false, err
	}
	pending := false
	for _, m := range cur.Plan {
		if m.Seq == seq && m.MetAt == nil && !m.Missed && m.Due.Before(now) {
			pending = true
		}
	}
	if !pending {
		return false, nil
	}
	next, ev, err := workflow.MissTask(cur.Task, seq, now)
	if pingan.ErrorCode(err) == pingan.ECONFLICT {
		return false, nil
	} else if err != nil {
		return false, err
	}
	ev.ActorName = pingan.Text(pingan.ZH, "task.watch")
	if err := s.saveTask(ctx, tx, cur, next, ev, now); err != nil {
		return false, err
	}
	if err := s.auditTask(ctx, tx, nil, cur.region, id, ev.Step); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// refreshBehind brings the behind-schedule flags of the running tasks up
// to now, with their counters: 序时进度 moves with the calendar, not only
// with the steps.
func (s *Tasks) refreshBehind(ctx context.Context, now time.Time) error {
	rows, err := s.read.QueryContext(ctx, `SELECT `+taskColumns+taskFrom+` WHERE t.state IN ('issued', 'doing') ORDER BY t.id`)
	if err != nil {
		return err
	}
	var flip []*taskRow
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			rows.Close()
			return err
		}
		s.expected(t.Task, now)
		if pingan.Behind(t.Progress(), t.Expected, t.behindPts) != t.Behind {
			flip = append(flip, t)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, t := range flip {
		tx, err := s.beginWrite(ctx)
		if err != nil {
			return err
		}
		behind := !t.Behind
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET behind = $1 WHERE id = $2 AND version = $3 AND behind = $4`, behind, t.ID, t.Version, t.Behind)
		if err == nil {
			var n int64
			if n, err = res.RowsAffected(); err == nil && n == 1 {
				d := int64(1)
				if !behind {
					d = -1
				}
				err = s.taskTally(ctx, tx, t.leadPath, t.tallyYear, t.Source, t.kind(), map[string]int64{"behind": d})
			}
		}
		if err == nil {
			err = tx.Commit()
		}
		tx.Rollback()
		if err != nil {
			return err
		}
	}
	return nil
}
