package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

func TestWildcards(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"GET /{$}", nil},
		{"GET /cases/{id}/files/{sum}", []string{"id", "sum"}},
		{"GET /static/{path...}", []string{"path"}},
		{"POST /api/v1/session", nil},
		{"GET /broken/{id", nil},
	}
	for _, tt := range tests {
		if got := Wildcards(tt.pattern); !slices.Equal(got, tt.want) {
			t.Errorf("Wildcards(%q) = %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

func TestRecorder(t *testing.T) {
	w := httptest.NewRecorder()
	r := &Recorder{ResponseWriter: w}
	r.Write([]byte("hello"))
	r.WriteHeader(500) // too late: the answer started as 200
	if r.Status != 200 || r.Bytes != 5 {
		t.Errorf("status %d, bytes %d", r.Status, r.Bytes)
	}
	r2 := &Recorder{ResponseWriter: httptest.NewRecorder()}
	r2.WriteHeader(404)
	r2.WriteHeader(200)
	if r2.Status != 404 {
		t.Errorf("status %d, want the first", r2.Status)
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{"invalid": 400, "not_found": 404, "conflict": 409, "forbidden": 403,
		"unauthorized": 401, "too_many_requests": 429, "internal": 500} {
		if got, ok := Status(code); !ok || got != want {
			t.Errorf("Status(%q) = %d, %v; want %d", code, got, ok, want)
		}
	}
	if _, ok := Status("teapot"); ok {
		t.Error("an unknown code has a status")
	}
}

func TestLogRequest(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r := httptest.NewRequest("GET", "/static/app.css?secret=1", nil)
	rec := &Recorder{ResponseWriter: httptest.NewRecorder()}
	LogRequest(context.Background(), log, r, rec, time.Now(), "id-1", 7, true)
	if buf.Len() != 0 {
		t.Errorf("a quiet good answer was logged at info: %s", buf.String())
	}
	rec.Status = 500
	LogRequest(context.Background(), log, r, rec, time.Now(), "id-2", 7, true)
	line := buf.String()
	for _, want := range []string{"level=ERROR", "path=/static/app.css", "status=500", "request_id=id-2", "user_id=7"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s: %s", want, line)
		}
	}
	if strings.Contains(line, "secret") {
		t.Errorf("the query was logged: %s", line)
	}
}

// ---- the JSON error body ----

func decodeBody(t *testing.T, w *httptest.ResponseRecorder) ErrorDetail {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("the answer is not the error body: %v\n%s", err, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	return b.Error
}

func TestWriteError(t *testing.T) {
	var v pingan.Invalid
	v.Require("title", "")
	v.Add("grid", "grid.code.bad", "A/B")
	invalid := v.Err()
	for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
		w := httptest.NewRecorder()
		WriteError(w, httptest.NewRequest("POST", "/x", nil), invalid, lang)
		d := decodeBody(t, w)
		if w.Code != 400 || d.Code != "invalid" || d.MessageKey != "error.invalid" || d.Message != pingan.Text(lang, "error.invalid") {
			t.Errorf("%s: %d %+v", lang, w.Code, d)
		}
		if d.Fields["title"] != pingan.Text(lang, "field.required") || d.Fields["grid"] != pingan.Text(lang, "grid.code.bad", "A/B") ||
			d.FieldKeys["title"] != "field.required" || d.FieldKeys["grid"] != "grid.code.bad" || len(d.Fields) != 2 {
			t.Errorf("%s: fields %v, keys %v", lang, d.Fields, d.FieldKeys)
		}
	}
	// The raw body: the names of API.md, and no fields when there are none.
	w := httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("GET", "/x", nil), pingan.E(pingan.ENOTFOUND, "page.notfound"), pingan.EN)
	var raw map[string]map[string]any
	json.Unmarshal(w.Body.Bytes(), &raw)
	if w.Code != 404 || raw["error"]["code"] != "not_found" || raw["error"]["message"] != "Page not found" ||
		raw["error"]["message_key"] != "page.notfound" || raw["error"]["fields"] != nil {
		t.Errorf("not found: %d %s", w.Code, w.Body.String())
	}
	// Internal errors, and codes the domain does not know, say nothing more.
	for _, err := range []error{errors.New("db: connection refused at 10.0.0.1"), pingan.E(pingan.EINTERNAL, "page.notfound"),
		&pingan.Error{Code: "teapot", Msg: pingan.Msg("page.notfound")}} {
		w := httptest.NewRecorder()
		WriteError(w, httptest.NewRequest("GET", "/x", nil), err, pingan.ZH)
		d := decodeBody(t, w)
		if w.Code != 500 || d.Code != "internal" || d.MessageKey != "error.internal" || d.Message != pingan.Text(pingan.ZH, "error.internal") || d.Fields != nil {
			t.Errorf("%v: %d %+v", err, w.Code, d)
		}
	}
	// A StatusError refines the status and brings its headers.
	w = httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("DELETE", "/x", nil), &StatusError{Status: 405, Header: http.Header{"Allow": {"GET"}},
		Err: pingan.E(pingan.EINVALID, "error.invalid")}, pingan.EN)
	if d := decodeBody(t, w); w.Code != 405 || w.Header().Get("Allow") != "GET" || d.Code != "invalid" {
		t.Errorf("405: %d %v %+v", w.Code, w.Header(), d)
	}
}

// ---- the middleware ----

func testLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func TestRecover(t *testing.T) {
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("a bug in the handler") })
	for _, tc := range []struct {
		name string
		c    Config
		hdr  string
		json bool
		want string
	}{
		{"JSON in Chinese", Config{JSON: true}, "", true, pingan.Text(pingan.ZH, "error.internal")},
		{"JSON in English", Config{JSON: true}, "en", true, pingan.Text(pingan.EN, "error.internal")},
		{"text", Config{}, "en-US", false, pingan.Text(pingan.EN, "error.internal")},
		{"text in the server's language", Config{Lang: func(*http.Request) pingan.Lang { return pingan.EN }}, "zh-CN", false, pingan.Text(pingan.EN, "error.internal")},
	} {
		log, buf := testLog()
		tc.c.Log = log
		r := httptest.NewRequest("GET", "/cases/1", nil)
		r.Header.Set("Accept-Language", tc.hdr)
		w := httptest.NewRecorder()
		Handler(boom, tc.c).ServeHTTP(w, r)
		if w.Code != 500 {
			t.Errorf("%s: status %d", tc.name, w.Code)
		}
		if tc.json {
			if d := decodeBody(t, w); d.Code != "internal" || d.Message != tc.want {
				t.Errorf("%s: %+v", tc.name, d)
			}
		} else if got := strings.TrimSpace(w.Body.String()); got != tc.want {
			t.Errorf("%s: body %q, want %q", tc.name, got, tc.want)
		}
		logs := buf.String()
		id := w.Header().Get("X-Request-Id")
		for _, want := range []string{"level=ERROR msg=panic", "a bug in the handler", "runtime/debug.Stack", "request_id=" + id, "status=500"} {
			if !strings.Contains(logs, want) {
				t.Errorf("%s: the log lacks %q:\n%s", tc.name, want, logs)
			}
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: a panic's answer lacks the security headers", tc.name)
		}
	}
	// A panic after the answer began adds nothing to it.
	log, buf := testLog()
	late := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte("partial"))
		panic("late")
	})
	w := httptest.NewRecorder()
	Handler(late, Config{Log: log, JSON: true}).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusAccepted || w.Body.String() != "partial" || !strings.Contains(buf.String(), "late") {
		t.Errorf("late panic: %d %q\n%s", w.Code, w.Body.String(), buf.String())
	}
	// http.ErrAbortHandler goes on up to the server.
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("ErrAbortHandler was not let through: %v", v)
		}
	}()
	abort := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	Handler(abort, Config{Log: log}).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestSecureHeaders(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	csp := "default-src 'self'"
	w := httptest.NewRecorder()
	log, _ := testLog()
	Handler(ok, Config{Log: log, Header: http.Header{"Content-Security-Policy": {csp}}}).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
		"X-Frame-Options": "DENY", "Content-Security-Policy": csp} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	w = httptest.NewRecorder()
	SecureHeaders(ok, nil).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Header().Get("Content-Security-Policy") != "" || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("without extra headers: %v", w.Header())
	}
}

