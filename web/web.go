// Package web is the server-rendered application people work in: the
// inbox (工作台), the case page with its actions, the report forms for staff
// and citizens, the grid worker's phone page, the dashboard (驾驶舱) and the
// administration pages. Pages are html/template with one layout; templates,
// CSS and the few scripts are embedded, so `go build` needs nothing else and
// nothing is fetched from the internet. zh-CN first, English by a switch
// kept in a cookie; every string a person reads goes through pingan's one
// message catalogue (pingan.Text; the pages' words are in messages_web.go),
// which the JSON API shares.
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
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
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
	// Notifications is the bell in the header and its list (notify.go);
	// when nil the bell is not shown and its pages answer 404.
	Notifications pingan.NotificationService
	// Settings keeps the map under the grids (底图, map.go); when nil the
	// grids are drawn alone and /admin/map answers 404.
	Settings pingan.SettingsService
	// Campaigns serves the campaigns' pages and the phone page's visits
	// (campaign.go); when nil they are not offered.
	Campaigns pingan.CampaignService
	// Mediation answers what a dispute's mediation recorded (sessions,
	// agreement, visits) for the case page (mediation.go); when nil the
	// page shows the state on the case row only.
	Mediation pingan.MediationService
	// Petitions answers a petition's documents, drafts and similar
	// matters for the case page (petition.go); when nil the page shows
	// the state on the case row only.
	Petitions pingan.PetitionService
	// Receptions serves the leaders' reception schedule, its public page,
	// the records of receptions, 积案 and 我的包案 (reception.go); when
	// nil they are not offered.
	Receptions pingan.ReceptionService
	// Schemes and Assess serve the assessment's pages (考核, 排名晾晒,
	// assess.go); when either is nil they are not offered.
	Schemes pingan.SchemeService
	Assess  pingan.AssessService
	// Monthly keeps the monthly reports (平安报表, monthly.go): the archive
	// and its form; when nil they are not offered.
	Monthly pingan.MonthlyReportService
	// Tasks serves the supervised work tasks' pages (督办事项, task.go);
	// when nil they are not offered.
	Tasks pingan.TaskService
	// Risks and Stability serve the risk ledger (风险台账) and 稳评
	// (risk.go, stability.go); when nil they are not offered.
	Risks     pingan.RiskService
	Stability pingan.StabilityService
	// Warnings serves the warnings' pages (预警, warning.go) and the
	// inbox's line of them; when nil they are not offered.
	Warnings pingan.WarningService
	// Briefings serves the weekly 研判 (briefing.go) and the dashboard's
	// section 风险预警 (dashboard_risks.go); when nil they are not offered.
	Briefings pingan.BriefingService
	// Patrols serves the patrols of the phone page, the patrol points of
	// the grids (patrol.go) and the dashboard's section 网格巡查
	// (dashboard_patrols.go); when nil they are not offered.
	Patrols pingan.PatrolService
	// Sites serves the register of key sites and their inspections
	// (site.go) and the dashboard's section 重点场所检查
	// (dashboard_sites.go); when nil they are not offered.
	Sites pingan.SiteService
	// Monitor serves the sensors of key sites (monitor.go: the site page's
	// panel, the sensors' page); Broker the MQTT subscription's state on
	// /admin/monitoring. When Monitor is nil they are not offered.
	Monitor pingan.MonitorService
	Broker  pingan.BrokerStatus
	// Keys keeps the API keys of machine clients (/admin/keys,
	// admin_keys.go); when nil the page is not offered.
	Keys pingan.APIKeyService
	// CaseImports imports the work orders of a 12345 export
	// (/admin/import-cases, caseimport.go); when nil it is not offered.
	CaseImports pingan.CaseImportService
	// Webhooks registers the webhooks of other systems (/admin/webhooks,
	// admin_webhooks.go); when nil the pages are not offered.
	Webhooks pingan.WebhookService
	// Security keeps the security policy and one's own password
	// (/admin/security, /account/password, admin_security.go).
	Security pingan.SecurityService
	// TOTP is two-factor sign-in (/login/totp, /account/totp, /admin/totp,
	// totp.go); when nil it is not offered.
	TOTP pingan.TOTPService
	// AuditTrail is the audit trail the audit administrator reads and
	// exports (/audit, audit.go); when nil the page is not offered.
	AuditTrail pingan.AuditTrailService

	// Calendar counts the time left before deadlines: the store, which
	// holds the years entered at run time; calendar.Official() when nil.
	Calendar calendar.Source
	// Clock tells the time; the system clock when nil.
	Clock pingan.Clock
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// DataDir holds uploaded photos under files/, content-addressed.
	DataDir string
	// Font is the TrueType font with Chinese glyphs that printed orders are
	// drawn with (print.go); the known Debian places when empty.
	Font string
	// IdleTimeout ends a session nobody used for that long; 30 minutes when 0.
	IdleTimeout time.Duration
	// SecureCookies marks cookies Secure even when the request did not come
	// over TLS here (a TLS-terminating proxy in front). Requests over TLS
	// always get Secure cookies.
	SecureCookies bool
	// Secret keys the forms' anti-forgery tokens; random when empty (forms
	// opened before a restart must then be reloaded).
	Secret []byte
	// SessionEnded, when set, is told the token of every session the
	// application ends (sign-out, idle timeout), so that the JSON API on
	// this server stops trusting it at once: api.Server.ForgetSession.
	SessionEnded func(token string)
	// Limits are the rate limits of the public pages and the sign-in,
	// shared with the JSON API (limits.go); the defaults when nil. Proxies
	// are the reverse proxies trusted for X-Forwarded-For and -Proto.
	Limits  *limit.Limits
	Proxies httpx.Proxies
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
	campaigns  pingan.CampaignService
	mediation  pingan.MediationService
	petitions  pingan.PetitionService
	receptions pingan.ReceptionService
	schemes    pingan.SchemeService
	assess     pingan.AssessService
	boards     *boardCache // who sees a published board (the menu, assess.go)
	monthly    pingan.MonthlyReportService
	tasks      pingan.TaskService
	risks      pingan.RiskService
	stability  pingan.StabilityService
	briefings  pingan.BriefingService
	patrols    pingan.PatrolService
	sites      pingan.SiteService
	monitor    pingan.MonitorService
	broker     pingan.BrokerStatus
	keys       pingan.APIKeyService
	imports    pingan.CaseImportService // cases from a 12345 export (caseimport.go)
	webhooks   pingan.WebhookService
	totp       pingan.TOTPService
	warnings   pingan.WarningService
	cal        calendar.Source
	clock      pingan.Clock
	log        *slog.Logger
	files      *fileStore
	idle       time.Duration
	secure     bool
	secret     []byte

	notifications pingan.NotificationService // the bell (notify.go); nil: none
	font          string                     // Config.Font (print.go)
	tiles         *tileCache                 // Config.Settings: the map under the grids (map.go)

	pages    map[string]*page
	static   http.Handler
	mux      *http.ServeMux
	patterns []string // of every page, in the order routes registers them
	handler  http.Handler
	activity *activity
	security pingan.SecurityService // Config.Security
	// sessionEnded is Config.SessionEnded.
	sessionEnded func(token string)
	names        *nameCache
	limits       *limit.Limits // limits.go
	proxies      httpx.Proxies

	// auditTrail is Config.AuditTrail (audit.go).
	auditTrail pingan.AuditTrailService
}

