package demo

import (
	"context"
	"slices"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkWarnings: the engine ran over the history and raised warnings from
// the clusters put in it; most went through the whole loop, released by
// the township's centre after the community's feedback; some are open,
// and a few overdue; the counters say what the rows say.
func checkWarnings(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	// The dispatcher of the top unit's centre reads them all.
	var reader *pingan.User
	for _, a := range c.Accounts {
		if a.Unit == c.Code+"-ZZ" && slices.Contains(a.Roles, pingan.RoleDispatcher) && reader == nil {
			u, err := db.Users.UserByUsername(ctx, a.Username)
			if err != nil {
				t.Fatal(err)
			}
			reader = u
		}
	}
	if reader == nil {
		t.Fatalf("no dispatcher of %s-ZZ among %v", c.Code, c.Accounts)
	}
	ws, err := db.Warnings.FindWarnings(ctx, reader, pingan.WarningFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	overdue := 0
	for _, w := range ws {
		by[w.State]++
		if w.Overdue {
			overdue++
		}
	}
	t.Logf("%d warnings: %v, %d overdue", len(ws), by, overdue)
	if len(ws) < 3 || by[pingan.WarningReleased] == 0 || by[pingan.WarningReleased]*2 < len(ws) {
		t.Errorf("warnings by state %v: want most released", by)
	}
	if by[pingan.WarningRaised]+by[pingan.WarningSigned]+by[pingan.WarningHandling]+by[pingan.WarningFedBack] == 0 {
		t.Errorf("no warning is open at the end: %v", by)
	}
	_, evs, err := db.Warnings.FindWarning(ctx, reader, ws[len(ws)-1].ID)
	if err != nil || len(evs) == 0 || evs[0].Step != pingan.WarnStepRaise {
		t.Errorf("the first warning's timeline %v (%v)", evs, err)
	}
	counts, err := db.Warnings.WarningCounts(ctx, reader, c.Code, "2000-01", "2999-12")
	if err != nil {
		t.Fatal(err)
	}
	var raised, released int64
	for _, n := range counts {
		raised += n.Raised
		released += n.Released
	}
	if raised != int64(len(ws)) || released != int64(by[pingan.WarningReleased]) {
		t.Errorf("counters: %d raised, %d released; rows %d, %d", raised, released, len(ws), by[pingan.WarningReleased])
	}
}
