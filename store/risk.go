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
	"github.com/pingan-gov/pingan/workflow"
)

// Risks is the risk ledger (风险台账): pingan.RiskService. Every step loads
// the risk (FOR UPDATE on PostgreSQL), applies workflow.ApplyRisk, and
// writes the row, its timeline row (risk_events), the counters
// (risk_tallies: per node = the risk's unit and each unit above it, month,
// level and field) and an audit row in one transaction (migration 0026,
// docs/risks.md). Jurisdiction: a user sees a risk whose unit or
// responsible unit lies in their jurisdiction, or whose 包保 leader they
// are; anything else answers not_found.
type Risks struct{ *handle }

var _ pingan.RiskService = (*Risks)(nil)

// Audit actions of the ledger; the detail is {"risk": id, …} in JSON.
const (
	auditRiskStep = "risk_step" // a step on a risk, register included
)

// errRiskNotFound answers a risk that does not exist or lies outside the
// actor's jurisdiction: the two are indistinguishable.
func errRiskNotFound(id int64) error { return pingan.E(pingan.ENOTFOUND, "risk.notfound", id) }

// riskDays answers the review cadence in force by level (risk_cadence).
func riskDays(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT level, days FROM risk_cadence`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var level string
		var d int
		if err := rows.Scan(&level, &d); err != nil {
			return nil, err
		}
		out[level] = d
	}
	return out, rows.Err()
}

// riskLeaderIn answers the user id when they are an active leader whose
// unit lies in the subtree of the LIKE pattern scope; nil otherwise.
func riskLeaderIn(ctx context.Context, tx *sql.Tx, id int64, scope string) (*pingan.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id = $1 AND users.disabled_at IS NULL AND `+
		unitIn("un.path", "$2"), id, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !u.Has(pingan.RoleLeader) {
		return nil, nil
	}
	return u, nil
}

