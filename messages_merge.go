package pingan

// mergeMessages are the sentences of merging duplicates and linking cases (合并重复件、关联案件).
var mergeMessages = map[string][2]string{
	"merge.to_case.self":  {"不能与案件本身合并或关联", "a case cannot be merged into or linked with itself"},
	"merge.into.merged":   {"案件 %s 已并入案件 %s，请合并到 %[2]s", "case %s was merged into case %s; merge into %[2]s"},
	"merge.into.rejected": {"案件 %s 已不予受理，不能作为主案", "case %s was rejected and cannot be the main case"},
	"link.exists":         {"案件 %s 与 %s 已关联", "cases %s and %s are linked already"},
	"link.missing":        {"案件 %s 与 %s 没有关联", "cases %s and %s are not linked"},

	// The case page and the citizen's page.
	"link.card":            {"关联案件", "Linked cases"},
	"link.none":            {"没有关联案件", "No linked cases"},
	"link.hidden":          {"另有 %d 件不在您的辖区", "%d more outside your jurisdiction"},
	"link.to_case":         {"关联的案件编号", "Case number to link"},
	"merge.banner":         {"本案件已并入", "This case was merged into"},
	"merge.merged":         {"已并入本案的重复件", "Duplicates merged into this case"},
	"merge.form":           {"合并到", "Merge into"},
	"merge.to_case":        {"主案编号", "Main case number"},
	"merge.next":           {"下一步", "Next"},
	"merge.confirm":        {"将本案件并入 %s「%s」（%s）？合并后本案件不再办理，由主案办理。", "Merge this case into %s “%s” (%s)? It will no longer be handled; the main case carries the work."},
	"merge.confirm.button": {"确认合并", "Merge"},
	"merge.cancel":         {"取消", "Cancel"},
	"pub.merged":           {"您反映的问题已与案件 %s 合并办理", "Your report is handled together with case %s"},
	"pub.merged.status":    {"合并办理的案件状态", "Status of the case handling it"},
}
