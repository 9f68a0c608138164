package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A citizen's photo loses its GPS position on the public form unless the
// box that shares it is ticked; a file that only looks like an image is
// refused naming it.
func TestPublicPhotoPosition(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	photo, _, _ := storetest.JPEGWithExif()
	stripped := pingan.StripPosition(photo)
	if bytes.Equal(stripped, photo) {
		t.Fatal("the test's photo has no position to strip")
	}
	sum := func(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
	number := regexp.MustCompile(`id="receipt-number">([^<]+)<`)
	for _, tt := range []struct {
		share string
		kept  []byte
	}{{"", stripped}, {"1", photo}} {
		form := url.Values{"category": {"FW01"}, "unit": {"620902001001"}, "title": {"路灯不亮"}, "share_position": {tt.share}}
		res := e.anon().postMultipart("/public/report", form, []upload{{"photos", "灯.jpg", photo}})
		m := number.FindStringSubmatch(res.body)
		if res.status != http.StatusOK || m == nil {
			t.Fatalf("share %q: %d %s", tt.share, res.status, textOf(res.body))
		}
		got, err := e.db.Cases.CaseFile(context.Background(), e.fx.CountyDispatcher, m[1], sum(tt.kept))
		if err != nil || !bytes.Equal(got, tt.kept) {
			t.Errorf("share %q: the photo kept is not the one expected: %v", tt.share, err)
		}
	}
	res := e.anon().postMultipart("/public/report", url.Values{"category": {"FW01"}, "unit": {"620902001001"}, "title": {"路灯不亮"},
		"share_position": {"1"}}, []upload{{"photos", "假照片.png", []byte("\x89PNG\r\n\x1a\n只是文字")}})
	if res.status != http.StatusBadRequest {
		t.Errorf("a fake image: %d", res.status)
	}
	mustContain(t, res.body, "照片 假照片.png 无法解码为图片", `name="share_position" type="checkbox" value="1" checked`)
}
