package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Stats reads the statistics (统计) from the counters (tally.go), never
// from the cases: pingan.StatsService.
type Stats struct{ *handle }

var _ pingan.StatsService = (*Stats)(nil)

// Stats answers the statistics of q.
func (s *Stats) Stats(ctx context.Context, actor *pingan.User, q pingan.StatsQuery) (*pingan.Stats, error) {
	var v pingan.Invalid
	if q.Check(&v); v.Err() != nil {
		return nil, v.Err()
	}
	out, err := s.StatsSeries(ctx, actor, q, []time.Time{q.From, q.To})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// StatsSeries answers Stats of each period between consecutive bounds.
// Periods of whole months are read in one statement from the month rows.
func (s *Stats) StatsSeries(ctx context.Context, actor *pingan.User, q pingan.StatsQuery, bounds []time.Time) ([]*pingan.Stats, error) {
	if len(bounds) < 2 {
		return nil, pingan.E(pingan.EINVALID, "stats.bounds.few")
	}
	for i := 1; i < len(bounds); i++ {
		if !bounds[i-1].Before(bounds[i]) {
			return nil, pingan.E(pingan.EINVALID, "stats.bounds.order")
		}
	}
	q.From, q.To = bounds[0], bounds[len(bounds)-1]
	r, err := s.begin(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	defer r.tx.Rollback()
	out := make([]*pingan.Stats, len(bounds)-1)
	if months := wholeMonths(bounds); months != nil {
		got, err := r.sum(ctx, spanOfMonths(bounds[0], bounds[len(bounds)-1]), "month")
		if err != nil {
			return nil, err
		}
		for i := range out {
			t, kinds := got.of(months[i])
			out[i] = pingan.NewStats(r.unit.Code, bounds[i], bounds[i+1], t, kinds)
		}
	} else {
		for i := range out {
			got, err := r.sum(ctx, spansOf(bounds[i], bounds[i+1]), "")
			if err != nil {
				return nil, err
			}
			t, kinds := got.of("")
			out[i] = pingan.NewStats(r.unit.Code, bounds[i], bounds[i+1], t, kinds)
		}
	}
	return out, r.tx.Commit()
}

// StatsBy answers Stats of q broken down by d.
func (s *Stats) StatsBy(ctx context.Context, actor *pingan.User, q pingan.StatsQuery, d pingan.StatsDim) ([]*pingan.Stats, error) {
	if !d.Valid() {
		return nil, pingan.Invalidf("by", "stats.dim.unknown", string(d))
	}
	r, err := s.begin(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	defer r.tx.Rollback()
	var keys []string // the units one level down, counted or not
	var served map[string]string
	switch d {
	case pingan.ByUnit:
		if keys, err = r.children(ctx); err != nil {
			return nil, err
		}
		r.nodes = keys
	case pingan.ByGrid:
		if r.nodes, err = r.grids(ctx); err != nil {
			return nil, err
		}
		r.nodeSet = r.gridSet
	case pingan.ByOrg:
		if r.nodes, err = r.orgs(ctx); err != nil {
			return nil, err
		}
		r.nodeSet = r.orgSet
	case pingan.ByHandler:
		if keys, served, err = r.handlers(ctx); err != nil {
			return nil, err
		}
		r.nodes = nil
		for _, k := range keys {
			r.nodes = append(r.nodes, served[k])
		}
	}
	col := map[pingan.StatsDim]string{pingan.ByUnit: "node", pingan.ByGrid: "node", pingan.ByOrg: "node", pingan.ByHandler: "node", pingan.ByCategory: "category",
		pingan.ByKind: "kind", pingan.BySource: "source"}[d]
	got, err := r.sum(ctx, spansOf(q.From, q.To), col)
	if err != nil {
		return nil, err
	}
	if served != nil { // each handling unit by the node it answers for
		by := make(map[string]map[pingan.Kind]*pingan.Tally, len(keys))
		for _, k := range keys {
			if t := got.by[served[k]]; t != nil {
				by[k] = t
			}
		}
		got.by = by
	}
	seen := map[string]bool{}
	var out []*pingan.Stats
	add := func(k string) {
		seen[k] = true
		t, kinds := got.of(k)
		var st *pingan.Stats
		if q.Measures != 0 {
			st = pingan.NewCounts(r.unit.Code, q.From, q.To, t, q.Measures)
		} else {
			st = pingan.NewStats(r.unit.Code, q.From, q.To, t, kinds)
		}
		st.Key = k
		out = append(out, st)
	}
	for _, k := range keys {
		add(k)
	}
	var rest []string
	for k := range got.by {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	return out, r.tx.Commit()
}

// statsRead is one reading of statistics: its transaction, the unit, the
// nodes whose counters it adds up and the filters.
type statsRead struct {
	s     *Stats
	tx    *sql.Tx
	unit  *pingan.Unit
	nodes []string
	// nodeSet, when set, answers a query of the nodes, for a condition
	// node IN (…) rather than a parameter a node: a city's 1,420 grids,
	// its 300 mediation organisations.
	nodeSet func(a *args) string
	q       pingan.StatsQuery
	cats    []string // the category and its subcategories, when filtered
	// journal: the counts of the journal not yet in the tables, read in
	// the same snapshot (journal.go); journalGauges its gauges.
	journal       []pingan.TallyRow
	journalGauges []pingan.GaugeRow
}

// begin checks q and starts the reading over the unit of q (the actor's
// own when "").
func (s *Stats) begin(ctx context.Context, actor *pingan.User, q pingan.StatsQuery) (*statsRead, error) {
	var v pingan.Invalid
	q.Check(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	// One snapshot for the tables and the journal (a fold may commit
	// between two statements).
	tx, err := s.beginSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	r := &statsRead{s: s, tx: tx, q: q}
	if s.journaling.Load() {
		j, err := readJournal(ctx, tx)
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		r.journal, r.journalGauges = j.tallies, j.gauges
	}
	if q.Unit == "" {
		r.unit, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE path = $1`, actor.ScopePath))
	} else {
		r.unit, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1 AND `+unitIn("path", "$2"), q.Unit, scope))
	}
	if err != nil {
		tx.Rollback()
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errUnitNotFound(q.Unit)
		}
		return nil, err
	}
	r.nodes = []string{r.unit.Code}
	if q.Category != "" {
		if r.cats, err = categoryTree(ctx, tx, q.Category); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	if q.Grid != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM grids g JOIN units u ON u.code = g.unit_code
			WHERE g.code = $1 AND `+unitIn("u.path", "$2"), q.Grid, likePrefix(r.unit.Path)).Scan(&n); err != nil {
			tx.Rollback()
			return nil, err
		}
		if n == 0 {
			tx.Rollback()
			return nil, pingan.Invalidf("grid", "stats.grid.unknown", q.Grid)
		}
		r.nodes = []string{q.Grid}
	}
	return r, nil
}

// categoryTree answers the category code and the codes below it;
// EINVALID naming category when there is no such category.
func categoryTree(ctx context.Context, tx *sql.Tx, code string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code, parent FROM categories`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	children := map[string][]string{}
	known := false
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			return nil, err
		}
		children[p] = append(children[p], c)
		known = known || c == code
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !known {
		return nil, pingan.Invalidf("category", "stats.category.unknown", code)
	}
	out := []string{code}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// children answers the codes of the units one level down, centres left out.
func (r *statsRead) children(ctx context.Context) ([]string, error) {
	return r.codes(ctx, `SELECT code FROM units WHERE parent_code = $1 AND level <> $2 ORDER BY code`, r.unit.Code, string(pingan.LevelCentre))
}

// orgs answers the codes of the mediation organisations (调解组织, units
// with an org_type) of the unit's subtree, itself included.
func (r *statsRead) orgs(ctx context.Context) ([]string, error) {
	var a args
	return r.codes(ctx, r.orgSet(&a)+` ORDER BY code`, a...)
}

// orgSet is the query of the mediation organisations of the reading's
// subtree.
func (r *statsRead) orgSet(a *args) string {
	return `SELECT code FROM units WHERE org_type <> '' AND ` + unitIn("path", a.add(likePrefix(r.unit.Path)))
}

// handlers answers the codes of the centres (综治中心) and departments
// (职能部门) of the unit's subtree, itself included — the units that hold
// cases or must act on them — and the node whose counters each answers
// for: a department its own (the cases it must act on), a centre its
// parent's (the cases of the area it holds: a case's holder is the unit
// whose centre took it).
func (r *statsRead) handlers(ctx context.Context) ([]string, map[string]string, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT code, level, parent_code FROM units WHERE level IN ($1, $2) AND `+
		unitIn("path", "$3")+` ORDER BY code`, string(pingan.LevelCentre), string(pingan.LevelDepartment), likePrefix(r.unit.Path))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var keys []string
	served := map[string]string{}
	for rows.Next() {
		var code, level, parent string
		if err := rows.Scan(&code, &level, &parent); err != nil {
			return nil, nil, err
		}
		keys = append(keys, code)
		served[code] = code
		if pingan.Level(level) == pingan.LevelCentre && parent != "" {
			served[code] = parent
		}
	}
	return keys, served, rows.Err()
}

// grids answers the codes of the grids of the unit's subtree.
func (r *statsRead) grids(ctx context.Context) ([]string, error) {
	var a args
	return r.codes(ctx, r.gridSet(&a)+` ORDER BY g.code`, a...)
}

// gridSet is the query of the grids of the reading's subtree.
func (r *statsRead) gridSet(a *args) string {
	return `SELECT g.code FROM grids g JOIN units u ON u.code = g.unit_code WHERE ` + unitIn("u.path", a.add(likePrefix(r.unit.Path)))
}

func (r *statsRead) codes(ctx context.Context, q string, a ...any) ([]string, error) {
	rows, err := r.tx.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// sums are counters added up by a column and by kind.
type sums struct {
	by map[string]map[pingan.Kind]*pingan.Tally
}

// of answers the sum for key, and by kind.
func (s *sums) of(key string) (*pingan.Tally, map[pingan.Kind]*pingan.Tally) {
	t := new(pingan.Tally)
	for _, kt := range s.by[key] {
		t.Add(kt)
	}
	return t, s.by[key]
}

// sum adds up the counters of the reading's nodes over the spans, by the
// column col ("" for none; "month" groups the month rows by month).
func (r *statsRead) sum(ctx context.Context, spans []span, col string) (*sums, error) {
	out := &sums{by: map[string]map[pingan.Kind]*pingan.Tally{}}
	if len(r.nodes) == 0 {
		return out, nil
	}
	// The whole years of a range of months from the year rows, a year of
	// a city's cohorts in a tenth of the month rows — unless the sums are
	// by month.
	if col != "month" {
		spans = yearSpans(spans)
	}
	if r.nodeSet != nil && r.s.dialect == Postgres {
		if _, err := r.tx.ExecContext(ctx, customPlans); err != nil {
			return nil, err
		}
	}
	for _, sp := range spans {
		q, a, which := r.statement(sp, col)
		rows, err := r.tx.QueryContext(ctx, q, a...)
		if err != nil {
			return nil, err
		}
		if err := out.scan(rows, which); err != nil {
			return nil, err
		}
		r.addJournal(out, sp, col)
	}
	return out, nil
}

// customPlans makes PostgreSQL plan each statement of the transaction for
// its parameters. It plans a statement prepared once (each statement, by
// the driver's cache) for any parameters after its fifth run when that
// plan seems no dearer, and for a subtree's grids (or organisations) as a
// subquery whose pattern it cannot see it expects a handful: the grid
// map's month then looked each grid's month up by the key, 7–10 ms at a
// city, where the month's range of the index by month (0054) takes 1.4–2.
const customPlans = `SET LOCAL plan_cache_mode = force_custom_plan`

// statement answers the statement that adds up the counters of the span
// sp by col ("" for none, else a column of the counter tables), its
// arguments and the measures it sums (every one when nil), in the order
// of its columns after the key and the kind.
func (r *statsRead) statement(sp span, col string) (string, args, []pingan.Measure) {
	// The month rows by kind alone hold the same sums in a fraction of
	// the rows, when neither a filter nor the grouping needs the
	// category or the source.
	byKind := len(r.cats) == 0 && r.q.Source == "" && col != "category" && col != "source"
	// The reports alone of many nodes, of every kind (the map's grids):
	// the narrow rows by month and node, each node's months one range.
	byNode := byKind && r.q.Kind == "" && col != "kind" && r.q.Measures == pingan.MeasuresOf(pingan.MReported) &&
		(len(r.nodes) > 1 || r.nodeSet != nil)
	switch {
	case byNode && sp.table == monthTallies.table:
		sp.table = reportTallies.table
	case byNode && sp.table == yearTallies.table:
		sp.table = reportYearTallies.table
	case byKind && sp.table == monthTallies.table:
		sp.table = kindTallies.table
	case byKind && sp.table == yearTallies.table:
		sp.table = kindYearTallies.table
	}
	var a args
	// By kind too, for the rates of one kind — unless only some
	// measures are read (NewCounts): then by the column alone, which
	// SQLite adds up in the order it reads the nodes, unsorted.
	kind, byKinds := "kind", ", kind"
	if r.q.Measures != 0 {
		kind, byKinds = "''", ""
	}
	group := "kind"
	sel := "'', " + kind
	switch {
	case col == "month":
		sel, group = sp.period+", "+kind, sp.period+byKinds
	case col != "":
		sel, group = col+", "+kind, col+byKinds
	case r.q.Measures != 0:
		group = ""
	}
	w := []string{sp.period + " >= " + a.add(sp.lo), sp.period + " < " + a.add(sp.hi)}
	switch {
	case len(r.nodes) == 1:
		w = append(w, "node = "+a.add(r.nodes[0]))
	case r.nodeSet != nil:
		w = append(w, "node IN ("+r.nodeSet(&a)+")")
	default:
		w = append(w, "node IN ("+a.list(anySlice(r.nodes)...)+")")
	}
	w = append(w, r.gaugeFilters(&a)...) // the kind, the categories, the source: the same columns
	cols, which := sumColumns, []pingan.Measure(nil)
	switch {
	case r.q.Measures != 0:
		which = r.q.Measures.List()
		cols = sumColumnsOf(which)
	case r.q.Kind != "":
		// A kind's cases count none of the other kinds' own
		// measures: fewer columns to add up.
		which, cols = kindColumns(r.q.Kind)
	}
	if group != "" {
		group = ` GROUP BY ` + group
	}
	return `SELECT ` + sel + `, ` + cols + ` FROM ` + sp.table + ` WHERE ` + strings.Join(w, " AND ") + group, a, which
}

// addJournal adds to out the journal's counts that the span and the
// filters select, by the column col as sum does.
func (r *statsRead) addJournal(out *sums, sp span, col string) {
	if len(r.journal) == 0 {
		return
	}
	nodes := make(map[string]bool, len(r.nodes))
	for _, n := range r.nodes {
		nodes[n] = true
	}
	for i := range r.journal {
		row := &r.journal[i]
		k := row.Key
		p := k.Day[:len(sp.lo)] // the span's period: a day, a month or a year
		if !nodes[row.Node] || p < sp.lo || p >= sp.hi || (r.q.Kind != "" && k.Kind != r.q.Kind) ||
			(r.q.Source != "" && k.Source != r.q.Source) || (len(r.cats) > 0 && !slices.Contains(r.cats, k.Category)) {
			continue
		}
		var key string
		switch col {
		case "month":
			key = p
		case "node":
			key = row.Node
		case "category":
			key = k.Category
		case "kind":
			key = string(k.Kind)
		case "source":
			key = string(k.Source)
		}
		m := out.by[key]
		if m == nil {
			m = map[pingan.Kind]*pingan.Tally{}
			out.by[key] = m
		}
		if m[k.Kind] == nil {
			m[k.Kind] = new(pingan.Tally)
		}
		m[k.Kind].Add(&row.T)
	}
}

// scan adds up the rows: a key, a kind and the sums of the measures which
// names (every measure when nil).
func (s *sums) scan(rows *sql.Rows, which []pingan.Measure) error {
	defer rows.Close()
	// One row's values, scanned into the same place each time: the
	// measures not read stay zero.
	var key string
	var kind pingan.Kind
	var t pingan.Tally
	dest := []any{&key, &kind}
	if which == nil {
		for i := range t {
			dest = append(dest, &t[i])
		}
	}
	for _, m := range which {
		dest = append(dest, &t[m])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		m := s.by[key]
		if m == nil {
			m = map[pingan.Kind]*pingan.Tally{}
			s.by[key] = m
		}
		if m[kind] == nil {
			m[kind] = new(pingan.Tally)
		}
		m[kind].Add(&t)
	}
	return rows.Err()
}

// sumColumns is the sum of every measure column, 0 when there is no row.
var sumColumns = func() string {
	out := make([]string, len(measureColumns))
	for i, c := range measureColumns {
		out[i] = "COALESCE(SUM(" + c + "), 0)"
	}
	return strings.Join(out, ", ")
}()

// kindSum is what a reading of one kind adds up: the kind's measures
// (pingan.KindMeasures) and their sums.
type kindSum struct {
	which []pingan.Measure
	cols  string
}

var kindSums = func() map[pingan.Kind]kindSum {
	out := map[pingan.Kind]kindSum{}
	for _, k := range pingan.Kinds {
		which := pingan.KindMeasures(k.Kind).List()
		out[k.Kind] = kindSum{which, sumColumnsOf(which)}
	}
	return out
}()

// kindColumns answers the measures a reading of the kind k adds up and
// their sums; every measure for a kind not known.
func kindColumns(k pingan.Kind) ([]pingan.Measure, string) {
	if ks, ok := kindSums[k]; ok {
		return ks.which, ks.cols
	}
	return nil, sumColumns
}

// sumColumnsOf is sumColumns of the measures ms alone.
func sumColumnsOf(ms []pingan.Measure) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = "COALESCE(SUM(" + measureColumns[m] + "), 0)"
	}
	return strings.Join(out, ", ")
}

// span is a part of a range read from one counter table: periods in
// [lo, hi).
type span struct {
	table, period string
	lo, hi        string
}

const (
	dayLayout   = "2006-01-02"
	monthLayout = "2006-01"
)

// spansOf splits [from, to) — midnights, China Standard Time — into the
// whole months it holds, read from the month rows, and the days before
// and after them, read from the day rows.
func spansOf(from, to time.Time) []span {
	from, to = from.In(pingan.CST), to.In(pingan.CST)
	first := monthOf(from)
	if first.Before(from) {
		first = first.AddDate(0, 1, 0)
	}
	last := monthOf(to)
	if !first.Before(last) { // no whole month: days only
		return []span{{dayTallies.table, "day", from.Format(dayLayout), to.Format(dayLayout)}}
	}
	var out []span
	if from.Before(first) {
		out = append(out, span{dayTallies.table, "day", from.Format(dayLayout), first.Format(dayLayout)})
	}
	out = append(out, spanOfMonths(first, last)...)
	if last.Before(to) {
		out = append(out, span{dayTallies.table, "day", last.Format(dayLayout), to.Format(dayLayout)})
	}
	return out
}

// yearSpans answers spans with the whole years of each span of month rows
// read from the year rows instead: 2025-11 to 2027-03 is 2025-11 and
// 2025-12 from the month rows, 2026 from the year rows, 2027-01 to 2027-03
// from the month rows.
func yearSpans(spans []span) []span {
	var out []span
	for _, sp := range spans {
		if sp.table != monthTallies.table {
			out = append(out, sp)
			continue
		}
		first, _ := strconv.Atoi(sp.lo[:4])
		if sp.lo[5:] != "01" {
			first++
		}
		last, _ := strconv.Atoi(sp.hi[:4]) // the year of the month after the span
		if first >= last {
			out = append(out, sp)
			continue
		}
		lo, hi := strconv.Itoa(first), strconv.Itoa(last)
		if sp.lo < lo+"-01" {
			out = append(out, span{sp.table, sp.period, sp.lo, lo + "-01"})
		}
		out = append(out, span{yearTallies.table, yearTallies.period, lo, hi})
		if sp.hi > hi+"-01" {
			out = append(out, span{sp.table, sp.period, hi + "-01", sp.hi})
		}
	}
	return out
}

// spanOfMonths is the month rows of [from, to), both first days of months.
func spanOfMonths(from, to time.Time) []span {
	return []span{{monthTallies.table, "month", from.In(pingan.CST).Format(monthLayout), to.In(pingan.CST).Format(monthLayout)}}
}

// wholeMonths answers the month (YYYY-MM) of each period when every bound
// is the first day of a month and every period one month; nil otherwise.
func wholeMonths(bounds []time.Time) []string {
	out := make([]string, len(bounds)-1)
	for i := range out {
		a, b := bounds[i].In(pingan.CST), bounds[i+1].In(pingan.CST)
		if !a.Equal(monthOf(a)) || !b.Equal(a.AddDate(0, 1, 0)) {
			return nil
		}
		out[i] = a.Format(monthLayout)
	}
	return out
}
