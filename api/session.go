package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
)

// sessionRequest is the body of POST /session.
type sessionRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// sessionAnswer is the answer to POST /session: the token, when it expires,
// and who it belongs to.
type sessionAnswer struct {
	Token     string       `json:"token,omitempty"`
	ExpiresAt time.Time    `json:"expires_at"`
	User      *pingan.User `json:"user,omitempty"`
	// PendingToken and SecondFactor ("totp") answer a right password of
	// an account with two-factor sign-in (202): the code goes to POST
	// /session/totp with the pending token before expires_at (totp.go).
	PendingToken string `json:"pending_token,omitempty"`
	SecondFactor string `json:"second_factor,omitempty"`
}

// createSession logs in: POST /api/v1/session {"username","password"} →
// 201 {"token","expires_at"}. A wrong name or password answers 401; an
// account locked after too many failures answers 429 with Retry-After, as
// does a server checking too many passwords at once (Retry-After: 1).
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) error {
	var in sessionRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	var v pingan.Invalid
	v.Require("username", in.Username)
	if in.Password == "" {
		v.Add("password", "field.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	sess, err := s.users.Login(withSource(r), strings.TrimSpace(in.Username), in.Password)
	if errors.Is(err, pingan.ErrSignInBusy) {
		w.Header().Set("Retry-After", retryAfter(time.Second))
	}
	if err != nil {
		return err
	}
	if sess.Pending {
		return s.awaitSecondFactor(w, sess)
	}
	s.writeJSON(w, http.StatusCreated, sessionAnswer{
		Token:     sess.Token,
		ExpiresAt: sess.ExpiresAt.In(pingan.CST),
		User:      sess.User,
	})
	return nil
}

// deleteSession logs out: DELETE /api/v1/session ends the session of the
// bearer token → 204.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	token, _ := bearerToken(r)
	err := s.users.Logout(withSource(r), token)
	s.ForgetSession(token) // after the store, so that no request caches it again meanwhile
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ForgetSession stops trusting the token at once: its session ended
// elsewhere in this process (the web application's sign-out). Without it
// the session cache would trust the token for up to Config.SessionCacheTTL.
func (s *Server) ForgetSession(token string) {
	s.sessions.forget(token, s.clock.Now())
}

// withSource answers the request's context with the address it came from,
// for the audit log of sign-ins and sign-outs.
func withSource(r *http.Request) context.Context {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return pingan.NewContextWithSource(r.Context(), host)
}

// bearerToken answers the token of "Authorization: Bearer TOKEN".
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// requireUser authenticates the bearer token and puts the user in the
// request's context; without a live token it answers 401.
func (s *Server) requireUser(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearerToken(r)
		if !ok || len(token) > 512 {
			return errUnauthorized
		}
		u, err := s.authenticateKey(r, token) // an API key (readings.go), or nil
		if u == nil && err == nil {
			u, err = s.authenticate(r, token)
		}
		if err != nil {
			return err
		}
		httpx.SetUser(r.Context(), u.ID)
		return next(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	}
}

// signOutPattern is the route of signing out, which no gate holds.
const signOutPattern = "DELETE /api/v1/session"

// authenticate answers the user of a live token that its gates let pass:
// a role that must enrol in TOTP first (totp.go), an expired password
// (security.go). A session that passed them is kept in the session cache,
// so that a busy client costs no database read per request; one a gate
// holds is asked again each time, so that enrolling or changing the
// password opens it at once.
func (s *Server) authenticate(r *http.Request, token string) (*pingan.User, error) {
	now := s.clock.Now()
	if u := s.sessions.get(token, now); u != nil {
		return u, nil
	}
	u, err := s.users.Authenticate(r.Context(), token)
	if err != nil {
		if pingan.ErrorCode(err) == pingan.EUNAUTHORIZED {
			return nil, pingan.E(pingan.EUNAUTHORIZED, "api.token.expired")
		}
		return nil, err
	}
	if u == nil {
		return nil, errUnauthorized
	}
	if err := s.totpMissing(r, u); err != nil {
		return nil, err
	}
	if err := s.passwordExpired(r, u); err != nil {
		return nil, err
	}
	if r.Pattern != signOutPattern { // let through ungated: not to be remembered
		s.sessions.put(token, u, now)
	}
	return u, nil
}

// DefaultSessionCacheTTL is how long a token, once authenticated, is
// trusted without asking the UserService again (Config.SessionCacheTTL).
const DefaultSessionCacheTTL = 10 * time.Second

// maxCachedSessions bounds the session cache; past it, expired entries are
// swept, and if that is not enough the cache starts afresh.
const maxCachedSessions = 10000

// sessionCache remembers recently authenticated tokens (by their SHA-256)
// for a short time, so that a busy client does not cost a database read per
// request. A logout through this server (the API or, through
// ForgetSession, the web application) forgets the token at once, and keeps
// it forgotten for the TTL so that a request that read the session just
// before the logout cannot cache it again; a session ended elsewhere
// (another server, the command line) or a change to the user, such as
// disabling the account, is seen within the TTL.
type sessionCache struct {
	ttl time.Duration // ≤ 0: no caching
	mu  sync.Mutex
	m   map[[sha256.Size]byte]cachedSession
}

type cachedSession struct {
	user    pingan.User
	until   time.Time
	revoked bool // forgotten: not to be cached again until then
}

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, m: map[[sha256.Size]byte]cachedSession{}}
}

// get answers a copy of the cached user of token, or nil.
func (c *sessionCache) get(token string, now time.Time) *pingan.User {
	if c.ttl <= 0 {
		return nil
	}
	k := sha256.Sum256([]byte(token))
	c.mu.Lock()
	e, ok := c.m[k]
	if ok && !now.Before(e.until) {
		delete(c.m, k)
		ok = false
	}
	c.mu.Unlock()
	if !ok || e.revoked {
		return nil
	}
	u := e.user
	return &u
}

func (c *sessionCache) put(token string, u *pingan.User, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	k := sha256.Sum256([]byte(token))
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok && e.revoked && now.Before(e.until) {
		return
	}
	c.sweep(now)
	c.m[k] = cachedSession{user: *u, until: now.Add(c.ttl)}
}

// forget drops the token and keeps it from being cached again for the TTL.
func (c *sessionCache) forget(token string, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	k := sha256.Sum256([]byte(token))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweep(now)
	c.m[k] = cachedSession{until: now.Add(c.ttl), revoked: true}
}

// sweep makes room past maxCachedSessions: expired entries go, and if that
// is not enough the cache starts afresh. Called with mu held.
func (c *sessionCache) sweep(now time.Time) {
	if len(c.m) < maxCachedSessions {
		return
	}
	for k, e := range c.m {
		if !now.Before(e.until) {
			delete(c.m, k)
		}
	}
	if len(c.m) >= maxCachedSessions {
		clear(c.m)
	}
}
