package pingan

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func fp(v float64) *float64 { return &v }

// gas is a combustible gas detector: 预警 at 20 %LEL, 报警 at 50 %LEL,
// the default dead band (5% of 50 = 2.5).
var gas = Thresholds{WarnHigh: fp(20), AlarmHigh: fp(50)}

// TestStep walks the state machine through series of readings and the
// events each reading gives.
func TestStep(t *testing.T) {
	tank := Thresholds{WarnHigh: fp(8), AlarmHigh: fp(9), WarnLow: fp(2), AlarmLow: fp(1), Deadband: 0.2}
	cases := []struct {
		name   string
		t      Thresholds
		values []float64
		want   []string // the events of each reading, "" for none
		end    SensorLevel
	}{
		{"quiet", gas, []float64{1, 2, 3, 19.9}, []string{"", "", "", ""}, SensorNormal},
		{"warning and back", gas, []float64{20, 21, 10, 10, 10}, []string{"start", "", "", "", "recover"}, SensorNormal},
		{"straight to alarm", gas, []float64{55, 60}, []string{"start escalate", ""}, SensorAlarm},
		{"warning then alarm", gas, []float64{25, 51, 52}, []string{"start", "raise escalate", ""}, SensorAlarm},
		{"alarm eases to warning then recovers", gas, []float64{60, 30, 30, 30, 5, 5, 5},
			[]string{"start escalate", "", "", "ease", "", "", "recover"}, SensorNormal},
		{"eased alarm rises again: no second escalation", gas, []float64{60, 30, 30, 30, 55},
			[]string{"start escalate", "", "", "ease", "raise"}, SensorAlarm},
		{"alarm straight to normal", gas, []float64{60, 1, 1, 1}, []string{"start escalate", "", "", "recover"}, SensorNormal},
		{"inside the dead band stays", gas, []float64{50, 48, 48, 48, 48}, []string{"start escalate", "", "", "", ""}, SensorAlarm},
		{"a reading back up restarts the count", gas, []float64{21, 5, 5, 21, 5, 5, 5},
			[]string{"start", "", "", "", "", "", "recover"}, SensorNormal},
		{"low alarm", tank, []float64{5, 1.5, 0.5, 3, 3, 3}, []string{"", "start", "raise escalate", "", "", "recover"}, SensorNormal},
		{"low then high", tank, []float64{0.9, 9.5}, []string{"start escalate", ""}, SensorAlarm},
		{"a new episode escalates again", gas, []float64{60, 0, 0, 0, 60}, []string{"start escalate", "", "", "recover", "start escalate"}, SensorAlarm},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s SensorState
			for i, v := range c.values {
				var evs []SensorEvent
				s, evs = StepSensor(s, c.t, v)
				var got []string
				for _, e := range evs {
					got = append(got, string(e))
				}
				if g := strings.Join(got, " "); g != c.want[i] {
					t.Errorf("reading %d (%g): events %q, want %q", i, v, g, c.want[i])
				}
			}
			if s.Level != c.end {
				t.Errorf("ends at %s, want %s", s.Level, c.end)
			}
		})
	}
}

// TestStepNoStorm: a noisy series wavering around the alarm threshold for
// a day raises one episode and one escalation, not one per crossing.
func TestStepNoStorm(t *testing.T) {
	var s SensorState
	starts, escalations, recovers := 0, 0, 0
	for i := 0; i < 86400/10; i++ {
		// 50 ± 2 around the alarm threshold, a deterministic wobble.
		v := 50 + 2*math.Sin(float64(i)*1.7)
		var evs []SensorEvent
		s, evs = StepSensor(s, gas, v)
		for _, e := range evs {
			switch e {
			case EventStart:
				starts++
			case EventEscalate:
				escalations++
			case EventRecover:
				recovers++
			}
		}
	}
	if starts != 1 || escalations != 1 || recovers != 0 {
		t.Errorf("starts %d, escalations %d, recovers %d; want 1, 1, 0", starts, escalations, recovers)
	}
	// And a series that returns to normal for good ends the episode once.
	for i := 0; i < 10; i++ {
		var evs []SensorEvent
		s, evs = StepSensor(s, gas, 3)
		for _, e := range evs {
			if e == EventRecover {
				recovers++
			}
		}
	}
	if recovers != 1 || s.Level != SensorNormal {
		t.Errorf("recovers %d, level %s", recovers, s.Level)
	}
}

