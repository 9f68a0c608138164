package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/workflow"
)

// The weekly 研判 (周研判, docs/briefings.md): the unit's weeks, drafted or
// held (/briefings), the week's briefing — the draft read now or the
// record of its meeting — with each figure linking to its list, the forms
// that record the meeting and its decisions (a decision becomes a task in
// one step), and the briefing printed (/briefings/{unit}/{week}.pdf).

func init() {
	pageNames = append(pageNames, "briefings", "briefing")
}

// routesBriefings registers the briefings' pages when their service is
// configured.
func (s *Server) routesBriefings(h func(pattern string, handler http.HandlerFunc)) {
	if s.briefings == nil {
		return
	}
	read := func(f http.HandlerFunc) http.HandlerFunc { return s.signedIn(s.may(pingan.CapBriefings, f)) }
	h("GET /briefings", read(s.briefingsPage))
	h("GET /briefings/{unit}/{week}", read(s.briefingPage))
	h("POST /briefings/{unit}/{week}/meeting", read(s.form(s.recordMeeting)))
	h("POST /briefings/{unit}/{week}/decisions", read(s.form(s.addDecision)))
}

// BriefingsReady reports whether the briefings' pages are served (the menu).
func (v *view) BriefingsReady() bool { return v.s != nil && v.s.briefings != nil }

// WeekText answers an ISO week in words: 2026年第48周（11月23日—11月29日）.
func (v *view) WeekText(week string) string { return paper.WeekText(v.Lang, week) }

// briefingsData is the unit's list of weeks.
type briefingsData struct {
	Unit  *pingan.Unit
	Units []*pingan.Unit // the cities, counties and townships the reader may choose
	Weeks []*pingan.BriefingWeek
}

func (s *Server) briefingsPage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	code := strings.TrimSpace(r.URL.Query().Get("unit"))
	if code == "" {
		code = lastPathCode(u.ScopePath)
	}
	unit, err := s.units.FindUnit(ctx, u, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &briefingsData{Unit: unit}
	if d.Weeks, err = s.briefings.Briefings(ctx, u, unit.Code, 12); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Units, err = s.unitsWhere(ctx, u, func(x *pingan.Unit) bool {
		return x.Level == pingan.LevelCity || x.Level == pingan.LevelCounty || x.Level == pingan.LevelTownship
	}); err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "briefings")
	v.Title, v.Nav, v.D = v.T("briefing.title"), "briefings", d
	s.render(w, r, v)
}

// unitsWhere answers the units of the reader's jurisdiction that keep
// holds, at most 400: the choices of a form.
func (s *Server) unitsWhere(ctx context.Context, u *pingan.User, keep func(*pingan.Unit) bool) ([]*pingan.Unit, error) {
	all, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		return nil, err
	}
	var out []*pingan.Unit
	for _, x := range all {
		if keep(x) && len(out) < 400 {
			out = append(out, x)
		}
	}
	return out, nil
}

// lastPathCode answers the code a materialised path ends with.
func lastPathCode(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	return parts[len(parts)-1]
}

// briefingData is the week's briefing.
type briefingData struct {
	B          *pingan.Briefing
	Base       string
	Prev, Next string // the weeks before and after; Next "" when it has not begun
	MayIssue   bool   // the reader may turn a decision into a task
	Units      []*pingan.Unit
	Plans      []*pingan.TaskType
	Overdue    []briefingLine
	// Form names the form that failed, with its errors and values.
	Form   string
	Errors map[string]string
	Error  string
	Values url.Values
	// Notice is the key of what the last form did.
	Notice string
}

// briefingLine is a figure with its words and the list it links to.
type briefingLine struct {
	Key  string
	N    int64
	Href string
}

// RisksHref is the ledger of the unit in control, of a level or all.
func (d *briefingData) RisksHref(level string) string {
	q := url.Values{"unit": {d.B.Unit}, "status": {"open"}}
	if level != "" {
		q.Set("level", level)
	}
	return "/risks?" + q.Encode()
}

// WarningsHref is the list of the unit's warnings of a level and rule
// kind, the open ones when open.
func (d *briefingData) WarningsHref(level, kind string, open bool) string {
	q := url.Values{"unit": {d.B.Unit}}
	if level != "" {
		q.Set("level", level)
	}
	if kind != "" {
		q.Set("kind", kind)
	}
	if open {
		q.Set("state", "open")
	}
	return "/warnings?" + q.Encode()
}

// TrendHref is the inbox's list of the cases of a trend's line reported
// in the week.
func (d *briefingData) TrendHref(tr pingan.BriefingTrend) string {
	return casesLink(d.B.Unit, period{From: d.B.From, To: d.B.To}, url.Values{tr.Dim: {tr.Key}})
}

// BriefingLevels writes counts by level: 红色 4、橙色 3.
func (v *view) BriefingLevels(ls []pingan.BriefingLevel) string { return paper.LevelCounts(v.Lang, ls) }

// BriefingWarningsLine is the sentence of the week's warnings.
func (v *view) BriefingWarningsLine(f *pingan.BriefingFigures) string {
	raised, open := f.WarningTotals()
	return v.T("briefing.warnings.line", raised, open)
}

// TrendName and TrendText answer a trend's line in words.
func (v *view) TrendName(tr pingan.BriefingTrend) string { return paper.TrendName(v.Lang, tr) }
func (v *view) TrendText(tr pingan.BriefingTrend) string { return paper.TrendText(v.Lang, tr) }

// Left reports whether the part was left out of the figures.
func (d *briefingData) Left(part string) bool {
	for _, p := range d.B.Figures.LeftOut {
		if p == part {
			return true
		}
	}
	return false
}

