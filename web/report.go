package web

import (
	"context"
	"html/template"
	"maps"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
)

// reportForm is a report form's values and errors, for showing it again.
type reportForm struct {
	Values     map[string]string
	Errors     map[string]string
	Error      string
	Categories []*pingan.Category
	Kinds      []pingan.Kind
	Units      []*pingan.Unit
	Sources    []pingan.Source
	// Map is the grid map on which the position is picked; MapNote says
	// why there is none.
	Map     template.HTML
	MapNote string
	// Parties are the rows of the parties' table (当事人, mediation_report.go).
	Parties []partyRow
}

// reportFields are the fields of the report forms.
var reportFields = []string{"kind", "category", "title", "description", "address", "lat", "lng", "unit", "grid", "source",
	"reporter_name", "reporter_phone", "party_name", "party_phone", "resolved_on_site", "result", "key",
	"hotline_no", "urgency", "sensitive"}

func formValues(r *http.Request, fields []string) map[string]string {
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		out[f] = r.PostFormValue(f)
	}
	return out
}

// parseReport reads a report form into a case to create. It infers and
// checks nothing: the store validates the report once, in the domain
// (pingan.NewCase.Validate), and answers every bad field at once. A
// coordinate that is no number is passed on as NaN, which the domain
// names as such (location.lat, location.lng).
func parseReport(r *http.Request) *pingan.NewCase {
	in, _ := parseReportChecked(r)
	return in
}

// parseReportChecked is parseReport that answers too what the form could
// not read (an amount in dispute that is no amount), as the domain would
// name the field; createReport lets its words win.
func parseReportChecked(r *http.Request) (*pingan.NewCase, *pingan.Invalid) {
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	in := &pingan.NewCase{
		Kind: pingan.Kind(val("kind")), Category: val("category"), Title: val("title"),
		Description: val("description"), Address: val("address"), Unit: val("unit"),
		Source: pingan.Source(val("source")), Result: val("result"), IdempotencyKey: val("key"),
		ResolvedOnSite: val("resolved_on_site") != "",
		// The fields of the trade (docs/urgency.md).
		HotlineNo: val("hotline_no"), Urgency: pingan.Urgency(val("urgency")), Sensitive: val("sensitive") != "",
	}
	if lat, lng := val("lat"), val("lng"); lat != "" || lng != "" {
		in.Location = &pingan.Location{Lat: number(lat), Lng: number(lng)}
	}
	if name, phone := val("reporter_name"), val("reporter_phone"); name != "" || phone != "" {
		in.Reporter = &pingan.Person{Role: "reporter", Name: name, Phone: phone}
	}
	// The parties' table and the facts of a dispute (mediation_report.go);
	// the one party of the earlier form is read too.
	in.Parties = readParties(r)
	if name, phone := val("party_name"), val("party_phone"); name != "" || phone != "" {
		in.Parties = append(in.Parties, pingan.Person{Role: "party", Name: name, Phone: phone})
	}
	var bad pingan.Invalid
	readDispute(r, in, &bad)
	readPetitionReport(r, in, &bad) // a petition's registration and representatives (petition_report.go)
	return in, &bad
}

