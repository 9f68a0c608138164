package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Recounting the counters from the cases, month by month of report: for
// an upgrade (the counters are built at start when the table is empty and
// cases exist), for a repair (`pingan stats rebuild`) and to check them
// (`pingan stats verify`). A month's cases are read through the index on
// reported_at, so a recount holds one month's counters in memory. The
// year rows are the month rows summed: a rebuild makes a year's again from
// its month rows once they are rebuilt, and a check compares them with
// the month rows (yearFromMonths, verifyYear).

// TallyProgress is told the cases recounted so far and how many there are.
type TallyProgress func(done, total int64)

// TallyDiff is a counter that differs from its recount.
type TallyDiff struct {
	Table, Node, Period string
	Key                 pingan.TallyKey
	Measure             string
	Counted, Recounted  int64
}

func (d TallyDiff) String() string {
	return fmt.Sprintf("%s %s %s %s/%s/%s/%s %s: %d ≠ %d", d.Table, d.Node, d.Period, d.Key.Region, d.Key.Kind,
		d.Key.Category, d.Key.Source, d.Measure, d.Counted, d.Recounted)
}

// CaseCountDiff is a case whose kept counts of 退回, 返工 or 重办 differ from
// its timeline.
type CaseCountDiff struct {
	ID                string
	Action            pingan.ActionName
	Counted, Timeline int
}

// TallyCheck is what Verify found.
type TallyCheck struct {
	Cases    int64
	Counters []TallyDiff     // at most the limit asked for
	Rows     []CaseCountDiff // at most the limit asked for
	More     bool            // there were more differences than listed
}

// months answers the first instant of each month, China Standard Time,
// from the month of the first report to that of the last, and the number
// of cases.
func (h *handle) tallyMonths(ctx context.Context, q queryer) ([]time.Time, int64, error) {
	var lo, hi stamp
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, nil
	}
	if err := q.QueryRowContext(ctx, `SELECT reported_at FROM cases ORDER BY reported_at LIMIT 1`).Scan(&lo); err != nil {
		return nil, 0, err
	}
	if err := q.QueryRowContext(ctx, `SELECT reported_at FROM cases ORDER BY reported_at DESC LIMIT 1`).Scan(&hi); err != nil {
		return nil, 0, err
	}
	first := monthOf(lo.T)
	var out []time.Time
	for m := first; !m.After(hi.T); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out, n, nil
}

// monthOf answers 00:00 on the first of t's month, China Standard Time.
func monthOf(t time.Time) time.Time {
	t = t.In(pingan.CST)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, pingan.CST)
}

// tallyNK is a counter's node and cohort.
type tallyNK struct {
	node string
	key  pingan.TallyKey
}

// recount is the counters of one month, recounted.
type recount struct {
	day   map[tallyNK]*pingan.Tally
	cases int64
	ids   []string // the cases' ids, for the check of their kept counts
	kept  map[string][3]int
}

func newRecount() *recount {
	return &recount{day: map[tallyNK]*pingan.Tally{}, kept: map[string][3]int{}}
}

func (r *recount) add(c *pingan.Case) {
	r.cases++
	t, k := pingan.CaseTally(c), pingan.CaseTallyKey(c)
	for _, n := range pingan.TallyNodes(c) {
		s := r.day[tallyNK{n, k}]
		if s == nil {
			s = new(pingan.Tally)
			r.day[tallyNK{n, k}] = s
		}
		s.Add(&t)
	}
}

// rows answers the recount as day rows, sorted.
func (r *recount) rows() []pingan.TallyRow {
	out := make([]pingan.TallyRow, 0, len(r.day))
	for k, t := range r.day {
		out = append(out, pingan.TallyRow{Node: k.node, Key: k.key, T: *t})
	}
	sort.Slice(out, func(i, j int) bool { return pingan.TallyLess(out[i], out[j]) })
	return out
}

