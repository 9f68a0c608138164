package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkReceptions finds in the small demo city the leaders'
// reception days published on the public list, at the centre's hall, and
// records of receptions linked to the city's petition matters.
func checkReceptions(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	days, err := db.Receptions.PublicReceptionDays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) == 0 {
		t.Fatal("no published reception days on the public list")
	}
	for _, d := range days {
		if d.Place != receptionPlace || d.LeaderName == "" || d.Topic == "" || d.Day < pingan.Day(c.To) {
			t.Errorf("public reception day %+v", d)
		}
	}
	// The leader of the whole city (of the district, for one that is its
	// own seat) sees every record.
	name := ""
	for _, a := range c.Accounts {
		if a.Unit == c.Code && len(a.Roles) == 1 && a.Roles[0] == pingan.RoleLeader {
			name = a.Username
		}
	}
	leader, err := db.Users.UserByUsername(ctx, name)
	if err != nil {
		t.Fatalf("the leader %q: %v", name, err)
	}
	recs, err := db.Receptions.Receptions(ctx, leader)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 3 || len(recs) > receptionsInAll {
		t.Errorf("%d reception records, want a few up to %d", len(recs), receptionsInAll)
	}
	kinds := map[pingan.ReceptionKind]bool{}
	linked := 0
	for _, r := range recs {
		kinds[r.Kind] = true
		for _, id := range r.Cases {
			m, err := db.Cases.FindCase(ctx, leader, id)
			if err != nil {
				t.Fatalf("reception %d names %s: %v", r.ID, id, err)
			}
			if m.Kind != pingan.KindPetition {
				t.Errorf("reception %d names %s, a %s", r.ID, id, m.Kind)
			}
			linked++
		}
	}
	if linked == 0 {
		t.Error("no reception record links a petition matter")
	}
	t.Logf("%d public reception days, %d records (%v), %d matters linked", len(days), len(recs), kinds, linked)
}