// New builds the application from cfg, filling the defaults.
func New(cfg Config) *Server {
	s := &Server{
		units: cfg.Units, users: cfg.Users, categories: cfg.Categories, cases: cfg.Cases, stats: cfg.Stats,
		public: cfg.Public, grids: cfg.Grids, holidays: cfg.Holidays, campaigns: cfg.Campaigns, mediation: cfg.Mediation, cal: cfg.Calendar, clock: cfg.Clock, log: cfg.Logger,
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
	s.notifications = cfg.Notifications
	s.petitions = cfg.Petitions
	s.receptions = cfg.Receptions
	s.schemes, s.assess, s.boards = cfg.Schemes, cfg.Assess, &boardCache{m: map[int64]boardEntry{}}
	s.font = cfg.Font
	s.monthly = cfg.Monthly
	s.tasks = cfg.Tasks
	s.risks, s.stability = cfg.Risks, cfg.Stability
	s.warnings = cfg.Warnings
	s.briefings = cfg.Briefings
	s.patrols = cfg.Patrols
	s.sites = cfg.Sites
	s.monitor, s.broker = cfg.Monitor, cfg.Broker
	s.keys = cfg.Keys
	s.imports = cfg.CaseImports
	s.webhooks = cfg.Webhooks
	s.totp = cfg.TOTP
	s.tiles = &tileCache{svc: cfg.Settings}
	s.activity = &activity{seen: map[string]time.Time{}}
	s.sessionEnded = cfg.SessionEnded
	s.security = cfg.Security
	s.auditTrail = cfg.AuditTrail
	s.names = &nameCache{m: map[string]nameEntry{}}
	s.limits, s.proxies = cfg.Limits, cfg.Proxies
	if s.limits == nil {
		s.limits = limit.Defaults()
	}
	s.pages = loadPages()
	sub, _ := fs.Sub(assets, "static")
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	s.mux = http.NewServeMux()
	s.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	// The middleware the JSON API runs too: request ids, the request log
	// (a static asset served well at debug level only), the recovery from
	// panics and the security headers. The content security policy allows
	// nothing from elsewhere: no CDN, no inline script.
	s.handler = httpx.Handler(s.tileCSP(cop.Handler(s.mux)), httpx.Config{
		Log:  s.log,
		Lang: langOf,
		Header: http.Header{"Content-Security-Policy": {"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; " +
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}},
		Quiet: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/static/") },
	})
	return s
}

// Handler answers every page under "/" (the JSON API is mounted apart, at /api/v1/).
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers every page. Pages that need a signed-in user are wrapped
// by s.signedIn and name the capability they need (s.may, the one table of
// pingan.Capability by role; a case's actions are the workflow's table);
// forms that change something check the anti-forgery token too. Every page
// first checks that its input is text (checkText).
func (s *Server) routes() {
	h := s.handle
	h("GET /static/", s.cacheStatic(s.static).ServeHTTP)
	h("GET /{$}", s.home)
	h("GET /login", s.loginPage)
	h("POST /login", s.limitedFailures(s.limits.SignIn, "limit.signin", s.login))
	h("POST /logout", s.logout)
	h("GET /lang/{lang}", s.switchLang)

	h("GET /inbox", s.signedIn(s.may(pingan.CapReadCases, s.inbox)))
	h("GET /cases/{id}", s.signedIn(s.may(pingan.CapReadCases, s.casePage)))
	h("POST /cases/{id}/act", s.signedIn(s.may(pingan.CapReadCases, s.form(s.act)))) // the action: workflow's table
	h("GET /cases/{id}/files/{sum}", s.signedIn(s.may(pingan.CapReadCases, s.caseFile)))
	h("GET /report", s.signedIn(s.may(pingan.CapReport, s.reportPage)))
	h("POST /report", s.signedIn(s.may(pingan.CapReport, s.form(s.report))))
	h("GET /m", s.signedIn(s.may(pingan.CapPatrol, s.mobile)))
	h("POST /m/report", s.signedIn(s.may(pingan.CapPatrol, s.form(s.mobileReport))))
	h("GET /dashboard", s.signedIn(s.may(pingan.CapStatistics, s.dashboard)))

	h("GET /admin/units", s.signedIn(s.may(pingan.CapAdminUnits, s.adminUnits)))
	h("POST /admin/units", s.signedIn(s.may(pingan.CapAdminUnits, s.form(s.importUnits))))
	h("POST /admin/units/org_type", s.signedIn(s.may(pingan.CapAdminUnits, s.form(s.setUnitOrgType))))
	h("GET /admin/users", s.signedIn(s.may(pingan.CapAdminUsers, s.adminUsers)))
	h("POST /admin/users", s.signedIn(s.may(pingan.CapAdminUsers, s.form(s.addUser))))
	h("POST /admin/users/edit", s.signedIn(s.may(pingan.CapAdminUsers, s.form(s.editUser))))
	h("POST /admin/users/disable", s.signedIn(s.may(pingan.CapAdminUsers, s.form(s.disableUser))))
	h("POST /admin/users/enable", s.signedIn(s.may(pingan.CapAdminUsers, s.form(s.enableUser))))
	h("POST /admin/users/password", s.signedIn(s.may(pingan.CapAdminUsers, s.form(s.resetPassword))))
	h("GET /admin/grids", s.signedIn(s.may(pingan.CapAdminGrids, s.adminGrids)))
	h("POST /admin/grids", s.signedIn(s.may(pingan.CapAdminGrids, s.form(s.importGrids))))
	h("GET /admin/grids.geojson", s.signedIn(s.may(pingan.CapAdminGrids, s.gridsGeoJSON)))
	h("GET /admin/categories", s.signedIn(s.may(pingan.CapAdminCategories, s.adminCategories)))
	h("POST /admin/categories", s.signedIn(s.may(pingan.CapAdminCategories, s.form(s.saveCategory))))
	h("GET /admin/holidays", s.signedIn(s.may(pingan.CapAdminHolidays, s.holidaysOnly(s.adminHolidays))))
	h("POST /admin/holidays/preview", s.signedIn(s.may(pingan.CapAdminHolidays, s.holidaysOnly(s.form(s.previewHolidays)))))
	h("POST /admin/holidays", s.signedIn(s.may(pingan.CapAdminHolidays, s.holidaysOnly(s.form(s.enterHolidays)))))
	h("POST /admin/holidays/day", s.signedIn(s.may(pingan.CapAdminHolidays, s.holidaysOnly(s.form(s.correctHoliday)))))

	h("GET /public/report", s.publicOnly(s.publicReportPage))
	h("POST /public/report", s.publicOnly(s.limited(s.limits.Report, "limit.report", s.publicReport)))
	h("GET /public/track", s.publicOnly(s.publicTrack))
	h("GET /public/cases/{number}", s.publicOnly(s.publicCase))
	h("POST /public/cases/{number}/rate", s.publicOnly(s.publicRate))

	// The pages of further features, each registered in its own file.
	s.routesPrint(h)
	s.routesNotify(h)
	s.routesFind(h)
	s.routesMap(h)
	s.routesPhone(h)
	s.routesExport(h)
	s.routesCampaigns(h)
	s.routesPetitions(h)
	s.routesPetitionPrint(h)
	s.routesReceptions(h)
	s.routesAssess(h)
	s.routesMonthly(h)
	s.routesTasks(h)
	s.routesRisks(h)
	s.routesWarnings(h)
	s.routesBriefings(h)
	s.routesPatrols(h)
	s.routesSites(h)
	s.routesMonitor(h)
	s.routesKeys(h)
	s.routesSecurity(h)
	s.routesRetention(h)
	s.routesCaseImport(h)
	s.routesWebhooks(h)
	s.routesTOTP(h)
	s.routesAudit(h)
	s.routesHandlers(h)

	h("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
	})
}

