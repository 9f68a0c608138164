package pingan

import "time"

// ActionName names a lifecycle action.
type ActionName string

const (
	ActReport    ActionName = "report"    // 上报 (the creation)
	ActAccept    ActionName = "accept"    // 受理
	ActReject    ActionName = "reject"    // 不予受理
	ActDispatch  ActionName = "dispatch"  // 派遣
	ActSign      ActionName = "sign"      // 签收
	ActReturn    ActionName = "return"    // 退回
	ActResolve   ActionName = "resolve"   // 办结反馈
	ActClose     ActionName = "close"     // 核查结案
	ActRework    ActionName = "rework"    // 返工
	ActEscalate  ActionName = "escalate"  // 上报上级
	ActExtend    ActionName = "extend"    // 延期
	ActSuspend   ActionName = "suspend"   // 挂起
	ActResume    ActionName = "resume"    // 恢复
	ActSupervise ActionName = "supervise" // 督办
	ActComment   ActionName = "comment"   // 备注
	ActRate      ActionName = "rate"      // 评价
	ActReopen    ActionName = "reopen"    // 重办
	// ActRecount is the system's: a deadline counted again after the
	// holiday arrangement of a year it crosses was entered or changed
	// (节假日安排更新，时限重算). No user takes it.
	ActRecount ActionName = "recount"
	// A handler asks the centre for an extension or a suspension; the
	// holding centre's dispatcher approves or refuses (处置单位申请，中心审批).
	ActRequestExtend  ActionName = "request_extend"  // 延期申请
	ActRequestSuspend ActionName = "request_suspend" // 挂起申请
	ActApproveRequest ActionName = "approve_request" // 批准
	ActRefuseRequest  ActionName = "refuse_request"  // 驳回
	// An assisting unit's handler signs and reports its part (协办,
	// cohandle.go); the case's status does not change.
	ActAssistSign   ActionName = "assist_sign"   // 协办签收
	ActAssistReport ActionName = "assist_report" // 协办反馈
	// Duplicates and related cases (合并重复件、关联案件): each names a
	// second case in ActionInput.ToCase.
	ActMerge  ActionName = "merge"  // 合并 (into the case that carries the work)
	ActLink   ActionName = "link"   // 关联
	ActUnlink ActionName = "unlink" // 取消关联
	// Mediation of a dispute (调解, dispute.go): the mediator records
	// sessions, then the outcome, which resolves the case; after an
	// agreement, the court's answer, each term's performance and the
	// follow-up visit.
	ActMediate         ActionName = "mediate"          // 记录调解
	ActAgree           ActionName = "agree"            // 达成协议
	ActMediationFail   ActionName = "mediation_fail"   // 调解不成
	ActRefuseMediation ActionName = "refuse_mediation" // 拒绝调解
	ActConfirm         ActionName = "confirm"          // 司法确认
	ActPerform         ActionName = "perform"          // 履行登记
	ActRevisit         ActionName = "revisit"          // 回访
	// ActTermOverdue is the system's: a term of an agreement not performed
	// by its day raises the case again for the mediator (履行逾期).
	ActTermOverdue ActionName = "term_overdue"
	// The regulation's steps of a petition (信访, petition.go): the
	// 信访部门 tells of another route; the unit accepts or not, extends
	// once, answers in writing; a document is delivered; the petitioner
	// asks for 复查 and 复核; a leader takes a matter on (包案).
	ActInform         ActionName = "inform"          // 告知 (another statutory route)
	ActPetitionAccept ActionName = "petition_accept" // 受理 (受理告知书)
	ActPetitionRefuse ActionName = "petition_refuse" // 不予受理 (不予受理告知书)
	ActPetitionExtend ActionName = "petition_extend" // 延期办理 (延期告知书)
	ActAnswer         ActionName = "answer"          // 出具意见书 (处理、复查、复核意见书)
	ActDeliver        ActionName = "deliver"         // 送达
	ActRequestReview  ActionName = "request_review"  // 复查申请
	ActRequestRecheck ActionName = "request_recheck" // 复核申请
	ActLead           ActionName = "lead"            // 包案
	// The rectification of a hazard (隐患整改, hazard.go): the order with a
	// deadline and the party, the party's report that it is done, the
	// recheck on site (复查: passed closes it, 销号; failed orders it
	// again); the system marks a missed rectification deadline.
	ActRectifyOrder   ActionName = "rectify_order"   // 责令整改
	ActRectifyDone    ActionName = "rectify_done"    // 整改完成
	ActRecheck        ActionName = "recheck"         // 复查
	ActRectifyOverdue ActionName = "rectify_overdue" // 整改超期 (the system's)
)

