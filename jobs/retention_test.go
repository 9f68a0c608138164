package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
)

// purgerFake tells each call's dry-run flag and answers three cases.
type purgerFake struct{ calls chan bool }

func (f *purgerFake) PurgePersonal(ctx context.Context, dryRun bool) (*pingan.PurgeReport, error) {
	f.calls <- dryRun
	return &pingan.PurgeReport{ByKind: map[pingan.Kind]int{pingan.KindService: 3}, Total: 3}, nil
}

// The retention pass runs at once when the server starts, never as a dry
// run, again each interval, and Run returns when the server shuts down.
func TestRetentionRun(t *testing.T) {
	f := &purgerFake{calls: make(chan bool, 10)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { (&jobs.Retention{Purger: f, Interval: 10 * time.Millisecond}).Run(ctx); close(done) }()
	for i := 0; i < 2; i++ {
		select {
		case dry := <-f.calls:
			if dry {
				t.Fatal("the server's pass ran dry")
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("pass %d did not come", i+1)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return at shutdown")
	}
	rep, err := (&jobs.Retention{Purger: f}).Pass(context.Background())
	if err != nil || rep.Total != 3 {
		t.Fatalf("pass %+v %v", rep, err)
	}
}
