package geo

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
	"github.com/tidwall/rtree"
)

// Area is a polygon under a code: a grid's, or a unit's (a village's area
// may be the union of its grids, or given).
type Area struct {
	Code    string
	Polygon orb.MultiPolygon
}

// Index places points in areas: an R-tree over the areas' bounding boxes
// finds the candidates, then an exact point-in-polygon test (holes
// respected, boundary included, as PostGIS ST_Covers) decides.
//
// A point that several areas cover — one on a border they share, or at a
// vertex where several meet — goes to the area with the smallest code
// (byte order), so every such point lands in exactly one area and always
// the same one. Areas that share a border vertex for vertex partition the
// plane: a point off the borders lies in exactly one of them (see ringPlace).
//
// Index is safe for concurrent use. Reads take no lock: they load the
// current snapshot; each change (Upsert, Remove, Put, Replace) is made on a
// copy-on-write copy of the R-tree and swapped in atomically, so readers
// always see a whole state, before or after a change. Changes are
// serialised; each costs a copy of the code map (O(n): about 2 ms at
// 50,000 areas), so batch them: Upsert and Remove take many at once.
//
// For units, keep one Index per level (villages, townships …) and ask the
// lowest level first: a point lies in a village and in its township, and
// only one answer per index is given.
type Index struct {
	mu  sync.Mutex // serialises writers
	cur atomic.Pointer[snapshot]
}

type snapshot struct {
	tree   *rtree.RTreeG[*entry]
	byCode map[string]*entry
}

type entry struct {
	code    string
	polygon orb.MultiPolygon
	shape   shape
}

// NewIndex answers an index of the grids' polygons. EINVALID names a grid
// ("grid CODE geometry") whose geometry does not parse (see ParseGeometry)
// and a code given twice. It does not run the full Validate.
func NewIndex(grids []*pingan.Grid) (*Index, error) {
	areas, err := gridAreas(grids)
	if err != nil {
		return nil, err
	}
	return NewAreaIndex(areas)
}

// NewAreaIndex answers an index of areas; EINVALID for a code given twice
// or an area without a polygon.
func NewAreaIndex(areas []Area) (*Index, error) {
	s, err := build(areas)
	if err != nil {
		return nil, err
	}
	ix := &Index{}
	ix.cur.Store(s)
	return ix, nil
}

