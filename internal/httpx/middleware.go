package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/pingan-gov/pingan"
)

// Config says how Handler wraps a server: the JSON API and the pages
// share the middleware and differ only here.
type Config struct {
	// Log receives the request log and panics; slog.Default() when nil.
	Log *slog.Logger
	// Header holds headers every answer carries besides the security
	// headers of SecureHeaders: a Content-Security-Policy, a Cache-Control.
	Header http.Header
	// JSON answers a panic with the JSON error body (WriteError); plain
	// text otherwise.
	JSON bool
	// Lang answers the language of a request, for the answer to a panic;
	// ParseLang of its Accept-Language when nil.
	Lang func(*http.Request) pingan.Lang
	// Quiet reports requests whose good answers are logged at debug level
	// only (static files).
	Quiet func(*http.Request) bool
}

// Handler wraps next in the middleware every server of pingan uses, from
// the outside in: the request id (RequestID), the request log, the
// recovery from panics (Recover) and the security headers (SecureHeaders).
func Handler(next http.Handler, c Config) http.Handler {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Lang == nil {
		c.Lang = AcceptLang
	}
	h := SecureHeaders(next, c.Header)
	h = Recover(h, c.Log, func(w http.ResponseWriter, r *http.Request) {
		lang := c.Lang(r)
		if c.JSON {
			WriteError(w, r, errPanic, lang)
			return
		}
		http.Error(w, pingan.Text(lang, "error.internal"), http.StatusInternalServerError)
	})
	h = LogRequests(h, c.Log, c.Quiet)
	return RequestID(h)
}

// errPanic is what a panic answers: an internal error.
var errPanic = errors.New("panic")

// AcceptLang answers the language the request's Accept-Language prefers.
func AcceptLang(r *http.Request) pingan.Lang {
	return pingan.ParseLang(r.Header.Get("Accept-Language"))
}

// ---- security headers ----

// SecureHeaders sets on every answer X-Content-Type-Options: nosniff,
// Referrer-Policy: same-origin and X-Frame-Options: DENY, and the headers
// of extra (a Content-Security-Policy); over TLS, Strict-Transport-Security
// for a year as well (HSTS: a TLS-terminating proxy sets its own).
//
// same-origin rather than no-referrer: under no-referrer a browser sends
// "Origin: null" with a form posted to its own site, which the check
// against cross-origin requests must refuse; same-origin sends nothing to
// another site, so a query code in a link never leaves.
func SecureHeaders(next http.Handler, extra http.Header) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		for k, v := range extra {
			h[k] = append([]string(nil), v...)
		}
		next.ServeHTTP(w, r)
	})
}

// ---- panics ----

// Recover answers a panic in next through answer (a 500 with the generic
// internal text) and logs it with its stack and the request id. When the
// answer has already begun nothing more is written. http.ErrAbortHandler
// is let through: it aborts the answer on purpose.
func Recover(next http.Handler, log *slog.Logger, answer http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			log.ErrorContext(r.Context(), "panic",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("request_id", RequestIDOf(r.Context())),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			if rec, ok := w.(*Recorder); ok && rec.Status != 0 {
				return // the answer has begun; nothing sensible can follow
			}
			answer(w, r)
		}()
		next.ServeHTTP(w, r)
	})
}

// ---- request ids ----

type (
	requestIDKey struct{}
	userKey      struct{}
)

// maxRequestID bounds an X-Request-Id taken from the request.
const maxRequestID = 64

// RequestID gives every request an id: the request's own X-Request-Id when
// it is sane (1 to 64 of A-Z a-z 0-9 - _ .), a new random one otherwise.
// The id is put in the context (RequestIDOf) and answered in X-Request-Id.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		// The audit trail records the request id and, unless the sign-in
		// names a truer one behind a trusted proxy, the peer's address.
		ctx := pingan.NewContextWithRequestID(context.WithValue(r.Context(), requestIDKey{}, id), id)
		if pingan.SourceFromContext(ctx) == "" {
			_, host := peer(r)
			ctx = pingan.NewContextWithSource(ctx, host)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequestIDOf answers the request id in ctx, or "".
func RequestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ---- the request log ----

// LogRequests logs one line per request (LogRequest) once next has
// answered: with the request id of the context and the user that SetUser
// named, if any. quiet, when set, names requests whose good answers are
// logged at debug level.
func LogRequests(next http.Handler, log *slog.Logger, quiet func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		user := new(int64)
		ctx := context.WithValue(r.Context(), userKey{}, user)
		rec := &Recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		LogRequest(ctx, log, r, rec, start, RequestIDOf(ctx), *user, quiet != nil && quiet(r))
	})
}

// SetUser names the user of the request for its log line; the middleware
// that authenticates calls it.
func SetUser(ctx context.Context, userID int64) {
	if p, ok := ctx.Value(userKey{}).(*int64); ok {
		*p = userID
	}
}
