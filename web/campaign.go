package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// The campaigns (大排查, 敲门行动, docs/campaigns.md): the list with the form
// that creates one (dispatchers and administrators of a city or county),
// the coverage page of one campaign with drill-down from its unit to the
// grids of a village, its download, and the visit form of the phone page.

// routesCampaigns registers the campaigns' pages when a campaign service is
// configured.
func (s *Server) routesCampaigns(h func(pattern string, handler http.HandlerFunc)) {
	if s.campaigns == nil {
		return
	}
	h("GET /campaigns", s.signedIn(s.may(pingan.CapStatistics, s.campaignsPage)))
	h("POST /campaigns", s.signedIn(s.may(pingan.CapManageCampaigns, s.form(s.createCampaign))))
	h("GET /campaigns/{campaign}", s.signedIn(s.may(pingan.CapStatistics, s.coveragePage)))
	h("GET /campaigns/{campaign}/coverage.xlsx", s.signedIn(s.may(pingan.CapStatistics, s.coverageXLSX)))
	h("POST /m/visit", s.signedIn(s.may(pingan.CapPatrol, s.form(s.mobileVisit))))
}

// CampaignsReady reports whether the campaigns' pages are served (the menu).
func (v *view) CampaignsReady() bool { return v.s != nil && v.s.campaigns != nil }

// CampaignKind answers the name of a campaign's kind: the known kinds in
// the reader's language, a name of its own as it is.
func (v *view) CampaignKind(kind string) string {
	if kind == pingan.CampaignSweep || kind == pingan.CampaignKnock {
		return v.T("campaign.kind." + kind)
	}
	return kind
}

// CampaignState answers whether a campaign is 未开始, 进行中 or 已结束 today.
func (v *view) CampaignState(c *pingan.Campaign) string {
	today := pingan.Day(v.now)
	switch {
	case c.Closed || c.To < today:
		return v.T("campaign.state.over")
	case c.From > today:
		return v.T("campaign.state.coming")
	}
	return v.T("campaign.state.on")
}

// campaignsData is the list of campaigns and the form that creates one.
type campaignsData struct {
	Campaigns []*pingan.Campaign
	// May: the reader may create a campaign; Units are the units below
	// their own that may take part, offered as checkboxes.
	May    bool
	Owner  *pingan.Unit
	Units  []*pingan.Unit
	Values url.Values
	Errors map[string]string
	Error  string
	Today  string
}

// Checked reports whether the unit's box is ticked.
func (d *campaignsData) Checked(code string) bool {
	for _, c := range d.Values["units"] {
		if c == code {
			return true
		}
	}
	return false
}

func (s *Server) campaignsPage(w http.ResponseWriter, r *http.Request) {
	s.renderCampaigns(w, r, url.Values{}, nil, http.StatusOK)
}

// renderCampaigns draws the list and the form; after a refused form (ferr),
// with what was typed and each bad field marked.
func (s *Server) renderCampaigns(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "campaigns")
	v.Title, v.Nav = v.T("campaign.title"), "campaigns"
	d := &campaignsData{Values: values, May: u.May(pingan.CapManageCampaigns), Today: pingan.Day(s.clock.Now())}
	if ferr != nil {
		d.Errors = v.fields(ferr)
		d.Error = v.Message(ferr)
	}
	if r.URL.Query().Get("created") != "" {
		v.Notice = v.T("campaign.created")
	}
	cs, err := s.campaigns.FindCampaigns(ctx, u, pingan.CampaignFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Campaigns = cs
	if d.May {
		code := u.UnitCode
		if parts := strings.Split(strings.Trim(u.ScopePath, "/"), "/"); len(parts) > 0 {
			code = parts[len(parts)-1]
		}
		if d.Owner, err = s.units.FindUnit(ctx, u, code); err != nil {
			s.fail(w, r, err)
			return
		}
		kids, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: code})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, k := range kids {
			if k.Level.Administrative() {
				d.Units = append(d.Units, k)
			}
		}
		if values.Get("from") == "" && ferr == nil {
			values.Set("from", d.Today)
		}
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// createCampaign creates a campaign from the form: kind sweep, door_knock
// or other with kind_name; the units ticked (none: the whole unit).
func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	kind := f.Get("kind")
	if kind == "other" {
		kind = f.Get("kind_name")
	}
	c, err := s.campaigns.CreateCampaign(r.Context(), userOf(r), &pingan.Campaign{Name: f.Get("name"), Kind: kind,
		From: f.Get("from"), To: f.Get("to"), Unit: f.Get("unit"), Units: f["units"], Note: f.Get("note")})
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderCampaigns(w, r, f, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/campaigns/"+strconv.FormatInt(c.ID, 10)+"?created=1", http.StatusSeeOther)
}

