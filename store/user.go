package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

// Users is the accounts (用户) and their sessions: pingan.UserService, with
// sign-in in login.go.
type Users struct {
	*handle

	dummyOnce sync.Once
	dummy     string // a password hash for unknown users, see Login
}

var _ pingan.UserService = (*Users)(nil)

var usernameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$`)

// userColumns select a user with its jurisdiction: the path of its unit,
// or for a centre (综治中心) the path of the unit the centre serves.
const userColumns = `users.id, users.username, users.name, users.unit_code, users.roles,
	CASE WHEN un.level = 'centre' AND pu.path IS NOT NULL THEN pu.path ELSE un.path END`

const userFrom = ` FROM users JOIN units un ON un.code = users.unit_code LEFT JOIN units pu ON pu.code = un.parent_code`

func scanUser(s scanner, extra ...any) (*pingan.User, error) {
	var u pingan.User
	var roles string
	if err := s.Scan(append([]any{&u.ID, &u.Username, &u.Name, &u.UnitCode, &roles, &u.ScopePath}, extra...)...); err != nil {
		return nil, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, pingan.Role(r))
		}
	}
	return &u, nil
}

// CreateUser adds a user with the password hashed with argon2id, and fills
// in u.ID and u.ScopePath: AddUser by the operator at the command line.
// EINVALID for a bad username, unit, role or a weak password
// (secret.WeakPassword); ECONFLICT if the username exists.
func (s *Users) CreateUser(ctx context.Context, u *pingan.User, password string) error {
	return s.AddUser(ctx, nil, u, password)
}

// AddUser is CreateUser by actor, an administrator (nil: the operator at
// the command line), who gives the account a unit of their jurisdiction and
// none of the administrators' roles (三权分立); see pingan.AccountService.
// The account's creation is an audit row (user_create) in its transaction.
func (s *Users) AddUser(ctx context.Context, actor *pingan.User, u *pingan.User, password string) error {
	if actor != nil && (!actor.Has(pingan.RoleAdmin) || actor.ScopePath == "") {
		return pingan.E(pingan.EFORBIDDEN, "user.forbidden")
	}
	var v pingan.Invalid
	u.Username, u.Name, u.UnitCode = strings.TrimSpace(u.Username), strings.TrimSpace(u.Name), strings.TrimSpace(u.UnitCode)
	if !usernameRe.MatchString(u.Username) {
		v.Add("username", "user.username.bad")
	}
	v.Require("unit", u.UnitCode)
	checkRoles(&v, u.Roles)
	if actor != nil {
		for _, r := range u.Roles {
			if slices.Contains(pingan.AdminRoles, r) {
				v.Add("role", "roles.admin.grant", string(r))
			}
		}
	}
	roles := roleStrings(u.Roles)
	policy, err := securityPolicyIn(ctx, s.read)
	if err != nil {
		return err
	}
	if err := s.checkNewPassword(ctx, &v, policy, 0, u.Username, password); err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}

	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var unit *pingan.Unit
	if actor == nil {
		unit, err = unitByCode(ctx, tx, u.UnitCode)
	} else if unit, err = unitInScope(ctx, tx, u.UnitCode, likePrefix(actor.ScopePath)); pingan.ErrorCode(err) == pingan.ENOTFOUND {
		v.Add("unit", "admin.unit.outside")
		return v.Err()
	}
	if err != nil {
		return err
	} else if unit == nil {
		v.Add("unit", "unit.unknown", u.UnitCode)
		return v.Err()
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO users (username, name, unit_code, roles, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.Username, u.Name, u.UnitCode, strings.Join(roles, ","), hash, s.dialect.ts(s.now())).Scan(&u.ID)
	if isUnique(err) {
		return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("user.taken", u.Username),
			Fields: map[string]pingan.Message{"username": pingan.Msg("user.taken.field")}}
	} else if err != nil {
		return err
	}
	if err := s.passwordSet(ctx, tx, u.ID, hash, s.now()); err != nil {
		return err
	}
	created, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id = $1`, u.ID))
	if err != nil {
		return err
	}
	u.ScopePath = created.ScopePath
	if err := s.auditAccount(ctx, tx, operator(actor), auditUserCreated, unit.Region,
		accountEvent{Username: u.Username, Roles: strings.Join(roles, ","), Unit: u.UnitCode}); err != nil {
		return err
	}
	return tx.Commit()
}