// recountMonth reads the cases reported in the month from m and counts them.
func (h *handle) recountMonth(ctx context.Context, tx *sql.Tx, m time.Time, ids bool) (*recount, error) {
	d := h.dialect
	rows, err := tx.QueryContext(ctx, `SELECT id, `+tallyCaseColumns+` FROM cases WHERE reported_at >= $1 AND reported_at < $2`,
		d.ts(m), d.ts(m.AddDate(0, 1, 0)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r := newRecount()
	for rows.Next() {
		var id string
		c, err := scanTallyCase(idScanner{rows, &id})
		if err != nil {
			return nil, err
		}
		r.add(c)
		if ids {
			r.kept[id] = [3]int{c.Returns, c.Reworks, c.Reopens}
		}
	}
	return r, rows.Err()
}

// idScanner scans the id before the tally columns.
type idScanner struct {
	s  scanner
	id *string
}

func (s idScanner) Scan(dest ...any) error {
	return s.s.Scan(append([]any{s.id}, dest...)...)
}

// RebuildTallies counts every case again and replaces the counters with
// the recount, one month of reports in one transaction. Stop the servers
// first on SQLite; on PostgreSQL each month's transaction locks the
// counters against writers, so it may run beside them. It answers the
// cases counted.
func (s *Stats) RebuildTallies(ctx context.Context, progress TallyProgress) (int64, error) {
	months, total, err := s.tallyMonths(ctx, s.write)
	if err != nil {
		return 0, err
	}
	var done int64
	if progress != nil {
		progress(0, total)
	}
	// Counters of months with no case left.
	if err := s.clearTallies(ctx, months); err != nil {
		return 0, err
	}
	for i, m := range months {
		// The year rows with the last month of each year.
		lastOfYear := i == len(months)-1 || months[i+1].Year() != m.Year()
		n, err := s.rebuildMonth(ctx, m, lastOfYear)
		if err != nil {
			return done, err
		}
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	if _, err := s.RebuildGauges(ctx); err != nil { // the open-now gauges (gauge_build.go)
		return done, err
	}
	return done, nil
}

// clearTallies removes the counters outside the months.
func (s *Stats) clearTallies(ctx context.Context, months []time.Time) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.drainJournal(ctx, tx); err != nil {
		return err
	}
	if len(months) == 0 {
		for _, tt := range tallyTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+tt.table); err != nil {
				return err
			}
		}
		return tx.Commit()
	}
	for _, tt := range tallyTables {
		first, last := tt.periods(months[0], months[len(months)-1].AddDate(0, 1, 0))
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+tt.table+` WHERE `+tt.period+` < $1 OR `+tt.period+` > $2`,
			first, last); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// periods answers the first and the last period of the table that hold
// days of [from, to), both midnights.
func (tt tallyTable) periods(from, to time.Time) (first, last string) {
	layout := dayLayout[:tt.width]
	return from.In(pingan.CST).Format(layout), to.In(pingan.CST).AddDate(0, 0, -1).Format(layout)
}

// rebuildMonth replaces the counters of the cases reported in the month
// from m with their recount; the year rows, which hold the other months
// too, are made again from the month rows when year is set.
func (s *Stats) rebuildMonth(ctx context.Context, m time.Time, year bool) (int64, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// The turn to fold before the tables: a fold holding it goes on to
	// write them (journal.go lockFold).
	if err := s.lockFold(ctx, tx); err != nil {
		return 0, err
	}
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE tallies_day, tallies_month, tallies_kind_month, tallies_reports_month,
			tallies_year, tallies_kind_year, tallies_reports_year IN EXCLUSIVE MODE`); err != nil {
			return 0, err
		}
	}
	// The journal first: its changes are in the cases recounted below,
	// and with the journal locked no change joins it until the commit.
	if err := s.drainJournal(ctx, tx); err != nil {
		return 0, err
	}
	tables := monthTables()
	for _, tt := range tables {
		first, last := tt.periods(m, m.AddDate(0, 1, 0))
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+tt.table+` WHERE `+tt.period+` >= $1 AND `+tt.period+` <= $2`, first, last); err != nil {
			return 0, err
		}
	}
	r, err := s.recountMonth(ctx, tx, m, false)
	if err != nil {
		return 0, err
	}
	if err := s.addTallies(ctx, tx, r.rows(), tables); err != nil {
		return 0, err
	}
	if year {
		if err := yearFromMonths(ctx, tx, m.Year()); err != nil {
			return 0, err
		}
	}
	return r.cases, tx.Commit()
}

// monthTables are the counter tables but the year tables: those a
// month's recount replaces.
func monthTables() []tallyTable {
	var out []tallyTable
	for _, tt := range tallyTables {
		if tt.months == "" {
			out = append(out, tt)
		}
	}
	return out
}

// yearsFromMonths makes the rows of every year of every year table again
// from the month rows, in tx (the end of a bulk load).
func yearsFromMonths(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT substr(month, 1, 4) FROM `+monthTallies.table)
	if err != nil {
		return err
	}
	var years []int
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return err
		}
		n, err := strconv.Atoi(y)
		if err != nil {
			rows.Close()
			return fmt.Errorf("a month of the counters in the year %q", y)
		}
		years = append(years, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, y := range years {
		if err := yearFromMonths(ctx, tx, y); err != nil {
			return err
		}
	}
	return nil
}

