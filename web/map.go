package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
)

// The map under the grids (底图): an administrator of the whole tree enters
// the tile server on /admin/map — the city's own, or 天地图 with the
// deployment's key — and the pages that draw grids (the grid
// administration page, the dashboard) draw them on its tiles with Leaflet
// (gridmap.go, static/map.js). Without one they draw the grids alone, as
// before. The content security policy of every page allows images from the
// tile servers set, and from no other.

// tilesTTL is how long a server trusts the settings it read: another
// server's change shows within it; this server's own at once.
const tilesTTL = 5 * time.Second

// tileCache holds the map's tiles as last read from the settings service.
type tileCache struct {
	svc pingan.SettingsService // nil: no settings, no map

	mu  sync.Mutex
	cur *pingan.MapTiles
	at  time.Time
	csp string // the policy with the tile servers, for cur
}

// get answers the tiles, read again when older than tilesTTL; nil when
// there is no settings service. A failed read keeps what was read before.
func (c *tileCache) get(ctx context.Context, now time.Time) (*pingan.MapTiles, string, error) {
	if c == nil || c.svc == nil {
		return nil, "", nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && now.Sub(c.at) < tilesTTL && now.Sub(c.at) >= 0 {
		return c.cur, c.csp, nil
	}
	t, err := c.svc.MapTiles(ctx)
	if err != nil {
		return c.cur, c.csp, err
	}
	c.cur, c.at, c.csp = t, now, ""
	if hosts := t.Hosts(); len(hosts) > 0 {
		c.csp = strings.Join(hosts, " ")
	}
	return c.cur, c.csp, nil
}

// forget makes the next get read the settings again.
func (c *tileCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.cur = nil
	c.mu.Unlock()
}

// mapTiles answers the map under the grids for a page that draws grids
// (mapOptions.Tiles); nil when none is set.
func (s *Server) mapTiles(ctx context.Context) *pingan.MapTiles {
	t, _, err := s.tiles.get(ctx, time.Now())
	if err != nil {
		s.log.ErrorContext(ctx, "web: map settings", "err", err)
	}
	if !t.Configured() {
		return nil
	}
	return t
}

// tileCSP adds the tile servers set to the img-src of the content security
// policy that the middleware set before it (web.go), so that the map's
// tiles load and nothing else from elsewhere does.
func (s *Server) tileCSP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			_, hosts, err := s.tiles.get(r.Context(), time.Now())
			if err != nil {
				s.log.ErrorContext(r.Context(), "web: map settings", "err", err)
			}
			if hosts != "" {
				h := w.Header()
				if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "img-src ") {
					h.Set("Content-Security-Policy", strings.Replace(csp, "img-src ", "img-src "+hosts+" ", 1))
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// routesMap registers the page of the map's settings. Setting the map is
// work of the whole deployment's administration, like the categories; the
// store narrows it to an administrator of the whole tree.
func (s *Server) routesMap(h func(string, http.HandlerFunc)) {
	s.pages["admin_map"] = &page{t: template.Must(template.New("admin_map").Funcs(funcs).ParseFS(assets,
		"templates/layout.html", "templates/parts.html", "templates/admin_map.html"))}
	h("GET /admin/map", s.signedIn(s.may(pingan.CapAdminCategories, s.adminMap)))
	h("POST /admin/map", s.signedIn(s.may(pingan.CapAdminCategories, s.form(s.saveMap))))
}

// mapForm is the settings form, as entered.
type mapForm struct {
	URL, Subdomains, Annotation, Attribution, MaxZoom string
	UpdatedBy                                         string
	UpdatedAt                                         time.Time
	Configured                                        bool
	Saved                                             string
	Error                                             string
	Errors                                            map[string]string
}

func (s *Server) adminMap(w http.ResponseWriter, r *http.Request) {
	if s.tiles == nil || s.tiles.svc == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "admin.map.notready"))
		return
	}
	t, err := s.tiles.svc.MapTiles(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &mapForm{URL: t.URL, Subdomains: t.Subdomains, Annotation: t.Annotation, Attribution: t.Attribution,
		UpdatedBy: t.UpdatedBy, UpdatedAt: t.UpdatedAt, Configured: t.Configured()}
	if t.MaxZoom != 0 {
		d.MaxZoom = strconv.Itoa(t.MaxZoom)
	}
	s.renderMap(w, r, d, http.StatusOK)
}

func (s *Server) renderMap(w http.ResponseWriter, r *http.Request, d *mapForm, status int) {
	v := s.newView(r, "admin_map")
	v.Title, v.Nav, v.D = v.T("admin.map"), "admin", d
	s.renderStatus(w, r, v, status)
}

// saveMap replaces the map's settings; an empty URL removes the map.
func (s *Server) saveMap(w http.ResponseWriter, r *http.Request) {
	if s.tiles == nil || s.tiles.svc == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "admin.map.notready"))
		return
	}
	d := &mapForm{URL: r.PostFormValue("url"), Subdomains: r.PostFormValue("subdomains"), Annotation: r.PostFormValue("annotation"),
		Attribution: r.PostFormValue("attribution"), MaxZoom: strings.TrimSpace(r.PostFormValue("max_zoom"))}
	t := &pingan.MapTiles{URL: d.URL, Subdomains: d.Subdomains, Annotation: d.Annotation, Attribution: d.Attribution}
	var err error
	if d.MaxZoom != "" {
		if t.MaxZoom, err = strconv.Atoi(d.MaxZoom); err != nil {
			err = invalidField("max_zoom", "maptiles.maxzoom.number")
		}
	}
	if err == nil {
		err = s.tiles.svc.SetMapTiles(r.Context(), userOf(r), t)
	}
	v := s.newView(r, "admin_map")
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		d.Error, d.Errors = v.Message(err), v.fields(err)
		s.renderMap(w, r, d, statusOf(err))
		return
	}
	s.tiles.forget()
	d = &mapForm{URL: t.URL, Subdomains: t.Subdomains, Annotation: t.Annotation, Attribution: t.Attribution,
		UpdatedBy: t.UpdatedBy, UpdatedAt: t.UpdatedAt, Configured: t.Configured(), Saved: v.T("admin.map.saved")}
	if t.MaxZoom != 0 {
		d.MaxZoom = strconv.Itoa(t.MaxZoom)
	}
	if !t.Configured() {
		d.Saved = v.T("admin.map.cleared")
	}
	s.renderMap(w, r, d, http.StatusOK)
}

// MapReady reports whether the map's settings can be entered here (a
// settings service is configured): the administration menu's entry.
func (v *view) MapReady() bool { return v.s != nil && v.s.tiles != nil && v.s.tiles.svc != nil }
