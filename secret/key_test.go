package secret

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindKey: the environment wins over the file; with neither, FindKey
// answers ErrNoKey and writes nothing — making a key is for the caller to
// decide (CreateKeyFile), once it knows the database holds nothing sealed.
func TestFindKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, src, err := FindKey(dir, "")
	if !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), KeyEnv) || !strings.Contains(err.Error(), filepath.Join(dir, KeyFile)) {
		t.Fatalf("no key: %v, want ErrNoKey naming where a key is looked for", err)
	}
	if src.Env || src.Path != filepath.Join(dir, KeyFile) {
		t.Errorf("source %+v", src)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("FindKey wrote a key file: %v", err)
	}

	k1, err := CreateKeyFile(dir)
	if err != nil || len(k1) != KeySize {
		t.Fatalf("create: %x %v", k1, err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	k2, src, err := FindKey(dir, "")
	if err != nil || !bytes.Equal(k1, k2) || src.Env {
		t.Fatalf("second start: key %x from %v, %v; want the first key from the file", k2, src, err)
	}
	// A second CreateKeyFile (another process racing) keeps the first key.
	if k3, err := CreateKeyFile(dir); err != nil || !bytes.Equal(k3, k1) {
		t.Fatalf("create again: %x %v", k3, err)
	}

	// The environment wins over the file.
	envKey := bytes.Repeat([]byte{7}, 32)
	k3, src, err := FindKey(dir, hex.EncodeToString(envKey))
	if err != nil || !bytes.Equal(k3, envKey) || !src.Env || !strings.Contains(src.String(), KeyEnv) {
		t.Fatalf("env key = %x from %v, %v", k3, src, err)
	}
	if _, _, err = FindKey(dir, "not-a-key"); err == nil || !strings.Contains(err.Error(), KeyEnv) {
		t.Fatalf("malformed env: err = %v, want one naming %s", err, KeyEnv)
	}

	// A broken file is an error, not silently replaced.
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, KeyFile), []byte("garbage"), 0o600)
	if _, _, err := FindKey(bad, ""); err == nil || errors.Is(err, ErrNoKey) {
		t.Errorf("a malformed key file: %v", err)
	}
}

func TestKeyID(t *testing.T) {
	a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if KeyID(a) == KeyID(b) || len(KeyID(a)) != 16 || KeyID(a) != KeyID(bytes.Clone(a)) {
		t.Errorf("KeyID: %s %s", KeyID(a), KeyID(b))
	}
	if strings.Contains(hex.EncodeToString(a), KeyID(a)) {
		t.Error("KeyID shows the key")
	}
	s, _ := NewSealer(a)
	if s.KeyID() != KeyID(a) {
		t.Errorf("sealer's KeyID %s", s.KeyID())
	}
}

func TestDerive(t *testing.T) {
	a, _ := GenerateKey()
	b, _ := GenerateKey()
	sa, _ := NewSealer(a)
	sa2, _ := NewSealer(bytes.Clone(a))
	sb, _ := NewSealer(b)
	forms := sa.Derive("web forms")
	if len(forms) != 32 || !bytes.Equal(forms, sa2.Derive("web forms")) {
		t.Error("the same key derives different keys")
	}
	if bytes.Equal(forms, sa.Derive("other")) || bytes.Equal(forms, sb.Derive("web forms")) || bytes.Equal(forms, a) {
		t.Error("derived keys do not differ by purpose and key, or show the key")
	}
}
