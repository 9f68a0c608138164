// Package demo builds a believable demo city from the official division
// data of one of pingan's reference deployments (酒泉 620900 by default;
// 巴彦淖尔 150800, 晋城 140500, 襄阳 420600, 重庆市黔江区 500114): the city,
// its counties, townships, villages and communities; a centre (综治中心)
// under the city, each county and each township; departments under each
// county; grids tiling every village and community, with a few dedicated
// ones for schools, markets and industrial parks; accounts for every role;
// and a year of cases that went through the whole loop — seasonal, most
// closed on time, some overdue and escalated, supervised, extended,
// suspended, rated dissatisfied and reopened, the latest still open in every
// status — written through the same services the server uses, on a clock
// that walks through the city's history. The same seed and the same last
// day give the same city, case for case.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pingan-gov/pingan"
)

// Services are what the demo writes through: the services the server
// uses (cmd/pingan hands it the store's).
type Services struct {
	Units      pingan.UnitService
	Users      Users
	Categories pingan.CategoryService
	Grids      pingan.GridService
	Cases      pingan.CaseService
	Stats      pingan.StatsService
	Escalator  pingan.Escalator
	// Campaigns writes the demo's campaigns and visits (campaign.go); none when nil.
	Campaigns pingan.CampaignService
	// Patrols writes the demo's patrol points and patrols (patrols.go); none when nil.
	Patrols pingan.PatrolService
	// Sites writes the demo's key sites and their inspections (sites.go); none when nil.
	Sites pingan.SiteService
	// Petitions gives the petitions' documents their numbers and texts
	// (petition.go); the demo numbers them itself when nil.
	Petitions pingan.PetitionService
	// Receptions writes the leaders' reception days and records
	// (reception.go); none when nil.
	Receptions pingan.ReceptionService
	// Schemes and Assess write the demo's assessment (assess.go); none
	// when either is nil.
	Schemes pingan.SchemeService
	Assess  pingan.AssessService
	// Tasks writes the demo's supervised work tasks (tasks.go); none when nil.
	Tasks pingan.TaskService
	// Risks and Stability write the demo's risk ledger and 稳评 (risks.go);
	// none when Risks is nil.
	Risks     pingan.RiskService
	Stability pingan.StabilityService
	// Warnings raises and handles the demo's warnings (warnings.go); none
	// when nil.
	Warnings Warnings
	// Briefings holds the demo's weekly 研判 (briefings.go); none when nil.
	Briefings pingan.BriefingService
	// Monitor keeps the sensors of the hazard-source enterprises and their
	// readings (monitor.go); none when nil.
	Monitor pingan.MonitorService
	// Retention is the retention of personal data, which the bulk cases
	// closed long ago have met (bulk.go); its defaults when nil.
	Retention pingan.RetentionService
}

// Users is the user service, with the lookup of an account by name.
type Users interface {
	pingan.UserService
	// UserByUsername answers an account with its jurisdiction filled in.
	UserByUsername(ctx context.Context, username string) (*pingan.User, error)
}

// Password of every demo account. The demo is for trying pingan out, never
// for real data.
const Password = "Pingan-demo"

// Options of a demo city.
type Options struct {
	City string // code of the reference city; DefaultCity when empty
	Seed uint64
	Days int // of history; default 365
	// Cases is about how many cases are reported over Days; by default a
	// number that grows with the city (about 2,500 a year for 酒泉).
	Cases int
	// Now is the end of the history; the start of today (in China) when
	// zero. The history covers the Days days before it.
	Now time.Time
}

// City is what Seed built (or found).
type City struct {
	Code, Name string
	Accounts   []Account
	// Crews are the grids whose workers have accounts, each with them: the
	// showcase community's. Every other village and community has an
	// account for the 网格员 of its first grid (g_<grid code>).
	Crews []Crew
	// Examples are a username of each kind of account not listed, by its
	// prefix: d_ (dispatcher), h_ (handler), l_ (leader), g_ (grid worker).
	Examples map[string]string
	// Existing is set when the database held a demo city already; it is
	// left as it was, and only Code, Name and Accounts are filled.
	Existing bool

	Units int
	Grids map[pingan.GridType]int
	Users int
	Cases map[pingan.Status]int
	// From and To bound the history.
	From, To time.Time
}

// city is the demo city while it is built.
type city struct {
	ref      reference
	top      *place
	places   map[string]*place // by unit code; a centre or department answers its unit's place
	units    []*pingan.Unit
	grids    []*gridPlace
	showcase *place // the community whose grids have their whole crews
	staff    *staff
}

