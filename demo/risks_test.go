package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkRisks reads the small city's ledger as its city leader: risks of
// most levels, in control and resolved; the counters agree with
// the rows (registered and in control); the seat county's decided 稳评
// sent a risk to the ledger.
func checkRisks(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	u, err := db.Users.UserByUsername(ctx, "city_leader")
	if err != nil {
		u, err = db.Users.UserByUsername(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		u.Roles = []pingan.Role{pingan.RoleLeader}
	}
	rs, err := db.Risks.FindRisks(ctx, u, pingan.RiskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	levels, states := map[string]int{}, map[string]int{}
	fromStability := 0
	for _, r := range rs {
		levels[r.Level]++
		states[r.Status]++
		if r.Source == pingan.RiskFromStability {
			fromStability++
		}
	}
	t.Logf("%d risks: %v %v", len(rs), levels, states)
	if len(rs) < 10 || len(levels) < 3 || states[pingan.RiskControlled] == 0 || states[pingan.RiskResolved]+states[pingan.RiskClosed] == 0 {
		t.Errorf("the ledger: %d risks, levels %v, states %v", len(rs), levels, states)
	}
	if fromStability != 1 {
		t.Errorf("%d risks from 稳评, want 1", fromStability)
	}
	ms, err := db.Risks.RiskCounts(ctx, u, "", "2025-01", small.Now.Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	var registered, open int64
	last := ms[len(ms)-1].Month
	for _, m := range ms {
		registered += m.Registered
		if m.Month == last {
			open += m.Open
		}
	}
	if registered != int64(len(rs)) || open != int64(states[pingan.RiskControlled]) {
		t.Errorf("counters: registered %d open %d; rows %d in control %d", registered, open, len(rs), states[pingan.RiskControlled])
	}
}
