package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/open311"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The Open311 interface through a real HTTP client against a real server
// over a real SQLite store seeded with the storetest fixture and its grids.

type env struct {
	t     *testing.T
	db    *store.DB
	fx    *storetest.Fixture
	clock *storetest.Clock
	srv   *httptest.Server
	key   string // a reporter key of 肃州区
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{DSN: t.TempDir() + "/pingan.db", Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	_, key, err := db.APIKeys.Add(t.Context(), nil, "市民App", fx.County.Code, []pingan.Role{pingan.RoleReporter})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(open311.Prefix, open311.New(open311.Config{Open311: db.Open311, Keys: db.APIKeys, Clock: clock,
		Log: slog.New(slog.DiscardHandler)}).Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, fx: fx, clock: clock, srv: srv, key: key}
}

type answer struct {
	status int
	ctype  string
	body   []byte
	header http.Header
}

// do sends a request through the server with the headers (name, value …).
func (e *env) do(method, path string, form url.Values, hdr ...string) answer {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header.Get("Content-Type"), b, res.Header}
}

// report is a good POST's form.
func (e *env) report(mod ...func(url.Values)) url.Values {
	f := url.Values{"api_key": {e.key}, "service_code": {"0102"}, "lat": {"39.755"}, "long": {"98.505"},
		"description": {"楼上漏水，协商未果"}, "first_name": {"张"}, "last_name": {"三"}, "phone": {"13800001234"},
		"email": {"zs@example.cn"}, "deviceid": {"fms-device-1"}, "media_url": {"https://example.cn/p/1.jpg"},
		"attribute[people]": {"4"}, "attribute[amount]": {"300"}, "jurisdiction_id": {"jiuquan"}}
	for _, m := range mod {
		m(f)
	}
	return f
}

// node is an XML element with its children in order.
type node struct {
	name     string
	text     string
	children []*node
}

func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	if !strings.HasPrefix(string(b), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration with UTF-8: %.60s", b)
	}
	d := xml.NewDecoder(strings.NewReader(string(b)))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("XML: %v\n%s", err, b)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			n := &node{name: x.Name.Local}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += strings.TrimSpace(string(x))
		}
	}
	if len(root.children) != 1 {
		t.Fatalf("XML has %d roots", len(root.children))
	}
	return root.children[0]
}

func (n *node) names() []string {
	var out []string
	for _, c := range n.children {
		out = append(out, c.name)
	}
	return out
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// The element names and their order, by the GeoReport v2 specification
// (its published examples): what an answer holds must appear in this order,
// and the required ones must appear.
var specElements = map[string]struct{ order, required []string }{
	"discovery": {[]string{"changeset", "contact", "key_service", "endpoints"}, []string{"changeset", "contact", "key_service", "endpoints"}},
	"endpoint":  {[]string{"specification", "url", "changeset", "type", "formats"}, []string{"specification", "url", "changeset", "type", "formats"}},
	"service": {[]string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"},
		[]string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}},
	"service_definition": {[]string{"service_code", "attributes"}, []string{"service_code", "attributes"}},
	"attribute": {[]string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"},
		[]string{"variable", "code", "datatype", "required", "datatype_description", "order", "description"}},
	"value": {[]string{"key", "name"}, []string{"key", "name"}},
	"request": {[]string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
		"address_id", "zipcode", "lat", "long", "media_url"},
		[]string{"service_request_id", "status", "service_code", "requested_datetime", "updated_datetime"}},
	// POST requests answers the id and a token (either suffices by the spec).
	"posted":         {[]string{"service_request_id", "token", "service_notice", "account_id"}, []string{"service_request_id", "service_notice"}},
	"token":          {[]string{"service_request_id", "token"}, []string{"service_request_id", "token"}},
	"error":          {[]string{"code", "description"}, []string{"code", "description"}},
	"request_update": {[]string{"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url", "external_status_code"}, []string{"update_id", "service_request_id", "status", "updated_datetime", "description"}},
}

