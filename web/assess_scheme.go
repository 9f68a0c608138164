package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The scheme editor (考核方案): the scheme's name, year and level, its
// indicators as the rows of a table — key, name, weight, source, the rate
// (by its Chinese name), the rule with its floor and target in per cent,
// its steps ("95:1,90:0.8,80:0.5": at 95% or better the whole weight, at
// 90% 0.8 of it …) or the last unit's share — with the running sum of the
// weights, the grades, the band lines, the objection days and the 平安创建
// threshold. The page draws a few blank rows, so that it works without a
// script; static/assess.js adds rows and sums the weights. A refusal
// shows each message beside its field, the form kept.

// indicatorRow is a row of the indicators' table as typed.
type indicatorRow struct {
	Index                                                int
	Key, Name, Weight, Source, Rate, Kind, Floor, Target string
	Steps, Last, Guide                                   string
}

// Field names a field of the row as the form and the refusals do:
// indicators[2].rule.floor.
func (r indicatorRow) Field(name string) string {
	return fmt.Sprintf("indicators[%d].%s", r.Index, name)
}

// blank reports whether nothing was typed in the row.
func (r indicatorRow) blank() bool {
	return strings.TrimSpace(r.Key+r.Name+r.Weight+r.Rate+r.Floor+r.Target+r.Steps+r.Last+r.Guide) == ""
}

// rateOption is a rate of the select, by its Chinese name.
type rateOption struct{ ID, Name string }

type schemeForm struct {
	ID      int64
	Version int
	Values  url.Values // the scheme's own fields
	Rows    []indicatorRow
	Errors  map[string]string
	Error   string
	// Used: a published period used the scheme, so saving makes a new
	// version (the published results keep theirs).
	Used  bool
	Rates []rateOption
	Sum   string
}

// Err answers the message of a field, "" for none.
func (f *schemeForm) Err(field string) string { return f.Errors[field] }

// blankRows are the empty rows the editor draws below the typed ones.
const blankRows = 3

func (s *Server) newSchemePage(w http.ResponseWriter, r *http.Request) {
	now := s.clock.Now().In(pingan.CST)
	sc := &pingan.Scheme{Year: now.Year(), Level: pingan.LevelCounty}
	sc.Normalize()
	s.renderScheme(w, r, schemeValues(sc), nil, nil, http.StatusOK)
}

