package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

// Two-factor sign-in (双因素认证, migration 0040): Users is the
// pingan.TOTPService as well, since the second step of a sign-in is its
// (login.go). An account's secret is sealed like personal data; a code is
// taken once (totp.last_step); the recovery codes are kept as hashes, each
// usable once; a pending sign-in is a token of TOTPPendingLifetime held by
// the browser, kept as its hash in totp_pending.

var _ pingan.TOTPService = (*Users)(nil)

// Audit actions of two-factor sign-in; the detail is an accountEvent.
const (
	auditTOTPEnrolled = "totp_enrolled" // 绑定双因素认证
	auditTOTPDisabled = "totp_disabled" // 停用双因素认证 (by the account itself)
	auditTOTPFailed   = "totp_failed"   // 动态验证码错误: reason wrong, expired, replayed, recovery_used
	auditTOTPRecovery = "totp_recovery" // 使用恢复码
	auditTOTPReset    = "totp_reset"    // 重置双因素认证 (by the security administrator)
	auditTOTPPolicy   = "totp_policy"   // 修改须用双因素认证的角色
)

// settingTOTP is the name of the policy's row in settings.
const settingTOTP = "totp"

// totpExpiredSteps is how far (in steps) a code may lie from now and still
// be called expired rather than wrong: five minutes either side.
const totpExpiredSteps = 10

// newToken answers a random token of 32 bytes, URL-safe base64.
func newToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// codeError is the refusal of a second-factor code, naming the field.
func codeError(code, key string) error {
	return &pingan.Error{Code: code, Msg: pingan.Msg(key), Fields: map[string]pingan.Message{"code": pingan.Msg(key)}}
}

// totpRow is an account's secret as kept.
type totpRow struct {
	secret   string
	enabled  bool
	at       time.Time
	lastStep int64
}

// loadTOTP reads the secret of the user; nil when there is none.
func (s *Users) loadTOTP(ctx context.Context, q queryer, userID int64) (*totpRow, error) {
	var sealed []byte
	var enabled stamp
	var r totpRow
	err := q.QueryRowContext(ctx, `SELECT secret_sealed, enabled_at, last_step FROM totp WHERE user_id = $1`, userID).
		Scan(&sealed, &enabled, &r.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	b, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, err
	}
	r.secret, r.enabled, r.at = string(b), enabled.Valid, enabled.T
	return &r, nil
}

// matchCode checks a TOTP code against r at now: it answers the step, or
// why the code is refused (totp.code.wrong, .expired, .replayed).
func (r *totpRow) matchCode(code string, now time.Time) (int64, string) {
	step, ok := secret.MatchTOTP(r.secret, code, now)
	switch {
	case ok && step > r.lastStep:
		return step, ""
	case ok:
		return 0, "totp.code.replayed"
	}
	if _, near := secret.MatchTOTPWithin(r.secret, code, now, totpExpiredSteps); near {
		return 0, "totp.code.expired"
	}
	return 0, "totp.code.wrong"
}

