package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan/store"
)

// checkPatrols: the demo city's showcase community has half a year of
// patrols, most points visited and some missed, read from the counters.
func checkPatrols(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	assessor, err := db.Users.UserByUsername(ctx, "assessor")
	if err != nil {
		t.Fatal(err)
	}
	now, err := db.Patrols.PatrolCoverage(ctx, assessor, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	cv, err := db.Patrols.PatrolCoverage(ctx, assessor, "", now.To.Add(-patrolWeeks-1), now.To)
	if err != nil {
		t.Fatal(err)
	}
	l := cv.Total
	if l.Due == 0 || l.Visited == 0 || l.Visited >= l.Due || l.CheckIns < l.Visited {
		t.Errorf("the demo's patrols: %+v", l)
	}
	t.Logf("patrols: %d points due, %d visited, %d check-ins, %d findings", l.Due, l.Visited, l.CheckIns, l.Findings)
}
