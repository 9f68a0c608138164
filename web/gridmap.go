package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// The grid map: grid polygons drawn on the server as inline SVG, with no
// tile server. The dashboard shades it by case load, the grid
// administration page colours it by grid type, and the report forms use it
// to pick a position (static/app.js reads the projection from the map's
// data attributes).
//
// When the deployment has a map under the grids (底图, pingan.MapTiles,
// set on /admin/map) and the page passes it (mapOptions.Tiles), the SVG is
// wrapped in a <div data-map> carrying the tile settings and the grids as
// GeoJSON; static/map.js builds a Leaflet map of it — the tiles under the
// polygons, zoom and pan — and the SVG stays as what is shown without
// script.

// mapGrid is a grid to draw.
type mapGrid struct {
	Code, Name string
	Geometry   json.RawMessage
	Load       int
	// Class colours the grid; when empty it is shaded by Load.
	Class string
	// Href makes the grid a link; without one it is a group carrying the
	// grid's code and name (data-grid, data-name).
	Href string
}

// mapOptions say how a grid map is drawn.
type mapOptions struct {
	Title string
	// LoadLabel names the load in each grid's tooltip; without it the
	// tooltip is the grid's name and code.
	LoadLabel string
	ID        string
	// Pick marks a map on which a position is picked: it carries its
	// projection (data-lng0, data-lat0, data-kx, data-ky: x = (lng-lng0)·kx,
	// y = (lat0-lat)·ky in the viewBox).
	Pick bool
	// Tiles is the map under the grids; the SVG alone when nil or not
	// configured. A map to pick on ignores it.
	Tiles *pingan.MapTiles
}

// ringCache keeps the rings of the geometries parsed, by their text: a
// city's dashboard draws the same 1,420 grids on every view. Bounded: it
// is emptied when full. The rings answered are shared: read, never
// changed.
var ringCache = struct {
	sync.Mutex
	m map[string][][][2]float64
}{m: map[string][][][2]float64{}}

const ringCacheSize = 50000

// rings parses a GeoJSON Polygon or MultiPolygon into its outer rings of
// [lng, lat] points; anything else answers nil.
func rings(geom json.RawMessage) [][][2]float64 {
	ringCache.Lock()
	r, ok := ringCache.m[string(geom)]
	ringCache.Unlock()
	if ok {
		return r
	}
	r = parseRings(geom)
	ringCache.Lock()
	if len(ringCache.m) >= ringCacheSize {
		clear(ringCache.m)
	}
	ringCache.m[string(geom)] = r
	ringCache.Unlock()
	return r
}

// parseRings is rings without the cache.
func parseRings(geom json.RawMessage) [][][2]float64 {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if json.Unmarshal(geom, &g) != nil {
		return nil
	}
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if json.Unmarshal(g.Coordinates, &p) != nil || len(p) == 0 {
			return nil
		}
		return p[:1]
	case "MultiPolygon":
		var mp [][][][2]float64
		if json.Unmarshal(g.Coordinates, &mp) != nil {
			return nil
		}
		var out [][][2]float64
		for _, p := range mp {
			if len(p) > 0 {
				out = append(out, p[0])
			}
		}
		return out
	}
	return nil
}

// gridMapSVG draws the grids as o says, or answers "" when they have no
// area to draw: on the tiles of o.Tiles when they are configured
// (tiledMap), otherwise as SVG alone.
func gridMapSVG(grids []mapGrid, o mapOptions) template.HTML {
	svg := drawGridSVG(grids, o)
	if svg == "" || o.Pick || !o.Tiles.Configured() {
		return svg
	}
	return tiledMap(grids, o, svg)
}

