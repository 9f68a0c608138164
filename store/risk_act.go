package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// ActOnRisk takes a step on a risk: load it locked, apply the step's rule
// (workflow.ApplyRisk), write the row, the timeline, the counters and the
// audit row in one transaction.
func (s *Risks) ActOnRisk(ctx context.Context, actor *pingan.User, id int64, a *pingan.RiskAction) (*pingan.Risk, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	if a == nil || a.Step == pingan.RiskOverdue || a.Step == pingan.RiskRegister {
		return nil, pingan.Invalidf("step", "risk.step.bad")
	}
	act := *a
	if a.Measure != nil {
		m := *a.Measure
		act.Measure = &m
	}
	act.Normalize()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := s.stepRisk(ctx, tx, actor, id, &act, s.now()); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindRisk(ctx, actor, id)
}

// stepRisk takes step a on risk id in tx for actor (nil: the watch).
func (h *handle) stepRisk(ctx context.Context, tx *sql.Tx, actor *pingan.User, id int64, a *pingan.RiskAction, now time.Time) error {
	rr, err := h.loadRisk(ctx, tx, actor, id, true)
	if err != nil {
		return err
	}
	r := rr.Risk
	if a.Version != 0 && a.Version != r.Version {
		return conflictOn("version", "risk.version", r.Version)
	}
	var v pingan.Invalid
	switch {
	case actor == nil:
	case (a.Step == pingan.RiskLinkCase) && a.Case != "":
		scope, err := scopeOf(actor)
		if err != nil {
			return err
		}
		if _, err := h.loadCaseAs(ctx, tx, scope, unitOf(actor), a.Case, false); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("case", "risk.case.unknown", a.Case)
		} else if err != nil {
			return err
		}
	case a.Step == pingan.RiskAddMeasure && a.Measure != nil && a.Measure.Unit != "":
		// A measure's unit lies in the registering unit's jurisdiction:
		// a department keeping the risk may name a township's office.
		if _, err := unitInScope(ctx, tx, a.Measure.Unit, likePrefix(r.RegPath)); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("measure.unit", "risk.unit.outside", a.Measure.Unit)
		} else if err != nil {
			return err
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	days, err := riskDays(ctx, tx)
	if err != nil {
		return err
	}
	ch, err := workflow.ApplyRisk(r, actor, a, now, days)
	if err != nil {
		return err
	}
	ts := h.dialect.ts(now)
	set, sa := `version = version + 1, status = $2, level = $3, next_review_due = $4`, args{id, ch.Status, ch.Level, h.dialect.ts(ch.NextDue)}
	var tallies []riskTally
	if ch.Level != r.Level && r.Status == pingan.RiskControlled {
		tallies = append(tallies, riskTally{level: r.Level, field: r.Field, open: -1}, riskTally{level: ch.Level, field: r.Field, open: 1})
	}
	switch a.Step {
	case pingan.RiskReview:
		set += `, last_review_at = ` + sa.add(ts) + `, reviews = reviews + 1, overdue = ` + sa.add(false)
		tallies = append(tallies, riskTally{level: ch.Level, field: r.Field, reviews: 1})
	case pingan.RiskAddMeasure:
		seq := 1
		for _, m := range r.Measures {
			seq = max(seq, m.Seq+1)
		}
		if err := h.insertMeasure(ctx, tx, id, seq, a.Measure, now); err != nil {
			return err
		}
		ch.Event.Details["seq"] = seq
	case pingan.RiskCompleteMeasure:
		if _, err := tx.ExecContext(ctx, `UPDATE risk_measures SET done_on = $3, done_at = $4 WHERE risk_id = $1 AND seq = $2`,
			id, a.Seq, a.Done, ts); err != nil {
			return err
		}
	case pingan.RiskLinkCase:
		if _, err := tx.ExecContext(ctx, `INSERT INTO risk_cases (risk_id, case_id, linked_at) VALUES ($1, $2, $3)`, id, a.Case, ts); err != nil {
			return err
		}
	case pingan.RiskUnlinkCase:
		if _, err := tx.ExecContext(ctx, `DELETE FROM risk_cases WHERE risk_id = $1 AND case_id = $2`, id, a.Case); err != nil {
			return err
		}
	case pingan.RiskResolve:
		set += `, resolved_at = ` + sa.add(ts) + `, overdue = ` + sa.add(false)
		tallies = append(tallies, riskTally{level: ch.Level, field: r.Field, resolved: 1, open: -1})
	case pingan.RiskCloseStep:
		set += `, closed_at = ` + sa.add(ts)
		tallies = append(tallies, riskTally{level: ch.Level, field: r.Field, closed: 1})
	case pingan.RiskReopen:
		set += `, resolved_at = NULL, closed_at = NULL, overdue = ` + sa.add(false)
		tallies = append(tallies, riskTally{level: ch.Level, field: r.Field, open: 1})
	case pingan.RiskOverdue:
		set += `, overdue = ` + sa.add(true)
		tallies = append(tallies, riskTally{level: ch.Level, field: r.Field, overdue: 1})
	}
	if _, err := tx.ExecContext(ctx, `UPDATE risks SET `+set+` WHERE id = $1`, sa...); err != nil {
		return err
	}
	if ch.NextDue != r.NextReviewDue {
		if ch.Event.Details == nil {
			ch.Event.Details = map[string]any{}
		}
		ch.Event.Details["next_review_due"] = ch.NextDue.Format(time.RFC3339)
	}
	if err := h.writeRiskEvent(ctx, tx, id, rr.region, &ch.Event, actor); err != nil {
		return err
	}
	return h.addRiskTallies(ctx, tx, r.UnitPath, now, tallies...)
}

// MarkOverdue is the ledger's pass of the deadline watch: it marks at most
// limit risks in control whose review due has passed at now as overdue
// (复核逾期), each in its own transaction with its timeline row and the
// counters, and answers how many it marked. The risks due are found by
// the index risks_due.
func (s *Risks) MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.write.QueryContext(ctx, `SELECT id FROM risks WHERE status = $1 AND overdue = $2 AND next_review_due <= $3
		ORDER BY next_review_due, id LIMIT $4`, pingan.RiskControlled, false, s.dialect.ts(now), limit)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.inOwnTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			return s.stepRisk(ctx, tx, nil, id, &pingan.RiskAction{Step: pingan.RiskOverdue}, now)
		})
		switch pingan.ErrorCode(err) {
		case "":
			n++
		case pingan.ECONFLICT, pingan.ENOTFOUND: // taken by another pass, or reviewed meanwhile
		default:
			return n, err
		}
	}
	return n, nil
}
