package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// 稳评 (social stability risk assessment of major decisions,
// docs/risks.md): the list with the registration form, and the page of one
// with its steps in order, each a form when it is next; the risks
// identified may go to the ledger in the same step.

func init() {
	pageNames = append(pageNames, "stability_list", "stability")
}

// routesStability registers the 稳评 pages when their service is configured.
func (s *Server) routesStability(h func(pattern string, handler http.HandlerFunc)) {
	if s.stability == nil {
		return
	}
	h("GET /stability", s.signedIn(s.may(pingan.CapRisks, s.stabilityListPage)))
	h("POST /stability", s.signedIn(s.may(pingan.CapRisks, s.form(s.createStability))))
	h("GET /stability/{stab}", s.signedIn(s.may(pingan.CapRisks, s.stabilityPage)))
	h("POST /stability/{stab}/act", s.signedIn(s.may(pingan.CapRisks, s.form(s.actOnStability))))
}

// StabilityLabel names a stage, level or decision of a 稳评 in the
// reader's language.
func (v *view) StabilityLabel(x string) string { return v.T("stab.v." + x) }

type stabilityListData struct {
	List   []*pingan.Stability
	May    bool
	Values url.Values
	Errors map[string]string
	Error  string
}

func (s *Server) stabilityListPage(w http.ResponseWriter, r *http.Request) {
	s.renderStabilityList(w, r, url.Values{}, nil, http.StatusOK)
}

func (s *Server) renderStabilityList(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	u := userOf(r)
	v := s.newView(r, "stability_list")
	v.Title, v.Nav = v.T("stab.title"), "risks"
	d := &stabilityListData{May: workflow.MayRegisterRisk(u), Values: values}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	var err error
	if d.List, err = s.stability.FindStabilities(r.Context(), u, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

func (s *Server) createStability(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	st, err := s.stability.RegisterStability(r.Context(), userOf(r), &pingan.NewStability{Title: f.Get("title"),
		Body: f.Get("body"), Kind: f.Get("kind"), Unit: f.Get("unit")})
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderStabilityList(w, r, f, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/stability/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
}

// stabilityData is the page of one 稳评.
type stabilityData struct {
	S         *pingan.Stability
	Timeline  []*pingan.StabilityEvent
	Next      string // the step to take now, "" when decided
	May       bool
	Levels    []string
	Decisions []string
	Fields    []*pingan.RiskField
	Units     []*pingan.Unit
	Leaders   []*pingan.User
	RiskLvls  []string
	Values    url.Values
	Errors    map[string]string
	Error     string
	Today     string
}

func stabID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("stab"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "stability.notfound", int64(0))
	}
	return id, nil
}

func (s *Server) stabilityPage(w http.ResponseWriter, r *http.Request) {
	s.renderStability(w, r, url.Values{}, nil, http.StatusOK)
}

func (s *Server) renderStability(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	id, err := stabID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.stability.FindStability(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tl, err := s.stability.StabilityTimeline(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "stability")
	v.Title, v.Nav = st.Title, "risks"
	d := &stabilityData{S: st, Timeline: tl, Next: pingan.NextStabilityStep(st.Stage), May: workflow.MayAssessStability(st, u),
		Levels: pingan.StabilityLevels, Decisions: pingan.StabilityDecisions, RiskLvls: pingan.RiskLevels, Values: values,
		Today: pingan.Day(s.clock.Now())}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	if d.May && d.Next == pingan.StabilityIdentify && s.risks != nil {
		if d.Fields, err = s.risks.RiskFields(ctx, false); err == nil {
			d.Leaders, err = s.risks.RiskLeaders(ctx, u)
		}
		if err == nil {
			d.Units, err = s.units.FindUnits(ctx, u, pingan.UnitFilter{Limit: 500})
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// stabilityItemRows is how many risk lines the identification form offers.
const stabilityItemRows = 3

// actOnStability takes the step of the form. Identification reads the
// lines item_text_N; a line with item_ledger_N goes to the ledger with the
// field, level, leader and responsible unit of its line.
func (s *Server) actOnStability(w http.ResponseWriter, r *http.Request) {
	id, err := stabID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	a := &pingan.StabilityAction{Step: f.Get("step"), From: f.Get("from"), To: f.Get("to"), Summary: f.Get("summary"),
		Level: f.Get("level"), Decision: f.Get("decision"), Day: f.Get("day"), Note: f.Get("note")}
	a.Count, _ = strconv.Atoi(f.Get("count"))
	a.Version, _ = strconv.Atoi(f.Get("version"))
	for i := range stabilityItemRows {
		n := strconv.Itoa(i)
		text := strings.TrimSpace(f.Get("item_text_" + n))
		if text == "" {
			continue
		}
		it := pingan.StabilityItemInput{Text: text, ToLedger: f.Get("item_ledger_"+n) != ""}
		if it.ToLedger {
			leader, _ := strconv.ParseInt(f.Get("item_leader_"+n), 10, 64)
			it.Risk = &pingan.NewRisk{Field: f.Get("item_field_" + n), Unit: f.Get("item_unit_" + n), Level: f.Get("item_level_" + n),
				Leader: leader, Responsible: f.Get("item_resp_" + n)}
		}
		a.Items = append(a.Items, it)
	}
	if _, err := s.stability.ActOnStability(r.Context(), userOf(r), id, a); err != nil {
		switch pingan.ErrorCode(err) {
		case pingan.EINVALID, pingan.ECONFLICT:
			s.renderStability(w, r, f, err, statusOf(err))
		default:
			s.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/stability/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// StabilityRows numbers the lines of the identification form.
func (v *view) StabilityRows() []int {
	out := make([]int, stabilityItemRows)
	for i := range out {
		out[i] = i
	}
	return out
}
