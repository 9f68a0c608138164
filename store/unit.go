package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"

	"github.com/pingan-gov/pingan"
)

// Units is the unit tree (单位): pingan.UnitService, and the units' known
// boundaries (area.go).
type Units struct{ *handle }

var _ pingan.UnitService = (*Units)(nil)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

const unitColumns = `code, name, level, COALESCE(parent_code, ''), path, region`

func scanUnit(s scanner) (*pingan.Unit, error) {
	var u pingan.Unit
	if err := s.Scan(&u.Code, &u.Name, &u.Level, &u.ParentCode, &u.Path, &u.Region); err != nil {
		return nil, err
	}
	return &u, nil
}

// orgTypeVersion is the migration that gave units and categories their
// kinds of mediation organisation (org_type).
const orgTypeVersion = 23

// unitOrgColumns are unitColumns and the kind of mediation organisation,
// read by the service's answers (FindUnits, FindUnit): the store's own
// reads of units need no more than unitColumns. On a schema from before
// orgTypeVersion the kind reads as "" (store/intake_files_test.go writes
// with such a schema).
func (h *handle) unitOrgColumns() string {
	if h.orgTyped.Load() {
		return unitColumns + `, org_type`
	}
	return unitColumns + `, ''`
}

func scanOrgUnit(s scanner) (*pingan.Unit, error) {
	var u pingan.Unit
	if err := s.Scan(&u.Code, &u.Name, &u.Level, &u.ParentCode, &u.Path, &u.Region, &u.OrgType); err != nil {
		return nil, err
	}
	return &u, nil
}

// scopeOf answers the LIKE pattern of the actor's jurisdiction.
func scopeOf(actor *pingan.User) (string, error) {
	if actor == nil {
		return "", errNoActor()
	}
	if actor.ScopePath == "" {
		return "", pingan.E(pingan.EFORBIDDEN, "user.scope.none")
	}
	return likePrefix(actor.ScopePath), nil
}

