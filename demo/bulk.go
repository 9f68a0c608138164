package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/geo"
)

// Bulk adds many cases to a demo city at once, for trying pingan at the
// size of a big city (`pingan demo --bulk 10000000`): years of reports in
// the city's grids, in the demo's mix of categories and seasons, each case
// with the timeline of the steps it went through — report, accept (or
// reject), dispatch, sign, resolve, close, rate, and some returned,
// escalated on a missed deadline, sent back for rework or reopened — and
// its row as those steps left it. They are written tens of thousands to a
// transaction, bypassing the services (the store writes them many rows to
// a statement, or copies them, store.BulkLoad), the next batch drawn and
// bound while the last is written, and each transaction adds the counters
// of its cases (pingan.CaseTally at pingan.TallyNodes, summed in memory),
// so the statistics need no rebuild. The personal data of every case is the same
// sealed reporter.

// BulkTx is one transaction of bulk writes; the store's BulkTx is one
// (cmd/pingan begins it with store.BulkLoad.Begin).
type BulkTx interface {
	// Insert writes rows into table: args are the values of cols, row
	// after row; times are time.Time or *time.Time.
	Insert(ctx context.Context, table string, cols []string, args []any) error
	// AddTallies adds counter rows by the day of report.
	AddTallies(ctx context.Context, rows []pingan.TallyRow) error
	// Exec runs one statement with parameters $1 … $n.
	Exec(ctx context.Context, query string, args ...any) error
	// Int answers the integer a query answers; ok is false for no row.
	Int(ctx context.Context, query string, args ...any) (n int64, ok bool, err error)
	// Seal seals personal data with the store's key.
	Seal(plaintext []byte) ([]byte, error)
	// BindTime answers the value Insert takes for a timestamp, as it
	// would bind t itself: the next batch's rows are bound as they are
	// drawn, away from the writer.
	BindTime(t time.Time) any
	Commit() error
	Rollback() error
}

// BulkOptions are what Bulk adds.
type BulkOptions struct {
	City  string // the demo city's code; DefaultCity when empty
	Seed  uint64 // the seed the city was built with (its grids), and of the cases
	Cases int
	// Years of reports before Now; by default one for each million cases,
	// at least one and at most ten.
	Years int
	Now   time.Time
	// Progress is told the cases written so far, after each transaction.
	Progress func(done, total int)
	// End, when set, ends the load after its last transaction, also when
	// it failed: store.BulkLoad.End, which makes the indexes dropped for
	// the load again.
	End func(context.Context) error
}

// BulkResult is what Bulk wrote.
type BulkResult struct {
	Cases, Actions int
	From, To       time.Time
	ByStatus       map[pingan.Status]int
}

// Cases a transaction holds at most; a transaction never holds two months.
const bulkTxCases = 50000

// Bulk writes o.Cases cases into the demo city, through begin's
// transactions; categories are read from svc.
func Bulk(ctx context.Context, svc Services, begin func(context.Context) (BulkTx, error), o BulkOptions) (res *BulkResult, err error) {
	// The load ends however Bulk answers, and before what follows the
	// last transaction, which may want the indexes.
	ended := o.End == nil
	end := func() {
		if !ended {
			ended = true
			if e := o.End(ctx); e != nil && err == nil {
				err = fmt.Errorf("demo bulk: %w", e)
			}
		}
	}
	defer end()
	if o.City == "" {
		o.City = DefaultCity
	}
	if o.Now.IsZero() {
		o.Now = midnight(time.Now())
	}
	o.Now = o.Now.In(pingan.CST)
	if o.Years <= 0 {
		o.Years = min(10, max(1, (o.Cases+999999)/1000000))
	}
	g, err := newBulkGen(ctx, svc, o)
	if err != nil {
		return nil, err
	}
	res = &BulkResult{ByStatus: map[pingan.Status]int{}, From: g.days[0], To: o.Now}
	err = g.load(ctx, begin, res)
	end()
	if err != nil {
		return res, err
	}
	// The open-now gauges (在办计数), recounted from the open cases written.
	if gs, ok := svc.Stats.(pingan.GaugeRebuilder); ok {
		if _, err := gs.RebuildGauges(ctx); err != nil {
			return res, fmt.Errorf("demo bulk: %w", err)
		}
	}
	return res, nil
}

