package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

// Security keeps the security policy (安全策略: password rules, idle
// time-out, one session per account) as a settings row, and the checks of
// new passwords against it and against the account's last passwords
// (password_history, migration 0039): pingan.SecurityService.
type Security struct{ *handle }

var _ pingan.SecurityService = (*Security)(nil)

// settingSecurity is the name of the policy's settings row.
const settingSecurity = "security"

// Audit actions of the security administrator's work.
const (
	auditSecurityPolicy = "security_policy_set" // 修改安全策略
	auditRolesSet       = "roles_set"           // 分配角色
	auditPasswordOwn    = "password_changed"    // 本人修改密码
)

// lastSeenEvery is how often a session's last use is written: at most
// once a minute, not on every request.
const lastSeenEvery = time.Minute

// securityPolicyIn answers the policy as q reads it, the defaults where
// none was set.
func securityPolicyIn(ctx context.Context, q queryer) (*pingan.SecurityPolicy, error) {
	p := pingan.DefaultSecurityPolicy()
	var value, by string
	var at stamp
	err := q.QueryRowContext(ctx, `SELECT value, updated_by, updated_at FROM settings WHERE name = $1`, settingSecurity).Scan(&value, &by, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return &p, nil
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal([]byte(value), &p); err != nil {
		return nil, err
	}
	p.Normalize()
	p.UpdatedBy, p.UpdatedAt = by, at.T
	return &p, nil
}

// SecurityPolicy answers the policy; see pingan.SecurityService.
func (s *Security) SecurityPolicy(ctx context.Context) (*pingan.SecurityPolicy, error) {
	return securityPolicyIn(ctx, s.read)
}

// SetSecurityPolicy replaces the policy and audits it; see
// pingan.SecurityService.
func (s *Security) SetSecurityPolicy(ctx context.Context, actor *pingan.User, p *pingan.SecurityPolicy) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Forbidden comes before the fields are judged.
	if err := wholeTreeAs(ctx, tx, actor, pingan.RoleSecAdmin, pingan.E(pingan.EFORBIDDEN, "security.forbidden")); err != nil {
		return err
	}
	in := *p
	in.Normalize()
	var v pingan.Invalid
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now()
	in.UpdatedBy, in.UpdatedAt = actorLabel(operator(actor)), now
	value := in
	value.UpdatedBy, value.UpdatedAt = "", time.Time{}
	if err := s.putSetting(ctx, tx, settingSecurity, value, in.UpdatedBy, now); err != nil {
		return err
	}
	// A change by a person is audited; nil is the seeding of a deployment
	// or of a test's fixture (storetest), which nobody did.
	if actor != nil {
		b, err := json.Marshal(value)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, auditSecurityPolicy, "", "", string(b)); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*p = in
	return nil
}

// checkNewPassword adds to v, under "password", what is wrong with a new
// password for the account username: the policy's length and kinds, a
// guessable one (secret.Guessable), or, for an existing account (userID
// not 0), one of its last p.History passwords. The hashes are checked
// outside any transaction, within the bound on argon2id computations.
func (h *handle) checkNewPassword(ctx context.Context, v *pingan.Invalid, p *pingan.SecurityPolicy, userID int64, username, password string) error {
	p.CheckPassword(v, "password", password)
	if v.Has("password") {
		return nil
	}
	if why := secret.Guessable(password, username); why != "" {
		v.Add("password", why)
		return nil
	}
	if userID == 0 || p.History == 0 {
		return nil
	}
	hashes, err := lastPasswords(ctx, h.read, userID, p.History)
	if err != nil {
		return err
	}
	for _, hash := range hashes {
		leave, err := passwordChecks.enter(ctx, false)
		if err != nil {
			return err
		}
		same, err := secret.CheckPassword(hash, password)
		leave()
		if err != nil {
			return err
		}
		if same {
			v.Add("password", "password.reused", p.History)
			return nil
		}
	}
	return nil
}

// lastPasswords answers the hashes of the account's current password and
// of its last n-1 before it (the history holds a password from the time
// it is set; one set before the history began is the account's current
// hash alone).
func lastPasswords(ctx context.Context, q querier, userID int64, n int) ([]string, error) {
	var current string
	if err := q.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&current); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, userID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{current}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		if h != current {
			out = append(out, h)
		}
	}
	return out[:min(len(out), n)], rows.Err()
}