// insertRisk registers in for actor at now inside tx: it checks what the
// domain checks (NewRisk.Validate) and what needs the database — a known
// active field, the unit and the responsible unit in the actor's
// jurisdiction, the leader a leader there, each case seen by the actor —
// into one collector, then writes the row, its measures and cases, the
// register event, the counters and the audit row. It does not check the
// actor's role: RegisterRisk does, and a warning's escalation checks its
// own step. The caller commits tx.
func (h *handle) insertRisk(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewRisk, now time.Time) (int64, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return 0, err
	}
	if in == nil {
		return 0, pingan.E(pingan.EINVALID, "risk.none")
	}
	in.Normalize()
	var v pingan.Invalid
	today := pingan.Day(now)
	in.Validate(&v, today)
	if in.Field != "" {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT active FROM risk_fields WHERE code = $1`, in.Field).Scan(&active)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && !active):
			v.Add("field", "risk.field.unknown", in.Field)
		case err != nil:
			return 0, err
		}
	}
	unitAt := func(field, code string) (*pingan.Unit, error) {
		if code == "" {
			return nil, nil
		}
		u, err := unitInScope(ctx, tx, code, scope)
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add(field, "risk.unit.outside", code)
			return nil, nil
		}
		return u, err
	}
	unit, err := unitAt("unit", in.Unit)
	if err != nil {
		return 0, err
	}
	resp, err := unitAt("responsible", in.Responsible)
	if err != nil {
		return 0, err
	}
	var leader *pingan.User
	if in.Leader > 0 {
		if leader, err = riskLeaderIn(ctx, tx, in.Leader, scope); err != nil {
			return 0, err
		}
		if leader == nil {
			v.Add("leader", "risk.leader.bad", in.Leader)
		}
	}
	for i := range in.Measures {
		if code := in.Measures[i].Unit; code != "" {
			if _, err := unitAt("measures["+strconv.Itoa(i)+"].unit", code); err != nil {
				return 0, err
			}
		}
	}
	for _, id := range in.Cases {
		if _, err := h.loadCaseAs(ctx, tx, scope, unitOf(actor), id, false); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("cases", "risk.case.unknown", id)
		} else if err != nil {
			return 0, err
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	days, err := riskDays(ctx, tx)
	if err != nil {
		return 0, err
	}
	regCode, regPath := lastCode(actor.ScopePath), actor.ScopePath
	due := workflow.FirstReview(in.Level, now, days)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO risks (region, title, description, field, unit_code, unit_path, resp_code, resp_path,
		reg_code, reg_path, level, leader_id, status, source, source_ref, registered_by, registered_at, next_review_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		unit.Region, in.Title, in.Description, in.Field, unit.Code, unit.Path, resp.Code, resp.Path, regCode, regPath,
		in.Level, leader.ID, pingan.RiskControlled, in.Source, in.SourceRef, actor.ID, h.dialect.ts(now), h.dialect.ts(due)).Scan(&id)
	if err != nil {
		return 0, err
	}
	for i := range in.Measures {
		if err := h.insertMeasure(ctx, tx, id, i+1, &in.Measures[i], now); err != nil {
			return 0, err
		}
	}
	for _, c := range in.Cases {
		if _, err := tx.ExecContext(ctx, `INSERT INTO risk_cases (risk_id, case_id, linked_at) VALUES ($1, $2, $3)`, id, c, h.dialect.ts(now)); err != nil {
			return 0, err
		}
	}
	details := map[string]any{"level": in.Level, "field": in.Field, "leader": leader.ID, "leader_name": nameOf(leader),
		"next_review_due": due.Format(time.RFC3339)}
	if in.Source != pingan.RiskFromLedger {
		details["source"], details["source_ref"] = in.Source, in.SourceRef
	}
	ev := &pingan.RiskEvent{At: now, ActorID: actor.ID, ActorName: nameOf(actor), Unit: actor.UnitCode, Step: pingan.RiskRegister,
		Note: in.Note, Details: details}
	if err := h.writeRiskEvent(ctx, tx, id, unit.Region, ev, actor); err != nil {
		return 0, err
	}
	return id, h.addRiskTallies(ctx, tx, unit.Path, now, riskTally{level: in.Level, field: in.Field, registered: 1, open: 1})
}

// insertMeasure writes measure seq of risk id.
func (h *handle) insertMeasure(ctx context.Context, tx *sql.Tx, id int64, seq int, m *pingan.NewRiskMeasure, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO risk_measures (risk_id, seq, text, unit_code, owner, due_on, added_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, seq, m.Text, m.Unit, m.Owner, m.Due, h.dialect.ts(now))
	return err
}

// writeRiskEvent writes ev on risk id's timeline and its audit row.
func (h *handle) writeRiskEvent(ctx context.Context, tx *sql.Tx, id int64, region string, ev *pingan.RiskEvent, actor *pingan.User) error {
	return h.writeEvent(ctx, tx, "risk_events", "risk_id", "risk", auditRiskStep, id, region, ev, actor)
}

// writeEvent writes ev on the timeline (table, whose column col holds the
// item's id) of the item id, and an audit row (action, with {key: id,
// step}) — the ledger's and 稳评's alike.
func (h *handle) writeEvent(ctx context.Context, tx *sql.Tx, table, col, key, action string, id int64, region string, ev *pingan.RiskEvent, actor *pingan.User) error {
	if err := h.insertEvent(ctx, tx, table, col, id, ev); err != nil {
		return err
	}
	if err := h.hookItem(ctx, tx, key, id, ev.Step, ev.At); err != nil { // risk.<step>, stability.<step> to the webhooks (webhook.go)
		return err
	}
	b, err := json.Marshal(map[string]any{key: id, "step": ev.Step})
	if err != nil {
		return err
	}
	return h.audit(ctx, tx, actor, action, region, "", string(b))
}

// insertEvent writes ev as a row of the timeline table of an item of its
// own kind (risk_events, stability_events, warning_events), whose column
// col holds the item's id; readEvents reads them back.
func (h *handle) insertEvent(ctx context.Context, tx *sql.Tx, table, col string, id int64, ev *pingan.RiskEvent) error {
	details := "{}"
	if len(ev.Details) > 0 {
		b, err := json.Marshal(ev.Details)
		if err != nil {
			return err
		}
		details = string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+col+`, at, actor_id, actor_name, unit_code, step, note, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, h.dialect.ts(ev.At), ev.ActorID, ev.ActorName, ev.Unit, ev.Step, ev.Note, details)
	return err
}

// riskTally is a change of the counters of one level and field.
type riskTally struct {
	level, field                                         string
	registered, open, resolved, closed, reviews, overdue int
}

// addRiskTallies adds the changes to the counters of the month of now for
// the unit of path and each unit above it.
func (h *handle) addRiskTallies(ctx context.Context, tx *sql.Tx, path string, now time.Time, ts ...riskTally) error {
	month := now.In(pingan.CST).Format("2006-01")
	for _, node := range strings.Split(strings.Trim(path, "/"), "/") {
		for _, t := range ts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO risk_tallies (node, month, level, field, registered, open, resolved, closed, reviews, overdue)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (node, month, level, field) DO UPDATE SET registered = risk_tallies.registered + excluded.registered,
				open = risk_tallies.open + excluded.open, resolved = risk_tallies.resolved + excluded.resolved,
				closed = risk_tallies.closed + excluded.closed, reviews = risk_tallies.reviews + excluded.reviews,
				overdue = risk_tallies.overdue + excluded.overdue`,
				node, month, t.level, t.field, t.registered, t.open, t.resolved, t.closed, t.reviews, t.overdue); err != nil {
				return err
			}
		}
	}
	return nil
}

// RegisterRisk registers a risk (a dispatcher or assessor) in one
// transaction.
func (s *Risks) RegisterRisk(ctx context.Context, actor *pingan.User, in *pingan.NewRisk) (*pingan.Risk, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	if !workflow.MayRegisterRisk(actor) {
		return nil, pingan.E(pingan.EFORBIDDEN, "risk.register.forbidden")
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "risk.none")
	}
	r := *in
	r.Source, r.SourceRef = pingan.RiskFromLedger, ""
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	id, err := s.insertRisk(ctx, tx, actor, &r, s.now())
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindRisk(ctx, actor, id)
}
