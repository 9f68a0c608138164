package web

import (
	"net/http"
	"sync"

	"github.com/pingan-gov/pingan"
)

// The inbox (工作台) lists cases; the other kinds of work waiting for the
// user's unit — warnings to sign (预警), tasks to report on (督办事项), risks
// due for review (风险复核) — are one line above its tabs, each a count
// linking to its own list. Each kind registers its line from an init of
// its own file, so the inbox learns nothing about them.

// inboxMore is one entry of that line: "预警 3".
type inboxMore struct {
	Label string
	Count int
	Href  string
	// Overdue counts the entries past their deadline, shown in red.
	Overdue int
}

// inboxMoreFunc answers the entry of one kind for the user, or false when
// the user has nothing of that kind to see (no capability, no service).
type inboxMoreFunc func(s *Server, r *http.Request, u *pingan.User) (inboxMore, bool)

var (
	inboxMoreMu    sync.Mutex
	inboxMoreFuncs []inboxMoreFunc
)

// registerInboxMore adds a kind's entry to the line; call it from an init.
func registerInboxMore(f inboxMoreFunc) {
	inboxMoreMu.Lock()
	defer inboxMoreMu.Unlock()
	inboxMoreFuncs = append(inboxMoreFuncs, f)
}

// inboxMores answers the entries with something waiting, in the order they
// were registered.
func (s *Server) inboxMores(r *http.Request, u *pingan.User) []inboxMore {
	inboxMoreMu.Lock()
	fs := inboxMoreFuncs
	inboxMoreMu.Unlock()
	var out []inboxMore
	for _, f := range fs {
		if m, ok := f(s, r, u); ok && m.Count > 0 {
			out = append(out, m)
		}
	}
	return out
}
