// Package api is pingan's JSON API under /api/v1 (API.md): sessions, the
// unit tree, categories, cases and their lifecycle actions, statistics and
// the deadline arithmetic. It speaks HTTP with the standard library only and
// reaches the data through the domain's service interfaces, so it never
// imports the store or a database driver; cmd/pingan wires the two.
//
// Every error answers {"error": {"code", "message", "message_key", "fields"}},
// in the caller's language (Accept-Language, Chinese by default), mapped
// from the domain's error codes to HTTP statuses in one place
// (internal/httpx), which also gives every request its id, its log line,
// its security headers and the recovery from a panic, as for the pages.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/limit"
)

// Prefix is the path every route of this package lies under. Mount the
// handler with mux.Handle(api.Prefix, srv.Handler()).
const Prefix = "/api/v1/"

// DefaultMaxBodyBytes limits request bodies when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Config is what the server needs: the domain's services and the tools
// around them.
type Config struct {
	Units      pingan.UnitService
	Users      pingan.UserService
	Categories pingan.CategoryService
	Cases      pingan.CaseService
	Stats      pingan.StatsService
	// Grids serves /grids; when nil those routes answer 404.
	Grids pingan.GridService

	// Holidays keeps the holiday arrangements entered at run time
	// (/calendar/years); when nil those routes answer 404.
	Holidays pingan.CalendarService
	// Campaigns serves /campaigns (campaign.go); when nil those routes answer 404.
	Campaigns pingan.CampaignService
	// Mediation serves /cases/{id}/mediation and Settings
	// /settings/disputes (mediation.go); when nil those routes answer 404.
	Mediation pingan.MediationService
	Settings  pingan.SettingsService
	// Petitions serves /cases/{id}/petition… and /settings/petitions
	// (petition.go); when nil those routes answer 404.
	Petitions pingan.PetitionService
	// Receptions serves /reception-days, /receptions and the leaders' lists
	// of petitions (reception.go); when nil those routes answer 404.
	Receptions pingan.ReceptionService
	// Schemes and Assess serve /assess (assess.go); when either is nil
	// those routes answer 404.
	Schemes pingan.SchemeService
	Assess  pingan.AssessService
	// Monthly keeps the monthly reports (/reports/monthly, monthly.go),
	// printed with the TrueType font at Font ("" for the first of
	// paper.FontPaths); when nil those routes answer 404.
	Monthly pingan.MonthlyReportService
	Font    string
	// Tasks serves /tasks (task.go); when nil those routes answer 404.
	Tasks pingan.TaskService
	// Warnings serves /warnings and /warning-rules (warning.go); when nil those routes answer 404.
	Warnings pingan.WarningService
	// Risks and Stability serve /risks and /stability (risk.go,
	// stability.go); when nil those routes answer 404.
	Risks     pingan.RiskService
	Stability pingan.StabilityService
	// Briefings serves /briefings (briefing.go); when nil those routes answer 404.
	Briefings pingan.BriefingService
	// Patrols serves /patrol-points and /patrols (patrol.go), and the
	// patrols block of /stats; when nil those routes answer 404.
	Patrols pingan.PatrolService
	// Sites serves /sites, /site-types and /inspections (site.go); when
	// nil those routes answer 404.
	Sites pingan.SiteService
	// Monitor serves /readings, /sensors and /alarms (readings.go,
	// sensor.go); Keys authenticates API keys (Authorization: Bearer
	// pak_…). When nil those routes answer 404 and keys are refused.
	Monitor pingan.MonitorService
	Keys    pingan.APIKeyService
	// Security serves /security/policy and refuses (403 password.expired)
	// a session whose password has expired (security.go); when nil the
	// route answers 404 and passwords do not expire here.
	Security pingan.SecurityService
	// AuditTrail serves /audit to the audit administrator (audit.go);
	// when nil the route answers 404.
	AuditTrail pingan.AuditTrailService
	// TOTP completes the sign-in of an account with two-factor sign-in
	// (POST /session/totp, totp.go) and holds a session whose role must
	// enrol, and has not, to 403 totp.required; when nil such accounts
	// cannot sign in here and nothing is held.
	TOTP pingan.TOTPService
	// Calendar counts deadlines for /calendar/due: the store, which holds
	// the years entered at run time; calendar.Official() when nil.
	Calendar calendar.Source
	// Clock tells the time (the default period of /stats); the system clock when nil.
	Clock pingan.Clock
	// Logger receives the request log and internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// MaxBodyBytes limits a request body; DefaultMaxBodyBytes (1 MiB) when 0.
	MaxBodyBytes int64
	// SessionCacheTTL is how long an authenticated token is trusted without
	// asking Users again: DefaultSessionCacheTTL (10 s) when 0, never when
	// negative. A logout through this server takes effect at once; one
	// elsewhere within the TTL.
	SessionCacheTTL time.Duration
	// Limits are the rate limits of the sign-in, shared with the pages
	// (limits.go); the defaults when nil. Proxies are the reverse proxies
	// trusted for X-Forwarded-For.
	Limits  *limit.Limits
	Proxies httpx.Proxies
}

