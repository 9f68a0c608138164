package secret

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The key ring (密钥环). The data key can be rotated (pingan secret rotate):
// a new key becomes the one that seals, and the keys before it stay in the
// ring, opening what they sealed, until every value is sealed again with
// the new one and they are retired. A sealed message names its key in a
// header of seven bytes; a message from before the header (version 0) is
// opened with each key of the ring in turn, which in practice means the
// first key the database ever had.
//
// The ring is kept where the one key was: the file secret.key in the data
// directory, one key a line, the sealing key first (comment lines begin
// with #), or the environment variable PINGAN_SECRET_KEY, the keys
// separated by commas or spaces, the sealing key first.

const (
	sealMagic  = "pk\x01" // "pk", version 1
	tagSize    = 4        // the first bytes of the key's fingerprint
	headerSize = len(sealMagic) + tagSize
)

// keyTag answers the tag of the key with fingerprint id (KeyID).
func keyTag(id string) [tagSize]byte {
	var t [tagSize]byte
	b, _ := hex.DecodeString(id[:2*tagSize])
	copy(t[:], b)
	return t
}

// headerTag answers the key tag of a sealed message's header; ok is false
// for a message without one.
func headerTag(sealed []byte) (tag [tagSize]byte, ok bool) {
	if len(sealed) < headerSize || string(sealed[:len(sealMagic)]) != sealMagic {
		return tag, false
	}
	copy(tag[:], sealed[len(sealMagic):headerSize])
	return tag, true
}

// Ring seals with its first key and opens with any of its keys. It
// implements pingan.Sealer and is safe for concurrent use. A ring read
// from a key file reads the file again when it meets a message sealed with
// a key it does not hold, so a server goes on while `pingan secret rotate`
// adds a key and seals with it: from then on the server seals with the
// new key too.
type Ring struct {
	mu     sync.RWMutex
	keys   []*Sealer // the sealing key first
	reload func() ([][]byte, error)
	missed map[[tagSize]byte]bool // tags not found after a reload
}

// NewRing answers a ring of keys, the sealing key first.
func NewRing(keys ...[]byte) (*Ring, error) {
	r := &Ring{}
	if err := r.set(keys); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Ring) set(keys [][]byte) error {
	if len(keys) == 0 {
		return ErrNoKey
	}
	sealers := make([]*Sealer, 0, len(keys))
	seen := map[string]bool{}
	for _, k := range keys {
		s, err := NewSealer(k)
		if err != nil {
			return err
		}
		if !seen[s.id] {
			seen[s.id] = true
			sealers = append(sealers, s)
		}
	}
	r.mu.Lock()
	r.keys = sealers
	r.mu.Unlock()
	return nil
}

// ReloadFrom makes the ring read its keys again with load when it meets a
// message sealed with a key it does not hold (once for each such key).
func (r *Ring) ReloadFrom(load func() ([][]byte, error)) { r.reload = load }

// Seal seals with the ring's first key.
func (r *Ring) Seal(plaintext []byte) ([]byte, error) { return r.current().Seal(plaintext) }

func (r *Ring) current() *Sealer {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.keys[0]
}

// Open opens a message sealed with any key of the ring.
func (r *Ring) Open(sealed []byte) ([]byte, error) {
	tag, tagged := headerTag(sealed)
	if tagged {
		s := r.byTag(tag)
		if s == nil && r.reloadFor(tag) {
			s = r.byTag(tag)
		}
		if s != nil {
			if out, err := s.Open(sealed); err == nil {
				return out, nil
			}
		}
	}
	r.mu.RLock()
	keys := r.keys
	r.mu.RUnlock()
	for i := len(keys) - 1; i >= 0; i-- { // from before the header: the oldest key first
		if out, err := keys[i].open(sealed); err == nil {
			return out, nil
		}
	}
	return nil, ErrOpen
}

func (r *Ring) byTag(tag [tagSize]byte) *Sealer {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.keys {
		if s.tag == tag {
			return s
		}
	}
	return nil
}

// reloadFor reads the keys again for a message sealed with the key tag,
// once for each tag; it reports whether the ring changed.
func (r *Ring) reloadFor(tag [tagSize]byte) bool {
	if r.reload == nil {
		return false
	}
	r.mu.Lock()
	if r.missed[tag] {
		r.mu.Unlock()
		return false
	}
	if r.missed == nil {
		r.missed = map[[tagSize]byte]bool{}
	}
	r.missed[tag] = true
	r.mu.Unlock()
	keys, err := r.reload()
	return err == nil && r.set(keys) == nil
}

