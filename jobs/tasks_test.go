package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/store/storetest"
)

// fakeWatch has n milestones due and marks at most limit a pass.
type fakeWatch struct {
	due, passes int
	err         error
}

func (f *fakeWatch) MarkOverdue(ctx context.Context, now time.Time, limit int) (int, error) {
	f.passes++
	n := min(f.due, limit)
	f.due -= n
	return n, f.err
}

// TestTaskWatchBatches: a pass goes on batch after batch until a batch is
// not full, and stops at an error.
func TestTaskWatchBatches(t *testing.T) {
	w := &fakeWatch{due: 25}
	j := &jobs.Tasks{Watch: w, Clock: storetest.NewClock(storetest.Epoch), Batch: 10}
	n, err := j.Pass(context.Background())
	if err != nil || n != 25 || w.passes != 3 {
		t.Fatalf("marked %d in %d passes, %v", n, w.passes, err)
	}
	w = &fakeWatch{due: 25, err: errors.New("down")}
	j.Watch = w
	if _, err := j.Pass(context.Background()); err == nil || w.passes != 1 {
		t.Fatalf("went on after an error: %d passes", w.passes)
	}
}
