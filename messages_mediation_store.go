package pingan

// mediationStoreMessages are the words of the record of mediation as the
// store keeps it and the API serves it: the refusals of a report's
// parties and facts, of parties given on accept, of the rules for
// disputes, and the notices of the deadline watch of agreements.
var mediationStoreMessages = map[string][2]string{
	"report.parties.many":           {"当事人最多 %d 个（群体性纠纷请填写代表人）", "at most %d parties (name the representatives of a group dispute)"},
	"report.party.role":             {"未知当事人身份 %s（可用 applicant、respondent、party）", "unknown party role %s (use applicant, respondent or party)"},
	"report.party.type":             {"未知当事人类型 %s（可用 person、organisation）", "unknown party type %s (use person or organisation)"},
	"report.dispute.kind":           {"只有矛盾纠纷可以填写纠纷情况，该事件类型为 %s", "only a dispute has the facts of a dispute; this case is of kind %s"},
	"report.source.court":           {"法院委派的只能是矛盾纠纷，该事件类型为 %s", "a court refers disputes only; this case is of kind %s"},
	"dispute.settings.forbidden":    {"只有全辖区的管理员可以修改矛盾纠纷设置", "only an administrator of the whole tree may change the rules for disputes"},
	"mediation.parties.accept":      {"当事人只能在上报或受理时填写", "parties are given with the report or on accept"},
	"mediation.parties.dispute":     {"只有矛盾纠纷可以填写当事人", "only a dispute has parties to give on accept"},
	"mediation.not_dispute":         {"事件 %s 不是矛盾纠纷，没有调解记录", "case %s is no dispute: it has no mediation"},
	"mediation.term_overdue.sealed": {"协议第 %d 项已过履行期限 %s 仍未履行", "term %d was due on %s and is not performed"},
	"notify.kind.term_overdue":      {"调解协议有条款逾期未履行，事件已退回调解", "A term of the agreement is overdue: the case is back for mediation"},
	"notify.kind.confirm_due":       {"司法确认申请期限将至", "The time to apply for judicial confirmation ends soon"},
	"notify.kind.revisit_due":       {"调解回访到期", "The follow-up visit is due"},
	"notify.group.term_overdue":     {"【平安建设】纠纷 %s 的调解协议有条款逾期未履行，请跟进。", "[Pingan] A term of the agreement of dispute %s is overdue: follow it up."},
	"notify.group.confirm_due":      {"【平安建设】纠纷 %s 的司法确认申请期限将至。", "[Pingan] The time to apply for judicial confirmation of dispute %s ends soon."},
	"notify.group.revisit_due":      {"【平安建设】纠纷 %s 的回访已到期，请回访。", "[Pingan] The follow-up visit of dispute %s is due."},
}
