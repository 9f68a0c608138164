package pingan

// statsMessages are the sentences of the statistics: the query's errors,
// the rates and their formulas.
var statsMessages = map[string][2]string{
	"stats.day.whole":        {"统计按整日计算，须为某日 0 时（北京时间）", "statistics count whole days: give a date, or midnight China Standard Time"},
	"stats.to.before":        {"结束日期须晚于开始日期", "must be after from"},
	"stats.span.long":        {"统计区间不得超过 10 年", "a period may not exceed 10 years"},
	"stats.kind.unknown":     {"未知事件类型 %s", "unknown kind %s"},
	"stats.source.unknown":   {"未知来源 %s", "unknown source %s"},
	"stats.category.unknown": {"未知类别 %s", "unknown category %s"},
	"stats.grid.unknown":     {"网格 %s 不存在或不在该单位辖区", "grid %s does not exist or lies outside the unit"},
	"api.stats.series":       {"series 只能为 month", "series may only be month"},
	"stats.dim.unknown":      {"未知分组 %s（可用 unit、grid、category、kind、source、org）", "unknown breakdown %s (use unit, grid, category, kind, source or org)"},

	"rate.resolution.formula":     {"办结率 = (已办结 + 已结案) ÷ (上报数 − 不予受理 − 已合并)", "resolution = (resolved + closed) ÷ (reported − rejected − merged)"},
	"rate.closing.formula":        {"结案率 = 已结案 ÷ (上报数 − 不予受理 − 已合并)", "closing = closed ÷ (reported − rejected − merged)"},
	"rate.on_time.formula":        {"按期办结率 = 未曾超期的已办结与已结案 ÷ (已办结 + 已结案)", "on time = resolved or closed never overdue ÷ (resolved + closed)"},
	"rate.closed_on_time.formula": {"按期结案率 = 按期结案数 ÷ (应结案数 − 缓办数)；应结案数 = 已结案 + 在办曾超期，缓办数 = 在办曾超期且挂起", "closed on time = closed never overdue ÷ (due − deferred); due = closed + open overdue, deferred = open overdue and suspended"},
	"rate.response.formula":       {"响应率 = 按时签收数 ÷ 签收数", "response = signed on time ÷ signed"},
	"rate.rework.formula":         {"返工率 = 返工过的案件 ÷ (已结案 + 返工过的案件)", "rework = cases reworked ÷ (closed + reworked)"},
	"rate.satisfaction.formula":   {"满意率 = (满意 + 基本满意) ÷ 评价数", "satisfaction = (satisfied + basically satisfied) ÷ rated"},
	"rate.escalation.formula":     {"上交率 = 上报上级过的案件 ÷ 上报数", "escalation = cases escalated ÷ reported"},
	"rate.none.closing":           {"本期没有受理的案件，无可计算", "no cases received in this period: nothing to count"},
	"rate.none.closed_on_time":    {"本期没有应结案的案件，无可计算", "no cases due in this period: nothing to count"},
	"rate.none.response":          {"本期没有签收的案件，无可计算", "no cases signed in this period: nothing to count"},
	"rate.none.rework":            {"本期没有核查过的案件，无可计算", "no cases verified in this period: nothing to count"},
	"dash.rate.closing":           {"结案率", "Closing rate"},
	"dash.rate.closed_on_time":    {"按期结案率", "Closed on time"},
	"dash.rate.response":          {"响应率", "Response rate"},
	"dash.rate.rework":            {"返工率", "Rework rate"},
}
