package demo

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/geo"
)

// history writes the city's past: reports arrive through the day with the
// seasons, every case takes its next natural step when it is due, and the
// deadline watch runs twice a day — all through the services, on a clock
// that walks from the first day to the last, in one deterministic order.
type history struct {
	svc    Services
	ctx    context.Context
	clock  *Clock
	rng    *rand.Rand
	cal    *calendar.Calendar
	places map[string]*place
	staff  *staff
	top    *place
	ix     *geo.Index
	grids  []*gridPlace
	cum    []float64 // cumulative weights of grids
	cats   map[string]*pingan.Category
	profs  []*profile // those whose category the store has

	events events
	plans  map[string]*plan
	cases  map[string]*pingan.Case // as the last answer of the store left them
	// open are the cases the deadline watch may touch; stale those it has
	// touched since, to read again before their next step.
	open, stale map[string]bool
	seq         int
	// lastIn is the latest case reported to each centre, which a report of
	// the same matter may be a duplicate of (重复上报).
	lastIn map[string]string
	pets   petState // the petitions' (petition.go)
}

// plan is how one case will go.
type plan struct {
	id       string
	prof     *profile
	kind     pingan.Kind
	urgent   bool // handled at any hour of any day: a hazard, a deadline in hours
	grid     *gridPlace
	report   int          // which of the profile's reports
	misfiled bool         // reported under a wrong category, which the centre corrects on accept (类别更正)
	desk     *place       // the centre that registered it: its township's or its county's
	reporter *pingan.User // nil for a citizen's own report
	gen      int          // of the pending step; older ones are void

	slow     bool // the handler will miss the resolve deadline
	up       bool // once escalated to the township, it goes on to the county by hand
	returned bool // the department sends it back: not theirs
	rework   bool // verification fails once
	extend   bool // the centre grants more time (延期)
	suspend  bool // the clock stops for an appraisal (挂起)
	mediate  bool // a mediation session is noted before the result
	review   bool // the centre takes it to the joint meeting (联席会议研判) before dispatching
	rate     bool
	reopen   bool // the centre reopens it after a dissatisfied rating (重办)
	reopened bool
	avoid    string // the unit that sent it back
	stall    pingan.Status
	med      *medPlan // a dispute's mediation (mediation.go)
	pet      *petPlan // a petition's procedure (petition.go)
	hz       *hzPlan  // a hazard's rectification (hazards.go)
}

// event is something that happens at a time: the deadline watch, a report,
// or the next step of a case.
type event struct {
	at   time.Time
	kind int // eventWatch, eventReport, eventStep
	id   string
	gen  int
	seq  int
	spec *spec
}

const (
	eventWatch = iota
	eventReport
	eventStep
)

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	a, b := e[i], e[j]
	switch {
	case !a.at.Equal(b.at):
		return a.at.Before(b.at)
	case a.kind != b.kind:
		return a.kind < b.kind
	case a.id != b.id:
		return a.id < b.id
	}
	return a.seq < b.seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// spec is a report to file.
type spec struct {
	at     time.Time
	grid   *gridPlace
	prof   *profile
	source pingan.Source
	stall  pingan.Status // where the case waits when the history ends ("" for none)
}

func newHistory(ctx context.Context, svc Services, clock *Clock, c *city, seed uint64) (*history, error) {
	w := &history{svc: svc, ctx: ctx, clock: clock, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		cal:    calendar.Official(),
		places: c.places, staff: c.staff, top: c.top, grids: c.grids,
		plans: map[string]*plan{}, cases: map[string]*pingan.Case{},
		open: map[string]bool{}, stale: map[string]bool{}, lastIn: map[string]string{}}
	grids := make([]*pingan.Grid, len(c.grids))
	sum := 0.0
	for i, g := range c.grids {
		grids[i] = g.grid
		weight := g.weight
		if g.village == c.showcase {
			// The community whose grid workers log in is a busy one, so
			// that their pages have something to show.
			weight *= 5
		}
		sum += weight
		w.cum = append(w.cum, sum)
	}
	var err error
	if w.ix, err = geo.NewIndex(grids); err != nil {
		return nil, err
	}
	if err := fixCategories(ctx, svc.Categories); err != nil {
		return nil, err
	}
	if w.cats, w.profs, err = storeProfiles(ctx, svc.Categories); err != nil {
		return nil, err
	}
	return w, nil
}

