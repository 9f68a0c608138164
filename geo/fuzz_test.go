package geo

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/internal/fuzzcheck"
)

var fuzzGeoJSONSeeds = []string{
	`{"type":"FeatureCollection","features":[{"type":"Feature","id":"G1",
	 "geometry":{"type":"Polygon","coordinates":[[[98.1,39.1,1500],[98.2,39.1,1500],[98.2,39.2,1500],[98.1,39.1,1500]]]},
	 "properties":{"name":" 一网格 ","type":"village","unit":620902001201,"households":"120","population":300.0}}]}`,
	`{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":620902100000,"geometry":{"type":"Polygon","coordinates":[[[98.58,39.78],[98.7,39.78],[98.7,39.9],[98.58,39.78]]]},"properties":{"name":"银达镇"}},
	 {"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[98.1, 39.1],[98.2,39.1],[98.2,39.2],[98.1,39.1]]]]},"properties":{"code":"620902"}}]}`,
	`{"type":"Feature","properties":{"households":1.5}}`,
	`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}]}`,
	`{"type":"FeatureCollection","features":null}`, `[]`, ``,
}

// FuzzReadGrids feeds the reader of grids' GeoJSON with any document: it
// never panics, refuses with the domain's error naming the feature (or
// the file), and the grids it reads, written out and read again, are the
// same grids.
func FuzzReadGrids(f *testing.F) {
	for _, s := range fuzzGeoJSONSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		grids, err := ReadGrids(strings.NewReader(doc))
		if err != nil {
			fuzzcheck.Refusal(t, err)
			return
		}
		var buf bytes.Buffer
		if err := WriteGrids(&buf, grids); err != nil {
			t.Fatalf("write %+v: %v", grids, err)
		}
		back, err := ReadGrids(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("read back %s: %v", buf.Bytes(), err)
		}
		if !reflect.DeepEqual(back, grids) {
			t.Fatalf("round trip changed the grids:\n%+v\n%+v", back, grids)
		}
	})
}

// FuzzReadAreas feeds the reader of units' areas likewise.
func FuzzReadAreas(f *testing.F) {
	for _, s := range fuzzGeoJSONSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if _, err := ReadAreas(strings.NewReader(doc)); err != nil {
			fuzzcheck.Refusal(t, err)
		}
	})
}
