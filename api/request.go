package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
)

// decode reads the JSON body of r into dst. It checks the shape of the
// input — size, syntax, types, unknown fields, one value only — and answers
// an EINVALID error naming the field where it can; the meaning of the
// fields is for the services to judge.
//
// Every string of the body, key or value, must be text (pingan.BadText):
// encoding/json lets a NUL through (\u0000) and turns bytes that are not
// UTF-8 into U+FFFD, so the body is checked as it came, first.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return s.decodeError(err, dst)
	}
	if field, problem := jsonTextProblem(body); problem != "" {
		return pingan.BadTextError(field, problem)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return s.decodeError(err, dst)
	}
	// One JSON value and nothing after it.
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
		return nil
	case err != nil:
		return s.decodeError(err, dst)
	}
	return invalid("body", pingan.Msg("api.body.extra"), pingan.Msg("api.body.single"))
}

// jsonTextProblem answers the first string of a JSON document, key or
// value, that is not text (pingan.BadText), with its field:
// "title", "reporter.name", "parties[1].phone". A NUL can only come as the
// escape \u0000 (JSON forbids raw control characters in strings), so a
// document that is UTF-8 without that escape is answered at once.
func jsonTextProblem(doc []byte) (field, problem string) {
	if utf8.Valid(doc) && !bytes.Contains(doc, []byte(`\u0000`)) {
		return "", ""
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var path jsonPath
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", "" // the end, or a syntax error for the decoder to name
		}
		raw := doc[start:dec.InputOffset()] // the token, and the separator before it
		str, isString := tok.(string)
		isKey := isString && path.atKey()
		if isString {
			if isKey {
				path.key(str)
			}
			if p := pingan.BadText(str); p != "" {
				return path.String(), p
			}
			if !utf8.Valid(raw) {
				return path.String(), pingan.BadText(string(raw))
			}
		}
		if !isKey {
			path.next(tok)
		}
	}
}

// jsonPath follows where a stream of tokens stands in a JSON document.
type jsonPath struct{ frames []jsonFrame }

// jsonFrame is one open object or array.
type jsonFrame struct {
	object   bool
	name     string // an object's current key
	index    int    // an array's current element
	valueDue bool   // an object's key has been read, its value not yet
}

// atKey reports whether the next token is an object's key.
func (p *jsonPath) atKey() bool {
	n := len(p.frames)
	return n > 0 && p.frames[n-1].object && !p.frames[n-1].valueDue
}

// key records an object's key.
func (p *jsonPath) key(name string) {
	f := &p.frames[len(p.frames)-1]
	f.name, f.valueDue = name, true
}

// next moves past a value token: { and [ open a level, } and ] close one,
// and a value completes its key's entry or its array's element.
func (p *jsonPath) next(tok json.Token) {
	switch tok {
	case json.Delim('{'), json.Delim('['):
		p.frames = append(p.frames, jsonFrame{object: tok == json.Delim('{')})
		return
	case json.Delim('}'), json.Delim(']'):
		p.frames = p.frames[:len(p.frames)-1]
	}
	if n := len(p.frames); n > 0 {
		f := &p.frames[n-1]
		if f.object {
			f.valueDue = false
		} else {
			f.index++
		}
	}
}

