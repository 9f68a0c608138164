package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"

	"github.com/pingan-gov/pingan"
)

// The engine's run (RunWarnings): it reads what pingan records of matters
// and places — the per-grid daily counters (tallies_day, node = the grid;
// never the cases), the few cases with a fact a per-case rule reads (by
// partial indexes), the townships' counters before 春节 this year and
// last — hands them to the pure rules of the domain (pingan.WarningRule,
// pingan.Detector), and raises what they answer, each warning in its own
// transaction with its event, counters, cooldown and audit row; the key
// (rule, place, category, window) is unique, so a warning raised once is
// never raised again.

// openCase is the condition that a case still runs.
const openCase = `status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved')`

// perCaseDays bounds how far back the per-case rules look.
const perCaseDays = 60

// RunWarnings evaluates every active rule at now and raises what is new.
func (s *Warnings) RunWarnings(ctx context.Context, now time.Time) (int, error) {
	if err := s.Fold(ctx); err != nil { // the counters up to now
		return 0, err
	}
	rs, err := rules(ctx, s.read)
	if err != nil {
		return 0, err
	}
	today := pingan.Day(now)
	var raises []*pingan.Raise
	var series []*pingan.WarningRule
	for _, r := range rs {
		if !r.Active {
			continue
		}
		switch r.Kind {
		case pingan.RuleCluster, pingan.RuleSpike:
			series = append(series, r)
		case pingan.RuleGroup, pingan.RuleVolatile, pingan.RuleRepeat:
			out, err := s.caseRaises(ctx, r, now)
			if err != nil {
				return 0, err
			}
			raises = append(raises, out...)
		case pingan.RuleSeasonal:
			out, err := s.seasonalRaises(ctx, r, now)
			if err != nil {
				return 0, err
			}
			raises = append(raises, out...)
		}
	}
	if len(series) > 0 {
		out, err := s.seriesRaises(ctx, series, now, today)
		if err != nil {
			return 0, err
		}
		raises = append(raises, out...)
	}
	pingan.SortRaises(raises)
	if len(raises) > pingan.MaxWarningRaise {
		raises = raises[:pingan.MaxWarningRaise]
	}
	ds, err := warningDeadlines(ctx, s.read)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range raises {
		ok, err := s.raise(ctx, r, ds, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// seriesRaises runs the cluster and spike rules over every grid's series.
func (s *Warnings) seriesRaises(ctx context.Context, rs []*pingan.WarningRule, now time.Time, today string) ([]*pingan.Raise, error) {
	days := 1
	for _, r := range rs {
		days = max(days, r.WindowDays+7*r.Weeks)
	}
	first := now.In(cst).AddDate(0, 0, 1-days)
	rows, err := s.read.QueryContext(ctx, `SELECT t.node, t.day, t.kind, t.category, CAST(sum(t.m_reported) AS BIGINT)
		FROM grids g JOIN tallies_day t ON t.node = g.code WHERE t.day >= $1 AND t.day <= $2
		GROUP BY t.node, t.day, t.kind, t.category`, pingan.Day(first), today)
	if err != nil {
		return nil, err
	}
	type key struct{ node, kind, cat string }
	all := map[key]*pingan.Series{}
	for rows.Next() {
		var k key
		var day string
		var n int
		if err := rows.Scan(&k.node, &day, &k.kind, &k.cat, &n); err != nil {
			rows.Close()
			return nil, err
		}
		d, ok := pingan.ParseDay(day)
		if !ok {
			continue
		}
		i := dayIndex(first, d)
		if i < 0 || i >= days {
			continue
		}
		sr := all[k]
		if sr == nil {
			sr = &pingan.Series{Place: k.node, Kind: pingan.Kind(k.kind), Category: k.cat, Counts: make([]int, days)}
			all[k] = sr
		}
		sr.Counts[i] += n
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	var out []*pingan.Raise
	for _, r := range rs {
		last, err := s.cooldowns(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for _, sr := range all {
			if w := r.EvalSeries(sr, today, last[sr.Place+"|"+sr.Category]); w != nil {
				out = append(out, w)
			}
		}
	}
	return out, nil
}

// dayIndex answers how many days d lies after first, by their days in
// China Standard Time.
func dayIndex(first, d time.Time) int {
	a, _ := pingan.ParseDay(pingan.Day(first))
	return int(d.Sub(a).Hours()/24 + 0.5)
}

// cooldowns answers the last day each series of the rule raised, by
// place|category.
func (s *Warnings) cooldowns(ctx context.Context, rule int64) (map[string]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT series, last_day FROM warning_cooldown WHERE rule_id = $1`, rule)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, d string
		if err := rows.Scan(&k, &d); err != nil {
			return nil, err
		}
		out[k] = d
	}
	return out, rows.Err()
}

// caseRaises runs a per-case rule over the open cases that have its fact,
// found by the partial indexes of migration 0027.
func (s *Warnings) caseRaises(ctx context.Context, r *pingan.WarningRule, now time.Time) ([]*pingan.Raise, error) {
	since := s.dialect.ts(now.AddDate(0, 0, -perCaseDays))
	var where string
	a := args{since}
	switch r.Kind {
	case pingan.RuleGroup:
		where = `people >= ` + a.add(max(r.Threshold, 1)) + ` AND people > 0 AND kind = 'dispute'`
	case pingan.RuleVolatile:
		where = `volatile AND kind = 'dispute'`
	case pingan.RuleRepeat:
		where = `pet_repeats >= ` + a.add(max(r.Threshold, 1)) + ` AND pet_repeats > 0 AND kind = 'petition'`
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, kind, category, grid, unit_code, people, volatile, pet_repeats, reported_at
		FROM cases WHERE `+where+` AND reported_at >= $1 AND `+openCase+` ORDER BY reported_at LIMIT 2000`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Raise
	for rows.Next() {
		var c pingan.CaseFacts
		var kind string
		var at stamp
		if err := rows.Scan(&c.ID, &kind, &c.Category, &c.Grid, &c.Unit, &c.People, &c.Volatile, &c.Repeats, &at); err != nil {
			return nil, err
		}
		c.Kind, c.Reported = pingan.Kind(kind), at.T
		if w := r.EvalCase(&c); w != nil {
			out = append(out, w)
		}
	}
	return out, rows.Err()
}

// springFestival answers 春节 (正月初一) of the year, from the lunar calendar.
func springFestival(year int) time.Time {
	s := lunar.NewLunarFromYmd(year, 1, 1).GetSolar()
	return time.Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay(), 0, 0, 0, 0, cst)
}

// seasonalRaises runs the seasonal rule per township: its cases of the
// category in the weeks before this 春节 so far, against the same days
// before last year's, from the townships' daily counters.
func (s *Warnings) seasonalRaises(ctx context.Context, r *pingan.WarningRule, now time.Time) ([]*pingan.Raise, error) {
	day, _ := pingan.ParseDay(pingan.Day(now))
	festival := springFestival(day.Year())
	if !day.Before(festival) {
		festival = springFestival(day.Year() + 1)
	}
	from, to, lastFrom, lastTo, ok := r.SeasonalWindow(day, festival, springFestival(festival.Year()-1))
	if !ok {
		return nil, nil
	}
	count := func(from, to time.Time) (map[string]int, error) {
		a := args{pingan.Day(from), pingan.Day(to), likePrefix(r.Category)}
		q := `SELECT t.node, CAST(sum(t.m_reported) AS BIGINT) FROM units u JOIN tallies_day t ON t.node = u.code
			WHERE u.level = 'township' AND t.day >= $1 AND t.day <= $2 AND t.category LIKE $3 ESCAPE '\'`
		if r.CaseKind != "" {
			q += ` AND t.kind = ` + a.add(string(r.CaseKind))
		}
		rows, err := s.read.QueryContext(ctx, q+` GROUP BY t.node`, a...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var node string
			var n int
			if err := rows.Scan(&node, &n); err != nil {
				return nil, err
			}
			out[node] = n
		}
		return out, rows.Err()
	}
	this, err := count(from, to)
	if err != nil {
		return nil, err
	}
	last, err := count(lastFrom, lastTo)
	if err != nil {
		return nil, err
	}
	var out []*pingan.Raise
	for node, n := range this {
		if w := r.EvalSeasonal(node, n, last[node], from, to); w != nil {
			out = append(out, w)
		}
	}
	return out, nil
}

// raise writes one warning in its own transaction: the row (nothing when
// its key was raised before), the event, the counters, the cooldown and
// the audit row. It answers whether it was new.
func (s *Warnings) raise(ctx context.Context, r *pingan.Raise, ds []pingan.WarningDeadline, now time.Time) (bool, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// Where it is sent: the rule's unit, the grid's village or community,
	// or the unit itself.
	code := r.Rule.SendTo
	if code == "" {
		code = r.Place
		var village string
		err := tx.QueryRowContext(ctx, `SELECT unit_code FROM grids WHERE code = $1`, r.Place).Scan(&village)
		if err == nil {
			code = village
		} else if err != sql.ErrNoRows {
			return false, err
		}
	}
	u, err := unitByCode(ctx, tx, code)
	if err != nil {
		return false, err
	}
	if u == nil {
		s.log.Warn("warning: no unit to send to", "rule", r.Rule.ID, "place", r.Place)
		return false, nil
	}
	issuer := u.Path
	if i := strings.LastIndex(strings.TrimSuffix(u.Path, "/"), "/"); i > 0 {
		issuer = u.Path[:i+1]
	}
	signBy, feedbackBy, err := s.deadlinesAt(ds, r.Rule.Level, now)
	if err != nil {
		return false, err
	}
	d := s.dialect
	row := &warningRow{Warning: &pingan.Warning{Rule: r.Rule.ID, RuleKind: r.Rule.Kind, RuleName: r.Rule.Name, Level: r.Rule.Level,
		Place: r.Place, CaseKind: r.Kind, Category: r.Category, CaseID: r.CaseID, Count: r.Count, Expected: r.Expected,
		From: r.From, To: r.To, Unit: u.Code, UnitPath: u.Path, IssuerPath: issuer, State: pingan.WarningRaised,
		RaisedAt: now, SignBy: signBy, FeedbackBy: feedbackBy, Key: r.Key, Version: 1},
		region: u.Region, month: now.In(cst).Format(monthLayout)}
	err = tx.QueryRowContext(ctx, `INSERT INTO warnings (region, rule_id, rule_kind, rule_name, level, dedup_key, place, case_kind,
		category, case_id, count, expected, day_from, day_to, unit_code, unit_path, issuer_path, month, state, raised_at, sign_by,
		feedback_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, 1) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
		row.region, r.Rule.ID, r.Rule.Kind, r.Rule.Name, r.Rule.Level, r.Key, r.Place, string(r.Kind), r.Category, r.CaseID,
		r.Count, r.Expected, r.From, r.To, u.Code, u.Path, issuer, row.month, pingan.WarningRaised, d.ts(now), d.ts(signBy),
		d.ts(feedbackBy)).Scan(&row.ID)
	if err == sql.ErrNoRows {
		return false, nil // raised before
	} else if err != nil {
		return false, err
	}
	ev := &pingan.WarningEvent{At: now, Unit: u.Code, Step: pingan.WarnStepRaise, Details: map[string]any{
		"rule": r.Rule.ID, "count": r.Count, "from": r.From, "to": r.To}}
	if r.Expected > 0 {
		ev.Details["expected"] = r.Expected
	}
	if r.CaseID != "" {
		ev.Details["case"] = r.CaseID
	}
	if err := s.warningEvent(ctx, tx, row.ID, ev); err != nil {
		return false, err
	}
	if err := s.tallyWarning(ctx, tx, row, deltaOf(pingan.WarnStepRaise)); err != nil {
		return false, err
	}
	if r.CaseID == "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO warning_cooldown (rule_id, series, last_day) VALUES ($1, $2, $3)
			ON CONFLICT (rule_id, series) DO UPDATE SET last_day = excluded.last_day`, r.Rule.ID, r.Place+"|"+r.Category, r.To); err != nil {
			return false, err
		}
	}
	detail, _ := json.Marshal(map[string]any{"warning": row.ID, "rule": r.Rule.ID, "key": r.Key})
	if err := s.audit(ctx, tx, nil, "warning_raise", row.region, "", string(detail)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