// yearFromMonths makes the rows of the year y of every year table again
// from the rows of its month table, in tx.
func yearFromMonths(ctx context.Context, tx *sql.Tx, y int) error {
	year := strconv.Itoa(y)
	for _, tt := range tallyTables {
		if tt.months == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+tt.table+` WHERE year = $1`, year); err != nil {
			return err
		}
		cols := tt.columns()
		sums := make([]string, len(cols))
		for i, c := range cols {
			sums[i] = "SUM(" + c + ")"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+tt.table+` (node, year, `+tallyKeyColumns+`, `+strings.Join(cols, ", ")+`)
			SELECT node, CAST($1 AS TEXT), `+tallyKeyColumns+`, `+strings.Join(sums, ", ")+` FROM `+tt.months+`
			WHERE month >= $2 AND month < $3 GROUP BY node, `+tallyKeyColumns, year, year+"-01", strconv.Itoa(y+1)+"-01"); err != nil {
			return err
		}
	}
	return nil
}

// BuildTalliesIfEmpty builds the counters when there are cases and no
// counters: once, after the upgrade that made them.
func (s *Stats) BuildTalliesIfEmpty(ctx context.Context, progress TallyProgress) (int64, error) {
	if err := s.BuildGaugesIfEmpty(ctx); err != nil { // the open-now gauges (gauge_build.go)
		return 0, err
	}
	var some int
	err := s.write.QueryRowContext(ctx, `SELECT 1 FROM tallies_month LIMIT 1`).Scan(&some)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	err = s.write.QueryRowContext(ctx, `SELECT 1 FROM cases LIMIT 1`).Scan(&some)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return s.RebuildTallies(ctx, progress)
}