func TestRequestID(t *testing.T) {
	var seen string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestIDOf(r.Context())
		SetUser(r.Context(), 42)
	})
	log, buf := testLog()
	srv := Handler(h, Config{Log: log})
	ids := map[string]bool{}
	for _, tc := range []struct {
		in   string
		keep bool
	}{
		{"", false},
		{"abc-123_x.Y", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"has space", false},
		{"semi;colon", false},
		{"中文", false},
		{"line\nbreak", false},
	} {
		buf.Reset()
		r := httptest.NewRequest("GET", "/x", nil)
		if tc.in != "" {
			r.Header["X-Request-Id"] = []string{tc.in}
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		switch {
		case tc.keep && got != tc.in:
			t.Errorf("%q: answered %q, want it kept", tc.in, got)
		case !tc.keep && (got == tc.in || !saneRequestID(got) || ids[got]):
			t.Errorf("%q: answered %q, want a new id", tc.in, got)
		case seen != got:
			t.Errorf("%q: the context holds %q, the header %q", tc.in, seen, got)
		case !strings.Contains(buf.String(), "request_id="+got) || !strings.Contains(buf.String(), "user_id=42"):
			t.Errorf("%q: the log line lacks the id %q or the user:\n%s", tc.in, got, buf.String())
		}
		ids[got] = true
	}
	if RequestIDOf(context.Background()) != "" {
		t.Error("an id without a request")
	}
	SetUser(context.Background(), 1) // outside the middleware: nothing to do, no panic
}

func TestQuietStatic(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	quiet := func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/static/") }
	h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), Config{Log: log, Quiet: quiet})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/static/app.css", nil))
	if buf.Len() != 0 {
		t.Errorf("a static file was logged at info: %s", buf.String())
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/inbox", nil))
	if !strings.Contains(buf.String(), "path=/inbox") {
		t.Errorf("a page was not logged: %s", buf.String())
	}
}
