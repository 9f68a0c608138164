package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// anySignedIn marks a page every signed-in user may open (their own
// notifications): it needs no capability.
const anySignedIn pingan.Capability = ""

// rolePages says, for every page the server registers behind sign-in, the
// capability it needs (pingan.Capability). A page registered without a row
// here fails TestRolesEveryPage: give it one.
var rolePages = map[string]pingan.Capability{
	"GET /inbox":                              pingan.CapReadCases,
	"GET /cases/{id}":                         pingan.CapReadCases,
	"POST /cases/{id}/act":                    pingan.CapReadCases, // and the action: the workflow's table
	"GET /cases/{id}/files/{sum}":             pingan.CapReadCases,
	"GET /report":                             pingan.CapReport,
	"POST /report":                            pingan.CapReport,
	"GET /m":                                  pingan.CapPatrol,
	"POST /m/report":                          pingan.CapPatrol,
	"GET /dashboard":                          pingan.CapStatistics,
	"GET /admin/units":                        pingan.CapAdminUnits,
	"POST /admin/units":                       pingan.CapAdminUnits,
	"POST /admin/units/org_type":              pingan.CapAdminUnits, // a unit as a mediation organisation
	"GET /admin/users":                        pingan.CapAdminUsers,
	"POST /admin/users":                       pingan.CapAdminUsers,
	"POST /admin/users/edit":                  pingan.CapAdminUsers,
	"POST /admin/users/disable":               pingan.CapAdminUsers,
	"POST /admin/users/enable":                pingan.CapAdminUsers,
	"POST /admin/users/password":              pingan.CapAdminUsers,
	"GET /admin/grids":                        pingan.CapAdminGrids,
	"POST /admin/grids":                       pingan.CapAdminGrids,
	"GET /admin/grids.geojson":                pingan.CapAdminGrids,
	"GET /admin/categories":                   pingan.CapAdminCategories,
	"POST /admin/categories":                  pingan.CapAdminCategories,
	"GET /admin/holidays":                     pingan.CapAdminHolidays,
	"POST /admin/holidays/preview":            pingan.CapAdminHolidays,
	"POST /admin/holidays":                    pingan.CapAdminHolidays,
	"POST /admin/holidays/day":                pingan.CapAdminHolidays,
	"GET /search":                             pingan.CapReadCases,
	"GET /cases/{id}/print/assign.pdf":        pingan.CapReadCases, // printed orders of a case one reads
	"GET /cases/{id}/print/supervise.pdf":     pingan.CapReadCases,
	"GET /cases/{id}/print/summary.pdf":       pingan.CapReadCases,
	"GET /cases/{id}/print/agreement.pdf":     pingan.CapReadCases,
	"GET /cases/{id}/print/dossier.pdf":       pingan.CapReadCases,
	"GET /notifications":                      anySignedIn,
	"POST /notifications/read":                anySignedIn,
	"GET /picker/units":                       anySignedIn, // the units of one's own jurisdiction (picker.go)
	"GET /picker/grids":                       anySignedIn,
	"GET /inbox.xlsx":                         pingan.CapReadCases, // the downloads of a page (export.go): its capability
	"GET /inbox.csv":                          pingan.CapReadCases, // and their CSV (export_csv.go)
	"GET /search.csv":                         pingan.CapReadCases,
	"GET /petitions/backlog.xlsx":             pingan.CapReceptions, // the leaders' lists of matters, both ways
	"GET /petitions/backlog.csv":              pingan.CapReceptions,
	"GET /petitions/led.xlsx":                 pingan.CapLeadCases,
	"GET /petitions/led.csv":                  pingan.CapLeadCases,
	"GET /search.xlsx":                        pingan.CapReadCases,
	"GET /dashboard.xlsx":                     pingan.CapStatistics,
	"GET /campaigns":                          pingan.CapStatistics, // the campaigns (campaign.go)
	"POST /campaigns":                         pingan.CapManageCampaigns,
	"GET /campaigns/{campaign}":               pingan.CapStatistics,
	"GET /campaigns/{campaign}/coverage.xlsx": pingan.CapStatistics,
	"GET /m/patrol":                           pingan.CapPatrol, // patrols (patrol.go)
	"POST /m/patrol/start":                    pingan.CapPatrol,
	"POST /m/patrol/checkin":                  pingan.CapPatrol,
	"POST /m/patrol/end":                      pingan.CapPatrol,
	"GET /patrol-points":                      pingan.CapPatrolPoints,
	"POST /patrol-points":                     pingan.CapPatrolPoints,
	"POST /patrol-points/{point}":             pingan.CapPatrolPoints,
	"POST /m/visit":                           pingan.CapPatrol,
	"POST /cases/{id}/petition/drafts/{kind}": pingan.CapReadCases, // a petition's draft document (petition.go)

	// A petition's printed document (petition_print.go).
	"GET /cases/{id}/petition/documents/{doc}": pingan.CapReadCases,

	// The leaders' reception work and 包案 (reception.go).
	"GET /reception-days":          pingan.CapReceptions,
	"POST /reception-days":         pingan.CapReceptions,
	"POST /reception-days/publish": pingan.CapReceptions,
	"GET /receptions":              pingan.CapReceptions,
	"POST /receptions":             pingan.CapReceptions,
	"GET /receptions/record":       pingan.CapReceptions,
	"GET /petitions/backlog":       pingan.CapReceptions,
	"GET /petitions/led":           pingan.CapLeadCases,

	// The assessment (assess.go): every role reads what the services let
	// it; assessors define schemes, enter, publish and answer.
	"GET /assess":                                                 pingan.CapStatistics,
	"GET /assess/schemes/new":                                     pingan.CapAssess,
	"POST /assess/schemes":                                        pingan.CapAssess,
	"GET /assess/schemes/{scheme}":                                pingan.CapAssess,
	"POST /assess/schemes/{scheme}":                               pingan.CapAssess,
	"GET /assess/schemes/{scheme}/{period}":                       pingan.CapStatistics,
	"GET /assess/schemes/{scheme}/{period}/board.xlsx":            pingan.CapStatistics,
	"POST /assess/schemes/{scheme}/{period}/inputs":               pingan.CapAssess,
	"POST /assess/schemes/{scheme}/{period}/withdraw":             pingan.CapAssess,
	"POST /assess/schemes/{scheme}/{period}/publish":              pingan.CapAssess,
	"GET /assess/schemes/{scheme}/{period}/{unit}":                pingan.CapStatistics,
	"POST /assess/schemes/{scheme}/{period}/{unit}/notices":       pingan.CapAssess,
	"POST /assess/schemes/{scheme}/{period}/{unit}/answer":        pingan.CapAssess,
	"POST /assess/schemes/{scheme}/{period}/{unit}/objections":    pingan.CapStatistics, // a unit's; the store judges who
	"GET /assess/schemes/{scheme}/{period}/{unit}/evidence/{sum}": pingan.CapStatistics,

	// The monthly reports' archive (monthly.go): generating again is a
	// leader's, a dispatcher's or an assessor's (the handler judges); the
	// handling units judged (handlers.go).
	"GET /reports/monthly":              pingan.CapStatistics,
	"POST /reports/monthly":             pingan.CapStatistics,
	"GET /reports/monthly/{unit}/{doc}": pingan.CapStatistics,
	"GET /stats/handlers":               pingan.CapStatistics,
	"GET /stats/handlers.xlsx":          pingan.CapStatistics,
	// The risk ledger and 稳评 (risk.go, stability.go): the steps' own
	// rules say who registers, reviews and closes.
	"GET /risks":                 pingan.CapRisks,
	"GET /risks.xlsx":            pingan.CapRisks,
	"POST /risks":                pingan.CapRisks,
	"GET /risks/{risk}":          pingan.CapRisks,
	"POST /risks/{risk}/act":     pingan.CapRisks,
	"GET /stability":             pingan.CapRisks,
	"POST /stability":            pingan.CapRisks,
	"GET /stability/{stab}":      pingan.CapRisks,
	"POST /stability/{stab}/act": pingan.CapRisks,
	// The supervised work tasks (task.go): the steps' own rules say who
	// issues, signs, reports and verifies.
	"GET /tasks":                       pingan.CapTasks,
	"GET /tasks/new":                   pingan.CapTasks,
	"POST /tasks":                      pingan.CapTasks,
	"GET /tasks/{task}":                pingan.CapTasks,
	"POST /tasks/{task}/act":           pingan.CapTasks,
	"GET /tasks/{task}/evidence/{sum}": pingan.CapTasks,
	"GET /tasks/list/{year}":           pingan.CapTasks,
	// The weekly 研判 (briefing.go): the store says which units hold one.
	"GET /briefings":                          pingan.CapBriefings,
	"GET /briefings/{unit}/{week}":            pingan.CapBriefings,
	"POST /briefings/{unit}/{week}/meeting":   pingan.CapBriefings,
	"POST /briefings/{unit}/{week}/decisions": pingan.CapBriefings,
	// Warnings (warning.go): the steps' own rules say who signs, feeds
	// back and releases; the store who may change the rules (a city's).
	"GET /warnings":                pingan.CapWarnings,
	"GET /warnings/{warning}":      pingan.CapWarnings,
	"POST /warnings/{warning}/act": pingan.CapWarnings,
	"GET /warnings/rules":          pingan.CapWarnings,
	"POST /warnings/rules":         pingan.CapWarningRules,
	"POST /warnings/deadlines":     pingan.CapWarningRules,
	// The register of key sites (site.go): the store says who reads a
	// contact whole and who changes the types (an administrator or a
	// dispatcher).
	"GET /sites":                 pingan.CapSites,
	"GET /sites.xlsx":            pingan.CapSites,
	"GET /sites/new":             pingan.CapSitesEdit,
	"POST /sites":                pingan.CapSitesEdit,
	"GET /sites/types":           pingan.CapSites,
	"POST /sites/types":          pingan.CapSitesEdit,
	"GET /sites/import":          pingan.CapSitesEdit,
	"POST /sites/import":         pingan.CapSitesEdit,
	"GET /sites/{site}":          pingan.CapSites,
	"GET /sites/{site}/edit":     pingan.CapSitesEdit,
	"POST /sites/{site}":         pingan.CapSitesEdit,
	"POST /sites/{site}/contact": pingan.CapSites,
	"GET /sites/{site}/inspect":  pingan.CapInspect,
	"POST /sites/{site}/inspect": pingan.CapInspect,
	// Monitoring (monitor.go): a site's sensors, the subscription's state.
	"GET /sites/{site}/sensors":  pingan.CapSensors,
	"POST /sites/{site}/sensors": pingan.CapSensors,
	"GET /admin/monitoring":      pingan.CapAdminUsers,
	// The audit trail (audit.go).
	"GET /audit":      pingan.CapReadAudit,
	"GET /audit.xlsx": pingan.CapReadAudit,
	"GET /audit.csv":  pingan.CapReadAudit,
	// API keys (admin_keys.go).
	"GET /admin/keys":         pingan.CapAdminSecurity,
	"POST /admin/keys":        pingan.CapAdminSecurity,
	"POST /admin/keys/revoke": pingan.CapAdminSecurity,
	// The import of cases (caseimport.go).
	"GET /admin/import-cases":          pingan.CapImportCases,
	"POST /admin/import-cases":         pingan.CapImportCases,
	"POST /admin/import-cases/confirm": pingan.CapImportCases,
	// Webhooks (admin_webhooks.go).
	"GET /admin/webhooks":         pingan.CapAdminWebhooks,
	"POST /admin/webhooks":        pingan.CapAdminWebhooks,
	"POST /admin/webhooks/active": pingan.CapAdminWebhooks,
	"POST /admin/webhooks/resend": pingan.CapAdminWebhooks,
	// The security administrator's pages and one's own password
	// (admin_security.go).
	"GET /admin/roles":       pingan.CapAdminSecurity,
	"POST /admin/roles":      pingan.CapAdminSecurity,
	"GET /admin/security":    pingan.CapAdminSecurity,
	"POST /admin/security":   pingan.CapAdminSecurity,
	"GET /admin/retention":   pingan.CapAdminSecurity,
	"POST /admin/retention":  pingan.CapAdminSecurity,
	"GET /account/password":  anySignedIn,
	"POST /account/password": anySignedIn,
	// Two-factor sign-in (totp.go): one's own enrolment, the security
	// administrator's policy and resets.
	"GET /account/totp":          anySignedIn,
	"POST /account/totp/confirm": anySignedIn,
	"POST /account/totp/disable": anySignedIn,
	"GET /admin/totp":            pingan.CapAdminSecurity,
	"POST /admin/totp/policy":    pingan.CapAdminSecurity,
	"POST /admin/totp/reset":     pingan.CapAdminSecurity,
}

