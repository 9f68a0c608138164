package api_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Text that is not text — a NUL character, bytes that are not UTF-8 — is
// refused at the edge with 400 naming the field, the same on SQLite (which
// would keep it) and PostgreSQL (which would fail with a 500): in a path
// segment, a query parameter and every string of a JSON body, on every
// route the server registers.

// Bad text as it is sent: percent-escaped in a URL, and as it stands in a
// JSON string (an escape for the NUL, a raw byte for the rest).
var badTexts = []struct {
	name, url, json string
}{
	{"NUL", "%00", `\u0000`},
	{"invalid UTF-8", "%FF", "\xff"},
}

// sweepFill gives each wildcard of a route a value that exists in the
// fixture, by the route's pattern; sweepBody gives each route that reads a
// JSON body one that it accepts. A new route needs its entries here, or
// the sweep fails saying so.
func sweepFill(pattern, name, caseID string) (string, bool) {
	switch {
	case name == "id":
		return caseID, true
	case name == "code" && strings.Contains(pattern, "/units/"):
		return "620902", true
	case name == "code" && strings.Contains(pattern, "/grids/"):
		return "620902001001-01", true
	case name == "year":
		return "2026", true
	}
	return "", false
}

var sweepBody = map[string]string{
	"POST /api/v1/session":            fmt.Sprintf(`{"username":"admin","password":%q}`, storetest.Password),
	"POST /api/v1/cases":              neighbourDispute,
	"POST /api/v1/cases/{id}/actions": `{"action":"comment","note":"请尽快处理"}`,
	"POST /api/v1/calendar/years":     mustJSON(map[string]any{"notice": notice2027}),
}

// sweepQuery answers a query the route accepts, so that the control
// request succeeds: entering holidays only previews.
func sweepQuery(pattern string) string {
	switch pattern {
	case "GET /api/v1/calendar/due":
		return "days=5&unit=working"
	case "GET /api/v1/grids":
		return "unit=620902"
	}
	return "preview=true"
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestBadTextOnEveryRoute(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		sweepBadText(t, filepath.Join(t.TempDir(), "pingan.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		sweepBadText(t, storetest.PostgresDSN(t))
	})
}

func sweepBadText(t *testing.T, dsn string) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	srv := api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Grids: db.Grids,
		Calendar: db.Calendar, Holidays: db.Calendar, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	e := &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
	caseID := e.report("fk-grid", neighbourDispute)

	routes := srv.Routes()
	if len(routes) < 15 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	for _, pattern := range routes {
		method, tmpl, _ := strings.Cut(pattern, " ")
		// A fresh token for each route: DELETE /session ends the one it is sent with.
		token := func() string {
			a := send(t, e.h, "POST", "/api/v1/session", "", sweepBody["POST /api/v1/session"])
			return str(a.body, "token")
		}
		path := func(bad, badName string) string {
			var segs []string
			for _, seg := range strings.Split(tmpl, "/") {
				if !strings.HasPrefix(seg, "{") {
					segs = append(segs, seg)
					continue
				}
				name := strings.Trim(seg, "{}")
				if name == badName {
					segs = append(segs, "x"+bad+"y")
					continue
				}
				v, ok := sweepFill(pattern, name, caseID)
				if !ok {
					t.Fatalf("%s: the sweep has no value for {%s}: add one to sweepFill", pattern, name)
				}
				segs = append(segs, url.PathEscape(v))
			}
			return strings.Join(segs, "/")
		}
		body := sweepBody[pattern]
		if method == "POST" && body == "" {
			t.Fatalf("%s: the sweep has no JSON body for it: add one to sweepBody", pattern)
		}

		// The control: the route accepts the request without bad text.
		if a := send(t, e.h, method, path("", "")+"?"+sweepQuery(pattern), token(), body); a.status >= 300 {
			t.Errorf("%s: the control request answers %d %s", pattern, a.status, a.raw)
		}

		type probe struct {
			what, target, body, field string
			authed                    bool
		}
		var probes []probe
		for _, bt := range badTexts {
			for _, name := range wildcardsOf(tmpl) {
				probes = append(probes, probe{what: bt.name + " in {" + name + "}", target: path(bt.url, name), body: body, field: name})
			}
			for _, q := range []string{"q", "unit", "from", "cursor", "preview"} {
				probes = append(probes, probe{what: bt.name + " in ?" + q, target: path("", "") + "?" + q + "=a" + bt.url, body: body, field: q})
			}
			probes = append(probes, probe{what: bt.name + " in a parameter's name", target: path("", "") + "?a" + bt.url + "=1", body: body, field: "a\uFFFD"})
			if body != "" {
				for _, m := range jsonMutations(t, body, bt.json) {
					probes = append(probes, probe{what: bt.name + " in JSON " + m.what, target: path("", "") + "?" + sweepQuery(pattern), body: m.body, field: m.field})
				}
			}
		}
		for _, p := range probes {
			for _, authed := range []bool{true, false} {
				tok := ""
				if authed {
					tok = token()
				}
				a := send(t, e.h, method, p.target, tok, p.body)
				switch {
				case a.status == http.StatusUnauthorized && !authed && !strings.HasPrefix(p.what, "NUL in JSON") && !strings.HasPrefix(p.what, "invalid UTF-8 in JSON"):
					t.Errorf("%s, %s, no token: 401 before the path and query were checked", pattern, p.what)
				case a.status == http.StatusUnauthorized && !authed && pattern != "POST /api/v1/session":
					// The route answers 401 before it reads the body.
				case a.status != http.StatusBadRequest || a.errCode() != "invalid":
					t.Errorf("%s, %s (token %v): %d %s; want 400 invalid", pattern, p.what, authed, a.status, a.raw)
				case p.field != "" && a.errFields()[p.field] == nil:
					t.Errorf("%s, %s: the answer does not name %q: %s", pattern, p.what, p.field, a.raw)
				case !strings.Contains(a.errMessage(), "字段「") || str(a.body, "error", "message_key") != "text.bad":
					t.Errorf("%s, %s: message %q, want text.bad in Chinese", pattern, p.what, a.errMessage())
				}
			}
		}

		// Bad text in a segment the route does not take as a wildcard finds
		// no route; a form body is not JSON. Neither is ever a 500.
		for _, bt := range badTexts {
			if a := send(t, e.h, method, path("", "")+bt.url, token(), body); a.status >= 500 {
				t.Errorf("%s with %s after the path: %d %s", pattern, bt.name, a.status, a.raw)
			}
			if a := send(t, e.h, method, path("", ""), token(), "note=a"+bt.url, "Content-Type: application/x-www-form-urlencoded"); a.status >= 500 {
				t.Errorf("%s with %s in a form: %d %s", pattern, bt.name, a.status, a.raw)
			}
		}
	}

	// The one header that reaches the database is checked too.
	if a := e.do("POST", "/api/v1/cases", "fk-grid", neighbourDispute, "Idempotency-Key: a\xffb"); a.status != 400 || a.errFields()["Idempotency-Key"] == nil {
		t.Errorf("Idempotency-Key with a byte that is not ASCII: %d %s", a.status, a.raw)
	}
}