// load draws the cases and writes them, a batch a transaction.
func (g *bulkGen) load(ctx context.Context, begin func(context.Context) (BulkTx, error), res *BulkResult) error {
	o := g.o
	if err := g.prepare(ctx, begin); err != nil {
		return fmt.Errorf("demo bulk: %w", err)
	}
	// The next batch is drawn while the last is written.
	batches := make(chan *bulkBatch, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for {
			var old *bulkBatch
			select {
			case old = <-g.free:
			default:
			}
			b := g.batch(old)
			if b.n == 0 {
				return
			}
			select {
			case batches <- b:
			case <-stop:
				return
			}
		}
	}()
	for b := range batches {
		tx, err := begin(ctx)
		if err != nil {
			return err
		}
		err = b.write(ctx, tx)
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
		if err != nil {
			return fmt.Errorf("demo bulk: %w", err)
		}
		res.Cases += b.n
		res.Actions += b.actions
		for s, k := range b.byStatus {
			res.ByStatus[s] += k
		}
		if o.Progress != nil {
			o.Progress(res.Cases, o.Cases)
		}
		select {
		case g.free <- b: // its buffers are drawn into again
		default:
		}
	}
	return nil
}

// bulkUnit is a unit a case passes through, with its path and region.
type bulkUnit struct {
	code, name, path, region string
}

type bulkGen struct {
	o      BulkOptions
	rng    *rand.Rand
	cal    *calendar.Calendar
	grids  []*gridPlace
	cum    []float64
	ix     *geo.Index
	units  map[string]*bulkUnit
	places map[string]*place
	cats   map[string]*pingan.Category
	profs  []*profile
	sealed []byte
	// retention: the months a closed case keeps its personal data, by kind.
	retention map[pingan.Kind]int
	bind      func(time.Time) any // BulkTx.BindTime

	placements map[string]string // by grid

	free chan *bulkBatch // batches written, whose buffers are drawn into again

	days  []time.Time        // of the history
	count []int              // cases reported on each day
	day   int                // the day being written
	left  int                // its cases not yet written
	seq   map[bulkSeqKey]int // the last number given out
}

type bulkSeqKey struct {
	region string
	year   int
}

func newBulkGen(ctx context.Context, svc Services, o BulkOptions) (*bulkGen, error) {
	c, err := newCity(o.City)
	if err != nil {
		return nil, err
	}
	g := &bulkGen{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0xb01c)), cal: calendar.Official(), places: c.places,
		units: map[string]*bulkUnit{}, seq: map[bulkSeqKey]int{}, placements: map[string]string{}, free: make(chan *bulkBatch, 1)}
	// The retention of personal data, as the retention job will apply it.
	g.retention = pingan.DefaultRetentionPolicy().Months
	if svc.Retention != nil {
		p, err := svc.Retention.RetentionPolicy(ctx)
		if err != nil {
			return nil, err
		}
		g.retention = p.Months
	}
	// The grids as Seed laid them out with the same seed.
	g.grids = lay(c.top, c.ref, o.Seed)
	grids := make([]*pingan.Grid, len(g.grids))
	sum := 0.0
	for i, gp := range g.grids {
		grids[i] = gp.grid
		sum += gp.weight
		g.cum = append(g.cum, sum)
	}
	if g.ix, err = geo.NewIndex(grids); err != nil {
		return nil, err
	}
	// Paths and regions as the store gives them (units come parents first).
	for _, u := range c.units {
		b := &bulkUnit{code: u.Code, name: u.Name, path: "/" + u.Code + "/", region: u.Code}
		if p := g.units[u.ParentCode]; p != nil {
			b.path = p.path + u.Code + "/"
			if u.Level != pingan.LevelProvince && u.Level != pingan.LevelCity && u.Level != pingan.LevelCounty {
				b.region = p.region
			}
		}
		g.units[u.Code] = b
	}
	if g.cats, g.profs, err = storeProfiles(ctx, svc.Categories); err != nil {
		return nil, err
	}
	// The days, and how many cases each: the seasons of the categories,
	// fewer at the weekend and on holidays.
	start := midnight(o.Now).AddDate(-o.Years, 0, 0)
	var weights []float64
	total := 0.0
	for d := start; d.Before(o.Now); d = d.AddDate(0, 0, 1) {
		f := festival(d)
		w := 0.0
		for _, p := range g.profs {
			w += p.rate(d, f, true) + p.rate(d, f, false)
		}
		if ok, err := g.cal.IsWorkingDay(d); err == nil && !ok || err != nil && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
			w *= 0.6
		}
		g.days = append(g.days, d)
		weights = append(weights, w)
		total += w
	}
	acc, given := 0.0, 0
	for _, w := range weights {
		acc += w
		n := int(float64(o.Cases)*acc/total+0.5) - given
		g.count = append(g.count, n)
		given += n
	}
	g.count[len(g.count)-1] += o.Cases - given
	g.day, g.left = 0, g.count[0]
	return g, nil
}

