package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLoginNextKeepsTheQuery: the page a signed-out reader asked for comes
// back whole after sign-in, its query escaped into next, also when the
// request asked for JSON.
func TestLoginNextKeepsTheQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, accept := range []string{"text/html", "application/json"} {
		req, _ := http.NewRequest("GET", e.ts.URL+"/inbox?status=reported&kind=dispute", nil)
		req.Header.Set("Accept", accept)
		res := e.anon().do(req)
		loc, err := url.Parse(res.location)
		if res.status != http.StatusSeeOther || err != nil || !strings.HasPrefix(loc.Path, "/login") {
			t.Fatalf("%s: %d %q", accept, res.status, res.location)
		}
		if got := loc.Query().Get("next"); got != "/inbox?status=reported&kind=dispute" {
			t.Errorf("%s: next %q", accept, got)
		}
	}
}
