package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"

	"github.com/pingan-gov/pingan"
)

// Recounting the open-now gauges (gauge.go) from the open cases: a small
// share of all, read at once. `pingan stats rebuild` and `verify` do it
// with the counters (tally_build.go); the gauges are built at start when
// empty while open cases exist (after the upgrade that made them).

// gaugeNK is a gauge's node and cohort.
type gaugeNK struct {
	node string
	key  pingan.GaugeKey
}

// recountGauges reads the open cases in tx and answers what they count.
func (h *handle) recountGauges(ctx context.Context, tx *sql.Tx) (map[gaugeNK]*pingan.Gauge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tallyCaseColumns+` FROM cases WHERE `+openStatuses)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[gaugeNK]*pingan.Gauge{}
	for rows.Next() {
		c, err := scanTallyCase(rows)
		if err != nil {
			return nil, err
		}
		g := pingan.CaseGauge(c)
		if g.Zero() {
			continue
		}
		k := pingan.CaseGaugeKey(c)
		for _, n := range pingan.TallyNodes(c) {
			s := out[gaugeNK{n, k}]
			if s == nil {
				s = new(pingan.Gauge)
				out[gaugeNK{n, k}] = s
			}
			s.Add(&g)
		}
	}
	return out, rows.Err()
}

// RebuildGauges replaces the gauges with a recount of the open cases, in
// one transaction (on PostgreSQL locking the gauges against writers; on
// SQLite stop the servers first). It answers the rows written.
func (s *Stats) RebuildGauges(ctx context.Context) (int, error) {
	if !s.gauging.Load() {
		return 0, nil
	}
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
		if _, err := tx.ExecContext(ctx, `LOCK TABLE gauges, gauges_kind IN EXCLUSIVE MODE`); err != nil {
			return 0, err
		}
	}
	// The journal first: its changes are in the cases recounted below
	// (journal.go, as RebuildTallies does).
	if err := s.drainJournal(ctx, tx); err != nil {
		return 0, err
	}
	for _, t := range gaugeTables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return 0, err
		}
	}
	got, err := s.recountGauges(ctx, tx)
	if err != nil {
		return 0, err
	}
	rows := make([]pingan.GaugeRow, 0, len(got))
	for k, g := range got {
		rows = append(rows, pingan.GaugeRow{Node: k.node, Key: k.key, G: *g})
	}
	sort.Slice(rows, func(i, j int) bool { return pingan.GaugeLess(rows[i], rows[j]) })
	if err := s.addGauges(ctx, tx, rows); err != nil {
		return 0, err
	}
	return len(rows), tx.Commit()
}

// BuildGaugesIfEmpty builds the gauges when there are open cases and no
// gauges: once, after the upgrade that made them.
func (s *Stats) BuildGaugesIfEmpty(ctx context.Context) error {
	if !s.gauging.Load() {
		return nil
	}
	var some int
	err := s.write.QueryRowContext(ctx, `SELECT 1 FROM gauges LIMIT 1`).Scan(&some)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	err = s.write.QueryRowContext(ctx, `SELECT 1 FROM cases WHERE `+openStatuses+` LIMIT 1`).Scan(&some)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.RebuildGauges(ctx)
	return err
}

// verifyGauges compares the gauges, both tables, with a recount of the
// open cases, in one snapshot, and notes each measure that differs (Table
// the table's name, the due day as the Period).
func (s *Stats) verifyGauges(ctx context.Context, note func(TallyDiff)) error {
	if !s.gauging.Load() {
		return nil
	}
	tx, err := s.beginSnapshot(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	want, err := s.recountGauges(ctx, tx)
	if err != nil {
		return err
	}
	var journal []pingan.GaugeRow
	if s.journaling.Load() { // what the journal holds, in the same snapshot
		j, err := readJournal(ctx, tx)
		if err != nil {
			return err
		}
		journal = j.gauges
	}
	wantRows := make([]pingan.GaugeRow, 0, len(want))
	for k, g := range want {
		wantRows = append(wantRows, pingan.GaugeRow{Node: k.node, Key: k.key, G: *g})
	}
	for _, t := range gaugeTables {
		got, err := readGauges(ctx, tx, t)
		if err != nil {
			return err
		}
		jr, w := journal, want
		if t == gaugeKindTable {
			jr, w = kindGauges(journal), gaugeMap(kindGauges(wantRows))
		}
		for _, g := range jr {
			k := gaugeNK{g.Node, g.Key}
			if got[k] == nil {
				got[k] = new(pingan.Gauge)
			}
			got[k].Add(&g.G)
		}
		compareGauges(t, got, w, note)
	}
	return tx.Commit()
}

// readGauges answers the rows of a table of gauges.
func readGauges(ctx context.Context, tx *sql.Tx, table string) (map[gaugeNK]*pingan.Gauge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+gaugeKeyColumns+`, m_open, m_sensitive_open FROM `+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[gaugeNK]*pingan.Gauge{}
	for rows.Next() {
		var k gaugeNK
		g := new(pingan.Gauge)
		if err := rows.Scan(&k.node, &k.key.DueDay, &k.key.Region, &k.key.Kind, &k.key.Category, &k.key.Source,
			&g[pingan.GOpen], &g[pingan.GSensitiveOpen]); err != nil {
			return nil, err
		}
		got[k] = g
	}
	return got, rows.Err()
}

// gaugeMap answers rows by their keys.
func gaugeMap(rows []pingan.GaugeRow) map[gaugeNK]*pingan.Gauge {
	out := make(map[gaugeNK]*pingan.Gauge, len(rows))
	for i := range rows {
		out[gaugeNK{rows[i].Node, rows[i].Key}] = &rows[i].G
	}
	return out
}

// compareGauges notes each measure where the table's gauges got and the
// recount want differ; a row of zeros equals no row.
func compareGauges(table string, got, want map[gaugeNK]*pingan.Gauge, note func(TallyDiff)) {
	var keys []gaugeNK
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return pingan.GaugeLess(pingan.GaugeRow{Node: keys[i].node, Key: keys[i].key}, pingan.GaugeRow{Node: keys[j].node, Key: keys[j].key})
	})
	var zero pingan.Gauge
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
				note(TallyDiff{Table: table, Node: k.node, Period: k.key.DueDay,
					Key:     pingan.TallyKey{Region: k.key.Region, Day: k.key.DueDay, Kind: k.key.Kind, Category: k.key.Category, Source: k.key.Source},
					Measure: pingan.GaugeMeasureNames[i], Counted: g[i], Recounted: w[i]})
			}
		}
	}
}
