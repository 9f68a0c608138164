package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// env is the application over a real SQLite store seeded with the
// fixture city, on a clock the test moves.
type env struct {
	t       testing.TB
	db      *store.DB
	fx      *storetest.Fixture
	clock   *storetest.Clock
	srv     *Server
	ts      *httptest.Server
	dataDir string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	return newEnvOn(t, storetest.OpenWith(t, store.Options{Clock: clock}), clock)
}

// newEnvOn is newEnv over db, a store on clock.
func newEnvOn(t testing.TB, db *store.DB, clock *storetest.Clock) *env {
	t.Helper()
	fx := storetest.Seed(t, db)
	// No role must use two-factor sign-in here, so that every test signs
	// in with a password; the tests of TOTP set the policy (totp_test.go).
	if err := db.Users.SetTOTPPolicy(context.Background(), nil, &pingan.TOTPPolicy{}); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, fx: fx, clock: clock, dataDir: t.TempDir()}
	e.srv = New(Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Public: db.Public, Grids: db.Grids, Holidays: db.Calendar, Calendar: db.Calendar, Campaigns: db.Campaigns, Mediation: db.Mediation, Petitions: db.Petitions, Receptions: db.Receptions,
		Schemes: db.Schemes, Assess: db.Assess, Monthly: db.Monthly, Risks: db.Risks, Stability: db.Stability, Tasks: db.Tasks, Warnings: db.Warnings, Briefings: db.Briefings, Patrols: db.Patrols, Sites: db.Sites, Monitor: db.Monitor, Keys: db.APIKeys, Webhooks: db.Webhooks, Security: db.Security, CaseImports: db.CaseImports, TOTP: db.Users, AuditTrail: db.Audit, Clock: clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir})
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// client is a browser-like client with a cookie jar that does not follow
// redirects, so tests see them.
type client struct {
	t    testing.TB
	e    *env
	http *http.Client
	csrf string
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`<meta name="csrf" content="([^"]+)">`)

// login signs in as the fixture user and reads the anti-forgery token.
func (e *env) login(u *pingan.User) *client {
	e.t.Helper()
	c := e.anon()
	res := c.post("/login", url.Values{"username": {u.Username}, "password": {storetest.Password}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d: %s", u.Username, res.status, res.body)
	}
	page := c.get("/inbox")
	m := csrfRe.FindStringSubmatch(page.body)
	if m == nil {
		e.t.Fatalf("login %s: no csrf token on /inbox (%d)", u.Username, page.status)
	}
	c.csrf = m[1]
	return c
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.ts.URL+path, nil)
	return c.do(req)
}

// post sends a form; the anti-forgery token is added when the client has
// one and the form does not say otherwise.
func (c *client) post(path string, form url.Values, headers ...string) response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

type upload struct {
	field, name string
	data        []byte
}

// postMultipart sends a multipart form with files.
func (c *client) postMultipart(path string, form url.Values, files []upload, headers ...string) response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		mw.WriteField("csrf", c.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// newCase reports a case through the store as the user.
func (e *env) newCase(u *pingan.User, category, title string) *pingan.Case {
	e.t.Helper()
	kind := map[byte]pingan.Kind{'0': pingan.KindDispute, 'X': pingan.KindPetition, 'A': pingan.KindHazard, 'F': pingan.KindService}[category[0]]
	c, err := e.db.Cases.CreateCase(context.Background(), u, &pingan.NewCase{Kind: kind, Category: category, Title: title,
		Description: title + "，请尽快处理。", Address: "富康路 12 号",
		Reporter: &pingan.Person{Name: "张三丰", Phone: "13812345678"}})
	if err != nil {
		e.t.Fatalf("create case: %v", err)
	}
	return c
}

// act moves a case through the store.
func (e *env) act(u *pingan.User, id string, in pingan.ActionInput) {
	e.t.Helper()
	if _, err := e.db.Cases.Act(context.Background(), u, id, in); err != nil {
		e.t.Fatalf("%s %s: %v", in.Action, id, err)
	}
}

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func mustContain(t testing.TB, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t testing.TB, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("page contains %q", b)
		}
	}
}
