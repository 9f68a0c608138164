package geo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// maxFeatureErrors caps how many bad features one error lists.
const maxFeatureErrors = 20

// ReadGrids reads a GeoJSON FeatureCollection of grids, one Feature each:
// a Polygon or MultiPolygon geometry in WGS84 and the properties code (or
// the feature's id), name, type (community | village | dedicated), unit
// (the village or community code), households and population (numbers, or
// strings of digits as some GIS tools write them), and optionally workers
// as pingan.GridWorker objects. Each geometry must be simple (see
// CheckGeometry); checks against the unit's area and the other grids are
// Validate's.
//
// A single Feature, as GET /api/v1/grids/{code} answers it, is read as a
// collection of one.
//
// Every bad feature is named by its number, counted from 1, and its code,
// followed by the part of it that is wrong — a property, the geometry, or
// nothing when it is the feature as a whole:
// Fields{"feature 3 (620902001001001) geometry": …}; nothing is answered
// unless every feature is good.
func ReadGrids(r io.Reader) ([]*pingan.Grid, error) {
	return readFeatures(r, featureError, func(raw json.RawMessage) (*pingan.Grid, string, []problem) {
		g, problems := readFeature(raw)
		return g, g.Code, problems
	})
}

// problem is one thing wrong with a feature: part names what of it is
// wrong (a property, "geometry"), or is empty for the feature as a whole.
type problem struct {
	part string
	msg  pingan.Message
}

// readFeatures reads a FeatureCollection (or a single Feature) from r and
// each feature with read, which answers the item, its code and what is
// wrong with it. Every bad feature — and every code used twice — is named
// by its number and code, and the part that is wrong, in the error fail
// makes; nothing is answered unless every feature is good.
func readFeatures[T any](r io.Reader, fail func(map[string]pingan.Message) error, read func(json.RawMessage) (T, string, []problem)) ([]T, error) {
	file := func(key string, args ...any) error {
		return fail(map[string]pingan.Message{"file": pingan.Msg(key, args...)})
	}
	var raw json.RawMessage
	if err := json.NewDecoder(bufio.NewReader(r)).Decode(&raw); err != nil {
		return nil, file("geo.geojson.unparsable", err.Error())
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, file("geo.geojson.unparsable", err.Error())
	}
	switch fc.Type {
	case "FeatureCollection":
	case "Feature":
		fc.Features = []json.RawMessage{raw}
	default:
		return nil, file("geo.collection.type", fc.Type)
	}
	if len(fc.Features) == 0 {
		return nil, file("geo.collection.empty")
	}
	items := make([]T, 0, len(fc.Features))
	bad := map[string]pingan.Message{}
	badFeatures := 0
	seen := make(map[string]int, len(fc.Features))
	for i, raw := range fc.Features {
		item, code, problems := read(raw)
		key := fmt.Sprintf("feature %d", i+1)
		if code != "" {
			key += " (" + code + ")"
			if j, dup := seen[code]; dup {
				problems = append(problems, problem{"code", pingan.Msg("geo.feature.duplicate", code, j)})
			} else {
				seen[code] = i + 1
			}
		}
		if len(problems) > 0 {
			for _, p := range problems {
				k := key
				if p.part != "" {
					k += " " + p.part
				}
				if _, ok := bad[k]; !ok { // the first problem of a part is named
					bad[k] = p.msg
				}
			}
			if badFeatures++; badFeatures >= maxFeatureErrors {
				break
			}
			continue
		}
		items = append(items, item)
	}
	if len(bad) > 0 {
		return nil, fail(bad)
	}
	return items, nil
}

func featureError(fields map[string]pingan.Message) error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("geo.grids.file.invalid"), Fields: fields}
}

