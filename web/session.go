package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/pingan-gov/pingan"
)

// Cookies of the application.
const (
	sessionCookie = "pingan_session"
	langCookie    = "pingan_lang"
)

// Body limits: a form of text, and a report with photos.
const (
	maxFormBytes   = 1 << 20
	maxUploadBytes = pingan.MaxPhotos*pingan.MaxPhotoBytes + maxFormBytes
)

// session is the signed-in user of a request and the token of their session.
type session struct {
	user    *pingan.User
	token   string
	csrf    string
	expired bool // the password has expired: only its change (admin_security.go)
}

type ctxKey struct{}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(ctxKey{}).(*session)
	return s
}

func userOf(r *http.Request) *pingan.User {
	if s := sessionOf(r); s != nil {
		return s.user
	}
	return nil
}

// activity remembers when each session was last used, for the idle
// timeout. It lives in memory: after a restart every live session starts
// its idle clock again.
type activity struct {
	mu    sync.Mutex
	seen  map[string]time.Time // by hex sha256 of the token
	calls int
}

func tokenKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// touch records a use of the session at now and reports whether it was
// still live, that is used within idle before.
func (a *activity) touch(token string, now time.Time, idle time.Duration) bool {
	k := tokenKey(token)
	a.mu.Lock()
	defer a.mu.Unlock()
	if last, ok := a.seen[k]; ok && now.Sub(last) > idle {
		delete(a.seen, k)
		return false
	}
	a.seen[k] = now
	if a.calls++; a.calls%1024 == 0 {
		for k, t := range a.seen {
			if now.Sub(t) > idle {
				delete(a.seen, k)
			}
		}
	}
	return true
}

func (a *activity) forget(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.seen, tokenKey(token))
}

// current answers the session of the request's cookie, or nil.
func (s *Server) current(r *http.Request) (*session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, false
	}
	u, err := s.users.Authenticate(r.Context(), c.Value)
	if err != nil {
		return nil, false
	}
	idle, expired := s.touch(r, c.Value) // the idle clock in the database (admin_security.go)
	if idle {
		if err := s.endSession(context.WithoutCancel(withSource(r)), c.Value); err != nil {
			s.log.Warn("web: idle logout", "err", err)
		}
		return nil, true
	}
	return &session{user: u, token: c.Value, csrf: s.csrfToken(c.Value), expired: expired}, false
}

// auth runs h for a signed-in user; others are sent to the login page.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, expired := s.current(r)
		if sess == nil {
			s.clearCookie(w, r, sessionCookie)
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = "/"
			}
			q := "/login?next=" + url.QueryEscape(safeNext(next))
			if expired {
				q += "&expired=1"
			}
			if wantsJSON(r) {
				s.fail(w, r, pingan.E(pingan.EUNAUTHORIZED, "login.required"))
				return
			}
			http.Redirect(w, r, q, http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if s.passwordFirst(w, r, sess) {
			return
		}
		if s.totpLimited(w, r, sess) { // a role that must enrol in TOTP first (totp.go)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess)))
	}
}

// form parses a posted form within the size limit and checks its
// anti-forgery token before running h. http.CrossOriginProtection has
// already refused cross-origin browser requests; the token also stops a
// forged form from a client that sends no origin headers.
func (s *Server) form(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := parseForm(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
		sess := sessionOf(r)
		if sess == nil || !s.checkCSRF(r, sess.token) {
			s.fail(w, r, errBadForm)
			return
		}
		h(w, r)
	}
}

// parseForm reads a urlencoded or multipart body within the limits.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return tooLarge(err)
		}
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	return nil
}

func tooLarge(err error) error {
	if _, ok := err.(*http.MaxBytesError); ok || strings.Contains(err.Error(), "too large") {
		return pingan.E(pingan.EINVALID, "form.large")
	}
	return pingan.E(pingan.EINVALID, "form.unreadable")
}

// publicOnly answers 404 when the citizen pages are not configured.
func (s *Server) publicOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.public == nil {
			s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r)
	}
}

// setCookie sets a cookie for maxAge: a lifetime rather than an expiry
// date, so that the browser's clock does not matter.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: max(int(maxAge.Seconds()), 1),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure || s.proxies.HTTPS(r)})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure || s.proxies.HTTPS(r)})
}

// safeNext answers next if it is a path on this site, "/" otherwise: a
// sign-in or a language switch never sends anyone elsewhere.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	return next
}