// takeStep records step as the last accepted, unless a code of it or a
// later one was taken meanwhile (then it answers false).
func takeStep(ctx context.Context, tx *sql.Tx, userID, step int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE totp SET last_step = $2 WHERE user_id = $1 AND last_step < $2`, userID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TOTPPolicy answers the roles that must use TOTP; see pingan.TOTPService.
func (s *Users) TOTPPolicy(ctx context.Context) (*pingan.TOTPPolicy, error) {
	return totpPolicyIn(ctx, s.read)
}

func totpPolicyIn(ctx context.Context, q queryer) (*pingan.TOTPPolicy, error) {
	p := &pingan.TOTPPolicy{Roles: append([]pingan.Role(nil), pingan.DefaultTOTPRoles...)}
	if err := readSetting(ctx, q, settingTOTP, p); err != nil {
		return nil, err
	}
	return p, nil
}

// SetTOTPPolicy replaces the policy; see pingan.TOTPService.
func (s *Users) SetTOTPPolicy(ctx context.Context, actor *pingan.User, p *pingan.TOTPPolicy) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := maySecureWholeTree(ctx, tx, actor); err != nil {
		return err
	}
	var v pingan.Invalid
	p.Validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	in := pingan.TOTPPolicy{Roles: append([]pingan.Role{}, p.Roles...), UpdatedBy: actorLabel(operator(actor)), UpdatedAt: s.now()}
	if err := s.putSetting(ctx, tx, settingTOTP, in, in.UpdatedBy, in.UpdatedAt); err != nil {
		return err
	}
	roles := make([]string, len(in.Roles))
	for i, r := range in.Roles {
		roles[i] = string(r)
	}
	if err := s.auditAccount(ctx, tx, operator(actor), auditTOTPPolicy, "",
		accountEvent{Username: operator(actor).Username, Reason: strings.Join(roles, ",")}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*p = in
	return nil
}

// maySecureWholeTree: the policy and the resets hold for every unit, so
// only a security administrator who sees every unit acts on them (nil: the
// operator at the command line).
func maySecureWholeTree(ctx context.Context, tx *sql.Tx, actor *pingan.User) error {
	return wholeTreeAs(ctx, tx, actor, pingan.RoleSecAdmin, pingan.E(pingan.EFORBIDDEN, "totp.admin.forbidden"))
}

// TOTPState answers the two-factor state of u's account.
func (s *Users) TOTPState(ctx context.Context, u *pingan.User) (*pingan.TOTPAccount, error) {
	p, err := s.TOTPPolicy(ctx)
	if err != nil {
		return nil, err
	}
	out := &pingan.TOTPAccount{User: u, Required: p.Requires(u)}
	var enabled stamp
	err = s.read.QueryRowContext(ctx, `SELECT t.enabled_at,
		(SELECT count(*) FROM totp_recovery r WHERE r.user_id = t.user_id AND r.used_at IS NULL)
		FROM totp t WHERE t.user_id = $1`, u.ID).Scan(&enabled, &out.RecoveryLeft)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	out.Enabled, out.EnabledAt = enabled.Valid, enabled.T
	return out, nil
}

// TOTPMissing reports whether u must use TOTP and has not enrolled.
func (s *Users) TOTPMissing(ctx context.Context, u *pingan.User) (bool, error) {
	p, err := s.TOTPPolicy(ctx)
	if err != nil || !p.Requires(u) {
		return false, err
	}
	var n int
	err = s.read.QueryRowContext(ctx, `SELECT count(*) FROM totp WHERE user_id = $1 AND enabled_at IS NOT NULL`, u.ID).Scan(&n)
	return n == 0, err
}

// BeginTOTP answers the secret of u's enrolment; see pingan.TOTPService.
func (s *Users) BeginTOTP(ctx context.Context, u *pingan.User) (*pingan.TOTPEnrolment, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := s.loadTOTP(ctx, tx, u.ID)
	if err != nil {
		return nil, err
	}
	if r != nil && r.enabled {
		return nil, pingan.E(pingan.ECONFLICT, "totp.enabled")
	}
	if r == nil {
		key, err := secret.NewTOTPSecret()
		if err != nil {
			return nil, err
		}
		sealed, err := s.sealer.Seal([]byte(key))
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO totp (user_id, secret_sealed, created_at) VALUES ($1, $2, $3)`,
			u.ID, sealed, s.dialect.ts(s.now())); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		r = &totpRow{secret: key}
	}
	return &pingan.TOTPEnrolment{Secret: r.secret, URL: secret.TOTPURL(pingan.TOTPIssuer, u.Username, r.secret)}, nil
}

