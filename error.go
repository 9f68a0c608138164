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

// Message is a sentence for a person, by its key in the catalogue
// (messages.go) and the arguments its texts are formatted with. It is
// rendered in a language only where it is shown.
type Message struct {
	Key  string
	Args []any
}

// Msg answers the message with key and args.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// Text renders the message in lang.
func (m Message) Text(lang Lang) string { return Text(lang, m.Key, m.Args...) }

// Error is the one error type of the domain. Msg says what went wrong;
// Fields names each wrong input field and what is wrong with it.
type Error struct {
	Code   string
	Msg    Message
	Fields map[string]Message
}

// Error renders the error in Chinese, for logs and the command line.
func (e *Error) Error() string {
	msg := e.Msg.Text(ZH)
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, msg)
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
		fmt.Fprintf(&b, "%s: %s", k, e.Fields[k].Text(ZH))
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, msg, b.String())
}

// Text answers the message of the error in lang.
func (e *Error) Text(lang Lang) string { return e.Msg.Text(lang) }

// FieldTexts answers the field errors in lang, or nil when there are none.
func (e *Error) FieldTexts(lang Lang) map[string]string {
	if len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for k, m := range e.Fields {
		out[k] = m.Text(lang)
	}
	return out
}

// E returns an *Error with the code and the message with key and args.
func E(code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: Msg(key, args...)}
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

// ErrorText answers the message of err for a person in lang; internal
// errors answer a generic sentence so that nothing internal leaks.
func ErrorText(err error, lang Lang) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Text(lang)
	}
	return Text(lang, "error.internal")
}

// FieldTexts answers the field errors of err in lang, or nil.
func FieldTexts(err error, lang Lang) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.FieldTexts(lang)
	}
	return nil
}

// Invalid collects field errors for one input. The zero value is ready.
type Invalid struct{ fields map[string]Message }

// Add records that field is wrong, with the message key and its
// arguments; the first message for a field wins.
func (v *Invalid) Add(field, key string, args ...any) {
	if v.fields == nil {
		v.fields = map[string]Message{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = Msg(key, args...)
	}
}

// Require records field as missing when empty.
func (v *Invalid) Require(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "field.required")
	}
}

// Has reports whether field is already named as wrong.
func (v *Invalid) Has(field string) bool {
	_, ok := v.fields[field]
	return ok
}

// Merge adds the fields of err when it is an EINVALID *Error and answers
// nil; any other error is answered as it is.
func (v *Invalid) Merge(err error) error {
	var e *Error
	if err == nil {
		return nil
	} else if !errors.As(err, &e) || e.Code != EINVALID {
		return err
	}
	if len(e.Fields) == 0 {
		v.Add("", e.Msg.Key, e.Msg.Args...)
	}
	for k, m := range e.Fields {
		v.Add(k, m.Key, m.Args...)
	}
	return nil
}

// Err answers nil when nothing was added, or an EINVALID *Error naming every field.
func (v *Invalid) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Msg: Msg("error.invalid"), Fields: v.fields}
}

// Invalidf answers EINVALID naming one field and what is wrong with it.
func Invalidf(field, key string, args ...any) error {
	var v Invalid
	v.Add(field, key, args...)
	return v.Err()
}
