package fuzzcheck

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pingan-gov/pingan"
)

// recorder is a testing.TB that keeps what Refusal reports.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func TestRefusal(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		ok   bool
	}{
		{"named field", pingan.Invalidf("title", "report.title.required"), true},
		{"wrapped", fmt.Errorf("row 3: %w", pingan.Invalidf("rows[3].lat", "report.title.required")), true},
		{"raw Go error", errors.New("strconv.ParseFloat: parsing \"x\": invalid syntax"), false},
		{"no field", pingan.E(pingan.EINVALID, "error.invalid"), false},
		{"internal", &pingan.Error{Code: pingan.EINTERNAL, Msg: pingan.Msg("error.internal"),
			Fields: map[string]pingan.Message{"body": pingan.Msg("error.internal")}}, false},
		{"unknown key", pingan.Invalidf("title", "no.such.key"), false},
		{"empty field", pingan.Invalidf("", "report.title.required"), false},
	} {
		r := &recorder{TB: t}
		Refusal(r, tt.err)
		if got := len(r.failures) == 0; got != tt.ok {
			t.Errorf("%s: Refusal(%v) passed %v, want %v (%v)", tt.name, tt.err, got, tt.ok, r.failures)
		}
	}
}