// Server serves the JSON API.
type Server struct {
	units      pingan.UnitService
	users      pingan.UserService
	categories pingan.CategoryService
	cases      pingan.CaseService
	stats      pingan.StatsService
	grids      pingan.GridService
	calendar   calendar.Source
	holidays   pingan.CalendarService
	campaigns  pingan.CampaignService
	mediation  pingan.MediationService
	settings   pingan.SettingsService
	petitions  pingan.PetitionService
	receptions pingan.ReceptionService
	schemes    pingan.SchemeService
	assess     pingan.AssessService
	monthly    pingan.MonthlyReportService
	tasks      pingan.TaskService
	warnings   pingan.WarningService
	totp       pingan.TOTPService
	risks      pingan.RiskService
	stability  pingan.StabilityService
	briefings  pingan.BriefingService
	monitor    pingan.MonitorService
	keys       pingan.APIKeyService
	security   pingan.SecurityService // security.go
	auditTrail pingan.AuditTrailService
	patrols    pingan.PatrolService
	sites      pingan.SiteService
	font       string
	clock      pingan.Clock
	log        *slog.Logger
	maxBody    int64
	sessions   *sessionCache
	limits     *limit.Limits // limits.go
	proxies    httpx.Proxies

	mux      *http.ServeMux
	patterns []string // of every endpoint, in the order routes registers them
	handler  http.Handler
}

