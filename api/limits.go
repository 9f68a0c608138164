package api

import (
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
)

// limitedAll runs h unless the request's source address has spent its
// bucket of l, every request spending a token: the reads of the public
// data, which cost the database whatever their answer.
func (s *Server) limitedAll(l *limit.Limiter, key string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if wait := l.Take(s.proxies.Client(r), s.clock.Now()); wait > 0 {
			return tooMany(wait, key)
		}
		return h(w, r)
	}
}

// tooMany is the answer over a limit: 429 with Retry-After in whole
// seconds and the JSON error body, code too_many_requests.
func tooMany(wait time.Duration, key string) error {
	secs := limit.RetryAfter(wait)
	return &httpx.StatusError{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {secs}},
		Err: pingan.E(pingan.ETOOMANY, key, secs)}
}

// limited runs h unless the request's source address has spent its bucket
// of l (限流): then it answers 429 with Retry-After in whole seconds and
// the JSON error body, code too_many_requests, message key key. Only a
// failure of h (a wrong password) spends a token, so that guessing is
// slow and signing in is not.
func (s *Server) limited(l *limit.Limiter, key string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		client := s.proxies.Client(r)
		if wait := l.Wait(client, s.clock.Now()); wait > 0 {
			return tooMany(wait, key)
		}
		err := h(w, r)
		if err != nil {
			l.Take(client, s.clock.Now())
		}
		return err
	}
}
