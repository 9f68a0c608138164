package calendar

import (
	"fmt"
	"sync"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// A year for which no State Council notice has been entered is counted on
// the provisional rule (暂定规则): the statutory holidays of
// 《全国年节及纪念日放假办法》 as revised in November 2024 (in force from
// 2025), placed on their real dates of that year, and nothing else:
//
//   - 元旦 1 January; 劳动节 1–2 May; 国庆节 1–3 October (fixed dates);
//   - 春节 4 days, 农历除夕 to 正月初三; 端午节 农历五月初五; 中秋节 农历八月
//     十五 (lunar dates, computed with github.com/6tail/lunar-go);
//   - 清明节 the day of the solar term 清明 (also computed).
//
// That is 13 days. Article 6 of the 办法 adds that a holiday falling on a
// Saturday or Sunday is made up on a working day (补假); the notices do so
// by giving the next working day off, so the rule does the same. What the
// notice adds beyond that — the bridging days of a long weekend and the
// make-up working days (调休上班) that pay for them — cannot be predicted
// and is never invented. A deadline counted on a provisional year may so be
// a few days early (bridging days off it did not know) or late (a make-up
// working day it took for a rest day, up to a week when that day starts a
// holiday block); every deadline
// counted on one is marked as provisional until the notice is entered and
// the deadline recounted. TestProvisionalAgainstOfficial measures how far.

// provisionalUntil is the last year the provisional rule answers for; a
// question about a later year is not covered.
const provisionalUntil = 2999

// statutoryDays lists, for each holiday of the 2024 办法, where its days
// fall in a year, and the name cn.json uses for it.
var statutoryDays = []struct {
	name string
	days func(year int) []time.Time
}{
	{"元旦", fixed(time.January, 1, 1)},
	{"春节", springFestival},
	{"清明", qingming},
	{"劳动节", fixed(time.May, 1, 2)},
	{"端午", lunarDay(5, 5)},
	{"中秋", lunarDay(8, 15)},
	{"国庆节", fixed(time.October, 1, 3)},
}

func fixed(m time.Month, day, n int) func(int) []time.Time {
	return func(year int) []time.Time {
		return run(time.Date(year, m, day, 0, 0, 0, 0, cst), n)
	}
}

// run answers n consecutive days from d.
func run(d time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = d.AddDate(0, 0, i)
	}
	return out
}

// springFestival is 春节: 农历除夕 (the last day of the twelfth month, the
// 29th or the 30th) to 正月初三, 4 days.
func springFestival(year int) []time.Time {
	newYear := solarOf(lunar.NewLunarFromYmd(year, 1, 1).GetSolar())
	return run(newYear.AddDate(0, 0, -1), 4)
}

func lunarDay(month, day int) func(int) []time.Time {
	return func(year int) []time.Time {
		return []time.Time{solarOf(lunar.NewLunarFromYmd(year, month, day).GetSolar())}
	}
}

// qingming is the day of the solar term 清明 (about 4–6 April).
func qingming(year int) []time.Time {
	l := lunar.NewSolarFromYmd(year, 5, 1).GetLunar()
	s, ok := l.GetJieQiTable()["清明"]
	if !ok || s.GetYear() != year {
		panic(fmt.Sprintf("calendar: no solar term 清明 in %d", year))
	}
	return []time.Time{solarOf(s)}
}

func solarOf(s *lunar.Solar) time.Time {
	return time.Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay(), 0, 0, 0, 0, cst)
}

// Statutory answers the provisional arrangement of a year: its statutory
// holidays on their real dates, and for each one that falls on a weekend
// the next working day off (补假). It lists no make-up working days.
// Compare it with an official year to see what the notice adds.
func Statutory(year int) Year {
	return statutoryYear(year).Year
}

type provisional struct {
	Year
	days map[int]string // yyyymmdd -> name, every day off of the year
}

var provisionalCache sync.Map // year -> *provisional

func statutoryYear(year int) *provisional {
	if p, ok := provisionalCache.Load(year); ok {
		return p.(*provisional)
	}
	p := &provisional{Year: Year{Holidays: map[string]string{}, Workdays: map[string]string{}}, days: map[int]string{}}
	off := func(d time.Time, name string) {
		p.days[key(d)] = name
		p.Holidays[d.Format(time.DateOnly)] = name
	}
	var onWeekend []string // names of the statutory days that fall on a weekend, in order
	for _, h := range statutoryDays {
		for _, d := range h.days(year) {
			if d.Year() != year {
				continue // 除夕 in the year before: that year's 春节
			}
			off(d, h.name)
			if weekend(d) {
				onWeekend = append(onWeekend, h.name)
			}
		}
	}
	// 补假: each statutory day lost to a weekend is made up on the first
	// weekday after its block that is not already off.
	for _, name := range onWeekend {
		var last time.Time
		for k, n := range p.days {
			if d := fromKey(k); n == name && d.After(last) {
				last = d
			}
		}
		d := next(last)
		for weekend(d) || p.days[key(d)] != "" {
			d = next(d)
		}
		if d.Year() == year {
			off(d, name)
		}
	}
	actual, _ := provisionalCache.LoadOrStore(year, p)
	return actual.(*provisional)
}

// Source gives the calendar in force now. A store that holds the years
// entered at run time is one; a *Calendar is its own.
type Source interface {
	Calendar() *Calendar
}

// Calendar makes a fixed *Calendar a Source.
func (c *Calendar) Calendar() *Calendar { return c }

// MissingNotice answers the year whose notice an administrator should enter
// now: the current year when it is still provisional, or from 1 October on
// the next year when it is. ok is false when nothing is missing.
func (c *Calendar) MissingNotice(now time.Time) (year int, ok bool) {
	now = now.In(cst)
	switch {
	case c.IsProvisional(now.Year()):
		return now.Year(), true
	case now.Month() >= time.October && c.IsProvisional(now.Year()+1):
		return now.Year() + 1, true
	}
	return 0, false
}
