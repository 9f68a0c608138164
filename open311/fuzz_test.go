package open311

import (
	"net/url"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/fuzzcheck"
)

// FuzzForms feeds the readers of Open311's forms — a POST's report
// (reportOf, then the domain's checks) and the date window of the lists
// (window) — with any query string. They never panic, and refuse with
// the domain's error naming the field.
func FuzzForms(f *testing.F) {
	for _, seed := range []string{
		"service_code=FW01&lat=39.755&long=98.505&description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE&first_name=%E6%98%8E&phone=13911110004",
		"service_code=FW03&address_string=%E5%AF%8C%E5%BA%B7%E8%B7%AF8%E5%8F%B7&description=x&deviceid=abc&attribute%5Bfloor%5D=3",
		"lat=abc&long=&email=a@b",
		"start_date=2026-11-01&end_date=2026-11-30",
		"start_date=2026-11-30T10:00:00%2B08:00&end_date=2026-11-01T10:00Z",
		"start_date=not-a-date",
		"lat=NaN&long=Inf&service_code=",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		form, err := url.ParseQuery(query)
		if err != nil {
			return // the server answers the query's syntax before these
		}
		if _, _, err := window(form); err != nil {
			fuzzcheck.Refusal(t, err)
		}
		in, err := reportOf(form)
		if err != nil {
			fuzzcheck.Refusal(t, err)
			return
		}
		var v pingan.Invalid
		in.Validate(&v, pingan.KindService)
		if err := v.Err(); err != nil {
			fuzzcheck.Refusal(t, err)
		}
	})
}
