package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Sites is the register of key sites (重点场所/重点单位) and their
// inspections: pingan.SiteService (migration 0030, docs/sites.md). A site
// lies in a grid and answers to a department; a user sees it when the
// grid's unit or the department lies in their jurisdiction, and anything
// else answers not_found. Every change writes the row, the counters
// (site_tallies: per node = the department and each unit above it, and
// month) and an audit row in one transaction. The contact is sealed; it
// is read whole only by RevealContact, which audits the read.
type Sites struct{ *handle }

var _ pingan.SiteService = (*Sites)(nil)

// Audit actions of the register; the detail is {"site": id, …} in JSON.
const (
	auditSiteAdd     = "site_add"
	auditSiteUpdate  = "site_update"
	auditSiteContact = "site_contact_read" // a reveal of the sealed contact
	auditSiteImport  = "site_import"
	auditInspection  = "inspection"
	auditSiteTypeSet = "site_type_save"
)

func errSiteNotFound(id int64) error { return pingan.E(pingan.ENOTFOUND, "site.notfound", id) }

// siteIn is the condition that the site (table alias s) lies in the
// jurisdiction whose LIKE pattern is the parameter p: its grid's unit or
// its department is there.
func siteIn(p string) string {
	return `(` + unitIn("s.unit_path", p) + ` OR ` + unitIn("s.dept_path", p) + `)`
}

const siteColumns = `s.id, s.region, s.code, s.name, s.type, COALESCE(st.name, s.type), s.level, s.grid, COALESCE(g.name, ''),
	s.unit_code, s.unit_path, COALESCE(u.name, ''), s.lat, s.lng, s.address, s.department, s.dept_path, COALESCE(d.name, ''),
	s.contact_sealed, s.next_due, s.overdue, s.last_inspected, s.inspections, s.active, s.created_at, s.updated_at, s.version`

const siteFrom = ` FROM sites s LEFT JOIN site_types st ON st.code = s.type LEFT JOIN grids g ON g.code = s.grid
	LEFT JOIN units u ON u.code = s.unit_code LEFT JOIN units d ON d.code = s.department`

// scanSite scans a row of siteColumns, and the sealed contact beside it.
func scanSite(sc scanner) (*pingan.Site, []byte, error) {
	var s pingan.Site
	var sealed []byte
	var created, updated stamp
	err := sc.Scan(&s.ID, &s.Region, &s.Code, &s.Name, &s.Type, &s.TypeName, &s.Level, &s.Grid, &s.GridName,
		&s.Unit, &s.Path, &s.UnitName, &s.Lat, &s.Lng, &s.Address, &s.Department, &s.DeptPath, &s.DepartmentName,
		&sealed, &s.NextDue, &s.Overdue, &s.LastInspected, &s.Inspections, &s.Active, &created, &updated, &s.Version)
	if err != nil {
		return nil, nil, err
	}
	s.CreatedAt, s.UpdatedAt = created.T, updated.T
	return &s, sealed, nil
}

// openContact opens the sealed contact into s, masked unless whole.
func (h *handle) openContact(s *pingan.Site, sealed []byte, whole bool) error {
	s.Contact, s.ContactMasked = nil, false
	if len(sealed) == 0 {
		return nil
	}
	b, err := h.sealer.Open(sealed)
	if err != nil {
		return err
	}
	var c pingan.SiteContact
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	if !whole {
		c, s.ContactMasked = c.Masked(), true
	}
	s.Contact = &c
	return nil
}

