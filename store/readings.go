package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The readings of sensors (监测数据), docs/monitoring.md. A batch is one
// transaction: the sensors it names (locked on PostgreSQL, so that two
// batches of one sensor step its state one after the other), the new rows
// of readings (a duplicate — the same sensor and second — is ignored and
// counted), the hourly rollups, each sensor's step through the threshold
// state machine (pingan.StepSensor) with the alarms it starts, raises and
// ends, the warning or hazard case an alarm becomes, the counters and one
// audit row.

// sensorRow is what a batch reads and writes of a sensor.
type sensorRow struct {
	id, site                           int64
	code, region, unitCode, unitPath   string
	active                             bool
	t                                  pingan.Thresholds
	noDataMinutes                      int
	target                             pingan.AlarmTarget
	hazardLevel                        pingan.HazardLevel
	category, name                     string
	state                              pingan.SensorState
	alarmID, noDataID                  int64
	noData                             bool
	lastAt                             sql.NullInt64
	lastValue                          sql.NullFloat64
	touched                            bool
	episodeReadings                    int
	episodeMax                         float64
	accepted, duplicates, starts, escs int
}

const sensorRowColumns = `id, site_id, code, region, unit_code, unit_path, active, warn_high, alarm_high, warn_low, alarm_low,
	deadband, no_data_minutes, target, hazard_level, category, name, level, lower, alarmed, alarm_id, no_data_id, no_data, last_at, last_value`

func scanSensorRow(s scanner) (*sensorRow, error) {
	var r sensorRow
	var wh, ah, wl, al sql.NullFloat64
	var level string
	if err := s.Scan(&r.id, &r.site, &r.code, &r.region, &r.unitCode, &r.unitPath, &r.active, &wh, &ah, &wl, &al,
		&r.t.Deadband, &r.noDataMinutes, &r.target, &r.hazardLevel, &r.category, &r.name, &level, &r.state.Lower,
		&r.state.Alarmed, &r.alarmID, &r.noDataID, &r.noData, &r.lastAt, &r.lastValue); err != nil {
		return nil, err
	}
	r.t.WarnHigh, r.t.AlarmHigh, r.t.WarnLow, r.t.AlarmLow = nullFloat(wh), nullFloat(ah), nullFloat(wl), nullFloat(al)
	r.state.Level = pingan.SensorLevel(level)
	return &r, nil
}