// coverageData is the coverage page of one campaign under one unit.
type coverageData struct {
	C     *pingan.Coverage
	Trail []link // the units from the campaign's down to the parent of this one
	Lines []coverageRow
	Total coverageRow
	Excel string
}

type link struct{ Name, Href string }

// coverageRow is a line of the table with what the page shows beside it.
type coverageRow struct {
	pingan.CoverageLine
	Href    string // the drill-down, "" for a grid
	Percent string // 53.2%, or — without households
	Formula string // 覆盖率 = 已走访户数 / 户数 = 53 / 100
}

// campaignID reads the {campaign} of the path; anything but a positive number is
// a campaign that does not exist.
func campaignID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("campaign"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "campaign.notfound", int64(0))
	}
	return id, nil
}

// coverage reads the coverage the request asks for.
func (s *Server) coverage(r *http.Request) (*pingan.Coverage, error) {
	id, err := campaignID(r)
	if err != nil {
		return nil, err
	}
	cv, err := s.campaigns.Coverage(r.Context(), userOf(r), id, strings.TrimSpace(r.URL.Query().Get("unit")))
	if isNotFound(err) {
		return nil, pingan.E(pingan.ENOTFOUND, "campaign.notfound", int64(0)) // the same page for a campaign or a unit out of sight
	}
	return cv, err
}

func (s *Server) coveragePage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	cv, err := s.coverage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "campaign")
	v.Title, v.Nav = cv.Campaign.Name, "campaigns"
	if r.URL.Query().Get("created") != "" {
		v.Notice = v.T("campaign.created")
	}
	base := "/campaigns/" + strconv.FormatInt(cv.Campaign.ID, 10)
	d := &coverageData{C: cv, Excel: base + "/coverage.xlsx?unit=" + url.QueryEscape(cv.Unit.Code)}
	// The trail: the units between the campaign's and this one that the
	// reader sees.
	if cv.Unit.Code != cv.Campaign.Unit {
		for p := cv.Unit.ParentCode; p != ""; {
			pu, err := s.units.FindUnit(ctx, u, p)
			if err != nil {
				break
			}
			d.Trail = append([]link{{Name: pu.Name, Href: base + "?unit=" + url.QueryEscape(pu.Code)}}, d.Trail...)
			if pu.Code == cv.Campaign.Unit {
				break
			}
			p = pu.ParentCode
		}
	}
	row := func(l pingan.CoverageLine, drill bool) coverageRow {
		out := coverageRow{CoverageLine: l, Percent: "—", Formula: v.T("campaign.formula.none")}
		if l.Rate != nil {
			out.Percent = fmt.Sprintf("%.1f%%", *l.Rate*100)
			out.Formula = v.T("campaign.formula.value", l.Places, l.Households, out.Percent)
		}
		if drill {
			out.Href = base + "?unit=" + url.QueryEscape(l.Code)
		}
		return out
	}
	for _, l := range cv.Lines {
		d.Lines = append(d.Lines, row(l, !cv.ByGrid))
	}
	d.Total = row(cv.Total, false)
	v.D = d
	s.render(w, r, v)
}

// Bar answers the value of a line's progress bar, 0 to 1.
func (r coverageRow) Bar() float64 {
	if r.Rate == nil {
		return 0
	}
	return min(*r.Rate, 1)
}

