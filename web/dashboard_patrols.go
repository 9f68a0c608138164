package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/url"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 网格巡查 (docs/patrols.md): the patrol coverage
// (巡查覆盖率 = points visited / points due, each point once a week) of the
// ISO weeks of the period shown, with check-ins and findings, and a table
// of the units one level down (or the grids of a village) that drills down
// the dashboard. From the patrols' counters (PatrolService.PatrolCoverage);
// left out when the dashboard is filtered (these figures count places,
// not cases) or nothing fell due.

// patrolSection is what the section's template is given.
type patrolSection struct {
	V       *view
	From    string // 2026-W10
	To      string
	Total   patrolRow
	Lines   []patrolRow
	ByGrid  bool
	Formula string
}

// patrolRow is a line of the section with its rate as shown.
type patrolRow struct {
	pingan.PatrolLine
	Percent string
	Formula string
	Href    string
}

var patrolSectionTemplate = template.Must(template.New("dashpatrols").Funcs(funcs).ParseFS(assets, "templates/dashboard_patrols.html"))

// dashPatrols answers the section 网格巡查 of the dashboard d, "" when it is
// left out.
func (s *Server) dashPatrols(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter) (template.HTML, error) {
	if s.patrols == nil || fl.Any() || !d.Unit.Level.Administrative() {
		return "", nil
	}
	from, to, ok := pingan.WeeksOf(d.Period.From, d.Period.To, s.clock.Now())
	if !ok {
		return "", nil
	}
	cv, err := s.patrols.PatrolCoverage(ctx, u, d.Unit.Code, from, to)
	if c := pingan.ErrorCode(err); c == pingan.EFORBIDDEN || c == pingan.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if cv.Total.Due == 0 && cv.Total.CheckIns == 0 {
		return "", nil
	}
	row := func(l pingan.PatrolLine, href string) patrolRow {
		out := patrolRow{PatrolLine: l, Percent: "—", Formula: v.T("patrol.dash.formula.none"), Href: href}
		if l.Rate != nil {
			out.Percent = fmt.Sprintf("%.1f%%", *l.Rate*100)
			out.Formula = v.T("patrol.dash.formula.value", l.Visited, l.Due, out.Percent)
		}
		return out
	}
	sec := &patrolSection{V: v, From: from.String(), To: to.String(), ByGrid: cv.ByGrid, Total: row(cv.Total, ""),
		Formula: v.T("patrol.dash.formula")}
	for _, l := range cv.Lines {
		href := ""
		if !cv.ByGrid {
			href = "/dashboard?" + url.Values{"unit": {l.Code}, "period": {d.Period.Kind}, "at": {d.At}}.Encode()
		}
		sec.Lines = append(sec.Lines, row(l, href))
	}
	var buf bytes.Buffer
	if err := patrolSectionTemplate.ExecuteTemplate(&buf, "dashpatrols", sec); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
