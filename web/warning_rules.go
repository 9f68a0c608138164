package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The warning rules' page (预警规则): every rule with what it raises on, the
// spike detector's parameters (its window, baseline weeks, significance,
// least count and cooldown) and the deadlines by level; a dispatcher or
// assessor of the city changes them, rule by rule, and adds rules.

// ruleForm is the form of one rule (ID 0: a new one): its values as shown,
// and the errors of a refused save.
type ruleForm struct {
	Rule   *pingan.WarningRule // nil for the new rule's form
	ID     int64
	Kind   string
	Values map[string]string
	Errors map[string]string
	Error  string
}

// Val answers the form's value of a field.
func (f *ruleForm) Val(name string) string { return f.Values[name] }

// Uses reports whether the rule's kind reads the field (so the form shows it).
func (f *ruleForm) Uses(field string) bool {
	if f.Kind == "" {
		return true // the new rule's form: every field
	}
	uses := map[string][]string{
		pingan.RuleCluster:  {"threshold", "window_days", "cooldown_days"},
		pingan.RuleGroup:    {"threshold"},
		pingan.RuleVolatile: {},
		pingan.RuleRepeat:   {"threshold"},
		pingan.RuleSeasonal: {"threshold", "weeks", "percent"},
		pingan.RuleSpike:    {"threshold", "window_days", "weeks", "alpha", "cooldown_days"},
	}
	for _, x := range uses[f.Kind] {
		if x == field {
			return true
		}
	}
	return false
}

// ruleValues are a rule's values as its form shows them.
func ruleValues(r *pingan.WarningRule) map[string]string {
	active := ""
	if r.Active {
		active = "1"
	}
	return map[string]string{"kind": r.Kind, "title": r.Name, "case_kind": string(r.CaseKind), "category": r.Category,
		"threshold": strconv.Itoa(r.Threshold), "window_days": strconv.Itoa(r.WindowDays), "weeks": strconv.Itoa(r.Weeks),
		"percent": strconv.Itoa(r.Percent), "alpha": alphaText(r.Alpha), "cooldown_days": strconv.Itoa(r.CooldownDays),
		"level": r.Level, "send_to": r.SendTo, "active": active, "version": strconv.Itoa(r.Version)}
}

// warningRulesData is the rules' page.
type warningRulesData struct {
	Forms      []*ruleForm
	New        *ruleForm
	May        bool
	Deadlines  []pingan.WarningDeadline
	DeadErrors map[string]string
	DeadError  string
	Categories []*pingan.Category
	Levels     []string
	Kinds      []string
	CaseKinds  []pingan.Kind
}

func (s *Server) warningRulesPage(w http.ResponseWriter, r *http.Request) {
	s.renderWarningRules(w, r, nil, nil, http.StatusOK)
}

