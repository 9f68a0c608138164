package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Account is a demo login to print.
type Account struct {
	Username string
	Name     string
	Unit     string
	Roles    []pingan.Role
	Note     string
}

// Crew is a grid with the accounts of the people who work it, for the
// list of sample grid workers.
type Crew struct {
	Grid, Name string
	Workers    []Account
}

// staff are the demo city's accounts by what they do.
type staff struct {
	named []Account
	users map[string]*pingan.User // by username
	// dispatcher of the centre (综治中心) of a city, county or township,
	// by the code of that unit.
	dispatcher map[string]*pingan.User
	handlers   map[string][]*pingan.User // by unit: every department and township
	leader     map[string]*pingan.User   // by unit: the city and every county
	crews      []Crew
	// mediators are the names of the mediators of each mediation
	// organisation, its head first (mediation.go).
	mediators map[string][]string
	created   int
	examples  map[string]string // the first username by prefix (d_, h_ …)
}

// namedAccounts are the accounts printed for people to log in with; for
// 酒泉 the usernames are those pingan has always printed.
func namedAccounts(ref reference, top *place, places map[string]*place, showcase *place) []Account {
	seat, town := places[ref.seat].unit, places[ref.town].unit
	city := top.level() == pingan.LevelCity
	level := "县级"
	if strings.HasSuffix(seat.Name, "区") {
		level = "区级"
	}
	r := func(roles ...pingan.Role) []pingan.Role { return roles }
	var out []Account
	out = append(out, Account{"admin", "系统管理员 赵敏", top.unit.Code, r(pingan.RoleAdmin), "管理单位、用户、类别"})
	// The security and the audit administrators (三权分立).
	out = append(out, Account{"secadmin", "安全管理员 冯岩", top.unit.Code, r(pingan.RoleSecAdmin), "分配角色、接口密钥、安全策略"})
	out = append(out, Account{"auditor", "审计管理员 褚红", top.unit.Code, r(pingan.RoleAuditor), "查阅审计日志"})
	if city {
		out = append(out, Account{"city_centre", "市综治中心 钱进", top.centre.Code, r(pingan.RoleDispatcher), "市级受理派遣"})
	}
	out = append(out, Account{ref.seatSlug + "_centre", seat.Name + "综治中心 孙丽", seat.Code + "-ZZ", r(pingan.RoleDispatcher), level + "受理派遣"})
	viewer := seat.Code
	if ref.second != "" {
		second := places[ref.second].unit
		out = append(out, Account{ref.secondSlug + "_centre", second.Name + "综治中心 李强", second.Code + "-ZZ", r(pingan.RoleDispatcher), "县级受理派遣"})
		viewer = second.Code
	}
	out = append(out,
		Account{ref.townSlug + "_centre", town.Name + "综治中心 周红", town.Code + "-ZZ", r(pingan.RoleDispatcher), "街道受理派遣"},
		Account{ref.seatSlug + "_justice", seat.Name + "司法局 吴刚", seat.Code + "-SF", r(pingan.RoleHandler), "处置单位"},
		Account{ref.seatSlug + "_housing", seat.Name + "住建局 郑伟", seat.Code + "-ZJ", r(pingan.RoleHandler), "处置单位"},
		Account{"gridworker", "网格员 王芳", showcase.unit.Code, r(pingan.RoleGridWorker), shortName(showcase.unit.Name) + "第1网格网格员"},
		Account{"mediator", "人民调解员 冯静", seat.Code + "-SF", r(pingan.RoleMediator, pingan.RoleHandler), "调解员"},
		Account{ref.seatSlug + "_leader", seat.Name + "领导 陈军", seat.Code, r(pingan.RoleLeader), "督办"},
	)
	if city {
		out = append(out, Account{"city_leader", "市领导 褚明", top.unit.Code, r(pingan.RoleLeader), "驾驶舱"})
	}
	return append(out,
		Account{"assessor", "考核办 卫东", top.unit.Code, r(pingan.RoleAssessor), "考核排名"},
		Account{"viewer", "观察员 蒋蓉", viewer, r(pingan.RoleViewer), "只读"},
	)
}

var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚",
		"建国", "建华", "秀英", "桂英", "玉兰", "志强", "海燕", "红梅", "晓东", "春生", "文斌", "丽娟", "永刚", "国庆", "雪梅", "德明", "淑珍", "海涛", "婷婷", "子豪"}
)

// personName answers a plausible Chinese name.
func personName(rng *rand.Rand) string {
	return string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]
}

