package pingan

// fieldMessages are the sentences of the trade fields in lists and on the phone page.
var fieldMessages = map[string][2]string{
	// The lists (inbox, search): the tags and number of a row, the filters.
	"fields.hotline.short":     {"12345 %s", "12345 %s"},
	"fields.urgency.atleast":   {"紧急及以上", "Urgent or critical"},
	"fields.sensitive.only":    {"仅重大敏感", "Major and sensitive only"},
	"fields.q.hint":            {"编号、标题、地址、12345 工单号", "number, title, address, 12345 no."},
	"dash.rate.sensitive_open": {"重大敏感在办", "Sensitive, open"},
	"fields.dash.sensitive":    {"在办，不限上报时间", "open now, whenever reported"},

	// The phone page.
	"fields.m.sensitive.hint": {"涉及群体性、舆情或重大安全隐患的事件请勾选", "tick for a matter of crowds, public opinion or a grave hazard"},
}
