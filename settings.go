package pingan

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// MapTiles is the map under the grids (底图): a tile server the city keeps,
// or 天地图 (Tianditu) with the deployment's key. It holds for every unit,
// like the categories and the holiday calendar, so only an administrator
// of the whole tree sets it. Without a URL the pages draw the grids alone,
// as inline SVG.
type MapTiles struct {
	// URL is the tile URL template: {z} {x} {y} as for any XYZ tile
	// server (https://tiles.example.gov.cn/{z}/{x}/{y}.png), or the WMTS
	// parameters {TileMatrix} {TileRow} {TileCol}; {s} stands for one of
	// Subdomains. 天地图's vector map is
	// https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY.
	URL string `json:"url"`
	// Subdomains are what {s} takes, one character each ("01234567" for
	// 天地图), or a comma-separated list; "abc" when empty.
	Subdomains string `json:"subdomains,omitempty"`
	// Annotation is a second layer of labels drawn over the first
	// (天地图's cva_w over vec_w); optional, the same template rules.
	Annotation string `json:"annotation,omitempty"`
	// Attribution is the credit the map shows (© 天地图 …).
	Attribution string `json:"attribution,omitempty"`
	// MaxZoom is the deepest zoom level the server has tiles for, 1 to 22;
	// 18 when 0.
	MaxZoom int `json:"max_zoom,omitempty"`

	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DefaultMaxZoom is MaxZoom when none is set.
const DefaultMaxZoom = 18

// Configured reports whether there is a tile server to draw the map on.
func (t *MapTiles) Configured() bool { return t != nil && t.URL != "" }

// Normalize trims the fields and fills the maximum zoom of a configured
// map.
func (t *MapTiles) Normalize() {
	t.URL = strings.TrimSpace(t.URL)
	t.Subdomains = strings.TrimSpace(t.Subdomains)
	t.Annotation = strings.TrimSpace(t.Annotation)
	t.Attribution = strings.TrimSpace(t.Attribution)
	if t.URL != "" && t.MaxZoom == 0 {
		t.MaxZoom = DefaultMaxZoom
	}
}

// Validate checks the settings into v, naming each bad field: url and
// annotation must be http or https templates with the tile's place in
// them, max_zoom lies in 1…22, an annotation needs a URL under it.
func (t *MapTiles) Validate(v *Invalid) {
	if t.URL == "" {
		if t.Annotation != "" {
			v.Add("url", "maptiles.url.required")
		}
	} else {
		checkTileURL(v, "url", t.URL)
	}
	if t.Annotation != "" {
		checkTileURL(v, "annotation", t.Annotation)
	}
	if t.MaxZoom < 0 || t.MaxZoom > 22 {
		v.Add("max_zoom", "maptiles.maxzoom.range", t.MaxZoom)
	}
	if len(t.Attribution) > 500 {
		v.Add("attribution", "maptiles.attribution.long", 500)
	}
	if strings.ContainsAny(t.Subdomains, " \t/:{}") || len(t.Subdomains) > 64 {
		v.Add("subdomains", "maptiles.subdomains.invalid")
	}
}

// checkTileURL adds to v why raw is no tile URL template, if it is not.
func checkTileURL(v *Invalid, field, raw string) {
	u, err := url.Parse(strings.ReplaceAll(raw, "{s}", "a"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(u.Host, "{}") {
		v.Add(field, "maptiles.url.scheme")
		return
	}
	if len(raw) > 2000 {
		v.Add(field, "maptiles.url.long", 2000)
		return
	}
	l := strings.ToLower(TileTemplate(raw))
	if !strings.Contains(l, "{z}") || !strings.Contains(l, "{x}") || !strings.Contains(l, "{y}") {
		v.Add(field, "maptiles.url.template")
	}
}

// tileWMTS are the WMTS template parameters and the XYZ ones they stand for.
var tileWMTS = strings.NewReplacer("{TileMatrix}", "{z}", "{TileRow}", "{y}", "{TileCol}", "{x}",
	"{tilematrix}", "{z}", "{tilerow}", "{y}", "{tilecol}", "{x}")

// TileTemplate answers raw with the WMTS parameters {TileMatrix} {TileRow}
// {TileCol} written as {z} {y} {x}, the template a web map fills.
func TileTemplate(raw string) string { return tileWMTS.Replace(raw) }

// SubdomainList answers what {s} takes: Subdomains split at commas, or
// character by character; a, b and c when empty.
func (t *MapTiles) SubdomainList() []string {
	s := t.Subdomains
	if s == "" {
		s = "abc"
	}
	if strings.Contains(s, ",") {
		var out []string
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
		return out
	}
	return strings.Split(s, "")
}

// Hosts answers the origins (scheme://host[:port]) the map's tiles come
// from, each {s} spelled out: what a page's content security policy must
// allow images from.
func (t *MapTiles) Hosts() []string {
	if !t.Configured() {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, raw := range []string{t.URL, t.Annotation} {
		if raw == "" {
			continue
		}
		subs := []string{""}
		if strings.Contains(raw, "{s}") {
			subs = t.SubdomainList()
		}
		for _, s := range subs {
			u, err := url.Parse(strings.ReplaceAll(raw, "{s}", s))
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				continue
			}
			o := u.Scheme + "://" + u.Host
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// SettingsService keeps the settings of the whole deployment that are not
// the categories or the calendar: the map's tiles, the rules for disputes.
type SettingsService interface {
	// MapTiles answers the map's tiles; a zero MapTiles (not Configured)
	// when none were set.
	MapTiles(ctx context.Context) (*MapTiles, error)
	// SetMapTiles replaces the map's tiles; a MapTiles without a URL
	// removes them, and the pages draw the grids alone again. The actor
	// must be an administrator whose jurisdiction is the whole tree; nil is
	// the operator at the command line. EINVALID names the bad field (url,
	// annotation, subdomains, attribution, max_zoom); EFORBIDDEN for any
	// other actor.
	SetMapTiles(ctx context.Context, actor *User, t *MapTiles) error
	// DisputeSettings answers the rules for disputes (dispute.go), the
	// defaults filled where none were set.
	DisputeSettings(ctx context.Context) (*DisputeSettings, error)
	// SetDisputeSettings replaces them (0 takes a default). The actor
	// must be an administrator of the whole tree (nil: the operator);
	// EFORBIDDEN for any other, EINVALID naming the bad field
	// (group_size, revisit_days).
	SetDisputeSettings(ctx context.Context, actor *User, s *DisputeSettings) error
}
