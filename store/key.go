package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"

	"github.com/pingan-gov/pingan"
)

// The data key (数据密钥). Personal data is sealed with one key; opened with
// another, every read of it fails. So Open checks the key before anything
// else: against the key canary (key_canary, migration 0007), one value
// sealed with the key, written when the store first seals something with
// it; for a database sealed before the canary existed, against one sealed
// value of its personal data (and then writes the canary). A wrong key, or
// none for a database that holds sealed data, refuses to open (*KeyError)
// rather than answer 500 to every list; a database that holds nothing
// sealed yet takes the key given, or one from Options.NewKey.

// canaryText is what the canary seals.
const canaryText = "pingan key canary 密钥校验"

// ErrKey is matched (errors.Is) by every *KeyError.
var ErrKey = errors.New("store: wrong or missing data key")

// KeyError says that the store was opened without the key the database's
// personal data is sealed with.
type KeyError struct {
	// Missing: no key was given, and the database holds sealed data.
	Missing bool
	// Want is the fingerprint (secret.KeyID) of the database's key; "" when
	// unknown (data sealed before the canary).
	Want string
	// Got is the fingerprint of the key given; "" when unknown or missing.
	Got string
}

// Error renders the refusal in Chinese, for the log and the command line.
func (e *KeyError) Error() string { return "store: " + e.Text(pingan.ZH) }

// Text renders the refusal in lang: which key the database wants, and
// which was given.
func (e *KeyError) Text(lang pingan.Lang) string {
	want := pingan.Text(lang, "store.key.want.first")
	if e.Want != "" {
		want = pingan.Text(lang, "store.key.want", e.Want)
	}
	if e.Missing {
		return pingan.Text(lang, "store.key.missing", want)
	}
	got := ""
	if e.Got != "" {
		got = pingan.Text(lang, "store.key.got", e.Got)
	}
	return pingan.Text(lang, "store.key.wrong", got, want)
}

func (e *KeyError) Is(target error) bool { return target == ErrKey }

// keyID answers the fingerprint of the sealer's key when it tells it.
func keyID(s pingan.Sealer) string {
	if k, ok := s.(interface{ KeyID() string }); ok {
		return k.KeyID()
	}
	return ""
}

// checkKey makes sure db.sealer opens what the database holds, taking a key
// from newKey when none was given and nothing is sealed yet. The canary is
// written now when sealed data proves the key, else at the first seal
// (canarySealer).
func (db *DB) checkKey(ctx context.Context, newKey func() (pingan.Sealer, error)) error {
	hasCanary, err := db.tableExists(ctx, "key_canary")
	if err != nil {
		return err
	}
	if hasCanary {
		found, err := db.checkCanary(ctx)
		if found || err != nil {
			return err
		}
	}
	sample, err := db.sealedSample(ctx)
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.sealed.read"), err)
	}
	switch {
	case sample != nil && db.sealer == nil:
		return &KeyError{Missing: true}
	case sample != nil:
		if _, err := db.sealer.Open(sample); err != nil {
			return &KeyError{Got: keyID(db.sealer)}
		}
	case db.sealer == nil && newKey == nil:
		return errors.New("store: " + pingan.Text(pingan.ZH, "store.sealer.none"))
	case db.sealer == nil:
		if db.sealer, err = newKey(); err != nil {
			return err
		}
	}
	switch {
	case !hasCanary:
		return nil // a schema before 0007: the canary waits for the migration
	case sample == nil:
		db.sealer = &canarySealer{Sealer: db.sealer, db: db}
		return nil
	}
	return db.writeCanary(ctx)
}

// canarySealer is the sealer of a store over a database without a canary:
// the first seal writes it. In the background, as the seal runs inside its
// caller's transaction, which holds SQLite's one writer; Close waits for it.
type canarySealer struct {
	pingan.Sealer
	db   *DB
	once sync.Once
}