// Seed writes the demo city and answers what it built. A database that
// already holds a demo city is left as it is (City.Existing).
func Seed(ctx context.Context, svc Services, clock *Clock, opt Options) (*City, error) {
	if opt.City == "" {
		opt.City = DefaultCity
	}
	if opt.Days <= 0 {
		opt.Days = 365
	}
	if opt.Now.IsZero() {
		opt.Now = midnight(time.Now())
	}
	opt.Now = opt.Now.In(pingan.CST)
	if admin, err := svc.Users.UserByUsername(ctx, "admin"); err == nil {
		code := admin.UnitCode
		if _, err := referenceOf(code); err != nil {
			code = opt.City
		}
		c, err := newCity(code)
		if err != nil {
			return nil, err
		}
		return &City{Code: c.top.unit.Code, Name: c.top.unit.Name, Accounts: c.accounts(), Existing: true}, nil
	} else if pingan.ErrorCode(err) != pingan.ENOTFOUND {
		return nil, err
	}
	c, err := newCity(opt.City)
	if err != nil {
		return nil, err
	}
	defer clock.Live()
	start := midnight(opt.Now).AddDate(0, 0, -opt.Days)
	clock.Set(start)
	if _, err := svc.Units.ImportUnits(ctx, c.units); err != nil {
		return nil, fmt.Errorf("demo units: %w", err)
	}
	c.grids = lay(c.top, c.ref, opt.Seed)
	if c.staff, err = hire(ctx, svc, c.top, c.accounts(), c.showcase, rand.New(rand.NewPCG(opt.Seed, 1))); err != nil {
		return nil, err
	}
	grids := make([]*pingan.Grid, len(c.grids))
	out := &City{Code: c.top.unit.Code, Name: c.top.unit.Name, Accounts: c.staff.named, Crews: c.staff.crews, Examples: c.staff.examples,
		Units: len(c.units), Grids: map[pingan.GridType]int{}, Users: c.staff.created, From: start, To: opt.Now}
	for i, g := range c.grids {
		grids[i] = g.grid
		out.Grids[g.grid.Type]++
	}
	if _, err := svc.Grids.ImportGrids(ctx, grids); err != nil {
		return nil, fmt.Errorf("demo grids: %w", err)
	}
	cases := opt.Cases
	if cases <= 0 {
		// About 110·√n a year for n villages and communities: 2,500 for
		// 酒泉's 531, 5,800 for 襄阳's 2,817 — more as a city grows, but
		// slower, so that the largest is ready in seconds too.
		villages := 0
		c.top.walk(func(p *place) {
			if p.level() == pingan.LevelVillage {
				villages++
			}
		})
		cases = int(110 * math.Sqrt(float64(villages)) * float64(opt.Days) / 365)
	}
	h, err := newHistory(ctx, svc, clock, c, opt.Seed)
	if err != nil {
		return nil, err
	}
	warnings := planWarnings(h, start, opt.Now, opt.Seed) // 预警: clusters in the history (warnings.go)
	if err := h.run(start, opt.Now, cases); err != nil {
		return nil, err
	}
	if err := warnings.seed(ctx, h, c); err != nil { // and the engine over it
		return nil, err
	}
	if err := seedCampaigns(ctx, svc, clock, c, h.ix, opt.Seed, opt.Now, cases); err != nil { // 大排查, 敲门行动 (campaign.go)
		return nil, err
	}
	if err := seedSites(ctx, svc, clock, c, h.ix, opt.Seed, start, opt.Now); err != nil { // 重点场所, 检查 (sites.go)
		return nil, err
	}
	if err := seedSiteSensors(ctx, svc, clock, c, start, opt.Now, opt.Seed); err != nil { // 监测: sensors, a year of readings (monitor.go)
		return nil, err
	}
	if err := seedPatrols(ctx, svc, clock, c, h.ix, opt.Seed, opt.Now); err != nil { // 网格巡查 (patrols.go)
		return nil, err
	}
	if err := walkFindings(h, opt.Seed, opt.Now); err != nil { // the findings above through their loop (findings.go)
		return nil, err
	}
	if err := seedReceptions(ctx, svc, clock, c, opt.Now); err != nil { // 领导接访 (reception.go)
		return nil, err
	}
	if err := seedAssessment(ctx, svc, clock, c, start, opt.Now, opt.Seed); err != nil { // 考核 (assess.go)
		return nil, err
	}
	if err := seedRisks(ctx, svc, clock, c, start, opt.Now, opt.Seed); err != nil { // 风险台账, 稳评 (risks.go)
		return nil, err
	}
	if err := seedBriefings(ctx, svc, clock, c, opt.Now, opt.Seed); err != nil { // 周研判, its decisions' tasks (briefings.go)
		return nil, err
	}
	if err := seedTasks(ctx, svc, clock, c, start, opt.Now, opt.Seed); err != nil { // 督办事项 (tasks.go)
		return nil, err
	}
	// Whole days: from the first day of the demo to the end of today.
	day := func(t time.Time) time.Time {
		y, m, d := t.In(pingan.CST).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, pingan.CST)
	}
	st, err := svc.Stats.Stats(ctx, c.staff.users["admin"], pingan.StatsQuery{Unit: c.top.unit.Code, From: day(start), To: day(opt.Now).AddDate(0, 0, 1)})
	if err != nil {
		return nil, err
	}
	out.Cases = st.ByStatus
	return out, nil
}

// newCity reads the reference city's territory.
func newCity(code string) (*city, error) {
	ref, err := referenceOf(code)
	if err != nil {
		return nil, err
	}
	top, units, places, err := territory(ref)
	if err != nil {
		return nil, err
	}
	c := &city{ref: ref, top: top, places: places, units: units}
	for _, v := range places[ref.town].children {
		if community(v) && !park(v) {
			c.showcase = v
			break
		}
	}
	if c.showcase == nil {
		return nil, errors.New("demo: the town of the named accounts has no community")
	}
	return c, nil
}

// accounts are the accounts to print.
func (c *city) accounts() []Account {
	return namedAccounts(c.ref, c.top, c.places, c.showcase)
}
