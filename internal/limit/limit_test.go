package limit

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// A bucket lets Burst through at once, then one per 60/PerMinute seconds,
// and says how long to wait meanwhile; keys do not share a bucket.
func TestTake(t *testing.T) {
	l := New(Rate{PerMinute: 10, Burst: 3}, 0)
	for i := range 3 {
		if d := l.Take("a", t0); d != 0 {
			t.Fatalf("take %d within the burst: wait %v", i, d)
		}
	}
	if d := l.Take("a", t0); d != 6*time.Second {
		t.Errorf("over the burst: wait %v, want 6s", d)
	}
	if d := l.Take("b", t0); d != 0 {
		t.Errorf("another key: wait %v", d)
	}
	if d := l.Take("a", t0.Add(4*time.Second)); d != 2*time.Second {
		t.Errorf("4 s later: wait %v, want 2s", d)
	}
	if d := l.Take("a", t0.Add(6*time.Second)); d != 0 {
		t.Errorf("6 s later: wait %v, want a token", d)
	}
	if d := l.Take("a", t0.Add(11500*time.Millisecond)); d != time.Second {
		t.Errorf("a wait under a second: %v, want 1s", d)
	}
	// Wait spends nothing.
	if d := l.Wait("a", t0.Add(11500*time.Millisecond)); d != time.Second {
		t.Errorf("wait on an empty bucket: %v", d)
	}
	if d := l.Wait("a", t0.Add(12*time.Second)); d != 0 {
		t.Errorf("wait on a token: %v", d)
	}
	if d := l.Wait("a", t0.Add(12*time.Second)); d != 0 {
		t.Errorf("wait spent the token: %v", d)
	}
	if d := l.Wait("new", t0); d != 0 || l.Len() != 2 {
		t.Errorf("wait on a new key: %v, %d buckets", d, l.Len())
	}
	if d := New(Rate{}, 0).Take("a", t0); d != 0 {
		t.Errorf("no limit: wait %v", d)
	}
	var none *Limiter
	if d := none.Take("a", t0); d != 0 {
		t.Errorf("nil limiter: wait %v", d)
	}
}

// A flood of 100,000 addresses leaves the map bounded, whether the old
// buckets have refilled or not, and an address that spent its bucket is still refused.
func TestBounded(t *testing.T) {
	l := New(Rate{PerMinute: 1, Burst: 2}, 1000)
	for i := range 100_000 {
		l.Take(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), t0.Add(time.Duration(i)*time.Millisecond))
		if n := l.Len(); n > 1000 {
			t.Fatalf("after %d addresses: %d buckets", i+1, n)
		}
	}
	// Under the flood an address that spent its bucket is still refused.
	end := t0.Add(100 * time.Second)
	l.Take("busy", end)
	l.Take("busy", end)
	if d := l.Take("busy", end); d == 0 {
		t.Error("busy address let through")
	}
	// Refilled buckets go first: a slow flood keeps nothing of the old.
	r := New(Rate{PerMinute: 60, Burst: 1}, 100)
	for i := range 10_000 {
		r.Take(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second))
		if r.Len() > 100 {
			t.Fatalf("slow flood: %d buckets", r.Len())
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{"10,20": {10, 20}, "10": {10, 10}, " 0 ": {0, 0}, "0.5": {0.5, 1}, "0.5,3": {0.5, 3}} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "10,0", "10,x", "NaN", "Inf"} {
		if _, err := ParseRate(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if s := (Rate{10, 20}).String(); s != "10,20" {
		t.Errorf("String: %q", s)
	}
}

func TestRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "1", time.Second: "1", 1500 * time.Millisecond: "2", time.Minute: "60"} {
		if got := RetryAfter(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