func nullFloat(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

// readingChunk bounds the rows of one INSERT.
const readingChunk = 500

// sqlInt and sqlFloat write a number as an SQL literal. The readings'
// statements carry their numbers as literals, not as $N arguments:
// SQLite looks each named argument up in a list, so a statement of 1,500
// arguments spends most of its time there. They are numbers this program
// formats (finite, checked by DecodeReadings), never text from outside.
func sqlInt(n int64) string { return strconv.FormatInt(n, 10) }

func sqlFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "NULL" // refused by the NOT NULL columns; DecodeReadings lets none through
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Ingest stores a batch of readings: pingan.MonitorService.
func (s *Monitor) Ingest(ctx context.Context, actor *pingan.User, rs []pingan.Reading) (pingan.IngestResult, error) {
	var res pingan.IngestResult
	if err := pingan.Permit(actor, pingan.CapReadings); err != nil {
		return res, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return res, err
	}
	if len(rs) == 0 {
		return res, nil
	}
	if len(rs) > pingan.MaxReadingsBatch {
		return res, pingan.Invalidf("readings", "monitor.readings.too_many", len(rs), pingan.MaxReadingsBatch)
	}
	now := s.now()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()

	// The sensors, by code, in the actor's jurisdiction.
	codes := map[string]bool{}
	var a args
	var marks []string
	for _, r := range rs {
		if !codes[r.Sensor] {
			codes[r.Sensor] = true
			marks = append(marks, a.add(r.Sensor))
		}
	}
	scopeMark := a.add(scope)
	rows, err := tx.QueryContext(ctx, `SELECT `+sensorRowColumns+` FROM sensors WHERE code IN (`+strings.Join(marks, ", ")+`)
		AND `+unitIn("unit_path", scopeMark)+` ORDER BY id`+s.dialect.forUpdate(), a...)
	if err != nil {
		return res, err
	}
	sensors := map[string]*sensorRow{}
	for rows.Next() {
		r, err := scanSensorRow(rows)
		if err != nil {
			rows.Close()
			return res, err
		}
		sensors[r.code] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	var v pingan.Invalid
	bad := 0
	for _, r := range rs {
		if bad >= pingan.MaxFieldsNamed {
			break
		}
		f := "readings[" + strconv.Itoa(r.Index) + "].sensor"
		switch sr := sensors[r.Sensor]; {
		case sr == nil:
			v.Add(f, "monitor.sensor.unknown", pingan.ShowText(r.Sensor, 40))
		case !sr.active:
			v.Add(f, "monitor.sensor.inactive", pingan.ShowText(r.Sensor, 40))
		}
		if v.Has(f) {
			bad++
		}
	}
	if err := v.Err(); err != nil {
		return res, err
	}

	// The new rows: once per sensor and second in the batch, then what
	// the table does not hold yet.
	type key struct{ id, at int64 }
	seen := make(map[key]bool, len(rs))
	uniq := make([]pingan.Reading, 0, len(rs))
	for _, r := range rs {
		k := key{sensors[r.Sensor].id, r.At.Unix()}
		if seen[k] {
			sensors[r.Sensor].duplicates++
			continue
		}
		seen[k] = true
		uniq = append(uniq, r)
	}
	inserted := make(map[key]bool, len(uniq))
	for i := 0; i < len(uniq); i += readingChunk {
		part := uniq[i:min(i+readingChunk, len(uniq))]
		tuples := make([]string, len(part))
		for j, r := range part {
			tuples[j] = "(" + sqlInt(sensors[r.Sensor].id) + ", " + sqlInt(r.At.Unix()) + ", " + sqlFloat(r.Value) + ")"
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO readings (sensor_id, at, value) VALUES `+strings.Join(tuples, ", ")+`
			ON CONFLICT (sensor_id, at) DO NOTHING RETURNING sensor_id, at`)
		if err != nil {
			return res, err
		}
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.id, &k.at); err != nil {
				rows.Close()
				return res, err
			}
			inserted[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
	}
	type hourKey struct{ id, hour int64 }
	type agg struct {
		n             int
		lo, hi, total float64
	}
	hours := map[hourKey]*agg{}
	fresh := map[*sensorRow][]pingan.Reading{}
	for _, r := range uniq {
		sr := sensors[r.Sensor]
		at := r.At.Unix()
		if !inserted[key{sr.id, at}] {
			sr.duplicates++
			continue
		}
		sr.accepted++
		hk := hourKey{sr.id, at - at%3600}
		g := hours[hk]
		if g == nil {
			g = &agg{lo: r.Value, hi: r.Value}
			hours[hk] = g
		}
		g.n++
		g.lo, g.hi, g.total = min(g.lo, r.Value), max(g.hi, r.Value), g.total+r.Value
		if !sr.lastAt.Valid || at > sr.lastAt.Int64 {
			fresh[sr] = append(fresh[sr], r)
		}
	}
	if len(hours) > 0 {
		hks := make([]hourKey, 0, len(hours))
		for k := range hours {
			hks = append(hks, k)
		}
		sort.Slice(hks, func(i, j int) bool {
			if hks[i].id != hks[j].id {
				return hks[i].id < hks[j].id
			}
			return hks[i].hour < hks[j].hour
		})
		for i := 0; i < len(hks); i += readingChunk / 2 {
			part := hks[i:min(i+readingChunk/2, len(hks))]
			tuples := make([]string, len(part))
			for j, k := range part {
				g := hours[k]
				tuples[j] = "(" + sqlInt(k.id) + ", " + sqlInt(k.hour) + ", " + sqlInt(int64(g.n)) + ", " + sqlFloat(g.lo) + ", " +
					sqlFloat(g.hi) + ", " + sqlFloat(g.total) + ")"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO readings_hourly (sensor_id, hour, n, min, max, sum) VALUES `+strings.Join(tuples, ", ")+`
				ON CONFLICT (sensor_id, hour) DO UPDATE SET n = readings_hourly.n + excluded.n,
				min = CASE WHEN excluded.min < readings_hourly.min THEN excluded.min ELSE readings_hourly.min END,
				max = CASE WHEN excluded.max > readings_hourly.max THEN excluded.max ELSE readings_hourly.max END,
				sum = readings_hourly.sum + excluded.sum`); err != nil {
				return res, err
			}
		}
	}

	// Each sensor's readings after its latest, in time order, through the
	// state machine.
	order := make([]*sensorRow, 0, len(sensors))
	for _, sr := range sensors {
		order = append(order, sr)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].id < order[j].id })
	for _, sr := range order {
		fs := fresh[sr]
		sort.Slice(fs, func(i, j int) bool { return fs[i].At.Before(fs[j].At) })
		for _, r := range fs {
			if err := s.stepReading(ctx, tx, sr, r, now); err != nil {
				return res, err
			}
		}
		if len(fs) > 0 {
			last := fs[len(fs)-1]
			sr.lastAt = sql.NullInt64{Int64: last.At.Unix(), Valid: true}
			sr.lastValue = sql.NullFloat64{Float64: last.Value, Valid: true}
			sr.touched = true
			if sr.noData { // data again: the no-data alarm ends
				if _, err := tx.ExecContext(ctx, `UPDATE alarms SET level = $1, ended_at = $2 WHERE id = $3`,
					pingan.SensorNormal, s.dialect.ts(fs[0].At), sr.noDataID); err != nil {
					return res, err
				}
				sr.noData, sr.noDataID = false, 0
			}
		}
		if sr.touched {
			if err := s.writeSensorState(ctx, tx, sr); err != nil {
				return res, err
			}
		}
		res.Accepted += sr.accepted
		res.Duplicates += sr.duplicates
		res.Alarms += sr.escs
	}

	// The counters, per unit path, and one audit row.
	byPath := map[string]*monitorTally{}
	var paths []string
	for _, sr := range order {
		t := byPath[sr.unitPath]
		if t == nil {
			t = &monitorTally{}
			byPath[sr.unitPath] = t
			paths = append(paths, sr.unitPath)
		}
		t.readings += sr.accepted
		t.duplicates += sr.duplicates
		t.alarms += sr.starts
		t.escalated += sr.escs
	}
	if err := s.addMonitorTallies(ctx, tx, paths, byPath, now); err != nil {
		return res, err
	}
	detail, _ := json.Marshal(map[string]any{"key": actor.Name, "readings": len(rs), "accepted": res.Accepted,
		"duplicates": res.Duplicates, "alarms": res.Alarms})
	if err := s.audit(ctx, tx, actor, auditReadings, order[0].region, "", string(detail)); err != nil {
		return res, err
	}
	if err := s.keyUsed(ctx, tx, actor, "", ""); err != nil { // the key's last_used
		return res, err
	}
	return res, tx.Commit()
}

