package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
)

// The journal of the counters (计数日志). A transaction that changes cases
// does not add to the counters themselves, nor to the open-now gauges
// (gauge.go): it writes what it adds, every node and cohort of it, as one
// row of tally_journal. The folder, a
// goroutine of the store, moves the journal into the counter tables a
// moment later: in one transaction it deletes a batch of rows and adds
// their sums. Every change is thus counted exactly once, in the
// transaction that made it, and the counters stay the sum of the tables
// and the journal; readers add the rows not yet moved (statsRead, and
// `pingan stats verify`), in the same snapshot as the tables.
//
// Why: a report counts at a dozen rows (the units above it and its grid,
// by day and by month), and upserting them cost a third of a report's
// time; one row of the journal costs a few hundredths of it, and the
// folder writes a row of a hot unit once for all the reports of its
// batch. On PostgreSQL transactions no longer take the row locks of the
// counters of their units, so two reports of one village do not wait for
// each other's commit.

// journalVersion is the migration that made the journal.
const journalVersion = 21

// journalFormat is the first byte of an encoded journal row.
const journalFormat = 2

// encodeJournal encodes the counter rows and the gauge rows of a change for
// the journal: the format byte, the number of counter rows, then for each
// a byte whose bit i says that its i-th key string is the row before's,
// the others of its node, day, region, kind, category and source (each a
// length and bytes), the set of measures it changes (a bit each) and their
// values (signed varints); then the gauge rows the same way, the due day
// in the place of the day. The rows of one change differ mostly by node:
// a report's dozen rows take about three hundred bytes.
func encodeJournal(rows []pingan.TallyRow, gauges []pingan.GaugeRow) []byte {
	b := make([]byte, 0, 32+(len(rows)+len(gauges))*24)
	b = append(b, journalFormat)
	var last [6]string
	key := func(k [6]string) {
		var same byte
		for i := range k {
			if k[i] == last[i] {
				same |= 1 << i
			}
		}
		b = append(b, same)
		for i := range k {
			if same&(1<<i) == 0 {
				b = binary.AppendUvarint(b, uint64(len(k[i])))
				b = append(b, k[i]...)
			}
		}
		last = k
	}
	values := func(vs []int64) {
		var set uint64
		for i, v := range vs {
			if v != 0 {
				set |= 1 << i
			}
		}
		b = binary.AppendUvarint(b, set)
		for _, v := range vs {
			if v != 0 {
				b = binary.AppendVarint(b, v)
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(rows)))
	for _, r := range rows {
		key([6]string{r.Node, r.Key.Day, r.Key.Region, string(r.Key.Kind), r.Key.Category, string(r.Key.Source)})
		values(r.T[:])
	}
	b = binary.AppendUvarint(b, uint64(len(gauges)))
	for _, g := range gauges {
		key([6]string{g.Node, g.Key.DueDay, g.Key.Region, string(g.Key.Kind), g.Key.Category, string(g.Key.Source)})
		values(g.G[:])
	}
	return b
}

var errJournalRow = errors.New("store: a row of the counters' journal cannot be read")

// decodeJournal reads a row encoded by encodeJournal, appending its
// counter rows to rows and its gauge rows to gauges. Equal strings of
// consecutive rows share one copy.
func decodeJournal(b []byte, rows []pingan.TallyRow, gauges []pingan.GaugeRow) ([]pingan.TallyRow, []pingan.GaugeRow, error) {
	if len(b) == 0 || b[0] != journalFormat {
		return rows, gauges, errJournalRow
	}
	b = b[1:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	var last [6]string
	key := func() bool {
		if len(b) == 0 {
			return false
		}
		same := b[0]
		b = b[1:]
		if same >= 1<<len(last) {
			return false
		}
		for i := range last {
			if same&(1<<i) != 0 {
				continue
			}
			l, ok := next()
			if !ok || l > uint64(len(b)) {
				return false
			}
			if string(b[:l]) != last[i] {
				last[i] = string(b[:l])
			}
			b = b[l:]
		}
		return true
	}
	values := func(vs []int64) bool {
		set, ok := next()
		if !ok || set >= 1<<len(vs) {
			return false
		}
		for i := range vs {
			if set&(1<<i) == 0 {
				continue
			}
			v, m := binary.Varint(b)
			if m <= 0 {
				return false
			}
			b = b[m:]
			vs[i] = v
		}
		return true
	}
	n, ok := next()
	if !ok || n > uint64(len(b)) {
		return rows, gauges, errJournalRow
	}
	for range n {
		if !key() {
			return rows, gauges, errJournalRow
		}
		r := pingan.TallyRow{Node: last[0], Key: pingan.TallyKey{Day: last[1], Region: last[2], Kind: pingan.Kind(last[3]),
			Category: last[4], Source: pingan.Source(last[5])}}
		if !values(r.T[:]) {
			return rows, gauges, errJournalRow
		}
		rows = append(rows, r)
	}
	if n, ok = next(); !ok || n > uint64(len(b)) {
		return rows, gauges, errJournalRow
	}
	for range n {
		if !key() {
			return rows, gauges, errJournalRow
		}
		g := pingan.GaugeRow{Node: last[0], Key: pingan.GaugeKey{DueDay: last[1], Region: last[2], Kind: pingan.Kind(last[3]),
			Category: last[4], Source: pingan.Source(last[5])}}
		if !values(g.G[:]) {
			return rows, gauges, errJournalRow
		}
		gauges = append(gauges, g)
	}
	if len(b) != 0 {
		return rows, gauges, errJournalRow
	}
	return rows, gauges, nil
}

// journal writes the counter and gauge rows of a change as one row of the
// journal, in tx, and tells the folder there is work.
func (h *handle) journal(ctx context.Context, tx *sql.Tx, rows []pingan.TallyRow, gauges []pingan.GaugeRow) error {
	if len(rows) == 0 && len(gauges) == 0 {
		return nil
	}
	s, err := h.stmt(ctx, tx, `INSERT INTO tally_journal (rows) VALUES ($1)`)
	if err != nil {
		return err
	}
	if _, err := s.ExecContext(ctx, encodeJournal(rows, gauges)); err != nil {
		return err
	}
	if f := h.folder; f != nil {
		f.dirty()
	}
	return nil
}

// journalRows are the rows of the journal, decoded.
type journalRows struct {
	tallies []pingan.TallyRow
	gauges  []pingan.GaugeRow
}

// readJournal answers every row of the journal, decoded, as tx sees it.
func readJournal(ctx context.Context, tx *sql.Tx) (*journalRows, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rows FROM tally_journal ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &journalRows{}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		if out.tallies, out.gauges, err = decodeJournal(b, out.tallies, out.gauges); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// foldBatch bounds the journal rows one fold moves.
const foldBatch = 4096

// foldInto moves up to foldBatch rows of the journal into the counter
// tables, in tx, which holds the turn to fold (lockFold): it deletes them
// and adds their sums. It answers the rows moved.
func (h *handle) foldInto(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM tally_journal WHERE id IN (SELECT id FROM tally_journal ORDER BY id LIMIT `+
		fmt.Sprint(foldBatch)+`) RETURNING rows`)
	if err != nil {
		return 0, err
	}
	p := newPending()
	var buf []pingan.TallyRow
	var gbuf []pingan.GaugeRow
	n := 0
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return 0, err
		}
		if buf, gbuf, err = decodeJournal(b, buf[:0], gbuf[:0]); err != nil {
			rows.Close()
			return 0, err
		}
		p.add(buf)
		p.addGauges(gbuf)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, h.writePending(ctx, tx, p)
}

// lockFold takes, in tx, the turn to fold: on PostgreSQL, where several
// transactions write at once, it waits while another fold of the same
// schema — this server's or another's — or a rebuild's drain of the
// journal holds it, until that one ends. A fold writes the counter rows
// of its changes by groups of measures (tally.go writeTallies), not in the
// order of their keys, so two folds side by side would take the locks of
// the same rows in opposite orders, and one would be cancelled as a
// deadlock; taking turns costs nothing they did not already wait for,
// since every fold writes the rows of the city and its day. SQLite has
// one writer.
func (h *handle) lockFold(ctx context.Context, tx *sql.Tx) error {
	if h.dialect != Postgres {
		return nil
	}
	s, err := h.stmt(ctx, tx, foldTurn)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(ctx)
	return err
}

// Fold moves the whole journal into the counter tables, batch after
// batch, each in its own transaction.
func (h *handle) Fold(ctx context.Context) error {
	if !h.journaling.Load() {
		return nil
	}
	for {
		tx, err := h.beginWrite(ctx)
		if err != nil {
			return err
		}
		err = h.lockFold(ctx, tx)
		var n int
		if err == nil {
			n, err = h.foldInto(ctx, tx)
		}
		if err == nil {
			err = tx.Commit()
		}
		tx.Rollback()
		if err != nil || n < foldBatch {
			return err
		}
	}
}

// drainJournal moves the whole journal into the counter tables in tx (a
// rebuild): on PostgreSQL it takes the turn to fold, unless tx holds it
// already, and then locks the journal, in that order — a fold holding the
// turn goes on to delete from the journal — so that no change joins it
// until tx commits. A rebuild that locks counter tables takes the turn
// before them too.
func (h *handle) drainJournal(ctx context.Context, tx *sql.Tx) error {
	if !h.journaling.Load() {
		return nil
	}
	if err := h.lockFold(ctx, tx); err != nil {
		return err
	}
	if h.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE tally_journal IN EXCLUSIVE MODE`); err != nil {
			return err
		}
	}
	for {
		n, err := h.foldInto(ctx, tx)
		if err != nil || n < foldBatch {
			return err
		}
	}
}

// The folder's pace: it folds foldEvery after a change was journalled,
// and looks every foldIdle for rows another server left.
const (
	foldEvery = 100 * time.Millisecond
	foldIdle  = 5 * time.Second
)

// folder is the goroutine that moves the journal into the counters.
type folder struct {
	kick     chan struct{}
	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

func (f *folder) dirty() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// startFolder starts the folder.
func (h *handle) startFolder() {
	f := &folder{kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	h.folder = f
	go h.foldLoop(f)
}

// haltFolder stops the folder; what is in the journal stays there.
func (h *handle) haltFolder() {
	if f := h.folder; f != nil {
		f.stopOnce.Do(func() { close(f.stop) })
		<-f.stopped
	}
}

// stopFolder stops the folder and moves what is left of the journal.
func (h *handle) stopFolder() {
	if h.folder == nil {
		return
	}
	h.haltFolder()
	if err := h.Fold(context.Background()); err != nil {
		h.log.Warn("counters: journal not folded at close; folded at the next start", "err", err)
	}
}

func (h *handle) foldLoop(f *folder) {
	defer close(f.stopped)
	idle := time.NewTicker(foldIdle)
	defer idle.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-idle.C:
		case <-f.kick:
			select { // let more changes gather
			case <-f.stop:
				return
			case <-time.After(foldEvery):
			}
		}
		if err := h.Fold(context.Background()); err != nil {
			h.log.Warn("counters: folding the journal", "err", err)
		}
	}
}
