package web

import (
	"context"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 风险预警 (docs/briefings.md): the risks in control
// by level at the end of the period shown and their change over its twelve
// months (a chart), the warnings raised in its last month by level with
// those still open and those overdue, and this year's supervised tasks
// done, on schedule and behind — each figure with its formula on hover and
// a link to its list. From the counters of risks, warnings and tasks
// (BriefingService.RiskBoard); a part the reader's role may not read is
// left out, and the whole section when the dashboard is filtered (these
// figures count matters, not cases) or nothing is counted.

// riskSection is the section's figures.
type riskSection struct {
	Month    string // YYYY-MM
	Year     int
	Levels   []riskLevelCell // in control now, by level
	Chart    template.HTML
	Warnings []warningLevelCell // nil when left out
	Tasks    *taskCells         // nil when left out
}

// riskLevelCell is the risks in control of a level, with their change
// over the twelve months and the ledger's link.
type riskLevelCell struct {
	Level      string
	Open, Then int64 // at the end of the month shown, and twelve months before
	Href       string
}

// Change answers Open − Then with its sign, "±0" when equal.
func (c riskLevelCell) Change() string {
	switch d := c.Open - c.Then; {
	case d > 0:
		return fmt.Sprintf("+%d", d)
	case d < 0:
		return fmt.Sprint(d)
	}
	return "±0"
}

// warningLevelCell is the warnings of a level raised in the month.
type warningLevelCell struct {
	Level                 string
	Raised, Open, Overdue int64
	Href, OpenHref        string
}

// taskCells are the year's tasks: done, open on schedule, behind.
type taskCells struct {
	Done, OnSchedule, Behind int64
}

// riskColours are the stroke colours of the levels' lines.
var riskColours = map[string]string{pingan.RiskRed: "#c62828", pingan.RiskOrange: "#ef6c00", pingan.RiskYellow: "#c9a400",
	pingan.RiskBlue: "#1565c0"}

// dashRisks fills the section of the dashboard d.
func (s *Server) dashRisks(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter) error {
	if s.briefings == nil || fl.Any() || !d.Unit.Level.Administrative() {
		return nil
	}
	at := d.Period.To.Add(-time.Second)
	if now := s.clock.Now(); now.Before(at) {
		at = now
	}
	b, err := s.briefings.RiskBoard(ctx, u, d.Unit.Code, at)
	if c := pingan.ErrorCode(err); c == pingan.EFORBIDDEN || c == pingan.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	sec := buildRiskSection(v, b)
	if sec != nil {
		d.Risks = sec
	}
	return nil
}

// buildRiskSection answers the section of the board, nil when it counts
// nothing.
func buildRiskSection(v *view, b *pingan.RiskBoard) *riskSection {
	sec := &riskSection{Month: b.Month, Year: b.Year}
	counted := false
	if b.Risks != nil {
		var months []string
		open := map[string][]int64{}
		for _, m := range b.Risks {
			if len(months) == 0 || months[len(months)-1] != m.Month {
				months = append(months, m.Month)
			}
			open[m.Level] = append(open[m.Level], m.Open)
			counted = counted || m.Open != 0 || m.Registered != 0
		}
		for _, l := range pingan.RiskLevels {
			series := open[l]
			c := riskLevelCell{Level: l, Href: "/risks?" + url.Values{"unit": {b.Unit}, "level": {l}, "status": {"open"}}.Encode()}
			if len(series) > 0 {
				c.Open, c.Then = series[len(series)-1], series[0]
			}
			sec.Levels = append(sec.Levels, c)
		}
		sec.Chart = riskLevelsSVG(v, months, open)
	}
	if b.Warnings != nil {
		for _, w := range b.Warnings {
			q := url.Values{"unit": {b.Unit}, "level": {w.Level}}
			oq := url.Values{"unit": {b.Unit}, "level": {w.Level}, "state": {"open"}}
			sec.Warnings = append(sec.Warnings, warningLevelCell{Level: w.Level, Raised: w.Raised, Open: w.Open, Overdue: w.Overdue,
				Href: "/warnings?" + q.Encode(), OpenHref: "/warnings?" + oq.Encode()})
			counted = counted || w.Raised != 0
		}
	}
	if t := b.Tasks; t != nil {
		sec.Tasks = &taskCells{Done: t.Quantified.Done + t.Deployment.Done, OnSchedule: t.Quantified.OnSchedule() + t.Deployment.OnSchedule(),
			Behind: t.Quantified.Behind + t.Deployment.Behind}
		counted = counted || t.Quantified.Issued+t.Deployment.Issued != 0
	}
	if !counted {
		return nil
	}
	return sec
}

// riskLevelsSVG draws the risks in control by level at the end of each
// month: a line a level, in its colour, with the counts on hover.
func riskLevelsSVG(v *view, months []string, open map[string][]int64) template.HTML {
	const w, h, left, right, top, bottom = 720.0, 220.0, 44.0, 16.0, 16.0, 40.0
	maxN := 1
	for _, s := range open {
		for _, n := range s {
			maxN = max(maxN, int(n))
		}
	}
	maxN = niceCeil(maxN)
	title := v.T("dash.risks.chart")
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="risk-chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w, h, esc(title), esc(title))
	plotW, plotH := w-left-right, h-top-bottom
	for i := 0; i <= 4; i++ {
		y := top + plotH*float64(i)/4
		fmt.Fprintf(&b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/>`, left, y, w-right, y)
		fmt.Fprintf(&b, `<text class="axis" x="%g" y="%.1f" text-anchor="end">%d</text>`, left-6, y+4, maxN*(4-i)/4)
	}
	n := len(months)
	if n == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	slot := plotW / float64(n)
	for i, m := range months {
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%g" text-anchor="middle">%s</text>`, left+slot*(float64(i)+0.5), h-bottom+16, esc(m[2:]))
	}
	for li, l := range pingan.RiskLevels {
		name := v.T("warning.level." + l)
		var pts []string
		for i, c := range open[l] {
			x, y := left+slot*(float64(i)+0.5), top+plotH*(1-float64(c)/float64(maxN))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %d</title></circle>`, x, y, riskColours[l], esc(months[i]), esc(name), c)
		}
		fmt.Fprintf(&b, `<polyline class="level-%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>`, l, riskColours[l], strings.Join(pts, " "))
		lx := left + float64(li)*110
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="3"/><text class="axis" x="%g" y="%g">%s</text>`,
			lx, h-7, lx+18, h-7, riskColours[l], lx+22, h-3, esc(name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