// coverageXLSX answers the coverage of the page as an XLSX workbook.
func (s *Server) coverageXLSX(w http.ResponseWriter, r *http.Request) {
	cv, err := s.coverage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	book, name := sheet.CoverageBook(langOf(r), cv, userOf(r), s.clock.Now())
	var buf bytes.Buffer
	if err := sheet.Write(&buf, book); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// visitForm is the 走访登记 card of the phone page: the campaigns open today,
// the worker's grids, and after a refused visit what was typed with each
// bad field marked.
type visitForm struct {
	Campaigns  []*pingan.Campaign
	Grids      []*pingan.Grid
	Categories []*pingan.Category // of disputes and hazards
	Values     map[string]string
	Errors     map[string]string
	Error      []string
	Today      string
}

// Err answers the error shown beside a field of the visit form.
func (f *visitForm) Err(field string) string { return f.Errors[field] }

// visitFields are the visit form's fields.
var visitFields = []string{"campaign", "grid", "place", "visited_on", "outcome", "note", "kind", "category", "title", "description"}

// visitPlaces are the fields the visit form shows an error beside; any
// other is shown above it.
var visitPlaces = map[string]bool{"campaign": true, "grid": true, "place": true, "visited_on": true, "outcome": true,
	"case": true, "kind": true, "category": true, "title": true, "description": true, "note": true}

// fillVisit sets the visit card of the phone page for the worker u.
func (s *Server) fillVisit(r *http.Request, d *mobileData, values map[string]string, ferr error) {
	if s.campaigns == nil {
		return
	}
	ctx, u := r.Context(), userOf(r)
	f := &visitForm{Values: values, Today: pingan.Day(s.clock.Now())}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if f.Values["visited_on"] == "" {
		f.Values["visited_on"] = f.Today
	}
	if f.Values["outcome"] == "" {
		f.Values["outcome"] = pingan.VisitNothing
	}
	cs, err := s.campaigns.FindCampaigns(ctx, u, pingan.CampaignFilter{Active: f.Today})
	if err != nil {
		return
	}
	f.Campaigns = cs
	for _, g := range d.Grids {
		for _, wk := range g.Workers {
			if wk.UserID == u.ID {
				f.Grids = append(f.Grids, g)
				break
			}
		}
	}
	for _, c := range d.Categories {
		if c.Kind == pingan.KindDispute || c.Kind == pingan.KindHazard {
			f.Categories = append(f.Categories, c)
		}
	}
	if ferr != nil {
		lang := langOf(r)
		fields := pingan.FieldTexts(ferr, lang)
		f.Errors = map[string]string{}
		for k, m := range fields {
			if visitPlaces[k] {
				f.Errors[k] = m
			} else {
				f.Error = append(f.Error, m)
			}
		}
		if f.Errors["case"] != "" && f.Errors["description"] == "" {
			f.Errors["description"] = f.Errors["case"]
		}
		if len(fields) == 0 || len(f.Error) > 0 {
			f.Error = append([]string{pingan.ErrorText(ferr, lang)}, f.Error...)
		}
	}
	d.Visit = f
}

// mobileVisit records a visit from the phone page: 未发现矛盾, or a dispute or
// hazard reported with it in one step.
func (s *Server) mobileVisit(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("campaign"), 10, 64)
	in := &pingan.NewVisit{Grid: f.Get("grid"), Place: f.Get("place"), VisitedOn: f.Get("visited_on"),
		Outcome: f.Get("outcome"), Note: f.Get("note")}
	if in.Outcome == pingan.VisitCase {
		in.Case = &pingan.NewCase{Kind: pingan.Kind(f.Get("kind")), Category: f.Get("category"), Title: f.Get("title"),
			Description: f.Get("description"), Source: pingan.SourceGridWorker}
		if lat, lng := f.Get("lat"), f.Get("lng"); lat != "" && lng != "" {
			la, err1 := strconv.ParseFloat(lat, 64)
			ln, err2 := strconv.ParseFloat(lng, 64)
			if err1 == nil && err2 == nil {
				in.Case.Location = &pingan.Location{Lat: la, Lng: ln}
			}
		}
	}
	var err error
	var visit *pingan.Visit
	if id <= 0 {
		err = pingan.Invalidf("campaign", "campaign.choose")
	} else {
		visit, err = s.campaigns.RecordVisit(r.Context(), userOf(r), id, in)
	}
	if err != nil {
		code := pingan.ErrorCode(err)
		if code != pingan.EINVALID && code != pingan.ENOTFOUND && code != pingan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		if code == pingan.ENOTFOUND {
			err = pingan.Invalidf("campaign", "campaign.choose")
		} else if code == pingan.ECONFLICT {
			err = &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("error.invalid"),
				Fields: map[string]pingan.Message{"campaign": err.(*pingan.Error).Msg}}
		}
		s.renderMobileWith(w, r, map[string]string{}, nil, http.StatusBadRequest, formValues(r, visitFields), err)
		return
	}
	to := "/m?visited=" + url.QueryEscape(visit.Place)
	if visit.CaseID != "" {
		to = "/m?sent=" + url.QueryEscape(visit.CaseID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
