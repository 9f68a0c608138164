package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
)

// Signing in (登录) is the one thing anybody on the network may ask of the
// store, and checking a password is deliberately slow and costly: argon2id
// at secret.DefaultParams takes some 19 MiB and tens of milliseconds. So:
//
//   - An attempt is counted in the database before its password is
//     checked (reserveAttempt), in one statement, so that parallel
//     requests, on one server or many, never check more than
//     MaxFailedLogins passwords of a name in a row: the attempt that takes
//     the last place locks the name for LockoutDuration, and every request
//     after it is refused unchecked until the lock ends. A success clears
//     the count and the lock.
//   - At most passwordChecks.run checks (and hashes of new passwords) run
//     at once in this process, sized from the CPUs and the memory limit; a
//     few more wait their turn for a moment; the rest are answered
//     pingan.ErrSignInBusy unchecked, and their attempt is taken back.
//     The bound is taken after the count, so that requests refused as
//     locked never take a place from those that are checked.
//   - The count is by the name tried, known or not, and an unknown name
//     is checked against a dummy hash: an unknown name costs, answers and
//     locks exactly as a known one does.

// attemptMemory is how long failed sign-ins are remembered after the last
// attempt at a name.
const attemptMemory = 24 * time.Hour

// maxUsernameBytes bounds the name kept of a sign-in attempt: every account
// name is shorter (usernameRe), so longer names, which no account has, are
// kept cut short.
const maxUsernameBytes = 100

// Login checks the password and issues a session; see pingan.UserService.
// After MaxFailedLogins failures in a row the name is locked for
// LockoutDuration (ETOOMANY, naming the time it unlocks), and the attempt
// that locks it is told so. An unknown name, a wrong password and a disabled
// account answer the same EUNAUTHORIZED. Every attempt is audited with the
// source address of ctx.
//
// The attempt is counted in one transaction, the password checked outside
// any (the slow hash never holds SQLite's one writer), and the outcome
// written in a second one (or the attempt taken back in one, when the
// server is too busy to check it).
func (s *Users) Login(ctx context.Context, username, password string) (*pingan.Session, error) {
	a, err := s.reserveAttempt(ctx, attemptName(username))
	if err != nil {
		return nil, err
	}
	leave, err := passwordChecks.enter(ctx, true)
	if err != nil {
		s.unreserveAttempt(context.WithoutCancel(ctx), a)
		return nil, err
	}
	ok, err := s.checkAttempt(a, password)
	leave()
	if err != nil {
		return nil, err
	}
	// The outcome is written even if the client has gone: the attempt is
	// counted already, and the audit log must hear of it.
	ctx = context.WithoutCancel(ctx)
	if !ok || a.disabled {
		return nil, s.loginFailed(ctx, a, !ok)
	}
	return s.loginSucceeded(ctx, a)
}

// attempt is a sign-in attempt counted by reserveAttempt.
type attempt struct {
	name  string    // the name tried
	n     int       // its place among the failures in a row, this one included
	until time.Time // the lock this attempt set, when n is MaxFailedLogins
	now   time.Time

	// The account of the name; user is nil when no account has it.
	user     *pingan.User
	region   string
	hash     string
	disabled bool
}

