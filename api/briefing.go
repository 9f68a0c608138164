package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// The weekly 研判 (docs/briefings.md, docs/api.md "Briefings").

// routesBriefings registers the briefings' routes when their service is
// configured.
func (s *Server) routesBriefings() {
	if s.briefings == nil {
		return
	}
	s.authed("GET /api/v1/briefings/{unit}", s.may(pingan.CapBriefings, s.listBriefings))
	s.authed("GET /api/v1/briefings/{unit}/{week}", s.may(pingan.CapBriefings, s.getBriefing))
	s.authed("POST /api/v1/briefings/{unit}/{week}/meeting", s.may(pingan.CapBriefings, s.recordMeeting))
	s.authed("POST /api/v1/briefings/{unit}/{week}/decisions", s.may(pingan.CapBriefings, s.addDecision))
}

// listBriefings answers GET /api/v1/briefings/{unit}?weeks=12 with
// {"weeks": […]}: the unit's last weeks, newest first, with what was held.
func (s *Server) listBriefings(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	n := q.int("weeks", 12, 1, 104)
	if err := q.err(); err != nil {
		return err
	}
	ws, err := s.briefings.Briefings(r.Context(), userFrom(r.Context()), r.PathValue("unit"), n)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"weeks": ws})
	return nil
}

// getBriefing answers GET /api/v1/briefings/{unit}/{week} with the
// record of the week's meeting, or the draft read now (held false).
func (s *Server) getBriefing(w http.ResponseWriter, r *http.Request) error {
	b, err := s.briefings.Briefing(r.Context(), userFrom(r.Context()), r.PathValue("unit"), r.PathValue("week"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, b)
	return nil
}

// recordMeeting records the meeting: POST …/meeting with a pingan.Meeting
// → 200 with the briefing, its figures frozen.
func (s *Server) recordMeeting(w http.ResponseWriter, r *http.Request) error {
	var in pingan.Meeting
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	b, err := s.briefings.RecordMeeting(r.Context(), userFrom(r.Context()), r.PathValue("unit"), r.PathValue("week"), &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, b)
	return nil
}

// addDecision records a decision: POST …/decisions with a
// pingan.NewDecision ("task": true makes it a task) → 201 with the
// briefing.
func (s *Server) addDecision(w http.ResponseWriter, r *http.Request) error {
	var in pingan.NewDecision
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	b, err := s.briefings.AddDecision(r.Context(), userFrom(r.Context()), r.PathValue("unit"), r.PathValue("week"), &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, b)
	return nil
}
