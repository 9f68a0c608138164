package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// UnitArea is the boundary of a unit (a village, township, county …) as
// surveyed or drawn by the civil-affairs office: a GeoJSON Polygon or
// MultiPolygon in WGS84. A unit with a known area bounds its grids (see
// Validate), and a position that lies in no grid is placed at the lowest
// unit whose area holds it.
type UnitArea struct {
	Code     string          `json:"code"`
	Name     string          `json:"name,omitempty"`
	Geometry json.RawMessage `json:"geometry"`
}

// ReadAreas reads a GeoJSON FeatureCollection (or a single Feature) of unit
// boundaries: the unit's code in the property code (or the feature's id),
// optionally its name, and a simple Polygon or MultiPolygon (see
// CheckGeometry). Every bad feature is named as ReadGrids names them;
// nothing is answered unless every feature is good.
func ReadAreas(r io.Reader) ([]UnitArea, error) {
	return readFeatures(r, areaError, func(raw json.RawMessage) (UnitArea, string, []string) {
		a, problems := readArea(raw)
		return a, a.Code, problems
	})
}

func readArea(raw json.RawMessage) (UnitArea, []string) {
	var a UnitArea
	var f struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return a, []string{"要素无法解析 (unparsable feature): " + err.Error()}
	}
	var problems []string
	if f.Type != "Feature" {
		problems = append(problems, fmt.Sprintf("type 应为 Feature，而不是 %q (not a Feature)", f.Type))
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	a.Code = text(f.Properties["code"])
	if a.Code == "" {
		a.Code = text(f.ID)
	}
	a.Name = text(f.Properties["name"])
	if a.Code == "" {
		problems = append(problems, "单位编码为空 (code is empty)")
	}
	if mp, msg := parseGeometry(f.Geometry); msg != "" {
		problems = append(problems, msg)
	} else if msg := checkShape(mp); msg != "" {
		problems = append(problems, msg)
	}
	var compact bytes.Buffer
	if json.Compact(&compact, f.Geometry) == nil {
		a.Geometry = json.RawMessage(compact.Bytes())
	}
	return a, problems
}

func areaError(fields map[string]string) error {
	return &pingan.Error{Code: pingan.EINVALID, Message: "单位范围文件有误，未导入任何数据 (the area file has errors; nothing was imported)", Fields: fields}
}
