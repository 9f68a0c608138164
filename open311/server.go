// Package open311 serves the Open311 GeoReport v2 interface under
// /open311/v2 (docs/open311.md): discovery, services and their definitions,
// requests (GET and POST), one request, tokens and the servicerequestupdates
// extension FixMyStreet follows, each as XML (the default, as the spec
// says) or JSON by the path's extension. Reports go through the store's one
// intake as cases with source open311; reads answer the public status only.
package open311

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
)

// Prefix is where the interface is mounted.
const Prefix = "/open311/v2/"

// MaxBody bounds a POST's body: 1 MiB.
const MaxBody = 1 << 20

// Config is what the server needs.
type Config struct {
	Open311 pingan.Open311Service
	Keys    pingan.APIKeyService
	Clock   pingan.Clock
	Log     *slog.Logger
	// Changeset is when the interface last changed, for discovery; the
	// start of the server when zero.
	Changeset time.Time
	// Limits are the rate limits per address and per api_key (limits.go);
	// the defaults when nil. Proxies are the reverse proxies trusted for
	// X-Forwarded-For.
	Limits  *limit.Limits
	Proxies httpx.Proxies
}

// Server serves Open311 GeoReport v2.
type Server struct {
	c Config
}

// New answers a server of c.
func New(c Config) *Server {
	if c.Clock == nil {
		c.Clock = pingan.SystemClock
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Changeset.IsZero() {
		c.Changeset = c.Clock.Now()
	}
	if c.Limits == nil {
		c.Limits = limit.Defaults()
	}
	return &Server{c: c}
}

// Handler answers every request under Prefix, with the middleware the
// other servers run.
func (s *Server) Handler() http.Handler {
	return httpx.Handler(http.HandlerFunc(s.serve), httpx.Config{Log: s.c.Log,
		Header: http.Header{"Cache-Control": {"no-store"}, "Access-Control-Allow-Origin": {"*"},
			"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"}}})
}

// statusError is an error with its own HTTP status (413, 405).
type statusError struct {
	status int
	err    *pingan.Error
}

func (e *statusError) Error() string { return e.err.Error() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.Path, Prefix)
	format := "xml"
	if i := strings.LastIndexByte(rest, '.'); i >= 0 && !strings.Contains(rest[i:], "/") {
		format, rest = rest[i+1:], rest[:i]
	}
	if format != "xml" && format != "json" {
		s.fail(w, r, "xml", pingan.E(pingan.ENOTFOUND, "open311.path.unknown"))
		return
	}
	if !s.allow(w, r, format, s.c.Limits.Open311Addr, s.c.Proxies.Client(r)) { // per address (limits.go)
		return
	}
	parts := strings.Split(rest, "/")
	allow := "GET, HEAD"
	if len(parts) == 1 && parts[0] == "requests" {
		allow = "GET, HEAD, POST"
	}
	get := func(h func(w http.ResponseWriter, r *http.Request, format string, parts []string)) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", allow)
			s.fail(w, r, format, &statusError{http.StatusMethodNotAllowed, pingan.E(pingan.EINVALID, "open311.method", r.Method)})
			return
		}
		if err := pingan.BadValues(r.URL.Query()); err != nil {
			s.fail(w, r, format, err)
			return
		}
		if !s.keyAllowed(w, r, format, r.URL.Query().Get("api_key")) { // per key (limits.go)
			return
		}
		h(w, r, format, parts)
	}
	switch {
	case len(parts) == 1 && parts[0] == "discovery":
		get(s.discovery)
	case len(parts) == 1 && parts[0] == "services":
		get(s.services)
	case len(parts) == 2 && parts[0] == "services" && parts[1] != "":
		get(s.definition)
	case len(parts) == 1 && parts[0] == "requests" && r.Method == http.MethodPost:
		s.post(w, r, format)
	case len(parts) == 1 && parts[0] == "requests":
		get(s.requests)
	case len(parts) == 2 && parts[0] == "requests" && parts[1] != "":
		get(s.request)
	case len(parts) == 2 && parts[0] == "tokens" && parts[1] != "":
		get(s.token)
	case len(parts) == 1 && parts[0] == "servicerequestupdates":
		get(s.updates)
	default:
		s.fail(w, r, format, pingan.E(pingan.ENOTFOUND, "open311.path.unknown"))
	}
}

