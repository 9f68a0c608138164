package api

import (
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
)

// The leaders' side of petitions (reception.go, docs/api.md "Petitions"):
// the reception schedule (领导接访日) and its public list, the records of
// receptions (接访, 下访, 约访), the long-standing matters (积案) and the
// matters the caller leads (包案). 包案 itself is the case's lead action,
// POST /api/v1/cases/{id}/actions.

// routesReceptions registers the routes when a reception service is
// configured.
func (s *Server) routesReceptions() {
	if s.receptions == nil {
		return
	}
	s.public("GET /api/v1/public/reception-days", s.limitedAll(s.limits.Public, "limit.public", s.publicReceptionDays))
	s.authed("GET /api/v1/reception-days", s.may(pingan.CapReceptions, s.listReceptionDays))
	s.authed("POST /api/v1/reception-days", s.may(pingan.CapReceptions, s.createReceptionDay))
	s.authed("PUT /api/v1/reception-days/{id}", s.may(pingan.CapReceptions, s.updateReceptionDay))
	s.authed("GET /api/v1/receptions", s.may(pingan.CapReceptions, s.listReceptions))
	s.authed("POST /api/v1/receptions", s.may(pingan.CapReceptions, s.createReception))
	s.authed("GET /api/v1/receptions/{id}", s.may(pingan.CapReceptions, s.getReception))
	s.authed("GET /api/v1/petitions/backlog", s.may(pingan.CapReceptions, s.petitionBacklog))
	s.authed("GET /api/v1/petitions/led", s.may(pingan.CapLeadCases, s.petitionsLed))
}

// receptionID reads the {id} of the path; anything but a positive number
// is a row that does not exist (the message of notFound).
func receptionID(r *http.Request, notFound string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, notFound, int64(0))
	}
	return id, nil
}

// publicReceptionDays answers GET /api/v1/public/reception-days, for
// everyone, with {"reception_days": […]}: the published days from today
// on, each with the leader's name and post, the centre, the day, the
// time, the place and the topic alone.
func (s *Server) publicReceptionDays(w http.ResponseWriter, r *http.Request) error {
	days, err := s.receptions.PublicReceptionDays(r.Context())
	if err != nil {
		return err
	}
	if days == nil {
		days = []*pingan.PublicReceptionDay{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"reception_days": days})
	return nil
}

// listReceptionDays answers GET /api/v1/reception-days?from=YYYY-MM-DD
// with {"reception_days": […]}: the schedule of the caller's jurisdiction
// from the day from on (today when absent; "all" for every day).
func (s *Server) listReceptionDays(w http.ResponseWriter, r *http.Request) error {
	from := newQuery(r).str("from")
	switch from {
	case "":
		from = pingan.Day(s.clock.Now())
	case "all":
		from = ""
	}
	days, err := s.receptions.ReceptionDays(r.Context(), userFrom(r.Context()), from)
	if err != nil {
		return err
	}
	if days == nil {
		days = []*pingan.ReceptionDay{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"reception_days": days})
	return nil
}

// createReceptionDay adds a schedule row (POST /api/v1/reception-days with
// {"unit", "leader_id", "leader_post", "day", "time_from", "time_to",
// "place", "topic", "published"}) and answers it, 201. 400 names each bad
// field.
func (s *Server) createReceptionDay(w http.ResponseWriter, r *http.Request) error {
	var in pingan.ReceptionDay
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID = 0
	if err := s.receptions.CreateReceptionDay(r.Context(), userFrom(r.Context()), &in); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"reception-days/"+strconv.FormatInt(in.ID, 10))
	s.writeJSON(w, http.StatusCreated, in)
	return nil
}

// updateReceptionDay replaces a schedule row (PUT
// /api/v1/reception-days/{id}, the body of the POST); "published": true
// shows it on the public site. 404 for a row outside the jurisdiction.
func (s *Server) updateReceptionDay(w http.ResponseWriter, r *http.Request) error {
	id, err := receptionID(r, "reception.day.notfound")
	if err != nil {
		return err
	}
	var in pingan.ReceptionDay
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID = id
	if err := s.receptions.UpdateReceptionDay(r.Context(), userFrom(r.Context()), &in); err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, in)
	return nil
}

// listReceptions answers GET /api/v1/receptions with {"receptions": […]}:
// the records of the caller's jurisdiction, newest first, without their
// notes (notes_masked).
func (s *Server) listReceptions(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.receptions.Receptions(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []*pingan.Reception{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"receptions": rs})
	return nil
}

// getReception answers GET /api/v1/receptions/{id}: one record with its
// notes; the read is written to the audit log.
func (s *Server) getReception(w http.ResponseWriter, r *http.Request) error {
	id, err := receptionID(r, "reception.notfound")
	if err != nil {
		return err
	}
	rec, err := s.receptions.Reception(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, rec)
	return nil
}

// createReception records a reception (POST /api/v1/receptions with
// {"kind": "reception|visit_down|appointment", "unit", "leader_id",
// "held_on", "place", "people", "notes", "cases": [ids]}) and answers it,
// 201. 400 names each bad field, a matter outside the jurisdiction as
// "cases".
func (s *Server) createReception(w http.ResponseWriter, r *http.Request) error {
	var in pingan.Reception
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID = 0
	if err := s.receptions.CreateReception(r.Context(), userFrom(r.Context()), &in); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"receptions/"+strconv.FormatInt(in.ID, 10))
	s.writeJSON(w, http.StatusCreated, in)
	return nil
}

// petitionBacklog answers GET /api/v1/petitions/backlog?lead=yes|no with
// the long-standing matters (积案) of the caller's jurisdiction:
// {"items": […], "total", "led", "unled", "settings"}; lead=yes keeps the
// matters a leader leads, lead=no the others.
func (s *Server) petitionBacklog(w http.ResponseWriter, r *http.Request) error {
	b, err := s.receptions.Backlog(r.Context(), userFrom(r.Context()), pingan.BacklogLead(newQuery(r).str("lead")))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, b)
	return nil
}

// petitionsLed answers GET /api/v1/petitions/led with {"items": […]}: the
// matters the caller leads (包案), open ones first, with their stage,
// deadline, lateness and latest step.
func (s *Server) petitionsLed(w http.ResponseWriter, r *http.Request) error {
	items, err := s.receptions.Led(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}
