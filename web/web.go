// Package web is the server-rendered application people work in: the
// inbox (工作台), the case page with its actions, the report forms for staff
// and citizens, the grid worker's phone page, the dashboard (驾驶舱) and the
// administration pages. Pages are html/template with one layout; templates,
// CSS and the few scripts are embedded, so `go build` needs nothing else and
// nothing is fetched from the internet. zh-CN first, English by a switch
// kept in a cookie; every string a person reads goes through the message
// catalogue in i18n.go.
//
// The package reaches data only through the domain's service interfaces;
// cmd/pingan wires it to the store and mounts Handler at "/".
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

//go:embed templates static
var assets embed.FS

// Config is what the web application needs: the domain's services and the
// tools around them.
type Config struct {
	Units      pingan.UnitService
	Users      pingan.UserService
	Categories pingan.CategoryService
	Cases      pingan.CaseService
	Stats      pingan.StatsService
	// Public serves the citizen pages; when nil they answer 404.
	Public pingan.PublicService
	// Grids draws the grid map on the dashboard and the worker's grid on
	// the phone page; when nil those parts say that grids are not set up.
	Grids pingan.GridService
	// Holidays keeps the holiday arrangements entered at run time (the
	// 节假日安排 page); when nil that page answers 404.
	Holidays pingan.CalendarService

	// Calendar counts the time left before deadlines: the store, which
	// holds the years entered at run time; calendar.Official() when nil.
	Calendar calendar.Source
	// Clock tells the time; the system clock when nil.
	Clock pingan.Clock
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// DataDir holds uploaded photos under files/, content-addressed.
	DataDir string
	// IdleTimeout ends a session nobody used for that long; 30 minutes when 0.
	IdleTimeout time.Duration
	// SecureCookies marks cookies Secure even when the request did not come
	// over TLS here (a TLS-terminating proxy in front). Requests over TLS
	// always get Secure cookies.
	SecureCookies bool
	// Secret keys the forms' anti-forgery tokens; random when empty (forms
	// opened before a restart must then be reloaded).
	Secret []byte
}

// UserDirectory lists accounts for the administration page. The user
// service implements it when it can; otherwise the page offers only the
// form that adds a user.
type UserDirectory interface {
	// FindUsers answers the users whose unit lies in the actor's jurisdiction.
	FindUsers(ctx context.Context, actor *pingan.User) ([]*pingan.User, error)
}

// Server is the web application.
type Server struct {
	units      pingan.UnitService
	users      pingan.UserService
	categories pingan.CategoryService
	cases      pingan.CaseService
	stats      pingan.StatsService
	public     pingan.PublicService
	grids      pingan.GridService
	holidays   pingan.CalendarService
	cal        calendar.Source
	clock      pingan.Clock
	log        *slog.Logger
	files      *fileStore
	idle       time.Duration
	secure     bool
	secret     []byte

	pages    map[string]*page
	static   http.Handler
	mux      *http.ServeMux
	handler  http.Handler
	activity *activity
	names    *nameCache
	limiter  *limiter
}

// New builds the application from cfg, filling the defaults.
func New(cfg Config) *Server {
	s := &Server{
		units: cfg.Units, users: cfg.Users, categories: cfg.Categories, cases: cfg.Cases, stats: cfg.Stats,
		public: cfg.Public, grids: cfg.Grids, holidays: cfg.Holidays, cal: cfg.Calendar, clock: cfg.Clock, log: cfg.Logger,
		idle: cfg.IdleTimeout, secure: cfg.SecureCookies, secret: cfg.Secret,
		files: &fileStore{dir: cfg.DataDir},
	}
	if s.cal == nil {
		s.cal = calendar.Official()
	}
	if s.clock == nil {
		s.clock = pingan.SystemClock
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.idle <= 0 {
		s.idle = 30 * time.Minute
	}
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		rand.Read(s.secret)
	}
	s.activity = &activity{seen: map[string]time.Time{}}
	s.names = &nameCache{m: map[string]nameEntry{}}
	s.limiter = &limiter{hits: map[string][]time.Time{}}
	s.pages = loadPages()
	sub, _ := fs.Sub(assets, "static")
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	s.mux = http.NewServeMux()
	s.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &pingan.Error{Code: pingan.EFORBIDDEN, Message: msgCrossOrigin})
	}))
	s.handler = s.recoverPanics(secureHeaders(cop.Handler(s.mux)))
	return s
}

