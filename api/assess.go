package api

import (
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
)

// Assessment (考核, docs/assessment.md): the schemes (考核方案) and the
// assessment of their periods — the draft computed live, publication (排名
// 晾晒), the inputs of the assessor, notices, objections (申诉) and
// corrections, the evidence files, and 平安创建. Evidence arrives in the
// JSON body as {"name", "data"} with data in base64, within the body limit.

// routesAssess registers the routes when the assessment services are
// configured.
func (s *Server) routesAssess() {
	if s.schemes == nil || s.assess == nil {
		return
	}
	const p = "/api/v1/assess/schemes/{id}/periods/{period}"
	s.authed("GET /api/v1/assess/schemes", s.listSchemes)
	s.authed("POST /api/v1/assess/schemes", s.may(pingan.CapAssess, s.createScheme))
	s.authed("GET /api/v1/assess/schemes/{id}", s.getScheme)
	s.authed("PUT /api/v1/assess/schemes/{id}", s.may(pingan.CapAssess, s.updateScheme))
	s.authed("GET "+p, s.getAssessment)
	s.authed("POST "+p+"/inputs", s.may(pingan.CapAssess, s.enterInput))
	s.authed("DELETE "+p+"/inputs/{input}", s.may(pingan.CapAssess, s.withdrawInput))
	s.authed("POST "+p+"/publish", s.may(pingan.CapAssess, s.publishPeriod))
	s.authed("POST "+p+"/results/{unit}/notices", s.may(pingan.CapAssess, s.addNotice))
	s.authed("POST "+p+"/results/{unit}/objections", s.fileObjection)
	s.authed("POST "+p+"/results/{unit}/corrections", s.may(pingan.CapAssess, s.correctResult))
	s.authed("GET "+p+"/results/{unit}/evidence/{sum}", s.getEvidence)
	s.authed("POST /api/v1/assess/objections/{id}/answer", s.may(pingan.CapAssess, s.answerObjection))
	s.authed("GET /api/v1/assess/creation", s.creationShares)
}

// schemeID reads the {id} of the path; anything but a positive number is
// a scheme that does not exist.
func schemeID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "assess.scheme.notfound", int64(0))
	}
	return id, nil
}

// evidenceIn is a file of evidence in a request body.
type evidenceIn struct {
	Name string `json:"name"`
	Data []byte `json:"data"` // base64
}

func uploads(in []evidenceIn) []pingan.Upload {
	out := make([]pingan.Upload, len(in))
	for i, e := range in {
		out[i] = pingan.Upload{Name: e.Name, Data: e.Data}
	}
	return out
}

// listSchemes answers GET /api/v1/assess/schemes?year= with {"schemes": […]}.
func (s *Server) listSchemes(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	year := q.int("year", 0, 2000, 2100)
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.schemes.Schemes(r.Context(), userFrom(r.Context()), year)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"schemes": list})
	return nil
}

