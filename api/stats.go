package api

import (
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
)

// getStats answers GET /api/v1/stats?unit=CODE&from=&to=: counts and rates
// for the subtree of unit (the caller's own when absent) over cases reported
// in [from, to). from and to take RFC 3339 or YYYY-MM-DD (+08:00; a date in
// to includes that day). Without either, the period is the current month in
// China Standard Time; with from alone it runs until now; with to alone it
// starts on the first day of to's month.
func (s *Server) getStats(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	unit := q.str("unit")
	from, to := q.time("from", false), q.time("to", true)
	if err := q.err(); err != nil {
		return err
	}
	now := s.clock.Now().In(pingan.CST)
	switch {
	case from.IsZero() && to.IsZero():
		from = monthStart(now)
		to = from.AddDate(0, 1, 0)
	case to.IsZero():
		to = now
	case from.IsZero():
		from = monthStart(to.Add(-time.Nanosecond).In(pingan.CST))
	}
	if !from.Before(to) {
		return invalid("to", pingan.Msg("api.query.to.before"), pingan.Msg("api.query.invalid"))
	}
	st, err := s.stats.Stats(r.Context(), userFrom(r.Context()), unit, from, to)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, st)
	return nil
}

// monthStart answers 00:00 of the first day of t's month, in t's zone.
func monthStart(t time.Time) time.Time {
	y, m, _ := t.Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
}
