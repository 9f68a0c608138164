package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/pingan-gov/pingan/internal/limit"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/paper"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Text that is not text — a NUL character, bytes that are not UTF-8 — is
// refused at the edge with 400 naming the field, the same on SQLite (which
// would keep it) and PostgreSQL (which would fail with a 500): in a path
// segment, a query parameter and every string of a JSON body, on every
// route the server registers.

// Bad text as it is sent: percent-escaped in a URL, and as it stands in a
// JSON string (an escape for the NUL, a raw byte for the rest).
var badTexts = []struct {
	name, url, json string
}{
	{"NUL", "%00", `\u0000`},
	{"invalid UTF-8", "%FF", "\xff"},
}

// sweepConfig is the server of the sweep: every service of api.Config,
// wired from the store as cmd/pingan wires it. A new service is one line
// here (and its routes' entries in sweepFill, sweepUser and sweepBody);
// sweepPending names the services not swept yet.
func sweepConfig(db *store.DB, clock pingan.Clock) api.Config {
	// Every account signs in with a password alone here; two-factor
	// sign-in has its own tests (totp_test.go).
	if err := db.Users.SetTOTPPolicy(context.Background(), nil, &pingan.TOTPPolicy{}); err != nil {
		panic(err)
	}
	return api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Grids: db.Grids,
		Calendar: db.Calendar, Holidays: db.Calendar,
		Campaigns: db.Campaigns,
		Mediation: db.Mediation, Settings: db.Settings,
		Petitions:  db.Petitions,
		Receptions: db.Receptions,
		Schemes:    db.Schemes, Assess: db.Assess,
		Monthly: db.Monthly, Briefings: db.Briefings,
		Patrols:  db.Patrols,
		Sites:    db.Sites,
		Tasks:    db.Tasks,
		Warnings: db.Warnings,
		Risks:    db.Risks, Stability: db.Stability,
		Monitor: db.Monitor, Keys: db.APIKeys, AuditTrail: db.Audit,
		Security: db.Security,
		// No rate limit: the sweep sends hundreds of refused sign-ins from
		// one address on purpose (limits_test.go tests the 429s).
		Limits: &limit.Limits{},
		TOTP:   db.Users,
		Clock:  clock, Logger: slog.New(slog.DiscardHandler),
	}
}

// sweepPending are the services of api.Config the sweep does not wire yet.
var sweepPending = []string{}

// The values of the fixture the sweep's wildcards take (sweepFixture).
const (
	sweepCase       = "case"          // a dispute reported by the grid worker
	sweepPetition   = "petition"      // a letter registered in 东北街, not yet forwarded
	sweepForwarded  = "forwarded"     // a letter forwarded with its document
	sweepDoc        = "doc"           // that document
	sweepCampaign   = "campaign"      // a campaign of 肃州区 under way
	sweepScheme     = "scheme"        // 肃州区's scheme for its townships
	sweepInput      = "input"         // an input of its draft period 2026-03
	sweepObjection  = "objection"     // 东北街's objection to its result of 2026-02, published
	sweepSum        = "sum"           // the evidence of that result
	sweepDay        = "reception-day" // a day of 肃州区's reception schedule
	sweepReception  = "reception"     // a reception about the petition
	sweepMonth      = "2026-02"       // the period published and the monthly report kept
	sweepDraftMonth = "2026-03"       // the draft period
	sweepEndedMonth = "2026-01"       // a period ended, for the publish route
	sweepHeldWeek   = "2026-W09"      // a week of 肃州区 whose 研判 meeting is recorded
	sweepTask       = "task"          // a task of 肃州区 led by 东北街, signed
	sweepTaskSum    = "task-sum"      // the evidence of its progress report
	sweepRisk       = "risk"          // a risk of 东北街 under control, 肃州区's leader its 包保 leader
	sweepStability  = "stability"     // a 稳评 of 肃州区, registered
	sweepWarning    = "warning"       // a warning sent to 东北街, signed
	sweepPatrol     = "patrol"        // fk-grid's patrol of 620902001001-01, open
	sweepPoint      = "patrol-point"  // a patrol point of that grid
	sweepSite       = "site"          // a key site (其他) of 富康社区第二网格 under 住建局
)

