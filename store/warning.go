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
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/workflow"
)

// Warnings is the warnings (预警) and their rules: pingan.WarningService
// and pingan.WarningEngine. A warning's row is a cache of its timeline
// (warning_events); each step loads it (locked on PostgreSQL), applies
// workflow.ApplyWarning and writes the row, the event, the counters
// (warning_tallies, per node = the unit it is sent to and each unit above
// it, the month raised, the rule's kind and the level) and an audit row in
// one transaction (migration 0027, docs/warnings.md). An escalation writes
// the risk item (insertRisk) or the case (intake) in that transaction too.
type Warnings struct{ *handle }

var (
	_ pingan.WarningService = (*Warnings)(nil)
	_ pingan.WarningEngine  = (*Warnings)(nil)
)

const warningColumns = `w.id, w.region, w.rule_id, w.rule_kind, w.rule_name, w.level, w.dedup_key, w.place,
	COALESCE(g.name, pu.name, w.place), w.case_kind, w.category, COALESCE(c.name, ''), w.case_id, w.count, w.expected,
	w.day_from, w.day_to, w.unit_code, u.name, w.unit_path, w.issuer_path, w.month, w.state, w.raised_at, w.sign_by,
	w.feedback_by, w.signed_at, w.fed_back_at, w.closed_at, w.feedback, w.overdue, w.risk_id, w.escalated_case, w.version,
	g.code IS NOT NULL`

const warningFrom = ` FROM warnings w JOIN units u ON u.code = w.unit_code LEFT JOIN grids g ON g.code = w.place
	LEFT JOIN units pu ON pu.code = w.place LEFT JOIN categories c ON c.code = w.category`

// warningRow is a warning as the store holds it.
type warningRow struct {
	*pingan.Warning
	region, month string
	gridPlace     bool // the place is a grid
}

func scanWarning(s scanner) (*warningRow, error) {
	var w pingan.Warning
	out := &warningRow{Warning: &w}
	var kind string
	var raised, signBy, feedbackBy, signed, fedBack, closed stamp
	if err := s.Scan(&w.ID, &out.region, &w.Rule, &w.RuleKind, &w.RuleName, &w.Level, &w.Key, &w.Place, &w.PlaceName,
		&kind, &w.Category, &w.CategoryName, &w.CaseID, &w.Count, &w.Expected, &w.From, &w.To, &w.Unit, &w.UnitName,
		&w.UnitPath, &w.IssuerPath, &out.month, &w.State, &raised, &signBy, &feedbackBy, &signed, &fedBack, &closed,
		&w.Feedback, &w.Overdue, &w.RiskID, &w.EscalatedCase, &w.Version, &out.gridPlace); err != nil {
		return nil, err
	}
	w.CaseKind = pingan.Kind(kind)
	w.RaisedAt, w.SignBy, w.FeedbackBy = raised.T, signBy.T, feedbackBy.T
	w.SignedAt, w.FedBackAt, w.ClosedAt = signed.ptr(), fedBack.ptr(), closed.ptr()
	return out, nil
}

// loadWarning answers the warning with the id whose unit lies in the
// subtree of the LIKE pattern scope ("" for the system), locked on
// PostgreSQL when lock is set; ENOTFOUND otherwise.
func (h *handle) loadWarning(ctx context.Context, tx *sql.Tx, scope string, id int64, lock bool) (*warningRow, error) {
	a := args{id}
	q := `SELECT ` + warningColumns + warningFrom + ` WHERE w.id = $1`
	if scope != "" {
		q += ` AND ` + unitIn("w.unit_path", a.add(scope))
	}
	if lock {
		// Lock the warning's row alone, before the joins read.
		if _, err := tx.ExecContext(ctx, `SELECT id FROM warnings WHERE id = $1`+h.dialect.forUpdate(), id); err != nil {
			return nil, err
		}
	}
	w, err := scanWarning(tx.QueryRowContext(ctx, q, a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "warning.notfound", id)
	}
	return w, err
}

