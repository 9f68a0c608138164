package pingan

// roleMessages are the messages of who may do what: the role table and its refusals.
var roleMessages = map[string][2]string{
	"capability.forbidden":            {"你的角色无权进行此操作", "Your role may not do this"},
	"capability.read_cases.forbidden": {"你的角色无权查阅事件", "Your role may not read cases"},
	"capability.report.forbidden":     {"你的角色无权登记事件：只读、领导和考核角色不登记事件", "Your role may not report cases: viewers, leaders and assessors do not report"},
	"capability.patrol.forbidden":     {"网格巡查页面只供网格员使用", "The patrol page is for grid workers only"},
	"capability.statistics.forbidden": {"你的角色无权查看统计", "Your role may not read statistics"},
	"capability.assess.forbidden":     {"只有考核人员可以进行考核", "Only assessors may assess units"},
	"capability.admin.forbidden":      {"只有系统管理员可以使用此页面", "Administrators only"},
}
