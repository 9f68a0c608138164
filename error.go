package pingan

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. The HTTP layer maps each to one status in one place.
const (
	EINVALID      = "invalid"           // 400: the input is wrong; Fields says where
	ENOTFOUND     = "not_found"         // 404: no such thing, or outside the caller's jurisdiction
	ECONFLICT     = "conflict"          // 409: not allowed in the current state
	EFORBIDDEN    = "forbidden"         // 403: the caller's role may not do this
	EUNAUTHORIZED = "unauthorized"      // 401: no valid credentials
	ETOOMANY      = "too_many_requests" // 429: locked out or rate limited
	EINTERNAL     = "internal"          // 500: a fault of ours; logged, never shown
)

// Error is the one error type of the domain. Message is a sentence for a
// person (zh-CN first); Fields names each wrong input field and what is wrong.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", k, e.Fields[k])
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, b.String())
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode answers the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage answers the human message of err; internal errors answer a
// generic sentence so that nothing internal leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误 (internal error)"
}

// Invalid collects field errors for one input. The zero value is ready.
type Invalid struct{ fields map[string]string }

// Add records that field is wrong; the first message for a field wins.
func (v *Invalid) Add(field, msg string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// Require records field as missing when empty.
func (v *Invalid) Require(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "必填 (required)")
	}
}

// Err answers nil when nothing was added, or an EINVALID *Error naming every field.
func (v *Invalid) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "输入有误，请检查标出的字段 (invalid input)", Fields: v.fields}
}
