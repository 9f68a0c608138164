package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// place is where a point lies relative to a ring or a polygon.
type place int8

const (
	outside place = iota
	boundary
	inside
)

// ringPlace answers where p lies relative to the closed ring r (first point
// repeated last).
//
// Every edge is first put in a canonical direction (lower endpoint first, by
// latitude then longitude), so an edge shared by two neighbouring polygons —
// which they traverse in opposite directions — gives bit-for-bit the same
// answers in both. With the half-open rule for crossings this makes polygons
// that share their borders vertex for vertex a partition: a point that is not
// on a border lies in exactly one of them, and a point on a border is on the
// boundary of each of them.
func ringPlace(r orb.Ring, p orb.Point) place {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if a[1] > b[1] || a[1] == b[1] && a[0] > b[0] {
			a, b = b, a
		}
		if p[1] < a[1] || p[1] > b[1] {
			continue
		}
		minX, maxX := a[0], b[0]
		if minX > maxX {
			minX, maxX = maxX, minX
		}
		if p[0] > maxX {
			continue // the edge lies wholly to the left
		}
		if p[0] < minX {
			if p[1] < b[1] { // p[1] ≥ a[1] already: the ray crosses [a, b)
				in = !in
			}
			continue
		}
		cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
		if cross == 0 {
			return boundary
		}
		if cross > 0 && p[1] < b[1] {
			in = !in
		}
	}
	if in {
		return inside
	}
	return outside
}

// shape is a MultiPolygon laid out for fast point queries: every ring's
// positions in one slice (one allocation, few cache misses), the rings in
// order, each outer ring followed by its holes.
type shape struct {
	bound  orb.Bound
	simple bool // one polygon without holes: pts is its ring
	pts    []orb.Point
	rings  []ringSpan
}

// ringSpan is where a ring lies in shape.pts.
type ringSpan struct {
	start, end int
	outer      bool
	bound      orb.Bound
}

func newShape(mp orb.MultiPolygon) shape {
	var s shape
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	s.pts = make([]orb.Point, 0, n)
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) == 0 {
			continue
		}
		for i, r := range p {
			start := len(s.pts)
			s.pts = append(s.pts, r...)
			span := ringSpan{start: start, end: len(s.pts), outer: i == 0, bound: r.Bound()}
			if i == 0 {
				if len(s.rings) == 0 {
					s.bound = span.bound
				} else {
					s.bound = s.bound.Union(span.bound)
				}
			}
			s.rings = append(s.rings, span)
		}
	}
	s.simple = len(s.rings) == 1
	return s
}

// place answers where p lies relative to the shape: on the boundary of any
// of its rings, strictly inside one of its polygons, or outside.
func (s *shape) place(p orb.Point) place {
	if s.simple {
		return ringPlace(s.pts, p)
	}
	for i := 0; i < len(s.rings); {
		outer := s.rings[i]
		j := i + 1
		for j < len(s.rings) && !s.rings[j].outer {
			j++
		}
		holes := s.rings[i+1 : j]
		i = j
		if !outer.bound.Contains(p) {
			continue
		}
		switch ringPlace(s.pts[outer.start:outer.end], p) {
		case outside:
			continue
		case boundary:
			return boundary
		}
		in := true
		for _, h := range holes {
			if !h.bound.Contains(p) {
				continue
			}
			switch ringPlace(s.pts[h.start:h.end], p) {
			case boundary:
				return boundary
			case inside:
				in = false
			}
			if !in {
				break
			}
		}
		if in {
			return inside
		}
	}
	return outside
}

// covers reports whether the closed shape (boundary included) holds p, as
// PostGIS ST_Covers does.
func (s *shape) covers(p orb.Point) bool { return s.place(p) != outside }

