package api

import (
	"io"
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Warnings (预警) and their rules (docs/warnings.md, docs/api.md "Warnings").

func (s *Server) routesWarnings() {
	if s.warnings == nil {
		return
	}
	s.authed("GET /api/v1/warnings", s.may(pingan.CapWarnings, s.listWarnings))
	s.authed("GET /api/v1/warnings/{id}", s.may(pingan.CapWarnings, s.getWarning))
	s.authed("POST /api/v1/warnings/{id}/actions", s.may(pingan.CapWarnings, s.actWarning))
	s.authed("GET /api/v1/warning-rules", s.may(pingan.CapWarnings, s.listWarningRules))
	s.authed("POST /api/v1/warning-rules", s.may(pingan.CapWarningRules, s.saveWarningRule))
}

// warningID reads the {id} of the path; anything but a positive number is
// a warning that does not exist.
func warningID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "warning.notfound", int64(0))
	}
	return id, nil
}

// listWarnings answers GET /api/v1/warnings?state=&level=&rule=&kind=&unit=&mine=&overdue=
// with {"warnings": […]}, open first.
func (s *Server) listWarnings(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.WarningFilter{State: q.str("state"), Level: q.str("level"), Rule: int64(q.int("rule", 0, 0, 1<<31)),
		Kind: q.str("kind"), Unit: q.str("unit"),
		Mine: q.str("mine") == "true", Overdue: q.str("overdue") == "true", Limit: q.int("limit", 200, 1, 500)}
	if err := q.err(); err != nil {
		return err
	}
	ws, err := s.warnings.FindWarnings(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []*pingan.Warning{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"warnings": ws})
	return nil
}

// warningAnswer is a warning with its timeline and what the caller may do.
type warningAnswer struct {
	*pingan.Warning
	Timeline []*pingan.WarningEvent `json:"timeline"`
	Allowed  []string               `json:"allowed_steps"`
}

// getWarning answers GET /api/v1/warnings/{id}.
func (s *Server) getWarning(w http.ResponseWriter, r *http.Request) error {
	id, err := warningID(r)
	if err != nil {
		return err
	}
	return s.answerWarning(w, r, id, http.StatusOK)
}

func (s *Server) answerWarning(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	u := userFrom(r.Context())
	x, evs, err := s.warnings.FindWarning(r.Context(), u, id)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []*pingan.WarningEvent{}
	}
	allowed := workflow.WarningStepsFor(x, u)
	if allowed == nil {
		allowed = []string{}
	}
	s.writeJSON(w, status, warningAnswer{Warning: x, Timeline: evs, Allowed: allowed})
	return nil
}

// actWarning takes a step: POST /api/v1/warnings/{id}/actions with
// {"step": …, "note": …, "risk": {…}, "case": {…}, "version": N}.
func (s *Server) actWarning(w http.ResponseWriter, r *http.Request) error {
	id, err := warningID(r)
	if err != nil {
		return err
	}
	var in pingan.WarningAction
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.warnings.ActWarning(r.Context(), userFrom(r.Context()), id, &in); err != nil {
		return err
	}
	return s.answerWarning(w, r, id, http.StatusOK)
}

// listWarningRules answers GET /api/v1/warning-rules with the rules and
// the deadlines by level.
func (s *Server) listWarningRules(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.warnings.Rules(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	ds, err := s.warnings.Deadlines(r.Context())
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []*pingan.WarningRule{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"rules": rs, "deadlines": ds})
	return nil
}

// saveWarningRule adds (no id) or changes a rule: POST /api/v1/warning-rules.
// A key outside the closed set of a rule's fields (pingan.RuleFields) —
// anything personal — is refused naming it. The body is read here, not
// by s.decode, so its text is checked here as decode checks it (a NUL
// would reach the database).
func (s *Server) saveWarningRule(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		return s.decodeError(err, &pingan.WarningRule{})
	}
	if field, problem := jsonTextProblem(body); problem != "" {
		return pingan.BadTextError(field, problem)
	}
	in, err := pingan.ParseWarningRule(body)
	if err != nil {
		return err
	}
	created := in.ID == 0
	out, err := s.warnings.SaveRule(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.writeJSON(w, status, out)
	return nil
}
