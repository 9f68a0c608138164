package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

var (
	totpSecretRe = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	recoveryRe   = regexp.MustCompile(`<li>([a-z2-7]{5}-[a-z2-7]{5})</li>`)
)

// requireTOTP sets the default policy: administrators and leaders must use
// two-factor sign-in.
func requireTOTP(t *testing.T, e *env) {
	t.Helper()
	if err := e.db.Users.SetTOTPPolicy(context.Background(), nil, &pingan.TOTPPolicy{Roles: pingan.DefaultTOTPRoles}); err != nil {
		t.Fatal(err)
	}
}

// passwordStep signs in with the password alone and answers the client
// and where it was sent.
func passwordStep(e *env, u *pingan.User) (*client, string) {
	e.t.Helper()
	c := e.anon()
	res := c.post("/login", url.Values{"username": {u.Username}, "password": {storetest.Password}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d: %s", u.Username, res.status, res.body)
	}
	return c, res.location
}

// TestTOTPLimitedSession: an administrator whose role must use TOTP and who
// has not enrolled reaches the enrolment page alone; enrolling shows the
// recovery codes once, uncached, and opens the other pages.
func TestTOTPLimitedSession(t *testing.T) {
	e := newEnv(t)
	requireTOTP(t, e)
	c, _ := passwordStep(e, e.fx.Admin)
	if res := c.get("/admin/units"); res.status != http.StatusSeeOther || res.location != "/account/totp" {
		t.Fatalf("a page before enrolling: %d → %q, want the enrolment page", res.status, res.location)
	}
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/picker/units", nil)
	req.Header.Set("Accept", "application/json")
	if res := c.do(req); res.status != http.StatusForbidden {
		t.Errorf("JSON before enrolling: %d, want 403", res.status)
	}
	page := c.get("/account/totp")
	m := totpSecretRe.FindStringSubmatch(page.body)
	if page.status != http.StatusOK || m == nil || !strings.Contains(page.body, `<svg`) || !strings.Contains(page.body, `id="totp-limited"`) {
		t.Fatalf("the enrolment page (%d) shows no secret, QR code or limit: %.400s", page.status, page.body)
	}
	if strings.Contains(page.body, `<nav class="main"`) {
		t.Error("the enrolment page of a limited session draws the menu of pages it cannot open")
	}
	c.csrf = csrfRe.FindStringSubmatch(page.body)[1]
	if res := c.post("/account/totp/confirm", url.Values{"code": {"000000"}}); res.status != http.StatusBadRequest ||
		!strings.Contains(res.body, "动态验证码错误") {
		t.Errorf("a wrong code: %d %.300s", res.status, res.body)
	}
	code, _ := secret.TOTPCode(m[1], secret.TOTPStep(e.clock.Now()))
	res := c.post("/account/totp/confirm", url.Values{"code": {code}})
	if res.status != http.StatusOK || len(recoveryRe.FindAllString(res.body, -1)) != secret.RecoveryCodes ||
		res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("enrolling: %d, cache %q, %d recovery codes", res.status, res.header.Get("Cache-Control"), len(recoveryRe.FindAllString(res.body, -1)))
	}
	if res := c.get("/admin/units"); res.status != http.StatusOK || !strings.Contains(res.body, `<nav class="main"`) {
		t.Errorf("a page after enrolling: %d, with its menu: %v", res.status, strings.Contains(res.body, `<nav class="main"`))
	}
	if again := c.get("/account/totp"); recoveryRe.MatchString(again.body) {
		t.Error("the recovery codes are shown again")
	}
}

// TestTOTPTwoStepSignIn: with TOTP enabled, the password gives no session,
// only a pending sign-in held by that browser; the code completes it, and
// a wrong or replayed code is refused naming the field.
func TestTOTPTwoStepSignIn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.fx.CountyDispatcher
	enr, err := e.db.Users.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(e.clock.Now()))
	if _, err := e.db.Users.ConfirmTOTP(ctx, u, first); err != nil {
		t.Fatal(err)
	}
	c, to := passwordStep(e, u)
	if !strings.HasPrefix(to, "/login/totp") {
		t.Fatalf("the password sent the browser to %q, want the code's page", to)
	}
	if res := c.get("/inbox"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
		t.Errorf("a page between the steps: %d → %q, want the sign-in", res.status, res.location)
	}
	if res := c.get(to); res.status != http.StatusOK || !strings.Contains(res.body, `name="code"`) {
		t.Fatalf("the code's page: %d", res.status)
	}
	// Another browser without the pending cookie gets nowhere.
	if res := e.anon().post("/login/totp", url.Values{"code": {first}}); res.status != http.StatusSeeOther ||
		!strings.HasPrefix(res.location, "/login?") {
		t.Errorf("the second step without the first: %d → %q", res.status, res.location)
	}
	res := c.post("/login/totp", url.Values{"code": {first}})
	if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "该动态验证码已使用过") || !strings.Contains(res.body, "field-error") {
		t.Errorf("a replayed code: %d %.300s", res.status, res.body)
	}
	e.clock.Advance(secret.TOTPPeriod)
	next, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(e.clock.Now()))
	if res := c.post("/login/totp", url.Values{"code": {next}, "next": {"/inbox"}}); res.status != http.StatusSeeOther || res.location != "/inbox" {
		t.Fatalf("the right code: %d → %q %.300s", res.status, res.location, res.body)
	}
	if res := c.get("/inbox"); res.status != http.StatusOK {
		t.Errorf("a page after the second step: %d", res.status)
	}

	// A pending sign-in left for longer than it lasts starts over.
	c, _ = passwordStep(e, u)
	e.clock.Advance(pingan.TOTPPendingLifetime + time.Minute)
	later, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(e.clock.Now()))
	if res := c.post("/login/totp", url.Values{"code": {later}}); res.status != http.StatusUnauthorized ||
		!strings.Contains(res.body, "登录已超时") {
		t.Errorf("an expired pending sign-in: %d %.300s", res.status, res.body)
	}
}

// TestTOTPAdminReset: the security administrator sees the accounts and
// resets one; the system administrator may not open the page.
func TestTOTPAdminReset(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.fx.CountyDispatcher
	enr, _ := e.db.Users.BeginTOTP(ctx, u)
	code, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(e.clock.Now()))
	if _, err := e.db.Users.ConfirmTOTP(ctx, u, code); err != nil {
		t.Fatal(err)
	}
	if res := e.login(e.fx.Admin).get("/admin/totp"); res.status != http.StatusForbidden {
		t.Errorf("the system administrator opens /admin/totp: %d", res.status)
	}
	c, _ := passwordStep(e, e.fx.SecAdmin)
	page := c.get("/admin/totp")
	if page.status != http.StatusOK || !strings.Contains(page.body, `data-user="`+u.Username+`"`) {
		t.Fatalf("/admin/totp: %d", page.status)
	}
	c.csrf = csrfRe.FindStringSubmatch(page.body)[1]
	if res := c.post("/admin/totp/reset", url.Values{"username": {u.Username}}); res.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %.300s", res.status, res.body)
	}
	if _, to := passwordStep(e, u); strings.HasPrefix(to, "/login/totp") {
		t.Error("after a reset the password still asks for a code")
	}
	if res := c.post("/admin/totp/policy", url.Values{"role": {"dispatcher"}}); res.status != http.StatusSeeOther {
		t.Fatalf("policy: %d %.300s", res.status, res.body)
	}
	if missing, _ := e.db.Users.TOTPMissing(ctx, u); !missing {
		t.Error("the policy saved on the page does not hold")
	}
}
