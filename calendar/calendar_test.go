package calendar

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Expected values below are worked out by hand from the State Council
// notices (国务院办公厅关于 2024/2025/2026 年部分节假日安排的通知), not taken
// from the code's output.

// at parses "2006-01-02 15:04" or "2006-01-02" as CST.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	v, err := time.ParseInLocation(layout, s, CST)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return v
}

// end is 23:59:59 CST of date s, the package's "24:00 of the last day".
func end(t testing.TB, s string) time.Time {
	t.Helper()
	return at(t, s+" 23:59").Add(59 * time.Second)
}

func TestIsWorkingDay(t *testing.T) {
	c := Official()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		// 2024 春节: 2月10日至17日放假调休；2月4日（周日）、2月18日（周日）上班。
		{"2024-02-04", true, "2024 Spring Festival make-up Sunday"},
		{"2024-02-09", true, "2024 除夕 Friday was not a day off"},
		{"2024-02-10", false, "2024 Spring Festival first day"},
		{"2024-02-14", false, "2024 Spring Festival Wednesday"},
		{"2024-02-17", false, "2024 Spring Festival last day (Saturday)"},
		{"2024-02-18", true, "2024 Spring Festival make-up Sunday"},
		{"2024-02-19", true, "Monday after"},
		// 2025 春节: 1月28日至2月4日放假调休；1月26日（周日）、2月8日（周六）上班。
		{"2025-01-25", false, "ordinary Saturday"},
		{"2025-01-26", true, "2025 Spring Festival make-up Sunday"},
		{"2025-01-27", true, "Monday before"},
		{"2025-01-28", false, "2025 除夕"},
		{"2025-02-04", false, "2025 Spring Festival last day (Tuesday)"},
		{"2025-02-05", true, "Wednesday after"},
		{"2025-02-08", true, "2025 Spring Festival make-up Saturday"},
		// 2026 春节: 2月15日至23日放假调休；2月14日（周六）、2月28日（周六）上班。
		{"2026-02-13", true, "Friday before"},
		{"2026-02-14", true, "2026 Spring Festival make-up Saturday"},
		{"2026-02-15", false, "2026 Spring Festival first day (Sunday)"},
		{"2026-02-18", false, "2026 Spring Festival Wednesday"},
		{"2026-02-23", false, "2026 Spring Festival last day (Monday)"},
		{"2026-02-24", true, "Tuesday after"},
		{"2026-02-28", true, "2026 Spring Festival make-up Saturday"},
		// 2024 国庆: 10月1日至7日放假调休；9月29日（周日）、10月12日（周六）上班。
		{"2024-09-28", false, "ordinary Saturday"},
		{"2024-09-29", true, "2024 National Day make-up Sunday"},
		{"2024-10-01", false, "2024 National Day"},
		{"2024-10-07", false, "2024 National Day last day (Monday)"},
		{"2024-10-08", true, "Tuesday after"},
		{"2024-10-12", true, "2024 National Day make-up Saturday"},
		// 2025 国庆、中秋: 10月1日至8日放假调休；9月28日（周日）、10月11日（周六）上班。
		{"2025-09-28", true, "2025 National Day make-up Sunday"},
		{"2025-10-06", false, "2025 Mid-Autumn inside National Day"},
		{"2025-10-08", false, "2025 National Day last day (Wednesday)"},
		{"2025-10-09", true, "Thursday after"},
		{"2025-10-11", true, "2025 National Day make-up Saturday"},
		// 2026 国庆: 10月1日至7日放假调休；9月20日（周日）、10月10日（周六）上班。
		{"2026-09-20", true, "2026 National Day make-up Sunday"},
		{"2026-10-01", false, "2026 National Day"},
		{"2026-10-07", false, "2026 National Day last day (Wednesday)"},
		{"2026-10-08", true, "Thursday after"},
		{"2026-10-10", true, "2026 National Day make-up Saturday"},
		// 2026 元旦: 1月1日至3日放假调休；1月4日（周日）上班。
		{"2026-01-02", false, "2026 New Year Friday"},
		{"2026-01-04", true, "2026 New Year make-up Sunday"},
		// Ordinary days.
		{"2026-03-07", false, "ordinary Saturday"},
		{"2026-03-08", false, "ordinary Sunday"},
		{"2026-03-09", true, "ordinary Monday"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			got, err := c.IsWorkingDay(at(t, tt.day))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tt.day, got, tt.want, tt.why)
			}
		})
	}
}

