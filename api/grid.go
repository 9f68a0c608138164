package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// listGrids answers GET /api/v1/grids?unit=CODE: {"grids": […]}, the grids
// (网格) under the unit's subtree with their GeoJSON geometry; 404 when the
// unit does not exist or lies outside the caller's jurisdiction.
func (s *Server) listGrids(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	unit := q.str("unit")
	if unit == "" {
		q.v.Add("unit", "必填：村/社区或其上级单位的代码 (required: the code of a village, community or a unit above)")
	}
	if err := q.err(); err != nil {
		return err
	}
	grids, err := s.grids.FindGrids(r.Context(), userFrom(r.Context()), unit)
	if err != nil {
		return err
	}
	if grids == nil {
		grids = []*pingan.Grid{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"grids": grids})
	return nil
}

// getGrid answers GET /api/v1/grids/{code}: one grid with its geometry and
// workers; 404 when it does not exist or lies outside the caller's
// jurisdiction.
func (s *Server) getGrid(w http.ResponseWriter, r *http.Request) error {
	g, err := s.grids.FindGrid(r.Context(), userFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, g)
	return nil
}
