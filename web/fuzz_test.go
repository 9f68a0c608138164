package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/internal/fuzzcheck"
	"github.com/pingan-gov/pingan/store/storetest"
)

// FuzzReportForm feeds the reader of the report forms — the staff's
// /report, the citizens' /public/report and the phone's /m/report all
// read theirs with parseReportChecked — with any form, then the domain's
// checks as createReport runs them. Nothing panics; what is refused is
// refused with the domain's error naming the field or the party's row.
func FuzzReportForm(f *testing.F) {
	for _, seed := range []string{
		"source=hotline&category=0102&title=%E6%A5%BC%E9%81%93%E5%A0%86%E7%89%A9&description=x&unit=620902001001" +
			"&reporter_name=%E6%AC%A7%E9%98%B3%E9%9D%92%E5%B1%B1&reporter_phone=13911110001&party_name=a&party_phone=13911110002",
		"category=FW03&description=%E5%9E%83%E5%9C%BE&lat=39.755&lng=98.505&key=guard-1",
		"kind=dispute&category=0102&title=t&parties.1.role=applicant&parties.1.type=person&parties.1.name=a&parties.1.phone=1" +
			"&parties.1.id_number=620902198807150021&parties.2.role=respondent&parties.2.name=b&dispute.amount=1%2C000.5&dispute.people=x",
		"kind=petition&category=0301&title=t&petition_form=visit&rep_name=a&rep_phone=x&people=abc",
		"lat=north&lng=&amount=lots&urgency=now&resolved_on_site=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, form string) {
		if _, err := url.ParseQuery(form); err != nil {
			return // the server answers a form it cannot parse before this reader
		}
		r := httptest.NewRequest("POST", "/report", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		in, bad := parseReportChecked(r)
		if err := bad.Err(); err != nil {
			fuzzcheck.Refusal(t, err)
		}
		in.Normalize(nil)
		v := bad
		in.Validate(v, nil, storetest.Epoch)
		if err := v.Err(); err != nil {
			fuzzcheck.Refusal(t, err)
		}
	})
}
