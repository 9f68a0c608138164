package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

const riskColumns = `r.id, r.title, r.description, r.field, COALESCE(f.name, r.field), r.unit_code, u.name, r.unit_path,
	r.resp_code, ru.name, r.resp_path, r.reg_code, r.reg_path, r.level, r.leader_id, COALESCE(us.name, ''), r.status,
	r.source, r.source_ref, r.registered_by, r.registered_at, r.next_review_due, r.last_review_at, r.reviews, r.overdue,
	r.resolved_at, r.closed_at, r.version, r.region`

const riskFrom = ` FROM risks r JOIN units u ON u.code = r.unit_code JOIN units ru ON ru.code = r.resp_code
	LEFT JOIN risk_fields f ON f.code = r.field LEFT JOIN users us ON us.id = r.leader_id`

// riskSeen is the condition that the actor sees the risk r: its unit or
// responsible unit lies in the subtree of the LIKE pattern p, or the
// actor (the parameter q) is its 包保 leader.
func riskSeen(p, q string) string {
	return `(` + unitIn("r.unit_path", p) + ` OR ` + unitIn("r.resp_path", p) + ` OR r.leader_id = ` + q + `)`
}

// riskRow is a risk as read, with its region.
type riskRow struct {
	*pingan.Risk
	region string
}

func scanRisk(s scanner) (riskRow, error) {
	var r pingan.Risk
	var reg, due, last, resolved, closed stamp
	var region string
	err := s.Scan(&r.ID, &r.Title, &r.Description, &r.Field, &r.FieldName, &r.Unit, &r.UnitName, &r.UnitPath,
		&r.Responsible, &r.ResponsibleName, &r.RespPath, &r.RegUnit, &r.RegPath, &r.Level, &r.Leader, &r.LeaderName, &r.Status,
		&r.Source, &r.SourceRef, &r.RegisteredBy, &reg, &due, &last, &r.Reviews, &r.Overdue, &resolved, &closed, &r.Version, &region)
	if err != nil {
		return riskRow{}, err
	}
	r.RegisteredAt, r.NextReviewDue = reg.T, due.T
	r.LastReviewAt, r.ResolvedAt, r.ClosedAt = last.ptr(), resolved.ptr(), closed.ptr()
	return riskRow{&r, region}, nil
}

// loadRisk loads risk id as the actor sees it in tx, with its measures
// and cases, locked for update when lock; ENOTFOUND otherwise. A nil
// actor is the watch.
func (h *handle) loadRisk(ctx context.Context, tx *sql.Tx, actor *pingan.User, id int64, lock bool) (riskRow, error) {
	q, a := `SELECT `+riskColumns+riskFrom+` WHERE r.id = $1`, args{id}
	if actor != nil { // nil: the watch, which sees every risk
		scope, err := scopeOf(actor)
		if err != nil {
			return riskRow{}, err
		}
		q += ` AND ` + riskSeen(a.add(scope), a.add(actor.ID))
	}
	if lock {
		// FOR UPDATE may not lock the outer side of a join on PostgreSQL:
		// the risk is locked by itself first.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM risks WHERE id = $1`+h.dialect.forUpdate(), id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return riskRow{}, errRiskNotFound(id)
		} else if err != nil {
			return riskRow{}, err
		}
	}
	r, err := scanRisk(tx.QueryRowContext(ctx, q, a...))
	if errors.Is(err, sql.ErrNoRows) {
		return riskRow{}, errRiskNotFound(id)
	} else if err != nil {
		return riskRow{}, err
	}
	return r, h.riskParts(ctx, tx, r.Risk)
}

