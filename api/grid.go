package api

import (
	"bytes"
	"log/slog"
	"net/http"

	"github.com/pingan-gov/pingan/geo"
)

// geoJSON is the media type of GeoJSON (RFC 7946).
const geoJSON = "application/geo+json; charset=utf-8"

// listGrids answers GET /api/v1/grids?unit=CODE: a GeoJSON
// FeatureCollection of the grids (网格) under the unit's subtree, one
// Feature per grid with its code as id and its code, name, type, unit,
// households, population and workers as properties — the file that
// `pingan import grids` reads back unchanged. 404 when the unit does not
// exist or lies outside the caller's jurisdiction.
func (s *Server) listGrids(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	unit := q.str("unit")
	if unit == "" {
		q.v.Add("unit", "api.query.grids.unit")
	}
	if err := q.err(); err != nil {
		return err
	}
	grids, err := s.grids.FindGrids(r.Context(), userFrom(r.Context()), unit)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := geo.WriteGrids(&buf, grids); err != nil {
		return err
	}
	s.writeGeoJSON(w, buf.Bytes())
	return nil
}

// getGrid answers GET /api/v1/grids/{code}: one grid as a GeoJSON Feature,
// with its workers; 404 when it does not exist or lies outside the
// caller's jurisdiction.
func (s *Server) getGrid(w http.ResponseWriter, r *http.Request) error {
	g, err := s.grids.FindGrid(r.Context(), userFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	b, err := geo.MarshalGrid(g)
	if err != nil {
		return err
	}
	s.writeGeoJSON(w, append(b, '\n'))
	return nil
}

func (s *Server) writeGeoJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", geoJSON)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(b); err != nil {
		s.log.Warn("writing a GeoJSON answer", slog.Any("error", err))
	}
}
