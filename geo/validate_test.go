package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
)

func TestIntersectionArea(t *testing.T) {
	unit := orb.MultiPolygon{{square(0, 0, 1)}}
	tests := []struct {
		name string
		b    orb.MultiPolygon
		want float64
	}{
		{"half", orb.MultiPolygon{{square(0.5, 0, 1)}}, 0.5},
		{"quarter", orb.MultiPolygon{{square(0.5, 0.5, 1)}}, 0.25},
		{"same", unit, 1},
		{"neighbour", orb.MultiPolygon{{square(1, 0, 1)}}, 0},
		{"corner only", orb.MultiPolygon{{square(1, 1, 1)}}, 0},
		{"apart", orb.MultiPolygon{{square(3, 3, 1)}}, 0},
		{"inside", orb.MultiPolygon{{square(0.25, 0.25, 0.5)}}, 0.25},
		{"around", orb.MultiPolygon{{square(-1, -1, 3)}}, 1},
		{"around with a hole", orb.MultiPolygon{{square(-1, -1, 3), square(0.25, 0.25, 0.5)}}, 0.75},
		{"clockwise", orb.MultiPolygon{{orb.Ring{{0.5, 0}, {0.5, 1}, {1.5, 1}, {1.5, 0}, {0.5, 0}}}}, 0.5},
		{"T-junction: half of a shared side", orb.MultiPolygon{{square(1, 0, 0.5)}}, 0},
		{"triangle", orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}}, 0.5},
		{"diamond", orb.MultiPolygon{{orb.Ring{{0.5, -0.5}, {1.5, 0.5}, {0.5, 1.5}, {-0.5, 0.5}, {0.5, -0.5}}}}, 1},
		{"two parts", orb.MultiPolygon{{square(-0.5, 0, 1)}, {square(0.75, 0, 1)}}, 0.75},
	}
	for _, tt := range tests {
		got := intersectionArea(unit, tt.b)
		back := intersectionArea(tt.b, unit)
		if math.Abs(got-tt.want) > 1e-12 || math.Abs(back-tt.want) > 1e-12 {
			t.Errorf("%s: area of the intersection %g (reversed %g), want %g", tt.name, got, back, tt.want)
		}
	}
}

