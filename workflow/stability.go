package workflow

import (
	"github.com/pingan-gov/pingan"
)

// 稳评 (pingan/stability.go): the steps in order, each a row saying after
// which stage it is taken; who may take them: a dispatcher or assessor
// whose jurisdiction holds the 稳评's unit. A step out of order is a
// conflict naming the step.
//
//	notice     registered → notice     公示 (from, to)
//	opinions   notice     → opinions   听取意见 (count, summary)
//	identify   opinions   → identify   风险识别 (items; some go to the ledger)
//	report     identify   → report     评估报告 (summary, level 高/中/低)
//	decide     report     → decide     决策 (decision, day)
var stabilityRules = map[string]string{
	pingan.StabilityNotice:   pingan.StabilityRegistered,
	pingan.StabilityOpinions: pingan.StabilityNotice,
	pingan.StabilityIdentify: pingan.StabilityOpinions,
	pingan.StabilityReport:   pingan.StabilityIdentify,
	pingan.StabilityDecide:   pingan.StabilityReport,
}

// MayAssessStability reports whether a takes the steps of s.
func MayAssessStability(s *pingan.Stability, a *pingan.User) bool {
	return MayRegisterRisk(a) && a.Sees(s.UnitPath)
}

// ApplyStability checks step a on s for actor: EINVALID for an unknown
// step, EFORBIDDEN naming step for one who may not, ECONFLICT naming step
// when it is out of order. It answers the new stage.
func ApplyStability(s *pingan.Stability, actor *pingan.User, a *pingan.StabilityAction) (string, error) {
	after, ok := stabilityRules[a.Step]
	if !ok {
		return "", pingan.Invalidf("step", "risk.step.bad")
	}
	if !MayAssessStability(s, actor) {
		return "", riskStepError(pingan.EFORBIDDEN, "stability.step.forbidden", pingan.StabilityLabel(a.Step), a.Step)
	}
	if s.Stage == pingan.StabilityDecide {
		return "", riskStepError(pingan.ECONFLICT, "stability.step.decided", pingan.StabilityLabel(a.Step), a.Step)
	}
	if s.Stage != after {
		return "", riskStepError(pingan.ECONFLICT, "stability.step.order", pingan.StabilityLabel(a.Step), a.Step,
			pingan.StabilityLabel(pingan.NextStabilityStep(s.Stage)), pingan.NextStabilityStep(s.Stage))
	}
	return a.Step, nil
}
