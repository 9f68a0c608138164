// Package secret keeps pingan's secrets: the AES-256-GCM sealer that
// encrypts personal data at rest (个人信息加密存储), the key it uses, and
// argon2id password hashes.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pingan-gov/pingan"
)

var _ pingan.Sealer = (*Sealer)(nil)

// KeyEnv is the environment variable that may hold the data key.
const KeyEnv = "PINGAN_SECRET_KEY"

// KeyFile is the name of the key file in the data directory.
const KeyFile = "secret.key"

// KeySize is the size of an AES-256 key in bytes.
const KeySize = 32

// Sealer encrypts and decrypts with AES-256-GCM. A sealed message is a
// random 12-byte nonce followed by the ciphertext and its tag. It implements
// pingan.Sealer and is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer answers a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("密钥长度应为 %d 字节，实为 %d (key must be %d bytes, got %d)", KeySize, len(key), KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext under a fresh random nonce.
func (s *Sealer) Seal(plaintext []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	out := make([]byte, n, n+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[:n], plaintext, nil), nil
}

// ErrOpen is answered for a message that was not sealed with this key or
// was altered.
var ErrOpen = errors.New("无法解密：密钥不符或数据被篡改 (cannot decrypt: wrong key or tampered data)")

// Open decrypts a message made by Seal.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
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

// LoadKey answers the data key. env is the value of PINGAN_SECRET_KEY: when
// set it is the key. Otherwise the key is read from secret.key in dataDir,
// and on first start generated into that file (mode 0600).
func LoadKey(dataDir string, env string) ([]byte, error) {
	if strings.TrimSpace(env) != "" {
		key, err := ParseKey(env)
		if err != nil {
			return nil, fmt.Errorf("环境变量 %s 无效 (invalid %s): %w", KeyEnv, KeyEnv, err)
		}
		return key, nil
	}
	path := filepath.Join(dataDir, KeyFile)
	key, err := readKeyFile(path)
	if err == nil {
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("无法创建数据目录 (cannot create the data directory) %s: %w", dataDir, err)
	}
	key, err = GenerateKey()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process wrote it first: use theirs.
		return readKeyFile(path)
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

func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) == KeySize {
		return b, nil // raw bytes
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("密钥文件无效 (invalid key file) %s: %w", path, err)
	}
	return key, nil
}