// ringArea answers the signed area of a closed ring: positive when it runs
// counter-clockwise (longitude to the right, latitude up).
func ringArea(r orb.Ring) float64 {
	if len(r) < 4 {
		return 0
	}
	var sum float64
	o := r[0]
	for i := 1; i+1 < len(r); i++ {
		sum += (r[i][0]-o[0])*(r[i+1][1]-o[1]) - (r[i+1][0]-o[0])*(r[i][1]-o[1])
	}
	return sum / 2
}

// area answers the area of a MultiPolygon whose holes lie inside their
// shells, in square degrees, whatever the direction of its rings.
func area(mp orb.MultiPolygon) float64 {
	var sum float64
	for _, p := range mp {
		for i, r := range p {
			a := math.Abs(ringArea(r))
			if i == 0 {
				sum += a
			} else {
				sum -= a
			}
		}
	}
	return sum
}

// edge is a directed segment of a ring, with the shape's interior on its left.
type edge struct{ p, q orb.Point }

// orientedEdges answers the edges of mp moved by -origin, outer rings
// counter-clockwise and holes clockwise, without zero-length edges.
func orientedEdges(mp orb.MultiPolygon, origin orb.Point) []edge {
	var out []edge
	for _, p := range mp {
		for i, r := range p {
			ccw := ringArea(r) > 0
			reverse := ccw != (i == 0)
			for j := 0; j+1 < len(r); j++ {
				a := orb.Point{r[j][0] - origin[0], r[j][1] - origin[1]}
				b := orb.Point{r[j+1][0] - origin[0], r[j+1][1] - origin[1]}
				if a == b {
					continue
				}
				if reverse {
					a, b = b, a
				}
				out = append(out, edge{a, b})
			}
		}
	}
	return out
}

// intersectionArea answers the area of a ∩ b for two valid MultiPolygons
// (simple rings, holes inside their shells, parts not overlapping).
//
// It uses Green's theorem rather than clipping: the boundary of a ∩ b is
// made of the pieces of a's edges that lie inside b, the pieces of b's edges
// that lie inside a, and the pieces of border the two share running the same
// way (interiors on the same side). Each edge is cut wherever the other
// shape's boundary meets it, each piece is classified by its midpoint, and
// the area is half the sum of cross products over the kept pieces. Shared
// borders — the normal case between neighbouring grids — and T-junctions are
// handled by that same-direction rule instead of being special cases, which
// is where clipping algorithms such as Greiner–Hormann fail. Cost
// O(|a|·|b|) edge pairs, fine for grids of tens to a few thousand vertices.
// Limits: "on the border" means within 1e-9 of the pair's extent, so pieces
// of border nearer than that count as shared; for invalid (self-
// intersecting) input the answer means nothing — validate rings first.
func intersectionArea(a, b orb.MultiPolygon) float64 {
	ba, bb := a.Bound(), b.Bound()
	if !ba.Intersects(bb) {
		return 0
	}
	all := ba.Union(bb)
	origin := all.Min
	extent := math.Max(all.Max[0]-all.Min[0], all.Max[1]-all.Min[1])
	if extent == 0 {
		return 0
	}
	eps := extent * 1e-9
	ea, eb := orientedEdges(a, origin), orientedEdges(b, origin)
	sa, sb := edgeShape{ea, eps}, edgeShape{eb, eps}
	var sum float64
	for _, e := range ea {
		sum += keptCross(e, sb, true)
	}
	for _, e := range eb {
		sum += keptCross(e, sa, false)
	}
	return math.Max(sum/2, 0)
}

// edgeShape is a shape given by its oriented edges, for classifying points
// with a tolerance for "on the boundary".
type edgeShape struct {
	edges []edge
	eps   float64
}

