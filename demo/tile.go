package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// TileGrids answers n grids under the village or community unit that tile
// the rectangle b exactly, for the demo city: no gaps, no overlaps, and
// neighbours share their borders vertex for vertex (bit-for-bit equal
// coordinates), so every point of b lies in exactly one grid, or on the
// border of several. Codes are the unit's code followed by a three-digit
// number (001, 002 …), names 第N网格. The type follows the statistical code
// of the unit: the last three digits of a 12-digit village code are 001–199
// for a residents' committee (居委会, community grids) and 200–399 for a
// villagers' committee (村委会, village grids). Households are a few hundred
// per grid, population 2.2 to 3.2 people per household.
//
// The same unit, rectangle, n and seed always give the same grids; the unit
// code is mixed into the seed so that villages of one demo city differ.
func TileGrids(unit string, b orb.Bound, n int, seed int64) []*pingan.Grid {
	rng := rand.New(rand.NewPCG(uint64(seed), hash(unit)))
	polys := tile(b, n, rng)
	typ := pingan.GridCommunity
	if len(unit) == 12 {
		if k, err := strconv.Atoi(unit[9:]); err == nil && k >= 200 && k < 400 {
			typ = pingan.GridVillage
		}
	}
	grids := make([]*pingan.Grid, len(polys))
	for i, p := range polys {
		households := 250 + rng.IntN(450)
		if typ == pingan.GridVillage {
			households = 120 + rng.IntN(330)
		}
		grids[i] = &pingan.Grid{
			Code:       fmt.Sprintf("%s%03d", unit, i+1),
			Name:       fmt.Sprintf("第%d网格", i+1),
			Type:       typ,
			Unit:       unit,
			Geometry:   geo.PolygonJSON(p),
			Households: households,
			Population: int(math.Round(float64(households) * (2.2 + rng.Float64()))),
		}
	}
	return grids
}

// Tile answers n simple polygons that tile the rectangle b exactly, as
// TileGrids lays them out; deterministic for a seed.
func Tile(b orb.Bound, n int, seed int64) []orb.Polygon {
	return tile(b, n, rand.New(rand.NewPCG(uint64(seed), 0)))
}

// SplitBound splits b into n rectangles that tile it exactly, in rows of
// slightly different heights and widths like a brick wall; neighbours share
// their edges with equal coordinates. The demo carves a county into
// townships and a township into villages with it, then tiles each village
// with TileGrids, so that every level nests without gaps. Deterministic for
// a seed.
func SplitBound(b orb.Bound, n int, seed int64) []orb.Bound {
	if n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	rows, counts := layout(b, n, rng)
	ys := make([]float64, rows+1)
	for h := range ys {
		ys[h] = lerp(b.Min[1], b.Max[1], (float64(h)+jitter(rng, 0.25))/float64(rows), h == 0, h == rows)
	}
	out := make([]orb.Bound, 0, n)
	for r, c := range counts {
		xs := columns(rng, c)
		for k := range c {
			out = append(out, orb.Bound{
				Min: orb.Point{lerp(b.Min[0], b.Max[0], xs[k], k == 0, false), ys[r]},
				Max: orb.Point{lerp(b.Min[0], b.Max[0], xs[k+1], false, k+1 == c), ys[r+1]},
			})
		}
	}
	return out
}

// tile lays n cells over b: rows of nearly equal height, each with its own
// number of cells (so any n works) separated by vertical sides at jittered
// positions; the borders between rows are wavy polylines through every
// side's foot, so that cells above and below share the same vertices. All
// jitter stays under 0.3 of a cell, which keeps every cell simple: its
// bottom and top chains are monotone in longitude and at least 0.4 of a
// row apart.
func tile(b orb.Bound, n int, rng *rand.Rand) []orb.Polygon {
	if n <= 0 {
		return nil
	}
	rows, counts := layout(b, n, rng)
	// us[r] are the sides of row r, from 0 to 1.
	us := make([][]float64, rows)
	for r, c := range counts {
		us[r] = columns(rng, c)
	}
	// Border h runs under row h (h = rows is the top of b). Its vertices
	// are the sides of the rows below and above it.
	type vertex struct {
		u  float64
		pt orb.Point
	}
	borders := make([][]vertex, rows+1)
	for h := 0; h <= rows; h++ {
		var at []float64
		if h > 0 {
			at = append(at, us[h-1]...)
		}
		if h < rows {
			at = append(at, us[h]...)
		}
		slices.Sort(at)
		at = slices.Compact(at)
		base := float64(h) + jitter(rng, 0.15)
		vs := make([]vertex, len(at))
		for i, u := range at {
			v := (base + jitter(rng, 0.15)) / float64(rows)
			vs[i] = vertex{u, orb.Point{
				lerp(b.Min[0], b.Max[0], u, u == 0, u == 1),
				lerp(b.Min[1], b.Max[1], v, h == 0, h == rows),
			}}
		}
		borders[h] = vs
	}
	find := func(vs []vertex, u float64) int {
		i, _ := slices.BinarySearchFunc(vs, u, func(v vertex, u float64) int {
			switch {
			case v.u < u:
				return -1
			case v.u > u:
				return 1
			}
			return 0
		})
		return i
	}
	out := make([]orb.Polygon, 0, n)
	for r := range rows {
		low, high := borders[r], borders[r+1]
		for k := range counts[r] {
			u0, u1 := us[r][k], us[r][k+1]
			var ring orb.Ring
			for i := find(low, u0); i <= find(low, u1); i++ {
				ring = append(ring, low[i].pt)
			}
			for i := find(high, u1); i >= find(high, u0); i-- {
				ring = append(ring, high[i].pt)
			}
			ring = append(ring, ring[0])
			out = append(out, orb.Polygon{ring})
		}
	}
	return out
}

// layout answers the number of rows for n cells over b, keeping cells
// about square on the ground, and how many cells each row holds.
func layout(b orb.Bound, n int, rng *rand.Rand) (int, []int) {
	w := (b.Max[0] - b.Min[0]) * math.Cos((b.Min[1]+b.Max[1])/2*math.Pi/180)
	h := b.Max[1] - b.Min[1]
	rows := 1
	if w > 0 && h > 0 {
		rows = int(math.Round(math.Sqrt(float64(n) * h / w)))
	}
	rows = max(1, min(rows, n))
	counts := make([]int, rows)
	for r := range counts {
		counts[r] = n / rows
	}
	for _, r := range rng.Perm(rows)[:n%rows] {
		counts[r]++
	}
	return rows, counts
}

// columns answers c+1 positions from 0 to 1 at (k ± 0.3)/c.
func columns(rng *rand.Rand, c int) []float64 {
	xs := make([]float64, c+1)
	for k := 1; k < c; k++ {
		xs[k] = (float64(k) + jitter(rng, 0.3)) / float64(c)
	}
	xs[c] = 1
	return xs
}

// jitter answers a uniform number in [-a, a).
func jitter(rng *rand.Rand, a float64) float64 { return (rng.Float64()*2 - 1) * a }

// lerp answers lo + t(hi-lo), exactly lo or hi at the ends so that cells on
// the edge of the rectangle lie exactly on it.
func lerp(lo, hi, t float64, atLo, atHi bool) float64 {
	switch {
	case atLo:
		return lo
	case atHi:
		return hi
	}
	return lo + t*(hi-lo)
}

// hash mixes a code into a seed.
func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