func wildcardsOf(tmpl string) []string {
	var names []string
	for _, seg := range strings.Split(tmpl, "/") {
		if strings.HasPrefix(seg, "{") && seg != "{$}" {
			names = append(names, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return names
}

// jsonMutation is a JSON body with bad text in one string, and the field
// the answer must name: the string's path, or for a key the key as it is
// shown back, its bad character replaced by U+FFFD.
type jsonMutation struct {
	what, body, field string
}

// jsonMutations answers body once for each of its strings, keys and
// values, with bad (as it stands in JSON) put at the string's start.
func jsonMutations(t *testing.T, body, bad string) []jsonMutation {
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("sweep body %s: %v", body, err)
	}
	const mark = "BAD-TEXT-MARK"
	var out []jsonMutation
	var walk func(v any, path string, set func(any))
	walk = func(v any, path string, set func(any)) {
		switch v := v.(type) {
		case string:
			set(mark + v)
			out = append(out, jsonMutation{what: path, body: strings.Replace(mustJSON(doc), mark, bad, 1), field: path})
			set(v)
		case []any:
			for i := range v {
				walk(v[i], fmt.Sprintf("%s[%d]", path, i), func(x any) { v[i] = x })
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(v[k], p, func(x any) { v[k] = x })
				x := v[k]
				delete(v, k)
				v[mark+k] = x
				out = append(out, jsonMutation{what: "key " + p, body: strings.Replace(mustJSON(doc), mark, bad, 1),
					field: strings.TrimSuffix(p, k) + "\uFFFD" + k})
				delete(v, mark+k)
				v[k] = x
			}
		}
	}
	walk(doc, "", func(x any) { doc = x })
	return out
}