// writeSensorState writes what a batch changed of a sensor.
func (h *handle) writeSensorState(ctx context.Context, tx *sql.Tx, sr *sensorRow) error {
	var silent any
	if sr.lastAt.Valid && sr.noDataMinutes > 0 {
		silent = sr.lastAt.Int64 + int64(sr.noDataMinutes)*60
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sensors SET level = $1, lower = $2, alarmed = $3, alarm_id = $4, no_data = $5,
		no_data_id = $6, last_at = $7, last_value = $8, silent_from = COALESCE($9, silent_from) WHERE id = $10`,
		string(sr.state.Level), sr.state.Lower, sr.state.Alarmed, sr.alarmID, sr.noData, sr.noDataID, sr.lastAt, sr.lastValue,
		silent, sr.id); err != nil {
		return err
	}
	return h.flushEpisode(ctx, tx, sr)
}

// stepReading moves a sensor by one reading and writes what the step did:
// an alarms row started, raised, eased or ended; the target raised once
// per episode.
func (h *handle) stepReading(ctx context.Context, tx *sql.Tx, sr *sensorRow, r pingan.Reading, now time.Time) error {
	next, evs := pingan.StepSensor(sr.state, sr.t, r.Value)
	if next != sr.state {
		sr.touched = true
	}
	sr.state = next
	d := h.dialect
	for _, ev := range evs {
		switch ev {
		case pingan.EventStart:
			if err := h.flushEpisode(ctx, tx, sr); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO alarms (region, sensor_id, site_id, unit_path, kind, level, peak, value,
				peak_value, started_at, readings) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7, $8, 0) RETURNING id`,
				sr.region, sr.id, sr.site, sr.unitPath, pingan.AlarmThreshold, string(next.Level), r.Value, d.ts(r.At)).Scan(&sr.alarmID); err != nil {
				return err
			}
			sr.starts++
			sr.episodeMax = r.Value
		case pingan.EventRaise:
			if _, err := tx.ExecContext(ctx, `UPDATE alarms SET level = $1, peak = $1 WHERE id = $2`, string(next.Level), sr.alarmID); err != nil {
				return err
			}
		case pingan.EventEase:
			if _, err := tx.ExecContext(ctx, `UPDATE alarms SET level = $1 WHERE id = $2`, string(next.Level), sr.alarmID); err != nil {
				return err
			}
		case pingan.EventRecover:
			if err := h.flushEpisode(ctx, tx, sr); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE alarms SET level = $1, ended_at = $2 WHERE id = $3`,
				pingan.SensorNormal, d.ts(r.At), sr.alarmID); err != nil {
				return err
			}
			sr.alarmID = 0
		case pingan.EventEscalate:
			sr.escs++
			desc := pingan.Text(pingan.ZH, "monitor.case.description", sr.code, strconv.FormatFloat(r.Value, 'f', -1, 64),
				r.At.In(cst).Format("2006-01-02 15:04:05"))
			if err := h.raiseTarget(ctx, tx, sr, sr.alarmID, "monitor.case.title", desc, now); err != nil {
				return err
			}
		}
	}
	if sr.alarmID != 0 {
		sr.episodeReadings++
		sr.episodeMax = max(sr.episodeMax, r.Value)
	}
	return nil
}

// flushEpisode writes the readings counted into the open episode.
func (h *handle) flushEpisode(ctx context.Context, tx *sql.Tx, sr *sensorRow) error {
	if sr.alarmID == 0 || sr.episodeReadings == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE alarms SET readings = readings + $1,
		peak_value = CASE WHEN $2 > peak_value THEN $2 ELSE peak_value END WHERE id = $3`, sr.episodeReadings, sr.episodeMax, sr.alarmID)
	sr.episodeReadings = 0
	return err
}