// sweepFill gives each wildcard of a route a value that exists in the
// fixture, by the route's pattern; sweepUser the user who may call it;
// sweepBody gives each route that reads a JSON body one that it accepts.
// A new route needs its entries here, or the sweep fails saying so.
func sweepFill(pattern, name string, ids map[string]string) (string, bool) {
	in := func(part string) bool { return strings.Contains(pattern, part) }
	switch name {
	case "id":
		switch {
		case in("/petition/documents/"):
			return ids[sweepForwarded], true
		case in("/petition"):
			return ids[sweepPetition], true
		case in("/cases/"):
			return ids[sweepCase], true
		case in("/campaigns/"):
			return ids[sweepCampaign], true
		case in("/assess/schemes/"):
			return ids[sweepScheme], true
		case in("/assess/objections/"):
			return ids[sweepObjection], true
		case in("/reception-days/"):
			return ids[sweepDay], true
		case in("/receptions/"):
			return ids[sweepReception], true
		case in("/tasks/"):
			return ids[sweepTask], true
		case in("/risks/"):
			return ids[sweepRisk], true
		case in("/stability/"):
			return ids[sweepStability], true
		case in("/warnings/"):
			return ids[sweepWarning], true
		case in("/sensors/"):
			return ids[sweepSensor], true
		case in("/patrols/"):
			return ids[sweepPatrol], true
		case in("/patrol-points/"):
			return ids[sweepPoint], true
		case in("/sites/"):
			return ids[sweepSite], true
		}
	case "code":
		switch {
		case in("/units/"):
			return "620902", true
		case in("/grids/"):
			return "620902001001-01", true
		case in("/site-types/"):
			return pingan.SiteOther, true
		}
	case "year":
		return "2026", true
	case "period":
		switch {
		case strings.HasSuffix(pattern, "/publish"):
			return sweepEndedMonth, true
		case in("/results/"):
			return sweepMonth, true
		}
		return sweepDraftMonth, true
	case "unit":
		switch {
		case in("/assess/") && in("/results/"):
			return "620902001000", true
		case in("/reports/monthly/"), in("/briefings/"):
			return "620902", true
		}
	case "week": // a briefing: the week before has its meeting (sweepFixture), for a decision
		if in("/decisions") {
			return sweepHeldWeek, true
		}
		return "2026-W10", true
	case "input", "sum", "doc":
		if name == "sum" && in("/tasks/") {
			return ids[sweepTaskSum], true
		}
		return ids[name], true
	case "kind":
		if in("/petition/drafts/") {
			return "forward", true
		}
	case "file":
		return sweepMonth + ".pdf", true
	case "month":
		return sweepMonth, true
	}
	return "", false
}

// sweepUser answers who calls the route: a user whose role may.
func sweepUser(pattern string) string {
	in := func(part string) bool { return strings.Contains(pattern, part) }
	switch {
	case pattern == "POST /api/v1/readings":
		return sweepKeyUser // a monitoring system's key (readings_test.go)
	case strings.HasSuffix(pattern, "/objections"):
		return "dbj-dispatcher" // the township objects to its own result
	case in("/assess/"):
		return "assessor"
	case strings.HasSuffix(pattern, "/visits"):
		return "fk-grid"
	case in("/patrols/{id}/"), in("/patrols/open"), pattern == "POST /api/v1/patrols":
		return "fk-grid" // the patrol's worker
	case in("/patrol-points"):
		return "sz-dispatcher" // sets the points of its grids
	case in("/sites"), in("/site-types"), in("/inspections"):
		return "sz-dispatcher" // keeps the register, inspects, reads a contact
	case in("/petition/") || strings.HasSuffix(pattern, "/petition"):
		return "dbj-dispatcher"
	case in("/petitions/led"), in("/reports/monthly"), in("/briefings"):
		return "sz-leader"
	case strings.HasSuffix(pattern, "/warning-rules"), pattern == "POST /api/v1/risk-fields":
		return "city-dispatcher" // a city's own
	case in("/tasks/{id}/actions"), in("/warnings/{id}/actions"):
		return "dbj-handler" // the task's lead, the warning's unit
	case in("/risks/{id}/actions"):
		return "sz-leader" // the risk's 包保 leader
	case pattern == "GET /api/v1/audit":
		return "auditor" // the audit administrator alone
	case in("/security/"):
		return "secadmin" // the security policy
	case in("/campaigns"), in("/reception-days"), in("/receptions"), in("/petitions/"),
		in("/task"), in("/risk"), in("/stability"), in("/warnings"):
		return "sz-dispatcher"
	}
	return "admin"
}

