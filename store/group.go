package store

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
)

// Group commit. Reports that arrive together are written by one
// transaction of the writer: a commit costs about as much as the writes of
// a whole report (SQLite appends every page the transaction touched to the
// WAL; PostgreSQL flushes its log), so sharing it lets intake keep up with
// many clients. Each report runs inside its own SAVEPOINT: one that fails
// (a bad report, a used idempotency key, a constraint) is rolled back to
// its savepoint and fails alone, the others go on. Every caller is answered
// after the commit, so a report answered as written is written.
//
// Nothing waits for company on a timer: the writer takes what is queued
// when it is free, so reports pile up while it is busy with the ones
// before them. Finding one report alone, it first yields to the Go
// scheduler once, so that requests already being handled can join; with
// nothing else to run the scheduler comes straight back and the report is
// committed at once. Without the yield, a group answering many callers is
// followed by a group of the one report that came in meanwhile, while the
// others are still on their way; with 16 clients on 2 cores the writer
// spent about a third more time per report.
//
// There is one group writer on PostgreSQL too, although the pool could run
// several transactions: every report of a region takes the row lock of the
// region's case counter until its transaction ends, so transactions of one
// region run one after another anyway. One writer commits once for many
// reports instead of once for each. Several servers sharing the database
// each have their writer, and two groups may take the counters of two
// regions in opposite orders: PostgreSQL then cancels a statement of one of
// them (a deadlock), whose report is rolled back to its savepoint and
// written again, alone, after that group's commit.

// maxGroup bounds the reports of one transaction, and so the wait of the
// first of them.
const maxGroup = 64

// groupWriter is the goroutine that writes the grouped work.
type groupWriter struct {
	queue    chan *groupJob
	stop     chan struct{} // closed by Close: take no more work
	stopped  chan struct{} // closed when the writer has answered its last job
	stopOnce sync.Once
}

// groupJob is one unit of work, a report, and its answer.
type groupJob struct {
	ctx   context.Context
	write func(ctx context.Context, tx *sql.Tx) error
	err   error
	done  chan struct{}
}

var errClosed = errors.New("store: closed")

// startGroupWriter starts the writer of grouped work.
func (h *handle) startGroupWriter() {
	g := &groupWriter{queue: make(chan *groupJob, maxGroup), stop: make(chan struct{}), stopped: make(chan struct{})}
	h.group = g
	go h.writeGroups(g)
}

// stopGroupWriter makes the writer finish the group in hand and waits for it.
func (h *handle) stopGroupWriter() {
	if g := h.group; g != nil {
		g.stopOnce.Do(func() { close(g.stop) })
		<-g.stopped
	}
}

// inGroup runs write once in a transaction of the group writer, together
// with the other work queued meanwhile, and answers once that transaction
// has ended: write's error, or the commit's. write returns the error of a
// failed statement and leaves the transaction to its caller (no commit, no
// rollback). Work whose ctx ends before it starts is not run; once started
// it runs to the end, since interrupting a statement could roll back the
// whole group.
func (h *handle) inGroup(ctx context.Context, write func(ctx context.Context, tx *sql.Tx) error) error {
	g := h.group
	if g == nil {
		return h.inOwnTx(ctx, write)
	}
	j := &groupJob{ctx: ctx, write: write, done: make(chan struct{})}
	select {
	case g.queue <- j:
	case <-g.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-j.done:
		return j.err
	case <-g.stopped:
		select {
		case <-j.done: // answered just before the writer stopped
			return j.err
		default: // still queued: never taken
			return errClosed
		}
	}
}

// inOwnTx runs write in a transaction of its own.
func (h *handle) inOwnTx(ctx context.Context, write func(ctx context.Context, tx *sql.Tx) error) error {
	tx, err := h.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p := newPending()
	if err := write(withPending(ctx, p), tx); err != nil {
		return err
	}
	if err := h.flush(ctx, tx, p); err != nil {
		return err
	}
	return tx.Commit()
}

// writeGroups is the loop of the group writer.
func (h *handle) writeGroups(g *groupWriter) {
	defer close(g.stopped)
	group := make([]*groupJob, 0, maxGroup)
	for {
		select {
		case <-g.stop:
			return
		case j := <-g.queue:
			group = append(group[:0], j)
		}
		if len(g.queue) == 0 {
			runtime.Gosched()
		}
	more:
		for len(group) < maxGroup {
			select {
			case j := <-g.queue:
				group = append(group, j)
			default:
				break more
			}
		}
		h.writeGroup(group)
		for _, j := range group {
			close(j.done)
		}
		clear(group)
	}
}

// writeGroup runs the jobs in one transaction and sets their errors.
func (h *handle) writeGroup(group []*groupJob) {
	var run []*groupJob
	for _, j := range group {
		if err := j.ctx.Err(); err != nil {
			j.err = err // the caller has gone: do not write for it
		} else {
			run = append(run, j)
		}
	}
	if len(run) == 0 {
		return
	}
	if len(run) == 1 { // alone: no savepoint needed
		j := run[0]
		j.err = h.inOwnTx(context.WithoutCancel(j.ctx), j.write)
		return
	}
	ctx := context.Background()
	fail := func(err error) {
		for _, j := range run {
			if j.err == nil {
				j.err = err
			}
		}
	}
	tx, err := h.beginWrite(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	// Each report starts at a savepoint: set before the first, moved past
	// each report that succeeds, kept where it is after one that failed
	// (ROLLBACK TO leaves the savepoint in place). COMMIT releases the last.
	// Statements without arguments go in one round trip to PostgreSQL.
	// The counters of the statistics that the reports change are summed
	// and written once, after the last report (tally.go); a report's
	// counts join the sum only when it succeeded.
	mark := `SAVEPOINT report`
	var again []*groupJob // lost a deadlock: to write alone after the commit
	sum, one := newPending(), newPending()
	for _, j := range run {
		if mark != "" {
			if _, err := tx.ExecContext(ctx, mark); err != nil {
				fail(err)
				return
			}
		}
		one.reset()
		if j.err = j.write(withPending(context.WithoutCancel(j.ctx), one), tx); j.err == nil {
			sum.merge(one)
			mark = `RELEASE SAVEPOINT report; SAVEPOINT report`
			continue
		}
		// Undo this report alone. When the database has rolled back the
		// whole transaction instead (SQLite does on I/O errors), there is
		// no savepoint to go back to: every report fails.
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT report`); err != nil {
			fail(err)
			return
		}
		mark = ""
		if isDeadlock(j.err) {
			again = append(again, j)
		}
	}
	if err := h.flush(ctx, tx, sum); err != nil {
		fail(err)
		return
	}
	if err := tx.Commit(); err != nil {
		fail(err)
		return
	}
	for _, j := range again {
		j.err = h.inOwnTx(context.WithoutCancel(j.ctx), j.write)
	}
}
