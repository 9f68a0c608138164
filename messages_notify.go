package pingan

// notifyMessages are the messages of notifications: the bell and the notices sent out.
var notifyMessages = map[string][2]string{
	// The bell and its page.
	"notify.title":        {"提醒", "Notifications"},
	"notify.bell.unread":  {"%d 条未读提醒", "%d unread notifications"},
	"notify.none":         {"暂无提醒。", "No notifications."},
	"notify.read.all":     {"全部标为已读", "Mark all read"},
	"notify.read.one":     {"标为已读", "Mark read"},
	"notify.unread":       {"未读", "Unread"},
	"notify.col.kind":     {"提醒", "Notification"},
	"notify.col.case":     {"事件", "Case"},
	"notify.col.at":       {"时间", "When"},
	"notify.col.read":     {"状态", "State"},
	"notify.read":         {"已读", "Read"},
	"notify.marked":       {"已将 %d 条提醒标为已读。", "%d notifications marked read."},
	"notify.ids.bad":      {"提醒编号应为数字：%s", "A notification id must be a number: %s"},
	"notify.case.gone":    {"（该事件已不在您的辖区内）", "(this case is no longer in your jurisdiction)"},
	"notify.via.unit":     {"发给本单位", "to your unit"},
	"notify.via.personal": {"发给您本人", "to you"},

	"notify.kind.dispatched":   {"事件派遣到本单位，请签收", "A case was dispatched to your unit: sign for it"},
	"notify.kind.sign_due":     {"签收时限将至", "The sign deadline is near"},
	"notify.kind.supervised":   {"事件被督办", "A supervision order was issued on the case"},
	"notify.kind.returned":     {"您派遣的事件被退回，请重新派遣", "A case you dispatched was returned: dispatch it again"},
	"notify.kind.dissatisfied": {"事件评价为不满意", "The case was rated dissatisfied"},

	// Notices to staff groups (企业微信/政务微信, 钉钉): the case number, a
	// unit's name and a deadline, never the case's content or people.
	"notify.group.dispatched":   {"【平安建设】事件 %s 已派遣至%s，请于 %s 前签收。", "[Pingan] Case %s was dispatched to %s: sign for it by %s."},
	"notify.group.sign_due":     {"【平安建设】事件 %s 的签收时限将至（%[3]s），承办单位：%[2]s。", "[Pingan] The sign deadline of case %s is near (%[3]s); assigned to %[2]s."},
	"notify.group.supervised":   {"【平安建设】事件 %s 已被督办，请加快办理。", "[Pingan] A supervision order was issued on case %s: speed up its handling."},
	"notify.group.returned":     {"【平安建设】事件 %s 被承办单位退回，请重新派遣。", "[Pingan] Case %s was returned by the assigned unit: dispatch it again."},
	"notify.group.dissatisfied": {"【平安建设】事件 %s 的评价为不满意，请回访核实。", "[Pingan] Case %s was rated dissatisfied: follow it up."},

	// Text messages to the citizen who left a phone: the number and nothing else of the case.
	"notify.sms.accepted": {"【平安建设】您反映的事件已受理，编号 %s，可凭编号查询办理进度。", "[Pingan] Your report was accepted as case %s; follow it by its number."},
	"notify.sms.closed":   {"【平安建设】您反映的事件（编号 %s）已办结，欢迎评价。", "[Pingan] Your case %s was closed; you are welcome to rate it."},

	// Sending, and the configuration of the senders.
	"notify.send.status":          {"%s 答复 HTTP %d：%s", "%s answered HTTP %d: %s"},
	"notify.send.errcode":         {"%s 答复错误 %d：%s", "%s answered error %d: %s"},
	"notify.send.address":         {"短信网关地址无效", "the text message gateway's address is not valid"},
	"notify.channel.wecom":        {"企业微信", "WeCom"},
	"notify.channel.dingtalk":     {"钉钉", "DingTalk"},
	"notify.channel.sms":          {"短信网关", "the text message gateway"},
	"notify.send.none":            {"未配置 %s 发送通道", "no sender is configured for %s"},
	"notify.flag.wecom":           {"企业微信或政务微信群机器人的 Webhook 地址（含 key）；设置后，派遣、签收时限将至、督办、退回、不满意评价推送到该群", "webhook address of a WeCom (or 政务微信) group robot, with its key; when set, dispatches, sign deadlines near, supervision orders, returns and dissatisfied ratings are posted to the group"},
	"notify.flag.dingtalk":        {"钉钉群机器人的 Webhook 地址（含 access_token）；推送内容同上", "webhook address of a DingTalk group robot, with its access_token; posts the same"},
	"notify.flag.dingtalk.secret": {"钉钉群机器人的加签密钥（SEC 开头），未启用加签时留空", "signing secret of the DingTalk robot (SEC…), empty when it does not sign"},
	"notify.flag.sms.url":         {"短信网关地址模板，可用 {{.Phone}} {{.Text}} {{.Number}}；设置后，留有电话的群众在受理和办结时收到短信", "address template of the text message gateway, with {{.Phone}} {{.Text}} {{.Number}}; when set, a citizen who left a phone gets a text at acceptance and at closing"},
	"notify.flag.sms.body":        {"短信网关请求正文模板，可用 {{json .Phone}} {{json .Text}} {{.Number}} 与 urlquery", "body template of the gateway's request, with {{json .Phone}} {{json .Text}} {{.Number}} and urlquery"},
	"notify.flag.sms.method":      {"短信网关请求方法", "HTTP method of the gateway's request"},
	"notify.flag.sms.type":        {"短信网关请求正文的 Content-Type", "Content-Type of the gateway's request body"},
	"notify.flag.sign.within":     {"签收时限前多久提醒承办单位", "how long before a sign deadline the assigned unit is reminded"},
	"notify.config.url":           {"%s 应为 http 或 https 地址：%q", "%s must be an http or https address: %q"},
	"notify.config.tmpl":          {"%s 模板无效：%v", "%s is not a valid template: %v"},
	"notify.config.body":          {"设置了短信网关地址 (%s) 时须同时设置短信正文模板 (%s)", "the text message gateway (%s) needs its body template (%s)"},
	"notify.config.sign":          {"设置了钉钉加签密钥 (%s) 时须同时设置钉钉机器人地址 (%s)", "the DingTalk signing secret (%s) needs the DingTalk robot address (%s)"},
}
