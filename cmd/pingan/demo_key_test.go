package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The demo's Open311 key: printed at each start, a reporter of the city;
// the last start's is revoked.
func TestDemoOpen311Key(t *testing.T) {
	db := storetest.Open(t)
	storetest.Seed(t, db)
	ctx := context.Background()
	keyRe := regexp.MustCompile(pingan.APIKeyPrefix + `[a-z2-7]+`)
	var keys []string
	for range 2 {
		var out bytes.Buffer
		e := &cmdEnv{ctx: ctx, stdout: &out, stderr: &out}
		if err := demoOpen311Key(e, db, "620900", "127.0.0.1:8080"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "http://127.0.0.1:8080/open311/v2/services.json") {
			t.Errorf("no request to try:\n%s", out.String())
		}
		keys = append(keys, keyRe.FindString(out.String()))
	}
	if _, err := db.APIKeys.Authenticate(ctx, keys[0], ""); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("the first start's key still works: %v", err)
	}
	u, err := db.APIKeys.Authenticate(ctx, keys[1], "")
	if err != nil || u.UnitCode != "620900" || !u.Has(pingan.RoleReporter) {
		t.Errorf("the demo's key: %+v %v", u, err)
	}
}

// TestDemoSignIn: the demo's server lets every account sign in with its
// password alone, where a fresh deployment requires two-factor sign-in of
// its administrators and leaders, and their passwords do not expire, where
// a fresh deployment's last 90 days.
func TestDemoSignIn(t *testing.T) {
	db := storetest.Open(t)
	storetest.Seed(t, db)
	ctx := context.Background()
	if p, err := db.Users.TOTPPolicy(ctx); err != nil || len(p.Roles) == 0 {
		t.Fatalf("a fresh deployment requires two-factor sign-in of no role: %+v %v", p, err)
	}
	// The fixture's passwords never expire; a deployment's, by default, do.
	p := pingan.DefaultSecurityPolicy()
	if err := db.Security.SetSecurityPolicy(ctx, nil, &p); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := demoSignIn(&cmdEnv{ctx: ctx, stdout: &out, stderr: &out}, db); err != nil {
		t.Fatal(err)
	}
	if p, err := db.Users.TOTPPolicy(ctx); err != nil || len(p.Roles) != 0 {
		t.Errorf("the demo requires two-factor sign-in of %+v (%v)", p, err)
	}
	if p, err := db.Security.SecurityPolicy(ctx); err != nil || p.ExpiryDays != 0 {
		t.Errorf("the demo's passwords expire after %d days (%v)", p.ExpiryDays, err)
	}
	for _, page := range []string{"/admin/totp", "/admin/security"} {
		if !strings.Contains(out.String(), page) {
			t.Errorf("the demo does not say so (%s):\n%s", page, out.String())
		}
	}
}
