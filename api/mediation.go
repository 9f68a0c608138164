package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// The record of a dispute's mediation and the rules for disputes
// (dispute.go, docs/api.md "Disputes and mediation"). The actions that
// record a mediation — mediate, agree, mediation_fail, refuse_mediation,
// confirm, perform, revisit — are POST /api/v1/cases/{id}/actions like
// every other.

// routesMediation registers the mediation's routes when their services
// are configured.
func (s *Server) routesMediation() {
	if s.mediation != nil {
		s.authed("GET /api/v1/cases/{id}/mediation", s.may(pingan.CapReadCases, s.getMediation))
	}
	if s.settings != nil {
		s.authed("GET /api/v1/settings/disputes", s.getDisputeSettings)
		s.authed("PUT /api/v1/settings/disputes", s.putDisputeSettings)
	}
}

// getMediation answers GET /api/v1/cases/{id}/mediation with the record of
// the dispute's mediation (pingan.MediationRecord): its sessions, its
// agreement and the terms' performance, why it ended when it failed, the
// follow-up visits; "masked" says whether the parts that name people were
// left out for the caller. 404 for a case outside the caller's
// jurisdiction and for one that is no dispute.
func (s *Server) getMediation(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.mediation.Mediation(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, rec)
	return nil
}

// getDisputeSettings answers GET /api/v1/settings/disputes with the rules
// for disputes: {"group_size", "revisit_days"}.
func (s *Server) getDisputeSettings(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.settings.DisputeSettings(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, ds)
	return nil
}

// putDisputeSettings replaces the rules for disputes (PUT
// /api/v1/settings/disputes with {"group_size", "revisit_days"}; 0 takes
// the default) and answers them. Only an administrator of the whole tree
// may (403); 400 names a bad field.
func (s *Server) putDisputeSettings(w http.ResponseWriter, r *http.Request) error {
	var in pingan.DisputeSettings
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if err := s.settings.SetDisputeSettings(r.Context(), userFrom(r.Context()), &in); err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, in)
	return nil
}
