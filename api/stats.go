package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// statsAnswer is the answer of GET /api/v1/stats: the statistics of the
// query, and its breakdown or its monthly series when asked for.
type statsAnswer struct {
	*pingan.Stats
	By        pingan.StatsDim `json:"by,omitempty"`
	Breakdown []*pingan.Stats `json:"breakdown,omitempty"`
	Series    []*pingan.Stats `json:"series,omitempty"`
	// Patrols is the patrol coverage of the unit over the ISO weeks of the
	// period (patrol.go); absent without a patrol service.
	Patrols *coverageAnswer `json:"patrols,omitempty"`
	// Inspections are the inspections of key sites month by month of the
	// period (site.go); absent without a site service.
	Inspections *inspectionsAnswer `json:"inspections,omitempty"`
}

// getStats answers GET /api/v1/stats?unit=CODE&from=&to=&kind=&category=&source=&grid=&by=&series=month:
// counts and rates for the subtree of unit (the caller's own when absent)
// over cases reported in [from, to), read from the counters. from and to
// are dates (YYYY-MM-DD; a date in to includes that day) or RFC 3339
// midnights in China Standard Time. Without either, the period is the
// current month; with from alone it runs to the end of today; with to
// alone it starts on the first day of to's month. by breaks it down by
// unit (one level down), grid, category, kind, source, org (the
// mediation organisations of the subtree, docs/disputes.md) or handler
// (the centres and departments of the subtree); series=month
// adds each month of the period. format=xlsx answers the same as an Excel
// workbook (statsXLSX); JSON is the default.
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
	format := q.str("format")
	if format != "" && format != "json" && format != "xlsx" {
		q.v.Add("format", "export.format.unknown", format)
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
	if out.Patrols, err = s.statsPatrols(r, st.Unit, sq); err != nil { // patrol.go
		return err
	}
	if out.Inspections, err = s.statsInspections(r, st.Unit, sq); err != nil { // site.go
		return err
	}
	if format == "xlsx" {
		return s.statsXLSX(w, r, out)
	}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// monthStart answers 00:00 of the first day of t's month, in t's zone.
func monthStart(t time.Time) time.Time {
	y, m, _ := t.Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
}

// statsXLSX answers the statistics of out as an XLSX workbook, in the
// caller's language: the sheet 指标 (every count and rate of the period),
// the breakdown by out.By and the monthly series when they were asked for,
// each headed by the query's unit and period.
func (s *Server) statsXLSX(w http.ResponseWriter, r *http.Request, out statsAnswer) error {
	ctx, u, lang := r.Context(), userFrom(r.Context()), langOf(r)
	t := func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
	unit, err := s.units.FindUnit(ctx, u, out.Unit)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	lines := []sheet.Line{{Label: t("export.f.unit"), Value: unit.Name},
		{Label: t("export.f.period"), Value: t("export.period.value", out.From.In(pingan.CST).Format(time.DateOnly),
			out.To.In(pingan.CST).AddDate(0, 0, -1).Format(time.DateOnly))}}
	for _, f := range []struct{ key, param, prefix string }{{"export.f.kind", "kind", "kind."}, {"export.f.category", "category", ""},
		{"export.f.source", "source", "source."}, {"export.f.grid", "grid", ""}} {
		if v := strings.TrimSpace(q.Get(f.param)); v != "" {
			if f.prefix != "" {
				v = t(f.prefix + v)
			}
			lines = append(lines, sheet.Line{Label: t(f.key), Value: v})
		}
	}
	by := u.Name
	if by == "" {
		by = u.Username
	}
	lines = append(lines, sheet.Line{Label: t("export.f.at"), Value: s.clock.Now().In(pingan.CST).Format("2006-01-02 15:04")},
		sheet.Line{Label: t("export.f.user"), Value: by})
	title := t("export.title.stats") + " · " + unit.Name
	book := func(name string, header []string, rows [][]sheet.Cell) sheet.Sheet {
		return sheet.Sheet{Name: t(name), Title: title, Filters: lines, Header: header, Rows: rows}
	}
	header, rows := sheet.Figures(lang, out.Stats, nil, nil)
	var more []sheet.Sheet
	if out.By != "" {
		names, err := s.statsNames(ctx, u, lang, out.Unit, out.By)
		if err != nil {
			return err
		}
		var keyed []sheet.Keyed
		for _, st := range out.Breakdown {
			name := names[st.Key]
			if name == "" {
				name = st.Key
			}
			keyed = append(keyed, sheet.Keyed{Code: st.Key, Name: name, Stats: st})
		}
		h, rs := sheet.Breakdown(lang, t("export.col.name"), keyed)
		more = append(more, book("export.sheet."+string(out.By), h, rs))
	}
	if out.Patrols != nil { // patrol.go
		more = append(more, book("patrol.stats.sheet", patrolHeader(lang), patrolRows(out.Patrols)))
	}
	if out.Inspections != nil { // site.go
		more = append(more, book("site.stats.sheet", inspectionHeader(lang), inspectionRows(out.Inspections)))
	}
	if len(out.Series) > 0 {
		var keyed []sheet.Keyed
		for _, st := range out.Series {
			keyed = append(keyed, sheet.Keyed{Name: st.From.In(pingan.CST).Format("2006-01"), Stats: st})
		}
		h, rs := sheet.Breakdown(lang, t("export.col.month"), keyed)
		more = append(more, book("export.sheet.trend", h, rs))
	}
	var buf bytes.Buffer
	if err := sheet.Write(&buf, book("export.sheet.figures", header, rows), more...); err != nil {
		return err
	}
	if err := s.auditDownload(r); err != nil { // 审计 (audit.go)
		return err
	}
	file := t("export.file.stats") + "-" + s.clock.Now().In(pingan.CST).Format(time.DateOnly) + ".xlsx"
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(file))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	if err != nil {
		s.log.DebugContext(ctx, "api: stats xlsx", "err", err)
	}
	return nil
}

// statsNames answers the names of the keys of a breakdown by d under unit:
// the units one level down, the mediation organisations, the categories,
// the grids, the kinds and the sources, in lang.
func (s *Server) statsNames(ctx context.Context, u *pingan.User, lang pingan.Lang, unit string, d pingan.StatsDim) (map[string]string, error) {
	names := map[string]string{}
	switch d {
	case pingan.ByUnit:
		units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: unit})
		if err != nil {
			return nil, err
		}
		for _, x := range units {
			names[x.Code] = x.Name
		}
	case pingan.ByOrg, pingan.ByHandler:
		units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
		if err != nil {
			return nil, err
		}
		for _, x := range units {
			if x.OrgType != "" || (d == pingan.ByHandler && (x.Level == pingan.LevelCentre || x.Level == pingan.LevelDepartment)) {
				names[x.Code] = x.Name
			}
		}
	case pingan.ByCategory:
		cats, err := s.categories.Categories(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cats {
			names[c.Code] = c.Name
		}
	case pingan.ByGrid:
		if s.grids != nil {
			grids, err := s.grids.GridShapes(ctx, u, unit)
			if err == nil {
				for _, g := range grids {
					names[g.Code] = g.Name
				}
			}
		}
	case pingan.ByKind:
		for _, k := range pingan.Kinds {
			names[string(k.Kind)] = pingan.Text(lang, "kind."+string(k.Kind))
		}
	case pingan.BySource:
		for _, src := range pingan.Sources {
			names[string(src)] = pingan.Text(lang, "source."+string(src))
		}
	}
	return names, nil
}
