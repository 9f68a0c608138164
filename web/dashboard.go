package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

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
	ID string
	// Label names a figure of the section of disputes (dashboard_disputes.go).
	Label string
	Value string
	// Formula is the figure's formula, shown on hover.
	Formula string
	// Why is the tooltip of a rate with nothing to count ("—").
	Why  string
	Href string // the cases counted: the count, or a rate's numerator
	// Num and Base are a rate's numerator and denominator (HasBase).
	Num, Base int64
	HasBase   bool
	Note      string
	MoM       delta // 环比
	YoY       delta // 同比
}

type unitRow struct {
	Unit *pingan.Unit
	// Name and Code name the row: a unit, or a grid (Unit nil).
	Name, Code string
	Href       string
	// CasesHref opens the cases received in the period, OverdueHref those
	// overdue now, EverHref those of the period ever overdue (曾超期): the
	// figures of the row.
	CasesHref, OverdueHref, EverHref string
	Stats                            *pingan.Stats
	OpenOverdue                      int
	Capped                           bool
	Ever                             int64 // 曾超期 in the period, from the counters
	Rates                            cells
}

// breakRow is a row of a breakdown by category or by source.
type breakRow struct {
	Name, Key string
	Sub       bool // a subcategory of the filtered category
	Href      string
	Stats     *pingan.Stats
	Rates     cells
}

// catOption is a category of the filter's select, subcategories indented.
type catOption struct {
	Code, Name string
	Sub        bool
}

// dashFilter is what the dashboard's figures count beyond the unit and
// the period: the kind, the category (with its subcategories), the source
// and the grid, kept in the query string and carried by every link.
type dashFilter struct {
	Kind, Category, Source, Grid string
}

func readDashFilter(q url.Values) dashFilter {
	g := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return dashFilter{Kind: g("kind"), Category: g("category"), Source: g("source"), Grid: g("grid")}
}

// Any reports whether a filter is set.
func (f dashFilter) Any() bool { return f != dashFilter{} }

// stats answers the statistics query of the filter.
func (f dashFilter) stats(unit string, from, to time.Time) pingan.StatsQuery {
	return pingan.StatsQuery{Unit: unit, From: from, To: to, Kind: pingan.Kind(f.Kind), Category: f.Category,
		Source: pingan.Source(f.Source), Grid: f.Grid}
}

// set writes the filter into q (the dashboard's and the inbox's
// parameters have the same names).
func (f dashFilter) set(q url.Values) {
	for k, val := range map[string]string{"kind": f.Kind, "category": f.Category, "source": f.Source, "grid": f.Grid} {
		if val != "" {
			q.Set(k, val)
		}
	}
}

// caseFilter narrows a filter of cases the way the figures are.
func (f dashFilter) caseFilter(cf pingan.CaseFilter) pingan.CaseFilter {
	cf.Kind, cf.Category, cf.Source, cf.Grid = pingan.Kind(f.Kind), f.Category, pingan.Source(f.Source), f.Grid
	return cf
}

type dashData struct {
	Unit        *pingan.Unit
	Trail       []*dashCrumb
	Period      period
	PeriodLabel string
	At          string
	Prev, Next  string
	// Periods link to the month, quarter and year holding At.
	Periods []dashCrumb
	Filter  dashFilter
	// The choices of the filters; Grids only at a village or community.
	Kinds      []pingan.Kind
	Categories []catOption
	Sources    []pingan.Source
	Grids      []catOption
	// Error names a bad filter; the figures are left out.
	Error string
	Clear string // the dashboard without its filters
	// RateIDs are the rates of the table of units, in the order shown.
	RateIDs    []string
	Metrics    []metric
	Trend      template.HTML
	KindBars   template.HTML
	Children   []*unitRow
	ByGrid     bool // Children are the grids of a village or community
	TopOverdue []*unitRow
	// BreakRates are the rates of the breakdowns by category and source.
	BreakRates []string
	ByCategory []*breakRow
	BySource   []*breakRow
	Map        template.HTML
	MapReady   bool
	MapNote    string
	// Disputes is the section 矛盾纠纷化解 (dashboard_disputes.go); nil
	// when the kind filter is another kind.
	Disputes *disputeSection
	// Petitions is the section 信访 (dashboard_petitions.go); nil when the
	// kind filter is another kind.
	Petitions *petitionSection
	// Hazards is the section 安全隐患 (dashboard_hazards.go); nil when the
	// kind filter is another kind.
	Hazards *hazardSection
	// Creation is the section 平安创建 (dashboard_creation.go); nil when
	// nothing is designated.
	Creation *creationSection
	// Risks is the section 风险预警 (dashboard_risks.go); nil when it
	// counts nothing.
	Risks *riskSection
	// Sites is the section 重点场所检查 (dashboard_sites.go); nil when it
	// counts nothing.
	Sites *siteSection
	// Patrols is the section 网格巡查 (dashboard_patrols.go); "" when it
	// counts nothing.
	Patrols template.HTML
}