// ActionNames lists every action a user can take (report is the creation).
var ActionNames = []ActionName{ActAccept, ActReject, ActDispatch, ActSign, ActReturn, ActResolve, ActClose,
	ActRework, ActEscalate, ActExtend, ActSuspend, ActResume, ActSupervise, ActComment, ActRate, ActReopen,
	ActRequestExtend, ActRequestSuspend, ActApproveRequest, ActRefuseRequest,
	ActAssistSign, ActAssistReport, ActMerge, ActLink, ActUnlink,
	ActMediate, ActAgree, ActMediationFail, ActRefuseMediation, ActConfirm, ActPerform, ActRevisit,
	ActInform, ActPetitionAccept, ActPetitionRefuse, ActPetitionExtend, ActAnswer, ActDeliver, ActRequestReview,
	ActRequestRecheck, ActLead, ActRectifyOrder, ActRectifyDone, ActRecheck}

// Label is the zh-CN name of the action.
func (a ActionName) Label() string {
	switch a {
	case ActReport:
		return "上报"
	case ActAccept:
		return "受理"
	case ActReject:
		return "不予受理"
	case ActDispatch:
		return "派遣"
	case ActSign:
		return "签收"
	case ActReturn:
		return "退回"
	case ActResolve:
		return "办结反馈"
	case ActClose:
		return "核查结案"
	case ActRework:
		return "返工"
	case ActEscalate:
		return "上报上级"
	case ActExtend:
		return "延期"
	case ActSuspend:
		return "挂起"
	case ActResume:
		return "恢复"
	case ActSupervise:
		return "督办"
	case ActComment:
		return "备注"
	case ActRate:
		return "评价"
	case ActReopen:
		return "重办"
	case ActRecount:
		return "时限调整"
	case ActRequestExtend:
		return "延期申请"
	case ActRequestSuspend:
		return "挂起申请"
	case ActApproveRequest:
		return "批准申请"
	case ActRefuseRequest:
		return "驳回申请"
	case ActAssistSign:
		return "协办签收"
	case ActAssistReport:
		return "协办反馈"
	case ActMerge:
		return "合并"
	case ActLink:
		return "关联"
	case ActUnlink:
		return "取消关联"
	case ActMediate:
		return "记录调解"
	case ActAgree:
		return "达成协议"
	case ActMediationFail:
		return "调解不成"
	case ActRefuseMediation:
		return "拒绝调解"
	case ActConfirm:
		return "司法确认"
	case ActPerform:
		return "履行登记"
	case ActRevisit:
		return "回访"
	case ActTermOverdue:
		return "履行逾期"
	case ActInform:
		return "告知其他途径"
	case ActPetitionAccept:
		return "受理信访事项"
	case ActPetitionRefuse:
		return "不予受理信访事项"
	case ActPetitionExtend:
		return "延期办理"
	case ActAnswer:
		return "出具意见书"
	case ActDeliver:
		return "送达"
	case ActRequestReview:
		return "复查申请"
	case ActRequestRecheck:
		return "复核申请"
	case ActLead:
		return "包案"
	case ActRectifyOrder:
		return "责令整改"
	case ActRectifyDone:
		return "整改完成"
	case ActRecheck:
		return "复查"
	case ActRectifyOverdue:
		return "整改超期"
	}
	return string(a)
}

