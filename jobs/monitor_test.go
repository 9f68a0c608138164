package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
)

// fakeMonitorWatch counts what the monitoring watch asked for.
type fakeMonitorWatch struct {
	silent, old int // sensors due, readings old enough
	before      time.Time
}

func (f *fakeMonitorWatch) MarkNoData(ctx context.Context, now time.Time, limit int) (int, error) {
	n := min(f.silent, limit)
	f.silent -= n
	return n, nil
}

func (f *fakeMonitorWatch) PruneReadings(ctx context.Context, before time.Time, limit int) (int, error) {
	f.before = before
	n := min(f.old, limit)
	f.old -= n
	return n, nil
}

// TestMonitorPass: a pass takes every silent sensor and every old reading,
// round after round, and prunes by the retention period.
func TestMonitorPass(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, pingan.CST)
	f := &fakeMonitorWatch{silent: 7, old: 250}
	m := &jobs.Monitor{Watch: f, Clock: pingan.ClockFunc(func() time.Time { return now }), Batch: 3, Retention: 30 * 24 * time.Hour}
	alarms, pruned, err := m.Pass(context.Background())
	if err != nil || alarms != 7 || pruned != 250 || f.silent != 0 || f.old != 0 {
		t.Fatalf("pass: %d alarms, %d pruned, %v", alarms, pruned, err)
	}
	if !f.before.Equal(now.AddDate(0, 0, -30)) {
		t.Errorf("pruned before %v", f.before)
	}
	f.old = 10
	if _, pruned, _ := (&jobs.Monitor{Watch: f, Retention: -1}).Pass(context.Background()); pruned != 0 || f.old != 10 {
		t.Errorf("a negative retention pruned %d", pruned)
	}
}
