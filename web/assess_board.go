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
)

// A period's page and a unit's result (assess.go): the draft results with
// the assessor's forms, the 发布 button, the published board (排名晾晒) and
// one result in full with how each score came about.

// boardRow is a result on the period's table: the change of its rank
// since the last published period (↑2, ↓1, 新) and its page.
type boardRow struct {
	R           *pingan.Result
	Change      string
	ChangeClass string
	Href        string
	Full        bool // the reader sees the result whole
}

// assessForm is a refused form of the period's or the result's page:
// which (input, notice, answer, objection), for which unit, what was
// typed and each bad field.
type assessForm struct {
	Name, Unit string
	Values     url.Values
	Errors     map[string]string
	Error      string
}

// Err answers the message of a field of the form named name for unit.
func (f *assessForm) Err(name, unit, field string) string {
	if f == nil || f.Name != name || f.Unit != unit {
		return ""
	}
	return f.Errors[field]
}

// Value answers what was typed in a field of the form named name.
func (f *assessForm) Value(name, unit, field string) string {
	if f == nil || f.Name != name || f.Unit != unit {
		return ""
	}
	return f.Values.Get(field)
}

// enteredInput is a deduction or veto of a result.
type enteredInput struct {
	R  *pingan.Result
	In pingan.Input
}

// objectionRow is an objection of the period with its result's unit.
type objectionRow struct {
	O        pingan.Objection
	Unit     string
	UnitName string
	Href     string
	// Deductions of the result, one of which an upheld objection may
	// withdraw.
	Deductions []pingan.Input
}

type periodData struct {
	A          *pingan.Assessment
	ID         int64
	Period     string
	PeriodName string
	Published  bool
	// Assessor: the reader assesses (the forms); Partial: an assessed
	// unit's view.
	Assessor bool
	Ended    bool
	Rows     []boardRow
	Manual   []pingan.Indicator
	// Objections of the period not answered yet (the assessor's).
	Objections []objectionRow
	// Entered are the deductions and vetoes of the draft (withdrawn by
	// their buttons).
	Entered []enteredInput
	Form    *assessForm
	Today   string
	XLSX    string
	Base    string // the period's page
}

// Peers reports whether the results fall under more than one parent (the
// table then names each unit's parent).
func (d *periodData) Peers() bool {
	for _, r := range d.A.Results {
		if r.Parent != d.A.Results[0].Parent {
			return true
		}
	}
	return false
}

// rankChange says how a result's rank changed since the last published
// period: ↑2, ↓1, 新 (none before), — (the same).
func rankChange(v *view, r *pingan.Result) (string, string) {
	switch {
	case r.PrevRank == 0:
		return v.T("aw.rank.new"), "new"
	case r.PrevRank > r.Rank:
		return "↑" + strconv.Itoa(r.PrevRank-r.Rank), "up good"
	case r.PrevRank < r.Rank:
		return "↓" + strconv.Itoa(r.Rank-r.PrevRank), "down bad"
	}
	return "—", "flat"
}

// assessment reads the assessment of the path's scheme and period.
func (s *Server) assessment(r *http.Request) (*pingan.Assessment, error) {
	return s.assess.Assessment(r.Context(), userOf(r), schemeID(r), r.PathValue("period"))
}

func (s *Server) periodPage(w http.ResponseWriter, r *http.Request) {
	s.renderPeriod(w, r, nil, http.StatusOK)
}

