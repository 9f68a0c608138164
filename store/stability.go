package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Stability is 稳评 (social stability risk assessment of major decisions):
// pingan.StabilityService. Each step is checked by workflow.ApplyStability
// (in order, by a dispatcher or assessor of the jurisdiction) and written
// with its timeline row (stability_events) and an audit row in one
// transaction; a risk identified and sent to the ledger is registered by
// insertRisk in the same transaction and linked by its item (migration
// 0026, docs/risks.md).
type Stability struct{ *handle }

var _ pingan.StabilityService = (*Stability)(nil)

const auditStabilityStep = "stability_step"

func errStabilityNotFound(id int64) error {
	return pingan.E(pingan.ENOTFOUND, "stability.notfound", id)
}

const stabilityColumns = `s.id, s.title, s.body, s.kind, s.unit_code, u.name, s.unit_path, s.stage, s.notice_from, s.notice_to,
	s.opinions, s.opinions_summary, s.report_summary, s.report_level, s.decision, s.decided_on, s.registered_by,
	s.registered_at, s.version, s.region`

const stabilityFrom = ` FROM stability s JOIN units u ON u.code = s.unit_code`

func scanStability(sc scanner) (*pingan.Stability, string, error) {
	var s pingan.Stability
	var at stamp
	var region string
	if err := sc.Scan(&s.ID, &s.Title, &s.Body, &s.Kind, &s.Unit, &s.UnitName, &s.UnitPath, &s.Stage, &s.NoticeFrom, &s.NoticeTo,
		&s.Opinions, &s.OpinionsSummary, &s.ReportSummary, &s.ReportLevel, &s.Decision, &s.DecidedOn, &s.RegisteredBy,
		&at, &s.Version, &region); err != nil {
		return nil, "", err
	}
	s.RegisteredAt = at.T
	return &s, region, nil
}

// RegisterStability registers a 稳评 of a unit of the actor's jurisdiction.
func (st *Stability) RegisterStability(ctx context.Context, actor *pingan.User, in *pingan.NewStability) (*pingan.Stability, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	if !workflow.MayRegisterRisk(actor) {
		return nil, pingan.E(pingan.EFORBIDDEN, "stability.register.forbidden")
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "risk.none")
	}
	n := *in
	n.Normalize()
	var v pingan.Invalid
	n.Validate(&v)
	if n.Unit == "" {
		n.Unit = lastCode(actor.ScopePath)
	}
	tx, err := st.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	unit, err := unitInScope(ctx, tx, n.Unit, scope)
	if pingan.ErrorCode(err) == pingan.ENOTFOUND {
		v.Add("unit", "risk.unit.outside", n.Unit)
	} else if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := st.now()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO stability (region, title, body, kind, unit_code, unit_path, stage, registered_by, registered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, unit.Region, n.Title, n.Body, n.Kind, unit.Code, unit.Path,
		pingan.StabilityRegistered, actor.ID, st.dialect.ts(now)).Scan(&id); err != nil {
		return nil, err
	}
	ev := &pingan.RiskEvent{At: now, ActorID: actor.ID, ActorName: nameOf(actor), Unit: actor.UnitCode, Step: "register",
		Details: map[string]any{"kind": n.Kind, "body": n.Body}}
	if err := st.writeStabilityEvent(ctx, tx, id, unit.Region, ev, actor); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return st.FindStability(ctx, actor, id)
}