// hire creates the accounts of the demo city: the named ones, a
// dispatcher for every centre, a handler for every department and
// township, a leader for every county, and grid workers for a sample of the
// grids — every grid of the showcase community gets its 网格长, 网格员 and
// 网格辅助员, every other village and community the 网格员 of its first
// grid (accounts for every grid worker of a city, thousands, would only
// slow the demo down). It fills the grids' workers.
func hire(ctx context.Context, svc Services, top *place, named []Account, showcase *place, rng *rand.Rand) (*staff, error) {
	s := &staff{named: named, users: map[string]*pingan.User{}, dispatcher: map[string]*pingan.User{},
		handlers: map[string][]*pingan.User{}, leader: map[string]*pingan.User{}, examples: map[string]string{}}
	add := func(username, name, unit string, roles ...pingan.Role) (*pingan.User, error) {
		u := &pingan.User{Username: username, Name: name, UnitCode: unit, Roles: roles}
		// CreateUser fills in the ID and the jurisdiction.
		if err := svc.Users.CreateUser(ctx, u, Password); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", username, err)
		}
		s.users[username] = u
		s.created++
		if i := strings.IndexByte(username, '_'); i == 1 && username[0] != 'g' {
			if _, ok := s.examples[username[:i+1]]; !ok {
				s.examples[username[:i+1]] = username
			}
		}
		return u, nil
	}
	// The named accounts by unit and role: the centres, counties and the
	// city they work in need no other.
	byUnit := map[string]*pingan.User{}
	for _, a := range named {
		u, err := add(a.Username, a.Name, a.Unit, a.Roles...)
		if err != nil {
			return nil, err
		}
		for _, r := range a.Roles {
			if _, ok := byUnit[a.Unit+" "+string(r)]; !ok {
				byUnit[a.Unit+" "+string(r)] = u
			}
		}
		if u.Has(pingan.RoleHandler) {
			s.handlers[a.Unit] = append(s.handlers[a.Unit], u)
		}
	}
	underscore := func(code string) string { return strings.ReplaceAll(code, "-", "_") }
	var err error
	top.walk(func(p *place) {
		if err != nil {
			return
		}
		if p.centre != nil {
			d := byUnit[p.centre.Code+" "+string(pingan.RoleDispatcher)]
			if d == nil {
				if d, err = add("d_"+underscore(p.centre.Code), p.centre.Name+" "+personName(rng), p.centre.Code, pingan.RoleDispatcher); err != nil {
					return
				}
			}
			s.dispatcher[p.unit.Code] = d
		}
		if p.level() == pingan.LevelCity || p.level() == pingan.LevelCounty {
			l := byUnit[p.unit.Code+" "+string(pingan.RoleLeader)]
			if l == nil {
				if l, err = add("l_"+p.unit.Code, p.unit.Name+"领导 "+personName(rng), p.unit.Code, pingan.RoleLeader); err != nil {
					return
				}
			}
			s.leader[p.unit.Code] = l
		}
		var acting []*pingan.Unit
		if p.level() == pingan.LevelCounty {
			for _, d := range departments {
				acting = append(acting, p.depts[d.suffix])
			}
		}
		if p.level() == pingan.LevelTownship {
			acting = append(acting, p.unit)
		}
		for _, u := range acting {
			var h *pingan.User
			if h, err = add("h_"+underscore(u.Code), u.Name+" "+personName(rng), u.Code, pingan.RoleHandler); err != nil {
				return
			}
			s.handlers[u.Code] = append([]*pingan.User{h}, s.handlers[u.Code]...)
		}
		if p.level() == pingan.LevelVillage && len(p.grids) > 0 {
			err = s.gridWorkers(p, p == showcase, add, rng)
		}
	})
	if err != nil {
		return nil, err
	}
	return s, s.hireMediators(top, add, rng) // mediation.go
}

// gridWorkers creates the grid workers of a village: for the showcase
// community a whole crew for each grid, for any other village the 网格员
// of its first grid, who reports from all its grids.
func (s *staff) gridWorkers(v *place, showcase bool, add func(username, name, unit string, roles ...pingan.Role) (*pingan.User, error), rng *rand.Rand) error {
	worker := func(g *gridPlace, u *pingan.User, position string) {
		g.grid.Workers = append(g.grid.Workers, pingan.GridWorker{UserID: u.ID, Name: u.Name, Position: position})
	}
	if !showcase {
		g := v.grids[0]
		u, err := add("g_"+g.grid.Code, "网格员 "+personName(rng), v.unit.Code, pingan.RoleGridWorker)
		if err != nil {
			return err
		}
		worker(g, u, pingan.GridMember)
		if s.examples["g_"] == "" {
			s.examples["g_"] = u.Username
		}
		for _, g := range v.grids {
			g.reporter = u
		}
		return nil
	}
	// 网格长: the community's cadre leads every grid of it.
	lead, err := add("gl_"+v.unit.Code, "网格长 "+personName(rng), v.unit.Code, pingan.RoleGridWorker)
	if err != nil {
		return err
	}
	for i, g := range v.grids {
		member := s.users["gridworker"]
		if i > 0 {
			if member, err = add("g_"+g.grid.Code, "网格员 "+personName(rng), v.unit.Code, pingan.RoleGridWorker); err != nil {
				return err
			}
		}
		helper, err := add("ga_"+g.grid.Code, "网格辅助员 "+personName(rng), v.unit.Code, pingan.RoleGridWorker)
		if err != nil {
			return err
		}
		worker(g, lead, pingan.GridLeader)
		worker(g, member, pingan.GridMember)
		worker(g, helper, pingan.GridAssistant)
		g.reporter = member
		crew := Crew{Grid: g.grid.Code, Name: g.grid.Name}
		for _, u := range []*pingan.User{lead, member, helper} {
			crew.Workers = append(crew.Workers, Account{Username: u.Username, Name: u.Name, Unit: u.UnitCode, Roles: u.Roles})
		}
		s.crews = append(s.crews, crew)
	}
	return nil
}
