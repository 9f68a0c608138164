package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pingan-gov/pingan"
)

// Patrols is the patrols of the grids (网格巡查) with their points and
// check-ins: pingan.PatrolService (migration 0033, docs/patrols.md).
//
// A point is due when it was not visited within its cadence (next_due on
// or before the day). The coverage of a week counts each point once as
// due and once as visited: when a week opens — by the first patrol step or
// coverage read in it, or in a later week for each week passed, in order —
// every active point due by its Sunday and not yet counted that week adds
// one to due (patrol_tallies, for the grid and every unit above it) and
// remembers the week (due_week); a point added, re-activated or given a
// shorter cadence in an open week is counted the same way at once. A
// check-in at a point counted due this week and not yet visited adds one
// to visited and remembers the week (visited_week); every check-in moves
// next_due to its day plus the cadence. Nothing of the state changes
// without its week being open first, so opening a week passed without any
// step counts what was due then. A key site (sites, part of the register)
// is a point of its grid by itself: copied in, due at once, when its
// grid's points are read or a week opens. A finding is a report through
// intake with the check-in written by the report's after hook.
type Patrols struct {
	*handle
	// opened is the last week known to be open: opening is permanent, so
	// a server need not ask again.
	opened atomic.Int64
}

var _ pingan.PatrolService = (*Patrols)(nil)

const patrolPointColumns = `p.id, p.grid, g.name, p.site_id, p.name, p.lat, p.lng, p.cadence, p.last_visited, p.next_due, p.active`

// scanPatrolPoint reads a point; it is due when it falls due by sunday,
// the last day of the week read in, as the week's coverage counts it.
func scanPatrolPoint(s scanner, sunday string) (*pingan.PatrolPoint, error) {
	var p pingan.PatrolPoint
	if err := s.Scan(&p.ID, &p.Grid, &p.GridName, &p.Site, &p.Name, &p.Lat, &p.Lng, &p.Cadence, &p.LastVisited,
		&p.NextDue, &p.Active); err != nil {
		return nil, err
	}
	p.Due = p.Active && p.NextDue <= sunday
	return &p, nil
}

// patrolGrid is a grid as a patrol step checked it.
type patrolGrid struct {
	code, name, region, path string // path: its village's
}

// gridIn answers the grid with the code in the actor's jurisdiction, and
// whether the actor works in it; nil when there is none or it is out of
// sight.
func (s *Patrols) gridIn(ctx context.Context, q queryer, actor *pingan.User, code string) (*patrolGrid, bool, error) {
	g := &patrolGrid{code: code}
	var works int
	err := q.QueryRowContext(ctx, `SELECT g.name, g.region, u.path,
		(SELECT count(*) FROM grid_workers w WHERE w.grid_code = g.code AND w.user_id = $2)
		FROM grids g JOIN units u ON u.code = g.unit_code WHERE g.code = $1`, code, actor.ID).Scan(&g.name, &g.region, &g.path, &works)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	case !actor.Sees(g.path):
		return nil, false, nil
	}
	return g, works > 0, nil
}

// patrolNodes answers the tally nodes of a grid: the grid and each unit
// of its village's path, lowest first.
func patrolNodes(grid, path string) []string {
	nodes := []string{grid}
	codes := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(codes) - 1; i >= 0; i-- {
		nodes = append(nodes, codes[i])
	}
	return nodes
}

