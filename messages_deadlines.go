package pingan

// deadlineMessages are the messages of deadlines and rates as people read them: overdue, supervision, countdowns.
var deadlineMessages = map[string][2]string{
	// Countdowns: minutes under an hour, hours under a day, then days (or
	// working days, for a deadline counted in them). English has a
	// singular of its own.
	"countdown.now":               {"即将到期", "due now"},
	"countdown.left.minutes":      {"还剩 %d 分钟", "%d minutes left"},
	"countdown.left.minutes.one":  {"还剩 %d 分钟", "%d minute left"},
	"countdown.left.hours":        {"还剩 %d 小时", "%d hours left"},
	"countdown.left.hours.one":    {"还剩 %d 小时", "%d hour left"},
	"countdown.left.days":         {"还剩 %d 天", "%d days left"},
	"countdown.left.days.one":     {"还剩 %d 天", "%d day left"},
	"countdown.left.workdays":     {"还剩 %d 个工作日", "%d working days left"},
	"countdown.left.workdays.one": {"还剩 %d 个工作日", "%d working day left"},
	"countdown.over.minutes":      {"已超期 %d 分钟", "%d minutes overdue"},
	"countdown.over.minutes.one":  {"已超期 %d 分钟", "%d minute overdue"},
	"countdown.over.hours":        {"已超期 %d 小时", "%d hours overdue"},
	"countdown.over.hours.one":    {"已超期 %d 小时", "%d hour overdue"},
	"countdown.over.days":         {"已超期 %d 天", "%d days overdue"},
	"countdown.over.days.one":     {"已超期 %d 天", "%d day overdue"},
	"countdown.over.workdays":     {"已超期 %d 个工作日", "%d working days overdue"},
	"countdown.over.workdays.one": {"已超期 %d 个工作日", "%d working day overdue"},
	"countdown.stopped.over":      {"挂起时已超期", "overdue when the clock stopped"},

	// 超期 now and 曾超期 (docs/deadlines.md).
	"deadline.supervise":         {"督办时限", "Supervision deadline"},
	"deadline.overdue":           {"超期", "Overdue"},
	"deadline.overdue.sign":      {"签收超期", "Sign overdue"},
	"deadline.overdue.resolve":   {"办结超期", "Resolve overdue"},
	"deadline.overdue.supervise": {"督办超期", "Supervision overdue"},
	"deadline.overdue.why":       {"当前须满足的时限已过", "a deadline the case must meet now has passed"},
	"deadline.missed":            {"曾超期", "Was overdue"},
	"deadline.missed.why":        {"此前错过过办结或督办时限，计入按时办结率；当前时限的状态另行显示", "missed a resolve or supervision deadline before, counted in the on-time rate; the current deadlines show their own state"},
	"deadline.none":              {"当前没有须满足的时限", "No deadline to meet now"},
	"deadline.card":              {"办理时限", "Deadlines"},

	// The inbox's filters that the dashboard's links set.
	"deadline.filter.unit":    {"单位：%s", "Unit: %s"},
	"deadline.filter.from":    {"上报起", "Reported from"},
	"deadline.filter.to":      {"上报止", "Reported to"},
	"deadline.filter.overdue": {"仅看超期", "Overdue only"},
	"deadline.filter.clear":   {"清除此条件", "remove this filter"},
	"deadline.date.bad":       {"「%s」不是有效日期，应写作 2026-03-01", "%q is not a date: write it as 2026-03-01"},
	"deadline.dates.order":    {"上报止日期早于上报起日期", "the end date is before the start date"},

	// Rates with nothing to count.
	"rate.none":              {"—", "—"},
	"rate.none.resolution":   {"本期没有受理的案件，无可计算", "no cases received in this period: nothing to count"},
	"rate.none.on_time":      {"本期没有办结的案件，无可计算", "no cases resolved in this period: nothing to count"},
	"rate.none.satisfaction": {"本期没有评价，无可计算", "no ratings in this period: nothing to count"},
	"rate.none.escalation":   {"本期没有受理的案件，无可计算", "no cases received in this period: nothing to count"},
	"dash.open.cases":        {"查看这些案件", "open these cases"},
}
