package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
)

// This file is the one place where a pingan error becomes an HTTP answer.
//
//	invalid → 400, not_found → 404, conflict → 409, forbidden → 403,
//	unauthorized → 401, too_many_requests → 429, internal (or any error
//	that is not a *pingan.Error) → 500.
//
// Two refinements of "invalid" keep the code but use the more precise HTTP
// status: a body over the size limit answers 413, and a method the path does
// not serve answers 405 with an Allow header (httpx.StatusError).
//
// The message and the fields are written in the caller's language
// (Accept-Language; Chinese by default), beside the message's key in the
// catalogue (httpx.WriteError).

// writeError answers err as {"error": {"code", "message", "message_key",
// "fields", "field_keys"}} with the status of its code. Internal errors are
// logged in full and shown only as the generic sentence of error.internal.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	switch pingan.ErrorCode(err) {
	case pingan.EINTERNAL:
		s.log.ErrorContext(r.Context(), "internal error",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("request_id", httpx.RequestIDOf(r.Context())), slog.Any("error", err))
	case pingan.EUNAUTHORIZED:
		// RFC 6750: name the scheme; say the token is bad when one was sent.
		challenge := `Bearer realm="pingan"`
		if _, ok := bearerToken(r); ok {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	case pingan.ETOOMANY:
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", retryAfter(pingan.LockoutDuration))
		}
	}
	httpx.WriteError(w, r, err, langOf(r))
}

// langOf answers the language the caller reads: the one its
// Accept-Language prefers, Chinese by default.
func langOf(r *http.Request) pingan.Lang { return httpx.AcceptLang(r) }

// retryAfter formats d as whole seconds, rounded up, for Retry-After.
func retryAfter(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return strconv.FormatInt(secs, 10)
}

// invalid is an EINVALID error naming one field: problem says what is
// wrong with the field, msg what went wrong.
func invalid(field string, problem, msg pingan.Message) *pingan.Error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: msg, Fields: map[string]pingan.Message{field: problem}}
}

// errUnauthorized is the answer to a request without a live token.
var errUnauthorized = pingan.E(pingan.EUNAUTHORIZED, "api.auth.required")
