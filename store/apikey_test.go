package store_test

import (
	"testing"

	"github.com/pingan-gov/pingan"
)

// The API keys of reporting systems (接入上报): a key of the role reporter
// files cases like a user of its unit, and its Idempotency-Key answers the
// same case, on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"APIKeyReports", testAPIKeyReports},
	}...)
}

func testAPIKeyReports(t *testing.T, e *env) {
	fx := e.fx
	_, key, err := e.db.APIKeys.Add(ctx, nil, "12345热线转办", fx.County.Code, []pingan.Role{pingan.RoleReporter})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.db.APIKeys.Authenticate(ctx, key, "POST /api/v1/cases")
	if err != nil || !u.May(pingan.CapReport) || u.May(pingan.CapReadCases) {
		t.Fatalf("a reporter key: %+v %v", u, err)
	}
	idem := func(n *pingan.NewCase) { n.IdempotencyKey = "hotline-0001"; n.Source = pingan.SourceAPI }
	a := e.report(t, u, "", idem)
	b := e.report(t, u, "", idem)
	if a.ID != b.ID {
		t.Fatalf("the same key's Idempotency-Key made two cases: %s %s", a.ID, b.ID)
	}
	// Another key's Idempotency-Key is another key, and so is a user's.
	_, key2, err := e.db.APIKeys.Add(ctx, nil, "其他系统", fx.County.Code, []pingan.Role{pingan.RoleReporter})
	if err != nil {
		t.Fatal(err)
	}
	u2, err := e.db.APIKeys.Authenticate(ctx, key2, "")
	if err != nil {
		t.Fatal(err)
	}
	if c := e.report(t, u2, "", idem); c.ID == a.ID {
		t.Error("one key's Idempotency-Key answered another key's case")
	}
	if c := e.report(t, fx.GridWorker, "", idem); c.ID == a.ID {
		t.Error("a key's Idempotency-Key answered a user's report")
	}
	// An administrator's key is refused.
	_, _, err = e.db.APIKeys.Add(ctx, nil, "管理", fx.County.Code, []pingan.Role{pingan.RoleAdmin})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "roles") == "" {
		t.Errorf("an administrator's key: %v", err)
	}
}
