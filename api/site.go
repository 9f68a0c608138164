package api

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// The register of key sites (重点场所) and their inspections (docs/sites.md,
// docs/api.md "Key sites").

// routesSites registers the register's routes when its service is
// configured.
func (s *Server) routesSites() {
	if s.sites == nil {
		return
	}
	s.authed("GET /api/v1/sites", s.may(pingan.CapSites, s.listSites))
	s.authed("POST /api/v1/sites", s.may(pingan.CapSitesEdit, s.createSite))
	s.authed("POST /api/v1/sites/import", s.may(pingan.CapSitesEdit, s.importSites))
	s.authed("GET /api/v1/sites/{id}", s.may(pingan.CapSites, s.getSite))
	s.authed("PUT /api/v1/sites/{id}", s.may(pingan.CapSitesEdit, s.updateSite))
	s.authed("POST /api/v1/sites/{id}/contact", s.may(pingan.CapSites, s.revealSiteContact))
	s.authed("GET /api/v1/sites/{id}/inspections", s.may(pingan.CapSites, s.listInspections))
	s.authed("POST /api/v1/sites/{id}/inspections", s.may(pingan.CapInspect, s.recordInspection))
	s.authed("GET /api/v1/site-types", s.may(pingan.CapSites, s.listSiteTypes))
	s.authed("PUT /api/v1/site-types/{code}", s.may(pingan.CapSitesEdit, s.saveSiteType))
	s.authed("GET /api/v1/inspections/figures", s.may(pingan.CapSites, s.inspectionFigures))
}

// siteFilter reads the register's filters from the query.
func siteFilter(q *query) pingan.SiteFilter {
	f := pingan.SiteFilter{Type: q.str("type"), Level: q.int("level", 0, 0, pingan.MaxHazardSourceLevel), Unit: q.str("unit"),
		Grid: q.str("grid"), Department: q.str("department"), Q: q.str("q"),
		Limit: q.int("limit", 500, 1, 5000), Offset: q.int("offset", 0, 0, 1<<30)}
	if b := q.bool("overdue"); b != nil {
		f.Overdue = *b
	}
	return f
}

// listSites answers GET /api/v1/sites?type=&level=&unit=&grid=&department=&overdue=&q=&format=
// with {"sites": […]}, contacts masked, overdue first; format=xlsx
// answers the register as an Excel workbook.
func (s *Server) listSites(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := siteFilter(q)
	format := q.str("format")
	if format != "" && format != "json" && format != "xlsx" {
		q.v.Add("format", "export.format.unknown", format)
	}
	if err := q.err(); err != nil {
		return err
	}
	if format == "xlsx" && !q.has("limit") {
		f.Limit = 5000
	}
	u := userFrom(r.Context())
	sites, err := s.sites.FindSites(r.Context(), u, f)
	if err != nil {
		return err
	}
	if sites == nil {
		sites = []*pingan.Site{}
	}
	if format != "xlsx" {
		s.writeJSON(w, http.StatusOK, map[string]any{"sites": sites})
		return nil
	}
	if err := s.auditDownload(r); err != nil { // 审计 (audit.go)
		return err
	}
	book, name := sheet.SitesBook(langOf(r), sites, nil, u, s.clock.Now())
	var buf bytes.Buffer
	if err := sheet.Write(&buf, book); err != nil {
		return err
	}
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.log.DebugContext(r.Context(), "api: sites xlsx", "err", err)
	}
	return nil
}

// createSite adds a site: POST /api/v1/sites with a pingan.NewSite → 201
// with the site and its Location.
func (s *Server) createSite(w http.ResponseWriter, r *http.Request) error {
	var in pingan.NewSite
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	site, err := s.sites.AddSite(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"sites/"+strconv.FormatInt(site.ID, 10))
	s.writeJSON(w, http.StatusCreated, site)
	return nil
}

// getSite answers GET /api/v1/sites/{id}: the site, its contact masked.
func (s *Server) getSite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "site.notfound")
	if err != nil {
		return err
	}
	site, err := s.sites.FindSite(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, site)
	return nil
}

