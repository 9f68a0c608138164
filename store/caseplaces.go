package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pingan-gov/pingan"
)

// CaseUnits answers the units a case names — where it happened, who holds
// it, to whom it is assigned, every unit of its timeline — and the centres
// (综治中心) serving them, for a reader whose jurisdiction holds the case:
// the case page shows them by name, also those above or beside the reader's
// own subtree (a department reads the community it works for; a handler
// reads the centre it returned a case to). Names of units are not secret;
// this answers only units of a case the reader sees. ENOTFOUND outside the
// reader's jurisdiction.
func (s *Cases) CaseUnits(ctx context.Context, actor *pingan.User, id string) ([]*pingan.Unit, error) {
	tx, sc, err := s.readSeen(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := sc.Case
	codes := map[string]bool{c.Unit: true, c.HoldingUnit: true, c.AssignedUnit: true}
	acts, err := actionsOf(ctx, tx, c.Region, c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		codes[a.FromUnit], codes[a.ToUnit] = true, true
	}
	delete(codes, "")
	var out []*pingan.Unit
	for code := range codes {
		u, err := unitByCode(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		if u != nil {
			out = append(out, u)
		}
	}
	for _, u := range append([]*pingan.Unit(nil), out...) {
		centres, err := tx.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE parent_code = $1 AND level = $2 ORDER BY code`,
			u.Code, string(pingan.LevelCentre))
		if err != nil {
			return nil, err
		}
		for centres.Next() {
			cu, err := scanUnit(centres)
			if err != nil {
				centres.Close()
				return nil, err
			}
			out = append(out, cu)
		}
		centres.Close()
		if err := centres.Err(); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// CaseGrid answers the grid (网格) a case lies in, with its polygon, for a
// reader whose jurisdiction holds the case — also a department whose
// subtree does not hold the grid. ENOTFOUND outside the reader's
// jurisdiction or when the case has no grid.
func (s *Cases) CaseGrid(ctx context.Context, actor *pingan.User, id string) (*pingan.Grid, error) {
	tx, sc, err := s.readSeen(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if sc.Case.Grid == "" {
		return nil, pingan.E(pingan.ENOTFOUND, "grid.notfound", "")
	}
	g, err := scanGrid(tx.QueryRowContext(ctx, `SELECT `+gridColumns+gridFrom+` WHERE g.code = $1`, sc.Case.Grid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "grid.notfound", sc.Case.Grid)
	} else if err != nil {
		return nil, err
	}
	return g, tx.Commit()
}
