package pingan

import "testing"

// TestSeesPersonal is the rule for personal data, role by role.
func TestSeesPersonal(t *testing.T) {
	c := &Case{Unit: "620902001001", UnitPath: "/620000/620900/620902/620902001000/620902001001/",
		HoldingUnit: "620902-zz", HoldingPath: "/620000/620900/620902/",
		AssignedUnit: "620902-zjj", AssignedPath: "/620000/620900/620902/620902-zjj/", ReportedBy: 7,
		Grid: "620902001001-01", Status: StatusInProgress}
	user := func(id int64, unit, scope string, roles ...Role) *User {
		return &User{ID: id, UnitCode: unit, ScopePath: scope, Roles: roles}
	}
	worker := func(id int64, grids ...string) *User {
		u := user(id, "620902001001", c.UnitPath, RoleGridWorker)
		u.Grids = grids
		return u
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
		{"grid worker of the case's grid", worker(8, "620902001001-02", "620902001001-01"), true},
		{"grid worker of the next grid", worker(8, "620902001001-02"), false},
		{"grid worker of the grid, moved out of the jurisdiction", &User{ID: 8, UnitCode: "620921100001",
			ScopePath: "/620000/620900/620921/620921100000/620921100001/", Roles: []Role{RoleGridWorker}, Grids: []string{"620902001001-01"}}, false},
		{"viewer with the grid", &User{ID: 8, UnitCode: "620902001001", ScopePath: village, Roles: []Role{RoleViewer}, Grids: []string{"620902001001-01"}}, false},
		{"handler of another unit and grid worker of the grid", &User{ID: 8, UnitCode: "620902001001", ScopePath: village,
			Roles: []Role{RoleHandler, RoleGridWorker}, Grids: []string{"620902001001-01"}}, true},
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
	// A grid worker of the case's grid sees it whole only while it is open,
	// and never one placed in no grid.
	for _, st := range Statuses {
		placed := *c
		placed.Status = st
		if got := SeesPersonal(worker(8, c.Grid), &placed); got != st.Open() {
			t.Errorf("grid worker of the grid, case %s: SeesPersonal = %v", st, got)
		}
	}
	ungridded := *c
	ungridded.Grid = ""
	if SeesPersonal(worker(8, ""), &ungridded) {
		t.Error("grid worker with an empty grid code reads an ungridded case whole")
	}
	// A handler sees it whole only while the case is assigned to their unit.
	returned := *c
	returned.AssignedUnit, returned.AssignedPath = "", ""
	if SeesPersonal(user(1, "620902-zjj", c.AssignedPath, RoleHandler), &returned) {
		t.Error("handler after the case left their unit")
	}
}

// TestSeesPersonalAssist: a handler of a unit that assists the case now
// (协办) reads it whole like the assigned unit's handler; a withdrawn
// assist, or another role of that unit, does not.
func TestSeesPersonalAssist(t *testing.T) {
	c := &Case{Unit: "620902001001", UnitPath: "/620000/620900/620902/620902001000/620902001001/",
		HoldingUnit: "620902-zz", HoldingPath: "/620000/620900/620902/",
		AssignedUnit: "620902-zjj", AssignedPath: "/620000/620900/620902/620902-zjj/", Status: StatusInProgress,
		Assists: []Assist{
			{Unit: "620902-gaj", UnitPath: "/620000/620900/620902/620902-gaj/", State: AssistSigned},
			{Unit: "620902-mzj", UnitPath: "/620000/620900/620902/620902-mzj/", State: AssistWithdrawn},
			{Unit: "620902-sfj", UnitPath: "/620000/620900/620902/620902-sfj/", State: AssistReported},
		}}
	user := func(unit string, roles ...Role) *User {
		return &User{ID: 3, UnitCode: unit, ScopePath: "/620000/620900/620902/" + unit + "/", Roles: roles}
	}
	tests := []struct {
		name string
		u    *User
		want bool
	}{
		{"handler of an assisting unit", user("620902-gaj", RoleHandler), true},
		{"handler of an assisting unit that reported", user("620902-sfj", RoleHandler), true},
		{"handler of a withdrawn assisting unit", user("620902-mzj", RoleHandler), false},
		{"viewer of an assisting unit", user("620902-gaj", RoleViewer), false},
		{"handler of a unit that does not assist", user("620902-jyj", RoleHandler), false},
		{"handler of the assigned unit", user("620902-zjj", RoleHandler), true},
	}
	for _, tt := range tests {
		if got := SeesPersonal(tt.u, c); got != tt.want {
			t.Errorf("%s: SeesPersonal = %v, want %v", tt.name, got, tt.want)
		}
	}
}