// handle registers a page behind checkText and remembers its pattern (for
// the tests that sweep every page).
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.patterns = append(s.patterns, pattern)
	if s.auditTrail != nil && isDownload(pattern) {
		s.mux.Handle(pattern, s.auditDownload(s.checkText(h))) // audit.go
		return
	}
	s.mux.Handle(pattern, s.checkText(h))
}

// signedIn is s.auth that also names the user in the request log.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return s.auth(func(w http.ResponseWriter, r *http.Request) {
		if u := userOf(r); u != nil {
			httpx.SetUser(r.Context(), u.ID)
		}
		h(w, r)
	})
}

// may answers 403 to a user whose roles do not hold capability c
// (pingan.Permit), before h reads anything; the menu (layout.html) shows
// the pages by the same table.
func (s *Server) may(c pingan.Capability, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := pingan.Permit(userOf(r), c); err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r)
	}
}

func (s *Server) cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

func statusOf(err error) int { return httpx.StatusOf(err) }

// fail answers err as an error page. Internal errors are logged in full and
// shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := pingan.ErrorCode(err)
	if code == pingan.EINTERNAL {
		s.log.ErrorContext(r.Context(), "web: internal error", "method", r.Method, "path", r.URL.Path,
			"request_id", httpx.RequestIDOf(r.Context()), "err", err)
	}
	if code == pingan.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
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

