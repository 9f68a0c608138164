package pingan

// assessMessages are the words of the assessment's model (assess.go): its
// periods, schemes, rules, inputs, notices and corrections.
var assessMessages = map[string][2]string{
	"capability.assess.schemes": {"只有考核人员可以制定考核方案", "Only assessors define schemes"},
	"assess.year.bad":           {"年度 %d 无效：须为 2000 至 2100", "the year %d is not 2000 to 2100"},
	"assess.level.bad":          {"考核层级「%s」无效：县（区）、乡镇（街道）或村（社区）", "unknown level “%s”: county, township or village"},
	"assess.indicators.many":    {"指标不能超过 %d 项", "at most %d indicators"},
	"assess.key.twice":          {"指标代码「%s」重复", "the key “%s” is used twice"},
	"assess.weight.bad":         {"权重须大于 0、不超过 100", "the weight must be above 0 and at most 100"},
	"assess.weights.sum":        {"各指标权重之和为 %s，须为 100", "the weights sum to %s, not 100"},
	"assess.rate.unknown":       {"没有名为「%s」的统计指标", "there is no rate “%s”"},
	"assess.source.bad":         {"指标来源「%s」无效：系统计算或人工评分", "unknown source “%s”: computed or manual"},
	"assess.rule.bad":           {"计分规则「%s」无效：线性、阈值或排名", "unknown rule “%s”: linear, threshold or rank"},
	"assess.rate.range":         {"须为 0 至 1 之间的比率", "must be a rate from 0 to 1"},
	"assess.share.range":        {"得分比例须为 0 至 1", "the share must be 0 to 1"},
	"assess.floor.above":        {"下限 %s%% 不低于目标 %s%%", "the floor %s%% is not below the target %s%%"},
	"assess.floor.below":        {"该指标越低越好，下限 %s%% 须高于目标 %s%%", "less is better here: the floor %s%% must be above the target %s%%"},
	"assess.steps.order":        {"阈值须逐级提高，得分比例逐级增加", "each step must be better than the one before and earn more"},
	"assess.grades.order":       {"等次分数线须由高到低、在 0 至 100 之间", "the grades' minimums must descend within 0 to 100"},
	"assess.grades.last":        {"最低等次的分数线须为 0", "the last grade's minimum must be 0"},
	"assess.points.range":       {"须为 0 至 100 分", "must be 0 to 100 points"},
	"assess.yellow.above":       {"黄色分数线须在 0 和绿色分数线之间", "the yellow line must lie between 0 and the green line"},
	"assess.objection_days.bad": {"申诉期须为 1 至 30 个工作日", "the objection period must be 1 to 30 working days"},
	"assess.indicator.manual":   {"「%s」不是本方案的人工评分指标", "“%s” is not a manual indicator of this scheme"},
	"assess.indicator.none":     {"本方案没有指标「%s」", "the scheme has no indicator “%s”"},
	"assess.score.range":        {"得分须为 0 至 %s 分", "the score must be 0 to %s points"},
	"assess.deduction.range":    {"扣分须大于 0、不超过 100", "a deduction must be above 0 and at most 100 points"},
	"assess.input.kind":         {"录入类型「%s」无效：评分、扣分或一票否决", "unknown kind “%s”: score, deduction or veto"},
	"assess.notice.kind":        {"类型「%s」无效：通报或约谈", "unknown kind “%s”: notice or interview"},
	"assess.day.bad":            {"「%s」不是日期（年-月-日）", "“%s” is not a date (YYYY-MM-DD)"},
	"assess.unit.none":          {"单位 %s 不在本期考核之列", "unit %s is not assessed in this period"},
	"assess.correction.one":     {"一次更正只改一项：一个指标的得分或一项扣分", "a correction changes one thing: an indicator's score or a deduction"},
	"assess.deduction.none":     {"扣分项 %d 不存在", "deduction %d does not exist"},
	"assess.tie_rule":           {"同分时：被一票否决的排在最后；其次按总分由高到低；总分相同按方案中指标顺序逐项比较得分，高者在前；再相同扣分少者在前；最后按单位代码", "Ties: a vetoed unit after every other; then the higher total; then the higher score on each indicator in the scheme's order; then the fewer points deducted; then the unit code"},
	"assess.period.bad":         {"「%s」不是考核期：月（2026-11）、季度（2026-Q4）或年度（2026）", "“%s” is not a period: a month (2026-11), quarter (2026-Q4) or year (2026)"},
	"assess.no_base":            {"本期无可考核事项，得满分", "nothing to count this period: full marks"},
	"assess.band.green":         {"绿", "Green"},
	"assess.band.yellow":        {"黄", "Yellow"},
	"assess.band.red":           {"红", "Red"},
	"assess.source.computed":    {"系统计算", "Computed"},
	"assess.source.manual":      {"人工评分", "Manual"},
	"assess.rule.linear":        {"线性", "Linear"},
	"assess.rule.threshold":     {"阈值", "Threshold"},
	"assess.rule.rank":          {"排名", "Rank"},
	"assess.input.score":        {"评分", "Score"},
	"assess.input.deduction":    {"扣分", "Deduction"},
	"assess.input.veto":         {"一票否决", "Veto"},
	"assess.notice.notice":      {"通报", "Notice"},
	"assess.notice.interview":   {"约谈", "Interview"},
	"assess.status.draft":       {"未发布", "Draft"},
	"assess.status.published":   {"已发布", "Published"},
	"assess.period.month":       {"月度", "Month"},
	"assess.period.quarter":     {"季度", "Quarter"},
	"assess.period.year":        {"年度", "Year"},
}

// The words of the assessment's store and API (store/assess*.go,
// api/assess.go); of its pages (web/assess*.go); of the monthly report
// (平安报表); and of the handling units' evaluation.
var (
	assessStoreMessages = map[string][2]string{}
	assessWebMessages   = map[string][2]string{}
	monthlyMessages     = map[string][2]string{}
	handlerMessages     = map[string][2]string{}
)
