package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Text that is not text — a NUL character, bytes that are not UTF-8 — is
// refused as it arrives with 400 naming the field, the same on SQLite
// (which would keep it) and PostgreSQL (which would fail with a 500): in a
// path segment, a query parameter, a form field and an uploaded file, on
// every page the application registers, signed in or not.

var badTexts = []struct{ name, url, raw string }{
	{"NUL", "%00", "\x00"},
	{"invalid UTF-8", "%FF", "\xff"},
}

// sweepFill gives each wildcard of a page a value that exists in the
// fixture; a new wildcard needs an entry here, or the sweep fails saying so.
func sweepFill(name string, c *pingan.Case) (string, bool) {
	switch name {
	case "id":
		return c.ID, true
	case "number":
		return c.Number, true
	case "sum":
		return strings.Repeat("ab", 32), true
	case "lang":
		return "en", true
	case "campaign":
		return "1", true
	case "point": // a patrol point (patrol.go)
		return "1", true
	case "site": // a key site (site.go)
		return "1", true
	case "kind": // a petition's document kind (petition.go)
		return "accept", true
	case "doc": // a petition's document, printed (petition_print.go)
		return "1.pdf", true
	case "scheme": // an assessment's scheme, period and unit (assess.go)
		return "1", true
	case "period":
		return "2026-03", true
	case "unit":
		return "620902", true
	case "risk", "stab": // a risk, a 稳评 (risk.go, stability.go)
		return "1", true
	case "warning": // a warning (warning.go)
		return "1", true
	case "task": // a supervised task (task.go)
		return "1", true
	case "year": // a yearly list of tasks (task.go)
		return "2026", true
	case "week": // a unit's weekly 研判 (briefing.go)
		return "2026-W10", true
	}
	return "", false
}

// sweepFields are the form fields and query parameters the pages read; any
// other name is refused the same way.
var sweepFields = []string{"username", "password", "title", "description", "note", "reason", "csv", "text", "name", "code", "unit", "next", "q"}

func TestBadTextOnEveryPage(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewClock(storetest.Epoch)
		sweepBadText(t, newEnvOn(t, storetest.OpenWith(t, store.Options{Clock: clock}), clock))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewClock(storetest.Epoch)
		sweepBadText(t, newEnvOn(t, storetest.OpenPostgres(t, store.Options{Clock: clock}), clock))
	})
}