func build(areas []Area) (*snapshot, error) {
	s := &snapshot{tree: &rtree.RTreeG[*entry]{}, byCode: make(map[string]*entry, len(areas))}
	var v pingan.Invalid
	for _, a := range areas {
		e, msg := newEntry(a)
		if msg.Key != "" {
			v.Add("area "+a.Code, msg.Key, msg.Args...)
			continue
		}
		if _, dup := s.byCode[a.Code]; dup {
			v.Add("area "+a.Code, "geo.index.code.twice")
			continue
		}
		s.byCode[a.Code] = e
		s.tree.Insert(e.shape.bound.Min, e.shape.bound.Max, e)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func newEntry(a Area) (*entry, pingan.Message) {
	if a.Code == "" {
		return nil, pingan.Msg("geo.index.code.empty")
	}
	e := &entry{code: a.Code, polygon: a.Polygon, shape: newShape(a.Polygon)}
	if len(e.shape.rings) == 0 {
		return nil, pingan.Msg("geo.index.polygon.none")
	}
	return e, fine
}

// gridAreas parses the grids' geometries.
func gridAreas(grids []*pingan.Grid) ([]Area, error) {
	areas := make([]Area, 0, len(grids))
	var v pingan.Invalid
	for _, g := range grids {
		mp, msg := parseGeometry(g.Geometry)
		if msg.Key != "" {
			v.Add("grid "+g.Code+" geometry", msg.Key, msg.Args...)
			continue
		}
		areas = append(areas, Area{Code: g.Code, Polygon: mp})
	}
	return areas, v.Err()
}

func (ix *Index) load() *snapshot {
	if s := ix.cur.Load(); s != nil {
		return s
	}
	return &snapshot{tree: &rtree.RTreeG[*entry]{}}
}

// Locate answers the code of the area that holds the point (latitude,
// longitude in WGS84 degrees — note the order), by the smallest-code rule
// on shared borders; ok is false when no area holds it.
func (ix *Index) Locate(lat, lng float64) (code string, ok bool) {
	p := orb.Point{lng, lat}
	var best *entry
	ix.load().tree.Search(p, p, func(_, _ [2]float64, e *entry) bool {
		if (best == nil || e.code < best.code) && e.shape.covers(p) {
			best = e
		}
		return true
	})
	if best == nil {
		return "", false
	}
	return best.code, true
}

// Covering answers the codes of every area that holds the point, sorted:
// more than one only on a shared border (or where areas overlap). Locate
// answers the first.
func (ix *Index) Covering(lat, lng float64) []string {
	p := orb.Point{lng, lat}
	var codes []string
	ix.load().tree.Search(p, p, func(_, _ [2]float64, e *entry) bool {
		if e.shape.covers(p) {
			codes = append(codes, e.code)
		}
		return true
	})
	slices.Sort(codes)
	return codes
}

// Len answers the number of areas.
func (ix *Index) Len() int { return len(ix.load().byCode) }

// Polygon answers the polygon indexed under code.
func (ix *Index) Polygon(code string) (orb.MultiPolygon, bool) {
	e, ok := ix.load().byCode[code]
	if !ok {
		return nil, false
	}
	return e.polygon, true
}

// Search calls fn for each area whose bounding box meets b, until fn
// answers false. The order is the R-tree's.
func (ix *Index) Search(b orb.Bound, fn func(a Area) bool) {
	ix.load().tree.Search(b.Min, b.Max, func(_, _ [2]float64, e *entry) bool {
		return fn(Area{Code: e.code, Polygon: e.polygon})
	})
}

// Upsert adds the grids, or replaces the polygons of those already indexed.
// EINVALID (and no change at all) when a geometry does not parse.
func (ix *Index) Upsert(grids ...*pingan.Grid) error {
	areas, err := gridAreas(grids)
	if err != nil {
		return err
	}
	return ix.Put(areas...)
}

// Put adds areas or replaces those with the same code, all or none.
func (ix *Index) Put(areas ...Area) error {
	entries := make([]*entry, len(areas))
	var v pingan.Invalid
	for i, a := range areas {
		e, msg := newEntry(a)
		if msg.Key != "" {
			v.Add("area "+a.Code, msg.Key, msg.Args...)
		}
		entries[i] = e
	}
	if err := v.Err(); err != nil {
		return err
	}
	ix.change(func(s *snapshot) {
		for _, e := range entries {
			if old, ok := s.byCode[e.code]; ok {
				s.tree.Delete(old.shape.bound.Min, old.shape.bound.Max, old)
			}
			s.byCode[e.code] = e
			s.tree.Insert(e.shape.bound.Min, e.shape.bound.Max, e)
		}
	})
	return nil
}

// Remove drops the areas with these codes; unknown codes are ignored.
func (ix *Index) Remove(codes ...string) {
	ix.change(func(s *snapshot) {
		for _, c := range codes {
			if old, ok := s.byCode[c]; ok {
				s.tree.Delete(old.shape.bound.Min, old.shape.bound.Max, old)
				delete(s.byCode, c)
			}
		}
	})
}

// Replace swaps the whole content for the grids', built aside first: a
// rebuild after a bulk import. EINVALID (and no change) as NewIndex.
func (ix *Index) Replace(grids []*pingan.Grid) error {
	areas, err := gridAreas(grids)
	if err != nil {
		return err
	}
	s, err := build(areas)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.cur.Store(s)
	return nil
}

// change applies fn to a copy of the current snapshot and publishes it.
func (ix *Index) change(fn func(*snapshot)) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.load()
	s := &snapshot{tree: old.tree.Copy(), byCode: maps.Clone(old.byCode)}
	if s.byCode == nil {
		s.byCode = map[string]*entry{}
	}
	fn(s)
	ix.cur.Store(s)
}

// Clone answers an index holding the same areas as ix now, which later
// changes to either leave the other alone. It costs O(1): the R-tree is
// copied on write and the code map is cloned (O(n), about 2 ms at 50,000
// areas). The store builds the next state of its grids on a clone —
// validating an import against it — and publishes it only once the import
// is committed.
func (ix *Index) Clone() *Index {
	s := ix.load()
	c := &Index{}
	c.cur.Store(&snapshot{tree: s.tree.Copy(), byCode: maps.Clone(s.byCode)})
	return c
}

// String describes the index for logs.
func (ix *Index) String() string { return fmt.Sprintf("geo.Index(%d areas)", ix.Len()) }
