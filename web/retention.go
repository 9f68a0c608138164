package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Retention of personal data (个人信息保存期限, retention.go): the security
// administrator's page of the months each kind's personal data is kept
// after closing (/admin/retention, linked from /admin/security), and the
// citizen's request to see or correct their data from the public case
// page (POST /public/cases/{number}/personal), which becomes a task of the
// case's unit.

func init() {
	pageNames = append(pageNames, "admin_retention")
}

// routesRetention registers the pages of this file.
func (s *Server) routesRetention(h func(pattern string, handler http.HandlerFunc)) {
	if _, ok := s.security.(pingan.RetentionService); ok {
		h("GET /admin/retention", s.signedIn(s.may(pingan.CapAdminSecurity, s.adminRetention)))
		h("POST /admin/retention", s.signedIn(s.may(pingan.CapAdminSecurity, s.form(s.saveRetention))))
	}
	if _, ok := s.public.(pingan.PersonalRequester); ok {
		// Each request spends a token of the reports' limit; a wrong code
		// one of the look-ups' (lookup).
		h("POST /public/cases/{number}/personal", s.publicOnly(s.limited(s.limits.Report, "limit.report", s.requestPersonal)))
	}
}

// RetentionReady reports whether the page of the retention is served (the
// link on the security policy's page).
func (v *view) RetentionReady() bool {
	if v.s == nil || !v.User.May(pingan.CapAdminSecurity) {
		return false
	}
	_, ok := v.s.security.(pingan.RetentionService)
	return ok
}

// retentionRow is a kind's line of the form.
type retentionRow struct {
	Kind    pingan.Kind
	Field   string // months.<kind>
	Value   string
	Minimum int
	Error   string
}

// retentionData is the page of the retention.
type retentionData struct {
	Policy *pingan.RetentionPolicy
	Rows   []retentionRow
	Error  string
}

func (s *Server) adminRetention(w http.ResponseWriter, r *http.Request) {
	p, err := s.security.(pingan.RetentionService).RetentionPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	values := map[pingan.Kind]string{}
	for k, m := range p.Months {
		values[k] = strconv.Itoa(m)
	}
	v := s.newView(r, "admin_retention")
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("retention.saved")
	}
	s.renderRetention(w, r, v, &retentionData{Policy: p}, values, nil, http.StatusOK)
}

// renderRetention renders the page with the kinds' values and errors.
func (s *Server) renderRetention(w http.ResponseWriter, r *http.Request, v *view, d *retentionData, values map[pingan.Kind]string, errs map[string]string, status int) {
	for _, k := range pingan.Kinds {
		field := "months." + string(k.Kind)
		d.Rows = append(d.Rows, retentionRow{Kind: k.Kind, Field: field, Value: values[k.Kind], Minimum: pingan.RetentionMinimum(k.Kind), Error: errs[field]})
	}
	v.Title, v.Nav, v.D = v.T("retention.title"), "security", d
	s.renderStatus(w, r, v, status)
}

// saveRetention replaces the months with the form's; a value that is not
// a whole number is named as the store names one out of bounds.
func (s *Server) saveRetention(w http.ResponseWriter, r *http.Request) {
	keeper := s.security.(pingan.RetentionService)
	var v pingan.Invalid
	p := &pingan.RetentionPolicy{Months: map[pingan.Kind]int{}}
	values := map[pingan.Kind]string{}
	for _, k := range pingan.Kinds {
		field := "months." + string(k.Kind)
		values[k.Kind] = strings.TrimSpace(r.PostFormValue(field))
		n, err := strconv.Atoi(values[k.Kind])
		if err != nil {
			v.Add(field, "security.number")
			continue
		}
		p.Months[k.Kind] = n
	}
	// The minimums too, each field named at once; the store judges again.
	judged := &pingan.RetentionPolicy{Months: map[pingan.Kind]int{}}
	for _, k := range pingan.Kinds {
		judged.Months[k.Kind] = pingan.RetentionDefault(k.Kind)
		if n, ok := p.Months[k.Kind]; ok {
			judged.Months[k.Kind] = n
		}
	}
	judged.Validate(&v)
	err := v.Err()
	if err == nil {
		err = keeper.SetRetentionPolicy(withSource(r), userOf(r), p)
	}
	if err == nil {
		http.Redirect(w, r, "/admin/retention?saved=1", http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	current, rerr := keeper.RetentionPolicy(r.Context())
	if rerr != nil {
		s.fail(w, r, rerr)
		return
	}
	view := s.newView(r, "admin_retention")
	s.renderRetention(w, r, view, &retentionData{Policy: current, Error: view.Message(err)}, values, view.fields(err), statusOf(err))
}

// requestPersonal takes a citizen's request to see or correct their
// personal data: a task of the case's unit, answered with its number; a
// purged case answers that the data is already deleted. No personal data
// is shown either way.
func (s *Server) requestPersonal(w http.ResponseWriter, r *http.Request) {
	c, number, code, ok := s.publicForm(w, r)
	if !ok {
		return
	}
	in := &pingan.PersonalRequest{Kind: r.PostFormValue("kind"), Fields: r.PostForm["fields"]}
	id, err := s.public.(pingan.PersonalRequester).RequestPersonal(r.Context(), number, code, in)
	if err == nil {
		http.Redirect(w, r, statusLink(number, code)+"&personal="+strconv.FormatInt(id, 10)+"#personal", http.StatusSeeOther)
		return
	}
	s.publicRefused(w, r, c, code, err, "personal")
}

// personalNotice answers the notice of a request received, from the
// page's personal parameter (the task's number), "" for none.
func personalNotice(v *view, r *http.Request) string {
	id, err := strconv.ParseInt(r.URL.Query().Get("personal"), 10, 64)
	if err != nil || id <= 0 {
		return ""
	}
	return v.T("personal.request.done", id, pingan.PersonalRequestDays)
}

// PersonalFields are the items a citizen may ask to have corrected.
func (v *view) PersonalFields() []string { return pingan.PersonalFields }
