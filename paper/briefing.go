package paper

import (
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Briefing prints the week's briefing of a unit (周研判, docs/briefings.md)
// on the pages of a MonthlyDoc: the meeting when it was held, then the
// risks, the warnings, what is overdue, the trend and the decisions, in
// lang, printed at at. It names no person but the meeting's chair and
// attendees as the record gives them.
func (p *Printer) Briefing(b *pingan.Briefing, lang pingan.Lang, at time.Time) ([]byte, error) {
	if b == nil || b.Figures == nil {
		return nil, pingan.E(pingan.EINTERNAL, "print.nocase")
	}
	if lang == "" {
		lang = pingan.ZH
	}
	return p.Monthly(BriefingDoc(b, lang, at))
}

// BriefingDoc answers the document Briefing prints.
func BriefingDoc(b *pingan.Briefing, lang pingan.Lang, at time.Time) *MonthlyDoc {
	t := textIn(lang)
	f := b.Figures
	week := WeekText(lang, b.Week)
	state := t("briefing.state.draft")
	if b.Held {
		state = t("briefing.state.held")
	}
	stamp := at.In(pingan.CST).Format("2006-01-02 15:04")
	m := &MonthlyDoc{Lang: lang, Title: t("briefing.print.title", b.UnitName, week),
		Subtitle: t("briefing.print.subtitle", state, f.At.In(pingan.CST).Format("2006-01-02 15:04")),
		Header:   t("briefing.print.header", b.UnitName, week), Footer: t("briefing.print.footer", stamp), At: at}
	if b.Held && b.Meeting != nil {
		mt := b.Meeting
		paras := []string{t("briefing.meeting.line", mt.On, mt.Chair)}
		if mt.Attendees != "" {
			paras = append(paras, t("briefing.meeting.attendees", mt.Attendees))
		}
		if mt.Summary != "" {
			paras = append(paras, mt.Summary)
		}
		m.Blocks = append(m.Blocks, Block{Heading: t("briefing.h.meeting"), Paras: paras})
	}
	m.Blocks = append(m.Blocks, riskBlock(lang, f), warningBlock(lang, f), overdueBlock(lang, f), trendBlock(lang, f))
	if b.Held {
		m.Blocks = append(m.Blocks, decisionBlock(lang, b))
	}
	return m
}

// WeekText writes an ISO week as its year, number and days: 2026年第48周（11月23日—11月29日）.
func WeekText(lang pingan.Lang, week string) string {
	monday, err := pingan.ParseWeek(week)
	if err != nil {
		return week
	}
	y, n := monday.ISOWeek()
	sunday := monday.AddDate(0, 0, 6)
	return pingan.Text(lang, "briefing.week.text", y, n, int(monday.Month()), monday.Day(), int(sunday.Month()), sunday.Day())
}

type texter func(key string, args ...any) string

// textIn answers the catalogue's texts in lang.
func textIn(lang pingan.Lang) texter {
	return func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
}

// LevelCounts writes counts by level: 红色 4、橙色 3.
func LevelCounts(lang pingan.Lang, ls []pingan.BriefingLevel) string {
	t := textIn(lang)
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = t("warning.level."+l.Level) + " " + strconv.FormatInt(l.Count, 10)
	}
	return strings.Join(parts, t("briefing.sep"))
}

func riskBlock(lang pingan.Lang, f *pingan.BriefingFigures) Block {
	t := textIn(lang)
	b := Block{Heading: t("briefing.h.risks")}
	if left(f, "risks") {
		b.Note = t("briefing.left_out")
		return b
	}
	b.Paras = []string{t("briefing.risks.line", f.RiskTotal(pingan.RiskRegister), f.RiskTotal(pingan.RiskChangeLevel),
		f.RiskTotal(pingan.RiskReview), f.RiskTotal(pingan.RiskResolve), f.OpenTotal(), LevelCounts(lang, f.OpenRisks))}
	if len(f.Risks) > 0 {
		tb := &Table{Header: []string{t("briefing.col.risk"), t("briefing.col.level"), t("briefing.col.status"), t("briefing.col.steps")},
			Widths: []float64{3.4, 1.2, 1, 2.2}}
		for _, r := range f.Risks {
			steps := make([]string, len(r.Steps))
			for i, s := range r.Steps {
				steps[i] = t("briefing.step." + s)
			}
			tb.Rows = append(tb.Rows, []string{r.Title, t("warning.level." + r.Level), t("briefing.status." + r.Status),
				strings.Join(steps, t("briefing.sep"))})
		}
		b.Table = tb
	}
	if f.MoreRisks > 0 {
		b.Note = t("briefing.risks.more", f.MoreRisks)
	}
	return b
}

