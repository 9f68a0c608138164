package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// APIKeys keeps the keys of machine clients (接口密钥): pingan.APIKeyService.
// A key is 32 random bytes behind pingan.APIKeyPrefix; the table holds its
// SHA-256 (tokenHash, as for sessions: a key is random enough that a fast
// hash is safe) and its first characters, never the key.
type APIKeys struct{ *handle }

var _ pingan.APIKeyService = (*APIKeys)(nil)

// Audit actions of API keys.
const (
	auditKeyAdded   = "apikey_add"    // 新增接口密钥
	auditKeyRevoked = "apikey_revoke" // 吊销接口密钥
	auditKeyUse     = "apikey_use"    // 使用接口密钥 (detail: what was asked)
	auditReadings   = "readings"      // 监测数据上报, one row per batch
)

// keyUsedEvery is how often a key's last_used is written: at most once
// a minute, so that a busy key does not write a row per request.
const keyUsedEvery = time.Minute

const maxKeyName = 60

// mayKeys refuses an actor who is not the operator (nil) or an
// administrator whose jurisdiction holds unit.
func mayKeys(actor *pingan.User, unitPath string) error {
	if actor == nil {
		return nil
	}
	if err := pingan.Permit(actor, pingan.CapAdminSecurity); err != nil {
		return err
	}
	if unitPath != "" && !actor.Sees(unitPath) {
		return pingan.E(pingan.ENOTFOUND, "apikey.unit.unknown", "")
	}
	return nil
}