// updateSite changes a site: PUT /api/v1/sites/{id} with a pingan.NewSite
// (version: the one read) → 200 with the site.
func (s *Server) updateSite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "site.notfound")
	if err != nil {
		return err
	}
	var in pingan.NewSite
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	site, err := s.sites.UpdateSite(r.Context(), userFrom(r.Context()), id, &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, site)
	return nil
}

// revealSiteContact answers POST /api/v1/sites/{id}/contact with the
// contact whole; the read is audited (a POST: it leaves a trace).
func (s *Server) revealSiteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "site.notfound")
	if err != nil {
		return err
	}
	c, err := s.sites.RevealContact(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, c)
	return nil
}

// listInspections answers GET /api/v1/sites/{id}/inspections?limit= with
// {"inspections": […]}, newest first.
func (s *Server) listInspections(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "site.notfound")
	if err != nil {
		return err
	}
	q := newQuery(r)
	limit := q.int("limit", 100, 1, 500)
	if err := q.err(); err != nil {
		return err
	}
	ins, err := s.sites.Inspections(r.Context(), userFrom(r.Context()), id, limit)
	if err != nil {
		return err
	}
	if ins == nil {
		ins = []*pingan.Inspection{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"inspections": ins})
	return nil
}

// inspectionBody is an inspection with each failed item's photo as base64
// (items[i].photo: {"name", "data"}).
type inspectionBody struct {
	Day   string `json:"day,omitempty"`
	Note  string `json:"note,omitempty"`
	Items []struct {
		pingan.NewInspectionItem
		Photo *struct {
			Name string `json:"name"`
			Data []byte `json:"data"`
		} `json:"photo,omitempty"`
	} `json:"items"`
}

// recordInspection records an inspection: POST /api/v1/sites/{id}/inspections
// → 201 with the inspection, each failed item with the hazard case filed.
func (s *Server) recordInspection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "site.notfound")
	if err != nil {
		return err
	}
	var body inspectionBody
	if err := s.decode(w, r, &body); err != nil {
		return err
	}
	in := &pingan.NewInspection{Day: body.Day, Note: body.Note}
	for _, it := range body.Items {
		item := it.NewInspectionItem
		if it.Photo != nil {
			item.Photo = &pingan.Upload{Name: it.Photo.Name, Data: it.Photo.Data}
		}
		in.Items = append(in.Items, item)
	}
	ins, err := s.sites.RecordInspection(r.Context(), userFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, ins)
	return nil
}

// listSiteTypes answers GET /api/v1/site-types with {"types": […]}: each
// with its schedules and checklist.
func (s *Server) listSiteTypes(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.sites.SiteTypes(r.Context())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []*pingan.SiteType{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"types": ts})
	return nil
}

// saveSiteType changes or adds a type: PUT /api/v1/site-types/{code} with
// a pingan.SiteType (an administrator or a dispatcher; active and seq kept
// when absent) → 200 with the types.
func (s *Server) saveSiteType(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		pingan.SiteType
		Active *bool `json:"active"` // kept when absent
	}
	if err := s.decode(w, r, &body); err != nil {
		return err
	}
	t := body.SiteType
	t.Code, t.Active = r.PathValue("code"), true
	ts, err := s.sites.SiteTypes(r.Context())
	if err != nil {
		return err
	}
	for _, old := range ts {
		if old.Code == t.Code {
			t.Active = old.Active
			if t.Seq == 0 {
				t.Seq = old.Seq
			}
		}
	}
	if body.Active != nil {
		t.Active = *body.Active
	}
	if err := s.sites.SaveSiteType(r.Context(), userFrom(r.Context()), &t); err != nil {
		return err
	}
	return s.listSiteTypes(w, r)
}

// inspectionFigures answers GET /api/v1/inspections/figures?unit=&month=
// with {"total", "rows"}: inspections due, done, on time and overdue in the
// month for the unit and each unit under it with numbers (按期检查率 =
// on_time / due).
func (s *Server) inspectionFigures(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	total, rows, err := s.sites.InspectionFigures(r.Context(), userFrom(r.Context()), q.str("unit"), q.str("month"))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []*pingan.InspectionFigure{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"total": total, "rows": rows})
	return nil
}

