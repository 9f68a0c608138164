package geo

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
)

func TestGridsRoundTrip(t *testing.T) {
	grids := Tiling("620902001001", orb.Bound{Min: orb.Point{98.49, 39.73}, Max: orb.Point{98.51, 39.75}}, 5)
	grids[0].Workers = []pingan.GridWorker{{UserID: 7, Name: "李娟", Position: pingan.GridMember}, {UserID: 9, Name: "王强", Position: pingan.GridLeader}}
	grids[1].Type = pingan.GridDedicated
	grids[1].Name = "酒泉中学专属网格"
	grids[2].Geometry = []byte(`{"type":"MultiPolygon","coordinates":[[[[98.49,39.73],[98.495,39.73],[98.495,39.735],[98.49,39.73]]],[[[98.5,39.74],[98.505,39.74],[98.505,39.745],[98.5,39.74]]]]}`)
	var buf bytes.Buffer
	if err := WriteGrids(&buf, grids); err != nil {
		t.Fatal(err)
	}
	back, err := ReadGrids(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, grids) {
		t.Errorf("round trip changed the grids:\n%+v\n%+v", back[0], grids[0])
	}
}

func TestReadGridsFromOtherTools(t *testing.T) {
	// QGIS and friends: id instead of code, numbers as strings, spaces,
	// a third coordinate.
	in := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"G1",
	 "geometry":{"type":"Polygon","coordinates":[[[98.1,39.1,1500],[98.2,39.1,1500],[98.2,39.2,1500],[98.1,39.1,1500]]]},
	 "properties":{"name":" 一网格 ","type":"village","unit":620902001201,"households":"120","population":300.0}}]}`
	grids, err := ReadGrids(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	g := grids[0]
	if g.Code != "G1" || g.Name != "一网格" || g.Unit != "620902001201" || g.Households != 120 || g.Population != 300 {
		t.Errorf("grid %+v", g)
	}
}

func TestReadGridsNamesTheFeature(t *testing.T) {
	good := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[98.1,39.1],[98.2,39.1],[98.2,39.2],[98.1,39.1]]]},"properties":{"code":"G1","name":"一","type":"village","unit":"620902001201"}}`
	tests := []struct{ in, key, msg, says string }{
		{`{"type":"FeatureCollection","features":[` + good + `,` + strings.Replace(good, `[98.1,39.1]]]`, `[98.1,39.15]]]`, 1) + `]}`, "feature 2 (G1) geometry", "geo.ring.open", "外环未闭合"},
		{`{"type":"FeatureCollection","features":[` + good + `,` + good + `]}`, "feature 2 (G1) code", "geo.feature.duplicate", "重复"},
		{`{"type":"FeatureCollection","features":[` + strings.Replace(good, `"village"`, `"town"`, 1) + `]}`, "feature 1 (G1) type", "grid.type.bad", "网格类型"},
		{`{"type":"FeatureCollection","features":[` + strings.Replace(good, `"unit":`, `"households":"many","unit":`, 1) + `]}`, "feature 1 (G1) households", "geo.property.whole", "households"},
		{`{"type":"FeatureCollection","features":[` + strings.Replace(good, `"code":"G1",`, ``, 1) + `]}`, "feature 1 code", "grid.code.empty", "编码为空"},
		{`{"type":"FeatureCollection","features":[` + strings.Replace(good, `"Polygon"`, `"LineString"`, 1) + `]}`, "feature 1 (G1) geometry", "geo.geometry.type.bad", "LineString"},
		{`{"type":"FeatureCollection","features":[{"type":"Point"}]}`, "feature 1", "geo.feature.type", "Point"},
		{`{"type":"FeatureCollection","features":[]}`, "file", "geo.collection.empty", "没有要素"},
		{`{"type":"Feature"}`, "feature 1 geometry", "geo.geometry.none", "没有几何"},
		{`{"type":"Topology"}`, "file", "geo.collection.type", "FeatureCollection"},
		{`{"type":`, "file", "geo.geojson.unparsable", "无法解析"},
	}
	for _, tt := range tests {
		_, err := ReadGrids(strings.NewReader(tt.in))
		var e *pingan.Error
		if !errors.As(err, &e) || e.Code != pingan.EINVALID || e.Msg.Key != "geo.grids.file.invalid" ||
			e.Fields[tt.key].Key != tt.msg || !strings.Contains(e.Fields[tt.key].Text(pingan.ZH), tt.says) {
			t.Errorf("%.80s…: want %q: %s mentioning %q, got %v", tt.in, tt.key, tt.msg, tt.says, err)
		}
		checkTexts(t, err)
	}
	// Every part of a feature that is wrong is named.
	_, err := ReadGrids(strings.NewReader(`{"type":"Feature","properties":{"households":1.5}}`))
	var e *pingan.Error
	if !errors.As(err, &e) {
		t.Fatalf("a feature without anything: %v", err)
	}
	for _, k := range []string{"code", "name", "type", "unit", "households", "geometry"} {
		if _, ok := e.Fields["feature 1 "+k]; !ok {
			t.Errorf("feature 1 %s is not named: %v", k, err)
		}
	}
}

