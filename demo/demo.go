// Package demo builds a believable demo city — 酒泉市 (620900) with two of
// its counties, their townships, villages and communities, centres
// (综治中心) and departments, an account for every role, and months of cases
// that went through the whole loop, some still open, some overdue and
// escalated — through the same services the server uses, on a clock that
// walks through the city's history. The same seed gives the same city.
package demo

import (
	"bytes"
	"container/heap"
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/importer"
)

//go:embed units.csv
var unitsCSV []byte

// Services are what the demo writes through.
type Services interface {
	pingan.UnitService
	pingan.UserService
	pingan.CategoryService
	pingan.CaseService
	pingan.Escalator
	// UserByUsername answers an account with its jurisdiction filled in.
	UserByUsername(ctx context.Context, username string) (*pingan.User, error)
}

// Password of every demo account. The demo is for trying pingan out, never
// for real data.
const Password = "pingan-demo"

// Account is a demo login to print.
type Account struct {
	Username string
	Name     string
	Unit     string
	Roles    []pingan.Role
	Note     string
}

// Options of a demo city.
type Options struct {
	Seed  uint64
	Days  int       // of history; default 120
	Cases int       // roughly; default 600
	Now   time.Time // the end of the history; default the real time
}

// The accounts printed for people to log in with. Handlers for every
// department and township are made as well (h_<code>) and listed by role.
var accounts = []Account{
	{"admin", "系统管理员 赵敏", "620900", []pingan.Role{pingan.RoleAdmin}, "管理单位、用户、类别"},
	{"city_centre", "市综治中心 钱进", "620900-ZZ", []pingan.Role{pingan.RoleDispatcher}, "市级受理派遣"},
	{"suzhou_centre", "肃州区综治中心 孙丽", "620902-ZZ", []pingan.Role{pingan.RoleDispatcher}, "区级受理派遣"},
	{"jinta_centre", "金塔县综治中心 李强", "620921-ZZ", []pingan.Role{pingan.RoleDispatcher}, "县级受理派遣"},
	{"dongbei_centre", "东北街街道综治中心 周红", "620902001-ZZ", []pingan.Role{pingan.RoleDispatcher}, "街道受理派遣"},
	{"suzhou_justice", "肃州区司法局 吴刚", "620902-SF", []pingan.Role{pingan.RoleHandler}, "处置单位"},
	{"suzhou_housing", "肃州区住建局 郑伟", "620902-ZJ", []pingan.Role{pingan.RoleHandler}, "处置单位"},
	{"gridworker", "网格员 王芳", "620902001002", []pingan.Role{pingan.RoleGridWorker}, "民主街社区网格员"},
	{"mediator", "人民调解员 冯静", "620902-SF", []pingan.Role{pingan.RoleMediator, pingan.RoleHandler}, "调解员"},
	{"suzhou_leader", "肃州区领导 陈军", "620902", []pingan.Role{pingan.RoleLeader}, "督办"},
	{"city_leader", "市领导 褚明", "620900", []pingan.Role{pingan.RoleLeader}, "驾驶舱"},
	{"assessor", "考核办 卫东", "620900", []pingan.Role{pingan.RoleAssessor}, "考核排名"},
	{"viewer", "观察员 蒋蓉", "620921", []pingan.Role{pingan.RoleViewer}, "只读"},
}