// openPages are the pages anyone reaches signed out: the assets, signing
// in and out, the language switch, the citizens' pages and the catch-all.
var openPages = []string{"GET /static/", "GET /{$}", "GET /login", "POST /login", "POST /logout", "GET /lang/{lang}",
	"GET /public/report", "POST /public/report", "GET /public/track", "GET /public/cases/{number}",
	"POST /public/cases/{number}/rate", "POST /public/cases/{number}/personal", "GET /m/sw.js", "GET /login/totp", "POST /login/totp", "GET /public/picker/units", "GET /public/receptions", "/"}

// menuEntries are the links of the main menu and the capability of the
// page each leads to.
var menuEntries = map[string]pingan.Capability{
	"/m": pingan.CapPatrol, "/inbox": pingan.CapReadCases, "/report": pingan.CapReport,
	"/dashboard": pingan.CapStatistics, "/admin/units": pingan.CapAdminUnits, "/campaigns": pingan.CapStatistics,
	"/reception-days": pingan.CapReceptions, "/petitions/led": pingan.CapLeadCases,
	"/reports/monthly": pingan.CapStatistics, "/stats/handlers": pingan.CapStatistics,
	"/risks":     pingan.CapRisks,
	"/tasks":     pingan.CapTasks,
	"/briefings": pingan.CapBriefings,

	"/warnings": pingan.CapWarnings,
	"/sites":    pingan.CapSites,

	"/admin/roles": pingan.CapAdminSecurity,
}