// patrolTally adds deltas (column → n) for the week to every node of
// each grid in counts (grid → its village's path and how many times).
func patrolTally(ctx context.Context, tx *sql.Tx, week pingan.Week, byNode map[string]map[string]int64) error {
	for node, deltas := range byNode {
		var cols, vals, sets []string
		a := args{node, int(week)}
		for _, m := range []string{"due", "visited", "patrols", "checkins", "findings", "hazards", "disputes"} {
			if deltas[m] == 0 {
				continue
			}
			cols = append(cols, m)
			vals = append(vals, a.add(deltas[m]))
			sets = append(sets, m+` = patrol_tallies.`+m+` + excluded.`+m)
		}
		if len(cols) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO patrol_tallies (node, week, `+strings.Join(cols, ", ")+`) VALUES ($1, $2, `+
			strings.Join(vals, ", ")+`) ON CONFLICT (node, week) DO UPDATE SET `+strings.Join(sets, ", "), a...); err != nil {
			return err
		}
	}
	return nil
}

// tallies gathers counter deltas by node.
type tallies map[string]map[string]int64

func (t tallies) add(grid, path, measure string, n int64) {
	for _, node := range patrolNodes(grid, path) {
		if t[node] == nil {
			t[node] = map[string]int64{}
		}
		t[node][measure] += n
	}
}

// openWeeks opens, in tx, every week from the one after the last opened
// up to the week of now: the points due by each week's Sunday and not yet
// counted are counted due in it. Answers the week of now.
func (s *Patrols) openWeeks(ctx context.Context, tx *sql.Tx, now time.Time) (pingan.Week, error) {
	week := pingan.WeekAt(now)
	if pingan.Week(s.opened.Load()) >= week {
		return week, nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(week), 0) FROM patrol_weeks`).Scan(&last); err != nil {
		return 0, err
	}
	w := week
	if last > 0 && pingan.Week(last) < week {
		w = pingan.Week(last).Next()
	}
	for ; w <= week; w = w.Next() {
		res, err := tx.ExecContext(ctx, `INSERT INTO patrol_weeks (week, opened_at) VALUES ($1, $2) ON CONFLICT (week) DO NOTHING`,
			int(w), s.dialect.ts(now))
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, err
		} else if n == 0 {
			continue // opened by another server
		}
		if err := s.countDue(ctx, tx, w, `p.active AND p.next_due <= $1 AND p.due_week < $2`, w.Sunday(), int(w)); err != nil {
			return 0, err
		}
	}
	if err := s.syncSites(ctx, tx, "", now, week); err != nil {
		return 0, err
	}
	return week, nil
}

// countDue counts due in week w the points matching cond (over p) and
// marks them counted.
func (s *Patrols) countDue(ctx context.Context, tx *sql.Tx, w pingan.Week, cond string, a ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.grid, p.unit_path FROM patrol_points p WHERE `+cond, a...)
	if err != nil {
		return err
	}
	t := tallies{}
	var ids []int64
	for rows.Next() {
		var id int64
		var grid, path string
		if err := rows.Scan(&id, &grid, &path); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
		t.add(grid, path, "due", 1)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		ua := args{int(w)}
		marks := make([]string, n)
		for i, id := range ids[:n] {
			marks[i] = ua.add(id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE patrol_points SET due_week = $1 WHERE id IN (`+strings.Join(marks, ", ")+`)`, ua...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return patrolTally(ctx, tx, w, t)
}

