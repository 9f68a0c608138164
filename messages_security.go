package pingan

// securityMessages: the separated administrators, password rules and sessions (security.go, store/security.go, web/admin_security.go).
var securityMessages = map[string][2]string{
	"capability.admin_security.forbidden": {"只有安全管理员可以管理角色、接口密钥和安全设置", "only a security administrator may change roles, API keys and security settings"},
	"capability.read_audit.forbidden":     {"只有审计管理员可以查看审计日志", "only an audit administrator may read the audit trail"},
}
