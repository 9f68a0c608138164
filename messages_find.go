package pingan

// findMessages are the messages of pickers, search and queues.
var findMessages = map[string][2]string{
	// A second accept (受理) of a case another centre took first.
	"action.conflict.taken": {"该事件已由 %[1]s 受理，当前状态为 %[2]s（%[3]s），不能再执行“%[4]s”(%[5]s)；现在可执行：%[6]s",
		"the case was taken by %[1]s first and is %[3]s (%[2]s) now, so it cannot take the action %[5]s (%[4]s); allowed now: %[6]s"},
	"action.conflict.taken.none": {"该事件已由 %[1]s 受理，当前状态为 %[2]s（%[3]s），不能再执行“%[4]s”(%[5]s)；现在可执行：无",
		"the case was taken by %[1]s first and is %[3]s (%[2]s) now, so it cannot take the action %[5]s (%[4]s); none is allowed now"},

	// Search (查询) in the store.
	"search.holding.unknown":     {"未知的受理层级 %q（应为 own 本级 或 below 下级）", "unknown holding level %q (own or below)"},
	"search.person.forbidden":    {"您的角色不能按人员姓名或电话查询", "your role may not search by a person's name or phone number"},
	"search.person.empty":        {"请输入完整的姓名或电话号码", "enter a whole name or phone number"},
	"search.person.unavailable":  {"本系统的数据密钥不支持按人员查询", "this deployment's data key does not allow searching by person"},
	"search.person.index.failed": {"无法为已有事件的人员建立查询索引", "cannot index the people of earlier cases for search"},
	"search.offset.negative":     {"页码无效", "invalid page"},

	// The search page (查询).
	"search.title":          {"事件查询", "Search cases"},
	"search.q":              {"编号或标题", "Number or title"},
	"search.person":         {"当事人或上报人", "Party or reporter"},
	"search.person.hint":    {"完整姓名或电话号码", "whole name or phone number"},
	"search.person.audited": {"按姓名或电话查询须完整输入，精确匹配，每次查询记入审计日志。", "A name or phone number must be whole and matches exactly; every search by a person is written to the audit log."},
	"search.from":           {"上报日期自", "Reported from"},
	"search.to":             {"至", "to"},
	"search.grid":           {"网格名称", "Grid name"},
	"search.submit":         {"查询", "Search"},
	"search.total":          {"共 %d 件", "%d cases"},
	"search.page":           {"第 %d / %d 页", "page %d of %d"},
	"search.pages":          {"分页", "Pages"},
	"search.empty":          {"没有符合条件的事件。", "No case matches."},
	"search.date.bad":       {"日期格式应为 年-月-日，如 2026-03-02：%q", "a date is year-month-day, e.g. 2026-03-02: %q"},
	"search.date.order":     {"结束日期早于开始日期", "the end date is before the start date"},
	"search.page.bad":       {"页码无效：%q", "invalid page: %q"},
	"pager.prev":            {"上一页", "Previous page"},
}
