package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Warnings (预警, docs/warnings.md): the list of the reader's jurisdiction,
// open first, with its filters; the page of one warning — the rule, the
// counts that raised it with a link to those cases, its timeline and the
// forms of the steps the reader may take (签收, 处置, 反馈, 解除, 转风险台账,
// 转为案件); and the rules with the detector's parameters and the deadlines
// by level, which a city's centre or assessment office edits.

func init() {
	pageNames = append(pageNames, "warnings", "warning", "warning_rules")
	registerInboxMore(warningInbox)
}

// routesWarnings registers the warnings' pages when a warning service is
// configured.
func (s *Server) routesWarnings(h func(pattern string, handler http.HandlerFunc)) {
	if s.warnings == nil {
		return
	}
	h("GET /warnings", s.signedIn(s.may(pingan.CapWarnings, s.warningsPage)))
	h("GET /warnings/rules", s.signedIn(s.may(pingan.CapWarnings, s.warningRulesPage)))
	h("POST /warnings/rules", s.signedIn(s.may(pingan.CapWarningRules, s.form(s.saveWarningRule))))
	h("POST /warnings/deadlines", s.signedIn(s.may(pingan.CapWarningRules, s.form(s.saveWarningDeadlines))))
	h("GET /warnings/{warning}", s.signedIn(s.may(pingan.CapWarnings, s.warningPage)))
	h("POST /warnings/{warning}/act", s.signedIn(s.may(pingan.CapWarnings, s.form(s.actOnWarning))))
}

// warningInbox is the inbox's entry of the warnings (预警): the open ones
// sent to the reader's unit that wait for it (to sign, handle or feed
// back), and how many of them are overdue.
func warningInbox(s *Server, r *http.Request, u *pingan.User) (inboxMore, bool) {
	if s.warnings == nil || !u.May(pingan.CapWarnings) {
		return inboxMore{}, false
	}
	open, overdue, err := s.warnings.Waiting(r.Context(), u)
	if err != nil {
		return inboxMore{}, false
	}
	return inboxMore{Label: pingan.Text(langOf(r), "warning.inbox"), Href: "/warnings?state=open&mine=1", Count: open, Overdue: overdue}, true
}

// WarningsReady reports whether the warnings' pages are served (the menu).
func (v *view) WarningsReady() bool { return v.s != nil && v.s.warnings != nil }

// WarningLevel, WarningState, WarningStep and RuleKind name a level,
// state, step and rule kind in the reader's language.
func (v *view) WarningLevel(l string) string { return v.T("warning.level." + l) }
func (v *view) WarningState(s string) string { return v.T("warning.state." + s) }
func (v *view) WarningStep(s string) string  { return v.T("warning.step." + s) }
func (v *view) RuleKind(k string) string     { return v.T("warning.kind." + k) }

// WarningLate reports whether w is marked overdue or past a deadline now.
func (v *view) WarningLate(w *pingan.Warning) bool { return w.Overdue || w.Late(v.now) }

// RuleText says what the rule raises on, in the reader's language.
func (v *view) RuleText(r *pingan.WarningRule) string {
	switch r.Kind {
	case pingan.RuleCluster:
		return v.T("warning.rt.cluster", r.WindowDays, r.Threshold)
	case pingan.RuleGroup:
		return v.T("warning.rt.group", r.Threshold)
	case pingan.RuleVolatile:
		return v.T("warning.rt.volatile")
	case pingan.RuleRepeat:
		return v.T("warning.rt.repeat", r.Threshold)
	case pingan.RuleSeasonal:
		return v.T("warning.rt.seasonal", r.Weeks, r.Percent, r.Threshold)
	case pingan.RuleSpike:
		return v.T("warning.rt.spike", r.WindowDays, r.Weeks, alphaText(r.Alpha), r.Threshold, r.Cooldown())
	}
	return ""
}

