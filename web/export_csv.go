package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// The CSV downloads of the case lists (导出 CSV): beside every XLSX of a
// list, the same cases, columns, masking and cap as a CSV file in UTF-8
// with a byte order mark (so that Excel opens it as UTF-8), the header
// first and the cases under it; a list cut at exportCap says so on its last
// line. The cells are the workbook's, read back as the workbook shows
// them (dates as yyyy-mm-dd hh:mm), so the two files never differ.

// routesExportCSV registers the CSV downloads, each behind the capability
// of its page: the handlers of the workbooks, which answer CSV for a path
// ending in .csv (writeList).
func (s *Server) routesExportCSV(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /inbox.csv", s.signedIn(s.may(pingan.CapReadCases, s.inboxExport)))
	h("GET /search.csv", s.signedIn(s.may(pingan.CapReadCases, s.searchExport)))
	if s.receptions == nil {
		return
	}
	// The leaders' lists of petition matters (reception.go): 积案 and 我的包案.
	h("GET /petitions/backlog.xlsx", s.signedIn(s.may(pingan.CapReceptions, s.backlogExport)))
	h("GET /petitions/backlog.csv", s.signedIn(s.may(pingan.CapReceptions, s.backlogExport)))
	h("GET /petitions/led.xlsx", s.signedIn(s.may(pingan.CapLeadCases, s.ledExport)))
	h("GET /petitions/led.csv", s.signedIn(s.may(pingan.CapLeadCases, s.ledExport)))
}

// backlogExport answers the long-standing matters (积案) of the page's
// filter, oldest first, as the page lists them.
func (s *Server) backlogExport(w http.ResponseWriter, r *http.Request) {
	lead := r.URL.Query().Get("lead")
	b, err := s.receptions.Backlog(r.Context(), userOf(r), pingan.BacklogLead(lead))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "petition_backlog")
	l := &exportLines{v: v}
	switch pingan.BacklogLead(lead) {
	case pingan.BacklogLed:
		l.add("export.f.tab", v.T("rw.backlog.led"))
	case pingan.BacklogUnled:
		l.add("export.f.tab", v.T("rw.backlog.unled"))
	}
	s.writeMatters(w, r, v, "rw.backlog.title", l, b.Items)
}

// ledExport answers the matters the leader leads (我的包案).
func (s *Server) ledExport(w http.ResponseWriter, r *http.Request) {
	items, err := s.receptions.Led(r.Context(), userOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "petitions_led")
	s.writeMatters(w, r, v, "rw.led.title", &exportLines{v: v}, items)
}

// writeMatters answers petition matters as a list's download: the columns
// of the leaders' pages, and no petitioner (a matter names none).
func (s *Server) writeMatters(w http.ResponseWriter, r *http.Request, v *view, title string, l *exportLines, items []*pingan.BacklogItem) {
	u := userOf(r)
	l.add("export.f.unit", s.unitName(r.Context(), u, scopeOf(u)))
	l.add("export.f.count", fmt.Sprint(len(items)))
	l.signed(u, s.clock.Now())
	sh := sheet.Sheet{Name: v.T(title), Title: v.T(title), Filters: l.lines}
	for _, k := range []string{"rw.m.number", "rw.m.title", "rw.m.status", "rw.m.reported", "rw.m.days", "rw.m.repeats",
		"rw.m.stage", "rw.m.deadline", "rw.m.overdue", "rw.m.lead", "rw.m.last"} {
		sh.Header = append(sh.Header, v.T(k))
	}
	for _, it := range items {
		var due, last sheet.Cell
		if it.Deadline != nil {
			due = sheet.Date(it.Deadline.In(pingan.CST))
		}
		overdue := ""
		if it.Overdue {
			overdue = v.T("rw.m.overdue")
		}
		if it.LastAction != "" && it.LastActionAt != nil {
			last = sheet.Text(v.Action(it.LastAction) + " " + it.LastActionAt.In(pingan.CST).Format("2006-01-02 15:04"))
		}
		sh.Rows = append(sh.Rows, []sheet.Cell{sheet.Text(it.Number), sheet.Text(it.Title), sheet.Text(v.Status(it.Status)),
			sheet.Date(it.ReportedAt.In(pingan.CST)), sheet.Int(it.DaysOpen), sheet.Int(it.Repeats), sheet.Text(v.MatterStage(it.Stage)),
			due, sheet.Text(overdue), sheet.Text(it.LeadName), last})
	}
	s.writeList(w, r, v.T(title), sh)
}

// CSVHref is the CSV download of the page shown, beside ExcelHref.
func (v *view) CSVHref() string {
	x := v.ExcelHref()
	path, query, _ := strings.Cut(x, "?")
	p, ok := strings.CutSuffix(path, ".xlsx")
	if !ok {
		return ""
	}
	if query != "" {
		return p + ".csv?" + query
	}
	return p + ".csv"
}

// wantsCSV reports whether the request asks for the CSV of a list.
func wantsCSV(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, ".csv") }

// writeList answers the sheet of a case list as the request asks: a
// workbook, or a CSV file.
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, name string, sh sheet.Sheet) {
	if !wantsCSV(r) {
		s.writeBook(w, r, name, sh)
		return
	}
	b, err := sheetCSV(sh)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	file := name + "-" + s.clock.Now().In(pingan.CST).Format(time.DateOnly) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", sheet.Attachment(file))
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// sheetCSV answers the table of sh — its header, its rows and its notes —
// as CSV in UTF-8 with a byte order mark, each cell as the workbook shows
// it.
func sheetCSV(sh sheet.Sheet) ([]byte, error) {
	var book bytes.Buffer
	only := sh
	only.Title, only.Filters = "", nil // the table alone: the header is the first row
	if err := sheet.Write(&book, only); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(&book)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		return nil, err
	}
	// Start at the header: whatever sheet.Write puts above it is not the
	// table's.
	for i, row := range rows {
		if len(row) > 0 && len(sh.Header) > 0 && row[0] == sh.Header[0] {
			rows = rows[i:]
			break
		}
	}
	var out bytes.Buffer
	out.WriteString("\ufeff")
	cw := csv.NewWriter(&out)
	cw.UseCRLF = true // as Excel writes it
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		for len(row) < len(sh.Header) {
			row = append(row, "")
		}
		for i, c := range row {
			row[i] = inert(c)
		}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return out.Bytes(), cw.Error()
}

// inert keeps a cell that a spreadsheet would read as a formula (=, +, @,
// or - before anything but a number) as text, with a leading apostrophe:
// a case's title is what a citizen wrote.
func inert(c string) string {
	if c == "" {
		return c
	}
	switch c[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + c
	case '-':
		if _, err := strconv.ParseFloat(c, 64); err != nil {
			return "'" + c
		}
	}
	return c
}