// ConfirmTOTP enables TOTP and answers the recovery codes; see
// pingan.TOTPService.
func (s *Users) ConfirmTOTP(ctx context.Context, u *pingan.User, code string) ([]string, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := s.loadTOTP(ctx, tx, u.ID)
	switch {
	case err != nil:
		return nil, err
	case r == nil:
		return nil, pingan.E(pingan.ECONFLICT, "totp.begin.none")
	case r.enabled:
		return nil, pingan.E(pingan.ECONFLICT, "totp.enabled")
	}
	now := s.now()
	step, why := r.matchCode(code, now)
	if why != "" {
		return nil, pingan.Invalidf("code", why)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE totp SET enabled_at = $2, last_step = $3 WHERE user_id = $1`,
		u.ID, s.dialect.ts(now), step); err != nil {
		return nil, err
	}
	codes, err := secret.NewRecoveryCodes(secret.RecoveryCodes)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM totp_recovery WHERE user_id = $1`, u.ID); err != nil {
		return nil, err
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO totp_recovery (user_id, code_hash) VALUES ($1, $2)`,
			u.ID, secret.RecoveryHash(c)); err != nil {
			return nil, err
		}
	}
	if err := s.auditOwnTOTP(ctx, tx, u, auditTOTPEnrolled, ""); err != nil {
		return nil, err
	}
	return codes, tx.Commit()
}

// auditOwnTOTP records an event of u's own second factor, under u.
func (s *Users) auditOwnTOTP(ctx context.Context, tx *sql.Tx, u *pingan.User, action, reason string) error {
	var region string
	if err := tx.QueryRowContext(ctx, `SELECT un.region FROM users JOIN units un ON un.code = users.unit_code WHERE users.id = $1`,
		u.ID).Scan(&region); err != nil {
		return err
	}
	return s.auditAccount(ctx, tx, u, action, region, accountEvent{Username: u.Username, Reason: reason})
}

// DisableTOTP turns TOTP off with a current code; see pingan.TOTPService.
func (s *Users) DisableTOTP(ctx context.Context, u *pingan.User, code string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := totpPolicyIn(ctx, tx)
	if err != nil {
		return err
	}
	if p.Requires(u) {
		return pingan.E(pingan.EFORBIDDEN, "totp.required.keep")
	}
	r, err := s.loadTOTP(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	if r == nil || !r.enabled {
		return pingan.E(pingan.ECONFLICT, "totp.disabled")
	}
	step, why := r.matchCode(code, s.now())
	if why != "" {
		return pingan.Invalidf("code", why)
	}
	if ok, err := takeStep(ctx, tx, u.ID, step); err != nil || !ok {
		return cmp.Or(err, pingan.Invalidf("code", "totp.code.replayed"))
	}
	if err := deleteTOTP(ctx, tx, u.ID); err != nil {
		return err
	}
	if err := s.auditOwnTOTP(ctx, tx, u, auditTOTPDisabled, ""); err != nil {
		return err
	}
	return tx.Commit()
}

// deleteTOTP removes the second factor of the user: the secret, the
// recovery codes and any pending sign-in.
func deleteTOTP(ctx context.Context, tx *sql.Tx, userID int64) error {
	for _, q := range []string{`DELETE FROM totp WHERE user_id = $1`, `DELETE FROM totp_recovery WHERE user_id = $1`,
		`DELETE FROM totp_pending WHERE user_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return err
		}
	}
	return nil
}