// loadStability loads 稳评 id in the actor's jurisdiction with its items,
// locked when lock.
func (st *Stability) loadStability(ctx context.Context, tx *sql.Tx, actor *pingan.User, id int64, lock bool) (*pingan.Stability, string, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, "", err
	}
	if lock {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM stability WHERE id = $1`+st.dialect.forUpdate(), id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return nil, "", errStabilityNotFound(id)
		} else if err != nil {
			return nil, "", err
		}
	}
	s, region, err := scanStability(tx.QueryRowContext(ctx, `SELECT `+stabilityColumns+stabilityFrom+` WHERE s.id = $1 AND `+
		unitIn("s.unit_path", "$2"), id, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errStabilityNotFound(id)
	} else if err != nil {
		return nil, "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, text, level, COALESCE(risk_id, 0) FROM stability_items WHERE stability_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var it pingan.StabilityItem
		if err := rows.Scan(&it.Seq, &it.Text, &it.Level, &it.RiskID); err != nil {
			return nil, "", err
		}
		s.Items = append(s.Items, &it)
	}
	return s, region, rows.Err()
}

// FindStability answers a 稳评 with its items.
func (st *Stability) FindStability(ctx context.Context, actor *pingan.User, id int64) (*pingan.Stability, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	tx, err := st.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s, _, err := st.loadStability(ctx, tx, actor, id, false)
	return s, err
}

// FindStabilities answers the 稳评 of the jurisdiction, newest first.
func (st *Stability) FindStabilities(ctx context.Context, actor *pingan.User, limit int) ([]*pingan.Stability, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	rows, err := st.read.QueryContext(ctx, `SELECT `+stabilityColumns+stabilityFrom+` WHERE `+unitIn("s.unit_path", "$1")+
		` ORDER BY s.id DESC LIMIT $2`, scope, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Stability
	for rows.Next() {
		s, _, err := scanStability(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// StabilityTimeline answers the events of a 稳评, oldest first.
func (st *Stability) StabilityTimeline(ctx context.Context, actor *pingan.User, id int64) ([]*pingan.StabilityEvent, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	tx, err := st.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, _, err := st.loadStability(ctx, tx, actor, id, false); err != nil {
		return nil, err
	}
	return readEvents(ctx, tx, `SELECT id, at, actor_id, actor_name, unit_code, step, note, details
		FROM stability_events WHERE stability_id = $1 ORDER BY id`, id)
}

// readEvents answers the timeline rows the query selects.
func readEvents(ctx context.Context, tx *sql.Tx, q string, id int64) ([]*pingan.RiskEvent, error) {
	rows, err := tx.QueryContext(ctx, q, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.RiskEvent
	for rows.Next() {
		var e pingan.RiskEvent
		var at stamp
		var details string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Unit, &e.Step, &e.Note, &details); err != nil {
			return nil, err
		}
		e.At = at.T
		if details != "" && details != "{}" {
			if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
				return nil, err
			}
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// writeStabilityEvent writes ev on the timeline of 稳评 id and its audit row.
func (h *handle) writeStabilityEvent(ctx context.Context, tx *sql.Tx, id int64, region string, ev *pingan.RiskEvent, actor *pingan.User) error {
	return h.writeEvent(ctx, tx, "stability_events", "stability_id", "stability", auditStabilityStep, id, region, ev, actor)
}

// ActOnStability takes a step of a 稳评 in one transaction with the risks
// it sends to the ledger.
func (st *Stability) ActOnStability(ctx context.Context, actor *pingan.User, id int64, in *pingan.StabilityAction) (*pingan.Stability, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.Invalidf("step", "risk.step.bad")
	}
	a := *in
	a.Items = append([]pingan.StabilityItemInput(nil), in.Items...)
	a.Normalize()
	tx, err := st.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s, region, err := st.loadStability(ctx, tx, actor, id, true)
	if err != nil {
		return nil, err
	}
	if a.Version != 0 && a.Version != s.Version {
		return nil, conflictOn("version", "risk.version", s.Version)
	}
	stage, err := workflow.ApplyStability(s, actor, &a)
	if err != nil {
		return nil, err
	}
	now := st.now()
	var v pingan.Invalid
	a.Validate(&v, pingan.Day(s.RegisteredAt), pingan.Day(now))
	if err := v.Err(); err != nil {
		return nil, err
	}
	ev := &pingan.RiskEvent{At: now, ActorID: actor.ID, ActorName: nameOf(actor), Unit: actor.UnitCode, Step: a.Step, Note: a.Note,
		Details: map[string]any{}}
	set, sa := `version = version + 1, stage = $2`, args{id, stage}
	switch a.Step {
	case pingan.StabilityNotice:
		set += `, notice_from = ` + sa.add(a.From) + `, notice_to = ` + sa.add(a.To)
		ev.Details["from"], ev.Details["to"] = a.From, a.To
	case pingan.StabilityOpinions:
		set += `, opinions = ` + sa.add(a.Count) + `, opinions_summary = ` + sa.add(a.Summary)
		ev.Details["count"] = a.Count
		ev.Note = a.Summary
	case pingan.StabilityIdentify:
		var risks []int64
		for i, it := range a.Items {
			var riskID any
			level := ""
			if it.ToLedger {
				r := *it.Risk
				r.Source, r.SourceRef = pingan.RiskFromStability, strconv.FormatInt(id, 10)
				if r.Title == "" {
					r.Title = it.Text
				}
				rid, err := st.insertRisk(ctx, tx, actor, &r, now)
				if err != nil {
					if err := v.Merge(prefixFields(err, "items["+strconv.Itoa(i)+"].risk.")); err != nil {
						return nil, err
					}
					continue
				}
				riskID, level = rid, r.Level
				risks = append(risks, rid)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO stability_items (stability_id, seq, text, level, risk_id) VALUES ($1, $2, $3, $4, $5)`,
				id, i+1, it.Text, level, riskID); err != nil {
				return nil, err
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		ev.Details["items"], ev.Details["risks"] = len(a.Items), risks
	case pingan.StabilityReport:
		set += `, report_summary = ` + sa.add(a.Summary) + `, report_level = ` + sa.add(a.Level)
		ev.Details["level"] = a.Level
		ev.Note = a.Summary
	case pingan.StabilityDecide:
		set += `, decision = ` + sa.add(a.Decision) + `, decided_on = ` + sa.add(a.Day)
		ev.Details["decision"], ev.Details["day"], ev.Details["level"] = a.Decision, a.Day, s.ReportLevel
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stability SET `+set+` WHERE id = $1`, sa...); err != nil {
		return nil, err
	}
	if err := st.writeStabilityEvent(ctx, tx, id, region, ev, actor); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return st.FindStability(ctx, actor, id)
}

// prefixFields answers err with each field named under prefix (an
// EINVALID of a part of the input); other errors as they are.
func prefixFields(err error, prefix string) error {
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != pingan.EINVALID || len(pe.Fields) == 0 {
		return err
	}
	out := &pingan.Error{Code: pe.Code, Msg: pe.Msg, Fields: map[string]pingan.Message{}}
	for f, m := range pe.Fields {
		out.Fields[prefix+f] = m
	}
	return out
}
