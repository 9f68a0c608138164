package pingan

// queueMessages are the messages of the inbox's queues: the 待受理 tab by
// level and the queues of what came back (docs/queues.md).
var queueMessages = map[string][2]string{
	// The tabs.
	"tab.returned":     {"被退回", "Returned"},
	"tab.dissatisfied": {"不满意", "Dissatisfied"},
	"tab.revisit":      {"待回访", "To call back"},

	// 待受理 by level.
	"inbox.levels":            {"受理层级", "Holding level"},
	"inbox.level.own":         {"本级", "Own level"},
	"inbox.level.below":       {"下级", "Lower levels"},
	"inbox.level.own.hint":    {"上报到本级的事件。", "Cases reported at this level."},
	"inbox.level.below.hint":  {"上报到下级、下级尚未受理的事件；先受理者办理。", "Cases reported at a lower level and not yet accepted there; the centre that accepts first handles them."},
	"inbox.level.more":        {"查看全部", "See all"},
	"inbox.returned.hint":     {"处置单位退回、等待重新派遣的事件。", "Cases the assigned unit sent back, waiting to be dispatched again."},
	"inbox.returned.by":       {"退回单位", "Returned by"},
	"inbox.returned.reason":   {"退回原因", "Reason"},
	"inbox.returned.at":       {"退回时间", "Returned at"},
	"inbox.dissatisfied.hint": {"近 %d 天结案、群众评价为不满意的事件：可重办，或回访说明。", "Cases closed in the last %d days and rated dissatisfied: reopen them, or call the citizen back."},
	"inbox.revisit.hint":      {"近 %d 天结案、尚未评价的事件：回访群众后代为评价。", "Cases closed in the last %d days and not yet rated: call the citizen back and rate on their behalf."},
	"inbox.closed.at":         {"结案时间", "Closed at"},
	"inbox.unrated":           {"未评价", "Not rated"},
}