// loadSite answers the site with id in the jurisdiction scope (any when
// scope is ""), locked for update when lock; ENOTFOUND otherwise.
func (h *handle) loadSite(ctx context.Context, tx *sql.Tx, scope string, id int64, lock bool) (*pingan.Site, []byte, error) {
	a := args{id}
	q := `SELECT ` + siteColumns + siteFrom + ` WHERE s.id = $1`
	if scope != "" {
		q += ` AND ` + siteIn(a.add(scope))
	}
	if lock {
		// Lock the site row alone: PostgreSQL refuses FOR UPDATE on the
		// nullable side of an outer join.
		if _, err := tx.ExecContext(ctx, `SELECT id FROM sites WHERE id = $1`+h.dialect.forUpdate(), id); err != nil {
			return nil, nil, err
		}
	}
	s, sealed, err := scanSite(tx.QueryRowContext(ctx, q, a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errSiteNotFound(id)
	}
	return s, sealed, err
}

// siteTally is a change of the counters of one month.
type siteTally struct {
	month                              string // YYYY-MM
	due, done, onTime, overdue, failed int
}

// dayMonth answers the month (YYYY-MM) of a day (YYYY-MM-DD).
func dayMonth(day string) string {
	if len(day) >= 7 {
		return day[:7]
	}
	return day
}

// addSiteTallies adds the changes to the counters of the department of
// path and each unit above it.
func (h *handle) addSiteTallies(ctx context.Context, tx *sql.Tx, path string, ts ...siteTally) error {
	for _, node := range strings.Split(strings.Trim(path, "/"), "/") {
		for _, t := range ts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO site_tallies (node, month, due, done, on_time, overdue, failed)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (node, month) DO UPDATE SET due = site_tallies.due + excluded.due, done = site_tallies.done + excluded.done,
				on_time = site_tallies.on_time + excluded.on_time, overdue = site_tallies.overdue + excluded.overdue,
				failed = site_tallies.failed + excluded.failed`,
				node, t.month, t.due, t.done, t.onTime, t.overdue, t.failed); err != nil {
				return err
			}
		}
	}
	return nil
}

// siteTypes answers the types with their schedules and checklists.
func siteTypes(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]*pingan.SiteType, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, name, seq, active FROM site_types ORDER BY seq, code`)
	if err != nil {
		return nil, err
	}
	var out []*pingan.SiteType
	by := map[string]*pingan.SiteType{}
	for rows.Next() {
		t := &pingan.SiteType{}
		if err := rows.Scan(&t.Code, &t.Name, &t.Seq, &t.Active); err != nil {
			rows.Close()
			return nil, err
		}
		t.Leveled = pingan.SiteTypeLeveled(t.Code)
		out = append(out, t)
		by[t.Code] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT type, level, months, days FROM site_schedules ORDER BY type, level`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ string
		var s pingan.SiteSchedule
		if err := rows.Scan(&typ, &s.Level, &s.Months, &s.Days); err != nil {
			rows.Close()
			return nil, err
		}
		if t := by[typ]; t != nil {
			t.Schedules = append(t.Schedules, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT type, seq, text, category FROM site_checklist ORDER BY type, seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var typ string
		var it pingan.ChecklistItem
		if err := rows.Scan(&typ, &it.Seq, &it.Text, &it.Category); err != nil {
			return nil, err
		}
		if t := by[typ]; t != nil {
			t.Checklist = append(t.Checklist, it)
		}
	}
	return out, rows.Err()
}

// siteType answers the type with the code, or nil.
func siteType(ctx context.Context, tx *sql.Tx, code string) (*pingan.SiteType, error) {
	ts, err := siteTypes(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Code == code {
			return t, nil
		}
	}
	return nil, nil
}

// SiteTypes answers the types with their schedules and checklists.
func (s *Sites) SiteTypes(ctx context.Context) ([]*pingan.SiteType, error) {
	return siteTypes(ctx, s.read)
}

// SaveSiteType changes a type's name, schedules and checklist, or adds a
// type, in one transaction.
func (s *Sites) SaveSiteType(ctx context.Context, actor *pingan.User, t *pingan.SiteType) error {
	if err := pingan.Permit(actor, pingan.CapSitesEdit); err != nil {
		return err
	}
	if !actor.Has(pingan.RoleAdmin) && !actor.Has(pingan.RoleDispatcher) {
		return pingan.E(pingan.EFORBIDDEN, "site.type.forbidden")
	}
	if t == nil {
		return pingan.E(pingan.EINVALID, "site.none")
	}
	t.Leveled = pingan.SiteTypeLeveled(strings.TrimSpace(t.Code))
	var v pingan.Invalid
	t.Validate(&v)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := siteType(ctx, tx, t.Code)
	if err != nil {
		return err
	}
	if old == nil && len(t.Schedules) == 0 {
		v.Add("schedules", "field.required") // a new type needs its cadence
	}
	for i, it := range t.Checklist {
		if it.Category == "" {
			continue
		}
		cat, err := s.lookupCategory(ctx, tx, it.Category)
		if pingan.ErrorCode(err) == pingan.EINVALID || pingan.ErrorCode(err) == pingan.ENOTFOUND || (err == nil && (cat == nil || cat.Kind != pingan.KindHazard)) {
			v.Add("checklist["+strconv.Itoa(i)+"].category", "site.category.bad", it.Category)
		} else if err != nil {
			return err
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO site_types (code, name, seq, active) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, seq = excluded.seq, active = excluded.active`,
		t.Code, t.Name, t.Seq, t.Active); err != nil {
		return err
	}
	if len(t.Schedules) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM site_schedules WHERE type = $1`, t.Code); err != nil {
			return err
		}
		for _, sc := range t.Schedules {
			if _, err := tx.ExecContext(ctx, `INSERT INTO site_schedules (type, level, months, days) VALUES ($1, $2, $3, $4)
				ON CONFLICT (type, level) DO UPDATE SET months = excluded.months, days = excluded.days`,
				t.Code, sc.Level, sc.Months, sc.Days); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM site_checklist WHERE type = $1`, t.Code); err != nil {
		return err
	}
	for _, it := range t.Checklist {
		cat := it.Category
		if cat == "" {
			cat = defaultHazardCategory
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_checklist (type, seq, text, category) VALUES ($1, $2, $3, $4)`,
			t.Code, it.Seq, it.Text, cat); err != nil {
			return err
		}
	}
	b, _ := json.Marshal(map[string]any{"type": t.Code, "items": len(t.Checklist)})
	if err := s.audit(ctx, tx, actor, auditSiteTypeSet, "", "", string(b)); err != nil {
		return err
	}
	return tx.Commit()
}

// defaultHazardCategory is the category a failed item files when its
// checklist names none (消防安全隐患).
const defaultHazardCategory = "AQ01"

// checkedSite is a site that passed its checks, with where it goes.
type checkedSite struct {
	in   *pingan.NewSite
	typ  *pingan.SiteType
	grid *gridPlace
	dept *pingan.Unit
}

// checkSite checks in for actor in tx, into v under the prefix (""; or
// "rows[N]." for an import), and answers where it goes; nil with v
// filled when something is wrong.
func (h *handle) checkSite(ctx context.Context, tx *sql.Tx, actor *pingan.User, scope string, in *pingan.NewSite,
	v *pingan.Invalid, prefix string) (*checkedSite, error) {
	var own pingan.Invalid
	in.Normalize()
	in.Validate(&own)
	out := &checkedSite{in: in}
	if in.Type != "" {
		t, err := siteType(ctx, tx, in.Type)
		if err != nil {
			return nil, err
		}
		if t == nil || !t.Active {
			own.Add("type", "site.type.unknown", in.Type)
		}
		out.typ = t
	}
	if in.Department != "" {
		d, err := unitInScope(ctx, tx, in.Department, scope)
		switch {
		case pingan.ErrorCode(err) == pingan.ENOTFOUND:
			own.Add("department", "site.department.outside", in.Department)
		case err != nil:
			return nil, err
		case d.Level != pingan.LevelDepartment:
			own.Add("department", "site.department.level", in.Department)
		}
		out.dept = d
	}
	if in.Location.Valid() && !own.Has("location") {
		covering := h.territoryNow(ctx).grids.Covering(in.Location.Lat, in.Location.Lng)
		code := in.Grid
		if code == "" && len(covering) > 0 {
			code = covering[0]
		}
		switch {
		case code == "":
			own.Add("location", "site.location.nogrid")
		case !slices.Contains(covering, code):
			own.Add("location", "site.location.outside", code)
		default:
			g, err := h.gridWithUnit(ctx, tx, code)
			if err != nil {
				return nil, err
			}
			if g == nil || !actor.Sees(g.unit.Path) {
				own.Add("grid", "site.grid.unknown", code)
			}
			out.grid = g
		}
	}
	if err := own.Err(); err != nil {
		var pe *pingan.Error
		errors.As(err, &pe)
		for k, m := range pe.Fields {
			v.Add(prefix+k, m.Key, m.Args...)
		}
		return nil, nil
	}
	return out, nil
}

// siteClash answers a conflict naming name (or code) when another site
// than id holds the name in the grid (or the code).
func siteClash(ctx context.Context, tx *sql.Tx, id int64, c *checkedSite, prefix string) error {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM sites WHERE grid = $1 AND name = $2 AND id <> $3`, c.grid.code, c.in.Name, id).Scan(&other)
	if err == nil {
		return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("site.name.taken", c.in.Name),
			Fields: map[string]pingan.Message{prefix + "name": pingan.Msg("site.name.taken", c.in.Name)}}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if c.in.Code == "" {
		return nil
	}
	err = tx.QueryRowContext(ctx, `SELECT id FROM sites WHERE code = $1 AND id <> $2`, c.in.Code, id).Scan(&other)
	if err == nil {
		return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("site.code.taken", c.in.Code),
			Fields: map[string]pingan.Message{prefix + "code": pingan.Msg("site.code.taken", c.in.Code)}}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// insertSite writes the checked site, its first due and the audit row.
func (h *handle) insertSite(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *checkedSite, now time.Time) (int64, error) {
	in := c.in
	var sealed []byte
	if in.Contact != nil {
		var err error
		if sealed, err = h.sealJSON(in.Contact); err != nil {
			return 0, err
		}
	}
	due := in.NextDue
	if due == "" {
		due = pingan.Day(now)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO sites (region, code, name, type, level, grid, unit_code, unit_path, lat, lng, address,
		department, dept_path, contact_sealed, next_due, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
		c.grid.unit.Region, in.Code, in.Name, in.Type, in.Level, c.grid.code, c.grid.unit.Code, c.grid.unit.Path,
		in.Location.Lat, in.Location.Lng, in.Address, c.dept.Code, c.dept.Path, nilIfEmpty(sealed), due, actor.ID, h.dialect.ts(now)).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := h.addSiteTallies(ctx, tx, c.dept.Path, siteTally{month: dayMonth(due), due: 1}); err != nil {
		return 0, err
	}
	b, _ := json.Marshal(map[string]any{"site": id, "name": in.Name, "type": in.Type})
	return id, h.audit(ctx, tx, actor, auditSiteAdd, c.grid.unit.Region, "", string(b))
}

// updateSite writes the checked site over old: the row, the move of its
// pending due between departments or out of the count (retired), and the
// audit row.
func (h *handle) updateSite(ctx context.Context, tx *sql.Tx, actor *pingan.User, old *pingan.Site, c *checkedSite, now time.Time) error {
	in := c.in
	active := old.Active
	if in.Active != nil {
		active = *in.Active
	}
	nextDue, overdue := old.NextDue, old.Overdue
	// The pending due (not yet inspected) counts under the department of
	// an active site: move it when the department changes, drop it when
	// the site is retired, count a new one (today) when it comes back.
	var moves []func() error
	pending := func(path, month string, n int, od bool) func() error {
		t := siteTally{month: month, due: n}
		if od {
			t.overdue = n
		}
		return func() error { return h.addSiteTallies(ctx, tx, path, t) }
	}
	switch {
	case old.Active && !active:
		if !old.Overdue {
			moves = append(moves, pending(old.DeptPath, dayMonth(old.NextDue), -1, false))
		}
	case !old.Active && active:
		nextDue, overdue = pingan.Day(now), false
		moves = append(moves, pending(c.dept.Path, dayMonth(nextDue), 1, false))
	case active && c.dept.Code != old.Department:
		moves = append(moves, pending(old.DeptPath, dayMonth(old.NextDue), -1, old.Overdue),
			pending(c.dept.Path, dayMonth(old.NextDue), 1, old.Overdue))
	}
	set := `code = $2, name = $3, type = $4, level = $5, grid = $6, unit_code = $7, unit_path = $8, region = $9, lat = $10, lng = $11,
		address = $12, department = $13, dept_path = $14, active = $15, next_due = $16, overdue = $17, updated_at = $18, version = version + 1`
	a := args{old.ID, in.Code, in.Name, in.Type, in.Level, c.grid.code, c.grid.unit.Code, c.grid.unit.Path, c.grid.unit.Region,
		in.Location.Lat, in.Location.Lng, in.Address, c.dept.Code, c.dept.Path, active, nextDue, overdue, h.dialect.ts(now)}
	if in.Contact != nil {
		sealed, err := h.sealJSON(in.Contact)
		if err != nil {
			return err
		}
		set += `, contact_sealed = ` + a.add(sealed)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sites SET `+set+` WHERE id = $1`, a...); err != nil {
		return err
	}
	// A site moved to another unit takes its sensors and their alarms with
	// it (monitor.go): the new unit sees and configures them, its keys send
	// their readings, their alarms go to it. The counters already kept stay
	// where they were counted.
	if c.grid.unit.Path != old.Path {
		if _, err := tx.ExecContext(ctx, `UPDATE sensors SET unit_code = $2, unit_path = $3 WHERE site_id = $1`,
			old.ID, c.grid.unit.Code, c.grid.unit.Path); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alarms SET unit_path = $2, region = $3 WHERE site_id = $1`,
			old.ID, c.grid.unit.Path, c.grid.unit.Region); err != nil {
			return err
		}
	}
	for _, m := range moves {
		if err := m(); err != nil {
			return err
		}
	}
	b, _ := json.Marshal(map[string]any{"site": old.ID, "name": in.Name, "active": active})
	return h.audit(ctx, tx, actor, auditSiteUpdate, c.grid.unit.Region, "", string(b))
}

// AddSite adds a site in one transaction.
func (s *Sites) AddSite(ctx context.Context, actor *pingan.User, in *pingan.NewSite) (*pingan.Site, error) {
	if err := pingan.Permit(actor, pingan.CapSitesEdit); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "site.none")
	}
	ns := *in
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var v pingan.Invalid
	c, err := s.checkSite(ctx, tx, actor, scope, &ns, &v, "")
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := siteClash(ctx, tx, 0, c, ""); err != nil {
		return nil, err
	}
	id, err := s.insertSite(ctx, tx, actor, c, s.now())
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindSite(ctx, actor, id)
}

