package open311

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/limit"
)

// allow spends a token of key's bucket of l and reports whether there was
// one; when not, it has answered 429 with Retry-After in whole seconds and
// the message in the spec's <errors> (or JSON) shape.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, format string, l *limit.Limiter, key string) bool {
	wait := l.Take(key, s.c.Clock.Now())
	if wait == 0 {
		return true
	}
	secs := limit.RetryAfter(wait)
	w.Header().Set("Retry-After", secs)
	s.fail(w, r, format, &statusError{http.StatusTooManyRequests, pingan.E(pingan.ETOOMANY, "limit.open311", secs)})
	return false
}

// keyAllowed is allow for the bucket of an api_key, when one is given. The
// bucket is named by a hash of the key, so that no key is kept in memory.
func (s *Server) keyAllowed(w http.ResponseWriter, r *http.Request, format, apiKey string) bool {
	apiKey = strings.TrimSpace(apiKey)
	if apiKey == "" {
		return true
	}
	sum := sha256.Sum256([]byte(apiKey))
	return s.allow(w, r, format, s.c.Limits.Open311Key, hex.EncodeToString(sum[:16]))
}
