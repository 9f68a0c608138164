package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
	// Provisional: the period reaches a year whose holiday arrangement
	// has not been published, counted on the statutory holidays alone (暂定).
	Provisional bool `json:"due_provisional"`
	// Calendar names the official years in force, for the reader.
	Calendar string `json:"calendar"`
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
		q.v.Add("days", "field.required")
	}
	var unit calendar.Unit
	if !q.has("unit") {
		q.v.Add("unit", "api.due.unit.required")
	} else if u, err := calendar.ParseUnit(q.str("unit")); err != nil {
		q.v.Add("unit", "api.due.unit.bad")
	} else {
		unit = u
	}
	if err := q.err(); err != nil {
		return err
	}
	cal := s.calendar.Calendar()
	due, err := cal.Due(from, days, unit)
	var nc *calendar.NotCoveredError
	switch {
	case errors.As(err, &nc):
		field := "days"
		if from.In(pingan.CST).Year() == nc.Year {
			field = "from"
		}
		first, _ := cal.Years()
		return invalid(field, pingan.Msg("api.due.uncovered.field", nc.Year), pingan.Msg("api.due.uncovered", first, nc.Year))
	case err != nil:
		return invalid("days", pingan.Msg("error.detail", err.Error()), pingan.Msg("api.due.failed"))
	}
	s.writeJSON(w, http.StatusOK, dueAnswer{
		From:        from.In(pingan.CST).Format(time.RFC3339),
		Days:        days,
		Unit:        string(unit),
		Due:         due.In(pingan.CST).Format(time.RFC3339),
		Provisional: unit != calendar.Hours && cal.Provisional(due),
		Calendar:    cal.String(),
	})
	return nil
}

// yearAnswer is one year of the calendar in force.
type yearAnswer struct {
	Year int `json:"year"`
	// Status: official (shipped with the program), entered (at run time)
	// or provisional (statutory holidays only, until the notice is entered).
	Status    string            `json:"status"`
	Holidays  map[string]string `json:"holidays"`
	Workdays  map[string]string `json:"workdays"`
	EnteredBy string            `json:"entered_by,omitempty"`
	EnteredAt *time.Time        `json:"entered_at,omitempty"`
}

// calendarYear answers GET /api/v1/calendar/years/{year}: the days off and
// make-up working days of a year, and where they come from.
func (s *Server) calendarYear(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	cal := s.calendar.Calendar()
	if err != nil || !cal.Covers(year) {
		first, _ := cal.Years()
		return invalid("year", pingan.Msg("api.year.bad", first), pingan.Msg("api.year.invalid"))
	}
	arr := cal.Arrangement(year)
	a := yearAnswer{Year: year, Status: "official", Holidays: arr.Holidays, Workdays: arr.Workdays}
	if cal.IsProvisional(year) {
		a.Status = "provisional"
	}
	if s.holidays != nil {
		years, err := s.holidays.HolidayYears(r.Context())
		if err != nil {
			return err
		}
		for _, y := range years {
			if y.Year == year {
				at := y.EnteredAt
				a.Status, a.EnteredBy, a.EnteredAt = "entered", y.EnteredBy, &at
			}
		}
	}
	s.writeJSON(w, http.StatusOK, a)
	return nil
}

// holidaysInput is the body of POST /calendar/years: the text of a State
// Council notice (with the year it is for, or 0 to read it from the
// title), or the years' days themselves.
type holidaysInput struct {
	Notice string                `json:"notice"`
	Year   int                   `json:"year"`
	Years  []*pingan.HolidayYear `json:"years"`
}

// enterHolidays answers POST /api/v1/calendar/years[?preview=true]: enters
// a year's holiday arrangement and recounts the open deadlines across it
// (201 with the pingan.Recount), or with preview only says what would move
// (200). A notice line that cannot be read answers 400 naming it as the
// field line.N; nothing is entered.
func (s *Server) enterHolidays(w http.ResponseWriter, r *http.Request) error {
	var in holidaysInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	preview := r.URL.Query().Get("preview") == "true"
	years := in.Years
	if strings.TrimSpace(in.Notice) != "" {
		if len(years) > 0 {
			return invalid("years", pingan.Msg("api.holidays.both"), pingan.Msg("error.invalid"))
		}
		n, err := calendar.ParseNotice(in.Notice, in.Year)
		if err != nil {
			return invalid("notice", pingan.Msg("error.detail", err.Error()), pingan.Msg("api.holidays.unreadable"))
		}
		if len(n.Problems) > 0 {
			// The reasons are the notice reader's, in Chinese, as the notice.
			e := &pingan.Error{Code: pingan.EINVALID, Fields: map[string]pingan.Message{},
				Msg: pingan.Msg("api.holidays.problems", len(n.Problems))}
			for _, p := range n.Problems {
				e.Fields[fmt.Sprintf("line.%d", p.Line)] = pingan.Msg("api.holidays.line", p.Reason, p.Text)
			}
			return e
		}
		for y, d := range n.Days {
			years = append(years, &pingan.HolidayYear{Year: y, Holidays: d.Holidays, Workdays: d.Workdays, Notice: in.Notice})
		}
	}
	rc, err := s.holidays.EnterHolidayYears(r.Context(), userFrom(r.Context()), years, preview)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if preview {
		status = http.StatusOK
	}
	s.writeJSON(w, status, rc)
	return nil
}