// localPath reports whether next is a path on this site as every browser
// reads it. Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/\t/evil.example" or "/\evil.example" would
// go to another site: next must be printable ASCII without spaces or
// backslashes, begin with one slash, not two, parse with net/url without a
// scheme or host, and its path, decoded, must not begin with two slashes
// or hold a backslash or a control character either.
func localPath(next string) bool {
	if len(next) == 0 || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") {
		return false
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return false
	}
	return !strings.HasPrefix(u.Path, "//") && !strings.ContainsFunc(u.Path, func(r rune) bool {
		return r < ' ' || r == 0x7f || r == '\\' || r > unicode.MaxASCII
	})
}

// landing is the first page of a user: the phone page for grid workers,
// the dashboard for those who read, the inbox for those who act; each
// administrator the first page of their duty.
func landing(u *pingan.User) string {
	switch {
	case u.Has(pingan.RoleDispatcher) || u.Has(pingan.RoleHandler) || u.Has(pingan.RoleMediator):
		return "/inbox"
	case u.Has(pingan.RoleGridWorker):
		return "/m"
	case u.Has(pingan.RoleLeader) || u.Has(pingan.RoleAssessor) || u.Has(pingan.RoleViewer):
		return "/dashboard"
	case u.Has(pingan.RoleAdmin):
		return "/admin/units"
	case u.Has(pingan.RoleSecAdmin):
		return "/admin/roles"
	case u.Has(pingan.RoleAuditor):
		return "/audit"
	}
	return "/inbox"
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if sess, _ := s.current(r); sess != nil {
		http.Redirect(w, r, landing(sess.user), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type loginData struct {
	Username string
	Next     string
	Error    string
	Expired  bool
	Public   bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if sess, _ := s.current(r); sess != nil {
		http.Redirect(w, r, landing(sess.user), http.StatusSeeOther)
		return
	}
	v := s.newView(r, "login")
	v.Title = v.T("login.title")
	v.D = loginData{Next: safeNext(r.URL.Query().Get("next")), Expired: r.URL.Query().Get("expired") != "", Public: s.public != nil}
	s.render(w, r, v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	next := r.PostFormValue("next")
	sess, err := s.users.Login(withSource(r), username, password)
	if err != nil {
		v := s.newView(r, "login")
		v.Title = v.T("login.title")
		d := loginData{Username: username, Next: safeNext(next), Public: s.public != nil}
		switch {
		case pingan.ErrorCode(err) == pingan.EUNAUTHORIZED:
			d.Error = v.T("login.wrong")
		case errors.Is(err, pingan.ErrSignInBusy):
			d.Error = v.Message(err)
			w.Header().Set("Retry-After", "1")
		case pingan.ErrorCode(err) == pingan.ETOOMANY:
			d.Error = v.T("login.locked")
		default:
			s.fail(w, r, err)
			return
		}
		v.D = d
		s.renderStatus(w, r, v, statusOf(err))
		return
	}
	if sess.Pending { // the password was right; the code comes next (totp.go)
		s.awaitSecondFactor(w, r, sess, next)
		return
	}
	s.startSession(w, r, sess, next)
}

// startSession gives the browser the session of a sign-in and sends it on
// to next, or to the user's landing page.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess *pingan.Session, next string) {
	s.setCookie(w, r, sessionCookie, sess.Token, sess.ExpiresAt.Sub(s.clock.Now()))
	s.activity.touch(sess.Token, s.clock.Now(), s.idle)
	dest := safeNext(next)
	if dest == "/" {
		dest = landing(sess.User)
		if sess.User == nil {
			dest = "/"
		}
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	sess, _ := s.current(r)
	if sess != nil {
		if err := parseForm(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
		if !s.checkCSRF(r, sess.token) {
			s.fail(w, r, errBadForm)
			return
		}
		if err := s.endSession(withSource(r), sess.token); err != nil {
			s.log.Warn("web: logout", "err", err)
		}
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// endSession ends the session of token in the store, forgets its idle
// clock, and tells Config.SessionEnded (the JSON API's session cache on
// this server), so that the token stops working everywhere here at once.
func (s *Server) endSession(ctx context.Context, token string) error {
	err := s.users.Logout(ctx, token)
	s.activity.forget(token)
	if s.sessionEnded != nil {
		s.sessionEnded(token)
	}
	return err
}

// withSource answers the request's context with the address it came from,
// for the audit log of sign-ins and sign-outs.
func withSource(r *http.Request) context.Context {
	return pingan.NewContextWithSource(r.Context(), clientKey(r))
}

// switchLang remembers the language for a year and goes back.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != "en" {
		lang = "zh"
	}
	s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// langOf answers the language of the pages for r: English when the
// language cookie says "en", Chinese otherwise.
func langOf(r *http.Request) pingan.Lang {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return pingan.EN
	}
	return pingan.ZH
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