// errBadForm answers a form without a valid anti-forgery token;
// errCrossOrigin a browser's request from another site.
var (
	errBadForm     = pingan.E(pingan.EFORBIDDEN, "error.csrf")
	errCrossOrigin = pingan.E(pingan.EFORBIDDEN, "error.crossorigin")
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

func isNotFound(err error) bool {
	var e *pingan.Error
	return errors.As(err, &e) && e.Code == pingan.ENOTFOUND
}

// ---- text ----

// checkText refuses a request whose input is not text (pingan.BadText) —
// a path wildcard or the path past a prefix, a query parameter, a form
// field, an uploaded file other than a photo — with 400 naming the field,
// before the page reads it. A form is read here, within the limits of
// parseForm.
func (s *Server) checkText(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := requestText(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r)
	}
}

func requestText(w http.ResponseWriter, r *http.Request) error {
	for _, name := range httpx.Wildcards(r.Pattern) {
		if p := pingan.BadText(r.PathValue(name)); p != "" {
			return pingan.BadTextError(name, p)
		}
	}
	if p := pingan.BadText(r.URL.Path); p != "" { // past a prefix: /static/…
		return pingan.BadTextError("path", p)
	}
	if err := pingan.BadValues(r.URL.Query()); err != nil {
		return err
	}
	if r.Method != http.MethodPost {
		return nil
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if err := pingan.BadValues(r.PostForm); err != nil {
		return err
	}
	if r.MultipartForm == nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(r.MultipartForm.File)) {
		if name == photoField || strings.HasPrefix(name, photoField+"_") || name == workbookField {
			continue // the domain keeps only what is an image by its bytes; a workbook's reader checks its cells (site.go)
		}
		for _, fh := range r.MultipartForm.File[name] {
			if err := fileText(name, fh); err != nil {
				return err
			}
		}
	}
	return nil
}

// photoField is the one form field that carries photos, on every form
// that takes them; the domain judges its files (pingan.CheckPhotos). Every other uploaded file —
// the unit table, the grids' GeoJSON — is read as text into the database.
const photoField = "photos"

// fileText refuses an uploaded file that is not text. A table saved from a
// spreadsheet in GBK is refused here, naming its field, rather than kept as
// garbled names (SQLite) or failing with a 500 (PostgreSQL).
func fileText(field string, fh *multipart.FileHeader) error {
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if pingan.BadText(string(b)) != "" {
		return pingan.BadTextError(field, "form.file.text")
	}
	return nil
}
