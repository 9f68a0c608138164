package pingan

// disputeNumberMessages are the words of routing disputes to mediation
// organisations (多元化解) and of their numbers on the dashboard and in
// the statistics (docs/disputes.md).
var disputeNumberMessages = map[string][2]string{
	"unit.org_type.unknown":          {"未知调解组织类型 %s", "unknown kind of mediation organisation %s"},
	"category.org_type.dispute":      {"只有矛盾纠纷类事项可指定调解组织类型", "only categories of disputes name a kind of mediation organisation"},
	"unit.org_type":                  {"调解组织类型", "Mediation organisation"},
	"unit.org_type.none":             {"（非调解组织）", "(not a mediation organisation)"},
	"cat.org_type":                   {"默认调解组织", "Default mediation organisation"},
	"admin.units.org_type.title":     {"调解组织", "Mediation organisations"},
	"admin.units.org_type.form.hint": {"填写单位代码并选择调解组织类型，可将该单位设为调解组织（如镇调委会、医调委），选“非调解组织”则取消。", "Give a unit's code and a kind to make it a mediation organisation (a township committee, the medical committee); choose \"not a mediation organisation\" to undo it."},
	"admin.units.org_type.save":      {"保存", "Save"},
	"admin.units.org_type.saved":     {"已更新单位 %s 的调解组织类型", "The kind of mediation organisation of unit %s is saved"},
	"admin.units.org_type.hint":      {"可加 org_type 列标明调解组织类型，该列留空的行保留单位原有类型，可在“调解组织”中修改或清除。取值：", "An org_type column may name the kind of mediation organisation; a row that leaves it empty keeps the unit's, which \"Mediation organisations\" changes or clears. Its values:"},
	"export.sheet.org":               {"调解组织", "Mediation organisations"},
	"stats.mediation.unknown":        {"未知调解指标 %s（可用 mediated、agreed、settled、confirmed、perform_base、performed）", "unknown measure of mediation %s (use mediated, agreed, settled, confirmed, perform_base or performed)"},
	"rate.none.mediation_success":    {"本期没有调解终结的纠纷，无可计算", "no mediation ended in this period: nothing to count"},
	"rate.none.settlement":           {"本期没有受理的矛盾纠纷，无可计算", "no disputes accepted in this period: nothing to count"},
	"rate.none.performance":          {"本期没有履行完毕或履行期届满的调解协议，无可计算", "no agreement performed or past its days in this period: nothing to count"},
	"dash.disputes":                  {"矛盾纠纷化解", "Dispute resolution"},
	"dash.disputes.hint":             {"本期上报、在本单位辖区内的矛盾纠纷；各数字链接到所计的纠纷，悬停可见计算公式。", "The disputes reported in the period in the unit's jurisdiction; each figure links to the disputes it counts and shows its formula on hover."},
	"dash.d_accepted":                {"受理数", "Accepted"},
	"dash.d_agreed":                  {"调解成功数", "Agreements"},
	"dash.d_confirmed":               {"司法确认数", "Judicially confirmed"},
	"dash.formula.d_accepted":        {"受理数 = 上报数 − 待受理 − 不予受理 − 已合并（矛盾纠纷）", "accepted = reported − awaiting registration − rejected − merged (disputes)"},
	"dash.formula.d_agreed":          {"调解成功数：经调解达成协议的纠纷", "agreements: the disputes whose mediation reached an agreement"},
	"dash.formula.d_confirmed":       {"司法确认数：调解协议经人民法院确认有效的纠纷", "judicially confirmed: the disputes whose agreement a court confirmed"},
	"dash.agreement_days.none":       {"本期没有达成协议的纠纷，无可计算", "no agreement in this period: nothing to count"},
	"dash.disputes.byorg":            {"按调解组织", "By mediation organisation"},
	"dash.disputes.byunit":           {"按下级单位", "By unit"},
	"dash.disputes.bycategory":       {"按纠纷类别（GB/T 31000-2015）", "By category (GB/T 31000-2015)"},
	"dash.disputes.bymonth":          {"按月", "By month"},
	"dash.disputes.col.org":          {"调解组织", "Mediation organisation"},
	"dash.disputes.col.unit":         {"单位", "Unit"},
	"dash.disputes.col.category":     {"类别", "Category"},
	"dash.disputes.col.month":        {"月份", "Month"},
}
