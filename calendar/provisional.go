package calendar

import (
	"fmt"
	"maps"
	"time"
)

// fixedHolidays are the statutory days off whose dates are fixed in the
// solar calendar by 《全国年节及纪念日放假办法》: 元旦 1 January, 劳动节 1–2
// May, 国庆节 1–3 October. The lunar holidays (春节, 端午, 中秋) and 清明 move
// every year, and the State Council's notice adds bridging days and make-up
// working days, so no rule can stand in for the notice.
var fixedHolidays = []struct {
	month time.Month
	day   int
	name  string
}{
	{time.January, 1, "元旦（暂定）"},
	{time.May, 1, "劳动节（暂定）"}, {time.May, 2, "劳动节（暂定）"},
	{time.October, 1, "国庆节（暂定）"}, {time.October, 2, "国庆节（暂定）"}, {time.October, 3, "国庆节（暂定）"},
}

// WithProvisional answers a calendar that also counts the year after the
// last covered one on a provisional rule — Monday to Friday are working
// days, and only the fixed-date statutory holidays are off — until that
// year's State Council notice is added to cn.json. It exists for the weeks
// between the end of the data and its update (a 60-day period counted in
// late November already reaches into the next year): an operator turns it
// on explicitly, the server says so at start, and Provisional reports which
// years are counted this way. Deadlines it gives may be early by the lunar
// holidays and bridging days of that year.
func (c *Calendar) WithProvisional() *Calendar {
	year := c.last + 1
	p := &Calendar{
		first:       c.first,
		last:        year,
		holidays:    maps.Clone(c.holidays),
		workdays:    maps.Clone(c.workdays),
		provisional: year,
	}
	for _, h := range fixedHolidays {
		p.holidays[key(time.Date(year, h.month, h.day, 0, 0, 0, 0, cst))] = h.name
	}
	return p
}

// Provisional answers the year counted on the provisional rule, if any.
func (c *Calendar) Provisional() (year int, ok bool) {
	return c.provisional, c.provisional != 0
}

// CheckHorizon answers an error naming the year when counting a period of
// the given length from now would need a year the calendar does not
// cover — the check a server makes at configuration time, before any
// deadline is counted.
func (c *Calendar) CheckHorizon(now time.Time, days int) error {
	end := now.In(cst).AddDate(0, 0, days)
	for y := now.In(cst).Year(); y <= end.Year(); y++ {
		if !c.Covers(y) {
			return &NotCoveredError{Year: y}
		}
	}
	return nil
}

func (c *Calendar) String() string {
	if y, ok := c.Provisional(); ok {
		return fmt.Sprintf("official holiday calendar %d–%d (%d provisional)", c.first, c.last-1, y)
	}
	return fmt.Sprintf("official holiday calendar %d–%d", c.first, c.last)
}
