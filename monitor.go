package pingan

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Monitoring (监测预警), docs/monitoring.md: the sensors of a key site (a
// 重大危险源 enterprise's gas detectors, tank levels, pressures), the
// readings a monitoring system sends in — over HTTP with an API key or
// over MQTT — and the alarms their thresholds raise. A sensor is a place's
// instrument, never a person's: nothing here follows anyone.
//
// A sensor's level (normal → warning → alarm and back) moves by one pure
// rule, StepSensor: up at once when a reading crosses a threshold, down only when
// ClearAfter readings in a row lie a dead band (Deadband) inside it, so a
// value wavering around a threshold raises one alarm, not one per reading.
// An episode away from normal is one alarms row; when it reaches the alarm
// level it becomes, once, what the sensor says (a warning of the warnings'
// loop, or a hazard case through intake), and its return to normal is
// recorded (ended_at). No data for NoDataMinutes raises a no-data alarm
// once (the watch, jobs.Monitor).

// Quantity is what a sensor measures.
type Quantity string

const (
	QuantityGasLEL      Quantity = "gas_lel"      // 可燃气体浓度, %LEL
	QuantityToxicPPM    Quantity = "toxic_ppm"    // 有毒气体浓度, ppm
	QuantityTemperature Quantity = "temperature"  // 温度, ℃
	QuantityPressure    Quantity = "pressure"     // 压力, MPa
	QuantityLiquidLevel Quantity = "liquid_level" // 液位, m
	QuantityOther       Quantity = "other"        // 其他
)

// Quantities lists the quantities in the order of the pages.
var Quantities = []Quantity{QuantityGasLEL, QuantityToxicPPM, QuantityTemperature, QuantityPressure, QuantityLiquidLevel, QuantityOther}

// DefaultUnit answers the unit a quantity is read in unless a sensor says
// otherwise.
func (q Quantity) DefaultUnit() string {
	switch q {
	case QuantityGasLEL:
		return "%LEL"
	case QuantityToxicPPM:
		return "ppm"
	case QuantityTemperature:
		return "℃"
	case QuantityPressure:
		return "MPa"
	case QuantityLiquidLevel:
		return "m"
	}
	return ""
}

// Level of a sensor: normal, over its warning threshold, over its alarm
// threshold (正常, 预警, 报警).
type SensorLevel string

const (
	SensorNormal  SensorLevel = "normal"
	SensorWarning SensorLevel = "warning"
	SensorAlarm   SensorLevel = "alarm"
)

func (l SensorLevel) rank() int {
	switch l {
	case SensorWarning:
		return 1
	case SensorAlarm:
		return 2
	}
	return 0
}

// AlarmTarget is what an alarm becomes when an episode reaches the alarm
// level: a warning (预警, the warnings' loop), a hazard case (安全隐患,
// through intake with source monitoring and the site set), or nothing but
// its own row.
type AlarmTarget string

const (
	AlarmToWarning AlarmTarget = "warning"
	AlarmToHazard  AlarmTarget = "hazard"
	AlarmToNone    AlarmTarget = "none"
)

// AlarmTargets lists the targets in the order of the pages.
var AlarmTargets = []AlarmTarget{AlarmToWarning, AlarmToHazard, AlarmToNone}

// Thresholds are a sensor's levels. A nil threshold is not checked. High
// thresholds are crossed at or above, low ones at or below.
type Thresholds struct {
	WarnHigh  *float64 `json:"warn_high,omitempty"`
	AlarmHigh *float64 `json:"alarm_high,omitempty"`
	WarnLow   *float64 `json:"warn_low,omitempty"`
	AlarmLow  *float64 `json:"alarm_low,omitempty"`
	// Deadband is how far inside a threshold a value must come back before
	// it counts as below it (回差), in the sensor's unit; 0: DefaultDeadband
	// of the largest threshold.
	Deadband float64 `json:"deadband,omitempty"`
}

// DefaultDeadband is the dead band when a sensor sets none: this share of
// the largest threshold's magnitude.
const DefaultDeadband = 0.05

// ClearAfter is how many readings in a row must lie below a level (by the
// dead band) before the sensor leaves it.
const ClearAfter = 3

// band answers the dead band in force.
func (t Thresholds) band() float64 {
	if t.Deadband > 0 {
		return t.Deadband
	}
	m := 0.0
	for _, p := range []*float64{t.WarnHigh, t.AlarmHigh, t.WarnLow, t.AlarmLow} {
		if p != nil {
			m = max(m, math.Abs(*p))
		}
	}
	return m * DefaultDeadband
}

// Classify answers the level a value reaches, the dead band moved by
// inside (0: the thresholds themselves; band: a value must come that far
// back to count as below).
func (t Thresholds) classify(v, inside float64) SensorLevel {
	switch {
	case t.AlarmHigh != nil && v >= *t.AlarmHigh-inside, t.AlarmLow != nil && v <= *t.AlarmLow+inside:
		return SensorAlarm
	case t.WarnHigh != nil && v >= *t.WarnHigh-inside, t.WarnLow != nil && v <= *t.WarnLow+inside:
		return SensorWarning
	}
	return SensorNormal
}

// Classify answers the level a value reaches on the thresholds alone.
func (t Thresholds) Classify(v float64) SensorLevel { return t.classify(v, 0) }

// Validate adds to v what is wrong with the thresholds: each finite, the
// warning inside the alarm (warn_high ≤ alarm_high, warn_low ≥ alarm_low),
// the low ones below the high ones, and a dead band not negative.
func (t Thresholds) Validate(v *Invalid) {
	for _, f := range []struct {
		name string
		p    *float64
	}{{"warn_high", t.WarnHigh}, {"alarm_high", t.AlarmHigh}, {"warn_low", t.WarnLow}, {"alarm_low", t.AlarmLow}} {
		if f.p != nil && (math.IsNaN(*f.p) || math.IsInf(*f.p, 0)) {
			v.Add(f.name, "monitor.value.nan")
		}
	}
	if t.WarnHigh != nil && t.AlarmHigh != nil && *t.WarnHigh > *t.AlarmHigh {
		v.Add("warn_high", "monitor.threshold.warn_high")
	}
	if t.WarnLow != nil && t.AlarmLow != nil && *t.WarnLow < *t.AlarmLow {
		v.Add("warn_low", "monitor.threshold.warn_low")
	}
	lo, hi, loName := t.WarnLow, t.WarnHigh, "warn_low"
	if lo == nil {
		lo, loName = t.AlarmLow, "alarm_low"
	}
	if hi == nil {
		hi = t.AlarmHigh
	}
	if lo != nil && hi != nil && *lo >= *hi {
		v.Add(loName, "monitor.threshold.low_high") // the low threshold compared
	}
	if t.WarnHigh == nil && t.AlarmHigh == nil && t.WarnLow == nil && t.AlarmLow == nil {
		v.Add("alarm_high", "monitor.threshold.none")
	}
	if t.Deadband < 0 || math.IsNaN(t.Deadband) || math.IsInf(t.Deadband, 0) {
		v.Add("deadband", "monitor.deadband.bad")
	}
}

// SensorState is what Step remembers of a sensor between readings.
type SensorState struct {
	Level SensorLevel `json:"level"`
	// Lower counts the readings in a row that lie below Level by the dead
	// band; the sensor leaves Level at ClearAfter.
	Lower int `json:"-"`
	// Alarmed says that the current episode reached the alarm level (its
	// warning or hazard was raised); it is cleared at normal.
	Alarmed bool `json:"-"`
}

// SensorEvent is what a reading did to a sensor's level.
type SensorEvent string

const (
	EventNone     SensorEvent = ""         // nothing to record
	EventStart    SensorEvent = "start"    // left normal: a new episode (an alarms row) at the new level
	EventRaise    SensorEvent = "raise"    // the episode rose (warning → alarm)
	EventEase     SensorEvent = "ease"     // the episode fell back a level, not yet to normal
	EventRecover  SensorEvent = "recover"  // back to normal: the episode ends
	EventEscalate SensorEvent = "escalate" // with Start or Raise: first reached the alarm level, so the sensor's target is raised
)

// StepSensor is the threshold state machine: the state after a reading of value
// v from state s, and what it did. Up moves happen at once; down moves
// after ClearAfter readings in a row below the level by the dead band,
// and go straight to the level those readings hold. The target is raised
// (escalate) once per episode, the first time it reaches the alarm level.
func StepSensor(s SensorState, t Thresholds, v float64) (SensorState, []SensorEvent) {
	if s.Level == "" {
		s.Level = SensorNormal
	}
	now := t.Classify(v)
	if now.rank() >= s.Level.rank() {
		s.Lower = 0
		if now == s.Level {
			return s, nil
		}
		var evs []SensorEvent
		if s.Level == SensorNormal {
			evs = append(evs, EventStart)
		} else {
			evs = append(evs, EventRaise)
		}
		s.Level = now
		if now == SensorAlarm && !s.Alarmed {
			s.Alarmed = true
			evs = append(evs, EventEscalate)
		}
		return s, evs
	}
	// Below the level: does it lie below by the dead band?
	inside := t.classify(v, t.band())
	if inside.rank() >= s.Level.rank() {
		s.Lower = 0
		return s, nil
	}
	s.Lower++
	if s.Lower < ClearAfter {
		return s, nil
	}
	s.Lower = 0
	s.Level = inside
	if inside == SensorNormal {
		s.Alarmed = false
		return s, []SensorEvent{EventRecover}
	}
	return s, []SensorEvent{EventEase}
}

// Sensor is a monitoring point of a key site.
type Sensor struct {
	ID       int64    `json:"id"`
	Site     int64    `json:"site"`
	SiteName string   `json:"site_name,omitempty"`
	Code     string   `json:"code"` // what the monitoring system sends, unique
	Name     string   `json:"name"`
	Quantity Quantity `json:"quantity"`
	Unit     string   `json:"unit"`
	Thresholds
	// NoDataMinutes raises a no-data alarm when nothing arrived for that
	// long (0: never).
	NoDataMinutes int         `json:"no_data_minutes"`
	Target        AlarmTarget `json:"target"`
	// HazardLevel is the level of the hazard case an alarm files.
	HazardLevel HazardLevel `json:"hazard_level,omitempty"`
	// Category of the hazard case (AQ02 燃气安全隐患 …).
	Category string `json:"category,omitempty"`
	Active   bool   `json:"active"`

	Level     SensorLevel `json:"level"`
	NoData    bool        `json:"no_data"`
	LastAt    *time.Time  `json:"last_at,omitempty"`
	LastValue *float64    `json:"last_value,omitempty"`

	Region   string `json:"-"`
	UnitCode string `json:"site_unit"` // the site's unit
	Path     string `json:"-"`
	Version  int    `json:"version"`
}

// Limits of a sensor's texts.
const (
	MaxSensorCode = 64
	MaxSensorName = 60
)

// Normalize trims the texts and fills the defaults: the quantity's unit,
// the target (a warning) and the hazard level (general).
func (s *Sensor) Normalize() {
	s.Code, s.Name, s.Unit, s.Category = strings.TrimSpace(s.Code), strings.TrimSpace(s.Name), strings.TrimSpace(s.Unit), strings.TrimSpace(s.Category)
	s.Quantity = Quantity(strings.TrimSpace(string(s.Quantity)))
	if s.Unit == "" {
		s.Unit = s.Quantity.DefaultUnit()
	}
	if s.Target == "" {
		s.Target = AlarmToWarning
	}
	if s.HazardLevel == "" {
		s.HazardLevel = HazardGeneral
	}
}

// Validate adds to v what is wrong with the sensor without the database.
func (s *Sensor) Validate(v *Invalid) {
	v.Require("code", s.Code)
	if utf8.RuneCountInString(s.Code) > MaxSensorCode || strings.ContainsAny(s.Code, " \t\r\n/#+") {
		v.Add("code", "monitor.code.bad", MaxSensorCode)
	}
	v.Require("name", s.Name)
	if utf8.RuneCountInString(s.Name) > MaxSensorName {
		v.Add("name", "monitor.text.long", MaxSensorName)
	}
	if !slices.Contains(Quantities, s.Quantity) {
		v.Add("quantity", "monitor.quantity.bad", ShowText(string(s.Quantity), 20))
	}
	if utf8.RuneCountInString(s.Unit) > 16 {
		v.Add("unit", "monitor.text.long", 16)
	}
	if s.Site <= 0 {
		v.Add("site", "field.required")
	}
	s.Thresholds.Validate(v)
	if s.NoDataMinutes < 0 || s.NoDataMinutes > 7*24*60 {
		v.Add("no_data_minutes", "monitor.nodata.bad")
	}
	if !slices.Contains(AlarmTargets, s.Target) {
		v.Add("target", "monitor.target.bad", ShowText(string(s.Target), 20))
	}
	if s.HazardLevel != HazardGeneral && s.HazardLevel != HazardMajor {
		v.Add("hazard_level", "monitor.hazard_level.bad")
	}
	if s.Target == AlarmToHazard && s.Category == "" {
		v.Add("category", "field.required")
	}
}

// Reading is one value of a sensor at a time. Index is its place in the
// batch it came in (for the field names of errors).
type Reading struct {
	Sensor string    `json:"sensor"`
	At     time.Time `json:"at"`
	Value  float64   `json:"value"`
	Index  int       `json:"-"`
}

// Limits of readings.
const (
	MaxReadingsBatch = 1000            // readings in one POST or one message
	MaxReadingAhead  = 5 * time.Minute // a reading later than now by more is refused
)

// MaxFieldsNamed bounds the bad readings a refusal names: the first 20.
const MaxFieldsNamed = 20

// errTooManyReadings is the key of the refusal of a batch over the limit,
// which the API answers 413.
const errTooManyReadings = "monitor.readings.too_many"

// TooManyReadings reports whether err refuses a batch for its size.
func TooManyReadings(err error) bool {
	e, ok := err.(*Error)
	if !ok {
		return false
	}
	m, ok := e.Fields["readings"]
	return ok && m.Key == errTooManyReadings
}

// DecodeReadings reads a batch {"readings":[{"sensor","at","value"}, …]}
// (the body of POST /readings and of an MQTT message) and checks every
// reading that needs no database: a sensor code, a time in RFC 3339 no
// later than now + MaxReadingAhead, a finite number. A bad reading refuses
// the whole batch, naming readings[i].field; more than MaxReadingsBatch
// refuses it naming readings (TooManyReadings).
func DecodeReadings(data []byte, now time.Time) ([]Reading, error) {
	var body struct {
		Readings []struct {
			Sensor json.RawMessage `json:"sensor"`
			At     json.RawMessage `json:"at"`
			Value  json.RawMessage `json:"value"`
		} `json:"readings"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&body); err != nil {
		return nil, Invalidf("readings", "monitor.readings.json")
	}
	if body.Readings == nil {
		return nil, Invalidf("readings", "field.required")
	}
	if len(body.Readings) > MaxReadingsBatch {
		return nil, Invalidf("readings", errTooManyReadings, len(body.Readings), MaxReadingsBatch)
	}
	var v Invalid
	out := make([]Reading, 0, len(body.Readings))
	limit := now.Add(MaxReadingAhead)
	bad := 0
	for i, r := range body.Readings {
		if bad >= MaxFieldsNamed {
			break // the first are enough to mend the batch
		}
		f := "readings[" + strconv.Itoa(i) + "]."
		var rd Reading
		rd.Index = i
		if err := json.Unmarshal(r.Sensor, &rd.Sensor); err != nil || strings.TrimSpace(rd.Sensor) == "" {
			v.Add(f+"sensor", "field.required")
		}
		var at string
		if err := json.Unmarshal(r.At, &at); err != nil {
			v.Add(f+"at", "monitor.at.bad")
		} else if t, err := time.Parse(time.RFC3339Nano, at); err != nil {
			v.Add(f+"at", "monitor.at.bad")
		} else if t.After(limit) {
			v.Add(f+"at", "monitor.at.future")
		} else {
			rd.At = t.Truncate(time.Second)
		}
		val, ok := parseNumber(r.Value)
		if !ok {
			v.Add(f+"value", "monitor.value.nan")
		}
		rd.Value = val
		out = append(out, rd)
		if v.Has(f+"sensor") || v.Has(f+"at") || v.Has(f+"value") {
			bad++
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseNumber answers a JSON number that is finite (a string, null, NaN
// or an infinity is not).
func parseNumber(raw json.RawMessage) (float64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// IngestResult answers a batch: the readings stored and those ignored as
// duplicates (the same sensor and second as one stored before, or twice in
// the batch).
type IngestResult struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	// Alarms are the episodes the batch started or raised to the alarm level.
	Alarms int `json:"alarms"`
}

// Alarm is one episode of a sensor away from normal (报警记录), or one
// spell without data (Kind nodata).
type Alarm struct {
	ID       int64       `json:"id"`
	Sensor   int64       `json:"sensor"`
	Code     string      `json:"sensor_code"`
	Site     int64       `json:"site"`
	Kind     string      `json:"kind"`  // threshold | nodata
	Level    SensorLevel `json:"level"` // now (warning, alarm); normal once ended
	Peak     SensorLevel `json:"peak"`
	Value    float64     `json:"value"` // the reading that started it
	PeakVal  float64     `json:"peak_value"`
	Started  time.Time   `json:"started_at"`
	Ended    *time.Time  `json:"ended_at,omitempty"`
	Warning  int64       `json:"warning,omitempty"` // the warning it raised
	CaseID   string      `json:"case,omitempty"`    // the hazard case it filed
	Readings int         `json:"readings"`          // readings during it
}

// Alarm kinds.
const (
	AlarmThreshold = "threshold"
	AlarmNoData    = "nodata"
)

// Rollup is one hour (or longer bucket) of a sensor's readings for charts.
type Rollup struct {
	At  time.Time `json:"at"`
	N   int       `json:"n"`
	Min float64   `json:"min"`
	Max float64   `json:"max"`
	Avg float64   `json:"avg"`
}

// MonitorCounts are a unit's monitoring numbers for a period, from the
// counters.
type MonitorCounts struct {
	Readings   int64 `json:"readings"`
	Duplicates int64 `json:"duplicates"`
	Alarms     int64 `json:"alarms"`
	NoData     int64 `json:"no_data"`
}

// MonitorService keeps sensors, readings and alarms.
type MonitorService interface {
	// Ingest stores a batch of readings (DecodeReadings) in one
	// transaction and moves each sensor's level: EINVALID naming
	// readings[i].sensor for a sensor unknown or outside the actor's
	// jurisdiction (nothing is stored); EFORBIDDEN without CapReadings.
	Ingest(ctx context.Context, actor *User, rs []Reading) (IngestResult, error)
	// SaveSensor adds (ID 0) or changes a sensor: EINVALID, ENOTFOUND
	// (site or sensor), ECONFLICT (a code taken, a stale version),
	// EFORBIDDEN without CapSensors.
	SaveSensor(ctx context.Context, actor *User, s *Sensor) (*Sensor, error)
	// Sensors answers the sensors of a site in the actor's jurisdiction.
	Sensors(ctx context.Context, actor *User, site int64) ([]*Sensor, error)
	// FindSensor answers one sensor: ENOTFOUND.
	FindSensor(ctx context.Context, actor *User, id int64) (*Sensor, error)
	// Alarms answers the latest alarms of a site (limit, newest first).
	Alarms(ctx context.Context, actor *User, site int64, limit int) ([]*Alarm, error)
	// Series answers a sensor's hourly rollups from..to (the chart).
	Series(ctx context.Context, actor *User, sensor int64, from, to time.Time) ([]Rollup, error)
	// ImportRollups writes hourly rollups of a sensor's history (a
	// monitoring system joining with its archive; the demo), hours already
	// held kept as they are, and answers how many it wrote. They are not
	// readings: no state, alarm or counter moves. EFORBIDDEN without
	// CapSensors, ENOTFOUND for a sensor outside the jurisdiction.
	ImportRollups(ctx context.Context, actor *User, sensor int64, rs []Rollup) (int, error)
	// MonitorCounts answers the counters of unit's subtree for the months
	// from..to (YYYY-MM).
	MonitorCounts(ctx context.Context, actor *User, unit, from, to string) (MonitorCounts, error)
}

// MonitorWatch is the background work of monitoring (jobs.Monitor).
type MonitorWatch interface {
	// MarkNoData raises a no-data alarm for at most limit sensors silent
	// past their NoDataMinutes at now, once each, and answers how many.
	MarkNoData(ctx context.Context, now time.Time, limit int) (int, error)
	// PruneReadings deletes at most limit raw readings older than before
	// (the hourly rollups stay), and answers how many.
	PruneReadings(ctx context.Context, before time.Time, limit int) (int, error)
}

// BrokerState is the MQTT subscription's state (pingan serve --mqtt),
// shown on the administration page.
type BrokerState struct {
	Broker    string    `json:"broker"`
	Topic     string    `json:"topic"`
	Status    string    `json:"status"` // connecting | up | down
	Since     time.Time `json:"since"`
	LastError string    `json:"last_error,omitempty"`
	Messages  int64     `json:"messages"`   // received
	Readings  int64     `json:"readings"`   // accepted
	Dupes     int64     `json:"duplicates"` // ignored as duplicates
	Refused   int64     `json:"refused"`    // messages refused
}

// BrokerStatus answers the subscription's state; false when pingan
// subscribes to no broker.
type BrokerStatus interface {
	BrokerState() (BrokerState, bool)
}

// ---- API keys ----

// RoleMonitor is the role of a monitoring system's key (监测接入): it may
// send readings and nothing else. It is given to API keys only, never to
// an account (it is not in Roles).
const RoleMonitor Role = "monitor"

// RoleReporter is the role of a reporting system's key (接入上报): an
// Open311 client, a 12345 hotline's transfer. It may report cases
// (CapReport) and nothing else; given to API keys only.
const RoleReporter Role = "reporter"

// keyOnlyRoles are the roles held by API keys and never by an account.
var keyOnlyRoles = []Role{RoleMonitor, RoleReporter}

// KeyRoles are the roles an API key may hold: an account's, but never an
// administrator's (a key administers nothing), and the roles of keys only.
var KeyRoles = func() []Role {
	var out []Role
	for _, r := range workRoles {
		if r != RoleAdmin {
			out = append(out, r)
		}
	}
	return append(out, keyOnlyRoles...)
}()

// ParseKeyRoles parses the roles of an API key ("monitor" by default).
func ParseKeyRoles(s string) ([]Role, error) {
	if strings.TrimSpace(s) == "" {
		return []Role{RoleMonitor}, nil
	}
	var out []Role
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(KeyRoles, Role(p)) {
			return nil, Invalidf("roles", "apikey.role.bad", ShowText(p, 20))
		}
		out = append(out, Role(p))
	}
	if len(out) == 0 {
		return []Role{RoleMonitor}, nil
	}
	return out, nil
}

// APIKeyPrefix begins every API key, so that a bearer token is told from
// a session's at a glance.
const APIKeyPrefix = "pak_"

// APIKey is a key for a machine client (a monitoring system, an Open311
// client) acting as its unit with its roles. The key itself is shown once
// when added; the store keeps its hash and its first characters (Prefix)
// to tell it apart.
type APIKey struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	UnitCode  string     `json:"unit"`
	Roles     []Role     `json:"roles"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
}

// APIKeyService keeps API keys. A nil actor is the operator at the
// command line.
type APIKeyService interface {
	// Add makes a key and answers it with its secret, shown once:
	// EINVALID (name, unit, roles), ECONFLICT (the name taken).
	Add(ctx context.Context, actor *User, name, unit string, roles []Role) (*APIKey, string, error)
	// List answers the keys, newest first.
	List(ctx context.Context, actor *User) ([]*APIKey, error)
	// Revoke stops a key by name: ENOTFOUND.
	Revoke(ctx context.Context, actor *User, name string) error
	// Authenticate answers the pseudo-user of a live key (its unit, its
	// roles, Name the key's name): EUNAUTHORIZED for an unknown or revoked
	// key. When use is not empty the use is written to the audit log;
	// the readings write their own row per batch.
	Authenticate(ctx context.Context, key, use string) (*User, error)
}
