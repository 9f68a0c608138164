package pingan

// monitorMessages are the words of monitoring sensors, readings and alarms (监测预警, monitor.go).
var monitorMessages = map[string][2]string{
	"capability.sensors.forbidden":  {"您的角色不能配置监测点", "your role may not configure sensors"},
	"capability.readings.forbidden": {"只有监测系统的接口密钥可以上报监测数据", "only a monitoring system's API key may send readings"},
}
