package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// The deadline watch of mediation (dispute.go), run with EscalateDue by
// the jobs, as the system (no actor). After an agreement:
//
//   - a term whose day has ended unperformed raises the resolved or closed
//     case to the mediator again: the system's action term_overdue (履行
//     逾期), one timeline entry, a notification to the users of the unit
//     that mediated it; once for each day missed (watched_next_due), so
//     that a case the mediator resolves again is not raised again for the
//     same day (the cases_next_due index);
//   - once every term's day has passed, the case is marked perform_due
//     (履行期届满), a write of the case row through updateCase so that the
//     counters of the performance rate follow (cases_next_due);
//   - ConfirmReminderDays before the last day to apply for judicial
//     confirmation (司法确认), while the court has not been applied to,
//     the unit's mediators are reminded, once (confirm_warned;
//     cases_confirm_by);
//   - when the follow-up visit (回访) is due, the unit's mediators are
//     told, once for each day it is due (revisit_warned; cases_revisit_by).
//
// On PostgreSQL the rows are claimed with SKIP LOCKED, as the rest of the
// watch claims them.

// watchMediation runs the watch of mediation at now in one transaction,
// at most limit cases for each of its four parts, and answers how many
// cases it acted on.
func (s *Cases) watchMediation(ctx context.Context, now time.Time, limit int) (int, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	total := 0
	for _, part := range []func(context.Context, *sql.Tx, time.Time, int) (int, error){
		s.markPerformDue, s.raiseOverdueTerms, s.remindConfirm, s.remindRevisit,
	} {
		n, err := part(ctx, tx, now, limit)
		if err != nil {
			return 0, err
		}
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if total > 0 {
		s.log.Info("mediation deadlines", "cases", total)
	}
	return total, nil
}

// dayEnded answers the latest midnight whose day has ended by now: a day
// stored as its midnight (a term's due, NextDue) has ended when it is at
// most this.
func dayEnded(now time.Time) time.Time { return now.Add(-24 * time.Hour) }

// raiseOverdueTerms takes the system's action term_overdue on the resolved
// or closed disputes whose earliest unperformed term's day has ended, once
// for that day, and tells the mediation unit's users.
func (s *Cases) raiseOverdueTerms(ctx context.Context, tx *sql.Tx, now time.Time, limit int) (int, error) {
	d := s.dialect
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE next_due IS NOT NULL AND next_due <= $1 AND status IN ('resolved', 'closed')
		AND (watched_next_due IS NULL OR watched_next_due <> next_due)
		ORDER BY next_due LIMIT $2`+d.skipLocked(), d.ts(dayEnded(now)), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		c, taken, err := s.systemStep(ctx, tx, id, pingan.ActTermOverdue, now, "overdue term not raised")
		if err != nil {
			return 0, err
		}
		if taken {
			if err := s.notify(ctx, tx, c, pingan.NoticeTermOverdue, 0, now, []notifyTo{{unit: c.AssignedUnit}}); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET watched_next_due = next_due WHERE region = $1 AND id = $2`,
			c.Region, c.ID); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// markPerformDue marks perform_due the disputes with an unperformed term
// every term of whose agreement has its day ended.
func (s *Cases) markPerformDue(ctx context.Context, tx *sql.Tx, now time.Time, limit int) (int, error) {
	d := s.dialect
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE next_due IS NOT NULL AND next_due <= $1 AND NOT perform_due
		AND NOT EXISTS (SELECT 1 FROM agreements a JOIN agreement_terms t ON t.region = a.region AND t.case_id = a.case_id
			AND t.agreement_seq = a.seq
			WHERE a.region = cases.region AND a.case_id = cases.id AND NOT a.withdrawn AND t.due > $1)
		ORDER BY next_due LIMIT $2`+d.skipLocked(), d.ts(dayEnded(now)), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		sc, err := s.loadCase(ctx, tx, "", id, false)
		if err != nil {
			return 0, err
		}
		c := sc.Case
		if c.Mediation == nil {
			continue
		}
		c.Mediation.PerformDue = true
		if err := s.save(ctx, tx, c, c.Version, nil, now); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// remindConfirm reminds the mediators of the disputes whose last day to
// apply for judicial confirmation comes within ConfirmReminderDays and has
// not ended, when no answer is recorded, once for that day.
func (s *Cases) remindConfirm(ctx context.Context, tx *sql.Tx, now time.Time, limit int) (int, error) {
	d := s.dialect
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE confirm_by IS NOT NULL AND confirmation = '' AND confirm_by <= $1 AND confirm_by > $2
		AND (confirm_warned IS NULL OR confirm_warned <> confirm_by)
		ORDER BY confirm_by LIMIT $3`+d.skipLocked(),
		d.ts(now.AddDate(0, 0, pingan.ConfirmReminderDays)), d.ts(dayEnded(now)), limit)
	if err != nil {
		return 0, err
	}
	return len(ids), s.remindMediators(ctx, tx, ids, pingan.NoticeConfirmDue, "confirm_warned = confirm_by", now)
}

