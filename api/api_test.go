package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The scenario tests drive the whole handler over a real store: a fresh
// SQLite file seeded with the storetest fixture (a small city with users of
// every role), on a clock the tests move.

type env struct {
	t     testing.TB
	db    *store.DB
	fx    *storetest.Fixture
	clock *storetest.Clock
	h     http.Handler

	mu     sync.Mutex
	tokens map[string]string // username → bearer token
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvAt(t, "")
}

// newEnvAt is newEnv over the database at dsn: a SQLite file ("" for a
// fresh one) or a PostgreSQL URL.
func newEnvAt(t testing.TB, dsn string) *env {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	srv := api.New(api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Grids: db.Grids,
		Calendar: db.Calendar, Holidays: db.Calendar, Campaigns: db.Campaigns, Mediation: db.Mediation, Settings: db.Settings, AuditTrail: db.Audit,
		Petitions: db.Petitions,
		Security:  db.Security,
		Clock:     clock,
		Logger:    slog.New(slog.DiscardHandler),
	})
	return &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (a answer) errCode() string    { return str(a.body, "error", "code") }
func (a answer) errMessage() string { return str(a.body, "error", "message") }
func (a answer) errFields() map[string]any {
	e, _ := a.body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// str digs a string out of nested JSON objects.
func str(m map[string]any, path ...string) string {
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = o[k]
	}
	s, _ := v.(string)
	return s
}

// do sends a request with the token of user ("" for none); hdr holds
// extra headers as "Name: value".
func (e *env) do(method, path, user, body string, hdr ...string) answer {
	e.t.Helper()
	token := ""
	if user != "" {
		token = e.token(user)
	}
	return send(e.t, e.h, method, path, token, body, hdr...)
}

func send(t testing.TB, h http.Handler, method, path, token, body string, hdr ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, kv := range hdr {
		k, v, _ := strings.Cut(kv, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
			t.Fatalf("%s %s: the answer is not JSON: %v\n%s", method, path, err, rec.Body.String())
		}
	}
	return a
}

// token logs user in through the API once and remembers the token.
func (e *env) token(user string) string {
	e.t.Helper()
	e.mu.Lock()
	tok, ok := e.tokens[user]
	e.mu.Unlock()
	if ok {
		return tok
	}
	a := send(e.t, e.h, "POST", "/api/v1/session", "", fmt.Sprintf(`{"username":%q,"password":%q}`, user, storetest.Password))
	if a.status != http.StatusCreated || str(a.body, "token") == "" {
		e.t.Fatalf("login %s: %d %s", user, a.status, a.raw)
	}
	tok = str(a.body, "token")
	e.mu.Lock()
	e.tokens[user] = tok
	e.mu.Unlock()
	return tok
}

// advance moves the clock on by d and forgets the tokens, which may have
// expired; the next request logs in again.
func (e *env) advance(d time.Duration) {
	e.clock.Advance(d)
	e.mu.Lock()
	clear(e.tokens)
	e.mu.Unlock()
}

// report files a case as user and answers its id.
func (e *env) report(user, body string, hdr ...string) string {
	e.t.Helper()
	a := e.do("POST", "/api/v1/cases", user, body, hdr...)
	if a.status != http.StatusCreated {
		e.t.Fatalf("report as %s: %d %s", user, a.status, a.raw)
	}
	return str(a.body, "id")
}

// broughtPhoto answers the reference of a photo that the county's
// housing handler brought (as through the pages): with a comment on a case
// of last year's dispatched to them, which no count of this year sees.
func (e *env) broughtPhoto(handler *pingan.User, text string) string {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.db.Cases.CreateCase(ctx, e.fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0402",
		Title: "楼道渗水", Unit: "620902001001", Source: pingan.SourceHotline, ReportedAt: e.clock.Now().AddDate(-1, 0, 0)})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, in := range []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: handler.UnitCode}} {
		if _, err := e.db.Cases.Act(ctx, e.fx.CountyDispatcher, c.ID, in); err != nil {
			e.t.Fatalf("%s: %v", in.Action, err)
		}
	}
	return storetest.AttachPhoto(e.t, e.db.Cases, handler, c.ID, storetest.PNG(text))
}

// timelineLen answers how many timeline entries the case has.
func (e *env) timelineLen(id string) int {
	e.t.Helper()
	a := e.do("GET", "/api/v1/cases/"+id+"/timeline", "admin", "")
	if a.status != http.StatusOK {
		e.t.Fatalf("timeline: %d %s", a.status, a.raw)
	}
	acts, _ := a.body["actions"].([]any)
	return len(acts)
}

