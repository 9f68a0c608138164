package monthly

import (
	"strconv"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// PDF prints r on A4 pages in lang: the summary, the key figures, the
// trend as a chart, the breakdowns, the ranking and the 问题清单, the unit
// and month in every page's header and the page in its footer.
func PDF(p *paper.Printer, lang pingan.Lang, r *Report) ([]byte, error) {
	return p.Monthly(Doc(lang, r))
}

// Doc answers the printed document of r in lang.
func Doc(lang pingan.Lang, r *Report) *paper.MonthlyDoc {
	tr := func(key string, args ...any) string { return t(lang, key, args...) }
	m := &paper.MonthlyDoc{Lang: lang, Title: r.Title(lang),
		Subtitle: tr("monthly.filter.generated") + tr("monthly.colon") + dateTime(lang, r.GeneratedAt),
		Header:   tr("monthly.header", r.UnitName, MonthWords(lang, r.Month)),
		Footer:   tr("monthly.footer", dateTime(lang, r.GeneratedAt)), At: r.GeneratedAt}
	add := func(b paper.Block) { m.Blocks = append(m.Blocks, b) }

	add(paper.Block{Heading: tr("monthly.sec.summary"), Paras: r.Summary(lang)})

	figs := &paper.Table{Header: []string{tr("monthly.col.figure"), tr("monthly.col.cur"), tr("monthly.col.prev"),
		tr("monthly.col.mom"), tr("monthly.col.yoy_value"), tr("monthly.col.yoy")},
		Widths: []float64{2.4, 1.2, 1.2, 1.5, 1.2, 1.5}, Align: []string{"L", "R", "R", "R", "R", "R"}}
	for _, f := range r.Figures {
		row := []string{tr("monthly.fig." + f.ID), f.Value(f.Cur, f.HasCur)}
		if f.Now {
			row = append(row, "", "", "", "")
		} else {
			row = append(row, f.Value(f.Prev, f.HasPrev), f.ChangeText(lang, "mom"), f.Value(f.YoY, f.HasYoY), f.ChangeText(lang, "yoy"))
		}
		figs.Rows = append(figs.Rows, row)
	}
	add(paper.Block{Heading: tr("monthly.sec.figures"), Table: figs, Note: tr("monthly.cohort")})

	chart := &paper.Chart{Title: tr("monthly.chart.title"),
		Series: []paper.Series{{Name: tr("monthly.col.reported")}, {Name: tr("monthly.col.resolved")}}}
	trend := &paper.Table{Header: []string{tr("monthly.col.month"), tr("monthly.col.reported"), tr("monthly.col.resolved"),
		tr("monthly.col.closed")}, Align: []string{"L", "R", "R", "R"}}
	for _, p := range r.Trend {
		chart.Labels = append(chart.Labels, shortMonth(p.Month))
		chart.Series[0].Values = append(chart.Series[0].Values, float64(p.Reported))
		chart.Series[1].Values = append(chart.Series[1].Values, float64(p.Resolved))
		trend.Rows = append(trend.Rows, []string{MonthWords(lang, p.Month), count(float64(p.Reported)),
			count(float64(p.Resolved)), count(float64(p.Closed))})
	}
	add(paper.Block{Heading: tr("monthly.sec.trend"), Chart: chart, Table: trend})

	breakdown := func(sec, col string, lines []Line, name func(Line) string, note string) {
		tb := &paper.Table{Header: []string{tr(col), tr("monthly.col.reported"), tr("monthly.col.resolved"),
			tr("monthly.col.on_time"), tr("monthly.col.satisfaction")},
			Widths: []float64{2.6, 1, 1, 1.2, 1.2}, Align: []string{"L", "R", "R", "R", "R"}}
		for _, l := range lines {
			tb.Rows = append(tb.Rows, []string{name(l), count(float64(l.Stats.Total)), count(float64(l.Stats.Resolved)),
				rateText(l.Stats, "closed_on_time"), rateText(l.Stats, "satisfaction")})
		}
		if len(lines) == 0 {
			tb = nil
			note = tr("monthly.issue.none")
		}
		add(paper.Block{Heading: tr("monthly.sec." + sec), Table: tb, Note: note})
	}
	plain := func(l Line) string { return l.Name }
	breakdown("kinds", "monthly.col.kind", r.Kinds, func(l Line) string { return tr("kind." + l.Code) }, "")
	more := ""
	if r.MoreCategories > 0 {
		more = tr("monthly.categories.more", r.MoreCategories)
	}
	breakdown("categories", "monthly.col.category", r.Categories, plain, more)
	breakdown("units", "monthly.col.unit", r.Units, plain, "")
	if r.Handlers != nil {
		breakdown("handlers", "monthly.col.handler", r.Handlers, plain, "")
	}

	if len(r.Rankings) > 0 {
		for i, rk := range r.Rankings {
			b := paper.Block{Heading: tr("monthly.sec.ranking") + tr("monthly.colon") + rk.SchemeName}
			if i > 0 {
				b.Heading = rk.SchemeName
			}
			if !rk.Published {
				b.Paras = []string{tr("monthly.rank.unpublished", rk.SchemeName)}
				add(b)
				continue
			}
			tb := &paper.Table{Header: []string{tr("monthly.col.rank"), tr("monthly.col.unit"), tr("monthly.col.peers"),
				tr("monthly.col.total"), tr("monthly.col.grade"), tr("monthly.col.band"), tr("monthly.col.prev_rank")},
				Widths: []float64{0.8, 2.2, 1.8, 1, 0.8, 0.8, 1}, Align: []string{"C", "L", "L", "R", "C", "C", "C"}}
			for _, x := range rk.Results {
				prev, grade := "—", x.Grade
				if x.PrevRank > 0 {
					prev = strconv.Itoa(x.PrevRank)
				}
				if x.Vetoed {
					grade += " (" + tr("monthly.col.veto") + ")"
				}
				tb.Rows = append(tb.Rows, []string{strconv.Itoa(x.Rank), x.UnitName, x.ParentName,
					strconv.FormatFloat(x.Total, 'f', 1, 64), grade, tr("assess.band." + string(x.Band)), prev})
			}
			b.Table = tb
			add(b)
		}
	}

	add(paper.Block{Heading: tr("monthly.sec.issues"), Note: tr("monthly.issue.as_of", dateTime(lang, r.GeneratedAt))})
	for _, l := range r.Issues {
		b := paper.Block{Paras: []string{tr("monthly.issue." + l.Kind)}}
		if len(l.Items) == 0 {
			b.Note = tr("monthly.issue.none")
		} else {
			tb := &paper.Table{Header: []string{tr("monthly.col.number"), tr("monthly.col.title"), tr("monthly.col.unit"),
				tr("monthly.col.days")}, Widths: []float64{1.9, 3, 2, 0.9}, Align: []string{"L", "L", "L", "R"}}
			for _, it := range l.Items {
				days := ""
				if it.DaysOverdue > 0 {
					days = strconv.Itoa(it.DaysOverdue)
				}
				tb.Rows = append(tb.Rows, []string{it.Number, it.Title, it.Unit, days})
			}
			b.Table, b.Note = tb, l.MoreText(lang)
		}
		add(b)
	}
	return m
}

// rateText answers a rate of st as a percentage, "—" without a base.
func rateText(st *pingan.Stats, id string) string {
	if st == nil || st.Bases[id] <= 0 {
		return "—"
	}
	return percent(st.Rates[id])
}

// shortMonth answers YYYY-MM as a chart's label: "26-11".
func shortMonth(m string) string {
	if len(m) == 7 {
		return m[2:]
	}
	return m
}
