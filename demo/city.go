package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/importer"
)

// divisionData is the official division data (统计用区划代码) of the five
// reference deployments, as importer.WriteDivisionSubset cut it from the
// National Bureau of Statistics release.
//
//go:embed divisions/*.csv
var divisionData embed.FS

// reference is a city the demo can build: one of pingan's reference
// deployments, with where it lies and which of its units the printed
// accounts work in.
type reference struct {
	code string // the city's GB/T 2260 code, or the county's for 黔江区
	// The box the territory is laid out in: centred on the seat, about the
	// size of the real city (smaller for the vast western ones).
	lat, lng, dlat, dlng float64
	seat, second         string // the counties of the named accounts; second may be ""
	town                 string // a township (街道) of the seat
	// Pinyin of the seat, the second county and the town, for usernames.
	seatSlug, secondSlug, townSlug string
}

// references are the five reference deployments; the first is the default.
var references = []reference{
	{"620900", 39.74, 98.51, 1.4, 2.0, "620902", "620921", "620902001", "suzhou", "jinta", "dongbei"},
	{"150800", 40.76, 107.40, 1.2, 2.6, "150802", "150821", "150802001", "linhe", "wuyuan", "tuanjie"},
	{"140500", 35.49, 112.85, 1.0, 1.3, "140502", "140525", "140502001", "chengqu", "zezhou", "dongjie"},
	{"420600", 32.01, 112.14, 1.3, 2.0, "420602", "420606", "420602002", "xiangcheng", "fancheng", "gucheng"},
	{"500114", 29.53, 108.77, 0.45, 0.5, "500114", "", "500114001", "qianjiang", "", "chengdong"},
}

// DefaultCity is the code of the city `pingan demo` builds unless told
// otherwise: 酒泉市.
const DefaultCity = "620900"

// Cities lists the codes of the cities the demo can build: 酒泉 620900,
// 巴彦淖尔 150800, 晋城 140500, 襄阳 420600 and 重庆市黔江区 500114.
func Cities() []string {
	out := make([]string, len(references))
	for i, r := range references {
		out[i] = r.code
	}
	return out
}

func referenceOf(code string) (reference, error) {
	for _, r := range references {
		if r.code == code {
			return r, nil
		}
	}
	// The list of cities is written for each language; each text shows its own.
	return reference{}, &pingan.Error{Code: pingan.EINVALID,
		Msg:    pingan.Msg("demo.city.choice", strings.Join(Cities(), "、"), strings.Join(Cities(), ", ")),
		Fields: map[string]pingan.Message{"city": pingan.Msg("demo.city.unknown", code)}}
}

// departments (职能部门) the demo sets up under every county, by the
// suffix of their codes.
var departments = []struct{ suffix, name string }{
	{"GA", "公安局"},
	{"ZJ", "住房和城乡建设局"},
	{"SF", "司法局"},
	{"SJ", "市场监督管理局"},
	{"YJ", "应急管理局"},
	{"RS", "人力资源和社会保障局"},
}

// place is an administrative unit of the demo city with what the demo
// hangs on it: its centre (综治中心), departments, area and grids.
type place struct {
	unit     *pingan.Unit
	parent   *place
	children []*place
	centre   *pingan.Unit            // city, county and township
	depts    map[string]*pingan.Unit // county: by suffix (GA, ZJ …)
	bound    orb.Bound
	grids    []*gridPlace // village or community
	// orgs are the mediation organisations it hosts (调解组织, mediation.go).
	orgs []*pingan.Unit
}

func (p *place) level() pingan.Level { return p.unit.Level }

// county answers the county the place lies in (itself for a county), nil
// above counties.
func (p *place) county() *place {
	for q := p; q != nil; q = q.parent {
		if q.level() == pingan.LevelCounty {
			return q
		}
	}
	return nil
}

// township answers the township of a village (itself for a township).
func (p *place) township() *place {
	for q := p; q != nil; q = q.parent {
		if q.level() == pingan.LevelTownship {
			return q
		}
	}
	return nil
}

// walk calls fn for p and every place under it, parents first, in code
// order.
func (p *place) walk(fn func(*place)) {
	fn(p)
	for _, c := range p.children {
		c.walk(fn)
	}
}

