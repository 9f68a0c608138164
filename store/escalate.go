package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

var _ pingan.Escalator = (*Cases)(nil)

// EscalateReason is the reason recorded on an automatic escalation.
const EscalateReason = "超过办结时限自动上报 (resolve deadline missed)"

// DefaultEscalateLimit is the batch size of EscalateDue when limit ≤ 0.
const DefaultEscalateLimit = 100

// EscalateDue finds open cases whose clock runs and whose resolve deadline
// passed before now, and that it has not yet acted on for that deadline
// (watched_due; the cases_due index). Each is marked overdue, which it
// stays, and — when it is reported, accepted or in progress and its holding
// unit has an administrative parent — escalated there by the system with a
// timeline entry and a new resolve deadline; when that one passes too, the
// case rises again (小事不出村、大事不出镇: village → township → county …).
// A dispatched case, one held at the top of the tree, or a petition (信访:
// its escalation is a dispatcher's decision), is only marked, once for
// each deadline it misses. Then, while the batch has room, the
// open cases that missed a supervision deadline are marked, never
// escalated (markSupervision). So a case is touched once for each
// missed deadline and never escalated above the top unit. On PostgreSQL the
// rows are claimed with FOR UPDATE SKIP LOCKED so that several servers
// never take the same case. Then it watches the deadlines of disputes'
// agreements (watchMediation: a term overdue, every term's day passed, the
// reminders of judicial confirmation and of the follow-up visit). It
// answers how many cases it escalated, marked, raised or reminded of.
func (s *Cases) EscalateDue(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = DefaultEscalateLimit
	}
	now = now.In(cst).Truncate(time.Millisecond)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended
		AND (watched_due IS NULL OR watched_due <> resolve_by)
		AND resolve_by < $1 ORDER BY resolve_by LIMIT $2`+s.dialect.skipLocked(), s.dialect.ts(now), limit)
	if err != nil {
		return 0, err
	}
	escalated := 0
	for _, id := range ids {
		sc, err := s.loadCase(ctx, tx, "", id, false)
		if err != nil {
			return 0, err
		}
		c := sc.Case
		old, missed := c.Version, *c.ResolveBy
		c.Overdue = true
		// The overdue event shows the case as it stands when the deadline
		// is missed, before the escalation below moves it (webhook.go).
		if err := s.hookCase(ctx, tx, c, nil, pingan.EventCaseOverdue, now); err != nil {
			return 0, err
		}
		var act *pingan.Action
		switch {
		case c.Kind == pingan.KindPetition:
			// A petition is marked only: its escalation is a dispatcher's
			// decision (docs/petitions.md).
		case c.Hazard.Ordered():
			// A hazard under rectification is marked only: its deadline is
			// the rectification's (hazard.go).
		case c.Status == pingan.StatusReported, c.Status == pingan.StatusAccepted, c.Status == pingan.StatusInProgress:
			in := pingan.ActionInput{Action: pingan.ActEscalate, Reason: EscalateReason}
			env, err := s.env(ctx, tx, c, nil, in, now)
			if err != nil {
				return 0, err
			}
			if env.Parent != nil {
				if act, err = workflow.Apply(c, nil, in, env); err != nil {
					if pingan.ErrorCode(err) == pingan.EINTERNAL {
						return 0, err
					}
					s.log.Warn("overdue case not escalated", "case", c.ID, "err", err)
					act = nil
				} else {
					escalated++
				}
			}
		}
		if err := s.save(ctx, tx, c, old, act, now); err != nil {
			return 0, err
		}
		// This deadline has been acted on; an escalation's new one is
		// watched afresh.
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET watched_due = $1 WHERE region = $2 AND id = $3`,
			s.dialect.ts(missed), c.Region, c.ID); err != nil {
			return 0, err
		}
	}
	marked := 0
	if len(ids) < limit {
		if marked, err = s.markSupervision(ctx, tx, now, limit-len(ids)); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if len(ids)+marked > 0 {
		s.log.Info("overdue cases", "found", len(ids), "escalated", escalated, "supervision missed", marked)
	}
	// The deadlines of disputes' agreements, in a transaction of their
	// own (mediation_watch.go).
	mediated, err := s.watchMediation(ctx, now, limit)
	if err != nil {
		return len(ids) + marked, err
	}
	// The rectification deadlines of hazards (hazard.go).
	rectify, err := s.watchHazards(ctx, now, limit)
	if err != nil {
		return len(ids) + marked + mediated, err
	}
	return len(ids) + marked + mediated + rectify, nil
}

// markSupervision marks overdue, once for each supervision deadline (督办时限)
// they miss, up to limit open cases whose supervision deadline passed before
// now (watched_supervise; the cases_supervise_due index). A supervision
// order is answered by whoever must act on the case where it is: the case is
// marked, never escalated. It answers how many it marked.
func (s *Cases) markSupervision(ctx context.Context, tx *sql.Tx, now time.Time, limit int) (int, error) {
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved')
		AND supervise_by IS NOT NULL AND (watched_supervise IS NULL OR watched_supervise <> supervise_by)
		AND supervise_by < $1 ORDER BY supervise_by LIMIT $2`+s.dialect.skipLocked(), s.dialect.ts(now), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		sc, err := s.loadCase(ctx, tx, "", id, false)
		if err != nil {
			return 0, err
		}
		c := sc.Case
		old, missed := c.Version, *c.SuperviseBy
		if !c.Overdue {
			c.Overdue = true
			if err := s.save(ctx, tx, c, old, nil, now); err != nil {
				return 0, err
			}
		}
		if err := s.hookCase(ctx, tx, c, nil, pingan.EventCaseOverdue, now); err != nil { // webhook.go
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET watched_supervise = $1 WHERE region = $2 AND id = $3`,
			s.dialect.ts(missed), c.Region, c.ID); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// overdueNow is the SQL of pingan.Case.OverdueAt, at the time in the
// placeholder now: a deadline the case must meet now has passed — the sign
// deadline while dispatched; the resolve deadline while reported, accepted,
// dispatched or in progress, counted against the moment the clock stopped
// while suspended; the supervision deadline while open. docs/deadlines.md
// is the definition.
func overdueNow(now string) string {
	return `((status = 'dispatched' AND sign_by < ` + now + `)
		OR (status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND resolve_by IS NOT NULL
			AND ((NOT suspended AND resolve_by < ` + now + `) OR (suspended AND resolve_by < suspended_at)))
		OR (status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') AND supervise_by < ` + now + `))`
}
