package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestQuantile: a percentile read from the log buckets lies within 1% of
// the exact one over the same samples, and the maximum is exact.
func TestQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h, a, b histogram
	var samples []time.Duration
	for i := range 20000 {
		// Log-normal around a few milliseconds, with a long tail.
		d := time.Duration(float64(3*time.Millisecond) * math.Exp(rng.NormFloat64()))
		samples = append(samples, d)
		h.record(d)
		if i%2 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	a.merge(&b)
	slices.Sort(samples)
	for _, q := range []float64{0.5, 0.95, 0.99, 1} {
		exact := samples[int(math.Ceil(q*float64(len(samples))))-1]
		for name, x := range map[string]*histogram{"one": &h, "merged": &a} {
			got := x.quantile(q)
			if rel := math.Abs(float64(got-exact)) / float64(exact); rel > 0.01 {
				t.Errorf("%s: quantile %g = %v, exact %v (%.2f%% off)", name, q, got, exact, 100*rel)
			}
		}
	}
	if h.max != samples[len(samples)-1] || a.max != h.max {
		t.Errorf("max %v (merged %v), want %v", h.max, a.max, samples[len(samples)-1])
	}
	if h.n != int64(len(samples)) || a.n != h.n {
		t.Errorf("n %d (merged %d), want %d", h.n, a.n, len(samples))
	}
	var empty histogram
	if empty.quantile(0.5) != 0 {
		t.Error("an empty histogram answers a latency")
	}
}

// TestPoint: positions drawn in grids lie inside them, and in both grids
// about as often as their areas say.
func TestPoint(t *testing.T) {
	grids := []byte(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"code":"small"},"geometry":{"type":"Polygon","coordinates":[[[98.50,39.75],[98.51,39.75],[98.51,39.76],[98.50,39.75]]]}},
	 {"type":"Feature","properties":{"code":"big"},"geometry":{"type":"MultiPolygon","coordinates":[[[[98.60,39.80],[98.62,39.80],[98.62,39.82],[98.60,39.82],[98.60,39.80]]]]}}]}`)
	p, err := newPicker([]category{{Code: "0102", Kind: "dispute"}}, grids)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	small := 0
	const n = 4000
	for range n {
		l := p.point(rng)
		switch {
		case l.Lng >= 98.60 && l.Lng <= 98.62 && l.Lat >= 39.80 && l.Lat <= 39.82:
		case l.Lng >= 98.50 && l.Lng <= 98.51 && l.Lat >= 39.75 && l.Lat <= l.Lng-98.50+39.75:
			small++ // below the triangle's diagonal
		default:
			t.Fatalf("%v lies in no grid", l)
		}
	}
	// The triangle is an eighth of the square's area: 1/9 of the points.
	if share := float64(small) / n; share < 0.08 || share > 0.14 {
		t.Errorf("%.3f of the points in the small grid, want about 0.111", share)
	}
}