func (s *canarySealer) Seal(plaintext []byte) ([]byte, error) {
	s.once.Do(func() {
		s.db.background.Add(1)
		go func() {
			defer s.db.background.Done()
			if err := s.db.writeCanary(context.Background()); err != nil {
				s.db.log.Error("store: the key canary", "err", err)
			}
		}()
	})
	return s.Sealer.Seal(plaintext)
}

// KeyID answers the fingerprint of the key within.
func (s *canarySealer) KeyID() string { return keyID(s.Sealer) }

// checkCanary opens the canary with db.sealer; found is false when there is
// none yet.
func (db *DB) checkCanary(ctx context.Context) (found bool, err error) {
	var sealed []byte
	var want string
	err = db.write.QueryRowContext(ctx, `SELECT sealed, key_id FROM key_canary WHERE id = 1`).Scan(&sealed, &want)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.canary.read"), err)
	}
	if db.sealer == nil {
		return true, &KeyError{Missing: true, Want: want}
	}
	if text, err := db.sealer.Open(sealed); err != nil || string(text) != canaryText {
		return true, &KeyError{Want: want, Got: keyID(db.sealer)}
	}
	return true, nil
}

// writeCanary writes the canary with db.sealer's key unless there is one,
// and checks the one there: another server may have written its own first.
func (db *DB) writeCanary(ctx context.Context) error {
	sealed, err := db.sealer.Seal([]byte(canaryText))
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO key_canary (id, sealed, key_id, created_at) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, sealed, keyID(db.sealer), db.dialect.ts(db.now()))
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.canary.write"), err)
	}
	_, err = db.checkCanary(ctx)
	return err
}

// sealedSample answers one sealed value the database holds — a reporter,
// parties, a citizen's query code, a photo — or nil when it holds none.
func (db *DB) sealedSample(ctx context.Context) ([]byte, error) {
	queries := []struct{ table, query string }{
		{"cases", `SELECT reporter_sealed FROM cases WHERE reporter_sealed IS NOT NULL LIMIT 1`},
		{"cases", `SELECT parties_sealed FROM cases WHERE parties_sealed IS NOT NULL LIMIT 1`},
		{"files", `SELECT content FROM files WHERE content IS NOT NULL LIMIT 1`},
	}
	for _, q := range queries {
		if ok, err := db.tableExists(ctx, q.table); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		var b []byte
		err := db.write.QueryRowContext(ctx, q.query).Scan(&b)
		if err == nil && len(b) > 0 {
			return b, nil
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	// Query codes: in their table since migration 0009, inside the audit
	// row of the report before it ("query_code:" and base64).
	codes := `SELECT code FROM query_codes LIMIT 1`
	if ok, err := db.tableExists(ctx, "query_codes"); err != nil {
		return nil, err
	} else if !ok {
		if ok, err := db.tableExists(ctx, "audit"); err != nil || !ok {
			return nil, err
		}
		codes = `SELECT substr(detail, 12) FROM audit WHERE action = 'public_report' AND detail LIKE 'query_code:%' LIMIT 1`
	}
	var code string
	err := db.write.QueryRowContext(ctx, codes).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(code)
}

func (db *DB) tableExists(ctx context.Context, table string) (bool, error) {
	var n int
	err := db.write.QueryRowContext(ctx, db.dialect.tableExists(), table).Scan(&n)
	return n > 0, err
}

// Derive answers a key for purpose derived from the data key (see
// secret.Sealer.Derive), nil when the sealer cannot derive one.
func (s *canarySealer) Derive(purpose string) []byte { return deriveKey(s.Sealer, purpose) }

func deriveKey(s pingan.Sealer, purpose string) []byte {
	if d, ok := s.(interface{ Derive(string) []byte }); ok {
		return d.Derive(purpose)
	}
	return nil
}

// DerivedKey answers a key for purpose derived from the store's data key:
// the same on every server sharing the database and its key, such as the
// key of the web forms' anti-forgery tokens. nil when the store's sealer
// cannot derive keys (a test's).
func (db *DB) DerivedKey(purpose string) []byte { return deriveKey(db.sealer, purpose) }