// place classifies p: boundary if within eps of an edge (answering that
// edge's direction too), else inside or outside by the crossing rule.
func (s edgeShape) place(p orb.Point) (place, []orb.Point) {
	var dirs []orb.Point
	in := false
	for _, e := range s.edges {
		if segmentDistance(p, e.p, e.q) <= s.eps {
			dirs = append(dirs, orb.Point{e.q[0] - e.p[0], e.q[1] - e.p[1]})
			continue
		}
		a, b := e.p, e.q
		if a[1] > b[1] {
			a, b = b, a
		}
		if p[1] < a[1] || p[1] >= b[1] {
			continue
		}
		if (b[0]-a[0])*(p[1]-a[1])-(b[1]-a[1])*(p[0]-a[0]) > 0 {
			in = !in
		}
	}
	if len(dirs) > 0 {
		return boundary, dirs
	}
	if in {
		return inside, nil
	}
	return outside, nil
}

// keptCross answers the sum of cross products p×q over the pieces of e that
// belong to the boundary of the intersection with s; pieces on s's boundary
// count only when shared is set and s's edge there runs the same way.
func keptCross(e edge, s edgeShape, shared bool) float64 {
	d := orb.Point{e.q[0] - e.p[0], e.q[1] - e.p[1]}
	dd := d[0]*d[0] + d[1]*d[1]
	ts := []float64{0, 1}
	minX, maxX := math.Min(e.p[0], e.q[0])-s.eps, math.Max(e.p[0], e.q[0])+s.eps
	minY, maxY := math.Min(e.p[1], e.q[1])-s.eps, math.Max(e.p[1], e.q[1])+s.eps
	for _, f := range s.edges {
		if math.Max(f.p[0], f.q[0]) < minX || math.Min(f.p[0], f.q[0]) > maxX ||
			math.Max(f.p[1], f.q[1]) < minY || math.Min(f.p[1], f.q[1]) > maxY {
			continue
		}
		g := orb.Point{f.q[0] - f.p[0], f.q[1] - f.p[1]}
		r := orb.Point{f.p[0] - e.p[0], f.p[1] - e.p[1]}
		den := d[0]*g[1] - d[1]*g[0]
		if math.Abs(den) > 1e-12*math.Sqrt(dd*(g[0]*g[0]+g[1]*g[1])) {
			t := (r[0]*g[1] - r[1]*g[0]) / den
			u := (r[0]*d[1] - r[1]*d[0]) / den
			if t > 0 && t < 1 && u > -1e-9 && u < 1+1e-9 {
				ts = append(ts, t)
			}
		}
		// Endpoints of f on or near e cut it too (collinear overlaps, touches).
		for _, v := range [2]orb.Point{f.p, f.q} {
			if segmentDistance(v, e.p, e.q) <= s.eps {
				t := ((v[0]-e.p[0])*d[0] + (v[1]-e.p[1])*d[1]) / dd
				if t > 0 && t < 1 {
					ts = append(ts, t)
				}
			}
		}
	}
	slices.Sort(ts)
	var sum float64
	at := func(t float64) orb.Point {
		if t == 1 {
			return e.q
		}
		return orb.Point{e.p[0] + t*d[0], e.p[1] + t*d[1]}
	}
	for i := 0; i+1 < len(ts); i++ {
		t0, t1 := ts[i], ts[i+1]
		if t1-t0 < 1e-12 {
			continue
		}
		a, b := at(t0), at(t1)
		keep := false
		switch pl, dirs := s.place(at((t0 + t1) / 2)); pl {
		case inside:
			keep = true
		case boundary:
			if shared {
				for _, g := range dirs {
					if g[0]*d[0]+g[1]*d[1] > 0 {
						keep = true
					}
				}
			}
		}
		if keep {
			sum += a[0]*b[1] - b[0]*a[1]
		}
	}
	return sum
}

// segmentDistance answers the distance from p to the segment [a, b].
func segmentDistance(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	t := 0.0
	if l > 0 {
		t = ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l
		t = math.Max(0, math.Min(1, t))
	}
	x, y := a[0]+t*dx-p[0], a[1]+t*dy-p[1]
	return math.Hypot(x, y)
}
