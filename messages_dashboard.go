package pingan

// dashboardMessages are the sentences of the dashboard's filters, figures
// and breakdowns (docs/statistics.md, "On the dashboard").
var dashboardMessages = map[string][2]string{
	"dash.formula.received":       {"上报数：本期上报、在本单位辖区内的案件", "reported: the cases reported in the period that lie in the unit's jurisdiction"},
	"dash.formula.sensitive_open": {"重大敏感在办：标为重大敏感、尚未办结的案件，不论何时上报", "sensitive, open: the open cases marked sensitive, whenever reported"},
	"dash.filters":                {"筛选", "Filters"},
	"dash.filter.all":             {"全部", "All"},
	"dash.filter.apply":           {"筛选", "Apply"},
	"dash.filter.clear":           {"清除筛选", "Clear filters"},
	"dash.filter.kind":            {"种类", "Kind"},
	"dash.filter.category":        {"类别", "Category"},
	"dash.filter.source":          {"来源", "Source"},
	"dash.filter.grid":            {"网格", "Grid"},
	"dash.filter.unit":            {"单位", "Unit"},
	"dash.filter.from":            {"开始日期", "From"},
	"dash.filter.to":              {"结束日期", "To"},
	"dash.filter.bad":             {"筛选条件有误：%s", "A filter is wrong: %s"},
	"dash.filter.yesno":           {"取值无效：%s", "not a valid value: %s"},
	"dash.num.cases":              {"分子案件：%d 件，基数 %d", "counted: %d of %d"},
	"dash.overdue.ever":           {"曾超期 %d", "%d ever overdue"},
	"dash.ever":                   {"曾超期", "Ever overdue"},
	"dash.bycategory":             {"按类别", "By category"},
	"dash.bysource":               {"按来源", "By source"},
	"dash.breakdown.none":         {"本期没有案件", "No cases in this period"},
	"dash.grids":                  {"网格", "Grids"},
	"dash.grids.none":             {"本期网格内没有案件", "No cases in the grids in this period"},
	"dash.grid.name":              {"网格", "Grid"},
}
