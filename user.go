package pingan

import (
	"context"
	"strings"
	"time"
)

// Role is what a user may do. A user belongs to one unit and sees that
// unit's subtree only.
type Role string

const (
	RoleAdmin      Role = "admin"       // 系统管理员
	RoleDispatcher Role = "dispatcher"  // 综治中心受理/派遣员
	RoleHandler    Role = "handler"     // 处置单位
	RoleGridWorker Role = "grid_worker" // 网格员
	RoleMediator   Role = "mediator"    // 调解员
	RoleLeader     Role = "leader"      // 领导
	RoleAssessor   Role = "assessor"    // 考核办
	RoleViewer     Role = "viewer"      // 只读
	// The separated administrators (三权分立, GB/T 22239-2019 8.1.4.2):
	// RoleAdmin above keeps accounts, units and settings; the security
	// administrator keeps roles, keys and the security settings; the audit
	// administrator reads and exports the audit trail and nothing else.
	RoleSecAdmin Role = "secadmin" // 安全管理员
	RoleAuditor  Role = "auditor"  // 审计管理员
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleDispatcher, RoleHandler, RoleGridWorker, RoleMediator, RoleLeader, RoleAssessor, RoleViewer, RoleSecAdmin, RoleAuditor}

// ParseRoles parses "dispatcher,leader".
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		ok := false
		for _, r := range Roles {
			if string(r) == p {
				out = append(out, r)
				ok = true
			}
		}
		if !ok {
			return nil, &Error{Code: EINVALID, Msg: Msg("role.unknown", p), Fields: map[string]Message{"role": Msg("role.unknown.field", p)}}
		}
	}
	if len(out) == 0 {
		return nil, &Error{Code: EINVALID, Msg: Msg("role.none"), Fields: map[string]Message{"role": Msg("field.required")}}
	}
	return out, nil
}

// User is a member of staff.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	UnitCode string `json:"unit"`
	Roles    []Role `json:"roles"`
	// ScopePath is the path of the subtree the user sees: their unit's, or
	// for a centre (综治中心) the path of the administrative unit it serves.
	ScopePath string `json:"-"`
	// Grids are the codes of the grids a grid worker works in (网格), for
	// the rules that need them (SeesPersonal); the store fills them where
	// it applies such a rule, and they are empty elsewhere.
	Grids []string `json:"-"`
	// Disabled says that the account is stopped (停用); AccountService's
	// SearchUsers fills it, and it is false elsewhere.
	Disabled bool `json:"disabled,omitempty"`
}

// Has reports whether the user has role r.
func (u *User) Has(r Role) bool {
	if u == nil {
		return false
	}
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Sees reports whether path lies in the user's jurisdiction.
func (u *User) Sees(path string) bool {
	return u != nil && u.ScopePath != "" && path != "" && strings.HasPrefix(path, u.ScopePath)
}

// Session is an issued bearer token.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      *User     `json:"-"`
	// Pending says that the password was right but the account signs in
	// with a second factor (TOTP, totp.go): Token is then a pending
	// sign-in for TOTPService.CompleteLogin, not a session.
	Pending bool `json:"-"`
}

// Login limits.
const (
	MaxFailedLogins = 5
	LockoutDuration = 5 * time.Minute
	SessionLifetime = 12 * time.Hour
)

// ErrSignInBusy is Login's answer (ETOOMANY) when more passwords are being
// checked at once than the server has room for: nothing was checked, and
// the same request may be sent again in a moment.
var ErrSignInBusy = E(ETOOMANY, "signin.busy")

type sourceKey struct{}

// NewContextWithSource answers ctx carrying the network address a request
// came from (来源地址), which the audit log records of sign-ins and
// sign-outs.
func NewContextWithSource(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, sourceKey{}, addr)
}

// SourceFromContext answers the address NewContextWithSource put in ctx, or "".
func SourceFromContext(ctx context.Context) string {
	addr, _ := ctx.Value(sourceKey{}).(string)
	return addr
}

