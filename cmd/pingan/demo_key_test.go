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
