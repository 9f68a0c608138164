package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Assessment schemes (考核方案, assess.go, migration 0025). A scheme row
// holds its current version whole as JSON (body) beside the columns that
// find it (unit, year, level); every version it had is a row of
// assess_scheme_versions. Editing a scheme that a published period used
// (assess_periods.version is the current one) saves a new version; editing
// one nothing published used overwrites the current version in place.

// Schemes keeps the assessment schemes (pingan.SchemeService).
type Schemes struct{ *handle }

var _ pingan.SchemeService = (*Schemes)(nil)

// schemeRow is a scheme as read, with the path of its unit.
type schemeRow struct {
	*pingan.Scheme
	path string
}

const schemeColumns = `s.id, s.unit_code, s.unit_path, s.year, s.level, s.name, s.version, s.body, s.updated_by, s.updated_at`

func scanScheme(row interface{ Scan(...any) error }) (*schemeRow, error) {
	var s pingan.Scheme
	var path, body string
	var at stamp
	if err := row.Scan(&s.ID, &s.Unit, &path, &s.Year, &s.Level, &s.Name, &s.Version, &body, &s.UpdatedBy, &at); err != nil {
		return nil, err
	}
	id, unit, year, level, name, version := s.ID, s.Unit, s.Year, s.Level, s.Name, s.Version
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		return nil, err
	}
	s.ID, s.Unit, s.Year, s.Level, s.Name, s.Version, s.UpdatedAt = id, unit, year, level, name, version, at.T
	return &schemeRow{Scheme: &s, path: path}, nil
}

// schemeBody is what the body column keeps of s.
func schemeBody(s *pingan.Scheme) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// errSchemeNotFound is the answer for a scheme that does not exist or
// that the actor may not read.
func errSchemeNotFound(id int64) error {
	return pingan.E(pingan.ENOTFOUND, "assess.scheme.notfound", id)
}

// readsScheme reports whether actor reads a scheme of the unit at path: a
// unit of their jurisdiction, or one on its path up (the county's scheme
// that assesses a township).
func readsScheme(actor *pingan.User, path string) bool {
	return actor != nil && actor.ScopePath != "" &&
		(strings.HasPrefix(path, actor.ScopePath) || strings.HasPrefix(actor.ScopePath, path))
}