// tiledMap wraps svg in the element static/map.js draws a Leaflet map in:
// the tile settings and the grids as a GeoJSON FeatureCollection in its
// data attributes, the stylesheet and the two scripts beside it (deferred,
// from this server: the content security policy allows no other).
func tiledMap(grids []mapGrid, o mapOptions, svg template.HTML) template.HTML {
	type props struct {
		Code  string `json:"code"`
		Name  string `json:"name"`
		Class string `json:"class"`
		Href  string `json:"href,omitempty"`
		Tip   string `json:"tip"`
	}
	type feature struct {
		Type       string          `json:"type"`
		Properties props           `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	classes := loadClasses(grids)
	for i, g := range grids {
		if rings(g.Geometry) == nil {
			continue
		}
		fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: g.Geometry,
			Properties: props{Code: g.Code, Name: g.Name, Class: classes[i], Href: g.Href, Tip: gridTip(g, o)}})
	}
	data, err := json.Marshal(fc)
	if err != nil {
		return svg
	}
	t := o.Tiles
	maxZoom := t.MaxZoom
	if maxZoom == 0 {
		maxZoom = pingan.DefaultMaxZoom
	}
	var b strings.Builder
	b.WriteString(`<link rel="stylesheet" href="/static/leaflet/leaflet.css">`)
	fmt.Fprintf(&b, `<div class="tiled-map" data-map data-tiles="%s" data-subdomains="%s" data-max-zoom="%d" data-attribution="%s"`,
		esc(pingan.TileTemplate(t.URL)), esc(strings.Join(t.SubdomainList(), ",")), maxZoom, esc(t.Attribution))
	if t.Annotation != "" {
		fmt.Fprintf(&b, ` data-annotation="%s"`, esc(pingan.TileTemplate(t.Annotation)))
	}
	if o.ID != "" {
		fmt.Fprintf(&b, ` data-for="%s"`, esc(o.ID))
	}
	fmt.Fprintf(&b, ` aria-label="%s" data-grids="%s">`, esc(o.Title), esc(string(data)))
	b.WriteString(string(svg))
	b.WriteString(`</div><script src="/static/leaflet/leaflet.js" defer></script><script src="/static/map.js" defer></script>`)
	return template.HTML(b.String())
}

// loadClasses answers the class of each grid: its own, or its load's
// shade (load0 … load4, five classes up to the largest load).
func loadClasses(grids []mapGrid) []string {
	maxLoad := 0
	for _, g := range grids {
		maxLoad = max(maxLoad, g.Load)
	}
	out := make([]string, len(grids))
	for i, g := range grids {
		out[i] = g.Class
		if out[i] == "" {
			out[i] = fmt.Sprintf("load%d", loadShade(g.Load, maxLoad))
		}
	}
	return out
}

// loadShade answers the shade 0…4 of load among loads up to maxLoad.
func loadShade(load, maxLoad int) int {
	if maxLoad > 0 && load > 0 {
		return 1 + int(math.Min(3.999, 4*float64(load)/float64(maxLoad+1)))
	}
	return 0
}

// gridTip is a grid's tooltip: its name and code, or its name and load.
func gridTip(g mapGrid, o mapOptions) string {
	if o.LoadLabel != "" {
		return fmt.Sprintf("%s %s: %d", g.Name, o.LoadLabel, g.Load)
	}
	return g.Name + " " + g.Code
}

// drawGridSVG draws the grids as SVG, or answers "" when they have no area
// to draw. The projection is equirectangular around the middle latitude,
// which is true enough at the size of a county.
func drawGridSVG(grids []mapGrid, o mapOptions) template.HTML {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	shapes := make([][][][2]float64, len(grids))
	maxLoad := 0
	for i, g := range grids {
		shapes[i] = rings(g.Geometry)
		for _, r := range shapes[i] {
			for _, p := range r {
				minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
				minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
			}
		}
		maxLoad = max(maxLoad, g.Load)
	}
	if math.IsInf(minX, 1) || maxX == minX || maxY == minY {
		return ""
	}
	const w = 640.0
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	scale := w / ((maxX - minX) * k)
	h := (maxY - minY) * scale
	var b strings.Builder
	// A city's grid takes some 265 bytes with its link (375,687 for the
	// 1,420 of the demo city): made once, not grown and copied.
	b.Grow(300 * len(grids))
	var num []byte
	b.WriteString(`<svg class="map`)
	if o.Pick {
		b.WriteString(` pick`)
	}
	b.WriteString(`"`)
	if o.ID != "" {
		fmt.Fprintf(&b, ` id="%s"`, esc(o.ID))
	}
	if o.Pick {
		fmt.Fprintf(&b, ` data-lng0="%g" data-lat0="%g" data-kx="%g" data-ky="%g"`, minX, maxY, k*scale, scale)
	}
	fmt.Fprintf(&b, ` viewBox="-4 -4 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w+8, h+8, esc(o.Title), esc(o.Title))
	for i, g := range grids {
		class := g.Class
		dark := false
		if class == "" {
			n := loadShade(g.Load, maxLoad)
			class, dark = fmt.Sprintf("load%d", n), n >= 3
		}
		tip := gridTip(g, o)
		if g.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(g.Href))
		} else {
			fmt.Fprintf(&b, `<g data-grid="%s" data-name="%s">`, esc(g.Code), esc(g.Name))
		}
		for j, r := range shapes[i] {
			x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			b.WriteString(`<polygon class="`)
			b.WriteString(esc(class))
			b.WriteString(`" points="`)
			for n, p := range r {
				x, y := (p[0]-minX)*k*scale, (maxY-p[1])*scale
				x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
				// "%.1f,%.1f", without fmt: a city's map has tens of
				// thousands of points.
				num = num[:0]
				if n > 0 {
					num = append(num, ' ')
				}
				num = strconv.AppendFloat(num, x, 'f', 1, 64)
				num = append(num, ',')
				num = strconv.AppendFloat(num, y, 'f', 1, 64)
				b.Write(num)
			}
			b.WriteString(`"><title>`)
			b.WriteString(esc(tip))
			b.WriteString(`</title></polygon>`)
			if j == 0 && x1-x0 > float64(utf8.RuneCountInString(g.Name)*12+8) && y1-y0 > 16 {
				fmt.Fprintf(&b, `<text class="label%s" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`,
					map[bool]string{true: " dark", false: ""}[dark], (x0+x1)/2, (y0+y1)/2+4, esc(g.Name))
			}
		}
		if g.Href != "" {
			b.WriteString(`</a>`)
		} else {
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
