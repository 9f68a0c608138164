package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Inspections of key sites (检查记录), docs/sites.md. An inspection is
// recorded against its site's type's checklist as it is now (the texts
// are copied); each failed item files a hazard case through the one path
// of every report (writeCase, as intake does), in the inspection's
// transaction, which the group writer shares with the reports arriving at
// the same time. The inspection answers the site's due day (on time when
// done by it) and sets the next one by the schedule; the counters move
// with it.

// RecordInspection records an inspection and its hazards in one
// transaction.
func (s *Sites) RecordInspection(ctx context.Context, actor *pingan.User, id int64, in *pingan.NewInspection) (*pingan.Inspection, error) {
	if err := pingan.Permit(actor, pingan.CapInspect); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "site.none")
	}
	now := s.now()
	w := &filesWritten{ctx: ctx}
	var out *pingan.Inspection
	err = s.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) error {
		w.attempt()
		ni := *in
		ni.Items = append([]pingan.NewInspectionItem(nil), in.Items...)
		var err error
		out, err = s.writeInspection(ctx, tx, actor, scope, id, &ni, now, w)
		return err
	})
	s.finishFiles(w, err)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeInspection checks and writes one inspection in tx.
func (s *Sites) writeInspection(ctx context.Context, tx *sql.Tx, actor *pingan.User, scope string, id int64,
	in *pingan.NewInspection, now time.Time, w *filesWritten) (*pingan.Inspection, error) {
	site, _, err := s.loadSite(ctx, tx, scope, id, true)
	if err != nil {
		return nil, err
	}
	if !site.Active {
		return nil, pingan.E(pingan.ECONFLICT, "site.inactive", site.Name)
	}
	typ, err := siteType(ctx, tx, site.Type)
	if err != nil {
		return nil, err
	}
	if typ == nil {
		return nil, pingan.E(pingan.ECONFLICT, "site.type.unknown", site.Type)
	}
	sched, ok := typ.Schedule(site.Level)
	if !ok { // the type's schedules are whole (SiteType.Validate); this is a guard
		return nil, pingan.E(pingan.ECONFLICT, "site.schedule.none", typ.Name, site.Level)
	}
	today := pingan.Day(now)
	var v pingan.Invalid
	in.Validate(&v, len(typ.Checklist), today)
	if err := v.Err(); err != nil {
		return nil, err
	}
	ins := &pingan.Inspection{Site: site.ID, SiteName: site.Name, Inspector: actor.ID, InspectorName: nameOf(actor),
		Day: in.Day, Due: site.NextDue, OnTime: in.Day <= site.NextDue, Note: in.Note, CreatedAt: now}
	for i, it := range in.Items {
		item := typ.Checklist[it.Seq-1]
		ii := pingan.InspectionItem{Seq: it.Seq, Text: item.Text, Category: item.Category, OK: it.OK, Note: it.Note}
		if !it.OK {
			ii.Level = pingan.HazardGeneral
			if it.Major {
				ii.Level = pingan.HazardMajor
			}
			sum := sha256.Sum256(it.Photo.Data)
			ii.Photo = "sha256:" + hex.EncodeToString(sum[:])
			k, err := s.fileItemHazard(ctx, tx, actor, site, i, &ii, it.Photo, now, w)
			if err != nil {
				return nil, err
			}
			ii.Case = k.ID
			ins.Failed++
		}
		ins.Items = append(ins.Items, ii)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO inspections (site_id, region, unit_path, department, inspector, day, due, on_time,
		items, failed, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		site.ID, site.Region, site.Path, site.Department, actor.ID, ins.Day, ins.Due, ins.OnTime, len(ins.Items), ins.Failed,
		ins.Note, s.dialect.ts(now)).Scan(&ins.ID)
	if err != nil {
		return nil, err
	}
	for _, ii := range ins.Items {
		region := ""
		if ii.Case != "" {
			region = site.Region
			if r, ok := regionOfID(ii.Case); ok {
				region = r
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_items (inspection_id, seq, text, category, ok, photo, level,
			case_region, case_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			ins.ID, ii.Seq, ii.Text, ii.Category, ii.OK, ii.Photo, string(ii.Level), region, ii.Case, ii.Note); err != nil {
			return nil, err
		}
	}
	// The due answered, the next one set by the schedule.
	next := sched.Next(ins.Day)
	if next <= today {
		next = sched.Next(today)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sites SET next_due = $2, overdue = $3, last_inspected = $4, inspections = inspections + 1,
		updated_at = $5 WHERE id = $1`, site.ID, next, false, ins.Day, s.dialect.ts(now)); err != nil {
		return nil, err
	}
	answered := siteTally{month: dayMonth(ins.Due)}
	if ins.OnTime {
		answered.onTime = 1
	}
	ts := []siteTally{answered, {month: dayMonth(ins.Day), done: 1, failed: ins.Failed}, {month: dayMonth(next), due: 1}}
	if err := s.addSiteTallies(ctx, tx, site.DeptPath, ts...); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(map[string]any{"site": site.ID, "inspection": ins.ID, "failed": ins.Failed})
	if err := s.audit(ctx, tx, actor, auditInspection, site.Region, "", string(b)); err != nil {
		return nil, err
	}
	return ins, nil
}

// fileItemHazard files the hazard of a failed item through the report's
// path, in tx: kind hazard, source inspection, at the site.
func (s *Sites) fileItemHazard(ctx context.Context, tx *sql.Tx, actor *pingan.User, site *pingan.Site, i int, ii *pingan.InspectionItem,
	photo *pingan.Upload, now time.Time, w *filesWritten) (*pingan.Case, error) {
	cat := ii.Category
	if cat == "" {
		cat = defaultHazardCategory
	}
	desc := site.Name + "：检查项「" + ii.Text + "」不合格"
	if ii.Note != "" {
		desc += "。" + ii.Note
	}
	r := &intake{actor: actor, in: pingan.NewCase{
		Kind: pingan.KindHazard, Category: cat, Title: site.Name + "：" + ii.Text + "（不合格）",
		Description: desc, Location: &pingan.Location{Lat: site.Lat, Lng: site.Lng}, Grid: site.Grid,
		Address: site.Address, Source: pingan.SourceInspection,
		Hazard: &pingan.HazardFacts{Level: ii.Level, Site: site.ID},
		Photos: []pingan.Upload{*photo}, ReportedAt: now,
	}}
	k, err := s.writeCase(ctx, tx, r, now, w)
	if err != nil {
		var pe *pingan.Error
		if errors.As(err, &pe) && pe.Code == pingan.EINVALID {
			// Name the item the report came from.
			f := map[string]pingan.Message{}
			for name, m := range pe.Fields {
				f["items["+strconv.Itoa(i)+"]."+name] = m
			}
			return nil, &pingan.Error{Code: pe.Code, Msg: pe.Msg, Fields: f}
		}
		return nil, err
	}
	return k, nil
}

// Inspections answers a site's inspections with their items, newest first.
func (s *Sites) Inspections(ctx context.Context, actor *pingan.User, id int64, limit int) ([]*pingan.Inspection, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	site, _, err := s.loadSite(ctx, tx, scope, id, false)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.inspector, COALESCE(u.name, ''), i.day, i.due, i.on_time, i.failed, i.note, i.created_at
		FROM inspections i LEFT JOIN users u ON u.id = i.inspector WHERE i.site_id = $1 ORDER BY i.day DESC, i.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, err
	}
	var out []*pingan.Inspection
	by := map[int64]*pingan.Inspection{}
	for rows.Next() {
		ins := &pingan.Inspection{Site: id, SiteName: site.Name}
		var at stamp
		if err := rows.Scan(&ins.ID, &ins.Inspector, &ins.InspectorName, &ins.Day, &ins.Due, &ins.OnTime, &ins.Failed, &ins.Note, &at); err != nil {
			rows.Close()
			return nil, err
		}
		ins.CreatedAt = at.T
		out = append(out, ins)
		by[ins.ID] = ins
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > 0 {
		a := args{}
		ids := make([]string, len(out))
		for i, ins := range out {
			ids[i] = a.add(ins.ID)
		}
		rows, err := tx.QueryContext(ctx, `SELECT inspection_id, seq, text, category, ok, photo, level, case_id, note FROM inspection_items
			WHERE inspection_id IN (`+strings.Join(ids, ", ")+`) ORDER BY inspection_id, seq`, a...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var iid int64
			var ii pingan.InspectionItem
			var level string
			if err := rows.Scan(&iid, &ii.Seq, &ii.Text, &ii.Category, &ii.OK, &ii.Photo, &level, &ii.Case, &ii.Note); err != nil {
				return nil, err
			}
			ii.Level = pingan.HazardLevel(level)
			if ins := by[iid]; ins != nil {
				ins.Items = append(ins.Items, ii)
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// MarkOverdueInspections marks each active site whose due day has passed
// (before today) overdue once, and counts it under its department in the
// month of the due day; one transaction per site, claimed so that two
// servers never mark the same site.
func (s *Sites) MarkOverdueInspections(ctx context.Context) (int, error) {
	today := pingan.Day(s.now())
	rows, err := s.write.QueryContext(ctx, `SELECT id FROM sites WHERE active = $1 AND overdue = $2 AND next_due < $3 ORDER BY id LIMIT 1000`,
		true, false, today)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		marked, err := s.markOverdue(ctx, id, today)
		if err != nil {
			return n, err
		}
		if marked {
			n++
		}
	}
	return n, nil
}

// markOverdue marks one site overdue if it still is unmarked and past due.
func (s *Sites) markOverdue(ctx context.Context, id int64, today string) (bool, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var due, path, region string
	err = tx.QueryRowContext(ctx, `SELECT next_due, dept_path, region FROM sites WHERE id = $1 AND active = $2 AND overdue = $3 AND next_due < $4`+
		s.dialect.skipLocked(), id, true, false, today).Scan(&due, &path, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sites SET overdue = $2 WHERE id = $1`, id, true); err != nil {
		return false, err
	}
	if err := s.addSiteTallies(ctx, tx, path, siteTally{month: dayMonth(due), overdue: 1}); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// InspectionFigures answers the numbers of a month for unit and the units
// directly under it that have numbers, from the counters.
func (s *Sites) InspectionFigures(ctx context.Context, actor *pingan.User, unit, month string) (*pingan.InspectionFigure, []*pingan.InspectionFigure, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, nil, err
	}
	if month == "" {
		month = s.now().In(pingan.CST).Format("2006-01")
	}
	if _, err := time.Parse("2006-01", month); err != nil {
		return nil, nil, pingan.Invalidf("month", "site.month.bad", month)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	if unit == "" {
		unit = lastCode(actor.ScopePath)
	}
	u, err := unitInScope(ctx, tx, unit, scope)
	if err != nil {
		return nil, nil, err
	}
	total := &pingan.InspectionFigure{Unit: u.Code, Name: u.Name, Month: month}
	err = tx.QueryRowContext(ctx, `SELECT due, done, on_time, overdue, failed FROM site_tallies WHERE node = $1 AND month = $2`, u.Code, month).
		Scan(&total.Due, &total.Done, &total.OnTime, &total.Overdue, &total.Failed)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.code, u.name, t.due, t.done, t.on_time, t.overdue, t.failed
		FROM site_tallies t JOIN units u ON u.code = t.node WHERE t.month = $1 AND u.parent_code = $2 ORDER BY u.path`, month, u.Code)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []*pingan.InspectionFigure
	for rows.Next() {
		f := &pingan.InspectionFigure{Month: month}
		if err := rows.Scan(&f.Unit, &f.Name, &f.Due, &f.Done, &f.OnTime, &f.Overdue, &f.Failed); err != nil {
			return nil, nil, err
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return total, out, tx.Commit()
}
