package api

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/fuzzcheck"
)

// FuzzDecode feeds the one decoder of the API's JSON bodies with what a
// client may send, into two of the real request types: a report
// (pingan.NewCase) and an action with its photos (actionBody). It never
// panics; a refusal is the domain's error naming the field (or "body");
// what it accepts, written out again and decoded, is the same value.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"dispute","category":"0102","title":"楼道堆物","description":"三楼住户在楼道堆放杂物","unit":"620902001001",` +
			`"source":"hotline","reporter":{"name":"欧阳青山","phone":"13911110001"},"parties":[{"role":"applicant","name":"司马红梅","phone":"13911110002"}],` +
			`"location":{"lat":39.755,"lng":98.505},"reported_at":"2026-11-27T09:30:00+08:00"}`,
		`{"category":"FW03","title":"垃圾清运","description":"小区垃圾清运不及时","key":"k-1","resolved_on_site":true,"result":"已清运"}`,
		`{"action":"dispatch","to_unit":"620902-zjj","note":"请住建局处置","deadline":"2026-12-01T18:00:00+08:00"}`,
		`{"action":"handle","note":"已处理","photos":[{"name":"a.jpg","data":"/9j/4AAQSkZJRg=="}]}`,
		`{"title":"a"} {"title":"b"}`,
		`{"title":"\u0000"}`,
		`{"parties":[{"name":1}]}`,
		`{"unknown":true}`,
		`[`, ``, `null`, `{"location":{"lat":"x"}}`,
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	s := &Server{maxBody: 64 << 10}
	f.Fuzz(func(t *testing.T, body string, action bool) {
		decode := func(body []byte, dst any) error {
			r := httptest.NewRequest("POST", "/api/v1/cases", bytes.NewReader(body))
			return s.decode(httptest.NewRecorder(), r, dst)
		}
		fresh := func() any {
			if action {
				return &actionBody{}
			}
			return &pingan.NewCase{}
		}
		dst := fresh()
		if err := decode([]byte(body), dst); err != nil {
			fuzzcheck.Refusal(t, err)
			return
		}
		// The round trip: encode what was read, read it again.
		once, err := json.Marshal(dst)
		if err != nil {
			// A value JSON cannot write (a NaN) is the domain's to refuse.
			if strings.Contains(err.Error(), "unsupported value") {
				return
			}
			t.Fatalf("encode %+v: %v", dst, err)
		}
		again := fresh()
		if err := decode(once, again); err != nil {
			t.Fatalf("decode %s again: %v", once, err)
		}
		twice, _ := json.Marshal(again)
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip: %s\nbecame %s", once, twice)
		}
	})
}
