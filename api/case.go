package api

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/pingan-gov/pingan"
)

// caseAnswer is one case as the case page sees it: allowed_actions is
// always present, [] when the caller may do nothing.
type caseAnswer struct {
	*pingan.Case
	AllowedActions []pingan.ActionName `json:"allowed_actions"`
}

// answerCase wraps a case the service answered with the caller's allowed
// actions (CaseService fills them for the actor).
func answerCase(c *pingan.Case) caseAnswer {
	allowed := c.AllowedActions
	if allowed == nil {
		allowed = []pingan.ActionName{}
	}
	return caseAnswer{Case: c, AllowedActions: allowed}
}

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// createCase reports a case: POST /api/v1/cases with a pingan.NewCase →
// 201 with the case (personal data masked) and its Location. The unit
// defaults to the caller's. The Idempotency-Key header makes a
// retry safe: the same key from the same user answers the same case. A
// role that does not report (pingan.CapReport: viewer, leader, assessor,
// administrator) gets 403 from the route and from the service alike.
func (s *Server) createCase(w http.ResponseWriter, r *http.Request) error {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(key) > maxIdempotencyKey || !printableASCII(key) {
		return invalid("Idempotency-Key", pingan.Msg("api.idempotency.bad", maxIdempotencyKey), pingan.Msg("api.idempotency.invalid"))
	}
	var in pingan.NewCase
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	// decode has checked the shape; the service judges the meaning and names
	// every missing or wrong field in one answer (kind, category, title or
	// description, a unit in the caller's jurisdiction …).
	in.IdempotencyKey = key
	u := userFrom(r.Context())
	c, err := s.cases.CreateCase(r.Context(), u, &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"cases/"+url.PathEscape(c.ID))
	s.writeJSON(w, http.StatusCreated, answerCase(c))
	return nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Listing limits.
const (
	maxListLimit = 200
	maxQuery     = 200
)

// listCases answers GET /api/v1/cases?status=a,b&kind=&category=&unit=&grid=
// &overdue=true|false&q=&from=&to=&limit=&cursor= with {"cases": […],
// "next_cursor": "…"}, newest first, personal data masked; next_cursor is ""
// on the last page. from and to take RFC 3339 or YYYY-MM-DD (+08:00); a
// date in to includes that whole day.
func (s *Server) listCases(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.CaseFilter{
		Kind:     pingan.Kind(q.str("kind")),
		Category: q.str("category"),
		Unit:     q.str("unit"),
		Grid:     q.str("grid"),
		Overdue:  q.bool("overdue"),
		Q:        q.str("q"),
		From:     q.time("from", false),
		To:       q.time("to", true),
		Limit:    q.int("limit", 0, 1, maxListLimit),
		Cursor:   q.str("cursor"),
	}
	if q.has("status") {
		for _, p := range strings.Split(q.str("status"), ",") {
			st := pingan.Status(strings.TrimSpace(p))
			if st == "" {
				continue
			}
			if !validStatus(st) {
				q.v.Add("status", "api.query.status.unknown", pingan.ShowText(string(st), 64))
				continue
			}
			f.Status = append(f.Status, st)
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		q.v.Add("kind", "api.query.kind.unknown")
	}
	if len([]rune(f.Q)) > maxQuery {
		q.v.Add("q", "api.query.q.long", maxQuery)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		q.v.Add("to", "api.query.to.before")
	}
	if err := q.err(); err != nil {
		return err
	}
	cases, next, err := s.cases.FindCases(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if cases == nil {
		cases = []*pingan.Case{}
	}
	s.writeJSON(w, http.StatusOK, struct {
		Cases      []*pingan.Case `json:"cases"`
		NextCursor string         `json:"next_cursor"`
	}{cases, next})
	return nil
}

func validStatus(st pingan.Status) bool {
	for _, x := range pingan.Statuses {
		if x == st {
			return true
		}
	}
	return false
}

// getCase answers GET /api/v1/cases/{id}: the case with its personal data,
// whole or masked for the caller as the store decides (pingan.SeesPersonal;
// the read is audited), and allowed_actions for the caller; 404 when it
// does not exist or lies outside the caller's jurisdiction.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	c, err := s.cases.FindCase(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, answerCase(c))
	return nil
}

// act moves a case: POST /api/v1/cases/{id}/actions {"action": NAME, …the
// fields of pingan.ActionInput} → 200 with the updated case. 409 when the
// status does not allow the action (the message names the status and the
// allowed actions), 403 when the caller's role or unit may not, 400 naming
// attachments for a file the caller did not upload and sees on no case.
// A dispatch takes assist_units (协办), and assist_sign and assist_report
// are the assisting units' actions (docs/api.md, co-handling).
func (s *Server) act(w http.ResponseWriter, r *http.Request) error {
	var body actionBody
	if err := s.decode(w, r, &body); err != nil {
		return unembedded(err)
	}
	in := body.ActionInput
	for _, p := range body.Photos { // e.g. a hazard's after-photos (rectify_done, docs/hazards.md)
		in.Photos = append(in.Photos, pingan.Upload{Name: p.Name, Data: p.Data})
	}
	if strings.TrimSpace(string(in.Action)) == "" {
		return invalid("action", pingan.Msg("field.required"), pingan.Msg("api.action.required"))
	}
	u := userFrom(r.Context())
	c, err := s.cases.Act(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, answerCase(c))
	return nil
}

// actionBody is an action with its photos as base64 (photos: [{"name",
// "data"}]), which the service keeps with the timeline entry as a
// report's.
type actionBody struct {
	pingan.ActionInput
	Photos []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"photos,omitempty"`
}

// unembedded answers err with its fields named as in the action's JSON:
// a type error inside actionBody's ActionInput names its field
// "ActionInput.attachments", which the caller sent as "attachments".
func unembedded(err error) error {
	var e *pingan.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]pingan.Message, len(e.Fields))
	for k, m := range e.Fields {
		fields[strings.TrimPrefix(k, "ActionInput.")] = m
	}
	out := *e
	out.Fields = fields
	return &out
}

// timeline answers GET /api/v1/cases/{id}/timeline: {"actions": […]},
// oldest first.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) error {
	acts, err := s.cases.Timeline(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if acts == nil {
		acts = []*pingan.Action{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"actions": acts})
	return nil
}