// syncSites makes the points of the key sites of grid (of every grid
// when empty) follow the register: an active site that is not yet a point
// is copied in, due at once and counted due in week; the point of a site
// made active again is restored and counted as a restored point is
// (ChangePatrolPoint); the point of a site moved to another grid, renamed
// or moved follows it (a due of this week not yet visited moves with it,
// so the new grid's visits never outnumber its dues); the point of a site
// no longer active is retired. A point is a site's point once: the insert
// does nothing where another transaction's insert of the same site won
// (the unique index patrol_points_site).
func (s *Patrols) syncSites(ctx context.Context, tx *sql.Tx, grid string, now time.Time, week pingan.Week) error {
	a := args{pingan.Day(now), s.dialect.ts(now), int(week)}
	cond := ``
	if grid != "" {
		cond = ` AND st.grid = ` + a.add(grid)
	}
	rows, err := tx.QueryContext(ctx, `INSERT INTO patrol_points (region, grid, unit_path, site_id, name, lat, lng, cadence, next_due,
		due_week, created_at) SELECT g.region, st.grid, u.path, st.id, st.name, st.lat, st.lng, `+strconv.Itoa(pingan.DefaultPatrolCadence)+`,
		$1, $3, $2 FROM sites st JOIN grids g ON g.code = st.grid JOIN units u ON u.code = g.unit_code
		WHERE st.active AND NOT EXISTS (SELECT 1 FROM patrol_points p WHERE p.site_id = st.id)`+cond+`
		ON CONFLICT (site_id) WHERE site_id <> 0 DO NOTHING
		RETURNING grid, unit_path`, a...)
	if err != nil {
		return err
	}
	t := tallies{}
	for rows.Next() {
		var g, path string
		if err := rows.Scan(&g, &path); err != nil {
			rows.Close()
			return err
		}
		t.add(g, path, "due", 1)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := s.followSites(ctx, tx, grid, week, t); err != nil {
		return err
	}
	if err := patrolTally(ctx, tx, week, t); err != nil {
		return err
	}
	ra := args{false}
	rc := ``
	if grid != "" {
		rc = ` AND grid = ` + ra.add(grid)
	}
	_, err = tx.ExecContext(ctx, `UPDATE patrol_points SET active = $1 WHERE site_id <> 0 AND active`+rc+`
		AND site_id IN (SELECT id FROM sites WHERE NOT active)`, ra...)
	return err
}

// staleSitePoints is the condition (over p, st the site and u its grid's
// unit) of a site's point that no longer follows its active site.
const staleSitePoints = `st.active AND (NOT p.active OR p.grid <> st.grid OR p.unit_path <> u.path OR p.name <> st.name
	OR p.lat <> st.lat OR p.lng <> st.lng)`

// followSites restores and moves, in tx, the points of the active sites of
// grid (sites in it or points on it; all when empty) that no longer follow
// their site, adding the dues this changes to t.
func (s *Patrols) followSites(ctx context.Context, tx *sql.Tx, grid string, week pingan.Week, t tallies) error {
	a := args{}
	cond := ``
	if grid != "" {
		g := a.add(grid)
		cond = ` AND (st.grid = ` + g + ` OR p.grid = ` + g + `)`
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.grid, p.unit_path, p.active, p.next_due, p.due_week, p.visited_week,
		g.region, st.grid, u.path, st.name, st.lat, st.lng
		FROM patrol_points p JOIN sites st ON st.id = p.site_id JOIN grids g ON g.code = st.grid JOIN units u ON u.code = g.unit_code
		WHERE p.site_id <> 0 AND `+staleSitePoints+cond+s.patrolLock(), a...)
	if err != nil {
		return err
	}
	type follow struct {
		id                           int64
		grid, path, nextDue          string
		active                       bool
		dueWeek, visitedWeek         int
		region, toGrid, toPath, name string
		lat, lng                     float64
	}
	var fs []follow
	for rows.Next() {
		var f follow
		if err := rows.Scan(&f.id, &f.grid, &f.path, &f.active, &f.nextDue, &f.dueWeek, &f.visitedWeek, &f.region, &f.toGrid,
			&f.toPath, &f.name, &f.lat, &f.lng); err != nil {
			rows.Close()
			return err
		}
		fs = append(fs, f)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, f := range fs {
		moved := f.grid != f.toGrid || f.path != f.toPath
		switch {
		case !f.active && f.nextDue <= week.Sunday() && f.dueWeek < int(week):
			// Restored and due: counted due this week where it now is.
			f.dueWeek = int(week)
			t.add(f.toGrid, f.toPath, "due", 1)
		case moved && f.dueWeek == int(week) && f.visitedWeek != int(week):
			// Counted due this week and not yet visited: the due moves.
			t.add(f.grid, f.path, "due", -1)
			t.add(f.toGrid, f.toPath, "due", 1)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE patrol_points SET region = $1, grid = $2, unit_path = $3, name = $4, lat = $5, lng = $6,
			active = $7, due_week = $8 WHERE id = $9`, f.region, f.toGrid, f.toPath, f.name, f.lat, f.lng, true, f.dueWeek, f.id); err != nil {
			return err
		}
	}
	return nil
}

