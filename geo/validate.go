package geo

import (
	"errors"
	"fmt"
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
	if err := g.Validate(); err != nil {
		var pe *pingan.Error
		if errors.As(err, &pe) {
			for k, msg := range pe.Fields {
				v.Add(k, msg)
			}
		}
	}
	key := strings.TrimSpace("grid "+g.Code) + " geometry"
	mp, msg := parseGeometry(g.Geometry)
	if msg == "" {
		msg = checkShape(mp)
	}
	if msg != "" {
		v.Add(key, msg)
		return v.Err()
	}
	var problems []string
	a := area(mp)
	if parent != nil {
		pm, ok := multiPolygonOf(parent)
		if !ok {
			problems = append(problems, fmt.Sprintf("所属单位的范围是 %s，不是多边形 (the unit's area is a %s, not a polygon)", parent.GeoJSONType(), parent.GeoJSONType()))
		} else if out := 1 - intersectionArea(mp, pm)/a; out > tolerance+1e-9 {
			problems = append(problems, fmt.Sprintf("有 %.1f%% 的面积在所属村/社区 %s 的范围之外，超出容差 %.1f%% (%.1f%% of it lies outside the area of unit %s)",
				out*100, g.Unit, tolerance*100, out*100, g.Unit))
		}
	}
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
			var zh, en []string
			for i, o := range over {
				if i == 5 {
					zh = append(zh, fmt.Sprintf("等 %d 个", len(over)))
					en = append(en, fmt.Sprintf("and %d more", len(over)-5))
					break
				}
				zh = append(zh, fmt.Sprintf("%s（%.1f%%）", o.code, o.share*100))
				en = append(en, fmt.Sprintf("%s by %.1f%%", o.code, o.share*100))
			}
			problems = append(problems, fmt.Sprintf("与网格 %s 重叠，超出容差 %.1f%% (overlaps grid %s)",
				strings.Join(zh, "、"), tolerance*100, strings.Join(en, ", ")))
		}
	}
	if len(problems) > 0 {
		v.Add(key, strings.Join(problems, "；"))
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
