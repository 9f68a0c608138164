// Package fuzzcheck holds the properties every fuzz target of a decoder
// of outside input checks of the errors it answers: a decoder refuses bad
// input with the domain's error (pingan.Error), naming the field or row
// that is wrong with a message of the catalogue — never a raw Go error,
// which would reach a person as "internal error" or as English jargon.
package fuzzcheck

import (
	"errors"
	"testing"

	"github.com/pingan-gov/pingan"
)

// Refusal fails t unless err is a *pingan.Error of code EINVALID that
// names at least one field or row, each with a message the catalogue
// holds, and whose own message the catalogue holds too.
func Refusal(t testing.TB, err error) {
	t.Helper()
	var e *pingan.Error
	if !errors.As(err, &e) {
		t.Errorf("refused with %T, not a pingan.Error: %v", err, err)
		return
	}
	if e.Code != pingan.EINVALID {
		t.Errorf("refused with code %q, not %q: %v", e.Code, pingan.EINVALID, err)
		return
	}
	if !pingan.HasMessage(e.Msg.Key) {
		t.Errorf("refused with message %q, which the catalogue lacks", e.Msg.Key)
		return
	}
	if len(e.Fields) == 0 {
		t.Errorf("refused without naming a field or row: %v", err)
		return
	}
	for field, m := range e.Fields {
		if field == "" {
			t.Errorf("refused with an empty field name: %v", err)
			return
		}
		if !pingan.HasMessage(m.Key) {
			t.Errorf("field %q: message %q, which the catalogue lacks", field, m.Key)
			return
		}
	}
}