// sitesBehind reports whether a key site of grid is not yet a point, or
// its point does not follow it (restored, moved, retired).
func (s *Patrols) sitesBehind(ctx context.Context, grid string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM sites st WHERE st.grid = $1 AND st.active
			AND NOT EXISTS (SELECT 1 FROM patrol_points p WHERE p.site_id = st.id))
		+ (SELECT count(*) FROM patrol_points p JOIN sites st ON st.id = p.site_id JOIN grids g ON g.code = st.grid
			JOIN units u ON u.code = g.unit_code WHERE p.site_id <> 0 AND (st.grid = $1 OR p.grid = $1) AND `+staleSitePoints+`)
		+ (SELECT count(*) FROM patrol_points p JOIN sites st ON st.id = p.site_id WHERE p.grid = $1 AND p.site_id <> 0
			AND p.active AND NOT st.active)`, grid).Scan(&n)
	return n > 0, err
}

// ensureOpen opens the weeks up to now in a transaction of its own when
// this server does not know them open; reads call it first.
func (s *Patrols) ensureOpen(ctx context.Context) error {
	now := s.now()
	if pingan.Week(s.opened.Load()) >= pingan.WeekAt(now) {
		return nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w, err := s.openWeeks(ctx, tx, now)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.known(w)
	return nil
}

// known remembers week w open once its transaction committed.
func (s *Patrols) known(w pingan.Week) {
	for {
		cur := s.opened.Load()
		if cur >= int64(w) || s.opened.CompareAndSwap(cur, int64(w)) {
			return
		}
	}
}

// PatrolPoints answers the points of a grid in the actor's jurisdiction.
func (s *Patrols) PatrolPoints(ctx context.Context, actor *pingan.User, grid string, all bool) ([]*pingan.PatrolPoint, error) {
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	if err := s.ensureOpen(ctx); err != nil {
		return nil, err
	}
	g, _, err := s.gridIn(ctx, s.read, actor, grid)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, pingan.E(pingan.ENOTFOUND, "patrol.grid.notfound", grid)
	}
	// A key site added, restored, moved or retired since the week opened
	// is followed at once.
	behind, err := s.sitesBehind(ctx, grid)
	if err != nil {
		return nil, err
	}
	if behind {
		tx, err := s.beginWrite(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		now := s.now()
		w, err := s.openWeeks(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		if err := s.syncSites(ctx, tx, grid, now, w); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	return s.points(ctx, s.read, grid, all, pingan.WeekAt(s.now()).Sunday())
}

func (s *Patrols) points(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, grid string, all bool, sunday string) ([]*pingan.PatrolPoint, error) {
	cond := ``
	if !all {
		cond = ` AND p.active`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+patrolPointColumns+` FROM patrol_points p JOIN grids g ON g.code = p.grid
		WHERE p.grid = $1`+cond+` ORDER BY p.active DESC, p.next_due, p.name, p.id`, grid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.PatrolPoint
	for rows.Next() {
		p, err := scanPatrolPoint(rows, sunday)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPatrolPoint adds a point of its own to a grid.
func (s *Patrols) AddPatrolPoint(ctx context.Context, actor *pingan.User, in *pingan.NewPatrolPoint) (*pingan.PatrolPoint, error) {
	if err := pingan.Permit(actor, pingan.CapPatrolPoints); err != nil {
		return nil, err
	}
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.Invalidf("name", "patrol.point.none")
	}
	p := *in
	p.Normalize()
	var v pingan.Invalid
	p.Check(&v)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var g *patrolGrid
	if !v.Has("grid") {
		if g, _, err = s.gridIn(ctx, tx, actor, p.Grid); err != nil {
			return nil, err
		}
		if g == nil {
			v.Add("grid", "patrol.grid.outside", p.Grid)
		} else if p.Location != nil && p.Location.Valid() && !s.inGrid(ctx, p.Grid, p.Location) {
			v.Add("location", "patrol.location.outside", g.name)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	week, err := s.openWeeks(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	today := pingan.Day(now)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO patrol_points (region, grid, unit_path, site_id, name, lat, lng, cadence, next_due,
		due_week, active, created_by, created_at) VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		g.region, g.code, g.path, p.Name, p.Location.Lat, p.Location.Lng, p.Cadence, today, int(week), true, actor.ID,
		s.dialect.ts(now)).Scan(&id)
	if err != nil {
		return nil, err
	}
	t := tallies{}
	t.add(g.code, g.path, "due", 1)
	if err := patrolTally(ctx, tx, week, t); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, actor, "patrol_point_add", g.region, "", `{"point":`+strconv.FormatInt(id, 10)+`}`); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.known(week)
	return &pingan.PatrolPoint{ID: id, Grid: g.code, GridName: g.name, Name: p.Name, Lat: p.Location.Lat, Lng: p.Location.Lng,
		Cadence: p.Cadence, NextDue: today, Due: true, Active: true}, nil
}

// inGrid reports whether the position lies in the grid's polygon.
func (s *Patrols) inGrid(ctx context.Context, grid string, l *pingan.Location) bool {
	for _, code := range s.territoryNow(ctx).grids.Covering(l.Lat, l.Lng) {
		if code == grid {
			return true
		}
	}
	return false
}

// pointRow is a point as a step holds it.
type pointRow struct {
	id                       int64
	region, grid, path, name string
	site                     int64
	cadence                  int
	lastVisited, nextDue     string
	dueWeek, visitedWeek     int
	active                   bool
}

func (s *Patrols) loadPoint(ctx context.Context, tx *sql.Tx, id int64) (*pointRow, error) {
	p := &pointRow{id: id}
	err := tx.QueryRowContext(ctx, `SELECT region, grid, unit_path, name, site_id, cadence, last_visited, next_due, due_week,
		visited_week, active FROM patrol_points WHERE id = $1`+s.dialect.forUpdate(), id).Scan(&p.region, &p.grid, &p.path, &p.name,
		&p.site, &p.cadence, &p.lastVisited, &p.nextDue, &p.dueWeek, &p.visitedWeek, &p.active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// ChangePatrolPoint changes a point's cadence or whether it is active.
func (s *Patrols) ChangePatrolPoint(ctx context.Context, actor *pingan.User, id int64, ch *pingan.PatrolPointChange) (*pingan.PatrolPoint, error) {
	if err := pingan.Permit(actor, pingan.CapPatrolPoints); err != nil {
		return nil, err
	}
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	if ch == nil {
		ch = &pingan.PatrolPointChange{}
	}
	var v pingan.Invalid
	if ch.Cadence != 0 {
		pingan.CheckCadence(&v, ch.Cadence)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := s.now()
	week, err := s.openWeeks(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPoint(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if p == nil || !actor.Sees(p.path) {
		return nil, pingan.E(pingan.ENOTFOUND, "patrol.point.notfound", id)
	}
	if ch.Cadence != 0 {
		p.cadence = ch.Cadence
		if p.lastVisited != "" {
			if d, ok := pingan.ParseDay(p.lastVisited); ok {
				p.nextDue = pingan.Day(d.AddDate(0, 0, p.cadence))
			}
		}
	}
	if ch.Active != nil {
		p.active = *ch.Active
	}
	counted := p.active && p.nextDue <= week.Sunday() && p.dueWeek < int(week)
	if counted {
		p.dueWeek = int(week)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE patrol_points SET cadence = $1, next_due = $2, active = $3, due_week = $4 WHERE id = $5`,
		p.cadence, p.nextDue, p.active, p.dueWeek, id); err != nil {
		return nil, err
	}
	if counted {
		t := tallies{}
		t.add(p.grid, p.path, "due", 1)
		if err := patrolTally(ctx, tx, week, t); err != nil {
			return nil, err
		}
	}
	if err := s.audit(ctx, tx, actor, "patrol_point_change", p.region, "", `{"point":`+strconv.FormatInt(id, 10)+`}`); err != nil {
		return nil, err
	}
	out, err := scanPatrolPoint(tx.QueryRowContext(ctx, `SELECT `+patrolPointColumns+` FROM patrol_points p JOIN grids g ON g.code = p.grid
		WHERE p.id = $1`, id), week.Sunday())
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.known(week)
	return out, nil
}

