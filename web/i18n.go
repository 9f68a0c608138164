package web

import (
	"fmt"

	"github.com/pingan-gov/pingan"
)

// The message catalogue: every string a person reads on a page, by message
// id, in Chinese (zh-CN, the default) and English. Templates ask for them
// with {{.T "id" args…}}; arguments are formatted with fmt verbs.
var catalogue = map[string][2]string{
	"app.name":   {"平安", "Pingan"},
	"app.sub":    {"市域社会治理工作平台", "social governance work platform"},
	"app.footer": {"平安 · 市域社会治理工作平台 · 数据仅限辖区内使用", "Pingan · data for use inside your jurisdiction only"},

	"nav.main":          {"主导航", "Main"},
	"nav.skip":          {"跳到正文", "Skip to content"},
	"nav.inbox":         {"工作台", "Inbox"},
	"nav.report":        {"登记事件", "New case"},
	"nav.dashboard":     {"驾驶舱", "Dashboard"},
	"nav.admin":         {"系统管理", "Administration"},
	"nav.m":             {"网格员", "Grid worker"},
	"nav.logout":        {"退出", "Log out"},
	"nav.login":         {"工作人员登录", "Staff login"},
	"nav.public.report": {"我要反映", "Report a problem"},
	"nav.public.track":  {"进度查询", "Follow a case"},

	"login.title":    {"登录", "Log in"},
	"login.username": {"用户名", "Username"},
	"login.password": {"密码", "Password"},
	"login.submit":   {"登录", "Log in"},
	"login.wrong":    {"用户名或密码不正确", "Wrong username or password"},
	"login.locked":   {"登录失败次数过多，账户已暂时锁定，请 5 分钟后再试", "Too many failed attempts: the account is locked for 5 minutes"},
	"login.expired":  {"长时间未操作，已自动退出，请重新登录", "You were logged out after a period of inactivity; please log in again"},
	"login.citizen":  {"群众反映问题无需登录：", "Citizens need no account:"},

	"error.title":       {"出错了", "Something went wrong"},
	"error.home":        {"返回首页", "Back to the start page"},
	"error.internal":    {"内部错误，请稍后再试", "Internal error: please try again later"},
	"error.csrf":        {"表单已失效，请刷新页面后重试", "The form has expired: reload the page and try again"},
	"error.crossorigin": {"拒绝跨站请求", "Cross-origin request refused"},

	"inbox.tabs":      {"待办分类", "Work queues"},
	"inbox.overdue":   {"已超期", "Overdue"},
	"inbox.overdue.n": {"超期 %d", "%d overdue"},
	"inbox.others":    {"其他待办", "Other cases"},
	"inbox.empty":     {"没有符合条件的案件", "No cases match"},
	"tab.register":    {"待受理", "To register"},
	"tab.dispatch":    {"待派遣", "To dispatch"},
	"tab.verify":      {"待核查", "To verify"},
	"tab.watch":       {"处置中", "Being handled"},
	"tab.sign":        {"待签收", "To sign"},
	"tab.handle":      {"待办理", "To handle"},
	"tab.open":        {"全部在办", "All open"},
	"tab.all":         {"全部案件", "All cases"},
	"filter.any":      {"全部", "Any"},
	"filter.q":        {"搜索", "Search"},
	"filter.q.hint":   {"编号、标题、地址", "number, title, address"},
	"filter.apply":    {"筛选", "Filter"},
	"filter.reset":    {"清除", "Clear"},
	"pager.first":     {"第一页", "First page"},
	"pager.next":      {"下一页", "Next page"},

	"case.number":            {"案件编号", "Case number"},
	"case.title":             {"标题", "Title"},
	"case.kind":              {"种类", "Kind"},
	"case.category":          {"类别", "Category"},
	"case.status":            {"状态", "Status"},
	"case.unit":              {"发生地", "Place"},
	"case.holding":           {"受理单位", "Held by"},
	"case.assigned":          {"处置单位", "Handling unit"},
	"case.reported_at":       {"上报时间", "Reported"},
	"case.deadline":          {"时限", "Deadline"},
	"case.deadlines":         {"办理时限", "Deadlines"},
	"case.source":            {"来源", "Source"},
	"case.grid":              {"网格", "Grid"},
	"case.escalation":        {"上报层级", "Escalations"},
	"case.satisfaction":      {"满意度", "Rating"},
	"case.description":       {"事件描述", "Description"},
	"case.location":          {"位置", "Location"},
	"case.address":           {"地址", "Address"},
	"case.lat":               {"纬度", "Latitude"},
	"case.lng":               {"经度", "Longitude"},
	"case.details":           {"基本信息", "Details"},
	"case.people":            {"当事人信息", "People"},
	"case.people.none":       {"未登记当事人信息", "No personal data recorded"},
	"case.people.masked":     {"个人信息已脱敏显示", "Personal data is shown masked"},
	"case.people.audited":    {"本次查看个人信息已记入审计日志", "This view of personal data is recorded in the audit log"},
	"case.timeline":          {"办理过程", "Timeline"},
	"case.photo":             {"照片", "Photo"},
	"case.actions":           {"可执行操作", "Actions"},
	"case.actions.none":      {"您当前没有可执行的操作", "There is nothing for you to do on this case now"},
	"case.done":              {"已完成：%s", "Done: %s"},
	"case.supervised":        {"督办", "Supervised"},
	"case.escalated":         {"已上报上级", "Escalated"},
	"case.suspended":         {"已挂起", "Suspended"},
	"case.overdue":           {"已超期", "Overdue"},
	"due.sign":               {"签收时限", "Sign by"},
	"due.resolve":            {"办结时限", "Resolve by"},
	"due.suspended":          {"已挂起，暂停计时", "suspended, clock stopped"},
	"person.role":            {"身份", "Role"},
	"person.name":            {"姓名", "Name"},
	"person.phone":           {"电话", "Phone"},
	"person.id":              {"证件号码", "ID number"},
	"person.reporter":        {"反映人", "Reporter"},
	"act.category":           {"更正类别", "Correct the category"},
	"act.category.keep":      {"不更正", "Keep"},
	"act.choose":             {"请选择", "Choose"},
	"act.to_unit":            {"派遣至", "Dispatch to"},
	"act.days":               {"延期天数", "Days"},
	"act.deadline":           {"督办期限", "Deadline"},
	"act.reason":             {"原因", "Reason"},
	"act.result":             {"办理结果", "Result"},
	"act.note":               {"说明", "Note"},
	"act.photos":             {"照片（JPEG/PNG/WebP，每张不超过 5 MB）", "Photos (JPEG/PNG/WebP, 5 MB each at most)"},
	"act.satisfaction":       {"满意度", "Rating"},
	"report.title":           {"登记事件", "Register a case"},
	"report.unit.mine":       {"本单位", "My unit"},
	"report.geo":             {"使用当前位置", "Use my position"},
	"geo.wait":               {"正在获取位置…", "Getting the position…"},
	"geo.fail":               {"无法获取位置，请填写地址", "Position unavailable: type the address"},
	"report.reporter":        {"反映人", "Reporter"},
	"report.party":           {"当事人", "Party"},
	"report.photos.hint":     {"最多 6 张", "6 at most"},
	"report.map":             {"在网格图上点选位置", "Pick the position on the map"},
	"report.map.hint":        {"点击网格图，经纬度自动填入；也可直接填写地址或经纬度。", "Click the map to fill in the latitude and longitude, or type an address or the coordinates."},
	"report.map.in":          {"位于网格：", "In grid: "},
	"report.map.outside":     {"该位置不在任何网格内", "The position lies in no grid"},
	"report.map.many":        {"辖区网格过多，此处不显示网格图，请填写地址或经纬度", "Too many grids to draw here: type an address or the coordinates"},
	"report.submit":          {"提交登记", "Register"},
	"m.title":                {"网格员", "Grid worker"},
	"m.quick":                {"快速上报", "Quick report"},
	"m.what":                 {"发现了什么", "What did you find"},
	"m.geo":                  {"获取位置", "Get my position"},
	"m.geo.none":             {"尚未获取位置", "No position yet"},
	"m.photo":                {"拍照", "Photo"},
	"m.onsite":               {"已就地化解", "Handled on the spot"},
	"m.result":               {"处理结果（就地化解时填写）", "What was done (when handled on the spot)"},
	"m.submit":               {"上报", "Send"},
	"m.pending":              {"待发送", "Waiting to send:"},
	"m.pending.unit":         {"条", "reports"},
	"m.sent":                 {"已上报，编号 %s", "Sent as case %s"},
	"m.sent.js":              {"已上报，编号 ", "Sent as case "},
	"m.queued":               {"当前无网络，已保存在本机，联网后自动发送", "Offline: saved on this phone, sent when the connection returns"},
	"m.failed":               {"未能上报：", "Not sent: "},
	"m.grid":                 {"我的网格", "My grid"},
	"m.grid.none":            {"尚未分配网格", "No grid assigned yet"},
	"m.grid.notready":        {"网格数据尚未接入", "Grids are not set up yet"},
	"m.households":           {"%d 户", "%d households"},
	"m.population":           {"%d 人", "%d people"},
	"m.cases":                {"待办案件", "Open cases"},
	"m.cases.none":           {"暂无待办案件", "No open cases"},
	"dash.period":            {"统计周期", "Period"},
	"dash.prev":              {"上一期", "Previous period"},
	"dash.next":              {"下一期", "Next period"},
	"dash.by.month":          {"月", "Month"},
	"dash.by.quarter":        {"季", "Quarter"},
	"dash.by.year":           {"年", "Year"},
	"dash.label.month":       {"%d 年 %d 月", "%[2]d/%[1]d"},
	"dash.label.quarter":     {"%d 年第 %d 季度", "Q%[2]d %[1]d"},
	"dash.label.year":        {"%d 年", "%d"},
	"dash.month":             {"%d月", "M%d"},
	"dash.metrics":           {"主要指标", "Key figures"},
	"dash.rate.received":     {"受理量", "Received"},
	"dash.rate.resolution":   {"办结率", "Resolution rate"},
	"dash.rate.on_time":      {"按时办结率", "On-time rate"},
	"dash.rate.satisfaction": {"满意率", "Satisfaction rate"},
	"dash.rate.escalation":   {"上交率", "Escalation rate"},
	"dash.of":                {"基数 %d", "of %d"},
	"dash.yoy":               {"同比", "YoY"},
	"dash.mom":               {"环比", "vs prev."},
	"dash.trend":             {"月度趋势", "Monthly trend"},
	"dash.received":          {"受理量", "received"},
	"dash.bykind":            {"按种类", "By kind"},
	"dash.topoverdue":        {"超期较多的单位", "Units with most overdue work"},
	"dash.topoverdue.none":   {"本期没有超期案件", "No overdue cases in this period"},
	"dash.overdue.open":      {"在办超期 %d", "%d open overdue"},
	"dash.overdue.late":      {"逾期办结 %d", "%d resolved late"},
	"dash.overdue":           {"在办超期", "Open overdue"},
	"dash.units":             {"下级单位", "Units below"},
	"dash.units.none":        {"没有下级单位", "No units below"},
	"dash.map":               {"网格分布", "Grids"},
	"dash.map.none":          {"网格数据尚未接入，接入后此处显示按案件量着色的网格图", "Grids are not set up yet: once they are, a map of grids shaded by case load appears here"},
	"dash.map.empty":         {"本单位下暂无网格", "No grids under this unit"},
	"dash.map.more":          {"案件越多颜色越深", "darker means more cases"},
	"admin.units":            {"单位", "Units"},
	"admin.users":            {"用户", "Users"},
	"admin.grids":            {"网格", "Grids"},
	"admin.grids.import":     {"导入网格（GeoJSON）", "Import grids (GeoJSON)"},
	"admin.grids.import.hint": {"GeoJSON FeatureCollection，每个网格一个 Feature：Polygon 或 MultiPolygon（WGS84 经纬度），属性 code、name、type（community 社区、village 农村、dedicated 专属）、unit（所属村/社区代码）、households、population，可选 workers。编码已存在的网格被更新。整批导入，有错则全部不导入。",
		"A GeoJSON FeatureCollection, one Feature per grid: a Polygon or MultiPolygon (WGS84 longitude, latitude) with the properties code, name, type (community, village or dedicated), unit (the village or community code), households, population and optionally workers. A grid whose code exists is updated. The whole file is imported, or nothing if any grid is wrong."},
	"admin.grids.download": {"下载 GeoJSON", "Download GeoJSON"},
	"admin.grids.map":      {"网格分布图", "Map of the grids"},
	"admin.grids.none":     {"该单位下暂无网格", "No grids under this unit"},
	"admin.grids.nomap":    {"网格没有可绘制的范围", "The grids have no area to draw"},
	"admin.grids.unit":     {"单位", "Unit"},
	"grid.code":            {"网格编码", "Code"},
	"grid.name":            {"网格名称", "Grid"},
	"grid.type":            {"类型", "Type"},
	"grid.unit":            {"所属村/社区", "Village or community"},
	"grid.households":      {"户数", "Households"},
	"grid.population":      {"人口", "Population"},
	"grid.workers":         {"网格人员", "Workers"},
	"grid.workers.none":    {"未配备", "none"},
	"gridtype.community":   {"社区网格", "Community"},
	"gridtype.village":     {"农村网格", "Village"},
	"gridtype.dedicated":   {"专属网格", "Dedicated"},
	"gridpos.leader":       {"网格长", "Grid leader"},
	"gridpos.member":       {"网格员", "Grid worker"},
	"gridpos.assistant":    {"网格辅助员", "Assistant"},
	"admin.categories":     {"类别与时限", "Categories and deadlines"},
	"admin.units.import":   {"导入单位（CSV）", "Import units (CSV)"},
	"admin.units.import.hint": {"表头 code,name,level,parent_code；level 可为 province、city、county、township、village、centre、department。整批导入，有错则全部不导入。",
		"Header code,name,level,parent_code; level one of province, city, county, township, village, centre, department. All rows or none."},
	"admin.units.file":       {"选择文件", "File"},
	"admin.units.paste":      {"或粘贴内容", "or paste the rows"},
	"admin.units.submit":     {"导入", "Import"},
	"admin.units.imported":   {"导入完成：新增 %d，更新 %d，未变 %d", "Imported: %d created, %d updated, %d unchanged"},
	"admin.user.add":         {"新增用户", "Add a user"},
	"admin.user.roles":       {"角色", "Roles"},
	"admin.user.submit":      {"新增", "Add"},
	"admin.user.created":     {"已新增用户 %s", "User %s added"},
	"admin.users.nolist":     {"用户列表暂不可用", "The list of users is not available yet"},
	"admin.categories.hint":  {"修改时限只影响此后计算的期限", "A changed period applies to deadlines counted from now on"},
	"admin.category.new":     {"新增类别", "New category"},
	"admin.category.saved":   {"已保存类别 %s", "Category %s saved"},
	"admin.save":             {"保存", "Save"},
	"cat.code":               {"代码", "Code"},
	"cat.name":               {"名称", "Name"},
	"cat.parent":             {"上级", "Parent"},
	"cat.sign":               {"签收时限", "Time to sign"},
	"cat.sign.unit":          {"签收时限单位", "Unit of the time to sign"},
	"cat.resolve":            {"办结时限", "Time to resolve"},
	"cat.resolve.unit":       {"办结时限单位", "Unit of the time to resolve"},
	"unit.name":              {"单位名称", "Unit"},
	"unit.code":              {"代码", "Code"},
	"unit.level":             {"层级", "Level"},
	"unit.parent":            {"上级代码", "Parent"},
	"unit.region":            {"区域", "Region"},
	"unit.unit":              {"所属单位", "Unit"},
	"period.hours":           {"小时", "hours"},
	"period.calendar":        {"自然日", "calendar days"},
	"period.working":         {"工作日", "working days"},
	"pub.report.title":       {"我要反映", "Report a problem"},
	"pub.report.intro":       {"无需注册。提交后您会得到案件编号和查询码，凭此查询办理进度并评价。", "No account needed. You get a case number and a query code to follow the case and rate it."},
	"pub.report.category":    {"问题类型", "Type of problem"},
	"pub.report.unit":        {"所在乡镇（街道）或村（社区）", "Township or village"},
	"pub.report.subject":     {"简要标题", "Subject"},
	"pub.report.description": {"详细情况", "What happened"},
	"pub.report.contact":     {"联系方式（选填）", "Contact (optional)"},
	"pub.report.privacy":     {"您的姓名和电话加密保存，仅办理人员可见，不会公开。", "Your name and phone are stored encrypted, seen only by the staff handling the case, never published."},
	"pub.report.submit":      {"提交", "Send"},
	"pub.receipt.title":      {"已收到您的反映", "Your report is received"},
	"pub.receipt.intro":      {"请记下案件编号和查询码：", "Keep the case number and the query code:"},
	"pub.receipt.keep":       {"查询码只显示这一次，请妥善保存。", "The query code is shown only this once."},
	"pub.receipt.follow":     {"查看办理进度", "Follow the case"},
	"pub.code":               {"查询码", "Query code"},
	"pub.track.title":        {"进度查询", "Follow a case"},
	"pub.track.submit":       {"查询", "Look up"},
	"pub.track.wrong":        {"案件编号或查询码不正确", "Wrong case number or query code"},
	"pub.case.title":         {"案件 %s 办理进度", "Case %s"},
	"pub.closed_at":          {"结案时间", "Closed"},
	"pub.steps":              {"办理过程", "Steps"},
	"pub.rate.title":         {"请对办理结果评价", "Rate the result"},
	"pub.rate.note":          {"意见建议（选填）", "Comments (optional)"},
	"pub.rate.submit":        {"提交评价", "Send rating"},
	"pub.rated":              {"感谢您的评价", "Thank you for your rating"},

	"sat.satisfied":           {"满意", "Satisfied"},
	"sat.basically_satisfied": {"基本满意", "Basically satisfied"},
	"sat.dissatisfied":        {"不满意", "Dissatisfied"},

	"source.grid_worker": {"网格员上报", "Grid worker"},
	"source.citizen":     {"群众反映", "Citizen"},
	"source.hotline":     {"热线电话", "Hotline"},
	"source.letter":      {"来信", "Letter"},
	"source.visit":       {"来访", "Visit"},
	"source.api":         {"系统接口", "API"},
	"source.open311":     {"Open311", "Open311"},
	"source.import":      {"导入", "Import"},
}

