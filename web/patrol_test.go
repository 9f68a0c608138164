package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A check-in from the phone page whose position cannot be read is refused
// naming location, and nothing is written; a readable one is kept.
func TestPatrolCheckInBadPosition(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	storetest.SeedGrids(t, e.db, e.fx)
	pt, err := e.db.Patrols.AddPatrolPoint(ctx, e.fx.TownshipDispatcher, &pingan.NewPatrolPoint{Grid: "620902001001-01",
		Name: "幸福路口", Location: &pingan.Location{Lat: 39.755, Lng: 98.505}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.db.Patrols.StartPatrol(ctx, e.fx.GridWorker, "620902001001-01")
	if err != nil {
		t.Fatal(err)
	}
	c := e.login(e.fx.GridWorker)
	form := url.Values{"patrol": {strconv.FormatInt(p.ID, 10)}, "point": {strconv.FormatInt(pt.ID, 10)}, "result": {"ok"}}
	for _, bad := range [][2]string{{"39.7551", "东经98度"}, {"", "98.5052"}, {"north", ""}} {
		form.Set("lat", bad[0])
		form.Set("lng", bad[1])
		res := c.post("/m/patrol/checkin", form)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, pingan.Text(pingan.ZH, "patrol.location.bad")) {
			t.Errorf("lat %q lng %q: %d, want 400 naming the position", bad[0], bad[1], res.status)
		}
	}
	if _, cs, err := e.db.Patrols.FindPatrol(ctx, e.fx.GridWorker, p.ID); err != nil || len(cs) != 0 {
		t.Fatalf("after the refusals: %d check-ins, %v", len(cs), err)
	}
	form.Set("lat", "39.7551")
	form.Set("lng", "98.5052")
	if res := c.post("/m/patrol/checkin", form); res.status != http.StatusSeeOther {
		t.Fatalf("a good check-in: %d %s", res.status, res.body)
	}
	_, cs, err := e.db.Patrols.FindPatrol(ctx, e.fx.GridWorker, p.ID)
	if err != nil || len(cs) != 1 || cs[0].Location == nil || cs[0].Location.Lat != 39.7551 {
		t.Errorf("the check-in: %+v %v", cs, err)
	}
}
