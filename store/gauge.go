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

// The open-now gauges (在办计数, pingan.CaseGauge; docs/statistics.md "The
// gauges"): what the open cases count at each node, by the day they become
// overdue. Written in the transaction of every change to a case, beside
// the counters (tally.go): the change of the row from what it was to what
// it is now, at every node of either. A row that comes to count nothing is
// removed, so that the table holds about the open cases' cohorts only and
// a node's rows stay few to add up.

// gaugeVersion is the migration that made the gauges.
const gaugeVersion = 20

// gaugeColumns lists the gauges' measure columns: m_open, m_sensitive_open.
var gaugeColumns = func() []string {
	out := make([]string, pingan.NumGaugeMeasures)
	for i, n := range pingan.GaugeMeasureNames {
		out[i] = "m_" + n
	}
	return out
}()

// gaugeKeyColumns are the key columns of the gauges, in the key's order.
const gaugeKeyColumns = "node, due_day, region, kind, category, source"

// gaugeRows answers the gauges to add when a case changes from before
// (nil when new) to after; none when the schema has no gauges.
func (h *handle) gaugeRows(before, after *pingan.Case) []pingan.GaugeRow {
	if !h.gauging.Load() {
		return nil
	}
	if before == nil && after != nil && after.SuperviseBy != nil {
		// A new row has no supervision deadline (insertCase): count the
		// row as written.
		c := *after
		c.SuperviseBy = nil
		after = &c
	}
	return pingan.GaugeChange(before, after)
}

// gaugeSet is a set of gauge measures, a bit each.
type gaugeSet uint8

func gaugeMeasuresOf(g *pingan.Gauge) gaugeSet {
	var m gaugeSet
	for i, v := range g {
		if v != 0 {
			m |= 1 << i
		}
	}
	return m
}

// The gauges are kept twice: by every cohort (gauges), and summed over
// region, category and source (gauges_kind, migration 0048), which every
// reading without a category or source filter reads — a city's open cases
// are some 16,000 cohorts of due day, category and source at a million
// cases, and 1,200 of due day and kind.
const (
	gaugeTable     = "gauges"
	gaugeKindTable = "gauges_kind"
)

// gaugeTables are the tables of the gauges, every write to both.
var gaugeTables = []string{gaugeTable, gaugeKindTable}

// kindGauges answers rows summed by node, due day and kind alone, in the
// order of GaugeLess: the rows of gauges_kind.
func kindGauges(rows []pingan.GaugeRow) []pingan.GaugeRow {
	at := make(map[gaugeNK]int, len(rows))
	var out []pingan.GaugeRow
	for _, r := range rows {
		k := gaugeNK{r.Node, pingan.GaugeKey{DueDay: r.Key.DueDay, Kind: r.Key.Kind}}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, pingan.GaugeRow{Node: k.node, Key: k.key})
		}
		out[i].G.Add(&r.G)
	}
	sort.Slice(out, func(i, j int) bool { return pingan.GaugeLess(out[i], out[j]) })
	return out
}

// addGauges adds rows to the gauges, and their sums by kind to
// gauges_kind; rows of the same measures together, at most maxTallyRows
// in a statement, and removes those that come to count nothing. Every
// write of the gauges goes through it.
func (h *handle) addGauges(ctx context.Context, tx *sql.Tx, rows []pingan.GaugeRow) error {
	if err := h.addGaugeRows(ctx, tx, gaugeTable, rows); err != nil {
		return err
	}
	return h.addGaugeRows(ctx, tx, gaugeKindTable, kindGauges(rows))
}

// addGaugeRows is addGauges of one table.
func (h *handle) addGaugeRows(ctx context.Context, tx *sql.Tx, table string, rows []pingan.GaugeRow) error {
	var sets []gaugeSet
	bySet := map[gaugeSet][]pingan.GaugeRow{}
	for _, r := range rows {
		m := gaugeMeasuresOf(&r.G)
		if m == 0 {
			continue
		}
		if _, ok := bySet[m]; !ok {
			sets = append(sets, m)
		}
		bySet[m] = append(bySet[m], r)
	}
	var zero []pingan.GaugeRow
	for _, m := range sets {
		rs := bySet[m]
		for len(rs) > 0 {
			n := min(len(rs), maxTallyRows)
			z, err := h.writeGaugeSet(ctx, tx, table, m, rs[:n])
			if err != nil {
				return err
			}
			zero = append(zero, z...)
			rs = rs[n:]
		}
	}
	for len(zero) > 0 {
		n := min(len(zero), maxTallyRows)
		if err := h.dropGauges(ctx, tx, table, zero[:n]); err != nil {
			return err
		}
		zero = zero[n:]
	}
	return nil
}

