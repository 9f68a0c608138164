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
// (handle.stmt, handle.readStmt), and keeps them until Close; database/sql
// then prepares each once on every connection that runs it.

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
	unready    map[string]bool      // met in a transaction, to prepare at the next beginWrite
	reads      map[string]*sql.Stmt // on the readers; nil once closed
	hasUnready atomic.Bool

	// sql answers the text a query is prepared with: on SQLite its
	// parameters made anonymous where they can be (anonymous).
	sql func(string) string
}

func newStmtCache(write, read preparer, log *slog.Logger) *stmtCache {
	return &stmtCache{write: write, read: read, log: log, sql: func(q string) string { return q },
		stmts: map[string]*sql.Stmt{}, unready: map[string]bool{}, reads: map[string]*sql.Stmt{}}
}

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
// kept until Close. Use it for the statements every report runs, with the
// SQL text written at the call.
//
// A statement cannot be prepared on the writer while tx holds it (SQLite's
// writer is one connection): one met for the first time runs prepared for
// tx alone and is prepared for good at the next beginWrite.
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
	if !ok && c.unready != nil {
		c.unready[query] = true
		c.hasUnready.Store(true)
	}
	c.mu.Unlock()
	if !ok {
		return tx.PrepareContext(ctx, c.sql(query))
	}
	return tx.StmtContext(ctx, s), nil
}

// prepareUnready prepares on the writer the statements that stmt met for
// the first time; it is called before a transaction begins on the writer.
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
		if _, dup := c.stmts[q]; dup || c.stmts == nil { // prepared meanwhile, or closed
			s.Close()
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
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
	c.stmts, c.reads, c.unready = nil, nil, nil
}
