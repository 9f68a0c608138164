package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/sheet"
)

// The audit page (审计日志): the audit administrator alone
// (CapReadAudit) filters the audit trail by account, unit, event and time
// range — a range is required and at most pingan.AuditMaxRange long —
// pages through it, and downloads the filtered rows as XLSX or CSV; each
// download is itself a row of the trail. The page shows the state of the
// chain: its head, the last daily anchor and the rows not yet chained.
// Nothing here, nor anywhere in pingan, edits or deletes a row.

// auditPerPage is how many rows the page shows at a time.
const auditPerPage = 50

type auditData struct {
	Rows   []*pingan.AuditRecord
	Total  int
	Page   int
	Pages  int
	Chain  pingan.AuditChainState
	Values map[string]string
	Errors map[string]string
	// Query is the filter as a query string, for the pages and downloads.
	Query string
}

func init() {
	pageNames = append(pageNames, "audit")
}

// AuditReady reports whether the audit page is served to the reader (the nav).
func (v *view) AuditReady() bool {
	return v.s != nil && v.s.auditTrail != nil && v.User.May(pingan.CapReadAudit)
}

// routesAudit registers the page and its downloads when the service is configured.
func (s *Server) routesAudit(h func(pattern string, handler http.HandlerFunc)) {
	if s.auditTrail == nil {
		return
	}
	h("GET /audit", s.signedIn(s.may(pingan.CapReadAudit, s.auditPage)))
	h("GET /audit.xlsx", s.signedIn(s.may(pingan.CapReadAudit, s.auditExport)))
	h("GET /audit.csv", s.signedIn(s.may(pingan.CapReadAudit, s.auditExport)))
}

// auditFilterOf reads the filter of a query: from and to as a day
// (YYYY-MM-DD; to includes its day) or a minute (YYYY-MM-DDTHH:MM), in
// China Standard Time. Without any query it is the last seven days.
func auditFilterOf(q url.Values, now time.Time) (pingan.AuditFilter, map[string]string, error) {
	values := map[string]string{}
	for _, k := range []string{"account", "unit", "action", "from", "to"} {
		values[k] = strings.TrimSpace(q.Get(k))
	}
	if len(q) == 0 {
		today := now.In(pingan.CST)
		values["from"] = today.AddDate(0, 0, -7).Format(time.DateOnly)
		values["to"] = today.Format(time.DateOnly)
	}
	f := pingan.AuditFilter{Account: values["account"], Unit: values["unit"], Action: values["action"]}
	var bad pingan.Invalid
	var err error
	for _, k := range []string{"from", "to"} {
		s := values[k]
		if s == "" {
			continue
		}
		var t time.Time
		if t, err = time.ParseInLocation("2006-01-02T15:04", s, pingan.CST); err != nil {
			if t, err = time.ParseInLocation(time.DateOnly, s, pingan.CST); err == nil && k == "to" {
				t = t.AddDate(0, 0, 1)
			}
		}
		if err != nil {
			bad.Add(k, "audit.time.bad")
			continue
		}
		if k == "from" {
			f.From = t
		} else {
			f.To = t
		}
	}
	if err := bad.Err(); err != nil {
		return f, values, err
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	return f, values, f.Check()
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "audit")
	f, values, err := auditFilterOf(r.URL.Query(), s.clock.Now())
	d := &auditData{Values: values, Page: max(f.Page, 1)}
	status := http.StatusOK
	if err == nil {
		f.PerPage = auditPerPage
		d.Rows, d.Total, err = s.auditTrail.SearchAudit(ctx, u, f)
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		d.Errors, status = pingan.FieldTexts(err, v.Lang), http.StatusBadRequest
	}
	if d.Chain, err = s.auditTrail.AuditChain(ctx, u); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pages = (d.Total + auditPerPage - 1) / auditPerPage
	q := url.Values{}
	for k, x := range values {
		if x != "" {
			q.Set(k, x)
		}
	}
	d.Query = q.Encode()
	v.Title, v.Nav, v.D = v.T("audit.title"), "audit", d
	s.renderStatus(w, r, v, status)
}

// AuditResult names a row's result in the reader's language.
func (v *view) AuditResult(result string) string {
	if pingan.HasMessage("audit.result." + result) {
		return v.T("audit.result." + result)
	}
	return result
}

// AuditEvent names a row's event in the reader's language: a case action
// as 案件操作·派遣 (audit.event.case and the step's name), another event by
// its message audit.event.<action>; one without a message by nothing (the
// page shows the code beside it).
func (v *view) AuditEvent(action string) string {
	if step, ok := strings.CutPrefix(action, pingan.AuditCasePrefix); ok && pingan.HasMessage("action."+step) {
		return v.T("audit.event.case", v.action(pingan.ActionName(step)))
	}
	if pingan.HasMessage("audit.event." + action) {
		return v.T("audit.event." + action)
	}
	return ""
}

// auditEvent is an event the filter's list offers.
type auditEvent struct{ Code, Label string }

// auditEventCodes are the events the audit page's filter lists: those
// with a name (audit.event.*) and every case action, by code.
var auditEventCodes = func() []string {
	var out []string
	keys, _ := pingan.MessageKeys()
	for _, k := range keys {
		if code, ok := strings.CutPrefix(k, "audit.event."); ok && code != "case" {
			out = append(out, code)
		}
	}
	for _, a := range append([]pingan.ActionName{pingan.ActReport, pingan.ActRecount, pingan.ActTermOverdue}, pingan.ActionNames...) {
		out = append(out, pingan.AuditCasePrefix+string(a))
	}
	return out
}()

