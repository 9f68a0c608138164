package api_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// BenchmarkSignedInRequest is the time of a small request with a session's
// token once the session is known (GET /api/v1/units/{code}): what every
// call of a busy client pays for being signed in, the gates of two-factor
// sign-in and of the password's age included.
//
//	go test -run '^$' -bench SignedInRequest ./api/
func BenchmarkSignedInRequest(b *testing.B) {
	e := newEnvAt(b, filepath.Join(b.TempDir(), "bench.db"))
	token := e.token("city-dispatcher")
	path := "/api/v1/units/" + e.fx.City.Code
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}
