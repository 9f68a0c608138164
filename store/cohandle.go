package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Co-handling (主办/协办): the assisting units of a case (case_assists,
// migration 0016), written in the transaction of the action that moves
// them, loaded with a single case. A user of a unit that assists a case now
// sees that case as the handling unit's users do; lists and statistics do
// not change (caseIn), and the unit finds its cases in its 协办 inbox
// (FindAssists).

// caseSeen is the condition that a case (of the table cases, unqualified)
// lies in the subtree of the LIKE pattern p (caseIn), or that the unit
// with the code in the parameter unit assists it now (协办).
func caseSeen(p, unit string) string {
	return `(` + caseIn(p) + ` OR EXISTS (SELECT 1 FROM case_assists ca WHERE ca.region = cases.region
		AND ca.case_id = cases.id AND ca.unit_code = ` + unit + ` AND ca.state <> 'withdrawn')
		OR (hz_party_unit <> '' AND hz_stage IN ('rectifying', 'rechecking') AND hz_party_unit = ` + unit + `))` // a hazard's party (hazard.go)
}

// unitOf answers the code of actor's own unit, "" for none.
func unitOf(actor *pingan.User) string {
	if actor == nil {
		return ""
	}
	return actor.UnitCode
}

// loadCaseAs answers the case with the id inside the jurisdiction scope (a
// LIKE pattern; "" for the system) or assisted now by the unit with the
// code unit ("" for none), with its assists, locking its row on PostgreSQL
// when lock is set; ENOTFOUND when there is none.
func (h *handle) loadCaseAs(ctx context.Context, tx *sql.Tx, scope, unit, id string, lock bool) (sealedCase, error) {
	region, ok := regionOfID(id)
	if !ok {
		return sealedCase{}, errCaseNotFound(id)
	}
	q := `SELECT ` + caseColumns + ` FROM cases WHERE region = $1 AND id = $2`
	a := args{region, id}
	if scope != "" {
		q += ` AND ` + caseSeen("$3", "$4")
		a = append(a, scope, unit)
	}
	var row *sql.Row
	if lock {
		// On the writer (a change follows): prepared once, the columns
		// of a case are long to parse. A reading may run on a reader's
		// transaction, which the writer's statements cannot serve.
		q += h.dialect.forUpdate()
		st, err := h.stmt(ctx, tx, q)
		if err != nil {
			return sealedCase{}, err
		}
		row = st.QueryRowContext(ctx, a...)
	} else {
		row = tx.QueryRowContext(ctx, q, a...)
	}
	sc, err := scanCase(row)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, errCaseNotFound(id)
	} else if err != nil {
		return sc, err
	}
	sc.Assists, err = assistsOf(ctx, tx, sc.Region, sc.ID)
	return sc, err
}

// assistsOf answers the assists of a case, oldest dispatch first, with the
// units' names.
func assistsOf(ctx context.Context, tx *sql.Tx, region, id string) ([]pingan.Assist, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.unit_code, COALESCE(u.name, ''), a.unit_path, a.state, a.dispatched_at,
		a.signed_at, a.reported_at, a.result, a.dispatch_seq
		FROM case_assists a LEFT JOIN units u ON u.code = a.unit_code
		WHERE a.region = $1 AND a.case_id = $2 ORDER BY a.dispatch_seq, a.unit_path`, region, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingan.Assist
	for rows.Next() {
		var as pingan.Assist
		var dispatched, signed, reported stamp
		if err := rows.Scan(&as.Unit, &as.UnitName, &as.UnitPath, &as.State, &dispatched, &signed, &reported,
			&as.Result, &as.Seq); err != nil {
			return nil, err
		}
		as.DispatchedAt, as.SignedAt, as.ReportedAt = dispatched.T, signed.ptr(), reported.ptr()
		out = append(out, as)
	}
	return out, rows.Err()
}

// saveAssists writes the assists of c after the action act (its Seq set):
// a new one (Seq 0) is inserted under the dispatch's entry, an existing one
// updated where its state changed, with the entry that changed it.
func (h *handle) saveAssists(ctx context.Context, tx *sql.Tx, c *pingan.Case, act *pingan.Action) error {
	d := h.dialect
	for i := range c.Assists {
		as := &c.Assists[i]
		if as.Seq == 0 {
			as.Seq = act.Seq
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_assists (region, case_id, dispatch_seq, unit_code, unit_path,
				state, dispatched_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				c.Region, c.ID, as.Seq, as.Unit, as.UnitPath, string(as.State), d.ts(as.DispatchedAt)); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_assists SET state = $5, signed_at = $6, reported_at = $7, result = $8,
			sign_seq = CASE WHEN $5 = 'signed' THEN $9 ELSE sign_seq END,
			report_seq = CASE WHEN $5 = 'reported' THEN $9 ELSE report_seq END
			WHERE region = $1 AND case_id = $2 AND dispatch_seq = $3 AND unit_code = $4 AND state <> $5`,
			c.Region, c.ID, as.Seq, as.Unit, string(as.State), d.tsp(as.SignedAt), d.tsp(as.ReportedAt), as.Result,
			act.Seq); err != nil {
			return err
		}
	}
	return nil
}

