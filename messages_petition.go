package pingan

// petitionMessages are the words of petitions (petition.go,
// workflow/petition.go): the refusals of bad input and the names of the
// channels, stages, opinions, documents and ways of delivery.
var petitionMessages = withPetitionNames(map[string][2]string{
	"petition.channel.unknown":       {"未知信访形式 %s（可用 letter、visit、phone、online、hotline）", "unknown channel %s (use letter, visit, phone, online or hotline)"},
	"petition.received.future":       {"收到日期不能晚于今天", "the day received cannot be in the future"},
	"petition.postmark.letter":       {"只有来信有邮戳日期", "only a letter has a postmark"},
	"petition.postmark.after":        {"邮戳日期不能晚于收到日期", "the postmark cannot be after the day received"},
	"petition.people.range":          {"人数须在 1 至 100000 之间", "the people must number 1 to 100000"},
	"petition.settings.days":         {"积案天数须在 1 至 3650 之间", "the days of a long-standing matter must lie between 1 and 3650"},
	"petition.settings.repeats":      {"积案重复次数须在 2 至 100 之间", "the petitions of a long-standing matter must number 2 to 100"},
	"report.petition.kind":           {"只有信访件有信访登记信息（此件类型为 %s）", "only a petition has a petition's registration (this is a %s)"},
	"report.representative.kind":     {"只有信访件有来访代表", "only a petition has representatives of a visit"},
	"report.representatives.many":    {"多人来访推选的代表不超过 %d 人（《信访工作条例》第二十条）", "a visit by many names at most %d representatives (art. 20 of the regulation)"},
	"petition.forward_mode.unknown":  {"未知转交方式 %s（可用 transfer 转送、assign 交办）", "unknown way of forwarding %s (use transfer or assign)"},
	"petition.referral.required":     {"请选择告知的法定途径", "choose the statutory route the petitioner is told of"},
	"petition.extend.days":           {"延期天数须在 1 至 %d 日之间（《信访工作条例》第三十四条）", "an extension must be 1 to %d days (art. 34 of the regulation)"},
	"petition.extend.once":           {"此件已延期 %d 日，办理期限只能延长一次", "this matter was extended by %d days already; the period is extended once only"},
	"petition.opinion.level":         {"此阶段不能出具意见 %s", "opinion %s cannot be given at this stage"},
	"petition.document.unknown":      {"此件没有编号为 %d 的文书", "this matter has no document %d"},
	"petition.method.unknown":        {"未知送达方式 %s（可用 post、sms、in_person、online）", "unknown way of delivery %s (use post, sms, in_person or online)"},
	"petition.on.future":             {"日期不能晚于今天", "the day cannot be in the future"},
	"petition.deliver.before_issue":  {"送达日期不能早于文书出具日期 %s", "the delivery cannot be before the document was issued on %s"},
	"petition.deliver.again":         {"文书 %s 已于 %s 送达", "document %s was delivered on %s already"},
	"petition.request.before_answer": {"申请日期不能早于答复日期 %s", "the request cannot be before the answer of %s"},
	"petition.request.late":          {"已超过申请期限（%s 前），须填写逾期理由（如不可抗力）", "the 30 days ended on %s: give the reason for the delay (force majeure, say)"},
	"petition.request.top":           {"没有上一级机关可受理复查或复核", "there is no level above to review the matter"},
	"petition.request.reach":         {"复查（复核）机关 %s 不在您的管辖范围内", "the unit that reviews it, %s, is outside your jurisdiction"},
	"petition.merge_as.unknown":      {"未知合并方式 %s（可用 repeat 重复件、overreach 越级）", "unknown kind of merge %s (use repeat or overreach)"},
	"petition.overreach.closed":      {"越级件只能并入仍在办理中的事项，%s 已办结", "a petition over a level is merged only into a matter still open; %s is finished"},
	"petition.merge.kind":            {"%s 不是信访件", "%s is not a petition"},
	"petition.lead.unknown":          {"包案领导 %d 不存在或不在此件的管辖范围内", "leader %d does not exist or is outside this matter's jurisdiction"},
})

// withPetitionNames adds to m the names of the channels, stages, ways of
// forwarding, opinions, documents and ways of delivery.
func withPetitionNames(m map[string][2]string) map[string][2]string {
	for _, c := range PetitionChannels {
		m["petition.channel."+string(c)] = [2]string{c.Label(), channelEN[c]}
	}
	for _, s := range PetitionStages {
		m["petition.stage."+string(s)] = [2]string{s.Label(), stageEN[s]}
	}
	for _, f := range []ForwardMode{ForwardTransfer, ForwardAssign} {
		m["petition.forward."+string(f)] = [2]string{f.Label(), forwardEN[f]}
	}
	for _, o := range append(OpinionsAt(0), OpinionsAt(1)...) {
		m["petition.opinion."+string(o)] = [2]string{o.Label(), opinionEN[o]}
	}
	for _, k := range DocKinds {
		m["petition.doc."+string(k)] = [2]string{k.Title(), docEN[k]}
	}
	for _, s := range SendMethods {
		m["petition.method."+string(s)] = [2]string{s.Label(), methodEN[s]}
	}
	return m
}

var channelEN = map[PetitionChannel]string{PetitionLetter: "Letter", PetitionVisit: "Visit", PetitionPhone: "Phone call",
	PetitionOnline: "Online", PetitionHotline: "12345 transfer"}

var stageEN = map[PetitionStage]string{StageRegistered: "Registered", StageForwarded: "Forwarded",
	StageInformed: "Told of another route", StageNotAccepted: "Not accepted", StageAccepted: "Accepted",
	StageAnswered: "Answered", StageReview: "Under review (复查)", StageReviewed: "Reviewed",
	StageRecheck: "Under re-examination (复核)", StageRechecked: "Re-examined, final"}

var forwardEN = map[ForwardMode]string{ForwardTransfer: "Transferred", ForwardAssign: "Assigned, result to report back"}

var opinionEN = map[Opinion]string{OpinionSupport: "Supported", OpinionExplain: "Explained", OpinionNotSupport: "Not supported",
	OpinionUphold: "Upheld", OpinionChange: "Changed", OpinionRevoke: "Revoked, to be handled again"}

var docEN = map[DocKind]string{DocForward: "Forwarding slip", DocRoute: "Notice of another route", DocRefuse: "Notice of non-acceptance",
	DocAccept: "Notice of acceptance", DocExtend: "Notice of extension", DocAnswer: "Written answer",
	DocReviewAnswer: "Review answer (复查意见书)", DocRecheckAnswer: "Re-examination answer (复核意见书)"}

var methodEN = map[SendMethod]string{SendPost: "By post", SendSMS: "By text message", SendInPerson: "In person", SendOnline: "Online"}
