// Package secret keeps pingan's secrets: the AES-256-GCM sealer that
// encrypts personal data at rest (个人信息加密存储), the key it uses, and
// argon2id password hashes.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/pingan-gov/pingan"
)

var _ pingan.Sealer = (*Sealer)(nil)

// Sealer encrypts and decrypts with AES-256-GCM. A sealed message is the
// header that names its key (sealHeader: "pk", version 1, the first four
// bytes of the key's fingerprint), a random 12-byte nonce, then the
// ciphertext and its tag. Messages sealed before the header existed are a
// nonce, ciphertext and tag alone; Open reads both. It implements
// pingan.Sealer and is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
	id   string // KeyID of the key
	tag  [tagSize]byte
	// derive is the key's own HMAC, for keys derived from it (Derive); the
	// key itself is kept nowhere else.
	derive []byte
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
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("pingan derived keys\x00"))
	s := &Sealer{aead: aead, id: KeyID(key), derive: mac.Sum(nil)}
	s.tag = keyTag(s.id)
	return s, nil
}

// Derive answers a 32-byte key for purpose (e.g. "web forms"), derived from
// the data key with HMAC-SHA256: the same on every server that holds the
// same data key, different for each purpose, and nothing to learn the data
// key from.
func (s *Sealer) Derive(purpose string) []byte {
	mac := hmac.New(sha256.New, s.derive)
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}

// KeyID answers the fingerprint of the sealer's key (KeyID), so that a
// store can say which key its data is sealed with.
func (s *Sealer) KeyID() string { return s.id }

// Seal encrypts plaintext under a fresh random nonce, after the header
// that names the key.
func (s *Sealer) Seal(plaintext []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	out := make([]byte, headerSize+n, headerSize+n+len(plaintext)+s.aead.Overhead())
	copy(out, sealMagic)
	copy(out[len(sealMagic):], s.tag[:])
	if _, err := rand.Read(out[headerSize:]); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[headerSize:], plaintext, nil), nil
}

// ErrOpen is answered for a message that was not sealed with this key or
// was altered.
var ErrOpen = errors.New("无法解密：密钥不符或数据被篡改 (cannot decrypt: wrong key or tampered data)")

// Open decrypts a message made by Seal, with the header or from before it.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	if tag, ok := headerTag(sealed); ok && tag == s.tag {
		if out, err := s.open(sealed[headerSize:]); err == nil {
			return out, nil
		}
		// else a message from before the header whose nonce happens to
		// begin like one: read it as such below.
	}
	return s.open(sealed)
}

// open decrypts a nonce, ciphertext and tag.
func (s *Sealer) open(sealed []byte) ([]byte, error) {
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