// monitorActor is who files what an alarm becomes: the system, seeing
// everything.
func monitorActor(unit string) *pingan.User {
	return &pingan.User{Username: "system", Name: pingan.SystemActor, UnitCode: unit, Roles: []pingan.Role{pingan.RoleDispatcher}, ScopePath: "/"}
}

// raiseTarget makes the alarm alarmID of sr — a threshold episode reaching
// the alarm level, or a silence (no-data) — what the sensor says: a
// warning of the warnings' loop or a hazard case through intake, titled by
// the message key title (the site's and the sensor's names) and described
// by desc, in tx.
func (h *handle) raiseTarget(ctx context.Context, tx *sql.Tx, sr *sensorRow, alarmID int64, title, desc string, now time.Time) error {
	var siteName, grid string
	var lat, lng float64
	if err := tx.QueryRowContext(ctx, `SELECT name, grid, lat, lng FROM sites WHERE id = $1`, sr.site).Scan(&siteName, &grid, &lat, &lng); err != nil {
		return err
	}
	switch sr.target {
	case pingan.AlarmToWarning:
		id, err := h.monitoringWarning(ctx, tx, sr, alarmID, grid, now)
		if err != nil || id == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE alarms SET warning_id = $1 WHERE id = $2`, id, alarmID)
		return err
	case pingan.AlarmToHazard:
		in := &intake{actor: monitorActor(sr.unitCode), in: pingan.NewCase{Kind: pingan.KindHazard, Category: sr.category,
			Title: pingan.Text(pingan.ZH, title, siteName, sr.name), Description: desc, Location: &pingan.Location{Lat: lat, Lng: lng},
			Grid: grid, Source: pingan.SourceMonitoring, Hazard: &pingan.HazardFacts{Level: sr.hazardLevel, Site: sr.site}}}
		c, err := h.writeCase(ctx, tx, in, now, &filesWritten{ctx: ctx})
		if err != nil {
			return fmt.Errorf("monitoring: filing the hazard of sensor %s: %w", sr.code, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE alarms SET case_id = $1 WHERE id = $2`, c.ID, alarmID)
		return err
	}
	return nil
}