// AuditEvents answers the events the filter lists, named in the reader's
// language.
func (v *view) AuditEvents() []auditEvent {
	out := make([]auditEvent, len(auditEventCodes))
	for i, c := range auditEventCodes {
		out[i] = auditEvent{Code: c, Label: v.AuditEvent(c)}
	}
	return out
}

// auditExport answers the filtered rows, newest first, as XLSX or (for a
// path ending in .csv) CSV; the store records the download.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "audit")
	f, values, err := auditFilterOf(r.URL.Query(), s.clock.Now())
	if err != nil {
		s.auditPage(w, r) // the page names the fields
		return
	}
	l := &exportLines{v: v}
	l.add("audit.from", values["from"])
	l.add("audit.to", values["to"])
	for _, k := range []string{"account", "unit", "action"} {
		if values[k] != "" {
			l.add("audit."+k, values[k])
		}
	}
	sh := sheet.Sheet{Name: v.T("audit.title"), Title: v.T("audit.title")}
	for _, k := range []string{"seq", "at", "account", "unit", "source", "request_id", "action", "event_code", "result", "case", "detail"} {
		sh.Header = append(sh.Header, v.T("audit."+k))
	}
	format := "xlsx"
	if wantsCSV(r) {
		format = "csv"
	}
	err = s.auditTrail.ExportAudit(ctx, u, f, format, func(a *pingan.AuditRecord) error {
		seq := sheet.Text("")
		if a.Seq > 0 {
			seq = sheet.Int(a.Seq)
		}
		sh.Rows = append(sh.Rows, []sheet.Cell{seq, sheet.Date(a.At.In(pingan.CST)), sheet.Text(a.User), sheet.Text(a.Unit),
			sheet.Text(a.Source), sheet.Text(a.RequestID), sheet.Text(cmp.Or(v.AuditEvent(a.Action), a.Action)), sheet.Text(a.Action),
			sheet.Text(v.AuditResult(a.Result)),
			sheet.Text(a.CaseID), sheet.Text(a.Detail)})
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l.add("export.f.count", fmt.Sprint(len(sh.Rows)))
	l.signed(u, s.clock.Now())
	sh.Filters = l.lines
	s.writeList(w, r, v.T("audit.title"), sh)
}

// isDownload reports whether a route answers a file to download: a list,
// statistics or a form as XLSX, CSV or PDF, or a case's file. The audit
// page's own downloads are recorded by the store with their filter.
func isDownload(pattern string) bool {
	if strings.HasPrefix(pattern, "GET /audit.") || !strings.HasPrefix(pattern, "GET ") {
		return false
	}
	return strings.HasSuffix(pattern, ".xlsx") || strings.HasSuffix(pattern, ".csv") || strings.HasSuffix(pattern, ".pdf") ||
		strings.Contains(pattern, "/files/{")
}

// auditDownload wraps the handler of a download so that each one by a
// signed-in account is a row of the audit trail, with its path, case and
// status (a refused or failed download too). The row is written when the
// answer starts, before the first byte of the file leaves: a client that
// holds the file finds its row, and a row that cannot be written turns the
// download into an error page (500), as the API refuses it, rather than let
// a file go out unrecorded.
func (s *Server) auditDownload(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			h.ServeHTTP(w, r)
			return
		}
		u, err := s.users.Authenticate(r.Context(), c.Value)
		if err != nil {
			h.ServeHTTP(w, r) // not signed in: nothing will be downloaded
			return
		}
		aw := &auditedWriter{ResponseWriter: w, record: func(status int) error {
			return s.auditTrail.RecordDownload(context.WithoutCancel(r.Context()), u, r.PathValue("id"), r.URL.RequestURI(), status)
		}}
		h.ServeHTTP(aw, r)
		if aw.status == 0 { // an answer with neither header nor body
			aw.WriteHeader(http.StatusOK)
		}
		if aw.err != nil {
			s.log.ErrorContext(r.Context(), "web: audit of a download", "request_id", httpx.RequestIDOf(r.Context()), "status", aw.status, "err", aw.err)
			if aw.refused {
				s.fail(w, r, fmt.Errorf("web: audit of a download: %w", aw.err))
			}
		}
	})
}

// auditedWriter writes the audit row of a download (record) with the
// status of its answer, before that status reaches the client. When the row
// of a file cannot be written, nothing of the handler's answer is sent: the
// caller answers an error page instead.
type auditedWriter struct {
	http.ResponseWriter
	record  func(status int) error
	status  int   // the handler's status, 0 until it starts its answer
	err     error // the error of record
	refused bool  // the file is withheld: err and a status below 400
}

func (w *auditedWriter) WriteHeader(status int) {
	if w.status != 0 {
		if !w.refused {
			w.ResponseWriter.WriteHeader(status) // net/http reports the second call
		}
		return
	}
	w.status = status
	if status >= 100 && status < 200 { // informational: not the answer yet
		w.ResponseWriter.WriteHeader(status)
		w.status = 0
		return
	}
	if w.err = w.record(status); w.err != nil && status < 400 {
		w.refused = true
		for _, h := range []string{"Content-Disposition", "Content-Length", "Content-Type", "Content-Encoding", "Etag", "Last-Modified"} {
			w.Header().Del(h)
		}
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *auditedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.refused {
		return 0, errDownloadRefused
	}
	return w.ResponseWriter.Write(p)
}

// FlushError flushes as http.ResponseController does, the answer started
// (and its row written) first: a flush does not let the header out past
// the row.
func (w *auditedWriter) FlushError() error {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.refused {
		return errDownloadRefused
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *auditedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errDownloadRefused is what a handler's writes answer once its file has
// been withheld for want of its audit row.
var errDownloadRefused = errors.New("web: the download is refused: its audit row could not be written")
