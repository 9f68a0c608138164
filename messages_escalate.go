package pingan

// escalateMessages are the messages of escalation and where a case goes
// after an action, the words the case page renders in place of stored
// values (web/words.go), and the citizen's view of the outcome.
var escalateMessages = map[string][2]string{
	// Where an escalation goes (docs/escalation.md), shown before it is confirmed.
	"escalate.target":         {"将上报至：%[1]s（%[2]s）", "Goes to: %[1]s (%[2]s)"},
	"escalate.target.none":    {"本案件已在最高一级，无法再上报", "The case is at the top of the tree: there is nowhere to escalate it"},
	"escalate.level.province": {"省级", "the province"},
	"escalate.level.city":     {"市级", "the city"},
	"escalate.level.county":   {"县（区）级", "the county"},
	"escalate.level.township": {"乡镇（街道）级", "the township"},
	"escalate.level.village":  {"村（社区）级", "the village"},
	// The escalation of a case in words, on its page.
	"case.escalated.words": {"已上报 %[1]d 次，现由%[2]s受理", "Escalated %[1]d times; now held by %[2]s"},
	"case.escalated.to":    {"已上报至%[1]s（%[2]s）", "Escalated to %[1]s (%[2]s)"},
	"case.map":             {"位置图", "Map"},
	"case.map.point":       {"事件位置", "Where it happened"},

	// After an action that takes the case out of the reader's jurisdiction.
	"moved.escalate": {"已上报案件 %[1]s：案件已转至%[2]s受理，不再在您的待办中。", "Case %[1]s was escalated to %[2]s and has left your work list."},
	"moved.return":   {"已退回案件 %[1]s：案件已回到%[2]s，由其重新派遣。", "Case %[1]s was sent back to %[2]s, which will dispatch it again."},
	"moved.other":    {"已办理案件 %[1]s（%[3]s）：案件现由%[2]s受理，不在您的辖区内。", "Case %[1]s: %[3]s done; it is now held by %[2]s, outside your jurisdiction."},

	// Stored values rendered by key (web/words.go).
	"actor.system":         {"系统", "System"},
	"actor.citizen":        {"群众", "Citizen"},
	"escalate.auto.reason": {"超过办结时限自动上报", "Resolve deadline missed: escalated automatically"},
	"party.applicant":      {"申请人", "Applicant"},
	"party.respondent":     {"被申请人", "Respondent"},
	"party.party":          {"当事人", "Party"},
	"party.reporter":       {"反映人", "Reporter"},
	"party.witness":        {"证人", "Witness"},

	// A change of a rate, in percentage points (web/dashboard.go).
	"dash.points": {" 个百分点", " pp"},

	// The outcome the citizen reads before rating.
	"pub.reason":      {"不予受理理由", "Why it was not accepted"},
	"pub.handler":     {"办理单位", "Handled by"},
	"pub.result":      {"办理结果", "Result"},
	"pub.rate.before": {"请先查看上面的办理结果，再作评价。", "Please read the result above before you rate it."},
}