// passwordSet records in tx that the account's password is now hash, set
// at now: its time for the expiry, and its place in the history, which
// keeps no more than MaxPasswordHistory.
func (h *handle) passwordSet(ctx context.Context, tx *sql.Tx, userID int64, hash string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, password_set_at = $3 WHERE id = $1`,
		userID, hash, h.dialect.ts(now)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, hash, set_at) VALUES ($1, $2, $3)`,
		userID, hash, h.dialect.ts(now)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN
		(SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`, userID, pingan.MaxPasswordHistory)
	return err
}

// ChangeOwnPassword sets the signed-in user's password after checking the
// old one, and ends their other sessions; see pingan.SecurityService.
func (s *Security) ChangeOwnPassword(ctx context.Context, u *pingan.User, keep, old, password string) error {
	if u == nil || u.ID == 0 {
		return pingan.E(pingan.EUNAUTHORIZED, "login.required")
	}
	var current string
	if err := s.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&current); err != nil {
		return err
	}
	leave, err := passwordChecks.enter(ctx, false)
	if err != nil {
		return err
	}
	ok, err := secret.CheckPassword(current, old)
	leave()
	if err != nil {
		return err
	}
	var v pingan.Invalid
	if !ok {
		v.Add("old_password", "password.old.wrong")
		return v.Err()
	}
	p, err := s.SecurityPolicy(ctx)
	if err != nil {
		return err
	}
	if err := s.checkNewPassword(ctx, &v, p, u.ID, u.Username, password); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := (&Users{handle: s.handle}).hashPassword(ctx, password)
	if err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.passwordSet(ctx, tx, u.ID, hash, s.now()); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, u.ID, tokenHash(keep))
	if err != nil {
		return err
	}
	ended, err := res.RowsAffected()
	if err != nil {
		return err
	}
	var region string
	if err := tx.QueryRowContext(ctx, `SELECT un.region FROM users JOIN units un ON un.code = users.unit_code WHERE users.id = $1`,
		u.ID).Scan(&region); err != nil {
		return err
	}
	if err := s.auditAccount(ctx, tx, u, auditPasswordOwn, region, accountEvent{Username: u.Username, Sessions: int(ended)}); err != nil {
		return err
	}
	return tx.Commit()
}

// PasswordExpiredFor reports whether the user's password has expired; see
// pingan.SecurityService.
func (s *Security) PasswordExpiredFor(ctx context.Context, u *pingan.User) (bool, error) {
	p, err := s.SecurityPolicy(ctx)
	if err != nil {
		return false, err
	}
	set, err := passwordSetAt(ctx, s.read, u.ID)
	if err != nil {
		return false, err
	}
	return p.Expired(set, s.now()), nil
}

// passwordSetAt answers when the account's password was set: its time in
// the history, or for one set before the history began the account's
// creation.
func passwordSetAt(ctx context.Context, q queryer, userID int64) (time.Time, error) {
	var set, created stamp
	if err := q.QueryRowContext(ctx, `SELECT password_set_at, created_at FROM users WHERE id = $1`, userID).Scan(&set, &created); err != nil {
		return time.Time{}, err
	}
	if set.Valid {
		return set.T, nil
	}
	return created.T, nil
}

// TouchSession applies the policy's idle time-out to the live session of
// token: a session unused for longer is ended (audited as a sign-out) and
// answered idle; otherwise its last use is written, at most once a minute,
// so that a restart of the server does not reset the idle clock. It also
// says whether the account's password has expired. A token of no live
// session answers EUNAUTHORIZED.
func (s *Users) TouchSession(ctx context.Context, token string) (idle, expired bool, err error) {
	p, err := securityPolicyIn(ctx, s.read)
	if err != nil {
		return false, false, err
	}
	now := s.now()
	var userID int64
	var created, seen stamp
	err = s.read.QueryRowContext(ctx, `SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash(token), s.dialect.ts(now)).Scan(&userID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, errSession()
	} else if err != nil {
		return false, false, err
	}
	last := created.T
	if seen.Valid {
		last = seen.T
	}
	if now.Sub(last) > p.Idle() {
		if err := s.Logout(ctx, token); err != nil {
			return false, false, err
		}
		return true, false, nil
	}
	if now.Sub(last) >= lastSeenEvery {
		tx, err := s.beginWrite(ctx)
		if err != nil {
			return false, false, err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1`,
			tokenHash(token), s.dialect.ts(now)); err != nil {
			return false, false, err
		}
		if err := tx.Commit(); err != nil {
			return false, false, err
		}
	}
	set, err := passwordSetAt(ctx, s.read, userID)
	if err != nil {
		return false, false, err
	}
	return false, p.Expired(set, now), nil
}

// endOtherSessions ends, when the policy allows one session per account,
// the account's sessions but keep (a sign-in's new one), audited as a
// forced sign-out (sessions_revoked).
func (s *Users) endOtherSessions(ctx context.Context, tx *sql.Tx, u *pingan.User, region, keep string) error {
	p, err := securityPolicyIn(ctx, tx)
	if err != nil || !p.SingleSession {
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, u.ID, tokenHash(keep))
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return err
	}
	return s.auditAccount(ctx, tx, u, auditSessionsRevoked, region, accountEvent{Username: u.Username, Sessions: int(n)})
}

// SetRoles gives the account of username its roles (分配角色), audited;
// the security administrator's work. The actor must be a security
// administrator whose jurisdiction holds the account (nil: the operator at
// the command line), and not the account itself. EFORBIDDEN for another
// actor, ENOTFOUND for an account outside the jurisdiction, EINVALID
// naming "role" for an unknown role, none, or an administrator's role
// beside another.
func (s *Users) SetRoles(ctx context.Context, actor *pingan.User, username string, roles []pingan.Role) error {
	if actor != nil && (!actor.Has(pingan.RoleSecAdmin) || actor.ScopePath == "") {
		return pingan.E(pingan.EFORBIDDEN, "capability.admin_security.forbidden")
	}
	var v pingan.Invalid
	checkRoles(&v, roles)
	if err := v.Err(); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t, err := accountIn(ctx, tx, actor, username)
	if err != nil {
		return err
	}
	if actor != nil && actor.ID == t.user.ID {
		return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("roles.self"), Fields: map[string]pingan.Message{"role": pingan.Msg("roles.self")}}
	}
	joined := strings.Join(roleStrings(roles), ",")
	if joined == strings.Join(roleStrings(t.user.Roles), ",") {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET roles = $2 WHERE id = $1`, t.user.ID, joined); err != nil {
		return err
	}
	b, err := json.Marshal(rolesEvent{Username: t.user.Username, Source: pingan.SourceFromContext(ctx), Roles: joined})
	if err != nil {
		return err
	}
	if err := s.audit(ctx, tx, operator(actor), auditRolesSet, t.region, "", string(b)); err != nil {
		return err
	}
	return tx.Commit()
}

// rolesEvent is the detail of an audit row of roles given.
type rolesEvent struct {
	Username string `json:"username"`
	Source   string `json:"source,omitempty"`
	Roles    string `json:"roles"`
}

// checkRoles adds to v, under "role", what is wrong with a set of roles:
// none, an unknown one, or an administrator's beside another
// (pingan.CheckRoles).
func checkRoles(v *pingan.Invalid, roles []pingan.Role) {
	if len(roles) == 0 {
		v.Add("role", "role.none")
	}
	for _, r := range roles {
		if _, err := pingan.ParseRoles(string(r)); err != nil {
			v.Add("role", "role.unknown", string(r))
		}
	}
	pingan.CheckRoles(v, roles)
}

// MixedAdmins answers the usernames of the accounts that hold an
// administrator's role beside another (an upgrade left them so; the
// security administrator splits them), in order.
func (s *Users) MixedAdmins(ctx context.Context) ([]string, error) {
	users, _, err := s.SearchUsers(ctx, nil, pingan.UserFilter{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range users {
		if pingan.MixedAdmin(u) {
			out = append(out, u.Username)
		}
	}
	return out, nil
}