const neighbourDispute = `{"kind":"dispute","category":"0402","title":"楼上漏水，物业不予处理",
	"description":"富康社区 3 号楼 502 室漏水至 402 室，物业推诿。","address":"富康社区 3 号楼",
	"location":{"lat":39.7446,"lng":98.5102},
	"reporter":{"role":"reporter","name":"张三丰","phone":"13812345678"}}`

// TestCaseLoop walks a case around the closed loop through the HTTP
// handler — report → accept → dispatch → sign → resolve → close → rate —
// with the refusals a real day brings at each step.
func TestCaseLoop(t *testing.T) {
	e := newEnv(t)
	created := e.do("POST", "/api/v1/cases", "fk-grid", neighbourDispute)
	if created.status != http.StatusCreated {
		t.Fatalf("report: %d %s", created.status, created.raw)
	}
	id := str(created.body, "id")
	if got := created.header.Get("Location"); got != "/api/v1/cases/"+id {
		t.Errorf("Location = %q", got)
	}
	if st, unit, src := str(created.body, "status"), str(created.body, "unit"), str(created.body, "source"); st != "reported" || unit != "620902001001" || src != "grid_worker" {
		t.Errorf("reported case: status %s unit %s source %s", st, unit, src)
	}
	if name := str(created.body, "reporter", "name"); name != "张**" {
		t.Errorf("the answer to a report shows the reporter as %q, want masked", name)
	}

	// GET /cases/{id} shows the personal data whole inside the
	// jurisdiction and what the caller may do.
	got := e.do("GET", "/api/v1/cases/"+id, "dbj-dispatcher", "")
	if got.status != http.StatusOK || str(got.body, "reporter", "phone") != "13812345678" {
		t.Fatalf("read: %d %s", got.status, got.raw)
	}
	if acts := fmt.Sprint(got.body["allowed_actions"]); acts != "[accept reject escalate supervise comment merge link unlink]" {
		t.Errorf("allowed_actions for the township dispatcher = %s", acts)
	}
	if a := e.do("GET", "/api/v1/cases/"+id, "jt-dispatcher", ""); a.status != http.StatusNotFound || a.errCode() != "not_found" {
		t.Errorf("another county reads the case: %d %s", a.status, a.raw)
	}

	// The handler's photo, brought through the pages with another case of
	// theirs, goes with the result by its reference.
	photo := e.broughtPhoto(e.fx.CountyHandler, "维修后")
	steps := []struct {
		name   string
		user   string
		body   string
		status int
		code   string // error code, "" on success
		field  string // a field the error must name
		msgHas string // something the error message must say
		after  pingan.Status
	}{
		{"a grid worker may not accept", "fk-grid", `{"action":"accept"}`, 403, "forbidden", "", "", ""},
		{"another county sees nothing", "jt-dispatcher", `{"action":"accept"}`, 404, "not_found", "", "", ""},
		{"unknown action", "dbj-dispatcher", `{"action":"approve"}`, 400, "invalid", "action", "", ""},
		{"no action", "dbj-dispatcher", `{"note":"x"}`, 400, "invalid", "action", "", ""},
		{"accept with a corrected category", "dbj-dispatcher", `{"action":"accept","category":"0402","note":"受理"}`, 200, "", "", "", pingan.StatusAccepted},
		{"close before it was handled", "dbj-dispatcher", `{"action":"close"}`, 409, "conflict", "", "已受理", ""},
		{"dispatch without a unit", "sz-dispatcher", `{"action":"dispatch"}`, 400, "invalid", "to_unit", "", ""},
		{"dispatch to an unknown unit", "sz-dispatcher", `{"action":"dispatch","to_unit":"999999"}`, 400, "invalid", "to_unit", "", ""},
		{"dispatch to another county", "sz-dispatcher", `{"action":"dispatch","to_unit":"620921100000"}`, 400, "invalid", "to_unit", "", ""},
		{"dispatch", "sz-dispatcher", `{"action":"dispatch","to_unit":"620902-zjj","note":"请区住建局督促物业处理"}`, 200, "", "", "", pingan.StatusDispatched},
		{"a handler of another unit may not sign", "dbj-handler", `{"action":"sign"}`, 403, "forbidden", "", "", ""},
		{"a handler of another county sees nothing", "jt-handler", `{"action":"sign"}`, 404, "not_found", "", "", ""},
		{"resolve before signing", "sz-housing", `{"action":"resolve","result":"已修复"}`, 409, "conflict", "", "dispatched", ""},
		{"sign", "sz-housing", `{"action":"sign"}`, 200, "", "", "", pingan.StatusInProgress},
		{"sign twice", "sz-housing", `{"action":"sign"}`, 409, "conflict", "", "in_progress", ""},
		{"resolve without a result", "sz-housing", `{"action":"resolve"}`, 400, "invalid", "result", "", ""},
		{"resolve with a wrong type", "sz-housing", `{"action":"resolve","result":"已修复","attachments":"photo.jpg"}`, 400, "invalid", "attachments", "", ""},
		{"resolve", "sz-housing", `{"action":"resolve","result":"已约谈物业，维修防水层，漏水停止","attachments":["` + photo + `"]}`, 200, "", "", "", pingan.StatusResolved},
		{"a viewer may not close", "sz-viewer", `{"action":"close"}`, 403, "forbidden", "", "", ""},
		{"rate before closing", "fk-grid", `{"action":"rate","satisfaction":"satisfied"}`, 409, "conflict", "", "", ""},
		{"close", "dbj-dispatcher", `{"action":"close","note":"回访属实"}`, 200, "", "", "", pingan.StatusClosed},
		{"a rating that does not exist", "fk-grid", `{"action":"rate","satisfaction":"delighted"}`, 400, "invalid", "satisfaction", "", ""},
		{"an unknown field", "fk-grid", `{"action":"rate","satisfaction":"satisfied","stars":5}`, 400, "invalid", "stars", "", ""},
		{"malformed JSON", "fk-grid", `{"action":"rate",`, 400, "invalid", "body", "", ""},
		{"rate", "fk-grid", `{"action":"rate","satisfaction":"satisfied"}`, 200, "", "", "", pingan.StatusClosed},
		{"rate twice", "fk-grid", `{"action":"rate","satisfaction":"dissatisfied"}`, 409, "conflict", "", "", ""},
	}
	entries := e.timelineLen(id)
	if entries != 1 {
		t.Fatalf("a new case has %d timeline entries, want 1", entries)
	}
	for _, s := range steps {
		e.clock.Advance(10 * time.Minute)
		a := e.do("POST", "/api/v1/cases/"+id+"/actions", s.user, s.body)
		if a.status != s.status || a.errCode() != s.code {
			t.Errorf("%s: %d %s, want %d %q", s.name, a.status, a.raw, s.status, s.code)
			continue
		}
		if s.field != "" {
			if _, ok := a.errFields()[s.field]; !ok {
				t.Errorf("%s: fields %v do not name %s", s.name, a.errFields(), s.field)
			}
		}
		if s.msgHas != "" && !strings.Contains(a.errMessage(), s.msgHas) {
			t.Errorf("%s: message %q does not say %q", s.name, a.errMessage(), s.msgHas)
		}
		if s.code == "" {
			entries++
			if got := str(a.body, "status"); got != string(s.after) {
				t.Errorf("%s: status %s, want %s", s.name, got, s.after)
			}
			if _, ok := a.body["allowed_actions"]; !ok {
				t.Errorf("%s: the answer has no allowed_actions", s.name)
			}
		}
		if n := e.timelineLen(id); n != entries {
			t.Errorf("%s: %d timeline entries, want %d", s.name, n, entries)
		}
	}

	a := e.do("GET", "/api/v1/cases/"+id+"/timeline", "sz-housing", "")
	acts, _ := a.body["actions"].([]any)
	var names []string
	for _, x := range acts {
		names = append(names, str(x.(map[string]any), "action"))
	}
	if got := strings.Join(names, " "); got != "report accept dispatch sign resolve close rate" {
		t.Errorf("timeline: %s", got)
	}
	if a := e.do("GET", "/api/v1/cases/"+id+"/timeline", "jt-dispatcher", ""); a.status != http.StatusNotFound {
		t.Errorf("another county reads the timeline: %d", a.status)
	}
	final := e.do("GET", "/api/v1/cases/"+id, "sz-dispatcher", "")
	if str(final.body, "satisfaction") != "satisfied" || str(final.body, "closed_at") == "" || str(final.body, "assigned_unit") != "620902-zjj" {
		t.Errorf("closed case: %s", final.raw)
	}

	// Statistics after the walk: the default period is the current month
	// (March 2026 on the test clock).
	st := e.do("GET", "/api/v1/stats", "dbj-dispatcher", "")
	if st.status != http.StatusOK {
		t.Fatalf("stats: %d %s", st.status, st.raw)
	}
	want := map[string]float64{"total": 1, "resolved": 1, "on_time": 1, "rated": 1, "satisfied": 1, "escalated": 0}
	for k, v := range want {
		if st.body[k] != v {
			t.Errorf("stats %s = %v, want %v", k, st.body[k], v)
		}
	}
	if st.body["from"] != "2026-03-01T00:00:00+08:00" || st.body["to"] != "2026-04-01T00:00:00+08:00" || st.body["unit"] != "620902001000" {
		t.Errorf("stats period: %s", st.raw)
	}
	rates, _ := st.body["rates"].(map[string]any)
	if rates["satisfaction"] != 1.0 || rates["on_time"] != 1.0 || rates["resolution"] != 1.0 {
		t.Errorf("stats rates: %v", rates)
	}
	if by, _ := st.body["by_status"].(map[string]any); by["closed"] != 1.0 {
		t.Errorf("stats by_status: %v", by)
	}
	for _, q := range []string{"?from=2026-02-01&to=2026-02-28", "?unit=620902100000"} {
		if a := e.do("GET", "/api/v1/stats"+q, "sz-dispatcher", ""); a.status != 200 || a.body["total"] != 0.0 {
			t.Errorf("stats%s: %d %s", q, a.status, a.raw)
		}
	}
	if a := e.do("GET", "/api/v1/stats?unit=620902&from=2026-03-01&to=2026-03-31", "sz-dispatcher", ""); a.body["total"] != 1.0 {
		t.Errorf("county stats: %s", a.raw)
	}
	if a := e.do("GET", "/api/v1/stats?unit=620921", "sz-dispatcher", ""); a.status != http.StatusNotFound {
		t.Errorf("stats of another county: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/stats?from=March", "sz-dispatcher", ""); a.status != 400 || a.errFields()["from"] == nil {
		t.Errorf("stats with a bad from: %d %s", a.status, a.raw)
	}
}

func TestCreateRefusals(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		body   string
		status int
		fields []string
	}{
		{"unknown JSON field", `{"kind":"dispute","category":"0102","title":"吵架","colour":"red"}`, 400, []string{"colour"}},
		{"missing category", `{"kind":"dispute","title":"吵架"}`, 400, []string{"category"}},
		{"missing category and title (the kind follows the category)", `{"address":"富康社区"}`, 400, []string{"category", "title"}},
		{"unknown category", `{"kind":"dispute","category":"9999","title":"吵架"}`, 400, []string{"category"}},
		{"category of another kind", `{"kind":"hazard","category":"0102","title":"吵架"}`, 400, []string{"category"}},
		{"unknown unit", `{"kind":"dispute","category":"0102","title":"吵架","unit":"999999"}`, 400, []string{"unit"}},
		{"unit of another county", `{"kind":"dispute","category":"0102","title":"吵架","unit":"620921100001"}`, 400, []string{"unit"}},
		{"latitude out of range", `{"kind":"dispute","category":"0102","title":"吵架","location":{"lat":139.7,"lng":98.5}}`, 400, []string{"location.lat"}},
		{"a number for a title", `{"kind":"dispute","category":"0102","title":42}`, 400, []string{"title"}},
		{"malformed JSON", `{"kind":"dispute",,}`, 400, []string{"body"}},
		{"two objects", `{"kind":"dispute"}{"kind":"hazard"}`, 400, []string{"body"}},
		{"empty body", ``, 400, []string{"body"}},
		{"oversize body", `{"kind":"dispute","category":"0102","title":"吵架","description":"` + strings.Repeat("吵", 400_000) + `"}`, 413, []string{"body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := e.do("POST", "/api/v1/cases", "fk-grid", tc.body)
			if a.status != tc.status || a.errCode() != "invalid" {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
			for _, f := range tc.fields {
				if _, ok := a.errFields()[f]; !ok {
					t.Errorf("fields %v do not name %s", a.errFields(), f)
				}
			}
		})
	}
	if a := e.do("GET", "/api/v1/cases", "admin", ""); len(a.body["cases"].([]any)) != 0 {
		t.Errorf("refused reports were stored: %s", a.raw)
	}
	// A viewer may report what they see; nobody may report without a token.
	if a := e.do("POST", "/api/v1/cases", "", `{"kind":"dispute","category":"0102","title":"吵架"}`); a.status != 401 {
		t.Errorf("report without a token: %d %s", a.status, a.raw)
	}
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		header string
	}{
		{"no token", ""},
		{"garbage token", "Bearer not-a-token"},
		{"basic auth", "Basic Zmstb3JpZDpwaW5nYW4="},
	} {
		var hdr []string
		if tc.header != "" {
			hdr = append(hdr, "Authorization: "+tc.header)
		}
		a := e.do("GET", "/api/v1/units", "", "", hdr...)
		if a.status != 401 || a.errCode() != "unauthorized" || !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d WWW-Authenticate=%q %s", tc.name, a.status, a.header.Get("WWW-Authenticate"), a.raw)
		}
	}

	// A session ends when it expires …
	if a := e.do("GET", "/api/v1/units", "fk-grid", ""); a.status != 200 {
		t.Fatalf("fresh token: %d %s", a.status, a.raw)
	}
	e.clock.Advance(pingan.SessionLifetime + time.Minute)
	if a := e.do("GET", "/api/v1/units", "fk-grid", ""); a.status != 401 || a.errCode() != "unauthorized" {
		t.Errorf("expired token: %d %s", a.status, a.raw)
	}
	// … and when its holder logs out.
	tok := e.token("sz-viewer")
	if a := send(t, e.h, "DELETE", "/api/v1/session", tok, ""); a.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", a.status, a.raw)
	}
	if a := send(t, e.h, "GET", "/api/v1/units", tok, ""); a.status != 401 {
		t.Errorf("token after logout: %d %s", a.status, a.raw)
	}

	// A session ended elsewhere (another server, the command line) is seen
	// once the session cache lets go of the token.
	tok = e.token("sz-leader")
	if a := send(t, e.h, "GET", "/api/v1/units", tok, ""); a.status != 200 {
		t.Fatalf("leader: %d %s", a.status, a.raw)
	}
	if err := e.db.Users.Logout(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(api.DefaultSessionCacheTTL)
	if a := send(t, e.h, "GET", "/api/v1/units", tok, ""); a.status != 401 {
		t.Errorf("token ended elsewhere, after the cache TTL: %d %s", a.status, a.raw)
	}

	// Wrong passwords: 401 four times, the fifth locks the account (429 with
	// Retry-After), and while locked even the right password is refused.
	bad := `{"username":"dbj-mediator","password":"wrong-password"}`
	for i := 1; i <= pingan.MaxFailedLogins; i++ {
		a := send(t, e.h, "POST", "/api/v1/session", "", bad)
		want, code := 401, "unauthorized"
		if i == pingan.MaxFailedLogins {
			want, code = 429, "too_many_requests"
		}
		if a.status != want || a.errCode() != code {
			t.Fatalf("bad login %d: %d %s", i, a.status, a.raw)
		}
		if i == pingan.MaxFailedLogins && a.header.Get("Retry-After") == "" {
			t.Errorf("locked without Retry-After")
		}
	}
	good := fmt.Sprintf(`{"username":"dbj-mediator","password":%q}`, storetest.Password)
	if a := send(t, e.h, "POST", "/api/v1/session", "", good); a.status != 429 {
		t.Errorf("right password while locked: %d %s", a.status, a.raw)
	}
	e.clock.Advance(pingan.LockoutDuration + time.Second)
	if a := send(t, e.h, "POST", "/api/v1/session", "", good); a.status != 201 {
		t.Errorf("login after the lockout: %d %s", a.status, a.raw)
	}
	if a := send(t, e.h, "POST", "/api/v1/session", "", `{"username":"nobody","password":"whatever1"}`); a.status != 401 {
		t.Errorf("unknown user: %d %s", a.status, a.raw)
	}
	if a := send(t, e.h, "POST", "/api/v1/session", "", `{"user":"admin"}`); a.status != 400 || a.errFields()["user"] == nil {
		t.Errorf("login with an unknown field: %d %s", a.status, a.raw)
	}
}

