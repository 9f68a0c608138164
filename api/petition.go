package api

import (
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
)

// The record of a petition (信访, petition.go, docs/api.md "Petitions"):
// its state and documents, one document's text, the drafts of documents,
// the matters it may repeat, and the rules for petitions. The steps that
// record it — dispatch, inform, petition_accept, petition_refuse,
// petition_extend, answer, deliver, request_review, request_recheck,
// merge, lead — are POST /api/v1/cases/{id}/actions like every other, the
// document they issue in the input's "document".

// routesPetitions registers the petition's routes when the service is
// configured.
func (s *Server) routesPetitions() {
	if s.petitions == nil {
		return
	}
	s.authed("GET /api/v1/cases/{id}/petition", s.may(pingan.CapReadCases, s.getPetition))
	s.authed("GET /api/v1/cases/{id}/petition/documents/{doc}", s.may(pingan.CapReadCases, s.getPetitionDocument))
	s.authed("GET /api/v1/cases/{id}/petition/drafts/{kind}", s.may(pingan.CapReadCases, s.getPetitionDraft))
	s.authed("PUT /api/v1/cases/{id}/petition/drafts/{kind}", s.may(pingan.CapReadCases, s.putPetitionDraft))
	s.authed("GET /api/v1/cases/{id}/petition/similar", s.may(pingan.CapReadCases, s.getPetitionSimilar))
	s.authed("GET /api/v1/settings/petitions", s.getPetitionSettings)
	s.authed("PUT /api/v1/settings/petitions", s.putPetitionSettings)
}

// getPetition answers GET /api/v1/cases/{id}/petition with the petition's
// state (pingan.Petition's fields) and "documents", each without its text.
// 404 for a case outside the caller's jurisdiction and for one that is no
// petition.
func (s *Server) getPetition(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.petitions.Petition(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, rec)
	return nil
}

// getPetitionDocument answers GET /api/v1/cases/{id}/petition/documents/{doc}
// with the whole document, its text included: an audited read of personal
// data, 403 for a caller who does not see the case's personal data.
func (s *Server) getPetitionDocument(w http.ResponseWriter, r *http.Request) error {
	doc, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if err != nil || doc <= 0 {
		return pingan.E(pingan.ENOTFOUND, "petition.document.notfound", 0)
	}
	d, err := s.petitions.Document(r.Context(), userFrom(r.Context()), r.PathValue("id"), doc)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, d)
	return nil
}

// getPetitionDraft answers GET /api/v1/cases/{id}/petition/drafts/{kind}
// with {kind, title, number, body, saved, updated_at}: the saved draft, or
// the number the caller's unit would give next and the text filled from
// the case.
func (s *Server) getPetitionDraft(w http.ResponseWriter, r *http.Request) error {
	d, err := s.petitions.Draft(r.Context(), userFrom(r.Context()), r.PathValue("id"), pingan.DocKind(r.PathValue("kind")))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, d)
	return nil
}

// putPetitionDraft saves the draft (PUT with {"number", "body"}) and
// answers it; 403 unless the caller may issue that document now, 400
// naming number or body.
func (s *Server) putPetitionDraft(w http.ResponseWriter, r *http.Request) error {
	var in pingan.DocumentInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.petitions.SaveDraft(r.Context(), userFrom(r.Context()), r.PathValue("id"), pingan.DocKind(r.PathValue("kind")),
		in.Number, in.Body)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, d)
	return nil
}

// getPetitionSimilar answers GET /api/v1/cases/{id}/petition/similar with
// {"matters": [...]}: the petitions in the caller's jurisdiction that may
// be the same matter (the same petitioner, or a title with the same
// words), newest first, at most pingan.MaxSimilar, each with why.
func (s *Server) getPetitionSimilar(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.petitions.Similar(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"matters": ms})
	return nil
}

// getPetitionSettings answers GET /api/v1/settings/petitions with the
// rules for petitions: {"backlog_days", "backlog_repeats"}.
func (s *Server) getPetitionSettings(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.petitions.Settings(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, ps)
	return nil
}

// putPetitionSettings replaces the rules for petitions (PUT with
// {"backlog_days", "backlog_repeats"}; 0 takes the default) and answers
// them. Only an administrator of the whole tree may (403); 400 names a
// bad field.
func (s *Server) putPetitionSettings(w http.ResponseWriter, r *http.Request) error {
	var in pingan.PetitionSettings
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if err := s.petitions.SetSettings(r.Context(), userFrom(r.Context()), &in); err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, in)
	return nil
}
