package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Two-factor sign-in (store/totp.go), on both databases: enrolment, a code
// taken once, the skew, replays refused, recovery codes once, the lockout
// shared with passwords, the pending sign-in's expiry, the policy and the
// security administrator's reset.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"TOTPSignIn", testTOTPSignIn},
		{"TOTPLockout", testTOTPLockout},
		{"TOTPPolicyReset", testTOTPPolicyReset},
	}...)
}

// codeAt answers the code of the secret for the step of t.
func codeAt(t *testing.T, key string, at time.Time) string {
	t.Helper()
	c, err := secret.TOTPCode(key, secret.TOTPStep(at))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// refusedFor fails unless err is code with the field "code" saying key.
func refusedFor(t *testing.T, what string, err error, code, key string) {
	t.Helper()
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != code || pe.Fields["code"].Key != key {
		t.Errorf("%s: %v, want %s naming the code with %s", what, err, code, key)
	}
}

// enrol enrolls u and answers the secret and the recovery codes; the code
// confirming is of the current step.
func enrol(t *testing.T, e *env, u *pingan.User) (string, []string) {
	t.Helper()
	ctx := context.Background()
	enr, err := e.db.Users.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := e.db.Users.ConfirmTOTP(ctx, u, codeAt(t, enr.Secret, e.clock.Now()))
	if err != nil || len(codes) != secret.RecoveryCodes {
		t.Fatalf("ConfirmTOTP = %v, %v", codes, err)
	}
	return enr.Secret, codes
}

// signInPending signs in with the password and answers the pending token.
func signInPending(t *testing.T, e *env, u *pingan.User) string {
	t.Helper()
	sess, err := e.db.Users.Login(context.Background(), u.Username, storetest.Password)
	if err != nil || !sess.Pending {
		t.Fatalf("Login of an enrolled account = %+v, %v; want a pending sign-in", sess, err)
	}
	return sess.Token
}

func testTOTPSignIn(t *testing.T, e *env) {
	ctx := context.Background()
	u := e.fx.CountyDispatcher
	enr, err := e.db.Users.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := e.db.Users.BeginTOTP(ctx, u); err != nil || again.Secret != enr.Secret {
		t.Errorf("a second BeginTOTP = %v, %v; want the same secret", again, err)
	}
	var sealed []byte
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT secret_sealed FROM totp WHERE user_id = $1`, u.ID).Scan(&sealed); err != nil ||
		bytes.Contains(sealed, []byte(enr.Secret)) {
		t.Errorf("the secret is kept in the clear (%v)", err)
	}
	if _, err := e.db.Users.ConfirmTOTP(ctx, u, "000000"); pingan.ErrorCode(err) != pingan.EINVALID ||
		pingan.FieldTexts(err, pingan.EN)["code"] == "" {
		t.Errorf("a wrong confirming code: %v, want EINVALID naming the code", err)
	}
	// Before the enrolment is confirmed, the password alone signs in.
	if sess, err := e.db.Users.Login(ctx, u.Username, storetest.Password); err != nil || sess.Pending {
		t.Errorf("Login before confirming = %+v, %v; want a session", sess, err)
	}
	key, recovery := enrol(t, e, u)
	if _, err := e.db.Users.ConfirmTOTP(ctx, u, codeAt(t, key, e.clock.Now())); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("a second ConfirmTOTP: %v, want ECONFLICT", err)
	}

	// The password gives a pending sign-in, which is no session.
	pending := signInPending(t, e, u)
	if _, err := e.db.Users.Authenticate(ctx, pending); err == nil {
		t.Error("a pending sign-in authenticates as a session")
	}
	// The code that confirmed the enrolment is taken: replaying it is refused.
	_, err = e.db.Users.CompleteLogin(ctx, pending, codeAt(t, key, e.clock.Now()))
	refusedFor(t, "the confirming code again", err, pingan.EUNAUTHORIZED, "totp.code.replayed")
	// A minute later, the code of the step before now's is still taken (skew).
	e.clock.Advance(time.Minute)
	prev := codeAt(t, key, e.clock.Now().Add(-secret.TOTPPeriod))
	sess, err := e.db.Users.CompleteLogin(ctx, pending, prev)
	if err != nil || sess.Pending || sess.Token == pending {
		t.Fatalf("CompleteLogin with the previous step's code = %+v, %v", sess, err)
	}
	if who, err := e.db.Users.Authenticate(ctx, sess.Token); err != nil || who.ID != u.ID {
		t.Errorf("the session of the second step: %v, %v", who, err)
	}
	if _, err := e.db.Users.CompleteLogin(ctx, pending, codeAt(t, key, e.clock.Now())); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("a pending sign-in used twice: %v", err)
	}

	// The same code on a new pending sign-in: replayed. A code of five
	// minutes ago: expired. Six digits of nothing: wrong.
	pending = signInPending(t, e, u)
	_, err = e.db.Users.CompleteLogin(ctx, pending, prev)
	refusedFor(t, "a code used before", err, pingan.EUNAUTHORIZED, "totp.code.replayed")
	_, err = e.db.Users.CompleteLogin(ctx, pending, codeAt(t, key, e.clock.Now().Add(-5*time.Minute)))
	refusedFor(t, "a code of five minutes ago", err, pingan.EUNAUTHORIZED, "totp.code.expired")
	// A recovery code signs in once, typed with or without its dash.
	if sess, err := e.db.Users.CompleteLogin(ctx, pending, recovery[0][:5]+recovery[0][6:]); err != nil || sess.Pending {
		t.Fatalf("CompleteLogin with a recovery code = %+v, %v", sess, err)
	}
	pending = signInPending(t, e, u)
	_, err = e.db.Users.CompleteLogin(ctx, pending, recovery[0])
	refusedFor(t, "a used recovery code", err, pingan.EUNAUTHORIZED, "totp.recovery.used")
	_, err = e.db.Users.CompleteLogin(ctx, pending, "abcde-fghij")
	refusedFor(t, "a recovery code of nobody", err, pingan.EUNAUTHORIZED, "totp.code.wrong")
	if st, err := e.db.Users.TOTPState(ctx, u); err != nil || !st.Enabled || st.RecoveryLeft != secret.RecoveryCodes-1 {
		t.Errorf("TOTPState = %+v, %v; want enabled with %d codes left", st, err, secret.RecoveryCodes-1)
	}
	// The pending sign-in lasts TOTPPendingLifetime.
	e.clock.Advance(pingan.TOTPPendingLifetime + time.Second)
	if _, err := e.db.Users.CompleteLogin(ctx, pending, codeAt(t, key, e.clock.Now())); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("an expired pending sign-in: %v, want EUNAUTHORIZED", err)
	}

	// Disabling takes a current code, and the password alone signs in again.
	e.clock.Advance(time.Minute)
	if err := e.db.Users.DisableTOTP(ctx, u, "000000"); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("DisableTOTP with a wrong code: %v", err)
	}
	if err := e.db.Users.DisableTOTP(ctx, u, codeAt(t, key, e.clock.Now())); err != nil {
		t.Fatal(err)
	}
	if sess, err := e.db.Users.Login(ctx, u.Username, storetest.Password); err != nil || sess.Pending {
		t.Errorf("Login after disabling = %+v, %v", sess, err)
	}
	want := []string{"totp_enrolled", "totp_failed", "totp_recovery", "totp_disabled"}
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT DISTINCT action FROM audit WHERE action LIKE 'totp%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a string
		rows.Scan(&a)
		got = append(got, a)
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("no audit row %s (have %v)", w, got)
		}
	}
}

// testTOTPLockout: wrong codes count with the password towards the
// lockout; once locked, the pending sign-in is gone and the password is
// refused.
func testTOTPLockout(t *testing.T, e *env) {
	ctx := context.Background()
	u := e.fx.CountyDispatcher
	key, _ := enrol(t, e, u)
	e.clock.Advance(time.Minute)
	pending := signInPending(t, e, u) // the first attempt of MaxFailedLogins
	var err error
	for i := 2; i <= pingan.MaxFailedLogins; i++ {
		_, err = e.db.Users.CompleteLogin(ctx, pending, "000000")
		if i < pingan.MaxFailedLogins {
			refusedFor(t, "a wrong code", err, pingan.EUNAUTHORIZED, "totp.code.wrong")
		}
	}
	if pingan.ErrorCode(err) != pingan.ETOOMANY {
		t.Errorf("the wrong code that fills the count: %v, want ETOOMANY", err)
	}
	if _, err := e.db.Users.CompleteLogin(ctx, pending, codeAt(t, key, e.clock.Now())); err == nil {
		t.Error("a right code after the lock signs in")
	}
	if _, err := e.db.Users.Login(ctx, u.Username, storetest.Password); pingan.ErrorCode(err) != pingan.ETOOMANY {
		t.Errorf("the password while locked: %v, want ETOOMANY", err)
	}
}

func testTOTPPolicyReset(t *testing.T, e *env) {
	ctx := context.Background()
	fx := e.fx
	p, err := e.db.Users.TOTPPolicy(ctx)
	if err != nil || !slices.Equal(p.Roles, pingan.DefaultTOTPRoles) {
		t.Errorf("the default policy = %v, %v", p, err)
	}
	for u, want := range map[*pingan.User]bool{fx.Admin: true, fx.SecAdmin: true, fx.Auditor: true, fx.CountyDispatcher: false} {
		if missing, err := e.db.Users.TOTPMissing(ctx, u); err != nil || missing != want {
			t.Errorf("TOTPMissing(%s) = %v, %v; want %v", u.Username, missing, err, want)
		}
	}
	if err := e.db.Users.SetTOTPPolicy(ctx, fx.Admin, &pingan.TOTPPolicy{}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("the system administrator sets the policy: %v", err)
	}
	if err := e.db.Users.SetTOTPPolicy(ctx, fx.SecAdmin, &pingan.TOTPPolicy{Roles: []pingan.Role{"boss"}}); pingan.FieldTexts(err, pingan.EN)["roles"] == "" {
		t.Errorf("an unknown role: %v, want the roles named", err)
	}
	if err := e.db.Users.SetTOTPPolicy(ctx, fx.SecAdmin, &pingan.TOTPPolicy{Roles: []pingan.Role{pingan.RoleDispatcher}}); err != nil {
		t.Fatal(err)
	}
	u := fx.CountyDispatcher
	if missing, _ := e.db.Users.TOTPMissing(ctx, u); !missing {
		t.Error("a dispatcher not enrolled is not missing TOTP once dispatchers need it")
	}
	if missing, _ := e.db.Users.TOTPMissing(ctx, fx.Admin); missing {
		t.Error("the administrator still needs TOTP once only dispatchers do")
	}
	key, _ := enrol(t, e, u)
	if missing, _ := e.db.Users.TOTPMissing(ctx, u); missing {
		t.Error("an enrolled dispatcher is missing TOTP")
	}
	e.clock.Advance(time.Minute)
	if err := e.db.Users.DisableTOTP(ctx, u, codeAt(t, key, e.clock.Now())); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("disabling a required TOTP: %v, want EFORBIDDEN", err)
	}
	accounts, err := e.db.Users.TOTPAccounts(ctx, fx.SecAdmin)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(accounts, func(a *pingan.TOTPAccount) bool { return a.User.ID == u.ID })
	if i < 0 || !accounts[i].Enabled || !accounts[i].Required || accounts[i].RecoveryLeft != secret.RecoveryCodes {
		t.Errorf("TOTPAccounts: the dispatcher %+v", accounts[max(i, 0)])
	}
	if _, err := e.db.Users.TOTPAccounts(ctx, fx.Admin); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("the system administrator lists the accounts: %v", err)
	}

	// A lost phone: the security administrator resets, the account signs
	// in with its password and must enrol again.
	if err := e.db.Users.ResetTOTP(ctx, fx.Admin, u.Username); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("the system administrator resets: %v", err)
	}
	if err := e.db.Users.ResetTOTP(ctx, fx.SecAdmin, "nobody"); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("a reset of nobody: %v", err)
	}
	// A session signed in with the authenticator before the reset ends
	// with it: whoever holds the phone may have opened it.
	e.clock.Advance(time.Minute)
	before, err := e.db.Users.CompleteLogin(ctx, signInPending(t, e, u), codeAt(t, key, e.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Users.ResetTOTP(ctx, fx.SecAdmin, u.Username); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.Authenticate(ctx, before.Token); err == nil {
		t.Error("a session of before the reset still authenticates")
	}
	if sess, err := e.db.Users.Login(ctx, u.Username, storetest.Password); err != nil || sess.Pending {
		t.Errorf("Login after a reset = %+v, %v; want a session", sess, err)
	}
	if missing, _ := e.db.Users.TOTPMissing(ctx, u); !missing {
		t.Error("after a reset the account is not missing TOTP")
	}
	var n int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'totp_reset'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit rows of the reset: %d, %v", n, err)
	}
}
