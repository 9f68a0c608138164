package store

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pingan-gov/pingan"
)

// The counters of the statistics (docs/statistics.md; the measures and the
// nodes a case counts at are pingan.CaseTally and pingan.TallyNodes). Tables
// of the measures, by the day, the month and the year of the report;
// each row is one node (a unit or a grid) and one cohort (region, kind,
// category, source), and the month rows again by kind alone and, for the
// reports alone, by node alone (tallyTables). Reading whole years of
// cohorts takes the year rows, months the month rows; the days at the ends
// of a range of days come from the day rows. All are
// written with every change to a case (through the journal, journal.go):
// the change of the row from what it was to what it is now, at every node
// of either.

// tallyVersion is the migration that made the counters.
const tallyVersion = 18

// tallyTable is a counter table: its name, the column of its period and
// which part of a day row's key its rows keep (project).
type tallyTable struct {
	table, period string
	// width is the length of the period in the key: 10 for a day
	// (2026-03-08), 7 for a month (2026-03), 4 for a year (2026).
	width int
	// byKind: by node, period and kind alone, region, category and source
	// left blank — a city's month in a few rows, not thousands (migration
	// 0045): read whenever a reading filters and groups by neither
	// category nor source.
	byKind bool
	// byNode: by node and period alone, every other key column blank.
	byNode bool
	// only, when not 0, are the measures the table keeps; a change of
	// none of them writes no row there.
	only measureSet
	// months, of a year table, is the month table whose rows it sums: a
	// rebuild makes a year's rows again from them (yearFromMonths) and
	// `pingan stats verify` compares them (verifyYear).
	months string
}

// The counter tables: every change adds its day rows to the first and
// their sums to the others.
var (
	dayTallies   = tallyTable{table: "tallies_day", period: "day", width: 10}
	monthTallies = tallyTable{table: "tallies_month", period: "month", width: 7}
	kindTallies  = tallyTable{table: "tallies_kind_month", period: "month", width: 7, byKind: true}
	// reportTallies are the reports by month and node (migrations 0050
	// and 0051; keyed by the node first, with the one column m_reported):
	// the reports of a city's 1,420 grids in a month or a year, which
	// shade the dashboard's map, are 1,420 short ranges of narrow rows
	// read in the order of the grids, against as many look-ups of each
	// grid's wide rows by kind. Written only when a change counts a
	// report (a new case, rarely another change of where it counts).
	reportTallies = tallyTable{table: "tallies_reports_month", period: "month", width: 7, byNode: true,
		only: 1 << pingan.MReported}
	// The year tables (migration 0052) are the rows of the three month
	// tables summed by year, for the readings of whole years: a year of a
	// city's cohorts is some 660 rows against 7,200 month rows, a year of
	// its 1,420 grids' reports 1,420 rows against 25,000.
	yearTallies       = tallyTable{table: "tallies_year", period: "year", width: 4, months: monthTallies.table}
	kindYearTallies   = tallyTable{table: "tallies_kind_year", period: "year", width: 4, byKind: true, months: kindTallies.table}
	reportYearTallies = tallyTable{table: "tallies_reports_year", period: "year", width: 4, byNode: true,
		only: 1 << pingan.MReported, months: reportTallies.table}
	tallyTables = []tallyTable{dayTallies, monthTallies, kindTallies, reportTallies, yearTallies, kindYearTallies, reportYearTallies}
)

// key answers the key under which the table counts a day row's key k:
// its period in Day (YYYY-MM for a month table, YYYY for a year table).
func (tt tallyTable) key(k pingan.TallyKey) pingan.TallyKey {
	k.Day = k.Day[:tt.width]
	if tt.byKind {
		k.Region, k.Category, k.Source = "", "", ""
	}
	if tt.byNode {
		k.Region, k.Kind, k.Category, k.Source = "", "", "", ""
	}
	return k
}

// keeps answers whether the table has a column for the measure i.
func (tt tallyTable) keeps(i int) bool { return tt.only == 0 || tt.only&(1<<i) != 0 }