func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	body := `{"kind":"hazard","category":"AQ02","title":"餐馆燃气管道老化","unit":"620902001002"}`
	first := e.do("POST", "/api/v1/cases", "dbj-dispatcher", body, "Idempotency-Key: 7f1c-retry-me")
	if first.status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.status, first.raw)
	}
	e.clock.Advance(time.Second)
	again := e.do("POST", "/api/v1/cases", "dbj-dispatcher", body, "Idempotency-Key: 7f1c-retry-me")
	if again.status != http.StatusCreated && again.status != http.StatusOK {
		t.Fatalf("replay: %d %s", again.status, again.raw)
	}
	if str(again.body, "id") != str(first.body, "id") || str(again.body, "reported_at") != str(first.body, "reported_at") {
		t.Errorf("the replay answered another case: %s vs %s", str(again.body, "id"), str(first.body, "id"))
	}
	// Another key, or the same key from another user, is another report.
	other := e.report("dbj-dispatcher", body, "Idempotency-Key: 8a2d")
	theirs := e.report("sz-dispatcher", body, "Idempotency-Key: 7f1c-retry-me")
	plain := e.report("dbj-dispatcher", body)
	ids := map[string]bool{str(first.body, "id"): true, other: true, theirs: true, plain: true}
	if len(ids) != 4 {
		t.Errorf("want 4 distinct cases, got %v", ids)
	}
	a := e.do("GET", "/api/v1/cases", "admin", "")
	if n := len(a.body["cases"].([]any)); n != 4 {
		t.Errorf("%d cases stored, want 4", n)
	}
}

