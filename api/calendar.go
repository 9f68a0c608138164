package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// maxDuePeriod bounds days in /calendar/due (a hundred years of days).
const maxDuePeriod = 36500

// dueAnswer is the answer of /calendar/due.
type dueAnswer struct {
	From string `json:"from"`
	Days int    `json:"days"`
	Unit string `json:"unit"`
	Due  string `json:"due"`
}

// calendarDue answers GET /api/v1/calendar/due?from=&days=N&unit=working|
// calendar|hours with {"due": RFC 3339 in +08:00}: the deadline of a period
// of N units starting at from, on the official calendar (法定节假日 and 调休).
// from takes RFC 3339 or YYYY-MM-DD (00:00 +08:00) and defaults to now. A
// year the calendar does not cover answers 400 saying so.
func (s *Server) calendarDue(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	from := q.time("from", false)
	if !q.has("from") {
		from = s.clock.Now()
	}
	days := q.int("days", 0, 1, maxDuePeriod)
	if !q.has("days") {
		q.v.Add("days", "必填 (required)")
	}
	var unit calendar.Unit
	if !q.has("unit") {
		q.v.Add("unit", "必填：working、calendar 或 hours (required: working, calendar or hours)")
	} else if u, err := calendar.ParseUnit(q.str("unit")); err != nil {
		q.v.Add("unit", "应为 working（工作日）、calendar（自然日）或 hours（小时）(want working, calendar or hours)")
	} else {
		unit = u
	}
	if err := q.err(); err != nil {
		return err
	}
	due, err := s.calendar.Due(from, days, unit)
	var nc *calendar.NotCoveredError
	switch {
	case errors.As(err, &nc):
		field := "days"
		if from.In(pingan.CST).Year() == nc.Year {
			field = "from"
		}
		first, last := s.calendar.Years()
		return invalid(field, fmt.Sprintf("工作日历未覆盖 %d 年 (the calendar does not cover %d)", nc.Year, nc.Year),
			fmt.Sprintf("官方节假日安排只收录了 %d–%d 年，无法计算 %d 年的期限 (the official holiday calendar covers %d–%d only, not %d)",
				first, last, nc.Year, first, last, nc.Year))
	case err != nil:
		return invalid("days", err.Error(), "无法计算期限 (the deadline cannot be computed)")
	}
	s.writeJSON(w, http.StatusOK, dueAnswer{
		From: from.In(pingan.CST).Format(time.RFC3339),
		Days: days,
		Unit: string(unit),
		Due:  due.In(pingan.CST).Format(time.RFC3339),
	})
	return nil
}
