package api

import (
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
)

// statsAnswer is the answer of GET /api/v1/stats: the statistics of the
// query, and its breakdown or its monthly series when asked for.
type statsAnswer struct {
	*pingan.Stats
	By        pingan.StatsDim `json:"by,omitempty"`
	Breakdown []*pingan.Stats `json:"breakdown,omitempty"`
	Series    []*pingan.Stats `json:"series,omitempty"`
}

// getStats answers GET /api/v1/stats?unit=CODE&from=&to=&kind=&category=&source=&grid=&by=&series=month:
// counts and rates for the subtree of unit (the caller's own when absent)
// over cases reported in [from, to), read from the counters. from and to
// are dates (YYYY-MM-DD; a date in to includes that day) or RFC 3339
// midnights in China Standard Time. Without either, the period is the
// current month; with from alone it runs to the end of today; with to
// alone it starts on the first day of to's month. by breaks it down by
// unit (one level down), grid, category, kind or source; series=month
// adds each month of the period.
func (s *Server) getStats(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	sq := pingan.StatsQuery{Unit: q.str("unit"), Kind: pingan.Kind(q.str("kind")), Category: q.str("category"),
		Source: pingan.Source(q.str("source")), Grid: q.str("grid")}
	sq.From, sq.To = q.time("from", false), q.time("to", true)
	by := pingan.StatsDim(q.str("by"))
	if by != "" && !by.Valid() {
		q.v.Add("by", "stats.dim.unknown", string(by))
	}
	series := q.str("series")
	if series != "" && series != "month" {
		q.v.Add("series", "api.stats.series")
	}
	if err := q.err(); err != nil {
		return err
	}
	now := s.clock.Now().In(pingan.CST)
	switch {
	case sq.From.IsZero() && sq.To.IsZero():
		sq.From = monthStart(now)
		sq.To = sq.From.AddDate(0, 1, 0)
	case sq.To.IsZero():
		y, m, d := now.Date()
		sq.To = time.Date(y, m, d+1, 0, 0, 0, 0, pingan.CST)
	case sq.From.IsZero():
		sq.From = monthStart(sq.To.Add(-time.Nanosecond).In(pingan.CST))
	}
	var v pingan.Invalid
	if sq.Check(&v); v.Err() != nil {
		return v.Err()
	}
	ctx, u := r.Context(), userFrom(r.Context())
	st, err := s.stats.Stats(ctx, u, sq)
	if err != nil {
		return err
	}
	out := statsAnswer{Stats: st}
	if by != "" {
		out.By = by
		if out.Breakdown, err = s.stats.StatsBy(ctx, u, sq, by); err != nil {
			return err
		}
	}
	if series == "month" {
		var bounds []time.Time
		for m := monthStart(sq.From.In(pingan.CST)); m.Before(sq.To); m = m.AddDate(0, 1, 0) {
			bounds = append(bounds, m)
		}
		bounds = append(bounds, monthStart(sq.To.Add(-time.Nanosecond).In(pingan.CST)).AddDate(0, 1, 0))
		if out.Series, err = s.stats.StatsSeries(ctx, u, sq, bounds); err != nil {
			return err
		}
	}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// monthStart answers 00:00 of the first day of t's month, in t's zone.
func monthStart(t time.Time) time.Time {
	y, m, _ := t.Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
}