// writeGaugeSet adds rs, each with the measures of set, and answers those
// that took something away and now count nothing.
func (h *handle) writeGaugeSet(ctx context.Context, tx *sql.Tx, table string, set gaugeSet, rs []pingan.GaugeRow) ([]pingan.GaugeRow, error) {
	less := false // some row takes away: read back what the rows count
	a := make([]any, 0, len(rs)*8)
	for _, r := range rs {
		a = append(a, r.Node, r.Key.DueDay, r.Key.Region, string(r.Key.Kind), r.Key.Category, string(r.Key.Source))
		for i, v := range r.G {
			if set&(1<<i) != 0 {
				a = append(a, v)
				less = less || v < 0
			}
		}
	}
	s, err := h.stmt(ctx, tx, upsertGauge(table, set, len(rs), less))
	if err != nil {
		return nil, err
	}
	if !less {
		_, err = s.ExecContext(ctx, a...)
		return nil, err
	}
	got, err := s.QueryContext(ctx, a...)
	if err != nil {
		return nil, err
	}
	defer got.Close()
	var zero []pingan.GaugeRow
	for got.Next() {
		var r pingan.GaugeRow
		dest := []any{&r.Node, &r.Key.DueDay, &r.Key.Region, &r.Key.Kind, &r.Key.Category, &r.Key.Source}
		for i := range r.G {
			dest = append(dest, &r.G[i])
		}
		if err := got.Scan(dest...); err != nil {
			return nil, err
		}
		if r.G.Zero() {
			zero = append(zero, r)
		}
	}
	return zero, got.Err()
}

// dropGauges removes the rows of the keys of rs that count nothing.
func (h *handle) dropGauges(ctx context.Context, tx *sql.Tx, table string, rs []pingan.GaugeRow) error {
	s, err := h.stmt(ctx, tx, deleteGauges(table, len(rs)))
	if err != nil {
		return err
	}
	a := make([]any, 0, len(rs)*6)
	for _, r := range rs {
		a = append(a, r.Node, r.Key.DueDay, r.Key.Region, string(r.Key.Kind), r.Key.Category, string(r.Key.Source))
	}
	_, err = s.ExecContext(ctx, a...)
	return err
}

type gaugeTextKey struct {
	table string
	set   gaugeSet
	n     int
	back  bool // the upsert reads back; deleteGauges: set and back are zero
}

var gaugeTexts sync.Map

// upsertGauge answers the statement adding n rows of the measures of set
// to the table of gauges; with back, it answers each row's key and
// measures after.
func upsertGauge(table string, set gaugeSet, n int, back bool) string {
	k := gaugeTextKey{table, set, n, back}
	if q, ok := gaugeTexts.Load(k); ok {
		return q.(string)
	}
	var cols []string
	for i, c := range gaugeColumns {
		if set&(1<<i) != 0 {
			cols = append(cols, c)
		}
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + gaugeKeyColumns + ", " + strings.Join(cols, ", ") + ") VALUES ")
	b.WriteString(placeholders(n, 6+len(cols)))
	b.WriteString(" ON CONFLICT (" + gaugeKeyColumns + ") DO UPDATE SET ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = " + table + "." + c + " + excluded." + c)
	}
	if back {
		b.WriteString(" RETURNING " + gaugeKeyColumns + ", " + strings.Join(gaugeColumns, ", "))
	}
	q := b.String()
	gaugeTexts.Store(k, q)
	return q
}

// deleteGauges answers the statement removing the rows of n keys that
// count nothing from the table of gauges.
func deleteGauges(table string, n int) string {
	k := gaugeTextKey{table: table, n: -n}
	if q, ok := gaugeTexts.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString("DELETE FROM " + table + " WHERE ")
	for i, c := range gaugeColumns {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(c + " = 0")
	}
	b.WriteString(" AND (")
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('(')
		for j, c := range strings.Split(gaugeKeyColumns, ", ") {
			if j > 0 {
				b.WriteString(" AND ")
			}
			p++
			b.WriteString(c + " = $" + strconv.Itoa(p))
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	q := b.String()
	gaugeTexts.Store(k, q)
	return q
}

// placeholders answers n rows of m parameters: ($1, $2), ($3, $4) …
func placeholders(n, m int) string {
	var b strings.Builder
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range m {
			if j > 0 {
				b.WriteString(", ")
			}
			p++
			b.WriteString("$" + strconv.Itoa(p))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// dueMoment is the SQL of pingan.DueMoment over a case row, NULL when no
// deadline can pass or a stopped one passed before it stopped: the
// expression of the index cases_open_due (migration 0020), repeated
// verbatim so that the query reads the index. gaugeOpen is the condition
// of that index.
func dueMoment(d Dialect) string {
	if d == Postgres {
		return `(CASE
    WHEN ` + stoppedLate + ` THEN NULL
    ELSE ` + earliestDue + ` END)`
	}
	return `(CASE
    WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND suspended AND resolve_by < suspended_at THEN NULL
    ELSE NULLIF(min(
        CASE WHEN status = 'dispatched' AND sign_by IS NOT NULL THEN sign_by ELSE '~' END,
        CASE WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended AND resolve_by IS NOT NULL THEN resolve_by ELSE '~' END,
        COALESCE(supervise_by, '~')), '~') END)`
}

// stoppedLate is the SQL condition that a case's resolve deadline passed
// before its clock stopped (suspended late): overdue for good.
const stoppedLate = `status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND suspended AND resolve_by < suspended_at`

// earliestDue is the SQL, on PostgreSQL, of the earliest deadline a case
// must meet now (pingan.Case.Dues) but a stopped one, NULL when none: part
// of the expressions of the indexes cases_open_due (dueMoment) and
// cases_overdue_at (overdueAt), which PostgreSQL matches by their parsed
// form, not their spacing.
const earliestDue = `LEAST(
        CASE WHEN status = 'dispatched' THEN sign_by END,
        CASE WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended THEN resolve_by END,
        supervise_by)`

// gaugeOpen is the condition of the index cases_open_due: the case is open.
const gaugeOpen = `status IN ('accepted', 'dispatched', 'in_progress', 'reported', 'resolved')`
