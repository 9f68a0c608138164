package web

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Every page the server registers, signed in or not, found or not, answers
// with the security headers: a Content-Security-Policy that allows no
// inline script and no framing, nosniff and a Referrer-Policy.
func TestHeadersOnEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wild := regexp.MustCompile(`\{[^}]*\}`)
	clients := map[string]*client{"anonymous": e.anon(), "dispatcher": e.login(e.fx.CountyDispatcher)}
	checked := 0
	for _, pattern := range append(append([]string{}, e.srv.patterns...), "GET /no/such/page", "GET /static/app.css") {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = "GET", pattern
		}
		path = strings.TrimSuffix(wild.ReplaceAllString(path, "1"), "/")
		if path == "" {
			path = "/"
		}
		for who, c := range clients {
			req, _ := http.NewRequest(method, e.ts.URL+path, nil)
			res := c.do(req)
			checked++
			csp := res.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") ||
				strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("%s %s (%s, %d): Content-Security-Policy %q", method, path, who, res.status, csp)
			}
			if res.header.Get("X-Content-Type-Options") != "nosniff" || res.header.Get("Referrer-Policy") == "" ||
				res.header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s %s (%s, %d): headers %v", method, path, who, res.status, res.header)
			}
			if res.header.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s %s: HSTS over plain HTTP", method, path)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d answers checked", checked)
	}
}

// No template carries inline script or an on…= handler, which the
// Content-Security-Policy would block anyway: behaviour lives in
// /static/*.js.
func TestNoInlineScript(t *testing.T) {
	script := regexp.MustCompile(`(?i)<script\b[^>]*>[^<]*`)
	handler := regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	js := regexp.MustCompile(`(?i)(href|src|action)\s*=\s*"\s*javascript:`)
	n := 0
	err := fs.WalkDir(assets, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(assets, path)
		if err != nil {
			return err
		}
		n++
		for _, m := range script.FindAll(b, -1) {
			if tag, body, _ := strings.Cut(string(m), ">"); !strings.Contains(tag, "src=") || strings.TrimSpace(body) != "" {
				t.Errorf("%s: inline script %q", path, m)
			}
		}
		for _, re := range []*regexp.Regexp{handler, js} {
			if m := re.Find(b); m != nil {
				t.Errorf("%s: %q", path, m)
			}
		}
		return nil
	})
	if err != nil || n < 20 {
		t.Fatalf("%d templates read: %v", n, err)
	}
}
