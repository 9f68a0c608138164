package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// The state of a safety hazard (安全隐患, pingan.Hazard, migration 0031) on
// its case row: read with every case and with what the counters count of
// it, written with a new hazard and by updateCase. A report of a hazard
// names its level and key site (checked here: the site exists in the
// reporter's jurisdiction); a major one is listed for supervision (挂牌
// 督办) by the administrative unit above the one holding it, in the
// report's transaction (listHazard). The deadline watch marks each missed
// rectification deadline once (watchHazards), and the dashboard lists the
// open major hazards listed (ListedHazards). docs/hazards.md.

// caseHazardColumns are the columns of pingan.Hazard, in the order of
// hazardScan.dest and hazardArgs.
const caseHazardColumns = `hz_level, hz_site, hz_stage, hz_deadline, hz_party_kind, hz_party_name, hz_party_unit,
	hz_party_path, hz_measures, hz_ordered_at, hz_round, hz_done_by, hz_done_at, hz_late, hz_watched, hz_rechecks,
	hz_last_passed, hz_rechecked_at, hz_listed, hz_supervisor`

// hazardColumnNames are the caseHazardColumns one by one.
var hazardColumnNames = func() []string {
	var out []string
	for _, c := range strings.Split(caseHazardColumns, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}()

// hazardSet answers the SET clause of the caseHazardColumns with the
// placeholders from $first on.
func hazardSet(first int) string {
	parts := make([]string, len(hazardColumnNames))
	for i, c := range hazardColumnNames {
		parts[i] = c + " = $" + strconv.Itoa(first+i)
	}
	return strings.Join(parts, ", ")
}

// hazardScan receives the caseHazardColumns.
type hazardScan struct {
	h                                           pingan.Hazard
	level, stage, kind                          string
	site                                        sql.NullInt64
	deadline, ordered, done, watched, rechecked stamp
}

// dest answers the scan's destinations, in the order of the columns.
func (hs *hazardScan) dest() []any {
	h := &hs.h
	return []any{&hs.level, &hs.site, &hs.stage, &hs.deadline, &hs.kind, &h.Party.Name, &h.Party.Unit,
		&h.PartyPath, &h.Measures, &hs.ordered, &h.Round, &h.DoneBy, &hs.done, &h.Late, &hs.watched, &h.Rechecks,
		&h.LastPassed, &hs.rechecked, &h.Listed, &h.Supervisor}
}

// apply sets c's Hazard from the scan: a hazard's (general when a case of
// before 0031 has no level), nil for another kind.
func (hs *hazardScan) apply(c *pingan.Case) {
	if c.Kind != pingan.KindHazard {
		c.Hazard = nil
		return
	}
	h := hs.h
	h.Level, h.Stage, h.Party.Kind = pingan.HazardLevel(hs.level), pingan.HazardStage(hs.stage), pingan.PartyKind(hs.kind)
	if h.Level == "" {
		h.Level = pingan.HazardGeneral
	}
	h.Site = hs.site.Int64
	h.Deadline, h.OrderedAt, h.DoneAt = hs.deadline.ptr(), hs.ordered.ptr(), hs.done.ptr()
	h.Watched, h.RecheckedAt = hs.watched.ptr(), hs.rechecked.ptr()
	c.Hazard = &h
}

// hazardArgs answers the values of the caseHazardColumns of c: zero for a
// case of another kind.
func hazardArgs(d Dialect, c *pingan.Case) []any {
	h := c.Hazard
	if h == nil || c.Kind != pingan.KindHazard {
		h = &pingan.Hazard{}
	}
	var site any
	if h.Site != 0 {
		site = h.Site
	}
	return []any{string(h.Level), site, string(h.Stage), d.tsp(h.Deadline), string(h.Party.Kind), h.Party.Name, h.Party.Unit,
		h.PartyPath, h.Measures, d.tsp(h.OrderedAt), h.Round, h.DoneBy, d.tsp(h.DoneAt), h.Late, d.tsp(h.Watched), h.Rechecks,
		h.LastPassed, d.tsp(h.RecheckedAt), h.Listed, h.Supervisor}
}

// isHazard reports whether c is a hazard with its state to write.
func isHazard(c *pingan.Case) bool {
	return c.Kind == pingan.KindHazard && c.Hazard != nil
}

// checkHazardSite adds to v what is wrong with the key site a hazard
// report names: it must exist, and lie in the reporter's jurisdiction (a
// citizen's report names none).
func checkHazardSite(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase, v *pingan.Invalid) error {
	if in.Hazard == nil || in.Hazard.Site <= 0 || v.Has("hazard.site") {
		return nil
	}
	var path, dept string
	err := tx.QueryRowContext(ctx, `SELECT unit_path, dept_path FROM sites WHERE id = $1`, in.Hazard.Site).Scan(&path, &dept)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && (actor == nil || !(actor.Sees(path) || dept != "" && actor.Sees(dept))):
		v.Add("hazard.site", "hazard.site.unknown", in.Hazard.Site)
		return nil
	}
	return err
}