// Seed writes the demo city and answers its accounts. A database that
// already holds the demo is left as it is (seeded false).
func Seed(ctx context.Context, svc Services, clock *Clock, opt Options) (accts []Account, seeded bool, err error) {
	if opt.Days <= 0 {
		opt.Days = 120
	}
	if opt.Cases <= 0 {
		opt.Cases = 600
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	defer clock.Live()
	units, err := importer.Units(bytes.NewReader(unitsCSV))
	if err != nil {
		return nil, false, err
	}
	if _, err := svc.ImportUnits(ctx, units); err != nil {
		return nil, false, err
	}
	if _, err := svc.UserByUsername(ctx, accounts[0].Username); err == nil {
		return accounts, false, nil // seeded before
	}
	start := time.Date(opt.Now.Year(), opt.Now.Month(), opt.Now.Day(), 0, 0, 0, 0, pingan.CST).AddDate(0, 0, -opt.Days)
	clock.Set(start)
	w := &world{svc: svc, ctx: ctx, clock: clock, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), users: map[string]*pingan.User{}}
	for _, a := range accounts {
		if err := w.addUser(a.Username, a.Name, a.Unit, a.Roles); err != nil {
			return nil, false, err
		}
	}
	for _, u := range units {
		switch {
		case u.Level == pingan.LevelDepartment, u.Level == pingan.LevelTownship:
			if err := w.addUser("h_"+strings.ReplaceAll(u.Code, "-", "_"), u.Name+" 处置人员", u.Code, []pingan.Role{pingan.RoleHandler}); err != nil {
				return nil, false, err
			}
			w.handlers = append(w.handlers, u)
		case u.Level == pingan.LevelVillage:
			w.villages = append(w.villages, u)
			if u.Code != w.users["gridworker"].UnitCode {
				if err := w.addUser("g_"+u.Code, u.Name+" 网格员", u.Code, []pingan.Role{pingan.RoleGridWorker}); err != nil {
					return nil, false, err
				}
			}
		}
	}
	if w.cats, err = svc.Categories(ctx); err != nil {
		return nil, false, err
	}
	if err := w.history(start, opt); err != nil {
		return nil, false, err
	}
	return accounts, true, nil
}

// world is the demo city while its history is written.
type world struct {
	svc      Services
	ctx      context.Context
	clock    *Clock
	rng      *rand.Rand
	users    map[string]*pingan.User // by username
	villages []*pingan.Unit
	handlers []*pingan.Unit
	cats     []*pingan.Category
	events   events
	plans    map[string]*plan
	cases    map[string]*pingan.Case // as the last action left them
	// lastWatch is when the deadline watch last escalated something.
	lastWatch time.Time
}

func (w *world) addUser(username, name, unit string, roles []pingan.Role) error {
	u := &pingan.User{Username: username, Name: name, UnitCode: unit, Roles: roles}
	if err := w.svc.CreateUser(w.ctx, u, Password); err != nil {
		return fmt.Errorf("demo user %s: %w", username, err)
	}
	full, err := w.svc.UserByUsername(w.ctx, username)
	if err != nil {
		return err
	}
	w.users[username] = full
	return nil
}

// plan is how one case will go: how fast its handlers are and what
// happens on the way.
type plan struct {
	id       string
	county   string
	slow     bool // will miss its resolve deadline
	rework   bool
	returned bool
	rate     bool
	extend   bool // the handler asks for more time (延期)
	suspend  bool // the case waits on an appraisal (挂起)
	reporter *pingan.User
}

type event struct {
	at time.Time
	id string
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	return e[i].at.Before(e[j].at) || e[i].at.Equal(e[j].at) && e[i].id < e[j].id
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

func (w *world) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + w.rng.Float64()*(hi-lo)) * float64(time.Hour))
}

