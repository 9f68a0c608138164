package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// The register of key sites (重点场所, docs/sites.md): the register of the
// reader's jurisdiction with its filters (overdue in red) and its
// download; the form that adds or changes a site; the page of one site
// with its schedule, its inspections, the audited reveal of its contact,
// and the panels of the other parts (site_panels.go); the inspection form
// (each checklist item 合格 or 不合格, a photo for each failed one); the
// types' checklists and schedules; the import of a workbook with a
// preview.

func init() {
	pageNames = append(pageNames, "sites", "site", "site_form", "site_inspect", "site_types", "site_import")
}

// routesSites registers the register's pages when its service is configured.
func (s *Server) routesSites(h func(pattern string, handler http.HandlerFunc)) {
	if s.sites == nil {
		return
	}
	h("GET /sites", s.signedIn(s.may(pingan.CapSites, s.sitesPage)))
	h("GET /sites.xlsx", s.signedIn(s.may(pingan.CapSites, s.sitesXLSX)))
	h("GET /sites/new", s.signedIn(s.may(pingan.CapSitesEdit, s.siteNewPage)))
	h("POST /sites", s.signedIn(s.may(pingan.CapSitesEdit, s.form(s.createSite))))
	h("GET /sites/types", s.signedIn(s.may(pingan.CapSites, s.siteTypesPage)))
	h("POST /sites/types", s.signedIn(s.may(pingan.CapSitesEdit, s.form(s.saveSiteType))))
	h("GET /sites/import", s.signedIn(s.may(pingan.CapSitesEdit, s.siteImportPage)))
	h("POST /sites/import", s.signedIn(s.may(pingan.CapSitesEdit, s.form(s.importSites))))
	h("GET /sites/{site}", s.signedIn(s.may(pingan.CapSites, s.sitePage)))
	h("GET /sites/{site}/edit", s.signedIn(s.may(pingan.CapSitesEdit, s.siteEditPage)))
	h("POST /sites/{site}", s.signedIn(s.may(pingan.CapSitesEdit, s.form(s.updateSite))))
	h("POST /sites/{site}/contact", s.signedIn(s.may(pingan.CapSites, s.form(s.revealSiteContact))))
	h("GET /sites/{site}/inspect", s.signedIn(s.may(pingan.CapInspect, s.inspectPage)))
	h("POST /sites/{site}/inspect", s.signedIn(s.may(pingan.CapInspect, s.form(s.recordInspection))))
}

// workbookField is the form field of an uploaded workbook (XLSX), whose
// cells sheet.ReadSites checks as text; photos_N are the inspection
// form's photo of item N (photoField's kin).
const workbookField = "workbook"

// SitesReady reports whether the register's pages are served (the menu).
func (v *view) SitesReady() bool { return v.s != nil && v.s.sites != nil }

// SiteLevel names a hazard source's level (一级 … 四级) in the reader's
// language; "" for none.
func (v *view) SiteLevel(level int) string {
	if level <= 0 {
		return ""
	}
	return v.T("site.level." + strconv.Itoa(level))
}

// SiteTypeName names a site type in the reader's language: the seeded
// types by their message, another by the name the city gave it.
func (v *view) SiteTypeName(code, name string) string {
	if pingan.HasMessage("site.type." + code) {
		return v.T("site.type." + code)
	}
	return name
}

// SiteSchedule says a schedule in words: 每 1 个月, 每 14 天.
func (v *view) SiteSchedule(sc pingan.SiteSchedule) string {
	switch {
	case sc.Months > 0 && sc.Days > 0:
		return v.T("site.every.md", sc.Months, sc.Days)
	case sc.Months > 0:
		return v.T("site.every.m", sc.Months)
	}
	return v.T("site.every.d", sc.Days)
}

// siteID reads the {site} of the path.
func siteID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("site"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "site.notfound", int64(0))
	}
	return id, nil
}

// sitesData is the register.
type sitesData struct {
	Sites   []*pingan.Site
	Filter  pingan.SiteFilter
	Types   []*pingan.SiteType
	Excel   string
	MayEdit bool
	Today   string
}

// siteFilterOf reads the register's filters from the query.
func siteFilterOf(q url.Values) pingan.SiteFilter {
	level, _ := strconv.Atoi(q.Get("level"))
	return pingan.SiteFilter{Type: strings.TrimSpace(q.Get("type")), Level: level, Unit: strings.TrimSpace(q.Get("unit")),
		Grid: strings.TrimSpace(q.Get("grid")), Department: strings.TrimSpace(q.Get("department")),
		Overdue: q.Get("overdue") == "1", Q: strings.TrimSpace(q.Get("q"))}
}

