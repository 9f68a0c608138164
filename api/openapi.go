package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
)

// The OpenAPI 3.1 description of this API (GET /api/v1/openapi.json): one
// entry per route in operations, by the pattern routes registers, with the
// Go types of the request body and of the answer; the schemas are made
// from those types by reflection (schema.go's rules below), so a field
// added to a type is in the description at once. openapi_test.go holds
// the table to the mux: every registered pattern has its entry, every
// query parameter a handler reads is declared, the capability is the
// route's, and real answers fit their schemas.

// operation is one endpoint of the description.
type operation struct {
	pattern string // exactly as routes registers it: "GET /api/v1/units/{code}"
	id      string // operationId; its summary is the catalogue's openapi.op.<id>
	tag     string // its group; the catalogue's openapi.tag.<tag> names it
	public  bool   // no bearer token needed
	cap     pingan.Capability
	query   []param
	header  []param
	body    any  // a value of the request body's Go type; nil: none
	xlsxIn  bool // the body may be an XLSX workbook instead
	status  int  // the status of success
	other   int  // another status of success with the same answer (0: none)
	answer  any  // a value of the answer's Go type; nil: no body
	file    string
	xlsx    bool // format=xlsx answers the same as a workbook
}

// param is a query or header parameter; its description is the
// catalogue's openapi.param.<name>, or openapi.param.<key> when key is set.
type param struct {
	name, typ, format, key string
	required               bool
	enum                   []string
}

// obj is an answer that is an object of these properties, each of the Go
// type of its value, every one always present.
type obj map[string]any

// The kinds of query parameters.
func qs(name string) param { return param{name: name, typ: "string"} }
func qi(name string) param { return param{name: name, typ: "integer"} }
func qb(name string) param { return param{name: name, typ: "boolean"} }
func qt(name string) param {
	return param{name: name, typ: "string", format: "date-time", key: "time." + name}
}
func qd(name string) param {
	return param{name: name, typ: "string", format: "date", key: "day." + name}
}
func qm(name string) param            { return param{name: name, typ: "string", key: "month." + name} }
func qw(name string) param            { return param{name: name, typ: "string", key: "week." + name} }
func req(p param) param               { p.required = true; return p }
func keyed(p param, key string) param { p.key = key; return p }
func enum[T ~string](p param, vs ...T) param {
	for _, v := range vs {
		p.enum = append(p.enum, string(v))
	}
	return p
}

var formatParam = enum(qs("format"), "json", "xlsx")

// Bodies the handlers read into structs of their own, named here.
type (
	// inputBody is the body of POST …/periods/{period}/inputs (enterInput).
	inputBody struct {
		Kind      pingan.InputKind `json:"kind"`
		Unit      string           `json:"unit"`
		Indicator string           `json:"indicator"`
		Points    float64          `json:"points"`
		Reason    string           `json:"reason"`
		Evidence  []evidenceIn     `json:"evidence"`
	}
	// objectionBody is the body of POST …/results/{unit}/objections.
	objectionBody struct {
		Text     string       `json:"text"`
		Evidence []evidenceIn `json:"evidence"`
	}
	// objectionAnswerBody is the body of POST /assess/objections/{id}/answer.
	objectionAnswerBody struct {
		Upheld     bool          `json:"upheld"`
		Reply      string        `json:"reply"`
		Correction *correctionIn `json:"correction"`
	}
	// patrolStartBody is the body of POST /patrols.
	patrolStartBody struct {
		Grid string `json:"grid"`
	}
	// taskActionBody is the body of POST /tasks/{id}/actions.
	taskActionBody struct {
		pingan.TaskAction
		Evidence []evidenceIn `json:"evidence"`
	}
	// siteTypeBody is the body of PUT /site-types/{code}.
	siteTypeBody struct {
		pingan.SiteType
		Active *bool `json:"active"`
	}
	// siteImportBody is the JSON body of POST /sites/import.
	siteImportBody struct {
		Rows []pingan.SiteImportRow `json:"rows"`
	}
	// readingsBody is the body of POST /readings (pingan.DecodeReadings).
	readingsBody struct {
		Readings []pingan.Reading `json:"readings"`
	}
	// gridFeature is a grid as GeoJSON (geo.MarshalGrid).
	gridFeature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties gridProperties  `json:"properties"`
	}
	gridProperties struct {
		Code       string              `json:"code"`
		Name       string              `json:"name"`
		Type       pingan.GridType     `json:"type"`
		Unit       string              `json:"unit"`
		Households int                 `json:"households"`
		Population int                 `json:"population"`
		Workers    []pingan.GridWorker `json:"workers,omitempty"`
	}
	// gridCollection is the grids of a unit as GeoJSON (geo.WriteGrids).
	gridCollection struct {
		Type     string        `json:"type"`
		Features []gridFeature `json:"features"`
	}
)

