package store

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Prepared statements of the hot paths. SQLite parses a statement's text on
// every run unless it is prepared, which costs about as much as running the
// small statements of intake; pgx keeps a statement cache per connection of
// its own, so on PostgreSQL it changes little. The store prepares the
// statements every report runs once, by their SQL text written at the call
// (handle.stmt, handle.readStmt), and keeps them (the readers' until
// Close, the writer's as below); database/sql then prepares each once on
// every connection that runs it.
//
// The writer keeps a statement from the second time it is met, and at most
// maxKeptStmts of them, the least recently run closed first. Besides the
// texts written at the calls, the store makes texts for what it writes:
// the counters' upserts for the measures and the rows a fold of the
// journal adds (upsertTally). By their exact measures, a server walking
// reports through the loop met 660 sets in its first 15 seconds and 27 new
// texts a second after; kept from their first meeting and for ever, each
// held its compiled program, and the server's memory grew by some 30 MB
// for every 10,000 requests, without end. They are written by groups of
// measures now (writeTallies), a few hundred texts kept in all, and the bound
// keeps any other such texts from growing again. Met once, a text runs
// prepared for its transaction alone.

// preparer prepares statements: the writer or the readers (*sql.DB).
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmtCache keeps the statements prepared on the writer and on the
// readers, by SQL text.
type stmtCache struct {
	write, read preparer
	log         *slog.Logger

	mu         sync.Mutex
	stmts      map[string]*sql.Stmt // on the writer; nil once closed
	ran        map[string]uint64    // when each of stmts last ran: a tick of clock
	clock      uint64
	max        int                  // stmts kept at most (maxKeptStmts)
	met        map[string]bool      // met once on the writer and not kept (at most 4 × max)
	unready    map[string]bool      // met in a transaction, to prepare at the next beginWrite
	reads      map[string]*sql.Stmt // on the readers; nil once closed
	hasUnready atomic.Bool

	// sql answers the text a query is prepared with: on SQLite its
	// parameters made anonymous where they can be (anonymous).
	sql func(string) string
}

func newStmtCache(write, read preparer, log *slog.Logger) *stmtCache {
	return &stmtCache{write: write, read: read, log: log, sql: func(q string) string { return q },
		stmts: map[string]*sql.Stmt{}, ran: map[string]uint64{}, max: maxKeptStmts, met: map[string]bool{},
		unready: map[string]bool{}, reads: map[string]*sql.Stmt{}}
}

// maxKeptStmts bounds the statements kept on the writer: some 25 MB of
// compiled programs on SQLite.
const maxKeptStmts = 400

// anonymous answers q with its parameters $1, $2 … $n written ?, when each
// appears once and in that order; q as it is otherwise. SQLite's driver
// looks every numbered parameter up by its name in a list as long as the
// statement's parameters before binding it, so a statement of forty of
// them (a new case) spent more time binding than running; anonymous ones
// have no name to look up. Text in quotes is left alone.
func anonymous(q string) string {
	var b strings.Builder
	next := 1
	quoted := false
	for i := 0; i < len(q); i++ {
		ch := q[i]
		if ch == '\'' {
			quoted = !quoted
		}
		if quoted || ch != '$' {
			b.WriteByte(ch)
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(q[i+1 : j]); err != nil || n != next {
			return q
		}
		next++
		b.WriteByte('?')
		i = j - 1
	}
	return b.String()
}

// stmt answers query as a statement of tx, prepared once on the writer and
// kept while it runs often. Use it for the statements every report runs,
// with the SQL text written at the call.
//
// A statement cannot be prepared on the writer while tx holds it (SQLite's
// writer is one connection): one not kept runs prepared for tx alone; met
// the second time, it is prepared to keep at the next beginWrite.
func (h *handle) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	return h.stmts.stmt(ctx, tx, query)
}

// readStmt answers query prepared on the readers, for the reads of every
// request outside a transaction (a session's user).
func (h *handle) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	return h.stmts.readStmt(ctx, query)
}

// stmt is handle.stmt.
func (c *stmtCache) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	s, ok := c.stmts[query]
	switch {
	case ok:
		c.clock++
		c.ran[query] = c.clock
	case c.unready == nil: // closed
	case c.met[query]: // the second time: kept
		delete(c.met, query)
		c.unready[query] = true
		c.hasUnready.Store(true)
	default:
		if len(c.met) >= 4*c.max {
			clear(c.met)
		}
		c.met[query] = true
	}
	c.mu.Unlock()
	if !ok {
		return tx.PrepareContext(ctx, c.sql(query))
	}
	return tx.StmtContext(ctx, s), nil
}

// prepareUnready prepares on the writer the statements that stmt met again
// and keeps them; it is called before a transaction begins on the writer.
// A statement that fails to prepare (a table a pending migration adds) is
// left to run unprepared and tried again when met again.
func (c *stmtCache) prepareUnready(ctx context.Context) {
	if !c.hasUnready.Load() {
		return
	}
	c.mu.Lock()
	queries := make([]string, 0, len(c.unready))
	for q := range c.unready {
		queries = append(queries, q)
	}
	clear(c.unready)
	c.hasUnready.Store(false)
	c.mu.Unlock()
	for _, q := range queries {
		s, err := c.write.PrepareContext(ctx, c.sql(q))
		if err != nil {
			c.log.Debug("store: cannot prepare a statement", "err", err)
			continue
		}
		c.mu.Lock()
		var drop []*sql.Stmt
		if _, dup := c.stmts[q]; dup || c.stmts == nil { // prepared meanwhile, or closed
			drop = append(drop, s)
		} else {
			c.clock++
			c.stmts[q], c.ran[q] = s, c.clock
			drop = c.evict(drop)
		}
		c.mu.Unlock()
		for _, s := range drop {
			s.Close()
		}
	}
}

// evict takes out the statements least recently run beyond c.max, and
// answers them appended to drop, for the caller to close once c.mu (held
// here) is let go. A statement a transaction still runs is closed when that
// transaction lets it go (database/sql keeps the one it derived until
// then), and one asked for later is prepared again.
func (c *stmtCache) evict(drop []*sql.Stmt) []*sql.Stmt {
	for len(c.stmts) > c.max {
		var oldest string
		var at uint64
		for q, t := range c.ran {
			if oldest == "" || t < at {
				oldest, at = q, t
			}
		}
		drop = append(drop, c.stmts[oldest])
		delete(c.stmts, oldest)
		delete(c.ran, oldest)
	}
	return drop
}

// readStmt is handle.readStmt.
func (c *stmtCache) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	s, ok := c.reads[query]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := c.read.PrepareContext(ctx, c.sql(query))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, dup := c.reads[query]; dup {
		s.Close()
		return old, nil
	}
	if c.reads == nil { // closed
		s.Close()
		return nil, errClosed
	}
	c.reads[query] = s
	return s, nil
}

// close closes every statement kept; the cache keeps none after it.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range []map[string]*sql.Stmt{c.stmts, c.reads} {
		for _, s := range m {
			s.Close()
		}
	}
	c.stmts, c.ran, c.met, c.reads, c.unready = nil, nil, nil, nil, nil
}