// history walks day by day from start to opt.Now: new reports arrive in
// working hours with a seasonal swell, every open case takes its next step
// when due, and the deadline watch runs twice a day.
func (w *world) history(start time.Time, opt Options) error {
	w.plans, w.cases = map[string]*plan{}, map[string]*pingan.Case{}
	w.lastWatch = start
	perDay := float64(opt.Cases) / float64(opt.Days)
	for day := start; day.Before(opt.Now); day = day.AddDate(0, 0, 1) {
		season := 1.0
		switch day.Month() {
		case time.January, time.February: // 春节前后 family and wage disputes rise
			season = 1.3
		case time.July, time.August: // summer: hazards, neighbours' noise
			season = 1.15
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			season *= 0.5
		}
		n := int(perDay*season + w.rng.Float64())
		var reports []time.Time
		for range n {
			reports = append(reports, day.Add(w.hours(8, 20)))
		}
		for _, watch := range []time.Time{day.Add(2 * time.Hour), day.Add(14 * time.Hour)} {
			if err := w.runUntil(watch, opt.Now); err != nil {
				return err
			}
			if watch.After(opt.Now) {
				break
			}
			w.clock.Set(watch)
			if n, err := w.svc.EscalateDue(w.ctx, watch, 1000); err != nil {
				return err
			} else if n > 0 {
				w.lastWatch = watch
			}
			for len(reports) > 0 && reports[0].Before(watch.Add(12*time.Hour)) && !reports[0].After(opt.Now) {
				if err := w.runUntil(reports[0], opt.Now); err != nil {
					return err
				}
				if err := w.report(reports[0]); err != nil {
					return err
				}
				reports = reports[1:]
			}
		}
	}
	return w.runUntil(opt.Now, opt.Now)
}

