package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
)

// Tiling answers n community grids of unit that tile the rectangle b
// exactly, for the tests: rows of nearly square cells, each row with its
// own number of cells at equal widths, so that some sides meet a row
// border at a vertex of four grids and others at a T; the borders between
// rows zigzag through every side's foot, so that neighbours share slanted
// edges too. Neighbours share their borders vertex for vertex (equal
// coordinates, written in their shortest exact form), and no gap or
// overlap is left: every point of b lies in exactly one grid, or on the
// border of several. Grids are numbered from the south-west corner, row by
// row: the unit's code followed by 001, 002 …. The same arguments give the
// same grids. Exported for the package's external tests.
func Tiling(unit string, b orb.Bound, n int) []*pingan.Grid {
	if n <= 0 {
		return nil
	}
	// Rows keep the cells about square on the ground; the first n%rows
	// rows hold one cell more.
	w := (b.Max[0] - b.Min[0]) * math.Cos((b.Min[1]+b.Max[1])/2*math.Pi/180)
	h := b.Max[1] - b.Min[1]
	rows := 1
	if w > 0 && h > 0 {
		rows = int(math.Round(math.Sqrt(float64(n) * h / w)))
	}
	rows = max(1, min(rows, n))
	sides := make([][]float64, rows) // the sides of row r, from 0 to 1
	for r := range sides {
		c := n / rows
		if r < n%rows {
			c++
		}
		for k := 0; k <= c; k++ {
			sides[r] = append(sides[r], float64(k)/float64(c))
		}
	}
	at := func(lo, hi, t float64) float64 {
		switch t {
		case 0:
			return lo
		case 1:
			return hi
		}
		return lo + t*(hi-lo)
	}
	// Border j runs under row j (j = rows is the top of b) through the
	// sides of the rows below and above it, its vertices up and down by
	// at most a tenth of a row; the bottom and top of b stay straight.
	type vertex struct {
		u  float64
		pt orb.Point
	}
	borders := make([][]vertex, rows+1)
	for j := range borders {
		var us []float64
		if j > 0 {
			us = append(us, sides[j-1]...)
		}
		if j < rows {
			us = append(us, sides[j]...)
		}
		slices.Sort(us)
		us = slices.Compact(us)
		for i, u := range us {
			v := float64(j) / float64(rows)
			if j > 0 && j < rows {
				v = (float64(j) + 0.05*float64((i+j)%3-1)) / float64(rows)
			}
			borders[j] = append(borders[j], vertex{u, orb.Point{at(b.Min[0], b.Max[0], u), at(b.Min[1], b.Max[1], v)}})
		}
	}
	find := func(vs []vertex, u float64) int {
		return slices.IndexFunc(vs, func(v vertex) bool { return v.u == u })
	}
	grids := make([]*pingan.Grid, 0, n)
	for r := range rows {
		low, high := borders[r], borders[r+1]
		for k := 0; k+1 < len(sides[r]); k++ {
			u0, u1 := sides[r][k], sides[r][k+1]
			var ring orb.Ring
			for i := find(low, u0); i <= find(low, u1); i++ {
				ring = append(ring, low[i].pt)
			}
			for i := find(high, u1); i >= find(high, u0); i-- {
				ring = append(ring, high[i].pt)
			}
			ring = append(ring, ring[0])
			i := len(grids)
			households := 250 + i*37%450
			grids = append(grids, &pingan.Grid{
				Code:       fmt.Sprintf("%s%03d", unit, i+1),
				Name:       fmt.Sprintf("第%d网格", i+1),
				Type:       pingan.GridCommunity,
				Unit:       unit,
				Geometry:   PolygonJSON(orb.Polygon{ring}),
				Households: households,
				Population: households * 27 / 10,
			})
		}
	}
	return grids
}

// TestTiling: the test grids cover their rectangle without gap or overlap,
// and share borders, vertices of four grids, T-junctions and slanted edges.
func TestTiling(t *testing.T) {
	b := orb.Bound{Min: orb.Point{98.49, 39.73}, Max: orb.Point{98.53, 39.76}}
	for _, n := range []int{1, 2, 5, 37, 250} {
		grids := Tiling("620902001001", b, n)
		if len(grids) != n || grids[0].Code != "620902001001001" || grids[n-1].Code != fmt.Sprintf("620902001001%03d", n) {
			t.Fatalf("n=%d: %d grids, %s … %s", n, len(grids), grids[0].Code, grids[len(grids)-1].Code)
		}
		ix := mustIndex(t, grids...)
		var sum float64
		meet := map[orb.Point]int{}
		slanted := 0
		for _, g := range grids {
			if err := Validate(g, b, ix, 0); err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			mp, _ := ParseGeometry(g.Geometry)
			sum += area(mp)
			r := mp[0][0]
			for i, p := range r[:len(r)-1] {
				meet[p]++
				if q := r[i+1]; p[0] != q[0] && p[1] != q[1] {
					slanted++
				}
			}
		}
		if want := (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]); math.Abs(sum-want) > 1e-9*want {
			t.Errorf("n=%d: the grids cover %g square degrees, the rectangle %g", n, sum, want)
		}
		rng := rand.New(rand.NewPCG(uint64(n), 9))
		for range 20000 {
			lng := b.Min[0] + (b.Max[0]-b.Min[0])*rng.Float64()
			lat := b.Min[1] + (b.Max[1]-b.Min[1])*rng.Float64()
			if got := ix.Covering(lat, lng); len(got) != 1 {
				t.Fatalf("n=%d: [%g, %g] lies in %v", n, lng, lat, got)
			}
		}
		if n < 37 {
			continue
		}
		shared := map[int]int{}
		for _, k := range meet {
			shared[k]++
		}
		if shared[4] == 0 || shared[3] == 0 || slanted == 0 {
			t.Errorf("n=%d: vertices by how many grids meet there %v, %d slanted edges", n, shared, slanted)
		}
	}
}