// wantElements fails unless the children of n follow the spec's list of
// kind in order and hold its required elements.
func wantElements(t *testing.T, kind string, n *node) {
	t.Helper()
	spec := specElements[kind]
	got := n.names()
	at := 0
	for _, name := range got {
		i := slices.Index(spec.order[at:], name)
		if i < 0 {
			t.Errorf("<%s> (%s): element %q is not in the spec's order %v (got %v)", n.name, kind, name, spec.order, got)
			return
		}
		at += i + 1
	}
	for _, r := range spec.required {
		if !slices.Contains(got, r) {
			t.Errorf("<%s> (%s): no element %q (got %v)", n.name, kind, r, got)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	e := newEnv(t)
	// POST in XML: the id at once and a token; deviceid taken.
	a := e.do("POST", "/open311/v2/requests.xml", e.report())
	if a.status != http.StatusCreated || !strings.HasPrefix(a.ctype, "text/xml") {
		t.Fatalf("POST requests.xml: %d %s %s", a.status, a.ctype, a.body)
	}
	root := parseXML(t, a.body)
	if root.name != "service_requests" || len(root.children) != 1 || root.children[0].name != "request" {
		t.Fatalf("POST answer: %s", a.body)
	}
	wantElements(t, "posted", root.children[0])
	id, token := root.children[0].child("service_request_id").text, root.children[0].child("token").text
	if id == "" || token == "" {
		t.Fatalf("POST answer: %s", a.body)
	}
	c, err := e.db.Cases.FindCase(t.Context(), e.fx.TownshipDispatcher, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != pingan.SourceOpen311 || c.Grid != "620902001001-01" || c.Mediation == nil || c.Mediation.People != 4 ||
		c.Mediation.AmountFen != 30000 || c.Reporter == nil || c.Reporter.Name != "张三" {
		t.Errorf("the case: source %s grid %s mediation %+v reporter %+v", c.Source, c.Grid, c.Mediation, c.Reporter)
	}

	// tokens/{token} answers the id, in both formats.
	a = e.do("GET", "/open311/v2/tokens/"+token+".xml", nil)
	tr := parseXML(t, a.body)
	wantElements(t, "token", tr.children[0])
	if tr.children[0].child("service_request_id").text != id {
		t.Errorf("tokens.xml: %s", a.body)
	}
	var toks []map[string]string
	a = e.do("GET", "/open311/v2/tokens/"+token+".json", nil)
	if err := json.Unmarshal(a.body, &toks); err != nil || len(toks) != 1 || toks[0]["service_request_id"] != id {
		t.Errorf("tokens.json: %s %v", a.body, err)
	}

	// POST in JSON: a hazard by its address, its level an attribute.
	a = e.do("POST", "/open311/v2/requests.json", e.report(func(f url.Values) {
		f.Del("lat")
		f.Del("long")
		f.Set("service_code", "AQ01")
		f.Set("address_string", "东北街街道南苑社区5号楼")
		f.Set("attribute[level]", "major")
		f.Del("deviceid")
		f.Set("device_id", "dev-2")
	}))
	var posted []map[string]string
	if err := json.Unmarshal(a.body, &posted); err != nil || a.status != http.StatusCreated || len(posted) != 1 || posted[0]["service_request_id"] == "" {
		t.Fatalf("POST requests.json: %d %s %v", a.status, a.body, err)
	}
	id2 := posted[0]["service_request_id"]
	h, err := e.db.Cases.FindCase(t.Context(), e.fx.Admin, id2)
	if err != nil || h.Unit != e.fx.Village2.Code || h.Hazard == nil || h.Hazard.Level != pingan.HazardMajor {
		t.Errorf("the hazard: %+v %v", h, err)
	}

	// GET requests/{id} and GET requests in both formats: the public
	// status, datetimes with +08:00, nothing personal.
	a = e.do("GET", "/open311/v2/requests/"+id+".xml?api_key="+e.key, nil)
	rr := parseXML(t, a.body)
	if rr.name != "service_requests" || len(rr.children) != 1 {
		t.Fatalf("requests/{id}.xml: %s", a.body)
	}
	r := rr.children[0]
	wantElements(t, "request", r)
	if r.child("status").text != "open" || r.child("description").text != "楼上漏水，协商未果" ||
		!strings.HasSuffix(r.child("requested_datetime").text, "+08:00") || r.child("media_url").text != "https://example.cn/p/1.jpg" ||
		r.child("lat").text != "39.755" || r.child("long").text != "98.505" {
		t.Errorf("requests/{id}.xml: %s", a.body)
	}
	for _, secret := range []string{"张", "13800001234", "zs@example.cn", "fms-device-1"} {
		if strings.Contains(string(a.body), secret) {
			t.Errorf("requests/{id}.xml shows %q", secret)
		}
	}
	var list []map[string]any
	a = e.do("GET", "/open311/v2/requests.json?api_key="+e.key+"&service_request_id="+id+","+id2, nil)
	if err := json.Unmarshal(a.body, &list); err != nil || len(list) != 2 || list[0]["service_request_id"] != id2 {
		t.Fatalf("requests.json: %s %v", a.body, err)
	}
	if list[1]["lat"] != 39.755 || list[0]["lat"] != nil || list[1]["status"] != "open" {
		t.Errorf("requests.json: %s", a.body)
	}
	a = e.do("GET", "/open311/v2/requests.xml?api_key="+e.key+"&service_code=AQ01&status=open", nil)
	if rr := parseXML(t, a.body); len(rr.children) != 1 || rr.children[0].child("service_request_id").text != id2 {
		t.Errorf("requests.xml?service_code: %s", a.body)
	}

	// servicerequestupdates: the steps after accept, dispatch, resolve,
	// close, as FixMyStreet asks for them (api_key, start_date, end_date).
	since := e.clock.Advance(time.Minute)
	fx := e.fx
	for _, s := range []struct {
		u  *pingan.User
		in pingan.ActionInput
	}{
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActAccept}},
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code}},
		{fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActSign}},
		{fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActResolve, Result: "已修复漏水点"}},
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActClose}},
	} {
		e.clock.Advance(time.Minute)
		if _, err := e.db.Cases.Act(t.Context(), s.u, id, s.in); err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"api_key": {e.key}, "start_date": {since.Format(time.RFC3339)}, "end_date": {e.clock.Now().Format(time.RFC3339)}}
	a = e.do("GET", "/open311/v2/servicerequestupdates.xml?"+q.Encode(), nil)
	ur := parseXML(t, a.body)
	if ur.name != "service_request_updates" || len(ur.children) != 5 {
		t.Fatalf("servicerequestupdates.xml: %s", a.body)
	}
	for _, u := range ur.children {
		wantElements(t, "request_update", u)
	}
	last := ur.children[4]
	if last.child("status").text != "FIXED" || last.child("update_id").text != id+"-6" || ur.children[3].child("description").text != "已修复漏水点" {
		t.Errorf("servicerequestupdates.xml: %s", a.body)
	}
	var ups []map[string]string
	a = e.do("GET", "/open311/v2/servicerequestupdates.json?"+q.Encode(), nil, "Accept-Language", "en")
	if err := json.Unmarshal(a.body, &ups); err != nil || len(ups) != 5 || ups[0]["description"] == "" || ups[0]["status"] != "INVESTIGATING" {
		t.Errorf("servicerequestupdates.json: %s %v", a.body, err)
	}
	a = e.do("GET", "/open311/v2/requests/"+id+".json?api_key="+e.key, nil)
	if err := json.Unmarshal(a.body, &list); err != nil || list[0]["status"] != "closed" || list[0]["status_notes"] != "已修复漏水点" ||
		list[0]["agency_responsible"] != fx.Township.Name {
		t.Errorf("the closed request: %s", a.body)
	}
}