const patrolColumns = `p.id, p.grid, g.name, p.worker, p.started_at, p.ended_at, p.checkins, p.findings`

func scanPatrol(sc scanner) (*pingan.Patrol, error) {
	var p pingan.Patrol
	var started, ended stamp
	if err := sc.Scan(&p.ID, &p.Grid, &p.GridName, &p.Worker, &started, &ended, &p.CheckIns, &p.Findings); err != nil {
		return nil, err
	}
	p.StartedAt = started.T
	if ended.Valid {
		t := ended.T
		p.EndedAt = &t
	}
	return &p, nil
}

// StartPatrol starts a patrol of a grid the actor works in.
func (s *Patrols) StartPatrol(ctx context.Context, actor *pingan.User, grid string) (*pingan.Patrol, error) {
	if err := pingan.Permit(actor, pingan.CapPatrol); err != nil {
		return nil, err
	}
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	grid = strings.TrimSpace(grid)
	var out *pingan.Patrol
	var week pingan.Week
	err := s.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if grid == "" {
			return pingan.Invalidf("grid", "patrol.grid.choose")
		}
		g, works, err := s.gridIn(ctx, tx, actor, grid)
		if err != nil {
			return err
		}
		if g == nil || !works {
			return pingan.Invalidf("grid", "patrol.grid.notyours", grid)
		}
		var open int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM patrols WHERE worker = $1 AND ended_at IS NULL`, actor.ID).Scan(&open)
		switch {
		case err == nil:
			return patrolConflict("patrol.open", open)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		now := s.now()
		if week, err = s.openWeeks(ctx, tx, now); err != nil {
			return err
		}
		if err := s.syncSites(ctx, tx, g.code, now, week); err != nil {
			return err
		}
		p := &pingan.Patrol{Grid: g.code, GridName: g.name, Worker: actor.ID, StartedAt: now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO patrols (region, grid, unit_path, worker, started_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, g.region, g.code, g.path, actor.ID, s.dialect.ts(now)).Scan(&p.ID); err != nil {
			if isUnique(err) { // another start of the worker's at the same moment won
				return patrolConflict("patrol.open.now")
			}
			return err
		}
		t := tallies{}
		t.add(g.code, g.path, "patrols", 1)
		if err := patrolTally(ctx, tx, week, t); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.known(week)
	return out, nil
}

// patrolLock locks a patrol's row on PostgreSQL (FOR UPDATE OF p: not
// the grid joined to it).
func (s *Patrols) patrolLock() string {
	if s.dialect == Postgres {
		return " FOR UPDATE OF p"
	}
	return ""
}

// patrolConflict is the 409 naming "patrol" with the message key.
func patrolConflict(key string, args ...any) error {
	return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg(key, args...),
		Fields: map[string]pingan.Message{"patrol": pingan.Msg(key, args...)}}
}

// OpenPatrol answers the actor's open patrol, or nil.
func (s *Patrols) OpenPatrol(ctx context.Context, actor *pingan.User) (*pingan.Patrol, error) {
	if actor == nil {
		return nil, errNoActor()
	}
	p, err := scanPatrol(s.read.QueryRowContext(ctx, `SELECT `+patrolColumns+` FROM patrols p
		JOIN grids g ON g.code = p.grid WHERE p.worker = $1 AND p.ended_at IS NULL`, actor.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// FindPatrol answers a patrol in the actor's jurisdiction with its check-ins.
func (s *Patrols) FindPatrol(ctx context.Context, actor *pingan.User, id int64) (*pingan.Patrol, []*pingan.CheckIn, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	p, err := scanPatrol(tx.QueryRowContext(ctx, `SELECT `+patrolColumns+` FROM patrols p
		JOIN grids g ON g.code = p.grid WHERE p.id = $1 AND `+unitIn("p.unit_path", "$2"), id, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, pingan.E(pingan.ENOTFOUND, "patrol.notfound", id)
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.point_id, pt.name, c.grid, c.at, c.lat, c.lng, c.result, c.case_id, c.note, c.counted
		FROM patrol_checkins c JOIN patrol_points pt ON pt.id = c.point_id WHERE c.patrol_id = $1 ORDER BY c.id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []*pingan.CheckIn
	for rows.Next() {
		c := &pingan.CheckIn{Patrol: id}
		var at stamp
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&c.ID, &c.Point, &c.PointName, &c.Grid, &at, &lat, &lng, &c.Result, &c.CaseID, &c.Note, &c.Counted); err != nil {
			return nil, nil, err
		}
		c.At = at.T
		if lat.Valid && lng.Valid {
			c.Location = &pingan.Location{Lat: lat.Float64, Lng: lng.Float64}
		}
		out = append(out, c)
	}
	return p, out, rows.Err()
}

// ownPatrol loads the actor's patrol id in tx, locked: ENOTFOUND when it is
// not theirs, the 409 naming "patrol" when it has ended.
func (s *Patrols) ownPatrol(ctx context.Context, tx *sql.Tx, actor *pingan.User, id int64) (*pingan.Patrol, error) {
	p, err := scanPatrol(tx.QueryRowContext(ctx, `SELECT `+patrolColumns+` FROM patrols p
		JOIN grids g ON g.code = p.grid WHERE p.id = $1 AND p.worker = $2`+s.patrolLock(), id, actor.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "patrol.notfound", id)
	}
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, patrolConflict("patrol.ended")
	}
	return p, nil
}

// CheckIn records a check-in, with its finding's case when there is one.
func (s *Patrols) CheckIn(ctx context.Context, actor *pingan.User, id int64, in *pingan.NewCheckIn) (*pingan.CheckIn, error) {
	if err := pingan.Permit(actor, pingan.CapPatrol); err != nil {
		return nil, err
	}
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.Invalidf("point", "patrol.point.none")
	}
	ci := *in
	ci.Normalize()
	var week pingan.Week
	var out *pingan.CheckIn
	// check adds what is wrong with the check-in and answers the patrol
	// and the point when it is good.
	check := func(ctx context.Context, tx *sql.Tx, v *pingan.Invalid) (*pingan.Patrol, *pointRow, error) {
		p, err := s.ownPatrol(ctx, tx, actor, id)
		if err != nil {
			return nil, nil, err
		}
		ci.Check(v)
		if v.Has("point") {
			return nil, nil, nil
		}
		pt, err := s.loadPoint(ctx, tx, ci.Point)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case pt == nil || !actor.Sees(pt.path):
			v.Add("point", "patrol.point.unknown", ci.Point)
		case pt.grid != p.Grid:
			v.Add("point", "patrol.point.othergrid", pt.name, p.GridName)
		case !pt.active:
			v.Add("point", "patrol.point.retired", pt.name)
		default:
			return p, pt, nil
		}
		return nil, nil, nil
	}
	if ci.Result != pingan.PatrolFinding || ci.Case == nil {
		err := s.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var v pingan.Invalid
			p, pt, err := check(ctx, tx, &v)
			if err != nil {
				return err
			}
			if err := v.Err(); err != nil {
				return err
			}
			out, week, err = s.writeCheckIn(ctx, tx, actor, p, pt, &ci, nil)
			return err
		})
		if err != nil {
			return nil, err
		}
		s.known(week)
		return out, nil
	}
	// A finding: the report's path, with the check-in checked in the
	// report's collector and written by its after hook.
	if err := pingan.Permit(actor, pingan.CapReport); err != nil {
		return nil, err
	}
	nc := *ci.Case
	nc.Source = pingan.SourcePatrol
	if nc.Location == nil && ci.Location != nil {
		l := *ci.Location
		nc.Location = &l
	}
	// The case lies in the point's grid, at its key site; the check in the
	// report's transaction makes sure of the point.
	var grid, name string
	var site int64
	err := s.read.QueryRowContext(ctx, `SELECT grid, name, site_id FROM patrol_points WHERE id = $1`, ci.Point).Scan(&grid, &name, &site)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if strings.TrimSpace(nc.Grid) == "" && nc.Unit == "" {
		nc.Grid = grid
	}
	if strings.TrimSpace(nc.Address) == "" {
		nc.Address = name
	}
	if nc.Kind == pingan.KindHazard && nc.Hazard != nil && nc.Hazard.Site == 0 {
		h := *nc.Hazard
		h.Site = site
		nc.Hazard = &h
	}
	var p *pingan.Patrol
	var pt *pointRow
	r := &intake{actor: actor, in: nc,
		check: func(ctx context.Context, tx *sql.Tx, v *pingan.Invalid) (err error) {
			p, pt, err = check(ctx, tx, v)
			return err
		},
		after: func(ctx context.Context, tx *sql.Tx, k *pingan.Case) (err error) {
			if k.Kind != pingan.KindDispute && k.Kind != pingan.KindHazard {
				return pingan.Invalidf("kind", "patrol.case.kind")
			}
			out, week, err = s.writeCheckIn(ctx, tx, actor, p, pt, &ci, k)
			return err
		}}
	if _, err := s.intake(ctx, r); err != nil {
		return nil, err
	}
	s.known(week)
	return out, nil
}

// writeCheckIn writes the check-in at pt on patrol p, moves the point's
// next due day and adds the counters, in tx; k is the case it found.
func (s *Patrols) writeCheckIn(ctx context.Context, tx *sql.Tx, actor *pingan.User, p *pingan.Patrol, pt *pointRow,
	in *pingan.NewCheckIn, k *pingan.Case) (*pingan.CheckIn, pingan.Week, error) {
	now := s.now()
	week, err := s.openWeeks(ctx, tx, now)
	if err != nil {
		return nil, 0, err
	}
	// The week may just have opened: read the point's marks again.
	if err := tx.QueryRowContext(ctx, `SELECT due_week, visited_week FROM patrol_points WHERE id = $1`, pt.id).Scan(&pt.dueWeek, &pt.visitedWeek); err != nil {
		return nil, 0, err
	}
	today := pingan.Day(now)
	c := &pingan.CheckIn{Patrol: p.ID, Point: pt.id, PointName: pt.name, Grid: pt.grid, At: now, Location: in.Location,
		Result: pingan.PatrolOK, Note: in.Note}
	if k != nil {
		c.Result, c.CaseID = pingan.PatrolFinding, k.ID
	}
	t := tallies{}
	if pt.dueWeek == int(week) && pt.visitedWeek != int(week) {
		c.Counted = true
		pt.visitedWeek = int(week)
		t.add(pt.grid, pt.path, "visited", 1)
	}
	pt.lastVisited = today
	d, _ := pingan.ParseDay(today)
	// A point not due this week was visited on or after its last visit,
	// so its next due day lies after this Sunday too: only a point already
	// counted due falls due again within the week, and it counts once.
	pt.nextDue = pingan.Day(d.AddDate(0, 0, pt.cadence))
	if _, err := tx.ExecContext(ctx, `UPDATE patrol_points SET last_visited = $1, next_due = $2, due_week = $3, visited_week = $4
		WHERE id = $5`, pt.lastVisited, pt.nextDue, pt.dueWeek, pt.visitedWeek, pt.id); err != nil {
		return nil, 0, err
	}
	var lat, lng any
	if c.Location != nil {
		lat, lng = c.Location.Lat, c.Location.Lng
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO patrol_checkins (region, patrol_id, point_id, grid, unit_path, worker, week, at,
		lat, lng, result, case_id, note, counted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		pt.region, p.ID, pt.id, pt.grid, pt.path, actor.ID, int(week), s.dialect.ts(now), lat, lng, c.Result, c.CaseID, c.Note,
		c.Counted).Scan(&c.ID); err != nil {
		return nil, 0, err
	}
	findings := 0
	t.add(pt.grid, pt.path, "checkins", 1)
	if k != nil {
		findings = 1
		t.add(pt.grid, pt.path, "findings", 1)
		if k.Kind == pingan.KindHazard {
			t.add(pt.grid, pt.path, "hazards", 1)
		} else {
			t.add(pt.grid, pt.path, "disputes", 1)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE patrols SET checkins = checkins + 1, findings = findings + $1 WHERE id = $2`,
		findings, p.ID); err != nil {
		return nil, 0, err
	}
	return c, week, patrolTally(ctx, tx, week, t)
}