// UserService keeps accounts and sessions. Sign-ins, failed sign-ins,
// lockouts, sign-outs and the changes to an account are written to the
// audit log, with the source address of the context (NewContextWithSource).
type UserService interface {
	// CreateUser adds a user with the password (hashed with argon2id).
	// EINVALID for a bad username, unit or role or a weak password;
	// ECONFLICT if the username exists.
	CreateUser(ctx context.Context, u *User, password string) error
	// Login checks the password and issues a session. EUNAUTHORIZED for a
	// wrong name or password or a disabled account, all answered alike;
	// ETOOMANY while the name is locked after MaxFailedLogins failures (an
	// unknown name locks like a known one), or ErrSignInBusy.
	Login(ctx context.Context, username, password string) (*Session, error)
	// Authenticate answers the user of a live token; EUNAUTHORIZED otherwise.
	Authenticate(ctx context.Context, token string) (*User, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error

	// DisableUser stops an account (停用): it can no longer sign in and its
	// sessions end. The actor must be an administrator whose jurisdiction
	// holds the user's unit (nil: the operator at the command line).
	// EFORBIDDEN for another actor, ENOTFOUND for a user who does not exist
	// or lies outside the jurisdiction, ECONFLICT for the actor's own account.
	DisableUser(ctx context.Context, actor *User, username string) error
	// EnableUser lets a disabled account sign in again (启用); errors as
	// DisableUser's.
	EnableUser(ctx context.Context, actor *User, username string) error
	// RevokeSessions ends every session of the user (强制下线) and answers
	// how many there were; errors as DisableUser's, but an administrator
	// may end their own sessions.
	RevokeSessions(ctx context.Context, actor *User, username string) (int, error)
}

// UserFilter selects accounts for the administration page (用户管理).
type UserFilter struct {
	// Query matches the username or the name, any part of either,
	// regardless of case.
	Query string
	// Unit is the code of a unit: accounts of it and of the units under
	// it. It must lie in the actor's jurisdiction.
	Unit string
	// Role is a role the account must have.
	Role Role
	// Offset and Limit page the result; Limit 0 means no limit.
	Offset, Limit int
}

// AccountService is the administration of accounts (账号管理): finding,
// editing, and setting passwords. Every change is written to the audit log
// under the actor, with the source address of the context. The actor must
// be an administrator whose jurisdiction holds the account's unit (nil:
// the operator at the command line); EFORBIDDEN for another actor,
// ENOTFOUND for an account that does not exist or lies outside the
// jurisdiction, alike.
type AccountService interface {
	// SearchUsers answers the page of accounts in the actor's jurisdiction
	// that f selects, ordered by unit and username, with the number f
	// selects in all. Each user's Disabled says whether it is stopped.
	// EINVALID names a bad unit or role.
	SearchUsers(ctx context.Context, actor *User, f UserFilter) ([]*User, int, error)
	// AddUser creates an account as UserService.CreateUser does, by an
	// administrator: its unit must lie in the actor's jurisdiction and its
	// roles hold none of AdminRoles (the security administrator gives
	// those). EFORBIDDEN for an actor who is not an administrator; EINVALID
	// names each bad field; ECONFLICT if the username exists.
	AddUser(ctx context.Context, actor *User, u *User, password string) error
	// UpdateUser sets the name, unit and roles of the account u.Username.
	// The unit must lie in the actor's jurisdiction. EINVALID names each
	// bad field; ECONFLICT when administrators would take the
	// administrator role from themselves.
	UpdateUser(ctx context.Context, actor *User, u *User) error
	// SetPassword gives the account a new password (重置密码), which must
	// meet the rule of secret.WeakPassword, and ends its sessions; it
	// answers how many there were. EINVALID names the password.
	SetPassword(ctx context.Context, actor *User, username, password string) (int, error)
}