// loadScheme answers the scheme id at its current version.
func loadScheme(ctx context.Context, q queryer, id int64) (*schemeRow, error) {
	s, err := scanScheme(q.QueryRowContext(ctx, `SELECT `+schemeColumns+` FROM assess_schemes s WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSchemeNotFound(id)
	}
	return s, err
}

// Schemes answers the schemes actor reads, newest year first; of year
// alone when it is positive.
func (s *Schemes) Schemes(ctx context.Context, actor *pingan.User, year int) ([]*pingan.Scheme, error) {
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	q, args := `SELECT `+schemeColumns+` FROM assess_schemes s`, []any{}
	if year > 0 {
		q, args = q+` WHERE s.year = $1`, append(args, year)
	}
	rows, err := s.read.QueryContext(ctx, q+` ORDER BY s.year DESC, s.unit_path, s.level, s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*pingan.Scheme{}
	for rows.Next() {
		r, err := scanScheme(rows)
		if err != nil {
			return nil, err
		}
		if readsScheme(actor, r.path) {
			out = append(out, r.Scheme)
		}
	}
	return out, rows.Err()
}

// Scheme answers the scheme id at its current version, or at version.
func (s *Schemes) Scheme(ctx context.Context, actor *pingan.User, id int64, version int) (*pingan.Scheme, error) {
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := loadScheme(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !readsScheme(actor, r.path) {
		return nil, errSchemeNotFound(id)
	}
	if version > 0 && version != r.Version {
		sc, err := schemeVersion(ctx, tx, r.Scheme, version)
		if err != nil {
			return nil, err
		}
		return sc, tx.Commit()
	}
	return r.Scheme, tx.Commit()
}

// schemeVersion answers s as it was at version.
func schemeVersion(ctx context.Context, q queryer, s *pingan.Scheme, version int) (*pingan.Scheme, error) {
	var name, body, by string
	var at stamp
	err := q.QueryRowContext(ctx, `SELECT name, body, saved_by, saved_at FROM assess_scheme_versions WHERE scheme_id = $1 AND version = $2`,
		s.ID, version).Scan(&name, &body, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "assess.version.notfound", version)
	} else if err != nil {
		return nil, err
	}
	var out pingan.Scheme
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		return nil, err
	}
	out.ID, out.Unit, out.Year, out.Level, out.Name, out.Version = s.ID, s.Unit, s.Year, s.Level, name, version
	out.UpdatedBy, out.UpdatedAt = by, at.T
	return &out, nil
}

// SaveScheme creates or edits a scheme. An edit keeps the scheme's unit,
// year and level; it saves a new version when a published period used
// the current one.
func (s *Schemes) SaveScheme(ctx context.Context, actor *pingan.User, in *pingan.Scheme) (*pingan.Scheme, error) {
	scope, err := permittedScope(actor, pingan.CapAssess)
	if err != nil {
		return nil, err
	}
	sc := *in
	sc.Indicators = append([]pingan.Indicator(nil), in.Indicators...)
	sc.Grades = append([]pingan.Grade(nil), in.Grades...)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var old *schemeRow
	if sc.ID != 0 {
		if old, err = loadScheme(ctx, tx, sc.ID); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(old.path, actor.ScopePath) {
			return nil, errSchemeNotFound(sc.ID)
		}
		sc.Unit, sc.Year, sc.Level = old.Unit, old.Year, old.Level
	}
	sc.Normalize()
	var v pingan.Invalid
	sc.Check(&v)
	var unit *pingan.Unit
	if sc.Unit != "" {
		if unit, err = unitInScope(ctx, tx, sc.Unit, scope); pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("unit", "unit.notfound", pingan.ShowText(sc.Unit, 40))
		} else if err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	sc.UpdatedBy, sc.UpdatedAt = nameOf(actor), now
	body, err := schemeBody(&sc)
	if err != nil {
		return nil, err
	}
	if old == nil {
		sc.Version = 1
		err = tx.QueryRowContext(ctx, `INSERT INTO assess_schemes (unit_code, unit_path, year, level, name, version, body, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8) RETURNING id`,
			sc.Unit, unit.Path, sc.Year, string(sc.Level), sc.Name, body, sc.UpdatedBy, s.dialect.ts(now)).Scan(&sc.ID)
		if isUnique(err) {
			return nil, errSchemeTwice(&sc)
		} else if err != nil {
			return nil, err
		}
	} else {
		sc.Version = old.Version
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assess_periods WHERE scheme_id = $1 AND version = $2`,
			sc.ID, old.Version).Scan(&used); err != nil {
			return nil, err
		}
		if used > 0 {
			sc.Version++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assess_schemes SET name = $1, version = $2, body = $3, updated_by = $4, updated_at = $5
			WHERE id = $6`, sc.Name, sc.Version, body, sc.UpdatedBy, s.dialect.ts(now), sc.ID); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM assess_scheme_versions WHERE scheme_id = $1 AND version = $2`, sc.ID, sc.Version); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO assess_scheme_versions (scheme_id, version, name, body, saved_by, saved_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, sc.ID, sc.Version, sc.Name, body, sc.UpdatedBy, s.dialect.ts(now)); err != nil {
		return nil, err
	}
	if err := s.auditChange(ctx, tx, actor, auditSchemeSave, configChange{What: strconv.FormatInt(sc.ID, 10), Set: "version " + strconv.Itoa(sc.Version)}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	*in = sc
	return &sc, nil
}

// errSchemeTwice is the answer for a second scheme of a unit, year and
// level, naming level.
func errSchemeTwice(s *pingan.Scheme) error {
	return conflictOn("level", "assess.scheme.twice", s.Year)
}

// conflict answers ECONFLICT naming field with the message of key.
func conflictOn(field, key string, args ...any) error {
	m := pingan.Msg(key, args...)
	return &pingan.Error{Code: pingan.ECONFLICT, Msg: m, Fields: map[string]pingan.Message{field: m}}
}

// nameOf answers how a record names the user who made it.
func nameOf(u *pingan.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}
