package pingan

import (
	"testing"
	"time"
)

// TestWeeksOf: the weeks a period's coverage spans, read on a day: up to
// that day while the period runs, never more than 53 weeks, none before it
// begins.
func TestWeeksOf(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, CST) }
	now := d(2026, 11, 27).Add(9 * time.Hour)
	for _, c := range []struct {
		name        string
		from, to    time.Time
		first, last string // "" when not begun
	}{
		{"the year so far", d(2026, 1, 1), d(2027, 1, 1), "2026-W01", "2026-W48"},
		{"a month that ended", d(2026, 10, 1), d(2026, 11, 1), "2026-W40", "2026-W44"},
		{"two years, capped", d(2024, 11, 1), d(2026, 11, 1), "2025-W44", "2026-W44"},
		{"a month to come", d(2026, 12, 1), d(2027, 1, 1), "", ""},
	} {
		first, last, ok := WeeksOf(c.from, c.to, now)
		got := [2]string{}
		if ok {
			got = [2]string{first.String(), last.String()}
		}
		if got != [2]string{c.first, c.last} {
			t.Errorf("%s: %v %v, want %s %s", c.name, got, ok, c.first, c.last)
		}
	}
}