func TestIsWorkingDayConvertsToCST(t *testing.T) {
	// 2026-02-14 18:00 UTC is 2026-02-15 02:00 CST, in the Spring Festival,
	// while its UTC date is the make-up Saturday 02-14.
	got, err := Official().IsWorkingDay(time.Date(2026, 2, 14, 18, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got {
		t.Error("2026-02-14 18:00 UTC (= 02-15 CST, Spring Festival) reported as a working day")
	}
}

func TestHoliday(t *testing.T) {
	c := Official()
	tests := []struct {
		day    string
		name   string
		wantOK bool
	}{
		{"2026-02-17", "春节", true},
		{"2025-10-03", "国庆节", true},
		{"2024-06-10", "端午", true},
		{"2026-01-01", "元旦", true},
		{"2026-02-14", "", false},  // make-up working day
		{"2026-03-09", "", false},  // ordinary Monday
		{"2027-01-01", "元旦", true}, // provisional: fixed by law
		{"2027-02-06", "春节", true}, // provisional: 正月初一 computed
		{"2027-02-04", "", false},  // provisional: no bridging day invented
		{"2003-01-01", "", false},  // not covered: no guess
	}
	for _, tt := range tests {
		name, ok := c.Holiday(at(t, tt.day))
		if name != tt.name || ok != tt.wantOK {
			t.Errorf("Holiday(%s) = %q, %v; want %q, %v", tt.day, name, ok, tt.name, tt.wantOK)
		}
	}
}

func TestDue(t *testing.T) {
	c := Official()
	tests := []struct {
		name string
		from string
		n    int
		unit Unit
		want time.Time
	}{
		// Hours: plain addition, holidays ignored.
		{"hours across midnight into a holiday", "2026-02-14 22:30", 5, Hours, at(t, "2026-02-15 03:30")},
		{"hours same day", "2026-03-09 08:15", 2, Hours, at(t, "2026-03-09 10:15")},
		{"hours over a weekend", "2026-03-06 12:00", 72, Hours, at(t, "2026-03-09 12:00")},

		// Calendar days: start day not counted.
		{"calendar start day not counted", "2026-03-02 10:00", 3, CalendarDays, end(t, "2026-03-05")},
		{"calendar 1 day from late evening", "2026-03-02 23:59", 1, CalendarDays, end(t, "2026-03-03")},
		{"calendar last day Saturday moves to Monday", "2026-03-02 10:00", 5, CalendarDays, end(t, "2026-03-09")},
		// 02-10 + 7 = 02-17, inside 2026 春节 (02-15..23) -> 02-24.
		{"calendar last day in 2026 Spring Festival", "2026-02-10 09:00", 7, CalendarDays, end(t, "2026-02-24")},
		// 02-07 + 7 = 02-14, a make-up Saturday: a working day, stays.
		{"calendar last day on make-up Saturday", "2026-02-07 09:00", 7, CalendarDays, end(t, "2026-02-14")},
		// 2025-09-25 + 10 = 10-05, inside 国庆 (10-01..08) -> 10-09.
		{"calendar last day in 2025 National Day", "2025-09-25 14:00", 10, CalendarDays, end(t, "2025-10-09")},
		// 2025-09-18 + 10 = 09-28, make-up Sunday, stays.
		{"calendar last day on make-up Sunday", "2025-09-18 14:00", 10, CalendarDays, end(t, "2025-09-28")},
		// 2024-02-08 + 2 = 02-10 (春节 02-10..17) -> 02-18, make-up Sunday.
		{"calendar 2024 Spring Festival to make-up Sunday", "2024-02-08 09:00", 2, CalendarDays, end(t, "2024-02-18")},

		// Working days.
		{"working start day not counted", "2026-03-02 08:00", 1, WorkingDays, end(t, "2026-03-03")},
		{"working across a weekend", "2026-03-05 15:00", 3, WorkingDays, end(t, "2026-03-10")},
		{"working from a Saturday", "2026-03-07 11:00", 1, WorkingDays, end(t, "2026-03-09")},
		// 02-13 (1), 02-14 make-up Sat (2), 02-15..23 off, 02-24 (3).
		{"working through 2026 Spring Festival", "2026-02-12 10:00", 3, WorkingDays, end(t, "2026-02-24")},
		// 02-24 (3) 02-25 (4) 02-26 (5) 02-27 (6) 02-28 make-up Sat (7).
		{"working to 2026 make-up Saturday after", "2026-02-12 10:00", 7, WorkingDays, end(t, "2026-02-28")},
		// 02-09 (1), 02-10..17 off, 02-18 make-up Sun (2), 02-19 (3).
		{"working through 2024 Spring Festival", "2024-02-08 10:00", 3, WorkingDays, end(t, "2024-02-19")},
		// 01-25 Sat off, 01-26 make-up Sun (1), 01-27 (2), 01-28..02-04 off, 02-05 (3).
		{"working 2025 Spring Festival make-up Sunday", "2025-01-24 10:00", 1, WorkingDays, end(t, "2025-01-26")},
		{"working through 2025 Spring Festival", "2025-01-24 10:00", 3, WorkingDays, end(t, "2025-02-05")},
		// 09-28 make-up Sun (1), 09-29 (2), 09-30 (3), 10-01..08 off, 10-09 (4), 10-10 (5), 10-11 make-up Sat (6).
		{"working through 2025 National Day", "2025-09-26 10:00", 5, WorkingDays, end(t, "2025-10-10")},
		{"working to 2025 National Day make-up Saturday", "2025-09-26 10:00", 6, WorkingDays, end(t, "2025-10-11")},
		// 09-28 Sat off, 09-29 make-up Sun (1).
		{"working 2024 National Day make-up Sunday", "2024-09-27 10:00", 1, WorkingDays, end(t, "2024-09-29")},
		{"working over 2024 National Day", "2024-09-30 10:00", 1, WorkingDays, end(t, "2024-10-08")},
		{"working 2026 National Day make-up Sunday", "2026-09-18 10:00", 1, WorkingDays, end(t, "2026-09-20")},
		// 10-01..07 off, 10-08 (1), 10-09 (2), 10-10 make-up Sat (3).
		{"working through 2026 National Day", "2026-09-30 10:00", 3, WorkingDays, end(t, "2026-10-10")},
		// 2026 元旦 01-01..03 off, 01-04 make-up Sun.
		{"working across the new year", "2025-12-31 16:00", 1, WorkingDays, end(t, "2026-01-04")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Due(at(t, tt.from), tt.n, tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Due(%s, %d, %s) = %s, want %s", tt.from, tt.n, tt.unit, got, tt.want)
			}
			if _, off := got.Zone(); off != 8*3600 {
				t.Errorf("result %s not in CST", got)
			}
		})
	}
}

func TestDueInputInOtherZone(t *testing.T) {
	// 2026-03-05 18:00 UTC is 2026-03-06 02:00 CST (Friday): 1 working day
	// after Friday is Monday 03-09, not Friday (as counted from UTC Thursday).
	got, err := Official().Due(time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC), 1, WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	if want := end(t, "2026-03-09"); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
	if got.Location().String() != "CST" {
		t.Errorf("location %s, want CST", got.Location())
	}
	// Hours keep the instant but report it in CST.
	h, err := Official().Due(time.Date(2026, 2, 14, 14, 30, 0, 0, time.UTC), 5, Hours)
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2026-02-15 03:30"); !h.Equal(want) || h.Format("15:04 -07:00") != "03:30 +08:00" {
		t.Errorf("got %s, want %s", h, want)
	}
}