// fail answers err in the spec's error shape: one error per wrong field
// (or one for the whole), code the HTTP status. A key that is refused or
// missing is 403, as the spec says.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, format string, err error) {
	lang := httpx.AcceptLang(r)
	status := httpx.StatusOf(err)
	var pe *pingan.Error
	var se *statusError
	switch {
	case errors.As(err, &se):
		status, pe = se.status, se.err
	case errors.As(err, &pe):
	}
	if pingan.ErrorCode(err) == pingan.EUNAUTHORIZED {
		status = http.StatusForbidden
	}
	var list []apiError
	if pe == nil || status == http.StatusInternalServerError {
		s.c.Log.ErrorContext(r.Context(), "open311", "err", err, "path", r.URL.Path)
		status = http.StatusInternalServerError
		list = []apiError{{Code: status, Description: pingan.Text(lang, "error.internal")}}
	} else if len(pe.Fields) > 0 {
		names := make([]string, 0, len(pe.Fields))
		for f := range pe.Fields {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			text := pe.Fields[f].Text(lang)
			if f != "" {
				text = pingan.Text(lang, "open311.field", f, text)
			}
			list = append(list, apiError{Code: status, Description: text})
		}
	} else {
		list = []apiError{{Code: status, Description: pe.Text(lang)}}
	}
	write(w, format, status, xmlErrors{Errors: list}, list)
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request, format string, _ []string) {
	lang := httpx.AcceptLang(r)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	d := discovery{Changeset: datetime(s.c.Changeset), Contact: pingan.Text(lang, "open311.contact"),
		KeyService: pingan.Text(lang, "open311.key_service"),
		Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: scheme + "://" + r.Host + strings.TrimSuffix(Prefix, "/"),
			Changeset: datetime(s.c.Changeset), Type: "production", Formats: []string{"text/xml", "application/json"}}}}
	write(w, format, http.StatusOK, d, d)
}

func (s *Server) services(w http.ResponseWriter, r *http.Request, format string, _ []string) {
	types, err := s.c.Open311.Services(r.Context())
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	lang := httpx.AcceptLang(r)
	list := make([]service, 0, len(types))
	for _, t := range types {
		list = append(list, service{ServiceCode: t.Code, ServiceName: t.Name, Description: t.Description, Metadata: t.Metadata,
			Type: "realtime", Keywords: "", Group: pingan.Text(lang, "kind."+string(t.Kind))})
	}
	write(w, format, http.StatusOK, xmlServices{Services: list}, list)
}

func (s *Server) definition(w http.ResponseWriter, r *http.Request, format string, parts []string) {
	types, err := s.c.Open311.Services(r.Context())
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	lang := httpx.AcceptLang(r)
	for _, t := range types {
		if t.Code != parts[1] {
			continue
		}
		d := definition{ServiceCode: t.Code, Attributes: []attribute{}}
		for _, a := range pingan.Open311Attributes(t.Kind) {
			at := attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required, Order: a.Order,
				Description: pingan.Text(lang, a.Description), Values: []value{}}
			for _, v := range a.Values {
				at.Values = append(at.Values, value{Key: v.Key, Name: pingan.Text(lang, v.Name)})
			}
			d.Attributes = append(d.Attributes, at)
		}
		write(w, format, http.StatusOK, d, d)
		return
	}
	s.fail(w, r, format, pingan.E(pingan.ENOTFOUND, "open311.service.notfound", pingan.ShowText(parts[1], 40)))
}

// key answers the pseudo-user of the request's api_key, nil when none is
// given; a key given and refused is an error (403). use, when given, is
// written to the audit log.
func (s *Server) key(r *http.Request, use string) (*pingan.User, error) {
	k := strings.TrimSpace(r.Form.Get("api_key"))
	if k == "" {
		return nil, nil
	}
	u, err := s.c.Keys.Authenticate(r.Context(), k, use)
	if pingan.ErrorCode(err) == pingan.EUNAUTHORIZED {
		return nil, pingan.E(pingan.EFORBIDDEN, "open311.key.bad")
	}
	return u, err
}