// WarningCount says what the window of w counted, and against what.
func (v *view) WarningCount(w *pingan.Warning) string {
	switch w.RuleKind {
	case pingan.RuleGroup:
		return v.T("warning.count.people", w.Count)
	case pingan.RuleVolatile:
		return v.T("warning.count.volatile")
	case pingan.RuleRepeat:
		return v.T("warning.count.repeats", w.Count)
	case pingan.RuleSeasonal:
		return v.T("warning.count.seasonal", w.Count, int(w.Expected+0.5))
	case pingan.RuleSpike:
		return v.T("warning.count.spike", w.Count, strconv.FormatFloat(w.Expected, 'f', 1, 64))
	}
	return v.T("warning.count.cases", w.Count)
}

// WarningCases links to the cases that raised w: the case of a per-case
// rule, else the inbox's list of every case of its place, category and
// window.
func (v *view) WarningCases(w *pingan.Warning) string {
	if w.CaseID != "" {
		return "/cases/" + url.PathEscape(w.CaseID)
	}
	q := url.Values{"tab": {"all"}, "from": {w.From}, "to": {w.To}}
	if w.CaseKind != "" {
		q.Set("kind", string(w.CaseKind))
	}
	if w.Category != "" {
		q.Set("category", w.Category)
	}
	if w.RuleKind == pingan.RuleSeasonal {
		q.Set("unit", w.Place)
	} else {
		q.Set("grid", w.Place)
	}
	return "/inbox?" + q.Encode()
}

// WarningEventText says what a timeline row's details hold: the deadline
// missed, the counts raised on; "" for none.
func (v *view) WarningEventText(ev *pingan.WarningEvent) string {
	switch ev.Step {
	case pingan.WarnStepOverdue:
		missed, _ := ev.Details["missed"].(string)
		due, _ := ev.Details["due"].(string)
		t, err := time.Parse(time.RFC3339, due)
		if err != nil {
			return v.T("warning.ev.missed." + missed)
		}
		return v.T("warning.ev.missed."+missed) + " · " + v.Time(t)
	case pingan.WarnStepRaise:
		from, _ := ev.Details["from"].(string)
		to, _ := ev.Details["to"].(string)
		if from == to {
			return from
		}
		return from + " ～ " + to
	}
	return ""
}

// WarningEventLink answers the risk or case a timeline row created, as a
// path ("" for none), and its label.
func (v *view) WarningEventLink(ev *pingan.WarningEvent) []string {
	switch ev.Step {
	case pingan.WarnStepEscalateRisk:
		if id, ok := ev.Details["risk"].(float64); ok {
			s := strconv.FormatInt(int64(id), 10)
			return []string{"/risks/" + s, v.T("warning.link.risk", s)}
		}
	case pingan.WarnStepEscalateCase:
		id, _ := ev.Details["case"].(string)
		number, _ := ev.Details["number"].(string)
		if id != "" {
			return []string{"/cases/" + url.PathEscape(id), v.T("warning.link.case", firstOf(number, id))}
		}
	}
	return nil
}

func alphaText(a float64) string { return strconv.FormatFloat(a, 'f', -1, 64) }

// warningsData is the list.
type warningsData struct {
	Warnings []*pingan.Warning
	Filter   pingan.WarningFilter
	Rules    []*pingan.WarningRule
	Levels   []string
	States   []string
	Kinds    []string
	Error    string
}

// warningFilter reads the list's filters from the query.
func warningFilter(q url.Values) pingan.WarningFilter {
	f := pingan.WarningFilter{State: strings.TrimSpace(q.Get("state")), Level: strings.TrimSpace(q.Get("level")),
		Kind: strings.TrimSpace(q.Get("kind")), Unit: strings.TrimSpace(q.Get("unit")), Mine: q.Get("mine") == "1",
		Overdue: q.Get("overdue") == "1", Limit: 300}
	f.Rule, _ = strconv.ParseInt(q.Get("rule"), 10, 64)
	return f
}

