package store_test

import (
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Monitoring (监测预警, docs/monitoring.md): a batch of readings is stored
// whole or not at all, duplicates ignored and counted; a noisy series
// around a threshold raises one alarm that becomes one warning or one
// hazard case, and its return to normal is recorded; silence raises a
// no-data alarm once; an API key authenticates until revoked. They run on
// both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"ReadingsIngest", testReadingsIngest},
		{"AlarmOnceRecovers", testAlarmOnceRecovers},
		{"NoDataAlarm", testNoDataAlarm},
		{"SensorsFollowSite", testSensorsFollowSite},
		{"APIKeyAuth", testAPIKeyAuth},
	}...)
}

func fptr(v float64) *float64 { return &v }

// monitoredSite adds a 重大危险源 enterprise in 富康社区's first grid and a
// gas detector on it (预警 20, 报警 50 %LEL) with target, and answers the
// sensor and the pseudo-user of a monitoring key of the county.
func monitoredSite(t *testing.T, e *env, code string, target pingan.AlarmTarget) (*pingan.Sensor, *pingan.User) {
	t.Helper()
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	site, err := e.db.Sites.AddSite(ctx, fx.CountyDispatcher, &pingan.NewSite{Name: "富康燃气储配站 " + code, Type: "hazard_source", Level: 2,
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: fx.CountyHousing.Code})
	if err != nil {
		t.Fatalf("site: %v", err)
	}
	s, err := e.db.Monitor.SaveSensor(ctx, fx.CountyDispatcher, &pingan.Sensor{Site: site.ID, Code: code, Name: "1号储罐可燃气体",
		Quantity: pingan.QuantityGasLEL, Thresholds: pingan.Thresholds{WarnHigh: fptr(20), AlarmHigh: fptr(50)},
		NoDataMinutes: 10, Target: target, Category: "AQ02", HazardLevel: pingan.HazardMajor})
	if err != nil {
		t.Fatalf("sensor: %v", err)
	}
	return s, monitorKey(t, e, "监测平台 "+code, fx.County.Code)
}

// monitorKey adds a key with the monitor role and answers its user.
func monitorKey(t *testing.T, e *env, name, unit string) *pingan.User {
	t.Helper()
	_, key, err := e.db.APIKeys.Add(ctx, nil, name, unit, nil)
	if err != nil {
		t.Fatalf("key: %v", err)
	}
	u, err := e.db.APIKeys.Authenticate(ctx, key, "")
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return u
}

// readingsOf counts the raw readings and the hourly rollups' n of a sensor.
func readingsOf(t *testing.T, e *env, id int64) (raw, rolled int) {
	t.Helper()
	err := e.db.BulkExec(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM readings WHERE sensor_id = $1`, id).Scan(&raw); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM readings_hourly WHERE sensor_id = $1`, id).Scan(&rolled)
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw, rolled
}

