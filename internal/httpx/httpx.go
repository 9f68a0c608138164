// Package httpx is the HTTP plumbing the JSON API and the web pages share:
// the one map from the domain's error codes to HTTP statuses, the JSON
// error body, the middleware every server runs (request ids, the request
// log, recovery from panics, security headers), a response recorder and
// the wildcards of a ServeMux pattern. Of the project it knows only the
// domain's errors and its message catalogue.
package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Recorder remembers the status and size of an answer, for the request log.
type Recorder struct {
	http.ResponseWriter
	Status int   // 0 until the answer starts
	Bytes  int64 // bytes of body written
}

// WriteHeader records the first status.
func (r *Recorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

// Write records an implicit 200 and counts the bytes.
func (r *Recorder) Write(p []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.Bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Wildcards answers the names of the wildcards of a ServeMux pattern:
// "id" and "rest" for "GET /a/{id}/b/{rest...}"; {$} is not one.
func Wildcards(pattern string) []string {
	var names []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return names
		}
		if name := strings.TrimSuffix(pattern[i+1:i+j], "..."); name != "$" {
			names = append(names, name)
		}
		pattern = pattern[i+j+1:]
	}
}

// LogRequest writes the one line of the request log for r, answered
// through rec since start: method, path, status, duration, size, request
// id and the user's id (0 for none). Never the query, a header or a body.
// A server error is logged as an error; quiet drops a good answer to debug
// (static files).
func LogRequest(ctx context.Context, log *slog.Logger, r *http.Request, rec *Recorder, start time.Time, id string, userID int64, quiet bool) {
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	level := slog.LevelInfo
	switch {
	case rec.Status >= 500:
		level = slog.LevelError
	case quiet && rec.Status < 400:
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.Status),
		slog.Duration("duration", time.Since(start)),
		slog.Int64("bytes", rec.Bytes),
		slog.String("request_id", id),
	}
	if userID != 0 {
		attrs = append(attrs, slog.Int64("user_id", userID))
	}
	log.LogAttrs(ctx, level, "http request", attrs...)
}