// The files some routes answer.
const (
	fileAny  = "*/*"
	filePDF  = "application/pdf"
	fileXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// operations is the table of every route, in the order routes registers them.
var operations = func() []operation {
	const p = "/api/v1/assess/schemes/{id}/periods/{period}"
	list := []operation{
		{pattern: "GET /api/v1/healthz", id: "healthz", tag: "session", public: true, answer: obj{"status": ""}},
		{pattern: "POST /api/v1/session", id: "createSession", tag: "session", public: true, body: sessionRequest{}, status: 201, other: 202, answer: sessionAnswer{}},
		{pattern: "POST /api/v1/session/totp", id: "completeSession", tag: "session", public: true, body: totpRequest{}, status: 201, answer: sessionAnswer{}},
		{pattern: "GET /api/v1/openapi.json", id: "openapi", tag: "session", public: true, answer: map[string]any{}},
		{pattern: "DELETE /api/v1/session", id: "deleteSession", tag: "session", status: 204},
		{pattern: "GET /api/v1/units", id: "listUnits", tag: "units", query: []param{qs("parent"), enum(qs("level"), pingan.Levels...), qi("limit")},
			answer: obj{"units": []*pingan.Unit{}}},
		{pattern: "GET /api/v1/units/{code}", id: "getUnit", tag: "units", answer: pingan.Unit{}},
		{pattern: "GET /api/v1/categories", id: "listCategories", tag: "units", answer: obj{"kinds": []kindAnswer{}, "categories": []*pingan.Category{}}},
		{pattern: "POST /api/v1/cases", id: "createCase", tag: "cases", cap: pingan.CapReport, header: []param{keyed(qs("Idempotency-Key"), "idempotency_key")},
			body: pingan.NewCase{}, status: 201, answer: caseAnswer{}},
		{pattern: "GET /api/v1/cases", id: "listCases", tag: "cases", cap: pingan.CapReadCases,
			query: []param{keyed(qs("status"), "case_status"), enum(qs("kind"), kinds()...), qs("category"), qs("unit"), qs("grid"), qb("overdue"), qs("q"),
				qt("from"), qt("to"), qi("limit"), qs("cursor")},
			answer: obj{"cases": []*pingan.Case{}, "next_cursor": ""}},
		{pattern: "GET /api/v1/cases/{id}", id: "getCase", tag: "cases", cap: pingan.CapReadCases, answer: caseAnswer{}},
		{pattern: "POST /api/v1/cases/{id}/actions", id: "actOnCase", tag: "cases", cap: pingan.CapReadCases, body: actionBody{}, answer: caseAnswer{}},
		{pattern: "GET /api/v1/cases/{id}/timeline", id: "caseTimeline", tag: "cases", cap: pingan.CapReadCases, answer: obj{"actions": []*pingan.Action{}}},
		{pattern: "GET /api/v1/stats", id: "getStats", tag: "stats", cap: pingan.CapStatistics,
			query: []param{qs("unit"), enum(qs("kind"), kinds()...), qs("category"), enum(qs("source"), pingan.Sources...), qs("grid"), qt("from"), qt("to"),
				qs("by"), enum(qs("series"), "month"), formatParam},
			answer: statsAnswer{}, xlsx: true},
		{pattern: "GET /api/v1/calendar/due", id: "calendarDue", tag: "calendar",
			query: []param{qt("from"), req(qi("days")), req(enum(keyed(qs("unit"), "due_unit"), "working", "calendar", "hours"))}, answer: dueAnswer{}},
		{pattern: "GET /api/v1/calendar/years/{year}", id: "calendarYear", tag: "calendar", answer: yearAnswer{}},
		{pattern: "POST /api/v1/calendar/years", id: "enterHolidays", tag: "calendar", cap: pingan.CapAdminHolidays, query: []param{qb("preview")},
			body: holidaysInput{}, status: 201, other: 200, answer: pingan.Recount{}},
		{pattern: "GET /api/v1/grids", id: "listGrids", tag: "units", query: []param{req(qs("unit"))}, answer: gridCollection{}},
		{pattern: "GET /api/v1/grids/{code}", id: "getGrid", tag: "units", answer: gridFeature{}},

		{pattern: "GET /api/v1/campaigns", id: "listCampaigns", tag: "campaigns", cap: pingan.CapStatistics, query: []param{keyed(qs("active"), "campaign_active")},
			answer: obj{"campaigns": []*pingan.Campaign{}}},
		{pattern: "POST /api/v1/campaigns", id: "createCampaign", tag: "campaigns", cap: pingan.CapManageCampaigns, body: pingan.Campaign{}, status: 201, answer: pingan.Campaign{}},
		{pattern: "GET /api/v1/campaigns/{id}", id: "getCampaign", tag: "campaigns", cap: pingan.CapStatistics, answer: pingan.Campaign{}},
		{pattern: "POST /api/v1/campaigns/{id}/visits", id: "recordVisit", tag: "campaigns", cap: pingan.CapPatrol, body: pingan.NewVisit{}, status: 201, answer: pingan.Visit{}},
		{pattern: "GET /api/v1/campaigns/{id}/coverage", id: "campaignCoverage", tag: "campaigns", cap: pingan.CapStatistics, query: []param{qs("unit"), formatParam},
			answer: pingan.Coverage{}, xlsx: true},

		{pattern: "GET /api/v1/cases/{id}/mediation", id: "getMediation", tag: "disputes", cap: pingan.CapReadCases, answer: pingan.MediationRecord{}},
		{pattern: "GET /api/v1/security/policy", id: "getSecurityPolicy", tag: "security", cap: pingan.CapAdminSecurity, answer: pingan.SecurityPolicy{}},
		{pattern: "PUT /api/v1/security/policy", id: "putSecurityPolicy", tag: "security", cap: pingan.CapAdminSecurity, body: pingan.SecurityPolicy{}, answer: pingan.SecurityPolicy{}},
		{pattern: "GET /api/v1/security/retention", id: "getRetention", tag: "security", cap: pingan.CapAdminSecurity, answer: pingan.RetentionPolicy{}},
		{pattern: "PUT /api/v1/security/retention", id: "putRetention", tag: "security", cap: pingan.CapAdminSecurity, body: pingan.RetentionPolicy{}, answer: pingan.RetentionPolicy{}},
		{pattern: "GET /api/v1/audit", id: "listAudit", tag: "security", cap: pingan.CapReadAudit,
			query: []param{req(qt("from")), req(qt("to")), qs("account"), qs("unit"), qs("action"), qi("page"), qi("limit")}, answer: auditAnswer{}},
		{pattern: "GET /api/v1/settings/disputes", id: "getDisputeSettings", tag: "disputes", answer: pingan.DisputeSettings{}},
		{pattern: "PUT /api/v1/settings/disputes", id: "putDisputeSettings", tag: "disputes", body: pingan.DisputeSettings{}, answer: pingan.DisputeSettings{}},

		{pattern: "GET /api/v1/cases/{id}/petition", id: "getPetition", tag: "petitions", cap: pingan.CapReadCases, answer: pingan.PetitionRecord{}},
		{pattern: "GET /api/v1/cases/{id}/petition/documents/{doc}", id: "getPetitionDocument", tag: "petitions", cap: pingan.CapReadCases, answer: pingan.PetitionDocument{}},
		{pattern: "GET /api/v1/cases/{id}/petition/drafts/{kind}", id: "getPetitionDraft", tag: "petitions", cap: pingan.CapReadCases, answer: pingan.PetitionDraft{}},
		{pattern: "PUT /api/v1/cases/{id}/petition/drafts/{kind}", id: "putPetitionDraft", tag: "petitions", cap: pingan.CapReadCases,
			body: pingan.DocumentInput{}, answer: pingan.PetitionDraft{}},
		{pattern: "GET /api/v1/cases/{id}/petition/similar", id: "getPetitionSimilar", tag: "petitions", cap: pingan.CapReadCases,
			answer: obj{"matters": []pingan.SimilarMatter{}}},
		{pattern: "GET /api/v1/settings/petitions", id: "getPetitionSettings", tag: "petitions", answer: pingan.PetitionSettings{}},
		{pattern: "PUT /api/v1/settings/petitions", id: "putPetitionSettings", tag: "petitions", body: pingan.PetitionSettings{}, answer: pingan.PetitionSettings{}},

		{pattern: "GET /api/v1/public/reception-days", id: "publicReceptionDays", tag: "receptions", public: true,
			answer: obj{"reception_days": []*pingan.PublicReceptionDay{}}},
		{pattern: "GET /api/v1/reception-days", id: "listReceptionDays", tag: "receptions", cap: pingan.CapReceptions,
			query: []param{keyed(qs("from"), "reception_from")}, answer: obj{"reception_days": []*pingan.ReceptionDay{}}},
		{pattern: "POST /api/v1/reception-days", id: "createReceptionDay", tag: "receptions", cap: pingan.CapReceptions,
			body: pingan.ReceptionDay{}, status: 201, answer: pingan.ReceptionDay{}},
		{pattern: "PUT /api/v1/reception-days/{id}", id: "updateReceptionDay", tag: "receptions", cap: pingan.CapReceptions,
			body: pingan.ReceptionDay{}, answer: pingan.ReceptionDay{}},
		{pattern: "GET /api/v1/receptions", id: "listReceptions", tag: "receptions", cap: pingan.CapReceptions, answer: obj{"receptions": []*pingan.Reception{}}},
		{pattern: "POST /api/v1/receptions", id: "createReception", tag: "receptions", cap: pingan.CapReceptions, body: pingan.Reception{}, status: 201, answer: pingan.Reception{}},
		{pattern: "GET /api/v1/receptions/{id}", id: "getReception", tag: "receptions", cap: pingan.CapReceptions, answer: pingan.Reception{}},
		{pattern: "GET /api/v1/petitions/backlog", id: "petitionBacklog", tag: "receptions", cap: pingan.CapReceptions,
			query: []param{enum(qs("lead"), "yes", "no")}, answer: pingan.Backlog{}},
		{pattern: "GET /api/v1/petitions/led", id: "petitionsLed", tag: "receptions", cap: pingan.CapLeadCases, answer: obj{"items": []*pingan.BacklogItem{}}},

		{pattern: "GET /api/v1/assess/schemes", id: "listSchemes", tag: "assess", query: []param{qi("year")}, answer: obj{"schemes": []*pingan.Scheme{}}},
		{pattern: "POST /api/v1/assess/schemes", id: "createScheme", tag: "assess", cap: pingan.CapAssess, body: pingan.Scheme{}, status: 201, answer: pingan.Scheme{}},
		{pattern: "GET /api/v1/assess/schemes/{id}", id: "getScheme", tag: "assess", query: []param{qi("version")}, answer: pingan.Scheme{}},
		{pattern: "PUT /api/v1/assess/schemes/{id}", id: "updateScheme", tag: "assess", cap: pingan.CapAssess, body: pingan.Scheme{}, answer: pingan.Scheme{}},
		{pattern: "GET " + p, id: "getAssessment", tag: "assess", answer: pingan.Assessment{}},
		{pattern: "POST " + p + "/inputs", id: "enterInput", tag: "assess", cap: pingan.CapAssess, body: inputBody{}, status: 201, answer: pingan.Input{}},
		{pattern: "DELETE " + p + "/inputs/{input}", id: "withdrawInput", tag: "assess", cap: pingan.CapAssess, status: 204},
		{pattern: "POST " + p + "/publish", id: "publishPeriod", tag: "assess", cap: pingan.CapAssess, answer: pingan.Assessment{}},
		{pattern: "POST " + p + "/results/{unit}/notices", id: "addNotice", tag: "assess", cap: pingan.CapAssess,
			body: pingan.AssessNotice{}, status: 201, answer: pingan.AssessNotice{}},
		{pattern: "POST " + p + "/results/{unit}/objections", id: "fileObjection", tag: "assess", body: objectionBody{}, status: 201, answer: pingan.Objection{}},
		{pattern: "POST " + p + "/results/{unit}/corrections", id: "correctResult", tag: "assess", cap: pingan.CapAssess,
			body: correctionIn{}, status: 201, answer: pingan.Correction{}},
		{pattern: "GET " + p + "/results/{unit}/evidence/{sum}", id: "getEvidence", tag: "assess", file: fileAny},
		{pattern: "POST /api/v1/assess/objections/{id}/answer", id: "answerObjection", tag: "assess", cap: pingan.CapAssess,
			body: objectionAnswerBody{}, answer: pingan.Objection{}},
		{pattern: "GET /api/v1/assess/creation", id: "creationShares", tag: "assess", query: []param{qi("year"), enum(qs("level"), pingan.AssessLevels...)},
			answer: obj{"shares": []pingan.CreationShare{}, "designations": []pingan.Designation{}}},

		{pattern: "GET /api/v1/reports/monthly", id: "listMonthlyReports", tag: "reports", cap: pingan.CapStatistics, query: []param{qs("unit")},
			answer: obj{"reports": []*pingan.MonthlyReport{}}},
		{pattern: "GET /api/v1/reports/monthly/{unit}/{file}", id: "monthlyReportFile", tag: "reports", cap: pingan.CapStatistics, file: filePDF},
		{pattern: "POST /api/v1/reports/monthly/{unit}/{month}", id: "generateMonthlyReport", tag: "reports", cap: pingan.CapStatistics,
			status: 201, answer: pingan.MonthlyReport{}},

		{pattern: "GET /api/v1/tasks", id: "listTasks", tag: "tasks", cap: pingan.CapTasks,
			query:  []param{enum(qs("side"), "issued", "assigned"), enum(keyed(qs("state"), "task_state"), pingan.TaskStates...), qi("year"), qi("limit"), qb("behind")},
			answer: obj{"tasks": []*pingan.Task{}}},
		{pattern: "POST /api/v1/tasks", id: "issueTask", tag: "tasks", cap: pingan.CapTasks, body: pingan.NewTask{}, status: 201, answer: pingan.Task{}},
		{pattern: "GET /api/v1/tasks/{id}", id: "getTask", tag: "tasks", cap: pingan.CapTasks, answer: obj{"task": pingan.Task{}, "events": []*pingan.TaskEvent{}}},
		{pattern: "POST /api/v1/tasks/{id}/actions", id: "actOnTask", tag: "tasks", cap: pingan.CapTasks, body: taskActionBody{}, answer: pingan.Task{}},
		{pattern: "GET /api/v1/tasks/{id}/evidence/{sum}", id: "taskEvidence", tag: "tasks", cap: pingan.CapTasks, file: fileAny},
		{pattern: "GET /api/v1/task-types", id: "listTaskTypes", tag: "tasks", cap: pingan.CapTasks, answer: obj{"types": []*pingan.TaskType{}}},
		{pattern: "GET /api/v1/task-lists/{year}", id: "taskList", tag: "tasks", cap: pingan.CapTasks, query: []param{qs("unit")}, answer: pingan.TaskList{}},

		{pattern: "GET /api/v1/warnings", id: "listWarnings", tag: "warnings", cap: pingan.CapWarnings,
			query: []param{enum(keyed(qs("state"), "warning_state"), pingan.WarningStates...), enum(keyed(qs("level"), "risk_level"), pingan.RiskLevels...),
				qi("rule"), enum(keyed(qs("kind"), "rule_kind"), pingan.RuleKinds...), qs("unit"), qb("mine"), qb("overdue"), qi("limit")},
			answer: obj{"warnings": []*pingan.Warning{}}},
		{pattern: "GET /api/v1/warnings/{id}", id: "getWarning", tag: "warnings", cap: pingan.CapWarnings, answer: warningAnswer{}},
		{pattern: "POST /api/v1/warnings/{id}/actions", id: "actOnWarning", tag: "warnings", cap: pingan.CapWarnings, body: pingan.WarningAction{}, answer: warningAnswer{}},
		{pattern: "GET /api/v1/warning-rules", id: "listWarningRules", tag: "warnings", cap: pingan.CapWarnings,
			answer: obj{"rules": []*pingan.WarningRule{}, "deadlines": []pingan.WarningDeadline{}}},
		{pattern: "POST /api/v1/warning-rules", id: "saveWarningRule", tag: "warnings", cap: pingan.CapWarningRules,
			body: pingan.WarningRule{}, status: 201, other: 200, answer: pingan.WarningRule{}},

		{pattern: "GET /api/v1/risks", id: "listRisks", tag: "risks", cap: pingan.CapRisks,
			query: []param{enum(keyed(qs("level"), "risk_level"), pingan.RiskLevels...), keyed(qs("field"), "risk_field"), enum(keyed(qs("status"), "risk_status"), pingan.RiskStates...),
				qs("unit"), qi("limit"), qi("offset"), qb("overdue")},
			answer: obj{"risks": []*pingan.Risk{}}},
		{pattern: "POST /api/v1/risks", id: "createRisk", tag: "risks", cap: pingan.CapRisks, body: pingan.NewRisk{}, status: 201, answer: pingan.Risk{}},
		{pattern: "GET /api/v1/risks/{id}", id: "getRisk", tag: "risks", cap: pingan.CapRisks,
			answer: obj{"risk": pingan.Risk{}, "timeline": []*pingan.RiskEvent{}, "allowed": []string{}}},
		{pattern: "POST /api/v1/risks/{id}/actions", id: "actOnRisk", tag: "risks", cap: pingan.CapRisks, body: pingan.RiskAction{}, answer: pingan.Risk{}},
		{pattern: "GET /api/v1/risk-fields", id: "listRiskFields", tag: "risks", cap: pingan.CapRisks, query: []param{qb("all")}, answer: obj{"fields": []*pingan.RiskField{}}},
		{pattern: "POST /api/v1/risk-fields", id: "saveRiskField", tag: "risks", cap: pingan.CapRisks, body: pingan.RiskField{}, status: 204},
		{pattern: "GET /api/v1/risk-counts", id: "riskCounts", tag: "risks", cap: pingan.CapRisks, query: []param{qs("unit"), qm("from"), qm("to")},
			answer: obj{"months": []*pingan.RiskMonth{}}},
		{pattern: "GET /api/v1/stability", id: "listStability", tag: "risks", cap: pingan.CapRisks, answer: obj{"stability": []*pingan.Stability{}}},
		{pattern: "POST /api/v1/stability", id: "createStability", tag: "risks", cap: pingan.CapRisks, body: pingan.NewStability{}, status: 201, answer: pingan.Stability{}},
		{pattern: "GET /api/v1/stability/{id}", id: "getStability", tag: "risks", cap: pingan.CapRisks,
			answer: obj{"stability": pingan.Stability{}, "timeline": []*pingan.StabilityEvent{}}},
		{pattern: "POST /api/v1/stability/{id}/actions", id: "actOnStability", tag: "risks", cap: pingan.CapRisks, body: pingan.StabilityAction{}, answer: pingan.Stability{}},

		{pattern: "GET /api/v1/briefings/{unit}", id: "listBriefings", tag: "briefings", cap: pingan.CapBriefings, query: []param{qi("weeks")},
			answer: obj{"weeks": []*pingan.BriefingWeek{}}},
		{pattern: "GET /api/v1/briefings/{unit}/{week}", id: "getBriefing", tag: "briefings", cap: pingan.CapBriefings, answer: pingan.Briefing{}},
		{pattern: "POST /api/v1/briefings/{unit}/{week}/meeting", id: "recordMeeting", tag: "briefings", cap: pingan.CapBriefings,
			body: pingan.Meeting{}, answer: pingan.Briefing{}},
		{pattern: "POST /api/v1/briefings/{unit}/{week}/decisions", id: "addDecision", tag: "briefings", cap: pingan.CapBriefings,
			body: pingan.NewDecision{}, status: 201, answer: pingan.Briefing{}},

		{pattern: "POST /api/v1/readings", id: "postReadings", tag: "monitoring", cap: pingan.CapReadings, body: readingsBody{}, answer: pingan.IngestResult{}},
		{pattern: "GET /api/v1/sensors", id: "listSensors", tag: "monitoring", cap: pingan.CapSites, query: []param{qi("site")}, answer: obj{"sensors": []*pingan.Sensor{}}},
		{pattern: "POST /api/v1/sensors", id: "createSensor", tag: "monitoring", cap: pingan.CapSensors, body: pingan.Sensor{}, status: 201, answer: pingan.Sensor{}},
		{pattern: "GET /api/v1/sensors/{id}", id: "getSensor", tag: "monitoring", cap: pingan.CapSites, answer: pingan.Sensor{}},
		{pattern: "PUT /api/v1/sensors/{id}", id: "updateSensor", tag: "monitoring", cap: pingan.CapSensors, body: pingan.Sensor{}, answer: pingan.Sensor{}},
		{pattern: "GET /api/v1/sensors/{id}/series", id: "sensorSeries", tag: "monitoring", cap: pingan.CapSites, query: []param{qt("from"), qt("to")},
			answer: obj{"series": []pingan.Rollup{}}},
		{pattern: "GET /api/v1/alarms", id: "listAlarms", tag: "monitoring", cap: pingan.CapSites, query: []param{qi("site"), qi("limit")},
			answer: obj{"alarms": []*pingan.Alarm{}}},

		{pattern: "GET /api/v1/patrol-points", id: "listPatrolPoints", tag: "patrols", cap: pingan.CapReadCases, query: []param{req(qs("grid")), qb("all")},
			answer: obj{"points": []*pingan.PatrolPoint{}}},
		{pattern: "POST /api/v1/patrol-points", id: "addPatrolPoint", tag: "patrols", cap: pingan.CapPatrolPoints,
			body: pingan.NewPatrolPoint{}, status: 201, answer: pingan.PatrolPoint{}},
		{pattern: "PATCH /api/v1/patrol-points/{id}", id: "changePatrolPoint", tag: "patrols", cap: pingan.CapPatrolPoints,
			body: pingan.PatrolPointChange{}, answer: pingan.PatrolPoint{}},
		{pattern: "GET /api/v1/patrols/coverage", id: "patrolCoverage", tag: "patrols", cap: pingan.CapStatistics, query: []param{qs("unit"), qw("from"), qw("to")},
			answer: coverageAnswer{}},
		{pattern: "GET /api/v1/patrols/open", id: "openPatrol", tag: "patrols", cap: pingan.CapPatrol, answer: obj{"patrol": (*pingan.Patrol)(nil)}},
		{pattern: "GET /api/v1/patrols/{id}", id: "getPatrol", tag: "patrols", cap: pingan.CapReadCases,
			answer: obj{"patrol": pingan.Patrol{}, "checkins": []*pingan.CheckIn{}}},
		{pattern: "POST /api/v1/patrols/{id}/checkins", id: "checkIn", tag: "patrols", cap: pingan.CapPatrol, body: checkInBody{}, status: 201, answer: pingan.CheckIn{}},
		{pattern: "POST /api/v1/patrols/{id}/end", id: "endPatrol", tag: "patrols", cap: pingan.CapPatrol, answer: pingan.Patrol{}},
		{pattern: "POST /api/v1/patrols", id: "startPatrol", tag: "patrols", cap: pingan.CapPatrol, body: patrolStartBody{}, status: 201, answer: pingan.Patrol{}},

		{pattern: "GET /api/v1/sites", id: "listSites", tag: "sites", cap: pingan.CapSites,
			query:  []param{keyed(qs("type"), "site_type"), qi("level"), qs("unit"), qs("grid"), qs("department"), qs("q"), qi("limit"), qi("offset"), qb("overdue"), formatParam},
			answer: obj{"sites": []*pingan.Site{}}, xlsx: true},
		{pattern: "POST /api/v1/sites", id: "createSite", tag: "sites", cap: pingan.CapSitesEdit, body: pingan.NewSite{}, status: 201, answer: pingan.Site{}},
		{pattern: "POST /api/v1/sites/import", id: "importSites", tag: "sites", cap: pingan.CapSitesEdit, query: []param{qb("dry")},
			body: siteImportBody{}, xlsxIn: true, answer: pingan.SiteImportResult{}},
		{pattern: "GET /api/v1/sites/{id}", id: "getSite", tag: "sites", cap: pingan.CapSites, answer: pingan.Site{}},
		{pattern: "PUT /api/v1/sites/{id}", id: "updateSite", tag: "sites", cap: pingan.CapSitesEdit, body: pingan.NewSite{}, answer: pingan.Site{}},
		{pattern: "POST /api/v1/sites/{id}/contact", id: "revealSiteContact", tag: "sites", cap: pingan.CapSites, answer: pingan.SiteContact{}},
		{pattern: "GET /api/v1/sites/{id}/inspections", id: "listInspections", tag: "sites", cap: pingan.CapSites, query: []param{qi("limit")},
			answer: obj{"inspections": []*pingan.Inspection{}}},
		{pattern: "POST /api/v1/sites/{id}/inspections", id: "recordInspection", tag: "sites", cap: pingan.CapInspect,
			body: inspectionBody{}, status: 201, answer: pingan.Inspection{}},
		{pattern: "GET /api/v1/site-types", id: "listSiteTypes", tag: "sites", cap: pingan.CapSites, answer: obj{"types": []*pingan.SiteType{}}},
		{pattern: "PUT /api/v1/site-types/{code}", id: "saveSiteType", tag: "sites", cap: pingan.CapSitesEdit, body: siteTypeBody{}, answer: obj{"types": []*pingan.SiteType{}}},
		{pattern: "GET /api/v1/inspections/figures", id: "inspectionFigures", tag: "sites", cap: pingan.CapSites, query: []param{qs("unit"), qm("month")},
			answer: obj{"total": pingan.InspectionFigure{}, "rows": []*pingan.InspectionFigure{}}},
	}
	for i := range list {
		if list[i].status == 0 {
			list[i].status = http.StatusOK
		}
	}
	return list
}()

// tags are the groups of operations, in the order the description lists them.
var tags = []string{"session", "units", "cases", "stats", "calendar", "campaigns", "disputes", "petitions", "receptions",
	"assess", "reports", "tasks", "warnings", "risks", "briefings", "monitoring", "patrols", "sites", "security"}

func kinds() []pingan.Kind {
	out := make([]pingan.Kind, len(pingan.Kinds))
	for i, k := range pingan.Kinds {
		out[i] = k.Kind
	}
	return out
}

// enums are the named string types whose values the domain lists.
var enums = func() map[reflect.Type][]string {
	m := map[reflect.Type][]string{}
	add := func(v any, vals []string) { m[reflect.TypeOf(v)] = vals }
	strs := func(vs ...any) []string {
		var out []string
		for _, v := range vs {
			rv := reflect.ValueOf(v)
			for i := range rv.Len() {
				out = append(out, rv.Index(i).String())
			}
		}
		return out
	}
	add(pingan.Status(""), strs(pingan.Statuses))
	add(pingan.Kind(""), strs(kinds()))
	add(pingan.ActionName(""), strs([]pingan.ActionName{pingan.ActReport, pingan.ActRecount, pingan.ActTermOverdue, pingan.ActRectifyOverdue}, pingan.ActionNames))
	add(pingan.Source(""), strs(pingan.Sources))
	add(pingan.Urgency(""), strs(pingan.Urgencies))
	add(pingan.Satisfaction(""), strs([]pingan.Satisfaction{pingan.Satisfied, pingan.BasicallySatisfied, pingan.Dissatisfied}))
	add(pingan.Role(""), strs(everyRole()))
	add(pingan.Level(""), strs(pingan.Levels))
	add(pingan.GridType(""), strs(pingan.GridTypes))
	add(pingan.OrgType(""), strs(pingan.OrgTypes))
	add(pingan.Referral(""), strs(pingan.Referrals))
	add(pingan.PartyKind(""), strs(pingan.PartyKinds))
	add(pingan.Quantity(""), strs(pingan.Quantities))
	add(pingan.AlarmTarget(""), strs(pingan.AlarmTargets))
	add(pingan.PetitionChannel(""), strs(pingan.PetitionChannels))
	add(pingan.PetitionStage(""), strs(pingan.PetitionStages))
	add(pingan.DocKind(""), strs(pingan.DocKinds))
	add(pingan.SendMethod(""), strs(pingan.SendMethods))
	add(pingan.ReceptionKind(""), strs(pingan.ReceptionKinds))
	add(pingan.HazardStage(""), strs(pingan.HazardStages))
	add(pingan.Capability(""), strs(pingan.Capabilities))
	for t, vs := range m { // one value once, in the domain's order
		var out []string
		for _, v := range vs {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		m[t] = out
	}
	return m
}()

// ---- the document ----

var (
	openapiOnce sync.Once
	openapiDoc  []byte
)

// openapiJSON answers GET /api/v1/openapi.json: the description, built once.
func (s *Server) openapiJSON(w http.ResponseWriter, r *http.Request) error {
	openapiOnce.Do(func() {
		b, err := json.MarshalIndent(Description(), "", " ")
		if err != nil {
			panic(err) // maps and strings only: cannot fail
		}
		openapiDoc = append(b, '\n')
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(openapiDoc)
	return err
}

// Version is the program's version the description names: the module's
// version or the commit it was built from, "dev" when neither is known.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "0.0.0-" + s.Value[:12]
		}
	}
	return "dev"
}

// Description answers the OpenAPI 3.1 document of the whole API, every
// route of operations whether or not its service is configured.
func Description() map[string]any {
	g := newSchemas()
	paths := map[string]any{}
	for _, op := range operations {
		method, path, _ := strings.Cut(op.pattern, " ")
		item, _ := paths[strings.TrimPrefix(path, "/api/v1")].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[strings.TrimPrefix(path, "/api/v1")] = item
		}
		item[strings.ToLower(method)] = op.describe(g)
	}
	var tagList []any
	for _, t := range tags {
		tagList = append(tagList, map[string]any{"name": t, "description": pingan.Text(pingan.EN, "openapi.tag."+t),
			"x-pingan-name": bilingual("openapi.tag." + t)})
	}
	g.defs["Error"] = errorSchema()
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":                pingan.Text(pingan.EN, "openapi.title"),
			"version":              Version(),
			"description":          pingan.Text(pingan.EN, "openapi.description"),
			"x-pingan-title":       bilingual("openapi.title"),
			"x-pingan-description": bilingual("openapi.description"),
		},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{
				"type": "http", "scheme": "bearer", "description": pingan.Text(pingan.EN, "openapi.security"),
				"x-pingan-description": bilingual("openapi.security"),
			}},
			"responses": errorResponses(),
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

