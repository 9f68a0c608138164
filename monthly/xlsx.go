package monthly

import (
	"bytes"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// XLSX writes r as a workbook in lang, one sheet per table, numbers as
// numbers: the summary, the key figures, the trend, the kinds, the
// categories, the units below, the handling units (when read), the
// ranking and the 问题清单.
func XLSX(lang pingan.Lang, r *Report) ([]byte, error) {
	sheets := Sheets(lang, r)
	var buf bytes.Buffer
	if err := sheet.Write(&buf, sheets[0], sheets[1:]...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Sheets answers the sheets of r's workbook in lang.
func Sheets(lang pingan.Lang, r *Report) []sheet.Sheet {
	tr := func(key string, args ...any) string { return t(lang, key, args...) }
	filters := []sheet.Line{{Label: tr("monthly.filter.unit"), Value: r.UnitName},
		{Label: tr("monthly.filter.month"), Value: MonthWords(lang, r.Month)},
		{Label: tr("monthly.filter.generated"), Value: dateTime(lang, r.GeneratedAt)}}
	title := r.Title(lang)
	named := func(sec string) sheet.Sheet {
		return sheet.Sheet{Name: tr("monthly.sec." + sec), Title: title + " " + tr("monthly.sec."+sec), Filters: filters}
	}

	summary := named("summary")
	summary.Header = []string{tr("monthly.sec.summary")}
	for _, p := range r.Summary(lang) {
		summary.Rows = append(summary.Rows, []sheet.Cell{sheet.Text(p)})
	}
	summary.Notes = []string{tr("monthly.cohort")}

	figs := named("figures")
	figs.Header = []string{tr("monthly.col.figure"), tr("monthly.col.cur"), tr("monthly.col.prev"), tr("monthly.col.mom"),
		tr("monthly.col.yoy_value"), tr("monthly.col.yoy")}
	for _, f := range r.Figures {
		row := []sheet.Cell{sheet.Text(tr("monthly.fig." + f.ID)), figCell(f, f.Cur, f.HasCur)}
		if !f.Now {
			mom, ok := f.MoM()
			row = append(row, figCell(f, f.Prev, f.HasPrev), changeCell(mom, ok))
			yoy, ok := f.YoYChange()
			row = append(row, figCell(f, f.YoY, f.HasYoY), changeCell(yoy, ok))
		}
		figs.Rows = append(figs.Rows, row)
	}
	figs.Notes = []string{tr("monthly.cohort")}

	trend := named("trend")
	trend.Header = []string{tr("monthly.col.month"), tr("monthly.col.reported"), tr("monthly.col.resolved"), tr("monthly.col.closed")}
	for _, p := range r.Trend {
		trend.Rows = append(trend.Rows, []sheet.Cell{sheet.Text(p.Month), sheet.Int(p.Reported), sheet.Int(p.Resolved), sheet.Int(p.Closed)})
	}

	out := []sheet.Sheet{summary, figs, trend}
	breakdown := func(sec, col string, lines []Line, name func(Line) string) sheet.Sheet {
		sh := named(sec)
		keyed := make([]sheet.Keyed, 0, len(lines))
		for _, l := range lines {
			keyed = append(keyed, sheet.Keyed{Code: l.Code, Name: name(l), Stats: l.Stats})
		}
		sh.Header, sh.Rows = sheet.Breakdown(lang, tr(col), keyed)
		return sh
	}
	plain := func(l Line) string { return l.Name }
	out = append(out, breakdown("kinds", "monthly.col.kind", r.Kinds, func(l Line) string { return tr("kind." + l.Code) }))
	cats := breakdown("categories", "monthly.col.category", r.Categories, plain)
	if r.MoreCategories > 0 {
		cats.Notes = []string{tr("monthly.categories.more", r.MoreCategories)}
	}
	out = append(out, cats, breakdown("units", "monthly.col.unit", r.Units, plain))
	if r.Handlers != nil {
		out = append(out, breakdown("handlers", "monthly.col.handler", r.Handlers, plain))
	}

	if len(r.Rankings) > 0 {
		rank := named("ranking")
		rank.Header = []string{tr("monthly.col.scheme"), tr("monthly.col.peers"), tr("monthly.col.rank"), tr("monthly.col.unit"),
			tr("monthly.col.total"), tr("monthly.col.grade"), tr("monthly.col.band"), tr("monthly.col.veto"), tr("monthly.col.prev_rank")}
		for _, rk := range r.Rankings {
			if !rk.Published {
				rank.Notes = append(rank.Notes, tr("monthly.rank.unpublished", rk.SchemeName))
				continue
			}
			for _, x := range rk.Results {
				veto := sheet.Cell{}
				if x.Vetoed {
					veto = sheet.Text(tr("monthly.yes"))
				}
				prev := sheet.Cell{}
				if x.PrevRank > 0 {
					prev = sheet.Int(x.PrevRank)
				}
				rank.Rows = append(rank.Rows, []sheet.Cell{sheet.Text(rk.SchemeName), sheet.Text(x.ParentName), sheet.Int(x.Rank),
					sheet.Text(x.UnitName), sheet.Float(x.Total), sheet.Text(x.Grade), sheet.Text(tr("assess.band." + string(x.Band))),
					veto, prev})
			}
		}
		out = append(out, rank)
	}

	issues := named("issues")
	issues.Header = []string{tr("monthly.col.list"), tr("monthly.col.number"), tr("monthly.col.title"), tr("monthly.col.unit"),
		tr("monthly.col.reported_at"), tr("monthly.col.days")}
	for _, l := range r.Issues {
		name := tr("monthly.issue." + l.Kind)
		for _, it := range l.Items {
			days := sheet.Cell{}
			if it.DaysOverdue > 0 {
				days = sheet.Int(it.DaysOverdue)
			}
			issues.Rows = append(issues.Rows, []sheet.Cell{sheet.Text(name), sheet.Text(it.Number), sheet.Text(it.Title),
				sheet.Text(it.Unit), sheet.Date(it.Reported.In(pingan.CST)), days})
		}
		if more := l.MoreText(lang); more != "" {
			issues.Notes = append(issues.Notes, name+tr("monthly.semicolon")+more)
		}
	}
	issues.Notes = append(issues.Notes, tr("monthly.issue.as_of", dateTime(lang, r.GeneratedAt)))
	return append(out, issues)
}

// MoreText answers how many more matters the list holds in words, "" when
// none.
func (l IssueList) MoreText(lang pingan.Lang) string {
	switch {
	case l.More > 0:
		return t(lang, "monthly.issue.more", l.More)
	case l.More < 0:
		return t(lang, "monthly.issue.more_many")
	}
	return ""
}

// figCell answers a figure's value as a cell: a count, a rate or "—".
func figCell(f Figure, v float64, has bool) sheet.Cell {
	switch {
	case !has:
		return sheet.NoRate()
	case f.Rate:
		return sheet.Rate(v)
	}
	return sheet.Int(int64(v))
}

// changeCell answers a change as a percentage (of a rate: the difference
// in points, as a fraction), "—" without a base.
func changeCell(c float64, ok bool) sheet.Cell {
	if !ok {
		return sheet.NoRate()
	}
	return sheet.Rate(c)
}

// dateTime answers t in China Standard Time in words.
func dateTime(lang pingan.Lang, at time.Time) string {
	at = at.In(pingan.CST)
	return t(lang, "monthly.datetime", at.Year(), int(at.Month()), at.Day(), at.Hour(), at.Minute())
}