// UpdateSite changes a site in one transaction. The next due day stays as
// the last inspection set it; a change of type or level applies from the
// next inspection.
func (s *Sites) UpdateSite(ctx context.Context, actor *pingan.User, id int64, in *pingan.NewSite) (*pingan.Site, error) {
	if err := pingan.Permit(actor, pingan.CapSitesEdit); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "site.none")
	}
	ns := *in
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, _, err := s.loadSite(ctx, tx, scope, id, true)
	if err != nil {
		return nil, err
	}
	if ns.Version != 0 && ns.Version != old.Version {
		return nil, &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("site.version", old.Version),
			Fields: map[string]pingan.Message{"version": pingan.Msg("site.version", old.Version)}}
	}
	var v pingan.Invalid
	c, err := s.checkSite(ctx, tx, actor, scope, &ns, &v, "")
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := siteClash(ctx, tx, id, c, ""); err != nil {
		return nil, err
	}
	if err := s.updateSite(ctx, tx, actor, old, c, s.now()); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindSite(ctx, actor, id)
}

// FindSite answers a site, its contact masked.
func (s *Sites) FindSite(ctx context.Context, actor *pingan.User, id int64) (*pingan.Site, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	site, sealed, err := s.loadSite(ctx, tx, scope, id, false)
	if err != nil {
		return nil, err
	}
	if err := s.openContact(site, sealed, false); err != nil {
		return nil, err
	}
	return site, tx.Commit()
}