// New builds a server from cfg, filling the defaults.
func New(cfg Config) *Server {
	s := &Server{
		units:      cfg.Units,
		users:      cfg.Users,
		categories: cfg.Categories,
		cases:      cfg.Cases,
		stats:      cfg.Stats,
		grids:      cfg.Grids,
		calendar:   cfg.Calendar,
		holidays:   cfg.Holidays,
		campaigns:  cfg.Campaigns,
		mediation:  cfg.Mediation,
		settings:   cfg.Settings,
		petitions:  cfg.Petitions,
		receptions: cfg.Receptions,
		schemes:    cfg.Schemes,
		assess:     cfg.Assess,
		monthly:    cfg.Monthly,
		tasks:      cfg.Tasks,
		warnings:   cfg.Warnings,
		totp:       cfg.TOTP,
		risks:      cfg.Risks,
		stability:  cfg.Stability,
		briefings:  cfg.Briefings,
		monitor:    cfg.Monitor,
		keys:       cfg.Keys,
		security:   cfg.Security,
		auditTrail: cfg.AuditTrail,
		patrols:    cfg.Patrols,
		sites:      cfg.Sites,
		font:       cfg.Font,
		clock:      cfg.Clock,
		log:        cfg.Logger,
		maxBody:    cfg.MaxBodyBytes,
		mux:        http.NewServeMux(),
	}
	if s.calendar == nil {
		s.calendar = calendar.Official()
	}
	if s.clock == nil {
		s.clock = pingan.SystemClock
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	ttl := cfg.SessionCacheTTL
	if ttl == 0 {
		ttl = DefaultSessionCacheTTL
	}
	s.sessions = newSessionCache(ttl)
	s.limits, s.proxies = cfg.Limits, cfg.Proxies
	if s.limits == nil {
		s.limits = limit.Defaults()
	}
	s.routes()
	s.handler = httpx.Handler(s.mux, httpx.Config{Log: s.log, JSON: true, Header: http.Header{
		"Cache-Control":           {"no-store"},
		"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
	}})
	return s
}

// Handler answers every request under /api/v1/; it claims nothing else.
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers every endpoint (API.md, "JSON API").
func (s *Server) routes() {
	// Public.
	s.public("GET /api/v1/healthz", s.healthz)
	s.public("POST /api/v1/session", s.limited(s.limits.SignIn, "limit.signin", s.createSession))
	s.public("POST /api/v1/session/totp", s.limited(s.limits.SignIn, "limit.signin", s.completeSession))
	s.public("GET /api/v1/openapi.json", s.openapiJSON) // the OpenAPI description (openapi.go)

	// Behind a bearer token. A route that does more than read the reference
	// data every form needs (units, categories, grids, the calendar) names
	// its capability (s.may, the one table of pingan.Capability by role); a
	// case's actions are the workflow's table.
	s.authed(signOutPattern, s.deleteSession)
	s.authed("GET /api/v1/units", s.listUnits)
	s.authed("GET /api/v1/units/{code}", s.getUnit)
	s.authed("GET /api/v1/categories", s.listCategories)
	s.authed("POST /api/v1/cases", s.may(pingan.CapReport, s.createCase))
	s.authed("GET /api/v1/cases", s.may(pingan.CapReadCases, s.listCases))
	s.authed("GET /api/v1/cases/{id}", s.may(pingan.CapReadCases, s.getCase))
	s.authed("POST /api/v1/cases/{id}/actions", s.may(pingan.CapReadCases, s.act))
	s.authed("GET /api/v1/cases/{id}/timeline", s.may(pingan.CapReadCases, s.timeline))
	s.authed("GET /api/v1/stats", s.may(pingan.CapStatistics, s.getStats))
	s.authed("GET /api/v1/calendar/due", s.calendarDue)
	s.authed("GET /api/v1/calendar/years/{year}", s.calendarYear)
	if s.holidays != nil {
		s.authed("POST /api/v1/calendar/years", s.may(pingan.CapAdminHolidays, s.enterHolidays))
	}
	if s.grids != nil {
		s.authed("GET /api/v1/grids", s.listGrids)
		s.authed("GET /api/v1/grids/{code}", s.getGrid)
	}
	s.routesCampaigns()
	s.routesMediation()
	s.routesPetitions()
	s.routesReceptions()
	s.routesAssess()
	s.routesMonthly()
	s.routesTasks()
	s.routesWarnings()
	s.routesRisks()
	s.routesBriefings()
	s.routesMonitor()
	s.routesPatrols()
	s.routesSites()
	s.routesSecurity()
	s.routesRetention()
	s.routesAudit()

	// Everything else under the prefix: 405 when the path exists for
	// another method, 404 otherwise — in the API's JSON shape.
	s.mux.HandleFunc(Prefix, s.notFound)
}

// handlerFunc is an endpoint: it writes a success answer itself and returns
// any error for writeError to answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// may answers 403 to a caller whose roles do not hold capability c
// (pingan.Permit) before h reads the request; the pages ask the same table.
func (s *Server) may(c pingan.Capability, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := pingan.Permit(userFrom(r.Context()), c); err != nil {
			return err
		}
		return h(w, r)
	}
}

func (s *Server) public(pattern string, h handlerFunc) {
	s.handle(pattern, h)
}

func (s *Server) authed(pattern string, h handlerFunc) {
	s.handle(pattern, s.requireUser(h))
}

// handle registers an endpoint and remembers its pattern (for the tests
// that sweep every route).
func (s *Server) handle(pattern string, h handlerFunc) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, s.serve(h))
}

// serve runs an endpoint: first the check that the path and the query are
// text (checkText), then h, answering its error.
func (s *Server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkText(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	s.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// methods a route may serve, probed to tell 405 from 404.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != Prefix && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		s.writeError(w, r, pingan.E(pingan.ENOTFOUND, "api.endpoint.unknown", pingan.ShowText(r.URL.Path, 200)))
		return
	}
	list := strings.Join(allow, ", ")
	s.writeError(w, r, &httpx.StatusError{
		Status: http.StatusMethodNotAllowed,
		Header: http.Header{"Allow": {list}},
		Err:    pingan.E(pingan.EINVALID, "api.method.bad", pingan.ShowText(r.Method, 32), list),
	})
}

// writeJSON answers v as JSON with the status.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	if err := httpx.WriteJSON(w, status, v); err != nil {
		// The status is out; all that is left is to say so in the log.
		s.log.Warn("writing a JSON answer", slog.Any("error", err))
	}
}

// ---- the user of a request ----

type ctxKey int

const userKey ctxKey = iota

// userFrom answers the authenticated user of the request (requireUser put it there).
func userFrom(ctx context.Context) *pingan.User {
	u, _ := ctx.Value(userKey).(*pingan.User)
	return u
}