// EndPatrol ends the actor's open patrol.
func (s *Patrols) EndPatrol(ctx context.Context, actor *pingan.User, id int64) (*pingan.Patrol, error) {
	if err := pingan.Permit(actor, pingan.CapPatrol); err != nil {
		return nil, err
	}
	var out *pingan.Patrol
	err := s.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := s.ownPatrol(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE patrols SET ended_at = $1 WHERE id = $2`, s.dialect.ts(now), id); err != nil {
			return err
		}
		p.EndedAt = &now
		out = p
		return nil
	})
	return out, err
}

// PatrolCoverage answers the coverage under a unit over some weeks.
func (s *Patrols) PatrolCoverage(ctx context.Context, actor *pingan.User, unit string, from, to pingan.Week) (*pingan.PatrolCoverage, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if to == 0 {
		to = pingan.WeekAt(s.now())
	}
	if from == 0 {
		from = to
	}
	switch {
	case to < from:
		return nil, pingan.Invalidf("to", "patrol.weeks.order")
	case to.Monday().Sub(from.Monday()) > 53*7*24*time.Hour:
		return nil, pingan.Invalidf("to", "patrol.weeks.long", 53)
	}
	if err := s.ensureOpen(ctx); err != nil {
		return nil, err
	}
	if unit == "" {
		unit = lastCode(actor.ScopePath)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := unitInScope(ctx, tx, unit, scope)
	if err != nil {
		return nil, err
	}
	if !u.Level.Administrative() {
		return nil, errUnitNotFound(unit)
	}
	out := &pingan.PatrolCoverage{Unit: u, From: from, To: to, ByGrid: u.Level == pingan.LevelVillage,
		Total: pingan.PatrolLine{Code: u.Code, Name: u.Name, Level: u.Level}}
	if out.ByGrid {
		rows, err := tx.QueryContext(ctx, `SELECT code, name FROM grids WHERE unit_code = $1 ORDER BY code`, u.Code)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var l pingan.PatrolLine
			if err := rows.Scan(&l.Code, &l.Name); err != nil {
				rows.Close()
				return nil, err
			}
			out.Lines = append(out.Lines, l)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	} else {
		rows, err := tx.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE parent_code = $1 ORDER BY path`, u.Code)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			ch, err := scanUnit(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if ch.Level.Administrative() {
				out.Lines = append(out.Lines, pingan.PatrolLine{Code: ch.Code, Name: ch.Name, Level: ch.Level})
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	a := args{int(from), int(to)}
	marks := []string{a.add(u.Code)}
	at := map[string]*pingan.PatrolLine{u.Code: &out.Total}
	for i := range out.Lines {
		marks = append(marks, a.add(out.Lines[i].Code))
		at[out.Lines[i].Code] = &out.Lines[i]
	}
	weeks := map[int]*pingan.PatrolWeek{}
	rows, err := tx.QueryContext(ctx, `SELECT node, week, due, visited, patrols, checkins, findings, hazards, disputes
		FROM patrol_tallies WHERE week >= $1 AND week <= $2 AND node IN (`+strings.Join(marks, ", ")+`)`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var node string
		var week int
		var l pingan.PatrolLine
		if err := rows.Scan(&node, &week, &l.Due, &l.Visited, &l.Patrols, &l.CheckIns, &l.Findings, &l.Hazards, &l.Disputes); err != nil {
			return nil, err
		}
		if p := at[node]; p != nil {
			addLine(p, &l)
		}
		if node == u.Code {
			weeks[week] = &pingan.PatrolWeek{Week: pingan.Week(week), PatrolLine: l}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for w := from; w <= to; w = w.Next() {
		pw := weeks[int(w)]
		if pw == nil {
			pw = &pingan.PatrolWeek{Week: w}
		}
		pw.Code, pw.Name, pw.Level = u.Code, u.Name, u.Level
		pw.SetRate()
		out.Weeks = append(out.Weeks, *pw)
	}
	out.Total.SetRate()
	for i := range out.Lines {
		out.Lines[i].SetRate()
	}
	return out, nil
}

// addLine adds the counts of d to l.
func addLine(l, d *pingan.PatrolLine) {
	l.Due += d.Due
	l.Visited += d.Visited
	l.Patrols += d.Patrols
	l.CheckIns += d.CheckIns
	l.Findings += d.Findings
	l.Hazards += d.Hazards
	l.Disputes += d.Disputes
}
