package web

import (
	"context"
	"net/url"
	"strconv"

	"github.com/pingan-gov/pingan"
)

// The pieces the dashboard's sections of one kind (矛盾纠纷化解, 信访) build
// their figures and tables with, the same for every such section.

// sectionCases answers the links of a section filtered by fl at the unit
// unitCode: each opens the inbox on the cases of the subtree of code
// reported in the period q, with the filters (the grid only at unitCode)
// and more.
func sectionCases(fl dashFilter, unitCode string) func(code string, q period, more url.Values) string {
	return func(code string, q period, more url.Values) string {
		qv := url.Values{}
		f := fl
		if code != unitCode {
			f.Grid = ""
		}
		f.set(qv)
		for k, vs := range more {
			qv[k] = vs
		}
		return casesLink(code, q, qv)
	}
}

// countMetric is a section's figure of the count id: n in the period, b in
// the one before and y a year before, linking to href.
func countMetric(v *view, id string, n, b, y int64, href string) metric {
	return metric{ID: id, Label: v.T("dash." + id), Value: strconv.FormatInt(n, 10),
		Formula: v.T("dash.formula." + id), Href: href,
		MoM: countDelta(int(n), int(b), b > 0), YoY: countDelta(int(n), int(y), y > 0)}
}

// rateMetric is a section's figure of the rate id, named prefix+id: its
// value in cur against prev (环比) and yoy (同比), linking to href.
func rateMetric(v *view, prefix, id string, cur, prev, yoy *pingan.Stats, href string) metric {
	rt := rateByID(id)
	cell := rateOf(cur, id, v.Lang)
	has := rateBase(cur, id) > 0
	return metric{ID: prefix + id, Label: v.T("dash.rate." + id), Value: cell.Text, Why: cell.Why,
		Formula: v.T("rate." + id + ".formula"), Num: countOf(cur, rt.Num), Base: cur.Bases[id], HasBase: has,
		Href: href,
		MoM:  rateDelta(cur.Rates[id], prev.Rates[id], has && rateBase(prev, id) > 0, rt.Good, v.T("dash.points")),
		YoY:  rateDelta(cur.Rates[id], yoy.Rates[id], has && rateBase(yoy, id) > 0, rt.Good, v.T("dash.points"))}
}

// childStats answers the units one level down of unit, less the centres,
// each with the numbers of its subtree filtered by fl (but the grid) in
// the period p, for a section's table by unit; nothing at a village.
// Units without numbers are left out.
func (s *Server) childStats(ctx context.Context, u *pingan.User, unit *pingan.Unit, fl dashFilter, p period) (
	[]*pingan.Unit, map[string]*pingan.Stats, error) {
	if unit.Level == pingan.LevelVillage {
		return nil, nil, nil
	}
	children, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: unit.Code})
	if err != nil {
		return nil, nil, err
	}
	cf := fl
	cf.Grid = ""
	byUnit, err := s.stats.StatsBy(ctx, u, cf.stats(unit.Code, p.From, p.To), pingan.ByUnit)
	if err != nil {
		return nil, nil, err
	}
	stOf := map[string]*pingan.Stats{}
	for _, st := range byUnit {
		stOf[st.Key] = st
	}
	var out []*pingan.Unit
	for _, c := range children {
		if c.Level == pingan.LevelCentre || stOf[c.Code] == nil {
			continue
		}
		out = append(out, c)
	}
	return out, stOf, nil
}

// kindLink is a dashboard's link filtered by kind.
func kindLink(href string, kind pingan.Kind) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	q := u.Query()
	q.Set("kind", string(kind))
	u.RawQuery = q.Encode()
	return u.String()
}