// sweepBody answers the JSON bodies of the routes that take one ("" for
// a POST that reads none), filled from the fixture.
func sweepBody(e *env, ids map[string]string) map[string]string {
	const p = "POST /api/v1/assess/schemes/{id}/periods/{period}"
	today, tomorrow := pingan.Day(e.clock.Now()), pingan.Day(e.clock.Now().AddDate(0, 0, 1))
	return map[string]string{
		"POST /api/v1/session":            fmt.Sprintf(`{"username":"admin","password":%q}`, storetest.Password),
		"POST /api/v1/session/totp":       `{"pending_token":"p","code":"123456"}`,
		"POST /api/v1/cases":              neighbourDispute,
		"POST /api/v1/cases/{id}/actions": `{"action":"comment","note":"请尽快处理"}`,
		"POST /api/v1/calendar/years":     mustJSON(map[string]any{"notice": notice2027}),

		"POST /api/v1/campaigns":             `{"name":"大排查","kind":"door_knock","from":"2026-03-01","to":"2026-03-31","units":["620902001001"]}`,
		"POST /api/v1/campaigns/{id}/visits": `{"grid":"620902001001-01","place":"3号楼2单元501","outcome":"none","note":"无隐患"}`,

		"PUT /api/v1/settings/disputes":                 `{"group_size":8,"revisit_days":20}`,
		"PUT /api/v1/security/policy":                   `{"min_length":12,"classes":3,"expiry_days":90,"history":5,"idle_minutes":30}`,
		"PUT /api/v1/security/retention":                `{"months":{"dispute":48,"petition":60,"hazard":12,"service":24}}`,
		"PUT /api/v1/settings/petitions":                `{"backlog_days":30}`,
		"PUT /api/v1/cases/{id}/petition/drafts/{kind}": `{"number":"东信转〔2026〕2号","body":"王秀英：\n你反映的信访事项已收悉。"}`,

		"POST /api/v1/reception-days":     sweepReceptionDay(e, tomorrow),
		"PUT /api/v1/reception-days/{id}": sweepReceptionDay(e, tomorrow),
		"POST /api/v1/receptions": fmt.Sprintf(`{"kind":"appointment","unit":"620902-zz","leader_id":%d,"held_on":%q,"place":"银达镇政府","people":3,"notes":"约访","cases":[%q]}`,
			e.fx.CountyLeader.ID, today, ids[sweepPetition]),

		"POST /api/v1/assess/schemes":                 assessBody(e.fx.OtherCounty.Code, indClosing+","+indManual),
		"PUT /api/v1/assess/schemes/{id}":             assessBody(e.fx.County.Code, indClosing+","+indManual),
		p + "/inputs":                                 sweepInputBody,
		p + "/publish":                                "",
		p + "/results/{unit}/notices":                 fmt.Sprintf(`{"kind":"notice","day":%q,"required":"限期整改"}`, today),
		p + "/results/{unit}/objections":              `{"text":"数据有误","evidence":[{"name":"a.pdf","data":"JVBERi0xLjQK"}]}`,
		p + "/results/{unit}/corrections":             `{"indicator":"i2","score":35,"reason":"复核"}`,
		"POST /api/v1/assess/objections/{id}/answer":  `{"upheld":false,"reply":"维持原结果"}`,
		"POST /api/v1/reports/monthly/{unit}/{month}": "",

		"POST /api/v1/briefings/{unit}/{week}/meeting":   fmt.Sprintf(`{"on":%q,"chair":"区委政法委书记","summary":"研判本周风险"}`, today),
		"POST /api/v1/briefings/{unit}/{week}/decisions": `{"text":"开展涉房矛盾排查","lead_unit":"620902001000","co_units":["620902-zjj"],"task":true}`,

		"POST /api/v1/tasks":              sweepTaskBody,
		"POST /api/v1/tasks/{id}/actions": sweepProgressBody,

		"POST /api/v1/risks": fmt.Sprintf(`{"title":"涉众集资兑付风险","description":"某合作社逾期未兑付","field":"mass_finance","unit":"620902001000",
			"level":"red","leader":%d,"responsible":"620902-zjj","measures":[{"text":"约谈负责人","unit":"620902-zjj","owner":"分管副局长","due":%q}],
			"cases":[%q],"note":"排查发现"}`, e.fx.CountyLeader.ID, pingan.Day(e.clock.Now().AddDate(0, 0, 10)), ids[sweepCase]),
		"POST /api/v1/risks/{id}/actions":     `{"step":"review","note":"兑付方案已报批","level":"red"}`,
		"POST /api/v1/risk-fields":            `{"code":"sweep_field","name":"排查领域","seq":90,"active":true}`,
		"POST /api/v1/stability":              sweepStabilityBody,
		"POST /api/v1/stability/{id}/actions": fmt.Sprintf(`{"step":"notice","from":%q,"to":%q,"note":"网站公示"}`, today, pingan.Day(e.clock.Now().AddDate(0, 0, 7))),

		"POST /api/v1/warnings/{id}/actions": `{"step":"handle","note":"已上门调处"}`,
		"POST /api/v1/warning-rules":         `{"kind":"group","title":"群体性纠纷","case_kind":"dispute","threshold":30,"level":"red","send_to":"620902001000","active":true}`,

		"POST /api/v1/patrol-points":         `{"grid":"620902001001-01","name":"幸福路口","location":{"lat":39.755,"lng":98.505},"cadence":7}`,
		"PATCH /api/v1/patrol-points/{id}":   `{"cadence":14}`,
		"POST /api/v1/patrols/{id}/checkins": fmt.Sprintf(`{"point":%s,"location":{"lat":39.755,"lng":98.505},"result":"ok","note":"正常"}`, ids[sweepPoint]),
		"POST /api/v1/patrols/{id}/end":      "",
		"POST /api/v1/patrols":               `{"grid":"620902001001-01"}`,

		"POST /api/v1/sites":                  sweepSiteBody,
		"PUT /api/v1/sites/{id}":              strings.NewReplacer("富康农贸市场", "富康社区卫生服务站", "market", "other").Replace(sweepSiteBody),
		"POST /api/v1/sites/import":           `{"rows":[{"row":2,"site":{"name":"富康小学","type":"school","location":{"lat":39.752,"lng":98.515},"department":"620902-zjj","contact":{"name":"李老师","phone":"13900001111"}}}]}`,
		"POST /api/v1/sites/{id}/contact":     "",
		"POST /api/v1/sites/{id}/inspections": `{"day":"` + today + `","note":"例行检查","items":[{"seq":1,"ok":true,"note":"通道畅通"},{"seq":2,"ok":true}]}`,
		"PUT /api/v1/site-types/{code}":       `{"name":"其他","seq":8,"active":true,"schedules":[{"level":0,"months":3}],"checklist":[{"text":"消防通道畅通"},{"text":"灭火器在有效期内","category":"AQ01"}]}`,

		"POST /api/v1/readings":    sweepMonitorBody(e, ids, "POST /api/v1/readings"),
		"POST /api/v1/sensors":     sweepMonitorBody(e, ids, "POST /api/v1/sensors"),
		"PUT /api/v1/sensors/{id}": sweepMonitorBody(e, ids, "PUT /api/v1/sensors/{id}"),
	}
}

