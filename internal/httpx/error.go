package httpx

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/pingan-gov/pingan"
)

// StatusError refines the HTTP status of a domain error whose code stays
// one of the domain's — 413 for a body over the limit, 405 for a method
// the path does not serve, both "invalid" — and may carry headers for the
// answer (Allow).
type StatusError struct {
	Status int
	Header http.Header
	Err    *pingan.Error
}

func (e *StatusError) Error() string { return e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }

// ErrorBody is the JSON shape of every error answer (API.md):
// {"error": {"code", "message", "message_key", "fields", "field_keys"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is what went wrong: the code, the message in the reader's
// language and its key in the catalogue, and each wrong field with what is
// wrong with it, in words and by key.
type ErrorDetail struct {
	Code       string            `json:"code"`
	Message    string            `json:"message"`
	MessageKey string            `json:"message_key"`
	Fields     map[string]string `json:"fields,omitempty"`
	FieldKeys  map[string]string `json:"field_keys,omitempty"`
}

// StatusOf answers the HTTP status of err: its code's (Status), refined by
// a StatusError; 500 for an error that is not the domain's.
func StatusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) && se.Status != 0 {
		return se.Status
	}
	if st, ok := Status(pingan.ErrorCode(err)); ok {
		return st
	}
	return http.StatusInternalServerError
}

// Detail answers err as the error body's detail in lang. An internal error,
// or one whose code the domain does not know, answers only the generic
// sentence, so that nothing internal leaks.
func Detail(err error, lang pingan.Lang) ErrorDetail {
	code := pingan.ErrorCode(err)
	var e *pingan.Error
	if _, ok := Status(code); !ok || code == pingan.EINTERNAL || !errors.As(err, &e) {
		return ErrorDetail{Code: pingan.EINTERNAL, Message: pingan.Text(lang, "error.internal"), MessageKey: "error.internal"}
	}
	d := ErrorDetail{Code: code, Message: e.Msg.Text(lang), MessageKey: e.Msg.Key, Fields: e.FieldTexts(lang)}
	if len(e.Fields) > 0 {
		d.FieldKeys = make(map[string]string, len(e.Fields))
		for k, m := range e.Fields {
			d.FieldKeys[k] = m.Key
		}
	}
	return d
}

// WriteError answers err as the JSON error body in lang, with the status
// of its code (StatusOf) and the headers of a StatusError. It logs
// nothing: the caller logs an internal error in full.
func WriteError(w http.ResponseWriter, r *http.Request, err error, lang pingan.Lang) {
	var se *StatusError
	if errors.As(err, &se) {
		for k, v := range se.Header {
			w.Header()[k] = v
		}
	}
	status := StatusOf(err)
	if pingan.ErrorCode(err) == pingan.EINTERNAL {
		status = http.StatusInternalServerError
	}
	WriteJSON(w, status, ErrorBody{Error: Detail(err, lang)})
}

// WriteJSON answers v as JSON with the status. An error writing it is not
// answered: the status is out.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