// TOTPAccounts lists every account with its two-factor state; see
// pingan.TOTPService.
func (s *Users) TOTPAccounts(ctx context.Context, actor *pingan.User) ([]*pingan.TOTPAccount, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := maySecureWholeTree(ctx, tx, actor); err != nil {
		return nil, err
	}
	p, err := totpPolicyIn(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+`, t.enabled_at,
		(SELECT count(*) FROM totp_recovery r WHERE r.user_id = users.id AND r.used_at IS NULL)`+userFrom+`
		LEFT JOIN totp t ON t.user_id = users.id ORDER BY users.username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.TOTPAccount
	for rows.Next() {
		var enabled stamp
		a := &pingan.TOTPAccount{}
		if a.User, err = scanUser(rows, &enabled, &a.RecoveryLeft); err != nil {
			return nil, err
		}
		a.Enabled, a.EnabledAt, a.Required = enabled.Valid, enabled.T, p.Requires(a.User)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ResetTOTP removes an account's second factor; see pingan.TOTPService.
func (s *Users) ResetTOTP(ctx context.Context, actor *pingan.User, username string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := maySecureWholeTree(ctx, tx, actor); err != nil {
		return err
	}
	var id int64
	var region string
	err = tx.QueryRowContext(ctx, `SELECT users.id, un.region FROM users JOIN units un ON un.code = users.unit_code
		WHERE users.username = $1`, strings.TrimSpace(username)).Scan(&id, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return pingan.E(pingan.ENOTFOUND, "totp.user.notfound", username)
	} else if err != nil {
		return err
	}
	if err := deleteTOTP(ctx, tx, id); err != nil {
		return err
	}
	// The authenticator is lost or in other hands: its sessions end too,
	// and the next sign-in enrols again where the role requires it.
	ended, err := endSessions(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := s.auditAccount(ctx, tx, operator(actor), auditTOTPReset, region, accountEvent{Username: username, Sessions: ended}); err != nil {
		return err
	}
	return tx.Commit()
}

// beginSecondFactor is the hook of Login (loginSucceeded) in tx, after a
// right password: for an account with TOTP enabled it records a pending
// sign-in, commits and answers it; for any other it answers nil and
// leaves tx to the session. The count of failed attempts at the name goes
// on until the code is right, so that passwords and codes share the
// lockout.
func (s *Users) beginSecondFactor(ctx context.Context, tx *sql.Tx, a *attempt) (*pingan.Session, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM totp WHERE user_id = $1 AND enabled_at IS NOT NULL`,
		a.user.ID).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	d := s.dialect
	if _, err := tx.ExecContext(ctx, `DELETE FROM totp_pending WHERE user_id = $1 AND expires_at <= $2`, a.user.ID, d.ts(a.now)); err != nil {
		return nil, err
	}
	until := a.now.Add(pingan.TOTPPendingLifetime)
	if _, err := tx.ExecContext(ctx, `INSERT INTO totp_pending (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash(token), a.user.ID, d.ts(until)); err != nil {
		return nil, err
	}
	return &pingan.Session{Token: token, ExpiresAt: until, User: a.user, Pending: true}, tx.Commit()
}

// CompleteLogin turns a pending sign-in into a session; see
// pingan.TOTPService. The code is counted as an attempt at the name before
// it is checked, as a password is (reserveAttempt).
func (s *Users) CompleteLogin(ctx context.Context, pending, code string) (*pingan.Session, error) {
	var username string
	err := s.read.QueryRowContext(ctx, `SELECT users.username FROM totp_pending p JOIN users ON users.id = p.user_id
		WHERE p.token_hash = $1 AND p.expires_at > $2`, tokenHash(pending), s.dialect.ts(s.now())).Scan(&username)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.EUNAUTHORIZED, "totp.pending.expired")
	} else if err != nil {
		return nil, err
	}
	a, err := s.reserveAttempt(ctx, attemptName(username))
	if err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx) // the attempt is counted: its outcome is written
	sess, why, err := s.secondFactor(ctx, a, pending, code)
	if err != nil || why == "" {
		return sess, err
	}
	return nil, s.secondFactorFailed(ctx, a, why)
}

// secondFactor checks the code of the pending sign-in and, when it is
// right, issues the session. It answers why a code was refused, or
// totp.pending.expired when the pending sign-in went meanwhile.
func (s *Users) secondFactor(ctx context.Context, a *attempt, pending, code string) (*pingan.Session, string, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	if a.user == nil || a.disabled {
		return nil, "totp.pending.expired", nil
	}
	r, err := s.loadTOTP(ctx, tx, a.user.ID)
	if err != nil {
		return nil, "", err
	}
	if r == nil || !r.enabled {
		return nil, "totp.pending.expired", nil
	}
	recovery := false
	if c := strings.ReplaceAll(code, " ", ""); len(c) == secret.TOTPDigits && strings.Trim(c, "0123456789") == "" {
		step, why := r.matchCode(code, a.now)
		if why != "" {
			return nil, why, nil
		}
		if ok, err := takeStep(ctx, tx, a.user.ID, step); err != nil || !ok {
			return nil, "totp.code.replayed", err
		}
	} else {
		why, err := useRecoveryCode(ctx, tx, a.user.ID, code, a.now, s.dialect)
		if err != nil || why != "" {
			return nil, why, err
		}
		recovery = true
		if err := s.auditAccount(ctx, tx, a.user, auditTOTPRecovery, a.region, accountEvent{Username: a.name}); err != nil {
			return nil, "", err
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM totp_pending WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash(pending), s.dialect.ts(a.now))
	if err != nil {
		return nil, "", err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, "totp.pending.expired", err
	}
	sess, err := s.issueSession(ctx, tx, a)
	if err == nil && recovery {
		s.log.Info("sign-in with a recovery code", "username", a.name)
	}
	return sess, "", err
}

// useRecoveryCode marks the recovery code used, or answers why it is
// refused: used before (totp.recovery.used) or no code of the account.
func useRecoveryCode(ctx context.Context, tx *sql.Tx, userID int64, code string, now time.Time, d Dialect) (string, error) {
	h := secret.RecoveryHash(code)
	res, err := tx.ExecContext(ctx, `UPDATE totp_recovery SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
		userID, h, d.ts(now))
	if err != nil {
		return "", err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return "", err
	}
	var used int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM totp_recovery WHERE user_id = $1 AND code_hash = $2`, userID, h).Scan(&used); err != nil {
		return "", err
	}
	if used > 0 {
		return "totp.recovery.used", nil
	}
	return "totp.code.wrong", nil
}

// secondFactorFailed records a refused code (why) as a failed sign-in of
// the name, locking it as a wrong password does, and answers the refusal
// naming the code, or ETOOMANY when this attempt locked the name.
func (s *Users) secondFactorFailed(ctx context.Context, a *attempt, why string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.auditAccount(ctx, tx, a.who(), auditTOTPFailed, a.region,
		accountEvent{Username: a.name, Reason: strings.TrimPrefix(why, "totp.")}); err != nil {
		return err
	}
	locked := a.n >= pingan.MaxFailedLogins && !a.until.IsZero()
	if locked {
		if err := s.auditAccount(ctx, tx, a.who(), auditLockout, a.region,
			accountEvent{Username: a.name, Until: a.until.Format(time.RFC3339)}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM totp_pending WHERE user_id = $1`, a.user.ID); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if locked {
		return errLocked(a.until)
	}
	return codeError(pingan.EUNAUTHORIZED, why)
}
