package web

import (
	"net/http"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/limit"
)

// limited runs h unless the request's source address has spent its bucket
// of l (限流): then it answers the error page, 429 with Retry-After in
// whole seconds and the message of key in the reader's language.
func (s *Server) limited(l *limit.Limiter, key string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.allow(w, r, l, key) {
			h(w, r)
		}
	}
}

// allow spends a token of the source address's bucket of l and reports
// whether there was one; when not, it has answered 429.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, l *limit.Limiter, key string) bool {
	wait := l.Take(s.proxies.Client(r), s.clock.Now())
	if wait == 0 {
		return true
	}
	secs := limit.RetryAfter(wait)
	w.Header().Set("Retry-After", secs)
	s.fail(w, r, pingan.E(pingan.ETOOMANY, key, secs))
	return false
}
