package geo

import (
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
)

// DefaultTolerance is the share of a grid's area that may lie outside its
// unit's area, or under another grid, before Validate refuses it: 1%,
// enough for borders digitised by hand from different base maps.
const DefaultTolerance = 0.01

// Validate checks a grid before it is stored. It answers nil, or an
// EINVALID *pingan.Error whose Fields name the grid ("grid CODE …") for:
//
//   - the fields other than the geometry (see pingan.Grid.Validate);
//   - geometry that is missing or unparsable, not a Polygon or MultiPolygon,
//     with a ring that is not closed or has fewer than 4 positions, with
//     coordinates out of the WGS84 range (see ParseGeometry);
//   - a polygon that is not simple: edges that cross or touch, a ring
//     without area, a hole outside its shell (see CheckGeometry);
//   - more than tolerance of the grid's area outside parent, the area of the
//     grid's village or community (a Polygon, MultiPolygon, Ring or Bound;
//     nil when the unit has no area);
//   - more than tolerance of the grid's area under any one grid of others
//     (may be nil); a grid with the same code in others is the one being
//     replaced and is skipped.
//
// tolerance is a fraction (0.01 = 1%); areas are computed exactly (up to
// floating point) by intersectionArea, not estimated.
func Validate(g *pingan.Grid, parent orb.Geometry, others *Index, tolerance float64) error {
	var v pingan.Invalid
	if err := v.Merge(g.Validate()); err != nil {
		return err
	}
	key := strings.TrimSpace("grid "+g.Code) + " geometry"
	mp, msg := parseGeometry(g.Geometry)
	if msg.Key == "" {
		msg = checkShape(mp)
	}
	if msg.Key != "" {
		v.Add(key, msg.Key, msg.Args...)
		return v.Err()
	}
	// What is wrong with the grid against its unit's area, and against the
	// other grids: one message for the field, naming either or both.
	var unitKey, bothKey string // the message without an overlap, and with one
	var unitArgs []any
	a := area(mp)
	if parent != nil {
		pm, ok := multiPolygonOf(parent)
		if !ok {
			unitKey, bothKey = "geo.unit_area.not_polygon", "geo.unit_area.not_polygon.overlap"
			unitArgs = []any{parent.GeoJSONType()}
		} else if out := 1 - intersectionArea(mp, pm)/a; out > tolerance+1e-9 {
			unitKey, bothKey = "geo.grid.outside", "geo.grid.outside.overlap"
			unitArgs = []any{out * 100, g.Unit, tolerance * 100}
		}
	}
	var overZH, overEN string
	if others != nil {
		type overlap struct {
			code  string
			share float64
		}
		var over []overlap
		others.Search(mp.Bound(), func(o Area) bool {
			if o.Code == g.Code {
				return true
			}
			if share := intersectionArea(mp, o.Polygon) / a; share > tolerance+1e-9 {
				over = append(over, overlap{o.Code, share})
			}
			return true
		})
		slices.SortFunc(over, func(x, y overlap) int { return strings.Compare(x.code, y.code) })
		if len(over) > 0 {
			// The list of grids is written in both languages; each text
			// of the message shows its own.
			var zh, en []string
			for i, o := range over {
				if i == 5 {
					zh = append(zh, pingan.Text(pingan.ZH, "geo.overlap.more", len(over), len(over)-5))
					en = append(en, pingan.Text(pingan.EN, "geo.overlap.more", len(over), len(over)-5))
					break
				}
				zh = append(zh, pingan.Text(pingan.ZH, "geo.overlap.item", o.code, o.share*100))
				en = append(en, pingan.Text(pingan.EN, "geo.overlap.item", o.code, o.share*100))
			}
			overZH, overEN = strings.Join(zh, "、"), strings.Join(en, ", ")
		}
	}
	switch {
	case overZH == "" && unitKey != "":
		v.Add(key, unitKey, unitArgs...)
	case overZH != "" && unitKey == "":
		v.Add(key, "geo.grid.overlap", overZH, overEN, tolerance*100)
	case overZH != "":
		v.Add(key, bothKey, append(unitArgs, overZH, overEN, tolerance*100)...)
	}
	return v.Err()
}

// multiPolygonOf answers g as a MultiPolygon when it is an area.
func multiPolygonOf(g orb.Geometry) (orb.MultiPolygon, bool) {
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, len(g) > 0
	case orb.Polygon:
		return orb.MultiPolygon{g}, len(g) > 0
	case orb.Ring:
		return orb.MultiPolygon{{g}}, len(g) >= 4
	case orb.Bound:
		return orb.MultiPolygon{{g.ToRing()}}, true
	}
	return nil, false
}