// remindRevisit tells the mediators of the resolved or closed disputes
// whose follow-up visit is due, once for that day.
func (s *Cases) remindRevisit(ctx context.Context, tx *sql.Tx, now time.Time, limit int) (int, error) {
	d := s.dialect
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE revisit_by IS NOT NULL AND revisit_by <= $1 AND status IN ('resolved', 'closed')
		AND (revisit_warned IS NULL OR revisit_warned <> revisit_by)
		ORDER BY revisit_by LIMIT $2`+d.skipLocked(), d.ts(now), limit)
	if err != nil {
		return 0, err
	}
	return len(ids), s.remindMediators(ctx, tx, ids, pingan.NoticeRevisitDue, "revisit_warned = revisit_by", now)
}

// remindMediators notifies, of kind, the mediators of the unit each case
// of ids is assigned to (every user of the unit when it has none), and
// records the reminder with set, an assignment of the cases' row.
func (s *Cases) remindMediators(ctx context.Context, tx *sql.Tx, ids []string, kind pingan.NotificationKind, set string, now time.Time) error {
	for _, id := range ids {
		sc, err := s.loadCase(ctx, tx, "", id, false)
		if err != nil {
			return err
		}
		c := sc.Case
		to, err := mediatorsOf(ctx, tx, c.AssignedUnit)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, c, kind, 0, now, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET `+set+` WHERE region = $1 AND id = $2`, c.Region, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// mediatorsOf answers who of the unit with the code is told of its
// mediations: its active mediators (调解员), or the unit as a whole when it
// has none.
func mediatorsOf(ctx context.Context, tx *sql.Tx, unit string) ([]notifyTo, error) {
	if unit == "" {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE unit_code = $1 AND disabled_at IS NULL
		AND (',' || roles || ',') LIKE $2 ORDER BY id`, unit, "%,"+string(pingan.RoleMediator)+",%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notifyTo
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, notifyTo{user: id})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		out = []notifyTo{{unit: unit}}
	}
	return out, nil
}

// systemStep takes the system's action (no actor) on the case id in tx, as
// the watches do, and answers the case and whether the step was taken. A
// refusal by the workflow is logged as what and taken for nothing done; an
// internal error is answered.
func (s *Cases) systemStep(ctx context.Context, tx *sql.Tx, id string, action pingan.ActionName, now time.Time, what string) (*pingan.Case, bool, error) {
	sc, err := s.loadCase(ctx, tx, "", id, false)
	if err != nil {
		return nil, false, err
	}
	c := sc.Case
	old := c.Version
	in := pingan.ActionInput{Action: action}
	env, err := s.env(ctx, tx, c, nil, in, now)
	if err != nil {
		return nil, false, err
	}
	act, err := workflow.Apply(c, nil, in, env)
	if err != nil {
		if pingan.ErrorCode(err) == pingan.EINTERNAL {
			return nil, false, err
		}
		s.log.Warn(what, "case", c.ID, "err", err)
		return c, false, nil
	}
	if err := s.save(ctx, tx, c, old, act, now); err != nil {
		return nil, false, err
	}
	return c, true, nil
}
