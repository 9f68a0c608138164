package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// fakeEscalator has `due` cases waiting and hands out at most limit a call.
type fakeEscalator struct {
	due   int
	calls int
	at    []time.Time
	fail  bool
}

func (f *fakeEscalator) EscalateDue(_ context.Context, now time.Time, limit int) (int, error) {
	f.calls++
	f.at = append(f.at, now)
	if f.fail {
		return 0, errors.New("database is locked")
	}
	n := min(f.due, limit)
	f.due -= n
	return n, nil
}

func TestPassDrainsInBatches(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, pingan.CST)
	f := &fakeEscalator{due: 250}
	d := &Deadlines{Escalator: f, Clock: pingan.ClockFunc(func() time.Time { return now }), Batch: 100}
	n, err := d.Pass(context.Background())
	if err != nil || n != 250 || f.calls != 3 || f.due != 0 {
		t.Fatalf("Pass = %d, %v after %d calls", n, err, f.calls)
	}
	if !f.at[0].Equal(now) {
		t.Errorf("the pass did not use the injected clock: %v", f.at[0])
	}
	f.fail = true
	if _, err := d.Pass(context.Background()); err == nil {
		t.Errorf("a failing escalator's error was swallowed")
	}
}

func TestRunStopsWithContext(t *testing.T) {
	f := &fakeEscalator{due: 5}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		(&Deadlines{Escalator: f, Clock: pingan.SystemClock, Interval: time.Hour}).Run(ctx)
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}