// bilingual is a text of the catalogue in both its languages.
func bilingual(key string) map[string]string {
	return map[string]string{string(pingan.ZH): pingan.Text(pingan.ZH, key), string(pingan.EN): pingan.Text(pingan.EN, key)}
}

// The errors an operation may answer, by status, each the one error shape.
var errorStatuses = []int{400, 401, 403, 404, 405, 409, 413, 429, 500}

func errorResponses() map[string]any {
	out := map[string]any{}
	for _, st := range errorStatuses {
		out[errorName(st)] = map[string]any{
			"description":          http.StatusText(st) + " — " + pingan.Text(pingan.EN, "openapi.error."+itoa(st)),
			"x-pingan-description": bilingual("openapi.error." + itoa(st)),
			"content":              map[string]any{"application/json": map[string]any{"schema": ref("Error")}},
		}
	}
	return out
}

func errorName(status int) string { return "Error" + itoa(status) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// errorSchema is the one shape of every error (httpx.WriteError).
func errorSchema() map[string]any {
	msgs := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	return map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"code", "message", "message_key"}, "properties": map[string]any{
			"code":        map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "forbidden", "unauthorized", "too_many_requests", "internal"}},
			"message":     map[string]any{"type": "string"},
			"message_key": map[string]any{"type": "string"},
			"fields":      msgs,
			"field_keys":  msgs,
		}},
	}}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// wildcards answers the names of the pattern's path wildcards.
