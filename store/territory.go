package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// The territory is the store's picture of where things are: the polygons of
// every grid in an in-memory spatial index (geo.Index: an R-tree over the
// bounding boxes, then exact point-in-polygon), and the known boundaries of
// units (unit_areas), one index per administrative level. It is loaded when
// the store opens, and replaced whole — copy on write — when an import
// changes it, so a reader placing a case always sees one consistent state
// without taking a lock.
//
// Several servers may share one PostgreSQL database (or, rarely, one SQLite
// file with the command line importing beside a running server). Every
// import that changes the territory raises the one-row counter
// territory_version in its own transaction. Before placing a case a server
// compares the counter with the version it holds — at most once per
// Options.GridRefresh (default DefaultGridRefresh), one indexed read of one
// row — and reloads the territory when another server has moved it on. A
// case filed on a server that has not yet noticed a new import is placed
// by the grids it knew a few seconds earlier.

// DefaultGridRefresh is how often a store checks territory_version when
// Options.GridRefresh is 0.
const DefaultGridRefresh = 5 * time.Second

// territory holds the current state and decides when to look for a newer one.
type territory struct {
	cur     atomic.Pointer[terrState]
	every   time.Duration // <0: never check
	checked atomic.Int64  // when the version was last checked, in Unix nanoseconds
	loading sync.Mutex    // one reload at a time; others keep using cur
}

// terrState is one version of the territory. Its indexes are never changed
// once published: the next state is built on clones.
type terrState struct {
	version int64
	grids   *geo.Index
	// shapes are the grids as a map draws them, by code (Grids.GridShapes).
	shapes []gridShape
	// areas holds the known boundaries of units by level, lowest first:
	// village, township, county, city, province.
	areas [len(areaLevels)]*geo.Index
}

// gridShape is a grid as a map draws it — code, name, type, village and
// geometry, no workers or numbers — with the path of its village, which
// tells the subtrees it lies in. Published once, never changed.
type gridShape struct {
	grid pingan.Grid
	path string
}

// withShapes answers the shapes with the grids of changed in place of
// (or beside) those of the same code, still by code; paths answers the
// path of each changed grid's village. shapes is not changed.
func withShapes(shapes []gridShape, changed []*pingan.Grid, paths map[string]string) []gridShape {
	if len(changed) == 0 {
		return shapes
	}
	byCode := make(map[string]gridShape, len(shapes)+len(changed))
	for _, sh := range shapes {
		byCode[sh.grid.Code] = sh
	}
	for _, g := range changed {
		byCode[g.Code] = gridShape{grid: pingan.Grid{Code: g.Code, Name: g.Name, Type: g.Type, Unit: g.Unit, Geometry: g.Geometry},
			path: paths[g.Unit]}
	}
	out := make([]gridShape, 0, len(byCode))
	for _, sh := range byCode {
		out = append(out, sh)
	}
	slices.SortFunc(out, func(a, b gridShape) int { return strings.Compare(a.grid.Code, b.grid.Code) })
	return out
}

// areaLevels are the levels of areaIndex, lowest first: a position that
// lies in no grid is placed at the first level whose index holds it.
var areaLevels = [...]pingan.Level{pingan.LevelVillage, pingan.LevelTownship, pingan.LevelCounty, pingan.LevelCity, pingan.LevelProvince}

func emptyTerritory(version int64) *terrState {
	s := &terrState{version: version, grids: mustIndex(nil)}
	for i := range s.areas {
		s.areas[i] = mustIndex(nil)
	}
	return s
}

func mustIndex(areas []geo.Area) *geo.Index {
	ix, err := geo.NewAreaIndex(areas)
	if err != nil {
		panic(err) // only called with no areas
	}
	return ix
}

func newTerritory(every time.Duration) *territory {
	t := &territory{every: every}
	if t.every == 0 {
		t.every = DefaultGridRefresh
	}
	t.cur.Store(emptyTerritory(-1))
	return t
}

