package web

import (
	"html/template"
	"net/http"

	"github.com/pingan-gov/pingan"
)

type mobileData struct {
	Grids      []*pingan.Grid
	GridsReady bool // a grid service is configured
	Cases      []*row
	Categories []*pingan.Category
	Values     map[string]string
	Errors     map[string]string
	Error      string
	Sent       string
	Map        template.HTML // the worker's grids, to pick the position on
}

// mobile is the grid worker's phone page (网格员): their grid, their open
// cases, and the quick report with position and photo that is kept in the
// browser while offline.
func (s *Server) mobile(w http.ResponseWriter, r *http.Request) {
	s.renderMobile(w, r, map[string]string{}, nil, http.StatusOK)
}

func (s *Server) renderMobile(w http.ResponseWriter, r *http.Request, values map[string]string, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "mobile")
	v.Title, v.Nav = v.T("m.title"), "m"
	d := &mobileData{Values: values, Sent: r.URL.Query().Get("sent"), GridsReady: s.grids != nil}
	if ferr != nil {
		d.Errors = v.fields(ferr)
		if len(d.Errors) == 0 {
			d.Error = v.Message(ferr)
		}
	}
	if d.Sent != "" {
		v.Notice = v.T("m.sent", d.Sent)
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories = cats
	if s.grids != nil {
		grids, err := s.grids.FindGrids(ctx, u, u.UnitCode)
		if err != nil && !isNotFound(err) {
			s.fail(w, r, err)
			return
		}
		for _, g := range grids {
			for _, wk := range g.Workers {
				if wk.UserID == u.ID {
					d.Grids = append(d.Grids, g)
					break
				}
			}
		}
		if len(d.Grids) == 0 {
			d.Grids = grids
		}
		d.Map, _ = pickMap(v, d.Grids, "m-map")
	}
	cs, _, err := s.cases.FindCases(ctx, u, pingan.CaseFilter{Status: openStatuses, Limit: 20})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Cases = s.rows(ctx, u, cs, indexCategories(cats), s.clock.Now(), v.Lang)
	sortUrgent(d.Cases)
	v.D = d
	s.renderStatus(w, r, v, status)
}
