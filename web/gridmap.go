package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"
)

// The grid map: grid polygons drawn on the server as inline SVG, with no
// tile server. The dashboard shades it by case load, the grid
// administration page colours it by grid type, and the report forms use it
// to pick a position (static/app.js reads the projection from the map's
// data attributes).

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
}

// rings parses a GeoJSON Polygon or MultiPolygon into its outer rings of
// [lng, lat] points; anything else answers nil.
func rings(geom json.RawMessage) [][][2]float64 {
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

// mapSVG draws the grids shaded by load in five classes, each a link that
// drills down: the dashboard's map.
func mapSVG(grids []mapGrid, title, loadLabel string) template.HTML {
	return gridMapSVG(grids, mapOptions{Title: title, LoadLabel: loadLabel})
}

// gridMapSVG draws the grids as o says, or answers "" when they have no
// area to draw. The projection is equirectangular around the middle
// latitude, which is true enough at the size of a county.
func gridMapSVG(grids []mapGrid, o mapOptions) template.HTML {
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
			n := 0
			if maxLoad > 0 && g.Load > 0 {
				n = 1 + int(math.Min(3.999, 4*float64(g.Load)/float64(maxLoad+1)))
			}
			class, dark = fmt.Sprintf("load%d", n), n >= 3
		}
		tip := g.Name + " " + g.Code
		if o.LoadLabel != "" {
			tip = fmt.Sprintf("%s %s: %d", g.Name, o.LoadLabel, g.Load)
		}
		if g.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(g.Href))
		} else {
			fmt.Fprintf(&b, `<g data-grid="%s" data-name="%s">`, esc(g.Code), esc(g.Name))
		}
		for j, r := range shapes[i] {
			pts := make([]string, 0, len(r))
			x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, p := range r {
				x, y := (p[0]-minX)*k*scale, (maxY-p[1])*scale
				x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			}
			fmt.Fprintf(&b, `<polygon class="%s" points="%s"><title>%s</title></polygon>`, esc(class), strings.Join(pts, " "), esc(tip))
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
