package open311_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pingan-gov/pingan/internal/limit"
	"github.com/pingan-gov/pingan/open311"
)

// Over real HTTP, Open311 limits each address and each api_key: over the
// limit, 429 with Retry-After in whole seconds and the message in the
// spec's <errors> (or the JSON list), in the caller's language; another
// key, or the same key from elsewhere, is its own bucket.
func TestLimits(t *testing.T) {
	e := newEnv(t)
	lim := &limit.Limits{Open311Addr: limit.New(limit.Rate{PerMinute: 30, Burst: 6}, 0), Open311Key: limit.New(limit.Rate{PerMinute: 6, Burst: 2}, 0)}
	mux := http.NewServeMux()
	mux.Handle(open311.Prefix, open311.New(open311.Config{Open311: e.db.Open311, Keys: e.db.APIKeys, Clock: e.clock,
		Log: slog.New(slog.DiscardHandler), Limits: lim}).Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.srv = srv

	// Per key: two reads of a key, then the third waits 10 s; a report
	// with the key is refused the same way, and another key goes on.
	for i := range 2 {
		if a := e.do("GET", "/open311/v2/requests.xml?api_key="+e.key, nil); a.status != http.StatusOK {
			t.Fatalf("read %d: %d %s", i+1, a.status, a.body)
		}
	}
	a := e.do("GET", "/open311/v2/requests.xml?api_key="+e.key, nil)
	wantError(t, "per key", "xml", a, http.StatusTooManyRequests, "请求过于频繁，请 10 秒后再试")
	if a.header.Get("Retry-After") != "10" {
		t.Errorf("per key: Retry-After %q", a.header.Get("Retry-After"))
	}
	a = e.do("POST", "/open311/v2/requests.xml", e.report())
	wantError(t, "per key, a report", "xml", a, http.StatusTooManyRequests, "请 10 秒后再试")
	if a := e.do("GET", "/open311/v2/requests.xml?api_key=another", nil); a.status != http.StatusForbidden {
		t.Errorf("another key: %d", a.status)
	}

	// Per address: five requests so far, one more, then the seventh waits 2 s.
	if a := e.do("GET", "/open311/v2/services.xml", nil); a.status != http.StatusOK {
		t.Fatalf("sixth request: %d %s", a.status, a.body)
	}
	a = e.do("GET", "/open311/v2/services.xml", nil)
	wantError(t, "per address", "xml", a, http.StatusTooManyRequests, "请求过于频繁，请 2 秒后再试")
	if a.header.Get("Retry-After") != "2" {
		t.Errorf("per address: Retry-After %q", a.header.Get("Retry-After"))
	}
	a = e.do("GET", "/open311/v2/services.json", nil, "Accept-Language", "en")
	wantError(t, "per address", "json", a, http.StatusTooManyRequests, "Too many requests: try again in 2 seconds")
}