func sweepBadText(t *testing.T, e *env) {
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	if len(e.srv.patterns) < 30 {
		t.Fatalf("only %d pages: %v", len(e.srv.patterns), e.srv.patterns)
	}
	clients := map[string]*client{"signed in": e.login(e.fx.Admin), "signed out": e.anon()}
	for _, pattern := range e.srv.patterns {
		method, tmpl, ok := strings.Cut(pattern, " ")
		if !ok {
			method, tmpl = "GET", pattern // the catch-all
		}
		path := func(bad, badName string) string {
			var segs []string
			for _, seg := range strings.Split(tmpl, "/") {
				switch {
				case seg == "{$}" || !strings.HasPrefix(seg, "{"):
					segs = append(segs, strings.TrimSuffix(seg, "{$}"))
				case strings.Trim(seg, "{}") == badName:
					segs = append(segs, "x"+bad+"y")
				default:
					v, ok := sweepFill(strings.Trim(seg, "{}"), c)
					if !ok {
						t.Fatalf("%s: the sweep has no value for %s: add one to sweepFill", pattern, seg)
					}
					segs = append(segs, url.PathEscape(v))
				}
			}
			return strings.Join(segs, "/")
		}
		for who, cl := range clients {
			want := func(what string, res response, field string) {
				t.Helper()
				switch {
				case res.status != http.StatusBadRequest:
					t.Errorf("%s, %s, %s: %d %s; want 400", pattern, what, who, res.status, res.location)
				case !strings.Contains(res.body, "字段「"+field+"」"):
					t.Errorf("%s, %s, %s: the page does not name %q", pattern, what, who, field)
				}
			}
			for _, bt := range badTexts {
				for _, name := range httpx.Wildcards(pattern) {
					want(bt.name+" in {"+name+"}", cl.send(method, path(bt.url, name), nil), name)
				}
				for _, f := range sweepFields {
					want(bt.name+" in ?"+f, cl.send(method, path("", "")+"?"+f+"=a"+bt.url, nil), f)
				}
				want(bt.name+" in a parameter's name", cl.send(method, path("", "")+"?a"+bt.url+"=1", nil), "a\uFFFD")
				if method != http.MethodPost {
					continue
				}
				for _, f := range sweepFields {
					want(bt.name+" in the field "+f, cl.post(path("", ""), url.Values{f: {"a" + bt.raw}}), f)
					want(bt.name+" in the multipart field "+f, cl.postMultipart(path("", ""), url.Values{f: {"a" + bt.raw}}, nil), f)
				}
				want(bt.name+" in a file", cl.postMultipart(path("", ""), nil,
					[]upload{{"file", "units.csv", []byte("code,name,level,parent_code\n620902009,x" + bt.raw + ",township,620902\n")}}), "file")
			}
			// Bad text in a segment that is not a wildcard: past a prefix
			// (/static/…) it is refused, elsewhere it finds no page.
			for _, bt := range badTexts {
				if res := cl.send(method, path("", "")+"x"+bt.url, nil); res.status != http.StatusBadRequest && res.status != http.StatusNotFound {
					t.Errorf("%s with %s after the path, %s: %d", pattern, bt.name, who, res.status)
				}
			}
		}
	}
	// A photo is not text and goes to the domain, which judges it.
	cl := clients["signed in"]
	if res := cl.postMultipart("/report", url.Values{"kind": {"dispute"}, "category": {"0102"}, "title": {"漏水"}, "description": {"楼上漏水"}, "unit": {"620902001001"}},
		[]upload{{"photos", "a.png", pngBytes}}); res.status == http.StatusBadRequest && strings.Contains(res.body, "字段「photos」") {
		t.Errorf("a photo refused as text: %d", res.status)
	}
}

// send sends a request with no body.
func (c *client) send(method, path string, body []byte) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.e.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// syncBuffer is a log that handlers write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestRequestLog: every page request is logged as the API's are, with the
// request id it answers in X-Request-Id and the signed-in user, never the
// query or a form.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	var log syncBuffer
	e := &env{t: t, db: db, fx: storetest.Seed(t, db), clock: clock, dataDir: t.TempDir()}
	e.srv = New(Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Public: db.Public, Calendar: db.Calendar, Clock: clock,
		Logger: slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})), DataDir: e.dataDir})
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	cl := e.login(e.fx.CountyDispatcher)
	res := cl.get("/inbox?q=张三丰的电话")
	id := res.header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id")
	}
	cl.post("/login", url.Values{"username": {"sz-dispatcher"}, "password": {"secret-password"}})
	var inbox, login map[string]any
	for _, l := range log.lines(t) {
		if l["msg"] != "http request" {
			continue
		}
		switch {
		case l["request_id"] == id:
			inbox = l
		case l["path"] == "/login" && l["method"] == "POST":
			login = l
		}
	}
	if inbox == nil {
		t.Fatalf("no log line for request %s:\n%s", id, log.b.String())
	}
	if inbox["path"] != "/inbox" || inbox["status"] != 200.0 || inbox["user_id"] != float64(e.fx.CountyDispatcher.ID) || inbox["duration"] == nil {
		t.Errorf("inbox: %v", inbox)
	}
	if login == nil || login["status"] != 401.0 { // a wrong password
		t.Errorf("login: %v", login)
	}
	for _, secret := range []string{"张三丰", "secret-password", "pingan_session"} {
		if strings.Contains(log.b.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	// Each request has its own id; one the client sends is kept when sane.
	if again := cl.get("/inbox").header.Get("X-Request-Id"); again == "" || again == id {
		t.Errorf("request ids %q and %q", id, again)
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/login", nil)
	req.Header.Set("X-Request-Id", "trace-42.a_b")
	if res := cl.do(req); res.header.Get("X-Request-Id") != "trace-42.a_b" {
		t.Errorf("the client's request id became %q", res.header.Get("X-Request-Id"))
	}
}
