package web

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 重点场所检查 (docs/sites.md): the inspections of
// key sites due in the last month of the period, those done, 按期检查率 (of
// the due, done by their day) and those overdue, for the unit shown and
// each unit under it with numbers (the responsible departments), from the
// counters of the register (SiteService.InspectionFigures). Left out when
// the dashboard is filtered (these count inspections, not cases), the
// reader may not read the register, or nothing is counted.

// siteSection is the section's figures.
type siteSection struct {
	Month string // YYYY-MM
	Total siteRow
	Rows  []siteRow
}

// siteRow is a line of the table: a unit's numbers of the month.
type siteRow struct {
	Name, Code                 string
	Due, Done, OnTime, Overdue int64
	Rate                       string // 按期检查率, "—" when nothing was due
	Href, OverdueHref          string
}

// siteRowOf answers the line of a figure.
func siteRowOf(f *pingan.InspectionFigure) siteRow {
	r := siteRow{Name: f.Name, Code: f.Unit, Due: f.Due, Done: f.Done, OnTime: f.OnTime, Overdue: f.Overdue, Rate: "—",
		Href:        "/sites?" + url.Values{"department": {f.Unit}}.Encode(),
		OverdueHref: "/sites?" + url.Values{"department": {f.Unit}, "overdue": {"1"}}.Encode()}
	if rate, ok := f.OnTimeRate(); ok {
		r.Rate = fmt.Sprintf("%.1f%%", rate)
	}
	return r
}

// dashSites fills the section of the dashboard d.
func (s *Server) dashSites(ctx context.Context, u *pingan.User, d *dashData, fl dashFilter) error {
	if s.sites == nil || fl.Any() || !u.May(pingan.CapSites) {
		return nil
	}
	at := d.Period.To.Add(-time.Second)
	if now := s.clock.Now(); now.Before(at) {
		at = now
	}
	month := at.In(pingan.CST).Format("2006-01")
	total, rows, err := s.sites.InspectionFigures(ctx, u, d.Unit.Code, month)
	if c := pingan.ErrorCode(err); c == pingan.EFORBIDDEN || c == pingan.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if total.Due == 0 && total.Done == 0 && total.Overdue == 0 {
		return nil
	}
	sec := &siteSection{Month: month, Total: siteRowOf(total)}
	// The counters follow the sites' departments (dept_path), and so do the links.
	sec.Total.Href, sec.Total.OverdueHref = "/sites?"+url.Values{"department": {d.Unit.Code}}.Encode(),
		"/sites?"+url.Values{"department": {d.Unit.Code}, "overdue": {"1"}}.Encode()
	for _, r := range rows {
		sec.Rows = append(sec.Rows, siteRowOf(r))
	}
	d.Sites = sec
	return nil
}
