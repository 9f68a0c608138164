package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Stats counts cases (统计): pingan.StatsService.
type Stats struct{ *handle }

var _ pingan.StatsService = (*Stats)(nil)

// Stats counts the cases reported in [from, to) (either bound may be zero:
// unbounded) that happened in, or were assigned to, the subtree of unit —
// the actor's own jurisdiction when unit is "". ENOTFOUND for a unit
// outside the jurisdiction. Rates are 0 when their denominator is.
func (s *Stats) Stats(ctx context.Context, actor *pingan.User, unit string, from, to time.Time) (*pingan.Stats, error) {
	tx, u, err := s.beginStats(ctx, actor, unit)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q := `SELECT 0, status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0, count(*) FROM cases
		WHERE ` + caseIn("$1")
	a := args{likePrefix(u.Path)}
	if !from.IsZero() {
		q += ` AND reported_at >= ` + a.add(s.dialect.ts(from))
	}
	if !to.IsZero() {
		q += ` AND reported_at < ` + a.add(s.dialect.ts(to))
	}
	q += ` GROUP BY status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0`
	out := []*pingan.Stats{newStats(u.Code, from, to)}
	if err := scanStats(tx.QueryContext(ctx, q, a...))(out); err != nil {
		return nil, err
	}
	return out[0], tx.Commit()
}

// StatsSeries is Stats of each period between consecutive bounds, read in
// one pass over the cases of the whole span: each case falls in the
// bucket of the last bound at or before it.
func (s *Stats) StatsSeries(ctx context.Context, actor *pingan.User, unit string, bounds []time.Time) ([]*pingan.Stats, error) {
	if len(bounds) < 2 {
		return nil, pingan.E(pingan.EINVALID, "stats.bounds.few")
	}
	for i := 1; i < len(bounds); i++ {
		if !bounds[i-1].Before(bounds[i]) {
			return nil, pingan.E(pingan.EINVALID, "stats.bounds.order")
		}
	}
	tx, u, err := s.beginStats(ctx, actor, unit)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	a := args{likePrefix(u.Path)}
	arg := func(t time.Time) string { return a.add(s.dialect.ts(t)) }
	var bucket strings.Builder
	bucket.WriteString("CASE")
	for i, b := range bounds[1 : len(bounds)-1] {
		bucket.WriteString(" WHEN reported_at < " + arg(b) + " THEN " + strconv.Itoa(i))
	}
	bucket.WriteString(" ELSE " + strconv.Itoa(len(bounds)-2) + " END")
	q := `SELECT ` + bucket.String() + `, status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0, count(*)
		FROM cases
		WHERE ` + caseIn("$1") + `
		AND reported_at >= ` + arg(bounds[0]) + ` AND reported_at < ` + arg(bounds[len(bounds)-1]) + `
		GROUP BY 1, status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0`
	out := make([]*pingan.Stats, len(bounds)-1)
	for i := range out {
		out[i] = newStats(u.Code, bounds[i], bounds[i+1])
	}
	if err := scanStats(tx.QueryContext(ctx, q, a...))(out); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// GridLoads counts the cases reported in [from, to) in the subtree of unit
// by grid.
func (s *Stats) GridLoads(ctx context.Context, actor *pingan.User, unit string, from, to time.Time) (map[string]int, error) {
	tx, u, err := s.beginStats(ctx, actor, unit)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q := `SELECT grid, count(*) FROM cases WHERE ` + caseIn("$1")
	a := args{likePrefix(u.Path)}
	if !from.IsZero() {
		q += ` AND reported_at >= ` + a.add(s.dialect.ts(from))
	}
	if !to.IsZero() {
		q += ` AND reported_at < ` + a.add(s.dialect.ts(to))
	}
	rows, err := tx.QueryContext(ctx, q+` GROUP BY grid`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var grid string
		var n int
		if err := rows.Scan(&grid, &n); err != nil {
			return nil, err
		}
		out[grid] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// beginStats starts the read of statistics over the subtree of unit (the
// actor's own when ""), answering the unit.
func (s *Stats) beginStats(ctx context.Context, actor *pingan.User, unit string) (*sql.Tx, *pingan.Unit, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	var u *pingan.Unit
	if unit == "" {
		u, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE path = $1`, actor.ScopePath))
	} else {
		u, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1 AND `+unitIn("path", "$2"), unit, scope))
	}
	if err != nil {
		tx.Rollback()
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, errUnitNotFound(unit)
		}
		return nil, nil, err
	}
	return tx, u, nil
}

func newStats(unit string, from, to time.Time) *pingan.Stats {
	return &pingan.Stats{Unit: unit, From: from, To: to, ByStatus: map[pingan.Status]int{}, ByKind: map[pingan.Kind]int{}}
}

// scanStats adds rows of (bucket, status, kind, overdue, satisfaction,
// escalated, count) to the Stats of their bucket, then sets the rates.
func scanStats(rows *sql.Rows, err error) func([]*pingan.Stats) error {
	return func(out []*pingan.Stats) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var bucket, n int
			var status pingan.Status
			var kind pingan.Kind
			var overdue, escalated bool
			var satisfaction pingan.Satisfaction
			if err := rows.Scan(&bucket, &status, &kind, &overdue, &satisfaction, &escalated, &n); err != nil {
				return err
			}
			s := out[bucket]
			s.Total += n
			s.ByStatus[status] += n
			s.ByKind[kind] += n
			if status == pingan.StatusResolved || status == pingan.StatusClosed {
				s.Resolved += n
				if !overdue {
					s.OnTime += n
				}
			}
			if satisfaction != "" {
				s.Rated += n
				if satisfaction == pingan.Satisfied || satisfaction == pingan.BasicallySatisfied {
					s.Happy += n
				}
			}
			if escalated {
				s.Escalate += n
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, s := range out {
			s.Rates = map[string]float64{
				"on_time":      rate(s.OnTime, s.Resolved),
				"resolution":   rate(s.Resolved, s.Total),
				"satisfaction": rate(s.Happy, s.Rated),
				"escalation":   rate(s.Escalate, s.Total),
			}
		}
		return nil
	}
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
