package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// The Excel downloads (导出 Excel): the inbox and the search list every
// case of their filters, the dashboard its statistics, as XLSX workbooks
// staff paste into their own reports. A list is the one the page shows —
// the same query, the reader's jurisdiction, personal data masked as in
// every list — all of it rather than a page, up to exportCap cases.

// exportCap is the most cases a list's download holds; a last line says
// when the list was cut there (a variable for the tests).
var exportCap = 50000

// exportPage is how many cases one reading of the list takes (a variable
// for the tests, which read lists of several pages).
var exportPage = 200

// routesExport registers the downloads, each behind the capability of the
// page it downloads.
func (s *Server) routesExport(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /inbox.xlsx", s.signedIn(s.may(pingan.CapReadCases, s.inboxExport)))
	h("GET /search.xlsx", s.signedIn(s.may(pingan.CapReadCases, s.searchExport)))
	h("GET /dashboard.xlsx", s.signedIn(s.may(pingan.CapStatistics, s.dashboardExport)))
	s.routesExportCSV(h) // the lists as CSV too (export_csv.go)
}

// ExcelHref is the download of the page shown (the templates' 导出 Excel
// link): its path with ".xlsx" and its query without the page it is on.
func (v *view) ExcelHref() string {
	u, err := url.Parse(v.Path)
	if err != nil || u.Path == "/" {
		return ""
	}
	q := u.Query()
	q.Del("cursor")
	q.Del("page")
	out := u.Path + ".xlsx"
	if len(q) > 0 {
		out += "?" + q.Encode()
	}
	return out
}

// exportLines are the lines of a download's filters: a label's key and a
// value, those with no value left out.
type exportLines struct {
	v     *view
	lines []sheet.Line
}

func (l *exportLines) add(key, value string) {
	if value != "" {
		l.lines = append(l.lines, sheet.Line{Label: l.v.T(key), Value: value})
	}
}

// period adds the dates from and to (both inclusive, 2006-01-02).
func (l *exportLines) period(from, to string) {
	switch {
	case from != "" && to != "":
		l.add("export.f.period", l.v.T("export.period.value", from, to))
	case from != "":
		l.add("export.f.period", l.v.T("export.period.value", from, "…"))
	case to != "":
		l.add("export.f.period", l.v.T("export.period.value", "…", to))
	}
}

// fields adds the least urgency and 重大敏感 (fieldFilter).
func (l *exportLines) fields(urgency, sensitive string) {
	if urgency != "" {
		l.add("export.f.urgency", l.v.T("export.urgency."+urgency))
	}
	if sensitive != "" {
		l.add("export.f.sensitive", l.v.T("export.yes"))
	}
}

// signed adds when and by whom the download was made.
func (l *exportLines) signed(u *pingan.User, now time.Time) {
	l.add("export.f.at", now.In(pingan.CST).Format("2006-01-02 15:04"))
	by := u.Name
	if by == "" {
		by = u.Username
	}
	l.add("export.f.user", by)
}

