package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// The campaigns (大排查, 敲门行动) and their door-knock visits
// (docs/campaigns.md, docs/api.md "Campaigns").

// routesCampaigns registers the campaigns' routes when a campaign service
// is configured.
func (s *Server) routesCampaigns() {
	if s.campaigns == nil {
		return
	}
	s.authed("GET /api/v1/campaigns", s.may(pingan.CapStatistics, s.listCampaigns))
	s.authed("POST /api/v1/campaigns", s.may(pingan.CapManageCampaigns, s.createCampaign))
	s.authed("GET /api/v1/campaigns/{id}", s.may(pingan.CapStatistics, s.getCampaign))
	s.authed("POST /api/v1/campaigns/{id}/visits", s.may(pingan.CapPatrol, s.recordVisit))
	s.authed("GET /api/v1/campaigns/{id}/coverage", s.may(pingan.CapStatistics, s.campaignCoverage))
}

// campaignID reads the {id} of the path; anything but a positive number is
// a campaign that does not exist.
func campaignID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "campaign.notfound", int64(0))
	}
	return id, nil
}

// listCampaigns answers GET /api/v1/campaigns?active=YYYY-MM-DD|today with
// {"campaigns": […]}: those touching the caller's jurisdiction, newest
// first; with active, those open on that day.
func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.CampaignFilter{Active: q.str("active")}
	if f.Active == "today" {
		f.Active = pingan.Day(s.clock.Now())
	} else if _, ok := pingan.ParseDay(f.Active); f.Active != "" && !ok {
		q.v.Add("active", "campaign.day.bad", f.Active)
	}
	if err := q.err(); err != nil {
		return err
	}
	cs, err := s.campaigns.FindCampaigns(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*pingan.Campaign{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"campaigns": cs})
	return nil
}

// createCampaign creates a campaign: POST /api/v1/campaigns with a
// pingan.Campaign (name, kind, from, to, unit, units, note) → 201 with the
// campaign and its Location.
func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request) error {
	var in pingan.Campaign
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.campaigns.CreateCampaign(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"campaigns/"+strconv.FormatInt(c.ID, 10))
	s.writeJSON(w, http.StatusCreated, c)
	return nil
}

// getCampaign answers GET /api/v1/campaigns/{id}.
func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := campaignID(r)
	if err != nil {
		return err
	}
	c, err := s.campaigns.FindCampaign(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, c)
	return nil
}

// recordVisit records a visit: POST /api/v1/campaigns/{id}/visits with a
// pingan.NewVisit (grid, place, visited_on, outcome none|case, note, and
// case: the report when outcome is case) → 201 with the visit, whose
// case_id names the case reported with it.
func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := campaignID(r)
	if err != nil {
		return err
	}
	var in pingan.NewVisit
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.campaigns.RecordVisit(r.Context(), userFrom(r.Context()), id, &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, v)
	return nil
}

// campaignCoverage answers GET /api/v1/campaigns/{id}/coverage?unit=&format=
// with the coverage under unit (the campaign's unit by default), line by
// line; format=xlsx answers it as an Excel workbook.
func (s *Server) campaignCoverage(w http.ResponseWriter, r *http.Request) error {
	id, err := campaignID(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	format := q.str("format")
	if format != "" && format != "json" && format != "xlsx" {
		q.v.Add("format", "export.format.unknown", format)
	}
	if err := q.err(); err != nil {
		return err
	}
	u, lang := userFrom(r.Context()), langOf(r)
	cv, err := s.campaigns.Coverage(r.Context(), u, id, q.str("unit"))
	if err != nil {
		return err
	}
	if cv.Lines == nil {
		cv.Lines = []pingan.CoverageLine{}
	}
	if format != "xlsx" {
		s.writeJSON(w, http.StatusOK, cv)
		return nil
	}
	if err := s.auditDownload(r); err != nil { // 审计 (audit.go)
		return err
	}
	book, name := sheet.CoverageBook(lang, cv, u, s.clock.Now())
	var buf bytes.Buffer
	if err := sheet.Write(&buf, book); err != nil {
		return err
	}
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.log.DebugContext(r.Context(), "api: coverage xlsx", "err", err)
	}
	return nil
}
