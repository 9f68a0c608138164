package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Monitoring of the demo's 重大危险源 enterprises (监测, docs/monitoring.md):
// each gets a combustible-gas detector, a tank temperature and a tank
// pressure, and a year of hourly readings sent through the real path
// (pingan.MonitorService.Ingest, as a monitoring system's key would) on
// the demo's clock, so that the rollups, the counters and a few alarms —
// a gas leak that files a hazard, an overheating and a pressure excursion
// that raise warnings, a day of silence — come from the state machine as
// they would in service.

// demoSensors are the sensors of each enterprise: code suffix, name,
// quantity, warning and alarm (high), the baseline and its daily swing,
// and what an alarm becomes.
var demoSensors = []struct {
	suffix, name   string
	q              pingan.Quantity
	warn, alarm    float64
	base, swing    float64
	noise          float64
	target         pingan.AlarmTarget
	noDataMinutes  int
	hazardCategory string
}{
	{"GAS", "储罐区可燃气体", pingan.QuantityGasLEL, 20, 50, 2, 1, 0.8, pingan.AlarmToHazard, 120, "AQ02"},
	{"TMP", "储罐温度", pingan.QuantityTemperature, 45, 55, 22, 8, 0.6, pingan.AlarmToWarning, 120, ""},
	{"PRS", "储罐压力", pingan.QuantityPressure, 1.4, 1.6, 1.0, 0.05, 0.02, pingan.AlarmToWarning, 120, ""},
}

// demoMonitor is the monitoring system's pseudo-user of the demo.
var demoMonitor = &pingan.User{Username: "apikey:demo", Name: "市应急管理局监测预警平台", Roles: []pingan.Role{pingan.RoleMonitor}, ScopePath: "/"}

// seedMonitor adds the sensors of the hazard-source sites and a year of
// their hourly values from start to now: the last 30 days and a day around
// each incident as readings through Ingest, in time order on the clock (so
// the state machine, the alarms, the warnings and hazards, the no-data
// watch and the counters work as in service); the rest of the year as
// hourly rollups (ImportRollups), which is what the charts read.
func seedMonitor(ctx context.Context, svc Services, clock *Clock, admin *pingan.User, sites []*pingan.Site, start, now time.Time, seed uint64) error {
	if svc.Monitor == nil || len(sites) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 32))
	type series struct {
		id     int64
		code   string
		s      int // index in demoSensors
		events []incident
	}
	var all []*series
	first := start.Truncate(time.Hour)
	hours := int(now.Sub(first).Hours())
	for i, site := range sites {
		for j, d := range demoSensors {
			code := fmt.Sprintf("HS%03d-%s", i+1, d.suffix)
			warn, alarm := d.warn, d.alarm
			in := &pingan.Sensor{Site: site.ID, Code: code, Name: d.name, Quantity: d.q,
				Thresholds: pingan.Thresholds{WarnHigh: &warn, AlarmHigh: &alarm}, NoDataMinutes: d.noDataMinutes, Target: d.target,
				HazardLevel: pingan.HazardMajor, Category: d.hazardCategory}
			x, err := svc.Monitor.SaveSensor(ctx, admin, in)
			if err != nil {
				return fmt.Errorf("demo sensor %s: %w", code, err)
			}
			all = append(all, &series{id: x.ID, code: code, s: j})
		}
	}
	// A few incidents over the year, each on one sensor: the first
	// enterprise's gas leaks (a hazard is filed), two more sensors reach
	// their alarm level, two their warning level only; and a sensor falls
	// silent for a day within the last month.
	recent := max(hours-30*24, 0)
	for k, kind := range []string{"alarm", "alarm", "alarm", "warning", "warning", "silence"} {
		sr := all[rng.IntN(len(all))]
		if k == 0 {
			sr = all[0]
		}
		at, n := 7*24+rng.IntN(max(recent-8*24, 1)), 3+rng.IntN(4)
		if kind == "silence" {
			at, n = recent+2*24+rng.IntN(max(hours-recent-4*24, 1)), 24
		}
		sr.events = append(sr.events, incident{kind: kind, from: at, hours: n})
	}
	value := func(sr *series, h int) (float64, bool) {
		d := demoSensors[sr.s]
		r := rand.New(rand.NewPCG(seed, uint64(sr.id)<<32|uint64(h)))
		t := first.Add(time.Duration(h) * time.Hour)
		v := d.base + d.swing*math.Sin(2*math.Pi*float64(t.In(pingan.CST).Hour()-9)/24) + d.noise*r.NormFloat64()
		for _, ev := range sr.events {
			if h < ev.from || h >= ev.from+ev.hours {
				continue
			}
			switch ev.kind {
			case "alarm":
				v = d.alarm*1.1 + d.noise*r.Float64()
			case "warning":
				v = (d.warn+d.alarm)/2 + d.noise*r.Float64()
			case "silence":
				return 0, false
			}
		}
		return math.Round(v*100) / 100, true
	}
	// live: the hours sent as readings — the last 30 days and a day around
	// each incident.
	live := func(sr *series, h int) bool {
		if h >= recent {
			return true
		}
		for _, ev := range sr.events {
			if h >= ev.from-12 && h < ev.from+ev.hours+12 {
				return true
			}
		}
		return false
	}
	for _, sr := range all {
		var rs []pingan.Rollup
		for h := 0; h < hours; h++ {
			if live(sr, h) {
				continue
			}
			if v, ok := value(sr, h); ok {
				rs = append(rs, pingan.Rollup{At: first.Add(time.Duration(h) * time.Hour), N: 1, Min: v, Max: v, Avg: v})
			}
		}
		if _, err := svc.Monitor.ImportRollups(ctx, admin, sr.id, rs); err != nil {
			return fmt.Errorf("demo rollups of %s: %w", sr.code, err)
		}
	}
	var batch []pingan.Reading
	flush := func(at time.Time) error {
		if len(batch) == 0 {
			return nil
		}
		clock.Set(at)
		if _, err := svc.Monitor.Ingest(ctx, demoMonitor, batch); err != nil {
			return fmt.Errorf("demo readings: %w", err)
		}
		batch = batch[:0]
		if w, ok := svc.Monitor.(pingan.MonitorWatch); ok { // the no-data watch, as the server runs it
			if _, err := w.MarkNoData(ctx, at, 100); err != nil {
				return err
			}
		}
		return nil
	}
	for h := 0; h < hours; h++ {
		t := first.Add(time.Duration(h) * time.Hour)
		for _, sr := range all {
			if !live(sr, h) {
				continue
			}
			v, ok := value(sr, h)
			if !ok {
				continue
			}
			batch = append(batch, pingan.Reading{Sensor: sr.code, At: t, Value: v, Index: len(batch)})
			if len(batch) == pingan.MaxReadingsBatch {
				if err := flush(t.Add(time.Minute)); err != nil {
					return err
				}
			}
		}
		// Within the last month, the watch runs every few hours as it would.
		if h >= recent && h%6 == 5 {
			if err := flush(t.Add(time.Minute)); err != nil {
				return err
			}
		}
	}
	return flush(now)
}