// roleUsers answers one fixture user of each role, all of whom see the
// cases of the village 富康社区.
func roleUsers(t *testing.T, e *env) map[pingan.Role]*pingan.User {
	users := map[pingan.Role]*pingan.User{
		pingan.RoleAdmin: e.fx.Admin, pingan.RoleDispatcher: e.fx.CountyDispatcher, pingan.RoleHandler: e.fx.TownshipHandler,
		pingan.RoleGridWorker: e.fx.GridWorker, pingan.RoleMediator: e.fx.Mediator, pingan.RoleLeader: e.fx.CountyLeader,
		pingan.RoleAssessor: e.fx.Assessor, pingan.RoleViewer: e.fx.Viewer,
		pingan.RoleSecAdmin: e.fx.SecAdmin, pingan.RoleAuditor: e.fx.Auditor,
	}
	for _, r := range pingan.Roles {
		u := users[r]
		if u == nil || len(u.Roles) != 1 || u.Roles[0] != r {
			t.Fatalf("no fixture user with the role %s alone", r)
		}
	}
	return users
}

var navRe = regexp.MustCompile(`(?s)<nav class="main"[^>]*>(.*?)</nav>`)

// TestRolesEveryPage signs in as a user of each role and requests every
// page the server registers behind sign-in, by its method: a role whose
// capabilities lack the page's gets 403 with the refusal of the table, any
// other gets some other answer. The main menu shows exactly the pages the
// role may open. A comment (备注) through the case page is refused to the
// roles that only read, as the workflow's table says.
func TestRolesEveryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	vals := map[string]string{"id": c.ID, "sum": "sha256:" + strings.Repeat("0f", 32), "campaign": "1", "doc": "1.pdf", "kind": "accept",
		"scheme": "1", "period": "2026-03", "unit": "620902", "task": "1", "year": "2026",
		"warning": "1", "risk": "1", "stab": "1", "week": "2026-W10", "point": "1", "site": "1"}

	var routes []guardRoute
	for _, r := range guardRoutes(e.srv) {
		_, classified := rolePages[r.pattern]
		switch {
		case slices.Contains(openPages, r.pattern):
		case !classified:
			t.Errorf("%s: the page is in no row of rolePages: name the capability it needs (s.may) and add it", r.pattern)
		default:
			routes = append(routes, r)
		}
	}
	for p := range rolePages {
		if !slices.ContainsFunc(routes, func(r guardRoute) bool { return r.pattern == p }) {
			t.Errorf("rolePages names %s, which the server does not register", p)
		}
	}

	commenters := map[pingan.Role]bool{pingan.RoleAdmin: true, pingan.RoleDispatcher: true, pingan.RoleHandler: true,
		pingan.RoleGridWorker: true, pingan.RoleMediator: true, pingan.RoleLeader: true}
	for role, u := range roleUsers(t, e) {
		cl := e.login(u)
		t.Run(string(role), func(t *testing.T) {
			// The menu.
			nav := navRe.FindStringSubmatch(cl.get("/inbox").body)
			if nav == nil {
				t.Fatal("no main menu on /inbox")
			}
			for href, need := range menuEntries {
				shown := strings.Contains(nav[1], `href="`+href+`"`)
				if shown != u.May(need) {
					t.Errorf("the menu shows %s: %v, want %v", href, shown, u.May(need))
				}
			}
			// Every page.
			for _, r := range routes {
				need := rolePages[r.pattern]
				path, ok := r.fill(vals)
				if !ok {
					t.Fatalf("%s: no value for a wildcard", r.pattern)
				}
				if unprintable(t, path) {
					continue
				}
				var res response
				if r.method == http.MethodPost {
					form := url.Values{}
					if r.pattern == "POST /cases/{id}/act" {
						form = url.Values{"action": {"comment"}, "note": {"请尽快处理"}}
					}
					res = cl.post(path, form)
				} else {
					res = cl.get(path)
				}
				allowed := need == anySignedIn || u.May(need)
				if r.pattern == "POST /cases/{id}/act" && allowed {
					// The comment itself: the workflow's table.
					want := http.StatusForbidden
					if commenters[role] {
						want = http.StatusSeeOther
					}
					if res.status != want {
						t.Errorf("comment as %s: %d, want %d", role, res.status, want)
					}
					continue
				}
				if (r.pattern == "POST /risks" || r.pattern == "POST /stability") && allowed {
					// Registering itself: the ledger's rule (dispatchers and assessors).
					registrar := u.Has(pingan.RoleDispatcher) || u.Has(pingan.RoleAssessor)
					if refused := res.status == http.StatusForbidden; refused == registrar || res.status >= 500 {
						t.Errorf("%s as %s: %d", r.pattern, role, res.status)
					}
					continue
				}
				switch {
				case res.status >= 500:
					t.Errorf("%s %s: %d", r.method, path, res.status)
				case allowed && res.status == http.StatusForbidden:
					t.Errorf("%s %s: 403, but %s may %s:\n%s", r.method, path, role, need, res.body)
				case !allowed && res.status != http.StatusForbidden:
					t.Errorf("%s %s: %d, but %s may not %s", r.method, path, res.status, role, need)
				case !allowed && !strings.Contains(html.UnescapeString(res.body), pingan.ErrorText(pingan.Permit(u, need), pingan.ZH)):
					t.Errorf("%s %s: 403 without the refusal of the table:\n%s", r.method, path, res.body)
				}
			}
		})
	}
}

