package pingan

// cohandleMessages are the sentences of co-handling (主办/协办).
var cohandleMessages = map[string][2]string{
	"action.conflict.assist.none": {"本单位不是该案件的协办单位，案件当前状态为 %[1]s（%[2]s），不能执行“%[3]s”(%[4]s)",
		"your unit does not assist this case, which is %[2]s (%[1]s), so it cannot take the action %[4]s (%[3]s)"},
	"action.conflict.assist.state": {"案件当前状态为 %[1]s（%[2]s），本单位的协办为“%[5]s”(%[6]s)，不能执行“%[3]s”(%[4]s)",
		"the case is %[2]s (%[1]s) and your unit's assist is %[6]s (%[5]s), so it cannot take the action %[4]s (%[3]s)"},
	"action.assist_units.main":    {"协办单位 %s 已是主办单位", "the assisting unit %s is the handling unit already"},
	"action.assist_units.many":    {"协办单位最多 %d 个", "at most %d assisting units"},
	"action.assist_units.twice":   {"协办单位 %s 重复", "the assisting unit %s is named twice"},
	"action.assist_units.unknown": {"协办单位 %s 不存在或不在辖区内", "the assisting unit %s does not exist or is outside your jurisdiction"},
	"action.resolve.assists": {"协办单位尚未全部反馈，不能办结反馈：%s 未反馈",
		"not every assisting unit has reported, so the case cannot be resolved yet: %s still to report"},

	"assist.state.dispatched": {"待签收", "To sign"},
	"assist.state.signed":     {"办理中", "In progress"},
	"assist.state.reported":   {"已反馈", "Reported"},
	"assist.state.withdrawn":  {"已撤回", "Withdrawn"},

	"case.assists":             {"协办单位", "Assisting units"},
	"case.assists.unit":        {"单位", "Unit"},
	"case.assists.state":       {"状态", "State"},
	"case.assists.result":      {"协办反馈", "Report"},
	"case.assists.field":       {"协办单位（可多选）", "Assisting units (any number)"},
	"case.assists.main":        {"主办单位", "Handling unit"},
	"case.assists.pick":        {"添加协办单位", "Add an assisting unit"},
	"case.assists.remove":      {"移除", "Remove"},
	"case.assists.sign.hint":   {"本单位为该案件的协办单位，请签收", "Your unit assists this case: sign for it"},
	"case.assists.report.hint": {"请填写本单位的协办情况", "Report what your unit did"},
	"tab.assist":               {"协办", "Assisting"},
	"inbox.assist.state":       {"协办状态", "Assist"},
	"notify.assist.dispatched": {"事件 %s 请你单位协办", "Case %s: your unit is asked to assist"},
}
