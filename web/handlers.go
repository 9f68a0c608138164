package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// 处置单位评价 (the handling units judged, as the 数字城管 standard judges
// the people in the loop as well as the areas): per centre (综治中心) and
// per department (职能部门) of a unit's subtree, the cases handled, the
// on-time, rework and satisfaction rates and the average handling time,
// read from the counters (pingan.ByHandler), for a month, a quarter or a
// year like the dashboard, with its download.

// routesHandlers registers the page and its download.
func (s *Server) routesHandlers(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /stats/handlers", s.signedIn(s.may(pingan.CapStatistics, s.handlersPage)))
	h("GET /stats/handlers.xlsx", s.signedIn(s.may(pingan.CapStatistics, s.handlersXLSX)))
}

// handlerRates are the rates of the page, in its order.
var handlerRates = []string{"on_time", "rework", "satisfaction"}

// handlerRow is one handling unit's line.
type handlerRow struct {
	Code, Name string
	Centre     bool // a 综治中心; a department otherwise
	Handled    int64
	Rates      []handlerRate
	// Hours is the average handling time in hours (HasHours: some case
	// was handled); HoursText says it in hours or, from two days, days.
	Hours     float64
	HasHours  bool
	HoursText string
}

// handlerRate is a rate of a line: "—" with nothing to count.
type handlerRate struct {
	ID        string
	Value     float64
	Num, Base int64
	Text      string
}

// handlersData is the page.
type handlersData struct {
	Unit        *pingan.Unit
	Period      period
	PeriodLabel string
	Periods     []dashCrumb
	Prev, Next  string
	Trail       []*dashCrumb
	Rows        []*handlerRow
	Excel       string
	// Heads are the columns' names and formulas (on hover).
	Heads []handlerHead
}

// handlerHead is a column: its name and its formula.
type handlerHead struct{ Name, Formula string }