var (
	bulkCaseCols = append([]string{"region", "id", "number", "kind", "category", "title", "description", "status",
		"lat", "lng", "address", "grid", "unit_code", "unit_path", "holding_unit", "holding_path", "assigned_unit", "assigned_path",
		"source", "reported_by", "reported_at", "sign_by", "resolve_by", "overdue", "suspended", "escalation_level",
		"supervised", "signed_at", "resolved_at", "closed_at", "satisfaction", "reporter_sealed", "updated_at", "version",
		"ungridded", "placement", "returns", "reworks", "reopens", "sign_late", "watched_due", "sign_warned",
		"personal_purged_at"}, bulkPetitionCols...)
	bulkActionCols = []string{"region", "case_id", "seq", "action", "actor_id", "actor_name", "acted_at",
		"from_status", "to_status", "from_unit", "to_unit", "note", "deadline", "satisfaction"}
)

// prepare seals the reporter and reads the numbers given out so far.
func (g *bulkGen) prepare(ctx context.Context, begin func(context.Context) (BulkTx, error)) error {
	tx, err := begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if g.sealed, err = tx.Seal([]byte(`{"role":"reporter","name":"王五","phone":"13712345678"}`)); err != nil {
		return err
	}
	g.bind = tx.BindTime
	regions := map[string]bool{}
	for _, gp := range g.grids {
		regions[g.units[gp.village.unit.Code].region] = true
	}
	for r := range regions {
		for y := g.days[0].Year(); y <= g.o.Now.Year(); y++ {
			n, _, err := tx.Int(ctx, `SELECT last_seq FROM case_counters WHERE region = $1 AND year = $2`, r, y)
			if err != nil {
				return err
			}
			g.seq[bulkSeqKey{r, y}] = int(n)
		}
	}
	return nil
}

// bulkBatch is the cases of one transaction, their timelines and their
// counters, summed.
type bulkBatch struct {
	n, actions int
	caseArgs   []any
	actionArgs []any
	tallies    []pingan.TallyRow
	seqs       map[bulkSeqKey]int
	byStatus   map[pingan.Status]int
}