// ActionInput is what a user sends to move a case.
type ActionInput struct {
	Action       ActionName   `json:"action"`
	Note         string       `json:"note,omitempty"`
	Reason       string       `json:"reason,omitempty"`
	Result       string       `json:"result,omitempty"`
	ToUnit       string       `json:"to_unit,omitempty"`
	Category     string       `json:"category,omitempty"`
	Days         int          `json:"days,omitempty"`
	Deadline     *time.Time   `json:"deadline,omitempty"`
	Satisfaction Satisfaction `json:"satisfaction,omitempty"`
	Attachments  []string     `json:"attachments,omitempty"`
	// ToCase is the second case of merge (the main case 主案), link and
	// unlink, by id.
	ToCase string `json:"to_case,omitempty"`
	// Photos arrive with the action and are attached to its timeline entry
	// with Attachments.
	Photos []Upload `json:"-"`
	// AssistUnits are the assisting units (协办) a dispatch names beside
	// ToUnit (主办), by code.
	AssistUnits []string `json:"assist_units,omitempty"`

	// Mediation (dispute.go). Session is the session mediate records, and
	// the last one of agree and mediation_fail when given; Agreement the
	// agreement of agree; Referral the route of mediation_fail and
	// refuse_mediation (with Reason); Confirmation the court's answer of
	// confirm; Term and PerformedOn the term perform records (with Note);
	// Revisit the visit of revisit.
	Session      *MediationSession `json:"session,omitempty"`
	Agreement    *Agreement        `json:"agreement,omitempty"`
	Referral     Referral          `json:"referral,omitempty"`
	Confirmation Confirmation      `json:"confirmation,omitempty"`
	Term         int               `json:"term,omitempty"`
	PerformedOn  *time.Time        `json:"performed_on,omitempty"`
	Revisit      *Revisit          `json:"revisit,omitempty"`
	// Parties are the parties of a dispute (当事人), given by the
	// dispatcher who accepts it when the report named none or not all:
	// they replace the report's. Only accept takes them.
	Parties []Person `json:"parties,omitempty"`

	// Petitions (petition.go). Document is the document the action issues
	// (dispatch of a petition: the 转送交办单; reject and inform: the
	// 告知书; petition_accept, petition_refuse, petition_extend, answer:
	// theirs); ForwardMode the dispatch's 转送 or 交办; Opinion the
	// answer's; DocID, On and Method the document deliver records as sent
	// on that day that way; On also the day a 复查 or 复核 request was
	// received, with LateReason when after its 30 days; MergeAs what a
	// merged petition is (repeat when not given); Lead the leader of lead
	// (包案), 0 to end it.
	Document    *DocumentInput `json:"document,omitempty"`
	ForwardMode ForwardMode    `json:"forward_mode,omitempty"`
	Opinion     Opinion        `json:"opinion,omitempty"`
	DocID       int64          `json:"doc_id,omitempty"`
	On          *time.Time     `json:"on,omitempty"`
	Method      SendMethod     `json:"method,omitempty"`
	LateReason  string         `json:"late_reason,omitempty"`
	MergeAs     MergeAs        `json:"merge_as,omitempty"`
	Lead        int64          `json:"lead,omitempty"`
	// Petition is a petition's registration (channel, day received,
	// postmark, people) as the dispatcher who accepts it corrects it, for
	// a petition reported without one (the public form, a 12345
	// transfer): it replaces the registration and the 15 days count again
	// from the day received. Only accept takes it.
	Petition *PetitionFacts `json:"petition,omitempty"`

	// Hazards (hazard.go). Rectify is the order of rectify_order, and the
	// new deadline of a failed recheck; Recheck the result of recheck.
	Rectify *RectifyInput `json:"rectify,omitempty"`
	Recheck *RecheckInput `json:"recheck,omitempty"`
}

// Action is one append-only row of a case's timeline.
type Action struct {
	Seq        int        `json:"seq"`
	CaseID     string     `json:"case_id"`
	Action     ActionName `json:"action"`
	ActorID    int64      `json:"actor_id,omitempty"` // 0 for the system
	ActorName  string     `json:"actor"`
	At         time.Time  `json:"at"`
	FromStatus Status     `json:"from_status,omitempty"`
	ToStatus   Status     `json:"to_status"`
	FromUnit   string     `json:"from_unit,omitempty"`
	ToUnit     string     `json:"to_unit,omitempty"`
	Note       string     `json:"note,omitempty"`
	Deadline   *time.Time `json:"deadline,omitempty"`
	// Days is the length of an extension (延期), kept so that the deadline
	// can be counted again on a changed calendar.
	Days         int          `json:"days,omitempty"`
	Satisfaction Satisfaction `json:"satisfaction,omitempty"`
	Attachments  []string     `json:"attachments,omitempty"`
}

// SystemActor is the name recorded for actions the system takes.
const SystemActor = "系统 (system)"
