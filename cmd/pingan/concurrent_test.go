package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestConcurrentRequests serves the pages and the API to several clients at
// once — reports filed, lists, a case, the statistics, the inbox, the
// dashboard and the public pages — so that the race detector's pass of the
// README's test command watches the handlers' shared state (caches, the
// sessions, the templates) under concurrent requests. Nothing may answer
// 5xx, and every report filed must be found afterwards.
func TestConcurrentRequests(t *testing.T) {
	data := storetest.DataDir(t)
	f := dbFlags{data: data, passwords: secret.TestParams}
	seed, err := f.open(context.Background(), pingan.SystemClock, true)
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.Seed(t, seed)
	storetest.SeedGrids(t, seed, fx)
	seed.Close()
	base := serve(t, f)

	do := func(c *http.Client, method, path, token, body string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	signIn := func(u *pingan.User) string {
		_, b := do(http.DefaultClient, "POST", "/api/v1/session", "", fmt.Sprintf(`{"username":%q,"password":%q}`, u.Username, storetest.Password))
		var s struct{ Token string }
		if json.Unmarshal(b, &s); s.Token == "" {
			t.Fatalf("sign-in of %s: %s", u.Username, b)
		}
		return s.Token
	}
	worker, dispatcher := signIn(fx.GridWorker), signIn(fx.CountyDispatcher)
	const report = `{"kind":"dispute","category":"0402","title":"楼上漏水，物业不予处理 %d-%d","description":"富康社区 3 号楼漏水，物业推诿。",
		"address":"富康社区 3 号楼","location":{"lat":39.7546,"lng":98.5052},"reporter":{"role":"reporter","name":"张三丰","phone":"13812345678"}}`

	// One signed-in browser session, shared by every client: the sign-in
	// is rate-limited, and one session used at once is a case to watch too.
	jar, _ := cookiejar.New(nil)
	web := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {fx.CountyDispatcher.Username}, "password": {storetest.Password}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := web.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in on the pages: %v %v", err, res)
	}
	res.Body.Close()

	const clients, rounds = 6, 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	var filed []string
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				status, b := do(http.DefaultClient, "POST", "/api/v1/cases", worker, fmt.Sprintf(report, c, r))
				var created struct{ ID string }
				if json.Unmarshal(b, &created); status != http.StatusCreated || created.ID == "" {
					t.Errorf("client %d: report: %d %s", c, status, b)
					continue
				}
				mu.Lock()
				filed = append(filed, created.ID)
				mu.Unlock()
				for _, get := range []struct{ path, token string }{
					{"/api/v1/cases?limit=20", dispatcher}, {"/api/v1/cases/" + created.ID, dispatcher},
					{"/api/v1/stats", dispatcher}, {"/api/v1/units", dispatcher},
				} {
					if status, b := do(http.DefaultClient, "GET", get.path, get.token, ""); status != http.StatusOK {
						t.Errorf("client %d: GET %s: %d %s", c, get.path, status, b)
					}
				}
				for _, page := range []string{"/inbox", "/dashboard", "/cases/" + created.ID, "/public/report", "/search"} {
					if status, b := do(web, "GET", page, "", ""); status != http.StatusOK {
						t.Errorf("client %d: page %s: %d %.200s", c, page, status, b)
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(filed) != clients*rounds {
		t.Fatalf("%d reports filed, want %d", len(filed), clients*rounds)
	}
	for _, id := range filed {
		if status, b := do(http.DefaultClient, "GET", "/api/v1/cases/"+id, dispatcher, ""); status != http.StatusOK {
			t.Errorf("case %s filed concurrently: %d %s", id, status, b)
		}
	}
}