// batch draws the next cases, up to bulkTxCases and to the end of a
// month, into the buffers of old, a batch written, when there is one.
func (g *bulkGen) batch(old *bulkBatch) *bulkBatch {
	b := &bulkBatch{seqs: map[bulkSeqKey]int{}, byStatus: map[pingan.Status]int{}}
	if old != nil {
		clear(old.caseArgs[:cap(old.caseArgs)])
		clear(old.actionArgs[:cap(old.actionArgs)])
		b.caseArgs, b.actionArgs = old.caseArgs[:0], old.actionArgs[:0]
	}
	tallies := map[tallyKey]*pingan.Tally{}
	if g.day >= len(g.days) {
		return b
	}
	month := g.days[g.day].Month()
	for b.n < bulkTxCases {
		if g.left == 0 {
			g.day++
			if g.day == len(g.days) {
				break
			}
			g.left = g.count[g.day]
			if g.days[g.day].Month() != month && b.n > 0 {
				break
			}
			month = g.days[g.day].Month()
			continue
		}
		g.left--
		b.n++
		c, acts := g.newCase(g.days[g.day])
		b.seqs[bulkSeqKey{c.Region, c.ReportedAt.Year()}] = g.seq[bulkSeqKey{c.Region, c.ReportedAt.Year()}]
		b.byStatus[c.Status]++
		b.actions += len(acts)
		b.caseArgs = g.caseRow(b.caseArgs, c)
		for i, a := range acts {
			b.actionArgs = append(b.actionArgs, c.Region, c.ID, i+1, string(a.Action), 0, a.ActorName, g.bind(a.At),
				string(a.FromStatus), string(a.ToStatus), a.FromUnit, a.ToUnit, a.Note, g.bindp(a.Deadline), string(a.Satisfaction))
		}
		t, k := pingan.CaseTally(c), pingan.CaseTallyKey(c)
		for _, node := range pingan.TallyNodes(c) {
			s := tallies[tallyKey{node, k}]
			if s == nil {
				s = new(pingan.Tally)
				tallies[tallyKey{node, k}] = s
			}
			s.Add(&t)
		}
	}
	b.tallies = make([]pingan.TallyRow, 0, len(tallies))
	for k, t := range tallies {
		b.tallies = append(b.tallies, pingan.TallyRow{Node: k.node, Key: k.key, T: *t})
	}
	sort.Slice(b.tallies, func(i, j int) bool { return pingan.TallyLess(b.tallies[i], b.tallies[j]) })
	return b
}

// write writes the batch in tx: the cases, their timelines, their
// counters and the last numbers given out.
func (b *bulkBatch) write(ctx context.Context, tx BulkTx) error {
	if err := tx.Insert(ctx, "cases", bulkCaseCols, b.caseArgs); err != nil {
		return err
	}
	if err := tx.Insert(ctx, "actions", bulkActionCols, b.actionArgs); err != nil {
		return err
	}
	if err := tx.AddTallies(ctx, b.tallies); err != nil {
		return err
	}
	for k, last := range b.seqs {
		if err := tx.Exec(ctx, `INSERT INTO case_counters (region, year, last_seq) VALUES ($1, $2, $3)
			ON CONFLICT (region, year) DO UPDATE SET last_seq = excluded.last_seq`, k.region, k.year, last); err != nil {
			return err
		}
	}
	return nil
}

type tallyKey struct {
	node string
	key  pingan.TallyKey
}

func (g *bulkGen) caseRow(out []any, c *pingan.Case) []any {
	updated := c.ReportedAt
	for _, t := range []*time.Time{c.SignedAt, c.ResolvedAt, c.ClosedAt} {
		if t != nil && t.After(updated) {
			updated = *t
		}
	}
	var satisfaction any
	if c.Satisfaction != nil {
		satisfaction = string(*c.Satisfaction)
	}
	resolveBy := g.bindp(c.ResolveBy)
	var watched, warned any
	if c.Overdue {
		watched = resolveBy // the deadline watch has met its deadline
	}
	if c.SignBy != nil && c.SignBy.Before(g.o.Now) {
		warned = g.bindp(c.SignBy) // and warned of the sign deadline (store.Notifications.NotifySignDue)
	}
	// Closed before the kind's retention (个人信息保存期限) ran out by now:
	// its personal data purged, as the retention job would have
	// (store.Security.PurgePersonal) — else a server started on years of
	// history spends its first hours on it.
	var reporter, purged any = g.sealed, nil
	if months, ok := g.retention[c.Kind]; ok && c.Status == pingan.StatusClosed && c.ClosedAt != nil {
		if !c.ClosedAt.After(g.o.Now.AddDate(0, -months, 0)) {
			reporter, purged = nil, g.bind(minTime(c.ClosedAt.AddDate(0, months, 0), g.o.Now))
		}
	}
	out = append(out, c.Region, c.ID, c.ID, string(c.Kind), c.Category, c.Title, c.Description, string(c.Status),
		c.Location.Lat, c.Location.Lng, c.Address, c.Grid, c.Unit, c.UnitPath, c.HoldingUnit, c.HoldingPath,
		c.AssignedUnit, c.AssignedPath, string(c.Source), 0, g.bind(c.ReportedAt), g.bindp(c.SignBy), resolveBy, c.Overdue, false,
		c.EscalationLevel, false, g.bindp(c.SignedAt), g.bindp(c.ResolvedAt), g.bindp(c.ClosedAt), satisfaction, reporter,
		g.bind(updated), c.Version, false, g.placement(c.Grid), c.Returns, c.Reworks, c.Reopens, c.SignLate, watched, warned,
		purged)
	return g.petitionRow(out, c) // bulk_petition.go
}

