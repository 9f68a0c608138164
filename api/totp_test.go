package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestTOTPSession: through the API an enrolled account's password answers
// 202 with a pending token and no session; POST /session/totp completes it
// with a code, refusing a replayed one naming the field; a session whose
// role must enrol and has not is refused 403 totp.required but may sign
// out.
func TestTOTPSession(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	h := api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		TOTP: db.Users, Clock: clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	ctx := context.Background()
	signIn := func(u *pingan.User) answer {
		return send(t, h, "POST", "/api/v1/session", "", fmt.Sprintf(`{"username":%q,"password":%q}`, u.Username, storetest.Password))
	}

	// The administrator must enrol (the default policy): 403 but sign-out.
	a := signIn(fx.Admin)
	if a.status != http.StatusCreated {
		t.Fatalf("sign-in: %d %s", a.status, a.raw)
	}
	admin := str(a.body, "token")
	if a := send(t, h, "GET", "/api/v1/units", admin, ""); a.status != http.StatusForbidden || str(a.body, "error", "message_key") != "totp.required" {
		t.Errorf("a session that must enrol: %d %s", a.status, a.raw)
	}
	if a := send(t, h, "DELETE", "/api/v1/session", admin, ""); a.status != http.StatusNoContent {
		t.Errorf("its sign-out: %d %s", a.status, a.raw)
	}
	// A session the gate holds is asked again at each request: once the
	// account enrols, the same token opens at once.
	admin = str(signIn(fx.Admin).body, "token")
	for range 2 {
		if a := send(t, h, "GET", "/api/v1/units", admin, ""); a.status != http.StatusForbidden {
			t.Errorf("a session that must enrol, again: %d", a.status)
		}
	}
	enrolled, err := db.Users.BeginTOTP(ctx, fx.Admin)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := secret.TOTPCode(enrolled.Secret, secret.TOTPStep(clock.Now()))
	if _, err := db.Users.ConfirmTOTP(ctx, fx.Admin, code); err != nil {
		t.Fatal(err)
	}
	if a := send(t, h, "GET", "/api/v1/units", admin, ""); a.status != http.StatusOK {
		t.Errorf("the session once its account enrolled: %d %s", a.status, a.raw)
	}

	u := fx.CountyDispatcher
	enr, err := db.Users.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(clock.Now()))
	if _, err := db.Users.ConfirmTOTP(ctx, u, first); err != nil {
		t.Fatal(err)
	}
	a = signIn(u)
	pending := str(a.body, "pending_token")
	if a.status != http.StatusAccepted || pending == "" || str(a.body, "token") != "" || str(a.body, "second_factor") != "totp" {
		t.Fatalf("the password of an enrolled account: %d %s", a.status, a.raw)
	}
	if a := send(t, h, "GET", "/api/v1/units", pending, ""); a.status != http.StatusUnauthorized {
		t.Errorf("the pending token as a session: %d", a.status)
	}
	body := func(code string) string { return fmt.Sprintf(`{"pending_token":%q,"code":%q}`, pending, code) }
	a = send(t, h, "POST", "/api/v1/session/totp", "", body(first))
	if a.status != http.StatusUnauthorized || str(a.body, "error", "field_keys", "code") != "totp.code.replayed" {
		t.Errorf("a replayed code: %d %s", a.status, a.raw)
	}
	clock.Advance(secret.TOTPPeriod)
	next, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(clock.Now()))
	a = send(t, h, "POST", "/api/v1/session/totp", "", body(next))
	if a.status != http.StatusCreated || str(a.body, "token") == "" {
		t.Fatalf("the right code: %d %s", a.status, a.raw)
	}
	if a := send(t, h, "GET", "/api/v1/units", str(a.body, "token"), ""); a.status != http.StatusOK {
		t.Errorf("the session of the second step: %d %s", a.status, a.raw)
	}
}
