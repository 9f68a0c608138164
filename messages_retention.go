package pingan

// retentionMessages: retention of personal data and the citizens' requests about it (retention.go, store/retention.go, jobs, web).
var retentionMessages = map[string][2]string{
	"retention.kind.unknown":  {"未知的事项类型：%s", "unknown kind: %s"},
	"retention.short.dispute": {"不得短于 %d 个月（人民调解卷宗至少保存三年）", "must be at least %d months (mediation files are kept at least three years)"},
	"retention.short.petition": {"不得短于 %d 个月（信访档案按《信访工作条例》归档保存）",
		"must be at least %d months (petition files are archived under the Regulations on Petition Work)"},
	"retention.short.other":          {"不得短于 %d 个月", "must be at least %d months"},
	"retention.long":                 {"不得超过 %d 个月", "must be at most %d months"},
	"personal.request.kind.bad":      {"请选择查阅或更正", "choose to see or to correct"},
	"personal.request.text.required": {"请写明需要更正的内容", "say what is to be corrected"},
	"personal.request.text.long":     {"不得超过 %d 个字", "at most %d characters"},
	"personal.purged":                {"个人信息已按保存期限删除", "personal data deleted at the end of its retention"},
	"personal.task.title.view":       {"群众申请查阅个人信息（事件 %s）", "A citizen asks to see their personal data (case %s)"},
	"personal.task.title.correct":    {"群众申请更正个人信息（事件 %s）", "A citizen asks to correct their personal data (case %s)"},
	"personal.task.content.view": {"报告人通过查询码申请查阅本事件中本人的个人信息。请核实身份后在 %d 个工作日内答复（《个人信息保护法》第四十五条、第五十条）。",
		"The reporter, with the query code, asks to see their personal data in this case. Check who they are and answer within %d working days (PIPL art. 45, 50)."},
	"personal.task.content.correct": {"报告人通过查询码申请更正本事件中本人的个人信息。请核实身份后在 %d 个工作日内更正或说明理由（《个人信息保护法》第四十六条、第五十条）。申请内容：",
		"The reporter, with the query code, asks to correct their personal data in this case. Check who they are and correct it or give the reason within %d working days (PIPL art. 46, 50). The request:"},
}