// number answers s as a number, NaN when it is none.
func number(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// places answers the units a staff member may name as where a case
// happened: the administrative units of their jurisdiction.
func (s *Server) places(ctx context.Context, u *pingan.User) ([]*pingan.Unit, error) {
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		return nil, err
	}
	s.rememberUnits(units...)
	var out []*pingan.Unit
	for _, x := range units {
		if x.Level.Administrative() {
			out = append(out, x)
		}
	}
	return out, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	s.renderReport(w, r, &reportForm{Values: map[string]string{"source": string(pingan.SourceHotline)}}, http.StatusOK)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, f *reportForm, status int) {
	ctx, u := r.Context(), userOf(r)
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.places(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Categories, f.Units = cats, units
	f.Parties = partyRows(f.Values, f.Errors)
	f.Sources = []pingan.Source{pingan.SourceHotline, pingan.SourceVisit, pingan.SourceLetter, pingan.SourceGridWorker}
	for _, k := range pingan.Kinds {
		f.Kinds = append(f.Kinds, k.Kind)
	}
	v := s.newView(r, "report")
	v.Title, v.Nav, v.D = v.T("nav.report"), "report", f
	if s.grids != nil {
		unit, err := s.rootUnit(ctx, u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		grids, err := s.grids.GridShapes(ctx, u, unit.Code)
		if err != nil && !isNotFound(err) {
			s.fail(w, r, err)
			return
		}
		f.Map, f.MapNote = pickMap(v, grids, "pick-map")
	}
	s.renderStatus(w, r, v, status)
}

// maxPickGrids caps the grids drawn on a map for picking a position; a
// jurisdiction with more types the position or the address.
const maxPickGrids = 1500

// pickMap draws the grids on which a position is picked (static/app.js
// fills the latitude and longitude from a click and names the grid under
// it), or answers why there is no map.
func pickMap(v *view, grids []*pingan.Grid, id string) (template.HTML, string) {
	if len(grids) == 0 {
		return "", ""
	}
	if len(grids) > maxPickGrids {
		return "", v.T("report.map.many")
	}
	mg := make([]mapGrid, len(grids))
	for i, g := range grids {
		mg[i] = mapGrid{Code: g.Code, Name: g.Name, Geometry: g.Geometry, Class: "pickable"}
	}
	return gridMapSVG(mg, mapOptions{Title: v.T("report.map"), ID: id, Pick: true}), ""
}

// createReport creates a case from a report form with its photos, which
// go with the report (its first timeline entry).
func (s *Server) createReport(r *http.Request) (*pingan.Case, error) {
	in, bad := parseReportChecked(r)
	in.Grid = strings.TrimSpace(r.PostFormValue("grid")) // the staff's forms may name the grid (picker.go)
	var err error
	if in.Photos, err = readPhotos(r, photoField); err != nil {
		return nil, err
	}
	c, err := s.cases.CreateCase(r.Context(), userOf(r), in)
	if bad.Err() != nil && pingan.ErrorCode(err) == pingan.EINVALID {
		// What the form could not read was passed on out of range, so
		// the store refused it; the form's words say what was wrong.
		if err := bad.Merge(err); err != nil {
			return nil, err
		}
		return nil, bad.Err()
	}
	return c, err
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	c, err := s.createReport(r)
	if err == nil {
		http.Redirect(w, r, "/cases/"+c.ID+"?done=report", http.StatusSeeOther)
		return
	}
	if pingan.ErrorCode(err) != pingan.EINVALID {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "report")
	f := &reportForm{Values: formValues(r, reportFields), Errors: v.fields(err)}
	maps.Copy(f.Values, disputeValues(r))
	maps.Copy(f.Values, petitionReportValues(r)) // petition_report.go
	repErrors(r, f.Errors)
	if len(f.Errors) == 0 {
		f.Error = v.Message(err)
	}
	s.renderReport(w, r, f, http.StatusBadRequest)
}

// mobileReport takes the grid worker's quick report, from the form or
// from the page's script (which sends it again after being offline, with
// the same idempotency key). The script asks for JSON.
func (s *Server) mobileReport(w http.ResponseWriter, r *http.Request) {
	if err := s.phoneOnlyPetition(r.Context(), r); err != nil { // phone_petition.go
		s.fail(w, r, err)
		return
	}
	c, err := s.createReport(r)
	err = phoneRepErrors(r, err) // the representatives' errors at their rows (phone_petition.go)
	if wantsJSON(r) {
		// The answer of the JSON API, in the page's language.
		lang := langOf(r)
		if err != nil {
			if pingan.ErrorCode(err) == pingan.EINTERNAL {
				s.log.ErrorContext(r.Context(), "web: mobile report", "request_id", httpx.RequestIDOf(r.Context()), "err", err)
			}
			httpx.WriteError(w, r, err, lang)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"id": c.ID, "number": c.Number, "status": string(c.Status),
			"message": pingan.Text(lang, "m.sent", c.Number)})
		return
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		values := formValues(r, reportFields)
		maps.Copy(values, disputeValues(r))       // a dispute's parties and facts (mediation_report.go)
		maps.Copy(values, phonePetitionValues(r)) // a petition's registration (phone_petition.go)
		s.renderMobile(w, r, values, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/m?sent="+c.Number, http.StatusSeeOther)
}