// inboxExport answers GET /inbox.xlsx: every case of an inbox tab with its
// filters (the query of /inbox), newest first.
func (s *Server) inboxExport(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "inbox")
	// The tab and filters as the inbox reads them (inbox.go).
	cur, fl := inboxQuery(tabsFor(u), q)
	base := fl.base()
	if err := fl.caseFilter(&base); err != nil {
		s.fail(w, r, err)
		return
	}
	// A unit outside the reader's jurisdiction answers 404 like none.
	if fl.Unit != "" {
		unit, err := s.units.FindUnit(ctx, u, fl.Unit)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fl.UnitName = unit.Name
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	catIndex := indexCategories(cats)
	now := s.clock.Now()

	var rows []*row
	var cut bool
	if cur.Assists {
		rows, err = s.assistRows(ctx, u, catIndex, now, v.Lang)
	} else {
		f := cur.filter(base, now)
		f.Holding = fl.Holding
		if cur.ID == "all" && fl.Status != "" {
			f.Status = []pingan.Status{pingan.Status(fl.Status)}
		}
		var cs []*pingan.Case
		cs, cut, err = s.exportCases(ctx, u, f, cur.keep(u))
		rows = s.rows(ctx, u, cs, catIndex, now, v.Lang)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}

	l := &exportLines{v: v}
	l.add("export.f.tab", v.T("tab."+cur.ID))
	if fl.UnitName != "" {
		l.add("export.f.unit", fl.UnitName)
	} else {
		l.add("export.f.unit", s.unitName(ctx, u, scopeOf(u)))
	}
	l.period(fl.From, fl.To)
	if fl.Kind != "" {
		l.add("export.f.kind", v.Kind(pingan.Kind(fl.Kind)))
	}
	if c := catIndex[fl.Category]; c != nil {
		l.add("export.f.category", c.Name)
	} else {
		l.add("export.f.category", fl.Category)
	}
	if cur.ID == "all" && fl.Status != "" {
		l.add("export.f.status", v.Status(pingan.Status(fl.Status)))
	}
	if fl.Holding == "own" || fl.Holding == "below" {
		l.add("export.f.holding", v.T("export.holding."+fl.Holding))
	}
	l.add("export.f.grid", fl.Grid)
	l.add("export.f.q", fl.Q)
	if fl.Overdue != "" {
		l.add("export.f.overdue", v.T("export.overdue.only"))
	}
	l.fields(fl.Urgency, fl.Sensitive)
	s.writeCases(w, r, v, "export.title.inbox", l, rows, cut)
}