func (s *Server) post(w http.ResponseWriter, r *http.Request, format string) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(MaxBody) // FixMyStreet's form with photos: the files are not kept
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) || err != nil && strings.Contains(err.Error(), "too large"):
		s.fail(w, r, format, &statusError{http.StatusRequestEntityTooLarge, pingan.E(pingan.EINVALID, "open311.body.large", MaxBody)})
		return
	case err != nil:
		s.fail(w, r, format, pingan.E(pingan.EINVALID, "open311.form.bad"))
		return
	}
	if err := pingan.BadValues(r.Form); err != nil {
		s.fail(w, r, format, err)
		return
	}
	if !s.keyAllowed(w, r, format, r.Form.Get("api_key")) { // per key (limits.go)
		return
	}
	if strings.TrimSpace(r.Form.Get("api_key")) == "" {
		s.fail(w, r, format, pingan.E(pingan.EFORBIDDEN, "open311.key.required"))
		return
	}
	key, err := s.key(r, "") // a check: the store writes the key's use with the report
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	in, err := reportOf(r.Form)
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	rc, err := s.c.Open311.Submit(r.Context(), key, in)
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	p := posted{ServiceRequestID: rc.ServiceRequestID, Token: rc.Token,
		ServiceNotice: pingan.Text(httpx.AcceptLang(r), "open311.notice", rc.ServiceRequestID)}
	list := []posted{p}
	write(w, format, http.StatusCreated, xmlPosted{Requests: list}, list)
}

// reportOf reads a POST's form: lat and long (both, as numbers), the
// texts, device_id or FixMyStreet's deviceid, and attribute[code].
func reportOf(f url.Values) (*pingan.Open311Report, error) {
	in := &pingan.Open311Report{ServiceCode: f.Get("service_code"), AddressString: f.Get("address_string"),
		AddressID: f.Get("address_id"), Description: f.Get("description"), Email: f.Get("email"),
		FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Phone: f.Get("phone"),
		MediaURL: f.Get("media_url"), DeviceID: f.Get("device_id"), Attributes: map[string]string{}}
	if in.DeviceID == "" && f.Get("deviceid") != "" {
		in.DeviceID, in.DeviceField = f.Get("deviceid"), "deviceid"
	}
	lat, lng := strings.TrimSpace(f.Get("lat")), strings.TrimSpace(f.Get("long"))
	if lat != "" || lng != "" {
		y, err1 := strconv.ParseFloat(lat, 64)
		x, err2 := strconv.ParseFloat(lng, 64)
		var v pingan.Invalid
		if err1 != nil {
			v.Add("lat", "open311.position.bad")
		}
		if err2 != nil {
			v.Add("long", "open311.position.bad")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		in.Location = &pingan.Location{Lat: y, Lng: x}
	}
	for k, vs := range f {
		if code, ok := strings.CutPrefix(k, "attribute["); ok && strings.HasSuffix(code, "]") && len(vs) > 0 {
			in.Attributes[strings.TrimSuffix(code, "]")] = vs[0]
		}
	}
	return in, nil
}

// parseTime reads a W3C datetime with its zone, with or without seconds,
// or a day in China Standard Time; it answers the moment and the end of
// what it names, exclusive: a datetime's next second, a day's next day.
func parseTime(s string) (at, end time.Time, ok bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, t.Truncate(time.Second).Add(time.Second), true
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, pingan.CST); err == nil {
		return t, t.AddDate(0, 0, 1), true
	}
	return time.Time{}, time.Time{}, false
}

// window reads start_date and end_date, the same for requests and
// updates: start_date from its moment, end_date inclusive (a datetime to
// its second, a day the whole day), so until is exclusive; either is zero
// when not given. A start after the end is EINVALID naming start_date.
func window(f url.Values) (start, until time.Time, err error) {
	var v pingan.Invalid
	if t := strings.TrimSpace(f.Get("start_date")); t != "" {
		var ok bool
		if start, _, ok = parseTime(t); !ok {
			v.Add("start_date", "open311.date.bad")
		}
	}
	if t := strings.TrimSpace(f.Get("end_date")); t != "" {
		var ok bool
		if _, until, ok = parseTime(t); !ok {
			v.Add("end_date", "open311.date.bad")
		}
	}
	if !start.IsZero() && !until.IsZero() && !start.Before(until) {
		v.Add("start_date", "open311.date.order")
	}
	return start, until, v.Err()
}

// readKey parses the query and answers its key: a read needs a live one
// (403 naming api_key otherwise), and its use is written to the audit log.
func (s *Server) readKey(r *http.Request, use string) (*pingan.User, error) {
	if err := r.ParseForm(); err != nil {
		return nil, pingan.E(pingan.EINVALID, "open311.form.bad")
	}
	if strings.TrimSpace(r.Form.Get("api_key")) == "" {
		return nil, pingan.E(pingan.EFORBIDDEN, "open311.key.read")
	}
	return s.key(r, use)
}