func wildcards(path string) []string {
	var names []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			names = append(names, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return names
}

// describe answers the operation object.
func (op operation) describe(g *schemas) map[string]any {
	method, path, _ := strings.Cut(op.pattern, " ")
	out := map[string]any{
		"operationId":      op.id,
		"summary":          pingan.Text(pingan.EN, opKey(op.id)),
		"x-pingan-summary": bilingual(opKey(op.id)),
		"tags":             []string{op.tag},
	}
	desc := []string{}
	if op.public {
		out["security"] = []any{}
		desc = append(desc, pingan.Text(pingan.EN, "openapi.public"))
	}
	if op.cap != "" {
		out["x-pingan-capability"] = string(op.cap)
		roles := rolesOf(op.cap)
		out["x-pingan-roles"] = roles
		desc = append(desc, pingan.Text(pingan.EN, "openapi.capability", string(op.cap), strings.Join(roles, ", ")))
	}
	if len(desc) > 0 {
		out["description"] = strings.Join(desc, " ")
	}
	var params []any
	for _, name := range wildcards(path) {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"},
			"description": pingan.Text(pingan.EN, "openapi.path."+name), "x-pingan-description": bilingual("openapi.path." + name)})
	}
	for _, in := range []struct {
		where string
		ps    []param
	}{{"query", op.query}, {"header", op.header}} {
		for _, p := range in.ps {
			key := p.name
			if p.key != "" {
				key = p.key
			}
			key = "openapi.param." + strings.ToLower(key)
			sch := map[string]any{"type": p.typ}
			if p.format != "" {
				sch["format"] = p.format
			}
			if len(p.enum) > 0 {
				sch["enum"] = p.enum
			}
			params = append(params, map[string]any{"name": p.name, "in": in.where, "required": p.required, "schema": sch,
				"description": pingan.Text(pingan.EN, key), "x-pingan-description": bilingual(key)})
		}
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if op.body != nil {
		content := map[string]any{"application/json": map[string]any{"schema": g.of(reflect.TypeOf(op.body), true)}}
		if op.xlsxIn {
			content[fileXLSX] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": fileXLSX}}
		}
		out["requestBody"] = map[string]any{"required": true, "content": content}
	}
	responses := map[string]any{}
	ok := map[string]any{"description": pingan.Text(pingan.EN, "openapi.ok"), "x-pingan-description": bilingual("openapi.ok")}
	switch {
	case op.file != "":
		media := []string{op.file}
		if op.file == filePDF {
			media = append(media, fileXLSX)
		}
		content := map[string]any{}
		for _, m := range media {
			content[m] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": m}}
		}
		ok["content"] = content
	case op.answer != nil:
		media := "application/json"
		if strings.HasPrefix(op.id, "listGrids") || op.id == "getGrid" {
			media = "application/geo+json"
		}
		content := map[string]any{media: map[string]any{"schema": g.answer(op.answer)}}
		if op.xlsx {
			content[fileXLSX] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": fileXLSX}}
		}
		ok["content"] = content
	}
	responses[itoa(op.status)] = ok
	if op.other != 0 {
		responses[itoa(op.other)] = ok
	}
	for _, st := range op.errors(method, path) {
		responses[itoa(st)] = map[string]any{"$ref": "#/components/responses/" + errorName(st)}
	}
	out["responses"] = responses
	return out
}

