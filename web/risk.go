package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/workflow"
)

// The risk ledger (风险台账, docs/risks.md): the ledger of the reader's
// jurisdiction, red first, with its filters and its download, the form
// that registers a risk (dispatchers and assessors), and the page of one
// risk with its measures, linked cases, timeline and the forms of the
// steps the reader may take.

func init() {
	pageNames = append(pageNames, "risks", "risk")
	registerInboxMore(riskInbox)
}

// routesRisks registers the ledger's pages when a risk service is configured.
func (s *Server) routesRisks(h func(pattern string, handler http.HandlerFunc)) {
	if s.risks == nil {
		return
	}
	h("GET /risks", s.signedIn(s.may(pingan.CapRisks, s.risksPage)))
	h("GET /risks.xlsx", s.signedIn(s.may(pingan.CapRisks, s.risksXLSX)))
	h("POST /risks", s.signedIn(s.may(pingan.CapRisks, s.form(s.createRisk))))
	h("GET /risks/{risk}", s.signedIn(s.may(pingan.CapRisks, s.riskPage)))
	h("POST /risks/{risk}/act", s.signedIn(s.may(pingan.CapRisks, s.form(s.actOnRisk))))
	s.routesStability(h)
}

// riskInbox is the inbox's entry of the ledger (风险待复核): the risks in
// control the reader keeps (their unit responsible, or they the 包保
// leader) due for review within two days, or overdue.
func riskInbox(s *Server, r *http.Request, u *pingan.User) (inboxMore, bool) {
	if s.risks == nil || !u.May(pingan.CapRisks) {
		return inboxMore{}, false
	}
	due, overdue, err := s.risks.KeptDue(r.Context(), u, s.clock.Now().Add(48*time.Hour))
	if err != nil {
		return inboxMore{}, false
	}
	m := inboxMore{Label: pingan.Text(langOf(r), "risk.inbox"), Href: "/risks?status=open&mine=1", Count: due, Overdue: overdue}
	return m, true
}

// RisksReady reports whether the ledger's pages are served (the menu).
func (v *view) RisksReady() bool { return v.s != nil && v.s.risks != nil }

// RiskLevel, RiskStatus, RiskStep and RiskSource name a level, state,
// step and source in the reader's language.
func (v *view) RiskLevel(l string) string  { return v.T("risk.lv." + l) }
func (v *view) RiskStatus(s string) string { return v.T("risk.st." + s) }
func (v *view) RiskStep(s string) string   { return v.T("risk.do." + s) }
func (v *view) RiskSource(s string) string { return v.T("risk.src." + s) }

// risksData is the ledger and the registration form.
type risksData struct {
	Risks   []*pingan.Risk
	Filter  pingan.RiskFilter
	Fields  []*pingan.RiskField
	Levels  []string
	States  []string
	Excel   string
	May     bool
	Units   []*pingan.Unit
	Leaders []*pingan.User
	Values  url.Values
	Errors  map[string]string
	Error   string
	Today   string
}

// riskFilter reads the ledger's filters from the query.
func riskFilter(q url.Values) pingan.RiskFilter {
	return pingan.RiskFilter{Level: strings.TrimSpace(q.Get("level")), Field: strings.TrimSpace(q.Get("field")),
		Status: strings.TrimSpace(q.Get("status")), Unit: strings.TrimSpace(q.Get("unit")), Overdue: q.Get("overdue") == "1",
		Kept: q.Get("mine") == "1"}
}

func (s *Server) risksPage(w http.ResponseWriter, r *http.Request) {
	s.renderRisks(w, r, url.Values{}, nil, http.StatusOK)
}

