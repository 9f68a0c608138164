package pingan

import "math"

// Detector is the spike detector (异常增长) of one grid × category series
// against its own seasonal baseline: the count of the last Window days is
// held against the counts of the same weekdays in each of the Weeks weeks
// before (so a weekly rhythm — fewer reports at weekends — is its own
// baseline), as a Poisson test. A window is a spike when it counts at
// least MinCount cases and a count as high has probability at most Alpha
// under a Poisson law with the baseline's mean (with a floor, so a series
// that was quiet is not alarmed by two cases). The engine adds a cooldown
// per series (WarningRule.Cooldown), so one spike raises one warning.
// Why this and not EWMA: the counts per grid and category are small (most
// days 0), where a Poisson tail is exact and an EWMA's normal bounds are
// not; the weekday-aligned baseline needs no model fitting and is
// explained in one sentence to a centre (docs/warnings.md).
type Detector struct {
	Window   int     // days, e.g. 7
	Weeks    int     // baseline weeks, e.g. 8
	MinCount int     // least count of a window to alarm
	Alpha    float64 // significance, e.g. 0.001
}

// BaselineFloor is the least expected count of a window: a series with no
// history is held against this rather than 0.
const BaselineFloor = 0.5

// Spike answers the count of the window ending at the last day of counts,
// its expected count, and whether it is a spike. A series shorter than its
// baseline is never one.
func (d Detector) Spike(counts []int) (count int, expected float64, ok bool) {
	n := len(counts)
	if d.Window <= 0 || d.Weeks <= 0 || n < d.Weeks*7+d.Window {
		return 0, 0, false
	}
	count = sumLast(counts, d.Window)
	if count < d.MinCount {
		return count, 0, false
	}
	total := 0
	for w := 1; w <= d.Weeks; w++ {
		total += sumLast(counts[:n-7*w], d.Window)
	}
	expected = math.Max(float64(total)/float64(d.Weeks), BaselineFloor)
	return count, expected, PoissonTail(count, expected) <= d.Alpha
}

// PoissonTail answers P(X ≥ k) for X Poisson with mean lambda.
func PoissonTail(k int, lambda float64) float64 {
	if k <= 0 {
		return 1
	}
	// 1 − P(X ≤ k−1); precise enough for the significances the rules use.
	term := math.Exp(-lambda)
	cdf := term
	for i := 1; i < k; i++ {
		term *= lambda / float64(i)
		cdf += term
	}
	return math.Max(0, 1-cdf)
}
