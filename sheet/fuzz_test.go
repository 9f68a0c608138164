package sheet

import (
	"bytes"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/fuzzcheck"
)

// FuzzReadSites feeds the reader of the register of key sites (重点场所)
// with any upload, seeded with the register's own export: it never
// panics, and refuses with the domain's error naming the file or the
// row's cell.
func FuzzReadSites(f *testing.F) {
	types := []*pingan.SiteType{{Code: pingan.SiteHazardSource, Name: "危险源", Active: true}}
	site := &pingan.Site{ID: 1, Name: "富康燃气储配站", Type: pingan.SiteHazardSource, Level: 2, Grid: "620902001001-01",
		Unit: "620902001001", Lat: 39.755, Lng: 98.505, Address: "富康路 8 号", Department: "620902-zjj"}
	book, _ := SitesBook(pingan.ZH, []*pingan.Site{site}, nil, &pingan.User{Username: "sz-dispatcher"}, time.Date(2026, 11, 27, 9, 0, 0, 0, pingan.CST))
	var buf bytes.Buffer
	if err := Write(&buf, book); err != nil {
		f.Fatal(err)
	}
	if _, err := ReadSites(bytes.NewReader(buf.Bytes()), types); err != nil {
		f.Fatalf("the register's own export does not read: %v", err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ReadSites(bytes.NewReader(b), types); err != nil {
			fuzzcheck.Refusal(t, err)
		}
	})
}
