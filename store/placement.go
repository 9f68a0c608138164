package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pingan-gov/pingan"
)

// placement is where a new case goes: its unit, its grid, and why.
type placement struct {
	unit      *pingan.Unit // administrative: where it happened
	grid      string
	ungridded bool
	sentence  string // zh-CN, then English in parentheses
}

// gridPlace is a grid with its village or community.
type gridPlace struct {
	code, name string
	unit       *pingan.Unit
}

// gridWithUnit answers the grid and its unit, or nil when there is none.
func (h *handle) gridWithUnit(ctx context.Context, tx *sql.Tx, code string) (*gridPlace, error) {
	s, err := h.stmt(ctx, tx, `SELECT g.code, g.name, u.code, u.name, u.level, COALESCE(u.parent_code, ''), u.path, u.region
		FROM grids g JOIN units u ON u.code = g.unit_code WHERE g.code = $1`)
	if err != nil {
		return nil, err
	}
	var g gridPlace
	var u pingan.Unit
	err = s.QueryRowContext(ctx, code).Scan(&g.code, &g.name, &u.Code, &u.Name, &u.Level, &u.ParentCode, &u.Path, &u.Region)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	g.unit = &u
	return &g, nil
}

// placeCase decides where a new case goes, adding to v what is wrong with
// its location, grid or unit (and answering nil then):
//
//  1. A position lying in a grid (geo.Index.Locate: the smallest code on a
//     shared border) places the case in that grid, and its unit becomes the
//     grid's village or community. A position in a grid outside the actor's
//     jurisdiction is refused (EINVALID "location").
//  2. A grid given explicitly must exist and lie in the actor's
//     jurisdiction ("grid"); it takes precedence over the position, and the
//     sentence says where the position lay.
//  3. A position lying in no grid is still accepted, flagged ungridded: at
//     the lowest unit whose known area (unit_areas) holds it — or at the
//     unit given when that lies inside such an area — else at the unit
//     given, else at the reporting user's unit. A unit's area without a
//     known boundary is only the union of its grids, which a position
//     outside every grid is outside of too.
//  4. Without a position or a grid, the unit given or the reporting user's.
//
// For a centre or department the administrative unit it serves is used.
func (h *handle) placeCase(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase, v *pingan.Invalid) (*placement, error) {
	sees := func(u *pingan.Unit) bool { return actor == nil || actor.Sees(u.Path) }
	loc := in.Location
	hasLoc := loc.Valid()
	var st *terrState
	var at *gridPlace
	var covering []string
	if hasLoc {
		st = h.territoryNow(ctx)
		covering = st.grids.Covering(loc.Lat, loc.Lng)
		if len(covering) > 0 {
			g, err := h.gridWithUnit(ctx, tx, covering[0])
			if err != nil {
				return nil, err
			}
			if g != nil && !sees(g.unit) {
				refuseOutside(v, loc)
				return nil, nil
			}
			at = g
		}
	}

	if code := strings.TrimSpace(in.Grid); code != "" {
		g, err := h.gridWithUnit(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		if g == nil || !sees(g.unit) {
			v.Add("grid", "placement.grid.unknown", code)
			return nil, nil
		}
		p := &placement{unit: g.unit, grid: g.code}
		zh := fmt.Sprintf("上报时指定网格 %s「%s」，案件归属其所在村/社区 %s %s", g.code, g.name, g.unit.Code, g.unit.Name)
		en := fmt.Sprintf("grid %s %s was given in the report, so the case belongs to its village or community %s", g.code, g.name, g.unit.Code)
		switch {
		case at != nil && at.code != g.code:
			zh += fmt.Sprintf("；上报位置 (%s) 在网格 %s 内", latLng(loc), at.code)
			en += fmt.Sprintf("; the position (%s) lies in grid %s", latLng(loc), at.code)
		case hasLoc && at == nil:
			zh += fmt.Sprintf("；上报位置 (%s) 不在任何网格内", latLng(loc))
			en += fmt.Sprintf("; the position (%s) lies in no grid", latLng(loc))
		}
		p.sentence = zh + " (" + en + ")"
		return p, nil
	}

	if at != nil {
		p := &placement{unit: at.unit, grid: at.code}
		var zh, en string
		if len(covering) > 1 {
			seen, others, err := h.gridsSeen(ctx, tx, covering, sees)
			if err != nil {
				return nil, err
			}
			zhList, enList := strings.Join(seen, "、"), strings.Join(seen, ", ")
			if others > 0 {
				zhList += fmt.Sprintf("及 %d 个相邻网格", others)
				enList += fmt.Sprintf(" and %d neighbouring grid(s)", others)
			}
			zh = fmt.Sprintf("位置 (%s) 在网格 %s 的共同边界上，按编码最小者归入网格 %s「%s」", latLng(loc), zhList, at.code, at.name)
			en = fmt.Sprintf("the position (%s) lies on the border shared by grids %s and goes to the smallest code, grid %s %s", latLng(loc), enList, at.code, at.name)
		} else {
			zh = fmt.Sprintf("位置 (%s) 在网格 %s「%s」内", latLng(loc), at.code, at.name)
			en = fmt.Sprintf("the position (%s) lies in grid %s %s", latLng(loc), at.code, at.name)
		}
		zh += fmt.Sprintf("，案件归属其所在村/社区 %s %s", at.unit.Code, at.unit.Name)
		en += fmt.Sprintf(", so the case belongs to its village or community %s", at.unit.Code)
		if given := strings.TrimSpace(in.Unit); given != "" && given != at.unit.Code {
			zh += fmt.Sprintf("（上报所填单位 %s 以位置为准）", given)
			en += fmt.Sprintf(" (the position prevails over the unit given, %s)", given)
		}
		p.sentence = zh + " (" + en + ")"
		return p, nil
	}

	// The unit given, or the reporter's own.
	given := strings.TrimSpace(in.Unit)
	code := given
	if code == "" && actor != nil {
		code = actor.UnitCode
	}
	var unit *pingan.Unit
	if code != "" {
		u, err := h.lookupUnit(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		if u != nil && (actor == nil || actor.Sees(u.Path) || code == actor.UnitCode) {
			if unit, err = h.lookupAdminUnit(ctx, tx, u); err != nil {
				return nil, err
			}
		}
	}

	if given != "" && unit == nil {
		v.Add("unit", "placement.unit.unknown", given)
		return nil, nil
	}
	if hasLoc {
		// The lowest unit whose known boundary holds the position.
		for i, ix := range st.areas {
			c, ok := ix.Locate(loc.Lat, loc.Lng)
			if !ok {
				continue
			}
			u, err := h.lookupUnit(ctx, tx, c)
			if err != nil {
				return nil, err
			}
			if u == nil {
				continue
			}
			if !sees(u) {
				refuseOutside(v, loc)
				return nil, nil
			}
			if given != "" && unit != nil && u.Contains(unit.Path) && unit.Code != u.Code {
				return &placement{unit: unit, ungridded: true, sentence: fmt.Sprintf(
					"位置 (%s) 不在任何网格内；它在 %s %s 的范围内，案件归属上报时指定的下级单位 %s %s (the position lies in no grid but in the area of %s; the case belongs to the unit given, %s, inside it)",
					latLng(loc), u.Code, u.Name, unit.Code, unit.Name, u.Code, unit.Code)}, nil
			}
			return &placement{unit: u, ungridded: true, sentence: fmt.Sprintf(
				"位置 (%s) 不在任何网格内，归入范围包含该位置的最低一级单位 %s %s（%s）(the position lies in no grid; the case belongs to %s, the lowest unit whose area holds it, a %s)",
				latLng(loc), u.Code, u.Name, levelName(areaLevels[i]), u.Code, areaLevels[i])}, nil
		}
	}

	if code == "" {
		v.Require("unit", "")
		return nil, nil
	}
	if unit == nil {
		v.Add("unit", "placement.unit.unknown", code)
		return nil, nil
	}
	p := &placement{unit: unit}
	whose, whoseEn := "上报时指定的单位", "the unit given in the report"
	if given == "" {
		whose, whoseEn = "上报人所在单位", "the reporting user's unit"
	}
	switch {
	case hasLoc:
		p.ungridded = true
		p.sentence = fmt.Sprintf("位置 (%s) 不在任何网格内，也不在已知范围的单位内，归入%s %s %s (the position lies in no grid and in no unit's known area; the case belongs to %s, %s)",
			latLng(loc), whose, unit.Code, unit.Name, whoseEn, unit.Code)
	default:
		p.sentence = fmt.Sprintf("未提供位置和网格，归入%s %s %s (no position or grid given; the case belongs to %s, %s)",
			whose, unit.Code, unit.Name, whoseEn, unit.Code)
	}
	return p, nil
}

// gridsSeen answers the codes of the grids the actor sees, in order, and
// how many others there are: a sentence about a border names no grid
// outside the reporter's jurisdiction.
func (h *handle) gridsSeen(ctx context.Context, tx *sql.Tx, codes []string, sees func(*pingan.Unit) bool) (seen []string, others int, err error) {
	for _, code := range codes {
		g, err := h.gridWithUnit(ctx, tx, code)
		if err != nil {
			return nil, 0, err
		}
		if g != nil && sees(g.unit) {
			seen = append(seen, code)
		} else {
			others++
		}
	}
	return seen, others, nil
}

// refuseOutside refuses a position in a grid or a unit's area that the
// reporter does not see. It names neither: a reporter learns no code or
// name of a place outside their jurisdiction.
func refuseOutside(v *pingan.Invalid, loc *pingan.Location) {
	v.Add("location", "placement.location.outside", latLng(loc))
}

// latLng writes a position for people: latitude, longitude.
func latLng(l *pingan.Location) string {
	return fmt.Sprintf("%.6f, %.6f", l.Lat, l.Lng)
}

// levelName is the zh-CN name of an administrative level.
func levelName(l pingan.Level) string {
	switch l {
	case pingan.LevelProvince:
		return "省"
	case pingan.LevelCity:
		return "市"
	case pingan.LevelCounty:
		return "县/区"
	case pingan.LevelTownship:
		return "乡镇/街道"
	case pingan.LevelVillage:
		return "村/社区"
	}
	return string(l)
}