// renderPeriod draws a period: for the assessor the results with the
// forms, for an assessed unit the published board; after a refused form
// (f) its messages beside its fields.
func (s *Server) renderPeriod(w http.ResponseWriter, r *http.Request, f *assessForm, status int) {
	u := userOf(r)
	a, err := s.assessment(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "assess_period")
	v.Nav = "assess"
	id, period := schemeID(r), r.PathValue("period")
	p, _ := pingan.ParseAssessPeriod(period)
	d := &periodData{A: a, ID: id, Period: p.String(), PeriodName: v.AssessPeriodName(period), Form: f,
		Published: a.Status == pingan.AssessPublished, Assessor: u.May(pingan.CapAssess) && !a.Partial,
		Ended: p.Ended(s.clock.Now()), Today: pingan.Day(s.clock.Now()), Base: periodLink(id, p.String())}
	d.XLSX = d.Base + "/board.xlsx"
	v.Title = a.Scheme.Name + " · " + d.PeriodName
	for _, in := range a.Scheme.Indicators {
		if in.Source == pingan.SourceManual {
			d.Manual = append(d.Manual, in)
		}
	}
	for _, res := range a.Results {
		row := boardRow{R: res, Href: resultLink(id, d.Period, res.Unit), Full: !a.Partial || len(res.Lines) > 0}
		if d.Published {
			row.Change, row.ChangeClass = rankChange(v, res)
		}
		d.Rows = append(d.Rows, row)
		if d.Assessor && !d.Published {
			for _, in := range append(append([]pingan.Input(nil), res.Deductions...), res.Vetoes...) {
				d.Entered = append(d.Entered, enteredInput{R: res, In: in})
			}
		}
		if d.Assessor {
			for _, o := range res.Objections {
				if !o.Answered {
					d.Objections = append(d.Objections, objectionRow{O: o, Unit: res.Unit, UnitName: res.UnitName, Href: row.Href,
						Deductions: res.Deductions})
				}
			}
		}
	}
	switch q := r.URL.Query(); {
	case q.Get("entered") != "":
		v.Notice = v.T("aw.input.entered")
	case q.Get("withdrawn") != "":
		v.Notice = v.T("aw.input.withdrawn")
	case q.Get("published") != "":
		v.Notice = v.T("aw.published")
	case q.Get("noticed") != "":
		v.Notice = v.T("aw.notice.added")
	case q.Get("answered") != "":
		v.Notice = v.T("aw.objection.answered")
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// assessRefused draws the page again after a refused form, or fails.
func (s *Server) assessRefused(w http.ResponseWriter, r *http.Request, err error, name, unit string, draw func(*assessForm)) {
	switch pingan.ErrorCode(err) {
	case pingan.EINVALID, pingan.ECONFLICT:
		lang := langOf(r)
		draw(&assessForm{Name: name, Unit: unit, Values: r.PostForm, Errors: pingan.FieldTexts(err, lang), Error: pingan.ErrorText(err, lang)})
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) enterInput(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var v pingan.Invalid
	points := 0.0
	if p := strings.TrimSpace(f.Get("points")); p != "" {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil {
			v.Add("points", "aw.number.bad", pingan.ShowText(p, 20))
		}
		points = x
	}
	in := &pingan.Input{Kind: pingan.InputKind(f.Get("kind")), Unit: f.Get("unit"), Indicator: f.Get("indicator"),
		Points: points, Reason: f.Get("reason")}
	files, err := readPhotos(r, photoField)
	if err == nil {
		err = v.Err()
	}
	if err == nil {
		_, err = s.assess.Enter(r.Context(), userOf(r), schemeID(r), r.PathValue("period"), in, files)
	}
	if err != nil {
		s.assessRefused(w, r, err, "input", "", func(af *assessForm) { s.renderPeriod(w, r, af, http.StatusBadRequest) })
		return
	}
	http.Redirect(w, r, periodLink(schemeID(r), r.PathValue("period"))+"?entered=1", http.StatusSeeOther)
}

func (s *Server) withdrawInput(w http.ResponseWriter, r *http.Request) {
	if err := s.assess.Withdraw(r.Context(), userOf(r), schemeID(r), r.PathValue("period"), formID(r.PostForm.Get("input"))); err != nil {
		s.assessRefused(w, r, err, "withdraw", "", func(af *assessForm) { s.renderPeriod(w, r, af, http.StatusConflict) })
		return
	}
	http.Redirect(w, r, periodLink(schemeID(r), r.PathValue("period"))+"?withdrawn=1", http.StatusSeeOther)
}

func (s *Server) publishPeriod(w http.ResponseWriter, r *http.Request) {
	if _, err := s.assess.Publish(r.Context(), userOf(r), schemeID(r), r.PathValue("period")); err != nil {
		s.assessRefused(w, r, err, "publish", "", func(af *assessForm) { s.renderPeriod(w, r, af, http.StatusConflict) })
		return
	}
	s.boards.mu.Lock()
	clear(s.boards.m) // the menu shows 考核 to the units now on a board
	s.boards.mu.Unlock()
	http.Redirect(w, r, periodLink(schemeID(r), r.PathValue("period"))+"?published=1", http.StatusSeeOther)
}

func (s *Server) addNotice(w http.ResponseWriter, r *http.Request) {
	f, unit := r.PostForm, r.PathValue("unit")
	n := &pingan.AssessNotice{Kind: pingan.NoticeKind(f.Get("kind")), Day: strings.TrimSpace(f.Get("day")), Host: f.Get("host"),
		Attendee: f.Get("attendee"), Required: f.Get("required")}
	if _, err := s.assess.AddNotice(r.Context(), userOf(r), schemeID(r), r.PathValue("period"), unit, n); err != nil {
		s.assessRefused(w, r, err, "notice", unit, func(af *assessForm) { s.renderPeriod(w, r, af, http.StatusBadRequest) })
		return
	}
	http.Redirect(w, r, periodLink(schemeID(r), r.PathValue("period"))+"?noticed=1", http.StatusSeeOther)
}

// answerObjection answers the objection the form names: upheld with the
// indicator's new score or a deduction withdrawn, or not upheld.
func (s *Server) answerObjection(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	upheld := f.Get("upheld") == "1"
	var c *pingan.Correction
	var v pingan.Invalid
	if upheld {
		c = &pingan.Correction{Indicator: strings.TrimSpace(f.Get("indicator")), Deduction: formID(f.Get("deduction")),
			Reason: f.Get("reply")}
		if sc := strings.TrimSpace(f.Get("score")); sc != "" {
			x, err := strconv.ParseFloat(sc, 64)
			if err != nil {
				v.Add("score", "aw.number.bad", pingan.ShowText(sc, 20))
			}
			c.Score = x
		}
	}
	err := v.Err()
	if err == nil {
		_, err = s.assess.Answer(r.Context(), userOf(r), formID(f.Get("objection")), upheld, f.Get("reply"), c)
	}
	if err != nil {
		s.assessRefused(w, r, err, "answer", f.Get("objection"), func(af *assessForm) { s.renderPeriod(w, r, af, http.StatusBadRequest) })
		return
	}
	http.Redirect(w, r, periodLink(schemeID(r), r.PathValue("period"))+"?answered=1", http.StatusSeeOther)
}

// periodXLSX answers the period's table as a workbook: every column the
// reader sees on the page.
func (s *Server) periodXLSX(w http.ResponseWriter, r *http.Request) {
	a, err := s.assessment(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "assess_period")
	name := v.AssessPeriodName(r.PathValue("period"))
	sh := sheet.Sheet{Name: v.T("aw.sheet"), Title: a.Scheme.Name + " " + name,
		Filters: []sheet.Line{{Label: v.T("aw.f.status"), Value: v.T("assess.status." + string(a.Status))},
			{Label: v.T("aw.f.version"), Value: strconv.Itoa(a.Scheme.Version)}},
		Notes: []string{v.T(pingan.TieRule)}}
	sh.Header = []string{v.T("aw.col.rank"), v.T("aw.col.unit")}
	if !a.Partial {
		for _, in := range a.Scheme.Indicators {
			sh.Header = append(sh.Header, in.Name)
		}
		sh.Header = append(sh.Header, v.T("aw.col.deducted"))
	}
	sh.Header = append(sh.Header, v.T("aw.col.total"), v.T("aw.col.grade"), v.T("aw.col.band"), v.T("aw.col.veto"))
	if a.Status == pingan.AssessPublished {
		sh.Header = append(sh.Header, v.T("aw.col.change"))
	}
	for _, res := range a.Results {
		row := []sheet.Cell{sheet.Int(res.Rank), sheet.Text(res.UnitName)}
		if !a.Partial {
			for i := range a.Scheme.Indicators {
				if i < len(res.Lines) {
					row = append(row, sheet.Float(res.Lines[i].Score))
				} else {
					row = append(row, sheet.Text(""))
				}
			}
			row = append(row, sheet.Float(res.Deducted))
		}
		veto := ""
		if res.Vetoed {
			veto = v.T("assess.input.veto")
		}
		row = append(row, sheet.Float(res.Total), sheet.Text(res.Grade), sheet.Text(v.Band(res.Band)), sheet.Text(veto))
		if a.Status == pingan.AssessPublished {
			ch, _ := rankChange(v, res)
			row = append(row, sheet.Text(ch))
		}
		sh.Rows = append(sh.Rows, row)
	}
	var buf bytes.Buffer
	if err := sheet.Write(&buf, sh); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.MediaType)
	w.Header().Set("Content-Disposition", sheet.Attachment(a.Scheme.Name+"-"+r.PathValue("period")+".xlsx"))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// ---- one result ----

// lineRow is a line of a result: how its score came about, the rate's
// formula and the list of the cases its numerator counts.
type lineRow struct {
	L        pingan.IndicatorResult
	How      string
	Formula  string
	Cases    string
	Evidence []evidenceLink
}

type evidenceLink struct{ Name, Href string }

type correctionRow struct {
	C    pingan.Correction
	What string
}

type resultData struct {
	A           *pingan.Assessment
	R           *pingan.Result
	ID          int64
	Period      string
	PeriodName  string
	Lines       []lineRow
	Vetoes      []string
	Corrections []correctionRow
	Objections  []objectionView
	// CanObject: the reader's unit may object now, until Until.
	CanObject bool
	Until     string
	Form      *assessForm
	Base      string
}

type objectionView struct {
	O        pingan.Objection
	Evidence []evidenceLink
}

func (s *Server) resultPage(w http.ResponseWriter, r *http.Request) {
	s.renderResult(w, r, nil, http.StatusOK)
}

func (s *Server) renderResult(w http.ResponseWriter, r *http.Request, f *assessForm, status int) {
	u := userOf(r)
	a, err := s.assessment(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit := r.PathValue("unit")
	var res *pingan.Result
	for _, x := range a.Results {
		if x.Unit == unit && (!a.Partial || len(x.Lines) > 0) {
			res = x
		}
	}
	if res == nil {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "assess.unit.none", unit))
		return
	}
	v := s.newView(r, "assess_result")
	v.Nav = "assess"
	id := schemeID(r)
	p, _ := pingan.ParseAssessPeriod(r.PathValue("period"))
	d := &resultData{A: a, R: res, ID: id, Period: p.String(), PeriodName: v.AssessPeriodName(p.String()), Form: f,
		Base: resultLink(id, p.String(), unit)}
	v.Title = res.UnitName + " · " + a.Scheme.Name + " · " + d.PeriodName
	from, to := p.Bounds()
	evidence := func(es []pingan.Evidence) []evidenceLink {
		var out []evidenceLink
		for _, e := range es {
			out = append(out, evidenceLink{Name: e.Name, Href: d.Base + "/evidence/" + e.Sum})
		}
		return out
	}
	rules := map[string]pingan.Indicator{}
	for _, in := range a.Scheme.Indicators {
		rules[in.Key] = in
	}
	for _, l := range res.Lines {
		row := lineRow{L: l, Evidence: evidence(l.Evidence)}
		switch {
		case l.Source == pingan.SourceManual && l.Scored:
			row.How = v.T("aw.how.manual", l.Comment)
		case l.Source == pingan.SourceManual:
			row.How = v.T("aw.how.unscored")
		case l.Base == 0:
			row.How = v.T("assess.no_base")
		default:
			value := float64(l.Num) / float64(l.Base)
			row.How = v.T("aw.how.computed", v.T("dash.rate."+l.Rate), l.Num, l.Base, pctText(value),
				ruleText(v, rules[l.Key], l, res.Peers), pointsText(l.Score))
		}
		if l.Source == pingan.SourceComputed {
			row.Formula = v.T("rate." + l.Rate + ".formula")
			row.Cases = rateCasesLink(res.Unit, l.Rate, from, to)
		}
		d.Lines = append(d.Lines, row)
	}
	for _, veto := range res.Vetoes {
		d.Vetoes = append(d.Vetoes, v.T("aw.veto.why", veto.Reason))
	}
	names := map[string]string{}
	for _, l := range res.Lines {
		names[l.Key] = l.Name
	}
	for _, c := range res.Corrections {
		what := v.T("aw.correction.deduction", pointsText(c.OldScore))
		if c.Indicator != "" {
			what = v.T("aw.correction.score", names[c.Indicator], pointsText(c.OldScore), pointsText(c.Score))
		}
		d.Corrections = append(d.Corrections, correctionRow{C: c, What: what})
	}
	for _, o := range res.Objections {
		d.Objections = append(d.Objections, objectionView{O: o, Evidence: evidence(o.Evidence)})
	}
	if a.Status == pingan.AssessPublished && a.ObjectionsUntil != nil && !u.May(pingan.CapAssess) &&
		(a.Partial || u.UnitCode == res.Unit) {
		d.Until = v.Time(*a.ObjectionsUntil)
		d.CanObject = !s.clock.Now().After(*a.ObjectionsUntil)
	}
	if r.URL.Query().Get("objected") != "" {
		v.Notice = v.T("aw.objection.filed")
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// ruleText says how a computed indicator's rule scored it: 线性 下限 80%
// 目标 98%; 阈值 ≥95% 得 100%、≥90% 得 80%; 排名 第 2 名（共 5 名），末位得 60%.
func ruleText(v *view, in pingan.Indicator, l pingan.IndicatorResult, peers int) string {
	rate, _ := pingan.RateByID(in.Rate)
	switch in.Rule.Kind {
	case pingan.RuleLinear:
		return v.T("aw.rule.linear", pointsText(in.Rule.Floor*100), pointsText(in.Rule.Target*100))
	case pingan.RuleThreshold:
		var steps []string
		for i := len(in.Rule.Steps) - 1; i >= 0; i-- {
			st := in.Rule.Steps[i]
			cmp := "≥"
			if !rate.Good {
				cmp = "≤"
			}
			steps = append(steps, v.T("aw.rule.step", cmp, pointsText(st.At*100), pointsText(st.Share*100)))
		}
		return v.T("aw.rule.threshold", strings.Join(steps, "、"))
	case pingan.RuleRank:
		return v.T("aw.rule.rank", l.Rank, peers, pointsText(in.Rule.Last*100))
	}
	return ""
}

// rateCasesLink is the inbox's list of the cases a rate's numerator
// counts, of the unit's subtree, reported in the period: the dashboard's
// link of the figure (rateCases, petitionRateCases), for the rate's kind.
func rateCasesLink(unit, rateID string, from, to time.Time) string {
	more := url.Values{}
	for k, vs := range rateCases[rateID] {
		more[k] = vs
	}
	for k, vs := range petitionRateCases[rateID] {
		more[k] = vs
	}
	if rt, ok := pingan.RateByID(rateID); ok && rt.Kind != "" {
		more.Set("kind", string(rt.Kind))
	}
	return casesLink(unit, period{Kind: "month", From: from, To: to}, more)
}

func (s *Server) fileObjection(w http.ResponseWriter, r *http.Request) {
	unit := r.PathValue("unit")
	o := &pingan.Objection{Unit: unit, Text: r.PostForm.Get("text")}
	files, err := readPhotos(r, photoField)
	if err == nil {
		_, err = s.assess.Object(r.Context(), userOf(r), schemeID(r), r.PathValue("period"), unit, o, files)
	}
	if err != nil {
		s.assessRefused(w, r, err, "objection", unit, func(af *assessForm) { s.renderResult(w, r, af, http.StatusBadRequest) })
		return
	}
	http.Redirect(w, r, resultLink(schemeID(r), r.PathValue("period"), unit)+"?objected=1", http.StatusSeeOther)
}

// assessEvidence answers a file of an input or an objection.
func (s *Server) assessEvidence(w http.ResponseWriter, r *http.Request) {
	data, ct, err := s.assess.Evidence(r.Context(), userOf(r), schemeID(r), r.PathValue("period"), r.PathValue("unit"), r.PathValue("sum"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !strings.HasPrefix(ct, "image/") && ct != "application/pdf" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "", fileTime, bytes.NewReader(data))
}
