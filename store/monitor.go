package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Monitor keeps the sensors of key sites, their readings (readings.go) and
// the alarms: pingan.MonitorService and pingan.MonitorWatch.
type Monitor struct{ *handle }

var (
	_ pingan.MonitorService = (*Monitor)(nil)
	_ pingan.MonitorWatch   = (*Monitor)(nil)
)

func errSensorNotFound(id int64) error {
	return pingan.E(pingan.ENOTFOUND, "monitor.sensor.notfound", id)
}

// monitorTally is a change of the monitoring counters of one unit path.
type monitorTally struct{ readings, duplicates, alarms, escalated, nodata int }

// addMonitorTallies adds the changes to the counters of the month of now
// for each path's unit and every unit above it.
func (h *handle) addMonitorTallies(ctx context.Context, tx *sql.Tx, paths []string, ts map[string]*monitorTally, now time.Time) error {
	month := now.In(cst).Format(monthLayout)
	sum := map[string]*monitorTally{}
	var nodes []string
	for _, p := range paths {
		t := ts[p]
		for _, node := range strings.Split(strings.Trim(p, "/"), "/") {
			if node == "" {
				continue
			}
			n := sum[node]
			if n == nil {
				n = &monitorTally{}
				sum[node] = n
				nodes = append(nodes, node)
			}
			n.readings += t.readings
			n.duplicates += t.duplicates
			n.alarms += t.alarms
			n.escalated += t.escalated
			n.nodata += t.nodata
		}
	}
	if len(nodes) == 0 {
		return nil
	}
	a := args{month}
	tuples := make([]string, len(nodes))
	for i, node := range nodes {
		n := sum[node]
		tuples[i] = "(" + a.add(node) + ", $1, " + a.add(n.readings) + ", " + a.add(n.duplicates) + ", " + a.add(n.alarms) + ", " +
			a.add(n.escalated) + ", " + a.add(n.nodata) + ")"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO monitor_tallies (node, month, readings, duplicates, alarms, escalated, nodata)
		VALUES `+strings.Join(tuples, ", ")+` ON CONFLICT (node, month) DO UPDATE SET
		readings = monitor_tallies.readings + excluded.readings, duplicates = monitor_tallies.duplicates + excluded.duplicates,
		alarms = monitor_tallies.alarms + excluded.alarms, escalated = monitor_tallies.escalated + excluded.escalated,
		nodata = monitor_tallies.nodata + excluded.nodata`, a...)
	return err
}

const sensorColumns = `s.id, s.site_id, st.name, s.code, s.name, s.quantity, s.unit, s.warn_high, s.alarm_high, s.warn_low, s.alarm_low,
	s.deadband, s.no_data_minutes, s.target, s.hazard_level, s.category, s.active, s.level, s.no_data, s.last_at, s.last_value,
	s.region, s.unit_code, s.unit_path, s.version`

const sensorFrom = ` FROM sensors s JOIN sites st ON st.id = s.site_id`

func scanSensor(sc scanner) (*pingan.Sensor, error) {
	var s pingan.Sensor
	var wh, ah, wl, al, lastValue sql.NullFloat64
	var lastAt sql.NullInt64
	if err := sc.Scan(&s.ID, &s.Site, &s.SiteName, &s.Code, &s.Name, &s.Quantity, &s.Unit, &wh, &ah, &wl, &al, &s.Deadband,
		&s.NoDataMinutes, &s.Target, &s.HazardLevel, &s.Category, &s.Active, &s.Level, &s.NoData, &lastAt, &lastValue,
		&s.Region, &s.UnitCode, &s.Path, &s.Version); err != nil {
		return nil, err
	}
	s.WarnHigh, s.AlarmHigh, s.WarnLow, s.AlarmLow, s.LastValue = nullFloat(wh), nullFloat(ah), nullFloat(wl), nullFloat(al), nullFloat(lastValue)
	if lastAt.Valid {
		t := time.Unix(lastAt.Int64, 0).In(cst)
		s.LastAt = &t
	}
	return &s, nil
}

// Sensors answers the sensors of a site (0: of every site, at most 1,000)
// in the actor's jurisdiction, by code.
func (s *Monitor) Sensors(ctx context.Context, actor *pingan.User, site int64) ([]*pingan.Sensor, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+sensorColumns+sensorFrom+` WHERE ($1 = 0 OR s.site_id = $1) AND `+unitIn("s.unit_path", "$2")+`
		ORDER BY s.code LIMIT 1000`, site, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Sensor
	for rows.Next() {
		x, err := scanSensor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// FindSensor answers a sensor in the actor's jurisdiction.
func (s *Monitor) FindSensor(ctx context.Context, actor *pingan.User, id int64) (*pingan.Sensor, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	x, err := scanSensor(s.read.QueryRowContext(ctx, `SELECT `+sensorColumns+sensorFrom+` WHERE s.id = $1 AND `+unitIn("s.unit_path", "$2"), id, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSensorNotFound(id)
	}
	return x, err
}

func nullable(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// SaveSensor adds or changes a sensor in one transaction with an audit row.
func (s *Monitor) SaveSensor(ctx context.Context, actor *pingan.User, in *pingan.Sensor) (*pingan.Sensor, error) {
	if err := pingan.Permit(actor, pingan.CapSensors); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.Invalidf("code", "field.required")
	}
	x := *in
	x.Normalize()
	var v pingan.Invalid
	x.Validate(&v)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var region, unit, path string
	if x.Site > 0 {
		err = tx.QueryRowContext(ctx, `SELECT region, unit_code, unit_path FROM sites WHERE id = $1 AND `+unitIn("unit_path", "$2"),
			x.Site, scope).Scan(&region, &unit, &path)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pingan.E(pingan.ENOTFOUND, "monitor.site.notfound", x.Site)
		} else if err != nil {
			return nil, err
		}
	}
	if x.Category != "" {
		cat, err := s.lookupCategory(ctx, tx, x.Category)
		if err != nil || cat.Kind != pingan.KindHazard {
			v.Add("category", "monitor.category.bad")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	d := s.dialect
	step := "sensor_add"
	if x.ID == 0 {
		var silent any
		if x.NoDataMinutes > 0 {
			silent = now.Unix() + int64(x.NoDataMinutes)*60
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO sensors (region, site_id, code, name, quantity, unit, warn_high, alarm_high,
			warn_low, alarm_low, deadband, no_data_minutes, target, hazard_level, category, active, unit_code, unit_path,
			silent_from, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
			$18, $19, $20, $20) RETURNING id`, region, x.Site, x.Code, x.Name, string(x.Quantity), x.Unit, nullable(x.WarnHigh),
			nullable(x.AlarmHigh), nullable(x.WarnLow), nullable(x.AlarmLow), x.Deadband, x.NoDataMinutes, string(x.Target),
			string(x.HazardLevel), x.Category, true, unit, path, silent, d.ts(now)).Scan(&x.ID)
	} else {
		step = "sensor_change"
		var res sql.Result
		res, err = tx.ExecContext(ctx, `UPDATE sensors SET site_id = $1, code = $2, name = $3, quantity = $4, unit = $5, warn_high = $6,
			alarm_high = $7, warn_low = $8, alarm_low = $9, deadband = $10, no_data_minutes = $11, target = $12, hazard_level = $13,
			category = $14, active = $15, region = $16, unit_code = $17, unit_path = $18, updated_at = $19, version = version + 1,
			silent_from = CASE WHEN CAST($24 AS BIGINT) > 0 THEN COALESCE(last_at, CAST($20 AS BIGINT)) + CAST($24 AS BIGINT) ELSE NULL END
			WHERE id = $21 AND (CAST($22 AS BIGINT) = 0 OR version = CAST($22 AS BIGINT)) AND `+unitIn("unit_path", "$23"), x.Site, x.Code,
			x.Name, string(x.Quantity), x.Unit, nullable(x.WarnHigh), nullable(x.AlarmHigh), nullable(x.WarnLow), nullable(x.AlarmLow),
			x.Deadband, x.NoDataMinutes, string(x.Target), string(x.HazardLevel), x.Category, x.Active, region, unit, path, d.ts(now),
			now.Unix(), x.ID, x.Version, scope, int64(x.NoDataMinutes)*60)
		if err == nil {
			var n int64
			if n, err = res.RowsAffected(); err == nil && n == 0 {
				var have int
				if tx.QueryRowContext(ctx, `SELECT version FROM sensors WHERE id = $1 AND `+unitIn("unit_path", "$2"), x.ID, scope).Scan(&have) != nil {
					return nil, errSensorNotFound(x.ID)
				}
				return nil, pingan.E(pingan.ECONFLICT, "monitor.sensor.stale")
			}
		}
	}
	if isUnique(err) {
		return nil, pingan.Invalidf("code", "monitor.code.taken", pingan.ShowText(x.Code, 40))
	} else if err != nil {
		return nil, err
	}
	detail, _ := json.Marshal(map[string]any{"sensor": x.ID, "code": x.Code, "site": x.Site})
	if err := s.audit(ctx, tx, actor, step, region, "", string(detail)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindSensor(ctx, actor, x.ID)
}

