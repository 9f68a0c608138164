package pingan

// Capability is something a user may do that is not a step of a case's
// lifecycle: report a case (登记事件), read the dashboard, administer the
// unit tree … Who may take a lifecycle action on a case — accept,
// dispatch, sign, supervise (督办), comment (备注), rate … — depends on the
// case too, and is the workflow's table (workflow.Allowed, workflow.Apply);
// it is not repeated here.
//
// permissions is the one table of capabilities by role. Every page, API
// route and menu entry asks it (User.May, Permit), and the store refuses a
// report from a role that may not report, so no interface can do more than
// another.
type Capability string

// The capabilities.
const (
	// CapReadCases: the cases of one's jurisdiction — the inbox, a case's
	// page, its photos and timeline (查阅事件). Personal data is masked or
	// whole as SeesPersonal says.
	CapReadCases Capability = "read_cases"
	// CapReport: report a case (登记事件) on the staff form, the phone page
	// or through the API.
	CapReport Capability = "report"
	// CapPatrol: the grid worker's phone page (网格巡查) with its quick report.
	CapPatrol Capability = "patrol"
	// CapStatistics: the dashboard (驾驶舱) and the statistics of a subtree.
	CapStatistics Capability = "statistics"
	// CapAssess: define indicator schemes, score units and publish their
	// ranking (考核, 排名晾晒) — for the assessment pages and API to ask.
	CapAssess Capability = "assess"
	// CapAdminUnits … CapAdminHolidays: maintain the unit tree, the users,
	// the grids, the categories with their deadline policies, and the
	// holiday calendar (系统管理). The store narrows the last two to an
	// administrator of the whole tree.
	CapAdminUnits      Capability = "admin_units"
	CapAdminUsers      Capability = "admin_users"
	CapAdminGrids      Capability = "admin_grids"
	CapAdminCategories Capability = "admin_categories"
	CapAdminHolidays   Capability = "admin_holidays"
	// CapManageCampaigns: create the campaigns of a city or county (大排查,
	// 敲门行动, campaign.go); visits are CapPatrol's, coverage CapStatistics'.
	CapManageCampaigns Capability = "manage_campaigns"
	// CapReceptions: the leaders' reception work of petitions (reception.go):
	// the schedule (领导接访日), the records of receptions (接访, 下访, 约访)
	// and the long-standing matters (积案). CapLeadCases: a leader's own
	// list of the matters they lead (我的包案).
	CapReceptions Capability = "receptions"
	CapLeadCases  Capability = "lead_cases"
	// CapRisks: the risk ledger (风险台账, risk.go) and the social stability
	// risk assessments of major decisions (稳评) of one's jurisdiction:
	// read them, and take the steps the risk's rules allow the role.
	CapRisks Capability = "risks"
	// CapWarnings: the warnings raised from the cases (预警, warning.go):
	// read those of one's jurisdiction and handle those sent to one's unit.
	// CapWarningRules: configure the rules and the spike detector.
	CapWarnings     Capability = "warnings"
	CapWarningRules Capability = "warning_rules"
	// CapTasks: supervised work tasks (督办事项, task.go): read those one's
	// unit issued or works on; issuing is a step of the task's rules.
	// CapBriefings: the weekly 研判 of a unit (briefing.go).
	CapTasks     Capability = "tasks"
	CapBriefings Capability = "briefings"
	// CapSites: read the register of key sites (重点场所/重点单位, site.go);
	// CapSitesEdit: add, change and import them; CapInspect: record an
	// inspection (检查) against a site's checklist.
	CapSites     Capability = "sites"
	CapSitesEdit Capability = "sites_edit"
	CapInspect   Capability = "inspect"
	// CapSensors: configure a site's sensors and thresholds (监测, monitor.go);
	// CapReadings: send readings (a monitoring system's API key).
	CapSensors  Capability = "sensors"
	CapReadings Capability = "readings"
	// CapPatrolPoints: set the patrol points of the grids in one's
	// jurisdiction (巡查点位, patrol.go); the patrol itself is CapPatrol's.
	CapPatrolPoints Capability = "patrol_points"
	// CapAdminWebhooks: register the webhooks of other systems and read and
	// resend their deliveries (webhook.go); CapImportCases: import cases
	// transferred in a file, the 12345 export form (caseimport.go).
	CapAdminWebhooks Capability = "admin_webhooks"
	CapImportCases   Capability = "import_cases"
	// CapAdminSecurity: the security administrator's (安全管理员): the roles
	// of accounts, API keys, the security settings (password rules, two-factor
	// sign-in, sessions). CapReadAudit: the audit administrator's (审计管理员):
	// read, filter and export the audit trail.
	CapAdminSecurity Capability = "admin_security"
	CapReadAudit     Capability = "read_audit"
)

// Capabilities lists every capability in the order of the table.
var Capabilities = []Capability{CapReadCases, CapReport, CapPatrol, CapStatistics, CapAssess,
	CapAdminUnits, CapAdminUsers, CapAdminGrids, CapAdminCategories, CapAdminHolidays, CapManageCampaigns,
	CapReceptions, CapLeadCases, CapRisks, CapWarnings, CapWarningRules, CapTasks, CapBriefings,
	CapSites, CapSitesEdit, CapInspect, CapSensors, CapReadings, CapPatrolPoints, CapAdminWebhooks, CapImportCases,
	CapAdminSecurity, CapReadAudit}

// permission is a row of the table: who may, and the sentence that
// refuses everyone else.
type permission struct {
	roles   []Role
	refusal string // message key
}