// String names the current place: keys joined by dots, array elements in
// brackets; "body" for the document itself.
func (p *jsonPath) String() string {
	var b strings.Builder
	for _, f := range p.frames {
		switch {
		case f.object && b.Len() > 0:
			b.WriteString("." + f.name)
		case f.object:
			b.WriteString(f.name)
		default:
			fmt.Fprintf(&b, "[%d]", f.index)
		}
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// decodeError translates a decoding failure into an EINVALID error.
func (s *Server) decodeError(err error, dst any) error {
	var (
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
		timeErr  *time.ParseError
	)
	switch {
	case errors.As(err, &tooLarge):
		limit := byteSize(tooLarge.Limit)
		return &httpx.StatusError{Status: http.StatusRequestEntityTooLarge,
			Err: invalid("body", pingan.Msg("api.body.large.field", limit), pingan.Msg("api.body.large", limit))}
	case errors.Is(err, io.EOF):
		return invalid("body", pingan.Msg("field.required"), pingan.Msg("api.body.empty"))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("body", pingan.Msg("api.body.truncated.field"), pingan.Msg("api.body.truncated"))
	case errors.As(err, &syntax):
		return invalid("body", pingan.Msg("api.body.syntax.field", syntax.Offset), pingan.Msg("api.body.syntax", syntax.Error()))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return invalid("body", pingan.Msg("api.body.object.field"), pingan.Msg("api.body.object"))
		}
		return invalid(typ.Field, typeProblem(typ.Type.Kind().String(), typ.Value), pingan.Msg("error.invalid"))
	case errors.As(err, &timeErr):
		field := "body"
		switch dst.(type) {
		case *pingan.ActionInput, *actionBody: // actionBody: an action with its photos (case.go)
			field = "deadline" // the only time in an input body
		}
		return invalid(field, pingan.Msg("api.body.time", timeErr.Value), pingan.Msg("error.invalid"))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		field := name
		if field == "" { // {"": …}: a key with no name is named as the body's
			field = "body"
		}
		return invalid(field, pingan.Msg("api.body.unknown.field"), pingan.Msg("api.body.unknown", name))
	}
	return invalid("body", pingan.Msg("error.detail", err.Error()), pingan.Msg("api.body.unreadable"))
}

// typeProblem says that a value of the JSON type got is not of the JSON
// type a Go kind takes.
func typeProblem(kind, got string) pingan.Message {
	switch kind {
	case "string":
		return pingan.Msg("api.body.type.string", got)
	case "bool":
		return pingan.Msg("api.body.type.bool", got)
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return pingan.Msg("api.body.type.integer", got)
	case "float32", "float64":
		return pingan.Msg("api.body.type.number", got)
	case "slice", "array":
		return pingan.Msg("api.body.type.array", got)
	case "struct", "map", "ptr":
		return pingan.Msg("api.body.type.object", got)
	}
	return pingan.Msg("api.body.type.other", kind, got)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ---- query parameters ----

// query reads the query parameters of one request and collects what is
// wrong with them, so that one answer names every bad parameter.
type query struct {
	values url.Values
	v      pingan.Invalid
}

func newQuery(r *http.Request) *query { return &query{values: r.URL.Query()} }

// str answers a parameter, trimmed; "" when absent.
func (q *query) str(name string) string { return strings.TrimSpace(q.values.Get(name)) }

// has reports whether the parameter is present and not empty.
func (q *query) has(name string) bool { return q.str(name) != "" }

// int answers a whole number in [min, max]; def when absent.
func (q *query) int(name string, def, min, max int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.v.Add(name, "api.query.int", min, max)
		return def
	}
	return n
}

// bool answers *true, *false or nil when absent.
func (q *query) bool(name string) *bool {
	s := q.str(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.v.Add(name, "api.query.bool")
		return nil
	}
	return &b
}

// time answers an instant: RFC 3339, or a date YYYY-MM-DD meaning its
// 00:00 in China Standard Time (+08:00); with endOfDay a date means the
// next day's 00:00, so that "to=2025-10-31" includes the 31st. The zero
// time when absent.
func (q *query) time(name string, endOfDay bool) time.Time {
	s := q.str(name)
	if s == "" {
		return time.Time{}
	}
	t, dateOnly, err := parseTime(s)
	if err != nil {
		q.v.Add(name, "api.query.time")
		return time.Time{}
	}
	if dateOnly && endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// parseTime parses RFC 3339, or a date YYYY-MM-DD at 00:00 +08:00. A '+'
// in a query that was not escaped arrives as a space; it is put back.
func parseTime(s string) (t time.Time, dateOnly bool, err error) {
	if len(s) == len(time.DateOnly) {
		t, err = time.ParseInLocation(time.DateOnly, s, pingan.CST)
		return t, true, err
	}
	if i := strings.LastIndexByte(s, ' '); i > len(time.DateOnly) {
		s = s[:i] + "+" + s[i+1:]
	}
	t, err = time.Parse(time.RFC3339, s)
	return t, false, err
}

// err answers the collected problems as one EINVALID error, or nil.
func (q *query) err() error {
	err := q.v.Err()
	if e, ok := err.(*pingan.Error); ok {
		e.Msg = pingan.Msg("api.query.invalid")
	}
	return err
}

// ---- text in the path and the query ----

// checkText refuses a request whose path segments or query parameters, names
// or values, are not text (pingan.BadText), naming the path's wildcard or
// the parameter; decode does the same for the strings of a JSON body. Every
// route runs it first (serve), before it reads anything else.
func checkText(r *http.Request) error {
	for _, name := range httpx.Wildcards(r.Pattern) {
		if p := pingan.BadText(r.PathValue(name)); p != "" {
			return pingan.BadTextError(name, p)
		}
	}
	return pingan.BadValues(r.URL.Query())
}