// publish makes s the current state unless a newer one is already.
func (t *territory) publish(s *terrState) {
	t.loading.Lock()
	defer t.loading.Unlock()
	if cur := t.cur.Load(); cur == nil || s.version >= cur.version {
		t.cur.Store(s)
	}
	t.checked.Store(time.Now().UnixNano())
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadTerritory reads the whole territory through q. It reads the version
// first: should an import commit meanwhile, the state is newer than its
// version says and the next check merely loads it again.
func loadTerritory(ctx context.Context, q querier) (*terrState, error) {
	var version int64
	if err := q.QueryRowContext(ctx, `SELECT version FROM territory_version WHERE id = 1`).Scan(&version); err != nil {
		return nil, fmt.Errorf("store: territory version: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT g.code, g.name, g.type, g.unit_code, u.path, g.geometry
		FROM grids g JOIN units u ON u.code = g.unit_code`)
	if err != nil {
		return nil, err
	}
	var grids []*pingan.Grid
	var shapes []gridShape
	for rows.Next() {
		var sh gridShape
		var geom string
		if err := rows.Scan(&sh.grid.Code, &sh.grid.Name, &sh.grid.Type, &sh.grid.Unit, &sh.path, &geom); err != nil {
			rows.Close()
			return nil, err
		}
		sh.grid.Geometry = []byte(geom)
		shapes = append(shapes, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// By code as Go orders strings, as withShapes keeps them, whatever the
	// database's collation.
	slices.SortFunc(shapes, func(a, b gridShape) int { return strings.Compare(a.grid.Code, b.grid.Code) })
	for i := range shapes {
		grids = append(grids, &shapes[i].grid)
	}
	s := &terrState{version: version, shapes: shapes}
	if s.grids, err = geo.NewIndex(grids); err != nil {
		return nil, fmt.Errorf("store: the stored grids do not index: %w", err)
	}
	byLevel := map[pingan.Level][]geo.Area{}
	rows, err = q.QueryContext(ctx, `SELECT a.unit_code, u.level, a.geometry FROM unit_areas a JOIN units u ON u.code = a.unit_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code, level, geom string
		if err := rows.Scan(&code, &level, &geom); err != nil {
			return nil, err
		}
		mp, err := geo.ParseGeometry([]byte(geom))
		if err != nil {
			return nil, fmt.Errorf("store: the stored area of unit %s: %w", code, err)
		}
		byLevel[pingan.Level(level)] = append(byLevel[pingan.Level(level)], geo.Area{Code: code, Polygon: mp})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, l := range areaLevels {
		if s.areas[i], err = geo.NewAreaIndex(byLevel[l]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadTerritoryAtOpen loads the territory when the schema has it; an older
// schema (before 0003) leaves it empty until the first check after the
// migration.
func (h *handle) loadTerritoryAtOpen(ctx context.Context) error {
	var n int
	if err := h.read.QueryRowContext(ctx, h.dialect.tableExists(), "territory_version").Scan(&n); err != nil || n == 0 {
		return err
	}
	s, err := loadTerritory(ctx, h.read)
	if err != nil {
		return err
	}
	h.terr.publish(s)
	return nil
}

// territoryNow answers the current territory, first reloading it when
// another server has changed it (checked at most once per refresh period).
// A failed check is logged and the state in hand answered.
func (h *handle) territoryNow(ctx context.Context) *terrState {
	t := h.terr
	cur := t.cur.Load()
	if t.every < 0 && cur.version >= 0 {
		return cur
	}
	now := time.Now().UnixNano()
	last := t.checked.Load()
	if now-last < int64(t.every) || !t.checked.CompareAndSwap(last, now) {
		return cur
	}
	if !t.loading.TryLock() {
		return cur // another goroutine is reloading
	}
	defer t.loading.Unlock()
	var version int64
	if err := h.read.QueryRowContext(ctx, `SELECT version FROM territory_version WHERE id = 1`).Scan(&version); err != nil {
		h.log.Warn("store: cannot check the grids' version", "err", err)
		return cur
	}
	if cur = t.cur.Load(); version == cur.version {
		return cur
	}
	began := time.Now()
	s, err := loadTerritory(ctx, h.read)
	if err != nil {
		h.log.Error("store: cannot reload the grids", "err", err)
		return cur
	}
	if s.version >= cur.version {
		t.cur.Store(s)
		cur = s
	}
	h.log.Info("grids reloaded", "version", s.version, "grids", s.grids.Len(), "took", time.Since(began).Round(time.Millisecond))
	return cur
}

// territoryIn answers the territory as the transaction tx sees it, which
// holds the territory_version row (locked on PostgreSQL): the state in hand
// when it is current, else one loaded through tx.
func (h *handle) territoryIn(ctx context.Context, tx *sql.Tx) (*terrState, error) {
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM territory_version WHERE id = 1`+h.dialect.forUpdate()).Scan(&version); err != nil {
		return nil, err
	}
	if cur := h.terr.cur.Load(); cur.version == version {
		return cur, nil
	}
	return loadTerritory(ctx, tx)
}

// bumpTerritory raises territory_version in tx and answers the new version.
func bumpTerritory(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `UPDATE territory_version SET version = version + 1 WHERE id = 1 RETURNING version`).Scan(&v)
	return v, err
}

// GridsLoaded answers how many grids the store's spatial index holds and
// the territory version it was loaded at, for logs and tests.
func (s *Grids) GridsLoaded() (grids int, version int64) {
	st := s.terr.cur.Load()
	return st.grids.Len(), st.version
}