// minTime answers the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// bindp binds a timestamp that may be NULL.
func (g *bulkGen) bindp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return g.bind(*t)
}

// placement answers the placement note of a case in grid, made once a
// grid.
func (g *bulkGen) placement(grid string) string {
	p, ok := g.placements[grid]
	if !ok {
		p = "位置在网格 " + grid + " 内"
		g.placements[grid] = p
	}
	return p
}

// pickGrid answers a grid, the busier the likelier.
func (g *bulkGen) pickGrid() *gridPlace {
	x := g.rng.Float64() * g.cum[len(g.cum)-1]
	i := sort.SearchFloat64s(g.cum, x)
	return g.grids[min(i, len(g.grids)-1)]
}

func (g *bulkGen) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + g.rng.Float64()*(hi-lo)) * float64(time.Hour)).Truncate(time.Second)
}

// period answers the resolve period of the category from t.
func period(cat *pingan.Category, t time.Time) time.Time {
	r := cat.Policy.Resolve
	switch {
	case r.N <= 0:
		return t.AddDate(0, 0, 15)
	case r.Unit == "hours":
		return t.Add(time.Duration(r.N) * time.Hour)
	case r.Unit == "working":
		return t.AddDate(0, 0, r.N*7/5)
	}
	return t.AddDate(0, 0, r.N)
}

// newCase draws a case reported on day and walks it along the loop until
// the end of the history; it answers the case and its timeline.
func (g *bulkGen) newCase(day time.Time) (*pingan.Case, []pingan.Action) {
	gp := g.pickGrid()
	urban := gp.grid.Type != pingan.GridVillage
	f := festival(day)
	sum := 0.0
	for _, p := range g.profs {
		sum += p.rate(day, f, urban)
	}
	x, prof := g.rng.Float64()*sum, g.profs[len(g.profs)-1]
	for _, p := range g.profs {
		if x -= p.rate(day, f, urban); x < 0 {
			prof = p
			break
		}
	}
	cat := g.cats[prof.code]
	var source pingan.Source
	switch r := g.rng.Float64(); {
	case cat.Kind == pingan.KindPetition && r < 0.45:
		source = pingan.SourceLetter
	case cat.Kind == pingan.KindPetition && r < 0.9, r >= 0.95:
		source = pingan.SourceVisit
	case cat.Kind == pingan.KindPetition, r >= 0.5 && r < 0.8:
		source = pingan.SourceHotline
	case r < 0.5:
		source = pingan.SourceGridWorker
	default:
		source = pingan.SourceCitizen
	}
	at := day.Add(g.hours(7.5, 21))
	if !at.Before(g.o.Now) {
		at = g.o.Now.Add(-time.Minute)
	}
	v := gp.village
	vu := g.units[v.unit.Code]
	key := bulkSeqKey{vu.region, at.Year()}
	g.seq[key]++
	rep := prof.reports[g.rng.IntN(len(prof.reports))]
	loc := point(g.ix, gp, g.rng)
	due := period(cat, at)
	c := &pingan.Case{Region: vu.region, ID: caseNumber(at.Year(), vu.region, g.seq[key]),
		Kind: cat.Kind, Category: cat.Code, Title: rep[0], Description: "群众反映：" + rep[1] + "。",
		Status: pingan.StatusReported, Location: &loc, Address: gp.grid.Name, Grid: gp.grid.Code,
		Unit: vu.code, UnitPath: vu.path, HoldingUnit: vu.code, HoldingPath: vu.path, Source: source,
		ReportedAt: at, ResolveBy: &due, Version: 1}
	w := &bulkWalk{g: g, c: c, cat: cat, prof: prof, now: g.o.Now}
	w.acts = append(w.acts, pingan.Action{Action: pingan.ActReport, At: at, ActorName: pingan.SystemActor,
		ToStatus: pingan.StatusReported, ToUnit: vu.code, Note: rep[0], Deadline: &due})
	desk := v.township()
	if source == pingan.SourceHotline || source == pingan.SourceLetter || source == pingan.SourceVisit || desk == nil {
		desk = v.county()
	}
	if c.Kind == pingan.KindPetition { // its own procedure (bulk_petition.go)
		g.newPetition(c)
		w.runPetition(desk)
		return c, w.acts
	}
	w.run(desk)
	return c, w.acts
}