func TestValidateNamesEachFailure(t *testing.T) {
	parent := orb.Bound{Min: orb.Point{98, 39}, Max: orb.Point{99, 40}}
	others := mustIndex(t, grid("620902001001009", orb.Polygon{square(98.5, 39.5, 0.2)}))
	raw := func(s string) *pingan.Grid {
		g := grid("620902001001001", nil)
		g.Geometry = []byte(s)
		return g
	}
	poly := func(p orb.Polygon) *pingan.Grid { return grid("620902001001001", p) }
	tests := []struct {
		name  string
		g     *pingan.Grid
		field string
		says  string
		msg   string
	}{
		{"unparsable", raw(`{"type":"Polygon","coordinates":[[[98.1,39.1],`), "geometry", "无法解析", "geo.geojson.unparsable"},
		{"missing", raw(``), "geometry", "没有几何", "geo.geometry.none"},
		{"a point", raw(`{"type":"Point","coordinates":[98.1,39.1]}`), "geometry", "Point", "geo.geometry.type.bad"},
		{"not rings", raw(`{"type":"Polygon","coordinates":[98.1,39.1]}`), "geometry", "coordinates", "geo.polygon.coordinates"},
		{"unclosed ring", raw(`{"type":"Polygon","coordinates":[[[98.1,39.1],[98.2,39.1],[98.2,39.2],[98.1,39.2]]]}`), "geometry", "未闭合", "geo.ring.open"},
		{"three points", raw(`{"type":"Polygon","coordinates":[[[98.1,39.1],[98.2,39.1],[98.1,39.1]]]}`), "geometry", "至少需要 4 个", "geo.ring.short"},
		{"latitude first", raw(`{"type":"Polygon","coordinates":[[[39.1,98.1],[39.2,98.1],[39.2,98.2],[39.1,98.1]]]}`), "geometry", "WGS84", "geo.ring.range"},
		{"one number", raw(`{"type":"Polygon","coordinates":[[[98.1],[98.2,39.1],[98.2,39.2],[98.1]]]}`), "geometry", "不是 [经度, 纬度]", "geo.ring.position"},
		{"bow tie", poly(orb.Polygon{{{98.1, 39.1}, {98.2, 39.2}, {98.2, 39.1}, {98.1, 39.2}, {98.1, 39.1}}}), "geometry", "自相交", "geo.ring.crossing"},
		{"spike", poly(orb.Polygon{{{98.1, 39.1}, {98.2, 39.1}, {98.3, 39.1}, {98.2, 39.1}, {98.2, 39.2}, {98.1, 39.1}}}), "geometry", "自相交", "geo.ring.crossing"},
		{"flat", poly(orb.Polygon{{{98.1, 39.1}, {98.2, 39.1}, {98.3, 39.1}, {98.1, 39.1}}}), "geometry", "面积为零", "geo.ring.flat"},
		{"hole outside", poly(orb.Polygon{square(98.1, 39.1, 0.1), square(98.3, 39.3, 0.05)}), "geometry", "在外环之外", "geo.ring.outside"},
		{"hole crossing", poly(orb.Polygon{square(98.1, 39.1, 0.1), square(98.15, 39.15, 0.1)}), "geometry", "相交", "geo.rings.crossing"},
		{"outside the unit", poly(orb.Polygon{square(98.95, 39.1, 0.1)}), "geometry", "范围之外", "geo.grid.outside"},
		{"overlapping a grid", poly(orb.Polygon{square(98.6, 39.6, 0.2)}), "geometry", "620902001001009", "geo.grid.overlap"},
		{"bad type", func() *pingan.Grid { g := poly(orb.Polygon{square(98.1, 39.1, 0.1)}); g.Type = "urban"; return g }(), "type", "网格类型", "grid.type.bad"},
		{"bad position", func() *pingan.Grid {
			g := poly(orb.Polygon{square(98.1, 39.1, 0.1)})
			g.Workers = []pingan.GridWorker{{UserID: 1, Name: "张三", Position: "网格员"}}
			return g
		}(), "workers[0]", "岗位", "grid.position.bad"},
	}
	for _, tt := range tests {
		err := Validate(tt.g, parent, others, DefaultTolerance)
		e, ok := err.(*pingan.Error)
		key := "grid 620902001001001 " + tt.field
		if !ok || e.Code != pingan.EINVALID || e.Fields[key].Key != tt.msg || !strings.Contains(e.Fields[key].Text(pingan.ZH), tt.says) {
			t.Errorf("%s: want %q: %s mentioning %q, got %v", tt.name, key, tt.msg, tt.says, err)
		}
		checkTexts(t, err)
	}

	// Outside the unit and over other grids at once: one message says both,
	// and lists at most five grids.
	var many []*pingan.Grid
	for i := range 7 {
		many = append(many, grid(fmt.Sprintf("62090200100102%d", i), orb.Polygon{square(98.9+0.03*float64(i), 39.5, 0.03)}))
	}
	both := poly(orb.Polygon{square(98.9, 39.5, 0.2)})
	err := Validate(both, parent, mustIndex(t, many...), DefaultTolerance)
	var e *pingan.Error
	key := "grid 620902001001001 geometry"
	if !errors.As(err, &e) || e.Fields[key].Key != "geo.grid.outside.overlap" {
		t.Fatalf("outside and overlapping: %v", err)
	}
	zh, en := e.Fields[key].Text(pingan.ZH), e.Fields[key].Text(pingan.EN)
	if !strings.Contains(zh, "范围之外") || !strings.Contains(zh, "620902001001024（") || !strings.Contains(zh, "等 7 个") || strings.Contains(zh, "620902001001025") {
		t.Errorf("in Chinese: %s", zh)
	}
	if !strings.Contains(en, "lies outside") || !strings.Contains(en, "620902001001024 by") || !strings.Contains(en, "and 2 more") || strings.Contains(en, "（") {
		t.Errorf("in English: %s", en)
	}
	checkTexts(t, err)

	// Within the tolerance: 0.5% outside the unit.
	ok := poly(orb.Polygon{square(98.801, 39.1, 0.2)}) // 0.001/0.2 = 0.5% outside
	if err := Validate(ok, parent, others, DefaultTolerance); err != nil {
		t.Errorf("0.5%% outside: %v", err)
	}
	if err := Validate(ok, parent, others, 0.001); err == nil {
		t.Error("0.5% outside passes a tolerance of 0.1%")
	}
	// A grid replacing itself does not overlap itself.
	self := grid("620902001001009", orb.Polygon{square(98.5, 39.5, 0.21)})
	if err := Validate(self, parent, others, 0); err != nil {
		t.Errorf("replacing a grid: %v", err)
	}
	if err := Validate(self, nil, nil, 0); err != nil {
		t.Errorf("without a parent or others: %v", err)
	}
}
