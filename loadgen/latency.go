package loadgen

import (
	"math"
	"time"
)

// Latencies are kept in fixed logarithmic buckets rather than as samples:
// a run of an hour at a thousand reports a second would keep millions of
// samples per operation, while the buckets take the same few kilobytes for
// any run. Each bucket is 1% wider than the one before, from 1 µs up to
// about 100 s, so a percentile read from them lies within 1% of the exact
// one; the maximum is kept exactly.
const (
	bucketGrowth = 1.01
	bucketMin    = float64(time.Microsecond)
	bucketCount  = 1853 // 1.01^1852 ≈ 1e8: 1 µs · 1e8 = 100 s
)

var logGrowth = math.Log(bucketGrowth)

// histogram counts durations in the log buckets.
type histogram struct {
	counts [bucketCount]int64
	n      int64
	max    time.Duration
}

// bucketOf answers the bucket holding d: the first whose upper bound is at
// least d.
func bucketOf(d time.Duration) int {
	if float64(d) <= bucketMin {
		return 0
	}
	i := int(math.Ceil(math.Log(float64(d)/bucketMin) / logGrowth))
	return min(max(i, 0), bucketCount-1)
}

// upper answers the upper bound of bucket i.
func upper(i int) time.Duration {
	return time.Duration(bucketMin * math.Pow(bucketGrowth, float64(i)))
}

func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(d)]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile answers the duration below which the share q of the recorded
// durations lie: the upper bound of the bucket holding the ⌈q·n⌉-th
// smallest, never more than the maximum; 0 when nothing was recorded.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := max(int64(math.Ceil(q*float64(h.n))), 1)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(upper(i), h.max)
		}
	}
	return h.max
}