// siteVouches answers the grid of the key site a hazard report names when
// the actor answers for the site as its responsible department (主管部门)
// without seeing its grid — a county's 应急管理局 inspecting an enterprise
// in a township's grid files what it finds there; "" otherwise. The case
// is then placed in that grid, whatever else the report says: the site
// vouches for the place, and for nothing else.
func siteVouches(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase) (string, error) {
	if actor == nil || in.Hazard == nil || in.Hazard.Site <= 0 {
		return "", nil
	}
	var grid, path, dept string
	err := tx.QueryRowContext(ctx, `SELECT grid, unit_path, dept_path FROM sites WHERE id = $1 AND active = $2`, in.Hazard.Site, true).
		Scan(&grid, &path, &dept)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", err
	case actor.Sees(path) || dept == "" || !actor.Sees(dept):
		return "", nil
	}
	return grid, nil
}

// newHazard answers the state of a new case of kind from the report's
// facts; nil for another kind.
func newHazard(kind pingan.Kind, f *pingan.HazardFacts) *pingan.Hazard {
	if kind != pingan.KindHazard {
		return nil
	}
	return pingan.NewHazard(f)
}

// listHazard lists a new major hazard for supervision (挂牌督办), as the
// system, in the report's transaction: the case is marked supervised and
// listed by the administrative unit above the one holding it, and the
// supervision is its second timeline entry. Nothing for other cases.
func (h *handle) listHazard(ctx context.Context, tx *sql.Tx, c *pingan.Case, now time.Time) error {
	if !isHazard(c) || c.Hazard.Level != pingan.HazardMajor || c.Hazard.Listed {
		return nil
	}
	holding, err := h.lookupUnit(ctx, tx, c.HoldingUnit)
	if err != nil {
		return err
	}
	var above *pingan.Unit
	if holding != nil && holding.ParentCode != "" {
		parent, err := h.lookupUnit(ctx, tx, holding.ParentCode)
		if err != nil {
			return err
		}
		if above, err = h.lookupAdminUnit(ctx, tx, parent); err != nil {
			return err
		}
	}
	act := workflow.List(c, above, now)
	if act == nil {
		return nil
	}
	old := c.Version
	c.Version, c.UpdatedAt = old+1, now
	if err := h.updateCase(ctx, tx, c, old); err != nil {
		return err
	}
	act.Seq, act.CaseID = 2, c.ID
	if err := h.insertAction(ctx, tx, c.Region, act); err != nil {
		return err
	}
	return h.hookCase(ctx, tx, c, act, "", now) // the webhooks' outbox (webhook.go)
}

// hazardEnv looks up the department rectify_order names as the party, in
// the actor's jurisdiction.
func (s *Cases) hazardEnv(ctx context.Context, tx *sql.Tx, actor *pingan.User, in pingan.ActionInput, env *workflow.Env) error {
	if in.Action != pingan.ActRectifyOrder || in.Rectify == nil || in.Rectify.Party.Kind != pingan.PartyDepartment {
		return nil
	}
	code := strings.TrimSpace(in.Rectify.Party.Unit)
	if code == "" {
		return nil
	}
	u, err := unitByCode(ctx, tx, code)
	if err != nil {
		return err
	}
	if u != nil && u.Level == pingan.LevelDepartment && (actor == nil || actor.Sees(u.Path)) {
		env.PartyUnit = u
	}
	return nil
}