// riskParts reads the measures and the linked cases of r.
func (h *handle) riskParts(ctx context.Context, tx *sql.Tx, r *pingan.Risk) error {
	rows, err := tx.QueryContext(ctx, `SELECT m.seq, m.text, m.unit_code, COALESCE(u.name, ''), m.owner, m.due_on, m.done_on, m.added_at, m.done_at
		FROM risk_measures m LEFT JOIN units u ON u.code = m.unit_code WHERE m.risk_id = $1 ORDER BY m.seq`, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.Measures = nil
	for rows.Next() {
		var m pingan.RiskMeasure
		var added, done stamp
		if err := rows.Scan(&m.Seq, &m.Text, &m.Unit, &m.UnitName, &m.Owner, &m.Due, &m.Done, &added, &done); err != nil {
			return err
		}
		m.AddedAt, m.DoneAt = added.T, done.ptr()
		m.DoneAfter = m.Done != "" && m.Done > m.Due
		r.Measures = append(r.Measures, &m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	crows, err := tx.QueryContext(ctx, `SELECT case_id FROM risk_cases WHERE risk_id = $1 ORDER BY linked_at, case_id`, r.ID)
	if err != nil {
		return err
	}
	defer crows.Close()
	r.Cases = nil
	for crows.Next() {
		var c string
		if err := crows.Scan(&c); err != nil {
			return err
		}
		r.Cases = append(r.Cases, c)
	}
	return crows.Err()
}

// FindRisk answers a risk with its measures and cases.
func (s *Risks) FindRisk(ctx context.Context, actor *pingan.User, id int64) (*pingan.Risk, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := s.loadRisk(ctx, tx, actor, id, false)
	if err != nil {
		return nil, err
	}
	return r.Risk, nil
}

// FindRisks answers the ledger of the actor's jurisdiction: red first,
// then by the review due.
func (s *Risks) FindRisks(ctx context.Context, actor *pingan.User, f pingan.RiskFilter) ([]*pingan.Risk, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	a := args{scope, actor.ID}
	where := []string{riskSeen("$1", "$2")}
	if f.Unit != "" {
		tx, err := s.beginRead(ctx)
		if err != nil {
			return nil, err
		}
		u, err := unitInScope(ctx, tx, f.Unit, scope)
		tx.Rollback()
		if err != nil {
			return nil, err
		}
		p := a.add(likePrefix(u.Path))
		where = append(where, `(`+unitIn("r.unit_path", p)+` OR `+unitIn("r.resp_path", p)+`)`)
	}
	if f.Level != "" {
		where = append(where, `r.level = `+a.add(f.Level))
	}
	if f.Field != "" {
		where = append(where, `r.field = `+a.add(f.Field))
	}
	switch f.Status {
	case "":
	case "open":
		where = append(where, `r.status = `+a.add(pingan.RiskControlled))
	default:
		where = append(where, `r.status = `+a.add(f.Status))
	}
	if f.Overdue {
		where = append(where, `r.overdue = `+a.add(true))
	}
	if f.Kept {
		where = append(where, riskKept(actor, &a))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	q := `SELECT ` + riskColumns + riskFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY CASE r.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END,
		CASE r.status WHEN 'controlled' THEN 0 WHEN 'resolved' THEN 1 ELSE 2 END, r.next_review_due, r.id
		LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Risk
	for rows.Next() {
		r, err := scanRisk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Risk)
	}
	return out, rows.Err()
}

// RiskTimeline answers the events of a risk, oldest first.
func (s *Risks) RiskTimeline(ctx context.Context, actor *pingan.User, id int64) ([]*pingan.RiskEvent, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := s.loadRisk(ctx, tx, actor, id, false); err != nil {
		return nil, err
	}
	return readEvents(ctx, tx, `SELECT id, at, actor_id, actor_name, unit_code, step, note, details
		FROM risk_events WHERE risk_id = $1 ORDER BY id`, id)
}

// RiskFields answers the fields in their order, the active ones only
// unless all.
func (s *Risks) RiskFields(ctx context.Context, all bool) ([]*pingan.RiskField, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name, seq, active FROM risk_fields ORDER BY seq, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.RiskField
	for rows.Next() {
		var f pingan.RiskField
		if err := rows.Scan(&f.Code, &f.Name, &f.Seq, &f.Active); err != nil {
			return nil, err
		}
		if all || f.Active {
			out = append(out, &f)
		}
	}
	return out, rows.Err()
}

// SaveRiskField adds, renames or retires a field: a dispatcher or assessor
// of a city (their jurisdiction is a city's, or above).
func (s *Risks) SaveRiskField(ctx context.Context, actor *pingan.User, f *pingan.RiskField) error {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return err
	}
	if !(actor.Has(pingan.RoleDispatcher) || actor.Has(pingan.RoleAssessor)) {
		return pingan.E(pingan.EFORBIDDEN, "risk.fields.forbidden")
	}
	var v pingan.Invalid
	code, name := strings.TrimSpace(f.Code), strings.TrimSpace(f.Name)
	if code == "" {
		v.Add("code", "field.required")
	} else if !fieldCode(code) {
		v.Add("code", "risk.field.code", code)
	}
	v.Require("name", name)
	if utf8.RuneCountInString(name) > pingan.MaxRiskFieldName {
		v.Add("name", "risk.text.long", pingan.MaxRiskFieldName)
	}
	if err := v.Err(); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u, err := s.lookupUnit(ctx, tx, lastCode(actor.ScopePath))
	if err != nil {
		return err
	}
	if u == nil || (u.Level != pingan.LevelCity && u.Level != pingan.LevelProvince) {
		return pingan.E(pingan.EFORBIDDEN, "risk.fields.forbidden")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO risk_fields (code, name, seq, active) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, seq = excluded.seq, active = excluded.active`,
		code, name, f.Seq, f.Active); err != nil {
		return err
	}
	b, err := json.Marshal(map[string]any{"field": code, "name": name, "active": f.Active})
	if err != nil {
		return err
	}
	if err := s.audit(ctx, tx, actor, "risk_field", u.Region, "", string(b)); err != nil {
		return err
	}
	return tx.Commit()
}

// fieldCode reports whether code is a field's code: lower-case Latin
// letters, digits and underscores, at most 30.
func fieldCode(code string) bool {
	if len(code) > 30 {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// ReviewDays answers the review cadence in force by level.
func (s *Risks) ReviewDays(ctx context.Context) (map[string]int, error) {
	return riskDays(ctx, s.read)
}

// RiskCounts answers the ledger's counters under unit by month and level,
// for the months from … to (YYYY-MM). Open is the sum of the changes of
// every month up to the month's end, so the months before from are read
// too (one row per node, month, level and field: a few hundred).
func (s *Risks) RiskCounts(ctx context.Context, actor *pingan.User, unit, from, to string) ([]*pingan.RiskMonth, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	var v pingan.Invalid
	if _, err := time.Parse("2006-01", from); err != nil {
		v.Add("from", "risk.month.bad", from)
	}
	if _, err := time.Parse("2006-01", to); err != nil || to < from {
		v.Add("to", "risk.month.bad", to)
	}
	if err := v.Err(); err != nil {
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
	rows, err := tx.QueryContext(ctx, `SELECT month, level, SUM(registered), SUM(open), SUM(resolved), SUM(closed), SUM(reviews), SUM(overdue)
		FROM risk_tallies WHERE node = $1 AND month <= $2 GROUP BY month, level ORDER BY month`, unit, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ month, level string }
	got := map[key]*pingan.RiskMonth{}
	open := map[string]int64{} // by level, up to the month read
	for rows.Next() {
		var m pingan.RiskMonth
		if err := rows.Scan(&m.Month, &m.Level, &m.Registered, &m.Open, &m.Resolved, &m.Closed, &m.Reviews, &m.Overdue); err != nil {
			return nil, err
		}
		got[key{m.Month, m.Level}] = &m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var months []string
	for k := range got {
		if k.month < from {
			open[k.level] += got[k].Open
		}
	}
	for t, _ := time.Parse("2006-01", from); t.Format("2006-01") <= to; t = t.AddDate(0, 1, 0) {
		months = append(months, t.Format("2006-01"))
	}
	var out []*pingan.RiskMonth
	for _, mo := range months {
		for _, level := range pingan.RiskLevels {
			m := got[key{mo, level}]
			if m == nil {
				m = &pingan.RiskMonth{Month: mo, Level: level}
			}
			open[level] += m.Open
			m.Open = open[level]
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Month < out[j].Month })
	return out, nil
}

// RiskLeaders answers the active leaders of the actor's jurisdiction, by
// unit and name.
func (s *Risks) RiskLeaders(ctx context.Context, actor *pingan.User) ([]*pingan.User, error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.disabled_at IS NULL AND `+unitIn("un.path", "$1")+`
		AND users.roles LIKE '%leader%' ORDER BY un.path, users.name, users.id`, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		if u.Has(pingan.RoleLeader) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// riskKept is the condition that the actor keeps the risk r: its 包保
// leader, or a handler of its responsible unit.
func riskKept(actor *pingan.User, a *args) string {
	c := `r.leader_id = ` + a.add(actor.ID)
	if actor.Has(pingan.RoleHandler) {
		c = `(` + c + ` OR r.resp_code = ` + a.add(actor.UnitCode) + `)`
	}
	return c
}

// KeptDue counts the risks in control the actor keeps whose review is due
// by then, and the overdue ones among them (indexes risks_leader and
// risks_resp).
func (s *Risks) KeptDue(ctx context.Context, actor *pingan.User, by time.Time) (due, overdue int, err error) {
	if err := pingan.Permit(actor, pingan.CapRisks); err != nil {
		return 0, 0, err
	}
	a := args{pingan.RiskControlled, s.dialect.ts(by)}
	err = s.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.overdue THEN 1 ELSE 0 END), 0) FROM risks r
		WHERE r.status = $1 AND r.next_review_due <= $2 AND `+riskKept(actor, &a), a...).Scan(&due, &overdue)
	return due, overdue, err
}
