package web

import (
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
)

// limited runs h unless the request's source address has spent its bucket
// of l (限流); every request spends a token.
func (s *Server) limited(l *limit.Limiter, key string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wait := l.Take(s.proxies.Client(r), s.clock.Now()); wait > 0 {
			s.tooMany(w, r, wait, key)
			return
		}
		h(w, r)
	}
}

// limitedFailures runs h unless the request's source address has spent its
// bucket of l; only an answer of 400 or more (a wrong password) spends a
// token, so that guessing is slow and signing in is not.
func (s *Server) limitedFailures(l *limit.Limiter, key string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.overLimit(w, r, l, key) {
			return
		}
		rec := &httpx.Recorder{ResponseWriter: w}
		h(rec, r)
		if rec.Status >= http.StatusBadRequest {
			s.failed(r, l)
		}
	}
}

// overLimit reports whether the source address has no token left in its
// bucket of l, spending none; when so, it has answered 429.
func (s *Server) overLimit(w http.ResponseWriter, r *http.Request, l *limit.Limiter, key string) bool {
	wait := l.Wait(s.proxies.Client(r), s.clock.Now())
	if wait > 0 {
		s.tooMany(w, r, wait, key)
	}
	return wait > 0
}

// failed spends a token of the source address's bucket of l: a failure.
func (s *Server) failed(r *http.Request, l *limit.Limiter) {
	l.Take(s.proxies.Client(r), s.clock.Now())
}

// tooMany answers the error page: 429, Retry-After in whole seconds and the
// message of key in the reader's language.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, key string) {
	secs := limit.RetryAfter(wait)
	w.Header().Set("Retry-After", secs)
	s.fail(w, r, pingan.E(pingan.ETOOMANY, key, secs))
}
