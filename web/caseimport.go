package web

import (
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/importer"
)

// The import of cases (导入事件, docs/import.md): an administrator or a
// centre's dispatcher uploads a 12345 export (XLSX or CSV), reads the
// preview — each row with the case it would become, or why it cannot — and
// confirms. The rows wait for the confirmation sealed in the store (a
// draft only the uploader may confirm, for a day), never in the page: the
// callers' names and phones are shown masked and go back to no browser.

// caseImportField is the form field of the uploaded file.
const caseImportField = "file"

// caseImportShown bounds the links to the cases made on the result.
const caseImportShown = 100

type caseImportData struct {
	Preview *pingan.CaseImportPreview
	Lines   []caseImportLine
	Errors  []rowError // the file's and every bad row's, by row
	Error   string
	Result  *pingan.CaseImportResult
	Shown   []string // the cases made, the first caseImportShown
}

// caseImportLine is a row of the preview as the page shows it.
type caseImportLine struct {
	pingan.CaseImportLine
	Reasons []string // 「诉求类别」未知的诉求类别 …
}

func init() {
	pageNames = append(pageNames, "caseimport")
}

// CaseImportReady reports whether the import of cases is served (the
// administration tabs, the inbox's link).
func (v *view) CaseImportReady() bool {
	return v.s != nil && v.s.imports != nil && v.User.May(pingan.CapImportCases)
}

// routesCaseImport registers the pages when the service is configured.
func (s *Server) routesCaseImport(h func(pattern string, handler http.HandlerFunc)) {
	if s.imports == nil {
		return
	}
	h("GET /admin/import-cases", s.signedIn(s.may(pingan.CapImportCases, s.caseImportPage)))
	h("POST /admin/import-cases", s.signedIn(s.may(pingan.CapImportCases, s.form(s.previewCaseImport))))
	h("POST /admin/import-cases/confirm", s.signedIn(s.may(pingan.CapImportCases, s.form(s.confirmCaseImport))))
}

func (s *Server) caseImportView(r *http.Request, d *caseImportData) *view {
	v := s.newView(r, "caseimport")
	v.Title, v.Nav, v.D = v.T("caseimport.admin.title"), "admin", d
	return v
}

func (s *Server) caseImportPage(w http.ResponseWriter, r *http.Request) {
	s.renderStatus(w, r, s.caseImportView(r, &caseImportData{}), http.StatusOK)
}

// previewCaseImport reads the uploaded file and shows what importing it
// would do; nothing is written but the draft to confirm.
func (s *Server) previewCaseImport(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	d := &caseImportData{}
	v := s.caseImportView(r, d)
	var src io.Reader
	name := ""
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File[caseImportField]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			defer f.Close()
			src, name = f, fhs[0].Filename
		}
	}
	var err error
	var rows []pingan.CaseImportRow
	if src == nil {
		err = invalidField(caseImportField, "field.required")
	} else {
		rows, err = importer.Cases(src, name)
	}
	if err == nil {
		d.Preview, err = s.imports.PreviewCaseImport(ctx, u, name, rows)
	}
	if err != nil {
		s.caseImportRefused(w, r, v, d, err)
		return
	}
	for _, l := range d.Preview.Lines {
		line := caseImportLine{CaseImportLine: l}
		for _, col := range slices.Sorted(maps.Keys(l.Errors)) {
			reason := v.T("caseimport.col."+col) + "：" + l.Errors[col].Text(v.Lang)
			line.Reasons = append(line.Reasons, reason)
			d.Errors = append(d.Errors, rowError{Row: l.Row, Field: v.T("caseimport.row", l.Row, v.T("caseimport.col."+col)), Message: l.Errors[col].Text(v.Lang)})
		}
		d.Lines = append(d.Lines, line)
	}
	status := http.StatusOK
	if d.Preview.Errors > 0 {
		d.Error = v.T("caseimport.preview.bad", d.Preview.Errors)
		status = http.StatusBadRequest
	}
	s.renderStatus(w, r, v, status)
}

// caseImportRefused shows a file refused whole (no header, a missing
// column, a cell that does not read), each reason by its row.
func (s *Server) caseImportRefused(w http.ResponseWriter, r *http.Request, v *view, d *caseImportData, err error) {
	if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	d.Error = v.Message(err)
	for k, m := range v.fields(err) {
		row, field := importer.RowField(v.Lang, k)
		d.Errors = append(d.Errors, rowError{Row: row, Field: field, Message: m})
	}
	sortRowErrors(d.Errors)
	s.renderStatus(w, r, v, statusOf(err))
}

// confirmCaseImport imports the rows a preview kept and shows the result.
func (s *Server) confirmCaseImport(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	d := &caseImportData{}
	v := s.caseImportView(r, d)
	draft := strings.TrimSpace(r.PostForm.Get("draft"))
	res, err := s.imports.ImportCaseDraft(ctx, u, draft, nil)
	if err != nil {
		s.caseImportRefused(w, r, v, d, err)
		return
	}
	d.Result, d.Shown = res, res.Cases[:min(len(res.Cases), caseImportShown)]
	v.Notice = v.T("caseimport.done", res.Created, res.Already)
	s.renderStatus(w, r, v, http.StatusOK)
}