// suffix answers the number after the parent's part of a statistical code:
// 001–099 for a 街道, 100–199 a 镇, 200–399 a 乡; for villages 001–199 a
// residents' committee (居委会, a community), 200–399 a villagers'
// committee (村委会), 400–599 a unit like them (开发区、农场 …).
func suffix(code string) int {
	n := 0
	if len(code) >= 3 {
		for _, c := range code[len(code)-3:] {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

// community reports whether a village-level unit is an urban community
// (社区) rather than a village (村): codes 001–199, and 400–499 (a
// community-like unit: a development zone, an industrial park).
func community(p *place) bool {
	s := suffix(p.unit.Code)
	return s < 200 || (s >= 400 && s < 500)
}

// park reports whether a village-level unit is a development zone or
// industrial park and the like (codes 400–499): its grids are all
// dedicated (专属网格).
func park(p *place) bool {
	s := suffix(p.unit.Code)
	return s >= 400 && s < 500
}

// shortName drops the committee from a village's name: 民主街社区居委会 →
// 民主街社区, 中渠村委会 → 中渠村.
func shortName(name string) string {
	for _, s := range []string{"社区居民委员会", "社区居委会", "居民委员会", "居委会", "村民委员会", "村委会"} {
		if base, ok := strings.CutSuffix(name, s); ok {
			switch s {
			case "社区居民委员会", "社区居委会":
				return base + "社区"
			case "居民委员会", "居委会":
				if strings.HasSuffix(base, "社区") {
					return base
				}
				return base + "社区"
			}
			if strings.HasSuffix(base, "村") {
				return base
			}
			return base + "村"
		}
	}
	return name
}

// territory reads the reference city from the shipped division data and
// answers its tree, every unit to import (the city as the root, so that
// nothing is escalated above it), and the places by unit code.
func territory(ref reference) (*place, []*pingan.Unit, map[string]*place, error) {
	sub, err := fs.Sub(divisionData, "divisions")
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := importer.DivisionsFS(sub, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("demo divisions: %w", err)
	}
	byCode := map[string]*place{}
	var top *place
	for _, u := range all { // parents come before their children
		switch parent := byCode[u.ParentCode]; {
		case u.Code == ref.code:
			top = &place{unit: &pingan.Unit{Code: u.Code, Name: u.Name, Level: u.Level}}
			byCode[u.Code] = top
		case parent != nil:
			p := &place{unit: &pingan.Unit{Code: u.Code, Name: u.Name, Level: u.Level, ParentCode: u.ParentCode}, parent: parent}
			parent.children = append(parent.children, p)
			byCode[u.Code] = p
		}
	}
	if top == nil {
		return nil, nil, nil, fmt.Errorf("demo divisions: %s is not in the shipped data", ref.code)
	}
	var units []*pingan.Unit
	top.walk(func(p *place) {
		slices.SortFunc(p.children, func(a, b *place) int { return strings.Compare(a.unit.Code, b.unit.Code) })
		units = append(units, p.unit)
		switch p.level() {
		case pingan.LevelCity, pingan.LevelCounty, pingan.LevelTownship:
			p.centre = &pingan.Unit{Code: p.unit.Code + "-ZZ", Name: p.unit.Name + "综治中心", Level: pingan.LevelCentre, ParentCode: p.unit.Code}
			units = append(units, p.centre)
			byCode[p.centre.Code] = p
		}
		if p.level() == pingan.LevelCounty {
			p.depts = map[string]*pingan.Unit{}
			for _, d := range departments {
				name := p.unit.Name + d.name
				if d.suffix == "GA" && strings.HasSuffix(p.unit.Name, "区") {
					name = p.unit.Name + "公安分局"
				}
				u := &pingan.Unit{Code: p.unit.Code + "-" + d.suffix, Name: name, Level: pingan.LevelDepartment, ParentCode: p.unit.Code}
				p.depts[d.suffix] = u
				units = append(units, u)
				byCode[u.Code] = p
			}
		}
	})
	units = append(units, addMediationOrgs(top, byCode)...) // mediation.go
	for _, code := range []string{ref.seat, ref.second, ref.town} {
		if code != "" && byCode[code] == nil {
			return nil, nil, nil, fmt.Errorf("demo divisions: %s lacks %s", ref.code, code)
		}
	}
	return top, units, byCode, nil
}
