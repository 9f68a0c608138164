package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// gridPlace is a grid of the demo city with what the history needs of it.
type gridPlace struct {
	grid    *pingan.Grid
	village *place
	bound   orb.Bound
	// weight is how much happens in the grid: its households, or for a
	// dedicated grid (a school, a market …) a share of the people there.
	weight float64
	// reporter is the grid worker who reports from the grid: its own
	// 网格员 where it has an account, else the village's.
	reporter *pingan.User
}

// mix answers a seed for one unit: the demo's seed with the unit's code
// mixed in, so that each unit is laid out on its own and adding a unit
// moves no other.
func mix(seed uint64, code string) int64 {
	h := fnv.New64a()
	h.Write([]byte(code))
	return int64(h.Sum64() ^ seed*0x9e3779b97f4a7c15)
}

// lay lays the territory out on the map and tiles every village and
// community with grids: the box around the seat is split among the
// counties (the seat in the middle), each county among its townships (the
// 街道 of a town share one piece in the middle, as streets crowd a
// county's centre), each township among its villages (its communities,
// again, share the middle piece), all with SplitBound so that every
// level nests without gaps; then TileGrids tiles each village or
// community with grids of a few hundred households. The same seed gives
// the same map.
func lay(top *place, ref reference, seed uint64) []*gridPlace {
	top.bound = orb.Bound{
		Min: orb.Point{ref.lng - ref.dlng/2, ref.lat - ref.dlat/2},
		Max: orb.Point{ref.lng + ref.dlng/2, ref.lat + ref.dlat/2},
	}
	var grids []*gridPlace
	var split func(p *place)
	split = func(p *place) {
		if len(p.children) == 0 {
			if p.level() == pingan.LevelVillage {
				grids = append(grids, tileVillage(p, seed)...)
			}
			return
		}
		var urban func(*place) bool
		switch p.level() {
		case pingan.LevelCity:
			urban = func(c *place) bool { return c.unit.Code == ref.seat }
		case pingan.LevelCounty:
			urban = func(c *place) bool { return suffix(c.unit.Code) < 100 } // 街道
		default:
			urban = func(c *place) bool { return community(c) && !park(c) }
		}
		share(p.bound, p.children, urban, mix(seed, p.unit.Code))
		for _, c := range p.children {
			split(c)
		}
	}
	split(top)
	return grids
}

// share gives each place a piece of b: the urban ones share the piece
// nearest the middle of b, the others one piece each.
func share(b orb.Bound, ps []*place, urban func(*place) bool, seed int64) {
	var core, rest []*place
	for _, p := range ps {
		if urban(p) {
			core = append(core, p)
		} else {
			rest = append(rest, p)
		}
	}
	if len(core) == 0 || len(rest) == 0 {
		for i, piece := range SplitBound(b, len(ps), seed) {
			ps[i].bound = piece
		}
		return
	}
	pieces := SplitBound(b, len(rest)+1, seed)
	mid, best := 0, math.Inf(1)
	for i, piece := range pieces {
		c, m := piece.Center(), b.Center()
		if d := math.Hypot(c[0]-m[0], c[1]-m[1]); d < best {
			mid, best = i, d
		}
	}
	k := 0
	for i, piece := range pieces {
		if i == mid {
			continue
		}
		rest[k].bound = piece
		k++
	}
	for i, piece := range SplitBound(pieces[mid], len(core), seed^1) {
		core[i].bound = piece
	}
}

// dedicated are the kinds of dedicated grids (专属网格) the demo draws in
// communities and villages: a school, a market, a hospital …, with how
// many people are there on a day.
var dedicated = []struct {
	name     string
	min, max int
}{
	{"校园", 600, 2400},
	{"农贸市场", 200, 800},
	{"医院", 400, 1500},
	{"商圈", 500, 3000},
	{"工业园", 300, 2000},
}

// tileVillage tiles a village or community with grids: a community with 4
// to 10, a village with 1 to 3, an industrial park or development zone with
// 1 or 2 dedicated ones; now and then one grid of a community (more rarely
// of a village) is a dedicated grid for a school, a market, a hospital ….
func tileVillage(v *place, seed uint64) []*gridPlace {
	rng := rand.New(rand.NewPCG(uint64(mix(seed, v.unit.Code)), 7))
	n := 1 + rng.IntN(3)
	switch {
	case park(v):
		n = 1 + rng.IntN(2)
	case community(v):
		n = 4 + rng.IntN(7)
	}
	grids := TileGrids(v.unit.Code, v.bound, n, mix(seed, v.unit.Code))
	short := shortName(v.unit.Name)
	special := -1
	if !park(v) && ((community(v) && n >= 5 && rng.Float64() < 0.4) || (!community(v) && n >= 2 && rng.Float64() < 0.12)) {
		special = n - 1
	}
	out := make([]*gridPlace, len(grids))
	for i, g := range grids {
		g.Name = fmt.Sprintf("%s第%d网格", short, i+1)
		if !community(v) {
			g.Type = pingan.GridVillage // 200–399, and 500–599 (a unit like a village)
		}
		weight := float64(g.Households)
		if park(v) || i == special {
			d := dedicated[rng.IntN(len(dedicated))]
			switch {
			case park(v):
				d = dedicated[4]
			case !community(v):
				d = dedicated[[]int{0, 1, 4}[rng.IntN(3)]] // a village has no 商圈, its clinic no 专属网格
			}
			g.Type = pingan.GridDedicated
			g.Name = short + d.name + "专属网格"
			if park(v) {
				g.Name = fmt.Sprintf("%s第%d专属网格", short, i+1)
			}
			g.Households = 0
			g.Population = d.min + rng.IntN(d.max-d.min)
			weight = float64(g.Population) / 3
		}
		mp, _ := geo.ParseGeometry(g.Geometry)
		out[i] = &gridPlace{grid: g, village: v, bound: mp.Bound(), weight: weight}
	}
	v.grids = out
	return out
}

// point answers a random point inside the grid, at the precision of a
// phone's position (six decimals, about 0.1 m), that the index places in
// the grid itself: never on a border another grid shares.
func point(ix *geo.Index, g *gridPlace, rng *rand.Rand) pingan.Location {
	b := g.bound
	for range 64 {
		lng := round6(b.Min[0] + (b.Max[0]-b.Min[0])*(0.02+0.96*rng.Float64()))
		lat := round6(b.Min[1] + (b.Max[1]-b.Min[1])*(0.02+0.96*rng.Float64()))
		if got := ix.Covering(lat, lng); len(got) == 1 && got[0] == g.grid.Code {
			return pingan.Location{Lat: lat, Lng: lng}
		}
	}
	c := b.Center()
	return pingan.Location{Lat: round6(c[1]), Lng: round6(c[0])}
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
