package calendar

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Unit is the unit of a deadline policy (时限单位).
type Unit string

const (
	// Hours (小时): a period counted in hours, straight through nights,
	// weekends and holidays.
	Hours Unit = "hours"
	// CalendarDays (自然日): a period counted in days under the Civil Code,
	// art. 201–203.
	CalendarDays Unit = "calendar"
	// WorkingDays (工作日): a period counted in working days.
	WorkingDays Unit = "working"
)

// ParseUnit parses a unit: "hours", "calendar" or "working" (case and
// surrounding space ignored), or the Chinese "小时", "自然日", "工作日".
func ParseUnit(s string) (Unit, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "hours", "小时":
		return Hours, nil
	case "calendar", "自然日":
		return CalendarDays, nil
	case "working", "工作日":
		return WorkingDays, nil
	}
	return "", fmt.Errorf("calendar: unknown deadline unit %q (want hours, calendar or working)", s)
}

func (u Unit) check() error {
	switch u {
	case Hours, CalendarDays, WorkingDays:
		return nil
	}
	return fmt.Errorf("calendar: unknown deadline unit %q", string(u))
}

// Longest periods accepted: n hours must fit a time.Duration, and n days
// (about 2,700 years) must keep date arithmetic far from overflow.
const (
	maxHours = math.MaxInt64 / int64(time.Hour)
	maxDays  = 1_000_000
)

// Due returns the deadline (期限届满时间) of a period of n units that starts at
// from. n must be at least 1. The result is in CST.
//
// The rules (民法典 Civil Code, art. 201–203):
//
//   - Hours (art. 201 ¶2: 按照小时计算期间的，自法律规定或者当事人约定的时间开始计算):
//     from + n hours, with no calendar adjustment. Needs no holiday data,
//     so it works in any year.
//
//   - CalendarDays (art. 201 ¶1: 开始的当日不计入，自下一日开始计算): the day of
//     from is not counted; the last day is the n-th day after it. If that
//     day is a rest day – a statutory holiday, or a weekend day that 调休
//     has not made a working day (法定休假日) – the last day becomes the
//     first working day after it (art. 203 ¶1: 以法定休假日结束的次日为期间
//     的最后一日). The period ends at 24:00 of the last day (art. 203 ¶2),
//     returned as 23:59:59 CST of that day.
//
//   - WorkingDays: the day of from is not counted; the last day is the n-th
//     working day after it; the deadline is 23:59:59 CST of that day.
//
// Business hours (有业务时间的，停止业务活动的时间为截止时间, art. 203 ¶2)
// are not modelled: the deadline is always the end of the day.
//
// Every day that has to be examined must lie in a covered year, or Due
// fails with an error wrapping ErrNotCovered that names the year.
func (c *Calendar) Due(from time.Time, n int, u Unit) (time.Time, error) {
	if err := u.check(); err != nil {
		return time.Time{}, err
	}
	if n < 1 {
		return time.Time{}, fmt.Errorf("calendar: a deadline needs at least 1 %s, got %d", u.noun(1), n)
	}
	switch u {
	case Hours:
		if int64(n) > maxHours {
			return time.Time{}, fmt.Errorf("calendar: %d hours is too long a period", n)
		}
		return from.In(cst).Add(time.Duration(n) * time.Hour), nil
	case CalendarDays:
		if n > maxDays {
			return time.Time{}, fmt.Errorf("calendar: %d days is too long a period", n)
		}
		return c.lastDay(dayOf(from).AddDate(0, 0, n))
	default: // WorkingDays
		if n > maxDays {
			return time.Time{}, fmt.Errorf("calendar: %d working days is too long a period", n)
		}
		d, err := c.addWorkingDays(dayOf(from), n)
		if err != nil {
			return time.Time{}, err
		}
		return endOfDay(d), nil
	}
}

// Extend returns the deadline after an extension (延期) by n more units,
// counted from the existing deadline due with the same rules as Due: for
// hours, due + n hours; for days, the day of due is not counted and the new
// last day is found from the next day on. Extending a calendar-day deadline
// that was already moved past a holiday counts from the moved day, the
// deadline in force.
func (c *Calendar) Extend(due time.Time, n int, u Unit) (time.Time, error) {
	return c.Due(due, n, u)
}

// Shift returns the deadline due after the clock stood still (挂起/中止)
// from stopped until it was restarted (恢复). restarted must not be before
// stopped.
//
//   - Hours: due + (restarted − stopped).
//   - CalendarDays: due + (restarted − stopped); if that lands on a rest
//     day, the deadline becomes 23:59:59 of the first working day after it,
//     as art. 203 requires of any day-counted period.
//   - WorkingDays: due moves forward by as many working days as lie in the
//     half-open range of days (day of stopped, day of restarted] – the
//     working days the clock stood still through – keeping its time of day.
//     A suspension within one day, or only over rest days, moves nothing.
func (c *Calendar) Shift(due, stopped, restarted time.Time, u Unit) (time.Time, error) {
	if err := u.check(); err != nil {
		return time.Time{}, err
	}
	if restarted.Before(stopped) {
		return time.Time{}, errors.New("calendar: the clock restarted before it stopped")
	}
	due = due.In(cst)
	switch u {
	case Hours:
		return due.Add(restarted.Sub(stopped)), nil
	case CalendarDays:
		pause := restarted.Sub(stopped)
		if pause == 0 {
			return due, nil
		}
		shifted := due.Add(pause)
		ok, err := c.working(dayOf(shifted))
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			return shifted, nil
		}
		return c.lastDay(dayOf(shifted))
	default: // WorkingDays
		k, err := c.countWorkingDays(dayOf(stopped), dayOf(restarted))
		if err != nil {
			return time.Time{}, err
		}
		if k == 0 {
			return due, nil
		}
		d, err := c.addWorkingDays(dayOf(due), k)
		if err != nil {
			return time.Time{}, err
		}
		return d.Add(due.Sub(dayOf(due))), nil
	}
}

