package pingan

import (
	"context"
	"slices"
	"time"
)

// Two-factor sign-in (双因素认证): an account may add a time-based one-time
// password (TOTP, RFC 6238) to its password, from an authenticator app on a
// phone, and must where one of its roles is in the security administrator's
// TOTPPolicy. Such an account, once enrolled, gets from Login a pending
// sign-in (Session.Pending) that TOTPService.CompleteLogin turns into a
// session with a current code or one of its recovery codes (恢复码). An
// account whose role requires TOTP but which has not enrolled gets a
// session limited to the enrolment page until it does (TOTPMissing).

// TOTPPendingLifetime is how long a pending sign-in waits for its code.
const TOTPPendingLifetime = 5 * time.Minute

// TOTPIssuer names the deployment in authenticator apps.
const TOTPIssuer = "平安 pingan"

// DefaultTOTPRoles are the roles that must use two-factor sign-in until
// the security administrator says otherwise: the administrators and the
// leaders.
var DefaultTOTPRoles = []Role{RoleAdmin, RoleSecAdmin, RoleAuditor, RoleLeader}

// TOTPPolicy says which roles must sign in with TOTP (a setting of the
// whole tree, kept by the security administrator).
type TOTPPolicy struct {
	Roles     []Role    `json:"roles"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Requires reports whether u has a role that must use TOTP.
func (p *TOTPPolicy) Requires(u *User) bool {
	return p != nil && u != nil && slices.ContainsFunc(p.Roles, u.Has)
}

// Validate checks the roles into v: each a known role, none twice.
func (p *TOTPPolicy) Validate(v *Invalid) {
	seen := map[Role]bool{}
	for _, r := range p.Roles {
		if !slices.Contains(Roles, r) {
			v.Add("roles", "role.unknown.field", string(r))
		} else if seen[r] {
			v.Add("roles", "totp.roles.twice", string(r))
		}
		seen[r] = true
	}
}

// TOTPEnrolment is an enrolment begun: the secret as text and the
// otpauth:// URL its QR code carries.
type TOTPEnrolment struct {
	Secret string
	URL    string
}

// TOTPAccount is the two-factor state of an account.
type TOTPAccount struct {
	User      *User
	Enabled   bool
	EnabledAt time.Time
	// Required: one of the account's roles must use TOTP.
	Required bool
	// RecoveryLeft is how many recovery codes are still unused.
	RecoveryLeft int
}

// TOTPService keeps the second factor of accounts. Enrolments, failed
// codes, used recovery codes, resets and changes of the policy are written
// to the audit log with the source address of the context.
type TOTPService interface {
	// TOTPState answers the two-factor state of u's own account.
	TOTPState(ctx context.Context, u *User) (*TOTPAccount, error)
	// TOTPMissing reports whether u must use TOTP and has not enrolled:
	// such a session reaches the enrolment page alone.
	TOTPMissing(ctx context.Context, u *User) (bool, error)
	// BeginTOTP answers the secret of u's enrolment: the one begun before,
	// or a new one. ECONFLICT when TOTP is enabled already.
	BeginTOTP(ctx context.Context, u *User) (*TOTPEnrolment, error)
	// ConfirmTOTP enables TOTP with a current code of the secret begun and
	// answers the recovery codes, shown this once. EINVALID names the code
	// when it is wrong; ECONFLICT when enabled already or none was begun.
	ConfirmTOTP(ctx context.Context, u *User, code string) ([]string, error)
	// DisableTOTP turns TOTP off for u with a current code. EFORBIDDEN when
	// one of u's roles requires it; EINVALID names a wrong code.
	DisableTOTP(ctx context.Context, u *User, code string) error
	// CompleteLogin turns a pending sign-in into a session with a current
	// code or an unused recovery code. A wrong, expired or reused code is
	// EUNAUTHORIZED naming the code and counts as a failed sign-in of the
	// name (ETOOMANY once it is locked); an expired or unknown pending
	// sign-in is EUNAUTHORIZED too.
	CompleteLogin(ctx context.Context, pending, code string) (*Session, error)

	// TOTPPolicy answers the roles that must use TOTP (DefaultTOTPRoles
	// until set).
	TOTPPolicy(ctx context.Context) (*TOTPPolicy, error)
	// SetTOTPPolicy replaces the policy. The actor must be a security
	// administrator of the whole tree (nil: the operator); EFORBIDDEN
	// otherwise, EINVALID names a bad role.
	SetTOTPPolicy(ctx context.Context, actor *User, p *TOTPPolicy) error
	// TOTPAccounts lists every account with its two-factor state, by
	// username; the actor as SetTOTPPolicy's.
	TOTPAccounts(ctx context.Context, actor *User) ([]*TOTPAccount, error)
	// ResetTOTP removes the account's second factor (a lost phone) so that
	// it enrolls again; the actor as SetTOTPPolicy's. ENOTFOUND for an
	// unknown account.
	ResetTOTP(ctx context.Context, actor *User, username string) error
}
