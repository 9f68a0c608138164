package main

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestTOTPResetCommand: the operator resets the second factor of an
// account whose phone is lost (the last security administrator's, say):
// its password alone signs in again, to enrol anew.
func TestTOTPResetCommand(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	f := dbFlags{data: storetest.DataDir(t), passwords: secret.TestParams}
	ctx := context.Background()
	db, err := f.open(ctx, pingan.SystemClock, true)
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.Seed(t, db)
	u := fx.SecAdmin
	enr, err := db.Users.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := secret.TOTPCode(enr.Secret, secret.TOTPStep(pingan.SystemClock.Now()))
	if _, err := db.Users.ConfirmTOTP(ctx, u, code); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, err := runCmd(t, "user", "totp-reset", "--username", u.Username, "--data", f.data); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := runCmd(t, "user", "totp-reset", "--username", "nobody", "--data", f.data); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("a reset of nobody: %v\n%s", err, out)
	}
	db, err = f.open(ctx, pingan.SystemClock, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if sess, err := db.Users.Login(ctx, u.Username, storetest.Password); err != nil || sess.Pending {
		t.Errorf("Login after the reset = %+v, %v; want a session", sess, err)
	}
}