// FindWarning answers a warning in the actor's jurisdiction with its timeline.
func (s *Warnings) FindWarning(ctx context.Context, actor *pingan.User, id int64) (*pingan.Warning, []*pingan.WarningEvent, error) {
	if err := pingan.Permit(actor, pingan.CapWarnings); err != nil {
		return nil, nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	w, err := s.loadWarning(ctx, tx, scope, id, false)
	if err != nil {
		return nil, nil, err
	}
	evs, err := readEvents(ctx, tx, `SELECT id, at, actor_id, actor_name, unit_code, step, note, details
		FROM warning_events WHERE warning_id = $1 ORDER BY id`, id)
	return w.Warning, evs, err
}

// FindWarnings answers the warnings in the actor's jurisdiction, open
// first, then newest first.
func (s *Warnings) FindWarnings(ctx context.Context, actor *pingan.User, f pingan.WarningFilter) ([]*pingan.Warning, error) {
	if err := pingan.Permit(actor, pingan.CapWarnings); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	a := args{scope}
	q := `SELECT ` + warningColumns + warningFrom + ` WHERE ` + unitIn("w.unit_path", "$1")
	switch {
	case f.State == "open":
		q += ` AND w.state IN ('raised', 'signed', 'handling', 'fed_back')`
	case f.State != "":
		q += ` AND w.state = ` + a.add(f.State)
	}
	if f.Level != "" {
		q += ` AND w.level = ` + a.add(f.Level)
	}
	if f.Rule != 0 {
		q += ` AND w.rule_id = ` + a.add(f.Rule)
	}
	if f.Kind != "" {
		q += ` AND w.rule_kind = ` + a.add(f.Kind)
	}
	if f.Unit != "" {
		u, err := unitInScope(ctx, s.read, f.Unit, scope)
		if err != nil {
			return nil, err
		}
		q += ` AND ` + unitIn("w.unit_path", a.add(likePrefix(u.Path)))
	}
	if f.Mine {
		q += ` AND w.unit_path = ` + a.add(actor.ScopePath)
	}
	if f.Overdue {
		q += ` AND w.overdue = ` + a.add(true)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q += ` ORDER BY CASE WHEN w.state IN ('raised', 'signed', 'handling', 'fed_back') THEN 0 ELSE 1 END, w.id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Warning
	for rows.Next() {
		w, err := scanWarning(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w.Warning)
	}
	return out, rows.Err()
}

// Waiting answers the open warnings sent to the actor's unit and how many
// of them are overdue, by the index warnings_open.
func (s *Warnings) Waiting(ctx context.Context, actor *pingan.User) (open, overdue int, err error) {
	if pingan.Permit(actor, pingan.CapWarnings) != nil || actor.ScopePath == "" {
		return 0, 0, nil
	}
	err = s.read.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN overdue THEN 1 ELSE 0 END), 0) FROM warnings
		WHERE unit_code = $1 AND state IN ('raised', 'signed', 'handling')`, lastCode(actor.ScopePath)).Scan(&open, &overdue)
	return open, overdue, err
}

// warningDelta is what one step adds to the counters.
type warningDelta struct {
	raised, signed, fedBack, released, escalated, overdue, open int
}

func deltaOf(step string) warningDelta {
	switch step {
	case pingan.WarnStepRaise:
		return warningDelta{raised: 1, open: 1}
	case pingan.WarnStepSign:
		return warningDelta{signed: 1}
	case pingan.WarnStepFeedback:
		return warningDelta{fedBack: 1}
	case pingan.WarnStepRelease:
		return warningDelta{released: 1, open: -1}
	case pingan.WarnStepEscalateRisk, pingan.WarnStepEscalateCase:
		return warningDelta{escalated: 1, open: -1}
	case pingan.WarnStepOverdue:
		return warningDelta{overdue: 1}
	}
	return warningDelta{}
}

// tallyWarning adds d to the counters of w at every node from its unit up.
func (h *handle) tallyWarning(ctx context.Context, tx *sql.Tx, w *warningRow, d warningDelta) error {
	if d == (warningDelta{}) {
		return nil
	}
	a := args{w.month, w.RuleKind, w.Level, d.raised, d.signed, d.fedBack, d.released, d.escalated, d.overdue, d.open}
	var tuples []string
	for _, code := range strings.Split(strings.Trim(w.UnitPath, "/"), "/") {
		if code != "" {
			tuples = append(tuples, `(`+a.add(code)+`, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO warning_tallies (node, month, rule_kind, level, raised, signed, fed_back, released,
		escalated, overdue, open) VALUES `+strings.Join(tuples, ", ")+`
		ON CONFLICT (node, month, rule_kind, level) DO UPDATE SET raised = warning_tallies.raised + excluded.raised,
		signed = warning_tallies.signed + excluded.signed, fed_back = warning_tallies.fed_back + excluded.fed_back,
		released = warning_tallies.released + excluded.released, escalated = warning_tallies.escalated + excluded.escalated,
		overdue = warning_tallies.overdue + excluded.overdue, open = warning_tallies.open + excluded.open`, a...)
	return err
}

// writeStep writes the warning after a step — its row (with a version
// check), its event, its counters and an audit row — in tx.
func (h *handle) writeStep(ctx context.Context, tx *sql.Tx, actor *pingan.User, old *warningRow, next *pingan.Warning, ev *pingan.WarningEvent) error {
	d := h.dialect
	res, err := tx.ExecContext(ctx, `UPDATE warnings SET state = $3, signed_at = $4, fed_back_at = $5, closed_at = $6, feedback = $7,
		overdue = $8, risk_id = $9, escalated_case = $10, version = $11 WHERE id = $1 AND version = $2`,
		old.ID, old.Version, next.State, d.tsp(next.SignedAt), d.tsp(next.FedBackAt), d.tsp(next.ClosedAt), next.Feedback,
		next.Overdue, next.RiskID, next.EscalatedCase, next.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return pingan.E(pingan.ECONFLICT, "warning.stale")
	}
	if err := h.warningEvent(ctx, tx, old.ID, ev); err != nil {
		return err
	}
	if err := h.tallyWarning(ctx, tx, old, deltaOf(ev.Step)); err != nil {
		return err
	}
	detail, _ := json.Marshal(map[string]any{"warning": old.ID, "step": ev.Step})
	return h.audit(ctx, tx, actor, "warning_"+ev.Step, old.region, "", string(detail))
}

func (h *handle) warningEvent(ctx context.Context, tx *sql.Tx, id int64, ev *pingan.WarningEvent) error {
	if err := h.insertEvent(ctx, tx, "warning_events", "warning_id", id, ev); err != nil {
		return err
	}
	return h.hookItem(ctx, tx, pingan.WebhookKindWarning, id, ev.Step, ev.At) // the webhooks' outbox (webhook.go)
}

// ActWarning takes a step on a warning in one transaction.
func (s *Warnings) ActWarning(ctx context.Context, actor *pingan.User, id int64, in *pingan.WarningAction) (*pingan.Warning, error) {
	if err := pingan.Permit(actor, pingan.CapWarnings); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "warning.none")
	}
	act := *in
	act.Step = strings.TrimSpace(act.Step)
	if act.Step == pingan.WarnStepEscalateCase {
		return s.escalateCase(ctx, actor, scope, id, &act)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, err := s.loadWarning(ctx, tx, scope, id, true)
	if err != nil {
		return nil, err
	}
	next, err := s.step(ctx, tx, actor, w, &act, nil)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return next, nil
}

// step applies the step in to w by the actor and writes it in tx; link
// (escalate_case) sets what the step created before the write.
func (s *Warnings) step(ctx context.Context, tx *sql.Tx, actor *pingan.User, w *warningRow, in *pingan.WarningAction,
	link func(next *pingan.Warning, ev *pingan.WarningEvent)) (*pingan.Warning, error) {
	if in.Version != 0 && in.Version != w.Version {
		return nil, pingan.E(pingan.ECONFLICT, "warning.stale")
	}
	now := s.now()
	next, ev, err := workflow.ApplyWarning(w.Warning, actor, *in, now)
	if err != nil {
		return nil, err
	}
	if in.Step == pingan.WarnStepEscalateRisk {
		nr := pingan.NewRisk{}
		if in.Risk != nil {
			nr = *in.Risk
			nr.Measures, nr.Cases = append([]pingan.NewRiskMeasure(nil), in.Risk.Measures...), append([]string(nil), in.Risk.Cases...)
		}
		if strings.TrimSpace(nr.Title) == "" {
			nr.Title = pingan.ShowText(w.RuleName+" · "+w.PlaceName, 100)
		}
		if nr.Level == "" {
			nr.Level = w.Level
		}
		if nr.Unit == "" {
			nr.Unit = w.Unit
		}
		if nr.Description == "" {
			nr.Description = ev.Note
		}
		if w.CaseID != "" && len(nr.Cases) == 0 {
			nr.Cases = []string{w.CaseID}
		}
		nr.Source, nr.SourceRef = pingan.RiskFromWarning, strconv.FormatInt(w.ID, 10)
		rid, err := s.insertRisk(ctx, tx, actor, &nr, now)
		if err != nil {
			return nil, err
		}
		next.RiskID = rid
		ev.Details = map[string]any{"risk": rid}
	}
	if link != nil {
		link(next, ev)
	}
	if err := s.writeStep(ctx, tx, actor, w, next, ev); err != nil {
		return nil, err
	}
	return next, nil
}

// escalateCase files the warning as a case through the one intake, the
// warning's step written by the report's after hook: both or neither.
func (s *Warnings) escalateCase(ctx context.Context, actor *pingan.User, scope string, id int64, in *pingan.WarningAction) (*pingan.Warning, error) {
	if err := pingan.Permit(actor, pingan.CapReport); err != nil {
		return nil, err
	}
	// Refuse before anything is filed; the hook checks again under the lock.
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	w, err := s.loadWarning(ctx, tx, scope, id, false)
	tx.Rollback()
	if err != nil {
		return nil, err
	}
	if _, _, err := workflow.ApplyWarning(w.Warning, actor, *in, s.now()); err != nil {
		return nil, err
	}
	nc := pingan.NewCase{}
	if in.Case != nil {
		nc = *in.Case
	}
	if nc.Kind == "" {
		nc.Kind = w.CaseKind
	}
	if nc.Category == "" {
		nc.Category = w.Category
	}
	if strings.TrimSpace(nc.Title) == "" {
		nc.Title = pingan.ShowText(w.RuleName+" · "+w.PlaceName, 100)
	}
	if strings.TrimSpace(nc.Description) == "" {
		nc.Description = strings.TrimSpace(in.Note)
		if nc.Description == "" {
			nc.Description = nc.Title
		}
	}
	if nc.Grid == "" && nc.Unit == "" {
		if w.gridPlace {
			nc.Grid = w.Place
		} else {
			nc.Unit = w.Unit
		}
	}
	var out *pingan.Warning
	r := &intake{actor: actor, in: nc,
		after: func(ctx context.Context, tx *sql.Tx, k *pingan.Case) error {
			w, err := s.loadWarning(ctx, tx, scope, id, true)
			if err != nil {
				return err
			}
			out, err = s.step(ctx, tx, actor, w, in, func(next *pingan.Warning, ev *pingan.WarningEvent) {
				next.EscalatedCase = k.ID
				ev.Details = map[string]any{"case": k.ID, "number": k.Number}
			})
			return err
		}}
	if _, err := s.intake(ctx, r); err != nil {
		return nil, err
	}
	return out, nil
}

// WarningCounts answers the counters under unit for the months from–to.
func (s *Warnings) WarningCounts(ctx context.Context, actor *pingan.User, unit, from, to string) ([]pingan.WarningCount, error) {
	if err := pingan.Permit(actor, pingan.CapWarnings); err != nil {
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
	if _, err := unitInScope(ctx, tx, unit, scope); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT month, rule_kind, level, raised, signed, fed_back, released, escalated, overdue, open
		FROM warning_tallies WHERE node = $1 AND month >= $2 AND month <= $3 ORDER BY month, rule_kind, level`, unit, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingan.WarningCount
	for rows.Next() {
		var c pingan.WarningCount
		if err := rows.Scan(&c.Month, &c.RuleKind, &c.Level, &c.Raised, &c.Signed, &c.FedBack, &c.Released, &c.Escalated,
			&c.Overdue, &c.Open); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Deadlines answers the deadlines by level, red first.
func (s *Warnings) Deadlines(ctx context.Context) ([]pingan.WarningDeadline, error) {
	return warningDeadlines(ctx, s.read)
}

func warningDeadlines(ctx context.Context, q querier) ([]pingan.WarningDeadline, error) {
	rows, err := q.QueryContext(ctx, `SELECT level, sign_hours, feedback_days FROM warning_deadlines`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[string]pingan.WarningDeadline{}
	for rows.Next() {
		var d pingan.WarningDeadline
		if err := rows.Scan(&d.Level, &d.SignHours, &d.FeedbackDays); err != nil {
			return nil, err
		}
		by[d.Level] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]pingan.WarningDeadline, 0, len(pingan.DefaultWarningDeadlines))
	for _, def := range pingan.DefaultWarningDeadlines {
		if d, ok := by[def.Level]; ok {
			def = d
		}
		out = append(out, def)
	}
	return out, nil
}

// SetDeadlines changes the deadlines by level.
func (s *Warnings) SetDeadlines(ctx context.Context, actor *pingan.User, ds []pingan.WarningDeadline) error {
	if err := pingan.Permit(actor, pingan.CapWarningRules); err != nil {
		return err
	}
	var v pingan.Invalid
	for i := range ds {
		ds[i].Level = strings.TrimSpace(ds[i].Level)
		ds[i].Validate(&v, "deadlines["+strconv.Itoa(i)+"]")
	}
	if err := v.Err(); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := cityOrAbove(ctx, tx, actor); err != nil {
		return err
	}
	for _, d := range ds {
		if _, err := tx.ExecContext(ctx, `UPDATE warning_deadlines SET sign_hours = $2, feedback_days = $3 WHERE level = $1`,
			d.Level, d.SignHours, d.FeedbackDays); err != nil {
			return err
		}
	}
	detail, _ := json.Marshal(ds)
	if err := s.audit(ctx, tx, actor, "warning_deadlines", "", "", string(detail)); err != nil {
		return err
	}
	return tx.Commit()
}

const ruleColumns = `id, kind, name, case_kind, category, threshold, window_days, weeks, percent, alpha, cooldown_days, level,
	send_to, active, version`

func scanRule(s scanner) (*pingan.WarningRule, error) {
	var r pingan.WarningRule
	var kind string
	if err := s.Scan(&r.ID, &r.Kind, &r.Name, &kind, &r.Category, &r.Threshold, &r.WindowDays, &r.Weeks, &r.Percent, &r.Alpha,
		&r.CooldownDays, &r.Level, &r.SendTo, &r.Active, &r.Version); err != nil {
		return nil, err
	}
	r.CaseKind = pingan.Kind(kind)
	return &r, nil
}

// Rules answers every rule, by id.
func (s *Warnings) Rules(ctx context.Context, actor *pingan.User) ([]*pingan.WarningRule, error) {
	if err := pingan.Permit(actor, pingan.CapWarnings); err != nil {
		return nil, err
	}
	return rules(ctx, s.read)
}

func rules(ctx context.Context, q querier) ([]*pingan.WarningRule, error) {
	// The rule monitoring alarms are filed under (readings.go) is no rule of
	// the engine's nor the pages'.
	rows, err := q.QueryContext(ctx, `SELECT `+ruleColumns+` FROM warning_rules WHERE kind <> '`+monitoringRule+`' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.WarningRule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveRule adds or changes a rule in one transaction.
func (s *Warnings) SaveRule(ctx context.Context, actor *pingan.User, in *pingan.WarningRule) (*pingan.WarningRule, error) {
	if err := pingan.Permit(actor, pingan.CapWarningRules); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "warning.rule.json")
	}
	r := *in
	r.Normalize()
	var v pingan.Invalid
	r.Validate(&v)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := cityOrAbove(ctx, tx, actor); err != nil {
		return nil, err
	}
	if r.Category != "" && !v.Has("category") {
		c, err := s.lookupCategory(ctx, tx, r.Category)
		if err != nil {
			return nil, err
		}
		if c == nil || (r.CaseKind != "" && c.Kind != r.CaseKind) {
			v.Add("category", "warning.rule.category", pingan.ShowText(r.Category, 20))
		}
	}
	if r.SendTo != "" {
		if _, err := unitInScope(ctx, tx, r.SendTo, scope); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("send_to", "warning.rule.send_to", pingan.ShowText(r.SendTo, 20))
		} else if err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	vals := []any{r.Kind, r.Name, string(r.CaseKind), r.Category, r.Threshold, r.WindowDays, r.Weeks, r.Percent, r.Alpha,
		r.CooldownDays, r.Level, r.SendTo, r.Active}
	if r.ID == 0 {
		r.Version = 1
		err = tx.QueryRowContext(ctx, `INSERT INTO warning_rules (kind, name, case_kind, category, threshold, window_days, weeks,
			percent, alpha, cooldown_days, level, send_to, active, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)
			RETURNING id`, vals...).Scan(&r.ID)
		if err != nil {
			return nil, err
		}
	} else {
		var version int
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT version, kind FROM warning_rules WHERE id = $1`+s.dialect.forUpdate(), r.ID).Scan(&version, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pingan.E(pingan.ENOTFOUND, "warning.rule.notfound", r.ID)
		} else if err != nil {
			return nil, err
		}
		if r.Version != 0 && r.Version != version {
			return nil, pingan.E(pingan.ECONFLICT, "warning.rule.stale")
		}
		if kind != r.Kind {
			return nil, pingan.Invalidf("kind", "warning.rule.kind", pingan.ShowText(r.Kind, 20))
		}
		r.Version = version + 1
		if _, err := tx.ExecContext(ctx, `UPDATE warning_rules SET kind = $1, name = $2, case_kind = $3, category = $4, threshold = $5,
			window_days = $6, weeks = $7, percent = $8, alpha = $9, cooldown_days = $10, level = $11, send_to = $12, active = $13,
			version = $14 WHERE id = $15`, append(vals, r.Version, r.ID)...); err != nil {
			return nil, err
		}
	}
	detail, _ := json.Marshal(r)
	if err := s.audit(ctx, tx, actor, "warning_rule", "", "", string(detail)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &r, nil
}

// cityOrAbove refuses an actor whose jurisdiction is below a city: the
// rules and deadlines hold for the whole deployment (a city, or a province).
func cityOrAbove(ctx context.Context, tx *sql.Tx, actor *pingan.User) error {
	u, err := unitByCode(ctx, tx, lastCode(actor.ScopePath))
	if err != nil {
		return err
	}
	if u == nil || (u.Level != pingan.LevelCity && u.Level != pingan.LevelProvince) {
		return pingan.E(pingan.EFORBIDDEN, "warning.rule.forbidden")
	}
	return nil
}

// MarkOverdue marks at most limit open warnings past a deadline at now:
// each once, with its timeline row and counter, each in its own
// transaction so that one bad row does not hold up the others.
func (s *Warnings) MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 200
	}
	d := s.dialect
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM warnings WHERE NOT overdue AND state = 'raised' AND sign_by < $1
		UNION SELECT id FROM warnings WHERE NOT overdue AND state IN ('raised', 'signed', 'handling') AND feedback_by < $1
		ORDER BY id LIMIT `+strconv.Itoa(limit), d.ts(now))
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
	if err := rows.Close(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		ok, err := s.markOne(ctx, id, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *Warnings) markOne(ctx context.Context, id int64, now time.Time) (bool, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	w, err := s.loadWarning(ctx, tx, "", id, true)
	if err != nil {
		return false, err
	}
	next, ev, ok := workflow.MarkWarningOverdue(w.Warning, now)
	if !ok {
		return false, nil
	}
	if err := s.writeStep(ctx, tx, nil, w, next, ev); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// deadlinesAt answers when a warning of level raised at now must be
// signed (hours on the clock) and fed back (working days on the official
// calendar).
func (h *handle) deadlinesAt(ds []pingan.WarningDeadline, level string, now time.Time) (signBy, feedbackBy time.Time, err error) {
	d := pingan.DefaultWarningDeadlines[len(pingan.DefaultWarningDeadlines)-1]
	for _, x := range ds {
		if x.Level == level {
			d = x
		}
	}
	cal := h.calendarNow()
	if signBy, err = cal.Due(now, d.SignHours, calendar.Hours); err != nil {
		return
	}
	feedbackBy, err = cal.Due(now, d.FeedbackDays, calendar.WorkingDays)
	return
}
