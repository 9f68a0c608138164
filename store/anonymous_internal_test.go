package store

import "testing"

// TestAnonymous: parameters become anonymous only when each of $1 … $n
// appears once, in order; quoted text is left alone.
func TestAnonymous(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT a FROM t WHERE b = $1 AND c = $2`, `SELECT a FROM t WHERE b = ? AND c = ?`},
		{`INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{`SELECT a FROM t WHERE b = $1 OR c = $1`, `SELECT a FROM t WHERE b = $1 OR c = $1`},   // used twice
		{`SELECT a FROM t WHERE b = $2 AND c = $1`, `SELECT a FROM t WHERE b = $2 AND c = $1`}, // out of order
		{`SELECT a FROM t WHERE b = $1 AND c = $3`, `SELECT a FROM t WHERE b = $1 AND c = $3`}, // a gap
		{`SELECT '$1' || a FROM t WHERE b = $1`, `SELECT '$1' || a FROM t WHERE b = ?`},
		{`SELECT a FROM t`, `SELECT a FROM t`},
	} {
		if got := anonymous(c.in); got != c.want {
			t.Errorf("anonymous(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