func (s *Server) requests(w http.ResponseWriter, r *http.Request, format string, _ []string) {
	key, err := s.readKey(r, "open311 GET requests")
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	// service_request_id, service_code and status are comma lists; the
	// ids override every other argument.
	q := pingan.Open311Query{IDs: commaList(r.Form.Get("service_request_id")),
		ServiceCodes: commaList(r.Form.Get("service_code")), Statuses: commaList(r.Form.Get("status"))}
	if len(q.IDs) > 0 {
		q.ServiceCodes, q.Statuses = nil, nil
	}
	if len(q.IDs) == 0 {
		if q.Start, q.End, err = window(r.Form); err != nil {
			s.fail(w, r, format, err)
			return
		}
	}
	cases, err := s.c.Open311.Requests(r.Context(), key, q)
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	s.answerRequests(w, r, format, cases)
}

// commaList answers the non-empty items of a comma-delimited parameter.
func commaList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (s *Server) request(w http.ResponseWriter, r *http.Request, format string, parts []string) {
	key, err := s.readKey(r, "open311 GET requests/"+pingan.ShowText(parts[1], 40))
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	c, err := s.c.Open311.Request(r.Context(), key, parts[1])
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	s.answerRequests(w, r, format, []*pingan.Open311Case{c})
}

func (s *Server) answerRequests(w http.ResponseWriter, r *http.Request, format string, cases []*pingan.Open311Case) {
	lang := httpx.AcceptLang(r)
	list := make([]request, 0, len(cases))
	for _, c := range cases {
		q := request{ServiceRequestID: c.ID, Status: c.Status, StatusNotes: c.StatusNotes, ServiceName: c.ServiceName,
			ServiceCode: c.ServiceCode, Description: c.Description, AgencyResponsible: c.AgencyResponsible,
			ServiceNotice: c.ServiceNotice, RequestedDatetime: datetime(c.Requested), UpdatedDatetime: datetime(c.Updated),
			Address: c.Address, MediaURL: c.MediaURL}
		if c.MergedInto != "" {
			note := pingan.Text(lang, "open311.merged", c.MergedInto)
			if c.StatusNotes != "" {
				note += "；" + c.StatusNotes
			}
			q.StatusNotes = note
		}
		if c.Expected != nil {
			q.ExpectedDatetime = datetime(*c.Expected)
		}
		if c.Location != nil {
			lat, lng := c.Location.Lat, c.Location.Lng
			q.Lat, q.Long = &lat, &lng
		}
		list = append(list, q)
	}
	write(w, format, http.StatusOK, xmlRequests{Requests: list}, list)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request, format string, parts []string) {
	id, err := s.c.Open311.Token(r.Context(), parts[1])
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	list := []tokenAnswer{{ServiceRequestID: id, Token: parts[1]}}
	write(w, format, http.StatusOK, xmlTokens{Requests: list}, list)
}

// updates answers servicerequestupdates: the public steps taken between
// start_date (default: a day before end_date) and end_date (default now).
func (s *Server) updates(w http.ResponseWriter, r *http.Request, format string, _ []string) {
	key, err := s.readKey(r, "open311 GET servicerequestupdates")
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	start, end, err := window(r.Form)
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	if end.IsZero() {
		end = s.c.Clock.Now().Add(time.Second)
	}
	if start.IsZero() {
		start = end.Add(-24 * time.Hour)
	}
	ups, err := s.c.Open311.Updates(r.Context(), key, start, end)
	if err != nil {
		s.fail(w, r, format, err)
		return
	}
	lang := httpx.AcceptLang(r)
	list := make([]update, 0, len(ups))
	for _, u := range ups {
		d := u.Description
		if d == "" {
			d = pingan.Text(lang, "open311.step", pingan.Text(lang, "action."+string(u.Action)), pingan.Text(lang, "status."+string(u.ExternalStatus)))
		}
		list = append(list, update{UpdateID: u.UpdateID, ServiceRequestID: u.ServiceRequestID, Status: u.Status,
			UpdatedDatetime: datetime(u.Updated), Description: d, ExternalStatusCode: string(u.ExternalStatus)})
	}
	write(w, format, http.StatusOK, xmlUpdates{Updates: list}, list)
}
