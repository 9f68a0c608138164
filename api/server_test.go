package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The tests in this file exercise the HTTP layer alone — routing,
// middleware, decoding, query parameters, the calendar — over small fakes of
// the services. The scenario tests over the real store are in api_test.go.

// fakeUsers knows one token.
type fakeUsers struct{ user *pingan.User }

const fakeToken = "good-token"

func (f *fakeUsers) CreateUser(context.Context, *pingan.User, string) error { return nil }
func (f *fakeUsers) Login(_ context.Context, name, pw string) (*pingan.Session, error) {
	if name == "zhang" && pw == "secret" {
		return &pingan.Session{Token: fakeToken, ExpiresAt: time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC), User: f.user}, nil
	}
	return nil, pingan.E(pingan.EUNAUTHORIZED, "login.wrong")
}
func (f *fakeUsers) Authenticate(_ context.Context, token string) (*pingan.User, error) {
	if token == fakeToken {
		return f.user, nil
	}
	return nil, pingan.E(pingan.EUNAUTHORIZED, "api.token.expired")
}
func (f *fakeUsers) Logout(context.Context, string) error { return nil }

// fakeCases records what reached it; the id "panic" panics and "boom"
// fails with an error that is not a *pingan.Error.
type fakeCases struct {
	pingan.CaseService
	mu     sync.Mutex
	filter *pingan.CaseFilter
	input  *pingan.NewCase
}

func (f *fakeCases) FindCase(_ context.Context, _ *pingan.User, id string) (*pingan.Case, error) {
	switch id {
	case "panic":
		panic("a bug")
	case "boom":
		return nil, io.ErrClosedPipe
	}
	return nil, pingan.E(pingan.ENOTFOUND, "page.notfound")
}

func (f *fakeCases) FindCases(_ context.Context, _ *pingan.User, fl pingan.CaseFilter) ([]*pingan.Case, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filter = &fl
	return nil, "", nil
}

func (f *fakeCases) CreateCase(_ context.Context, _ *pingan.User, in *pingan.NewCase) (*pingan.Case, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.input = in
	return &pingan.Case{ID: "c1", Category: in.Category, Title: in.Title, Status: pingan.StatusReported}, nil
}

// fakeStats records the period asked for; the API calls only Stats.
type fakeStats struct {
	pingan.StatsService
	unit, from, to string
}

func (f *fakeStats) Stats(_ context.Context, _ *pingan.User, q pingan.StatsQuery) (*pingan.Stats, error) {
	f.unit, f.from, f.to = q.Unit, q.From.Format(time.RFC3339), q.To.Format(time.RFC3339)
	return &pingan.Stats{Unit: q.Unit, From: q.From, To: q.To}, nil
}

type fakeEnv struct {
	h     http.Handler
	cases *fakeCases
	stats *fakeStats
	logs  *bytes.Buffer
}

func newFake(t *testing.T, maxBody int64) *fakeEnv {
	t.Helper()
	return newFakeWith(t, Config{MaxBodyBytes: maxBody})
}

