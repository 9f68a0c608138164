package api_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Signing in and out through the API is audited with the client's address.
func TestSessionAudited(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "pingan.db")
	e := newEnvAt(t, dsn)
	conn, err := sql.Open(store.DriverDSN(dsn))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	good := fmt.Sprintf(`{"username":"sz-dispatcher","password":%q}`, storetest.Password)
	if a := send(t, e.h, "POST", "/api/v1/session", "", `{"username":"sz-dispatcher","password":"wrong-password"}`); a.status != 401 {
		t.Fatalf("wrong password: %d %s", a.status, a.raw)
	}
	a := send(t, e.h, "POST", "/api/v1/session", "", good)
	if a.status != http.StatusCreated {
		t.Fatalf("login: %d %s", a.status, a.raw)
	}
	if a := send(t, e.h, "DELETE", "/api/v1/session", str(a.body, "token"), ""); a.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", a.status, a.raw)
	}
	// The rows of the sign-ins, not of the fixture's accounts' creation.
	rows, err := conn.QueryContext(t.Context(), `SELECT action, detail FROM audit WHERE case_id = '' AND action <> 'user_create' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var action, detail string
		var d map[string]string
		rows.Scan(&action, &detail)
		json.Unmarshal([]byte(detail), &d)
		got = append(got, action+" "+d["username"]+" "+d["source"])
	}
	// httptest's requests come from 192.0.2.1, a documentation address.
	want := fmt.Sprint([]string{"login_failed sz-dispatcher 192.0.2.1", "login sz-dispatcher 192.0.2.1", "logout sz-dispatcher 192.0.2.1"})
	if fmt.Sprint(got) != want {
		t.Errorf("audit %v, want %s", got, want)
	}
}

// A disabled account's token stops working on this server within the
// session cache's TTL, and at once where nothing caches it.
func TestDisabledAccountToken(t *testing.T) {
	e := newEnv(t)
	tok := e.token("sz-leader")
	if a := send(t, e.h, "GET", "/api/v1/units", tok, ""); a.status != 200 {
		t.Fatalf("leader: %d %s", a.status, a.raw)
	}
	if err := e.db.Users.DisableUser(t.Context(), e.fx.Admin, "sz-leader"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(api.DefaultSessionCacheTTL)
	if a := send(t, e.h, "GET", "/api/v1/units", tok, ""); a.status != 401 {
		t.Errorf("a disabled account's token after the TTL: %d %s", a.status, a.raw)
	}
	good := fmt.Sprintf(`{"username":"sz-leader","password":%q}`, storetest.Password)
	if a := send(t, e.h, "POST", "/api/v1/session", "", good); a.status != 401 || a.errCode() != pingan.EUNAUTHORIZED {
		t.Errorf("a disabled account signs in: %d %s", a.status, a.raw)
	}
}