const (
	sweepTaskBody = `{"title":"整治占道经营","content":"清理主街占道","source":"instruction","ref":"肃政办〔2026〕3号","lead_unit":"620902001000",
		"co_units":["620902-zjj"],"milestones":[{"name":"摸排","due":"2026-03-20","share":50},{"name":"整治","due":"2026-04-30","share":100}]}`
	sweepProgressBody  = `{"step":"progress","percent":60,"note":"已完成摸排","unit":"620902001000","evidence":[{"name":"a.pdf","data":"JVBERi0xLjQK"}]}`
	sweepStabilityBody = `{"title":"城区供水价格调整","body":"区政府","kind":"重大政策","unit":"620902"}`
)

const sweepSiteBody = `{"name":"富康农贸市场","type":"market","location":{"lat":39.753,"lng":98.516},"address":"富康路8号",
	"department":"620902-zjj","contact":{"name":"赵经理","phone":"13900003333"}}`

const sweepInputBody = `{"kind":"score","unit":"620902001000","indicator":"i2","points":30,"reason":"齐全","evidence":[{"name":"a.pdf","data":"JVBERi0xLjQK"}]}`

func sweepReceptionDay(e *env, day string) string {
	return fmt.Sprintf(`{"unit":"620902-zz","leader_id":%d,"leader_post":"区长","day":%q,"time_from":"09:00","time_to":"11:00","place":"接访室","topic":"劳动保障","published":false}`,
		e.fx.CountyLeader.ID, day)
}

