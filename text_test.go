package pingan

import (
	"strings"
	"testing"
)

func TestBadText(t *testing.T) {
	for _, s := range []string{"", "漏水", "tab\tand\nnewline", "\uFFFD", "emoji 🚒"} {
		if p := BadText(s); p != "" {
			t.Errorf("BadText(%q) = %q", s, p)
		}
	}
	for _, s := range []string{"\x00", "a\x00b", "\xff", "a\xc3", "\xed\xa0\x80"} { // the last: a surrogate in UTF-8
		if p := BadText(s); p == "" || !HasMessage(p) {
			t.Errorf("BadText(%q) = %q, want a message key", s, p)
		}
	}
	err := BadValues(map[string][]string{"b": {"ok"}, "a\xff": {"1"}, "c": {"x", "y\x00"}})
	if ErrorCode(err) != EINVALID || err.(*Error).Fields["a\uFFFD"].Key == "" || strings.Contains(err.Error(), "\xff") {
		t.Errorf("BadValues: %v", err)
	}
	if err := BadValues(map[string][]string{"c": {"x", "y\x00"}}); err == nil || err.(*Error).Fields["c"].Key == "" {
		t.Errorf("BadValues: %v", err)
	}
	if got := ShowText(strings.Repeat("长", 70), 64); got != strings.Repeat("长", 64)+"…" {
		t.Errorf("ShowText: %q", got)
	}
}
