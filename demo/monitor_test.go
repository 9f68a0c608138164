package demo

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestSeedMonitor: the demo's year of readings on six enterprises goes
// through the real path and gives a few alarms — at least one hazard
// filed, one warning raised, one silence caught — and counters equal to
// the rows.
func TestSeedMonitor(t *testing.T) {
	ctx := context.Background()
	clock := NewClock()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, pingan.CST)
	start := now.AddDate(-1, 0, 0)
	clock.Set(start)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	var sites []*pingan.Site
	for i := 0; i < 6; i++ {
		s, err := db.Sites.AddSite(ctx, fx.CountyDispatcher, &pingan.NewSite{Name: fmt.Sprintf("化工企业%d", i+1), Type: "hazard_source",
			Level: 1 + i%4, Location: &pingan.Location{Lat: 39.751 + 0.001*float64(i), Lng: 98.505}, Department: fx.CountyHousing.Code})
		if err != nil {
			t.Fatal(err)
		}
		sites = append(sites, s)
	}
	began := time.Now()
	if err := seedMonitor(ctx, Services{Monitor: db.Monitor}, clock, fx.Admin, sites, start, now, 7); err != nil {
		t.Fatal(err)
	}
	t.Logf("a year of hourly readings of %d sensors in %v", len(sites)*len(demoSensors), time.Since(began))
	kinds := map[string]int{}
	cases, warnings := 0, 0
	for _, s := range sites {
		as, err := db.Monitor.Alarms(ctx, fx.Admin, s.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			kinds[a.Kind+"/"+string(a.Peak)]++
			if a.CaseID != "" {
				cases++
			}
			if a.Warning != 0 {
				warnings++
			}
		}
	}
	if cases < 1 || kinds["nodata/alarm"] < 1 || kinds["threshold/alarm"] < 2 {
		t.Errorf("alarms %v, %d hazards, %d warnings", kinds, cases, warnings)
	}
	counts, err := db.Monitor.MonitorCounts(ctx, fx.Admin, fx.Province.Code, "2025-01", "2026-12")
	// The last 30 days are readings (less the day of silence), the rest of
	// the year rollups: the chart of any sensor has every hour.
	sensors := int64(len(sites) * len(demoSensors))
	if err != nil || counts.Readings < 29*24*sensors || counts.NoData != int64(kinds["nodata/alarm"]) {
		t.Errorf("counts %+v %v", counts, err)
	}
	// Serving on past the history, the feed keeps every sensor reporting:
	// three hours on, the no-data watch finds none silent; without the
	// feed it finds every one.
	later := now.Add(3 * time.Hour)
	clock.Set(later)
	w := pingan.MonitorWatch(db.Monitor)
	svc := Services{Users: db.Users, Sites: db.Sites, Monitor: db.Monitor}
	if _, err := Feed(ctx, svc, clock.Now, time.Minute); err != nil {
		t.Fatal(err)
	}
	if n, err := w.MarkNoData(ctx, later.Add(time.Minute), 1000); err != nil || n != 0 {
		t.Errorf("after the feed, %d sensors silent (%v), want none", n, err)
	}
	if n, err := w.MarkNoData(ctx, later.Add(3*time.Hour), 1000); err != nil || n != int(sensors) {
		t.Errorf("three hours after the feed stopped, %d sensors silent (%v), want %d", n, err, sensors)
	}
	ss, _ := db.Monitor.Sensors(ctx, fx.Admin, sites[1].ID)
	rs, err := db.Monitor.Series(ctx, fx.Admin, ss[0].ID, start, now)
	if err != nil || len(rs) < 365*24-48 {
		t.Errorf("a year of %s: %d hours %v", ss[0].Code, len(rs), err)
	}
}
