package pingan

// caseImportMessages: cases imported from a file, the 12345 export form (caseimport.go).
var caseImportMessages = map[string][2]string{
	"capability.import_cases.forbidden": {"只有管理员和综治中心的受理人员可以导入事件", "only administrators and a centre's dispatchers may import cases"},
	"caseimport.admin.title":            {"导入事件", "Import cases"},
}