// opKey is the catalogue's key of an operation's summary: openapi.op.list_units.
func opKey(id string) string {
	var b strings.Builder
	for i, r := range id {
		if 'A' <= r && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return "openapi.op." + b.String()
}

// errors answers the error statuses the operation may answer.
func (op operation) errors(method, path string) []int {
	var out []int
	if op.body != nil || len(op.query) > 0 || len(wildcards(path)) > 0 {
		out = append(out, 400)
	}
	if !op.public {
		out = append(out, 401)
	}
	if op.cap != "" || method != http.MethodGet {
		out = append(out, 403)
	}
	if len(wildcards(path)) > 0 {
		out = append(out, 404)
	}
	out = append(out, 405)
	if method != http.MethodGet {
		out = append(out, 409)
	}
	if op.body != nil {
		out = append(out, 413)
	}
	if op.id == "createSession" {
		out = append(out, 429)
	}
	return append(out, 500)
}

// everyRole answers the roles of accounts, then those of API keys only.
func everyRole() []pingan.Role {
	out := slices.Clone(pingan.Roles)
	for _, r := range pingan.KeyRoles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// rolesOf answers the roles that hold the capability (pingan.Permit), an
// API key's among them.
func rolesOf(c pingan.Capability) []string {
	var out []string
	for _, r := range everyRole() {
		if pingan.Permit(&pingan.User{Roles: []pingan.Role{r}}, c) == nil && !slices.Contains(out, string(r)) {
			out = append(out, string(r))
		}
	}
	return out
}

// ---- schemas from Go types ----

// schemas makes JSON Schemas (the dialect of OpenAPI 3.1) from Go types as
// encoding/json writes them: json tags name the properties, omitempty
// makes one optional, a pointer is nullable (a type array, or anyOf with
// null beside a $ref), time.Time is a date-time string, []byte a base64
// string, a map an object of additionalProperties, an embedded struct's
// fields are promoted, and a named string type the domain lists the
// values of is an enum. A named struct or enum is placed in
// components/schemas by its type's name and referenced with $ref; a
// request body's structs are placed apart (their name ending in Input),
// with no property required, since the decoder requires none.
type schemas struct {
	defs  map[string]any
	names map[schemaKey]string
	taken map[string]schemaKey
}

type schemaKey struct {
	t     reflect.Type
	input bool
}

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, names: map[schemaKey]string{}, taken: map[string]schemaKey{}}
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage(nil))
)