// UserByUsername answers a user with its jurisdiction, for the command line
// and for services acting on a user's behalf; ENOTFOUND if there is none.
func (s *Users) UserByUsername(ctx context.Context, username string) (*pingan.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "user.notfound", username)
	}
	return u, err
}

// FindUsers answers the accounts whose unit lies in the actor's
// jurisdiction, ordered by unit and username, for the administration pages.
// An actor without a jurisdiction gets EFORBIDDEN.
func (s *Users) FindUsers(ctx context.Context, actor *pingan.User) ([]*pingan.User, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+userFrom+
		` WHERE `+unitIn("un.path", "$1")+` ORDER BY un.path, users.username`, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func errSession() error {
	return pingan.E(pingan.EUNAUTHORIZED, "session.invalid")
}

// hashPassword hashes a new password within the bound on argon2id
// computations (login.go), waiting for a place as long as ctx lets it.
func (s *Users) hashPassword(ctx context.Context, password string) (string, error) {
	leave, err := passwordChecks.enter(ctx, false)
	if err != nil {
		return "", err
	}
	defer leave()
	return secret.HashPassword(password, s.pw)
}

// Authenticate answers the user of a live token of an account that is not
// disabled; EUNAUTHORIZED otherwise.
func (s *Users) Authenticate(ctx context.Context, token string) (*pingan.User, error) {
	if token == "" {
		return nil, errSession()
	}
	st, err := s.readStmt(ctx, `SELECT `+userColumns+userFrom+`
		JOIN sessions s ON s.user_id = users.id WHERE s.token_hash = $1 AND s.expires_at > $2 AND users.disabled_at IS NULL`)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(st.QueryRowContext(ctx, tokenHash(token), s.dialect.ts(s.now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSession()
	}
	return u, err
}

// Logout ends a session and audits it with the source address of ctx;
// ending an unknown one is not an error.
func (s *Users) Logout(ctx context.Context, token string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id`, tokenHash(token)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	var region string
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, un.region`+userFrom+` WHERE users.id = $1`, id), &region)
	if err != nil {
		return err
	}
	if err := s.auditAccount(ctx, tx, u, auditLogout, region, accountEvent{Username: u.Username}); err != nil {
		return err
	}
	return tx.Commit()
}

// DisableUser stops the account of username: it can no longer sign in, and
// its sessions end at once (an API server's session cache trusts a token
// for up to its TTL); see pingan.UserService. Disabling a disabled account
// changes nothing.
func (s *Users) DisableUser(ctx context.Context, actor *pingan.User, username string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t, err := administered(ctx, tx, actor, username)
	if err != nil {
		return err
	}
	if actor != nil && actor.ID == t.user.ID {
		return pingan.E(pingan.ECONFLICT, "user.disable.self")
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL`,
		t.user.ID, s.dialect.ts(s.now()))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	ended, err := endSessions(ctx, tx, t.user.ID)
	if err != nil {
		return err
	}
	if err := s.auditAccount(ctx, tx, operator(actor), auditUserDisabled, t.region,
		accountEvent{Username: t.user.Username, Sessions: ended}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.log.Info("account disabled", "username", t.user.Username, "by", operator(actor).Username, "sessions", ended)
	return nil
}

// EnableUser lets the disabled account of username sign in again; see
// pingan.UserService. Enabling an account that is not disabled changes
// nothing.
func (s *Users) EnableUser(ctx context.Context, actor *pingan.User, username string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t, err := administered(ctx, tx, actor, username)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL`, t.user.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	if err := s.auditAccount(ctx, tx, operator(actor), auditUserEnabled, t.region, accountEvent{Username: t.user.Username}); err != nil {
		return err
	}
	return tx.Commit()
}

// RevokeSessions ends every session of the account of username and
// answers how many there were; see pingan.UserService.
func (s *Users) RevokeSessions(ctx context.Context, actor *pingan.User, username string) (int, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	t, err := administered(ctx, tx, actor, username)
	if err != nil {
		return 0, err
	}
	ended, err := endSessions(ctx, tx, t.user.ID)
	if err != nil {
		return 0, err
	}
	if err := s.auditAccount(ctx, tx, operator(actor), auditSessionsRevoked, t.region,
		accountEvent{Username: t.user.Username, Sessions: ended}); err != nil {
		return 0, err
	}
	return ended, tx.Commit()
}

// account is a user with the region of their unit, for the audit.
type account struct {
	user   *pingan.User
	region string
}

// administered answers the account of username if actor may administer
// it: an administrator whose jurisdiction holds the account's unit, or nil,
// the operator at the command line. EFORBIDDEN for an actor who is not an
// administrator; ENOTFOUND for an account that does not exist or lies
// outside the jurisdiction, alike.
func administered(ctx context.Context, tx *sql.Tx, actor *pingan.User, username string) (*account, error) {
	if actor != nil && (!actor.Has(pingan.RoleAdmin) || actor.ScopePath == "") {
		return nil, pingan.E(pingan.EFORBIDDEN, "user.forbidden")
	}
	return accountIn(ctx, tx, actor, username)
}

// accountIn answers the account of username if it lies in the actor's
// jurisdiction (nil: every account); ENOTFOUND otherwise.
func accountIn(ctx context.Context, tx *sql.Tx, actor *pingan.User, username string) (*account, error) {
	var a account
	var unitPath string
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, un.region, un.path`+userFrom+
		` WHERE users.username = $1`, strings.TrimSpace(username)), &a.region, &unitPath)
	if errors.Is(err, sql.ErrNoRows) || err == nil && actor != nil && !actor.Sees(unitPath) {
		return nil, pingan.E(pingan.ENOTFOUND, "user.notfound", username)
	} else if err != nil {
		return nil, err
	}
	a.user = u
	return &a, nil
}

// endSessions deletes every session of the user and answers how many.
func endSessions(ctx context.Context, tx *sql.Tx, userID int64) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// operator answers the user an administrative change is filed under in
// the audit log: the actor, or the operator at the command line.
func operator(actor *pingan.User) *pingan.User {
	if actor != nil {
		return actor
	}
	return &pingan.User{Username: "命令行 (command line)"}
}

var _ pingan.AccountService = (*Users)(nil)

// Audit actions of account administration (账号管理); the detail is an
// accountEvent.
const (
	auditUserCreated = "user_create"  // 新建账户: its username, roles and unit
	auditUserUpdated = "user_updated" // 修改账户: name, unit, roles
	auditPasswordSet = "password_set" // 重置密码
)

// SearchUsers answers the page of accounts in the actor's jurisdiction that
// f selects, and how many it selects in all; see pingan.AccountService.
func (s *Users) SearchUsers(ctx context.Context, actor *pingan.User, f pingan.UserFilter) ([]*pingan.User, int, error) {
	scope := "%" // the operator at the command line: every account
	if actor != nil {
		var err error
		if scope, err = scopeOf(actor); err != nil {
			return nil, 0, err
		}
	}
	var a args
	where := []string{unitIn("un.path", a.add(scope))}
	var v pingan.Invalid
	if code := strings.TrimSpace(f.Unit); code != "" {
		unit, err := unitInScope(ctx, s.read, code, scope)
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			v.Add("unit", "unit.unknown", code)
		} else if err != nil {
			return nil, 0, err
		} else {
			where = append(where, unitIn("un.path", a.add(likePrefix(unit.Path))))
		}
	}
	if f.Role != "" {
		if _, err := pingan.ParseRoles(string(f.Role)); err != nil {
			v.Add("role", "role.unknown", string(f.Role))
		} else {
			where = append(where, `(',' || users.roles || ',') LIKE `+a.add(likeContains(","+string(f.Role)+","))+` ESCAPE '\'`)
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p, like := a.add(likeContains(q)), s.dialect.ilike()
		where = append(where, `(users.username `+like+` `+p+` ESCAPE '\' OR users.name `+like+` `+p+` ESCAPE '\')`)
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*)`+userFrom+cond, a...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page := ` ORDER BY un.path, users.username`
	if f.Limit > 0 {
		page += ` LIMIT ` + a.add(f.Limit) + ` OFFSET ` + a.add(max(f.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+`, users.disabled_at IS NOT NULL`+userFrom+cond+page, a...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*pingan.User
	for rows.Next() {
		var disabled bool
		u, err := scanUser(rows, &disabled)
		if err != nil {
			return nil, 0, err
		}
		u.Disabled = disabled
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// UpdateUser sets the name, unit and roles of the account u.Username and
// fills in the rest of u; see pingan.AccountService. A change that changes
// nothing is not audited.
func (s *Users) UpdateUser(ctx context.Context, actor *pingan.User, u *pingan.User) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	region, changed, err := s.updateUser(ctx, tx, actor, u)
	if err != nil {
		return err
	}
	if changed {
		if err := s.auditAccount(ctx, tx, operator(actor), auditUserUpdated, region, accountEvent{Username: u.Username}); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// updateUser is UpdateUser in tx without the audit: it answers the
// account's region and whether anything changed.
func (s *Users) updateUser(ctx context.Context, tx *sql.Tx, actor *pingan.User, u *pingan.User) (region string, changed bool, err error) {
	var v pingan.Invalid
	u.Name, u.UnitCode = strings.TrimSpace(u.Name), strings.TrimSpace(u.UnitCode)
	v.Require("name", u.Name)
	v.Require("unit", u.UnitCode)
	roles := roleStrings(u.Roles)
	t, err := administered(ctx, tx, actor, u.Username)
	if err != nil {
		return "", false, err
	}
	// The roles are the security administrator's (SetRoles): a system
	// administrator saves an account with the roles it has; the operator
	// at the command line gives any.
	if strings.Join(roles, ",") != strings.Join(roleStrings(t.user.Roles), ",") {
		if actor != nil {
			v.Add("role", "roles.secadmin.only")
		} else {
			checkRoles(&v, u.Roles)
		}
	}
	if err := v.Err(); err != nil {
		return "", false, err
	}
	var unit *pingan.Unit
	if actor == nil {
		unit, err = unitByCode(ctx, tx, u.UnitCode)
	} else {
		unit, err = unitInScope(ctx, tx, u.UnitCode, likePrefix(actor.ScopePath))
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			unit, err = nil, nil
		}
	}
	if err != nil {
		return "", false, err
	} else if unit == nil {
		v.Add("unit", "unit.unknown", u.UnitCode)
		return "", false, v.Err()
	}
	if actor != nil && actor.ID == t.user.ID && !u.Has(pingan.RoleAdmin) {
		return "", false, &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("account.admin.self"),
			Fields: map[string]pingan.Message{"role": pingan.Msg("account.admin.self")}}
	}
	joined := strings.Join(roles, ",")
	old := t.user
	if old.Name != u.Name || old.UnitCode != u.UnitCode || strings.Join(roleStrings(old.Roles), ",") != joined {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $2, unit_code = $3, roles = $4 WHERE id = $1`,
			old.ID, u.Name, u.UnitCode, joined); err != nil {
			return "", false, err
		}
		changed = true
	}
	now, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id = $1`, old.ID))
	if err != nil {
		return "", false, err
	}
	*u = *now
	return t.region, changed, nil
}

func roleStrings(rs []pingan.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// SetPassword gives the account of username a new password and ends its
// sessions, answering how many; see pingan.AccountService.
func (s *Users) SetPassword(ctx context.Context, actor *pingan.User, username, password string) (int, error) {
	if actor != nil && (!actor.Has(pingan.RoleAdmin) || actor.ScopePath == "") {
		return 0, pingan.E(pingan.EFORBIDDEN, "user.forbidden")
	}
	username = strings.TrimSpace(username)
	policy, err := securityPolicyIn(ctx, s.read)
	if err != nil {
		return 0, err
	}
	var v pingan.Invalid
	var id int64
	if err := s.read.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := s.checkNewPassword(ctx, &v, policy, id, username, password); err != nil {
		return 0, err
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	// The password is hashed before the transaction, which would hold
	// SQLite's write lock meanwhile.
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return 0, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	t, err := administered(ctx, tx, actor, username)
	if err != nil {
		return 0, err
	}
	if err := s.passwordSet(ctx, tx, t.user.ID, hash, s.now()); err != nil {
		return 0, err
	}
	ended, err := endSessions(ctx, tx, t.user.ID)
	if err != nil {
		return 0, err
	}
	if err := s.auditAccount(ctx, tx, operator(actor), auditPasswordSet, t.region,
		accountEvent{Username: t.user.Username, Sessions: ended}); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	s.log.Info("password set", "username", t.user.Username, "by", operator(actor).Username, "sessions", ended)
	return ended, nil
}

// UpdateUserGrids is UpdateUser that also sets the grids (网格) the account
// works in, in one transaction and under one audit row. grids nil leaves
// them as they are; empty takes the account out of every grid. Each grid
// must exist and lie under the account's (new) unit, and an account with
// grids must have the grid_worker role; EINVALID names the field "grid".
// A grid the account kept keeps its position; a new one is GridMember.
// A later ImportGrids of a grid replaces its workers with the file's.
func (s *Users) UpdateUserGrids(ctx context.Context, actor *pingan.User, u *pingan.User, grids []string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	region, changed, err := s.updateUser(ctx, tx, actor, u)
	if err != nil {
		return err
	}
	if grids != nil {
		moved, err := setUserGrids(ctx, tx, u, grids)
		if err != nil {
			return err
		}
		changed = changed || moved
	}
	if changed {
		if err := s.auditAccount(ctx, tx, operator(actor), auditUserUpdated, region, accountEvent{Username: u.Username}); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// setUserGrids makes grids the grids the user works in, and answers
// whether that changed anything.
func setUserGrids(ctx context.Context, tx *sql.Tx, u *pingan.User, grids []string) (bool, error) {
	var v pingan.Invalid
	want := map[string]bool{}
	for _, code := range grids {
		if code = strings.TrimSpace(code); code == "" || want[code] {
			continue
		}
		want[code] = true
		var unit, path string
		err := tx.QueryRowContext(ctx, `SELECT g.unit_code, un.path FROM grids g JOIN units un ON un.code = g.unit_code
			WHERE g.code = $1`, code).Scan(&unit, &path)
		if errors.Is(err, sql.ErrNoRows) {
			v.Add("grid", "grid.notfound", code)
		} else if err != nil {
			return false, err
		} else if !u.Sees(path) {
			v.Add("grid", "grid.worker.outside", u.Username, u.UnitCode, unit)
		}
	}
	if len(want) > 0 && !u.Has(pingan.RoleGridWorker) {
		v.Add("grid", "grid.worker.role", u.Username)
	}
	if err := v.Err(); err != nil {
		return false, err
	}
	held, err := userGrids(ctx, tx, u.ID)
	if err != nil {
		return false, err
	}
	changed := false
	for _, code := range held {
		if !want[code] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM grid_workers WHERE grid_code = $1 AND user_id = $2`, code, u.ID); err != nil {
				return false, err
			}
			changed = true
		}
		delete(want, code)
	}
	for _, code := range grids {
		if code = strings.TrimSpace(code); want[code] {
			if _, err := tx.ExecContext(ctx, `INSERT INTO grid_workers (grid_code, user_id, position) VALUES ($1, $2, $3)`,
				code, u.ID, pingan.GridMember); err != nil {
				return false, err
			}
			delete(want, code)
			changed = true
		}
	}
	return changed, nil
}

// userGrids answers the codes of the grids the user works in, in order.
func userGrids(ctx context.Context, q querier, userID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT grid_code FROM grid_workers WHERE user_id = $1 ORDER BY grid_code`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		out = append(out, code)
	}
	return out, rows.Err()
}

// Roster answers, for the command line's list of accounts, the names of
// the accounts' units by code and the grids each works in by user id.
func (s *Users) Roster(ctx context.Context, users []*pingan.User) (unitNames map[string]string, grids map[int64][]string, err error) {
	unitNames, grids = map[string]string{}, map[int64][]string{}
	for _, u := range users {
		if _, ok := unitNames[u.UnitCode]; !ok {
			var name string
			if err := s.read.QueryRowContext(ctx, `SELECT name FROM units WHERE code = $1`, u.UnitCode).Scan(&name); err != nil {
				return nil, nil, err
			}
			unitNames[u.UnitCode] = name
		}
		if u.Has(pingan.RoleGridWorker) {
			if grids[u.ID], err = userGrids(ctx, s.read, u.ID); err != nil {
				return nil, nil, err
			}
		}
	}
	return unitNames, grids, nil
}