// newFakeWith is newFake with cfg's limits and cache settings.
func newFakeWith(t *testing.T, cfg Config) *fakeEnv {
	t.Helper()
	logs := new(bytes.Buffer)
	var mu sync.Mutex
	e := &fakeEnv{cases: &fakeCases{}, stats: &fakeStats{}, logs: logs}
	srv := New(Config{
		Users:           &fakeUsers{user: &pingan.User{ID: 7, Username: "zhang", UnitCode: "620902", Roles: []pingan.Role{pingan.RoleDispatcher}, ScopePath: "/62/6209/620902/"}},
		Cases:           e.cases,
		Stats:           e.stats,
		Clock:           pingan.ClockFunc(func() time.Time { return time.Date(2025, 10, 15, 9, 0, 0, 0, pingan.CST) }),
		Logger:          slog.New(slog.NewJSONHandler(lockedWriter{&mu, logs}, nil)),
		MaxBodyBytes:    cfg.MaxBodyBytes,
		SessionCacheTTL: cfg.SessionCacheTTL,
	})
	e.h = srv.Handler()
	return e
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// errCode answers error.code of an error answer.
func (a answer) errCode() string {
	e, _ := a.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (a answer) errMessage() string {
	e, _ := a.body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// errKey answers error.message_key of an error answer.
func (a answer) errKey() string {
	e, _ := a.body["error"].(map[string]any)
	s, _ := e["message_key"].(string)
	return s
}

// errFields answers error.fields of an error answer.
func (a answer) errFields() map[string]any {
	e, _ := a.body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// call sends one request to h. hdr holds extra headers as "Name: value".
func call(t testing.TB, h http.Handler, method, path, token, body string, hdr ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, kv := range hdr {
		k, v, _ := strings.Cut(kv, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if ct := rec.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/geo+json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, rec.Body.String())
		}
	}
	return a
}

func TestHealthzNeedsNoToken(t *testing.T) {
	e := newFake(t, 0)
	a := call(t, e.h, "GET", "/api/v1/healthz", "", "")
	if a.status != 200 || a.body["status"] != "ok" {
		t.Fatalf("healthz: %d %s", a.status, a.raw)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := a.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestRoutingErrorsAreJSON(t *testing.T) {
	e := newFake(t, 0)
	a := call(t, e.h, "GET", "/api/v1/nothing-here", fakeToken, "")
	if a.status != 404 || a.errCode() != "not_found" {
		t.Errorf("unknown path: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "DELETE", "/api/v1/cases", fakeToken, "")
	if a.status != 405 || a.errCode() != "invalid" || a.header.Get("Allow") != "GET, POST" {
		t.Errorf("wrong method: %d Allow=%q %s", a.status, a.header.Get("Allow"), a.raw)
	}
}

func TestAuthentication(t *testing.T) {
	e := newFake(t, 0)
	for _, tc := range []struct {
		name, header  string
		wantChallenge string
	}{
		{"no token", "", `Bearer realm="pingan"`},
		{"garbage token", "Bearer nonsense", `Bearer realm="pingan", error="invalid_token"`},
		{"wrong scheme", "Basic emhhbmc6c2VjcmV0", `Bearer realm="pingan"`},
		{"empty bearer", "Bearer ", `Bearer realm="pingan"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.header != "" {
				hdr = append(hdr, "Authorization: "+tc.header)
			}
			a := call(t, e.h, "GET", "/api/v1/cases", "", "", hdr...)
			if a.status != 401 || a.errCode() != "unauthorized" {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
			if got := a.header.Get("WWW-Authenticate"); got != tc.wantChallenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.wantChallenge)
			}
		})
	}
	a := call(t, e.h, "POST", "/api/v1/session", "", `{"username":"zhang","password":"secret"}`)
	if a.status != 201 || a.body["token"] != fakeToken || a.body["expires_at"] != "2025-10-01T20:00:00+08:00" {
		t.Fatalf("login: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "POST", "/api/v1/session", "", `{"username":"zhang","password":"wrong"}`)
	if a.status != 401 || a.errCode() != "unauthorized" {
		t.Fatalf("wrong password: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "POST", "/api/v1/session", "", `{"username":"zhang"}`)
	if a.status != 400 || a.errFields()["password"] == nil {
		t.Fatalf("no password: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "DELETE", "/api/v1/session", fakeToken, "")
	if a.status != 204 {
		t.Fatalf("logout: %d %s", a.status, a.raw)
	}
}

func TestSessionCacheOff(t *testing.T) {
	e := newFakeWith(t, Config{SessionCacheTTL: -1})
	for range 2 {
		if a := call(t, e.h, "GET", "/api/v1/cases", fakeToken, ""); a.status != 200 {
			t.Fatalf("without a session cache: %d %s", a.status, a.raw)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	e := newFake(t, 256)
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"malformed", `{"title": "x",`, 400, "body"},
		{"syntax", `{"title" "x"}`, 400, "body"},
		{"empty", ``, 400, "body"},
		{"not an object", `["x"]`, 400, "body"},
		{"trailing data", `{"title":"x","category":"0102","unit":"u"} {}`, 400, "body"},
		{"unknown field", `{"title":"x","category":"0102","unit":"u","colour":"red"}`, 400, "colour"},
		{"wrong type", `{"title":"x","category":"0102","unit":"u","resolved_on_site":"yes"}`, 400, "resolved_on_site"},
		{"nested wrong type", `{"title":"x","category":"0102","location":{"lat":"north","lng":1}}`, 400, "location.lat"},
		{"oversize", `{"title":"` + strings.Repeat("长", 200) + `","category":"0102","unit":"u"}`, 413, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, e.h, "POST", "/api/v1/cases", fakeToken, tc.body)
			if a.status != tc.status || a.errCode() != "invalid" {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
			if _, ok := a.errFields()[tc.field]; !ok {
				t.Errorf("fields %v do not name %q", a.errFields(), tc.field)
			}
			if a.errMessage() == "" {
				t.Error("no message")
			}
		})
	}
	if e.cases.input != nil {
		t.Errorf("a bad body reached the service: %+v", e.cases.input)
	}
	a := call(t, e.h, "POST", "/api/v1/cases/c1/actions", fakeToken, `{"action":"supervise","deadline":"tomorrow"}`)
	if a.status != 400 || a.errFields()["deadline"] == nil {
		t.Errorf("bad deadline: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "POST", "/api/v1/cases/c1/actions", fakeToken, `{"note":"x"}`)
	if a.status != 400 || a.errFields()["action"] == nil {
		t.Errorf("no action: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "POST", "/api/v1/cases", fakeToken, `{"title":"x","category":"0102","unit":"u"}`, "Idempotency-Key: "+strings.Repeat("k", 300))
	if a.status != 400 || a.errFields()["Idempotency-Key"] == nil {
		t.Errorf("long idempotency key: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "POST", "/api/v1/cases", fakeToken, `{"title":"x","category":"0102","unit":"u"}`, "Idempotency-Key: k-1")
	if a.status != 201 || a.header.Get("Location") != "/api/v1/cases/c1" || e.cases.input.IdempotencyKey != "k-1" {
		t.Errorf("create: %d Location=%q %s", a.status, a.header.Get("Location"), a.raw)
	}
	if _, ok := a.body["allowed_actions"]; !ok {
		t.Errorf("no allowed_actions in %s", a.raw)
	}
}

// TestErrorsInTheCallersLanguage: the same bad request answers its
// message and fields in English with Accept-Language: en, in Chinese
// without, naming the same fields, with the keys of the messages beside.
func TestErrorsInTheCallersLanguage(t *testing.T) {
	e := newFake(t, 0)
	for _, tc := range []struct {
		name, method, path, body string
		msg                      pingan.Message
		fields                   map[string]pingan.Message
	}{
		{"query", "GET", "/api/v1/cases?kind=planet&limit=0", "", pingan.Msg("api.query.invalid"),
			map[string]pingan.Message{"kind": pingan.Msg("api.query.kind.unknown"), "limit": pingan.Msg("api.query.int", 1, maxListLimit)}},
		{"body", "POST", "/api/v1/cases", `{"title":"x","resolved_on_site":"yes"}`, pingan.Msg("error.invalid"),
			map[string]pingan.Message{"resolved_on_site": pingan.Msg("api.body.type.bool", "string")}},
		{"endpoint", "GET", "/api/v1/nothing-here", "", pingan.Msg("api.endpoint.unknown", "/api/v1/nothing-here"), nil},
	} {
		answers := map[pingan.Lang]answer{
			pingan.ZH: call(t, e.h, tc.method, tc.path, fakeToken, tc.body),
			pingan.EN: call(t, e.h, tc.method, tc.path, fakeToken, tc.body, "Accept-Language: en-GB,en;q=0.9,zh-CN;q=0.5"),
		}
		if a := call(t, e.h, tc.method, tc.path, fakeToken, tc.body, "Accept-Language: zh-CN,zh;q=0.9,en;q=0.5"); a.raw != answers[pingan.ZH].raw {
			t.Errorf("%s: asked in Chinese %s, by default %s", tc.name, a.raw, answers[pingan.ZH].raw)
		}
		for lang, a := range answers {
			if a.status != answers[pingan.ZH].status || a.status < 400 || a.errCode() != answers[pingan.ZH].errCode() {
				t.Fatalf("%s in %s: %d %s", tc.name, lang, a.status, a.raw)
			}
			if a.errMessage() != tc.msg.Text(lang) || a.errKey() != tc.msg.Key {
				t.Errorf("%s in %s: %s, want the message %q", tc.name, lang, a.raw, tc.msg.Text(lang))
			}
			if len(a.errFields()) != len(tc.fields) {
				t.Errorf("%s in %s: fields %v, want %v", tc.name, lang, a.errFields(), tc.fields)
			}
			keys, _ := a.body["error"].(map[string]any)["field_keys"].(map[string]any)
			for f, m := range tc.fields {
				if a.errFields()[f] != m.Text(lang) || keys[f] != m.Key {
					t.Errorf("%s in %s: field %s says %v (%v), want %q (%s)", tc.name, lang, f, a.errFields()[f], keys[f], m.Text(lang), m.Key)
				}
			}
		}
		if answers[pingan.ZH].errMessage() == answers[pingan.EN].errMessage() {
			t.Errorf("%s: the same message in both languages: %q", tc.name, answers[pingan.EN].errMessage())
		}
	}
	// An internal error says only the generic sentence, in each language.
	for lang, hdr := range map[pingan.Lang]string{pingan.ZH: "Accept-Language: fr", pingan.EN: "Accept-Language: en"} {
		a := call(t, e.h, "GET", "/api/v1/cases/boom", fakeToken, "", hdr)
		if a.status != 500 || a.errMessage() != pingan.Text(lang, "error.internal") || a.errKey() != "error.internal" {
			t.Errorf("internal error in %s: %d %s", lang, a.status, a.raw)
		}
	}
}

// TestTypeProblemsAreWritten: every message decode may answer for a value
// of the wrong type is in the catalogue.
func TestTypeProblemsAreWritten(t *testing.T) {
	for _, kind := range []string{"string", "bool", "int", "uint8", "float64", "slice", "array", "struct", "map", "ptr", "interface"} {
		if m := typeProblem(kind, "number"); !pingan.HasMessage(m.Key) {
			t.Errorf("%s: %q is not in the catalogue", kind, m.Key)
		}
	}
}

func TestListParameters(t *testing.T) {
	e := newFake(t, 0)
	a := call(t, e.h, "GET", "/api/v1/cases?status=reported,lost&kind=x&overdue=maybe&from=yesterday&limit=0&to=2025-13-01", fakeToken, "")
	if a.status != 400 || a.errCode() != "invalid" {
		t.Fatalf("got %d %s", a.status, a.raw)
	}
	for _, p := range []string{"status", "kind", "overdue", "from", "to", "limit"} {
		if a.errFields()[p] == nil {
			t.Errorf("fields %v do not name %s", a.errFields(), p)
		}
	}
	a = call(t, e.h, "GET", "/api/v1/cases?status=reported,+accepted&kind=dispute&overdue=false&from=2025-10-01&to=2025-10-31&limit=20&q=%E5%99%AA%E9%9F%B3&cursor=abc", fakeToken, "")
	if a.status != 200 {
		t.Fatalf("got %d %s", a.status, a.raw)
	}
	if cs, ok := a.body["cases"].([]any); !ok || len(cs) != 0 || a.body["next_cursor"] != "" {
		t.Errorf("empty list answered %s", a.raw)
	}
	f := e.cases.filter
	if len(f.Status) != 2 || f.Status[1] != pingan.StatusAccepted || f.Kind != pingan.KindDispute ||
		f.Overdue == nil || *f.Overdue || f.Limit != 20 || f.Q != "噪音" || f.Cursor != "abc" {
		t.Errorf("filter %+v", f)
	}
	if got := f.From.Format(time.RFC3339); got != "2025-10-01T00:00:00+08:00" {
		t.Errorf("from = %s", got)
	}
	if got := f.To.Format(time.RFC3339); got != "2025-11-01T00:00:00+08:00" {
		t.Errorf("to = %s (a date includes the whole day)", got)
	}
	// An unescaped '+' in an RFC 3339 offset arrives as a space.
	a = call(t, e.h, "GET", "/api/v1/cases?from=2025-10-01T08:00:00+08:00", fakeToken, "")
	if a.status != 200 || !e.cases.filter.From.Equal(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("from with unescaped +: %d %v", a.status, e.cases.filter.From)
	}
}

func TestStatsPeriod(t *testing.T) {
	e := newFake(t, 0)
	a := call(t, e.h, "GET", "/api/v1/stats", fakeToken, "")
	if a.status != 200 || e.stats.from != "2025-10-01T00:00:00+08:00" || e.stats.to != "2025-11-01T00:00:00+08:00" {
		t.Errorf("default period: %d [%s, %s)", a.status, e.stats.from, e.stats.to)
	}
	a = call(t, e.h, "GET", "/api/v1/stats?unit=620902&from=2025-01-01&to=2025-03-31", fakeToken, "")
	if a.status != 200 || e.stats.unit != "620902" || e.stats.from != "2025-01-01T00:00:00+08:00" || e.stats.to != "2025-04-01T00:00:00+08:00" {
		t.Errorf("explicit period: %d %s [%s, %s)", a.status, e.stats.unit, e.stats.from, e.stats.to)
	}
	a = call(t, e.h, "GET", "/api/v1/stats?from=2025-05-01&to=2025-04-01", fakeToken, "")
	if a.status != 400 || a.errFields()["to"] == nil {
		t.Errorf("reversed period: %d %s", a.status, a.raw)
	}
}

// TestCalendarDue checks the deadline arithmetic across National Day 2025
// (国庆节、中秋节: 1–8 October off; Sunday 28 September and Saturday 11
// October are make-up working days), counted by hand from the State
// Council's notice:
//
//	September 2025                October 2025
//	Fr 26  working                We 1 – We 8  holidays
//	Sa 27  rest                   Th 9  working
//	Su 28  working (调休)          Fr 10 working
//	Mo 29  working                Sa 11 working (调休)
//	Tu 30  working                Su 12 rest, Mo 13 working
func TestCalendarDue(t *testing.T) {
	e := newFake(t, 0)
	for _, tc := range []struct {
		query, due string
	}{
		// The day of from is not counted: 9, 10, 11 October.
		{"from=2025-09-30T10:00:00%2B08:00&days=3&unit=working", "2025-10-11T23:59:59+08:00"},
		// 28 (调休), 29, 30 September, 9, 10 October.
		{"from=2025-09-26&days=5&unit=working", "2025-10-10T23:59:59+08:00"},
		// 11 October (调休) is the third working day, Sunday the 12th is
		// rest, 13 October the fourth, 14 October the fifth.
		{"from=2025-09-30&days=5&unit=working", "2025-10-14T23:59:59+08:00"},
		// 3 days from 28 September end on 1 October, a holiday: the period
		// runs to the first working day after the holiday (民法典 art. 203).
		{"from=2025-09-28&days=3&unit=calendar", "2025-10-09T23:59:59+08:00"},
		// A period that ends on the make-up Saturday stays there.
		{"from=2025-10-04&days=7&unit=calendar", "2025-10-11T23:59:59+08:00"},
		// Hours run through the holiday.
		{"from=2025-09-30T20:00:00Z&days=24&unit=hours", "2025-10-02T04:00:00+08:00"},
		{"from=2025-09-30T20:00:00%2B08:00&days=24&unit=小时", "2025-10-01T20:00:00+08:00"},
	} {
		a := call(t, e.h, "GET", "/api/v1/calendar/due?"+tc.query, fakeToken, "")
		if a.status != 200 || a.body["due"] != tc.due {
			t.Errorf("%s: %d %s, want due %s", tc.query, a.status, a.raw, tc.due)
		}
	}

	for _, tc := range []struct {
		query  string
		fields []string
	}{
		{"days=0&unit=fortnights&from=soon", []string{"days", "unit", "from"}},
		{"from=2025-10-01", []string{"days", "unit"}},
		{"from=2003-01-02&days=3&unit=working", []string{"from"}},
		{"from=2999-12-30&days=10&unit=working", []string{"days"}},
	} {
		a := call(t, e.h, "GET", "/api/v1/calendar/due?"+tc.query, fakeToken, "")
		if a.status != 400 || a.errCode() != "invalid" {
			t.Errorf("%s: %d %s", tc.query, a.status, a.raw)
			continue
		}
		for _, f := range tc.fields {
			if a.errFields()[f] == nil {
				t.Errorf("%s: fields %v do not name %s", tc.query, a.errFields(), f)
			}
		}
	}
	a := call(t, e.h, "GET", "/api/v1/calendar/due?from=2003-01-02&days=3&unit=working", fakeToken, "")
	if !strings.Contains(a.errMessage(), "2003") {
		t.Errorf("the uncovered year is not named: %s", a.raw)
	}
	a = call(t, e.h, "GET", "/api/v1/calendar/due?from=2003-01-02&days=3&unit=hours", fakeToken, "")
	if a.status != 200 || a.body["due"] != "2003-01-02T03:00:00+08:00" || a.body["due_provisional"] != false {
		t.Errorf("hours need no calendar year: %d %s", a.status, a.raw)
	}
	// A year without a published arrangement is counted provisionally,
	// and the answer says so: 2 working days from Monday 2030-01-07.
	a = call(t, e.h, "GET", "/api/v1/calendar/due?from=2030-01-07&days=2&unit=working", fakeToken, "")
	if a.status != 200 || a.body["due"] != "2030-01-09T23:59:59+08:00" || a.body["due_provisional"] != true {
		t.Errorf("a provisional year: %d %s", a.status, a.raw)
	}
	a = call(t, e.h, "GET", "/api/v1/calendar/due?from=2026-03-02&days=2&unit=working", fakeToken, "")
	if a.status != 200 || a.body["due_provisional"] != false {
		t.Errorf("an official year: %d %s", a.status, a.raw)
	}
}

func TestInternalErrorsAreHiddenAndLogged(t *testing.T) {
	e := newFake(t, 0)
	for _, id := range []string{"panic", "boom"} {
		a := call(t, e.h, "GET", "/api/v1/cases/"+id, fakeToken, "")
		if a.status != 500 || a.errCode() != "internal" || a.errMessage() != pingan.Text(pingan.ZH, "error.internal") {
			t.Errorf("%s: %d %s", id, a.status, a.raw)
		}
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "a bug") || !strings.Contains(logs, io.ErrClosedPipe.Error()) {
		t.Errorf("the internal errors are not in the log:\n%s", logs)
	}
}

func TestRequestLogKeepsSecretsOut(t *testing.T) {
	e := newFake(t, 0)
	call(t, e.h, "POST", "/api/v1/session", "", `{"username":"zhang","password":"secret"}`)
	call(t, e.h, "GET", "/api/v1/cases?q=%E5%BC%A0%E4%B8%89", fakeToken, "")
	logs := e.logs.String()
	for _, secret := range []string{fakeToken, "secret", "Bearer", "张三", "q="} {
		if strings.Contains(logs, secret) {
			t.Errorf("the request log holds %q:\n%s", secret, logs)
		}
	}
	var line map[string]any
	first, _, _ := strings.Cut(logs, "\n")
	if err := json.Unmarshal([]byte(first), &line); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"method", "path", "status", "duration"} {
		if _, ok := line[k]; !ok {
			t.Errorf("the request log lacks %s: %s", k, first)
		}
	}
}

// fakeGrids knows one grid under 富康社区.
type fakeGrids struct{}

var fukang = &pingan.Grid{Code: "620902001001-03", Name: "富康社区第三网格", Type: pingan.GridCommunity, Unit: "620902001001",
	Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[98.51,39.74],[98.52,39.74],[98.52,39.75],[98.51,39.74]]]}`)}

func (fakeGrids) FindGrids(_ context.Context, _ *pingan.User, unit string) ([]*pingan.Grid, error) {
	if unit == "620902001001" {
		return []*pingan.Grid{fukang}, nil
	}
	return nil, pingan.E(pingan.ENOTFOUND, "page.notfound")
}

func (f fakeGrids) GridShapes(ctx context.Context, u *pingan.User, unit string) ([]*pingan.Grid, error) {
	return f.FindGrids(ctx, u, unit)
}

func (fakeGrids) FindGrid(_ context.Context, _ *pingan.User, code string) (*pingan.Grid, error) {
	if code == fukang.Code {
		return fukang, nil
	}
	return nil, pingan.E(pingan.ENOTFOUND, "page.notfound")
}

func (fakeGrids) ImportGrids(context.Context, []*pingan.Grid) (pingan.ImportResult, error) {
	return pingan.ImportResult{}, nil
}

func (fakeGrids) ImportGridsFile(context.Context, *pingan.User, string, []*pingan.Grid) (pingan.ImportResult, error) {
	return pingan.ImportResult{}, nil
}

func TestGrids(t *testing.T) {
	if a := call(t, newFake(t, 0).h, "GET", "/api/v1/grids?unit=620902001001", fakeToken, ""); a.status != 404 {
		t.Errorf("grids without a GridService: %d %s", a.status, a.raw)
	}
	h := New(Config{Users: &fakeUsers{user: &pingan.User{ID: 1, ScopePath: "/62/"}}, Grids: fakeGrids{},
		Logger: slog.New(slog.DiscardHandler)}).Handler()
	a := call(t, h, "GET", "/api/v1/grids?unit=620902001001", fakeToken, "")
	grids, _ := a.body["features"].([]any)
	if a.status != 200 || a.body["type"] != "FeatureCollection" || len(grids) != 1 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/geo+json") {
		t.Fatalf("grids: %d %s", a.status, a.raw)
	}
	if geom, _ := grids[0].(map[string]any)["geometry"].(map[string]any); geom["type"] != "Polygon" {
		t.Errorf("geometry: %v", grids[0])
	}
	if a := call(t, h, "GET", "/api/v1/grids", fakeToken, ""); a.status != 400 || a.errFields()["unit"] == nil {
		t.Errorf("grids without unit: %d %s", a.status, a.raw)
	}
	if a := call(t, h, "GET", "/api/v1/grids?unit=620921", fakeToken, ""); a.status != 404 {
		t.Errorf("grids of an unknown unit: %d %s", a.status, a.raw)
	}
	if a := call(t, h, "GET", "/api/v1/grids/620902001001-03", fakeToken, ""); a.status != 200 || a.body["type"] != "Feature" || a.body["properties"].(map[string]any)["name"] != "富康社区第三网格" {
		t.Errorf("one grid: %d %s", a.status, a.raw)
	}
	if a := call(t, h, "GET", "/api/v1/grids/nope", fakeToken, ""); a.status != 404 || a.errCode() != "not_found" {
		t.Errorf("no such grid: %d %s", a.status, a.raw)
	}
	if a := call(t, h, "GET", "/api/v1/grids/620902001001-03", "", ""); a.status != 401 {
		t.Errorf("grid without a token: %d %s", a.status, a.raw)
	}
}