func (s *Server) sitesPage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "sites")
	v.Title, v.Nav = v.T("site.title"), "sites"
	q := r.URL.Query()
	d := &sitesData{Filter: siteFilterOf(q), MayEdit: u.May(pingan.CapSitesEdit), Today: pingan.Day(s.clock.Now())}
	d.Excel = "/sites.xlsx?" + q.Encode()
	var err error
	if d.Sites, err = s.sites.FindSites(ctx, u, d.Filter); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Types, err = s.sites.SiteTypes(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Get("imported") != "" {
		added, _ := strconv.Atoi(q.Get("imported"))
		updated, _ := strconv.Atoi(q.Get("updated"))
		v.Notice = v.T("site.imported", added, updated)
	}
	v.D = d
	s.renderStatus(w, r, v, http.StatusOK)
}

// sitesXLSX answers the register of the filters as a workbook, contacts
// masked.
func (s *Server) sitesXLSX(w http.ResponseWriter, r *http.Request) {
	u, lang := userOf(r), langOf(r)
	f := siteFilterOf(r.URL.Query())
	f.Limit = 5000
	sites, err := s.sites.FindSites(r.Context(), u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	book, name := sheet.SitesBook(lang, sites, nil, u, s.clock.Now())
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

// siteFormData is the form that adds or changes a site.
type siteFormData struct {
	Site   *pingan.Site // nil: a new one
	Types  []*pingan.SiteType
	Units  []*pingan.Unit // the departments of the jurisdiction
	Values url.Values
	Errors map[string]string
	Error  string
}

func (s *Server) siteNewPage(w http.ResponseWriter, r *http.Request) {
	s.renderSiteForm(w, r, nil, url.Values{}, nil, http.StatusOK)
}

func (s *Server) siteEditPage(w http.ResponseWriter, r *http.Request) {
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	site, err := s.sites.FindSite(r.Context(), userOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := url.Values{"name": {site.Name}, "code": {site.Code}, "type": {site.Type}, "level": {strconv.Itoa(site.Level)},
		"grid": {site.Grid}, "lat": {strconv.FormatFloat(site.Lat, 'f', -1, 64)}, "lng": {strconv.FormatFloat(site.Lng, 'f', -1, 64)},
		"address": {site.Address}, "department": {site.Department}, "version": {strconv.Itoa(site.Version)}}
	s.renderSiteForm(w, r, site, vals, nil, http.StatusOK)
}

// renderSiteForm draws the form; after a refusal with what was typed and
// each bad field marked.
func (s *Server) renderSiteForm(w http.ResponseWriter, r *http.Request, site *pingan.Site, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "site_form")
	v.Title, v.Nav = v.T("site.new"), "sites"
	if site != nil {
		v.Title = v.T("site.edit") + " · " + site.Name
	}
	d := &siteFormData{Site: site, Values: values}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	var err error
	if d.Types, err = s.sites.SiteTypes(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Limit: 2000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, un := range units {
		if un.Level == pingan.LevelDepartment {
			d.Units = append(d.Units, un)
		}
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// newSiteOf reads a site from the form; a position that is not a number
// is named under location.
func newSiteOf(f url.Values) (*pingan.NewSite, error) {
	level, _ := strconv.Atoi(f.Get("level"))
	in := &pingan.NewSite{Code: f.Get("code"), Name: f.Get("name"), Type: f.Get("type"), Level: level, Grid: f.Get("grid"),
		Address: f.Get("address"), Department: f.Get("department"), NextDue: f.Get("next_due")}
	in.Version, _ = strconv.Atoi(f.Get("version"))
	if name, phone := strings.TrimSpace(f.Get("contact_name")), strings.TrimSpace(f.Get("contact_phone")); name != "" || phone != "" {
		in.Contact = &pingan.SiteContact{Name: name, Phone: phone}
	}
	lat, lerr := strconv.ParseFloat(strings.TrimSpace(f.Get("lat")), 64)
	lng, gerr := strconv.ParseFloat(strings.TrimSpace(f.Get("lng")), 64)
	switch {
	case strings.TrimSpace(f.Get("lat")) == "" && strings.TrimSpace(f.Get("lng")) == "":
	case lerr != nil || gerr != nil:
		return in, invalidField("location", "site.location.bad")
	default:
		in.Location = &pingan.Location{Lat: lat, Lng: lng}
	}
	return in, nil
}

// createSite adds a site from the form.
func (s *Server) createSite(w http.ResponseWriter, r *http.Request) {
	in, err := newSiteOf(r.PostForm)
	var site *pingan.Site
	if err == nil {
		site, err = s.sites.AddSite(r.Context(), userOf(r), in)
	}
	if err != nil {
		if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		s.renderSiteForm(w, r, nil, r.PostForm, err, statusOf(err))
		return
	}
	http.Redirect(w, r, "/sites/"+strconv.FormatInt(site.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// updateSite changes a site from the form; contacts left empty keep the
// sealed one.
func (s *Server) updateSite(w http.ResponseWriter, r *http.Request) {
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := newSiteOf(r.PostForm)
	if err == nil {
		_, err = s.sites.UpdateSite(r.Context(), userOf(r), id, in)
	}
	if err != nil {
		if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		site, ferr := s.sites.FindSite(r.Context(), userOf(r), id)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.renderSiteForm(w, r, site, r.PostForm, err, statusOf(err))
		return
	}
	http.Redirect(w, r, "/sites/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

// siteData is the page of one site.
type siteData struct {
	Site        *pingan.Site
	Type        *pingan.SiteType
	Schedule    *pingan.SiteSchedule
	Inspections []*pingan.Inspection
	Panels      []sitePanel
	MayEdit     bool
	MayInspect  bool
	MayReveal   bool
	Revealed    *pingan.SiteContact
	Today       string
}

func (s *Server) sitePage(w http.ResponseWriter, r *http.Request) {
	s.renderSite(w, r, nil)
}

// renderSite draws a site's page, its contact whole when revealed.
func (s *Server) renderSite(w http.ResponseWriter, r *http.Request, revealed *pingan.SiteContact) {
	ctx, u := r.Context(), userOf(r)
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	site, err := s.sites.FindSite(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "site")
	v.Title, v.Nav = site.Name, "sites"
	d := &siteData{Site: site, MayEdit: u.May(pingan.CapSitesEdit), MayInspect: u.May(pingan.CapInspect) && site.Active,
		MayReveal: pingan.SeesSiteContact(u) && site.Contact != nil, Revealed: revealed, Today: pingan.Day(s.clock.Now())}
	types, err := s.sites.SiteTypes(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range types {
		if t.Code == site.Type {
			d.Type = t
			if sc, ok := t.Schedule(site.Level); ok {
				d.Schedule = &sc
			}
		}
	}
	if d.Inspections, err = s.sites.Inspections(ctx, u, id, 50); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Panels, err = s.sitePanels(r, v, u, site); err != nil {
		s.fail(w, r, err)
		return
	}
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		v.Notice = v.T("site.saved")
	case q.Get("inspected") != "":
		failed, _ := strconv.Atoi(q.Get("failed"))
		v.Notice = v.T("site.inspected", failed)
	}
	v.D = d
	s.renderStatus(w, r, v, http.StatusOK)
}

// revealSiteContact shows the site's page with its contact whole; the
// read is audited by the store.
func (s *Server) revealSiteContact(w http.ResponseWriter, r *http.Request) {
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.sites.RevealContact(r.Context(), userOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSite(w, r, c)
}

// inspectData is the inspection form.
type inspectData struct {
	Site   *pingan.Site
	Items  []pingan.ChecklistItem
	Values url.Values
	Errors map[string]string
	Error  string
	Today  string
}

func (s *Server) inspectPage(w http.ResponseWriter, r *http.Request) {
	s.renderInspect(w, r, url.Values{}, nil, http.StatusOK)
}

func (s *Server) renderInspect(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	site, err := s.sites.FindSite(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "site_inspect")
	v.Title, v.Nav = v.T("site.inspect")+" · "+site.Name, "sites"
	d := &inspectData{Site: site, Values: values, Today: pingan.Day(s.clock.Now())}
	types, err := s.sites.SiteTypes(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range types {
		if t.Code == site.Type {
			d.Items = t.Checklist
		}
	}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// recordInspection records the form's inspection: item_N is ok or fail,
// photo_N the failed item's photo, major_N ticks 重大隐患, note_N a note.
func (s *Server) recordInspection(w http.ResponseWriter, r *http.Request) {
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	n, _ := strconv.Atoi(f.Get("items"))
	in := &pingan.NewInspection{Day: f.Get("day"), Note: f.Get("note")}
	for i := 1; i <= n && i <= pingan.MaxChecklistItems; i++ {
		k := strconv.Itoa(i)
		result := f.Get("item_" + k)
		if result == "" {
			continue // named by the count of items
		}
		it := pingan.NewInspectionItem{Seq: i, OK: result == "ok", Major: f.Get("major_"+k) == "1", Note: f.Get("note_" + k)}
		if !it.OK {
			photos, err := readPhotos(r, photoField+"_"+k)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if len(photos) > 0 {
				it.Photo = &photos[0]
			}
		}
		in.Items = append(in.Items, it)
	}
	ins, ferr := s.sites.RecordInspection(r.Context(), userOf(r), id, in)
	if ferr != nil {
		switch pingan.ErrorCode(ferr) {
		case pingan.EINVALID, pingan.ECONFLICT:
			s.renderInspect(w, r, f, ferr, statusOf(ferr))
		default:
			s.fail(w, r, ferr)
		}
		return
	}
	http.Redirect(w, r, "/sites/"+strconv.FormatInt(id, 10)+"?inspected=1&failed="+strconv.Itoa(ins.Failed), http.StatusSeeOther)
}

// ItemError answers the messages of the form's item i (0-based): its
// result and its photo.
func (d *inspectData) ItemError(i int) string {
	var out []string
	for _, f := range []string{".seq", ".photo", ".note"} {
		if m := d.Errors["items["+strconv.Itoa(i)+"]"+f]; m != "" {
			out = append(out, m)
		}
	}
	return strings.Join(out, "；")
}

// siteTypesData is the page of the types' checklists and schedules.
type siteTypesData struct {
	Types   []*pingan.SiteType
	MayEdit bool
	Edited  string // the type whose form was refused
	Errors  map[string]string
	Error   string
}

func (s *Server) siteTypesPage(w http.ResponseWriter, r *http.Request) {
	s.renderSiteTypes(w, r, "", nil, http.StatusOK)
}

func (s *Server) renderSiteTypes(w http.ResponseWriter, r *http.Request, edited string, ferr error, status int) {
	u := userOf(r)
	v := s.newView(r, "site_types")
	v.Title, v.Nav = v.T("site.types"), "sites"
	ts, err := s.sites.SiteTypes(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &siteTypesData{Types: ts, MayEdit: u.Has(pingan.RoleAdmin) || u.Has(pingan.RoleDispatcher), Edited: edited}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("site.types.saved")
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// saveSiteType saves a type's name, schedules (months_L, days_L per level)
// and checklist (one item a line of the text area).
func (s *Server) saveSiteType(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	code := strings.TrimSpace(f.Get("code"))
	if code == "" {
		s.renderSiteTypes(w, r, "", invalidField("code", "field.required"), http.StatusBadRequest)
		return
	}
	ts, err := s.sites.SiteTypes(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var old *pingan.SiteType
	for _, t := range ts {
		if t.Code == code {
			old = t
		}
	}
	if old == nil {
		s.renderSiteTypes(w, r, "", invalidField("code", "site.type.unknown", code), http.StatusBadRequest)
		return
	}
	t := &pingan.SiteType{Code: code, Name: f.Get("name"), Seq: old.Seq, Active: old.Active}
	levels := []int{0}
	if pingan.SiteTypeLeveled(code) {
		levels = []int{1, 2, 3, 4}
	}
	for _, l := range levels {
		k := strconv.Itoa(l)
		m, _ := strconv.Atoi(f.Get("months_" + k))
		dd, _ := strconv.Atoi(f.Get("days_" + k))
		t.Schedules = append(t.Schedules, pingan.SiteSchedule{Level: l, Months: m, Days: dd})
	}
	cats := map[string]string{}
	for _, it := range old.Checklist {
		cats[it.Text] = it.Category
	}
	for _, line := range strings.Split(f.Get("checklist"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			t.Checklist = append(t.Checklist, pingan.ChecklistItem{Text: line, Category: cats[line]})
		}
	}
	if err := s.sites.SaveSiteType(r.Context(), userOf(r), t); err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderSiteTypes(w, r, code, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/sites/types?saved=1#type-"+code, http.StatusSeeOther)
}

// siteImportData is the import page: the upload, then the preview of
// what it would do, with the rows kept in the form for the confirmation.
type siteImportData struct {
	Rows    []pingan.SiteImportRow
	Kept    string // the rows as JSON, for the confirmation
	Result  *pingan.SiteImportResult
	Errors  []rowError
	Error   string
	Preview bool
}

// rowError is a refused cell: 第 3 行 类型: ….
type rowError struct {
	Row            int // the row's number in the workbook, 0 for the file
	Field, Message string
}

func (s *Server) siteImportPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "site_import")
	v.Title, v.Nav, v.D = v.T("site.import"), "sites", &siteImportData{}
	s.renderStatus(w, r, v, http.StatusOK)
}

// importSites previews an uploaded workbook (nothing written), or imports
// the rows of a preview the reader confirms, all together or nothing.
func (s *Server) importSites(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "site_import")
	v.Title, v.Nav = v.T("site.import"), "sites"
	d := &siteImportData{}
	v.D = d
	var rows []pingan.SiteImportRow
	confirm := r.PostForm.Get("confirm") == "1"
	var err error
	if confirm {
		if jerr := json.Unmarshal([]byte(r.PostForm.Get("rows")), &rows); jerr != nil {
			err = invalidField("file", "site.import.file")
		}
	} else {
		var src io.Reader
		if r.MultipartForm != nil {
			if fhs := r.MultipartForm.File[workbookField]; len(fhs) > 0 && fhs[0].Size > 0 {
				f, ferr := fhs[0].Open()
				if ferr != nil {
					s.fail(w, r, ferr)
					return
				}
				defer f.Close()
				src = f
			}
		}
		if src == nil {
			err = invalidField(workbookField, "field.required")
		} else {
			ts, terr := s.sites.SiteTypes(ctx)
			if terr != nil {
				s.fail(w, r, terr)
				return
			}
			rows, err = sheet.ReadSites(src, ts)
		}
	}
	var res *pingan.SiteImportResult
	if err == nil {
		res, err = s.sites.ImportSites(ctx, u, rows, !confirm)
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID && pingan.ErrorCode(err) != pingan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		d.Error = v.Message(err)
		for k, m := range v.fields(err) {
			d.Errors = append(d.Errors, rowError{Row: importRow(k), Field: v.importField(k), Message: m})
		}
		sortRowErrors(d.Errors)
		s.renderStatus(w, r, v, statusOf(err))
		return
	}
	if confirm {
		http.Redirect(w, r, "/sites?imported="+strconv.Itoa(res.Added)+"&updated="+strconv.Itoa(res.Updated), http.StatusSeeOther)
		return
	}
	b, _ := json.Marshal(rows)
	d.Rows, d.Kept, d.Result, d.Preview = rows, string(b), res, true
	s.renderStatus(w, r, v, http.StatusOK)
}

// importField says a refused field in words: rows[3].type → 第 3 行「类型」.
func (v *view) importField(k string) string {
	rest, ok := strings.CutPrefix(k, "rows[")
	if !ok {
		return v.T("site.import.field." + k)
	}
	n, field, _ := strings.Cut(rest, "].")
	col := map[string]string{"code": "site.col.code", "name": "site.col.name", "type": "site.col.type", "level": "site.col.level",
		"grid": "site.col.grid", "location": "site.col.position", "lat": "site.col.lat", "lng": "site.col.lng",
		"address": "site.col.address", "department": "site.col.department", "contact.name": "site.col.contact",
		"contact.phone": "site.col.phone", "next_due": "site.col.next_due"}[field]
	name := field
	if col != "" {
		name = v.T(col)
	}
	return v.T("site.import.row", n, name)
}

// sortRowErrors orders the refusals by row.
func sortRowErrors(es []rowError) {
	slices.SortStableFunc(es, func(a, b rowError) int {
		if a.Row != b.Row {
			return a.Row - b.Row // 第 3 行 before 第 10 行
		}
		return strings.Compare(a.Field, b.Field)
	})
}

// importRow answers the row number a field of the import names
// (rows[N].…), 0 for a field of the file.
func importRow(k string) int {
	rest, ok := strings.CutPrefix(k, "rows[")
	if !ok {
		return 0
	}
	n, _, _ := strings.Cut(rest, "]")
	i, _ := strconv.Atoi(n)
	return i
}
