package geo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
)

// square answers the ring of the axis-aligned square [x, x+s] × [y, y+s].
func square(x, y, s float64) orb.Ring {
	return orb.Ring{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}
}

func grid(code string, p orb.Polygon) *pingan.Grid {
	return &pingan.Grid{Code: code, Name: "第1网格", Type: pingan.GridCommunity, Unit: "620902001001",
		Geometry: PolygonJSON(p), Households: 300, Population: 800}
}

func mustIndex(t testing.TB, grids ...*pingan.Grid) *Index {
	t.Helper()
	ix, err := NewIndex(grids)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestLocateRespectsHoles(t *testing.T) {
	// A square 10×10 at (100, 30) with a 2×2 hole in the middle; the hole
	// is itself a grid.
	ix := mustIndex(t,
		grid("A", orb.Polygon{square(100, 30, 10), square(104, 34, 2)}),
		grid("H", orb.Polygon{square(104, 34, 2)}))
	tests := []struct {
		lng, lat float64
		want     string
	}{
		{101, 31, "A"},
		{105, 35, "H"},     // in the hole: not A
		{104, 35, "A"},     // on the hole's border: both cover it, A < H
		{100, 30, "A"},     // A's corner
		{110, 40, "A"},     // A's far corner
		{99.999, 35, ""},   // just outside
		{105, 40.0001, ""}, // just above
		{-105, -35, ""},
	}
	for _, tt := range tests {
		code, ok := ix.Locate(tt.lat, tt.lng)
		if code != tt.want || ok != (tt.want != "") {
			t.Errorf("Locate(%g, %g) = %q, %v; want %q", tt.lat, tt.lng, code, ok, tt.want)
		}
	}
	if got := ix.Covering(35, 105); !slices.Equal(got, []string{"H"}) {
		t.Errorf("Covering inside the hole = %v", got)
	}
	if got := ix.Covering(35, 104); !slices.Equal(got, []string{"A", "H"}) {
		t.Errorf("Covering on the hole's border = %v", got)
	}
}

func TestSharedBorderAndVertexGoToOneGrid(t *testing.T) {
	// Four unit squares meeting at (1, 1), and two triangles sharing a
	// slanted edge from (2, 0) to (3, 3).
	polys := map[string]orb.Polygon{
		"G4": {square(0, 0, 1)}, "G3": {square(1, 0, 1)},
		"G2": {square(0, 1, 1)}, "G1": {square(1, 1, 1)},
		"T2": {{{2, 0}, {3, 3}, {2, 3}, {2, 0}}},
		"T1": {{{2, 0}, {3, 0}, {3, 3}, {2, 0}}},
	}
	tests := []struct {
		lng, lat float64
		covering []string
	}{
		{1, 1, []string{"G1", "G2", "G3", "G4"}}, // the shared vertex
		{1, 0.5, []string{"G3", "G4"}},           // vertical shared edge
		{0.5, 1, []string{"G2", "G4"}},           // horizontal shared edge
		{1.5, 1, []string{"G1", "G3"}},
		{2.5, 1.5, []string{"T1", "T2"}}, // slanted shared edge
		{2, 0, []string{"G3", "T1", "T2"}},
		{0.5, 0.5, []string{"G4"}},
		{2.6, 1.5, []string{"T1"}},
		{2.4, 1.5, []string{"T2"}},
	}
	// Whatever order the grids are indexed in, the answer is the same.
	codes := []string{"G1", "G2", "G3", "G4", "T1", "T2"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 10 {
		rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
		var grids []*pingan.Grid
		for _, c := range codes {
			grids = append(grids, grid(c, polys[c]))
		}
		ix := mustIndex(t, grids...)
		for _, tt := range tests {
			if got := ix.Covering(tt.lat, tt.lng); !slices.Equal(got, tt.covering) {
				t.Errorf("round %d: Covering(%g, %g) = %v, want %v", round, tt.lat, tt.lng, got, tt.covering)
			}
			if code, ok := ix.Locate(tt.lat, tt.lng); !ok || code != tt.covering[0] {
				t.Errorf("round %d: Locate(%g, %g) = %q, want %q (the smallest code)", round, tt.lat, tt.lng, code, tt.covering[0])
			}
		}
	}
}

func TestLocateOutsideEveryGrid(t *testing.T) {
	ix := mustIndex(t, Tiling("620902001001", orb.Bound{Min: orb.Point{98.4, 39.7}, Max: orb.Point{98.5, 39.8}}, 12)...)
	for _, p := range [][2]float64{{39.75, 98.39}, {39.69, 98.45}, {0, 0}, {-90, 180}} {
		if code, ok := ix.Locate(p[0], p[1]); ok {
			t.Errorf("Locate(%v) = %q, want none", p, code)
		}
	}
	var empty Index
	if _, ok := empty.Locate(39.75, 98.45); ok || empty.Len() != 0 {
		t.Error("the zero Index locates something")
	}
}

func TestIndexKeepsInStep(t *testing.T) {
	ix := mustIndex(t, grid("A", orb.Polygon{square(0, 0, 1)}))
	if err := ix.Upsert(grid("B", orb.Polygon{square(1, 0, 1)})); err != nil {
		t.Fatal(err)
	}
	if code, _ := ix.Locate(0.5, 1.5); code != "B" || ix.Len() != 2 {
		t.Errorf("after Upsert: %q, %d areas", code, ix.Len())
	}
	// Move A somewhere else.
	if err := ix.Upsert(grid("A", orb.Polygon{square(5, 5, 1)})); err != nil {
		t.Fatal(err)
	}
	if _, ok := ix.Locate(0.5, 0.5); ok {
		t.Error("A's old polygon still answers")
	}
	if code, _ := ix.Locate(5.5, 5.5); code != "A" {
		t.Errorf("A's new polygon: %q", code)
	}
	ix.Remove("B", "nothing")
	if _, ok := ix.Locate(0.5, 1.5); ok || ix.Len() != 1 {
		t.Error("B still answers after Remove")
	}
	bad := grid("C", orb.Polygon{square(0, 0, 1)})
	bad.Geometry = []byte(`{"type":"Point","coordinates":[1,2]}`)
	if err := ix.Upsert(grid("D", orb.Polygon{square(9, 9, 1)}), bad); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("Upsert of a point: %v", err)
	}
	if _, ok := ix.Polygon("D"); ok {
		t.Error("a failed Upsert changed the index")
	}
	if err := ix.Replace([]*pingan.Grid{grid("Z", orb.Polygon{square(0, 0, 1)})}); err != nil {
		t.Fatal(err)
	}
	if code, _ := ix.Locate(0.5, 0.5); code != "Z" || ix.Len() != 1 {
		t.Errorf("after Replace: %q, %d areas", code, ix.Len())
	}
	if _, err := NewIndex([]*pingan.Grid{grid("A", orb.Polygon{square(0, 0, 1)}), grid("A", orb.Polygon{square(1, 0, 1)})}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("duplicate codes: %v", err)
	}
}

func TestUnitAreas(t *testing.T) {
	// The generic index serves units too: one index per level.
	villages, err := NewAreaIndex([]Area{
		{Code: "620902001001", Polygon: orb.MultiPolygon{{square(0, 0, 1)}}},
		{Code: "620902001002", Polygon: orb.MultiPolygon{{square(1, 0, 1)}, {square(3, 0, 1)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := villages.Locate(0.5, 3.5); code != "620902001002" {
		t.Errorf("second part of a MultiPolygon: %q", code)
	}
	if _, ok := villages.Locate(0.5, 2.5); ok {
		t.Error("between the parts")
	}
}

func TestConcurrentReadsAndChanges(t *testing.T) {
	b := orb.Bound{Min: orb.Point{110, 30}, Max: orb.Point{110.2, 30.2}}
	grids := Tiling("420606001001", b, 400)
	ix := mustIndex(t, grids...)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 0))
			for {
				select {
				case <-stop:
					return
				default:
				}
				lat, lng := 30.0001+rng.Float64()*0.1998, 110.0001+rng.Float64()*0.1998
				if _, ok := ix.Locate(lat, lng); !ok {
					// Grids come and go below, but a point is never in two
					// snapshots at once.
					continue
				}
			}
		}()
	}
	for i := range 200 {
		g := grids[i%len(grids)]
		if i%2 == 0 {
			ix.Remove(g.Code)
		} else if err := ix.Upsert(grids[(i-1)%len(grids)]); err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
	if ix.Len() != len(grids) {
		t.Errorf("%d areas after removing and putting back, want %d", ix.Len(), len(grids))
	}
}

// county is a county-sized rectangle (about 45 km × 44 km, 2,000 km²).
var county = orb.Bound{Min: orb.Point{117.0, 36.0}, Max: orb.Point{117.5, 36.4}}

var benchIndexes sync.Map

func benchLocate(b *testing.B, n int) {
	v, ok := benchIndexes.Load(n)
	if !ok {
		ix, err := NewIndex(Tiling("370000000001", county, n))
		if err != nil {
			b.Fatal(err)
		}
		benchIndexes.Store(n, ix)
		v = ix
	}
	ix := v.(*Index)
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([][2]float64, 1<<16)
	for i := range pts {
		pts[i] = [2]float64{county.Min[1] + rng.Float64()*(county.Max[1]-county.Min[1]),
			county.Min[0] + rng.Float64()*(county.Max[0]-county.Min[0])}
	}
	b.ReportAllocs()
	b.ResetTimer()
	found := 0
	for i := 0; i < b.N; i++ {
		p := pts[i&(len(pts)-1)]
		if _, ok := ix.Locate(p[0], p[1]); ok {
			found++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	if found != b.N {
		b.Fatalf("%d of %d points found no grid", b.N-found, b.N)
	}
}

func BenchmarkLocate5k(b *testing.B)  { benchLocate(b, 5000) }
func BenchmarkLocate50k(b *testing.B) { benchLocate(b, 50000) }

func ExampleIndex_Locate() {
	grids := Tiling("620902001001", orb.Bound{Min: orb.Point{98.49, 39.73}, Max: orb.Point{98.51, 39.75}}, 4)
	ix, _ := NewIndex(grids)
	code, ok := ix.Locate(39.7301, 98.4901) // latitude first
	fmt.Println(code, ok)
	// Output: 620902001001001 true
}

func TestCloneLeavesTheOriginal(t *testing.T) {
	ix := mustIndex(t, grid("A", orb.Polygon{square(0, 0, 1)}))
	c := ix.Clone()
	if err := c.Upsert(grid("B", orb.Polygon{square(1, 0, 1)}), grid("A", orb.Polygon{square(5, 5, 1)})); err != nil {
		t.Fatal(err)
	}
	if code, ok := ix.Locate(0.5, 0.5); !ok || code != "A" || ix.Len() != 1 {
		t.Errorf("the original changed: %q %v, %d areas", code, ok, ix.Len())
	}
	if _, ok := ix.Locate(0.5, 1.5); ok {
		t.Error("the original holds the clone's B")
	}
	if code, _ := c.Locate(5.5, 5.5); code != "A" || c.Len() != 2 {
		t.Errorf("the clone: %q, %d areas", code, c.Len())
	}
	if _, ok := c.Locate(0.5, 0.5); ok {
		t.Error("the clone still holds A's old polygon")
	}
}