// caseNumber answers the number of a case, as the store gives it:
// 2026-620902-000123.
func caseNumber(year int, region string, seq int) string {
	b := make([]byte, 0, 12+len(region))
	b = appendPadded(b, year, 4)
	b = append(b, '-')
	b = append(b, region...)
	b = append(b, '-')
	return string(appendPadded(b, seq, 6))
}

// appendPadded appends n with zeros before it to width digits at least.
func appendPadded(b []byte, n, width int) []byte {
	var d [20]byte
	i := len(d)
	for n >= 10 || len(d)-i < width-1 {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	d[i] = byte('0' + n)
	return append(b, d[i:]...)
}

// bulkWalk takes one case along the loop, a step at a time, until the
// next step would come after now.
type bulkWalk struct {
	g    *bulkGen
	c    *pingan.Case
	cat  *pingan.Category
	prof *profile
	now  time.Time
	t    time.Time // of the last step
	acts []pingan.Action
}

// do records the action at t by actor and moves the case to status.
func (w *bulkWalk) do(a pingan.ActionName, at time.Time, actor string, status pingan.Status, fromUnit, toUnit string) *pingan.Action {
	w.acts = append(w.acts, pingan.Action{Action: a, At: at, ActorName: actor, FromStatus: w.c.Status, ToStatus: status,
		FromUnit: fromUnit, ToUnit: toUnit})
	w.c.Status = status
	w.c.Version++
	w.t = at
	return &w.acts[len(w.acts)-1]
}

// next answers when a step d after the last comes, and whether it comes
// before now. A resolve deadline passing first is met by the deadline
// watch: the case is overdue, and where it may rise it is escalated to the
// centre above instead (the caller sees the status change and starts a new
// round there).
func (w *bulkWalk) next(d time.Duration, desk **place) (time.Time, bool) {
	at := w.t.Add(max(d, time.Minute))
	c := w.c
	if due := *c.ResolveBy; !c.Overdue && due.Before(at) && c.Status.Open() && c.Status != pingan.StatusResolved {
		// The deadline watch runs at 02:00 and 14:00; it meets a case
		// that came back (返工) after its deadline at its next run.
		from := due
		if w.t.After(from) {
			from = w.t
		}
		watch := midnight(from).Add(2 * time.Hour)
		for !watch.After(from) {
			watch = watch.Add(12 * time.Hour)
		}
		if !watch.Before(at) || !watch.Before(w.now) {
			return at, at.Before(w.now)
		}
		c.Overdue = true
		up := (*desk).parent
		for up != nil && up.centre == nil {
			up = up.parent
		}
		// A petition is marked, never escalated by the watch.
		if escalatable(c.Status) && up != nil && c.Kind != pingan.KindPetition {
			to := w.g.units[up.centre.Code]
			a := w.do(pingan.ActEscalate, watch, pingan.SystemActor, pingan.StatusAccepted, c.HoldingUnit, to.code)
			a.Note = "超过办结时限自动上报 (resolve deadline missed)"
			nd := period(w.cat, watch)
			a.Deadline = &nd
			c.HoldingUnit, c.HoldingPath = to.code, to.path
			c.AssignedUnit, c.AssignedPath, c.SignBy, c.SignedAt, c.SignLate = "", "", nil, nil, false
			c.EscalationLevel++
			c.ResolveBy = &nd
			*desk = up
			return watch, true
		}
	}
	return at, at.Before(w.now)
}

func escalatable(s pingan.Status) bool {
	return s == pingan.StatusReported || s == pingan.StatusAccepted || s == pingan.StatusInProgress
}

// run walks the case from its report; desk is the centre that registers it.
func (w *bulkWalk) run(desk *place) {
	g, c := w.g, w.c
	w.t = c.ReportedAt
	urgent := c.Kind == pingan.KindHazard || w.cat.Policy.Resolve.Unit == "hours"
	slow := g.rng.Float64() < 0.07
	returned := g.rng.Float64() < 0.06
	rework := g.rng.Float64() < 0.05
	rate := g.rng.Float64() < 0.85
	reopenIf := g.rng.Float64() < 0.3
	// A hard case: the unit it goes to first takes weeks or months to sign
	// for it, its deadlines long passed, as a city's backlog has them.
	stall := g.rng.Float64() < 0.01
	// Some wait days for the joint meeting (联席会议研判) before dispatch.
	review := !urgent && g.rng.Float64() < 0.1
	delay := func(lo, hi float64) time.Duration {
		if urgent {
			return g.hours(lo/4, hi/4)
		}
		return g.hours(lo, hi)
	}
	// 受理 or 不予受理.
	at, ok := w.next(delay(0.3, 24), &desk)
	if !ok {
		return
	}
	centre := g.units[desk.centre.Code]
	if at.After(w.t) && g.rng.Float64() < 0.04 {
		a := w.do(pingan.ActReject, at, centre.name, pingan.StatusRejected, "", "")
		a.Note = "不属于受理范围，已告知反映人通过其他途径解决"
		c.ClosedAt = &at
		return
	}
	if c.Status == pingan.StatusReported {
		w.do(pingan.ActAccept, at, centre.name, pingan.StatusAccepted, c.HoldingUnit, centre.code)
		c.HoldingUnit, c.HoldingPath = centre.code, centre.path
	}
	reopened := false
	for round := 0; round < 6; round++ {
		// 派遣.
		d := delay(0.5, 8)
		if review && round == 0 {
			d = delay(24, 120)
		}
		at, ok := w.next(d, &desk)
		if !ok {
			return
		}
		centre = g.units[desk.centre.Code]
		if c.Status != pingan.StatusAccepted {
			continue // escalated meanwhile: the new centre dispatches
		}
		to := g.units[w.target(desk, c.AssignedUnit)]
		w.do(pingan.ActDispatch, at, centre.name, pingan.StatusDispatched, c.AssignedUnit, to.code)
		signBy := at.Add(24 * time.Hour)
		c.AssignedUnit, c.AssignedPath, c.SignBy = to.code, to.path, &signBy
		w.acts[len(w.acts)-1].Deadline = &signBy
		// 签收.
		d = delay(0.5, 26)
		if stall && round == 0 {
			d = g.hours(24*20, 24*120)
		}
		if at, ok = w.next(d, &desk); !ok {
			return
		}
		if c.Status != pingan.StatusDispatched {
			continue
		}
		if returned {
			// Not theirs: sent back to the centre (退回).
			returned = false
			a := w.do(pingan.ActReturn, at, to.name, pingan.StatusAccepted, to.code, "")
			a.Note = "经核实不属于本单位职责范围，申请退回重新派遣"
			c.Returns++
			c.AssignedUnit, c.AssignedPath, c.SignBy = "", "", nil
			continue
		}
		w.do(pingan.ActSign, at, to.name, pingan.StatusInProgress, "", "")
		c.SignedAt = &at
		c.SignLate = at.After(*c.SignBy)
		// 办结 (after a rework, again).
		for {
			work := delay(4, 24*7)
			if slow {
				work = c.ResolveBy.Sub(w.t) + delay(24, 24*20)
			}
			if at, ok = w.next(work, &desk); !ok {
				return
			}
			if c.Status != pingan.StatusInProgress {
				break
			}
			a := w.do(pingan.ActResolve, at, to.name, pingan.StatusResolved, "", "")
			a.Note = w.result()
			c.ResolvedAt = &at
			// 核查: rework once, or close.
			if at, ok = w.next(delay(2, 72), &desk); !ok {
				return
			}
			if rework {
				rework = false
				a := w.do(pingan.ActRework, at, centre.name, pingan.StatusInProgress, "", "")
				a.Note = "核查发现问题未彻底解决，退回返工"
				c.Reworks++
				c.ResolvedAt = nil
				continue
			}
			break
		}
		if c.Status != pingan.StatusResolved {
			continue
		}
		w.do(pingan.ActClose, at, centre.name, pingan.StatusClosed, "", "")
		c.ClosedAt = &at
		if !rate {
			return
		}
		// 评价.
		if at, ok = w.next(delay(1, 72), &desk); !ok {
			return
		}
		s := pingan.Satisfied
		switch x := g.rng.Float64(); {
		case x < 0.06:
			s = pingan.Dissatisfied
		case x < 0.3:
			s = pingan.BasicallySatisfied
		}
		a := w.do(pingan.ActRate, at, "反映人", pingan.StatusClosed, "", "")
		a.Satisfaction = s
		c.Satisfaction = &s
		if s != pingan.Dissatisfied || !reopenIf || reopened {
			return
		}
		// 重办: the centre reopens it, a new round with a new deadline.
		if at, ok = w.next(delay(1, 48), &desk); !ok {
			return
		}
		reopened = true
		a = w.do(pingan.ActReopen, at, centre.name, pingan.StatusAccepted, "", "")
		a.Note = "群众不满意，重新办理"
		nd := period(w.cat, at)
		a.Deadline = &nd
		c.Reopens++
		c.ClosedAt, c.ResolvedAt, c.Satisfaction = nil, nil, nil
		c.AssignedUnit, c.AssignedPath, c.SignBy, c.SignedAt, c.SignLate = "", "", nil, nil, false
		c.ResolveBy = &nd // 曾超期 stays
		rate = g.rng.Float64() < 0.85
	}
}

// result answers what the handler reports back.
func (w *bulkWalk) result() string {
	if rs := w.prof.results; len(rs) > 0 {
		return rs[w.g.rng.IntN(len(rs))]
	}
	return "已按要求处置完毕"
}

// target answers who desk dispatches to: a township centre its own
// township, a county (or city) centre the township or the department the
// category goes to; not avoid.
func (w *bulkWalk) target(desk *place, avoid string) string {
	v := w.g.places[w.c.Unit]
	town, county := v.township(), v.county()
	if desk.level() == pingan.LevelTownship {
		return desk.unit.Code
	}
	var options []string
	for _, to := range w.prof.to {
		code := ""
		switch {
		case to == "T" && town != nil:
			code = town.unit.Code
		case to != "T" && county != nil && county.depts[to] != nil:
			code = county.depts[to].Code
		}
		if code != "" && code != avoid {
			options = append(options, code)
		}
	}
	if len(options) == 0 {
		if town != nil {
			return town.unit.Code
		}
		return desk.unit.Code
	}
	return options[w.g.rng.IntN(len(options))]
}