// searchExport answers GET /search.xlsx: every case the search (the query
// of /search) finds, newest first. A search by a person is audited by the
// store as the page's is, once for each reading of the list.
func (s *Server) searchExport(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "search")
	form := searchForm{Q: strings.TrimSpace(q.Get("q")), Person: strings.TrimSpace(q.Get("person")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Grid: strings.TrimSpace(q.Get("grid")), Status: q.Get("status")}
	form.Urgency, form.Sensitive = fieldFilter(q)
	f, _, err := form.filter("")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Offset = 0
	cs, cut, err := s.exportCases(ctx, u, f, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := s.rows(ctx, u, cs, indexCategories(cats), s.clock.Now(), v.Lang)

	l := &exportLines{v: v}
	l.add("export.f.q", form.Q)
	l.add("export.f.person", maskPerson(form.Person))
	l.period(form.From, form.To)
	l.add("export.f.grid", form.Grid)
	if form.Status != "" {
		l.add("export.f.status", v.Status(pingan.Status(form.Status)))
	}
	l.fields(form.Urgency, form.Sensitive)
	s.writeCases(w, r, v, "export.title.search", l, rows, cut)
}

// scopeOf answers the code of the unit whose subtree u sees (the county a
// county centre serves), u's own unit when not known.
func scopeOf(u *pingan.User) string {
	parts := strings.Split(strings.Trim(u.ScopePath, "/"), "/")
	if last := parts[len(parts)-1]; last != "" {
		return last
	}
	return u.UnitCode
}

// maskPerson masks a person searched for as lists mask people: a phone
// number (seven digits or more) as one, anything else as a name.
func maskPerson(p string) string {
	digits := 0
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits >= 7 {
		return pingan.MaskPhone(p)
	}
	return pingan.MaskName(p)
}

// exportCases answers the cases of f that keep accepts, newest first, at
// most exportCap, and whether there were more.
func (s *Server) exportCases(ctx context.Context, u *pingan.User, f pingan.CaseFilter, keep func(*pingan.Case) bool) ([]*pingan.Case, bool, error) {
	var out []*pingan.Case
	f.Limit, f.Cursor = exportPage, ""
	for {
		cs, next, err := s.cases.FindCases(ctx, u, f)
		if err != nil {
			return nil, false, err
		}
		for _, c := range cs {
			if keep != nil && !keep(c) {
				continue
			}
			if len(out) == exportCap {
				return out, true, nil
			}
			out = append(out, c)
		}
		if next == "" {
			return out, false, nil
		}
		f.Cursor = next
	}
}

// writeCases answers the rows as a workbook of one sheet: the title, the
// filter lines, the count, who exported it and when, and the cases with
// their people masked.
func (s *Server) writeCases(w http.ResponseWriter, r *http.Request, v *view, title string, l *exportLines, rows []*row, cut bool) {
	ctx, u := r.Context(), userOf(r)
	now := s.clock.Now()
	l.add("export.f.count", fmt.Sprint(len(rows)))
	l.signed(u, now)
	sh := sheet.Sheet{Name: v.T("export.sheet.cases"), Title: v.T(title), Filters: l.lines}
	for _, k := range []string{"number", "title", "category", "kind", "status", "urgency", "sensitive", "unit", "holding",
		"assigned", "reported", "deadline", "overdue", "grid", "reporter", "phone"} {
		sh.Header = append(sh.Header, v.T("export.col."+k))
	}
	grids := map[string]string{}
	gridName := func(code string) string {
		if code == "" || s.grids == nil {
			return code
		}
		name, ok := grids[code]
		if !ok {
			name = code
			if g, err := s.grids.FindGrid(ctx, u, code); err == nil && g.Name != "" {
				name = g.Name
			}
			grids[code] = name
		}
		return name
	}
	for _, rw := range rows {
		c := rw.C
		var due sheet.Cell
		if rw.Due != nil {
			due = sheet.Date(rw.Due.At.In(pingan.CST))
		}
		overdue := ""
		switch {
		case rw.OverdueNow:
			overdue = v.T("export.overdue.now")
		case rw.Missed || c.Overdue:
			overdue = v.T("export.overdue.once")
		}
		sensitive := ""
		if c.Sensitive {
			sensitive = v.T("export.yes")
		}
		urgency := c.Urgency
		if urgency == "" {
			urgency = pingan.UrgencyNormal
		}
		// Lists are masked; masking again keeps a masked value as it is,
		// so nothing whole can reach the file.
		var name, phone string
		if c.Reporter != nil {
			p := c.Reporter.Masked()
			name, phone = p.Name, p.Phone
		}
		sh.Rows = append(sh.Rows, []sheet.Cell{sheet.Text(c.Number), sheet.Text(c.Title), sheet.Text(rw.CategoryName),
			sheet.Text(v.Kind(c.Kind)), sheet.Text(v.Status(c.Status)), sheet.Text(v.T("urgency." + string(urgency))),
			sheet.Text(sensitive), sheet.Text(rw.UnitName), sheet.Text(s.unitName(ctx, u, c.HoldingUnit)),
			sheet.Text(rw.AssignedName), sheet.Date(c.ReportedAt.In(pingan.CST)), due, sheet.Text(overdue),
			sheet.Text(gridName(c.Grid)), sheet.Text(name), sheet.Text(phone)})
	}
	if cut {
		sh.Notes = append(sh.Notes, v.T("export.cut", exportCap, exportCap))
	}
	s.writeList(w, r, v.T("export.file.cases"), sh) // XLSX, or CSV for a path ending in .csv
}

// dashboardExport answers GET /dashboard.xlsx: the dashboard's statistics
// for its query (unit, period, at, and kind, category, source and grid
// when given) as a book of sheets: 指标 (every count and rate with 环比 and
// 同比), 下级单位, 类别, 来源 and 趋势 (the twelve months up to the
// period's last).
func (s *Server) dashboardExport(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "dashboard")
	p := periodOf(q.Get("period"), q.Get("at"), s.clock.Now())
	sq := pingan.StatsQuery{Unit: strings.TrimSpace(q.Get("unit")), Kind: pingan.Kind(q.Get("kind")),
		Category: strings.TrimSpace(q.Get("category")), Source: pingan.Source(q.Get("source")), Grid: strings.TrimSpace(q.Get("grid"))}
	in := func(p period) pingan.StatsQuery {
		x := sq
		x.From, x.To = p.From, p.To
		return x
	}
	cur, err := s.stats.Stats(ctx, u, in(p))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sq.Unit = cur.Unit
	unit, err := s.units.FindUnit(ctx, u, cur.Unit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prev, err := s.stats.Stats(ctx, u, in(p.shift(-p.length())))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	yoy, err := s.stats.Stats(ctx, u, in(p.shift(-12)))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	by := map[pingan.StatsDim][]*pingan.Stats{}
	for _, d := range []pingan.StatsDim{pingan.ByUnit, pingan.ByCategory, pingan.BySource} {
		if by[d], err = s.stats.StatsBy(ctx, u, in(p), d); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	// The trend: the twelve months up to the period's last, as the
	// dashboard draws it.
	bounds := make([]time.Time, 13)
	last := p.To.AddDate(0, -1, 0)
	for i := range bounds {
		bounds[i] = last.AddDate(0, i-11, 0)
	}
	series, err := s.stats.StatsSeries(ctx, u, sq, bounds)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	children, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: unit.Code})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	catIndex := indexCategories(cats)

	l := &exportLines{v: v}
	l.add("export.f.unit", unit.Name)
	l.period(p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly))
	if sq.Kind != "" {
		l.add("export.f.kind", v.Kind(sq.Kind))
	}
	if c := catIndex[sq.Category]; c != nil {
		l.add("export.f.category", c.Name)
	} else {
		l.add("export.f.category", sq.Category)
	}
	if sq.Source != "" {
		l.add("export.f.source", v.Source(sq.Source))
	}
	l.add("export.f.grid", sq.Grid)
	l.signed(u, s.clock.Now())
	title := v.T("export.title.stats") + " · " + unit.Name + " · " + periodLabel(v, p)
	book := func(name string, header []string, rows [][]sheet.Cell) sheet.Sheet {
		return sheet.Sheet{Name: v.T(name), Title: title, Filters: l.lines, Header: header, Rows: rows}
	}

	header, rows := sheet.Figures(v.Lang, cur, prev, yoy)
	figures := book("export.sheet.figures", header, rows)

	// 下级单位: the units one level down in the dashboard's order, centres
	// left out as the dashboard leaves them out.
	stOf := map[string]*pingan.Stats{}
	for _, st := range by[pingan.ByUnit] {
		stOf[st.Key] = st
	}
	var lines []sheet.Keyed
	for _, c := range children {
		if st := stOf[c.Code]; st != nil && c.Level != pingan.LevelCentre {
			lines = append(lines, sheet.Keyed{Code: c.Code, Name: c.Name, Stats: st})
		}
	}
	header, rows = sheet.Breakdown(v.Lang, v.T("export.col.name"), lines)
	units := book("export.sheet.unit", header, rows)

	lines = nil
	for _, st := range by[pingan.ByCategory] {
		name := st.Key
		if c := catIndex[st.Key]; c != nil {
			name = c.Name
		}
		lines = append(lines, sheet.Keyed{Code: st.Key, Name: name, Stats: st})
	}
	header, rows = sheet.Breakdown(v.Lang, v.T("export.col.name"), lines)
	categories := book("export.sheet.category", header, rows)

	lines = nil
	for _, st := range by[pingan.BySource] {
		lines = append(lines, sheet.Keyed{Code: st.Key, Name: v.Source(pingan.Source(st.Key)), Stats: st})
	}
	header, rows = sheet.Breakdown(v.Lang, v.T("export.col.name"), lines)
	sources := book("export.sheet.source", header, rows)

	lines = nil
	for i, st := range series {
		lines = append(lines, sheet.Keyed{Name: bounds[i].Format("2006-01"), Stats: st})
	}
	header, rows = sheet.Breakdown(v.Lang, v.T("export.col.month"), lines)
	trend := book("export.sheet.trend", header, rows)

	s.writeBook(w, r, v.T("export.file.stats"), figures, units, categories, sources, trend)
}

// writeBook answers the sheets as an XLSX download named name and the
// day: 案件列表-2026-11-27.xlsx.
func (s *Server) writeBook(w http.ResponseWriter, r *http.Request, name string, first sheet.Sheet, more ...sheet.Sheet) {
	var buf bytes.Buffer
	if err := sheet.Write(&buf, first, more...); err != nil {
		s.fail(w, r, err)
		return
	}
	file := name + "-" + s.clock.Now().In(pingan.CST).Format(time.DateOnly) + ".xlsx"
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(file))
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
