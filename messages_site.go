package pingan

// siteMessages are the words of the register of key sites and their inspections (重点场所, site.go).
var siteMessages = map[string][2]string{
	"capability.sites.forbidden":      {"您的角色不能查看重点场所", "your role may not see the key sites"},
	"capability.sites_edit.forbidden": {"您的角色不能维护重点场所", "your role may not change the key sites"},
	"capability.inspect.forbidden":    {"您的角色不能登记检查", "your role may not record inspections"},
}