func TestThresholdsValidate(t *testing.T) {
	cases := []struct {
		t     Thresholds
		field string
	}{
		{gas, ""},
		{Thresholds{AlarmHigh: fp(1)}, ""},
		{Thresholds{}, "alarm_high"},
		{Thresholds{WarnHigh: fp(60), AlarmHigh: fp(50)}, "warn_high"},
		{Thresholds{WarnLow: fp(1), AlarmLow: fp(2)}, "warn_low"},
		{Thresholds{WarnLow: fp(10), WarnHigh: fp(5)}, "warn_low"},
		{Thresholds{AlarmLow: fp(10), AlarmHigh: fp(5)}, "alarm_low"},
		{Thresholds{AlarmHigh: fp(math.Inf(1))}, "alarm_high"},
		{Thresholds{AlarmHigh: fp(5), Deadband: -1}, "deadband"},
	}
	for i, c := range cases {
		var v Invalid
		c.t.Validate(&v)
		err := v.Err()
		if c.field == "" {
			if err != nil {
				t.Errorf("%d: %v", i, err)
			}
			continue
		}
		if _, ok := FieldTexts(err, ZH)[c.field]; !ok {
			t.Errorf("%d: %v does not name %s", i, err, c.field)
		}
	}
}

func TestDecodeReadings(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, CST)
	ok := `{"readings":[{"sensor":"GT-01","at":"2026-11-27T09:59:00+08:00","value":12.5},{"sensor":"GT-02","at":"2026-11-27T02:03:04.9Z","value":-3}]}`
	rs, err := DecodeReadings([]byte(ok), now)
	if err != nil || len(rs) != 2 || rs[0].Value != 12.5 || rs[1].Index != 1 || !rs[1].At.Equal(time.Date(2026, 11, 27, 2, 3, 4, 0, time.UTC)) {
		t.Fatalf("%v %+v", err, rs)
	}
	bad := []struct{ body, field string }{
		{`{"readings":[{"sensor":"A","at":"2026-11-27T09:00:00+08:00","value":"12"}]}`, "readings[0].value"},
		{`{"readings":[{"sensor":"A","at":"2026-11-27T09:00:00+08:00","value":1},{"sensor":"A","at":"2026-11-27T09:00:00+08:00","value":null}]}`, "readings[1].value"},
		{`{"readings":[{"sensor":"A","at":"2026-11-27T09:00:00+08:00","value":"NaN"}]}`, "readings[0].value"},
		{`{"readings":[{"sensor":"A","at":"2026-11-27T09:00:00+08:00","value":1e999}]}`, "readings[0].value"},
		{`{"readings":[{"sensor":"","at":"2026-11-27T09:00:00+08:00","value":1}]}`, "readings[0].sensor"},
		{`{"readings":[{"sensor":"A","at":"yesterday","value":1}]}`, "readings[0].at"},
		{`{"readings":[{"sensor":"A","at":"2026-11-27T10:06:00+08:00","value":1}]}`, "readings[0].at"},
		{`{"readings":[{"sensor":"A","at":"2026-11-27T10:04:00+08:00","value":1},{"sensor":"A","at":"2026-11-28T10:00:00+08:00","value":1}]}`, "readings[1].at"},
		{`{"nothing":1}`, "readings"},
		{`[1,2`, "readings"},
	}
	for _, c := range bad {
		_, err := DecodeReadings([]byte(c.body), now)
		if ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if _, ok := FieldTexts(err, ZH)[c.field]; !ok {
			t.Errorf("%s: %v does not name %s", c.body, FieldTexts(err, EN), c.field)
		}
		if TooManyReadings(err) {
			t.Errorf("%s: refused as too many", c.body)
		}
	}
	var b strings.Builder
	b.WriteString(`{"readings":[`)
	for i := 0; i <= MaxReadingsBatch; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"sensor":"A","at":"2026-11-27T09:00:%02d+08:00","value":%d}`, i%60, i)
	}
	b.WriteString("]}")
	_, err = DecodeReadings([]byte(b.String()), now)
	if !TooManyReadings(err) {
		t.Errorf("1001 readings: %v", err)
	}
	if TooManyReadings(errors.New("x")) {
		t.Error("a plain error is too many")
	}
}

func TestParseKeyRoles(t *testing.T) {
	rs, err := ParseKeyRoles("")
	if err != nil || len(rs) != 1 || rs[0] != RoleMonitor {
		t.Errorf("default: %v %v", rs, err)
	}
	rs, err = ParseKeyRoles("monitor, viewer")
	if err != nil || len(rs) != 2 {
		t.Errorf("%v %v", rs, err)
	}
	if _, err := ParseKeyRoles("root"); ErrorCode(err) != EINVALID {
		t.Errorf("root: %v", err)
	}
	if (&User{Roles: []Role{RoleMonitor}}).May(CapReport) || !(&User{Roles: []Role{RoleMonitor}}).May(CapReadings) {
		t.Error("a monitor may report, or may not send readings")
	}
}