// FindUnits answers the units in the actor's jurisdiction matching f,
// ordered by path (each unit before its children). Limit 0 means all.
func (s *Units) FindUnits(ctx context.Context, actor *pingan.User, f pingan.UnitFilter) ([]*pingan.Unit, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + s.unitOrgColumns() + ` FROM units WHERE ` + unitIn("path", "$1")
	a := args{scope}
	if f.Parent != "" {
		q += " AND parent_code = " + a.add(f.Parent)
	}
	if f.Level != "" {
		q += " AND level = " + a.add(string(f.Level))
	}
	if len(f.Codes) > 0 {
		q += " AND code IN (" + a.list(anySlice(f.Codes)...) + ")"
	}
	q += " ORDER BY path"
	if f.Limit > 0 {
		q += " LIMIT " + a.add(f.Limit)
	}
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Unit
	for rows.Next() {
		u, err := scanOrgUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// queryUnits answers the units a query of unitColumns reads.
func (h *handle) queryUnits(ctx context.Context, q string, args ...any) ([]*pingan.Unit, error) {
	rows, err := h.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FindUnit answers one unit in the actor's jurisdiction.
func (s *Units) FindUnit(ctx context.Context, actor *pingan.User, code string) (*pingan.Unit, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	u, err := scanOrgUnit(s.read.QueryRowContext(ctx, `SELECT `+s.unitOrgColumns()+` FROM units WHERE code = $1 AND `+unitIn("path", "$2"), code, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnitNotFound(code)
	}
	return u, err
}

// SetUnitOrgType makes the unit code a mediation organisation of the kind
// t (调解组织), or no longer one when t is "". Only an administrator whose
// jurisdiction holds the unit may (or nil, the operator and the seeding):
// EFORBIDDEN for anyone else, ENOTFOUND for a unit outside it, EINVALID
// (field org_type) for an unknown kind.
func (s *Units) SetUnitOrgType(ctx context.Context, actor *pingan.User, code string, t pingan.OrgType) error {
	if t != "" && !t.Valid() {
		return pingan.Invalidf("org_type", "unit.org_type.unknown", string(t))
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if actor != nil {
		if err := pingan.Permit(actor, pingan.CapAdminUnits); err != nil {
			return err
		}
		scope, err := scopeOf(actor)
		if err != nil {
			return err
		}
		if _, err := unitInScope(ctx, tx, code, scope); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE units SET org_type = $2 WHERE code = $1`, code, string(t))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errUnitNotFound(code)
	}
	if err := s.auditChange(ctx, tx, actor, auditUnitOrgType, configChange{What: code, Set: string(t)}); err != nil {
		return err
	}
	err = tx.Commit()
	s.units.invalidate()
	return err
}

// unitByCode answers the unit, or nil when there is none.
func unitByCode(ctx context.Context, tx *sql.Tx, code string) (*pingan.Unit, error) {
	u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return u, err
}

// lookupUnit is unitByCode through the cache (see cacheTTL), for intake.
// The answer is the caller's to change.
func (h *handle) lookupUnit(ctx context.Context, tx *sql.Tx, code string) (*pingan.Unit, error) {
	now := h.clock.Now()
	u, gen, ok := h.units.get(code, now)
	if ok {
		return &u, nil
	}
	p, err := unitByCode(ctx, tx, code)
	if err != nil || p == nil {
		return nil, err
	}
	h.units.put(code, *p, gen, now)
	return p, nil
}

// adminUnit answers u itself when it is administrative, else its nearest
// administrative ancestor (the unit a centre or department serves); nil
// when there is none.
func adminUnit(ctx context.Context, tx *sql.Tx, u *pingan.Unit) (*pingan.Unit, error) {
	return adminUnitBy(u, func(code string) (*pingan.Unit, error) { return unitByCode(ctx, tx, code) })
}

// lookupAdminUnit is adminUnit through the cache.
func (h *handle) lookupAdminUnit(ctx context.Context, tx *sql.Tx, u *pingan.Unit) (*pingan.Unit, error) {
	return adminUnitBy(u, func(code string) (*pingan.Unit, error) { return h.lookupUnit(ctx, tx, code) })
}

func adminUnitBy(u *pingan.Unit, unitByCode func(code string) (*pingan.Unit, error)) (*pingan.Unit, error) {
	for u != nil && !u.Level.Administrative() {
		if u.ParentCode == "" {
			return nil, nil
		}
		var err error
		if u, err = unitByCode(u.ParentCode); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// unitCodeRe: letters, digits and hyphens; never a LIKE wildcard or a
// path separator.
var unitCodeRe = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{0,31}$`)

// ImportUnits creates or updates units all together or not at all. Parents
// may come in the same batch, in any order. The path and the region of each
// unit are computed: the region of a province, city or county is its own
// code; of a township, village, centre or department its parent's region.
// Rows are numbered from 1 in the order given ("row 3"). Moving an
// existing unit to another parent or level is refused. See
// ImportUnitsProgress (unitimport.go), which does the work.
func (s *Units) ImportUnits(ctx context.Context, units []*pingan.Unit) (pingan.ImportResult, error) {
	return s.ImportUnitsProgress(ctx, units, nil)
}

// checkParent answers what is wrong with parent as the parent of u, and
// false when nothing is.
func checkParent(u, parent *pingan.Unit) (pingan.Message, bool) {
	if parent == nil {
		return pingan.Message{}, false
	}
	switch {
	case u.Level.Administrative() && !parent.Level.Administrative():
		return pingan.Msg("unit.parent.admin", u.Code, parent.Code, string(parent.Level)), true
	case u.Level.Administrative() && u.Level.Rank() <= parent.Level.Rank():
		return pingan.Msg("unit.parent.level", u.Code, string(u.Level), parent.Code, string(parent.Level)), true
	case u.Level == pingan.LevelCentre && !parent.Level.Administrative():
		return pingan.Msg("unit.parent.centre", u.Code, parent.Code, string(parent.Level)), true
	}
	return pingan.Message{}, false
}

// rowError is the answer to an import that stops at one bad row.
func rowError(row string, m pingan.Message) error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("unit.import.failed", row),
		Fields: map[string]pingan.Message{row: m}}
}