func (s *Server) briefingPage(w http.ResponseWriter, r *http.Request) {
	unit, week := r.PathValue("unit"), r.PathValue("week")
	if w2, ok := strings.CutSuffix(week, ".pdf"); ok {
		s.briefingPDF(w, r, unit, w2)
		return
	}
	s.renderBriefing(w, r, unit, week, "", nil, nil, http.StatusOK)
}

// renderBriefing renders the week's briefing, with the form that failed
// (form, its values and error) when one did.
func (s *Server) renderBriefing(w http.ResponseWriter, r *http.Request, unit, week, form string, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	b, err := s.briefings.Briefing(ctx, u, unit, week)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "briefing")
	d := &briefingData{B: b, Base: "/briefings/" + b.Unit + "/" + b.Week, Prev: pingan.WeekBefore(b.Week, 1),
		MayIssue: workflow.MayIssue(u) && s.tasks != nil, Form: form, Values: values}
	if next := pingan.WeekBefore(b.Week, -1); pingan.WeekOf(s.clock.Now()) >= next {
		d.Next = next
	}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	} else if q := r.URL.Query(); q.Get("recorded") != "" {
		d.Notice = "briefing.recorded"
	} else if q.Get("decided") != "" {
		d.Notice = "briefing.decided"
	}
	if d.Values == nil {
		d.Values = url.Values{}
	}
	o := b.Figures.Overdue
	d.Overdue = []briefingLine{
		{"briefing.overdue.cases", o.Cases, overdueLink(b.Unit, dashFilter{})},
		{"briefing.overdue.risks", o.Risks, "/risks?" + url.Values{"unit": {b.Unit}, "status": {"open"}, "overdue": {"1"}}.Encode()},
		{"briefing.overdue.warnings", o.Warnings, d.WarningsHref("", "", true) + "&overdue=1"},
		{"briefing.overdue.behind", o.Behind, "/tasks?state=open&behind=1"},
		{"briefing.overdue.missed", o.Missed, "/tasks?state=open"},
	}
	if b.Held {
		if d.Units, err = s.unitsWhere(ctx, u, func(x *pingan.Unit) bool { return x.Level != pingan.LevelCentre }); err != nil {
			s.fail(w, r, err)
			return
		}
		if s.tasks != nil {
			if d.Plans, err = s.tasks.TaskTypes(ctx); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	v.Title, v.Nav, v.D = v.T("briefing.page.title", b.UnitName, v.WeekText(b.Week)), "briefings", d
	s.renderStatus(w, r, v, status)
}

// recordMeeting records the meeting from its form.
func (s *Server) recordMeeting(w http.ResponseWriter, r *http.Request) {
	unit, week, f := r.PathValue("unit"), r.PathValue("week"), r.PostForm
	m := &pingan.Meeting{On: f.Get("on"), Chair: f.Get("chair"), Attendees: f.Get("attendees"), Summary: f.Get("summary")}
	m.Version, _ = strconv.Atoi(f.Get("version"))
	b, err := s.briefings.RecordMeeting(r.Context(), userOf(r), unit, week, m)
	if err != nil {
		s.briefingFormError(w, r, unit, week, "meeting", f, err)
		return
	}
	http.Redirect(w, r, "/briefings/"+b.Unit+"/"+b.Week+"?recorded=1#meeting", http.StatusSeeOther)
}

// addDecision records a decision from its form.
func (s *Server) addDecision(w http.ResponseWriter, r *http.Request) {
	unit, week, f := r.PathValue("unit"), r.PathValue("week"), r.PostForm
	d := &pingan.NewDecision{Text: f.Get("text"), LeadUnit: f.Get("lead_unit"), CoUnits: f["co_units"], Plan: f.Get("plan"),
		Task: f.Get("task") != "", TargetUnit: f.Get("target_unit")}
	if t := strings.TrimSpace(f.Get("target")); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			s.briefingFormError(w, r, unit, week, "decision", f, pingan.Invalidf("target", "briefing.number.bad", pingan.ShowText(t, 20)))
			return
		}
		d.Target = n
	}
	b, err := s.briefings.AddDecision(r.Context(), userOf(r), unit, week, d)
	if err != nil {
		s.briefingFormError(w, r, unit, week, "decision", f, err)
		return
	}
	http.Redirect(w, r, "/briefings/"+b.Unit+"/"+b.Week+"?decided=1#decisions", http.StatusSeeOther)
}

// briefingFormError shows the page again with the form's error: 400 for
// bad input, 409 for a conflict, the error page otherwise.
func (s *Server) briefingFormError(w http.ResponseWriter, r *http.Request, unit, week, form string, values url.Values, err error) {
	switch pingan.ErrorCode(err) {
	case pingan.EINVALID:
		s.renderBriefing(w, r, unit, week, form, values, err, http.StatusBadRequest)
	case pingan.ECONFLICT:
		s.renderBriefing(w, r, unit, week, form, values, err, http.StatusConflict)
	default:
		s.fail(w, r, err)
	}
}

// briefingPDF answers the week's briefing printed.
func (s *Server) briefingPDF(w http.ResponseWriter, r *http.Request, unit, week string) {
	b, err := s.briefings.Briefing(r.Context(), userOf(r), unit, week)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	printer, err := paper.New(s.font)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := langOf(r)
	out, err := printer.Briefing(b, lang, s.clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", sheet.Attachment(pingan.Text(lang, "briefing.file", b.UnitName, b.Week)+".pdf"))
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Write(out)
}
