package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/internal/limit"
)

// Over real HTTP, sign-ins through the API are limited per address: the
// burst goes through (wrong passwords answer 401), then 429 with
// Retry-After in whole seconds and the JSON error body in the caller's
// language.
func TestSignInLimit(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	n := 0 // a new account each time: the lockout per account stays out of it
	post := func(lang string) (*http.Response, map[string]map[string]any) {
		n++
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session", strings.NewReader(fmt.Sprintf(`{"username":"nobody%d","password":"wrong"}`, n)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", lang)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		return res, body
	}
	for i := range limit.DefaultSignIn.Burst {
		if res, _ := post("zh"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("sign-in %d of the burst: %d", i+1, res.StatusCode)
		}
	}
	res, body := post("zh")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "6" ||
		body["error"]["code"] != "too_many_requests" || body["error"]["message"] != "登录尝试过于频繁，请 6 秒后再试" ||
		body["error"]["message_key"] != "limit.signin" {
		t.Errorf("over the limit: %d Retry-After %q %v", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if _, body := post("en"); body["error"]["message"] != "Too many sign-in attempts from this address: try again in 6 seconds" {
		t.Errorf("in English: %v", body)
	}
}
