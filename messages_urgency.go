package pingan

// urgencyMessages are the messages of a case's fields of the trade: the
// 12345 work order number, the urgency and the 重大敏感 flag
// (docs/urgency.md).
var urgencyMessages = map[string][2]string{
	"urgency.hotline_no.long": {"12345 工单号不能超过 %d 个字符", "the 12345 work order number must be at most %d characters"},
	"urgency.hotline_no.bad":  {"12345 工单号只能包含字母和数字", "the 12345 work order number may hold only letters and digits"},
	"urgency.unknown":         {"未知紧急程度 %s", "unknown urgency %s"},

	// The staff report form and the case page.
	"urgency.field.hotline_no": {"12345 工单号", "12345 work order no."},
	"urgency.field.urgency":    {"紧急程度", "Urgency"},
	"urgency.field.sensitive":  {"重大敏感", "Major and sensitive"},
	"urgency.normal":           {"一般", "Normal"},
	"urgency.urgent":           {"紧急", "Urgent"},
	"urgency.critical":         {"特急", "Critical"},
	"urgency.sensitive":        {"重大敏感", "Major and sensitive"},
}
