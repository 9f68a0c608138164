package pingan

// phoneMessages are the messages of the grid worker's phone page, online and offline.
var phoneMessages = map[string][2]string{
	// A refused report keeps what was typed; these say what to do next.
	"m.photo.again": {"照片未保存，请重新选择", "The photo was not kept: choose it again"},
	"m.photo.kept":  {"仍使用原来的照片，除非重新选择", "The photo taken before is kept unless you choose another"},

	// The outbox: reports kept on the phone, sent when the connection returns.
	"m.flushed":          {"已发送 %s 条：", "%s sent: "},
	"m.signin":           {"登录已失效：重新登录后，保存在本机的上报将自动发送", "Signed out: sign in again and the reports kept on this phone will be sent"},
	"m.refused":          {"未被受理的上报", "Reports refused"},
	"m.refused.help":     {"这些上报保存在本机，服务器未受理。修改后可重新发送。", "These reports are kept on this phone; the server refused them. Correct them and send them again."},
	"m.refused.n":        {"%s 条上报未被受理，请修改后重新发送", "%s reports were refused: correct them and send them again"},
	"m.refused.status":   {"服务器未受理（%s）", "Refused by the server (%s)"},
	"m.refused.field":    {"%s：%s", "%s: %s"},
	"m.refused.edit":     {"修改", "Correct"},
	"m.refused.drop":     {"放弃", "Discard"},
	"m.refused.editing":  {"正在修改一条未被受理的上报", "Correcting a refused report"},
	"m.refused.untitled": {"（无描述）", "(no description)"},
}