// renderRisks draws the ledger and the form; after a refused form (ferr)
// with what was typed and each bad field marked.
func (s *Server) renderRisks(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "risks")
	v.Title, v.Nav = v.T("risk.title"), "risks"
	q := r.URL.Query()
	d := &risksData{Filter: riskFilter(q), Levels: pingan.RiskLevels, States: pingan.RiskStates,
		May: workflow.MayRegisterRisk(u), Values: values, Today: pingan.Day(s.clock.Now())}
	d.Excel = "/risks.xlsx?" + q.Encode()
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	var err error
	if d.Risks, err = s.risks.FindRisks(ctx, u, d.Filter); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Fields, err = s.risks.RiskFields(ctx, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.May {
		if d.Units, err = s.units.FindUnits(ctx, u, pingan.UnitFilter{Limit: 500}); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Leaders, err = s.risks.RiskLeaders(ctx, u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if q.Get("created") != "" {
		v.Notice = v.T("risk.created")
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// createRisk registers a risk from the form, with its first measure when
// one is typed.
func (s *Server) createRisk(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	leader, _ := strconv.ParseInt(f.Get("leader"), 10, 64)
	in := &pingan.NewRisk{Title: f.Get("title"), Description: f.Get("description"), Field: f.Get("field"), Unit: f.Get("unit"),
		Level: f.Get("level"), Leader: leader, Responsible: f.Get("responsible"), Note: f.Get("note")}
	if strings.TrimSpace(f.Get("measure_text")) != "" {
		in.Measures = []pingan.NewRiskMeasure{{Text: f.Get("measure_text"), Owner: f.Get("measure_owner"), Due: f.Get("measure_due")}}
	}
	if c := strings.TrimSpace(f.Get("cases")); c != "" {
		in.Cases = strings.Fields(strings.ReplaceAll(c, ",", " "))
	}
	rk, err := s.risks.RegisterRisk(r.Context(), userOf(r), in)
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderRisks(w, r, f, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/risks/"+strconv.FormatInt(rk.ID, 10)+"?created=1", http.StatusSeeOther)
}

// riskID reads the {risk} of the path; anything but a positive number is a
// risk that does not exist.
func riskID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("risk"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "risk.notfound", int64(0))
	}
	return id, nil
}

// riskData is the page of one risk.
type riskData struct {
	R        *pingan.Risk
	Timeline []*pingan.RiskEvent
	Allowed  map[string]bool
	Open     []*pingan.RiskMeasure // the measures not done
	Levels   []string
	Values   url.Values
	Errors   map[string]string
	Error    string
	Today    string
}

func (s *Server) riskPage(w http.ResponseWriter, r *http.Request) {
	s.renderRisk(w, r, url.Values{}, nil, http.StatusOK)
}

func (s *Server) renderRisk(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	id, err := riskID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rk, err := s.risks.FindRisk(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tl, err := s.risks.RiskTimeline(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "risk")
	v.Title, v.Nav = rk.Title, "risks"
	d := &riskData{R: rk, Timeline: tl, Allowed: map[string]bool{}, Levels: pingan.RiskLevels, Values: values, Today: pingan.Day(s.clock.Now())}
	for _, st := range workflow.RiskAllowed(rk, u) {
		d.Allowed[st] = true
	}
	for _, m := range rk.Measures {
		if m.Done == "" {
			d.Open = append(d.Open, m)
		}
	}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	switch {
	case r.URL.Query().Get("created") != "":
		v.Notice = v.T("risk.created")
	case r.URL.Query().Get("done") != "":
		v.Notice = v.T("risk.done", v.RiskStep(r.URL.Query().Get("done")))
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// actOnRisk takes the step of the form; a refusal of the input or the
// state draws the page again with the message.
func (s *Server) actOnRisk(w http.ResponseWriter, r *http.Request) {
	id, err := riskID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	a := &pingan.RiskAction{Step: f.Get("step"), Note: f.Get("note"), Level: f.Get("level"), Done: f.Get("done"), Case: f.Get("case")}
	a.Version, _ = strconv.Atoi(f.Get("version"))
	a.Seq, _ = strconv.Atoi(f.Get("seq"))
	if a.Step == pingan.RiskAddMeasure {
		a.Measure = &pingan.NewRiskMeasure{Text: f.Get("measure_text"), Owner: f.Get("measure_owner"), Due: f.Get("measure_due")}
	}
	if _, err := s.risks.ActOnRisk(r.Context(), userOf(r), id, a); err != nil {
		switch pingan.ErrorCode(err) {
		case pingan.EINVALID, pingan.ECONFLICT:
			s.renderRisk(w, r, f, err, statusOf(err))
		default:
			s.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/risks/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(a.Step), http.StatusSeeOther)
}

// risksXLSX answers the ledger of the filters as a workbook.
func (s *Server) risksXLSX(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	lang := langOf(r)
	t := func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
	rs, err := s.risks.FindRisks(r.Context(), u, riskFilter(r.URL.Query()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.clock.Now()
	book := sheet.Sheet{Name: t("risk.title"), Title: t("risk.title"),
		Filters: []sheet.Line{{Label: t("export.f.at"), Value: now.In(pingan.CST).Format("2006-01-02 15:04")},
			{Label: t("export.f.user"), Value: firstOf(u.Name, u.Username)}},
		Header: []string{t("risk.f.id"), t("risk.f.title"), t("risk.f.field"), t("risk.f.level"), t("risk.f.status"), t("risk.f.unit"),
			t("risk.f.responsible"), t("risk.f.leader"), t("risk.f.registered"), t("risk.f.due"), t("risk.f.overdue"),
			t("risk.f.measures"), t("risk.f.cases")}}
	for _, rk := range rs {
		over := ""
		if rk.Overdue {
			over = t("risk.overdue")
		}
		book.Rows = append(book.Rows, []sheet.Cell{sheet.Int(rk.ID), sheet.Text(rk.Title), sheet.Text(rk.FieldName),
			sheet.Text(t("risk.lv." + rk.Level)), sheet.Text(t("risk.st." + rk.Status)), sheet.Text(rk.UnitName),
			sheet.Text(rk.ResponsibleName), sheet.Text(rk.LeaderName), sheet.Date(rk.RegisteredAt), sheet.Date(rk.NextReviewDue),
			sheet.Text(over), sheet.Int(len(rk.Measures)), sheet.Int(len(rk.Cases))})
	}
	var buf bytes.Buffer
	if err := sheet.Write(&buf, book); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(t("risk.file")+"-"+pingan.Day(now)+".xlsx"))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// firstOf answers the first non-empty string.
func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// RiskEndSteps are the steps whose form is a note alone.
func (v *view) RiskEndSteps() []string {
	return []string{pingan.RiskResolve, pingan.RiskCloseStep, pingan.RiskReopen}
}

// RiskEventLevel answers a timeline row's level change ("红色 → 橙色"),
// or its level at registration; "" for none.
func (v *view) RiskEventLevel(ev *pingan.RiskEvent) string {
	from, _ := ev.Details["from"].(string)
	to, _ := ev.Details["to"].(string)
	if from != "" && to != "" {
		return v.RiskLevel(from) + " → " + v.RiskLevel(to)
	}
	if l, _ := ev.Details["level"].(string); l != "" {
		return v.RiskLevel(l)
	}
	return ""
}

// RiskEventDue answers the next review due a timeline row set, as a day;
// "" for none.
func (v *view) RiskEventDue(ev *pingan.RiskEvent) string {
	s, _ := ev.Details["next_review_due"].(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return ""
	}
	return v.Date(t)
}
