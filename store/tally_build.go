package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Recounting the counters from the cases, month by month of report: for
// an upgrade (the counters are built at start when the table is empty and
// cases exist), for a repair (`pingan stats rebuild`) and to check them
// (`pingan stats verify`). A month's cases are read through the index on
// reported_at, so a recount holds one month's counters in memory.

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
	for _, m := range months {
		n, err := s.rebuildMonth(ctx, m)
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
	lo, hi := months[0], months[len(months)-1].AddDate(0, 1, 0)
	for _, tt := range tallyTables {
		layout := "2006-01-02"
		if tt.month {
			layout = "2006-01"
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+tt.table+` WHERE `+tt.period+` < $1 OR `+tt.period+` >= $2`,
			lo.Format(layout), hi.Format(layout)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *Stats) rebuildMonth(ctx context.Context, m time.Time) (int64, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE tallies_day, tallies_month, tallies_kind_month, tallies_reports_month IN EXCLUSIVE MODE`); err != nil {
			return 0, err
		}
	}
	// The journal first: its changes are in the cases recounted below,
	// and with the journal locked no change joins it until the commit.
	if err := s.drainJournal(ctx, tx); err != nil {
		return 0, err
	}
	next := m.AddDate(0, 1, 0)
	for _, tt := range tallyTables {
		lo, hi := m.Format("2006-01-02"), next.Format("2006-01-02")
		if tt.month {
			lo, hi = m.Format("2006-01"), next.Format("2006-01")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+tt.table+` WHERE `+tt.period+` >= $1 AND `+tt.period+` < $2`, lo, hi); err != nil {
			return 0, err
		}
	}
	r, err := s.recountMonth(ctx, tx, m, false)
	if err != nil {
		return 0, err
	}
	if err := s.addTallies(ctx, tx, r.rows(), tallyTables); err != nil {
		return 0, err
	}
	return r.cases, tx.Commit()
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
	return out, nil
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
	lo, hi := "9999", "0000"
	if len(months) > 0 {
		lo, hi = months[0].Format("2006-01"), months[len(months)-1].AddDate(0, 1, 0).Format("2006-01")
	}
	journal, err := s.journalOf(ctx, tx)
	if err != nil {
		return err
	}
	for _, tt := range tallyTables {
		got, err := s.readTallies(ctx, tx, tt, `(`+tt.period+` < $1 OR `+tt.period+` >= $2)`, lo, hi,
			journal, func(p string) bool { return p < lo || p >= hi })
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
	// Each table against the recount's day rows, summed as it keeps them.
	for _, tt := range tallyTables {
		lo, hi := m.Format("2006-01-02"), next.Format("2006-01-02")
		if tt.month {
			lo, hi = m.Format("2006-01"), next.Format("2006-01")
		}
		got, err := s.readTallies(ctx, tx, tt, tt.period+` >= $1 AND `+tt.period+` < $2`, lo, hi,
			journal, func(p string) bool { return p >= lo && p < hi })
		if err != nil {
			return err
		}
		want := r.day
		if tt.month {
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