// handlers reads the page's numbers for the request's unit and period.
func (s *Server) handlers(ctx context.Context, r *http.Request, v *view) (*handlersData, error) {
	u, q := userOf(r), r.URL.Query()
	p := periodOf(q.Get("period"), q.Get("at"), s.clock.Now())
	code := strings.TrimSpace(q.Get("unit"))
	if code == "" {
		parts := strings.Split(strings.Trim(u.ScopePath, "/"), "/")
		code = parts[len(parts)-1]
	}
	unit, err := s.units.FindUnit(ctx, u, code)
	if err != nil {
		return nil, err
	}
	link := func(code string, p period) string {
		return "/stats/handlers?" + url.Values{"unit": {code}, "period": {p.Kind}, "at": {p.From.Format("2006-01")}}.Encode()
	}
	d := &handlersData{Unit: unit, Period: p, PeriodLabel: periodLabel(v, p),
		Prev: link(unit.Code, p.shift(-p.length())), Next: link(unit.Code, p.shift(p.length()))}
	d.Excel = "/stats/handlers.xlsx?" + url.Values{"unit": {unit.Code}, "period": {p.Kind}, "at": {p.From.Format("2006-01")}}.Encode()
	for _, k := range []string{"month", "quarter", "year"} {
		d.Periods = append(d.Periods, dashCrumb{Name: v.T("dash.by." + k), Current: k == p.Kind,
			Href: link(unit.Code, periodOf(k, p.From.Format("2006-01"), s.clock.Now()))})
	}
	for _, t := range s.trail(ctx, u, unit) {
		d.Trail = append(d.Trail, &dashCrumb{Name: t.Name, Href: link(t.Code, p)})
	}
	d.Heads = []handlerHead{{v.T("ha.col.handled"), v.T("ha.formula.handled")}}
	for _, id := range handlerRates {
		d.Heads = append(d.Heads, handlerHead{v.T("ha.rate." + id), v.T("rate." + id + ".formula")})
	}
	d.Heads = append(d.Heads, handlerHead{v.T("ha.col.hours"), v.T("ha.formula.hours")})

	sts, err := s.stats.StatsBy(ctx, u, pingan.StatsQuery{Unit: unit.Code, From: p.From, To: p.To}, pingan.ByHandler)
	if err != nil {
		return nil, err
	}
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		return nil, err
	}
	byCode := map[string]*pingan.Unit{}
	for _, x := range units {
		byCode[x.Code] = x
	}
	for _, st := range sts {
		row := &handlerRow{Code: st.Key, Name: st.Key, Handled: int64(st.Resolved)}
		if x := byCode[st.Key]; x != nil {
			row.Name, row.Centre = x.Name, x.Level == pingan.LevelCentre
		}
		for _, id := range handlerRates {
			hr := handlerRate{ID: id, Value: st.Rates[id], Base: st.Bases[id], Text: "—"}
			if hr.Base > 0 {
				hr.Num = int64(st.Rates[id]*float64(hr.Base) + 0.5)
				hr.Text = pctText(hr.Value)
			}
			row.Rates = append(row.Rates, hr)
		}
		row.HoursText = "—"
		if row.Handled > 0 {
			row.Hours, row.HasHours = float64(st.Counts["handle_hours"])/float64(row.Handled), true
			row.HoursText = hoursText(v.Lang, row.Hours)
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// hoursText says an average handling time in hours, or in days from two
// days on.
func hoursText(lang pingan.Lang, h float64) string {
	if h >= 48 {
		return pingan.Text(lang, "ha.days", strconv.FormatFloat(h/24, 'f', 1, 64))
	}
	return pingan.Text(lang, "ha.hours", strconv.FormatFloat(h, 'f', 1, 64))
}

func (s *Server) handlersPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "handlers")
	v.Title, v.Nav = v.T("ha.title"), "handlers"
	d, err := s.handlers(r.Context(), r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.D = d
	s.render(w, r, v)
}

// handlersXLSX answers the page as a workbook: a line per handling unit,
// numbers as numbers, the rates as percentages and the hours with two
// decimals.
func (s *Server) handlersXLSX(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "handlers")
	d, err := s.handlers(r.Context(), r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	header := []string{v.T("ha.col.name"), v.T("ha.col.type")}
	for _, h := range d.Heads {
		header = append(header, h.Name)
	}
	header[len(header)-1] = v.T("ha.col.hours_n")
	var rows [][]sheet.Cell
	for _, row := range d.Rows {
		kind := v.T("ha.type.department")
		if row.Centre {
			kind = v.T("ha.type.centre")
		}
		cells := []sheet.Cell{sheet.Text(row.Name), sheet.Text(kind), sheet.Int(row.Handled)}
		for _, hr := range row.Rates {
			if hr.Base > 0 {
				cells = append(cells, sheet.Rate(hr.Value))
			} else {
				cells = append(cells, sheet.NoRate())
			}
		}
		if row.HasHours {
			cells = append(cells, sheet.Float(row.Hours))
		} else {
			cells = append(cells, sheet.Text("—"))
		}
		rows = append(rows, cells)
	}
	var notes []string
	for _, h := range d.Heads {
		notes = append(notes, h.Formula)
	}
	book := sheet.Sheet{Name: v.T("ha.title"), Title: v.T("ha.title") + " · " + d.Unit.Name,
		Filters: []sheet.Line{{Label: v.T("export.f.unit"), Value: d.Unit.Name}, {Label: v.T("export.f.period"), Value: d.PeriodLabel},
			{Label: v.T("export.f.at"), Value: s.clock.Now().In(pingan.CST).Format("2006-01-02 15:04")}},
		Header: header, Rows: rows, Notes: notes}
	var buf bytes.Buffer
	if err := sheet.Write(&buf, book); err != nil {
		s.fail(w, r, err)
		return
	}
	name := v.T("ha.file") + "-" + d.Period.From.Format("2006-01") + "-" + s.clock.Now().In(pingan.CST).Format(time.DateOnly) + ".xlsx"
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
