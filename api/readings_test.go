package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store/storetest"
)

// POST /api/v1/readings (docs/monitoring.md): an API key of the monitor
// role sends batches; a bad reading names its field and stores nothing,
// a batch over 1,000 answers 413, a duplicate is counted, a revoked key
// answers 401, staff may not send readings.

// monitorEnv is an env whose server has the monitoring routes and keys,
// a key site with a gas detector GT-1, and a key for the county.
func monitorEnv(t *testing.T) (e *env, key string, sensorID int64) {
	e = newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	srv := api.New(api.Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases,
		Stats: e.db.Stats, Monitor: e.db.Monitor, Keys: e.db.APIKeys, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)})
	e.h = srv.Handler()
	sensorID = sweepSensorFixture(t, e)
	_, key, err := e.db.APIKeys.Add(context.Background(), nil, "区应急局监测平台", e.fx.County.Code, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, key, sensorID
}

// sweepSensorFixture adds a 重大危险源 enterprise in 富康社区's first grid
// with a gas detector GT-1, and answers the sensor's id.
func sweepSensorFixture(t testing.TB, e *env) int64 {
	_, id := sensorFixture(t, e)
	return id
}

// sensorFixture is sweepSensorFixture answering the site's id too.
func sensorFixture(t testing.TB, e *env) (site, sensor int64) {
	t.Helper()
	ctx := context.Background()
	st, err := e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, &pingan.NewSite{Name: "富康燃气储配站", Type: "hazard_source", Level: 2,
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: e.fx.CountyHousing.Code})
	if err != nil {
		t.Fatalf("sensor fixture: the site: %v", err)
	}
	site = st.ID
	hi, alarm := 20.0, 50.0
	s, err := e.db.Monitor.SaveSensor(ctx, e.fx.CountyDispatcher, &pingan.Sensor{Site: site, Code: "GT-1", Name: "1号储罐可燃气体",
		Quantity: pingan.QuantityGasLEL, Thresholds: pingan.Thresholds{WarnHigh: &hi, AlarmHigh: &alarm}, NoDataMinutes: 10})
	if err != nil {
		t.Fatalf("sensor fixture: the sensor: %v", err)
	}
	return site, s.ID
}

// sweepMonitorFixture adds the sensor of the sweep and the key of the
// readings route's caller (sweepUser "monitor-key").
func sweepMonitorFixture(e *env, ids map[string]string) {
	site, sensor := sensorFixture(e.t, e)
	ids[sweepSensor], ids[sweepSensorSite] = fmt.Sprint(sensor), fmt.Sprint(site)
	_, key, err := e.db.APIKeys.Add(context.Background(), nil, "监测平台", e.fx.County.Code, nil)
	if err != nil {
		e.t.Fatalf("sweep fixture: the key: %v", err)
	}
	e.mu.Lock()
	e.tokens[sweepKeyUser] = key
	e.mu.Unlock()
}

const (
	sweepSensor     = "sensor"      // a gas detector of a key site of 肃州区
	sweepKeyUser    = "monitor-key" // the caller of the readings route: a key of 肃州区
	sweepSensorSite = "sensor-site" // its site
)

// sweepMonitorBody answers the body of a monitoring route.
func sweepMonitorBody(e *env, ids map[string]string, pattern string) string {
	switch pattern {
	case "POST /api/v1/readings":
		return readingsBody(2, e.clock.Now().Add(-time.Hour), "3.5")
	case "POST /api/v1/sensors":
		return `{"site":` + ids[sweepSensorSite] + `,"code":"GT-2","name":"2号储罐","quantity":"gas_lel","alarm_high":50,"no_data_minutes":15}`
	}
	return `{"site":` + ids[sweepSensorSite] + `,"code":"GT-1","name":"1号储罐","quantity":"gas_lel","warn_high":25,"alarm_high":50,"active":true}`
}

func readingsBody(n int, at time.Time, value string) string {
	var b strings.Builder
	b.WriteString(`{"readings":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"sensor":"GT-1","at":%q,"value":%s}`, at.Add(time.Duration(i)*time.Second).Format(time.RFC3339), value)
	}
	b.WriteString("]}")
	return b.String()
}

func TestReadingsAPI(t *testing.T) {
	e, key, sensorID := monitorEnv(t)
	at := e.clock.Now().Add(-time.Hour)
	a := send(t, e.h, "POST", "/api/v1/readings", key, readingsBody(3, at, "12.5"))
	if a.status != http.StatusOK || a.body["accepted"] != 3.0 || a.body["duplicates"] != 0.0 {
		t.Fatalf("a batch: %d %s", a.status, a.raw)
	}
	a = send(t, e.h, "POST", "/api/v1/readings", key, readingsBody(4, at, "12.5"))
	if a.status != http.StatusOK || a.body["accepted"] != 1.0 || a.body["duplicates"] != 3.0 {
		t.Errorf("again: %d %s", a.status, a.raw)
	}
	bad := []struct {
		name, body, field string
		status            int
	}{
		{"not a number", readingsBody(2, at.Add(time.Minute), `"x"`), "readings[0].value", 400},
		{"unknown sensor", strings.Replace(readingsBody(3, at.Add(time.Minute), "1"), `"GT-1"`, `"GT-9"`, 1), "readings[0].sensor", 400},
		{"in the future", readingsBody(1, e.clock.Now().Add(time.Hour), "1"), "readings[0].at", 400},
		{"too many", readingsBody(1001, at.Add(time.Hour), "1"), "readings", 413},
	}
	for _, c := range bad {
		a := send(t, e.h, "POST", "/api/v1/readings", key, c.body)
		if a.status != c.status || a.errFields()[c.field] == nil {
			t.Errorf("%s: %d %s", c.name, a.status, a.raw)
		}
	}
	if a := send(t, e.h, "POST", "/api/v1/readings", key, readingsBody(1, at.Add(30*time.Minute), "1")); a.body["accepted"] != 1.0 {
		t.Errorf("after the refusals: %s", a.raw) // none of theirs was stored: this one is new
	}
	// Staff may not; a key may not read cases; a revoked key is refused.
	if a := e.do("POST", "/api/v1/readings", "sz-dispatcher", readingsBody(1, at, "1")); a.status != http.StatusForbidden {
		t.Errorf("a dispatcher: %d", a.status)
	}
	if a := send(t, e.h, "GET", "/api/v1/cases", key, ""); a.status != http.StatusForbidden {
		t.Errorf("a key reading cases: %d %s", a.status, a.raw)
	}
	if err := e.db.APIKeys.Revoke(context.Background(), nil, "区应急局监测平台"); err != nil {
		t.Fatal(err)
	}
	if a := send(t, e.h, "POST", "/api/v1/readings", key, readingsBody(1, at, "1")); a.status != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d %s", a.status, a.raw)
	}
	// The sensors and their chart, for staff.
	id := fmt.Sprint(sensorID)
	if a := e.do("GET", "/api/v1/sensors/"+id+"/series?from="+pingan.Day(at), "sz-dispatcher", ""); a.status != 200 || !strings.Contains(a.raw, `"n":`) {
		t.Errorf("series: %d %s", a.status, a.raw)
	}
}
