package api_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
)

// A reporting system's key (接入上报) files cases on the JSON API with
// Authorization: Bearer, its Idempotency-Key answering the same case, and
// may read nothing; a revoked key is refused at the next request.
func TestReporterKey(t *testing.T) {
	e := newEnv(t)
	h := api.New(api.Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases,
		Stats: e.db.Stats, Grids: e.db.Grids, Keys: e.db.APIKeys, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}).Handler()
	_, key, err := e.db.APIKeys.Add(t.Context(), nil, "12345热线", "620902", []pingan.Role{pingan.RoleReporter})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"kind":"hazard","category":"AQ02","title":"餐馆燃气管道老化","unit":"620902001002"}`
	first := send(t, h, "POST", "/api/v1/cases", key, body, "Idempotency-Key: GD-20260302-0001")
	if first.status != http.StatusCreated || str(first.body, "source") != "api" {
		t.Fatalf("a reporter key's report: %d %s", first.status, first.raw)
	}
	again := send(t, h, "POST", "/api/v1/cases", key, body, "Idempotency-Key: GD-20260302-0001")
	if again.status/100 != 2 || str(again.body, "id") != str(first.body, "id") {
		t.Errorf("the replay: %d %s, want the case %s", again.status, again.raw, str(first.body, "id"))
	}
	// Outside its unit's subtree: the place is not found for it.
	if a := send(t, h, "POST", "/api/v1/cases", key, `{"kind":"hazard","category":"AQ02","title":"金塔县的隐患","unit":"620921"}`); a.status != http.StatusBadRequest || a.errFields()["unit"] == nil {
		t.Errorf("a report outside the key's subtree: %d %s", a.status, a.raw)
	}
	// A reporter reads nothing.
	for _, p := range []string{"/api/v1/cases", "/api/v1/cases/" + str(first.body, "id"), "/api/v1/stats"} {
		if a := send(t, h, "GET", p, key, ""); a.status != http.StatusForbidden {
			t.Errorf("GET %s with a reporter key: %d, want 403", p, a.status)
		}
	}
	if err := e.db.APIKeys.Revoke(t.Context(), nil, "12345热线"); err != nil {
		t.Fatal(err)
	}
	if a := send(t, h, "POST", "/api/v1/cases", key, body); a.status != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d %s", a.status, a.raw)
	}
}
