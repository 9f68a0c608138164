package web

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
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
	photo := noiseJPEG(b) // about 200 KB
	for _, photos := range []int{0, 1} {
		b.Run(fmt.Sprintf("photos=%d", photos), func(b *testing.B) {
			c.t = b
			i := 0
			for b.Loop() {
				i++
				var files []upload
				if photos > 0 {
					// A comment segment after the start makes each photo new.
					p := append([]byte{0xFF, 0xD8, 0xFF, 0xFE, 0, 18}, fmt.Sprintf("%16d", i)...)
					p = append(p, photo[2:]...)
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

// noiseJPEG answers a real JPEG of grey noise, about 200 KB: photos are
// decoded before they are kept.
func noiseJPEG(b *testing.B) []byte {
	m := image.NewGray(image.Rect(0, 0, 400, 400))
	rand.NewChaCha8([32]byte{1}).Read(m.Pix)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