func TestDiscoveryAndServices(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/open311/v2/discovery.xml", "/open311/v2/discovery"} {
		a := e.do("GET", path, nil)
		d := parseXML(t, a.body)
		if d.name != "discovery" {
			t.Fatalf("%s: %s", path, a.body)
		}
		wantElements(t, "discovery", d)
		ep := d.child("endpoints").children[0]
		wantElements(t, "endpoint", ep)
		if f := ep.child("formats").names(); !slices.Equal(f, []string{"format", "format"}) {
			t.Errorf("formats: %v", f)
		}
	}
	a := e.do("GET", "/open311/v2/services.xml", nil)
	s := parseXML(t, a.body)
	if s.name != "services" || len(s.children) < 10 {
		t.Fatalf("services.xml: %s", a.body)
	}
	meta := map[string]string{}
	for _, c := range s.children {
		wantElements(t, "service", c)
		meta[c.child("service_code").text] = c.child("metadata").text
	}
	if meta["0102"] != "true" || meta["AQ01"] != "true" || meta["FW01"] != "false" || meta["XF01"] != "false" {
		t.Errorf("metadata: %v", meta)
	}
	a = e.do("GET", "/open311/v2/services/AQ01.xml", nil)
	d := parseXML(t, a.body)
	if d.name != "service_definition" {
		t.Fatalf("services/AQ01.xml: %s", a.body)
	}
	wantElements(t, "service_definition", d)
	attr := d.child("attributes").children[0]
	wantElements(t, "attribute", attr)
	vals := attr.child("values").children
	if attr.child("code").text != "level" || attr.child("datatype").text != "singlevaluelist" || len(vals) != 2 {
		t.Fatalf("the hazard's attribute: %s", a.body)
	}
	for _, v := range vals {
		wantElements(t, "value", v)
	}
	var def map[string]any
	a = e.do("GET", "/open311/v2/services/0102.json", nil, "Accept-Language", "en")
	if err := json.Unmarshal(a.body, &def); err != nil || len(def["attributes"].([]any)) != 2 {
		t.Errorf("services/0102.json: %s %v", a.body, err)
	}
	var svcs []map[string]any
	a = e.do("GET", "/open311/v2/services.json", nil)
	if err := json.Unmarshal(a.body, &svcs); err != nil || len(svcs) != len(s.children) || svcs[0]["type"] != "realtime" {
		t.Errorf("services.json: %.200s %v", a.body, err)
	}
}