func TestDueBadInput(t *testing.T) {
	c := Official()
	from := at(t, "2026-03-02 10:00")
	for _, u := range []Unit{Hours, CalendarDays, WorkingDays} {
		for _, n := range []int{0, -1} {
			if _, err := c.Due(from, n, u); err == nil {
				t.Errorf("Due(n=%d, %s) gave no error", n, u)
			}
		}
	}
	if _, err := c.Due(from, 1, Unit("weeks")); err == nil {
		t.Error("unknown unit gave no error")
	}
	if _, err := c.Due(from, 1<<40, Hours); err == nil {
		t.Error("overflowing hours gave no error")
	}
	if _, err := c.Due(from, 1<<40, CalendarDays); err == nil {
		t.Error("absurd number of days gave no error")
	}
}

func TestNotCovered(t *testing.T) {
	c := Official()
	tests := []struct {
		name string
		call func() error
		year int
	}{
		{"calendar last day in 2003", func() error {
			_, err := c.Due(at(t, "2003-12-01 10:00"), 3, CalendarDays)
			return err
		}, 2003},
		{"working days in 2003", func() error {
			_, err := c.Due(at(t, "2003-12-30 10:00"), 1, WorkingDays)
			return err
		}, 2003},
		{"IsWorkingDay 2003", func() error {
			_, err := c.IsWorkingDay(at(t, "2003-06-02"))
			return err
		}, 2003},
		{"beyond the provisional rule", func() error {
			_, err := c.Due(at(t, "2999-12-30 10:00"), 5, WorkingDays)
			return err
		}, 3000},
		{"remaining from 2003", func() error {
			_, err := c.Remaining(at(t, "2003-12-30 09:00"), end(t, "2004-01-05"), WorkingDays)
			return err
		}, 2003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrNotCovered) {
				t.Errorf("error %v does not wrap ErrNotCovered", err)
			}
			var nc *NotCoveredError
			if !errors.As(err, &nc) || nc.Year != tt.year {
				t.Errorf("error %v does not name year %d", err, tt.year)
			}
			if want := "the holiday calendar does not cover " + strconv.Itoa(tt.year); err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
		})
	}
	// Hours need no calendar and work in any year.
	if got, err := c.Due(at(t, "3001-06-01 10:00"), 3, Hours); err != nil || !got.Equal(at(t, "3001-06-01 13:00")) {
		t.Errorf("hours in 3001: %v, %v", got, err)
	}
}