// readFeature answers the grid of one feature and what is wrong with it.
func readFeature(raw json.RawMessage) (*pingan.Grid, []problem) {
	g := &pingan.Grid{}
	var f struct {
		Type       string                     `json:"type"`
		ID         any                        `json:"id"`
		Geometry   json.RawMessage            `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return g, []problem{{"", pingan.Msg("geo.feature.unparsable", err.Error())}}
	}
	var problems []problem
	if f.Type != "Feature" {
		problems = append(problems, problem{"", pingan.Msg("geo.feature.type", f.Type)})
	}
	str := func(name string) string {
		v, ok := f.Properties[name]
		if !ok || string(v) == "null" {
			return ""
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			var n json.Number
			if json.Unmarshal(v, &n) == nil {
				return n.String() // a code written as a number
			}
			problems = append(problems, problem{name, pingan.Msg("geo.property.string", name)})
		}
		return strings.TrimSpace(s)
	}
	count := func(name string) int {
		v, ok := f.Properties[name]
		if !ok || string(v) == "null" {
			return 0
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			var s string
			if json.Unmarshal(v, &s) != nil {
				problems = append(problems, problem{name, pingan.Msg("geo.property.number", name)})
				return 0
			}
			n = json.Number(strings.TrimSpace(s))
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
			problems = append(problems, problem{name, pingan.Msg("geo.property.whole", name, n.String())})
			return 0
		}
		return int(f)
	}
	g.Code = str("code")
	if g.Code == "" {
		switch id := f.ID.(type) {
		case string:
			g.Code = strings.TrimSpace(id)
		case float64:
			g.Code = strconv.FormatFloat(id, 'f', -1, 64)
		}
	}
	g.Name = str("name")
	g.Type = pingan.GridType(str("type"))
	g.Unit = str("unit")
	g.Households = count("households")
	g.Population = count("population")
	if w, ok := f.Properties["workers"]; ok && string(w) != "null" {
		if err := json.Unmarshal(w, &g.Workers); err != nil {
			problems = append(problems, problem{"workers", pingan.Msg("geo.property.workers")})
		}
	}
	problems = append(problems, fieldProblems(g.Validate())...)
	problems = append(problems, geometryProblems(f.Geometry)...)
	var compact bytes.Buffer
	if json.Compact(&compact, f.Geometry) == nil {
		g.Geometry = json.RawMessage(compact.Bytes())
	}
	return g, problems
}

// fieldProblems answers the fields of a grid's *pingan.Error, sorted, each
// as the problem of the part its field names ("grid G1 households":
// households).
func fieldProblems(err error) []problem {
	var pe *pingan.Error
	if err == nil || !errors.As(err, &pe) {
		return nil
	}
	var out []problem
	for _, k := range slices.Sorted(maps.Keys(pe.Fields)) {
		out = append(out, problem{k[strings.LastIndexByte(k, ' ')+1:], pe.Fields[k]})
	}
	return out
}

// geometryProblems answers what is wrong with a feature's geometry: not a
// Polygon or MultiPolygon, or one that is not simple.
func geometryProblems(raw json.RawMessage) []problem {
	mp, msg := parseGeometry(raw)
	if msg.Key == "" {
		msg = checkShape(mp)
	}
	if msg.Key == "" {
		return nil
	}
	return []problem{{"geometry", msg}}
}

// feature is a grid as a GeoJSON Feature, written in a fixed key order.
type feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties gridProperties  `json:"properties"`
}

type gridProperties struct {
	Code       string              `json:"code"`
	Name       string              `json:"name"`
	Type       pingan.GridType     `json:"type"`
	Unit       string              `json:"unit"`
	Households int                 `json:"households"`
	Population int                 `json:"population"`
	Workers    []pingan.GridWorker `json:"workers,omitempty"`
}

// WriteGrids writes the grids as a GeoJSON FeatureCollection that ReadGrids
// reads back to the same grids: one Feature per grid, one per line, with
// the grid's code as its id and the geometry as stored.
func WriteGrids(w io.Writer, grids []*pingan.Grid) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, g := range grids {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		b, err := MarshalGrid(g)
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// MarshalGrid answers the grid as one GeoJSON Feature, as WriteGrids writes
// each; ReadGrids reads it back.
func MarshalGrid(g *pingan.Grid) ([]byte, error) {
	geom := g.Geometry
	if len(bytes.TrimSpace(geom)) == 0 {
		geom = json.RawMessage("null")
	}
	b, err := json.Marshal(feature{Type: "Feature", ID: g.Code, Geometry: geom, Properties: gridProperties{
		Code: g.Code, Name: g.Name, Type: g.Type, Unit: g.Unit,
		Households: g.Households, Population: g.Population, Workers: g.Workers,
	}})
	if err != nil {
		return nil, fmt.Errorf("grid %s: %w", g.Code, err)
	}
	return b, nil
}