// Alarms answers the latest alarms of a site (0: of every site in the
// actor's jurisdiction), newest first.
func (s *Monitor) Alarms(ctx context.Context, actor *pingan.User, site int64, limit int) ([]*pingan.Alarm, error) {
	if err := pingan.Permit(actor, pingan.CapSites); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT a.id, a.sensor_id, s.code, a.site_id, a.kind, a.level, a.peak, a.value, a.peak_value,
		a.started_at, a.ended_at, a.warning_id, a.case_id, a.readings FROM alarms a JOIN sensors s ON s.id = a.sensor_id
		WHERE ($1 = 0 OR a.site_id = $1) AND `+unitIn("a.unit_path", "$2")+` ORDER BY a.id DESC LIMIT $3`, site, scope, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Alarm
	for rows.Next() {
		var a pingan.Alarm
		var started, ended stamp
		if err := rows.Scan(&a.ID, &a.Sensor, &a.Code, &a.Site, &a.Kind, &a.Level, &a.Peak, &a.Value, &a.PeakVal, &started, &ended,
			&a.Warning, &a.CaseID, &a.Readings); err != nil {
			return nil, err
		}
		a.Started, a.Ended = started.T, ended.ptr()
		out = append(out, &a)
	}
	return out, rows.Err()
}

// Series answers a sensor's hourly rollups from..to, oldest first.
func (s *Monitor) Series(ctx context.Context, actor *pingan.User, sensor int64, from, to time.Time) ([]pingan.Rollup, error) {
	if _, err := s.FindSensor(ctx, actor, sensor); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT hour, n, min, max, sum FROM readings_hourly WHERE sensor_id = $1 AND hour >= $2
		AND hour < $3 ORDER BY hour`, sensor, from.Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingan.Rollup
	for rows.Next() {
		var r pingan.Rollup
		var hour int64
		var sum float64
		if err := rows.Scan(&hour, &r.N, &r.Min, &r.Max, &sum); err != nil {
			return nil, err
		}
		r.At = time.Unix(hour, 0).In(cst)
		if r.N > 0 {
			r.Avg = sum / float64(r.N)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ImportRollups writes a sensor's historical hourly rollups, 500 rows a
// statement, in one transaction.
func (s *Monitor) ImportRollups(ctx context.Context, actor *pingan.User, sensor int64, rs []pingan.Rollup) (int, error) {
	if err := pingan.Permit(actor, pingan.CapSensors); err != nil {
		return 0, err
	}
	if _, err := s.FindSensor(ctx, actor, sensor); err != nil {
		return 0, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n := 0
	for i := 0; i < len(rs); i += readingChunk {
		part := rs[i:min(i+readingChunk, len(rs))]
		tuples := make([]string, 0, len(part))
		for _, r := range part {
			if r.N <= 0 || math.IsNaN(r.Min+r.Max+r.Avg) || math.IsInf(r.Min+r.Max+r.Avg, 0) {
				continue
			}
			hour := r.At.Unix() - r.At.Unix()%3600
			tuples = append(tuples, "("+sqlInt(sensor)+", "+sqlInt(hour)+", "+sqlInt(int64(r.N))+", "+sqlFloat(r.Min)+", "+sqlFloat(r.Max)+", "+
				sqlFloat(r.Avg*float64(r.N))+")")
		}
		if len(tuples) == 0 {
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO readings_hourly (sensor_id, hour, n, min, max, sum) VALUES `+strings.Join(tuples, ", ")+`
			ON CONFLICT (sensor_id, hour) DO NOTHING`)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, tx.Commit()
}

// MonitorCounts answers the counters of unit (the actor's own when "") for
// the months from..to.
func (s *Monitor) MonitorCounts(ctx context.Context, actor *pingan.User, unit, from, to string) (pingan.MonitorCounts, error) {
	var c pingan.MonitorCounts
	if err := pingan.Permit(actor, pingan.CapStatistics); err != nil {
		return c, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return c, err
	}
	if unit == "" {
		unit = actor.UnitCode
	}
	u, err := unitInScope(ctx, s.read, unit, scope)
	if err != nil {
		return c, err
	}
	err = s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(readings), 0), COALESCE(SUM(duplicates), 0), COALESCE(SUM(escalated), 0),
		COALESCE(SUM(nodata), 0) FROM monitor_tallies WHERE node = $1 AND month >= $2 AND month <= $3`, u.Code, from, to).
		Scan(&c.Readings, &c.Duplicates, &c.Alarms, &c.NoData)
	return c, err
}

// MarkNoData raises the no-data alarms due at now, each sensor in its own
// transaction with the warning or hazard case the alarm becomes (the
// sensor's target, as for a threshold alarm) and the counters.
func (s *Monitor) MarkNoData(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.write.QueryContext(ctx, `SELECT id FROM sensors WHERE silent_from <= $1 AND active = $2 AND no_data = $3
		AND no_data_minutes > 0 ORDER BY silent_from, id LIMIT $4`, now.Unix(), true, false, limit)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.inOwnTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			sr, err := scanSensorRow(tx.QueryRowContext(ctx, `SELECT `+sensorRowColumns+` FROM sensors WHERE id = $1 AND silent_from <= $2
				AND no_data = $3`+s.dialect.forUpdate(), id, now.Unix(), false))
			if errors.Is(err, sql.ErrNoRows) {
				return nil // data came meanwhile
			} else if err != nil {
				return err
			}
			// The alarm starts when the silence became one (the last
			// reading and the sensor's minutes), not at this pass.
			since, started := now, now
			if sr.lastAt.Valid {
				since = time.Unix(sr.lastAt.Int64, 0)
				started = since.Add(time.Duration(sr.noDataMinutes) * time.Minute)
			}
			var value float64
			if sr.lastValue.Valid {
				value = sr.lastValue.Float64
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO alarms (region, sensor_id, site_id, unit_path, kind, level, peak, value,
				peak_value, started_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7, $8) RETURNING id`, sr.region, sr.id, sr.site,
				sr.unitPath, pingan.AlarmNoData, string(pingan.SensorAlarm), value, s.dialect.ts(started)).Scan(&sr.noDataID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sensors SET no_data = $1, no_data_id = $2 WHERE id = $3`, true, sr.noDataID, sr.id); err != nil {
				return err
			}
			// What the silence becomes, as the sensor says, once: the
			// no_data flag set above keeps a later pass off this episode.
			desc := pingan.Text(pingan.ZH, "monitor.case.nodata.description", sr.code, since.In(cst).Format("2006-01-02 15:04:05"),
				sr.noDataMinutes)
			if err := s.raiseTarget(ctx, tx, sr, sr.noDataID, "monitor.case.nodata.title", desc, now); err != nil {
				return err
			}
			if err := s.addMonitorTallies(ctx, tx, []string{sr.unitPath}, map[string]*monitorTally{sr.unitPath: {nodata: 1}}, now); err != nil {
				return err
			}
			detail, _ := json.Marshal(map[string]any{"sensor": sr.code, "alarm": sr.noDataID, "since": since.In(cst).Format(time.RFC3339),
				"target": sr.target})
			if err := s.audit(ctx, tx, nil, "sensor_no_data", sr.region, "", string(detail)); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// PruneReadings deletes raw readings older than before, at most limit.
func (s *Monitor) PruneReadings(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 10000
	}
	res, err := s.write.ExecContext(ctx, `DELETE FROM readings WHERE (sensor_id, at) IN (SELECT sensor_id, at FROM readings
		WHERE at < $1 ORDER BY at LIMIT $2)`, before.Unix(), limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
