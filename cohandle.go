package pingan

import (
	"context"
	"time"
)

// Co-handling (主办/协办): a dispatch names the handling unit (主办,
// Case.AssignedUnit) and zero or more assisting units (协办). Each assisting
// unit's handler signs (assist_sign, 协办签收) and reports its part
// (assist_report, 协办反馈); neither changes the case's status. The handling
// unit resolves (办结反馈) only when every assisting unit has reported. The
// assists are withdrawn when the case leaves the handling unit (退回, 上报上级,
// another dispatch, 重办); the next dispatch names its own.

// MaxAssists bounds the assisting units one dispatch names.
const MaxAssists = 20

// AssistState is the state of one assisting unit's part (协办状态).
type AssistState string

const (
	AssistDispatched AssistState = "dispatched" // 待签收
	AssistSigned     AssistState = "signed"     // 办理中
	AssistReported   AssistState = "reported"   // 已反馈
	AssistWithdrawn  AssistState = "withdrawn"  // 已撤回
)

// Active reports whether the assist still belongs to the case's handling.
func (s AssistState) Active() bool {
	return s == AssistDispatched || s == AssistSigned || s == AssistReported
}

// Label is the zh-CN name of the state.
func (s AssistState) Label() string {
	switch s {
	case AssistDispatched:
		return "待签收"
	case AssistSigned:
		return "办理中"
	case AssistReported:
		return "已反馈"
	case AssistWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// Assist is one assisting unit (协办单位) of a case and its part.
type Assist struct {
	Unit         string      `json:"unit"`
	UnitName     string      `json:"unit_name"`
	State        AssistState `json:"state"`
	DispatchedAt time.Time   `json:"dispatched_at"`
	SignedAt     *time.Time  `json:"signed_at"`
	ReportedAt   *time.Time  `json:"reported_at"`
	Result       string      `json:"result,omitempty"`
	// UnitPath is the unit's path; Seq the timeline entry of the dispatch
	// that named the unit (0 until the store writes it).
	UnitPath string `json:"-"`
	Seq      int    `json:"-"`
}

// ActiveAssist answers the assist of unit that is not withdrawn, nil when
// the unit does not assist the case now.
func (c *Case) ActiveAssist(unit string) *Assist {
	if unit == "" {
		return nil
	}
	for i := range c.Assists {
		if a := &c.Assists[i]; a.Unit == unit && a.State.Active() {
			return a
		}
	}
	return nil
}

// AssistsMissing answers the active assists that have not reported yet.
func (c *Case) AssistsMissing() []Assist {
	var out []Assist
	for _, a := range c.Assists {
		if a.State == AssistDispatched || a.State == AssistSigned {
			out = append(out, a)
		}
	}
	return out
}

// AssistFinder lists the cases a user's own unit assists now (协办), the
// 协办 inbox: newest dispatch first, personal data masked, each case's
// Assists holding only that unit's assist; at most limit (a default when
// 0). Lists and statistics by jurisdiction (CaseService.FindCases) do not
// hold these cases unless the jurisdiction does.
type AssistFinder interface {
	FindAssists(ctx context.Context, actor *User, limit int) ([]*Case, error)
}
