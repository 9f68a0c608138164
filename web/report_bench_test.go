package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkPhoneReport measures a grid worker's report from the phone page
// (POST /m/report, answered in JSON), without a photo and with one photo of
// 200 KB, each photo new:
//
//	go test -run '^$' -bench PhoneReport ./web/
func BenchmarkPhoneReport(b *testing.B) {
	e := newBenchEnv(b)
	c := e.login(e.fx.GridWorker)
	c.t = b
	photo := make([]byte, 200<<10)
	copy(photo, "\xff\xd8\xff\xe0")
	for _, photos := range []int{0, 1} {
		b.Run(fmt.Sprintf("photos=%d", photos), func(b *testing.B) {
			c.t = b
			i := 0
			for b.Loop() {
				i++
				var files []upload
				if photos > 0 {
					p := append([]byte(nil), photo...)
					copy(p[16:], fmt.Sprintf("%d-%d", photos, i))
					files = append(files, upload{"photos", "p.jpg", p})
				}
				res := c.postMultipart("/m/report", url.Values{"category": {"FW01"}, "kind": {"service"}, "title": {"路灯不亮"},
					"unit": {e.fx.Village.Code}}, files, "Accept", "application/json")
				if res.status != http.StatusOK {
					b.Fatalf("status %d: %s", res.status, res.body)
				}
			}
		})
	}
}
