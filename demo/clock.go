package demo

import (
	"sync"
	"time"
)

// Clock is the clock the demo runs the store on: set by hand while the
// city's history is written, then live.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	live bool
}

// NewClock answers a clock that reads the real time until Set.
func NewClock() *Clock { return &Clock{live: true} }

// Now answers the set time, or the real time once live.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live {
		return time.Now()
	}
	return c.t
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t, c.live = t, false
	c.mu.Unlock()
}

// Live makes the clock read the real time again.
func (c *Clock) Live() {
	c.mu.Lock()
	c.live = true
	c.mu.Unlock()
}