// dashCrumb is a link of the breadcrumb or of the period switch.
type dashCrumb struct {
	Name, Href string
	Current    bool
}

// shownRates are the rates of the dashboard's figures, pingan.Rates in
// the order shown: the four of old first. The rates of petitions are the
// section 信访 (dashboard_petitions.go).
var shownRates = func() []pingan.Rate {
	first := []string{"resolution", "on_time", "satisfaction", "escalation"}
	var out []pingan.Rate
	for _, id := range first {
		for _, r := range pingan.Rates {
			if r.ID == id {
				out = append(out, r)
			}
		}
	}
	for _, r := range pingan.Rates {
		if !slices.Contains(first, r.ID) && r.Kind != pingan.KindPetition {
			out = append(out, r)
		}
	}
	return out
}()

// counted are the statuses of every case but a merged duplicate, which
// counts nothing but reported and merged (pingan.CaseTally).
var counted = func() string {
	var out []string
	for _, st := range pingan.Statuses {
		if st != pingan.StatusMerged {
			out = append(out, string(st))
		}
	}
	return strings.Join(out, ",")
}()

// rateCases are the inbox's filters of the cases each rate's numerator
// counts (pingan.CaseTally), beyond the unit, the period and the filters.
var rateCases = map[string]url.Values{
	"resolution":     {"status": {"resolved,closed"}},
	"closing":        {"status": {"closed"}},
	"on_time":        {"status": {"resolved,closed"}, "overdue_ever": {"no"}},
	"closed_on_time": {"status": {"closed"}, "overdue_ever": {"no"}},
	"response":       {"status": {counted}, "signed": {"yes"}, "sign_late": {"no"}},
	"rework":         {"status": {counted}, "reworked": {"yes"}},
	"satisfaction":   {"status": {counted}, "satisfied": {"1"}},
	"escalation":     {"status": {counted}, "escalated": {"yes"}},
	// Disputes (dashboard_disputes.go): the disputes the measure counts.
	"mediation_success": {"mediation": {"agreed"}},
	"settlement":        {"mediation": {"settled"}},
	"performance":       {"mediation": {"performed"}},
}

// countOf answers the sum of the measures ms in st.
func countOf(st *pingan.Stats, ms []pingan.Measure) int64 {
	var n int64
	for _, m := range ms {
		n += st.Counts[pingan.MeasureNames[m]]
	}
	return n
}

// tallyOf answers the counts of st as a tally, to add breakdowns up.
func tallyOf(st *pingan.Stats) pingan.Tally {
	var t pingan.Tally
	for i, n := range pingan.MeasureNames {
		t[i] = st.Counts[n]
	}
	return t
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "dashboard")
	v.Title, v.Nav = v.T("nav.dashboard"), "dashboard"
	s.noticeBanner(v)
	p := periodOf(q.Get("period"), q.Get("at"), s.clock.Now())
	fl := readDashFilter(q)
	unitCode := strings.TrimSpace(q.Get("unit"))
	if unitCode == "" { // the reader's own: the unit of their jurisdiction
		parts := strings.Split(strings.Trim(u.ScopePath, "/"), "/")
		unitCode = parts[len(parts)-1]
	}
	unit, err := s.units.FindUnit(ctx, u, unitCode)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.rememberUnits(unit)
	// link is the dashboard of a unit and period with the filters, but
	// the grid's when the unit changes (a grid lies in one village).
	link := func(code string, p period) string {
		qv := url.Values{"unit": {code}, "period": {p.Kind}, "at": {p.From.Format("2006-01")}}
		f := fl
		if code != unit.Code {
			f.Grid = ""
		}
		f.set(qv)
		return "/dashboard?" + qv.Encode()
	}
	d := &dashData{Unit: unit, Period: p, At: p.From.Format("2006-01"), MapReady: s.grids != nil, Filter: fl,
		Prev: link(unit.Code, p.shift(-p.length())), Next: link(unit.Code, p.shift(p.length())),
		Sources: pingan.Sources, BreakRates: breakdownRates}
	for _, r := range shownRates {
		d.RateIDs = append(d.RateIDs, r.ID)
	}
	d.PeriodLabel = periodLabel(v, p)
	for _, k := range []string{"month", "quarter", "year"} {
		d.Periods = append(d.Periods, dashCrumb{Name: v.T("dash.by." + k), Current: k == p.Kind,
			Href: link(unit.Code, periodOf(k, d.At, s.clock.Now()))})
	}
	for _, t := range s.trail(ctx, u, unit) {
		d.Trail = append(d.Trail, &dashCrumb{Name: t.Name, Href: link(t.Code, p)})
	}
	d.Clear = "/dashboard?" + url.Values{"unit": {unit.Code}, "period": {p.Kind}, "at": {d.At}}.Encode()
	for _, k := range pingan.Kinds {
		d.Kinds = append(d.Kinds, k.Kind)
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories = categoryOptions(cats)
	if unit.Level == pingan.LevelVillage || fl.Grid != "" {
		d.Grids = s.gridOptions(ctx, u, unit, fl.Grid)
	}
	v.D = d
	// A bad filter is named on the page, with the filters to mend it.
	bad := func(err error) bool {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return true
		}
		d.Error = dashFilterError(v, err)
		s.renderStatus(w, r, v, http.StatusBadRequest)
		return true
	}
	if err := s.dashFigures(ctx, u, v, d, fl, link); err != nil {
		bad(err)
		return
	}
	s.render(w, r, v)
}

