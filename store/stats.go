package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
)

var _ pingan.StatsService = (*DB)(nil)

// Stats counts the cases reported in [from, to) (either bound may be zero:
// unbounded) that happened in, or were assigned to, the subtree of unit —
// the actor's own jurisdiction when unit is "". ENOTFOUND for a unit
// outside the jurisdiction. Rates are 0 when their denominator is.
func (db *DB) Stats(ctx context.Context, actor *pingan.User, unit string, from, to time.Time) (*pingan.Stats, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var u *pingan.Unit
	if unit == "" {
		u, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE path = $1`, actor.ScopePath))
	} else {
		u, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1 AND path LIKE $2 ESCAPE '\'`, unit, scope))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnitNotFound(unit)
	} else if err != nil {
		return nil, err
	}
	q := `SELECT status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0, count(*) FROM cases
		WHERE (unit_path LIKE $1 ESCAPE '\' OR assigned_path LIKE $1 ESCAPE '\')`
	args := []any{likePrefix(u.Path)}
	if !from.IsZero() {
		args = append(args, db.dialect.ts(from))
		q += ` AND reported_at >= $` + strconv.Itoa(len(args))
	}
	if !to.IsZero() {
		args = append(args, db.dialect.ts(to))
		q += ` AND reported_at < $` + strconv.Itoa(len(args))
	}
	q += ` GROUP BY status, kind, overdue, COALESCE(satisfaction, ''), escalation_level > 0`
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &pingan.Stats{Unit: u.Code, From: from, To: to, ByStatus: map[pingan.Status]int{}, ByKind: map[pingan.Kind]int{}}
	for rows.Next() {
		var status pingan.Status
		var kind pingan.Kind
		var overdue, escalated bool
		var satisfaction pingan.Satisfaction
		var n int
		if err := rows.Scan(&status, &kind, &overdue, &satisfaction, &escalated, &n); err != nil {
			return nil, err
		}
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
		return nil, err
	}
	s.Rates = map[string]float64{
		"on_time":      rate(s.OnTime, s.Resolved),
		"resolution":   rate(s.Resolved, s.Total),
		"satisfaction": rate(s.Happy, s.Rated),
		"escalation":   rate(s.Escalate, s.Total),
	}
	return s, tx.Commit()
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