// TestRolesReadOnly is the defect as reported: a viewer, a leader and an
// assessor see no 登记事件 in the menu and cannot file a case through
// /report; a viewer and an assessor cannot post a 备注, and no comment form
// is offered to them.
func TestRolesReadOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	report := url.Values{"category": {"0102"}, "title": {"楼道堆物"}, "description": {"三楼住户在楼道堆放杂物"}, "unit": {"620902001001"}}
	for _, u := range []*pingan.User{e.fx.Viewer, e.fx.CountyLeader, e.fx.CityLeader, e.fx.Assessor} {
		cl := e.login(u)
		nav := navRe.FindStringSubmatch(cl.get("/inbox").body)
		if nav == nil || strings.Contains(nav[1], `href="/report"`) {
			t.Errorf("%s: the menu offers 登记事件", u.Username)
		}
		if res := cl.get("/report"); res.status != http.StatusForbidden {
			t.Errorf("%s: GET /report: %d", u.Username, res.status)
		}
		if res := cl.postMultipart("/report", report, nil); res.status != http.StatusForbidden {
			t.Errorf("%s: POST /report: %d %s", u.Username, res.status, res.location)
		}
		page := cl.get("/cases/" + c.ID)
		comment := cl.post("/cases/"+c.ID+"/act", url.Values{"action": {"comment"}, "note": {"已阅"}})
		if u.Has(pingan.RoleLeader) {
			mustContain(t, page.body, `id="act-comment"`)
			if comment.status != http.StatusSeeOther {
				t.Errorf("%s: comment: %d", u.Username, comment.status)
			}
			continue
		}
		mustNotContain(t, page.body, `id="act-comment"`)
		if comment.status != http.StatusForbidden {
			t.Errorf("%s: comment: %d", u.Username, comment.status)
		}
	}
	// Nothing was filed, and the timeline holds the leaders' comments only.
	cases, _, err := e.db.Cases.FindCases(t.Context(), e.fx.Admin, pingan.CaseFilter{})
	if err != nil || len(cases) != 1 {
		t.Errorf("%d cases after the refused reports (%v)", len(cases), err)
	}
	acts, err := e.db.Cases.Timeline(t.Context(), e.fx.Admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var by []string
	for _, a := range acts {
		if a.Action == pingan.ActComment {
			by = append(by, a.ActorName)
		}
	}
	if want := []string{e.fx.CountyLeader.Name, e.fx.CityLeader.Name}; !slices.Equal(by, want) {
		t.Errorf("comments by %v, want %v", by, want)
	}
}
