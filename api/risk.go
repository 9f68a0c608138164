package api

import (
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// The risk ledger (风险台账) and 稳评 (docs/risks.md, docs/api.md "Risks").

// routesRisks registers the ledger's and 稳评's routes when their services
// are configured.
func (s *Server) routesRisks() {
	if s.risks != nil {
		s.authed("GET /api/v1/risks", s.may(pingan.CapRisks, s.listRisks))
		s.authed("POST /api/v1/risks", s.may(pingan.CapRisks, s.createRisk))
		s.authed("GET /api/v1/risks/{id}", s.may(pingan.CapRisks, s.getRisk))
		s.authed("POST /api/v1/risks/{id}/actions", s.may(pingan.CapRisks, s.actOnRisk))
		s.authed("GET /api/v1/risk-fields", s.may(pingan.CapRisks, s.listRiskFields))
		s.authed("POST /api/v1/risk-fields", s.may(pingan.CapRisks, s.saveRiskField))
		s.authed("GET /api/v1/risk-counts", s.may(pingan.CapRisks, s.riskCounts))
	}
	if s.stability != nil {
		s.authed("GET /api/v1/stability", s.may(pingan.CapRisks, s.listStability))
		s.authed("POST /api/v1/stability", s.may(pingan.CapRisks, s.createStability))
		s.authed("GET /api/v1/stability/{id}", s.may(pingan.CapRisks, s.getStability))
		s.authed("POST /api/v1/stability/{id}/actions", s.may(pingan.CapRisks, s.actOnStability))
	}
}

// pathID reads the {id} of the path; anything but a positive number is
// the not-found of key.
func pathID(r *http.Request, key string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, key, int64(0))
	}
	return id, nil
}

// listRisks answers GET /api/v1/risks?level=&field=&status=&unit=&overdue=true
// with {"risks": […]}: the ledger of the caller's jurisdiction, red first.
func (s *Server) listRisks(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.RiskFilter{Level: q.str("level"), Field: q.str("field"), Status: q.str("status"), Unit: q.str("unit"),
		Limit: q.int("limit", 500, 1, 500), Offset: q.int("offset", 0, 0, 1<<30)}
	if b := q.bool("overdue"); b != nil {
		f.Overdue = *b
	}
	if err := q.err(); err != nil {
		return err
	}
	rs, err := s.risks.FindRisks(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []*pingan.Risk{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"risks": rs})
	return nil
}

// createRisk registers a risk: POST /api/v1/risks with a pingan.NewRisk →
// 201 with the risk and its Location.
func (s *Server) createRisk(w http.ResponseWriter, r *http.Request) error {
	var in pingan.NewRisk
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	rk, err := s.risks.RegisterRisk(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"risks/"+strconv.FormatInt(rk.ID, 10))
	s.writeJSON(w, http.StatusCreated, rk)
	return nil
}

// getRisk answers GET /api/v1/risks/{id} with {"risk", "timeline",
// "allowed"}: the steps the caller may take now.
func (s *Server) getRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "risk.notfound")
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	rk, err := s.risks.FindRisk(r.Context(), u, id)
	if err != nil {
		return err
	}
	tl, err := s.risks.RiskTimeline(r.Context(), u, id)
	if err != nil {
		return err
	}
	allowed := workflow.RiskAllowed(rk, u)
	if allowed == nil {
		allowed = []string{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"risk": rk, "timeline": tl, "allowed": allowed})
	return nil
}

// actOnRisk takes a step: POST /api/v1/risks/{id}/actions with a
// pingan.RiskAction → 200 with the risk.
func (s *Server) actOnRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "risk.notfound")
	if err != nil {
		return err
	}
	var in pingan.RiskAction
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	rk, err := s.risks.ActOnRisk(r.Context(), userFrom(r.Context()), id, &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, rk)
	return nil
}

// listRiskFields answers GET /api/v1/risk-fields?all=true with {"fields": […]}.
func (s *Server) listRiskFields(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	all := q.bool("all")
	if err := q.err(); err != nil {
		return err
	}
	fs, err := s.risks.RiskFields(r.Context(), all != nil && *all)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"fields": fs})
	return nil
}

// saveRiskField adds, renames or retires a field: POST /api/v1/risk-fields
// with a pingan.RiskField → 204.
func (s *Server) saveRiskField(w http.ResponseWriter, r *http.Request) error {
	var in pingan.RiskField
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if err := s.risks.SaveRiskField(r.Context(), userFrom(r.Context()), &in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// riskCounts answers GET /api/v1/risk-counts?unit=&from=YYYY-MM&to=YYYY-MM
// with {"months": […]}: the counters by month and level; the last twelve
// months when from and to are absent.
func (s *Server) riskCounts(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	now := s.clock.Now().In(pingan.CST)
	from, to := q.str("from"), q.str("to")
	if to == "" {
		to = now.Format("2006-01")
	}
	if from == "" {
		from = now.AddDate(0, -11, 0).Format("2006-01")
	}
	ms, err := s.risks.RiskCounts(r.Context(), userFrom(r.Context()), q.str("unit"), from, to)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"months": ms})
	return nil
}

// listStability answers GET /api/v1/stability with {"stability": […]}.
func (s *Server) listStability(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.stability.FindStabilities(r.Context(), userFrom(r.Context()), 0)
	if err != nil {
		return err
	}
	if ss == nil {
		ss = []*pingan.Stability{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"stability": ss})
	return nil
}

// createStability registers a 稳评: POST /api/v1/stability with a
// pingan.NewStability → 201.
func (s *Server) createStability(w http.ResponseWriter, r *http.Request) error {
	var in pingan.NewStability
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.stability.RegisterStability(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"stability/"+strconv.FormatInt(st.ID, 10))
	s.writeJSON(w, http.StatusCreated, st)
	return nil
}

// getStability answers GET /api/v1/stability/{id} with {"stability", "timeline"}.
func (s *Server) getStability(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "stability.notfound")
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	st, err := s.stability.FindStability(r.Context(), u, id)
	if err != nil {
		return err
	}
	tl, err := s.stability.StabilityTimeline(r.Context(), u, id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"stability": st, "timeline": tl})
	return nil
}

// actOnStability takes a step: POST /api/v1/stability/{id}/actions with a
// pingan.StabilityAction → 200 with the 稳评.
func (s *Server) actOnStability(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "stability.notfound")
	if err != nil {
		return err
	}
	var in pingan.StabilityAction
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.stability.ActOnStability(r.Context(), userFrom(r.Context()), id, &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, st)
	return nil
}