// incident is a stretch of a sensor's year out of the ordinary.
type incident struct {
	kind        string // alarm | warning | silence
	from, hours int    // hours from the start
}

// seedSiteSensors is seedMonitor over the demo's hazard-source enterprises
// (sites.go), written by the city's administrator.
func seedSiteSensors(ctx context.Context, svc Services, clock *Clock, c *city, start, now time.Time, seed uint64) error {
	if svc.Monitor == nil || svc.Sites == nil {
		return nil
	}
	sites, err := hazardSources(ctx, svc, c)
	if err != nil {
		return err
	}
	return seedMonitor(ctx, svc, clock, c.staff.users["admin"], sites, start, now, seed)
}

// Feed keeps the demo's sensors reporting while the demo serves, as the
// enterprises' monitoring system would: now and then every interval, one
// reading of each sensor at its usual level for the hour, through Ingest.
// Without it every sensor falls silent once the demo starts serving, and
// the no-data watch raises an alarm on each. Feed sends the first round and
// answers the loop that sends the others, to be run by the caller until ctx
// ends.
func Feed(ctx context.Context, svc Services, now func() time.Time, every time.Duration) (run func() error, err error) {
	if svc.Monitor == nil || svc.Sites == nil {
		return func() error { return nil }, nil
	}
	admin, err := svc.Users.UserByUsername(ctx, "admin")
	if err != nil {
		return nil, err
	}
	sites, err := svc.Sites.FindSites(ctx, admin, pingan.SiteFilter{Type: pingan.SiteHazardSource})
	if err != nil {
		return nil, err
	}
	type fed struct {
		code string
		s    int // index in demoSensors
	}
	var sensors []fed
	for _, site := range sites {
		ss, err := svc.Monitor.Sensors(ctx, admin, site.ID)
		if err != nil {
			return nil, err
		}
		for _, x := range ss {
			for j, d := range demoSensors {
				if strings.HasSuffix(x.Code, "-"+d.suffix) {
					sensors = append(sensors, fed{x.Code, j})
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(uint64(now().UnixNano()), 33))
	send := func() error {
		t := now().Truncate(time.Second)
		rs := make([]pingan.Reading, 0, len(sensors))
		for _, x := range sensors {
			d := demoSensors[x.s]
			v := d.base + d.swing*math.Sin(2*math.Pi*float64(t.In(pingan.CST).Hour()-9)/24) + d.noise*rng.NormFloat64()
			rs = append(rs, pingan.Reading{Sensor: x.code, At: t, Value: math.Round(v*100) / 100})
		}
		if len(rs) == 0 {
			return nil
		}
		_, err := svc.Monitor.Ingest(ctx, demoMonitor, rs)
		return err
	}
	if err := send(); err != nil {
		return nil, fmt.Errorf("demo readings: %w", err)
	}
	return func() error {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
				if err := send(); err != nil && ctx.Err() == nil {
					return fmt.Errorf("demo readings: %w", err)
				}
			}
		}
	}, nil
}
