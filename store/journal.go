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
// does not add to the counters themselves: it writes what it adds, every
// node and cohort of it, as one row of tally_journal. The folder, a
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
const journalFormat = 1

// encodeTallies encodes counter rows for the journal: the format byte and
// the number of rows, then for each its node, day, region, kind, category
// and source (each a length and bytes), the set of measures it changes (a
// bit each) and their values (signed varints).
func encodeTallies(rows []pingan.TallyRow) []byte {
	b := make([]byte, 0, 16+len(rows)*64)
	b = append(b, journalFormat)
	b = binary.AppendUvarint(b, uint64(len(rows)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, r := range rows {
		str(r.Node)
		str(r.Key.Day)
		str(r.Key.Region)
		str(string(r.Key.Kind))
		str(r.Key.Category)
		str(string(r.Key.Source))
		set := measuresOf(&r.T)
		b = binary.AppendUvarint(b, uint64(set))
		for i, v := range r.T {
			if set&(1<<i) != 0 {
				b = binary.AppendVarint(b, v)
			}
		}
	}
	return b
}

var errJournalRow = errors.New("store: a row of the counters' journal cannot be read")

// decodeTallies reads rows encoded by encodeTallies, appending to out.
// Equal strings of consecutive rows share one copy.
func decodeTallies(b []byte, out []pingan.TallyRow) ([]pingan.TallyRow, error) {
	if len(b) == 0 || b[0] != journalFormat {
		return out, errJournalRow
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
	n, ok := next()
	if !ok || n > uint64(len(b)) {
		return out, errJournalRow
	}
	var last [6]string
	str := func(i int) bool {
		l, ok := next()
		if !ok || l > uint64(len(b)) {
			return false
		}
		if string(b[:l]) != last[i] {
			last[i] = string(b[:l])
		}
		b = b[l:]
		return true
	}
	for range n {
		for i := range last {
			if !str(i) {
				return out, errJournalRow
			}
		}
		set, ok := next()
		if !ok || set >= 1<<pingan.NumMeasures {
			return out, errJournalRow
		}
		r := pingan.TallyRow{Node: last[0], Key: pingan.TallyKey{Day: last[1], Region: last[2], Kind: pingan.Kind(last[3]),
			Category: last[4], Source: pingan.Source(last[5])}}
		for i := range r.T {
			if set&(1<<i) == 0 {
				continue
			}
			v, m := binary.Varint(b)
			if m <= 0 {
				return out, errJournalRow
			}
			b = b[m:]
			r.T[i] = v
		}
		out = append(out, r)
	}
	if len(b) != 0 {
		return out, errJournalRow
	}
	return out, nil
}

// journal writes the counter rows of a change as one row of the journal,
// in tx, and tells the folder there is work.
func (h *handle) journal(ctx context.Context, tx *sql.Tx, rows []pingan.TallyRow) error {
	if len(rows) == 0 {
		return nil
	}
	s, err := h.stmt(ctx, tx, `INSERT INTO tally_journal (rows) VALUES ($1)`)
	if err != nil {
		return err
	}
	if _, err := s.ExecContext(ctx, encodeTallies(rows)); err != nil {
		return err
	}
	if f := h.folder; f != nil {
		f.dirty()
	}
	return nil
}

// readJournal answers every row of the journal, decoded, as tx sees it.
func readJournal(ctx context.Context, tx *sql.Tx) ([]pingan.TallyRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rows FROM tally_journal ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingan.TallyRow
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		if out, err = decodeTallies(b, out); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// foldBatch bounds the journal rows one fold moves.
const foldBatch = 4096

// foldInto moves up to foldBatch rows of the journal into the counter
// tables, in tx: it deletes them and adds their sums. On PostgreSQL rows
// another server is moving are skipped. It answers the rows moved.
func (h *handle) foldInto(ctx context.Context, tx *sql.Tx) (int, error) {
	q := `DELETE FROM tally_journal WHERE id IN (SELECT id FROM tally_journal ORDER BY id LIMIT ` +
		fmt.Sprint(foldBatch) + `) RETURNING rows`
	if h.dialect == Postgres {
		q = `DELETE FROM tally_journal WHERE id IN (SELECT id FROM tally_journal ORDER BY id LIMIT ` +
			fmt.Sprint(foldBatch) + ` FOR UPDATE SKIP LOCKED) RETURNING rows`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	p := newPending()
	var buf []pingan.TallyRow
	n := 0
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return 0, err
		}
		if buf, err = decodeTallies(b, buf[:0]); err != nil {
			rows.Close()
			return 0, err
		}
		p.add(buf)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, h.writePending(ctx, tx, p)
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
		n, err := h.foldInto(ctx, tx)
		if err == nil {
			err = tx.Commit()
		}
		tx.Rollback()
		if err != nil || n < foldBatch {
			return err
		}
	}
}

// drainJournal moves the whole journal into the counter tables in tx,
// which holds the journal locked on PostgreSQL (a rebuild).
func (h *handle) drainJournal(ctx context.Context, tx *sql.Tx) error {
	if !h.journaling.Load() {
		return nil
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
