package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestFormsAcrossServers runs two servers on one database, as behind a
// load balancer: a form the first served is accepted by the second,
// because both derive the forms' key from the same data key; a form with
// another token is refused.
func TestFormsAcrossServers(t *testing.T) {
	data := storetest.DataDir(t)
	f := dbFlags{data: data, passwords: secret.TestParams}
	ctx := context.Background()
	seed, err := f.open(ctx, pingan.SystemClock, true)
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.Seed(t, seed)
	// The administrator signs in with a password alone here; two-factor
	// sign-in has its own tests (web/totp_test.go).
	if err := seed.Users.SetTOTPPolicy(ctx, nil, &pingan.TOTPPolicy{}); err != nil {
		t.Fatal(err)
	}
	seed.Close()

	a, b := serve(t, f), serve(t, f)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// One browser: the session cookie is the same on both servers.
	post := func(base, path string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post(a, "/login", url.Values{"username": {fx.Admin.Username}, "password": {storetest.Password}}); res.StatusCode >= 400 {
		t.Fatalf("sign-in on the first server: %d", res.StatusCode)
	}
	ua, _ := url.Parse(a)
	ub, _ := url.Parse(b)
	jar.SetCookies(ub, jar.Cookies(ua))
	res, err := client.Get(a + "/admin/categories")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no anti-forgery token on the first server's page (%d)", res.StatusCode)
	}
	form := url.Values{"csrf": {string(m[1])}, "code": {"0102"}, "kind": {"dispute"}, "name": {"邻里纠纷"},
		"sign_n": {"24"}, "sign_unit": {"hours"}, "resolve_n": {"10"}, "resolve_unit": {"working"}}
	if res := post(b, "/admin/categories", form); res.StatusCode == http.StatusForbidden {
		t.Errorf("the second server refused the first server's form")
	}
	form.Set("csrf", "forged")
	if res := post(b, "/admin/categories", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("a forged token: %d, want 403", res.StatusCode)
	}
}

func TestSecureCookiesFlag(t *testing.T) {
	tests := []struct {
		addr, set string
		want      bool
	}{
		{"127.0.0.1:8080", "auto", false},
		{"localhost:8080", "auto", false},
		{"[::1]:8080", "auto", false},
		{"0.0.0.0:8080", "auto", true},
		{"10.1.2.3:80", "auto", true},
		{"127.0.0.1:8080", "on", true},
		{"0.0.0.0:8080", "off", false},
	}
	for _, tt := range tests {
		f := serveFlags{addr: tt.addr, secureCookies: tt.set}
		if got, err := f.secure(); err != nil || got != tt.want {
			t.Errorf("%s %s: %v %v, want %v", tt.addr, tt.set, got, err, tt.want)
		}
	}
	if _, err := (&serveFlags{addr: ":80", secureCookies: "sometimes"}).secure(); err == nil {
		t.Error("a bad value was accepted")
	}
}

// serve starts a server of the command on the data of f, on a free port,
// and answers its address; the test's end stops it.
func serve(t *testing.T, f dbFlags) string {
	t.Helper()
	ctx := context.Background()
	db, err := f.open(ctx, pingan.SystemClock, true)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	out, w := io.Pipe()
	e := &cmdEnv{ctx: sctx, stdin: strings.NewReader(""), stdout: w, stderr: io.Discard}
	done := make(chan struct{})
	go func() {
		e.listenAndServe(db, serveFlags{dbFlags: f, addr: "127.0.0.1:0", tick: time.Hour, secureCookies: "auto"}, pingan.SystemClock)
		w.Close()
		db.Close()
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the server did not start: %v", err)
	}
	go io.Copy(io.Discard, out)
	return strings.TrimSpace(strings.TrimPrefix(line, "pingan listening on "))
}
