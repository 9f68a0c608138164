package secret

import (
	"strings"
	"testing"
)

func TestWeakPassword(t *testing.T) {
	for _, c := range []struct {
		password, username string
		weak               string // a word of the reason, "" when the password will do
	}{
		{"aaaaaaaa", "zhang", "10"},
		{"aaaaaaaaaaaa", "zhang", "repeated"},
		{"1111111111", "zhang", "repeated"},
		{"张张张张张张张张张张", "zhang", "repeated"},
		{"abcdefghijkl", "zhang", "two"},
		{"1234567890", "zhang", "two"},
		{"ABCDEFGHIJK", "zhang", "two"},
		{"Password123", "zhang", "commonest"},
		{"PASSWORD123", "zhang", "commonest"},
		{"woaini1314", "zhang", "commonest"},
		{"1qaz2wsx3edc", "zhang", "commonest"},
		{"zhang-2026-ok", "zhang", "username"},
		{"Zhang-2026-ok", "ZHANG", "username"},
		{"short1!", "zhang", "10"},
		{"pingan-test-password", "sz-dispatcher", ""},
		{"long enough", "multi", ""},
		{"s3cret-pass", "disp", ""},
		{"枫桥经验2026年春", "zhang", ""},
		{"x9-y8-z7-w6", "x", ""}, // a username under three characters is not looked for
	} {
		got := WeakPassword(c.password, c.username)
		switch {
		case c.weak == "" && got != "":
			t.Errorf("WeakPassword(%q) = %q, want none", c.password, got)
		case c.weak != "" && !strings.Contains(got, c.weak):
			t.Errorf("WeakPassword(%q) = %q, want one saying %q", c.password, got, c.weak)
		case got != "" && !strings.Contains(got, " ("):
			t.Errorf("WeakPassword(%q) = %q: not Chinese then English", c.password, got)
		}
	}
}