func init() {
	for _, s := range pingan.Statuses {
		catalogue["status."+string(s)] = [2]string{s.Label(), statusEN[s]}
	}
	for _, a := range append([]pingan.ActionName{pingan.ActReport}, pingan.ActionNames...) {
		catalogue["action."+string(a)] = [2]string{a.Label(), actionEN[a]}
	}
	for _, k := range pingan.Kinds {
		catalogue["kind."+string(k.Kind)] = [2]string{k.Name, kindEN[k.Kind]}
	}
	for r, n := range roleNames {
		catalogue["role."+string(r)] = n
	}
	for l, n := range levelNames {
		catalogue["level."+string(l)] = n
	}
}

var statusEN = map[pingan.Status]string{
	pingan.StatusReported: "Reported", pingan.StatusAccepted: "Registered", pingan.StatusRejected: "Rejected",
	pingan.StatusDispatched: "Dispatched", pingan.StatusInProgress: "In progress", pingan.StatusResolved: "Resolved, to verify",
	pingan.StatusClosed: "Closed",
}

var actionEN = map[pingan.ActionName]string{
	pingan.ActReport: "Report", pingan.ActAccept: "Register", pingan.ActReject: "Reject", pingan.ActDispatch: "Dispatch",
	pingan.ActSign: "Sign", pingan.ActReturn: "Send back", pingan.ActResolve: "Report result", pingan.ActClose: "Verify and close",
	pingan.ActRework: "Rework", pingan.ActEscalate: "Escalate", pingan.ActExtend: "Extend", pingan.ActSuspend: "Suspend",
	pingan.ActResume: "Resume", pingan.ActSupervise: "Supervise", pingan.ActComment: "Comment", pingan.ActRate: "Rate",
	pingan.ActReopen: "Reopen",
}