// TestListCases files a dozen cases over a few days and reads them back
// through the filters and page by page.
func TestListCases(t *testing.T) {
	e := newEnv(t)
	type report struct {
		user, body string
	}
	var ids []string // oldest first
	for i, r := range []report{
		{"fk-grid", `{"kind":"dispute","category":"0102","title":"邻居装修噪音扰民"}`},
		{"fk-grid", `{"kind":"dispute","category":"0101","title":"夫妻争吵"}`},
		{"fk-grid", `{"kind":"hazard","category":"AQ01","title":"楼道堆放杂物堵塞消防通道"}`},
		{"dbj-dispatcher", `{"kind":"service","category":"FW01","title":"南苑路路灯不亮","unit":"620902001002"}`},
		{"sz-dispatcher", `{"kind":"dispute","category":"0902","title":"宅基地边界争议","unit":"620902100001"}`},
		{"sz-dispatcher", `{"kind":"petition","category":"XF02","title":"讨要工资","unit":"620902100001"}`},
		{"fk-grid", `{"kind":"dispute","category":"0102","title":"宠物狗噪音"}`},
		{"jt-grid", `{"kind":"dispute","category":"0102","title":"金塔村邻里纠纷"}`},
		{"fk-grid", `{"kind":"service","category":"FW03","title":"垃圾未清运"}`},
		{"fk-grid", `{"kind":"hazard","category":"AQ02","title":"燃气泄漏气味"}`},
	} {
		if i > 0 {
			e.advance(5 * time.Hour) // 2 March 09:00, 14:00, 19:00, 3 March 00:00 … 4 March 06:00
		}
		ids = append(ids, e.report(r.user, r.body))
	}
	jintaCase := ids[7]
	// 肃州区 sees nine of the ten; newest first.
	var sz []string
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i] != jintaCase {
			sz = append(sz, ids[i])
		}
	}
	e.do("POST", "/api/v1/cases/"+ids[0]+"/actions", "dbj-dispatcher", `{"action":"accept"}`)
	e.do("POST", "/api/v1/cases/"+ids[3]+"/actions", "dbj-dispatcher", `{"action":"reject","reason":"重复上报"}`)
	// The gas hazard (24 hours) misses its deadline: it is marked overdue
	// and escalated to the township's centre (accepted there).
	e.advance(25 * time.Hour)
	if _, err := e.db.Cases.EscalateDue(t.Context(), e.clock.Now(), 0); err != nil {
		t.Fatal(err)
	}

	list := func(user, query string) ([]string, string) {
		t.Helper()
		a := e.do("GET", "/api/v1/cases"+query, user, "")
		if a.status != 200 {
			t.Fatalf("list %s: %d %s", query, a.status, a.raw)
		}
		var out []string
		for _, c := range a.body["cases"].([]any) {
			out = append(out, str(c.(map[string]any), "id"))
		}
		return out, str(a.body, "next_cursor")
	}
	pick := func(is ...int) string {
		var out []string
		for _, i := range is {
			out = append(out, ids[i])
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		user, query, want string
	}{
		{"sz-dispatcher", "", strings.Join(sz, " ")},
		{"jt-dispatcher", "", pick(7)},
		{"fk-grid", "?status=reported", pick(8, 6, 2, 1)},
		{"sz-dispatcher", "?status=accepted,rejected", pick(9, 3, 0)},
		{"sz-dispatcher", "?kind=hazard", pick(9, 2)},
		{"sz-dispatcher", "?category=01", pick(6, 1, 0)}, // 01 and its subcategories
		{"sz-dispatcher", "?category=0102", pick(6, 0)},
		{"sz-dispatcher", "?unit=620902100000", pick(5, 4)},
		{"dbj-dispatcher", "?unit=620902001002", pick(3)},
		{"sz-dispatcher", "?overdue=true", pick(9)},
		{"sz-dispatcher", "?overdue=false&kind=hazard", pick(2)},
		{"sz-dispatcher", "?q=" + url.QueryEscape("噪音"), pick(6, 0)},
		{"sz-dispatcher", "?q=" + url.QueryEscape(ids[4]), pick(4)},
		{"sz-dispatcher", "?from=2026-03-03&to=2026-03-03", pick(6, 5, 4, 3)}, // a date in to includes the day
		{"sz-dispatcher", "?from=" + url.QueryEscape("2026-03-03T04:00:00+08:00") + "&to=" + url.QueryEscape("2026-03-03T10:00:00+08:00"), pick(4)},
		{"sz-dispatcher", "?from=2026-03-03T04:00:00+08:00&to=2026-03-03T10:00:00.001+08:00", pick(5, 4)}, // '+' unescaped
		{"sz-dispatcher", "?to=2026-03-02", pick(2, 1, 0)},
	} {
		got, _ := list(tc.user, tc.query)
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.user, tc.query, s, tc.want)
		}
	}

	// Paging: four pages of at most 3 over the nine, each cursor leading on.
	var paged []string
	cursor, pages := "", 0
	for {
		q := "?limit=3"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		page, next := list("sz-dispatcher", q)
		pages++
		paged = append(paged, page...)
		if next == "" {
			break
		}
		if len(page) != 3 || pages > 5 {
			t.Fatalf("page %d has %d cases and a next cursor", pages, len(page))
		}
		cursor = next
	}
	if got := strings.Join(paged, " "); got != strings.Join(sz, " ") || pages != 3 {
		t.Errorf("paged in %d pages:\n got %s\nwant %s", pages, got, strings.Join(sz, " "))
	}
	// Filters and paging together.
	page, next := list("fk-grid", "?status=reported&limit=2")
	page2, next2 := list("fk-grid", "?status=reported&limit=2&cursor="+url.QueryEscape(next))
	if strings.Join(append(page, page2...), " ") != pick(8, 6, 2, 1) || next2 != "" {
		t.Errorf("filtered paging: %v %v next %q", page, page2, next2)
	}

	// Masked personal data in lists.
	id := e.report("fk-grid", `{"kind":"dispute","category":"0102","title":"借款纠纷","reporter":{"name":"李四","phone":"13900001111","id_number":"620902199001011234"}}`)
	a := e.do("GET", "/api/v1/cases?limit=1", "fk-grid", "")
	first := a.body["cases"].([]any)[0].(map[string]any)
	if str(first, "id") != id || str(first, "reporter", "phone") != "139****1111" || first["personal_masked"] != true {
		t.Errorf("list shows personal data: %v", first["reporter"])
	}
	if _, ok := first["allowed_actions"]; ok {
		t.Errorf("list entries carry allowed_actions")
	}

	// Bad filter values answer 400 naming each parameter.
	for _, tc := range []struct {
		query  string
		params []string
	}{
		{"?status=open", []string{"status"}},
		{"?kind=noise", []string{"kind"}},
		{"?overdue=yes", []string{"overdue"}},
		{"?from=yesterday&to=2026-02-30", []string{"from", "to"}},
		{"?from=2026-03-05&to=2026-03-01", []string{"to"}},
		{"?limit=0", []string{"limit"}},
		{"?limit=1000", []string{"limit"}},
		{"?limit=ten&status=closed,nope", []string{"limit", "status"}},
		{"?cursor=not-a-cursor", []string{"cursor"}},
	} {
		a := e.do("GET", "/api/v1/cases"+tc.query, "sz-dispatcher", "")
		if a.status != 400 || a.errCode() != "invalid" {
			t.Errorf("%s: %d %s", tc.query, a.status, a.raw)
			continue
		}
		for _, p := range tc.params {
			if _, ok := a.errFields()[p]; !ok {
				t.Errorf("%s: fields %v do not name %s", tc.query, a.errFields(), p)
			}
		}
	}
	if a := e.do("GET", "/api/v1/cases?unit=620921", "sz-dispatcher", ""); a.status != 404 {
		t.Errorf("a unit of another county: %d %s", a.status, a.raw)
	}
}