// urgent reports whether cases of the profile are handled at any hour of
// any day: hazards, and deadlines counted in hours.
func (w *history) urgent(p *profile) bool {
	c := w.cats[p.code]
	return c.Kind == pingan.KindHazard || c.Policy.Resolve.Unit == "hours"
}

// midnight answers the start of t's day in China.
func midnight(t time.Time) time.Time {
	t = t.In(pingan.CST)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, pingan.CST)
}

func (w *history) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + w.rng.Float64()*(hi-lo)) * float64(time.Hour))
}

// dayWeight is how busy a day is: the seasons of every category, fewer
// reports at the weekend and on holidays.
func (w *history) dayWeight(day time.Time) float64 {
	f := festival(day)
	sum := 0.0
	for _, p := range w.profs {
		sum += p.rate(day, f, true) + p.rate(day, f, false)
	}
	if !w.working(day) {
		sum *= 0.6 // weekends and holidays: hotlines and citizens only, fewer patrols
	}
	return sum
}

// run writes about total cases reported in [start, end).
func (w *history) run(start, end time.Time, total int) error {
	var days []time.Time
	var weights []float64
	sum := 0.0
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
		weights = append(weights, w.dayWeight(d))
		sum += weights[len(weights)-1]
	}
	specs := make([][]*spec, len(days))
	var latest []*spec
	for i, day := range days {
		for range int(float64(total)*weights[i]/sum + w.rng.Float64()) {
			if s := w.newSpec(day); s.at.Before(end) {
				specs[i] = append(specs[i], s)
				if !w.urgent(s.prof) {
					latest = append(latest, s)
				}
			}
		}
	}
	// A few of the latest reports are where the history ends: waiting to
	// be registered, to be dispatched, to be signed for — so that every
	// status has cases to show, even in a small city just after the
	// morning's work. Each waits in a status it has had time to reach.
	sort.SliceStable(latest, func(i, j int) bool { return latest[i].at.After(latest[j].at) })
	for _, wait := range []struct {
		status pingan.Status
		office time.Duration // it had this much office time before the end
	}{
		{pingan.StatusReported, 0}, {pingan.StatusReported, 0},
		{pingan.StatusAccepted, 4 * time.Hour}, {pingan.StatusAccepted, 4 * time.Hour},
		{pingan.StatusDispatched, 8 * time.Hour}, {pingan.StatusDispatched, 8 * time.Hour},
	} {
		for _, s := range latest {
			if s.stall == "" && w.officeTime(s.at, end) >= wait.office {
				s.stall = wait.status
				break
			}
		}
	}
	for i, day := range days {
		next := day.AddDate(0, 0, 1)
		for _, h := range []time.Duration{2 * time.Hour, 14 * time.Hour} {
			if at := day.Add(h); at.Before(end) {
				w.push(event{at: at, kind: eventWatch})
			}
		}
		for _, s := range specs[i] {
			w.push(event{at: s.at, kind: eventReport, spec: s})
		}
		if next.After(end) {
			next = end
		}
		for w.events.Len() > 0 && w.events[0].at.Before(next) {
			ev := heap.Pop(&w.events).(event)
			w.clock.Set(ev.at)
			var err error
			switch ev.kind {
			case eventWatch:
				err = w.watch(ev.at)
			case eventReport:
				err = w.report(ev.spec)
			default:
				err = w.step(ev)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *history) push(ev event) {
	w.seq++
	ev.seq = w.seq
	heap.Push(&w.events, ev)
}

// later plans the next step of a case after d: in office hours on a
// working day, unless the case is urgent.
func (w *history) later(p *plan, d time.Duration) {
	at := w.clock.Now().Add(max(d, 10*time.Minute))
	if !p.urgent {
		at = w.office(at)
	}
	p.gen++
	w.push(event{at: at, kind: eventStep, id: p.id, gen: p.gen})
}

// office moves t into office hours (08:30–18:00) of a working day on the
// official calendar: the centres and the departments keep office hours, and
// what comes in at the weekend or over 春节 waits for the next working day.
func (w *history) office(t time.Time) time.Time {
	day := midnight(t)
	if w.working(day) {
		open, shut := day.Add(8*time.Hour+30*time.Minute), day.Add(18*time.Hour)
		switch {
		case t.Before(open):
			return open.Add(w.hours(0, 1.5))
		case t.Before(shut):
			return t
		}
	}
	for day = day.AddDate(0, 0, 1); !w.working(day); day = day.AddDate(0, 0, 1) {
	}
	return day.Add(8*time.Hour + 30*time.Minute).Add(w.hours(0, 1.5))
}

// officeTime answers the office hours on working days between a and b.
func (w *history) officeTime(a, b time.Time) time.Duration {
	var d time.Duration
	for day := midnight(a); day.Before(b); day = day.AddDate(0, 0, 1) {
		if !w.working(day) {
			continue
		}
		from, to := day.Add(8*time.Hour+30*time.Minute), day.Add(18*time.Hour)
		if a.After(from) {
			from = a
		}
		if b.Before(to) {
			to = b
		}
		if to.After(from) {
			d += to.Sub(from)
		}
	}
	return d
}

// working reports whether day is a working day (Monday to Friday where the
// calendar does not reach).
func (w *history) working(day time.Time) bool {
	ok, err := w.cal.IsWorkingDay(day)
	if err != nil {
		return day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
	}
	return ok
}

// pickGrid answers a grid, the busier the likelier.
func (w *history) pickGrid() *gridPlace {
	x := w.rng.Float64() * w.cum[len(w.cum)-1]
	i := sort.SearchFloat64s(w.cum, x)
	return w.grids[min(i, len(w.grids)-1)]
}

// newSpec draws a report of the day: where, what, how it came in, when.
func (w *history) newSpec(day time.Time) *spec {
	g := w.pickGrid()
	urban := g.grid.Type != pingan.GridVillage
	f := festival(day)
	sum := 0.0
	for _, p := range w.profs {
		sum += p.rate(day, f, urban)
	}
	x, prof := w.rng.Float64()*sum, w.profs[len(w.profs)-1]
	for _, p := range w.profs {
		if x -= p.rate(day, f, urban); x < 0 {
			prof = p
			break
		}
	}
	r := w.rng.Float64()
	var source pingan.Source
	var from, to float64 // hours of the day it may come in
	if w.cats[prof.code].Kind == pingan.KindPetition {
		switch {
		case r < 0.45:
			source, from, to = pingan.SourceLetter, 9, 17
		case r < 0.9:
			source, from, to = pingan.SourceVisit, 8.5, 17.5
		default:
			source, from, to = pingan.SourceHotline, 7, 22
		}
	} else {
		switch {
		case r < 0.5:
			source, from, to = pingan.SourceGridWorker, 8.5, 18.5
		case r < 0.8:
			source, from, to = pingan.SourceHotline, 7, 22
		case r < 0.95:
			source, from, to = pingan.SourceCitizen, 7, 23
		default:
			source, from, to = pingan.SourceVisit, 8.5, 17.5
		}
	}
	return &spec{at: day.Add(w.hours(from, to)).Truncate(time.Second), grid: g, prof: prof, source: source}
}

func (w *history) person(role string) pingan.Person {
	return pingan.Person{Role: role, Name: personName(w.rng), Phone: fmt.Sprintf("1%d%d%08d", 3+w.rng.IntN(6), w.rng.IntN(10), w.rng.IntN(100000000))}
}

// report files the case of s.
func (w *history) report(s *spec) error {
	g, v := s.grid, s.grid.village
	town, county := v.township(), v.county()
	cat := w.cats[s.prof.code]
	which := w.rng.IntN(len(s.prof.reports))
	rep := s.prof.reports[which]
	address := g.grid.Name
	switch g.grid.Type {
	case pingan.GridCommunity:
		address = fmt.Sprintf("%s%d号楼%d单元", shortName(v.unit.Name), 1+w.rng.IntN(40), 1+w.rng.IntN(6))
	case pingan.GridVillage:
		address = fmt.Sprintf("%s%d组", shortName(v.unit.Name), 1+w.rng.IntN(12))
	}
	loc := point(w.ix, g, w.rng)
	in := &pingan.NewCase{Kind: cat.Kind, Category: cat.Code, Title: rep[0], Location: &loc, Address: address,
		Source: s.source, ReportedAt: s.at}
	p := &plan{prof: s.prof, kind: cat.Kind, grid: g, desk: town, report: which, urgent: w.urgent(s.prof), stall: s.stall}
	if cat.Kind == pingan.KindHazard {
		in.Hazard, p.hz = w.planHazard() // hazards.go
	}
	var actor *pingan.User
	switch s.source {
	case pingan.SourceGridWorker:
		actor, p.reporter = g.reporter, g.reporter
		in.Description = "网格员巡查发现：" + rep[1] + "。"
	case pingan.SourceCitizen:
		in.Description = "群众通过“随手拍”反映：" + rep[1] + "。"
		r := w.person("reporter")
		in.Reporter = &r
	default:
		// The county's centre takes hotline calls (12345), letters and
		// visits, and registers them itself.
		actor, p.desk = w.staff.dispatcher[county.unit.Code], county
		in.Description = map[pingan.Source]string{pingan.SourceHotline: "12345热线来电反映：", pingan.SourceLetter: "群众来信反映：",
			pingan.SourceVisit: "群众来访反映："}[s.source] + rep[1] + "。"
		r := w.person("reporter")
		in.Reporter = &r
	}
	in.Description += "地点：" + address + "。"
	if cat.Kind == pingan.KindDispute {
		in.Parties = []pingan.Person{w.person("applicant"), w.person("respondent")}
	}
	if cat.Kind == pingan.KindPetition {
		in.Petition = w.petitionFacts(s) // petition.go
	}
	// A dispute goes to a mediation organisation (mediation.go): only
	// where the city has none does a grid worker settle it on the spot.
	if s.source == pingan.SourceGridWorker && cat.Kind == pingan.KindDispute && s.stall == "" && len(w.staff.mediators) == 0 && w.rng.Float64() < s.prof.onSite {
		in.ResolvedOnSite, in.Result = true, "网格员现场调解，双方握手言和，矛盾就地化解"
	}
	if cat.Kind == pingan.KindDispute && !in.ResolvedOnSite && w.rng.Float64() < 0.03 {
		// The reporter picks another dispute category by mistake; the
		// centre puts it right when it accepts the case (类别更正), so the
		// case ends under the category its words belong to.
		for _, q := range w.profs {
			if q != s.prof && w.cats[q.code].Kind == cat.Kind && w.rng.Float64() < 0.3 {
				in.Category, p.misfiled = q.code, true
				break
			}
		}
	}
	if actor == nil && s.source != pingan.SourceCitizen {
		return fmt.Errorf("demo: nobody reports from grid %s", g.grid.Code)
	}
	c, err := w.svc.Cases.CreateCase(w.ctx, actor, in)
	if err != nil {
		return fmt.Errorf("demo case in grid %s: %w", g.grid.Code, err)
	}
	p.id = c.ID
	p.slow = w.rng.Float64() < 0.07
	p.up = p.desk == town && w.rng.Float64() < 0.035
	if p.up {
		p.slow = true // late at the village first, then beyond the township
	}
	p.returned = w.rng.Float64() < 0.06
	p.rework = w.rng.Float64() < 0.05
	p.extend = w.rng.Float64() < 0.05
	p.suspend = appraisal[s.prof.code] != "" && w.rng.Float64() < 0.15
	p.mediate = cat.Kind == pingan.KindDispute && w.rng.Float64() < 0.3
	p.review = !p.urgent && p.stall == "" && (cat.Kind == pingan.KindPetition || s.prof.to[0] != "T") && w.rng.Float64() < 0.1
	p.rate = w.rng.Float64() < 0.85
	w.plans[c.ID] = p
	w.keep(c)
	// 受理: within a working day; what is urgent at once.
	if p.urgent {
		w.later(p, w.hours(0.1, 1))
	} else {
		w.soon(p, c, 0.3, 24)
	}
	return nil
}

// appraisal is what a case of the category may wait for (挂起).
var appraisal = map[string]string{
	"0503": "等待伤残等级鉴定意见",
	"05":   "等待损失价格鉴定结论",
	"07":   "等待劳动能力鉴定结论",
	"0701": "等待劳动保障监察调查结论",
	"09":   "等待土地确权测绘结果",
	"0902": "等待宅基地界址测量结果",
	"AQ03": "等待房屋安全鉴定报告",
	"XF01": "等待房屋质量检测报告",
}

// keep records the store's answer for a case.
func (w *history) keep(c *pingan.Case) {
	w.cases[c.ID] = c
	switch c.Status {
	case pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched, pingan.StatusInProgress:
		w.open[c.ID] = true
	default:
		delete(w.open, c.ID)
	}
}

// watch runs the deadline watch (EscalateDue) as the server would, and
// marks the cases it touches — those it is known to touch — to be read
// again.
func (w *history) watch(at time.Time) error {
	var due []string
	for id := range w.open {
		// A case the watch touched before is overdue, which it stays: the
		// watch never takes it up again.
		c := w.cases[id]
		if !w.stale[id] && c.ResolveBy != nil && c.ResolveBy.Before(at) && !c.Suspended && !c.Overdue {
			due = append(due, id)
		}
	}
	slices.Sort(due)
	rect := w.rectifyDue(at) // hazards.go
	n := 0
	for {
		k, err := w.svc.Escalator.EscalateDue(w.ctx, at, 1000)
		if err != nil {
			return err
		}
		if n += k; k < 1000 {
			break
		}
	}
	if n != len(due)+len(rect) {
		// The watch did something the demo did not foresee: read every
		// open case again before its next step.
		for id := range w.open {
			w.stale[id] = true
		}
	}
	w.rectifyWatched(rect)
	for _, id := range due {
		c := w.cases[id]
		if c.Status == pingan.StatusDispatched || c.Hazard.Ordered() {
			// Only marked overdue: it waits for the handler to sign (or
			// for its rectification, hazards.go).
			cc := *c
			cc.Overdue = true
			w.cases[id] = &cc
			continue
		}
		// Escalated to the parent's centre (or only marked, at the top),
		// which takes it up within hours.
		w.stale[id] = true
		w.later(w.plans[id], w.hours(0.5, 5))
	}
	return nil
}

// centreOf answers the centre that acts on a case now: the one that
// registered it, or the one above it holds it since an escalation.
func (w *history) centreOf(c *pingan.Case, p *plan) *place {
	h := w.places[c.HoldingUnit]
	if h == nil {
		return p.desk
	}
	if h.level() == pingan.LevelVillage {
		h = h.parent
	}
	if h.level().Rank() < p.desk.level().Rank() {
		return h
	}
	return p.desk
}

// handler answers an account of the unit a case is assigned to.
func (w *history) handler(unit string) (*pingan.User, error) {
	hs := w.staff.handlers[unit]
	if len(hs) == 0 {
		return nil, fmt.Errorf("demo: no handler in %s", unit)
	}
	return hs[w.rng.IntN(len(hs))], nil
}

// department reports whether the unit is a county's department (职能部门).
func (w *history) department(code string) bool {
	if p := w.places[code]; p != nil {
		for _, d := range p.depts {
			if d.Code == code {
				return true
			}
		}
	}
	return false
}

// target answers the unit a centre dispatches a case to: a township's
// centre to the township itself; a county's or the city's to the
// department or the township the category calls for.
func (w *history) target(c *pingan.Case, p *plan, centre *place) string {
	v := w.places[c.Unit]
	if v == nil {
		v = p.grid.village
	}
	town, county := v.township(), v.county()
	if c.Kind == pingan.KindDispute {
		if org := w.mediationOrg(c, v, centre); org != "" && org != p.avoid { // mediation.go
			return org
		}
	}
	if centre.level() == pingan.LevelTownship {
		return centre.unit.Code
	}
	var options []string
	for _, to := range p.prof.to {
		code := ""
		switch {
		case to == "T" && town != nil:
			code = town.unit.Code
		case to != "T" && county != nil:
			code = county.depts[to].Code
		}
		if code != "" && code != p.avoid {
			options = append(options, code)
		}
	}
	if len(options) == 0 {
		if town != nil && town.unit.Code != p.avoid {
			return town.unit.Code
		}
		return county.depts["SF"].Code
	}
	return options[w.rng.IntN(len(options))]
}

// soon plans a step of registration and dispatch (受理, 派遣, 签收) after
// lo to hi hours, but within a tenth or so of the time left to the resolve
// deadline, so that a short deadline leaves the handler time.
func (w *history) soon(p *plan, c *pingan.Case, lo, hi float64) {
	if p.stall != "" {
		lo, hi = 0.5, 2.5 // one of the latest: on its way to where it waits
	}
	d := w.hours(lo, hi)
	if c.ResolveBy != nil {
		d = min(d, w.within(c, 0.03, 0.1))
	}
	w.later(p, d)
}

// within answers a wait that ends between the fractions lo and hi of the
// time left to c's resolve deadline.
func (w *history) within(c *pingan.Case, lo, hi float64) time.Duration {
	if c.ResolveBy == nil {
		return w.hours(24, 72)
	}
	left := c.ResolveBy.Sub(w.clock.Now())
	if left <= 0 {
		return w.hours(2, 24)
	}
	return time.Duration(float64(left) * (lo + w.rng.Float64()*(hi-lo)))
}

// resolveLater plans the handler's result: well inside the deadline, or
// for a slow case past it.
func (w *history) resolveLater(p *plan, c *pingan.Case, lo, hi float64) {
	d := w.within(c, lo, hi)
	if p.slow {
		p.slow = false
		d = w.within(c, 1, 1) + w.hours(12, 240)
		if p.urgent {
			d = w.within(c, 1, 1) + w.hours(2, 48)
		}
	}
	w.later(p, d)
}

// step takes the next natural step of a case.
func (w *history) step(ev event) error {
	p := w.plans[ev.id]
	if ev.gen != p.gen {
		return nil // planned before the deadline watch moved the case
	}
	if c := w.cases[ev.id]; p.stall != "" && c.Status == p.stall && !w.stale[ev.id] {
		return nil // one of the latest: it waits there
	}
	for try := 0; ; try++ {
		c := w.cases[ev.id]
		if w.stale[ev.id] {
			// An audited read by the city's centre, as a real one would be.
			var err error
			if c, err = w.svc.Cases.FindCase(w.ctx, w.staff.dispatcher[w.top.unit.Code], ev.id); err != nil {
				return err
			}
			delete(w.stale, ev.id)
			w.keep(c)
		}
		err := w.advance(p, c)
		if code := pingan.ErrorCode(err); try == 0 && (code == pingan.ECONFLICT || code == pingan.EFORBIDDEN) {
			// The case moved in a way the demo did not foresee: read it
			// again and decide anew.
			w.stale[ev.id] = true
			continue
		}
		return err
	}
}

// act takes one action and keeps the answer.
func (w *history) act(actor *pingan.User, c *pingan.Case, in pingan.ActionInput) (*pingan.Case, error) {
	if actor == nil {
		return nil, fmt.Errorf("demo: nobody to %s case %s (held by %s, assigned to %s)", in.Action, c.ID, c.HoldingUnit, c.AssignedUnit)
	}
	after, err := w.svc.Cases.Act(w.ctx, actor, c.ID, in)
	if err != nil {
		return nil, fmt.Errorf("demo %s %s by %s: %w", in.Action, c.ID, actor.Username, err)
	}
	w.keep(after)
	return after, nil
}

var rejectReasons = map[pingan.Kind]string{
	pingan.KindDispute:  "已进入诉讼程序，依法不予受理，已告知当事人",
	pingan.KindPetition: "不属于信访受理范围，已告知信访人通过法定途径解决",
	pingan.KindService:  "经核实不属于受理范围，已告知群众向供水、供电企业反映",
}

// advance takes the step the case's status calls for and plans the next.
func (w *history) advance(p *plan, c *pingan.Case) error {
	if c.Kind == pingan.KindPetition {
		return w.petitionStep(p, c) // its own procedure (petition.go)
	}
	// A dispute's follow-up whose time has come (mediation.go), else the
	// next one once nothing else is planned.
	if c.Status == pingan.StatusResolved || c.Status == pingan.StatusClosed {
		if took, err := w.followUpStep(p, c); took || err != nil {
			return err
		}
		gen := p.gen
		defer func() { w.nextFollowUp(p, w.cases[p.id], gen) }()
	}
	centre := w.centreOf(c, p)
	disp := w.staff.dispatcher[centre.unit.Code]
	var err error
	switch {
	case c.Status == pingan.StatusReported:
		// Now and then a report is the same matter as the last one its
		// centre received: the centre merges it into that case (合并重复件).
		// (A misfiled report is not: the dispatcher corrects its category.)
		if prev := w.lastIn[centre.unit.Code]; prev != "" && prev != c.ID && !p.misfiled && w.rng.Float64() < 0.03 {
			if _, err := w.act(disp, c, pingan.ActionInput{Action: pingan.ActMerge, ToCase: prev,
				Reason: "同一事项已有反映，重复上报，并入在办案件"}); err == nil {
				return nil
			}
		}
		w.lastIn[centre.unit.Code] = c.ID
		if reason := rejectReasons[p.kind]; reason != "" && w.rng.Float64() < 0.03 {
			_, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActReject, Reason: reason})
			return err
		}
		in := pingan.ActionInput{Action: pingan.ActAccept}
		if p.misfiled {
			// The dispatcher corrects the category (类别更正) to the one
			// the report's words belong to.
			in.Category = p.prof.code
		}
		if c, err = w.act(disp, c, in); err != nil {
			return err
		}
		if p.kind == pingan.KindPetition && w.rng.Float64() < 0.08 {
			// 领导包案: a leader takes the petition in hand.
			if err := w.supervise(c, centre, "领导包案，请于期限内办结并报送结果"); err != nil {
				return err
			}
		}
		switch {
		case p.urgent:
			w.later(p, w.hours(0.1, 1))
		case p.review:
			// Several departments may be responsible: the joint meeting
			// decides who, within days.
			if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActComment, Note: "涉及多个部门职责，提交联席会议研判后派遣"}); err != nil {
				return err
			}
			w.later(p, min(w.hours(24, 96), w.within(c, 0.05, 0.2)))
		default:
			w.soon(p, c, 1, 40)
		}
	case c.Status == pingan.StatusAccepted:
		if c.EscalationLevel > 0 && !c.Supervised && w.rng.Float64() < 0.45 {
			if err := w.supervise(c, centre, "超期案件，请加快办理并报告结果"); err != nil {
				return err
			}
		}
		if p.up && centre.level() == pingan.LevelTownship && w.places[c.HoldingUnit] == centre {
			p.up = false
			if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "超出乡镇（街道）处置能力，提请区县综治中心协调职能部门处置"}); err != nil {
				return err
			}
			w.later(p, w.hours(1, 6))
			return nil
		}
		if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: w.target(c, p, centre)}); err != nil {
			return err
		}
		// 签收: inside the sign period — an hour or so for a hazard, a
		// day for most, days for a petition.
		switch {
		case p.urgent:
			w.later(p, w.hours(0.1, 0.8))
		case p.kind == pingan.KindPetition:
			w.soon(p, c, 4, 96)
		default:
			w.soon(p, c, 2, 36)
		}
	case c.Status == pingan.StatusDispatched:
		h, err := w.handler(c.AssignedUnit)
		if err != nil {
			return err
		}
		if p.returned && w.department(c.AssignedUnit) {
			p.returned, p.avoid = false, c.AssignedUnit
			_, err = w.act(h, c, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本单位职责，请重新派遣"})
			w.later(p, w.hours(1, 8))
			return err
		}
		if c, err = w.act(h, c, pingan.ActionInput{Action: pingan.ActSign}); err != nil {
			return err
		}
		if p.suspend || p.extend || p.mediate {
			w.later(p, w.within(c, 0.15, 0.5))
		} else {
			w.resolveLater(p, c, 0.2, 0.75)
		}
	case c.Status == pingan.StatusInProgress && c.Suspended:
		if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActResume, Note: "鉴定（检测）结论已出具，恢复办理"}); err != nil {
			return err
		}
		w.resolveLater(p, c, 0.2, 0.6)
	case c.Status == pingan.StatusInProgress && p.suspend:
		p.suspend = false
		_, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActSuspend, Reason: appraisal[p.prof.code]})
		w.later(p, w.hours(48, 160))
	case c.Status == pingan.StatusInProgress && p.extend:
		p.extend = false
		days := map[string]int{"working": 5, "calendar": 10, "hours": 24}[w.cats[c.Category].Policy.Resolve.Unit]
		if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActExtend, Days: max(days, 1), Reason: "涉及多方协调，申请延期办理"}); err != nil {
			return err
		}
		w.resolveLater(p, c, 0.3, 0.8)
	case c.Status == pingan.StatusInProgress && c.Kind == pingan.KindDispute && w.isOrg(c.AssignedUnit):
		return w.mediateStep(p, c) // mediation.go
	case c.Status == pingan.StatusInProgress && p.mediate:
		p.mediate = false
		h, err := w.handler(c.AssignedUnit)
		if err != nil {
			return err
		}
		if c, err = w.act(h, c, pingan.ActionInput{Action: pingan.ActComment, Note: "组织双方当事人第一次调解，分歧较大，约定择日再次调解"}); err != nil {
			return err
		}
		w.resolveLater(p, c, 0.3, 0.8)
	case c.Status == pingan.StatusInProgress && w.rectifies(p, c):
		return w.hazardStep(p, c) // 整改, 复查 (hazards.go)
	case c.Status == pingan.StatusInProgress:
		h, err := w.handler(c.AssignedUnit)
		if err != nil {
			return err
		}
		result := p.prof.results[w.rng.IntN(len(p.prof.results))]
		if p.report >= 0 && len(p.prof.results) == len(p.prof.reports) {
			result = p.prof.results[p.report]
		}
		if _, err = w.act(h, c, pingan.ActionInput{Action: pingan.ActResolve, Result: result}); err != nil {
			return err
		}
		if p.urgent {
			w.later(p, w.hours(2, 24)) // re-inspection (复查)
		} else {
			w.later(p, w.hours(12, 72))
		}
	case c.Status == pingan.StatusResolved:
		if p.rework {
			p.rework = false
			if c, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActRework, Reason: "回访当事人不认可处理结果，请重新处理"}); err != nil {
				return err
			}
			w.resolveLater(p, c, 0.3, 0.8)
			return nil
		}
		if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActClose}); err != nil {
			return err
		}
		if p.rate {
			w.later(p, w.hours(2, 72))
		}
	case c.Status == pingan.StatusClosed && c.Satisfaction == nil && p.rate:
		s := pingan.Satisfied
		switch r := w.rng.Float64(); {
		case r > 0.94:
			s = pingan.Dissatisfied
		case r > 0.8:
			s = pingan.BasicallySatisfied
		}
		rater := disp // 回访: the centre calls the reporter back
		if p.reporter != nil && p.reporter.ID == c.ReportedBy && !p.reporter.Has(pingan.RoleDispatcher) {
			rater = p.reporter
		}
		if _, err = w.act(rater, c, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: s}); err != nil {
			return err
		}
		if s == pingan.Dissatisfied && !p.reopened && w.rng.Float64() < 0.4 {
			p.reopen = true
			w.later(p, w.hours(4, 72))
		}
	case c.Status == pingan.StatusClosed && p.reopen:
		p.reopen, p.reopened = false, true
		if _, err = w.act(disp, c, pingan.ActionInput{Action: pingan.ActReopen, Reason: "群众评价不满意，责令重新办理"}); err != nil {
			return err
		}
		w.later(p, w.hours(1, 8))
	}
	return nil
}

// supervise has the leader over the centre's ground supervise the case
// (督办) with five days to report.
func (w *history) supervise(c *pingan.Case, centre *place, note string) error {
	l := w.staff.leader[w.top.unit.Code]
	if county := centre.county(); county != nil {
		l = w.staff.leader[county.unit.Code]
	}
	due := w.clock.Now().AddDate(0, 0, 5)
	_, err := w.act(l, c, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &due, Note: note})
	return err
}

// storeProfiles answers the store's categories by code and the profiles
// of reports whose category the store has; an error when it has none.
func storeProfiles(ctx context.Context, cs pingan.CategoryService) (map[string]*pingan.Category, []*profile, error) {
	cats, err := cs.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	byCode := make(map[string]*pingan.Category, len(cats))
	for _, c := range cats {
		byCode[c.Code] = c
	}
	var profs []*profile
	for _, p := range profiles {
		if byCode[p.code] != nil {
			profs = append(profs, p)
		}
	}
	if len(profs) == 0 {
		return nil, nil, errors.New("demo: the store has none of the default categories")
	}
	return byCode, profs, nil
}
