package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
)

// A dashboard period: a month, a quarter or a year, compared with the one
// before (环比) and with the same one a year earlier (同比).
type period struct {
	Kind     string // month | quarter | year
	From, To time.Time
}

func (p period) shift(months int) period {
	return period{Kind: p.Kind, From: p.From.AddDate(0, months, 0), To: p.To.AddDate(0, months, 0)}
}

func (p period) length() int {
	switch p.Kind {
	case "quarter":
		return 3
	case "year":
		return 12
	}
	return 1
}

// periodOf answers the period of kind holding the month at ("2026-03"),
// or the current one.
func periodOf(kind, at string, now time.Time) period {
	now = now.In(pingan.CST)
	m, err := time.ParseInLocation("2006-01", at, pingan.CST)
	if err != nil {
		m = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, pingan.CST)
	}
	p := period{Kind: kind}
	switch kind {
	case "quarter":
		q := (int(m.Month()) - 1) / 3
		p.From = time.Date(m.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, pingan.CST)
	case "year":
		p.From = time.Date(m.Year(), 1, 1, 0, 0, 0, 0, pingan.CST)
	default:
		p.Kind = "month"
		p.From = m
	}
	p.To = p.From.AddDate(0, p.length(), 0)
	return p
}

// delta is a change against a comparison period.
type delta struct {
	Text  string
	Class string // up | down | flat | none
}

type metric struct {
	ID    string
	Value string
	// Why is the tooltip of a rate with nothing to count ("—").
	Why  string
	Href string // the cases counted, when the figure is a count
	Note string
	MoM  delta // 环比
	YoY  delta // 同比
}

type unitRow struct {
	Unit *pingan.Unit
	Href string
	// CasesHref opens the cases received in the period, OverdueHref those
	// overdue now: the figures of the row.
	CasesHref, OverdueHref string
	Stats                  *pingan.Stats
	OpenOverdue            int
	Capped                 bool
	Late                   int // resolved after the deadline
}

type dashData struct {
	Unit        *pingan.Unit
	Trail       []*pingan.Unit
	Period      period
	PeriodLabel string
	At          string
	Prev, Next  string
	Metrics     []metric
	Trend       template.HTML
	Kinds       template.HTML
	Children    []*unitRow
	TopOverdue  []*unitRow
	Map         template.HTML
	MapReady    bool
	MapNote     string
}