// importSites imports the register: POST /api/v1/sites/import?dry=true
// with an XLSX workbook as the body, or {"rows": [{"row", "site"}]} as
// JSON, → 200 {"added", "updated"}; every bad
// row named rows[N].field (N the sheet's row), nothing written then; dry
// answers what it would do.
func (s *Server) importSites(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	dry := q.bool("dry")
	if err := q.err(); err != nil {
		return err
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, sheet.MaxSiteSheetBytes))
	if err != nil {
		return s.decodeError(err, nil)
	}
	var rows []pingan.SiteImportRow
	if b := bytes.TrimSpace(raw); len(b) > 0 && b[0] == '{' { // JSON rows; a workbook starts PK
		var body struct {
			Rows []pingan.SiteImportRow `json:"rows"`
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		if err := s.decode(w, r, &body); err != nil {
			return err
		}
		rows = body.Rows
	} else {
		ts, err := s.sites.SiteTypes(r.Context())
		if err != nil {
			return err
		}
		if rows, err = sheet.ReadSites(bytes.NewReader(raw), ts); err != nil {
			return err
		}
	}
	res, err := s.sites.ImportSites(r.Context(), userFrom(r.Context()), rows, dry != nil && *dry)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, res)
	return nil
}

// inspectionsAnswer is the block inspections of GET /api/v1/stats: the
// inspections of key sites under the unit by month of the period, from
// the counters (docs/sites.md), and their sum.
type inspectionsAnswer struct {
	Months []*pingan.InspectionFigure `json:"months"`
	Total  pingan.InspectionFigure    `json:"total"`
	// OnTimeRate is 按期检查率 = on_time / due over the period, in percent;
	// absent when nothing was due.
	OnTimeRate *float64 `json:"on_time_rate,omitempty"`
}

// statsInspections answers the block of the months of sq (the last 24 at
// most) under unit; nil without a site service or for a unit with none.
func (s *Server) statsInspections(r *http.Request, unit string, sq pingan.StatsQuery) (*inspectionsAnswer, error) {
	if s.sites == nil || !userFrom(r.Context()).May(pingan.CapSites) {
		return nil, nil
	}
	last := sq.To.Add(-time.Second)
	if now := s.clock.Now(); now.Before(last) {
		last = now
	}
	first := monthStart(sq.From.In(pingan.CST))
	if end := monthStart(last.In(pingan.CST)); end.Sub(first) > 24*31*24*time.Hour {
		first = end.AddDate(0, -23, 0)
	}
	out := &inspectionsAnswer{Months: []*pingan.InspectionFigure{}}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		total, _, err := s.sites.InspectionFigures(r.Context(), userFrom(r.Context()), unit, m.Format("2006-01"))
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		out.Months = append(out.Months, total)
		out.Total.Unit, out.Total.Name = total.Unit, total.Name
		out.Total.Due += total.Due
		out.Total.Done += total.Done
		out.Total.OnTime += total.OnTime
		out.Total.Overdue += total.Overdue
		out.Total.Failed += total.Failed
	}
	if rate, ok := out.Total.OnTimeRate(); ok {
		out.OnTimeRate = &rate
	}
	return out, nil
}

// inspectionHeader and inspectionRows are the sheet of the block in the
// workbook of /stats.
func inspectionHeader(lang pingan.Lang) []string {
	t := func(key string) string { return pingan.Text(lang, key) }
	return []string{t("site.stats.col.month"), t("dash.sites.due"), t("dash.sites.done"), t("dash.sites.rate"),
		t("dash.sites.overdue"), t("site.stats.col.failed")}
}

func inspectionRows(a *inspectionsAnswer) [][]sheet.Cell {
	row := func(name string, f pingan.InspectionFigure) []sheet.Cell {
		rate := sheet.NoRate()
		if r, ok := f.OnTimeRate(); ok {
			rate = sheet.Rate(r / 100)
		}
		return []sheet.Cell{sheet.Text(name), sheet.Int(f.Due), sheet.Int(f.Done), rate, sheet.Int(f.Overdue), sheet.Int(f.Failed)}
	}
	var rows [][]sheet.Cell
	for _, m := range a.Months {
		rows = append(rows, row(m.Month, *m))
	}
	if len(a.Months) > 0 {
		rows = append(rows, row(a.Months[0].Month+" – "+a.Months[len(a.Months)-1].Month, a.Total))
	}
	return rows
}
