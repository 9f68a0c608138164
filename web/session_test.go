package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store/storetest"
)

// openRedirects are values of next that a browser would follow to another
// site, or that are not a plain path here: each must fall back to "/".
var openRedirects = []string{
	"", "inbox", "//evil.example", "///evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
	"\\/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
	" /evil", "/ /evil", "/evil ", "https://evil.example", "http:/evil.example", "HTTPS://evil.example/inbox",
	"javascript:alert(1)", "java script:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>x</script>",
	"/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%5c%5cevil.example", "/%09/evil.example",
	"/%0a/evil.example", "/%0d%0a/evil.example", "/%00", "/inbox\x00", "/inbox\x7f", "/\u3002evil.example",
	"/\u2215evil.example", "/%E3%80%82evil.example", "/inbox%zz", "//evil.example/%2F..",
	"/" + strings.Repeat("a", 3000),
}

// localPaths are paths on this site: each is kept as it is.
var localPaths = []string{
	"/", "/inbox", "/inbox?tab=all", "/inbox?q=%E5%BC%A0%E4%B8%89&tab=mine", "/cases/2026-620902-000123",
	"/cases/2026-620902-000123#timeline", "/dashboard?from=2026-01-01&to=2026-03-01", "/a/../b", "/@evil.example",
	"/inbox?next=//evil.example", "/m",
}

func TestSafeNextTricks(t *testing.T) {
	t.Parallel()
	for _, next := range openRedirects {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
	}
	for _, next := range localPaths {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

// Neither the language switch nor signing in sends a browser elsewhere.
func TestNoOpenRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.anon()
	for _, next := range openRedirects {
		res := c.get("/lang/en?next=" + url.QueryEscape(next))
		if res.location != "/" && (res.location != "" || res.status < 400) { // a query with NUL is refused whole
			t.Errorf("/lang/en?next=%q: %d to %q", next, res.status, res.location)
		}
	}
	for _, next := range openRedirects[:12] {
		res := e.anon().post("/login", url.Values{"username": {"sz-dispatcher"}, "password": {storetest.Password}, "next": {next}})
		if res.location != "/inbox" && (res.location != "" || res.status < 400) {
			t.Errorf("login with next=%q: %d to %q", next, res.status, res.location)
		}
	}
	if res := c.get("/lang/zh?next=" + url.QueryEscape("/inbox?tab=all")); res.location != "/inbox?tab=all" {
		t.Errorf("a path here: to %q", res.location)
	}
}

// A sign-out on the web ends the token on this server's JSON API at once,
// although the API caches sessions (api.DefaultSessionCacheTTL); and so
// does the end of an idle session.
func TestWebLogoutEndsAPISession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apiSrv := api.New(api.Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats,
		Calendar: e.db.Calendar, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)})
	e.srv = New(Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats, Public: e.db.Public, Calendar: e.db.Calendar,
		Clock: e.clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir, SessionEnded: apiSrv.ForgetSession})
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	apiGet := func(token string) int {
		req := httptest.NewRequest("GET", "/api/v1/units", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		apiSrv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	tokenOf := func(c *client) string {
		u, _ := url.Parse(e.ts.URL)
		for _, k := range c.http.Jar.Cookies(u) {
			if k.Name == sessionCookie {
				return k.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}

	c := e.login(e.fx.CountyDispatcher)
	token := tokenOf(c)
	if st := apiGet(token); st != http.StatusOK {
		t.Fatalf("the web session's token on the API: %d", st)
	}
	if res := c.post("/logout", nil); res.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.status)
	}
	if st := apiGet(token); st != http.StatusUnauthorized {
		t.Errorf("the API still takes the token after the web sign-out: %d", st)
	}

	// The idle timeout ends the session on the API as well.
	c = e.login(e.fx.CountyDispatcher)
	token = tokenOf(c)
	if st := apiGet(token); st != http.StatusOK {
		t.Fatalf("second session on the API: %d", st)
	}
	e.clock.Advance(31 * time.Minute)
	if res := c.get("/inbox"); !strings.Contains(res.location, "expired=1") {
		t.Fatalf("idle session: %d %s", res.status, res.location)
	}
	if st := apiGet(token); st != http.StatusUnauthorized {
		t.Errorf("the API still takes the token after the idle timeout: %d", st)
	}
}

// busyUsers answers every sign-in as a server checking too many passwords.
type busyUsers struct{ pingan.UserService }

func (busyUsers) Login(context.Context, string, string) (*pingan.Session, error) {
	return nil, pingan.ErrSignInBusy
}

// A busy server says so, not that the account is locked.
func TestLoginBusy(t *testing.T) {
	t.Parallel()
	srv := New(Config{Users: busyUsers{}, Logger: slog.New(slog.DiscardHandler)})
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"zhang"}, "password": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" ||
		!strings.Contains(body, "同时登录的人数过多") || strings.Contains(body, "锁定") {
		t.Errorf("busy: %d Retry-After %q\n%s", rec.Code, rec.Header().Get("Retry-After"), textOf(body))
	}
}