// monitoringWarning writes a warning of the rule of kind monitoring for
// the alarm alarmID of sr, sent to the site's unit, in tx, and answers its
// id (0 when the deployment has no such rule).
func (h *handle) monitoringWarning(ctx context.Context, tx *sql.Tx, sr *sensorRow, alarmID int64, grid string, now time.Time) (int64, error) {
	var ruleID int64
	var ruleName, level string
	err := tx.QueryRowContext(ctx, `SELECT id, name, level FROM warning_rules WHERE kind = $1 ORDER BY id LIMIT 1`, monitoringRule).
		Scan(&ruleID, &ruleName, &level)
	if err == sql.ErrNoRows {
		h.log.Warn("monitoring: no warning rule of kind monitoring; the alarm stays an alarm", "sensor", sr.code)
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	u, err := unitByCode(ctx, tx, sr.unitCode)
	if err != nil || u == nil {
		return 0, err
	}
	issuer := u.Path
	if i := strings.LastIndex(strings.TrimSuffix(u.Path, "/"), "/"); i > 0 {
		issuer = u.Path[:i+1]
	}
	ds, err := warningDeadlines(ctx, tx)
	if err != nil {
		return 0, err
	}
	signBy, feedbackBy, err := h.deadlinesAt(ds, level, now)
	if err != nil {
		return 0, err
	}
	day := pingan.Day(now)
	key := fmt.Sprintf("%d|alarm|%d", ruleID, alarmID)
	row := &warningRow{Warning: &pingan.Warning{Rule: ruleID, RuleKind: monitoringRule, RuleName: ruleName, Level: level,
		Place: grid, CaseKind: pingan.KindHazard, Count: 1, From: day, To: day, Unit: u.Code, UnitPath: u.Path,
		IssuerPath: issuer, State: pingan.WarningRaised, RaisedAt: now, SignBy: signBy, FeedbackBy: feedbackBy, Key: key, Version: 1},
		region: u.Region, month: now.In(cst).Format(monthLayout)}
	d := h.dialect
	if err := tx.QueryRowContext(ctx, `INSERT INTO warnings (region, rule_id, rule_kind, rule_name, level, dedup_key, place, case_kind,
		category, case_id, count, expected, day_from, day_to, unit_code, unit_path, issuer_path, month, state, raised_at, sign_by,
		feedback_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', 1, 0, $9, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1)
		RETURNING id`, row.region, ruleID, monitoringRule, ruleName, level, key, grid, string(pingan.KindHazard), day, u.Code, u.Path,
		issuer, row.month, pingan.WarningRaised, d.ts(now), d.ts(signBy), d.ts(feedbackBy)).Scan(&row.ID); err != nil {
		return 0, err
	}
	ev := &pingan.WarningEvent{At: now, Unit: u.Code, Step: pingan.WarnStepRaise, Details: map[string]any{
		"rule": ruleID, "sensor": sr.code, "site": sr.site, "alarm": alarmID}}
	if err := h.warningEvent(ctx, tx, row.ID, ev); err != nil {
		return 0, err
	}
	if err := h.tallyWarning(ctx, tx, row, deltaOf(pingan.WarnStepRaise)); err != nil {
		return 0, err
	}
	return row.ID, nil
}

// monitoringRule is the kind of the warning rule monitoring alarms are
// filed under (migration 0032); the rules engine runs no rule of it.
const monitoringRule = "monitoring"
