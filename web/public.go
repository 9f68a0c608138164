package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The citizen pages (群众): report a problem without an account, follow it
// by case number and query code (查询码), rate it once closed. They show no
// personal data and no staff names; failed look-ups are counted per client
// so that codes cannot be found by trying.

type publicReportData struct {
	Categories []*pingan.Category
	Kinds      []pingan.Kind
	Units      []*pingan.Unit
	Values     map[string]string
	Errors     map[string]string
	Error      string
}

type publicCaseData struct {
	C            *pingan.PublicCase
	Code         string
	CategoryName string
	Due          *Deadline
	Errors       map[string]string
	Error        string
	Rated        bool
}

type trackData struct {
	Number, Code, Error string
}

func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) publicReportPage(w http.ResponseWriter, r *http.Request) {
	s.renderPublicReport(w, r, &publicReportData{Values: map[string]string{}}, http.StatusOK)
}

func (s *Server) renderPublicReport(w http.ResponseWriter, r *http.Request, d *publicReportData, status int) {
	ctx := r.Context()
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.public.PublicUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories, d.Units = cats, units
	for _, k := range pingan.Kinds {
		d.Kinds = append(d.Kinds, k.Kind)
	}
	v := s.newView(r, "public_report")
	v.Title, v.Nav, v.D = v.T("pub.report.title"), "public", d
	s.renderStatus(w, r, v, status)
}

func (s *Server) publicReport(w http.ResponseWriter, r *http.Request) {
	// The rate of reports per address is limited where the route is registered (limits.go).
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	in := parseReport(r)
	in.Parties = nil // the citizens' form names no parties; FileCase sets the rest
	var err error
	in.Photos, err = readPhotos(r, photoField)
	if r.PostFormValue("share_position") == "" { // unless the reporter agreed, no position leaves the photos (照片位置)
		for i := range in.Photos {
			in.Photos[i].Data = pingan.StripPosition(in.Photos[i].Data)
		}
	}
	var receipt *pingan.PublicReceipt
	if err == nil {
		receipt, err = s.public.FileCase(ctx, in)
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		v := s.newView(r, "public_report")
		d := &publicReportData{Values: formValues(r, reportFields), Errors: v.fields(err)}
		d.Values["share_position"] = r.PostFormValue("share_position") // the box stays as the reporter left it
		if len(d.Errors) == 0 {
			d.Error = v.Message(err)
		}
		s.renderPublicReport(w, r, d, http.StatusBadRequest)
		return
	}
	v := s.newView(r, "public_receipt")
	v.Title, v.Nav = v.T("pub.receipt.title"), "public"
	v.D = struct {
		R    *pingan.PublicReceipt
		Link string
	}{receipt, statusLink(receipt.Number, receipt.QueryCode)}
	s.render(w, r, v)
}

func statusLink(number, code string) string {
	return "/public/cases/" + url.PathEscape(number) + "?code=" + url.QueryEscape(code)
}

func (s *Server) publicTrack(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	number, code := strings.TrimSpace(q.Get("number")), strings.TrimSpace(q.Get("code"))
	if number != "" && code != "" {
		http.Redirect(w, r, statusLink(number, code), http.StatusSeeOther)
		return
	}
	v := s.newView(r, "public_track")
	v.Title, v.Nav, v.D = v.T("pub.track.title"), "public", &trackData{Number: number}
	s.render(w, r, v)
}

// lookup reads the public status, counting failures against the client.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, number, code string) (*pingan.PublicCase, bool) {
	if s.overLimit(w, r, s.limits.Query, "limit.query") { // a failed look-up spends a token (limits.go)
		return nil, false
	}
	c, err := s.public.PublicCase(r.Context(), number, code)
	if err != nil {
		if !isNotFound(err) {
			s.fail(w, r, err)
			return nil, false
		}
		s.failed(r, s.limits.Query)
		v := s.newView(r, "public_track")
		v.Title, v.Nav = v.T("pub.track.title"), "public"
		v.D = &trackData{Number: number, Error: v.T("pub.track.wrong")}
		s.renderStatus(w, r, v, http.StatusNotFound)
		return nil, false
	}
	return c, true
}

func (s *Server) publicCase(w http.ResponseWriter, r *http.Request) {
	number, code := r.PathValue("number"), r.URL.Query().Get("code")
	c, ok := s.lookup(w, r, number, code)
	if !ok {
		return
	}
	s.renderPublicCase(w, r, &publicCaseData{C: c, Code: code, Rated: r.URL.Query().Get("rated") != ""}, http.StatusOK)
}

func (s *Server) renderPublicCase(w http.ResponseWriter, r *http.Request, d *publicCaseData, status int) {
	v := s.newView(r, "public_case")
	v.Title, v.Nav = v.T("pub.case.title", d.C.Number), "public"
	cats, err := s.categories.Categories(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cat := indexCategories(cats)[d.C.Category]
	if cat != nil {
		d.CategoryName = cat.Name
	}
	if d.C.Status.Open() && d.C.Status != pingan.StatusResolved {
		unit := ""
		if cat != nil {
			unit = cat.Policy.Resolve.Unit
		}
		d.Due = s.deadline(s.clock.Now(), d.C.ResolveBy, unit, v.Lang)
	}
	if d.Rated {
		v.Notice = v.T("pub.rated")
	}
	if n := personalNotice(v, r); n != "" && d.Errors == nil {
		v.Notice = n // a citizen's request received (retention.go)
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

func (s *Server) publicRate(w http.ResponseWriter, r *http.Request) {
	c, number, code, ok := s.publicForm(w, r)
	if !ok {
		return
	}
	_, err := s.public.RateCase(r.Context(), number, code, pingan.Satisfaction(r.PostFormValue("satisfaction")), r.PostFormValue("note"))
	if err == nil {
		http.Redirect(w, r, statusLink(number, code)+"&rated=1", http.StatusSeeOther)
		return
	}
	s.publicRefused(w, r, c, code, err, "")
}

// publicForm reads a form posted on the public case page and looks the
// case up by its number and the form's code (counted as a look-up); ok is
// false when it answered already.
func (s *Server) publicForm(w http.ResponseWriter, r *http.Request) (c *pingan.PublicCase, number, code string, ok bool) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return nil, "", "", false
	}
	number, code = r.PathValue("number"), r.PostFormValue("code")
	c, ok = s.lookup(w, r, number, code)
	return c, number, code, ok
}

// publicRefused shows the public case page again with the refusal of a
// form posted on it: each field named, or a refusal without fields as the
// page's error (whole "") or under the field whole.
func (s *Server) publicRefused(w http.ResponseWriter, r *http.Request, c *pingan.PublicCase, code string, err error, whole string) {
	switch pingan.ErrorCode(err) {
	case pingan.EINVALID, pingan.ECONFLICT:
		v := s.newView(r, "public_case")
		d := &publicCaseData{C: c, Code: code, Errors: v.fields(err)}
		switch {
		case len(d.Errors) > 0:
		case whole == "":
			d.Error = v.Message(err)
		default:
			d.Errors = map[string]string{whole: v.Message(err)}
		}
		s.renderPublicCase(w, r, d, statusOf(err))
	default:
		s.fail(w, r, err)
	}
}