// checkTexts fails unless every message of err renders in both languages,
// each text with its arguments.
func checkTexts(t *testing.T, err error) {
	t.Helper()
	var e *pingan.Error
	if !errors.As(err, &e) {
		return
	}
	msgs := []pingan.Message{e.Msg}
	for _, m := range e.Fields {
		msgs = append(msgs, m)
	}
	for _, m := range msgs {
		for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
			if s := m.Text(lang); !pingan.HasMessage(m.Key) || strings.Contains(s, "%!") {
				t.Errorf("%s in %s: %q", m.Key, lang, s)
			}
		}
	}
}

func TestOneFeatureRoundTrip(t *testing.T) {
	g := Tiling("620902001001", orb.Bound{Min: orb.Point{98.49, 39.73}, Max: orb.Point{98.51, 39.75}}, 1)[0]
	g.Workers = []pingan.GridWorker{{UserID: 7, Name: "李娟", Position: pingan.GridLeader}}
	b, err := MarshalGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadGrids(bytes.NewReader(b))
	if err != nil || len(back) != 1 || !reflect.DeepEqual(back[0], g) {
		t.Errorf("a Feature read back as %+v, %v", back, err)
	}
}

func TestReadAreas(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":620902100000,"geometry":{"type":"Polygon","coordinates":[[[98.58,39.78],[98.7,39.78],[98.7,39.9],[98.58,39.78]]]},"properties":{"name":"银达镇"}},
	 {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[98.1, 39.1],[98.2,39.1],[98.2,39.2],[98.1,39.1]]]},"properties":{"code":"620902"}}]}`
	areas, err := ReadAreas(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) != 2 || areas[0].Code != "620902100000" || areas[0].Name != "银达镇" || areas[1].Code != "620902" || strings.Contains(string(areas[1].Geometry), " ") {
		t.Errorf("areas %+v", areas)
	}
	for _, tt := range []struct{ in, key, msg, says string }{
		{strings.Replace(in, `"code":"620902"`, `"code":""`, 1), "feature 2 code", "geo.area.code.empty", "编码为空"},
		{strings.Replace(in, `[98.58,39.78]]]`, `[98.58,39.79]]]`, 1), "feature 1 (620902100000) geometry", "geo.ring.open", "未闭合"},
		{strings.Replace(in, `"code":"620902"`, `"code":"620902100000"`, 1), "feature 2 (620902100000) code", "geo.feature.duplicate", "重复"},
		{`{"type":"GeometryCollection"}`, "file", "geo.collection.type", "FeatureCollection"},
	} {
		_, err := ReadAreas(strings.NewReader(tt.in))
		var e *pingan.Error
		if !errors.As(err, &e) || e.Msg.Key != "geo.areas.file.invalid" || e.Fields[tt.key].Key != tt.msg || !strings.Contains(e.Fields[tt.key].Text(pingan.ZH), tt.says) {
			t.Errorf("want %q: %s mentioning %q, got %v", tt.key, tt.msg, tt.says, err)
		}
		checkTexts(t, err)
	}
}
