package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Two-factor sign-in in a browser: an administrator, whose role must use
// TOTP, signs in and is held to the enrolment page; reads the secret from
// the page (as an authenticator app reads the QR code), confirms with a
// code, sees the recovery codes, signs out, and signs in again with the
// password and then a code.
func TestBrowserTOTP(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	requireTOTP(t, e)
	base, dir := e.ts.URL, shots(t)
	code := func(key string) string {
		c, err := secret.TOTPCode(key, secret.TOTPStep(e.clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	browserLogin(t, ctx, base, e.fx.Admin.Username)
	do(t, ctx, "the enrolment page", chromedp.WaitVisible(chromedp.ID("totp-qr")))
	if got := text(t, ctx, "#totp-limited"); !strings.Contains(got, "双因素认证") {
		t.Errorf("the limit's note: %q", got)
	}
	key := text(t, ctx, "#totp-secret")
	shot(t, ctx, dir, "totp-enrol")
	do(t, ctx, "enrol",
		chromedp.SetValue(chromedp.ID("totp-confirm-code"), code(key)),
		chromedp.Click(chromedp.ID("totp-confirm-submit")),
		chromedp.WaitVisible(chromedp.ID("totp-recovery")))
	if n := strings.Count(text(t, ctx, "#totp-recovery ol"), "-"); n != secret.RecoveryCodes {
		t.Errorf("%d recovery codes shown, want %d", n, secret.RecoveryCodes)
	}
	shot(t, ctx, dir, "totp-recovery")
	browserLogout(t, ctx)

	e.clock.Advance(secret.TOTPPeriod) // the next code: the first is taken
	do(t, ctx, "password",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SetValue(chromedp.ID("username"), e.fx.Admin.Username),
		chromedp.SetValue(chromedp.ID("password"), storetest.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("totp-code")))
	do(t, ctx, "code",
		chromedp.SetValue(chromedp.ID("totp-code"), code(key)),
		chromedp.Click(chromedp.ID("totp-submit")),
		chromedp.WaitVisible(chromedp.ID("logout")))
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || path != landing(e.fx.Admin) {
		t.Errorf("after the code: %q %v, want the landing page", path, err)
	}
	shot(t, ctx, dir, "totp-signed-in")
}
