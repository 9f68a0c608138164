package pingan

// gaugeMessages are the sentences of the open-now gauges (在办计数).
var gaugeMessages = map[string][2]string{
	"stats.opennow.dim": {"在办计数只能按下级单位或网格分组，不能按 %s", "what is open now is broken down by unit or grid only, not by %s"},
}