// dashFigures fills the figures of the dashboard d: the period's counts
// and rates against the period before and a year before, the trend, the
// breakdowns, the units (or grids) one level down, the sections of the
// kinds and the map.
//
// The sections read apart from one another and each fills fields of d
// that no other touches, so they read at once, dashReaders at a time:
// the page waits for the slowest instead of their sum. The first error
// is answered (a bad filter is met by the first section reading it) and
// the others stop with it.
func (s *Server) dashFigures(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter,
	link func(string, period) string) error {
	p, unit := d.Period, d.Unit
	// cases opens the inbox on exactly the cases a figure counts: the
	// unit's subtree, reported in the period, the filters and what else.
	cases := func(code string, more url.Values) string {
		q := url.Values{}
		f := fl
		if code != unit.Code {
			f.Grid = ""
		}
		f.set(q)
		for k, vs := range more {
			q[k] = vs
		}
		return casesLink(code, p, q)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(dashReaders)
	// The heaviest first: the units one level down (at a village or
	// community its grids, which the map then shades), the map, the head.
	village := unit.Level == pingan.LevelVillage
	g.Go(func() error {
		var byGrid []*pingan.Stats
		if err := s.dashChildren(ctx, u, v, d, fl, link, cases, &byGrid); err != nil {
			return err
		}
		d.TopOverdue = topOverdue(d.Children)
		if village && s.grids != nil {
			return s.gridMap(ctx, u, v, d, p, fl, byGrid, cases)
		}
		return nil
	})
	if s.grids == nil {
		d.MapNote = v.T("dash.map.none")
	} else if !village {
		g.Go(func() error { return s.gridMap(ctx, u, v, d, p, fl, nil, cases) })
	}
	g.Go(func() error { return s.dashHead(ctx, u, v, d, fl, link, cases) })
	// By category and by source: one reading of the counters each.
	g.Go(func() error { return s.dashCategories(ctx, u, d, fl, cases) })
	g.Go(func() error {
		q := fl.stats(unit.Code, p.From, p.To)
		q.Measures = breakdownMeasures
		bySource, err := s.stats.StatsBy(ctx, u, q, pingan.BySource)
		if err != nil {
			return err
		}
		for _, st := range bySource {
			d.BySource = append(d.BySource, &breakRow{Name: v.Source(pingan.Source(st.Key)), Key: st.Key, Stats: st,
				Href: cases(unit.Code, url.Values{"source": {st.Key}})})
		}
		return nil
	})
	// 矛盾纠纷化解 (dashboard_disputes.go), 信访 (dashboard_petitions.go),
	// 安全隐患 (dashboard_hazards.go), 平安创建 (dashboard_creation.go),
	// 风险预警 (dashboard_risks.go), 重点场所检查 (dashboard_sites.go),
	// 网格巡查 (dashboard_patrols.go).
	g.Go(func() error { return s.dashDisputes(ctx, u, v, d, fl, link) })
	g.Go(func() error { return s.dashPetitions(ctx, u, v, d, fl, link) })
	g.Go(func() error { return s.dashHazards(ctx, u, v, d, fl) })
	g.Go(func() error { return s.dashCreation(ctx, u, d, fl) })
	g.Go(func() error { return s.dashRisks(ctx, u, v, d, fl) })
	g.Go(func() error { return s.dashSites(ctx, u, d, fl) })
	g.Go(func() error {
		var err error
		d.Patrols, err = s.dashPatrols(ctx, u, v, d, fl)
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	// The rates of the tables' rows, put together for the template.
	for _, r := range d.Children {
		r.Rates = rateCells(v, r.Stats, d.RateIDs)
	}
	for _, r := range slices.Concat(d.ByCategory, d.BySource) {
		r.Rates = rateCells(v, r.Stats, d.BreakRates)
	}
	return nil
}

// dashReaders is how many of a dashboard's sections read at once: one a
// core (at least two). More only make them wait on each other for the
// cores — at four on two cores the page's p95 rose by half — and take
// the store's readers (at least four) from other requests.
var dashReaders = max(2, runtime.GOMAXPROCS(0))

// dashHead fills the head of the dashboard d: the period's count and
// rates with 同比 and 环比, the open 重大敏感 cases, the twelve months'
// trend and the counts by kind.
func (s *Server) dashHead(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter,
	link func(string, period) string, cases func(string, url.Values) string) error {
	p, unit := d.Period, d.Unit
	// The period, the one before (环比), the same one a year before (同比)
	// and the twelve months of the trend. For a month all of them are
	// months of one series, read at once; quarters and years add three
	// readings of their own.
	sq := func(p period) pingan.StatsQuery { return fl.stats(unit.Code, p.From, p.To) }
	cur, prev, yoy, series, bounds, err := s.periodStats(ctx, u, p, sq)
	if err != nil {
		return err
	}
	d.Metrics = append(d.Metrics, metric{ID: "received", Value: strconv.Itoa(cur.Total), Href: cases(unit.Code, nil),
		Formula: v.T("dash.formula.received"),
		MoM:     countDelta(cur.Total, prev.Total, prev.Total > 0), YoY: countDelta(cur.Total, yoy.Total, yoy.Total > 0)})
	for _, rt := range shownRates {
		cell := rateOf(cur, rt.ID, v.Lang)
		has := rateBase(cur, rt.ID) > 0
		m := metric{ID: rt.ID, Value: cell.Text, Why: cell.Why, Formula: v.T("rate." + rt.ID + ".formula"),
			Num: countOf(cur, rt.Num), Base: cur.Bases[rt.ID], HasBase: has, Href: cases(unit.Code, rateCases[rt.ID]),
			MoM: rateDelta(cur.Rates[rt.ID], prev.Rates[rt.ID], has && rateBase(prev, rt.ID) > 0, rt.Good, v.T("dash.points")),
			YoY: rateDelta(cur.Rates[rt.ID], yoy.Rates[rt.ID], has && rateBase(yoy, rt.ID) > 0, rt.Good, v.T("dash.points"))}
		d.Metrics = append(d.Metrics, m)
	}
	// 重大敏感在办: the open 重大敏感 cases of the unit's subtree, whenever
	// reported (docs/urgency.md), from the open-now gauges; the link opens
	// exactly those.
	openNow, err := s.stats.OpenNow(ctx, u, fl.stats(unit.Code, p.From, p.To))
	if err != nil {
		return err
	}
	d.Metrics = append(d.Metrics, metric{ID: "sensitive_open", Value: countText(int(openNow.SensitiveOpen), false),
		Href: sensitiveLink(unit.Code, fl), Note: v.T("fields.dash.sensitive"), Formula: v.T("dash.formula.sensitive_open")})

	// The trend: the twelve months up to the period's last.
	var pts []trendPoint
	for i, st := range series {
		from := bounds[i]
		label := from.Format("2006-01")
		if from.Month() != time.January && i != 0 {
			label = v.T("dash.month", int(from.Month()))
		}
		pts = append(pts, trendPoint{Label: label, Received: st.Total, Resolution: st.Rates["resolution"], NoRate: rateBase(st, "resolution") == 0,
			Href: link(unit.Code, period{Kind: "month", From: from})})
	}
	d.Trend = trendSVG(pts, v.T("dash.trend"), v.T("dash.received"), v.T("dash.rate.resolution"))

	// By kind.
	var kinds []barItem
	for _, k := range pingan.Kinds {
		kinds = append(kinds, barItem{Label: v.Kind(k.Kind), N: cur.ByKind[k.Kind],
			Href: cases(unit.Code, url.Values{"kind": {string(k.Kind)}})})
	}
	d.KindBars = barsSVG(kinds, v.T("dash.bykind"))
	return nil
}

// topOverdue answers the five rows of rows with the most overdue work,
// open now and ever in the period, most first.
func topOverdue(rows []*unitRow) []*unitRow {
	var top []*unitRow
	for _, c := range rows {
		if c.OpenOverdue > 0 || c.Ever > 0 {
			top = append(top, c)
		}
	}
	sort.SliceStable(top, func(i, j int) bool {
		a, b := top[i], top[j]
		return int64(a.OpenOverdue)+a.Ever > int64(b.OpenOverdue)+b.Ever
	})
	if len(top) > 5 {
		top = top[:5]
	}
	return top
}

// periodStats reads the statistics of sq for the period p, the one before
// (环比), the same one a year before (同比) and each of the twelve months up
// to p's last (the trend), whose first days bounds answers. For a month all
// of them are months of one series, read at once; quarters and years add
// three readings of their own.
func (s *Server) periodStats(ctx context.Context, u *pingan.User, p period, sq func(period) pingan.StatsQuery) (
	cur, prev, yoy *pingan.Stats, series []*pingan.Stats, bounds []time.Time, err error) {
	bounds = make([]time.Time, 13)
	last := p.To.AddDate(0, -1, 0)
	for i := range bounds {
		bounds[i] = last.AddDate(0, i-11, 0)
	}
	if p.Kind == "month" {
		all, err := s.stats.StatsSeries(ctx, u, sq(period{}), append([]time.Time{p.From.AddDate(0, -12, 0)}, bounds...))
		if err != nil {
			return nil, nil, nil, nil, nil, err
		}
		return all[12], all[11], all[0], all[1:], bounds, nil
	}
	if cur, err = s.stats.Stats(ctx, u, sq(p)); err != nil {
		return
	}
	if prev, err = s.stats.Stats(ctx, u, sq(p.shift(-p.length()))); err != nil {
		return
	}
	if yoy, err = s.stats.Stats(ctx, u, sq(p.shift(-12))); err != nil {
		return
	}
	series, err = s.stats.StatsSeries(ctx, u, sq(period{}), bounds)
	return
}

// dashChildren fills the table of the units one level down, or at a
// village or community of its grids, from one reading of the counters;
// byGrid keeps the grids' for the map.
func (s *Server) dashChildren(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter,
	link func(string, period) string, cases func(string, url.Values) string, byGrid *[]*pingan.Stats) error {
	p, unit := d.Period, d.Unit
	// 在办超期 of each row: one reading of the open-now gauges for all of
	// them; a row they do not know (a grid counted and since removed) is
	// counted from its cases.
	var overdueNow map[string]int
	openOverdue := func(key string, f pingan.CaseFilter) (int, bool, error) {
		if n, ok := overdueNow[key]; ok {
			return n, false, nil
		}
		yes := true
		f.Status, f.OverdueNow = openStatuses, &yes
		return s.total(ctx, u, f)
	}
	readNow := func(q pingan.StatsQuery, by pingan.StatsDim) error {
		rows, err := s.stats.OpenNowBy(ctx, u, q, by)
		if err != nil {
			return err
		}
		overdueNow = make(map[string]int, len(rows))
		for _, r := range rows {
			overdueNow[r.Key] = int(r.OverdueNow)
		}
		return nil
	}
	if unit.Level == pingan.LevelVillage {
		st, err := s.stats.StatsBy(ctx, u, fl.stats(unit.Code, p.From, p.To), pingan.ByGrid)
		if err != nil {
			return err
		}
		if err := readNow(fl.stats(unit.Code, p.From, p.To), pingan.ByGrid); err != nil {
			return err
		}
		*byGrid = st
		d.ByGrid = true
		// Every grid of the village, those that count nothing too.
		stOf := map[string]*pingan.Stats{}
		for _, g := range st {
			stOf[g.Key] = g
		}
		var rows []catOption
		for _, g := range d.Grids {
			if d.Filter.Grid == "" || g.Code == d.Filter.Grid {
				rows = append(rows, g)
			}
		}
		for _, g := range st {
			if !slices.ContainsFunc(rows, func(o catOption) bool { return o.Code == g.Key }) {
				rows = append(rows, catOption{Code: g.Key, Name: g.Key})
			}
		}
		for _, row := range rows {
			g, name := stOf[row.Code], row.Name
			if g == nil {
				g = pingan.NewStats(unit.Code, p.From, p.To, &pingan.Tally{}, nil)
				g.Key = row.Code
			}
			gf := fl
			gf.Grid = g.Key
			n, capped, err := openOverdue(g.Key, gf.caseFilter(pingan.CaseFilter{Unit: unit.Code}))
			if err != nil {
				return err
			}
			gq := url.Values{"unit": {unit.Code}, "period": {p.Kind}, "at": {d.At}}
			gf.set(gq)
			d.Children = append(d.Children, &unitRow{Name: name, Code: g.Key, Href: "/dashboard?" + gq.Encode(), Stats: g,
				CasesHref:   cases(unit.Code, url.Values{"grid": {g.Key}}),
				EverHref:    cases(unit.Code, url.Values{"grid": {g.Key}, "overdue_ever": {"yes"}}),
				OverdueHref: overdueLink(unit.Code, gf), OpenOverdue: n, Capped: capped, Ever: g.Counts["overdue"]})
		}
		return nil
	}
	children, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: unit.Code})
	if err != nil {
		return err
	}
	s.rememberUnits(children...)
	// Their statistics in one reading of the counters.
	byUnit, err := s.stats.StatsBy(ctx, u, fl.stats(unit.Code, p.From, p.To), pingan.ByUnit)
	if err != nil {
		return err
	}
	stOf := map[string]*pingan.Stats{}
	for _, st := range byUnit {
		stOf[st.Key] = st
	}
	cf := fl
	cf.Grid = ""
	if err := readNow(cf.stats(unit.Code, p.From, p.To), pingan.ByUnit); err != nil {
		return err
	}
	for _, c := range children {
		st := stOf[c.Code]
		if c.Level == pingan.LevelCentre || st == nil {
			continue
		}
		n, capped, err := openOverdue(c.Code, cf.caseFilter(pingan.CaseFilter{Unit: c.Code}))
		if err != nil {
			return err
		}
		d.Children = append(d.Children, &unitRow{Unit: c, Name: c.Name, Code: c.Code, Href: link(c.Code, p), Stats: st,
			CasesHref: cases(c.Code, nil), EverHref: cases(c.Code, url.Values{"overdue_ever": {"yes"}}),
			OverdueHref: overdueLink(c.Code, cf), OpenOverdue: n, Capped: capped, Ever: st.Counts["overdue"]})
	}
	return nil
}

// breakdownRates are the rates of the breakdowns by category and by
// source, beside the count (dashboard.html); breakdownMeasures what they
// read: over a city's rows by region, category and source, adding up
// these alone costs a fraction of every measure.
var (
	breakdownRates    = []string{"resolution", "closed_on_time", "satisfaction"}
	breakdownMeasures = func() pingan.MeasureSet {
		ms := pingan.MeasuresOf(pingan.MReported)
		for _, id := range breakdownRates {
			ms |= rateByID(id).Measures()
		}
		return ms
	}()
)

// dashCategories fills the breakdown by category: the top categories, or
// the subcategories of the filtered one (and itself, for the cases filed
// under it), each adding up its subcategories' counters.
func (s *Server) dashCategories(ctx context.Context, u *pingan.User, d *dashData, fl dashFilter,
	cases func(string, url.Values) string) error {
	p, unit := d.Period, d.Unit
	q := fl.stats(unit.Code, p.From, p.To)
	q.Measures = breakdownMeasures
	byCat, err := s.stats.StatsBy(ctx, u, q, pingan.ByCategory)
	if err != nil {
		return err
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		return err
	}
	index := indexCategories(cats)
	// rowOf answers the category a counted category adds to: its top one,
	// or under the filter the filtered one's child it lies under.
	rowOf := func(code string) string {
		for i := 0; i < 8; i++ {
			c := index[code]
			if c == nil || c.Parent == "" || c.Code == fl.Category || c.Parent == fl.Category {
				return code
			}
			code = c.Parent
		}
		return code
	}
	sum := map[string]*pingan.Tally{}
	var order []string
	for _, st := range byCat {
		k := rowOf(st.Key)
		if sum[k] == nil {
			sum[k] = new(pingan.Tally)
			order = append(order, k)
		}
		t := tallyOf(st)
		sum[k].Add(&t)
	}
	sort.Strings(order) // category codes: the catalogue's order
	for _, k := range order {
		name := k
		if c := index[k]; c != nil {
			name = c.Name
		}
		st := pingan.NewCounts(unit.Code, p.From, p.To, sum[k], breakdownMeasures)
		st.Key = k
		d.ByCategory = append(d.ByCategory, &breakRow{Name: name, Key: k, Stats: st, Sub: fl.Category != "" && k != fl.Category,
			Href: cases(unit.Code, url.Values{"category": {k}})})
	}
	return nil
}

// categoryOptions answers the categories as the filter lists them: each
// top category followed by its subcategories, indented.
func categoryOptions(cats []*pingan.Category) []catOption {
	var out []catOption
	var walk func(parent string, sub bool)
	walk = func(parent string, sub bool) {
		for _, c := range cats {
			if c.Parent == parent {
				out = append(out, catOption{Code: c.Code, Name: c.Name, Sub: sub})
				if len(out) < len(cats) {
					walk(c.Code, true)
				}
			}
		}
	}
	walk("", false)
	return out
}

// gridOptions answers the grids of a village or community for the filter
// (none when grids are not set up), with the filtered one.
func (s *Server) gridOptions(ctx context.Context, u *pingan.User, unit *pingan.Unit, cur string) []catOption {
	var out []catOption
	if s.grids != nil && unit.Level == pingan.LevelVillage {
		if gs, err := s.grids.GridShapes(ctx, u, unit.Code); err == nil {
			for _, g := range gs {
				out = append(out, catOption{Code: g.Code, Name: g.Name})
			}
		}
	}
	if cur != "" && !slices.ContainsFunc(out, func(o catOption) bool { return o.Code == cur }) {
		out = append(out, catOption{Code: cur, Name: cur})
	}
	return out
}

// dashFilterError names each bad filter and says what is wrong with it.
func dashFilterError(v *view, err error) string {
	fields := v.fields(err)
	colon, semi := "：", "；"
	if v.En() {
		colon, semi = ": ", "; "
	}
	var parts []string
	for _, f := range []string{"kind", "category", "source", "grid", "unit", "from", "to"} {
		if msg, ok := fields[f]; ok {
			parts = append(parts, v.T("dash.filter."+f)+colon+msg)
		}
	}
	if len(parts) == 0 {
		return v.Message(err)
	}
	return v.T("dash.filter.bad", strings.Join(parts, semi))
}

// gridMap draws the grids under the dashboard's unit shaded by the cases
// reported in the period, counted by grid from the counters (byGrid when
// read already).
func (s *Server) gridMap(ctx context.Context, u *pingan.User, v *view, d *dashData, p period, fl dashFilter,
	byGrid []*pingan.Stats, cases func(string, url.Values) string) error {
	grids, err := s.grids.GridShapes(ctx, u, d.Unit.Code)
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
	if byGrid == nil {
		// Only the reports: over a city's thousands of grids, adding up
		// every measure costs many times more.
		q := fl.stats(d.Unit.Code, p.From, p.To)
		q.Measures = pingan.MeasuresOf(pingan.MReported)
		if byGrid, err = s.stats.StatsBy(ctx, u, q, pingan.ByGrid); err != nil {
			return err
		}
	}
	load := map[string]int{}
	for _, st := range byGrid {
		load[st.Key] = st.Total
	}
	href := gridLinks(cases(d.Unit.Code, url.Values{"grid": {gridMark}}))
	mg := make([]mapGrid, 0, len(grids))
	for _, g := range grids {
		mg = append(mg, mapGrid{Code: g.Code, Name: g.Name, Geometry: g.Geometry, Load: load[g.Code], Href: href(g.Code)})
	}
	d.Map = gridMapSVG(mg, mapOptions{Title: v.T("dash.map"), LoadLabel: v.T("dash.received"), Tiles: s.mapTiles(ctx)})
	if d.Map == "" {
		d.MapNote = v.T("dash.map.empty")
	}
	return nil
}

// gridMark stands for a grid's code in a link made once for every grid.
const gridMark = "\x00"

// gridLinks answers the link of a grid's cases made from link, the same
// link with gridMark for the grid: one query string put together, not one
// for each of a city's 1,420 grids. The keys of a query string are
// escaped, and so is the mark in every other value, so the one "grid="
// followed by the escaped mark is the grid's.
func gridLinks(link string) func(code string) string {
	mark := "grid=" + url.QueryEscape(gridMark)
	i := strings.Index(link, "?"+mark)
	if i < 0 {
		i = strings.Index(link, "&"+mark)
	}
	if i < 0 {
		panic("web: no grid in the link " + link)
	}
	prefix, suffix := link[:i+1+len("grid=")], link[i+1+len(mark):]
	return func(code string) string { return prefix + url.QueryEscape(code) + suffix }
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
// overdue now (超期), whenever reported, with the filters: the 在办超期
// count.
func overdueLink(unit string, fl dashFilter) string {
	q := url.Values{"tab": {"open"}, "unit": {unit}, "overdue": {"now"}}
	fl.set(q)
	return "/inbox?" + q.Encode()
}

// sensitiveLink is the inbox's list of the open 重大敏感 cases of the
// subtree of unit, whenever reported, with the filters: the 重大敏感在办
// count.
func sensitiveLink(unit string, fl dashFilter) string {
	q := url.Values{"tab": {"open"}, "unit": {unit}, "sensitive": {"1"}}
	fl.set(q)
	return "/inbox?" + q.Encode()
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

// rateBase answers the denominator of a rate (pingan.Rate.Base).
func rateBase(s *pingan.Stats, id string) int64 { return s.Bases[id] }

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
	if cc, ok := s.cases.(caseCounter); ok && f.Q == "" && f.From.IsZero() && f.To.IsZero() {
		f.Limit = 0 // every one: a figure equals its list
		n, _, err = cc.CountCases(ctx, u, f)
		return n, false, err
	}
	if cs, ok := s.cases.(caseSearcher); ok {
		f.Limit = 1
		_, n, err = cs.SearchCases(ctx, u, f)
		return n, false, err
	}
	n, _, capped, err = s.count(ctx, u, f, nil)
	return n, capped, err
}

// caseFigure is the filters of the lists the dashboard's figures open,
// beyond the inbox's own (inboxFilter): the source, whether ever overdue
// (曾超期, overdue_ever=yes|no), escalated, reworked, signed, signed late
// (each yes|no), rated satisfied (satisfied=1) and the measures of
// disputes (mediation=agreed …): what a measure counts (pingan.CaseTally).
type caseFigure struct {
	Source, OverdueEver, Escalated, Reworked, Signed, SignLate, Satisfied string
	// Mediation names the measure of disputes a figure of mediation counts
	// (mediation=agreed …, pingan.CaseFilter.Mediation).
	Mediation string
	// Petition names the measure of petitions a figure of petitions
	// counts (petition=pet_decided …, pingan.CaseFilter.Petition).
	Petition string
	// Hazard names the measure of hazards a figure of hazards counts
	// (hazard=hz_rectified …, pingan.CaseFilter.Hazard).
	Hazard string
}

// figureParams are caseFigure's parameters.
var figureParams = []string{"source", "overdue_ever", "escalated", "reworked", "signed", "sign_late", "satisfied", "mediation", "petition", "hazard"}

func (cf *caseFigure) fields() []*string {
	return []*string{&cf.Source, &cf.OverdueEver, &cf.Escalated, &cf.Reworked, &cf.Signed, &cf.SignLate, &cf.Satisfied, &cf.Mediation, &cf.Petition, &cf.Hazard}
}

// readFigure reads the filters of a figure's list from a query.
func readFigure(q url.Values) caseFigure {
	var cf caseFigure
	for i, p := range cf.fields() {
		*p = strings.TrimSpace(q.Get(figureParams[i]))
	}
	return cf
}

// Hidden answers the filters set, as the hidden inputs of the inbox's
// filter form: changing another filter keeps the figure's.
func (cf caseFigure) Hidden() []struct{ Name, Value string } {
	var out []struct{ Name, Value string }
	for i, p := range cf.fields() {
		if *p != "" {
			out = append(out, struct{ Name, Value string }{figureParams[i], *p})
		}
	}
	return out
}

// set writes the filters into q.
func (cf caseFigure) set(q url.Values) {
	for i, p := range cf.fields() {
		if *p != "" {
			q.Set(figureParams[i], *p)
		}
	}
}

// apply narrows f by the filters, naming a bad one in v.
func (cf caseFigure) apply(f *pingan.CaseFilter, v *pingan.Invalid) {
	yesNo := func(field, val string) *bool {
		switch val {
		case "":
			return nil
		case "yes", "1":
			b := true
			return &b
		case "no", "0":
			b := false
			return &b
		}
		v.Add(field, "dash.filter.yesno", val)
		return nil
	}
	f.Source = pingan.Source(cf.Source)
	if b := yesNo("overdue_ever", cf.OverdueEver); b != nil {
		f.Overdue = b
	}
	f.Escalated = yesNo("escalated", cf.Escalated)
	f.Reworked = yesNo("reworked", cf.Reworked)
	f.Signed = yesNo("signed", cf.Signed)
	f.SignLate = yesNo("sign_late", cf.SignLate)
	if b := yesNo("satisfied", cf.Satisfied); b != nil && *b {
		f.Satisfied = true
	}
	f.Mediation = cf.Mediation
	f.Petition = cf.Petition
	f.Hazard = cf.Hazard
}

// statusList reads statuses apart by commas ("resolved,closed").
func statusList(s string) []pingan.Status {
	var out []pingan.Status
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, pingan.Status(x))
		}
	}
	return out
}
