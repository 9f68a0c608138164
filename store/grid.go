package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// Grids is the grids (网格) and their workers: pingan.GridService.
type Grids struct{ *handle }

var _ pingan.GridService = (*Grids)(nil)

// GridTolerance is the share of a grid's area that may lie outside its
// village's known area, or under another grid, before ImportGrids refuses
// it (geo.DefaultTolerance, 1%).
const GridTolerance = geo.DefaultTolerance

// maxGridErrors caps the grids one refused import names.
const maxGridErrors = 20

const gridColumns = `g.code, g.name, g.type, g.unit_code, g.geometry, g.households, g.population`

const gridFrom = ` FROM grids g JOIN units u ON u.code = g.unit_code`

func scanGrid(s scanner) (*pingan.Grid, error) {
	var g pingan.Grid
	var geom string
	if err := s.Scan(&g.Code, &g.Name, &g.Type, &g.Unit, &geom, &g.Households, &g.Population); err != nil {
		return nil, err
	}
	g.Geometry = json.RawMessage(geom)
	return &g, nil
}

// positionRank orders the workers of a grid: 网格长, 网格员, 网格辅助员.
const positionRank = `CASE w.position WHEN 'leader' THEN 1 WHEN 'member' THEN 2 ELSE 3 END`

// FindGrids answers the grids whose village or community lies under unit
// (the unit itself or any unit of its subtree), ordered by code, with their
// workers. ENOTFOUND when the unit does not exist or lies outside the
// actor's jurisdiction.
func (s *Grids) FindGrids(ctx context.Context, actor *pingan.User, unit string) ([]*pingan.Grid, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
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
	under := likePrefix(u.Path)
	rows, err := tx.QueryContext(ctx, `SELECT `+gridColumns+gridFrom+` WHERE `+unitIn("u.path", "$1")+` ORDER BY g.code`, under)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Grid
	byCode := map[string]*pingan.Grid{}
	for rows.Next() {
		g, err := scanGrid(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
		byCode[g.Code] = g
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, tx.Commit()
	}
	wrows, err := tx.QueryContext(ctx, `SELECT w.grid_code, w.user_id, us.name, w.position
		FROM grid_workers w JOIN users us ON us.id = w.user_id JOIN grids g ON g.code = w.grid_code JOIN units u ON u.code = g.unit_code
		WHERE `+unitIn("u.path", "$1")+` ORDER BY w.grid_code, `+positionRank+`, w.user_id`, under)
	if err != nil {
		return nil, err
	}
	defer wrows.Close()
	for wrows.Next() {
		var code string
		var w pingan.GridWorker
		if err := wrows.Scan(&code, &w.UserID, &w.Name, &w.Position); err != nil {
			return nil, err
		}
		if g := byCode[code]; g != nil {
			g.Workers = append(g.Workers, w)
		}
	}
	if err := wrows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// GridShapes answers the grids whose village or community lies under unit
// as a map draws them: code, name, type, village and geometry, ordered by
// code — no workers, households or population. They come from the store's
// picture of the territory rather than from the database (a city's
// dashboard draws its 1,420 grids on every view), current within
// Options.GridRefresh of an import made by another server. The Geometry
// answered is shared: read, never changed. ENOTFOUND when the unit does not
// exist or lies outside the actor's jurisdiction.
func (s *Grids) GridShapes(ctx context.Context, actor *pingan.User, unit string) ([]*pingan.Grid, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	u, err := unitInScope(ctx, s.read, unit, scope)
	if err != nil {
		return nil, err
	}
	shapes := s.territoryNow(ctx).shapes
	n := 0
	for i := range shapes {
		if strings.HasPrefix(shapes[i].path, u.Path) {
			n++
		}
	}
	all := make([]pingan.Grid, 0, n)
	out := make([]*pingan.Grid, 0, n)
	for i := range shapes {
		if strings.HasPrefix(shapes[i].path, u.Path) {
			all = append(all, shapes[i].grid)
			out = append(out, &all[len(all)-1])
		}
	}
	return out, nil
}

// FindGrid answers one grid with its workers. ENOTFOUND when it does not
// exist or its village lies outside the actor's jurisdiction.
func (s *Grids) FindGrid(ctx context.Context, actor *pingan.User, code string) (*pingan.Grid, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	g, err := scanGrid(tx.QueryRowContext(ctx, `SELECT `+gridColumns+gridFrom+` WHERE g.code = $1 AND `+unitIn("u.path", "$2"), code, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "grid.notfound", code)
	} else if err != nil {
		return nil, err
	}
	workers, err := gridWorkers(ctx, tx, []string{code})
	if err != nil {
		return nil, err
	}
	g.Workers = workers[code]
	return g, tx.Commit()
}

// gridWorkers answers the workers of the grids, by grid code.
func gridWorkers(ctx context.Context, q querier, codes []string) (map[string][]pingan.GridWorker, error) {
	out := map[string][]pingan.GridWorker{}
	for chunk := range slices.Chunk(codes, 500) {
		var a args
		in := a.list(anySlice(chunk)...)
		rows, err := q.QueryContext(ctx, `SELECT w.grid_code, w.user_id, us.name, w.position
			FROM grid_workers w JOIN users us ON us.id = w.user_id
			WHERE w.grid_code IN (`+in+`) ORDER BY w.grid_code, `+positionRank+`, w.user_id`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var code string
			var w pingan.GridWorker
			if err := rows.Scan(&code, &w.UserID, &w.Name, &w.Position); err != nil {
				rows.Close()
				return nil, err
			}
			out[code] = append(out[code], w)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// gridErrors collects what is wrong with the grids of an import, naming at
// most maxGridErrors grids.
type gridErrors struct {
	v      pingan.Invalid
	grids  map[string]bool
	more   int
	fields int
}

func (e *gridErrors) add(grid, field string, msg pingan.Message) {
	if e.grids == nil {
		e.grids = map[string]bool{}
	}
	if !e.grids[grid] && len(e.grids) >= maxGridErrors {
		e.more++
		return
	}
	e.grids[grid] = true
	e.fields++
	e.v.Add(field, msg.Key, msg.Args...)
}

// addErr adds the fields of an EINVALID error about grid.
func (e *gridErrors) addErr(grid string, err error) {
	var pe *pingan.Error
	if errors.As(err, &pe) {
		for _, k := range slices.Sorted(maps.Keys(pe.Fields)) {
			e.add(grid, k, pe.Fields[k])
		}
	}
}

func (e *gridErrors) err() error {
	if e.fields == 0 {
		return nil
	}
	if e.more > 0 {
		e.v.Add("grids", "grid.import.more", e.more)
	}
	err := e.v.Err().(*pingan.Error)
	err.Msg = pingan.Msg("grid.import.failed")
	return err
}

// gridKey names a grid in errors, as pingan.Grid.Validate does.
func gridKey(code string) string { return strings.TrimSpace("grid " + code) }

// ImportGrids creates or updates the grids all together or not at all and
// keeps the spatial index in step. It answers how many grids it created,
// updated and found unchanged, so a second import of the same file changes
// nothing and says so.
//
// Each grid is checked with geo.Validate: its fields; its geometry
// (unparsable, not a polygon, not simple); the share of it outside its
// village's area when that area is known (unit_areas); the share of it under
// any other grid — stored or in the same import, each grid of the import
// taking the place of the stored grid of the same code — beyond
// GridTolerance. Its unit must be a village or community (村/社区), and each
// worker a user with the grid_worker role whose jurisdiction holds the grid.
// EINVALID names every bad grid ("grid CODE …", at most 20 of them).
//
// A stored grid cannot move to another village (EINVALID naming it).
//
// Workers: a nil Workers keeps the grid's workers as they are (a file from
// a GIS tool carries none); a non-nil list, even empty, replaces them.
//
// The new state of the index is built on a copy-on-write clone of the
// current one, validated against, and published only after the commit; the
// import raises territory_version so that other servers reload.
func (s *Grids) ImportGrids(ctx context.Context, grids []*pingan.Grid) (pingan.ImportResult, error) {
	return s.importGrids(ctx, grids, nil)
}

// importGrids is ImportGrids with the audit row of the import by (none
// when nil) in its transaction.
func (s *Grids) importGrids(ctx context.Context, grids []*pingan.Grid, by *importBy) (pingan.ImportResult, error) {
	var res pingan.ImportResult
	var bad gridErrors
	in := make([]*pingan.Grid, 0, len(grids))
	seen := map[string]int{}
	for i, p := range grids {
		if p == nil {
			bad.add(fmt.Sprintf("#%d", i+1), fmt.Sprintf("grid #%d", i+1), pingan.Msg("grid.import.nil"))
			continue
		}
		g := *p
		g.Code, g.Name, g.Unit = strings.TrimSpace(g.Code), strings.TrimSpace(g.Name), strings.TrimSpace(g.Unit)
		g.Type = pingan.GridType(strings.TrimSpace(string(g.Type)))
		var compact bytes.Buffer
		if json.Compact(&compact, g.Geometry) == nil {
			g.Geometry = compact.Bytes()
		}
		if j, dup := seen[g.Code]; dup && g.Code != "" {
			bad.add(g.Code, gridKey(g.Code)+" code", pingan.Msg("grid.import.duplicate", j))
			continue
		}
		seen[g.Code] = i + 1
		// Fields and the shape of the geometry; the unit's area and the
		// other grids come below.
		if err := geo.Validate(&g, nil, nil, GridTolerance); err != nil {
			bad.addErr(g.Code, err)
			continue
		}
		in = append(in, &g)
	}
	if err := bad.err(); err != nil {
		return res, err
	}

	tx, err := s.beginWrite(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	// Reading territory_version FOR UPDATE serialises imports on PostgreSQL
	// (SQLite's one writer already does).
	st, err := s.territoryIn(ctx, tx)
	if err != nil {
		return res, err
	}

	// The units: villages and communities, with their known areas.
	units := map[string]*pingan.Unit{}
	areas := map[string]orb.Geometry{}
	for _, g := range in {
		if _, done := units[g.Unit]; done {
			continue
		}
		u, err := unitByCode(ctx, tx, g.Unit)
		if err != nil {
			return res, err
		}
		units[g.Unit] = u
		if u == nil || u.Level != pingan.LevelVillage {
			continue
		}
		var geom string
		err = tx.QueryRowContext(ctx, `SELECT geometry FROM unit_areas WHERE unit_code = $1`, u.Code).Scan(&geom)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return res, err
		}
		mp, err := geo.ParseGeometry([]byte(geom))
		if err != nil {
			return res, fmt.Errorf("store: the stored area of unit %s: %w", u.Code, err)
		}
		areas[u.Code] = mp
	}
	for _, g := range in {
		switch u := units[g.Unit]; {
		case u == nil:
			bad.add(g.Code, gridKey(g.Code)+" unit", pingan.Msg("grid.unit.unknown", g.Unit))
		case u.Level != pingan.LevelVillage:
			bad.add(g.Code, gridKey(g.Code)+" unit", pingan.Msg("grid.unit.level", u.Code, u.Name, levelName(u.Level), string(u.Level)))
		}
	}

	// The workers: users with the grid_worker role who see the grid.
	if err := s.checkGridWorkers(ctx, tx, in, units, &bad); err != nil {
		return res, err
	}

	// What is there now.
	codes := make([]string, len(in))
	for i, g := range in {
		codes[i] = g.Code
	}
	old, err := storedGrids(ctx, tx, codes)
	if err != nil {
		return res, err
	}
	oldWorkers, err := gridWorkers(ctx, tx, codes)
	if err != nil {
		return res, err
	}
	// A grid stays in its village: moving it would also move it out of the
	// jurisdiction it was imported into (an importer who may write one
	// county's villages could otherwise take over another county's grid by
	// its code). Villages that merge give their grids new codes.
	for _, g := range in {
		if o := old[g.Code]; o != nil && o.Unit != g.Unit {
			bad.add(g.Code, gridKey(g.Code)+" unit", pingan.Msg("grid.unit.move", o.Unit, g.Unit))
		}
	}

	// The grids whose polygon is new or moved go into the next index and
	// are checked against it; those and the renamed or retyped ones are
	// drawn anew on maps (GridShapes).
	var moved, drawn []*pingan.Grid
	for _, g := range in {
		o := old[g.Code]
		if o == nil || !sameGeometry(o.Geometry, g.Geometry) {
			moved = append(moved, g)
		}
		if o == nil || !sameGeometry(o.Geometry, g.Geometry) || o.Name != g.Name || o.Type != g.Type {
			drawn = append(drawn, g)
		}
	}
	next := st.grids
	if len(moved) > 0 {
		next = st.grids.Clone()
		if err := next.Upsert(moved...); err != nil {
			return res, err // parsed above; cannot happen
		}
		for _, g := range moved {
			var parent orb.Geometry
			if a, ok := areas[g.Unit]; ok {
				parent = a
			}
			if err := geo.Validate(g, parent, next, GridTolerance); err != nil {
				bad.addErr(g.Code, err)
			}
		}
	}
	if err := bad.err(); err != nil {
		return res, err
	}

	// Write.
	now := s.dialect.ts(s.now())
	var insert, update *sql.Stmt
	for _, g := range in {
		o := old[g.Code]
		sameWorkers := g.Workers == nil || sameGridWorkers(oldWorkers[g.Code], g.Workers)
		if o != nil && o.Name == g.Name && o.Type == g.Type && o.Unit == g.Unit && sameGeometry(o.Geometry, g.Geometry) &&
			o.Households == g.Households && o.Population == g.Population && sameWorkers {
			res.Unchanged++
			continue
		}
		mp, err := geo.ParseGeometry(g.Geometry)
		if err != nil {
			return res, err
		}
		b := mp.Bound()
		args := []any{g.Code, g.Name, string(g.Type), g.Unit, units[g.Unit].Region, string(g.Geometry), g.Households, g.Population,
			b.Min[0], b.Min[1], b.Max[0], b.Max[1], now}
		if o == nil {
			if insert == nil {
				if insert, err = tx.PrepareContext(ctx, `INSERT INTO grids (code, name, type, unit_code, region, geometry, households, population,
					min_lng, min_lat, max_lng, max_lat, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`); err != nil {
					return res, err
				}
				defer insert.Close()
			}
			if _, err := insert.ExecContext(ctx, args...); err != nil {
				return res, err
			}
			res.Created++
		} else {
			if update == nil {
				if update, err = tx.PrepareContext(ctx, `UPDATE grids SET name = $2, type = $3, unit_code = $4, region = $5, geometry = $6,
					households = $7, population = $8, min_lng = $9, min_lat = $10, max_lng = $11, max_lat = $12, updated_at = $13
					WHERE code = $1`); err != nil {
					return res, err
				}
				defer update.Close()
			}
			if _, err := update.ExecContext(ctx, args...); err != nil {
				return res, err
			}
			res.Updated++
		}
		if !sameWorkers {
			if _, err := tx.ExecContext(ctx, `DELETE FROM grid_workers WHERE grid_code = $1`, g.Code); err != nil {
				return res, err
			}
			for _, w := range g.Workers {
				if _, err := tx.ExecContext(ctx, `INSERT INTO grid_workers (grid_code, user_id, position) VALUES ($1, $2, $3)`,
					g.Code, w.UserID, w.Position); err != nil {
					return res, err
				}
			}
		}
	}
	// A change that shows on a map raises the version too, so that other
	// servers draw it.
	version := st.version
	if len(drawn) > 0 {
		if version, err = bumpTerritory(ctx, tx); err != nil {
			return res, err
		}
	}
	if err := s.auditImport(ctx, tx, by, auditGridImport, len(grids), res); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	if len(drawn) > 0 || st != s.terr.cur.Load() {
		paths := make(map[string]string, len(units))
		for code, u := range units {
			paths[code] = u.Path
		}
		s.terr.publish(&terrState{version: version, grids: next, areas: st.areas, shapes: withShapes(st.shapes, drawn, paths)})
	}
	return res, nil
}

// checkGridWorkers adds to bad each worker who is not a user with the
// grid_worker role whose jurisdiction holds the grid's village.
func (s *Grids) checkGridWorkers(ctx context.Context, tx *sql.Tx, grids []*pingan.Grid, units map[string]*pingan.Unit, bad *gridErrors) error {
	var ids []int64
	for _, g := range grids {
		for _, w := range g.Workers {
			ids = append(ids, w.UserID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	users := map[int64]*pingan.User{}
	for chunk := range slices.Chunk(ids, 500) {
		var a args
		in := a.list(anySlice(chunk)...)
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id IN (`+in+`)`, a...)
		if err != nil {
			return err
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return err
			}
			users[u.ID] = u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, g := range grids {
		twice := map[int64]bool{}
		for i, w := range g.Workers {
			key := fmt.Sprintf("%s workers[%d]", gridKey(g.Code), i)
			u := users[w.UserID]
			switch village := units[g.Unit]; {
			case u == nil:
				bad.add(g.Code, key, pingan.Msg("grid.worker.unknown", w.UserID))
			case !u.Has(pingan.RoleGridWorker):
				bad.add(g.Code, key, pingan.Msg("grid.worker.role", u.Username))
			case village != nil && !u.Sees(village.Path):
				bad.add(g.Code, key, pingan.Msg("grid.worker.outside", u.Username, u.UnitCode, g.Unit))
			case twice[w.UserID]:
				bad.add(g.Code, key, pingan.Msg("grid.worker.twice", u.Username))
			}
			twice[w.UserID] = true
		}
	}
	return nil
}

// storedGrids answers the stored grids with these codes, by code.
func storedGrids(ctx context.Context, q querier, codes []string) (map[string]*pingan.Grid, error) {
	out := map[string]*pingan.Grid{}
	for chunk := range slices.Chunk(codes, 500) {
		var a args
		in := a.list(anySlice(chunk)...)
		rows, err := q.QueryContext(ctx, `SELECT `+gridColumns+` FROM grids g WHERE g.code IN (`+in+`)`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			g, err := scanGrid(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[g.Code] = g
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sameGeometry reports whether two GeoJSON geometries are the same text,
// or the same polygons written differently (98.50 and 98.5, a third
// coordinate dropped): a file re-exported by a GIS tool changes nothing.
func sameGeometry(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	pa, err := geo.ParseGeometry(a)
	if err != nil {
		return false
	}
	pb, err := geo.ParseGeometry(b)
	return err == nil && orb.Equal(pa, pb)
}

// sameGridWorkers reports whether two lists hold the same users in the
// same positions, in any order.
func sameGridWorkers(a, b []pingan.GridWorker) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(ws []pingan.GridWorker) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = strconv.FormatInt(w.UserID, 10) + "/" + w.Position
		}
		sort.Strings(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}
