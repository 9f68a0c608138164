package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// BulkOptions configure BulkCases.
type BulkOptions struct {
	// Now is the clock's time: the cases are reported over the thirteen
	// months before it. Epoch when zero.
	Now time.Time
	// Seed makes a different, still reproducible, set of cases.
	Seed uint64
}

// Rows per INSERT statement on PostgreSQL and cases per transaction of
// BulkCases.
const (
	bulkCaseRows   = 300
	bulkActionRows = 900
	bulkTxCases    = 30000
)

// BulkCases writes n cases into db, for benchmarks over a database of
// realistic size (a million cases in a minute or two), many rows per
// INSERT and many thousand per transaction, bypassing CreateCase and Act.
// They are reported over the thirteen months before o.Now, evenly, in
// fx's villages (both counties; most in a grid of FixtureGrids, some
// ungridded), in every category of the default catalogue's kinds and
// every status in proportions a city sees: the older ones mostly closed,
// the last month's spread along the loop; about 8% overdue, the open
// overdue ones escalated to the county; two thirds of the closed ones
// rated. Each case has its 'report' timeline entry, and the case counters
// are set so that CreateCase numbers after them. db must hold no cases of
// fx's regions yet.
func BulkCases(tb testing.TB, db *store.DB, fx *Fixture, n int, o BulkOptions) {
	tb.Helper()
	if o.Now.IsZero() {
		o.Now = Epoch
	}
	ctx := context.Background()
	sealed, err := Sealer(tb).Seal([]byte(`{"role":"reporter","name":"王五","phone":"13712345678"}`))
	if err != nil {
		tb.Fatal(err)
	}
	g := &bulkGen{fx: fx, now: o.Now, n: n, rnd: rand.New(rand.NewPCG(o.Seed, 0x9a11)), sealed: sealed,
		d: db.Dialect(), seq: map[string]int{}, places: bulkPlaces(fx)}
	start := time.Now()
	for done := 0; done < n; {
		m := min(bulkTxCases, n-done)
		err := db.BulkExec(ctx, func(tx *sql.Tx) error { return g.write(ctx, tx, done, m) })
		if err != nil {
			tb.Fatalf("storetest: bulk cases: %v", err)
		}
		done += m
	}
	err = db.BulkExec(ctx, func(tx *sql.Tx) error {
		for key, last := range g.seq {
			var region string
			var year int
			fmt.Sscanf(key, "%d/%s", &year, &region)
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_counters (region, year, last_seq) VALUES ($1, $2, $3)
				ON CONFLICT (region, year) DO UPDATE SET last_seq = excluded.last_seq`, region, year, last); err != nil {
				return err
			}
		}
		if db.Dialect() == store.Postgres {
			// What autovacuum would soon do; SQLite keeps no statistics
			// unless told, and a server never tells it.
			_, err := tx.ExecContext(ctx, `ANALYZE cases`)
			return err
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("storetest: bulk cases: counters: %v", err)
	}
	written := time.Since(start)
	// The counters of the statistics, recounted from the cases written.
	if _, err := db.Stats.RebuildTallies(ctx, nil); err != nil {
		tb.Fatalf("storetest: bulk cases: statistics: %v", err)
	}
	tb.Logf("storetest: %d cases written in %v, counted in %v", n, written.Round(time.Millisecond),
		(time.Since(start) - written).Round(time.Millisecond))
}

// A place where cases happen: a village, a grid of it ("" for the cases
// placed in no grid) and the rectangle positions are drawn from.
type bulkPlace struct {
	village, handler *pingan.Unit
	grid             string
	w, s, e, n       float64
	weight           int
}

func bulkPlaces(fx *Fixture) []bulkPlace {
	return []bulkPlace{
		{fx.Village, fx.CountyHousing, "620902001001-01", 98.50, 39.75, 98.51, 39.76, 22},
		{fx.Village, fx.Township, "620902001001-02", 98.51, 39.75, 98.52, 39.76, 18},
		{fx.Village2, fx.Township, "620902001002-01", 98.52, 39.75, 98.53, 39.76, 20},
		{fx.Village2, fx.CountyHousing, "", 98.53, 39.74, 98.55, 39.75, 4},
		{fx.Village3, fx.Township2, "620902100001-01", 98.60, 39.80, 98.62, 39.82, 14},
		{fx.OtherVillage, fx.OtherTownship, "620921100001-01", 98.90, 40.00, 98.92, 40.02, 19},
		{fx.OtherVillage, fx.OtherTownship, "", 98.92, 40.02, 98.93, 40.03, 3},
	}
}

var bulkCategories = []struct {
	kind        pingan.Kind
	code, title string
}{
	{pingan.KindDispute, "0102", "邻里噪音纠纷"},
	{pingan.KindDispute, "0102", "宅基地边界纠纷"},
	{pingan.KindService, "FW01", "路灯损坏"},
	{pingan.KindService, "FW03", "小区垃圾清运不及时"},
	{pingan.KindHazard, "AQ03", "楼道堆放杂物"},
}

type bulkGen struct {
	fx     *Fixture
	now    time.Time
	n      int
	rnd    *rand.Rand
	sealed []byte
	d      store.Dialect
	seq    map[string]int // "year/region" → last
	places []bulkPlace
}

func (g *bulkGen) pick() bulkPlace {
	total := 0
	for _, p := range g.places {
		total += p.weight
	}
	x := g.rnd.IntN(total)
	for _, p := range g.places {
		if x < p.weight {
			return p
		}
		x -= p.weight
	}
	return g.places[0]
}

// write writes the cases number from to from+m-1 (oldest first) in tx.
func (g *bulkGen) write(ctx context.Context, tx *sql.Tx, from, m int) error {
	const caseCols, actionCols = 38, 15
	span := 395 * 24 * time.Hour
	caseRows, actionRows := bulkCaseRows, bulkActionRows
	if g.d == store.SQLite {
		// modernc.org/sqlite binds parameters in time quadratic in their
		// number: short statements, prepared, go fastest.
		caseRows, actionRows = 8, 8
	}
	insertCases := func(rows int) string {
		return `INSERT INTO cases (region, id, number, kind, category, title, description, status,
			lat, lng, address, grid, unit_code, unit_path, holding_unit, holding_path, assigned_unit, assigned_path,
			source, reported_by, reported_at, sign_by, resolve_by, overdue, suspended, suspended_at, escalation_level,
			supervised, signed_at, resolved_at, closed_at, satisfaction, reporter_sealed, parties_sealed, updated_at, version,
			ungridded, placement) VALUES ` + store.ValuesList(rows, caseCols)
	}
	insertActions := func(rows int) string {
		return `INSERT INTO actions (region, case_id, seq, action, actor_id, actor_name, acted_at,
			from_status, to_status, from_unit, to_unit, note, deadline, satisfaction, attachments)
			VALUES ` + store.ValuesList(rows, actionCols)
	}
	fullCases, err := tx.PrepareContext(ctx, insertCases(caseRows))
	if err != nil {
		return err
	}
	defer fullCases.Close()
	fullActions, err := tx.PrepareContext(ctx, insertActions(actionRows))
	if err != nil {
		return err
	}
	defer fullActions.Close()
	var cases, actions []any
	flush := func(force bool) error {
		if rows := len(cases) / caseCols; rows == caseRows {
			if _, err := fullCases.ExecContext(ctx, cases...); err != nil {
				return err
			}
			cases = cases[:0]
		} else if rows > 0 && force {
			if _, err := tx.ExecContext(ctx, insertCases(rows), cases...); err != nil {
				return err
			}
			cases = cases[:0]
		}
		// The timeline after the cases it refers to.
		if len(cases) > 0 {
			return nil
		}
		if rows := len(actions) / actionCols; rows == actionRows {
			if _, err := fullActions.ExecContext(ctx, actions...); err != nil {
				return err
			}
			actions = actions[:0]
		} else if rows > 0 && force {
			if _, err := tx.ExecContext(ctx, insertActions(rows), actions...); err != nil {
				return err
			}
			actions = actions[:0]
		}
		return nil
	}
	ts := g.d.BindTime
	tsp := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return ts(*t)
	}
	for i := from; i < from+m; i++ {
		at := g.now.Add(-span + span/time.Duration(g.n)*time.Duration(i)).Add(-time.Minute).In(pingan.CST).Truncate(time.Millisecond)
		p := g.pick()
		cat := bulkCategories[g.rnd.IntN(len(bulkCategories))]
		v := p.village
		key := fmt.Sprintf("%d/%s", at.Year(), v.Region)
		g.seq[key]++
		id := fmt.Sprintf("%04d-%s-%06d", at.Year(), v.Region, g.seq[key])
		c := g.loop(at, p)
		lat, lng := p.s+(p.n-p.s)*g.rnd.Float64(), p.w+(p.e-p.w)*g.rnd.Float64()
		placement := "位置在网格 " + p.grid + " 内"
		if p.grid == "" {
			placement = "位置不在任何网格内，归属上报人所在单位"
		}
		source := pingan.SourceGridWorker
		reporter := g.fx.GridWorker.ID
		if v.Region != g.fx.Village.Region {
			reporter = g.fx.OtherGridWorker.ID
		}
		if g.rnd.IntN(4) == 0 {
			source, reporter = pingan.SourceHotline, 0
		}
		updated := at
		for _, t := range []*time.Time{c.signedAt, c.resolvedAt, c.closedAt} {
			if t != nil && t.After(updated) {
				updated = *t
			}
		}
		var satisfaction any
		if c.satisfaction != "" {
			satisfaction = string(c.satisfaction)
		}
		cases = append(cases, v.Region, id, id, string(cat.kind), cat.code, cat.title,
			"基准测试数据：居民反映"+cat.title+"，请尽快处理。", string(c.status),
			lat, lng, v.Name+"某号", p.grid, v.Code, v.Path, c.holding.Code, c.holding.Path, c.assigned.Code, c.assigned.Path,
			string(source), reporter, ts(at), tsp(c.signBy), ts(c.resolveBy), c.overdue, false, nil, c.escalation,
			false, tsp(c.signedAt), tsp(c.resolvedAt), tsp(c.closedAt), satisfaction, g.sealed, nil, ts(updated), c.version,
			p.grid == "", placement)
		actions = append(actions, v.Region, id, 1, string(pingan.ActReport), 0, pingan.SystemActor, ts(at),
			"", string(pingan.StatusReported), "", v.Code, cat.title, ts(c.resolveBy), "", "")
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}

// A case's place along the loop.
type bulkLoop struct {
	status               pingan.Status
	holding, assigned    *pingan.Unit
	signBy               *time.Time
	resolveBy            time.Time
	signedAt, resolvedAt *time.Time
	closedAt             *time.Time
	overdue              bool
	escalation, version  int
	satisfaction         pingan.Satisfaction
}

// loop answers where a case reported at at stands now: the older, the
// further along.
func (g *bulkGen) loop(at time.Time, p bulkPlace) bulkLoop {
	c := bulkLoop{holding: p.village, assigned: &pingan.Unit{}, resolveBy: at.AddDate(0, 0, 14), version: 1}
	x := g.rnd.Float64()
	old := g.now.Sub(at) > 30*24*time.Hour
	var steps int // 0 reported, 1 accepted, 2 dispatched, 3 in progress, 4 resolved, 5 closed, -1 rejected
	switch {
	case old && x < 0.87, !old && x < 0.22:
		steps = 5
	case old && x < 0.91, !old && x < 0.25:
		steps = -1
	case old && x < 0.95, !old && x < 0.40:
		steps = 4
	case old && x < 0.97, !old && x < 0.65:
		steps = 3
	case old && x < 0.99, !old && x < 0.80:
		steps = 2
	case old, !old && x < 0.90:
		steps = 1
	}
	county := g.fx.CountyCentre
	if p.village.Region != g.fx.Village.Region {
		county = g.fx.OtherCountyCentre
	}
	hours := func(h int) *time.Time {
		t := at.Add(time.Duration(h)*time.Hour + time.Duration(g.rnd.IntN(3600))*time.Second)
		if t.After(g.now) {
			t = g.now
		}
		return &t
	}
	switch {
	case steps == -1:
		c.status, c.holding, c.closedAt, c.version = pingan.StatusRejected, county, hours(4), 2
		return c
	case steps >= 1:
		c.status, c.holding, c.version = pingan.StatusAccepted, county, 2
	default:
		c.status = pingan.StatusReported
	}
	if steps >= 2 {
		c.status, c.assigned, c.signBy, c.version = pingan.StatusDispatched, p.handler, hours(24), 3
	}
	if steps >= 3 {
		c.status, c.signedAt, c.version = pingan.StatusInProgress, hours(6+g.rnd.IntN(12)), 4
	}
	if steps >= 4 {
		late := g.rnd.Float64() < 0.03
		h := 24 + g.rnd.IntN(10*24)
		if late {
			h = 15*24 + g.rnd.IntN(20*24)
		}
		c.status, c.resolvedAt, c.overdue, c.version = pingan.StatusResolved, hours(h), late, 5
		if late && g.rnd.IntN(2) == 0 {
			c.escalation = 1
		}
	}
	if steps >= 5 {
		c.status, c.closedAt, c.version = pingan.StatusClosed, hours(int(c.resolvedAt.Sub(at)/time.Hour)+24), 6
		if g.rnd.IntN(3) < 2 {
			switch y := g.rnd.IntN(10); {
			case y < 7:
				c.satisfaction = pingan.Satisfied
			case y < 9:
				c.satisfaction = pingan.BasicallySatisfied
			default:
				c.satisfaction = pingan.Dissatisfied
			}
			c.version++
		}
	}
	if steps < 4 && c.resolveBy.Before(g.now) {
		// Open past its deadline: found overdue and escalated to the
		// county's centre (督办).
		c.overdue, c.escalation, c.holding = true, 1, county
	}
	return c
}
