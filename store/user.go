package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

var _ pingan.UserService = (*DB)(nil)

var usernameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$`)

// MinPasswordLength is the shortest password CreateUser accepts.
const MinPasswordLength = 8

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
// in u.ID and u.ScopePath. EINVALID for a bad username, unit, role or a
// password shorter than MinPasswordLength; ECONFLICT if the username exists.
func (db *DB) CreateUser(ctx context.Context, u *pingan.User, password string) error {
	var v pingan.Invalid
	u.Username, u.Name, u.UnitCode = strings.TrimSpace(u.Username), strings.TrimSpace(u.Name), strings.TrimSpace(u.UnitCode)
	if !usernameRe.MatchString(u.Username) {
		v.Add("username", "用户名须为 2–64 位字母、数字或 _ . @ - (2–64 letters, digits, _ . @ -)")
	}
	v.Require("unit", u.UnitCode)
	if len(u.Roles) == 0 {
		v.Add("role", "至少需要一个角色 (at least one role)")
	}
	var roles []string
	for _, r := range u.Roles {
		if _, err := pingan.ParseRoles(string(r)); err != nil {
			v.Add("role", "未知角色 (unknown role) "+string(r))
		}
		roles = append(roles, string(r))
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		v.Add("password", "密码至少 8 位 (at least 8 characters)")
	}
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := secret.HashPassword(password, db.pw)
	if err != nil {
		return err
	}

	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	unit, err := unitByCode(ctx, tx, u.UnitCode)
	if err != nil {
		return err
	} else if unit == nil {
		v.Add("unit", "未知单位 (unknown unit) "+u.UnitCode)
		return v.Err()
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO users (username, name, unit_code, roles, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.Username, u.Name, u.UnitCode, strings.Join(roles, ","), hash, db.dialect.ts(db.now())).Scan(&u.ID)
	if isUnique(err) {
		return &pingan.Error{Code: pingan.ECONFLICT, Message: "用户名已存在 (username taken) " + u.Username,
			Fields: map[string]string{"username": "已存在 (taken)"}}
	} else if err != nil {
		return err
	}
	created, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id = $1`, u.ID))
	if err != nil {
		return err
	}
	u.ScopePath = created.ScopePath
	return tx.Commit()
}

// UserByUsername answers a user with its jurisdiction, for the command line
// and for services acting on a user's behalf; ENOTFOUND if there is none.
func (db *DB) UserByUsername(ctx context.Context, username string) (*pingan.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.Errorf(pingan.ENOTFOUND, "用户不存在 (user not found) %s", username)
	}
	return u, err
}

// FindUsers answers the accounts whose unit lies in the actor's
// jurisdiction, ordered by unit and username, for the administration pages.
// An actor without a jurisdiction gets EFORBIDDEN.
func (db *DB) FindUsers(ctx context.Context, actor *pingan.User) ([]*pingan.User, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+userFrom+
		` WHERE un.path LIKE $1 ESCAPE '\' ORDER BY un.path, users.username`, scope)
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

func errBadLogin() error {
	return pingan.Errorf(pingan.EUNAUTHORIZED, "用户名或密码错误 (wrong username or password)")
}

func errLocked(until time.Time) error {
	return pingan.Errorf(pingan.ETOOMANY, "登录失败次数过多，账户已锁定至 %s (too many failed logins; locked until %s)",
		until.In(cst).Format("2006-01-02 15:04:05"), until.In(cst).Format(time.RFC3339))
}

// Login checks the password and issues a session. After MaxFailedLogins
// failures in a row the account is locked for LockoutDuration (ETOOMANY,
// naming the time it unlocks); a success resets the count. An unknown user
// and a wrong password answer the same EUNAUTHORIZED.
//
// The password is checked outside the write transaction so that the
// deliberately slow hash never holds SQLite's one writer; the counters are
// then changed atomically in one transaction.
func (db *DB) Login(ctx context.Context, username, password string) (*pingan.Session, error) {
	now := db.now()
	var id int64
	var hash string
	var lockedUntil stamp
	err := db.read.QueryRowContext(ctx, `SELECT id, password_hash, locked_until FROM users WHERE username = $1`,
		strings.TrimSpace(username)).Scan(&id, &hash, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		secret.CheckPassword(db.dummyHash(), password) // spend the same time as for a real user
		return nil, errBadLogin()
	} else if err != nil {
		return nil, err
	}
	if lockedUntil.Valid && now.Before(lockedUntil.T) {
		return nil, errLocked(lockedUntil.T)
	}
	ok, err := secret.CheckPassword(hash, password)
	if err != nil {
		return nil, err
	}

	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if !ok {
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`,
			id).Scan(&failed); err != nil {
			return nil, err
		}
		if failed < pingan.MaxFailedLogins {
			if err := tx.Commit(); err != nil {
				return nil, err
			}
			return nil, errBadLogin()
		}
		until := now.Add(pingan.LockoutDuration)
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = $2 WHERE id = $1`,
			id, db.dialect.ts(until)); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		db.log.Warn("account locked after failed logins", "username", username, "until", until)
		return nil, errLocked(until)
	}
	// Another attempt may have locked the account since it was read.
	if err := tx.QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`, id).Scan(&lockedUntil); err != nil {
		return nil, err
	}
	if lockedUntil.Valid && now.Before(lockedUntil.T) {
		return nil, errLocked(lockedUntil.T)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, id); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2`, id, db.dialect.ts(now)); err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	s := &pingan.Session{Token: token, ExpiresAt: now.Add(pingan.SessionLifetime)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash(token), id, db.dialect.ts(now), db.dialect.ts(s.ExpiresAt)); err != nil {
		return nil, err
	}
	if s.User, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id = $1`, id)); err != nil {
		return nil, err
	}
	return s, tx.Commit()
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// dummyHash is a hash to check passwords of unknown users against.
func (db *DB) dummyHash() string {
	db.dummyOnce.Do(func() {
		db.dummy, _ = secret.HashPassword("no such user", db.pw)
	})
	return db.dummy
}

func errSession() error {
	return pingan.Errorf(pingan.EUNAUTHORIZED, "登录已失效，请重新登录 (the session is invalid or expired; sign in again)")
}

// Authenticate answers the user of a live token; EUNAUTHORIZED otherwise.
func (db *DB) Authenticate(ctx context.Context, token string) (*pingan.User, error) {
	if token == "" {
		return nil, errSession()
	}
	s, err := db.readStmt(ctx, `SELECT `+userColumns+userFrom+`
		JOIN sessions s ON s.user_id = users.id WHERE s.token_hash = $1 AND s.expires_at > $2`)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(s.QueryRowContext(ctx, tokenHash(token), db.dialect.ts(db.now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSession()
	}
	return u, err
}

// Logout ends a session; ending an unknown one is not an error.
func (db *DB) Logout(ctx context.Context, token string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(token)); err != nil {
		return err
	}
	return tx.Commit()
}
