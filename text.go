package pingan

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Text that arrives from outside — a JSON string, a query parameter, a path
// segment, a form field, a line of an imported file — must be UTF-8 without
// the NUL character (U+0000). PostgreSQL refuses both in a text column and
// SQLite keeps them silently, so each interface refuses them where the text
// arrives (BadText), the same way on both databases, and the store never
// sees them.

// BadText answers what is wrong with s as text — a NUL character, or bytes
// that are not UTF-8 — as a message key, or "" when s is fine.
func BadText(s string) string {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return "text.nul"
	case !utf8.ValidString(s):
		return "text.utf8"
	}
	return ""
}

// BadTextError is the EINVALID error for text that BadText refuses, naming
// the field and saying what is wrong with it.
func BadTextError(field, problem string) *Error {
	field = ShowText(field, 64)
	return &Error{Code: EINVALID, Msg: Msg("text.bad", field), Fields: map[string]Message{field: Msg(problem)}}
}

// ShowText answers s fit to be shown back to a person: a NUL character and
// bytes that are not UTF-8 become U+FFFD, and a long s is cut to max runes
// followed by "…".
func ShowText(s string, max int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
}

// BadValues answers the first parameter, by name, of a query or a form
// (url.Values) whose name or values are not text, as a BadTextError; nil
// when all are text.
func BadValues(values map[string][]string) error {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if p := BadText(name); p != "" {
			return BadTextError(name, p)
		}
		for _, v := range values[name] {
			if p := BadText(v); p != "" {
				return BadTextError(name, p)
			}
		}
	}
	return nil
}