// runUntil takes every planned step due before t.
func (w *world) runUntil(t, end time.Time) error {
	for w.events.Len() > 0 && w.events[0].at.Before(t) && !w.events[0].at.After(end) {
		ev := heap.Pop(&w.events).(event)
		w.clock.Set(ev.at)
		if err := w.step(ev); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) pick(kind pingan.Kind) *pingan.Category {
	var in []*pingan.Category
	for _, c := range w.cats {
		if c.Kind == kind {
			in = append(in, c)
		}
	}
	if len(in) == 0 {
		return w.cats[w.rng.IntN(len(w.cats))]
	}
	return in[w.rng.IntN(len(in))]
}

var titles = map[pingan.Kind][]string{
	pingan.KindDispute:  {"邻里噪音纠纷", "楼上漏水引发纠纷", "宅基地边界争议", "拖欠工资", "物业费纠纷", "交通事故赔偿争议", "婚姻家庭矛盾", "土地承包纠纷"},
	pingan.KindPetition: {"反映征地补偿问题", "反映小区违建", "反映医保报销问题", "反映拆迁安置问题"},
	pingan.KindHazard:   {"商铺私拉电线", "燃气管道老化", "消防通道堵塞", "危房墙体开裂", "路面塌陷"},
	pingan.KindService:  {"路灯不亮", "下水道堵塞", "垃圾清运不及时", "停水未通知", "公厕损坏"},
}

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")

// report files a new case from a grid worker of a random village.
func (w *world) report(at time.Time) error {
	w.clock.Set(at)
	r := w.rng.Float64()
	kind := pingan.KindDispute
	switch {
	case r > 0.9:
		kind = pingan.KindPetition
	case r > 0.7:
		kind = pingan.KindHazard
	case r > 0.45:
		kind = pingan.KindService
	}
	cat := w.pick(kind)
	village := w.villages[w.rng.IntN(len(w.villages))]
	reporter := w.users["g_"+village.Code]
	if reporter == nil {
		reporter = w.users["gridworker"]
	}
	source := pingan.SourceGridWorker
	if w.rng.IntN(3) == 0 {
		reporter, source = w.users[w.countyCentre(village.Code)], pingan.SourceHotline
	}
	t := titles[kind][w.rng.IntN(len(titles[kind]))]
	name := string(surnames[w.rng.IntN(len(surnames))]) + string([]rune("明华英军静丽强敏")[w.rng.IntN(8)])
	in := &pingan.NewCase{
		Kind: kind, Category: cat.Code, Title: t, Unit: village.Code, Source: source,
		Description: fmt.Sprintf("%s%s：%s，请尽快处理。", village.Name, []string{"居民反映", "网格员巡查发现", "群众来电"}[w.rng.IntN(3)], t),
		Address:     village.Name + fmt.Sprintf("%d号楼", 1+w.rng.IntN(30)),
		Reporter:    &pingan.Person{Role: "reporter", Name: name, Phone: fmt.Sprintf("13%d%08d", 3+w.rng.IntN(7), w.rng.IntN(100000000))},
	}
	onSite := kind == pingan.KindDispute && source == pingan.SourceGridWorker && w.rng.Float64() < 0.15
	if onSite {
		in.ResolvedOnSite, in.Result = true, "网格员现场调解，双方达成一致"
	}
	c, err := w.svc.CreateCase(w.ctx, reporter, in)
	if err != nil {
		return fmt.Errorf("demo case: %w", err)
	}
	p := &plan{id: c.ID, county: w.countyCentre(village.Code), slow: w.rng.Float64() < 0.12,
		rework: w.rng.Float64() < 0.05, returned: w.rng.Float64() < 0.06, rate: w.rng.Float64() < 0.8, reporter: reporter,
		extend: w.rng.Float64() < 0.05, suspend: w.rng.Float64() < 0.03}
	w.plans[c.ID], w.cases[c.ID] = p, c
	wait := w.hours(0.3, 6)
	if w.rng.Float64() < 0.2 {
		wait = w.hours(6, 40) // some wait for the next working day
	}
	heap.Push(&w.events, event{at: at.Add(wait), id: c.ID})
	return nil
}

// countyCentre answers the dispatcher account of the village's county.
func (w *world) countyCentre(village string) string {
	if strings.HasPrefix(village, "620921") {
		return "jinta_centre"
	}
	return "suzhou_centre"
}

// handlerFor picks the unit a case is dispatched to: a department of the
// county or the township of the village.
func (w *world) handlerFor(c *pingan.Case) *pingan.Unit {
	county := c.Unit[:6]
	want := map[pingan.Kind][]string{
		pingan.KindDispute:  {"-SF", "township"},
		pingan.KindPetition: {"township"},
		pingan.KindHazard:   {"-YJ", "-ZJ", "-SJ"},
		pingan.KindService:  {"-ZJ", "township"},
	}[c.Kind]
	suffix := want[w.rng.IntN(len(want))]
	for _, u := range w.handlers {
		if suffix == "township" && u.Level == pingan.LevelTownship && strings.HasPrefix(c.Unit, u.Code) {
			return u
		}
		if u.Code == county+suffix {
			return u
		}
	}
	return w.handlers[0]
}

// within answers a wait that ends between the fractions lo and hi of the
// time left to c's resolve deadline.
func (w *world) within(c *pingan.Case, lo, hi float64) time.Duration {
	if c.ResolveBy == nil {
		return w.hours(24, 72)
	}
	left := c.ResolveBy.Sub(w.clock.Now())
	if left <= 0 {
		return w.hours(2, 24)
	}
	return time.Duration(float64(left) * (lo + w.rng.Float64()*(hi-lo)))
}

// step takes the next natural step of a case and plans the one after.
func (w *world) step(ev event) error {
	p, c := w.plans[ev.id], w.cases[ev.id]
	if c.UpdatedAt.Before(w.lastWatch) {
		// The deadline watch may have escalated it since: read it again
		// (an audited read of the city centre, as a real one would be).
		var err error
		if c, err = w.svc.FindCase(w.ctx, w.users["city_centre"], ev.id); err != nil {
			return err
		}
	}
	// The centre that holds the case acts: the county's, or the city's
	// once the case has risen above the county.
	dispatcher := w.users[p.county]
	if !dispatcher.Sees(c.HoldingPath) {
		dispatcher = w.users["city_centre"]
	}
	handler := w.users["h_"+strings.ReplaceAll(c.AssignedUnit, "-", "_")]
	var (
		actor = dispatcher
		in    pingan.ActionInput
		next  time.Duration
	)
	switch {
	case c.Status == pingan.StatusReported:
		if w.rng.Float64() < 0.04 {
			in = pingan.ActionInput{Action: pingan.ActReject, Reason: "不属于受理范围，已告知当事人向法院起诉"}
		} else {
			in, next = pingan.ActionInput{Action: pingan.ActAccept}, w.hours(0.5, 4)
		}
	case c.Status == pingan.StatusAccepted:
		if !c.Supervised && c.EscalationLevel > 0 && w.rng.Float64() < 0.5 {
			if leader := w.users["suzhou_leader"]; leader.Sees(c.UnitPath) {
				dl := w.clock.Now().AddDate(0, 0, 5)
				if _, err := w.svc.Act(w.ctx, leader, c.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &dl, Note: "超期案件，请加快办理并报结果"}); err != nil {
					return err
				}
			}
		}
		in, next = pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: w.handlerFor(c).Code}, w.hours(1, 20)
	case c.Status == pingan.StatusDispatched:
		actor = handler
		if p.returned {
			p.returned = false
			in, next = pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本单位职责，请重新派遣"}, w.hours(1, 8)
		} else {
			// Most finish well inside the resolve deadline; the slow ones
			// miss it by up to ten days.
			in, next = pingan.ActionInput{Action: pingan.ActSign}, w.within(c, 0.2, 0.75)
			if p.slow {
				p.slow = false
				next = w.within(c, 1, 1) + w.hours(2, 240)
			}
		}
	case c.Status == pingan.StatusInProgress && c.Suspended:
		in, next = pingan.ActionInput{Action: pingan.ActResume, Note: "鉴定意见已出具"}, w.hours(4, 48)
	case c.Status == pingan.StatusInProgress && p.suspend:
		p.suspend = false
		in, next = pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待司法鉴定意见"}, w.hours(48, 160)
	case c.Status == pingan.StatusInProgress && p.extend:
		p.extend = false
		in, next = pingan.ActionInput{Action: pingan.ActExtend, Days: 5, Reason: "涉及多方协调，申请延期"}, w.within(c, 0.3, 0.8)
	case c.Status == pingan.StatusInProgress:
		actor = handler
		in, next = pingan.ActionInput{Action: pingan.ActResolve, Result: "已到现场核实并处理，当事人认可处理结果"}, w.hours(2, 40)
		if c.ResolveBy != nil && c.ResolveBy.Before(w.clock.Now().Add(next)) {
			next = w.hours(2, 12)
		}
	case c.Status == pingan.StatusResolved:
		if p.rework {
			p.rework = false
			in, next = pingan.ActionInput{Action: pingan.ActRework, Reason: "回访当事人不认可，请重新处理"}, w.hours(24, 72)
		} else {
			in, next = pingan.ActionInput{Action: pingan.ActClose}, w.hours(12, 72)
		}
	case c.Status == pingan.StatusClosed:
		if !p.rate || c.Satisfaction != nil {
			return nil
		}
		s := pingan.Satisfied
		switch r := w.rng.Float64(); {
		case r > 0.94:
			s = pingan.Dissatisfied
		case r > 0.8:
			s = pingan.BasicallySatisfied
		}
		actor = p.reporter
		if !actor.Has(pingan.RoleDispatcher) && actor.ID != c.ReportedBy {
			actor = dispatcher
		}
		in = pingan.ActionInput{Action: pingan.ActRate, Satisfaction: s}
	default:
		return nil
	}
	if actor == nil {
		return fmt.Errorf("demo: no account acts for %s on %s (assigned %s)", in.Action, c.ID, c.AssignedUnit)
	}
	after, err := w.svc.Act(w.ctx, actor, c.ID, in)
	if err != nil {
		return fmt.Errorf("demo %s %s by %s: %w", in.Action, c.ID, actor.Username, err)
	}
	w.cases[c.ID] = after
	if in.Action != pingan.ActReject && in.Action != pingan.ActRate {
		heap.Push(&w.events, event{at: w.clock.Now().Add(max(next, 10*time.Minute)), id: c.ID})
	}
	return nil
}
