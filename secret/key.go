package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The data key (数据密钥) seals personal data at rest. It comes from the
// environment variable PINGAN_SECRET_KEY or from the file secret.key in the
// data directory (FindKey). A new key is made (CreateKeyFile) only when
// neither holds one and the database holds nothing sealed yet: the caller
// decides that, asking the database (store.Options.NewKey); a lost key
// cannot be replaced, only the one that sealed the data opens it.

// KeyEnv is the environment variable that may hold the data key.
const KeyEnv = "PINGAN_SECRET_KEY"

// KeyFile is the name of the key file in the data directory.
const KeyFile = "secret.key"

// KeySize is the size of an AES-256 key in bytes.
const KeySize = 32

// ErrNoKey is answered by FindKey when neither the environment nor the data
// directory holds a key.
var ErrNoKey = errors.New("未找到数据密钥 (no data key found)")

// KeySource says where a key was found: the environment variable, or the
// key file.
type KeySource struct {
	Env  bool   // from PINGAN_SECRET_KEY
	Path string // else the key file; FindKey fills it either way
}

// String names the source in Chinese: 环境变量 PINGAN_SECRET_KEY, 文件 …
func (s KeySource) String() string {
	if s.Env {
		return "环境变量 " + KeyEnv
	}
	return "文件 " + s.Path
}

// English names the source in English.
func (s KeySource) English() string {
	if s.Env {
		return "the environment variable " + KeyEnv
	}
	return "the file " + s.Path
}

// KeyPlaces is where a key is looked for, as a phrase for people.
func KeyPlaces(dataDir string) string {
	path := filepath.Join(dataDir, KeyFile)
	return fmt.Sprintf("环境变量 %s 或文件 %s (the environment variable %s or the file %s)", KeyEnv, path, KeyEnv, path)
}

// FindKey answers the data key (the sealing key of a ring, FindRing) and
// where it was found. env is the value of PINGAN_SECRET_KEY: when set it
// is the key. Otherwise the key is read from
// secret.key in dataDir; when that file does not exist, the error wraps
// ErrNoKey. It never makes a key.
func FindKey(dataDir, env string) ([]byte, KeySource, error) {
	keys, src, err := FindRing(dataDir, env)
	if err != nil {
		return nil, src, err
	}
	return keys[0], src, nil // the sealing key of a ring (ring.go)
}

// CreateKeyFile makes a new random key and writes it to secret.key in
// dataDir (mode 0600). If another process wrote that file first, its key
// is answered.
func CreateKeyFile(dataDir string) ([]byte, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("无法创建数据目录 (cannot create the data directory) %s: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, KeyFile)
	key, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path) // another process wrote it first: use theirs
	} else if err != nil {
		return nil, fmt.Errorf("无法写入密钥文件 (cannot write the key file) %s: %w", path, err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("无法写入密钥文件 (cannot write the key file) %s: %w", path, err)
	}
	return key, nil
}

// KeyID answers the fingerprint of a key: 16 hexadecimal characters of a
// SHA-256 of it, enough to tell keys apart and nothing to learn the key
// from.
func KeyID(key []byte) string {
	h := sha256.Sum256(append([]byte("pingan data key id\x00"), key...))
	return hex.EncodeToString(h[:8])
}

// GenerateKey answers a new random 32-byte key.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// ParseKey reads a key written as 64 hexadecimal characters or as base64
// (standard or URL alphabet, padded or not) of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil && len(key) == KeySize {
			return key, nil
		}
	}
	return nil, errors.New("密钥应为 64 位十六进制或 32 字节的 base64 (key must be 64 hex characters or base64 of 32 bytes)")
}

func readKeyFile(path string) ([]byte, error) {
	keys, err := readRingFile(path)
	if err != nil {
		return nil, err
	}
	return keys[0], nil
}
