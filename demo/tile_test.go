package demo

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// tileIndex answers an index of the grids, failing the test on an error.
func tileIndex(t *testing.T, grids ...*pingan.Grid) *geo.Index {
	t.Helper()
	ix, err := geo.NewIndex(grids)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// squareDegrees answers the area of a MultiPolygon without holes, in
// square degrees, whatever the direction of its rings (the shoelace
// formula about the ring's first vertex, which keeps the products small).
func squareDegrees(mp orb.MultiPolygon) float64 {
	var sum float64
	for _, p := range mp {
		r, o := p[0], p[0][0]
		var s float64
		for i := 1; i+1 < len(r); i++ {
			s += (r[i][0]-o[0])*(r[i+1][1]-o[1]) - (r[i+1][0]-o[0])*(r[i][1]-o[1])
		}
		sum += math.Abs(s) / 2
	}
	return sum
}

func TestTileGridsLeaveNoGapsOrOverlaps(t *testing.T) {
	b := orb.Bound{Min: orb.Point{98.49, 39.73}, Max: orb.Point{98.53, 39.76}}
	for _, n := range []int{1, 2, 7, 37, 250} {
		grids := TileGrids("620902001201", b, n, 42)
		if len(grids) != n {
			t.Fatalf("n=%d: %d grids", n, len(grids))
		}
		ix := tileIndex(t, grids...)
		var sum float64
		for _, g := range grids {
			if err := geo.Validate(g, b, ix, 0); err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			mp, _ := geo.ParseGeometry(g.Geometry)
			sum += squareDegrees(mp)
			if g.Type != pingan.GridVillage || g.Households < 100 || g.Households > 700 ||
				g.Population < 2*g.Households || g.Population > 4*g.Households {
				t.Errorf("implausible grid %+v", g)
			}
		}
		if want := (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]); math.Abs(sum-want) > 1e-9*want {
			t.Errorf("n=%d: the tiles cover %g square degrees, the rectangle %g", n, sum, want)
		}
		rng := rand.New(rand.NewPCG(uint64(n), 9))
		for range 20000 {
			lng := b.Min[0] + (b.Max[0]-b.Min[0])*rng.Float64()
			lat := b.Min[1] + (b.Max[1]-b.Min[1])*rng.Float64()
			if got := ix.Covering(lat, lng); len(got) != 1 {
				t.Fatalf("n=%d: [%g, %g] lies in %d tiles %v", n, lng, lat, len(got), got)
			}
		}
		// Points on the tiles' own vertices land in exactly one grid too.
		for _, g := range grids {
			mp, _ := geo.ParseGeometry(g.Geometry)
			for _, p := range mp[0][0] {
				if _, ok := ix.Locate(p[1], p[0]); !ok {
					t.Fatalf("n=%d: vertex %v of %s is in no grid", n, p, g.Code)
				}
			}
		}
	}
}

func TestTileGridsAreDeterministic(t *testing.T) {
	b := orb.Bound{Min: orb.Point{112.8, 35.4}, Max: orb.Point{112.9, 35.5}}
	a, again, other := TileGrids("140502001001", b, 20, 5), TileGrids("140502001001", b, 20, 5), TileGrids("140502001001", b, 20, 6)
	same, differ := true, false
	for i := range a {
		same = same && bytes.Equal(a[i].Geometry, again[i].Geometry) && a[i].Households == again[i].Households
		differ = differ || !bytes.Equal(a[i].Geometry, other[i].Geometry)
	}
	if !same || !differ {
		t.Errorf("same seed same grids: %v; another seed other grids: %v", same, differ)
	}
	if a[0].Code != "140502001001001" || a[19].Code != "140502001001020" || a[0].Type != pingan.GridCommunity || a[0].Name != "第1网格" {
		t.Errorf("first grid %+v", a[0])
	}
}

// tileCounty is a county-sized rectangle (about 45 km × 44 km, 2,000 km²).
var tileCounty = orb.Bound{Min: orb.Point{117.0, 36.0}, Max: orb.Point{117.5, 36.4}}

func TestSplitBoundNests(t *testing.T) {
	// A county into 12 townships, each into 5 villages, each into grids:
	// every random point of the county lies in exactly one grid.
	county := tileCounty
	var grids []*pingan.Grid
	for i, town := range SplitBound(county, 12, 1) {
		for j, village := range SplitBound(town, 5, int64(i)) {
			unit := "370102" + string(rune('A'+i)) + string(rune('a'+j))
			grids = append(grids, TileGrids(unit, village, 3+i%4, 1)...)
		}
	}
	ix := tileIndex(t, grids...)
	rng := rand.New(rand.NewPCG(5, 5))
	for range 20000 {
		lng := county.Min[0] + (county.Max[0]-county.Min[0])*rng.Float64()
		lat := county.Min[1] + (county.Max[1]-county.Min[1])*rng.Float64()
		if got := ix.Covering(lat, lng); len(got) != 1 {
			t.Fatalf("[%g, %g] lies in %v", lng, lat, got)
		}
	}
	var sum float64
	for _, r := range SplitBound(county, 17, 3) {
		sum += (r.Max[0] - r.Min[0]) * (r.Max[1] - r.Min[1])
	}
	if want := (county.Max[0] - county.Min[0]) * (county.Max[1] - county.Min[1]); math.Abs(sum-want) > 1e-12 {
		t.Errorf("17 rectangles cover %g, the county %g", sum, want)
	}
}