func (s *Server) schemePage(w http.ResponseWriter, r *http.Request) {
	sc, err := s.schemes.Scheme(r.Context(), userOf(r), schemeID(r), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals, rows := schemeValues(sc), schemeRows(sc)
	vals.Set("id", strconv.FormatInt(sc.ID, 10))
	vals.Set("version", strconv.Itoa(sc.Version))
	s.renderScheme(w, r, vals, rows, nil, http.StatusOK)
}

// schemeValues writes a scheme's own fields as the form holds them.
func schemeValues(sc *pingan.Scheme) url.Values {
	var grades []string
	for _, g := range sc.Grades {
		grades = append(grades, g.Name+":"+pointsText(g.Min))
	}
	return url.Values{"name": {sc.Name}, "year": {strconv.Itoa(sc.Year)}, "level": {string(sc.Level)},
		"grades": {strings.Join(grades, ",")}, "green": {pointsText(sc.Green)}, "yellow": {pointsText(sc.Yellow)},
		"objection_days": {strconv.Itoa(sc.ObjectionDays)}, "creation_min": {pointsText(sc.CreationMin)}}
}

// schemeRows writes a scheme's indicators as the table's rows.
func schemeRows(sc *pingan.Scheme) []indicatorRow {
	var rows []indicatorRow
	for i, in := range sc.Indicators {
		row := indicatorRow{Index: i, Key: in.Key, Name: in.Name, Weight: pointsText(in.Weight), Source: string(in.Source),
			Rate: in.Rate, Kind: string(in.Rule.Kind), Guide: in.Guide}
		if in.Source == pingan.SourceComputed {
			switch in.Rule.Kind {
			case pingan.RuleLinear:
				row.Floor, row.Target = pointsText(in.Rule.Floor*100), pointsText(in.Rule.Target*100)
			case pingan.RuleThreshold:
				steps := append([]pingan.Step(nil), in.Rule.Steps...)
				sort.SliceStable(steps, func(a, b int) bool { return steps[a].Share > steps[b].Share })
				var ss []string
				for _, st := range steps {
					ss = append(ss, pointsText(st.At*100)+":"+pointsText(st.Share))
				}
				row.Steps = strings.Join(ss, ",")
			case pingan.RuleRank:
				row.Last = pointsText(in.Rule.Last)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// renderScheme draws the editor with the values and rows typed, and after
// a refusal each message beside its field.
func (s *Server) renderScheme(w http.ResponseWriter, r *http.Request, vals url.Values, rows []indicatorRow, ferr error, status int) {
	v := s.newView(r, "assess_scheme")
	v.Nav = "assess"
	f := &schemeForm{ID: formID(vals.Get("id")), Values: vals}
	f.Version, _ = strconv.Atoi(vals.Get("version"))
	v.Title = v.T("aw.scheme.new")
	if f.ID != 0 {
		v.Title = v.T("aw.scheme.edit")
		if ps, err := s.assess.Periods(r.Context(), userOf(r), f.ID); err == nil && len(ps) > 0 {
			f.Used = true
		}
	}
	sum := 0.0
	for i := range rows {
		rows[i].Index = i
		wt, _ := strconv.ParseFloat(strings.TrimSpace(rows[i].Weight), 64)
		sum += wt
	}
	f.Sum = pointsText(sum)
	for i := 0; i < blankRows || len(rows) < 5; i++ {
		rows = append(rows, indicatorRow{Index: len(rows), Source: string(pingan.SourceComputed), Kind: string(pingan.RuleLinear)})
	}
	f.Rows = rows
	for _, rt := range pingan.Rates {
		f.Rates = append(f.Rates, rateOption{ID: rt.ID, Name: v.T("dash.rate." + rt.ID)})
	}
	if ferr != nil {
		f.Error, f.Errors = v.Message(ferr), collapseFields(v.fields(ferr))
	}
	v.D = f
	s.renderStatus(w, r, v, status)
}

// stepsField and gradesField fold the refusals of one step or grade into
// the one input that holds them all.
var (
	stepsField  = regexp.MustCompile(`^(indicators\[\d+\]\.rule\.steps)\[\d+\]\..*$`)
	gradesField = regexp.MustCompile(`^grades\[\d+\]\..*$`)
)

func collapseFields(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, msg := range m {
		switch {
		case stepsField.MatchString(k):
			k = stepsField.ReplaceAllString(k, "$1")
		case gradesField.MatchString(k):
			k = "grades"
		}
		if _, ok := out[k]; !ok {
			out[k] = msg
		}
	}
	return out
}

// rowsOf reads the indicators' rows of the form in the order of their
// numbers, the blank ones left out.
func rowsOf(form url.Values) []indicatorRow {
	re := regexp.MustCompile(`^indicators\[(\d+)\]\.`)
	seen := map[int]bool{}
	var idx []int
	for k := range form {
		if m := re.FindStringSubmatch(k); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil && n < 1000 && !seen[n] {
				seen[n] = true
				idx = append(idx, n)
			}
		}
	}
	sort.Ints(idx)
	var rows []indicatorRow
	for _, n := range idx {
		g := func(name string) string {
			return strings.TrimSpace(form.Get(fmt.Sprintf("indicators[%d].%s", n, name)))
		}
		row := indicatorRow{Key: g("key"), Name: g("name"), Weight: g("weight"), Source: g("source"), Rate: g("rate"),
			Kind: g("rule.kind"), Floor: g("rule.floor"), Target: g("rule.target"), Steps: g("rule.steps"), Last: g("rule.last"),
			Guide: g("guide")}
		if !row.blank() {
			row.Index = len(rows)
			rows = append(rows, row)
		}
	}
	return rows
}

// schemeOf reads the scheme of the form, naming into v each number that
// is none.
func schemeOf(form url.Values, rows []indicatorRow, v *pingan.Invalid) *pingan.Scheme {
	num := func(field, s string) float64 {
		s = strings.TrimSuffix(strings.TrimSpace(s), "%")
		if s == "" {
			return 0
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v.Add(field, "aw.number.bad", pingan.ShowText(s, 20))
		}
		return x
	}
	whole := func(field string) int {
		s := strings.TrimSpace(form.Get(field))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add(field, "aw.number.bad", pingan.ShowText(s, 20))
		}
		return n
	}
	sc := &pingan.Scheme{ID: formID(form.Get("id")), Name: form.Get("name"), Year: whole("year"),
		Level: pingan.Level(strings.TrimSpace(form.Get("level"))), Green: num("green", form.Get("green")),
		Yellow: num("yellow", form.Get("yellow")), ObjectionDays: whole("objection_days"),
		CreationMin: num("creation_min", form.Get("creation_min"))}
	for _, g := range pairs(form.Get("grades")) {
		min, err := strconv.ParseFloat(g[1], 64)
		if err != nil || g[0] == "" {
			v.Add("grades", "aw.grades.bad")
		}
		sc.Grades = append(sc.Grades, pingan.Grade{Name: g[0], Min: min})
	}
	for _, row := range rows {
		in := pingan.Indicator{Key: row.Key, Name: row.Name, Weight: num(row.Field("weight"), row.Weight),
			Source: pingan.IndicatorSource(row.Source), Guide: row.Guide}
		if in.Source == pingan.SourceComputed {
			in.Rate = row.Rate
			in.Rule.Kind = pingan.RuleKind(row.Kind)
			switch in.Rule.Kind {
			case pingan.RuleLinear:
				in.Rule.Floor = num(row.Field("rule.floor"), row.Floor) / 100
				in.Rule.Target = num(row.Field("rule.target"), row.Target) / 100
			case pingan.RuleThreshold:
				for _, p := range pairs(row.Steps) {
					at, err1 := strconv.ParseFloat(strings.TrimSuffix(p[0], "%"), 64)
					share, err2 := strconv.ParseFloat(p[1], 64)
					if err1 != nil || err2 != nil {
						v.Add(row.Field("rule.steps"), "aw.steps.bad")
					}
					in.Rule.Steps = append(in.Rule.Steps, pingan.Step{At: at / 100, Share: share})
				}
				// Typed best first; the scheme keeps them rising.
				sort.SliceStable(in.Rule.Steps, func(a, b int) bool { return in.Rule.Steps[a].Share < in.Rule.Steps[b].Share })
			case pingan.RuleRank:
				in.Rule.Last = num(row.Field("rule.last"), row.Last)
			}
		}
		sc.Indicators = append(sc.Indicators, in)
	}
	return sc
}

// pairs splits "a:1,b:2" (commas, 、 or ； apart; ：as well as :) into
// its pairs.
func pairs(s string) [][2]string {
	var out [][2]string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' '
	}) {
		a, b, _ := strings.Cut(strings.ReplaceAll(p, "：", ":"), ":")
		out = append(out, [2]string{strings.TrimSpace(a), strings.TrimSpace(b)})
	}
	return out
}

// saveScheme creates the scheme (POST /assess/schemes) or edits the one
// of the path; a refusal draws the form again with what was typed.
func (s *Server) saveScheme(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	form := r.PostForm
	if id := r.PathValue("scheme"); id != "" {
		form.Set("id", id)
	} else {
		form.Del("id")
	}
	rows := rowsOf(form)
	var v pingan.Invalid
	sc := schemeOf(form, rows, &v)
	if sc.ID != 0 {
		old, err := s.schemes.Scheme(ctx, u, sc.ID, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sc.Unit = old.Unit
	} else {
		sc.Unit = u.UnitCode
	}
	var err error
	if perr := v.Err(); perr != nil {
		// Name every bad field at once: the numbers and what the
		// scheme's own check says of the rest.
		sc.Normalize()
		sc.Check(&v)
		err = v.Err()
	} else {
		sc, err = s.schemes.SaveScheme(ctx, u, sc)
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID && pingan.ErrorCode(err) != pingan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		s.renderScheme(w, r, form, rows, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/assess?saved="+strconv.FormatInt(sc.ID, 10), http.StatusSeeOther)
}
