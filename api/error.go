package api

import (
	"errors"
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
// not serve answers 405 with an Allow header (see statusError).

// internalMessage is all a person is shown of an internal error.
const internalMessage = "内部错误 (internal error)"

// statusError refines the HTTP status of an error whose code stays one of
// the domain's (413 and 405 for "invalid"), and may carry response headers.
type statusError struct {
	status int
	header http.Header
	err    *pingan.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// writeError answers err as {"error": {"code", "message", "fields"}} with the
// status of its code. Internal errors are logged in full and shown only as
// "内部错误 (internal error)".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := pingan.ErrorCode(err)
	status, ok := httpx.Status(code)
	if !ok {
		code, status = pingan.EINTERNAL, http.StatusInternalServerError
	}
	body := errorDetail{Code: code, Message: internalMessage}
	var pe *pingan.Error
	if code != pingan.EINTERNAL && errors.As(err, &pe) {
		body.Message, body.Fields = pe.Message, pe.Fields
	}
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
		for k, v := range se.header {
			w.Header()[k] = v
		}
	}
	switch code {
	case pingan.EINTERNAL:
		s.log.ErrorContext(r.Context(), "internal error",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("request_id", requestID(r.Context())), slog.Any("error", err))
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
	s.writeJSON(w, status, errorBody{Error: body})
}

// retryAfter formats d as whole seconds, rounded up, for Retry-After.
func retryAfter(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return strconv.FormatInt(secs, 10)
}

// invalid is an EINVALID error naming one field.
func invalid(field, problem, message string) *pingan.Error {
	return &pingan.Error{Code: pingan.EINVALID, Message: message, Fields: map[string]string{field: problem}}
}

// errUnauthorized is the answer to a request without a live token.
var errUnauthorized = pingan.Errorf(pingan.EUNAUTHORIZED, "请先登录 (authentication required)")
