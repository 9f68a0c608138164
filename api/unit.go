package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// listUnits answers GET /api/v1/units?parent=CODE&level=LEVEL&limit=N:
// {"units": […]}, the units of the caller's jurisdiction that match.
func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.UnitFilter{
		Parent: q.str("parent"),
		Level:  pingan.Level(q.str("level")),
		Limit:  q.int("limit", 0, 1, 10000),
	}
	if f.Level != "" && !f.Level.Valid() {
		q.v.Add("level", "api.query.level.unknown")
	}
	if err := q.err(); err != nil {
		return err
	}
	units, err := s.units.FindUnits(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if units == nil {
		units = []*pingan.Unit{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"units": units})
	return nil
}

// getUnit answers GET /api/v1/units/{code}: one unit, 404 when it does not
// exist or lies outside the caller's jurisdiction.
func (s *Server) getUnit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.units.FindUnit(r.Context(), userFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, u)
	return nil
}
