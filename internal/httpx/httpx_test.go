package httpx

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
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
