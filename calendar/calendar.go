// Package calendar is the official Chinese working-day calendar (工作日历)
// and the deadline arithmetic (期限计算) that case handling is built on.
//
// The facts come from the State Council General Office's yearly notices on
// holiday arrangements (国务院办公厅关于 XXXX 年部分节假日安排的通知): which
// days are statutory days off (法定节假日, 放假) and which weekend days are
// make-up working days (调休上班). They are embedded from cn.json; see
// README.md for where they come from and how to add a year.
//
// A day is a working day (工作日) when it is Monday to Friday and not a
// statutory holiday, or when it is a weekend day made a working day by 调休.
// Every other day is a rest day (休息日): a weekend day or a statutory
// holiday, together the "法定休假日" of the Civil Code (民法典).
//
// All times are China Standard Time (CST, UTC+08:00, Asia/Shanghai, which has
// had no daylight saving since 1991). Inputs in any zone are converted;
// results are returned in CST. The zone is a fixed offset, so no time zone
// database is needed.
//
// The official data ends with the last year whose notice has been
// published. Later years are counted on the provisional rule (暂定规则, see
// provisional.go): the statutory holidays on their real dates, computed from
// the lunar calendar and the solar terms, and no make-up working days. A
// deadline that lies in such a year is provisional (Calendar.Provisional)
// and is to be recounted when the year's notice is entered (Calendar.With).
// A question about a day before the first year of the data, or beyond the
// provisional rule's reach, is answered with an error wrapping ErrNotCovered
// that names the year.
//
// The package does no I/O apart from reading its embedded data file, and a
// *Calendar is immutable and safe for concurrent use.
package calendar

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"
)

// CST is China Standard Time, UTC+08:00 (北京时间). Every result of this
// package is in this zone.
var CST = time.FixedZone("CST", 8*3600)

// cst is the zone actually used: the same as CST, but safe from a caller
// reassigning CST.
var cst = CST

// ErrNotCovered is wrapped by every error about a day whose year the holiday
// calendar does not cover. Use errors.Is to test for it, and errors.As with
// *NotCoveredError to learn the year.
var ErrNotCovered = errors.New("year not covered by the holiday calendar")

// NotCoveredError reports a year missing from the holiday calendar.
type NotCoveredError struct {
	Year int
}

func (e *NotCoveredError) Error() string {
	return fmt.Sprintf("the holiday calendar does not cover %d", e.Year)
}

// Is makes errors.Is(err, ErrNotCovered) true.
func (e *NotCoveredError) Is(target error) bool { return target == ErrNotCovered }

// Year is one calendar year's official arrangement. Dates are "YYYY-MM-DD"
// and must lie in that year. A notice for year N can place days at the end
// of December of year N-1; those belong to year N-1 here.
type Year struct {
	// Holidays maps each statutory day off (放假) to its holiday's name,
	// e.g. "春节". Weekend days inside a holiday block may be absent: they
	// are rest days anyway.
	Holidays map[string]string `json:"holidays"`
	// Workdays maps each make-up working day (调休上班), always a Saturday
	// or Sunday, to the name of the holiday it makes up for.
	Workdays map[string]string `json:"workdays"`
}

// Calendar answers which days are working days, and computes deadlines.
// It holds the official arrangements of the years first to last; the years
// after last are counted on the provisional rule. It is immutable and safe
// for concurrent use.
type Calendar struct {
	first, last int
	holidays    map[int]string // yyyymmdd -> name, official years only
	workdays    map[int]string // yyyymmdd -> name, official years only
}

//go:embed cn.json
var cnJSON []byte

var official = sync.OnceValue(func() *Calendar {
	c, err := parse(cnJSON)
	if err != nil {
		panic("calendar: embedded cn.json: " + err.Error())
	}
	return c
})

// Official returns the official calendar embedded from cn.json (the shipped
// data). It is parsed once, on first use. A server overlays the years
// entered later with With.
func Official() *Calendar { return official() }

