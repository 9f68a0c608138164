package web

import (
	"html/template"
	"net/http"
	"sync"

	"github.com/pingan-gov/pingan"
)

// A key site's page (重点场所, site.go) shows the register's entry and its
// inspections; what other parts keep about the site — its sensors and their
// readings (监测, monitor.go), the patrols that checked in there (巡查,
// patrol.go) — are panels below, each registered from an init of its own
// file, so that the site's page learns nothing about them.

// sitePanel is one panel of a site's page: a heading and its body.
type sitePanel struct {
	Title string
	Body  template.HTML
}

// sitePanelFunc answers the panel of one part for the user on the site,
// or false when there is nothing to show (no capability, no service, no
// rows).
type sitePanelFunc func(s *Server, r *http.Request, v *view, u *pingan.User, site *pingan.Site) (sitePanel, bool, error)

var (
	sitePanelMu    sync.Mutex
	sitePanelFuncs []sitePanelFunc
)

// registerSitePanel adds a part's panel to the site's page; call it from
// an init.
func registerSitePanel(f sitePanelFunc) {
	sitePanelMu.Lock()
	defer sitePanelMu.Unlock()
	sitePanelFuncs = append(sitePanelFuncs, f)
}

// sitePanels answers the panels of the site's page in the order they were
// registered.
func (s *Server) sitePanels(r *http.Request, v *view, u *pingan.User, site *pingan.Site) ([]sitePanel, error) {
	sitePanelMu.Lock()
	fs := append([]sitePanelFunc(nil), sitePanelFuncs...)
	sitePanelMu.Unlock()
	var out []sitePanel
	for _, f := range fs {
		p, ok, err := f(s, r, v, u, site)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}
