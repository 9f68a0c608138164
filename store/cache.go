package store

import (
	"sync"
	"time"
)

// cacheTTL is how long a cached category or unit is trusted. Every report
// reads its category (deadline policy, kind) and its unit (path, region,
// level, parent); keeping them in memory saves statements on the writer.
//
// A change made through this store (SaveCategory, ImportUnits) empties this
// process's cache when it commits. Other servers sharing the database (or a
// command run beside the server on one SQLite file) see it when their
// entries expire, within cacheTTL — the same few seconds in which they place
// cases by the grids they had (territory.go): a category's new deadline
// policy may not yet apply to a report filed elsewhere in that time. A code
// that is not cached is read from the database, so a category or unit
// created elsewhere is found at once. A unit's path, region, level and
// parent never change (ImportUnits refuses to move a unit); only its name
// may be stale, and intake does not use it. A TTL, rather than a version
// row read before each report, keeps the common report free of that read.
const cacheTTL = 5 * time.Second

// codeCache keeps rows by code for cacheTTL, timed by the store's clock so
// that tests move time instead of sleeping. Values are copied in and out.
type codeCache[V any] struct {
	mu  sync.Mutex
	gen uint64 // incremented by invalidate
	m   map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v  V
	at time.Time
}

// get answers the value of code cached at most cacheTTL before now, and the
// generation to hand to put after a miss.
func (c *codeCache[V]) get(code string, now time.Time) (v V, gen uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[code]
	if ok && (now.Before(e.at) || now.Sub(e.at) >= cacheTTL) {
		delete(c.m, code)
		ok = false
	}
	return e.v, c.gen, ok
}

// put caches the value of code read from the database, unless the cache
// was invalidated since get answered gen: a value read before a change
// committed must not outlive the change.
func (c *codeCache[V]) put(code string, v V, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]cacheEntry[V]{}
	}
	c.m[code] = cacheEntry[V]{v: v, at: now}
}

// invalidate forgets every value.
func (c *codeCache[V]) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}