// createScheme answers POST /api/v1/assess/schemes with the scheme saved,
// 201; 400 names each bad field, 409 a second scheme of one unit, year and
// level.
func (s *Server) createScheme(w http.ResponseWriter, r *http.Request) error {
	var in pingan.Scheme
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID = 0
	out, err := s.schemes.SaveScheme(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"assess/schemes/"+strconv.FormatInt(out.ID, 10))
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

// getScheme answers GET /api/v1/assess/schemes/{id}?version=N.
func (s *Server) getScheme(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	version := q.int("version", 0, 1, 1<<30)
	if err := q.err(); err != nil {
		return err
	}
	out, err := s.schemes.Scheme(r.Context(), userFrom(r.Context()), id, version)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// updateScheme answers PUT /api/v1/assess/schemes/{id} (the body of the
// POST; unit, year and level stay the scheme's) with the scheme saved.
func (s *Server) updateScheme(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	var in pingan.Scheme
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID = id
	out, err := s.schemes.SaveScheme(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// getAssessment answers GET …/periods/{period} with the assessment.
func (s *Server) getAssessment(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	a, err := s.assess.Assessment(r.Context(), userFrom(r.Context()), id, r.PathValue("period"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, a)
	return nil
}

// enterInput answers POST …/inputs ({"kind", "unit", "indicator",
// "points", "reason", "evidence": [{"name", "data"}]}) with the input, 201.
func (s *Server) enterInput(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	var in struct {
		Kind      pingan.InputKind `json:"kind"`
		Unit      string           `json:"unit"`
		Indicator string           `json:"indicator"`
		Points    float64          `json:"points"`
		Reason    string           `json:"reason"`
		Evidence  []evidenceIn     `json:"evidence"`
	}
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.assess.Enter(r.Context(), userFrom(r.Context()), id, r.PathValue("period"),
		&pingan.Input{Kind: in.Kind, Unit: in.Unit, Indicator: in.Indicator, Points: in.Points, Reason: in.Reason}, uploads(in.Evidence))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

// withdrawInput answers DELETE …/inputs/{input}, 204.
func (s *Server) withdrawInput(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	input, err := strconv.ParseInt(r.PathValue("input"), 10, 64)
	if err != nil || input <= 0 {
		return pingan.E(pingan.ENOTFOUND, "assess.input.notfound", int64(0))
	}
	if err := s.assess.Withdraw(r.Context(), userFrom(r.Context()), id, r.PathValue("period"), input); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// publishPeriod answers POST …/publish with the published assessment; 409
// naming period before the period ends or once published.
func (s *Server) publishPeriod(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	a, err := s.assess.Publish(r.Context(), userFrom(r.Context()), id, r.PathValue("period"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, a)
	return nil
}

// addNotice answers POST …/results/{unit}/notices ({"kind", "day",
// "host", "attendee", "required"}) with the notice, 201.
func (s *Server) addNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	var in pingan.AssessNotice
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.assess.AddNotice(r.Context(), userFrom(r.Context()), id, r.PathValue("period"), r.PathValue("unit"), &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

// fileObjection answers POST …/results/{unit}/objections ({"text",
// "evidence"}) with the objection, 201; 409 naming text after the deadline.
func (s *Server) fileObjection(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	var in struct {
		Text     string       `json:"text"`
		Evidence []evidenceIn `json:"evidence"`
	}
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.assess.Object(r.Context(), userFrom(r.Context()), id, r.PathValue("period"), r.PathValue("unit"),
		&pingan.Objection{Text: in.Text}, uploads(in.Evidence))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

// correctionIn is a correction as a request gives it.
type correctionIn struct {
	Indicator string  `json:"indicator"`
	Score     float64 `json:"score"`
	Deduction int64   `json:"deduction"`
	Reason    string  `json:"reason"`
}

func (c *correctionIn) correction() *pingan.Correction {
	if c == nil {
		return nil
	}
	return &pingan.Correction{Indicator: c.Indicator, Score: c.Score, Deduction: c.Deduction, Reason: c.Reason}
}

// correctResult answers POST …/results/{unit}/corrections ({"indicator",
// "score"} or {"deduction"}, with "reason") with the correction logged,
// 201; 400 naming reason without one.
func (s *Server) correctResult(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	var in correctionIn
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.assess.Correct(r.Context(), userFrom(r.Context()), id, r.PathValue("period"), r.PathValue("unit"), in.correction())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

// answerObjection answers POST /api/v1/assess/objections/{id}/answer
// ({"upheld", "reply", "correction": {…}}) with the objection answered.
func (s *Server) answerObjection(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return pingan.E(pingan.ENOTFOUND, "assess.objection.notfound", int64(0))
	}
	var in struct {
		Upheld     bool          `json:"upheld"`
		Reply      string        `json:"reply"`
		Correction *correctionIn `json:"correction"`
	}
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.assess.Answer(r.Context(), userFrom(r.Context()), id, in.Upheld, in.Reply, in.Correction.correction())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// getEvidence answers GET …/results/{unit}/evidence/{sum} with the file.
func (s *Server) getEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := schemeID(r)
	if err != nil {
		return err
	}
	data, typ, err := s.assess.Evidence(r.Context(), userFrom(r.Context()), id, r.PathValue("period"), r.PathValue("unit"), r.PathValue("sum"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	return err
}

// creationShares answers GET /api/v1/assess/creation?year=&level= with
// {"shares": […], "designations": […]}.
func (s *Server) creationShares(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	year := q.int("year", s.clock.Now().In(pingan.CST).Year(), 2000, 2100)
	level := pingan.Level(q.str("level"))
	if level == "" {
		level = pingan.LevelTownship
	}
	if err := q.err(); err != nil {
		return err
	}
	shares, err := s.assess.CreationShares(r.Context(), userFrom(r.Context()), year, level)
	if err != nil {
		return err
	}
	ds, err := s.assess.Designations(r.Context(), userFrom(r.Context()), year)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"shares": shares, "designations": ds})
	return nil
}