// renderWarningRules draws the rules' page; after a refused save the form
// that was sent (failed) shows what was typed and its errors, or the
// deadlines' form its error (deadErr).
func (s *Server) renderWarningRules(w http.ResponseWriter, r *http.Request, failed *ruleForm, deadErr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "warning_rules")
	v.Title, v.Nav = v.T("warning.rules.title"), "warnings"
	rules, err := s.warnings.Rules(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &warningRulesData{May: u.May(pingan.CapWarningRules), Levels: pingan.RiskLevels, Kinds: pingan.RuleKinds,
		New: &ruleForm{Values: map[string]string{"active": "1", "level": pingan.RiskYellow}}}
	for _, k := range pingan.Kinds {
		d.CaseKinds = append(d.CaseKinds, k.Kind)
	}
	for _, rl := range rules {
		f := &ruleForm{Rule: rl, ID: rl.ID, Kind: rl.Kind, Values: ruleValues(rl)}
		if failed != nil && failed.ID == rl.ID {
			f.Values, f.Errors, f.Error = failed.Values, failed.Errors, failed.Error
		}
		d.Forms = append(d.Forms, f)
	}
	if failed != nil && failed.ID == 0 {
		d.New = failed
		d.New.Kind = ""
	}
	if d.Deadlines, err = s.warnings.Deadlines(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if deadErr != nil {
		d.DeadErrors, d.DeadError = v.fields(deadErr), v.Message(deadErr)
	}
	if d.Categories, err = s.categories.Categories(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("warning.rules.saved")
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// ruleFields are the fields of a rule's form.
var ruleFields = []string{"kind", "title", "case_kind", "category", "threshold", "window_days", "weeks", "percent", "alpha",
	"cooldown_days", "level", "send_to", "active", "version"}

// saveWarningRule saves a rule from its form. A number that is none, and
// what the rule's own checks refuse, answer 400 naming the field before the
// store is asked.
func (s *Server) saveWarningRule(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "warning_rules")
	f := r.PostForm
	form := &ruleForm{Values: map[string]string{}}
	for _, k := range ruleFields {
		form.Values[k] = strings.TrimSpace(f.Get(k))
	}
	var bad pingan.Invalid
	num := func(field string) int {
		t := form.Values[field]
		if t == "" {
			return 0
		}
		n, err := strconv.Atoi(t)
		if err != nil {
			bad.Add(field, "warning.form.number", pingan.ShowText(t, 20))
		}
		return n
	}
	if t := strings.TrimSpace(f.Get("id")); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, pingan.E(pingan.ENOTFOUND, "warning.rule.notfound", int64(0)))
			return
		}
		form.ID = id
	}
	rule := &pingan.WarningRule{ID: form.ID, Kind: form.Values["kind"], Name: form.Values["title"], CaseKind: pingan.Kind(form.Values["case_kind"]),
		Category: form.Values["category"], Threshold: num("threshold"), WindowDays: num("window_days"), Weeks: num("weeks"),
		Percent: num("percent"), CooldownDays: num("cooldown_days"), Level: form.Values["level"], SendTo: form.Values["send_to"],
		Active: form.Values["active"] != "", Version: num("version")}
	if t := form.Values["alpha"]; t != "" {
		a, err := strconv.ParseFloat(t, 64)
		if err != nil {
			bad.Add("alpha", "warning.form.number", pingan.ShowText(t, 20))
		}
		rule.Alpha = a
	}
	rule.Normalize()
	rule.Validate(&bad)
	err := bad.Err()
	if err == nil {
		_, err = s.warnings.SaveRule(r.Context(), userOf(r), rule)
	}
	if err != nil {
		switch pingan.ErrorCode(err) {
		case pingan.EINVALID, pingan.ECONFLICT:
			form.Errors, form.Error = v.fields(err), v.Message(err)
			s.renderWarningRules(w, r, form, nil, statusOf(err))
		default:
			s.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/warnings/rules?saved=1", http.StatusSeeOther)
}

// saveWarningDeadlines changes the deadlines by level: sign_<level> hours
// and feedback_<level> working days for each level.
func (s *Server) saveWarningDeadlines(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var bad pingan.Invalid
	var ds []pingan.WarningDeadline
	for i, l := range pingan.RiskLevels {
		sign, err1 := strconv.Atoi(strings.TrimSpace(f.Get("sign_" + l)))
		days, err2 := strconv.Atoi(strings.TrimSpace(f.Get("feedback_" + l)))
		d := pingan.WarningDeadline{Level: l, SignHours: sign, FeedbackDays: days}
		field := "deadlines[" + strconv.Itoa(i) + "]"
		if err1 != nil || err2 != nil {
			bad.Add(field, "warning.form.deadline")
			continue
		}
		d.Validate(&bad, field)
		ds = append(ds, d)
	}
	err := bad.Err()
	if err == nil {
		err = s.warnings.SetDeadlines(r.Context(), userOf(r), ds)
	}
	if err != nil {
		if pingan.ErrorCode(err) == pingan.EINVALID {
			s.renderWarningRules(w, r, nil, err, statusOf(err))
		} else {
			s.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/warnings/rules?saved=1", http.StatusSeeOther)
}