// sweepFixture makes what the wildcards name and answers their values.
func sweepFixture(e *env) map[string]string {
	t, ctx := e.t, context.Background()
	must := func(user, method, path, body string) answer {
		t.Helper()
		a := e.do(method, path, user, body)
		if a.status >= 300 {
			t.Fatalf("sweep fixture: %s %s as %s: %d %s", method, path, user, a.status, a.raw)
		}
		return a
	}
	ids := map[string]string{sweepCase: e.report("fk-grid", neighbourDispute)}

	letter := `{"kind":"petition","category":"XF01","title":"反映拆迁补偿标准过低","unit":"620902001001",
		"reporter":{"name":"王秀英","phone":"13812345678","id_number":"62090219800101123X"},
		"petition":{"channel":"letter","received_on":"2026-02-26T00:00:00+08:00","postmarked_on":"2026-02-24T00:00:00+08:00"}}`
	ids[sweepPetition], ids[sweepForwarded] = e.report("dbj-dispatcher", letter), e.report("dbj-dispatcher", letter)
	for _, id := range []string{ids[sweepPetition], ids[sweepForwarded]} {
		if str(must("dbj-dispatcher", "GET", "/api/v1/cases/"+id, "").body, "status") == "reported" {
			must("dbj-dispatcher", "POST", "/api/v1/cases/"+id+"/actions", `{"action":"accept"}`)
		}
	}
	fwd := ids[sweepForwarded]
	must("dbj-dispatcher", "POST", "/api/v1/cases/"+fwd+"/actions", `{"action":"dispatch","to_unit":"620902001000","forward_mode":"transfer",
		"document":{"number":"东信转〔2026〕1号","body":"王秀英：\n你反映的信访事项已收悉，现转送东北街街道依法处理。"}}`)
	docs, _ := must("dbj-dispatcher", "GET", "/api/v1/cases/"+fwd+"/petition", "").body["documents"].([]any)
	if len(docs) != 1 {
		t.Fatalf("sweep fixture: the forwarded letter's documents: %v", docs)
	}
	ids[sweepDoc] = fmt.Sprint(docs[0].(map[string]any)["id"])

	ids[sweepCampaign] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/campaigns",
		`{"name":"敲门行动","kind":"door_knock","from":"2026-03-01","to":"2026-03-31","units":["620902001001"]}`).body["id"])

	ids[sweepDay] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/reception-days", sweepReceptionDay(e, pingan.Day(e.clock.Now().AddDate(0, 0, 2)))).body["id"])
	ids[sweepReception] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/receptions", sweepBody(e, ids)["POST /api/v1/receptions"]).body["id"])

	scheme := fmt.Sprint(must("assessor", "POST", "/api/v1/assess/schemes", assessBody(e.fx.County.Code, indClosing+","+indManual)).body["id"])
	ids[sweepScheme] = scheme
	periods := "/api/v1/assess/schemes/" + scheme + "/periods/"
	// A deduction, which the control's score does not replace.
	ids[sweepInput] = fmt.Sprint(must("assessor", "POST", periods+sweepDraftMonth+"/inputs",
		`{"kind":"deduction","unit":"620902001000","points":2,"reason":"台账缺失"}`).body["id"])
	in := must("assessor", "POST", periods+sweepMonth+"/inputs", sweepInputBody)
	ev, _ := in.body["evidence"].([]any)
	if len(ev) != 1 {
		t.Fatalf("sweep fixture: the input's evidence: %s", in.raw)
	}
	ids[sweepSum] = fmt.Sprint(ev[0].(map[string]any)["sum"])
	must("assessor", "POST", periods+sweepMonth+"/publish", "")
	ids[sweepObjection] = fmt.Sprint(must("dbj-dispatcher", "POST", periods+sweepMonth+"/results/620902001000/objections", `{"text":"台账已补齐"}`).body["id"])

	must("sz-leader", "POST", "/api/v1/briefings/620902/"+sweepHeldWeek+"/meeting", `{"on":"2026-03-02","chair":"区长"}`)
	if err := e.db.Monthly.KeepMonthlyReport(ctx, &pingan.MonthlyReport{Unit: e.fx.County.Code, UnitName: e.fx.County.Name, Month: sweepMonth,
		GeneratedAt: e.clock.Now()}, []byte("xlsx"), []byte("%PDF-1.4\n")); err != nil {
		t.Fatalf("sweep fixture: a monthly report: %v", err)
	}

	ids[sweepTask] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/tasks", sweepTaskBody).body["id"])
	must("dbj-handler", "POST", "/api/v1/tasks/"+ids[sweepTask]+"/actions", `{"step":"sign"}`)
	must("dbj-handler", "POST", "/api/v1/tasks/"+ids[sweepTask]+"/actions", sweepProgressBody)
	for _, ev := range must("dbj-handler", "GET", "/api/v1/tasks/"+ids[sweepTask], "").body["events"].([]any) {
		if files, _ := ev.(map[string]any)["evidence"].([]any); len(files) > 0 {
			ids[sweepTaskSum] = fmt.Sprint(files[0].(map[string]any)["sum"])
		}
	}
	if ids[sweepTaskSum] == "" {
		t.Fatal("sweep fixture: the task's progress has no evidence")
	}

	ids[sweepRisk] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/risks", fmt.Sprintf(`{"title":"涉众集资兑付风险","field":"mass_finance",
		"unit":"620902001000","level":"red","leader":%d,"responsible":"620902-zjj"}`, e.fx.CountyLeader.ID)).body["id"])
	ids[sweepStability] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/stability", sweepStabilityBody).body["id"])

	// A dispute that may escalate (可能激化) raises a warning, sent to 东北街 by its rule.
	rules, err := e.db.Warnings.Rules(ctx, e.fx.CityDispatcher)
	if err != nil {
		t.Fatalf("sweep fixture: the warning rules: %v", err)
	}
	for _, r := range rules {
		if r.Kind == pingan.RuleVolatile {
			r.SendTo = e.fx.Township.Code
			if _, err := e.db.Warnings.SaveRule(ctx, e.fx.CityDispatcher, r); err != nil {
				t.Fatalf("sweep fixture: the volatile rule: %v", err)
			}
		}
	}
	if _, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0101", Title: "婚姻纠纷",
		Description: "双方争吵升级", Grid: "620902001001-01", Dispute: &pingan.DisputeFacts{Volatile: true}}); err != nil {
		t.Fatalf("sweep fixture: a volatile dispute: %v", err)
	}
	if _, err := e.db.Warnings.RunWarnings(ctx, e.clock.Now()); err != nil {
		t.Fatalf("sweep fixture: the warnings' run: %v", err)
	}
	ws, err := e.db.Warnings.FindWarnings(ctx, e.fx.CountyDispatcher, pingan.WarningFilter{Kind: pingan.RuleVolatile})
	if err != nil || len(ws) != 1 {
		t.Fatalf("sweep fixture: the volatile warning: %v %v", ws, err)
	}
	ids[sweepWarning] = fmt.Sprint(ws[0].ID)
	must("dbj-handler", "POST", "/api/v1/warnings/"+ids[sweepWarning]+"/actions", `{"step":"sign"}`)

	ids[sweepPoint] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/patrol-points",
		`{"grid":"620902001001-01","name":"富康小区东门","location":{"lat":39.758,"lng":98.508}}`).body["id"])
	ids[sweepPatrol] = fmt.Sprint(must("fk-grid", "POST", "/api/v1/patrols", `{"grid":"620902001001-01"}`).body["id"])
	sweepMonitorFixture(e, ids) // a key site's sensor and a monitoring key (readings_test.go)
	ids[sweepSite] = fmt.Sprint(must("sz-dispatcher", "POST", "/api/v1/sites", `{"name":"富康社区卫生站","type":"other",
		"location":{"lat":39.752,"lng":98.515},"department":"620902-zjj","contact":{"name":"张医生","phone":"13900002222"}}`).body["id"])
	return ids
}

// sweepQuery answers a query the route accepts, so that the control
// request succeeds: entering holidays only previews.
func sweepQuery(pattern string) string {
	switch pattern {
	case "GET /api/v1/calendar/due":
		return "days=5&unit=working"
	case "GET /api/v1/grids":
		return "unit=620902"
	case "GET /api/v1/patrol-points":
		return "grid=620902001001-01"
	case "GET /api/v1/audit":
		return "from=2026-01-01&to=2026-12-31"
	}
	return "preview=true"
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestBadTextOnEveryRoute(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		sweepBadText(t, filepath.Join(t.TempDir(), "pingan.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		sweepBadText(t, storetest.PostgresDSN(t))
	})
}

// TestSweepWiresEveryService: a service added to api.Config is swept once
// sweepConfig wires it, or named in sweepPending until then.
func TestSweepWiresEveryService(t *testing.T) {
	cfg := reflect.ValueOf(sweepConfig(storetest.Open(t), storetest.NewClock(storetest.Epoch)))
	for i := range cfg.NumField() {
		f, name := cfg.Field(i), cfg.Type().Field(i).Name
		if f.Kind() != reflect.Interface || !f.IsNil() || slices.Contains(sweepPending, name) {
			continue
		}
		t.Errorf("the bad-text sweep does not wire api.Config.%s: add it to sweepConfig (and its routes to sweepFill, sweepUser, sweepBody)", name)
	}
}

func sweepBadText(t *testing.T, dsn string) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	srv := api.New(sweepConfig(db, clock))
	e := &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
	ids := sweepFixture(e)
	bodies := sweepBody(e, ids)
	_, noFont := paper.New("")

	routes := srv.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	for _, pattern := range routes {
		method, tmpl, _ := strings.Cut(pattern, " ")
		user := sweepUser(pattern)
		// The user's token; a fresh one for DELETE /session, which ends
		// the one it is sent with.
		token := func() string {
			if pattern == "DELETE /api/v1/session" {
				a := send(t, e.h, "POST", "/api/v1/session", "", bodies["POST /api/v1/session"])
				return str(a.body, "token")
			}
			return e.token(user)
		}
		path := func(bad, badName string) string {
			var segs []string
			for _, seg := range strings.Split(tmpl, "/") {
				if !strings.HasPrefix(seg, "{") {
					segs = append(segs, seg)
					continue
				}
				name := strings.Trim(seg, "{}")
				if name == badName {
					segs = append(segs, "x"+bad+"y")
					continue
				}
				v, ok := sweepFill(pattern, name, ids)
				if !ok {
					t.Fatalf("%s: the sweep has no value for {%s}: add one to sweepFill", pattern, name)
				}
				segs = append(segs, url.PathEscape(v))
			}
			return strings.Join(segs, "/")
		}
		body, ok := bodies[pattern]
		if !ok && (method == "POST" || method == "PUT" || method == "PATCH") {
			t.Fatalf("%s: the sweep has no JSON body for it: add one to sweepBody (\"\" when it reads none)", pattern)
		}

		// The control: the route accepts the request without bad text.
		// (Generating a monthly report needs a font for its PDF; the second
		// step of a sign-in needs an account enrolled in two-factor sign-in
		// and its pending token, which totp_test.go completes.)
		control := (noFont == nil || pattern != "POST /api/v1/reports/monthly/{unit}/{month}") && pattern != "POST /api/v1/session/totp"
		if control {
			if status, raw := sweepControl(e.h, method, path("", "")+"?"+sweepQuery(pattern), token(), body, "application/json"); status >= 300 {
				t.Errorf("%s: the control request as %s answers %d %s", pattern, user, status, raw)
			}
		}

		type probe struct {
			what, target, body, field string
			authed                    bool
		}
		var probes []probe
		for _, bt := range badTexts {
			for _, name := range wildcardsOf(tmpl) {
				probes = append(probes, probe{what: bt.name + " in {" + name + "}", target: path(bt.url, name), body: body, field: name})
			}
			for _, q := range []string{"q", "unit", "from", "cursor", "preview"} {
				probes = append(probes, probe{what: bt.name + " in ?" + q, target: path("", "") + "?" + q + "=a" + bt.url, body: body, field: q})
			}
			probes = append(probes, probe{what: bt.name + " in a parameter's name", target: path("", "") + "?a" + bt.url + "=1", body: body, field: "a\uFFFD"})
			if body != "" {
				for _, m := range jsonMutations(t, body, bt.json) {
					probes = append(probes, probe{what: bt.name + " in JSON " + m.what, target: path("", "") + "?" + sweepQuery(pattern), body: m.body, field: m.field})
				}
			}
		}
		for _, p := range probes {
			for _, authed := range []bool{true, false} {
				tok := ""
				if authed {
					tok = token()
				}
				a := send(t, e.h, method, p.target, tok, p.body)
				switch {
				case a.status == http.StatusUnauthorized && !authed && !strings.HasPrefix(p.what, "NUL in JSON") && !strings.HasPrefix(p.what, "invalid UTF-8 in JSON"):
					t.Errorf("%s, %s, no token: 401 before the path and query were checked", pattern, p.what)
				case a.status == http.StatusUnauthorized && !authed && pattern != "POST /api/v1/session":
					// The route answers 401 before it reads the body.
				case a.status != http.StatusBadRequest || a.errCode() != "invalid":
					t.Errorf("%s, %s (token %v): %d %s; want 400 invalid", pattern, p.what, authed, a.status, a.raw)
				case p.field != "" && a.errFields()[p.field] == nil:
					t.Errorf("%s, %s: the answer does not name %q: %s", pattern, p.what, p.field, a.raw)
				case !strings.Contains(a.errMessage(), "字段「") || str(a.body, "error", "message_key") != "text.bad":
					t.Errorf("%s, %s: message %q, want text.bad in Chinese", pattern, p.what, a.errMessage())
				}
			}
		}

		// Bad text in a segment the route does not take as a wildcard finds
		// no route; a form body is not JSON. Neither is ever a 500.
		for _, bt := range badTexts {
			if a := send(t, e.h, method, path("", "")+bt.url, token(), body); a.status >= 500 {
				t.Errorf("%s with %s after the path: %d %s", pattern, bt.name, a.status, a.raw)
			}
			if !control {
				continue
			}
			if status, raw := sweepControl(e.h, method, path("", ""), token(), "note=a"+bt.url, "application/x-www-form-urlencoded"); status >= 500 {
				t.Errorf("%s with %s in a form: %d %s", pattern, bt.name, status, raw)
			}
		}
	}

	// The one header that reaches the database is checked too.
	if a := e.do("POST", "/api/v1/cases", "fk-grid", neighbourDispute, "Idempotency-Key: a\xffb"); a.status != 400 || a.errFields()["Idempotency-Key"] == nil {
		t.Errorf("Idempotency-Key with a byte that is not ASCII: %d %s", a.status, a.raw)
	}
}

// sweepControl sends a request whose answer may be a file.
func sweepControl(h http.Handler, method, target, token, body, ctype string) (int, string) {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func wildcardsOf(tmpl string) []string {
	var names []string
	for _, seg := range strings.Split(tmpl, "/") {
		if strings.HasPrefix(seg, "{") && seg != "{$}" {
			names = append(names, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return names
}

// jsonMutation is a JSON body with bad text in one string, and the field
// the answer must name: the string's path, or for a key the key as it is
// shown back, its bad character replaced by U+FFFD.
type jsonMutation struct {
	what, body, field string
}

// jsonMutations answers body once for each of its strings, keys and
// values, with bad (as it stands in JSON) put at the string's start.
func jsonMutations(t *testing.T, body, bad string) []jsonMutation {
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("sweep body %s: %v", body, err)
	}
	const mark = "BAD-TEXT-MARK"
	var out []jsonMutation
	var walk func(v any, path string, set func(any))
	walk = func(v any, path string, set func(any)) {
		switch v := v.(type) {
		case string:
			set(mark + v)
			out = append(out, jsonMutation{what: path, body: strings.Replace(mustJSON(doc), mark, bad, 1), field: path})
			set(v)
		case []any:
			for i := range v {
				walk(v[i], fmt.Sprintf("%s[%d]", path, i), func(x any) { v[i] = x })
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(v[k], p, func(x any) { v[k] = x })
				x := v[k]
				delete(v, k)
				v[mark+k] = x
				out = append(out, jsonMutation{what: "key " + p, body: strings.Replace(mustJSON(doc), mark, bad, 1),
					field: strings.TrimSuffix(p, k) + "\uFFFD" + k})
				delete(v, mark+k)
				v[k] = x
			}
		}
	}
	walk(doc, "", func(x any) { doc = x })
	return out
}
