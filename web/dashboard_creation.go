package web

import (
	"context"
	"fmt"
	"math"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 平安创建 (docs/assessment.md): for the year of the
// period shown, per county of the unit shown, the share of its townships
// designated 平安乡镇 and of its villages designated 平安村(社区) by the year's
// published assessment (创建比例, AssessService.CreationShares) — as 襄阳
// reports it, "平安乡镇创建比例 95%". Left out when nothing is designated,
// when the dashboard is filtered (a designation counts units, not cases),
// below a county and when the assessment is not offered.

// creationSection is the section's rows.
type creationSection struct {
	Year int
	Rows []*creationRow
	// All sums the rows, shown when there are several.
	All *creationRow
}

// creationRow is a county's 创建比例 of townships and of villages.
type creationRow struct {
	County, Name      string
	Township, Village creationShare
}

// creationShare is the units of a level designated over those assessed.
type creationShare struct{ Designated, Assessed int }

// Text is the share in whole percent, "95%"; "" when none was assessed.
func (c creationShare) Text() string {
	if c.Assessed == 0 {
		return ""
	}
	return fmt.Sprintf("%.0f%%", math.Round(float64(c.Designated)*100/float64(c.Assessed)))
}

// dashCreation fills the section of the dashboard d.
func (s *Server) dashCreation(ctx context.Context, u *pingan.User, d *dashData, fl dashFilter) error {
	unit := d.Unit
	switch {
	case s.assess == nil, fl.Any():
		return nil
	case unit.Level != pingan.LevelProvince && unit.Level != pingan.LevelCity && unit.Level != pingan.LevelCounty:
		return nil
	}
	// The counties of the unit shown: itself, a city's children, or
	// every county of the reader's jurisdiction above a city.
	var within map[string]bool
	switch unit.Level {
	case pingan.LevelCounty:
		within = map[string]bool{unit.Code: true}
	case pingan.LevelCity:
		children, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Parent: unit.Code})
		if err != nil {
			return err
		}
		within = map[string]bool{}
		for _, c := range children {
			within[c.Code] = true
		}
	}
	year := d.Period.From.Year()
	sec := &creationSection{Year: year, All: &creationRow{}}
	byCounty := map[string]*creationRow{}
	designated := false
	for _, level := range []pingan.Level{pingan.LevelTownship, pingan.LevelVillage} {
		shares, err := s.assess.CreationShares(ctx, u, year, level)
		if c := pingan.ErrorCode(err); c == pingan.EFORBIDDEN || c == pingan.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		for _, sh := range shares {
			if within != nil && !within[sh.County] || sh.Assessed == 0 {
				continue
			}
			row := byCounty[sh.County]
			if row == nil {
				row = &creationRow{County: sh.County, Name: sh.CountyName}
				byCounty[sh.County] = row
				sec.Rows = append(sec.Rows, row)
			}
			cell, all := &row.Township, &sec.All.Township
			if level == pingan.LevelVillage {
				cell, all = &row.Village, &sec.All.Village
			}
			cell.Designated += sh.Designated
			cell.Assessed += sh.Assessed
			all.Designated += sh.Designated
			all.Assessed += sh.Assessed
			designated = designated || sh.Designated > 0
		}
	}
	if !designated {
		return nil
	}
	if len(sec.Rows) < 2 {
		sec.All = nil
	}
	d.Creation = sec
	return nil
}
