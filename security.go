package pingan

import (
	"context"
	"errors"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// The separated administrators (三权分立, GB/T 22239-2019 8.1.4): the
// system administrator (RoleAdmin, 系统管理员) keeps accounts, units and
// settings; the security administrator (RoleSecAdmin, 安全管理员) assigns
// roles, keys, webhooks and the security policy; the audit administrator
// (RoleAuditor, 审计管理员) reads the audit trail. An account that holds one
// of them holds it alone.

// AdminRoles are the three administrators' roles.
var AdminRoles = []Role{RoleAdmin, RoleSecAdmin, RoleAuditor}

// CheckRoles adds to v, under the field "role", the refusal of a set of
// roles that joins an administrator's role to any other role.
func CheckRoles(v *Invalid, roles []Role) {
	if len(roles) < 2 {
		return
	}
	for _, r := range roles {
		if slices.Contains(AdminRoles, r) {
			v.Add("role", "roles.admin.alone", string(r))
			return
		}
	}
}

// MixedAdmin reports whether u holds an administrator's role beside
// another role: an account left so by an upgrade, which the security
// administrator should split (pingan user list and the server's start say
// which).
func MixedAdmin(u *User) bool {
	if u == nil || len(u.Roles) < 2 {
		return false
	}
	return slices.ContainsFunc(u.Roles, func(r Role) bool { return slices.Contains(AdminRoles, r) })
}

// SecurityPolicy is the deployment's rules for passwords and sessions
// (安全策略), set by the security administrator of the whole tree.
type SecurityPolicy struct {
	// MinLength is the shortest password, in characters (at least
	// MinPasswordLengthFloor).
	MinLength int `json:"min_length"`
	// Classes is how many of the four kinds of character (lower case,
	// upper case, digits, others) a password holds at least, 1 to 4.
	Classes int `json:"classes"`
	// ExpiryDays is how many days a password lasts before its owner must
	// change it; 0: it never expires.
	ExpiryDays int `json:"expiry_days"`
	// History is how many of an account's last passwords may not be
	// taken again; 0: any.
	History int `json:"history"`
	// IdleMinutes ends a session unused for this long (空闲超时).
	IdleMinutes int `json:"idle_minutes"`
	// SingleSession: signing in ends the account's other sessions.
	SingleSession bool `json:"single_session"`

	// UpdatedBy and UpdatedAt say who set the policy and when; empty for
	// the defaults.
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Defaults and bounds of SecurityPolicy.
const (
	DefaultMinPasswordLength = 10
	MinPasswordLengthFloor   = 8
	MaxPasswordLength        = 128
	DefaultPasswordClasses   = 3
	DefaultPasswordExpiry    = 90
	DefaultPasswordHistory   = 5
	MaxPasswordHistory       = 24
	DefaultIdleMinutes       = 30
	MaxIdleMinutes           = 24 * 60
)

// DefaultSecurityPolicy answers the policy of a deployment that set none.
func DefaultSecurityPolicy() SecurityPolicy {
	return SecurityPolicy{MinLength: DefaultMinPasswordLength, Classes: DefaultPasswordClasses,
		ExpiryDays: DefaultPasswordExpiry, History: DefaultPasswordHistory, IdleMinutes: DefaultIdleMinutes}
}

// Normalize fills what is not set: a zero length, class count or idle
// time takes its default. (ExpiryDays and History 0 mean never and any.)
func (p *SecurityPolicy) Normalize() {
	d := DefaultSecurityPolicy()
	if p.MinLength == 0 {
		p.MinLength = d.MinLength
	}
	if p.Classes == 0 {
		p.Classes = d.Classes
	}
	if p.IdleMinutes == 0 {
		p.IdleMinutes = d.IdleMinutes
	}
}

// Validate adds a refusal naming each field out of its bounds.
func (p *SecurityPolicy) Validate(v *Invalid) {
	if p.MinLength < MinPasswordLengthFloor || p.MinLength > MaxPasswordLength {
		v.Add("min_length", "security.min_length.bad", MinPasswordLengthFloor, MaxPasswordLength)
	}
	if p.Classes < 1 || p.Classes > 4 {
		v.Add("classes", "security.classes.bad")
	}
	if p.ExpiryDays < 0 || p.ExpiryDays > 3650 {
		v.Add("expiry_days", "security.expiry_days.bad")
	}
	if p.History < 0 || p.History > MaxPasswordHistory {
		v.Add("history", "security.history.bad", MaxPasswordHistory)
	}
	if p.IdleMinutes < 1 || p.IdleMinutes > MaxIdleMinutes {
		v.Add("idle_minutes", "security.idle_minutes.bad", MaxIdleMinutes)
	}
}

// Idle answers the idle time-out as a duration.
func (p *SecurityPolicy) Idle() time.Duration { return time.Duration(p.IdleMinutes) * time.Minute }

// Expired reports whether a password set at set has expired at now.
func (p *SecurityPolicy) Expired(set, now time.Time) bool {
	return p.ExpiryDays > 0 && !set.IsZero() && !now.Before(set.AddDate(0, 0, p.ExpiryDays))
}

// CheckPassword adds to v, under field, what the policy finds wrong with
// password: too short, too long or of too few kinds. (The store adds the
// rest: a common password, the username, one used before.)
func (p *SecurityPolicy) CheckPassword(v *Invalid, field, password string) {
	n := utf8.RuneCountInString(password)
	switch {
	case n < p.MinLength:
		v.Add(field, "password.short", p.MinLength)
	case n > MaxPasswordLength:
		v.Add(field, "password.long", MaxPasswordLength)
	case CharacterClasses(password) < p.Classes:
		v.Add(field, "password.classes", p.Classes)
	}
}

// CharacterClasses counts the kinds of character in s: lower case, upper
// case, digits, and everything else.
func CharacterClasses(s string) int {
	var lower, upper, digit, other int
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// ErrPasswordExpired is the refusal (EFORBIDDEN, key password.expired) of
// every request but the change of one's password, from an account whose
// password has expired.
var ErrPasswordExpired = E(EFORBIDDEN, "password.expired")

// PasswordExpired reports whether err is ErrPasswordExpired's refusal.
func PasswordExpired(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Msg.Key == "password.expired"
}

// SecurityService keeps the security policy and the passwords' history.
type SecurityService interface {
	// SecurityPolicy answers the policy, the defaults where none was set.
	SecurityPolicy(ctx context.Context) (*SecurityPolicy, error)
	// SetSecurityPolicy replaces the policy, audited. The actor must be a
	// security administrator whose jurisdiction is the whole tree (nil: the
	// seeding of a deployment, not audited); EFORBIDDEN for another,
	// EINVALID naming each bad field.
	SetSecurityPolicy(ctx context.Context, actor *User, p *SecurityPolicy) error
	// ChangeOwnPassword sets the signed-in user's password after checking
	// the old one: EINVALID naming "old_password" when it is wrong, or
	// "password" when the new one breaks the policy or was used before.
	// The user's other sessions end; keep is the token of the session that
	// stays.
	ChangeOwnPassword(ctx context.Context, u *User, keep, old, password string) error
	// PasswordExpiredFor reports whether the user's password has expired
	// under the policy.
	PasswordExpiredFor(ctx context.Context, u *User) (bool, error)
}