func TestExtend(t *testing.T) {
	c := Official()
	tests := []struct {
		name string
		due  time.Time
		n    int
		unit Unit
		want time.Time
	}{
		{"hours", at(t, "2026-03-10 22:00"), 4, Hours, at(t, "2026-03-11 02:00")},
		// 02-14 make-up Sat (1), 02-15..23 off, 02-24 (2).
		{"working over Spring Festival", end(t, "2026-02-13"), 2, WorkingDays, end(t, "2026-02-24")},
		{"working over a weekend", end(t, "2026-03-06"), 5, WorkingDays, end(t, "2026-03-13")},
		// 09-26 + 7 = 10-03, inside 2025 国庆 -> 10-09.
		{"calendar into National Day", end(t, "2025-09-26"), 7, CalendarDays, end(t, "2025-10-09")},
		{"calendar plain", end(t, "2026-03-10"), 15, CalendarDays, end(t, "2026-03-25")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Extend(tt.due, tt.n, tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Extend(%s, %d, %s) = %s, want %s", tt.due, tt.n, tt.unit, got, tt.want)
			}
		})
	}
	if _, err := c.Extend(end(t, "2026-03-10"), 0, WorkingDays); err == nil {
		t.Error("extension by 0 gave no error")
	}
}

func TestShift(t *testing.T) {
	c := Official()
	tests := []struct {
		name              string
		due               time.Time
		stopped, restated string
		unit              Unit
		want              time.Time
	}{
		{"hours", at(t, "2026-03-10 18:00"), "2026-03-09 10:00", "2026-03-09 13:30", Hours, at(t, "2026-03-10 21:30")},
		{"hours over a holiday are plain hours", at(t, "2026-02-14 18:00"), "2026-02-14 10:00", "2026-02-16 10:00", Hours, at(t, "2026-02-16 18:00")},
		{"calendar plain", end(t, "2026-03-20"), "2026-03-10 09:00", "2026-03-13 09:00", CalendarDays, end(t, "2026-03-23")},
		// 02-12 + 3 days = 02-15, Spring Festival -> 02-24.
		{"calendar lands in Spring Festival", end(t, "2026-02-12"), "2026-02-05 09:00", "2026-02-08 09:00", CalendarDays, end(t, "2026-02-24")},
		// Stopped through the 2026 Spring Festival: (02-13, 02-25] holds
		// 02-14 (make-up Sat), 02-24, 02-25 = 3 working days. From 02-27:
		// 02-28 make-up Sat (1), 03-02 (2), 03-03 (3).
		{"working across the holiday week", end(t, "2026-02-27"), "2026-02-13 10:00", "2026-02-25 09:00", WorkingDays, end(t, "2026-03-03")},
		// (2025-09-30, 2025-10-09] holds only 10-09: 1 working day; from
		// 10-10 the next is the make-up Saturday 10-11.
		{"working across National Day", end(t, "2025-10-10"), "2025-09-30 15:00", "2025-10-09 09:00", WorkingDays, end(t, "2025-10-11")},
		{"working within one day moves nothing", end(t, "2026-03-10"), "2026-03-09 09:00", "2026-03-09 17:00", WorkingDays, end(t, "2026-03-10")},
		// (03-06, 03-08] is a weekend: nothing.
		{"working over a weekend only moves nothing", end(t, "2026-03-10"), "2026-03-06 18:00", "2026-03-08 20:00", WorkingDays, end(t, "2026-03-10")},
		// (03-06, 03-09] holds Monday 03-09: 1.
		{"working Friday to Monday", end(t, "2026-03-10"), "2026-03-06 18:00", "2026-03-09 09:00", WorkingDays, end(t, "2026-03-11")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Shift(tt.due, at(t, tt.stopped), at(t, tt.restated), tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Shift = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := c.Shift(end(t, "2026-03-10"), at(t, "2026-03-09 10:00"), at(t, "2026-03-08 10:00"), WorkingDays); err == nil {
		t.Error("restart before stop gave no error")
	}
}

func TestRemaining(t *testing.T) {
	c := Official()
	tests := []struct {
		name   string
		now    string
		due    time.Time
		unit   Unit
		want   Span
		en, zh string
	}{
		// (02-12, 02-24]: 02-13, 02-14 (make-up), 02-24.
		{"working left over Spring Festival", "2026-02-12 10:00", end(t, "2026-02-24"), WorkingDays,
			Span{3, WorkingDays, false}, "3 working days left", "还剩 3 个工作日"},
		{"one working day left", "2026-03-09 10:00", end(t, "2026-03-10"), WorkingDays,
			Span{1, WorkingDays, false}, "1 working day left", "还剩 1 个工作日"},
		{"working due today", "2026-03-10 10:00", end(t, "2026-03-10"), WorkingDays,
			Span{0, WorkingDays, false}, "due today", "今天到期"},
		// (03-02, 03-05]: 03-03, 03-04, 03-05.
		{"working overdue", "2026-03-05 09:00", end(t, "2026-03-02"), WorkingDays,
			Span{3, WorkingDays, true}, "3 working days overdue", "已超期 3 个工作日"},
		{"working overdue on the weekend counts 1", "2026-03-07 10:00", end(t, "2026-03-06"), WorkingDays,
			Span{1, WorkingDays, true}, "1 working day overdue", "已超期 1 个工作日"},
		{"calendar left", "2026-03-05 10:00", end(t, "2026-03-10"), CalendarDays,
			Span{5, CalendarDays, false}, "5 days left", "还剩 5 天"},
		{"calendar overdue", "2026-03-13 08:00", end(t, "2026-03-10"), CalendarDays,
			Span{3, CalendarDays, true}, "3 days overdue", "已超期 3 天"},
		{"calendar one day overdue", "2026-03-11 00:00", end(t, "2026-03-10"), CalendarDays,
			Span{1, CalendarDays, true}, "1 day overdue", "已超期 1 天"},
		{"calendar due today", "2026-03-10 23:00", end(t, "2026-03-10"), CalendarDays,
			Span{0, CalendarDays, false}, "due today", "今天到期"},
		{"hours rounded up", "2026-03-10 10:00", at(t, "2026-03-10 14:30"), Hours,
			Span{5, Hours, false}, "5 hours left", "还剩 5 小时"},
		{"hours exact", "2026-03-10 10:00", at(t, "2026-03-10 12:00"), Hours,
			Span{2, Hours, false}, "2 hours left", "还剩 2 小时"},
		{"hours overdue", "2026-03-10 15:10", at(t, "2026-03-10 14:30"), Hours,
			Span{1, Hours, true}, "1 hour overdue", "已超期 1 小时"},
		{"hours due now", "2026-03-10 14:30", at(t, "2026-03-10 14:30"), Hours,
			Span{0, Hours, false}, "due now", "即将到期"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Remaining(at(t, tt.now), tt.due, tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Remaining = %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.en {
				t.Errorf("String() = %q, want %q", s, tt.en)
			}
			if s := got.Chinese(); s != tt.zh {
				t.Errorf("Chinese() = %q, want %q", s, tt.zh)
			}
		})
	}
}

// TestDueRemainingAgree checks two independent properties over every start
// day of 2024–2025: a working-day deadline always falls on a working day,
// and Remaining counts back exactly the n that Due counted forward.
func TestDueRemainingAgree(t *testing.T) {
	c := Official()
	for d := at(t, "2024-01-01 09:30"); d.Year() < 2026; d = d.AddDate(0, 0, 1) {
		for _, n := range []int{1, 2, 5, 10, 15} {
			due, err := c.Due(d, n, WorkingDays)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := c.IsWorkingDay(due); !ok {
				t.Fatalf("Due(%s, %d) = %s, not a working day", d, n, due)
			}
			s, err := c.Remaining(d, due, WorkingDays)
			if err != nil || s.N != n || s.Overdue {
				t.Fatalf("Remaining(%s, %s) = %+v, %v; want %d left", d, due, s, err, n)
			}
			cd, err := c.Due(d, n, CalendarDays)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := c.IsWorkingDay(cd); !ok || cd.Before(endOfDay(d.AddDate(0, 0, n))) {
				t.Fatalf("Due(%s, %d calendar) = %s", d, n, cd)
			}
		}
	}
}

func TestParseUnit(t *testing.T) {
	tests := []struct {
		in   string
		want Unit
		ok   bool
	}{
		{"hours", Hours, true},
		{" Calendar ", CalendarDays, true},
		{"WORKING", WorkingDays, true},
		{"工作日", WorkingDays, true},
		{"自然日", CalendarDays, true},
		{"小时", Hours, true},
		{"days", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ParseUnit(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseUnit(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestOfficialData(t *testing.T) {
	c := Official()
	if c != Official() {
		t.Error("Official() parsed twice")
	}
	first, last := c.Years()
	if first != 2004 || last != 2026 {
		t.Fatalf("Years() = %d, %d; want 2004, 2026", first, last)
	}
	if c.Covers(2003) || !c.Covers(2027) || !c.Covers(2004) || !c.Covers(2026) || c.Covers(3000) {
		t.Error("Covers wrong at the edges")
	}
	if !c.IsOfficial(2026) || c.IsOfficial(2027) || !c.IsProvisional(2027) || c.IsProvisional(2026) {
		t.Error("IsOfficial / IsProvisional wrong at the edge of the data")
	}
	holidays := map[int]int{}
	names := map[int]map[string]bool{}
	for k, name := range c.holidays {
		y := k / 10000
		holidays[y]++
		if names[y] == nil {
			names[y] = map[string]bool{}
		}
		names[y][name] = true
	}
	workdays := map[int]int{}
	for k := range c.workdays {
		workdays[k/10000]++
	}
	for y := 2004; y <= 2026; y++ {
		if h := holidays[y]; h < 6 || h > 40 {
			t.Errorf("%d: %d holidays, want 6..40", y, h)
		}
		if w := workdays[y]; w > 15 {
			t.Errorf("%d: %d make-up working days, want at most 15", y, w)
		}
		want := []string{"元旦", "春节", "劳动节", "国庆节"}
		if y >= 2008 { // 清明、端午、中秋 became statutory holidays in 2008
			want = append(want, "清明", "端午")
		}
		for _, n := range want {
			if !names[y][n] {
				t.Errorf("%d: no %s", y, n)
			}
		}
	}
	// Counts from the notices (2026: 3+9+3+5+3+3+7 days off; 调休上班
	// 01-04, 02-14, 02-28, 05-09, 09-20, 10-10).
	if holidays[2026] != 33 || workdays[2026] != 6 {
		t.Errorf("2026: %d holidays, %d workdays; want 33, 6", holidays[2026], workdays[2026])
	}
	// 2025: 1+8+3+5+3+8; 调休上班 01-26, 02-08, 04-27, 09-28, 10-11.
	if holidays[2025] != 28 || workdays[2025] != 5 {
		t.Errorf("2025: %d holidays, %d workdays; want 28, 5", holidays[2025], workdays[2025])
	}
	if !strings.Contains(string(cnJSON), "chinese-days") {
		t.Error("cn.json does not name its source")
	}
}

func TestNewValidates(t *testing.T) {
	ok := Year{Holidays: map[string]string{"2026-01-01": "元旦"}, Workdays: map[string]string{"2026-01-04": "元旦"}}
	tests := []struct {
		name  string
		years map[int]Year
	}{
		{"empty", map[int]Year{}},
		{"gap", map[int]Year{2024: {}, 2026: ok}},
		{"wrong year", map[int]Year{2025: ok}},
		{"bad date", map[int]Year{2026: {Holidays: map[string]string{"2026-13-01": "x"}}}},
		{"no name", map[int]Year{2026: {Holidays: map[string]string{"2026-01-01": ""}}}},
		{"workday on a weekday", map[int]Year{2026: {Workdays: map[string]string{"2026-01-05": "元旦"}}}},
		{"both", map[int]Year{2026: {Holidays: map[string]string{"2026-01-04": "元旦"}, Workdays: map[string]string{"2026-01-04": "元旦"}}}},
	}
	for _, tt := range tests {
		if _, err := New(tt.years); err == nil {
			t.Errorf("%s: New accepted bad data", tt.name)
		}
	}
	c, err := New(map[int]Year{2026: ok})
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := c.IsWorkingDay(at(t, "2026-01-04")); !w {
		t.Error("make-up Sunday not a working day in a hand-built calendar")
	}
	if _, err := c.IsWorkingDay(at(t, "2025-12-31")); !errors.Is(err, ErrNotCovered) {
		t.Errorf("2025 in a 2026-only calendar: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := Official()
	from, want := at(t, "2026-02-12 10:00"), end(t, "2026-02-24")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				got, err := c.Due(from, 3, WorkingDays)
				if err != nil || !got.Equal(want) {
					t.Errorf("got %s, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkDue10WorkingDays(b *testing.B) {
	c := Official()
	from := at(b, "2026-02-10 10:00")
	for b.Loop() {
		if _, err := c.Due(from, 10, WorkingDays); err != nil {
			b.Fatal(err)
		}
	}
}