// KeyID answers the fingerprint of the sealing key.
func (r *Ring) KeyID() string { return r.current().id }

// KeyIDs answers the fingerprints of the ring's keys, the sealing key first.
func (r *Ring) KeyIDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]string, len(r.keys))
	for i, s := range r.keys {
		ids[i] = s.id
	}
	return ids
}

// KeyOf answers the fingerprint of the key a message names: a key of the
// ring's, "" for a message from before the header, or "?" and the tag in
// hex for a key the ring does not hold.
func (r *Ring) KeyOf(sealed []byte) string {
	tag, ok := headerTag(sealed)
	if !ok {
		return ""
	}
	if s := r.byTag(tag); s != nil {
		return s.id
	}
	return "?" + hex.EncodeToString(tag[:])
}

// Derive answers a key for purpose derived from the sealing key (see
// Sealer.Derive). The keys derived change with the sealing key: the store
// writes its blind indexes again when it seals a row again.
func (r *Ring) Derive(purpose string) []byte { return r.current().Derive(purpose) }

// ParseKeys reads the keys of a ring: one a line or separated by commas
// or spaces, each as ParseKey reads it; lines beginning with # are
// comments.
func ParseKeys(s string) ([][]byte, error) {
	var keys [][]byte
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			k, err := ParseKey(f)
			if err != nil {
				return nil, fmt.Errorf("第 %d 个密钥 (key %d): %w", len(keys)+1, len(keys)+1, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("没有密钥 (no key)")
	}
	return keys, nil
}

// FindRing answers the keys of the ring, the sealing key first, and where
// they were found: the environment variable when env is set, else the key
// file in dataDir (an error wrapping ErrNoKey when there is none).
func FindRing(dataDir, env string) ([][]byte, KeySource, error) {
	src := KeySource{Path: filepath.Join(dataDir, KeyFile)}
	if strings.TrimSpace(env) != "" {
		keys, err := ParseKeys(env)
		if err != nil {
			return nil, KeySource{}, fmt.Errorf("环境变量 %s 无效 (invalid %s): %w", KeyEnv, KeyEnv, err)
		}
		src.Env = true
		return keys, src, nil
	}
	keys, err := readRingFile(src.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, src, fmt.Errorf("%w: %s", ErrNoKey, KeyPlaces(dataDir))
	}
	return keys, src, err
}

// OpenRing answers the ring found by FindRing; a ring from the key file
// reads the file again when it meets a key it does not hold.
func OpenRing(dataDir, env string) (*Ring, KeySource, error) {
	keys, src, err := FindRing(dataDir, env)
	if err != nil {
		return nil, src, err
	}
	r, err := NewRing(keys...)
	if err != nil {
		return nil, src, err
	}
	if !src.Env {
		r.ReloadFrom(func() ([][]byte, error) { return readRingFile(src.Path) })
	}
	return r, src, nil
}

// FormatKeys writes keys as the value of PINGAN_SECRET_KEY: hex, separated
// by commas, the sealing key first.
func FormatKeys(keys [][]byte) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = hex.EncodeToString(k)
	}
	return strings.Join(out, ",")
}

// WriteRingFile writes keys, the sealing key first, to the key file at
// path, whole or not at all (a new file renamed over the old one), mode
// 0600.
func WriteRingFile(path string, keys [][]byte) error {
	var b strings.Builder
	b.WriteString("# pingan 数据密钥环：第一行加密，其余只解密，直到退役 (data keys: the first seals, the others only open until retired)\n")
	for _, k := range keys {
		b.WriteString(hex.EncodeToString(k) + "\n")
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return fmt.Errorf("无法写入密钥文件 (cannot write the key file) %s: %w", path, err)
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("无法写入密钥文件 (cannot write the key file) %s: %w", path, err)
	}
	return nil
}

func readRingFile(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) == KeySize {
		return [][]byte{b}, nil // raw bytes
	}
	keys, err := ParseKeys(string(b))
	if err != nil {
		return nil, fmt.Errorf("密钥文件无效 (invalid key file) %s: %w", path, err)
	}
	return keys, nil
}
