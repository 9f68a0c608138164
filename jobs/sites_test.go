package jobs_test

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan/jobs"
)

// siteWatchFake marks left sites, at most a thousand a call.
type siteWatchFake struct{ left, calls int }

func (f *siteWatchFake) MarkOverdueInspections(context.Context) (int, error) {
	f.calls++
	n := min(f.left, 1000)
	f.left -= n
	return n, nil
}

// A pass of the sites' watch marks round after round until one is not
// full.
func TestSiteInspectionsPass(t *testing.T) {
	f := &siteWatchFake{left: 2500}
	n, err := (&jobs.SiteInspections{Watch: f}).Pass(context.Background())
	if err != nil || n != 2500 || f.calls != 3 {
		t.Fatalf("marked %d in %d calls (%v)", n, f.calls, err)
	}
}