// answer is the schema of an answer: an obj's properties, or its type's.
func (g *schemas) answer(v any) map[string]any {
	o, ok := v.(obj)
	if !ok {
		return g.of(reflect.TypeOf(v), false)
	}
	props := map[string]any{}
	var required []string
	for name, pv := range o {
		props[name] = g.of(reflect.TypeOf(pv), false)
		required = append(required, name)
	}
	slices.Sort(required)
	return map[string]any{"type": "object", "properties": props, "required": required}
}

// of answers the schema of t; input: as a request body.
func (g *schemas) of(t reflect.Type, input bool) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem(), input))
	case reflect.Interface:
		return map[string]any{}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := map[string]any{"type": "integer"}
		if t.Size() == 8 {
			s["format"] = "int64"
		}
		return s
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		vals, ok := enums[t]
		if !ok {
			return map[string]any{"type": "string"}
		}
		return g.named(t, false, func() map[string]any {
			return map[string]any{"type": "string", "enum": vals}
		})
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.of(t.Elem(), input)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem(), input)}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t, input)
		}
		return g.named(t, input, func() map[string]any { return g.object(t, input) })
	}
	return map[string]any{}
}

// named places the schema of a named type in components once and answers
// its $ref.
func (g *schemas) named(t reflect.Type, input bool, build func() map[string]any) map[string]any {
	k := schemaKey{t, input}
	if name, ok := g.names[k]; ok {
		return ref(name)
	}
	base := strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	if input && !strings.HasSuffix(base, "Input") {
		base = strings.TrimSuffix(base, "In") + "Input"
	}
	name := base
	for i := 2; ; i++ {
		if _, taken := g.taken[name]; !taken {
			break
		}
		name = base + itoa(i)
	}
	g.names[k], g.taken[name] = name, k
	g.defs[name] = map[string]any{} // a type that contains itself refers to its name
	g.defs[name] = build()
	return ref(name)
}

