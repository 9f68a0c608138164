package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
)

// Over real HTTP, each limited page lets its burst through from one
// address (of failures: wrong passwords, wrong query codes; of every
// report), then answers the error page: 429, Retry-After in whole seconds,
// the message in the reader's language; a forwarded address is believed
// only from a trusted proxy; time refills the bucket.
func TestLimitsPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.anon()
	en := "Cookie"
	n := 0                                   // a new account each time: the lockout per account stays out of it
	status := statusLink("NOPE", "WRONGCOD") // failed look-ups count; found ones do not
	tests := []struct {
		name  string
		rate  limit.Rate
		send  func(headers ...string) response
		after string // Retry-After once the burst is spent
		zh    string
		en    string
	}{
		{"sign-in", limit.DefaultSignIn, func(h ...string) response {
			n++
			return c.post("/login", url.Values{"username": {fmt.Sprint("nobody", n)}, "password": {"wrong"}}, h...)
		}, "6", "登录尝试过于频繁，请 6 秒后再试", "Too many sign-in attempts from this address: try again in 6 seconds"},
		{"report", limit.DefaultReport, func(h ...string) response {
			return c.post("/public/report", url.Values{"title": {"x"}}, h...)
		}, "6", "提交过于频繁，请 6 秒后再试", "Too many reports from this address: try again in 6 seconds"},
		{"query", limit.DefaultQuery, func(h ...string) response {
			req, _ := http.NewRequest(http.MethodGet, e.ts.URL+status, nil)
			for i := 0; i+1 < len(h); i += 2 {
				req.Header.Set(h[i], h[i+1])
			}
			return c.do(req)
		}, "30", "查询过于频繁，请 30 秒后再试", "Too many look-ups from this address: try again in 30 seconds"},
		{"public reads", limit.DefaultPublic, func(h ...string) response {
			req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/public/receptions", nil)
			for i := 0; i+1 < len(h); i += 2 {
				req.Header.Set(h[i], h[i+1])
			}
			return c.do(req)
		}, "1", "请求过于频繁，请 1 秒后再试", "Too many requests from this address: try again in 1 seconds"},
	}
	for _, tt := range tests {
		for i := range tt.rate.Burst {
			if res := tt.send(); res.status == http.StatusTooManyRequests {
				t.Fatalf("%s: request %d of the burst refused", tt.name, i+1)
			}
		}
		res := tt.send()
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != tt.after ||
			!strings.Contains(res.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s over the limit: %d Retry-After %q %s", tt.name, res.status, res.header.Get("Retry-After"), res.header.Get("Content-Type"))
		}
		mustContain(t, res.body, tt.zh)
		mustContain(t, tt.send(en, "pingan_lang=en").body, tt.en)
		// A forwarded address from a peer nobody trusts changes nothing.
		if res := tt.send("X-Forwarded-For", "203.0.113.7"); res.status != http.StatusTooManyRequests {
			t.Errorf("%s: an untrusted X-Forwarded-For got a fresh bucket: %d", tt.name, res.status)
		}
	}
	// Behind a trusted proxy each client has its own bucket.
	e.srv.proxies, _ = httpx.ParseProxies("127.0.0.0/8,::1")
	for _, tt := range tests {
		if res := tt.send("X-Forwarded-For", "203.0.113.7"); res.status == http.StatusTooManyRequests {
			t.Errorf("%s: a client behind the trusted proxy shares the proxy's bucket", tt.name)
		}
		if res := tt.send(); res.status != http.StatusTooManyRequests {
			t.Errorf("%s: the proxy's own bucket refilled: %d", tt.name, res.status)
		}
	}
	e.srv.proxies = nil
	e.clock.Advance(30 * time.Second)
	for _, tt := range tests {
		if res := tt.send(); res.status == http.StatusTooManyRequests {
			t.Errorf("%s: still refused after Retry-After", tt.name)
		}
	}
}