func (s *Server) warningsPage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "warnings")
	v.Title, v.Nav = v.T("warning.title"), "warnings"
	d := &warningsData{Filter: warningFilter(r.URL.Query()), Levels: pingan.RiskLevels, Kinds: pingan.RuleKinds,
		States: append([]string{"open"}, pingan.WarningStates...)}
	status := http.StatusOK
	var err error
	if d.Warnings, err = s.warnings.FindWarnings(ctx, u, d.Filter); err != nil {
		if pingan.ErrorCode(err) != pingan.ENOTFOUND || d.Filter.Unit == "" {
			s.fail(w, r, err)
			return
		}
		// A unit outside the jurisdiction: said on the list, not a 404 page.
		d.Error, status = v.Message(err), http.StatusNotFound
	}
	if d.Rules, err = s.warnings.Rules(ctx, u); err != nil {
		s.fail(w, r, err)
		return
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// warningID reads the {warning} of the path; anything but a positive
// number is a warning that does not exist.
func warningID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("warning"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "warning.notfound", int64(0))
	}
	return id, nil
}

// warningData is the page of one warning.
type warningData struct {
	W        *pingan.Warning
	Rule     *pingan.WarningRule // as it is now; nil when gone
	Timeline []*pingan.WarningEvent
	Allowed  map[string]bool
	// For escalate_risk: the risk ledger's fields, the leaders and the
	// units the reader may name.
	RiskFields []*pingan.RiskField
	Leaders    []*pingan.User
	Units      []*pingan.Unit
	Values     url.Values
	Errors     map[string]string
	Error      string
}

func (s *Server) warningPage(w http.ResponseWriter, r *http.Request) {
	s.renderWarning(w, r, url.Values{}, nil, http.StatusOK)
}

func (s *Server) renderWarning(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	id, err := warningID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, tl, err := s.warnings.FindWarning(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "warning")
	v.Title, v.Nav = x.RuleName+" · "+x.PlaceName, "warnings"
	d := &warningData{W: x, Timeline: tl, Allowed: map[string]bool{}, Values: values}
	for _, st := range workflow.WarningStepsFor(x, u) {
		d.Allowed[st] = true
	}
	if s.risks == nil {
		delete(d.Allowed, pingan.WarnStepEscalateRisk)
	}
	if !u.May(pingan.CapReport) {
		delete(d.Allowed, pingan.WarnStepEscalateCase)
	}
	rules, err := s.warnings.Rules(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if i := slices.IndexFunc(rules, func(rl *pingan.WarningRule) bool { return rl.ID == x.Rule }); i >= 0 {
		d.Rule = rules[i]
	}
	if d.Allowed[pingan.WarnStepEscalateRisk] {
		if d.RiskFields, err = s.risks.RiskFields(ctx, false); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Leaders, err = s.risks.RiskLeaders(ctx, u); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Units, err = s.units.FindUnits(ctx, u, pingan.UnitFilter{Limit: 500}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	if done := r.URL.Query().Get("done"); done != "" && ferr == nil {
		v.Notice = v.T("warning.done", v.WarningStep(done))
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// actOnWarning takes the step of the form; a refusal of the input or the
// state draws the page again with the message.
func (s *Server) actOnWarning(w http.ResponseWriter, r *http.Request) {
	id, err := warningID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	a := &pingan.WarningAction{Step: strings.TrimSpace(f.Get("step")), Note: f.Get("note")}
	a.Version, _ = strconv.Atoi(f.Get("version"))
	switch a.Step {
	case pingan.WarnStepEscalateRisk:
		leader, _ := strconv.ParseInt(f.Get("leader"), 10, 64)
		a.Risk = &pingan.NewRisk{Title: f.Get("title"), Field: f.Get("field"), Leader: leader, Responsible: f.Get("responsible")}
	case pingan.WarnStepEscalateCase:
		a.Case = &pingan.NewCase{Title: f.Get("title")}
	}
	if _, err := s.warnings.ActWarning(r.Context(), userOf(r), id, a); err != nil {
		switch pingan.ErrorCode(err) {
		case pingan.EINVALID, pingan.ECONFLICT:
			s.renderWarning(w, r, f, err, statusOf(err))
		default:
			s.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/warnings/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(a.Step), http.StatusSeeOther)
}