// Span is the time left before a deadline, or past it, in whole units of the
// deadline's policy; see Calendar.Remaining.
type Span struct {
	N       int  // number of units, never negative
	Unit    Unit // unit of N
	Overdue bool // the deadline has passed (已超期)
}

// Remaining tells how much time is left at now before the deadline due, or
// how far past it now is, counted in unit u:
//
//   - Hours: the difference rounded up to whole hours.
//   - CalendarDays: the number of dates from now's date to due's date.
//   - WorkingDays: the number of working days in (now's date, due's date],
//     so that Remaining(from, Due(from, n, WorkingDays)) is n; when overdue,
//     those in (due's date, now's date].
//
// N is 0 and Overdue false when the deadline is later the same day (for
// hours: exactly now). A deadline that has passed is at least 1 unit
// overdue: a unit that has begun counts as a whole one.
func (c *Calendar) Remaining(now, due time.Time, u Unit) (Span, error) {
	if err := u.check(); err != nil {
		return Span{}, err
	}
	s := Span{Unit: u, Overdue: now.After(due)}
	a, b := now, due // a is the earlier
	if s.Overdue {
		a, b = due, now
	}
	switch u {
	case Hours:
		d := b.Sub(a)
		s.N = int(d / time.Hour)
		if d%time.Hour != 0 {
			s.N++
		}
	case CalendarDays:
		s.N = int(dayNumber(b) - dayNumber(a))
	default: // WorkingDays
		n, err := c.countWorkingDays(dayOf(a), dayOf(b))
		if err != nil {
			return Span{}, err
		}
		s.N = n
	}
	if s.Overdue && s.N == 0 {
		s.N = 1
	}
	return s, nil
}

// String describes the span in English: "2 working days left",
// "3 days overdue", "5 hours left", "due today", "due now".
func (s Span) String() string {
	switch {
	case s.N == 0 && !s.Overdue && s.Unit == Hours:
		return "due now"
	case s.N == 0 && !s.Overdue:
		return "due today"
	case s.Overdue:
		return fmt.Sprintf("%d %s overdue", s.N, s.Unit.noun(s.N))
	default:
		return fmt.Sprintf("%d %s left", s.N, s.Unit.noun(s.N))
	}
}

// Chinese describes the span in Chinese: "还剩 2 个工作日", "已超期 3 天",
// "还剩 5 小时", "今天到期", "即将到期".
func (s Span) Chinese() string {
	switch {
	case s.N == 0 && !s.Overdue && s.Unit == Hours:
		return "即将到期"
	case s.N == 0 && !s.Overdue:
		return "今天到期"
	case s.Overdue:
		return fmt.Sprintf("已超期 %d %s", s.N, s.Unit.chinese())
	default:
		return fmt.Sprintf("还剩 %d %s", s.N, s.Unit.chinese())
	}
}

func (u Unit) noun(n int) string {
	var one, many string
	switch u {
	case Hours:
		one, many = "hour", "hours"
	case CalendarDays:
		one, many = "day", "days"
	case WorkingDays:
		one, many = "working day", "working days"
	default:
		return string(u)
	}
	if n == 1 {
		return one
	}
	return many
}

func (u Unit) chinese() string {
	switch u {
	case Hours:
		return "小时"
	case CalendarDays:
		return "天"
	case WorkingDays:
		return "个工作日"
	}
	return string(u)
}

// lastDay applies art. 203 ¶1 to a last day d (midnight CST): it moves a
// last day that is a rest day to the first working day after it, and
// returns the end of that day.
func (c *Calendar) lastDay(d time.Time) (time.Time, error) {
	for {
		ok, err := c.working(d)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			return endOfDay(d), nil
		}
		d = next(d)
	}
}

// addWorkingDays returns the n-th working day after d (midnight CST), d
// itself not counted. The loop ends at the latest when it leaves the covered
// years.
func (c *Calendar) addWorkingDays(d time.Time, n int) (time.Time, error) {
	for n > 0 {
		d = next(d)
		ok, err := c.working(d)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// countWorkingDays counts the working days in (a, b], a and b being
// midnights CST; 0 when b is not after a.
func (c *Calendar) countWorkingDays(a, b time.Time) (int, error) {
	n := 0
	for d := next(a); !d.After(b); d = next(d) {
		ok, err := c.working(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