// wantError fails unless the answer is the spec's error shape with the
// status, in the format, and one description holds want.
func wantError(t *testing.T, name, format string, a answer, status int, want string) {
	t.Helper()
	if a.status != status {
		t.Errorf("%s (%s): status %d, want %d: %s", name, format, a.status, status, a.body)
		return
	}
	var errs []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	if format == "json" {
		if err := json.Unmarshal(a.body, &errs); err != nil {
			t.Errorf("%s (json): %v: %s", name, err, a.body)
			return
		}
	} else {
		root := parseXML(t, a.body)
		if root.name != "errors" {
			t.Errorf("%s (xml): root %s: %s", name, root.name, a.body)
			return
		}
		for _, c := range root.children {
			if c.name != "error" {
				t.Errorf("%s (xml): element %s", name, c.name)
			}
			wantElements(t, "error", c)
			var n int
			for _, r := range c.child("code").text {
				n = n*10 + int(r-'0')
			}
			errs = append(errs, struct {
				Code        int    `json:"code"`
				Description string `json:"description"`
			}{n, c.child("description").text})
		}
	}
	found := false
	for _, x := range errs {
		if x.Code != status || x.Description == "" {
			t.Errorf("%s (%s): error %+v", name, format, x)
		}
		found = found || strings.Contains(x.Description, want)
	}
	if len(errs) == 0 || !found {
		t.Errorf("%s (%s): no description holds %q: %s", name, format, want, a.body)
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	_, monitorKey, err := e.db.APIKeys.Add(t.Context(), nil, "监测", e.fx.County.Code, []pingan.Role{pingan.RoleMonitor})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("长", open311.MaxBody/3+10)
	for _, tc := range []struct {
		name   string
		mod    func(url.Values)
		status int
		want   string // in the English description
	}{
		{"no service_code", func(f url.Values) { f.Del("service_code") }, 400, "service_code: required"},
		{"unknown service_code", func(f url.Values) { f.Set("service_code", "ZZ99") }, 400, `unknown service_code "ZZ99"`},
		{"no description", func(f url.Values) { f.Del("description") }, 400, "description: required"},
		{"no position", func(f url.Values) { f.Del("lat"); f.Del("long") }, 400, "send lat and long"},
		{"half a position", func(f url.Values) { f.Del("long") }, 400, "invalid position"},
		{"an unreadable long", func(f url.Values) { f.Set("long", "东经98度") }, 400, "long: "},
		{"FixMyStreet's deviceid", func(f url.Values) { f.Set("deviceid", "d\x07") }, 400, "deviceid: holds a control character"},
		{"an amount that is not a number", func(f url.Values) { f.Set("attribute[amount]", "NaN") }, 400, "attribute[amount]"},
		{"outside every unit", func(f url.Values) { f.Set("lat", "10"); f.Set("long", "10") }, 400, "lies in no unit's area"},
		{"outside the key's unit", func(f url.Values) { f.Set("lat", "40.01"); f.Set("long", "98.91") }, 403, "outside the jurisdiction of this API key"},
		{"address_id", func(f url.Values) { f.Del("lat"); f.Del("long"); f.Set("address_id", "545483") }, 400, "address_id is not supported"},
		{"address of no unit", func(f url.Values) { f.Del("lat"); f.Del("long"); f.Set("address_string", "人民路") }, 400, "send lat and long"},
		{"bad key", func(f url.Values) { f.Set("api_key", "pak_nope") }, 403, "invalid or revoked api_key"},
		{"no key", func(f url.Values) { f.Del("api_key") }, 403, "api_key missing"},
		{"a monitoring key", func(f url.Values) { f.Set("api_key", monitorKey) }, 403, "may not submit"},
		{"not UTF-8", func(f url.Values) { f.Set("description", "\xff\xfe") }, 400, "description: not valid UTF-8"},
		{"a control character", func(f url.Values) { f.Set("last_name", "张\x1b") }, 400, "last_name: holds a control character"},
		{"media_url not http", func(f url.Values) { f.Set("media_url", "ftp://x/y") }, 400, "http or https"},
		{"a bad attribute", func(f url.Values) { f.Set("attribute[people]", "-2") }, 400, "attribute[people]"},
		{"over the limit", func(f url.Values) { f.Set("description", big) }, 413, "too large"},
	} {
		for _, format := range []string{"xml", "json"} {
			a := e.do("POST", "/open311/v2/requests."+format, e.report(tc.mod), "Accept-Language", "en")
			wantError(t, tc.name, format, a, tc.status, tc.want)
		}
	}
	// Chinese by default.
	a := e.do("POST", "/open311/v2/requests.xml", e.report(func(f url.Values) { f.Set("service_code", "ZZ99") }))
	wantError(t, "in Chinese", "xml", a, 400, "未知的 service_code")
	// Nothing was written.
	if list, err := e.db.Open311.Requests(t.Context(), e.reader(), pingan.Open311Query{}); err != nil || len(list) != 0 {
		t.Errorf("refused reports wrote %d requests (%v)", len(list), err)
	}
	for _, tc := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "/open311/v2/requests/2026-620902-999999.json?api_key=" + e.key, 404, "no Open311 request"},
		{"GET", "/open311/v2/tokens/nope.xml", 404, "no token"},
		{"GET", "/open311/v2/services/ZZ99.json", 404, "no service"},
		{"GET", "/open311/v2/nothing.xml", 404, "no such resource"},
		{"GET", "/open311/v2/services.csv", 404, "no such resource"},
		{"GET", "/open311/v2/requests.json?status=pending&api_key=" + e.key, 400, "open or closed"},
		{"GET", "/open311/v2/requests.xml?start_date=yesterday&api_key=" + e.key, 400, "start_date"},
		{"GET", "/open311/v2/requests.xml?api_key=pak_nope", 403, "invalid or revoked"},
		{"DELETE", "/open311/v2/services.json", 405, "does not serve DELETE"},
	} {
		format := "xml"
		if strings.Contains(tc.path, ".json") {
			format = "json"
		}
		wantError(t, tc.path, format, e.do(tc.method, tc.path, nil, "Accept-Language", "en"), tc.status, tc.want)
	}
	// A method /requests does not serve names all three it does.
	a = e.do("PUT", "/open311/v2/requests.json", nil, "Accept-Language", "en")
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("PUT requests: %d, Allow %q", a.status, a.header.Get("Allow"))
	}
}