// newAssistUnits answers the units of the assists the dispatch act named.
func newAssistUnits(c *pingan.Case, act *pingan.Action) []string {
	var out []string
	for _, as := range c.Assists {
		if as.Seq == act.Seq && as.State == pingan.AssistDispatched {
			out = append(out, as.Unit)
		}
	}
	return out
}

// FindAssists answers the cases that the actor's own unit assists now (协办,
// not withdrawn), newest dispatch first, with personal data masked and
// each case's Assists holding only that unit's assist; at most limit
// (DefaultLimit when 0, MaxLimit at most).
func (s *Cases) FindAssists(ctx context.Context, actor *pingan.User, limit int) ([]*pingan.Case, error) {
	if actor == nil {
		return nil, errNoActor()
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	path := ""
	if u, err := s.lookupUnit(ctx, tx, actor.UnitCode); err != nil {
		return nil, err
	} else if u != nil {
		path = u.Path
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+qualified("cases", caseColumns)+`, a.state, a.dispatched_at, a.signed_at,
		a.reported_at, a.result, a.dispatch_seq
		FROM case_assists a JOIN cases ON cases.region = a.region AND cases.id = a.case_id
		WHERE a.unit_path = $1 AND a.state IN ('dispatched', 'signed', 'reported')
		ORDER BY a.dispatched_at DESC, cases.id DESC LIMIT $2`, path, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Case
	for rows.Next() {
		var as pingan.Assist
		var dispatched, signed, reported stamp
		sc, err := scanCase(assistRow{rows, []any{&as.State, &dispatched, &signed, &reported, &as.Result, &as.Seq}})
		if err != nil {
			return nil, err
		}
		as.Unit, as.UnitPath = actor.UnitCode, path
		as.DispatchedAt, as.SignedAt, as.ReportedAt = dispatched.T, signed.ptr(), reported.ptr()
		sc.Assists = []pingan.Assist{as}
		if err := s.open(sc, true); err != nil {
			return nil, err
		}
		out = append(out, sc.Case)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// assistRow scans the case's columns and then the assist's.
type assistRow struct {
	rows *sql.Rows
	more []any
}

func (r assistRow) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.more...)...) }

// qualified answers the comma-separated columns cols prefixed with table.
func qualified(table, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = table + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// assistUnits looks up the assisting units of a dispatch in order: nil for
// a code unknown or outside the actor's jurisdiction (the same check as the
// handling unit's), which workflow answers naming assist_units.
func (h *handle) assistUnits(ctx context.Context, tx *sql.Tx, actor *pingan.User, codes []string) ([]*pingan.Unit, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	out := make([]*pingan.Unit, len(codes))
	for i, code := range codes {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		u, err := unitByCode(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		if u != nil && (actor == nil || actor.Sees(u.Path)) {
			out[i] = u
		}
	}
	return out, nil
}
