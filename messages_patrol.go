package pingan

// patrolMessages are the words of patrols of the grids and their check-ins (网格巡查, patrol.go).
var patrolMessages = map[string][2]string{
	"capability.patrol_points.forbidden": {"您的角色不能设置巡查点位", "your role may not set patrol points"},
}
