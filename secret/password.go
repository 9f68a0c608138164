package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the cost parameters of argon2id.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultParams follow the OWASP minimum for argon2id (19 MiB, 2 passes,
// 1 thread): tens of milliseconds per login on a server.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// TestParams are cheap parameters for tests; never for real accounts.
var TestParams = Params{Memory: 1024, Time: 1, Threads: 1}

const (
	saltLen = 16
	hashLen = 32
)

// HashPassword answers the PHC string of password under p (the zero Params
// mean DefaultParams), e.g. $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH.
func HashPassword(password string, p Params) (string, error) {
	if p == (Params{}) {
		p = DefaultParams
	}
	if p.Time == 0 || p.Threads == 0 || p.Memory < 8*uint32(p.Threads) {
		return "", fmt.Errorf("argon2id 参数无效 (invalid argon2id parameters) %+v", p)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, hashLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrHashFormat is answered for a stored hash that is not an argon2id PHC string.
var ErrHashFormat = errors.New("密码哈希格式无效 (malformed password hash)")

// CheckPassword reports whether password matches the PHC string hash, with
// the parameters read from the hash, comparing in constant time.
func CheckPassword(hash, password string) (bool, error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash splits $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func parseHash(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrHashFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrHashFormat
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 ||
		p.Time == 0 || threads == 0 || threads > 255 || p.Memory < 8*threads || p.Memory > 4*1024*1024 || p.Time > 100 {
		return p, nil, nil, ErrHashFormat
	}
	p.Threads = uint8(threads)
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrHashFormat
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, ErrHashFormat
	}
	return p, salt, key, nil
}