var kindEN = map[pingan.Kind]string{
	pingan.KindDispute: "Dispute", pingan.KindPetition: "Petition", pingan.KindHazard: "Hazard", pingan.KindService: "Service request",
}

var roleNames = map[pingan.Role][2]string{
	pingan.RoleAdmin: {"系统管理员", "Administrator"}, pingan.RoleDispatcher: {"受理派遣员", "Dispatcher"},
	pingan.RoleHandler: {"处置人员", "Handler"}, pingan.RoleGridWorker: {"网格员", "Grid worker"},
	pingan.RoleMediator: {"调解员", "Mediator"}, pingan.RoleLeader: {"领导", "Leader"},
	pingan.RoleAssessor: {"考核人员", "Assessor"}, pingan.RoleViewer: {"查看人员", "Viewer"},
}

var levelNames = map[pingan.Level][2]string{
	pingan.LevelProvince: {"省", "Province"}, pingan.LevelCity: {"市", "City"}, pingan.LevelCounty: {"县区", "County"},
	pingan.LevelTownship: {"乡镇街道", "Township"}, pingan.LevelVillage: {"村社区", "Village"},
	pingan.LevelCentre: {"综治中心", "Centre"}, pingan.LevelDepartment: {"部门", "Department"},
}

// tr answers the message id in lang ("zh" or "en"), formatted with args.
// An unknown id answers itself, so that a gap shows and a test finds it.
func tr(lang, id string, args ...any) string {
	m, ok := catalogue[id]
	if !ok {
		return id
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
