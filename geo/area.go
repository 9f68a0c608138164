package geo

import (
	"bytes"
	"encoding/json"
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
	return readFeatures(r, areaError, func(raw json.RawMessage) (UnitArea, string, []problem) {
		a, problems := readArea(raw)
		return a, a.Code, problems
	})
}

func readArea(raw json.RawMessage) (UnitArea, []problem) {
	var a UnitArea
	var f struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return a, []problem{{"", pingan.Msg("geo.feature.unparsable", err.Error())}}
	}
	var problems []problem
	if f.Type != "Feature" {
		problems = append(problems, problem{"", pingan.Msg("geo.feature.type", f.Type)})
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
		problems = append(problems, problem{"code", pingan.Msg("geo.area.code.empty")})
	}
	problems = append(problems, geometryProblems(f.Geometry)...)
	var compact bytes.Buffer
	if json.Compact(&compact, f.Geometry) == nil {
		a.Geometry = json.RawMessage(compact.Bytes())
	}
	return a, problems
}

func areaError(fields map[string]pingan.Message) error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("geo.areas.file.invalid"), Fields: fields}
}
