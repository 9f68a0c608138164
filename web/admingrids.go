package web

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// Grid administration (网格管理): the grids under a unit of the
// administrator's jurisdiction with their workers, drawn on the grid map;
// a GeoJSON import that takes a whole file or nothing; and the GeoJSON of
// the grids listed, which the import reads back unchanged.

type gridsData struct {
	Units     []*pingan.Unit // the administrative units to filter by
	Unit      *pingan.Unit   // the unit whose grids are listed
	Grids     []*pingan.Grid
	UnitNames map[string]string
	Map       template.HTML
	Download  string
	Result    *pingan.ImportResult
	Error     string   // why an import was refused
	Errors    []string // what is wrong, grid by grid
}

// rootUnit answers the unit at the top of the user's jurisdiction.
func (s *Server) rootUnit(ctx context.Context, u *pingan.User) (*pingan.Unit, error) {
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, pingan.E(pingan.ENOTFOUND, "jurisdiction.none")
	}
	return units[0], nil
}

// gridsOf answers the unit named code (the top of the user's jurisdiction
// when empty) and the grids under it. ENOTFOUND when the unit lies outside
// the jurisdiction, as when it does not exist.
func (s *Server) gridsOf(ctx context.Context, u *pingan.User, code string) (*pingan.Unit, []*pingan.Grid, error) {
	var unit *pingan.Unit
	var err error
	if code == "" {
		unit, err = s.rootUnit(ctx, u)
	} else {
		unit, err = s.units.FindUnit(ctx, u, code)
	}
	if err != nil {
		return nil, nil, err
	}
	grids, err := s.grids.FindGrids(ctx, u, unit.Code)
	if err != nil {
		return nil, nil, err
	}
	return unit, grids, nil
}

func (s *Server) adminGrids(w http.ResponseWriter, r *http.Request) {
	s.renderGrids(w, r, r.URL.Query().Get("unit"), &gridsData{}, http.StatusOK)
}

func (s *Server) renderGrids(w http.ResponseWriter, r *http.Request, code string, d *gridsData, status int) {
	ctx, u := r.Context(), userOf(r)
	if s.grids == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "admin.grids.notready"))
		return
	}
	unit, grids, err := s.gridsOf(ctx, u, strings.TrimSpace(code))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	places, err := s.places(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Unit, d.Grids, d.Units = unit, grids, places
	d.UnitNames = map[string]string{}
	for _, x := range places {
		d.UnitNames[x.Code] = x.Name
	}
	d.Download = "/admin/grids.geojson?" + url.Values{"unit": {unit.Code}}.Encode()
	v := s.newView(r, "admin_grids")
	v.Title, v.Nav, v.D = v.T("admin.grids"), "admin", d
	mg := make([]mapGrid, len(grids))
	for i, g := range grids {
		mg[i] = mapGrid{Code: g.Code, Name: g.Name, Geometry: g.Geometry, Class: "gt-" + string(g.Type), Href: "#grid-" + g.Code}
	}
	d.Map = gridMapSVG(mg, mapOptions{Title: v.T("admin.grids.map"), ID: "grid-map", Tiles: s.mapTiles(ctx)})
	s.renderStatus(w, r, v, status)
}

// gridsGeoJSON answers the grids under the unit as a GeoJSON file to
// download, the one the import takes back.
func (s *Server) gridsGeoJSON(w http.ResponseWriter, r *http.Request) {
	if s.grids == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "admin.grids.notready"))
		return
	}
	unit, grids, err := s.gridsOf(r.Context(), userOf(r), r.URL.Query().Get("unit"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := geo.WriteGrids(&buf, grids); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="grids-`+unit.Code+`.geojson"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// importGrids takes a GeoJSON file of grids and imports it all or nothing.
// Every grid must lie in a village or community of the administrator's
// jurisdiction; the store checks the rest and names each bad grid.
func (s *Server) importGrids(w http.ResponseWriter, r *http.Request) {
	if s.grids == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "admin.grids.notready"))
		return
	}
	code := r.PostFormValue("unit")
	var src io.Reader
	var name string
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			defer f.Close()
			src, name = f, fhs[0].Filename
		}
	}
	v := s.newView(r, "admin_grids")
	var err error
	var grids []*pingan.Grid
	if src == nil {
		err = invalidField("file", "admin.grids.file.required")
	} else {
		grids, err = geo.ReadGrids(src)
	}
	if err == nil {
		err = s.checkGridScope(r.Context(), userOf(r), grids)
	}
	d := &gridsData{}
	if err == nil {
		var res pingan.ImportResult
		if res, err = s.grids.ImportGridsFile(r.Context(), userOf(r), name, grids); err == nil {
			d.Result = &res
		}
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		d.Error = v.Message(err)
		if len(v.fields(err)) > 0 {
			d.Errors = sortedFields(v, err)
		}
		s.renderGrids(w, r, code, d, statusOf(err))
		return
	}
	s.renderGrids(w, r, code, d, http.StatusOK)
}

// checkGridScope refuses grids whose village or community lies outside the
// user's jurisdiction, naming each.
func (s *Server) checkGridScope(ctx context.Context, u *pingan.User, grids []*pingan.Grid) error {
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		return err
	}
	mine := make(map[string]bool, len(units))
	for _, x := range units {
		mine[x.Code] = true
	}
	var bad pingan.Invalid
	for _, g := range grids {
		if !mine[g.Unit] {
			bad.Add("grid "+g.Code+" unit", "admin.grids.unit.outside", g.Unit)
		}
	}
	if err := bad.Err(); err != nil {
		e := err.(*pingan.Error)
		e.Msg = pingan.Msg("admin.grids.import.failed")
		return e
	}
	return nil
}