// columns lists the columns of the measures the table keeps.
func (tt tallyTable) columns() []string {
	var out []string
	for i, c := range measureColumns {
		if tt.keeps(i) {
			out = append(out, c)
		}
	}
	return out
}

// keep clears in t the measures the table does not keep.
func (tt tallyTable) keep(t *pingan.Tally) {
	if tt.only == 0 {
		return
	}
	for i := range t {
		if !tt.keeps(i) {
			t[i] = 0
		}
	}
}

// project answers day rows summed into the table's rows, sorted (the day
// rows come sorted; their months or years in the order of their first row
// would not be: the second day of a month may hold a region the first did
// not), so a group of measures writes its rows in the order of their keys;
// of a table that keeps some measures, the rows that change one of them,
// with only those.
func (tt tallyTable) project(rows []pingan.TallyRow) []pingan.TallyRow {
	if tt.width == len(dayLayout) {
		return rows
	}
	type nk struct {
		node string
		key  pingan.TallyKey
	}
	var out []pingan.TallyRow
	at := make(map[nk]int, len(rows))
	for _, r := range rows {
		if tt.only != 0 && measuresOf(&r.T)&tt.only == 0 {
			continue
		}
		k := tt.key(r.Key)
		if i, ok := at[nk{r.Node, k}]; ok {
			out[i].T.Add(&r.T)
			continue
		}
		at[nk{r.Node, k}] = len(out)
		out = append(out, pingan.TallyRow{Node: r.Node, Key: k, T: r.T})
	}
	if tt.only != 0 {
		kept := out[:0]
		for _, r := range out {
			tt.keep(&r.T)
			if !r.T.Zero() {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	sort.Slice(out, func(i, j int) bool { return pingan.TallyLess(out[i], out[j]) })
	return out
}

// measureColumns lists the measures' columns: m_reported, m_in_reported …
var measureColumns = func() []string {
	out := make([]string, pingan.NumMeasures)
	for i, n := range pingan.MeasureNames {
		out[i] = "m_" + n
	}
	return out
}()

// tallyKeyColumns are the key columns after the period.
const tallyKeyColumns = "region, kind, category, source"

// tallyCaseColumns are the columns of a case that its tally and its gauge
// (gauge.go: its deadlines) depend on.
const tallyCaseColumns = `region, kind, category, source, reported_at, status, unit_path, holding_path, assigned_path,
	grid, signed_at, sign_late, overdue, suspended, escalation_level, returns, reworks, reopens, satisfaction, sensitive,
	sign_by, resolve_by, supervise_by, suspended_at, resolved_at, ` + caseMediationColumns + `, ` + casePetitionColumns + `, ` + caseHazardColumns

// scanTallyCase reads the tallyCaseColumns of a case.
func scanTallyCase(s scanner) (*pingan.Case, error) {
	var c pingan.Case
	var reportedAt, signedAt, signBy, resolveBy, superviseBy, suspendedAt, resolvedAt stamp
	var satisfaction sql.NullString
	var med mediationScan
	var pet petitionScan
	var hz hazardScan
	if err := s.Scan(append(append(append([]any{&c.Region, &c.Kind, &c.Category, &c.Source, &reportedAt, &c.Status, &c.UnitPath, &c.HoldingPath,
		&c.AssignedPath, &c.Grid, &signedAt, &c.SignLate, &c.Overdue, &c.Suspended, &c.EscalationLevel,
		&c.Returns, &c.Reworks, &c.Reopens, &satisfaction, &c.Sensitive,
		&signBy, &resolveBy, &superviseBy, &suspendedAt, &resolvedAt}, med.dest()...), pet.dest()...), hz.dest()...)...); err != nil {
		return nil, err
	}
	med.apply(&c)
	pet.apply(&c)
	hz.apply(&c)
	c.ReportedAt, c.SignedAt = reportedAt.T, signedAt.ptr()
	c.SignBy, c.ResolveBy, c.SuperviseBy, c.SuspendedAt = signBy.ptr(), resolveBy.ptr(), superviseBy.ptr(), suspendedAt.ptr()
	c.ResolvedAt = resolvedAt.ptr()
	if satisfaction.Valid && satisfaction.String != "" {
		s := pingan.Satisfaction(satisfaction.String)
		c.Satisfaction = &s
	}
	return &c, nil
}

// tallyBefore reads what the row of the case counts now, before an update.
func (h *handle) tallyBefore(ctx context.Context, tx *sql.Tx, region, id string) (*pingan.Case, error) {
	if !h.tallying.Load() {
		return nil, nil
	}
	s, err := h.stmt(ctx, tx, `SELECT `+tallyCaseColumns+` FROM cases WHERE region = $1 AND id = $2`)
	if err != nil {
		return nil, err
	}
	return scanTallyCase(s.QueryRowContext(ctx, region, id))
}

// counters writes the change of a case from before (nil when new) to
// after into the counters of the statistics (tally.go) and the open-now
// gauges (gauge.go), in tx: as one row of the journal (journal.go); or, in
// work of the group writer, adds it to the counts the group writes once
// before it commits; or, on a schema without the journal, into the tables.
func (h *handle) counters(ctx context.Context, tx *sql.Tx, before, after *pingan.Case) error {
	var rows []pingan.TallyRow
	if h.tallying.Load() {
		rows = pingan.TallyChange(before, after)
	}
	gauges := h.gaugeRows(before, after)
	if len(rows) == 0 && len(gauges) == 0 {
		return nil
	}
	if p := pendingOf(ctx); p != nil {
		p.add(rows)
		p.addGauges(gauges)
		return nil
	}
	if h.journaling.Load() {
		return h.journal(ctx, tx, rows, gauges)
	}
	if err := h.addTallies(ctx, tx, rows, tallyTables); err != nil {
		return err
	}
	return h.addGauges(ctx, tx, gauges)
}

// pendingTallies are the counts of a transaction's work not yet written:
// the group writer's reports share the rows of the units above them, so a
// group of reports writes each of those rows once, not once a report.
type pendingTallies struct {
	rows   map[tallyNK]*pingan.Tally
	gauges map[gaugeNK]*pingan.Gauge
}

type pendingKey struct{}

// withPending answers ctx carrying p: tally adds to p instead of writing.
func withPending(ctx context.Context, p *pendingTallies) context.Context {
	return context.WithValue(ctx, pendingKey{}, p)
}

func pendingOf(ctx context.Context) *pendingTallies {
	p, _ := ctx.Value(pendingKey{}).(*pendingTallies)
	return p
}

func newPending() *pendingTallies {
	return &pendingTallies{rows: map[tallyNK]*pingan.Tally{}, gauges: map[gaugeNK]*pingan.Gauge{}}
}

func (p *pendingTallies) addGauges(rows []pingan.GaugeRow) {
	for _, r := range rows {
		k := gaugeNK{r.Node, r.Key}
		g := p.gauges[k]
		if g == nil {
			g = new(pingan.Gauge)
			p.gauges[k] = g
		}
		g.Add(&r.G)
	}
}

func (p *pendingTallies) add(rows []pingan.TallyRow) {
	for _, r := range rows {
		k := tallyNK{r.Node, r.Key}
		t := p.rows[k]
		if t == nil {
			t = new(pingan.Tally)
			p.rows[k] = t
		}
		t.Add(&r.T)
	}
}

// reset empties p.
func (p *pendingTallies) reset() {
	clear(p.rows)
	clear(p.gauges)
}

// merge adds the counts of q, work that succeeded, to p.
func (p *pendingTallies) merge(q *pendingTallies) {
	for k, t := range q.rows {
		if s := p.rows[k]; s != nil {
			s.Add(t)
		} else {
			p.rows[k] = t
		}
	}
	for k, g := range q.gauges {
		if s := p.gauges[k]; s != nil {
			s.Add(g)
		} else {
			p.gauges[k] = g
		}
	}
	clear(q.rows)
	clear(q.gauges)
}

// flush writes the counts into tx: as one row of the journal
// (journal.go), or into the counters when the schema has no journal.
func (h *handle) flush(ctx context.Context, tx *sql.Tx, p *pendingTallies) error {
	if !h.journaling.Load() {
		return h.writePending(ctx, tx, p)
	}
	return h.journal(ctx, tx, p.sorted(), p.sortedGauges())
}

// writePending adds the counts to the counters and the gauges in tx.
func (h *handle) writePending(ctx context.Context, tx *sql.Tx, p *pendingTallies) error {
	if rows := p.sorted(); len(rows) > 0 {
		if err := h.addTallies(ctx, tx, rows, tallyTables); err != nil {
			return err
		}
	}
	return h.addGauges(ctx, tx, p.sortedGauges())
}

// sortedGauges answers the gauges that are not zero in the order of their
// keys, and empties p's gauges.
func (p *pendingTallies) sortedGauges() []pingan.GaugeRow {
	if len(p.gauges) == 0 {
		return nil
	}
	rows := make([]pingan.GaugeRow, 0, len(p.gauges))
	for k, g := range p.gauges {
		if !g.Zero() {
			rows = append(rows, pingan.GaugeRow{Node: k.node, Key: k.key, G: *g})
		}
	}
	clear(p.gauges)
	sort.Slice(rows, func(i, j int) bool { return pingan.GaugeLess(rows[i], rows[j]) })
	return rows
}

// sorted answers the counts that are not zero in the order of their keys,
// and empties p.
func (p *pendingTallies) sorted() []pingan.TallyRow {
	if len(p.rows) == 0 {
		return nil
	}
	rows := make([]pingan.TallyRow, 0, len(p.rows))
	for k, t := range p.rows {
		if !t.Zero() {
			rows = append(rows, pingan.TallyRow{Node: k.node, Key: k.key, T: *t})
		}
	}
	clear(p.rows)
	sort.Slice(rows, func(i, j int) bool { return pingan.TallyLess(rows[i], rows[j]) })
	return rows
}

// addTallies adds day rows to the day table of tables and their sums to
// the others.
func (h *handle) addTallies(ctx context.Context, tx *sql.Tx, rows []pingan.TallyRow, tables []tallyTable) error {
	return writeTallyTables(ctx, rows, tables, func(q string) (*sql.Stmt, error) { return h.stmt(ctx, tx, q) })
}

// writeTallyTables adds rows to the day table and their sums to the others
// of tables, with the statements stmt prepares.
func writeTallyTables(ctx context.Context, rows []pingan.TallyRow, tables []tallyTable, stmt func(query string) (*sql.Stmt, error)) error {
	for _, tt := range tables {
		if err := writeTallies(ctx, tt, tt.project(rows), stmt); err != nil {
			return err
		}
	}
	return nil
}

// maxTallyRows bounds the rows of one statement. An action changes about
// a dozen; a rebuild writes thousands, 16 at a time: SQLite takes many
// times longer for one statement of a thousand rows than for sixty of
// sixteen, prepared once.
const maxTallyRows = 16

// measureSet is a set of measures, a bit each.
type measureSet uint64

// measuresOf answers the measures t changes.
func measuresOf(t *pingan.Tally) measureSet {
	var m measureSet
	for i, v := range t {
		if v != 0 {
			m |= 1 << i
		}
	}
	return m
}

// upsertTally answers the statement adding n rows to table, each with the
// measures of set: each adds to the row of its key, or makes it. A change
// touches a few measures, the same at each of its nodes, so it is written
// with the columns of their groups (writeTallies), not all. The texts are
// kept (upsertTexts).
func upsertTally(table, period string, set measureSet, n int) string {
	k := upsertKey{table, set, n}
	upsertTexts.Lock()
	defer upsertTexts.Unlock()
	if q, ok := upsertTexts.m[k]; ok {
		return q
	}
	if len(upsertTexts.m) >= maxUpsertTexts {
		clear(upsertTexts.m)
	}
	q := upsertText(table, period, set, n)
	upsertTexts.m[k] = q
	return q
}

type upsertKey struct {
	table string
	set   measureSet
	n     int
}

// upsertTexts are the texts upsertTally made, while they are fewer than
// maxUpsertTexts: a server meets new sets of measures for as long as it
// runs (stmt.go), so the lot is dropped when full and made again as met.
var upsertTexts = struct {
	sync.Mutex
	m map[upsertKey]string
}{m: map[upsertKey]string{}}

const maxUpsertTexts = 4096

func upsertText(table, period string, set measureSet, n int) string {
	var cols []string
	for i, c := range measureColumns {
		if set&(1<<i) != 0 {
			cols = append(cols, c)
		}
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (node, " + period + ", " + tallyKeyColumns + ", " + strings.Join(cols, ", ") + ") VALUES ")
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range 6 + len(cols) {
			if j > 0 {
				b.WriteString(", ")
			}
			p++
			b.WriteString("$" + strconv.Itoa(p))
		}
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT (node, " + period + ", " + tallyKeyColumns + ") DO UPDATE SET ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = " + table + "." + c + " + excluded." + c)
	}
	return b.String()
}

// writeTallies adds rs, rows of the table's key (project), to the table,
// rows of the same groups of measures together (measureGroups), in runs of
// 16, 8, 4, 2 and 1 rows: a few hundred texts in all, which the writer
// keeps prepared (stmt.go). By their exact measures and any number of rows
// up to 16, the rows a fold of the journal adds made thousands.
func writeTallies(ctx context.Context, tt tallyTable, rs []pingan.TallyRow, stmt func(string) (*sql.Stmt, error)) error {
	var sets []measureSet
	bySet := map[measureSet][]pingan.TallyRow{}
	for _, r := range rs {
		m := measuresOf(&r.T)
		if m == 0 {
			continue
		}
		m = widen(m)
		if tt.only != 0 {
			m &= tt.only
		}
		if _, ok := bySet[m]; !ok {
			sets = append(sets, m)
		}
		bySet[m] = append(bySet[m], r)
	}
	for _, m := range sets {
		rows := bySet[m]
		for len(rows) > 0 {
			n := maxTallyRows
			for n > len(rows) {
				n /= 2
			}
			if err := writeTallySet(ctx, tt, m, rows[:n], stmt); err != nil {
				return err
			}
			rows = rows[n:]
		}
	}
	return nil
}

// measureGroups are the measures that steps change together: a report's
// (its status 待受理 with it: most changes are reports), the other statuses
// (a step moves a case from one to another), the loop's others, and a
// dispute's, a petition's and a hazard's own.
var measureGroups = func() []measureSet {
	span := func(from, to pingan.Measure) measureSet {
		var s measureSet
		for m := from; m <= to; m++ {
			s |= 1 << m
		}
		return s
	}
	return []measureSet{
		1<<pingan.MReported | 1<<pingan.MSensitive | 1<<pingan.MInReported,
		span(pingan.MInAccepted, pingan.MInMerged),
		span(pingan.MSigned, pingan.MDissatisfied) | 1<<pingan.MHandleHours,
		span(pingan.MMediated, pingan.MAgreementDays),
		span(pingan.MPetitions, pingan.MPetRecheckChanged),
		span(pingan.MHazardMajor, pingan.MHazardMajorOpen),
	}
}()

// widen answers the groups of measures that hold those of set.
func widen(set measureSet) measureSet {
	var out measureSet
	for _, g := range measureGroups {
		if set&g != 0 {
			out |= g
		}
	}
	return out
}

func writeTallySet(ctx context.Context, tt tallyTable, set measureSet, rs []pingan.TallyRow, stmt func(string) (*sql.Stmt, error)) error {
	s, err := stmt(upsertTally(tt.table, tt.period, set, len(rs)))
	if err != nil {
		return err
	}
	a := make([]any, 0, len(rs)*16)
	for _, r := range rs {
		a = append(a, r.Node, r.Key.Day[:tt.width], r.Key.Region, string(r.Key.Kind), r.Key.Category, string(r.Key.Source))
		for i, v := range r.T {
			if set&(1<<i) != 0 {
				a = append(a, v)
			}
		}
	}
	_, err = s.ExecContext(ctx, a...)
	return err
}
