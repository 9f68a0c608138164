package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Patrols of the grids (网格巡查, docs/patrols.md): the grid worker's
// phone page (/m/patrol) — start a patrol of one of their grids, check in
// at its points with 正常 or a finding reported in the same step (a hazard
// with its level and photo, or a dispute), end it — and the page where a
// grid's leaders set its points (/patrol-points). Plain forms: the only
// script is the position button of the phone page, and a position is taken
// at a check-in only.

// routesPatrols registers the patrols' pages when a patrol service is
// configured.
func (s *Server) routesPatrols(h func(pattern string, handler http.HandlerFunc)) {
	if s.patrols == nil {
		return
	}
	for _, name := range []string{"patrol", "patrol_points"} {
		s.pages[name] = &page{t: template.Must(template.New(name).Funcs(funcs).ParseFS(assets,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html"))}
	}
	h("GET /m/patrol", s.signedIn(s.may(pingan.CapPatrol, s.patrolPage)))
	h("POST /m/patrol/start", s.signedIn(s.may(pingan.CapPatrol, s.form(s.startPatrol))))
	h("POST /m/patrol/checkin", s.signedIn(s.may(pingan.CapPatrol, s.form(s.patrolCheckIn))))
	h("POST /m/patrol/end", s.signedIn(s.may(pingan.CapPatrol, s.form(s.endPatrol))))
	h("GET /patrol-points", s.signedIn(s.may(pingan.CapPatrolPoints, s.patrolPointsPage)))
	h("POST /patrol-points", s.signedIn(s.may(pingan.CapPatrolPoints, s.form(s.addPatrolPoint))))
	h("POST /patrol-points/{point}", s.signedIn(s.may(pingan.CapPatrolPoints, s.form(s.changePatrolPoint))))
}

// PatrolsReady reports whether the patrols' pages are served (the menus).
func (v *view) PatrolsReady() bool { return v.s != nil && v.s.patrols != nil }

// patrolData is the phone page of patrols.
type patrolData struct {
	Patrol   *pingan.Patrol
	Grids    []*pingan.Grid // the worker's, to start a patrol of
	Points   []*pingan.PatrolPoint
	Done     []*pingan.CheckIn // this patrol's check-ins
	Cats     []*pingan.Category
	Values   map[string]string
	Errors   map[string]string
	Error    []string
	DueCount int
}

// Err answers the error shown beside a field of the check-in form.
func (d *patrolData) Err(field string) string { return d.Errors[field] }

// patrolFields are the check-in form's fields kept after a refusal.
var patrolFields = []string{"point", "result", "kind", "level", "category", "title", "description", "note", "lat", "lng"}

// patrolPlaces are the fields the form shows an error beside.
var patrolPlaces = map[string]bool{"grid": true, "point": true, "result": true, "kind": true, "hazard.level": true,
	"category": true, "title": true, "description": true, "photos": true, "note": true, "location": true, "case": true}

func (s *Server) patrolPage(w http.ResponseWriter, r *http.Request) {
	s.renderPatrol(w, r, nil, nil, http.StatusOK)
}

// renderPatrol draws the phone page of patrols; after a refusal (ferr),
// with what was typed (values) and each bad field marked.
func (s *Server) renderPatrol(w http.ResponseWriter, r *http.Request, values map[string]string, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "patrol")
	v.Title, v.Nav = v.T("patrol.m.title"), "m"
	d := &patrolData{Values: values}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if ferr != nil {
		fields := pingan.FieldTexts(ferr, v.Lang)
		d.Errors = map[string]string{}
		for k, m := range fields {
			if patrolPlaces[k] {
				d.Errors[k] = m
			} else {
				d.Error = append(d.Error, m)
			}
		}
		if len(fields) == 0 || len(d.Error) > 0 {
			d.Error = append([]string{pingan.ErrorText(ferr, v.Lang)}, d.Error...)
		}
		if d.Errors["photos"] == "" && r.MultipartForm != nil && len(r.MultipartForm.File[photoField]) > 0 {
			d.Errors["photos"] = v.T("m.photo.again")
		}
	}
	switch q := r.URL.Query(); {
	case q.Get("checked") != "":
		v.Notice = v.T("patrol.m.checked", q.Get("checked"))
	case q.Get("sent") != "":
		v.Notice = v.T("patrol.m.sent", q.Get("sent"))
	case q.Get("ended") != "":
		v.Notice = v.T("patrol.m.ended")
	}
	p, err := s.patrols.OpenPatrol(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Patrol = p
	if p == nil {
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
		}
	} else {
		if d.Points, err = s.patrols.PatrolPoints(ctx, u, p.Grid, false); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, pt := range d.Points {
			if pt.Due {
				d.DueCount++
			}
		}
		if _, d.Done, err = s.patrols.FindPatrol(ctx, u, p.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		cats, err := s.categories.Categories(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range cats {
			if c.Kind == pingan.KindDispute || c.Kind == pingan.KindHazard {
				d.Cats = append(d.Cats, c)
			}
		}
		if d.Values["result"] == "" {
			d.Values["result"] = pingan.PatrolOK
		}
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// patrolRefused draws the page again after a refusal the worker can act
// on (400, 404, 409), else the error page.
func (s *Server) patrolRefused(w http.ResponseWriter, r *http.Request, values map[string]string, err error) {
	switch pingan.ErrorCode(err) {
	case pingan.EINVALID:
		s.renderPatrol(w, r, values, err, http.StatusBadRequest)
	case pingan.ECONFLICT, pingan.ENOTFOUND:
		status := http.StatusConflict
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			status = http.StatusNotFound
		}
		s.renderPatrol(w, r, values, err, status)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) startPatrol(w http.ResponseWriter, r *http.Request) {
	if _, err := s.patrols.StartPatrol(r.Context(), userOf(r), r.PostForm.Get("grid")); err != nil {
		s.patrolRefused(w, r, nil, err)
		return
	}
	http.Redirect(w, r, "/m/patrol", http.StatusSeeOther)
}

func (s *Server) endPatrol(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PostForm.Get("patrol"), 10, 64)
	if _, err := s.patrols.EndPatrol(r.Context(), userOf(r), id); err != nil {
		s.patrolRefused(w, r, nil, err)
		return
	}
	http.Redirect(w, r, "/m/patrol?ended=1", http.StatusSeeOther)
}

// patrolCheckIn records a check-in from the phone page: 正常, or a finding
// reported with it in one step.
func (s *Server) patrolCheckIn(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	values := formValues(r, patrolFields)
	id, _ := strconv.ParseInt(f.Get("patrol"), 10, 64)
	point, _ := strconv.ParseInt(f.Get("point"), 10, 64)
	in := &pingan.NewCheckIn{Point: point, Result: f.Get("result"), Note: f.Get("note")}
	if lat, lng := strings.TrimSpace(f.Get("lat")), strings.TrimSpace(f.Get("lng")); lat != "" || lng != "" {
		// A position given but unreadable is refused naming location
		// (the check finds NaN invalid), never dropped.
		la, err1 := strconv.ParseFloat(lat, 64)
		ln, err2 := strconv.ParseFloat(lng, 64)
		if err1 != nil || err2 != nil {
			la, ln = math.NaN(), math.NaN()
		}
		in.Location = &pingan.Location{Lat: la, Lng: ln}
	}
	if in.Result == pingan.PatrolFinding {
		kind := pingan.Kind(f.Get("kind"))
		nc := &pingan.NewCase{Kind: kind, Category: f.Get("category"), Title: f.Get("title"), Description: f.Get("description")}
		if kind == pingan.KindHazard {
			nc.Hazard = &pingan.HazardFacts{Level: pingan.HazardLevel(f.Get("level"))}
		}
		photos, err := readPhotos(r, photoField)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		nc.Photos = photos
		in.Case = nc
	}
	c, err := s.patrols.CheckIn(r.Context(), userOf(r), id, in)
	if err != nil {
		s.patrolRefused(w, r, values, err)
		return
	}
	to := "/m/patrol?checked=" + url.QueryEscape(c.PointName)
	if c.CaseID != "" {
		to = "/m/patrol?sent=" + url.QueryEscape(c.CaseID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// patrolPointsData is the page of a grid's points.
type patrolPointsData struct {
	Grids  []*pingan.Grid
	Grid   *pingan.Grid
	Points []*pingan.PatrolPoint
	Map    template.HTML
	Values map[string]string
	Errors map[string]string
	Error  string
}

// Err answers the error shown beside a field of the form.
func (d *patrolPointsData) Err(field string) string { return d.Errors[field] }

func (s *Server) patrolPointsPage(w http.ResponseWriter, r *http.Request) {
	s.renderPatrolPoints(w, r, r.URL.Query().Get("grid"), nil, nil, http.StatusOK)
}

// renderPatrolPoints draws the points of a grid with the form that adds
// one; after a refusal, with what was typed and each bad field marked.
func (s *Server) renderPatrolPoints(w http.ResponseWriter, r *http.Request, grid string, values map[string]string, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "patrol_points")
	v.Title, v.Nav = v.T("patrol.points.title"), "patrol-points"
	d := &patrolPointsData{Values: values}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("patrol.points.saved")
	}
	if s.grids != nil {
		grids, err := s.grids.FindGrids(ctx, u, u.UnitCode)
		if err != nil && !isNotFound(err) {
			s.fail(w, r, err)
			return
		}
		d.Grids = grids
	}
	grid = strings.TrimSpace(grid)
	if grid == "" && len(d.Grids) > 0 {
		grid = d.Grids[0].Code
	}
	for _, g := range d.Grids {
		if g.Code == grid {
			d.Grid = g
		}
	}
	if d.Grid != nil {
		pts, err := s.patrols.PatrolPoints(ctx, u, d.Grid.Code, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Points = pts
		d.Map, _ = pickMap(v, []*pingan.Grid{d.Grid}, "pp-map")
		if d.Values["cadence"] == "" {
			d.Values["cadence"] = strconv.Itoa(pingan.DefaultPatrolCadence)
		}
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

func (s *Server) addPatrolPoint(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	in := &pingan.NewPatrolPoint{Grid: f.Get("grid"), Name: f.Get("name")}
	in.Cadence, _ = strconv.Atoi(strings.TrimSpace(f.Get("cadence")))
	if f.Get("cadence") != "" && in.Cadence == 0 {
		in.Cadence = -1 // not a number: refused naming cadence
	}
	la, err1 := strconv.ParseFloat(f.Get("lat"), 64)
	ln, err2 := strconv.ParseFloat(f.Get("lng"), 64)
	if err1 == nil && err2 == nil {
		in.Location = &pingan.Location{Lat: la, Lng: ln}
	}
	if _, err := s.patrols.AddPatrolPoint(r.Context(), userOf(r), in); err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderPatrolPoints(w, r, in.Grid, formValues(r, []string{"name", "lat", "lng", "cadence"}), err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/patrol-points?saved=1&grid="+url.QueryEscape(in.Grid), http.StatusSeeOther)
}

// changePatrolPoint sets a point's cadence, or retires or restores it.
func (s *Server) changePatrolPoint(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, err := strconv.ParseInt(r.PathValue("point"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "patrol.point.notfound", int64(0)))
		return
	}
	ch := &pingan.PatrolPointChange{}
	if c := strings.TrimSpace(f.Get("cadence")); c != "" {
		if ch.Cadence, err = strconv.Atoi(c); err != nil || ch.Cadence == 0 {
			ch.Cadence = -1
		}
	}
	if a := f.Get("active"); a != "" {
		on := a == "1"
		ch.Active = &on
	}
	p, err := s.patrols.ChangePatrolPoint(r.Context(), userOf(r), id, ch)
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderPatrolPoints(w, r, f.Get("grid"), nil, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/patrol-points?saved=1&grid="+url.QueryEscape(p.Grid), http.StatusSeeOther)
}
