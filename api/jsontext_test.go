package api

import "testing"

// TestJSONTextProblem: the first string that is not text is found, key or
// value, and named by its path.
func TestJSONTextProblem(t *testing.T) {
	for _, tt := range []struct {
		doc, field string
	}{
		{`{"title":"漏水"}`, ""},
		{`{"title":"\\u0000"}`, ""}, // a backslash and "u0000": text
		{`{"title":"a\u0000b"}`, "title"},
		{"{\"title\":\"a\xffb\"}", "title"},
		{`{"reporter":{"name":"张三","phone":"\u0000"},"title":"x"}`, "reporter.phone"},
		{`{"location":{"lat":1,"lng":2},"reporter":{"name":"\u0000"}}`, "reporter.name"},
		{`{"parties":[{"name":"a"},{"name":"b","phone":"1\u0000"}]}`, "parties[1].phone"},
		{`{"years":[{"year":2027,"holidays":{"2027-01-01":"元\u0000旦"}}]}`, "years[0].holidays.2027-01-01"},
		{`{"a\u0000":1}`, "a\x00"}, // BadTextError shows it as "a\uFFFD"
		{`["x", "y\u0000"]`, "[1]"},
		{`"\u0000"`, "body"},
		{`{"title":"x"`, ""}, // a syntax error is the decoder's to name
	} {
		field, problem := jsonTextProblem([]byte(tt.doc))
		if field != tt.field {
			t.Errorf("%s: field %q (%s), want %q", tt.doc, field, problem, tt.field)
		}
		if (problem == "") != (tt.field == "") {
			t.Errorf("%s: problem %q", tt.doc, problem)
		}
	}
}