// reader answers the pseudo-user of a new viewer key of 肃州区: it reads the
// subtree's Open311 requests.
func (e *env) reader() *pingan.User {
	e.t.Helper()
	_, k, err := e.db.APIKeys.Add(e.t.Context(), nil, "肃州区平台", e.fx.County.Code, []pingan.Role{pingan.RoleViewer})
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.db.APIKeys.Authenticate(e.t.Context(), k, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// Reads need a key; a key reads the requests it filed, and a reader key
// of the subtree reads the others' status without their description,
// address, position or media_url; no read answers personal data.
func TestReadsNeedAKey(t *testing.T) {
	e := newEnv(t)
	a := e.do("POST", "/open311/v2/requests.xml", e.report())
	if a.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", a.status, a.body)
	}
	id := parseXML(t, a.body).children[0].child("service_request_id").text
	e.clock.Advance(time.Minute)
	if _, err := e.db.Cases.Act(t.Context(), e.fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActAccept}); err != nil {
		t.Fatal(err)
	}
	window := "&start_date=" + url.QueryEscape(storetest.Epoch.Add(-time.Hour).Format(time.RFC3339))
	for _, path := range []string{"requests", "requests/" + id, "servicerequestupdates"} {
		for _, format := range []string{"xml", "json"} {
			wantError(t, "no key: "+path, format, e.do("GET", "/open311/v2/"+path+"."+format, nil, "Accept-Language", "en"), 403, "api_key missing")
		}
	}
	_, sibling, err := e.db.APIKeys.Add(t.Context(), nil, "肃州区另一App", e.fx.County.Code, []pingan.Role{pingan.RoleReporter})
	if err != nil {
		t.Fatal(err)
	}
	_, reader, err := e.db.APIKeys.Add(t.Context(), nil, "肃州区平台", e.fx.County.Code, []pingan.Role{pingan.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	get := func(key, path string) answer {
		t.Helper()
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		a := e.do("GET", "/open311/v2/"+path+sep+"api_key="+key, nil, "Accept-Language", "en")
		list = nil
		if a.status == http.StatusOK && strings.Contains(path, ".json") {
			if err := json.Unmarshal(a.body, &list); err != nil {
				t.Fatalf("%s: %v %s", path, err, a.body)
			}
		}
		return a
	}
	// Another reporter key of the same unit reads none of them.
	if a := get(sibling, "requests.json"); len(list) != 0 {
		t.Errorf("a sibling key lists %s", a.body)
	}
	if a := get(sibling, "requests.json?service_request_id="+id); len(list) != 0 {
		t.Errorf("a sibling key reads by id %s", a.body)
	}
	wantError(t, "a sibling key's requests/{id}", "json", get(sibling, "requests/"+id+".json"), 404, "no Open311 request")
	if a := get(sibling, "servicerequestupdates.json?"+window[1:]); len(list) != 0 {
		t.Errorf("a sibling key reads updates %s", a.body)
	}
	// A reader key: the status, without the reporter's text or place.
	for _, path := range []string{"requests.json", "requests/" + id + ".json"} {
		a := get(reader, path)
		if len(list) != 1 || list[0]["status"] != "open" || list[0]["service_code"] != "0102" {
			t.Errorf("the reader key's %s: %s", path, a.body)
		}
		for _, secret := range []string{"楼上漏水", "39.755", "example.cn", "张", "13800001234", "fms-device-1"} {
			if strings.Contains(string(a.body), secret) {
				t.Errorf("the reader key's %s shows %q: %s", path, secret, a.body)
			}
		}
	}
	if a := get(reader, "servicerequestupdates.json?"+window[1:]); len(list) != 1 {
		t.Errorf("the reader key's updates: %s", a.body)
	}
	// The filing key reads its own whole, still with nothing personal.
	for _, path := range []string{"requests.json", "requests.xml", "requests/" + id + ".json", "servicerequestupdates.json?" + window[1:], "servicerequestupdates.xml?" + window[1:]} {
		a := get(e.key, path)
		if a.status != http.StatusOK {
			t.Errorf("%s: %d %s", path, a.status, a.body)
		}
		if strings.HasPrefix(path, "requests") && !strings.Contains(string(a.body), "楼上漏水") {
			t.Errorf("the filing key's %s: %s", path, a.body)
		}
		for _, secret := range []string{"张", "13800001234", "zs@example.cn", "fms-device-1"} {
			if strings.Contains(string(a.body), secret) {
				t.Errorf("%s shows %q", path, secret)
			}
		}
	}
}

// GET requests: service_code and status take comma lists, and
// service_request_id overrides every other argument.
func TestRequestsParameters(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for _, code := range []string{"0102", "FW01"} {
		a := e.do("POST", "/open311/v2/requests.xml", e.report(func(f url.Values) {
			f.Set("service_code", code)
			f.Del("attribute[people]")
			f.Del("attribute[amount]")
		}))
		if a.status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", code, a.status, a.body)
		}
		ids = append(ids, parseXML(t, a.body).children[0].child("service_request_id").text)
		e.clock.Advance(time.Minute)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"service_code=0102,FW01", []string{ids[1], ids[0]}},
		{"service_code=FW01", []string{ids[1]}},
		{"status=open,closed", []string{ids[1], ids[0]}},
		{"status=closed", nil},
		{"service_request_id=" + ids[0] + "&service_code=FW01&status=bogus&start_date=never", []string{ids[0]}},
	} {
		a := e.do("GET", "/open311/v2/requests.json?api_key="+e.key+"&"+tc.query, nil, "Accept-Language", "en")
		var list []map[string]any
		if a.status != http.StatusOK || json.Unmarshal(a.body, &list) != nil {
			t.Errorf("%s: %d %s", tc.query, a.status, a.body)
			continue
		}
		var got []string
		for _, r := range list {
			got = append(got, r["service_request_id"].(string))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}

// Dates: W3C without seconds, a plain-day end_date is the whole day for
// requests and updates alike, and a start after the end is refused naming
// start_date.
func TestDates(t *testing.T) {
	e := newEnv(t) // the clock: 2026-03-02 09:00 +08:00
	a := e.do("POST", "/open311/v2/requests.xml", e.report())
	if a.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", a.status, a.body)
	}
	id := parseXML(t, a.body).children[0].child("service_request_id").text
	e.clock.Advance(time.Hour)
	if _, err := e.db.Cases.Act(t.Context(), e.fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActAccept}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	count := func(path, query string) int {
		t.Helper()
		a := e.do("GET", "/open311/v2/"+path+".json?api_key="+e.key+"&"+query, nil, "Accept-Language", "en")
		var list []map[string]any
		if a.status != http.StatusOK || json.Unmarshal(a.body, &list) != nil {
			t.Errorf("%s?%s: %d %s", path, query, a.status, a.body)
			return -1
		}
		return len(list)
	}
	for _, tc := range []struct {
		path, query string
		want        int
	}{
		{"requests", "start_date=2026-03-02&end_date=2026-03-02", 1},
		{"servicerequestupdates", "start_date=2026-03-02&end_date=2026-03-02", 1},
		{"requests", "start_date=2026-03-02T08:59%2B08:00&end_date=2026-03-02T09:00%2B08:00", 1},
		{"servicerequestupdates", "start_date=2026-03-02T09:59%2B08:00&end_date=2026-03-02T10:00%2B08:00", 1},
		{"requests", "start_date=2026-03-01T00:00Z&end_date=2026-03-02T01:00Z", 1},
		{"requests", "start_date=2026-03-01&end_date=2026-03-01", 0},
		{"servicerequestupdates", "start_date=2026-03-02T08:00%2B08:00&end_date=2026-03-02T09:59:59%2B08:00", 0},
	} {
		if got := count(tc.path, tc.query); got != tc.want {
			t.Errorf("%s?%s: %d, want %d", tc.path, tc.query, got, tc.want)
		}
	}
	for _, path := range []string{"requests", "servicerequestupdates"} {
		wantError(t, path+": start after end", "json", e.do("GET", "/open311/v2/"+path+".json?api_key="+e.key+
			"&start_date=2026-03-03&end_date=2026-03-02", nil, "Accept-Language", "en"), 400, "start_date")
	}
}