// nullable lets a schema be null too.
func nullable(s map[string]any) map[string]any {
	if _, isRef := s["$ref"]; isRef {
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	}
	switch typ := s["type"].(type) {
	case string:
		out := cloneMap(s)
		out["type"] = []string{typ, "null"}
		return out
	case nil:
		return s // any value, null too
	}
	return s
}

func cloneMap(s map[string]any) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

// object answers a struct's schema: its fields as encoding/json writes them.
func (g *schemas) object(t reflect.Type, input bool) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range jsonFields(t) {
		props[f.name] = g.of(f.typ, input)
		if !f.omitempty && !input {
			required = append(required, f.name)
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		slices.Sort(required)
		out["required"] = required
	}
	return out
}

// jsonField is a property of a struct as encoding/json writes it.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitempty bool
	depth     int
	tagged    bool
}

// jsonFields answers the properties of struct t, after encoding/json's
// rules: exported fields, json tags, embedded structs' fields promoted, the
// shallowest of fields of one name winning (a tagged one among equals), and
// equals of one depth cancelling each other.
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if name == "" && et.Kind() == reflect.Struct {
					walk(et, depth+1, seen)
					continue
				}
				if !f.IsExported() && et.Kind() != reflect.Struct {
					continue
				}
			} else if !f.IsExported() {
				continue
			}
			tagged := name != ""
			if name == "" {
				name = f.Name
			}
			all = append(all, jsonField{name: name, typ: ft, omitempty: strings.Contains(","+opts+",", ",omitempty,") ||
				strings.Contains(","+opts+",", ",omitzero,"), depth: depth, tagged: tagged})
		}
		delete(seen, t)
	}
	walk(t, 0, map[reflect.Type]bool{})
	byName := map[string][]jsonField{}
	var order []string
	for _, f := range all {
		if _, ok := byName[f.name]; !ok {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	var out []jsonField
	for _, name := range order {
		fs := byName[name]
		min := fs[0].depth
		for _, f := range fs {
			if f.depth < min {
				min = f.depth
			}
		}
		var top []jsonField
		for _, f := range fs {
			if f.depth == min {
				top = append(top, f)
			}
		}
		if len(top) > 1 {
			var tagged []jsonField
			for _, f := range top {
				if f.tagged {
					tagged = append(tagged, f)
				}
			}
			top = tagged
		}
		if len(top) == 1 {
			out = append(out, top[0])
		}
	}
	return out
}
