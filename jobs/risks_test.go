package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
)

// riskWatchFake marks left risks, at most limit a call.
type riskWatchFake struct {
	left  int
	calls int
	at    time.Time
}

func (f *riskWatchFake) MarkOverdue(_ context.Context, now time.Time, limit int) (int, error) {
	f.calls++
	f.at = now
	n := min(f.left, limit)
	f.left -= n
	return n, nil
}

// A pass of the risks' watch marks batch after batch until one is not
// full, at the clock's time.
func TestRiskReviewsPass(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, pingan.CST)
	f := &riskWatchFake{left: 7}
	n, err := (&jobs.RiskReviews{Watch: f, Clock: pingan.ClockFunc(func() time.Time { return now }), Batch: 3}).Pass(context.Background())
	if err != nil || n != 7 || f.calls != 3 || !f.at.Equal(now) {
		t.Fatalf("marked %d in %d calls at %v (%v)", n, f.calls, f.at, err)
	}
}
