package geo

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
)

// ParseGeometry parses a GeoJSON Polygon or MultiPolygon in WGS84 into a
// MultiPolygon (a Polygon becomes a MultiPolygon of one). It refuses, with
// EINVALID naming the field "geometry", what cannot be a polygon: unparsable
// JSON, another geometry type, a ring of fewer than 4 positions or not
// closed, a coordinate out of the WGS84 range. It does not look for
// self-intersections; CheckGeometry does.
func ParseGeometry(raw json.RawMessage) (orb.MultiPolygon, error) {
	mp, msg := parseGeometry(raw)
	if msg.Key != "" {
		return nil, geometryError("geometry", msg)
	}
	return mp, nil
}

// CheckGeometry parses raw as ParseGeometry does and also refuses a polygon
// that is not simple: rings that cross or touch themselves or each other
// (stricter than OGC, which lets a hole touch its shell at one point), a
// ring without area, a hole outside its shell or inside another hole, parts
// of a MultiPolygon that overlap.
func CheckGeometry(raw json.RawMessage) (orb.MultiPolygon, error) {
	mp, msg := parseGeometry(raw)
	if msg.Key == "" {
		msg = checkShape(mp)
	}
	if msg.Key != "" {
		return nil, geometryError("geometry", msg)
	}
	return mp, nil
}

func geometryError(field string, msg pingan.Message) error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("geo.geometry.invalid"), Fields: map[string]pingan.Message{field: msg}}
}

// fine is the message of a geometry with nothing wrong: no key.
var fine pingan.Message

// parseGeometry answers the MultiPolygon of raw, or a message for a person
// saying what is wrong.
func parseGeometry(raw []byte) (orb.MultiPolygon, pingan.Message) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, pingan.Msg("geo.geometry.none")
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, pingan.Msg("geo.geojson.unparsable", err.Error())
	}
	var polys [][][][]float64
	switch g.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil || c == nil {
			return nil, pingan.Msg("geo.polygon.coordinates")
		}
		polys = [][][][]float64{c}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil || polys == nil {
			return nil, pingan.Msg("geo.multipolygon.coordinates")
		}
		if len(polys) == 0 {
			return nil, pingan.Msg("geo.multipolygon.empty")
		}
	case "":
		return nil, pingan.Msg("geo.geometry.type.none")
	default:
		return nil, pingan.Msg("geo.geometry.type.bad", g.Type)
	}
	mp := make(orb.MultiPolygon, len(polys))
	for pi, rings := range polys {
		if len(rings) == 0 {
			return nil, pingan.Msg("geo.polygon.no_rings", pi+1)
		}
		poly := make(orb.Polygon, len(rings))
		for ri, ring := range rings {
			name := ringName(pi, ri, len(polys) > 1)
			if len(ring) < 4 {
				return nil, name.msg("geo.ring.short", len(ring))
			}
			r := make(orb.Ring, len(ring))
			for i, pos := range ring {
				if len(pos) < 2 {
					return nil, name.msg("geo.ring.position", i+1)
				}
				lng, lat := pos[0], pos[1]
				if !(lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90) {
					return nil, name.msg("geo.ring.range", i+1, lng, lat)
				}
				r[i] = orb.Point{lng, lat}
			}
			if r[0] != r[len(r)-1] {
				return nil, name.msg("geo.ring.open", r[0][0], r[0][1], r[len(r)-1][0], r[len(r)-1][1])
			}
			poly[ri] = r
		}
		mp[pi] = poly
	}
	return mp, fine
}

// ringLabel names a ring for people, in Chinese and in English: the
// messages about a ring (geo.ring.*) take both names, and each of their
// texts shows the one of its language.
type ringLabel struct{ zh, en string }

func ringName(poly, ring int, multi bool) ringLabel {
	name := func(lang pingan.Lang) string {
		s := pingan.Text(lang, "geo.ring.outer")
		if ring > 0 {
			s = pingan.Text(lang, "geo.ring.hole", ring)
		}
		if multi {
			s = pingan.Text(lang, "geo.ring.of_polygon", poly+1, s)
		}
		return s
	}
	return ringLabel{zh: name(pingan.ZH), en: name(pingan.EN)}
}

// msg answers the message with key about the ring, with args after its names.
func (l ringLabel) msg(key string, args ...any) pingan.Message {
	return pingan.Msg(key, append([]any{l.zh, l.en}, args...)...)
}

// checkShape answers no message (no key) for a simple MultiPolygon, or what
// is wrong.
func checkShape(mp orb.MultiPolygon) pingan.Message {
	for pi, poly := range mp {
		multi := len(mp) > 1
		for ri, r := range poly {
			name := ringName(pi, ri, multi)
			if distinct(r) < 3 || flat(r) {
				return name.msg("geo.ring.flat")
			}
		}
		if msg := selfIntersection(poly, pi, multi); msg.Key != "" {
			return msg
		}
		for ri := 1; ri < len(poly); ri++ {
			name := ringName(pi, ri, multi)
			if ringPlace(poly[0], poly[ri][0]) == outside {
				return name.msg("geo.ring.outside")
			}
			for rj := 1; rj < len(poly); rj++ {
				if rj != ri && ringPlace(poly[rj], poly[ri][0]) != outside {
					return name.msg("geo.ring.inside", rj)
				}
			}
		}
	}
	for i := range mp {
		for j := i + 1; j < len(mp); j++ {
			if !mp[i].Bound().Intersects(mp[j].Bound()) {
				continue
			}
			ai, aj := area(orb.MultiPolygon{mp[i]}), area(orb.MultiPolygon{mp[j]})
			if intersectionArea(orb.MultiPolygon{mp[i]}, orb.MultiPolygon{mp[j]}) > 1e-9*math.Min(ai, aj) {
				return pingan.Msg("geo.polygon.overlap", i+1, j+1)
			}
		}
	}
	return fine
}