// RevealContact answers the site's contact whole to a user whose work
// needs it (pingan.SeesSiteContact) and audits the read in the same
// transaction; ENOTFOUND as FindSite, then EFORBIDDEN for anyone else.
func (s *Sites) RevealContact(ctx context.Context, actor *pingan.User, id int64) (*pingan.SiteContact, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	site, sealed, err := s.loadSite(ctx, tx, scope, id, false)
	if err != nil {
		return nil, err // not found before forbidden: nothing said of what lies outside
	}
	if !pingan.SeesSiteContact(actor) {
		return nil, pingan.E(pingan.EFORBIDDEN, "site.contact.forbidden")
	}
	if err := s.openContact(site, sealed, true); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(map[string]any{"site": id})
	if err := s.audit(ctx, tx, actor, auditSiteContact, site.Region, "", string(b)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if site.Contact == nil {
		return &pingan.SiteContact{}, nil
	}
	return site.Contact, nil
}

// FindSites answers the register of the actor's jurisdiction.
func (s *Sites) FindSites(ctx context.Context, actor *pingan.User, f pingan.SiteFilter) ([]*pingan.Site, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	a := args{scope}
	where := []string{siteIn("$1")}
	if !f.Inactive {
		where = append(where, `s.active = `+a.add(true))
	}
	if f.Type != "" {
		where = append(where, `s.type = `+a.add(f.Type))
	}
	if f.Level > 0 {
		where = append(where, `s.level = `+a.add(f.Level))
	}
	if f.Grid != "" {
		where = append(where, `s.grid = `+a.add(f.Grid))
	}
	if f.Overdue {
		where = append(where, `s.overdue = `+a.add(true))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := a.add(likeContains(q))
		where = append(where, `(s.name `+s.dialect.ilike()+` `+p+` ESCAPE '\' OR s.address `+s.dialect.ilike()+` `+p+` ESCAPE '\')`)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, u := range []struct{ code, col string }{{f.Unit, "s.unit_path"}, {f.Department, "s.dept_path"}} {
		if u.code == "" {
			continue
		}
		unit, err := unitInScope(ctx, tx, u.code, scope)
		if err != nil {
			return nil, err
		}
		where = append(where, unitIn(u.col, a.add(likePrefix(unit.Path))))
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	q := `SELECT ` + siteColumns + siteFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY s.overdue DESC, s.next_due, s.id LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(max(f.Offset, 0))
	rows, err := tx.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Site
	for rows.Next() {
		site, sealed, err := scanSite(rows)
		if err != nil {
			return nil, err
		}
		if err := s.openContact(site, sealed, false); err != nil {
			return nil, err
		}
		out = append(out, site)
	}
	return out, rows.Err()
}

// ImportSites adds or changes the rows in one transaction: a row with a
// code changes the site of that code, else the site of its name in its
// grid; the others are added. Every bad row is named (rows[N].field, N
// the sheet's row) and nothing is written then.
func (s *Sites) ImportSites(ctx context.Context, actor *pingan.User, rows []pingan.SiteImportRow, dry bool) (*pingan.SiteImportResult, error) {
	if err := pingan.Permit(actor, pingan.CapSitesEdit); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, pingan.Invalidf("rows", "site.import.empty")
	}
	if len(rows) > MaxSiteImportRows {
		return nil, pingan.Invalidf("rows", "site.import.many", MaxSiteImportRows)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := s.now()
	var v pingan.Invalid
	res := &pingan.SiteImportResult{}
	seen := map[string]int{}
	for i := range rows {
		r := &rows[i]
		prefix := "rows[" + strconv.Itoa(r.Row) + "]."
		c, err := s.checkSite(ctx, tx, actor, scope, &r.Site, &v, prefix)
		if err != nil {
			return nil, err
		}
		if c == nil {
			continue
		}
		key := c.grid.code + "\x00" + c.in.Name
		if c.in.Code != "" {
			key = "code\x00" + c.in.Code
		}
		if first, ok := seen[key]; ok {
			v.Add(prefix+"name", "site.import.repeated", first)
			continue
		}
		seen[key] = r.Row
		// The site this row changes: by code, else by name in the grid.
		var id int64
		q, arg := `SELECT id FROM sites WHERE grid = $1 AND name = $2`, []any{c.grid.code, c.in.Name}
		if c.in.Code != "" {
			q, arg = `SELECT id FROM sites WHERE code = $1`, []any{c.in.Code}
		}
		if err := tx.QueryRowContext(ctx, q, arg...).Scan(&id); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if err := siteClash(ctx, tx, id, c, prefix); err != nil {
			if pingan.ErrorCode(err) != pingan.ECONFLICT {
				return nil, err
			}
			if err := v.Merge(&pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("error.invalid"), Fields: err.(*pingan.Error).Fields}); err != nil {
				return nil, err
			}
			continue
		}
		if v.Err() != nil {
			continue // checked to the end, written never
		}
		if id == 0 {
			if _, err := s.insertSite(ctx, tx, actor, c, now); err != nil {
				return nil, err
			}
			res.Added++
			continue
		}
		old, _, err := s.loadSite(ctx, tx, scope, id, true)
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add(prefix+"name", "site.import.outside")
			continue
		} else if err != nil {
			return nil, err
		}
		if err := s.updateSite(ctx, tx, actor, old, c, now); err != nil {
			return nil, err
		}
		res.Updated++
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if dry {
		return res, nil // rolled back
	}
	b, _ := json.Marshal(map[string]any{"added": res.Added, "updated": res.Updated})
	if err := s.audit(ctx, tx, actor, auditSiteImport, "", "", string(b)); err != nil {
		return nil, err
	}
	return res, tx.Commit()
}

// MaxSiteImportRows bounds one import.
const MaxSiteImportRows = 5000