func TestUnitsAndCategories(t *testing.T) {
	e := newEnv(t)
	codes := func(a answer) string {
		var out []string
		for _, u := range a.body["units"].([]any) {
			out = append(out, str(u.(map[string]any), "code"))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		user, query, want string
	}{
		{"dbj-dispatcher", "", "620902001000 620902001000-zz 620902001001 620902001002"},
		{"sz-dispatcher", "?parent=620902100000", "620902100000-zz 620902100001"},
		{"city-leader", "?level=county", "620902 620921"},
		{"jt-grid", "", "620921100001"},
	} {
		a := e.do("GET", "/api/v1/units"+tc.query, tc.user, "")
		if a.status != 200 || codes(a) != tc.want {
			t.Errorf("%s units%s: %d %s, want %s", tc.user, tc.query, a.status, codes(a), tc.want)
		}
	}
	if a := e.do("GET", "/api/v1/units?level=planet", "admin", ""); a.status != 400 || a.errFields()["level"] == nil {
		t.Errorf("bad level: %d %s", a.status, a.raw)
	}
	a := e.do("GET", "/api/v1/units/620902001001", "sz-viewer", "")
	if a.status != 200 || a.body["name"] != "富康社区" || a.body["level"] != "village" || a.body["parent"] != "620902001000" {
		t.Errorf("one unit: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/units/620921", "sz-viewer", ""); a.status != 404 || a.errCode() != "not_found" {
		t.Errorf("a unit of another county: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/units/000000", "admin", ""); a.status != 404 {
		t.Errorf("no such unit: %d %s", a.status, a.raw)
	}

	a = e.do("GET", "/api/v1/categories", "fk-grid", "")
	if a.status != 200 {
		t.Fatalf("categories: %d %s", a.status, a.raw)
	}
	kinds := a.body["kinds"].([]any)
	if len(kinds) != 4 || str(kinds[0].(map[string]any), "kind") != "dispute" || str(kinds[0].(map[string]any), "name") != "矛盾纠纷" {
		t.Errorf("kinds: %v", kinds)
	}
	var gas map[string]any
	for _, c := range a.body["categories"].([]any) {
		if m := c.(map[string]any); m["code"] == "AQ02" {
			gas = m
		}
	}
	if gas == nil || str(gas, "kind") != "hazard" || str(gas, "policy", "resolve", "unit") != "hours" {
		t.Errorf("category AQ02: %v", gas)
	}
}

// TestCalendarDueOnTheRealServer asks for a deadline across National Day
// 2025 through the wired server (the arithmetic itself is table-tested in
// server_test.go).
func TestCalendarDueOnTheRealServer(t *testing.T) {
	e := newEnv(t)
	a := e.do("GET", "/api/v1/calendar/due?from=2025-09-30T10:00:00%2B08:00&days=3&unit=working", "fk-grid", "")
	if a.status != 200 || a.body["due"] != "2025-10-11T23:59:59+08:00" {
		t.Errorf("due: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/calendar/due?from=2025-09-30&days=3&unit=working", "", ""); a.status != 401 {
		t.Errorf("calendar without a token: %d", a.status)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	a := e.do("GET", "/api/v1/healthz", "", "")
	if a.status != 200 || a.body["status"] != "ok" || a.header.Get("Cache-Control") != "no-store" || a.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("healthz: %d %v %s", a.status, a.header, a.raw)
	}
}

// TestMountsUnderPrefix shows how the web pages will mount the API beside
// themselves: the handler claims /api/v1/ and nothing else.
func TestMountsUnderPrefix(t *testing.T) {
	e := newEnv(t)
	mux := http.NewServeMux()
	mux.Handle(api.Prefix, e.h)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page") })
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/cases/123", nil))
	if rec.Body.String() != "page" {
		t.Errorf("a page went to the API: %q", rec.Body.String())
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/healthz", nil))
	if !bytes.Contains(rec.Body.Bytes(), []byte(`"ok"`)) {
		t.Errorf("healthz through the mount: %q", rec.Body.String())
	}
}
