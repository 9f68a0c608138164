package pingan

// apikeyMessages: the API keys' admin page (web/admin_keys.go).
var apikeyMessages = map[string][2]string{
	"role.reporter":      {"接入上报", "Reporting system"},
	"apikey.admin.title": {"接口密钥", "API keys"},
}