// workRoles are the roles that read cases and statistics: every role but
// the security and the audit administrators', who read neither.
var workRoles = []Role{RoleAdmin, RoleDispatcher, RoleHandler, RoleGridWorker, RoleMediator, RoleLeader, RoleAssessor, RoleViewer}

// permissions says which roles hold each capability. The roles, as the
// work is shared out in a city:
//
//   - a viewer (只读) reads: cases (masked) and statistics, nothing else;
//   - a leader (领导) reads and supervises (督办, a lifecycle action);
//   - an assessor (考核办) reads and assesses units;
//   - grid workers, dispatchers, handlers and mediators work cases, so they
//     report them; only grid workers patrol with the phone page;
//   - an administrator keeps the data of the deployment (units, users,
//     grids, categories with their deadlines, the calendar) and reports a
//     case to check a category's deadlines and the calendar with it; they
//     accept, dispatch and handle nothing, and read personal data masked;
//     the roles of accounts, API keys and webhooks are not theirs;
//   - a security administrator (安全管理员) gives accounts their roles and
//     keeps API keys, webhooks and the security policy (security.go);
//   - an audit administrator (审计管理员) reads the audit trail alone.
var permissions = map[Capability]permission{
	CapReadCases:       {roles: workRoles, refusal: "capability.read_cases.forbidden"},
	CapReport:          {roles: []Role{RoleAdmin, RoleDispatcher, RoleHandler, RoleGridWorker, RoleMediator, RoleReporter}, refusal: "capability.report.forbidden"},
	CapPatrol:          {roles: []Role{RoleGridWorker}, refusal: "capability.patrol.forbidden"},
	CapStatistics:      {roles: workRoles, refusal: "capability.statistics.forbidden"},
	CapAssess:          {roles: []Role{RoleAssessor}, refusal: "capability.assess.forbidden"},
	CapAdminUnits:      {roles: []Role{RoleAdmin}, refusal: "capability.admin.forbidden"},
	CapAdminUsers:      {roles: []Role{RoleAdmin}, refusal: "capability.admin.forbidden"},
	CapAdminGrids:      {roles: []Role{RoleAdmin}, refusal: "capability.admin.forbidden"},
	CapAdminCategories: {roles: []Role{RoleAdmin}, refusal: "capability.admin.forbidden"},
	CapAdminHolidays:   {roles: []Role{RoleAdmin}, refusal: "capability.admin.forbidden"},
	CapManageCampaigns: {roles: []Role{RoleAdmin, RoleDispatcher}, refusal: "capability.campaigns.forbidden"},
	CapReceptions:      {roles: []Role{RoleDispatcher, RoleLeader}, refusal: "capability.receptions.forbidden"},
	CapLeadCases:       {roles: []Role{RoleLeader}, refusal: "capability.lead_cases.forbidden"},
	CapRisks:           {roles: []Role{RoleDispatcher, RoleHandler, RoleLeader, RoleAssessor}, refusal: "capability.risks.forbidden"},
	CapWarnings:        {roles: []Role{RoleDispatcher, RoleHandler, RoleMediator, RoleLeader, RoleAssessor}, refusal: "capability.warnings.forbidden"},
	CapWarningRules:    {roles: []Role{RoleDispatcher, RoleAssessor}, refusal: "capability.warning_rules.forbidden"},
	CapTasks:           {roles: []Role{RoleDispatcher, RoleHandler, RoleMediator, RoleLeader, RoleAssessor}, refusal: "capability.tasks.forbidden"},
	CapBriefings:       {roles: []Role{RoleDispatcher, RoleLeader, RoleAssessor}, refusal: "capability.briefings.forbidden"},
	CapSites:           {roles: []Role{RoleAdmin, RoleDispatcher, RoleHandler, RoleGridWorker, RoleLeader, RoleAssessor, RoleViewer}, refusal: "capability.sites.forbidden"},
	CapSitesEdit:       {roles: []Role{RoleAdmin, RoleDispatcher, RoleHandler}, refusal: "capability.sites_edit.forbidden"},
	CapInspect:         {roles: []Role{RoleDispatcher, RoleHandler, RoleGridWorker}, refusal: "capability.inspect.forbidden"},
	CapSensors:         {roles: []Role{RoleAdmin, RoleDispatcher, RoleHandler}, refusal: "capability.sensors.forbidden"},
	CapReadings:        {roles: []Role{RoleMonitor}, refusal: "capability.readings.forbidden"},
	CapPatrolPoints:    {roles: []Role{RoleDispatcher, RoleLeader}, refusal: "capability.patrol_points.forbidden"},
	CapAdminWebhooks:   {roles: []Role{RoleSecAdmin}, refusal: "capability.admin_security.forbidden"},
	CapImportCases:     {roles: []Role{RoleAdmin, RoleDispatcher}, refusal: "capability.import_cases.forbidden"},
	CapAdminSecurity:   {roles: []Role{RoleSecAdmin}, refusal: "capability.admin_security.forbidden"},
	CapReadAudit:       {roles: []Role{RoleAuditor}, refusal: "capability.read_audit.forbidden"},
}

// May reports whether one of the user's roles holds capability c. A nil
// user (nobody signed in) and an unknown capability may nothing.
func (u *User) May(c Capability) bool {
	if u == nil {
		return false
	}
	for _, r := range permissions[c].roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// Permit answers nil when u may c, otherwise the EFORBIDDEN refusal saying
// what the user's role may not do.
func Permit(u *User, c Capability) error {
	if u.May(c) {
		return nil
	}
	key := permissions[c].refusal
	if key == "" {
		key = "capability.forbidden"
	}
	return E(EFORBIDDEN, key)
}
