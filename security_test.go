package pingan

import (
	"testing"
	"time"
)

// TestCheckRoles: an administrator's role is held alone; work roles
// combine.
func TestCheckRoles(t *testing.T) {
	for _, tt := range []struct {
		roles []Role
		bad   bool
	}{
		{[]Role{RoleAdmin}, false},
		{[]Role{RoleSecAdmin}, false},
		{[]Role{RoleAuditor}, false},
		{[]Role{RoleDispatcher, RoleLeader}, false},
		{[]Role{RoleAdmin, RoleSecAdmin}, true},
		{[]Role{RoleAdmin, RoleDispatcher}, true},
		{[]Role{RoleViewer, RoleAuditor}, true},
		{[]Role{RoleSecAdmin, RoleGridWorker}, true},
	} {
		var v Invalid
		CheckRoles(&v, tt.roles)
		if v.Has("role") != tt.bad {
			t.Errorf("%v: refused %v, want %v", tt.roles, v.Has("role"), tt.bad)
		}
		u := &User{Roles: tt.roles}
		if MixedAdmin(u) != tt.bad {
			t.Errorf("%v: MixedAdmin %v, want %v", tt.roles, MixedAdmin(u), tt.bad)
		}
	}
}

// TestSecurityPolicy: the defaults, the bounds of each field named, the
// password rules and the expiry.
func TestSecurityPolicy(t *testing.T) {
	d := DefaultSecurityPolicy()
	if d.MinLength != 10 || d.Classes != 3 || d.ExpiryDays != 90 || d.History != 5 || d.IdleMinutes != 30 || d.SingleSession {
		t.Errorf("defaults %+v", d)
	}
	var z SecurityPolicy
	z.Normalize()
	var v Invalid
	z.Validate(&v)
	if err := v.Err(); err != nil {
		t.Errorf("a normalized zero policy: %v", err)
	}
	for field, p := range map[string]SecurityPolicy{
		"min_length":   {MinLength: 7, Classes: 3, IdleMinutes: 30},
		"classes":      {MinLength: 10, Classes: 5, IdleMinutes: 30},
		"expiry_days":  {MinLength: 10, Classes: 3, ExpiryDays: -1, IdleMinutes: 30},
		"history":      {MinLength: 10, Classes: 3, History: 25, IdleMinutes: 30},
		"idle_minutes": {MinLength: 10, Classes: 3, IdleMinutes: -5},
	} {
		var v Invalid
		p.Validate(&v)
		if !v.Has(field) {
			t.Errorf("%+v: %s not named", p, field)
		}
	}
	for pw, bad := range map[string]bool{"Short1!": true, "alllowercase": true, "lowerUPPER12": false, "lower-upper": true, "Lower-upper": false} {
		var v Invalid
		d.CheckPassword(&v, "password", pw)
		if v.Has("password") != bad {
			t.Errorf("%q: refused %v, want %v", pw, v.Has("password"), bad)
		}
	}
	set := time.Date(2026, 1, 1, 9, 0, 0, 0, CST)
	if d.Expired(set, set.AddDate(0, 0, 89)) || !d.Expired(set, set.AddDate(0, 0, 90)) {
		t.Error("a password of 90 days expires on its 90th day")
	}
	never := d
	never.ExpiryDays = 0
	if never.Expired(set, set.AddDate(10, 0, 0)) {
		t.Error("expiry 0 expires")
	}
}