// Shipped answers the official arrangements embedded from cn.json, by year.
func Shipped() map[int]Year {
	years, err := parseYears(cnJSON)
	if err != nil {
		panic("calendar: embedded cn.json: " + err.Error())
	}
	return years
}

func parse(data []byte) (*Calendar, error) {
	years, err := parseYears(data)
	if err != nil {
		return nil, err
	}
	return New(years)
}

func parseYears(data []byte) (map[int]Year, error) {
	var f struct {
		Source string          `json:"source"`
		Years  map[string]Year `json:"years"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	years := make(map[int]Year, len(f.Years))
	for k, y := range f.Years {
		n, err := strconv.Atoi(k)
		if err != nil {
			return nil, fmt.Errorf("year key %q is not a number", k)
		}
		years[n] = y
	}
	return years, nil
}

// New builds a calendar from explicit data, mainly for tests. The years
// must be contiguous (no gaps) and there must be at least one. It checks
// that every date parses and lies in its year, that no date is both a
// holiday and a make-up working day, and that make-up working days fall on
// a weekend.
func New(years map[int]Year) (*Calendar, error) {
	if len(years) == 0 {
		return nil, errors.New("calendar: no years")
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	for i := 1; i < len(ys); i++ {
		if ys[i] != ys[i-1]+1 {
			return nil, fmt.Errorf("calendar: no data for %d (years must be contiguous)", ys[i-1]+1)
		}
	}
	c := &Calendar{
		first:    ys[0],
		last:     ys[len(ys)-1],
		holidays: map[int]string{},
		workdays: map[int]string{},
	}
	add := func(year int, kind string, m map[string]string, dst map[int]string) error {
		for s, name := range m {
			d, err := time.ParseInLocation(time.DateOnly, s, cst)
			if err != nil {
				return fmt.Errorf("calendar: %s %q: %w", kind, s, err)
			}
			if d.Year() != year {
				return fmt.Errorf("calendar: %s %s listed under year %d", kind, s, year)
			}
			if name == "" {
				return fmt.Errorf("calendar: %s %s has no name", kind, s)
			}
			dst[key(d)] = name
		}
		return nil
	}
	for _, y := range ys {
		if err := add(y, "holiday", years[y].Holidays, c.holidays); err != nil {
			return nil, err
		}
		if err := add(y, "make-up working day", years[y].Workdays, c.workdays); err != nil {
			return nil, err
		}
	}
	for k := range c.workdays {
		d := fromKey(k)
		if _, ok := c.holidays[k]; ok {
			return nil, fmt.Errorf("calendar: %s is both a holiday and a make-up working day", d.Format(time.DateOnly))
		}
		if !weekend(d) {
			return nil, fmt.Errorf("calendar: make-up working day %s is a %s, not a weekend day", d.Format(time.DateOnly), d.Weekday())
		}
	}
	return c, nil
}

// With answers a calendar whose official data is c's with the given years
// added or replaced: the years entered at run time win over the shipped
// ones. The result must be contiguous, as for New.
func (c *Calendar) With(years map[int]Year) (*Calendar, error) {
	if len(years) == 0 {
		return c, nil
	}
	all := make(map[int]Year, c.last-c.first+1+len(years))
	for y := c.first; y <= c.last; y++ {
		all[y] = c.Arrangement(y)
	}
	for y, data := range years {
		all[y] = data
	}
	return New(all)
}

// Years returns the first and last year of official data; every year in
// between is official too, and every later year is provisional.
func (c *Calendar) Years() (first, last int) { return c.first, c.last }

// Covers reports whether the calendar answers for year: officially, or on
// the provisional rule.
func (c *Calendar) Covers(year int) bool { return year >= c.first && year <= provisionalUntil }

// IsOfficial reports whether year is counted on its State Council notice.
func (c *Calendar) IsOfficial(year int) bool { return year >= c.first && year <= c.last }

// IsProvisional reports whether year is counted on the provisional rule.
func (c *Calendar) IsProvisional(year int) bool { return year > c.last && year <= provisionalUntil }

// Provisional reports whether a deadline at t was counted, in part or in
// whole, on the provisional rule. Counting a deadline only ever examines
// the days up to the deadline itself, and every provisional year comes
// after every official one, so this holds exactly when the deadline's own
// CST date lies in a provisional year. (A deadline in hours needs no
// calendar at all; the caller knows the unit.)
func (c *Calendar) Provisional(t time.Time) bool { return c.IsProvisional(t.In(cst).Year()) }

// Arrangement answers the days of year: the official arrangement, or the
// provisional one (see Statutory). It is empty for a year not covered.
func (c *Calendar) Arrangement(year int) Year {
	if c.IsProvisional(year) {
		return Statutory(year)
	}
	y := Year{Holidays: map[string]string{}, Workdays: map[string]string{}}
	if !c.IsOfficial(year) {
		return y
	}
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, cst); d.Year() == year; d = next(d) {
		if name, ok := c.holidays[key(d)]; ok {
			y.Holidays[d.Format(time.DateOnly)] = name
		}
		if name, ok := c.workdays[key(d)]; ok {
			y.Workdays[d.Format(time.DateOnly)] = name
		}
	}
	return y
}

func (c *Calendar) String() string {
	return fmt.Sprintf("official holiday calendar %d–%d, provisional from %d", c.first, c.last, c.last+1)
}

// IsWorkingDay reports whether the CST date of day is a working day (工作日).
// It fails with an error wrapping ErrNotCovered outside the covered years.
func (c *Calendar) IsWorkingDay(day time.Time) (bool, error) {
	return c.working(dayOf(day))
}

// Holiday returns the name (in Chinese, e.g. "春节") of the statutory holiday
// on the CST date of day, as listed in the notice. Weekend days inside a
// holiday block that the notice does not list are not reported, and nor is
// anything outside the covered years; use IsWorkingDay for the question
// "is it a working day".
func (c *Calendar) Holiday(day time.Time) (name string, ok bool) {
	d := dayOf(day)
	if c.IsProvisional(d.Year()) {
		name, ok = statutoryYear(d.Year()).days[key(d)]
		return name, ok
	}
	name, ok = c.holidays[key(d)]
	return name, ok
}

// working reports whether d (midnight CST) is a working day.
func (c *Calendar) working(d time.Time) (bool, error) {
	y := d.Year()
	if !c.Covers(y) {
		return false, &NotCoveredError{Year: y}
	}
	k := key(d)
	if y > c.last {
		if _, ok := statutoryYear(y).days[k]; ok {
			return false, nil
		}
		return !weekend(d), nil
	}
	if _, ok := c.holidays[k]; ok {
		return false, nil
	}
	if _, ok := c.workdays[k]; ok {
		return true, nil
	}
	return !weekend(d), nil
}

// dayOf returns midnight (00:00 CST) of t's CST date.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(cst).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, cst)
}

// next returns the day after d (midnight CST); CST has no DST, so a day is
// always 24 hours.
func next(d time.Time) time.Time { return d.Add(24 * time.Hour) }

// endOfDay stands for 24:00 of day d (二十四时, Civil Code art. 203). It is
// represented as 23:59:59 CST of that day so that the deadline still carries
// the date of the last day; anything after it is overdue.
func endOfDay(d time.Time) time.Time {
	return dayOf(d).Add(24*time.Hour - time.Second)
}

func weekend(d time.Time) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// key is the date as yyyymmdd.
func key(d time.Time) int {
	y, m, dd := d.Date()
	return y*10000 + int(m)*100 + dd
}

func fromKey(k int) time.Time {
	return time.Date(k/10000, time.Month(k/100%100), k%100, 0, 0, 0, 0, cst)
}

// dayNumber counts days since 1970-01-01 for t's CST date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.In(cst).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
