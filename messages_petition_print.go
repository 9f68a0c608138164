package pingan

// petitionPrintMessages are the words of a petition's printed documents
// (信访文书, package paper) and of the page that serves them.
var petitionPrintMessages = map[string][2]string{
	"print.petition.nodoc":     {"没有要打印的信访文书", "No petition document to print"},
	"print.petition.footer":    {"信访事项编号：%s", "Petition no. %s"},
	"print.petition.addressee": {"%s：", "%s:"},
	"print.petition.someone":   {"信访人", "Petitioner"},
	"print.petition.notext":    {"（此页无正文）", "(This page has no text.)"},

	"print.petition.label.number":      {"信访事项编号", "Petition no."},
	"print.petition.label.petitioner":  {"信访人", "Petitioner"},
	"print.petition.label.channel":     {"信访形式", "Channel"},
	"print.petition.label.received":    {"收到日期", "Received on"},
	"print.petition.label.matter":      {"反映事项", "Matter"},
	"print.petition.label.unit":        {"转送/交办单位", "Forwarded to"},
	"print.petition.label.requirement": {"办理要求", "Requirements"},
	"print.petition.people":            {"（共%d人）", " (%d people)"},
	"print.petition.postmark":          {"（邮戳日期：%s）", " (postmarked %s)"},
	"print.petition.unit.mode":         {"%s（%s）", "%s (%s)"},
	"print.petition.require.transfer": {"请依照《信访工作条例》第二十二条的规定，自收到之日起15日内决定是否受理，并书面告知信访人。",
		"Under art. 22 of the Regulation on Letters and Visits, decide within 15 days of receipt whether to accept the matter and tell the petitioner in writing."},
	"print.petition.require.assign.by": {"本件为交办件：请于%s前办结，并向本机关报送办结报告。",
		"This matter is assigned: resolve it by %s and send this office the report of its result."},
	"print.petition.require.assign": {"本件为交办件：请在规定的办理期限内办结，并向本机关报送办结报告。",
		"This matter is assigned: resolve it within the period set and send this office the report of its result."},

	"print.petition.masked": {"信访文书载有信访人的个人信息；您查阅本案时个人信息已脱敏，不能打印信访文书",
		"A petition document names the petitioner; you see this case with personal data masked and cannot print its documents"},
	"print.petition.unavailable": {"未配置信访文书服务，无法打印信访文书", "The petition documents are not available here: they cannot be printed"},
	"print.petition.notfound":    {"该信访事项没有这份文书", "The petition has no such document"},
}
