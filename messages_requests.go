package pingan

// requestMessages are the sentences of a handler's request for an
// extension or a suspension and the centre's answer (延期、挂起申请与审批).
var requestMessages = map[string][2]string{
	"action.conflict.request.none": {"案件当前状态为 %[1]s（%[2]s），没有待审批的申请，不能执行“%[3]s”(%[4]s)",
		"the case is %[2]s (%[1]s) and has no pending request, so it cannot take the action %[4]s (%[3]s)"},
	"action.conflict.request.pending": {"案件当前状态为 %[1]s（%[2]s），已有待审批的“%[5]s”，不能执行“%[3]s”(%[4]s)；请等待中心批准或驳回",
		"the case is %[2]s (%[1]s) and already has a pending %[6]s, so it cannot take the action %[4]s (%[3]s) until the centre approves or refuses it"},
	"action.request.suspended": {"案件已挂起，不能再批准挂起申请", "the case is suspended already; the request to suspend it cannot be approved"},
	"case.request":             {"待审批申请", "Pending request"},
	"case.request.extend":      {"处置单位申请延期 %d 天：%s", "The handling unit asks for %d more days: %s"},
	"case.request.suspend":     {"处置单位申请挂起：%s", "The handling unit asks to suspend the case: %s"},
}
