package pingan

// apikeyMessages: the API keys' admin page (web/admin_keys.go).
var apikeyMessages = map[string][2]string{
	"role.reporter":         {"接入上报", "Reporting system"},
	"apikey.admin.title":    {"接口密钥", "API keys"},
	"apikey.admin.help":     {"接口密钥供其他系统调用本平台：监测系统上报监测数据，Open311 客户端和 12345 热线转办上报事件。密钥代表所选单位，只能看到该单位辖区，拥有所选角色；每次使用都记入审计日志。", "API keys let other systems call pingan: monitoring systems send readings, Open311 clients and 12345 hotlines report cases. A key acts as the unit chosen, sees its jurisdiction only and holds the roles chosen; every use is written to the audit log."},
	"apikey.secret.title":   {"新密钥“%s”", "New key “%s”"},
	"apikey.secret.help":    {"请立即复制并妥善保存：密钥只显示这一次，平台只保存它的摘要，无法再次查看。", "Copy it now and keep it safe: the key is shown this once; pingan keeps only its hash and cannot show it again."},
	"apikey.list":           {"已有密钥", "Keys"},
	"apikey.name":           {"名称", "Name"},
	"apikey.unit":           {"代表单位", "Acts as unit"},
	"apikey.roles":          {"角色", "Roles"},
	"apikey.prefix":         {"密钥开头", "Begins with"},
	"apikey.created":        {"创建时间", "Created"},
	"apikey.last_used":      {"最近使用", "Last used"},
	"apikey.never":          {"从未使用", "never"},
	"apikey.revoked.at":     {"已吊销（%s）", "revoked (%s)"},
	"apikey.revoke":         {"吊销", "Revoke"},
	"apikey.revoke.confirm": {"吊销密钥“%s”？使用它的系统将立即无法调用。", "Revoke the key “%s”? Systems using it are refused at once."},
	"apikey.revoked":        {"已吊销密钥“%s”", "The key “%s” is revoked"},
	"apikey.none":           {"还没有接口密钥。", "No API keys yet."},
	"apikey.add":            {"新增密钥", "Add a key"},
	"apikey.add.submit":     {"生成密钥", "Make the key"},
	"apikey.added":          {"已生成密钥“%s”", "The key “%s” is made"},
	"apikey.roles.none":     {"请至少选择一个角色", "choose at least one role"},
}
