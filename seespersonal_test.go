package pingan

import "testing"

// TestSeesPersonal is the rule for personal data, role by role.
func TestSeesPersonal(t *testing.T) {
	c := &Case{Unit: "620902001001", UnitPath: "/620000/620900/620902/620902001000/620902001001/",
		HoldingUnit: "620902-zz", HoldingPath: "/620000/620900/620902/",
		AssignedUnit: "620902-zjj", AssignedPath: "/620000/620900/620902/620902-zjj/", ReportedBy: 7}
	user := func(id int64, unit, scope string, roles ...Role) *User {
		return &User{ID: id, UnitCode: unit, ScopePath: scope, Roles: roles}
	}
	county, township, village := "/620000/620900/620902/", "/620000/620900/620902/620902001000/", c.UnitPath
	tests := []struct {
		name string
		u    *User
		want bool
	}{
		{"dispatcher", user(1, "620902-zz", county, RoleDispatcher), true},
		{"township dispatcher", user(1, "620902001000-zz", township, RoleDispatcher), true},
		{"mediator", user(1, "620902001000", township, RoleMediator), true},
		{"leader", user(1, "620902", county, RoleLeader), true},
		{"city leader", user(1, "620900", "/620000/620900/", RoleLeader), true},
		{"handler of the assigned unit", user(1, "620902-zjj", c.AssignedPath, RoleHandler), true},
		{"handler of another unit", user(1, "620902001000", township, RoleHandler), false},
		{"the reporter", user(7, "620902001001", village, RoleGridWorker), true},
		{"another grid worker", user(8, "620902001001", village, RoleGridWorker), false},
		{"viewer", user(1, "620902", county, RoleViewer), false},
		{"assessor", user(1, "620900", "/620000/620900/", RoleAssessor), false},
		{"administrator", user(1, "620000", "/620000/", RoleAdmin), false},
		{"viewer and leader", user(1, "620902", county, RoleViewer, RoleLeader), true},
		{"dispatcher of another county", user(1, "620921-zz", "/620000/620900/620921/", RoleDispatcher), false},
		{"reporter moved out of the jurisdiction", user(7, "620921100001", "/620000/620900/620921/620921100000/620921100001/", RoleGridWorker), false},
		{"no jurisdiction", user(1, "620902-zz", "", RoleDispatcher), false},
		{"nobody", nil, false},
	}
	for _, tt := range tests {
		if got := SeesPersonal(tt.u, c); got != tt.want {
			t.Errorf("%s: SeesPersonal = %v, want %v", tt.name, got, tt.want)
		}
	}
	if SeesPersonal(user(1, "620902-zz", county, RoleDispatcher), nil) {
		t.Error("SeesPersonal of no case")
	}
	// A handler sees it whole only while the case is assigned to their unit.
	returned := *c
	returned.AssignedUnit, returned.AssignedPath = "", ""
	if SeesPersonal(user(1, "620902-zjj", c.AssignedPath, RoleHandler), &returned) {
		t.Error("handler after the case left their unit")
	}
}