// watchHazards takes the system's action rectify_overdue (整改超期) on the
// hazards whose rectification deadline passed before now, once for each
// deadline (hz_watched; the cases_hz_deadline index), in one transaction,
// at most limit cases, and answers how many it marked.
func (s *Cases) watchHazards(ctx context.Context, now time.Time, limit int) (int, error) {
	d := s.dialect
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	ids, err := columnOf(ctx, tx, `SELECT id FROM cases
		WHERE hz_stage = 'rectifying' AND hz_deadline < $1 AND (hz_watched IS NULL OR hz_watched <> hz_deadline)
		ORDER BY hz_deadline LIMIT $2`+d.skipLocked(), d.ts(now), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		c, _, err := s.systemStep(ctx, tx, id, pingan.ActRectifyOverdue, now, "overdue rectification not marked")
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET hz_watched = hz_deadline WHERE region = $1 AND id = $2`,
			c.Region, c.ID); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if len(ids) > 0 {
		s.log.Info("overdue rectifications", "cases", len(ids))
	}
	return len(ids), nil
}

// MaxListedHazards bounds the list of open major hazards a page shows.
const MaxListedHazards = 200

// ListedHazards answers the open major hazards listed for supervision
// (挂牌督办) in the actor's jurisdiction, oldest first, at most
// MaxListedHazards, with personal data masked, and how many there are.
// It reads the cases_hz_listed index, never the counters' cases.
func (s *Cases) ListedHazards(ctx context.Context, actor *pingan.User) ([]*pingan.Case, int, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, 0, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	t := "1"
	if s.dialect == Postgres {
		t = "true"
	}
	where := `hz_listed = ` + t + ` AND status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') AND ` + caseIn("$1")
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE `+where, scope).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+where+` ORDER BY reported_at LIMIT $2`,
		scope, MaxListedHazards)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*pingan.Case
	for rows.Next() {
		sc, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		if err := s.open(sc, true); err != nil {
			return nil, 0, err
		}
		out = append(out, sc.Case)
	}
	return out, total, rows.Err()
}

// hazardFigures are the names of the measures of hazards whose cases a
// list can hold (pingan.MeasureNames), and found (every hazard).
var hazardFigures = []string{"found", "hz_major", "hz_ordered", "hz_rectified", "hz_rectified_on_time", "hz_rechecked",
	"hz_passed_first", "hz_late", "hz_listed", "hz_major_open"}

// hazardFigure answers the conditions that select the hazards the measure
// named m counts (pingan.CaseTally, docs/hazards.md), for the lists the
// dashboard's figures open; an unknown name is added to v (field hazard).
func hazardFigure(v *pingan.Invalid, m string, a *args) []string {
	known := false
	for _, f := range hazardFigures {
		known = known || f == m
	}
	if !known {
		v.Add("hazard", "stats.hazard.unknown", m, strings.Join(hazardFigures, "、"))
		return nil
	}
	// Every parameter added is used: PostgreSQL types each from its use.
	where := []string{"kind = " + a.add(string(pingan.KindHazard))}
	passed := func() string { return "hz_stage = " + a.add(string(pingan.HazardPassed)) }
	switch m {
	case "hz_major":
		where = append(where, "hz_level = "+a.add(string(pingan.HazardMajor)))
	case "hz_ordered":
		where = append(where, "hz_round > 0")
	case "hz_rectified":
		where = append(where, passed())
	case "hz_rectified_on_time":
		where = append(where, passed(), "hz_late = "+a.add(false))
	case "hz_rechecked":
		where = append(where, "hz_rechecks > 0")
	case "hz_passed_first":
		where = append(where, passed(), "hz_round = 1")
	case "hz_late":
		where = append(where, "hz_late = "+a.add(true))
	case "hz_listed":
		where = append(where, "hz_listed = "+a.add(true))
	case "hz_major_open":
		where = append(where, "hz_level = "+a.add(string(pingan.HazardMajor)),
			"status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved')")
	}
	return where
}