func warningBlock(lang pingan.Lang, f *pingan.BriefingFigures) Block {
	t := textIn(lang)
	b := Block{Heading: t("briefing.h.warnings")}
	if left(f, "warnings") {
		b.Note = t("briefing.left_out")
		return b
	}
	raised, open := f.WarningTotals()
	b.Paras = []string{t("briefing.warnings.line", raised, open)}
	if len(f.Warnings) > 0 {
		tb := &Table{Header: []string{t("briefing.col.level"), t("briefing.col.rule"), t("briefing.col.raised"), t("briefing.col.open")},
			Align: []string{"L", "L", "R", "R"}}
		for _, w := range f.Warnings {
			tb.Rows = append(tb.Rows, []string{t("warning.level." + w.Level), t("warning.kind." + w.RuleKind),
				strconv.FormatInt(w.Raised, 10), strconv.FormatInt(w.Open, 10)})
		}
		b.Table = tb
	}
	return b
}

// OverdueLines are the lines of what is overdue, by message key, in the
// order of the page and the print.
func OverdueLines(f *pingan.BriefingFigures) []struct {
	Key string
	N   int64
} {
	o := f.Overdue
	return []struct {
		Key string
		N   int64
	}{{"briefing.overdue.cases", o.Cases}, {"briefing.overdue.risks", o.Risks}, {"briefing.overdue.warnings", o.Warnings},
		{"briefing.overdue.behind", o.Behind}, {"briefing.overdue.missed", o.Missed}}
}

func overdueBlock(lang pingan.Lang, f *pingan.BriefingFigures) Block {
	t := textIn(lang)
	tb := &Table{Header: []string{t("briefing.col.matter"), t("briefing.col.count")}, Widths: []float64{4, 1}, Align: []string{"L", "R"}}
	for _, l := range OverdueLines(f) {
		tb.Rows = append(tb.Rows, []string{t(l.Key), strconv.FormatInt(l.N, 10)})
	}
	return Block{Heading: t("briefing.h.overdue"), Table: tb}
}

// TrendText answers a trend's change as words: 上升 200.0%, 持平, 下降 50.0%,
// or 新增 when nothing was reported before.
func TrendText(lang pingan.Lang, tr pingan.BriefingTrend) string {
	switch {
	case tr.Dir == pingan.TrendFlat:
		return pingan.Text(lang, "briefing.trend.flat")
	case !tr.HasPct:
		return pingan.Text(lang, "briefing.trend.new")
	case tr.Dir == pingan.TrendUp:
		return pingan.Text(lang, "briefing.trend.up", strconv.FormatFloat(tr.Percent, 'f', 1, 64))
	default:
		return pingan.Text(lang, "briefing.trend.down", strconv.FormatFloat(-tr.Percent, 'f', 1, 64))
	}
}

// TrendName answers the name of a trend's line: the kind's or the category's.
func TrendName(lang pingan.Lang, tr pingan.BriefingTrend) string {
	if tr.Dim == "kind" {
		return pingan.Text(lang, "kind."+tr.Key)
	}
	if tr.Name != "" {
		return tr.Name
	}
	return tr.Key
}

func trendBlock(lang pingan.Lang, f *pingan.BriefingFigures) Block {
	t := textIn(lang)
	b := Block{Heading: t("briefing.h.trends"), Note: t("briefing.trend.formula", pingan.BriefingTrendWeeks)}
	if len(f.Trends) == 0 {
		b.Paras = []string{t("briefing.trend.none")}
		return b
	}
	tb := &Table{Header: []string{t("briefing.col.dim"), t("briefing.col.name"), t("briefing.col.week"), t("briefing.col.average"), t("briefing.col.change")},
		Widths: []float64{1, 2.4, 1, 1.3, 1.5}, Align: []string{"L", "L", "R", "R", "L"}}
	for _, tr := range f.Trends {
		tb.Rows = append(tb.Rows, []string{t("briefing.dim." + tr.Dim), TrendName(lang, tr), strconv.FormatInt(tr.Week, 10),
			strconv.FormatFloat(tr.Average, 'f', 1, 64), TrendText(lang, tr)})
	}
	b.Table = tb
	return b
}

func decisionBlock(lang pingan.Lang, b *pingan.Briefing) Block {
	t := textIn(lang)
	blk := Block{Heading: t("briefing.h.decisions")}
	if len(b.Decisions) == 0 {
		blk.Paras = []string{t("briefing.decisions.none")}
		return blk
	}
	tb := &Table{Header: []string{t("briefing.col.seq"), t("briefing.col.decision"), t("briefing.col.lead"), t("briefing.col.task")},
		Widths: []float64{0.6, 4, 1.6, 1.2}, Align: []string{"R", "L", "L", "L"}}
	for _, d := range b.Decisions {
		task := t("briefing.task.none")
		if d.TaskID != 0 {
			task = t("briefing.task.no", d.TaskID)
		}
		tb.Rows = append(tb.Rows, []string{strconv.Itoa(d.Seq), d.Text, d.LeadName, task})
	}
	blk.Table = tb
	return blk
}

func left(f *pingan.BriefingFigures, part string) bool {
	for _, p := range f.LeftOut {
		if p == part {
			return true
		}
	}
	return false
}
