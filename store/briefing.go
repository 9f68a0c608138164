package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// errBriefingStale answers a briefing changed since the recorder read it.
func errBriefingStale() error {
	return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("briefing.stale"),
		Fields: map[string]pingan.Message{"version": pingan.Msg("briefing.stale")}}
}

// RecordMeeting records the week's meeting: on the first record the row
// with the figures read now (frozen), later the corrected texts, each with
// its event, the counters and an audit row in one transaction.
func (s *Briefings) RecordMeeting(ctx context.Context, actor *pingan.User, unit, week string, in *pingan.Meeting) (*pingan.Briefing, error) {
	now := s.now()
	u, monday, err := s.briefingUnit(ctx, s.read, actor, unit, week, now)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.Invalidf("chair", "field.required")
	}
	m := *in
	m.Normalize()
	var v pingan.Invalid
	m.Validate(&v, monday, pingan.Day(now))
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The figures are read before the write begins (their reads take
	// their own snapshots); a briefing recorded meanwhile is caught below.
	figures, err := s.figures(ctx, actor, u, monday, now)
	if err != nil {
		return nil, err
	}
	frozen, err := json.Marshal(figures)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := s.loadBriefing(ctx, tx, u, week, monday, true)
	if err != nil {
		return nil, err
	}
	var id int64
	step := "meeting"
	switch {
	case cur == nil && m.Version == 0:
		err = tx.QueryRowContext(ctx, `INSERT INTO briefings (region, unit_code, unit_path, week, week_start, meeting_on, chair,
			attendees, summary, figures, recorded_by, recorded_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)
			RETURNING id`, u.Region, u.Code, u.Path, week, s.dialect.ts(monday), m.On, m.Chair, m.Attendees, m.Summary, string(frozen),
			nameOf(actor), s.dialect.ts(now)).Scan(&id)
		if isUnique(err) {
			return nil, errBriefingStale()
		} else if err != nil {
			return nil, err
		}
		if err := s.briefingTally(ctx, tx, u.Path, monday.Year(), "held"); err != nil {
			return nil, err
		}
	case cur == nil || m.Version != cur.Version:
		return nil, errBriefingStale()
	default:
		id, step = cur.ID, "meeting_corrected"
		if _, err := tx.ExecContext(ctx, `UPDATE briefings SET meeting_on = $1, chair = $2, attendees = $3, summary = $4,
			version = version + 1 WHERE id = $5`, m.On, m.Chair, m.Attendees, m.Summary, id); err != nil {
			return nil, err
		}
	}
	details := map[string]any{"on": m.On}
	if err := s.briefingEvent(ctx, tx, actor, id, u.Code, step, details, now); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, actor, "briefing_"+step, u.Region, "", briefingDetail(id, week)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.Briefing(ctx, actor, u.Code, week)
}