// Add makes a key for name acting as unit with roles, and answers it with
// the key, which is shown this once.
func (s *APIKeys) Add(ctx context.Context, actor *pingan.User, name, unit string, roles []pingan.Role) (*pingan.APIKey, string, error) {
	name, unit = strings.TrimSpace(name), strings.TrimSpace(unit)
	var v pingan.Invalid
	if name == "" || utf8.RuneCountInString(name) > maxKeyName || strings.ContainsAny(name, ",\r\n") {
		v.Add("name", "apikey.name.bad", maxKeyName)
	}
	if len(roles) == 0 {
		roles = []pingan.Role{pingan.RoleMonitor}
	}
	var rs []string
	for _, r := range roles {
		ok := false
		for _, k := range pingan.KeyRoles {
			ok = ok || k == r
		}
		if !ok {
			v.Add("roles", "apikey.role.bad", pingan.ShowText(string(r), 20))
		}
		rs = append(rs, string(r))
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	u, err := unitByCode(ctx, tx, unit)
	if err != nil {
		return nil, "", err
	}
	if u == nil {
		v.Add("unit", "apikey.unit.unknown", pingan.ShowText(unit, 40))
	} else if err := mayKeys(actor, u.Path); err != nil {
		return nil, "", err
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", err
	}
	key := pingan.APIKeyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	k := &pingan.APIKey{Name: name, UnitCode: u.Code, Roles: roles, Prefix: key[:len(pingan.APIKeyPrefix)+6], CreatedAt: s.now()}
	var by int64
	if actor != nil {
		by = actor.ID
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO api_keys (name, unit_code, roles, hash, prefix, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, name, u.Code, strings.Join(rs, ","), tokenHash(key), k.Prefix, by,
		s.dialect.ts(k.CreatedAt)).Scan(&k.ID)
	if isUnique(err) {
		return nil, "", pingan.Invalidf("name", "apikey.name.taken", pingan.ShowText(name, 40))
	} else if err != nil {
		return nil, "", err
	}
	detail, _ := json.Marshal(map[string]any{"key": name, "unit": u.Code, "roles": rs, "prefix": k.Prefix})
	if err := s.audit(ctx, tx, operator(actor), auditKeyAdded, u.Region, "", string(detail)); err != nil {
		return nil, "", err
	}
	return k, key, tx.Commit()
}

// List answers the keys the actor may see, newest first.
func (s *APIKeys) List(ctx context.Context, actor *pingan.User) ([]*pingan.APIKey, error) {
	if err := mayKeys(actor, ""); err != nil {
		return nil, err
	}
	scope := "/"
	if actor != nil {
		scope = actor.ScopePath
	}
	rows, err := s.read.QueryContext(ctx, `SELECT k.id, k.name, k.unit_code, k.roles, k.prefix, k.created_at, k.revoked_at, k.last_used
		FROM api_keys k JOIN units u ON u.code = k.unit_code WHERE `+unitIn("u.path", "$1")+` ORDER BY k.id DESC`, likePrefix(scope))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.APIKey
	for rows.Next() {
		var k pingan.APIKey
		var roles string
		var created, revoked, used stamp
		if err := rows.Scan(&k.ID, &k.Name, &k.UnitCode, &roles, &k.Prefix, &created, &revoked, &used); err != nil {
			return nil, err
		}
		for _, r := range strings.Split(roles, ",") {
			k.Roles = append(k.Roles, pingan.Role(r))
		}
		k.CreatedAt, k.RevokedAt, k.LastUsed = created.T, revoked.ptr(), used.ptr()
		out = append(out, &k)
	}
	return out, rows.Err()
}

// Revoke stops the key of name at once (an API server trusts nothing of
// a key between requests).
func (s *APIKeys) Revoke(ctx context.Context, actor *pingan.User, name string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	var path, region string
	var revoked stamp
	err = tx.QueryRowContext(ctx, `SELECT k.id, u.path, u.region, k.revoked_at FROM api_keys k JOIN units u ON u.code = k.unit_code
		WHERE k.name = $1`, strings.TrimSpace(name)).Scan(&id, &path, &region, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return pingan.E(pingan.ENOTFOUND, "apikey.notfound", pingan.ShowText(name, 40))
	} else if err != nil {
		return err
	}
	if err := mayKeys(actor, path); pingan.ErrorCode(err) == pingan.ENOTFOUND {
		return pingan.E(pingan.ENOTFOUND, "apikey.notfound", pingan.ShowText(name, 40))
	} else if err != nil {
		return err
	}
	if revoked.ptr() != nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2`, s.dialect.ts(s.now()), id); err != nil {
		return err
	}
	detail, _ := json.Marshal(map[string]any{"key": name})
	if err := s.audit(ctx, tx, operator(actor), auditKeyRevoked, region, "", string(detail)); err != nil {
		return err
	}
	return tx.Commit()
}

// keyUser is the pseudo-user of a key: its unit and scope, its roles, the
// key's name; its ID is the key's id negated, which no account has.
func keyUser(id int64, name, unit, roles, scope string) *pingan.User {
	u := &pingan.User{ID: -id, Username: "apikey:" + name, Name: name, UnitCode: unit, ScopePath: scope}
	for _, r := range strings.Split(roles, ",") {
		u.Roles = append(u.Roles, pingan.Role(r))
	}
	return u
}

// Authenticate answers the pseudo-user of a live key. When use is given
// it writes an audit row apikey_use with it; last_used is written at most
// once a minute. With use "" it writes nothing: a check, whose caller
// writes the use (keyUsed) in its own transaction once the request
// succeeds, so that a refused request leaves no trace of the key.
func (s *APIKeys) Authenticate(ctx context.Context, key, use string) (*pingan.User, error) {
	if !strings.HasPrefix(key, pingan.APIKeyPrefix) {
		return nil, pingan.E(pingan.EUNAUTHORIZED, "apikey.unknown")
	}
	st, err := s.readStmt(ctx, `SELECT k.id, k.name, k.unit_code, k.roles, k.last_used, un.region,
		CASE WHEN un.level = 'centre' AND pu.path IS NOT NULL THEN pu.path ELSE un.path END
		FROM api_keys k JOIN units un ON un.code = k.unit_code LEFT JOIN units pu ON pu.code = un.parent_code
		WHERE k.hash = $1 AND k.revoked_at IS NULL`)
	if err != nil {
		return nil, err
	}
	var id int64
	var name, unit, roles, region, scope string
	var used stamp
	err = st.QueryRowContext(ctx, tokenHash(key)).Scan(&id, &name, &unit, &roles, &used, &region, &scope)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.EUNAUTHORIZED, "apikey.unknown")
	} else if err != nil {
		return nil, err
	}
	u := keyUser(id, name, unit, roles, scope)
	now := s.now()
	stale := used.ptr() == nil || now.Sub(used.T) >= keyUsedEvery
	if use == "" {
		return u, nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if stale {
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used = $1 WHERE id = $2`, s.dialect.ts(now), id); err != nil {
			return nil, err
		}
	}
	if use != "" {
		detail, _ := json.Marshal(map[string]any{"key": name, "use": pingan.ShowText(use, 200)})
		if err := s.audit(ctx, tx, u, auditKeyUse, region, "", string(detail)); err != nil {
			return nil, err
		}
	}
	return u, tx.Commit()
}

// keyUsed writes, in tx, a key's use that succeeded: its audit row
// apikey_use (when use is given) and its last_used. key is a key's
// pseudo-user (its id negated); anyone else writes nothing.
func (h *handle) keyUsed(ctx context.Context, tx *sql.Tx, key *pingan.User, region, use string) error {
	if key == nil || key.ID >= 0 {
		return nil
	}
	// At most once a minute (keyUsedEvery): a busy key, a monitoring
	// system's batches say, must not have its transactions queue on one row.
	now := h.now()
	if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used = $1 WHERE id = $2 AND (last_used IS NULL OR last_used < $3)`,
		h.dialect.ts(now), -key.ID, h.dialect.ts(now.Add(-keyUsedEvery))); err != nil {
		return err
	}
	if use == "" {
		return nil
	}
	detail, _ := json.Marshal(map[string]any{"key": key.Name, "use": pingan.ShowText(use, 200)})
	return h.audit(ctx, tx, key, auditKeyUse, region, "", string(detail))
}