// attemptName answers the name a sign-in attempt is counted and audited
// under: the name as typed, trimmed, made valid UTF-8 without NUL (which
// PostgreSQL's text refuses) and cut to maxUsernameBytes.
func attemptName(username string) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(strings.TrimSpace(username), "\uFFFD"), "\x00", "\uFFFD")
	if len(s) > maxUsernameBytes {
		cut := maxUsernameBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// reserveAttemptSQL counts an attempt at the name $1 at time $2, unless the
// name is locked, and answers its place and the lock it set. The attempt
// that takes place $3 (MaxFailedLogins) locks the name until $4; a lock
// that has ended starts the count afresh. On a locked name it changes
// nothing and answers no row. (One failure never locks: MaxFailedLogins > 1.)
const reserveAttemptSQL = `INSERT INTO login_attempts (username, attempts, locked_until, last_at) VALUES ($1, 1, NULL, $2)
	ON CONFLICT (username) DO UPDATE SET
		attempts = CASE WHEN login_attempts.locked_until <= $2 THEN 1 ELSE login_attempts.attempts + 1 END,
		locked_until = CASE
			WHEN (CASE WHEN login_attempts.locked_until <= $2 THEN 1 ELSE login_attempts.attempts + 1 END) >= $3 THEN $4
			WHEN login_attempts.locked_until <= $2 THEN NULL
			ELSE login_attempts.locked_until END,
		last_at = $2
	WHERE login_attempts.locked_until IS NULL OR login_attempts.locked_until <= $2
	RETURNING attempts, locked_until`

// reserveAttempt counts an attempt at name and reads the account of the
// name, in one transaction. On a locked name it records the refusal and
// answers ETOOMANY.
func (s *Users) reserveAttempt(ctx context.Context, name string) (*attempt, error) {
	a := &attempt{name: name, now: s.now()}
	d := s.dialect
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var until stamp
	err = tx.QueryRowContext(ctx, reserveAttemptSQL, name, d.ts(a.now), pingan.MaxFailedLogins,
		d.ts(a.now.Add(pingan.LockoutDuration))).Scan(&a.n, &until)
	locked := errors.Is(err, sql.ErrNoRows)
	if err != nil && !locked {
		return nil, err
	}
	if err := s.accountOf(ctx, tx, a); err != nil {
		return nil, err
	}
	if locked {
		return nil, s.refuseLocked(ctx, tx, a)
	}
	if until.Valid {
		a.until = until.T
	}
	return a, tx.Commit()
}

// unreserveAttempt takes back an attempt whose password was not checked
// (the server was too busy), with the lock it set. A failure is logged: the
// attempt then counts as a failure.
func (s *Users) unreserveAttempt(ctx context.Context, a *attempt) {
	var lock any
	if !a.until.IsZero() {
		lock = s.dialect.ts(a.until)
	}
	err := func() error {
		tx, err := s.beginWrite(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `UPDATE login_attempts SET attempts = attempts - 1,
			locked_until = CASE WHEN locked_until = $2 THEN NULL ELSE locked_until END
			WHERE username = $1 AND attempts > 0`, a.name, lock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE username = $1 AND attempts <= 0`, a.name); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		s.log.Warn("store: cannot take back a sign-in attempt", "username", a.name, "err", err)
	}
}

// accountOf fills in the account of a.name, if there is one.
func (s *Users) accountOf(ctx context.Context, tx *sql.Tx, a *attempt) error {
	var disabled stamp
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, un.region, users.password_hash, users.disabled_at`+
		userFrom+` WHERE users.username = $1`, a.name), &a.region, &a.hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	a.user, a.disabled = u, disabled.Valid
	return nil
}

// refuseLocked records an attempt at a locked name and answers ETOOMANY.
func (s *Users) refuseLocked(ctx context.Context, tx *sql.Tx, a *attempt) error {
	var until stamp
	if err := tx.QueryRowContext(ctx, `SELECT locked_until FROM login_attempts WHERE username = $1`, a.name).Scan(&until); err != nil {
		return err
	}
	if err := s.auditAccount(ctx, tx, a.who(), auditLoginRefused, a.region,
		accountEvent{Username: a.name, Reason: "locked", Until: until.T.Format(time.RFC3339)}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return errLocked(until.T)
}

// who answers the user the audit rows of the attempt are filed under: the
// account, or for a name no account has a user with the name alone.
func (a *attempt) who() *pingan.User {
	if a.user != nil {
		return a.user
	}
	return &pingan.User{Username: a.name}
}

// checkAttempt checks the password against the account's hash, or against
// a dummy hash when no account has the name, so that both cost the same.
func (s *Users) checkAttempt(a *attempt, password string) (bool, error) {
	hash := a.hash
	if a.user == nil {
		hash = s.dummyHash()
	}
	ok, err := secret.CheckPassword(hash, password)
	return ok && a.user != nil, err
}

// loginFailed records a failed attempt: a wrong password (wrong), an
// unknown name or a disabled account. It answers EUNAUTHORIZED, or
// ETOOMANY when this attempt locked the name.
func (s *Users) loginFailed(ctx context.Context, a *attempt, wrong bool) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	reason := "password"
	switch {
	case a.user == nil:
		reason = "unknown"
	case a.disabled && !wrong:
		reason = "disabled"
	}
	if err := s.auditAccount(ctx, tx, a.who(), auditLoginFailed, a.region, accountEvent{Username: a.name, Reason: reason}); err != nil {
		return err
	}
	locked := a.n >= pingan.MaxFailedLogins && !a.until.IsZero()
	if locked {
		if err := s.auditAccount(ctx, tx, a.who(), auditLockout, a.region,
			accountEvent{Username: a.name, Until: a.until.Format(time.RFC3339)}); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE last_at < $1`,
		s.dialect.ts(a.now.Add(-attemptMemory))); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if locked {
		s.log.Warn("sign-in locked after failed attempts", "username", a.name, "until", a.until,
			"source", pingan.SourceFromContext(ctx))
		return errLocked(a.until)
	}
	return errBadLogin()
}

// loginSucceeded clears the count of the name and issues a session,
// unless the account was disabled meanwhile.
func (s *Users) loginSucceeded(ctx context.Context, a *attempt) (*pingan.Session, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var disabled stamp
	if err := tx.QueryRowContext(ctx, `SELECT disabled_at FROM users WHERE id = $1`, a.user.ID).Scan(&disabled); err != nil {
		return nil, err
	}
	if disabled.Valid {
		tx.Rollback()
		a.disabled = true
		return nil, s.loginFailed(ctx, a, false)
	}
	if pending, err := s.beginSecondFactor(ctx, tx, a); pending != nil || err != nil {
		return pending, err
	}
	return s.issueSession(ctx, tx, a)
}

// issueSession clears the count of the name, issues a session of a.user
// and commits tx: the end of a sign-in, after the password and, for an
// account with two-factor sign-in, its code (totp.go).
func (s *Users) issueSession(ctx context.Context, tx *sql.Tx, a *attempt) (*pingan.Session, error) {
	d := s.dialect
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE username = $1`, a.name); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2`, a.user.ID, d.ts(a.now)); err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	sess := &pingan.Session{Token: token, ExpiresAt: a.now.Add(pingan.SessionLifetime), User: a.user}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash(token), a.user.ID, d.ts(a.now), d.ts(sess.ExpiresAt)); err != nil {
		return nil, err
	}
	if err := s.endOtherSessions(ctx, tx, a.user, a.region, token); err != nil { // one session per account (security.go)
		return nil, err
	}
	if err := s.auditAccount(ctx, tx, a.user, auditLogin, a.region, accountEvent{Username: a.name}); err != nil {
		return nil, err
	}
	return sess, tx.Commit()
}

func errBadLogin() error {
	return pingan.E(pingan.EUNAUTHORIZED, "signin.wrong")
}

func errLocked(until time.Time) error {
	return pingan.E(pingan.ETOOMANY, "signin.locked",
		until.In(cst).Format("2006-01-02 15:04:05"), until.In(cst).Format(time.RFC3339))
}

// dummyHash is a hash to check passwords of unknown names against, made
// with the costs of new hashes, as the accounts' are.
func (s *Users) dummyHash() string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = secret.HashPassword("no such user", s.pw)
	})
	return s.dummy
}

// passwordChecks bounds the argon2id computations of this process: the
// checks of Login and the hashes of new passwords. It is one for the
// process, not one per store, because what it guards is the process's
// memory.
var passwordChecks = newGate(gateSize(secret.DefaultParams.Memory))

// gateSize answers how many argon2id computations of kib KiB each may run
// at once: one per CPU, since each is single-threaded, and within half the
// memory limit (GOMEMLIMIT) when one is set. It answers the number of
// waiting places as well: a short queue, a few per running place.
func gateSize(kib uint32) (run, wait int) {
	run = runtime.NumCPU()
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 && kib > 0 {
		run = min(run, int(limit/2/(int64(kib)*1024)))
	}
	run = max(run, 1)
	return run, max(64, 32*run)
}

// gatePatience is how long a sign-in waits for a place before it is
// answered pingan.ErrSignInBusy.
const gatePatience = 5 * time.Second

// gate is a semaphore with a bounded queue.
type gate struct {
	run  chan struct{} // a token for each computation running
	line chan struct{} // a token for each sign-in running or waiting
}

func newGate(run, wait int) *gate {
	return &gate{run: make(chan struct{}, run), line: make(chan struct{}, run+wait)}
}

// enter waits for a place to run and answers the function that gives it
// back. A sign-in (shed) is refused at once with pingan.ErrSignInBusy when
// the queue is full, and after gatePatience without a place; other work
// (the hash of a new password, asked for by an administrator) waits as
// long as ctx lets it.
func (g *gate) enter(ctx context.Context, shed bool) (leave func(), err error) {
	if shed {
		select {
		case g.line <- struct{}{}:
		default:
			return nil, pingan.ErrSignInBusy
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, gatePatience, pingan.ErrSignInBusy)
		defer cancel()
	}
	select {
	case g.run <- struct{}{}:
	case <-ctx.Done():
		if shed {
			<-g.line
		}
		return nil, context.Cause(ctx)
	}
	return func() {
		<-g.run
		if shed {
			<-g.line
		}
	}, nil
}