func testReadingsIngest(t *testing.T, e *env) {
	fx := e.fx
	s, key := monitoredSite(t, e, "GT-101", pingan.AlarmToNone)
	now := e.clock.Now()
	at := func(m int) time.Time { return now.Add(time.Duration(m-30) * time.Minute) }
	batch := []pingan.Reading{
		{Sensor: "GT-101", At: at(0), Value: 3, Index: 0},
		{Sensor: "GT-101", At: at(1), Value: 4, Index: 1},
		{Sensor: "GT-101", At: at(1), Value: 4, Index: 2}, // twice in the batch
		{Sensor: "GT-101", At: at(2), Value: 5.5, Index: 3},
	}
	res, err := e.db.Monitor.Ingest(ctx, key, batch)
	if err != nil || res.Accepted != 3 || res.Duplicates != 1 {
		t.Fatalf("first batch: %+v %v", res, err)
	}
	// Sent again with one new reading: the three are duplicates.
	res, err = e.db.Monitor.Ingest(ctx, key, append(batch, pingan.Reading{Sensor: "GT-101", At: at(3), Value: 6, Index: 4}))
	if err != nil || res.Accepted != 1 || res.Duplicates != 4 {
		t.Fatalf("second batch: %+v %v", res, err)
	}
	if raw, rolled := readingsOf(t, e, s.ID); raw != 4 || rolled != 4 {
		t.Errorf("rows %d, rolled up %d; want 4, 4", raw, rolled)
	}
	// A batch with an unknown sensor is refused whole, naming it.
	_, err = e.db.Monitor.Ingest(ctx, key, []pingan.Reading{
		{Sensor: "GT-101", At: at(10), Value: 1, Index: 0},
		{Sensor: "GT-999", At: at(10), Value: 1, Index: 1},
	})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "readings[1].sensor") == "" {
		t.Errorf("unknown sensor: %v", err)
	}
	if raw, _ := readingsOf(t, e, s.ID); raw != 4 {
		t.Errorf("a refused batch stored readings: %d rows", raw)
	}
	// A key of another county does not reach the sensor.
	other := monitorKey(t, e, "金塔县监测", fx.OtherCounty.Code)
	_, err = e.db.Monitor.Ingest(ctx, other, []pingan.Reading{{Sensor: "GT-101", At: at(11), Value: 1}})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "readings[0].sensor") == "" {
		t.Errorf("other county: %v", err)
	}
	// Staff may not send readings.
	_, err = e.db.Monitor.Ingest(ctx, fx.CountyDispatcher, batch)
	wantCode(t, err, pingan.EFORBIDDEN)
	// The counters of the county, the city and the village agree with the rows.
	month := pingan.Day(now)[:7]
	for _, unit := range []string{fx.County.Code, fx.City.Code, fx.Village.Code} {
		c, err := e.db.Monitor.MonitorCounts(ctx, fx.CityDispatcher, unit, month, month)
		if err != nil || c.Readings != 4 || c.Duplicates != 5 {
			t.Errorf("%s: %+v %v", unit, c, err)
		}
	}
	// The chart's rollups.
	rs, err := e.db.Monitor.Series(ctx, fx.CountyDispatcher, s.ID, now.Add(-2*time.Hour), now.Add(time.Hour))
	n, hi := 0, 0.0
	for _, r := range rs {
		n += r.N
		hi = math.Max(hi, r.Max)
	}
	if err != nil || n != 4 || hi != 6 {
		t.Errorf("series: %+v %v", rs, err)
	}
	if _, err := e.db.Monitor.Series(ctx, fx.OtherDispatcher, s.ID, now.Add(-2*time.Hour), now); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("series from another county: %v", err)
	}
	// A change: a stale version is refused, the current one (or none) taken.
	got, _ := e.db.Monitor.FindSensor(ctx, fx.CountyDispatcher, s.ID)
	ch := *got
	ch.Name, ch.AlarmHigh, ch.Active = "1号储罐", fptr(40), true
	ch.Version = got.Version + 1
	if _, err := e.db.Monitor.SaveSensor(ctx, fx.CountyDispatcher, &ch); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("a stale change: %v", err)
	}
	for _, v := range []int{got.Version, 0} {
		ch.Version = v
		if x, err := e.db.Monitor.SaveSensor(ctx, fx.CountyDispatcher, &ch); err != nil || x.Name != "1号储罐" || *x.AlarmHigh != 40 {
			t.Errorf("a change at version %d: %+v %v", v, x, err)
		}
	}
	if _, err := e.db.Monitor.SaveSensor(ctx, fx.OtherDispatcher, &ch); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("a change from another county: %v", err)
	}
}

