package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pingan-gov/pingan"
)

var _ pingan.UnitService = (*DB)(nil)

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

// scopeOf answers the LIKE pattern of the actor's jurisdiction.
func scopeOf(actor *pingan.User) (string, error) {
	if actor == nil {
		return "", errNoActor()
	}
	if actor.ScopePath == "" {
		return "", pingan.Errorf(pingan.EFORBIDDEN, "账户没有辖区 (the account has no jurisdiction)")
	}
	return likePrefix(actor.ScopePath), nil
}

// FindUnits answers the units in the actor's jurisdiction matching f,
// ordered by path (each unit before its children). Limit 0 means all.
func (db *DB) FindUnits(ctx context.Context, actor *pingan.User, f pingan.UnitFilter) ([]*pingan.Unit, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + unitColumns + ` FROM units WHERE path LIKE $1 ESCAPE '\'`
	args := []any{scope}
	if f.Parent != "" {
		args = append(args, f.Parent)
		q += fmt.Sprintf(" AND parent_code = $%d", len(args))
	}
	if f.Level != "" {
		args = append(args, string(f.Level))
		q += fmt.Sprintf(" AND level = $%d", len(args))
	}
	q += " ORDER BY path"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
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
func (db *DB) FindUnit(ctx context.Context, actor *pingan.User, code string) (*pingan.Unit, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	u, err := scanUnit(db.read.QueryRowContext(ctx,
		`SELECT `+unitColumns+` FROM units WHERE code = $1 AND path LIKE $2 ESCAPE '\'`, code, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnitNotFound(code)
	}
	return u, err
}

// unitByCode answers the unit, or nil when there is none.
func unitByCode(ctx context.Context, tx *sql.Tx, code string) (*pingan.Unit, error) {
	u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return u, err
}

// adminUnit answers u itself when it is administrative, else its nearest
// administrative ancestor (the unit a centre or department serves); nil
// when there is none.
func adminUnit(ctx context.Context, tx *sql.Tx, u *pingan.Unit) (*pingan.Unit, error) {
	for u != nil && !u.Level.Administrative() {
		if u.ParentCode == "" {
			return nil, nil
		}
		var err error
		if u, err = unitByCode(ctx, tx, u.ParentCode); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// adminParent answers the administrative unit above the one that code
// serves: the target of an escalation (上报上级); nil at the top.
func adminParent(ctx context.Context, tx *sql.Tx, code string) (*pingan.Unit, error) {
	u, err := unitByCode(ctx, tx, code)
	if err != nil || u == nil {
		return nil, err
	}
	if u, err = adminUnit(ctx, tx, u); err != nil || u == nil || u.ParentCode == "" {
		return nil, err
	}
	p, err := unitByCode(ctx, tx, u.ParentCode)
	if err != nil || p == nil {
		return nil, err
	}
	return adminUnit(ctx, tx, p)
}

// unitCodeRe: letters, digits and hyphens; never a LIKE wildcard or a
// path separator.
var unitCodeRe = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{0,31}$`)

// ImportUnits creates or updates units all together or not at all. Parents
// may come in the same batch, in any order. The path and the region of each
// unit are computed: the region of a province, city or county is its own
// code; of a township, village, centre or department its parent's region.
// Rows are numbered from 1 in the order given ("row 3"). Moving an
// existing unit to another parent or level is refused.
func (db *DB) ImportUnits(ctx context.Context, units []*pingan.Unit) (pingan.ImportResult, error) {
	var res pingan.ImportResult
	var v pingan.Invalid
	row := func(i int) string { return fmt.Sprintf("row %d", i+1) }
	index := map[string]int{}
	in := make([]pingan.Unit, len(units))
	for i, p := range units {
		if p == nil {
			v.Add(row(i), "空行 (empty row)")
			continue
		}
		u := pingan.Unit{Code: strings.TrimSpace(p.Code), Name: strings.TrimSpace(p.Name),
			Level: pingan.Level(strings.TrimSpace(string(p.Level))), ParentCode: strings.TrimSpace(p.ParentCode)}
		in[i] = u
		switch {
		case !unitCodeRe.MatchString(u.Code):
			v.Add(row(i), fmt.Sprintf("单位代码无效，应为字母、数字或连字符 (bad unit code) %q", u.Code))
		case u.Name == "":
			v.Add(row(i), "单位名称必填 (name required) "+u.Code)
		case !u.Level.Valid():
			v.Add(row(i), fmt.Sprintf("未知层级 (unknown level) %q；可选 province, city, county, township, village, centre, department", u.Level))
		case u.ParentCode == u.Code:
			v.Add(row(i), "上级单位不能是自己 (a unit cannot be its own parent) "+u.Code)
		case u.ParentCode == "" && !u.Level.Administrative():
			v.Add(row(i), "综治中心和部门须有上级单位 (a centre or department needs a parent) "+u.Code)
		}
		if j, dup := index[u.Code]; dup && u.Code != "" {
			v.Add(row(i), fmt.Sprintf("单位代码与第 %d 行重复 (duplicate of row %d) %s", j+1, j+1, u.Code))
		} else {
			index[u.Code] = i
		}
	}
	if err := v.Err(); err != nil {
		return res, err
	}

	tx, err := db.beginWrite(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()

	// Resolve each row's path and region, parents first, looking parents up
	// in the batch or in the database.
	const (
		todo = iota
		busy
		done
	)
	state := make([]int, len(in))
	existing := make([]*pingan.Unit, len(in))
	var resolve func(i int) (*pingan.Unit, error)
	resolve = func(i int) (*pingan.Unit, error) {
		u := &in[i]
		switch state[i] {
		case done:
			return u, nil
		case busy:
			return nil, rowError(row(i), "上级单位形成循环 (the parents form a cycle) "+u.Code)
		}
		state[i] = busy
		old, err := unitByCode(ctx, tx, u.Code)
		if err != nil {
			return nil, err
		}
		existing[i] = old
		var parent *pingan.Unit
		if u.ParentCode != "" {
			if j, ok := index[u.ParentCode]; ok {
				if parent, err = resolve(j); err != nil {
					return nil, err
				}
			} else if parent, err = unitByCode(ctx, tx, u.ParentCode); err != nil {
				return nil, err
			} else if parent == nil {
				return nil, rowError(row(i), "上级单位不存在 (parent not found) "+u.ParentCode)
			}
		}
		if msg := checkParent(u, parent); msg != "" {
			return nil, rowError(row(i), msg)
		}
		u.Path, u.Region = "/"+u.Code+"/", u.Code
		if parent != nil {
			u.Path = parent.Path + u.Code + "/"
			if u.Level != pingan.LevelProvince && u.Level != pingan.LevelCity && u.Level != pingan.LevelCounty {
				u.Region = parent.Region
			}
		}
		if old != nil && (old.ParentCode != u.ParentCode || old.Level != u.Level) {
			return nil, rowError(row(i), fmt.Sprintf("不支持变更已有单位的上级或层级 (moving an existing unit is not supported) %s: %s/%s → %s/%s",
				u.Code, old.ParentCode, old.Level, u.ParentCode, u.Level))
		}
		state[i] = done
		return u, nil
	}
	for i := range in {
		if _, err := resolve(i); err != nil {
			return res, err
		}
	}

	// Write parents before children.
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return strings.Count(in[order[a]].Path, "/") < strings.Count(in[order[b]].Path, "/")
	})
	for _, i := range order {
		u, old := &in[i], existing[i]
		switch {
		case old == nil:
			if err := insertUnit(ctx, tx, u); err != nil {
				return res, err
			}
			res.Created++
		case old.Name != u.Name:
			if _, err := tx.ExecContext(ctx, `UPDATE units SET name = $2 WHERE code = $1`, u.Code, u.Name); err != nil {
				return res, err
			}
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	return res, tx.Commit()
}

// checkParent answers what is wrong with parent as the parent of u, or "".
func checkParent(u, parent *pingan.Unit) string {
	if parent == nil {
		return ""
	}
	switch {
	case u.Level.Administrative() && !parent.Level.Administrative():
		return fmt.Sprintf("行政单位的上级须为行政单位 (an administrative unit needs an administrative parent) %s ← %s (%s)", u.Code, parent.Code, parent.Level)
	case u.Level.Administrative() && u.Level.Rank() <= parent.Level.Rank():
		return fmt.Sprintf("层级须低于上级 (the level must be below the parent's) %s (%s) ← %s (%s)", u.Code, u.Level, parent.Code, parent.Level)
	case u.Level == pingan.LevelCentre && !parent.Level.Administrative():
		return fmt.Sprintf("综治中心的上级须为行政单位 (a centre serves an administrative unit) %s ← %s (%s)", u.Code, parent.Code, parent.Level)
	}
	return ""
}

func rowError(row, msg string) error {
	return &pingan.Error{Code: pingan.EINVALID, Message: "导入失败，未做任何更改 (import failed; nothing was changed): " + row,
		Fields: map[string]string{row: msg}}
}

func insertUnit(ctx context.Context, tx *sql.Tx, u *pingan.Unit) error {
	var parent any
	if u.ParentCode != "" {
		parent = u.ParentCode
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO units (code, name, level, parent_code, path, region) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.Code, u.Name, string(u.Level), parent, u.Path, u.Region)
	return err
}