// distinct counts the distinct consecutive positions of a closed ring.
func distinct(r orb.Ring) int {
	n := 0
	for i := 0; i+1 < len(r); i++ {
		if r[i] != r[i+1] {
			n++
		}
	}
	return n
}

// flat reports whether every position of r lies on one line.
func flat(r orb.Ring) bool {
	for i := 1; i < len(r); i++ {
		if r[i] != r[0] {
			for _, p := range r {
				if orient(r[0], r[i], p) != 0 {
					return false
				}
			}
			return true
		}
	}
	return true
}

// segment is one edge of a ring, for the self-intersection sweep.
type segment struct {
	a, b       orb.Point
	ring, idx  int // which ring, which edge of it
	n          int // edges in that ring
	minX, maxX float64
}

// selfIntersection answers no message (no key) when no two edges of the polygon's rings meet
// except consecutive edges at their shared vertex, or a message naming the
// first crossing found. It sorts the edges by their least longitude and
// compares only edges whose longitude ranges overlap: O(n log n + k) for the
// shapes grids have, O(n²) at worst.
func selfIntersection(poly orb.Polygon, pi int, multi bool) pingan.Message {
	var segs []segment
	for ri, r := range poly {
		first := len(segs)
		for i := 0; i+1 < len(r); i++ {
			if r[i] == r[i+1] {
				continue // a repeated position is allowed
			}
			segs = append(segs, segment{a: r[i], b: r[i+1], ring: ri, idx: len(segs) - first,
				minX: math.Min(r[i][0], r[i+1][0]), maxX: math.Max(r[i][0], r[i+1][0])})
		}
		for i := first; i < len(segs); i++ {
			segs[i].n = len(segs) - first
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].minX < segs[j].minX })
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			t := &segs[j]
			if math.Max(s.a[1], s.b[1]) < math.Min(t.a[1], t.b[1]) || math.Max(t.a[1], t.b[1]) < math.Min(s.a[1], s.b[1]) {
				continue
			}
			bad := false
			if s.ring == t.ring && (t.idx == (s.idx+1)%s.n || s.idx == (t.idx+1)%s.n) {
				// Consecutive edges x→y→z meet at y; they must not fold back.
				x, y, z := s.a, s.b, t.b
				if s.idx == (t.idx+1)%s.n {
					x, y, z = t.a, t.b, s.b
				}
				if s.n > 2 && orient(x, y, z) == 0 && (y[0]-x[0])*(z[0]-y[0])+(y[1]-x[1])*(z[1]-y[1]) < 0 {
					bad = true
				}
			} else {
				bad = segmentsMeet(s.a, s.b, t.a, t.b)
			}
			if bad {
				at := meetingPoint(s.a, s.b, t.a, t.b)
				ns, nt := ringName(pi, s.ring, multi), ringName(pi, t.ring, multi)
				if s.ring == t.ring {
					return ns.msg("geo.ring.crossing", min(s.idx, t.idx)+1, max(s.idx, t.idx)+1, at[0], at[1])
				}
				return pingan.Msg("geo.rings.crossing", ns.zh, ns.en, nt.zh, nt.en, at[0], at[1])
			}
		}
	}
	return fine
}

// orient answers the sign of the turn a→b→c: +1 left, -1 right, 0 straight.
func orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// onSegment reports whether c, collinear with a and b, lies within [a, b].
func onSegment(a, b, c orb.Point) bool {
	return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
}

// segmentsMeet reports whether the closed segments [a, b] and [c, d] share
// a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 && o1*o2 <= 0 && o3*o4 <= 0 {
		return true
	}
	return o1 == 0 && onSegment(a, b, c) || o2 == 0 && onSegment(a, b, d) ||
		o3 == 0 && onSegment(c, d, a) || o4 == 0 && onSegment(c, d, b)
}

// meetingPoint answers a point where two meeting segments meet, for messages.
func meetingPoint(a, b, c, d orb.Point) orb.Point {
	r := orb.Point{b[0] - a[0], b[1] - a[1]}
	s := orb.Point{d[0] - c[0], d[1] - c[1]}
	den := r[0]*s[1] - r[1]*s[0]
	if den != 0 {
		t := ((c[0]-a[0])*s[1] - (c[1]-a[1])*s[0]) / den
		t = math.Max(0, math.Min(1, t))
		return orb.Point{a[0] + t*r[0], a[1] + t*r[1]}
	}
	for _, p := range [...]orb.Point{c, d, a, b} {
		if segmentDistance(p, a, b) == 0 && segmentDistance(p, c, d) == 0 {
			return p
		}
	}
	return a
}

// PolygonJSON answers the GeoJSON of p with every coordinate written in its
// shortest exact form, so that shared vertices stay equal through JSON.
func PolygonJSON(p orb.Polygon) []byte {
	size := 32
	for _, r := range p {
		size += len(r) * 40
	}
	buf := make([]byte, 0, size)
	buf = append(buf, `{"type":"Polygon","coordinates":[`...)
	for i, r := range p {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for j, pt := range r {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			buf = strconv.AppendFloat(buf, pt[0], 'f', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, pt[1], 'f', -1, 64)
			buf = append(buf, ']')
		}
		buf = append(buf, ']')
	}
	return append(buf, "]}"...)
}