// rateIDs are the rates of pingan.Stats, in the order shown, with whether
// a rise is good.
var rateIDs = []struct {
	ID   string
	Good bool
}{{"resolution", true}, {"on_time", true}, {"satisfaction", true}, {"escalation", false}}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "dashboard")
	v.Title, v.Nav = v.T("nav.dashboard"), "dashboard"
	s.noticeBanner(v)
	p := periodOf(q.Get("period"), q.Get("at"), s.clock.Now())
	unitCode := q.Get("unit")
	// The period, the one before (环比), the same one a year before (同比)
	// and the twelve months of the trend. For a month all of them are
	// months of one series, read at once; quarters and years add three
	// readings of their own.
	bounds := make([]time.Time, 13)
	last := p.To.AddDate(0, -1, 0)
	for i := range bounds {
		bounds[i] = last.AddDate(0, i-11, 0)
	}
	var cur, prev, yoy *pingan.Stats
	var series []*pingan.Stats
	if p.Kind == "month" {
		all, err := s.stats.StatsSeries(ctx, u, pingan.StatsQuery{Unit: unitCode}, append([]time.Time{p.From.AddDate(0, -12, 0)}, bounds...))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		yoy, prev, cur, series = all[0], all[11], all[12], all[1:]
	} else {
		var err error
		q := func(p period) pingan.StatsQuery { return pingan.StatsQuery{Unit: unitCode, From: p.From, To: p.To} }
		if cur, err = s.stats.Stats(ctx, u, q(p)); err == nil {
			unitCode = cur.Unit
			if prev, err = s.stats.Stats(ctx, u, q(p.shift(-p.length()))); err == nil {
				if yoy, err = s.stats.Stats(ctx, u, q(p.shift(-12))); err == nil {
					series, err = s.stats.StatsSeries(ctx, u, pingan.StatsQuery{Unit: unitCode}, bounds)
				}
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	unit, err := s.units.FindUnit(ctx, u, cur.Unit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(unit)
	link := func(unit string, p period) string {
		qv := url.Values{"unit": {unit}, "period": {p.Kind}, "at": {p.From.Format("2006-01")}}
		return "/dashboard?" + qv.Encode()
	}
	d := &dashData{Unit: unit, Period: p, At: p.From.Format("2006-01"), MapReady: s.grids != nil,
		Prev: link(unit.Code, p.shift(-p.length())), Next: link(unit.Code, p.shift(p.length()))}
	d.PeriodLabel = periodLabel(v, p)
	// cases opens the inbox on exactly the cases a figure counts: the
	// unit's subtree, reported in the period, and what else.
	cases := func(unit string, more url.Values) string { return casesLink(unit, p, more) }
	d.Trail = s.trail(ctx, u, unit)

	// The five numbers with 同比 and 环比.
	d.Metrics = append(d.Metrics, metric{ID: "received", Value: strconv.Itoa(cur.Total), Href: cases(unit.Code, nil),
		MoM: countDelta(cur.Total, prev.Total, prev.Total > 0), YoY: countDelta(cur.Total, yoy.Total, yoy.Total > 0)})
	for _, rt := range rateIDs {
		cell := rateOf(cur, rt.ID, v.Lang)
		has := rateBase(cur, rt.ID) > 0
		m := metric{ID: rt.ID, Value: cell.Text, Why: cell.Why,
			MoM: rateDelta(cur.Rates[rt.ID], prev.Rates[rt.ID], has && rateBase(prev, rt.ID) > 0, rt.Good, v.T("dash.points")),
			YoY: rateDelta(cur.Rates[rt.ID], yoy.Rates[rt.ID], has && rateBase(yoy, rt.ID) > 0, rt.Good, v.T("dash.points"))}
		m.Note = v.T("dash.of", rateBase(cur, rt.ID))
		d.Metrics = append(d.Metrics, m)
	}
	// 重大敏感在办: the open 重大敏感 cases of the unit's subtree, whenever
	// reported (docs/urgency.md); the link opens exactly those.
	sensitive, capped, err := s.total(ctx, u, pingan.CaseFilter{Unit: unit.Code, Status: openStatuses, Sensitive: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Metrics = append(d.Metrics, metric{ID: "sensitive_open", Value: countText(sensitive, capped),
		Href: sensitiveLink(unit.Code), Note: v.T("fields.dash.sensitive")})

	// The trend: the twelve months up to the period's last.
	var pts []trendPoint
	for i, st := range series {
		from := bounds[i]
		label := from.Format("2006-01")
		if from.Month() != time.January && i != 0 {
			label = v.T("dash.month", int(from.Month()))
		}
		pts = append(pts, trendPoint{Label: label, Received: st.Total, Resolution: st.Rates["resolution"], NoRate: st.Total == 0,
			Href: link(unit.Code, period{Kind: "month", From: from})})
	}
	d.Trend = trendSVG(pts, v.T("dash.trend"), v.T("dash.received"), v.T("dash.rate.resolution"))

	// By kind.
	var kinds []barItem
	for _, k := range pingan.Kinds {
		kinds = append(kinds, barItem{Label: v.Kind(k.Kind), N: cur.ByKind[k.Kind],
			Href: cases(unit.Code, url.Values{"kind": {string(k.Kind)}})})
	}
	d.Kinds = barsSVG(kinds, v.T("dash.bykind"))

	// The units one level down, for drilling down and for the ranking of
	// overdue work.
	children, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: unit.Code})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(children...)
	// Their statistics in one reading of the counters.
	byUnit, err := s.stats.StatsBy(ctx, u, pingan.StatsQuery{Unit: unit.Code, From: p.From, To: p.To}, pingan.ByUnit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stOf := map[string]*pingan.Stats{}
	for _, st := range byUnit {
		stOf[st.Key] = st
	}
	yes := true
	for _, c := range children {
		st := stOf[c.Code]
		if c.Level == pingan.LevelCentre || st == nil {
			continue
		}
		n, capped, err := s.total(ctx, u, pingan.CaseFilter{Unit: c.Code, Status: openStatuses, OverdueNow: &yes})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Children = append(d.Children, &unitRow{Unit: c, Href: link(c.Code, p), Stats: st,
			CasesHref: cases(c.Code, nil), OverdueHref: overdueLink(c.Code),
			OpenOverdue: n, Capped: capped, Late: st.Resolved - st.OnTime})
	}
	for _, c := range d.Children {
		if c.OpenOverdue+c.Late > 0 {
			d.TopOverdue = append(d.TopOverdue, c)
		}
	}
	sort.SliceStable(d.TopOverdue, func(i, j int) bool {
		a, b := d.TopOverdue[i], d.TopOverdue[j]
		return a.OpenOverdue+a.Late > b.OpenOverdue+b.Late
	})
	if len(d.TopOverdue) > 5 {
		d.TopOverdue = d.TopOverdue[:5]
	}

	if s.grids != nil {
		if err := s.gridMap(ctx, u, v, d, p); err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		d.MapNote = v.T("dash.map.none")
	}
	v.D = d
	s.render(w, r, v)
}

// gridMap draws the grids under the dashboard's unit shaded by the cases
// reported in the period, counted by grid in the database.
func (s *Server) gridMap(ctx context.Context, u *pingan.User, v *view, d *dashData, p period) error {
	grids, err := s.grids.FindGrids(ctx, u, d.Unit.Code)
	if err != nil {
		if isNotFound(err) {
			d.MapNote = v.T("dash.map.empty")
			return nil
		}
		return err
	}
	if len(grids) == 0 {
		d.MapNote = v.T("dash.map.empty")
		return nil
	}
	byGrid, err := s.stats.StatsBy(ctx, u, pingan.StatsQuery{Unit: d.Unit.Code, From: p.From, To: p.To}, pingan.ByGrid)
	if err != nil {
		return err
	}
	load := map[string]int{}
	for _, st := range byGrid {
		load[st.Key] = st.Total
	}
	var mg []mapGrid
	for _, g := range grids {
		mg = append(mg, mapGrid{Code: g.Code, Name: g.Name, Geometry: g.Geometry, Load: load[g.Code],
			Href: casesLink(d.Unit.Code, p, url.Values{"grid": {g.Code}})})
	}
	d.Map = gridMapSVG(mg, mapOptions{Title: v.T("dash.map"), LoadLabel: v.T("dash.received"), Tiles: s.mapTiles(ctx)})
	if d.Map == "" {
		d.MapNote = v.T("dash.map.empty")
	}
	return nil
}

// trail answers the units from the user's own down to unit, for the
// breadcrumb; those above the user's jurisdiction are left out.
func (s *Server) trail(ctx context.Context, u *pingan.User, unit *pingan.Unit) []*pingan.Unit {
	var out []*pingan.Unit
	for x := unit; x != nil && x.ParentCode != "" && len(out) < 8; {
		p, err := s.units.FindUnit(ctx, u, x.ParentCode)
		if err != nil {
			break
		}
		out = append([]*pingan.Unit{p}, out...)
		x = p
	}
	return out
}

// casesLink is the inbox's list of every case of the subtree of unit
// reported in the period p (its dates inclusive), with the filters in
// more: the cases a count of the dashboard counts.
func casesLink(unit string, p period, more url.Values) string {
	q := url.Values{"tab": {"all"}, "unit": {unit}, "from": {p.From.Format(time.DateOnly)},
		"to": {p.To.AddDate(0, 0, -1).Format(time.DateOnly)}}
	for k, vs := range more {
		q[k] = vs
	}
	return "/inbox?" + q.Encode()
}

// overdueLink is the inbox's list of the open cases of the subtree of unit
// overdue now (超期), whenever reported: the 在办超期 count.
func overdueLink(unit string) string {
	return "/inbox?" + url.Values{"tab": {"open"}, "unit": {unit}, "overdue": {"now"}}.Encode()
}

// sensitiveLink is the inbox's list of the open 重大敏感 cases of the
// subtree of unit, whenever reported: the 重大敏感在办 count.
func sensitiveLink(unit string) string {
	return "/inbox?" + url.Values{"tab": {"open"}, "unit": {unit}, "sensitive": {"1"}}.Encode()
}

func periodLabel(v *view, p period) string {
	switch p.Kind {
	case "quarter":
		return v.T("dash.label.quarter", p.From.Year(), (int(p.From.Month())+2)/3)
	case "year":
		return v.T("dash.label.year", p.From.Year())
	}
	return v.T("dash.label.month", p.From.Year(), int(p.From.Month()))
}

func pctText(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

// rateBase answers the denominator of a rate.
func rateBase(s *pingan.Stats, id string) int {
	switch id {
	case "on_time":
		return s.Resolved
	case "satisfaction":
		return s.Rated
	}
	return s.Total
}

// countDelta is the relative change of a count.
func countDelta(cur, base int, ok bool) delta {
	if !ok {
		return delta{Text: "—", Class: "none"}
	}
	ch := float64(cur-base) / float64(base) * 100
	return signed(ch, "%", true)
}

// rateDelta is the change of a rate in percentage points.
func rateDelta(cur, base float64, ok, good bool, points string) delta {
	if !ok {
		return delta{Text: "—", Class: "none"}
	}
	return signed((cur-base)*100, points, good)
}

func signed(x float64, unit string, good bool) delta {
	switch {
	case x > 0.05:
		c := "up good"
		if !good {
			c = "up bad"
		}
		return delta{Text: fmt.Sprintf("↑ %.1f%s", x, unit), Class: c}
	case x < -0.05:
		c := "down bad"
		if !good {
			c = "down good"
		}
		return delta{Text: fmt.Sprintf("↓ %.1f%s", -x, unit), Class: c}
	}
	return delta{Text: "0" + unit, Class: "flat"}
}

// total counts the cases f selects: by one count in the store when the
// case service can (caseSearcher), else page by page up to countCap.
func (s *Server) total(ctx context.Context, u *pingan.User, f pingan.CaseFilter) (n int, capped bool, err error) {
	if cs, ok := s.cases.(caseSearcher); ok {
		f.Limit = 1
		_, n, err = cs.SearchCases(ctx, u, f)
		return n, false, err
	}
	n, _, capped, err = s.count(ctx, u, f, nil)
	return n, capped, err
}
