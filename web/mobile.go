package web

import (
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/pingan-gov/pingan"
)

// routesPhone registers what the phone page adds to the routes of web.go:
// its service worker, which keeps the page and its assets on the phone.
func (s *Server) routesPhone(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /m/sw.js", s.serviceWorker)
}

type mobileData struct {
	Grids      []*pingan.Grid
	GridsReady bool // a grid service is configured
	Cases      []*row
	Categories []*pingan.Category
	Values     map[string]string
	// Errors are the texts of the wrong fields by the place of the form
	// that shows them (phonePlaces); Error is what no place shows.
	Errors map[string]string
	Error  []string
	Sent   string
	Map    template.HTML // the worker's grids, to pick the position on
	// Visit is the 走访登记 card (campaign.go); nil without campaigns.
	Visit *visitForm
	// Parties are the rows of a dispute's parties (当事人, mediation_report.go).
	Parties []partyRow
	// Petition is a petition's registration card (phone_petition.go).
	Petition *phonePetition
}

// phonePlaces says where the quick report shows an error about each field
// the report's validation may name: beside the control that holds it. The
// title is made from the description; the kind from the category; the
// position is the place of the grid, unit and location. An error about any
// other field is shown above the form. The script reads the same map from
// the page (data-for), so both paths mark the same place.
var phonePlaces = map[string]string{
	"category": "category", "kind": "category",
	"title": "description", "description": "description",
	"address":  "address",
	"location": "position", "location.lat": "position", "location.lng": "position", "grid": "position", "unit": "position",
	"photos": "photos",
	"result": "result", "resolved_on_site": "result",
	"urgency": "urgency", // docs/urgency.md; the phone has no 12345 number
}

// Err answers the error shown at a place of the quick report form.
func (d *mobileData) Err(place string) string { return d.Errors[place] }

// For answers the fields whose errors are shown at place, for the script.
func (d *mobileData) For(place string) string {
	var fields []string
	for f, p := range phonePlaces {
		if p == place {
			fields = append(fields, f)
		}
	}
	slices.Sort(fields)
	return strings.Join(fields, " ")
}

// placeErrors sorts the field errors of err into the places of the form;
// what has no place, and the error's message when no field is named, is
// shown above it.
func placeErrors(v *view, err error) (map[string]string, []string) {
	fields := v.fields(err)
	if len(fields) == 0 {
		return nil, []string{v.Message(err)}
	}
	byPlace := map[string]string{}
	var other []string
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		p, ok := phonePlaces[f]
		if !ok {
			other = append(other, fields[f])
			continue
		}
		if byPlace[p] != "" {
			byPlace[p] += "；"
		}
		byPlace[p] += fields[f]
	}
	if len(other) > 0 {
		other = append([]string{v.Message(err)}, other...)
	}
	return byPlace, other
}

// mobile is the grid worker's phone page (网格员): their grid, their open
// cases, and the quick report with position and photo that is kept in the
// browser while offline.
func (s *Server) mobile(w http.ResponseWriter, r *http.Request) {
	s.renderMobile(w, r, map[string]string{}, nil, http.StatusOK)
}

// renderMobile draws the phone page; after a refused report (ferr) with
// everything that was typed (values), each bad field marked.
func (s *Server) renderMobile(w http.ResponseWriter, r *http.Request, values map[string]string, ferr error, status int) {
	s.renderMobileWith(w, r, values, ferr, status, nil, nil)
}

// renderMobileWith is renderMobile, after a refused visit (verr) with what
// was typed in the visit card (visit), each bad field marked.
func (s *Server) renderMobileWith(w http.ResponseWriter, r *http.Request, values map[string]string, ferr error, status int,
	visit map[string]string, verr error) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "mobile")
	v.Title, v.Nav = v.T("m.title"), "m"
	d := &mobileData{Values: values, Sent: r.URL.Query().Get("sent"), GridsReady: s.grids != nil}
	if ferr != nil {
		d.Errors, d.Error = placeErrors(v, ferr)
		// A browser cannot be given a chosen file back.
		if r.MultipartForm != nil && len(r.MultipartForm.File[photoField]) > 0 && d.Errors["photos"] == "" {
			if d.Errors == nil {
				d.Errors = map[string]string{}
			}
			d.Errors["photos"] = v.T("m.photo.again")
		}
	}
	d.Parties = partyRows(values, nil) // a dispute's (mediation_report.go); errors at their place
	if d.Sent != "" {
		v.Notice = v.T("m.sent", d.Sent)
	} else if p := r.URL.Query().Get("visited"); p != "" {
		v.Notice = v.T("campaign.visited", p)
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories = cats
	s.fillPhonePetition(d, values) // a petition's registration (phone_petition.go)
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
	s.fillVisit(r, d, visit, verr) // the 走访登记 card (campaign.go)
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

// serviceWorker serves static/sw.js, which keeps /m and its assets on the
// phone so that the page opens without signal. It is served under /m with
// the scope /m (Service-Worker-Allowed), and asked for again on every
// registration so that a new version takes over at once.
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("static/sw.js")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Service-Worker-Allowed", "/m")
	w.Write(b)
}
