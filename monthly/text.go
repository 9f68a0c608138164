package monthly

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// The words of a report, chosen in the reader's language.

// t answers the message key in lang.
func t(lang pingan.Lang, key string, args ...any) string { return pingan.Text(lang, key, args...) }

// MonthWords answers the month (YYYY-MM) in words: "2026年11月",
// "November 2026".
func MonthWords(lang pingan.Lang, month string) string {
	p, ok := pingan.ParseAssessPeriod(month)
	if !ok || p.Kind != pingan.PeriodMonth {
		return month
	}
	return t(lang, "monthly.month", strconv.Itoa(p.Year), strconv.Itoa(p.N), time.Month(p.N).String())
}

// Title answers the report's title: the unit, the month and 平安报表.
func (r *Report) Title(lang pingan.Lang) string {
	return t(lang, "monthly.title", r.UnitName, MonthWords(lang, r.Month))
}

// count answers n with thousands separators: 1,234.
func count(n float64) string {
	s := strconv.FormatInt(int64(math.Round(n)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percent answers a fraction as a percentage with one decimal: 98.6%.
func percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// Value answers the figure's value of the month in words, "—" without a
// base.
func (f Figure) Value(v float64, has bool) string {
	switch {
	case !has:
		return "—"
	case f.Rate:
		return percent(v)
	}
	return count(v)
}

// changeWords answers the change of f on a base in words (which: "yoy"
// or "mom"): 同比下降5.2%, 环比上升0.4个百分点, 同比持平; "" without a base.
func changeWords(lang pingan.Lang, f Figure, which string) string {
	c, ok := f.changeOn(which)
	if !ok {
		return ""
	}
	amount := f.amount(lang, c)
	switch {
	case math.Round(c*1000) == 0: // under 0.05%: the same
		return t(lang, "monthly."+which+".flat")
	case c > 0:
		return t(lang, "monthly."+which+".up", amount)
	}
	return t(lang, "monthly."+which+".down", amount)
}

// ChangeText answers the change of f on the month before (环比, which
// "mom") or a year before (同比, "yoy") as a table shows it: +5.2%,
// -0.4 个百分点, "—" without a base.
func (f Figure) ChangeText(lang pingan.Lang, which string) string {
	c, ok := f.changeOn(which)
	if !ok {
		return "—"
	}
	sign := "+"
	switch {
	case math.Round(c*1000) == 0:
		sign, c = "", 0
	case c < 0:
		sign = "-"
	}
	return sign + f.amount(lang, c)
}

// changeOn answers the change of f on the month before (which "mom") or a
// year before ("yoy"), false without a base.
func (f Figure) changeOn(which string) (float64, bool) {
	if which == "yoy" {
		return f.YoYChange()
	}
	return f.MoM()
}

// amount answers the size of a change c of f: a percentage, or for a rate
// percentage points (个百分点).
func (f Figure) amount(lang pingan.Lang, c float64) string {
	if f.Rate {
		return t(lang, "monthly.points", strconv.FormatFloat(math.Abs(c)*100, 'f', 1, 64))
	}
	return percent(math.Abs(c))
}

// clause answers a figure with its changes: "本月共受理各类事项1,234件，同比
// 下降5.2%，环比上升3.1%"; "" when the figure has no value.
func (r *Report) clause(lang pingan.Lang, id, key string) string {
	f, ok := r.Figure(id)
	if !ok || !f.HasCur {
		return ""
	}
	parts := []string{t(lang, key, f.Value(f.Cur, true))}
	for _, which := range []string{"yoy", "mom"} {
		if w := changeWords(lang, f, which); w != "" {
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, t(lang, "monthly.comma"))
}

// sentence joins the clauses that are not empty into a sentence.
func sentence(lang pingan.Lang, clauses ...string) string {
	var kept []string
	for _, c := range clauses {
		if c != "" {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	s := strings.Join(kept, t(lang, "monthly.semicolon")) + t(lang, "monthly.stop")
	if r, n := utf8.DecodeRuneInString(s); lang == pingan.EN && unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	return s
}

// Summary answers the summary in words (综述), a paragraph each: what
// was received and done, the disputes, the petitions, what is open and
// the ranking; what has no base is left out.
func (r *Report) Summary(lang pingan.Lang) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	add(sentence(lang, r.clause(lang, "reported", "monthly.sum.reported"),
		r.doneClause(lang),
		r.clause(lang, "closed_on_time", "monthly.sum.closed_on_time"),
		r.clause(lang, "satisfaction", "monthly.sum.satisfaction"),
		r.clause(lang, "escalation", "monthly.sum.escalation")))
	if f, _ := r.Figure("disputes"); f.Cur > 0 || f.Prev > 0 || f.YoY > 0 {
		add(sentence(lang, r.clause(lang, "disputes", "monthly.sum.disputes"),
			r.clause(lang, "settlement", "monthly.sum.settlement")))
	}
	if f, _ := r.Figure("petitions"); f.Cur > 0 || f.Prev > 0 || f.YoY > 0 {
		add(sentence(lang, r.clause(lang, "petitions", "monthly.sum.petitions"),
			r.clause(lang, "petition_timely", "monthly.sum.petition_timely"),
			r.clause(lang, "petition_reply", "monthly.sum.petition_reply"),
			r.clause(lang, "petition_repeat", "monthly.sum.petition_repeat")))
	}
	if r.Open != nil {
		at := r.GeneratedAt.In(pingan.CST)
		add(sentence(lang, t(lang, "monthly.sum.open", at.Year(), int(at.Month()), at.Day(),
			count(float64(r.Open.Open)), count(float64(r.Open.OverdueNow)), count(float64(r.Open.SensitiveOpen)))))
	}
	for _, rk := range r.Rankings {
		if !rk.Published || len(rk.Results) == 0 {
			add(t(lang, "monthly.rank.unpublished", rk.SchemeName))
			continue
		}
		var first []string
		for _, x := range rk.Results {
			if x.Rank == 1 {
				first = append(first, t(lang, "monthly.rank.unit", x.UnitName, strconv.FormatFloat(x.Total, 'f', 1, 64)))
			}
		}
		add(sentence(lang, t(lang, "monthly.rank.first", rk.SchemeName, strings.Join(first, t(lang, "monthly.list_sep")))))
	}
	return out
}

// doneClause answers what was resolved and closed of the month's cases.
func (r *Report) doneClause(lang pingan.Lang) string {
	res, _ := r.Figure("resolved")
	cl, _ := r.Figure("closed")
	if res.Cur == 0 && cl.Cur == 0 {
		return ""
	}
	return t(lang, "monthly.sum.done", count(res.Cur), count(cl.Cur))
}
