package pingan

import (
	"slices"
	"testing"
)

// TestMay is the table of capabilities written out again, role by role, so
// that a change to the table is a change to this test too.
func TestMay(t *testing.T) {
	want := map[Role][]Capability{
		RoleAdmin:      {CapReadCases, CapReport, CapStatistics, CapAdminUnits, CapAdminUsers, CapAdminGrids, CapAdminCategories, CapAdminHolidays, CapManageCampaigns, CapSites, CapSitesEdit, CapSensors, CapImportCases},
		RoleDispatcher: {CapReadCases, CapReport, CapStatistics, CapManageCampaigns, CapReceptions, CapRisks, CapWarnings, CapWarningRules, CapTasks, CapBriefings, CapSites, CapSitesEdit, CapInspect, CapSensors, CapPatrolPoints, CapImportCases},
		RoleHandler:    {CapReadCases, CapReport, CapStatistics, CapRisks, CapWarnings, CapTasks, CapSites, CapSitesEdit, CapInspect, CapSensors},
		RoleGridWorker: {CapReadCases, CapReport, CapPatrol, CapStatistics, CapSites, CapInspect},
		RoleMediator:   {CapReadCases, CapReport, CapStatistics, CapWarnings, CapTasks},
		RoleLeader:     {CapReadCases, CapStatistics, CapReceptions, CapLeadCases, CapRisks, CapWarnings, CapTasks, CapBriefings, CapSites, CapPatrolPoints},
		RoleAssessor:   {CapReadCases, CapStatistics, CapAssess, CapRisks, CapWarnings, CapWarningRules, CapTasks, CapBriefings, CapSites},
		RoleViewer:     {CapReadCases, CapStatistics, CapSites},
		RoleSecAdmin:   {CapAdminSecurity, CapAdminWebhooks},
		RoleAuditor:    {CapReadAudit},
		RoleMonitor:    {CapReadings}, // an API key's role only (monitor.go)
		RoleReporter:   {CapReport},   // an API key's role only: Open311 and other reporting systems
	}
	for _, r := range allRoles() {
		caps, ok := want[r]
		if !ok {
			t.Errorf("role %s has no row in this test", r)
		}
		u := &User{ID: 1, Roles: []Role{r}}
		for _, c := range Capabilities {
			if got, w := u.May(c), slices.Contains(caps, c); got != w {
				t.Errorf("%s may %s: %v, want %v", r, c, got, w)
			}
			err := Permit(u, c)
			switch {
			case u.May(c) && err != nil:
				t.Errorf("Permit(%s, %s) = %v", r, c, err)
			case !u.May(c) && ErrorCode(err) != EFORBIDDEN:
				t.Errorf("Permit(%s, %s) = %v, want forbidden", r, c, err)
			}
		}
	}
}

// TestMayAnyRole: a user with several roles may what any of them may;
// nobody and an unknown capability may nothing.
func TestMayAnyRole(t *testing.T) {
	u := &User{Roles: []Role{RoleViewer, RoleMediator}}
	if !u.May(CapReport) || !u.May(CapReadCases) || u.May(CapAdminUnits) {
		t.Errorf("viewer and mediator: report %v, read %v, administer %v", u.May(CapReport), u.May(CapReadCases), u.May(CapAdminUnits))
	}
	var nobody *User
	for _, c := range Capabilities {
		if nobody.May(c) {
			t.Errorf("nobody may %s", c)
		}
		if ErrorCode(Permit(nobody, c)) != EFORBIDDEN {
			t.Errorf("Permit(nil, %s) does not refuse", c)
		}
	}
	if (&User{Roles: Roles}).May("fly") {
		t.Error("an unknown capability is held")
	}
	if err := Permit(&User{Roles: Roles}, "fly"); ErrorCode(err) != EFORBIDDEN || !HasMessage(err.(*Error).Msg.Key) {
		t.Errorf("Permit of an unknown capability = %v", err)
	}
}

// TestPermissionTable: every capability has a row with a refusal in the
// catalogue, and every role of the table is a role.
func TestPermissionTable(t *testing.T) {
	if len(permissions) != len(Capabilities) {
		t.Errorf("%d rows for %d capabilities", len(permissions), len(Capabilities))
	}
	for _, c := range Capabilities {
		p, ok := permissions[c]
		if !ok {
			t.Errorf("capability %s has no row", c)
			continue
		}
		if !HasMessage(p.refusal) {
			t.Errorf("capability %s: refusal %q is not in the catalogue", c, p.refusal)
		}
		for _, r := range p.roles {
			if !slices.Contains(allRoles(), r) {
				t.Errorf("capability %s: unknown role %q", c, r)
			}
		}
	}
}

// allRoles are the roles of accounts and of keys.
func allRoles() []Role {
	return append(append([]Role(nil), Roles...), keyOnlyRoles...)
}

// TestKeyRoles: a key may hold every role of an account but the three
// administrators', and the roles of keys only; no account holds those.
func TestKeyRoles(t *testing.T) {
	admins := []Role{RoleAdmin, RoleSecAdmin, RoleAuditor}
	for _, r := range admins {
		if slices.Contains(KeyRoles, r) {
			t.Errorf("an API key may be an administrator (%s)", r)
		}
	}
	for _, r := range Roles {
		if !slices.Contains(admins, r) && !slices.Contains(KeyRoles, r) {
			t.Errorf("an API key may not hold %s", r)
		}
	}
	for _, r := range keyOnlyRoles {
		if !slices.Contains(KeyRoles, r) || slices.Contains(Roles, r) {
			t.Errorf("key-only role %s: in KeyRoles %v, in Roles %v", r, slices.Contains(KeyRoles, r), slices.Contains(Roles, r))
		}
	}
	for _, r := range admins {
		if _, err := ParseKeyRoles(string(r)); ErrorCode(err) != EINVALID {
			t.Errorf("ParseKeyRoles(%s) = %v, want invalid", r, err)
		}
	}
}
