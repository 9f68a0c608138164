package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkSites reads the small city's register: key sites of several types
// under its departments, five to eight major hazard sources of several
// levels (hazardSources, which the monitoring's demo hangs its sensors
// on), inspections on each site, and the counters of the inspections done
// equal to their rows.
func checkSites(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	sites, err := db.Sites.FindSites(ctx, admin, pingan.SiteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	inspections := 0
	for _, s := range sites {
		types[s.Type]++
		inspections += s.Inspections
	}
	hs, err := hazardSources(ctx, Services{Sites: db.Sites}, &city{staff: &staff{users: map[string]*pingan.User{"admin": admin}}})
	if err != nil {
		t.Fatal(err)
	}
	levels := map[int]bool{}
	for _, s := range hs {
		levels[s.Level] = true
	}
	t.Logf("%d sites %v, %d hazard sources, %d inspections", len(sites), types, len(hs), inspections)
	if len(sites) < 15 || len(types) < 4 || len(hs) < 5 || len(hs) > 8 || len(levels) < 3 || inspections < len(sites) {
		t.Errorf("the register: %d sites of types %v, %d hazard sources of levels %v, %d inspections", len(sites), types, len(hs), levels, inspections)
	}
	var done int64
	months := map[string]bool{}
	for d := small.Now.AddDate(0, 0, -small.Days); !d.After(small.Now); d = d.AddDate(0, 0, 1) {
		months[d.Format("2006-01")] = true
	}
	for m := range months {
		total, _, err := db.Sites.InspectionFigures(ctx, admin, c.Code, m)
		if err != nil {
			t.Fatal(err)
		}
		done += total.Done
	}
	if done != int64(inspections) {
		t.Errorf("the counters count %d inspections, the sites %d", done, inspections)
	}
}