// VerifyTallies recounts every case and compares the counters with the
// recount, and each case's kept counts of 退回, 返工 and 重办 with its
// timeline; it lists at most limit differences of each.
func (s *Stats) VerifyTallies(ctx context.Context, limit int, progress TallyProgress) (*TallyCheck, error) {
	months, total, err := s.tallyMonths(ctx, s.read)
	if err != nil {
		return nil, err
	}
	out := &TallyCheck{}
	if progress != nil {
		progress(0, total)
	}
	note := func(d TallyDiff) {
		if len(out.Counters) < limit {
			out.Counters = append(out.Counters, d)
		} else {
			out.More = true
		}
	}
	// Counters outside every month of reports.
	if err := s.verifyOutside(ctx, months, note); err != nil {
		return nil, err
	}
	if err := s.verifyGauges(ctx, note); err != nil { // the open-now gauges (gauge_build.go)
		return nil, err
	}
	for _, m := range months {
		if err := s.verifyMonth(ctx, m, out, limit, note); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(out.Cases, total)
		}
	}
	// The year rows against the month rows, which are checked above.
	for i, m := range months {
		if i > 0 && months[i-1].Year() == m.Year() {
			continue
		}
		for _, tt := range tallyTables {
			if tt.months != "" {
				if err := s.verifyYear(ctx, tt, m.Year(), note); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// verifyYear compares the rows of the year y of the year table tt with
// the sums of the rows of its month table, read at one moment: a change is
// written into both at once (the journal's not yet folded into either), so
// they agree at any moment. The comparison is one reading of both, grouped
// by the key, that answers the keys whose sums differ.
func (s *Stats) verifyYear(ctx context.Context, tt tallyTable, y int, note func(TallyDiff)) error {
	tx, err := s.beginSnapshot(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cols := tt.columns()
	n := len(cols)
	ya, ma := make([]string, 0, 2*n), make([]string, 0, 2*n) // each side's columns a_…, b_…
	sel, differ := make([]string, 0, 2*n), make([]string, n)
	for i, c := range cols {
		ya = append(ya, c+" AS a_"+c, "0 AS b_"+c)
		ma = append(ma, "0", c)
		sel = append(sel, "SUM(a_"+c+")", "SUM(b_"+c+")")
		differ[i] = "SUM(a_" + c + ") <> SUM(b_" + c + ")"
	}
	year := strconv.Itoa(y)
	rows, err := tx.QueryContext(ctx, `SELECT node, `+tallyKeyColumns+`, `+strings.Join(sel, ", ")+` FROM (
		SELECT node, `+tallyKeyColumns+`, `+strings.Join(ya, ", ")+` FROM `+tt.table+` WHERE year = $1
		UNION ALL
		SELECT node, `+tallyKeyColumns+`, `+strings.Join(ma, ", ")+` FROM `+tt.months+` WHERE month >= $2 AND month < $3
	) ym GROUP BY node, `+tallyKeyColumns+` HAVING `+strings.Join(differ, " OR "), year, year+"-01", strconv.Itoa(y+1)+"-01")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		k := tallyNK{key: pingan.TallyKey{Day: year}}
		var got, want pingan.Tally
		dest := []any{&k.node, &k.key.Region, &k.key.Kind, &k.key.Category, &k.key.Source}
		for i := range got {
			if tt.keeps(i) {
				dest = append(dest, &got[i], &want[i])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		compareTallies(tt.table, map[tallyNK]*pingan.Tally{k: &got}, map[tallyNK]*pingan.Tally{k: &want}, note)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// beginSnapshot starts a read transaction that sees one moment throughout.
func (h *handle) beginSnapshot(ctx context.Context) (*sql.Tx, error) {
	o := &sql.TxOptions{ReadOnly: true}
	if h.dialect == Postgres {
		o.Isolation = sql.LevelRepeatableRead
	}
	return h.read.BeginTx(ctx, o)
}

func (s *Stats) verifyOutside(ctx context.Context, months []time.Time, note func(TallyDiff)) error {
	tx, err := s.beginSnapshot(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	journal, err := s.journalOf(ctx, tx)
	if err != nil {
		return err
	}
	for _, tt := range tallyTables {
		first, last := "9999", "0000"
		if len(months) > 0 {
			first, last = tt.periods(months[0], months[len(months)-1].AddDate(0, 1, 0))
		}
		got, err := s.readTallies(ctx, tx, tt, `(`+tt.period+` < $1 OR `+tt.period+` > $2)`, first, last,
			journal, func(p string) bool { return p < first || p > last })
		if err != nil {
			return err
		}
		compareTallies(tt.table, got, nil, note)
	}
	return tx.Commit()
}

func (s *Stats) verifyMonth(ctx context.Context, m time.Time, out *TallyCheck, limit int, note func(TallyDiff)) error {
	tx, err := s.beginSnapshot(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r, err := s.recountMonth(ctx, tx, m, true)
	if err != nil {
		return err
	}
	out.Cases += r.cases
	next := m.AddDate(0, 1, 0)
	journal, err := s.journalOf(ctx, tx)
	if err != nil {
		return err
	}
	// Each table against the recount's day rows, summed as it keeps them
	// (the year rows hold other months: verifyYear).
	for _, tt := range monthTables() {
		first, last := tt.periods(m, next)
		got, err := s.readTallies(ctx, tx, tt, tt.period+` >= $1 AND `+tt.period+` <= $2`, first, last,
			journal, func(p string) bool { return p >= first && p <= last })
		if err != nil {
			return err
		}
		want := r.day
		if tt != dayTallies {
			want = map[tallyNK]*pingan.Tally{}
			for _, row := range tt.project(r.rows()) {
				t := row.T
				want[tallyNK{row.Node, row.Key}] = &t
			}
		}
		compareTallies(tt.table, got, want, note)
	}
	// Each case's kept counts against its timeline.
	tl := map[string][3]int{}
	// A failed recheck of a hazard (复查不合格, hazard.go) is a rework.
	rows, err := tx.QueryContext(ctx, `SELECT a.case_id, CASE WHEN a.action = 'recheck' THEN 'rework' ELSE a.action END AS kept,
		count(*) FROM actions a
		JOIN cases c ON c.region = a.region AND c.id = a.case_id
		WHERE c.reported_at >= $1 AND c.reported_at < $2
		AND (a.action IN ('return', 'rework', 'reopen') OR (a.action = 'recheck' AND a.to_status = 'in_progress'))
		GROUP BY a.case_id, kept`, s.dialect.ts(m), s.dialect.ts(next))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var a pingan.ActionName
		var n int
		if err := rows.Scan(&id, &a, &n); err != nil {
			return err
		}
		v := tl[id]
		v[keptIndex(a)] = n
		tl[id] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ids := make([]string, 0, len(r.kept))
	for id := range r.kept {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		k, t := r.kept[id], tl[id]
		for i, a := range keptActions {
			if k[i] != t[i] {
				if len(out.Rows) < limit {
					out.Rows = append(out.Rows, CaseCountDiff{ID: id, Action: a, Counted: k[i], Timeline: t[i]})
				} else {
					out.More = true
				}
			}
		}
	}
	return tx.Commit()
}

// keptActions are the actions a case keeps counts of, in the order of
// Returns, Reworks, Reopens.
var keptActions = [3]pingan.ActionName{pingan.ActReturn, pingan.ActRework, pingan.ActReopen}

func keptIndex(a pingan.ActionName) int {
	for i, k := range keptActions {
		if k == a {
			return i
		}
	}
	return 0
}

// journalOf answers the journal's rows in tx, when there is a journal.
func (s *Stats) journalOf(ctx context.Context, tx *sql.Tx) ([]pingan.TallyRow, error) {
	if !s.journaling.Load() {
		return nil, nil
	}
	j, err := readJournal(ctx, tx)
	if err != nil {
		return nil, err
	}
	return j.tallies, nil
}

// readTallies reads the counters of the table where cond (over $1 and
// $2), and adds the rows of the journal, under the table's key, whose
// period (a day, or its month for a month table) in says the condition
// holds for.
func (s *Stats) readTallies(ctx context.Context, tx *sql.Tx, tt tallyTable, cond string, lo, hi string,
	journal []pingan.TallyRow, in func(period string) bool) (map[tallyNK]*pingan.Tally, error) {
	rows, err := tx.QueryContext(ctx, `SELECT node, `+tt.period+`, `+tallyKeyColumns+`, `+strings.Join(tt.columns(), ", ")+
		` FROM `+tt.table+` WHERE `+cond, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[tallyNK]*pingan.Tally{}
	for rows.Next() {
		var k tallyNK
		t := new(pingan.Tally)
		dest := []any{&k.node, &k.key.Day, &k.key.Region, &k.key.Kind, &k.key.Category, &k.key.Source}
		for i := range t {
			if tt.keeps(i) {
				dest = append(dest, &t[i])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[k] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range journal {
		k := tallyNK{r.Node, tt.key(r.Key)}
		if !in(k.key.Day) {
			continue
		}
		t := r.T
		if tt.keep(&t); t.Zero() {
			continue
		}
		if out[k] == nil {
			out[k] = new(pingan.Tally)
		}
		out[k].Add(&t)
	}
	return out, nil
}

// compareTallies notes each measure where the counters got and the
// recount want differ; a counter of zeros equals no counter.
func compareTallies(table string, got, want map[tallyNK]*pingan.Tally, note func(TallyDiff)) {
	var keys []tallyNK
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return pingan.TallyLess(pingan.TallyRow{Node: keys[i].node, Key: keys[i].key}, pingan.TallyRow{Node: keys[j].node, Key: keys[j].key})
	})
	var zero pingan.Tally
	for _, k := range keys {
		g, w := got[k], want[k]
		if g == nil {
			g = &zero
		}
		if w == nil {
			w = &zero
		}
		for i := range g {
			if g[i] != w[i] {
				note(TallyDiff{Table: table, Node: k.node, Period: k.key.Day, Key: k.key, Measure: pingan.MeasureNames[i],
					Counted: g[i], Recounted: w[i]})
			}
		}
	}
}