// Handler answers every page under "/" (the JSON API is mounted apart, at /api/v1/).
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers every page. Pages that need a signed-in user are wrapped
// by s.auth; forms that change something check the anti-forgery token too.
func (s *Server) routes() {
	m := s.mux
	m.Handle("GET /static/", s.cacheStatic(s.static))
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /lang/{lang}", s.switchLang)

	m.HandleFunc("GET /inbox", s.auth(s.inbox))
	m.HandleFunc("GET /cases/{id}", s.auth(s.casePage))
	m.HandleFunc("POST /cases/{id}/act", s.auth(s.form(s.act)))
	m.HandleFunc("GET /cases/{id}/files/{sum}", s.auth(s.caseFile))
	m.HandleFunc("GET /report", s.auth(s.reportPage))
	m.HandleFunc("POST /report", s.auth(s.form(s.report)))
	m.HandleFunc("GET /m", s.auth(s.mobile))
	m.HandleFunc("POST /m/report", s.auth(s.form(s.mobileReport)))
	m.HandleFunc("GET /dashboard", s.auth(s.dashboard))

	m.HandleFunc("GET /admin/units", s.auth(s.admin(s.adminUnits)))
	m.HandleFunc("POST /admin/units", s.auth(s.admin(s.form(s.importUnits))))
	m.HandleFunc("GET /admin/users", s.auth(s.admin(s.adminUsers)))
	m.HandleFunc("POST /admin/users", s.auth(s.admin(s.form(s.addUser))))
	m.HandleFunc("GET /admin/grids", s.auth(s.admin(s.adminGrids)))
	m.HandleFunc("POST /admin/grids", s.auth(s.admin(s.form(s.importGrids))))
	m.HandleFunc("GET /admin/grids.geojson", s.auth(s.admin(s.gridsGeoJSON)))
	m.HandleFunc("GET /admin/categories", s.auth(s.admin(s.adminCategories)))
	m.HandleFunc("POST /admin/categories", s.auth(s.admin(s.form(s.saveCategory))))
	m.HandleFunc("GET /admin/holidays", s.auth(s.admin(s.holidaysOnly(s.adminHolidays))))
	m.HandleFunc("POST /admin/holidays/preview", s.auth(s.admin(s.holidaysOnly(s.form(s.previewHolidays)))))
	m.HandleFunc("POST /admin/holidays", s.auth(s.admin(s.holidaysOnly(s.form(s.enterHolidays)))))
	m.HandleFunc("POST /admin/holidays/day", s.auth(s.admin(s.holidaysOnly(s.form(s.correctHoliday)))))

	m.HandleFunc("GET /public/report", s.publicOnly(s.publicReportPage))
	m.HandleFunc("POST /public/report", s.publicOnly(s.publicReport))
	m.HandleFunc("GET /public/track", s.publicOnly(s.publicTrack))
	m.HandleFunc("GET /public/cases/{number}", s.publicOnly(s.publicCase))
	m.HandleFunc("POST /public/cases/{number}/rate", s.publicOnly(s.publicRate))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, pingan.Errorf(pingan.ENOTFOUND, "页面不存在 (page not found)"))
	})
}

func (s *Server) cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// secureHeaders sets the headers every page carries. The content security
// policy allows nothing from elsewhere: no CDN, no inline script.
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "+
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("web: panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "内部错误 (internal error)", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// statuses maps each error code of the domain to its HTTP status: the one
// place where the web application decides one.
var statuses = map[string]int{
	pingan.EINVALID:      http.StatusBadRequest,
	pingan.ENOTFOUND:     http.StatusNotFound,
	pingan.ECONFLICT:     http.StatusConflict,
	pingan.EFORBIDDEN:    http.StatusForbidden,
	pingan.EUNAUTHORIZED: http.StatusUnauthorized,
	pingan.ETOOMANY:      http.StatusTooManyRequests,
	pingan.EINTERNAL:     http.StatusInternalServerError,
}

func statusOf(err error) int {
	if st, ok := statuses[pingan.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// fail answers err as an error page. Internal errors are logged in full and
// shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := pingan.ErrorCode(err)
	if code == pingan.EINTERNAL {
		s.log.Error("web: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == pingan.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	v := s.newView(r, "error")
	v.Title = v.T("error.title")
	v.D = struct {
		Status  int
		Message string
	}{statusOf(err), v.Message(err)}
	s.renderStatus(w, r, v, statusOf(err))
}

// csrfToken answers the anti-forgery token of a session: a MAC of its token.
func (s *Server) csrfToken(session string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:24])
}

func (s *Server) checkCSRF(r *http.Request, session string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && hmac.Equal([]byte(got), []byte(s.csrfToken(session)))
}

// errBadForm answers a form without a valid anti-forgery token.
var errBadForm = &pingan.Error{Code: pingan.EFORBIDDEN, Message: msgBadCSRF}

const (
	msgBadCSRF     = "表单已失效，请刷新页面后重试 (the form has expired: reload the page and try again)"
	msgCrossOrigin = "拒绝跨站请求 (cross-origin request refused)"
)

// nameCache keeps the names of units for lists; names are not secret, and
// one is learned only through a user who may see the unit.
type nameCache struct {
	mu sync.Mutex
	m  map[string]nameEntry
}

type nameEntry struct {
	name string
	at   time.Time
}

const nameTTL = 10 * time.Minute

func (s *Server) unitName(ctx context.Context, u *pingan.User, code string) string {
	if code == "" {
		return ""
	}
	now := time.Now()
	s.names.mu.Lock()
	e, ok := s.names.m[code]
	s.names.mu.Unlock()
	if ok && now.Sub(e.at) < nameTTL {
		return e.name
	}
	unit, err := s.units.FindUnit(ctx, u, code)
	if err != nil {
		if ok {
			return e.name
		}
		return code
	}
	s.rememberUnits(unit)
	return unit.Name
}

func (s *Server) rememberUnits(units ...*pingan.Unit) {
	now := time.Now()
	s.names.mu.Lock()
	defer s.names.mu.Unlock()
	for _, u := range units {
		s.names.m[u.Code] = nameEntry{u.Name, now}
	}
}

// limiter counts failed public look-ups per client, so that query codes
// cannot be guessed by trying.
type limiter struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

const (
	limitWindow = 10 * time.Minute
	limitFails  = 20
)

// blocked reports whether key failed too often lately.
func (l *limiter) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.hits[key]
	i := 0
	for _, t := range hs {
		if now.Sub(t) < limitWindow {
			hs[i] = t
			i++
		}
	}
	l.hits[key] = hs[:i]
	if i == 0 {
		delete(l.hits, key)
	}
	return i >= limitFails
}

func (l *limiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 100000 { // bounded memory under a flood
		clear(l.hits)
	}
	l.hits[key] = append(l.hits[key], now)
}

func isNotFound(err error) bool {
	var e *pingan.Error
	return errors.As(err, &e) && e.Code == pingan.ENOTFOUND
}