func testAlarmOnceRecovers(t *testing.T, e *env) {
	fx := e.fx
	s, key := monitoredSite(t, e, "GT-201", pingan.AlarmToWarning)
	start := e.clock.Now().Add(-3 * time.Hour)
	// Two hours of readings every 10 s wavering around the alarm threshold
	// (50 ± 2), in batches of 120.
	var batch []pingan.Reading
	for i := 0; i < 720; i++ {
		batch = append(batch, pingan.Reading{Sensor: s.Code, At: start.Add(time.Duration(i) * 10 * time.Second),
			Value: 50 + 2*math.Sin(float64(i)*1.7), Index: len(batch)})
		if len(batch) == 120 {
			if _, err := e.db.Monitor.Ingest(ctx, key, batch); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	alarms, err := e.db.Monitor.Alarms(ctx, fx.CountyDispatcher, s.Site, 10)
	if err != nil || len(alarms) != 1 {
		t.Fatalf("alarms after the noisy series: %d %v", len(alarms), err)
	}
	a := alarms[0]
	if a.Level != pingan.SensorAlarm || a.Ended != nil || a.Warning == 0 || a.Readings != 720 || a.PeakVal < 51.9 {
		t.Errorf("the alarm: %+v", a)
	}
	ws, err := e.db.Warnings.FindWarnings(ctx, fx.CountyDispatcher, pingan.WarningFilter{Kind: "monitoring"})
	if err != nil || len(ws) != 1 || ws[0].ID != a.Warning {
		t.Errorf("warnings: %d %v", len(ws), err)
	}
	// Back to normal for good: the episode ends once.
	var calm []pingan.Reading
	for i := 0; i < 6; i++ {
		calm = append(calm, pingan.Reading{Sensor: s.Code, At: start.Add(2*time.Hour + time.Duration(i)*time.Minute), Value: 2, Index: i})
	}
	if _, err := e.db.Monitor.Ingest(ctx, key, calm); err != nil {
		t.Fatal(err)
	}
	alarms, _ = e.db.Monitor.Alarms(ctx, fx.CountyDispatcher, s.Site, 10)
	if len(alarms) != 1 || alarms[0].Ended == nil || alarms[0].Level != pingan.SensorNormal {
		t.Fatalf("after the return: %+v", alarms)
	}
	if got, _ := e.db.Monitor.FindSensor(ctx, fx.CountyDispatcher, s.ID); got.Level != pingan.SensorNormal || got.LastValue == nil || *got.LastValue != 2 {
		t.Errorf("sensor: %+v", got)
	}
	// A reading older than the latest is stored but moves nothing.
	res, err := e.db.Monitor.Ingest(ctx, key, []pingan.Reading{{Sensor: s.Code, At: start.Add(-time.Hour), Value: 99}})
	if err != nil || res.Accepted != 1 || res.Alarms != 0 {
		t.Errorf("late reading: %+v %v", res, err)
	}
	// A sensor whose alarms file hazards: one case, source monitoring, at the site.
	h, key2 := monitoredSite(t, e, "GT-202", pingan.AlarmToHazard)
	var spike []pingan.Reading
	for i := 0; i < 30; i++ {
		spike = append(spike, pingan.Reading{Sensor: h.Code, At: start.Add(time.Duration(i) * time.Minute), Value: 49 + float64(i%4), Index: i})
	}
	res, err = e.db.Monitor.Ingest(ctx, key2, spike)
	if err != nil || res.Alarms != 1 {
		t.Fatalf("hazard sensor: %+v %v", res, err)
	}
	alarms, _ = e.db.Monitor.Alarms(ctx, fx.CountyDispatcher, h.Site, 10)
	if len(alarms) != 1 || alarms[0].CaseID == "" {
		t.Fatalf("hazard alarm: %+v", alarms)
	}
	c, err := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, alarms[0].CaseID)
	if err != nil || c.Kind != pingan.KindHazard || c.Source != pingan.SourceMonitoring || c.Grid != "620902001001-01" {
		t.Errorf("the hazard case: %+v %v", c, err)
	}
	month := pingan.Day(e.clock.Now())[:7]
	counts, _ := e.db.Monitor.MonitorCounts(ctx, fx.CountyDispatcher, fx.County.Code, month, month)
	if counts.Alarms != 2 {
		t.Errorf("alarms counted %d, want 2", counts.Alarms)
	}
}

// monitoringCases counts the cases filed from monitoring (source
// monitoring), every one of them.
func monitoringCases(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.db.BulkExec(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE source = $1`, string(pingan.SourceMonitoring)).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// showAlarms prints alarms for a failure's message.
func showAlarms(as []*pingan.Alarm) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = fmt.Sprintf("%+v", *a)
	}
	return "[" + strings.Join(out, "; ") + "]"
}

// testNoDataAlarm: silence past a sensor's limit raises a no-data alarm
// once, which becomes what the sensor says — a hazard case (GT-301) or a
// warning (GT-302) — once per silence however often the watch passes;
// data again ends it, and a new silence is a new alarm and a new case.
func testNoDataAlarm(t *testing.T, e *env) {
	fx := e.fx
	s, key := monitoredSite(t, e, "GT-301", pingan.AlarmToHazard)
	w, wkey := monitoredSite(t, e, "GT-302", pingan.AlarmToWarning)
	now := e.clock.Now()
	for _, x := range []struct {
		code string
		key  *pingan.User
	}{{s.Code, key}, {w.Code, wkey}} {
		if _, err := e.db.Monitor.Ingest(ctx, x.key, []pingan.Reading{{Sensor: x.code, At: now, Value: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := e.db.Monitor.MarkNoData(ctx, now.Add(9*time.Minute), 0); err != nil || n != 0 {
		t.Fatalf("at 9 minutes: %d %v", n, err)
	}
	for i := 0; i < 2; i++ { // once, not again
		n, err := e.db.Monitor.MarkNoData(ctx, now.Add(11*time.Minute+time.Duration(i)*time.Hour), 0)
		if err != nil || n != 2*(1-i) {
			t.Fatalf("pass %d: %d %v", i, n, err)
		}
	}
	got, _ := e.db.Monitor.FindSensor(ctx, fx.CountyDispatcher, s.ID)
	if !got.NoData {
		t.Error("the sensor is not marked silent")
	}
	// The hazard sensor's silence filed one hazard case at its site.
	alarms, _ := e.db.Monitor.Alarms(ctx, fx.CountyDispatcher, s.Site, 10)
	if len(alarms) != 1 || alarms[0].Kind != pingan.AlarmNoData || alarms[0].CaseID == "" || alarms[0].Ended != nil {
		t.Fatalf("no-data alarm of the hazard sensor: %s", showAlarms(alarms))
	}
	if n := monitoringCases(t, e); n != 1 {
		t.Errorf("%d cases from monitoring after two passes, want 1", n)
	}
	c, err := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, alarms[0].CaseID)
	if err != nil || c.Kind != pingan.KindHazard || c.Source != pingan.SourceMonitoring || c.Hazard == nil ||
		c.Hazard.Site != s.Site || c.Hazard.Level != pingan.HazardMajor {
		t.Errorf("the no-data hazard: %+v %v", c, err)
	}
	// The warning sensor's silence raised one warning of kind monitoring.
	walarms, _ := e.db.Monitor.Alarms(ctx, fx.CountyDispatcher, w.Site, 10)
	if len(walarms) != 1 || walarms[0].Kind != pingan.AlarmNoData || walarms[0].Warning == 0 || walarms[0].CaseID != "" {
		t.Fatalf("no-data alarm of the warning sensor: %s", showAlarms(walarms))
	}
	ws, err := e.db.Warnings.FindWarnings(ctx, fx.CountyDispatcher, pingan.WarningFilter{Kind: "monitoring"})
	if err != nil || len(ws) != 1 || ws[0].ID != walarms[0].Warning {
		t.Errorf("warnings after two passes: %d %v", len(ws), err)
	}
	// Data again ends it, keeping the case it filed; a new silence raises
	// a new one, which files a new case.
	later := now.Add(2 * time.Hour)
	if _, err := e.db.Monitor.Ingest(ctx, key, []pingan.Reading{{Sensor: s.Code, At: later, Value: 1}}); err != nil {
		t.Fatal(err)
	}
	alarms, _ = e.db.Monitor.Alarms(ctx, fx.CountyDispatcher, s.Site, 10)
	if len(alarms) != 1 || alarms[0].Kind != pingan.AlarmNoData || alarms[0].Ended == nil || !alarms[0].Ended.Equal(later) ||
		alarms[0].CaseID != c.ID {
		t.Fatalf("no-data alarm after the return: %s", showAlarms(alarms))
	}
	if got, _ := e.db.Monitor.FindSensor(ctx, fx.CountyDispatcher, s.ID); got.NoData {
		t.Error("the sensor is still marked silent")
	}
	if n, _ := e.db.Monitor.MarkNoData(ctx, later.Add(11*time.Minute), 0); n != 1 {
		t.Errorf("second silence: %d", n)
	}
	if n := monitoringCases(t, e); n != 2 {
		t.Errorf("%d cases from monitoring after the second silence, want 2", n)
	}
	if ws, _ := e.db.Warnings.FindWarnings(ctx, fx.CountyDispatcher, pingan.WarningFilter{Kind: "monitoring"}); len(ws) != 1 {
		t.Errorf("warnings after the second silence: %d, want 1 (the warning sensor stayed silent)", len(ws))
	}
	month := pingan.Day(e.clock.Now())[:7]
	counts, _ := e.db.Monitor.MonitorCounts(ctx, fx.CountyDispatcher, fx.County.Code, month, month)
	if counts.NoData != 3 || counts.Alarms != 0 {
		t.Errorf("counted %d no-data, %d escalated threshold alarms; want 3, 0", counts.NoData, counts.Alarms)
	}
	// Retention: the raw readings before later go, their hour's rollups stay.
	if n, err := e.db.Monitor.PruneReadings(ctx, later, 0); err != nil || n != 2 {
		t.Errorf("prune: %d %v", n, err)
	}
	if raw, rolled := readingsOf(t, e, s.ID); raw != 1 || rolled != 2 {
		t.Errorf("after the prune: %d rows, %d rolled up", raw, rolled)
	}
}

func testAPIKeyAuth(t *testing.T, e *env) {
	fx := e.fx
	k, key, err := e.db.APIKeys.Add(ctx, nil, "市应急局监测平台", fx.County.Code, []pingan.Role{pingan.RoleMonitor})
	if err != nil || k.Prefix == "" || len(key) < 40 {
		t.Fatalf("add: %+v %v", k, err)
	}
	_, _, err = e.db.APIKeys.Add(ctx, nil, "市应急局监测平台", fx.County.Code, nil)
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "name") == "" {
		t.Errorf("name taken: %v", err)
	}
	_, _, err = e.db.APIKeys.Add(ctx, nil, "x", "999999", nil)
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "unit") == "" {
		t.Errorf("unknown unit: %v", err)
	}
	// An administrator of another county may not add one for this county.
	_, _, err = e.db.APIKeys.Add(ctx, fx.CountyDispatcher, "y", fx.County.Code, nil)
	wantCode(t, err, pingan.EFORBIDDEN)
	u, err := e.db.APIKeys.Authenticate(ctx, key, "GET /api/v1/units")
	if err != nil || u.Name != "市应急局监测平台" || u.UnitCode != fx.County.Code || !u.Has(pingan.RoleMonitor) || u.ID >= 0 || u.ScopePath != fx.County.Path {
		t.Fatalf("authenticate: %+v %v", u, err)
	}
	if _, err := e.db.APIKeys.Authenticate(ctx, key+"x", ""); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("a wrong key: %v", err)
	}
	ks, err := e.db.APIKeys.List(ctx, nil)
	if err != nil || len(ks) != 1 || ks[0].LastUsed == nil || ks[0].RevokedAt != nil {
		t.Fatalf("list: %+v %v", ks, err)
	}
	if err := e.db.APIKeys.Revoke(ctx, nil, "市应急局监测平台"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.APIKeys.Authenticate(ctx, key, ""); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("a revoked key: %v", err)
	}
	wantCode(t, e.db.APIKeys.Revoke(ctx, nil, "nobody"), pingan.ENOTFOUND)
	// The use and the changes are in the audit log with the key's name.
	var uses, adds int
	err = e.db.BulkExec(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE action = 'apikey_use' AND user_name = $1`, "市应急局监测平台").Scan(&uses); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE action IN ('apikey_add', 'apikey_revoke')`).Scan(&adds)
	})
	if err != nil || uses != 1 || adds != 2 {
		t.Errorf("audit: %d uses, %d changes, %v", uses, adds, err)
	}
}

// testSensorsFollowSite: a site moved to another village's grid takes its
// sensors and their alarms with it, in the move's transaction.
func testSensorsFollowSite(t *testing.T, e *env) {
	fx := e.fx
	s, key := monitoredSite(t, e, "MV-GAS", pingan.AlarmToWarning)
	at := e.clock.Now().Add(-time.Minute)
	if _, err := e.db.Monitor.Ingest(ctx, key, []pingan.Reading{{Sensor: s.Code, At: at, Value: 60}}); err != nil {
		t.Fatal(err)
	}
	site, err := e.db.Sites.FindSite(ctx, fx.CountyDispatcher, s.Site)
	if err != nil {
		t.Fatal(err)
	}
	up := &pingan.NewSite{Name: site.Name, Type: site.Type, Level: site.Level, Department: site.Department, Version: site.Version,
		Location: &pingan.Location{Lat: 39.755, Lng: 98.525}} // 南苑社区第一网格
	moved, err := e.db.Sites.UpdateSite(ctx, fx.CountyDispatcher, site.ID, up)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Unit != fx.Village2.Code {
		t.Fatalf("the site moved to %s, want %s", moved.Unit, fx.Village2.Code)
	}
	var sensorPath string
	if err := e.raw(t).QueryRowContext(ctx, `SELECT unit_path FROM sensors WHERE id = $1`, s.ID).Scan(&sensorPath); err != nil {
		t.Fatal(err)
	}
	var stale, alarms int
	if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM alarms WHERE site_id = $1 AND unit_path <> $2`, site.ID, fx.Village2.Path).Scan(&stale); err != nil {
		t.Fatal(err)
	}
	if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM alarms WHERE site_id = $1`, site.ID).Scan(&alarms); err != nil || alarms == 0 {
		t.Fatalf("%d alarms before the move (%v): the reading of 60 %%LEL raised none", alarms, err)
	}
	if sensorPath != fx.Village2.Path || stale != 0 {
		t.Errorf("after the move the sensor is under %s and %d alarms elsewhere, want %s", sensorPath, stale, fx.Village2.Path)
	}
}
