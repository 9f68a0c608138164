package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Categories is the case categories (事项分类) with their deadline
// policies: pingan.CategoryService.
type Categories struct{ *handle }

var _ pingan.CategoryService = (*Categories)(nil)

const categoryColumns = `code, kind, name, parent, sign_n, sign_unit, resolve_n, resolve_unit`

// categorySelect answers the columns a read of categories selects:
// categoryColumns and org_type, or ” for it on a schema from before
// orgTypeVersion.
func (h *handle) categorySelect() string {
	if h.orgTyped.Load() {
		return categoryColumns + `, org_type`
	}
	return categoryColumns + `, ''`
}

func scanCategory(s scanner) (*pingan.Category, error) {
	var c pingan.Category
	err := s.Scan(&c.Code, &c.Kind, &c.Name, &c.Parent,
		&c.Policy.Sign.N, &c.Policy.Sign.Unit, &c.Policy.Resolve.N, &c.Policy.Resolve.Unit, &c.OrgType)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Categories answers every category, ordered by code.
func (s *Categories) Categories(ctx context.Context) ([]*pingan.Category, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+s.categorySelect()+` FROM categories ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

var categoryCodeRe = regexp.MustCompile(`^[0-9A-Za-z]{1,16}$`)

// SaveCategory creates or updates a category (with the kind of mediation
// organisation its disputes go to by default, OrgType). The categories and their
// deadline policies hold for every unit: only an administrator of the whole
// tree (or nil, the command line and the seeding) changes them, anyone else
// gets EFORBIDDEN. EINVALID names the field: a bad code, kind or name, a
// period that cannot be counted, a parent that does not exist or is of
// another kind, an unknown OrgType or one on a category not of disputes.
func (s *Categories) SaveCategory(ctx context.Context, actor *pingan.User, c *pingan.Category) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := mayChangeWholeTree(ctx, tx, actor, pingan.E(pingan.EFORBIDDEN, "category.forbidden")); err != nil {
		return err
	}
	var v pingan.Invalid
	c.Code, c.Name, c.Parent = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name), strings.TrimSpace(c.Parent)
	if !categoryCodeRe.MatchString(c.Code) {
		v.Add("code", "category.code.bad")
	}
	if !c.Kind.Valid() {
		v.Add("kind", "category.kind.unknown", string(c.Kind))
	}
	v.Require("name", c.Name)
	if !c.Policy.Sign.Valid() {
		v.Add("policy.sign", "category.sign.bad")
	}
	if !c.Policy.Resolve.Valid() {
		v.Add("policy.resolve", "category.resolve.bad")
	}
	if c.Parent == c.Code && c.Code != "" {
		v.Add("parent", "category.parent.self")
	}
	switch {
	case c.OrgType != "" && !c.OrgType.Valid():
		v.Add("org_type", "unit.org_type.unknown", string(c.OrgType))
	case c.OrgType != "" && c.Kind != pingan.KindDispute:
		v.Add("org_type", "category.org_type.dispute")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if c.Parent != "" {
		p, err := categoryByCode(ctx, tx, c.Parent)
		if err != nil {
			return err
		}
		if p == nil {
			v.Add("parent", "category.unknown", c.Parent)
		} else if p.Kind != c.Kind {
			v.Add("parent", "category.parent.kind", string(p.Kind))
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO categories (`+categoryColumns+`, org_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name = excluded.name, parent = excluded.parent,
			sign_n = excluded.sign_n, sign_unit = excluded.sign_unit, resolve_n = excluded.resolve_n, resolve_unit = excluded.resolve_unit,
			org_type = excluded.org_type`,
		c.Code, string(c.Kind), c.Name, c.Parent, c.Policy.Sign.N, c.Policy.Sign.Unit, c.Policy.Resolve.N, c.Policy.Resolve.Unit, string(c.OrgType))
	if err != nil {
		return err
	}
	if err := s.auditChange(ctx, tx, actor, auditCategorySave, configChange{What: c.Code}); err != nil {
		return err
	}
	err = tx.Commit()
	s.categories.invalidate()
	return err
}

// categoryByCode answers the category, or nil when there is none; its
// OrgType is not read (Categories reads it).
func categoryByCode(ctx context.Context, tx *sql.Tx, code string) (*pingan.Category, error) {
	c, err := scanCategory(tx.QueryRowContext(ctx, `SELECT `+categoryColumns+`, '' FROM categories WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

// lookupCategory is categoryByCode through the cache (see cacheTTL), for
// intake. The answer is the caller's to change.
func (h *handle) lookupCategory(ctx context.Context, tx *sql.Tx, code string) (*pingan.Category, error) {
	now := h.clock.Now()
	c, gen, ok := h.categories.get(code, now)
	if ok {
		return &c, nil
	}
	p, err := categoryByCode(ctx, tx, code)
	if err != nil || p == nil {
		return nil, err
	}
	h.categories.put(code, *p, gen, now)
	return p, nil
}