// AddDecision records a decision of the held meeting and, when asked, the
// task it becomes (insertTask) in the same transaction.
func (s *Briefings) AddDecision(ctx context.Context, actor *pingan.User, unit, week string, in *pingan.NewDecision) (*pingan.Briefing, error) {
	now := s.now()
	u, monday, err := s.briefingUnit(ctx, s.read, actor, unit, week, now)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.Invalidf("text", "field.required")
	}
	d := *in
	d.CoUnits = append([]string(nil), in.CoUnits...)
	d.Normalize()
	var v pingan.Invalid
	d.Validate(&v)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := s.loadBriefing(ctx, tx, u, week, monday, true)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("briefing.meeting.first"),
			Fields: map[string]pingan.Message{"meeting": pingan.Msg("briefing.meeting.first")}}
	}
	if len(cur.Decisions) >= pingan.MaxBriefingDecisions {
		return nil, pingan.E(pingan.ECONFLICT, "briefing.decisions.many", pingan.MaxBriefingDecisions)
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if d.LeadUnit != "" {
		if _, err := unitInScope(ctx, tx, d.LeadUnit, scope); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("lead_unit", "briefing.unit.outside", pingan.ShowText(d.LeadUnit, 20))
		} else if err != nil {
			return nil, err
		}
	}
	for _, c := range d.CoUnits {
		if _, err := unitInScope(ctx, tx, c, scope); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("co_units", "briefing.unit.outside", pingan.ShowText(c, 20))
		} else if err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var task sql.NullInt64
	if d.Task {
		id, err := s.insertTask(ctx, tx, actor, d.TaskOf(cur.ID), now)
		if err != nil {
			return nil, decisionTaskError(err)
		}
		task = sql.NullInt64{Int64: id, Valid: true}
	}
	seq := len(cur.Decisions) + 1
	if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_decisions (briefing_id, seq, text, lead_code, co_units, plan, task_id,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, cur.ID, seq, d.Text, d.LeadUnit,
		strings.Join(d.CoUnits, ","), d.Plan, task, actor.ID, s.dialect.ts(now)); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE briefings SET version = version + 1 WHERE id = $1`, cur.ID); err != nil {
		return nil, err
	}
	details := map[string]any{"seq": seq, "lead_unit": d.LeadUnit}
	measures := []string{"decisions"}
	if task.Valid {
		details["task"] = task.Int64
		measures = append(measures, "tasks")
	}
	if err := s.briefingEvent(ctx, tx, actor, cur.ID, u.Code, "decision", details, now); err != nil {
		return nil, err
	}
	if err := s.briefingTally(ctx, tx, u.Path, monday.Year(), measures...); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, actor, "briefing_decision", u.Region, "", briefingDetail(cur.ID, week)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.Briefing(ctx, actor, u.Code, week)
}

// decisionTaskError names the decision's fields in an error of the task
// it becomes: the task's type is the decision's plan, its title and
// content the decision's text.
func decisionTaskError(err error) error {
	e, ok := err.(*pingan.Error)
	if !ok || e.Code != pingan.EINVALID || len(e.Fields) == 0 {
		return err
	}
	rename := map[string]string{"type": "plan", "title": "text", "content": "text"}
	fields := map[string]pingan.Message{}
	for k, m := range e.Fields {
		if r, ok := rename[k]; ok {
			k = r
		} else if strings.HasPrefix(k, "milestones") || k == "months" {
			k = "plan"
		}
		if _, dup := fields[k]; !dup {
			fields[k] = m
		}
	}
	return &pingan.Error{Code: e.Code, Msg: e.Msg, Fields: fields}
}

func briefingDetail(id int64, week string) string {
	return `{"briefing":` + strconv.FormatInt(id, 10) + `,"week":"` + week + `"}`
}

// briefingEvent writes a row of the briefing's timeline.
func (s *Briefings) briefingEvent(ctx context.Context, tx *sql.Tx, actor *pingan.User, id int64, unit, step string, details map[string]any, now time.Time) error {
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO briefing_events (briefing_id, at, actor_id, actor_name, unit_code, step, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, s.dialect.ts(now), actor.ID, nameOf(actor), unit, step, string(b))
	return err
}

// briefingMeasures are the counters' columns, the only names briefingTally takes.
var briefingMeasures = map[string]bool{"held": true, "decisions": true, "tasks": true}

// briefingTally adds one to each measure of every node of path (the unit
// and each unit above it) for the year.
func (s *Briefings) briefingTally(ctx context.Context, tx *sql.Tx, path string, year int, measures ...string) error {
	a := args{year}
	var cols, vals, sets []string
	for _, m := range measures {
		if !briefingMeasures[m] {
			panic("store: no briefing counter " + m)
		}
		cols, vals = append(cols, m), append(vals, "1")
		sets = append(sets, m+` = briefing_tallies.`+m+` + 1`)
	}
	codes := strings.Split(strings.Trim(path, "/"), "/")
	tuples := make([]string, len(codes))
	for i, c := range codes {
		tuples[i] = `(` + a.add(c) + `, $1, ` + strings.Join(vals, ", ") + `)`
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO briefing_tallies (node, year, `+strings.Join(cols, ", ")+`) VALUES `+
		strings.Join(tuples, ", ")+` ON CONFLICT (node, year) DO UPDATE SET `+strings.Join(sets, ", "), a...)
	return err
}
