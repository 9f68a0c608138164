package secret

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

// sealV0 seals as Seal did before the header: nonce, ciphertext, tag.
func sealV0(t *testing.T, key, plaintext []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plaintext, nil)
}

func newKey(t *testing.T) []byte {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRingOpensEveryKeyAndSealsWithTheFirst(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	old, err := NewRing(k1)
	if err != nil {
		t.Fatal(err)
	}
	legacy := sealV0(t, k1, []byte("张三 13800000000"))
	if got, err := old.Open(legacy); err != nil || string(got) != "张三 13800000000" {
		t.Fatalf("a value from before the header: %q, %v", got, err)
	}
	if old.KeyOf(legacy) != "" {
		t.Errorf("KeyOf(legacy) = %q, want \"\"", old.KeyOf(legacy))
	}
	byOld, _ := old.Seal([]byte("old"))
	if old.KeyOf(byOld) != KeyID(k1) {
		t.Errorf("KeyOf = %q, want %q", old.KeyOf(byOld), KeyID(k1))
	}

	ring, err := NewRing(k2, k1)
	if err != nil {
		t.Fatal(err)
	}
	byNew, _ := ring.Seal([]byte("new"))
	if ring.KeyOf(byNew) != KeyID(k2) || ring.KeyID() != KeyID(k2) {
		t.Fatalf("the ring seals with %q, want the first key %q", ring.KeyOf(byNew), KeyID(k2))
	}
	for _, c := range []struct {
		sealed []byte
		want   string
	}{{legacy, "张三 13800000000"}, {byOld, "old"}, {byNew, "new"}} {
		if got, err := ring.Open(c.sealed); err != nil || string(got) != c.want {
			t.Errorf("ring.Open = %q, %v; want %q", got, err, c.want)
		}
	}
	if _, err := old.Open(byNew); err == nil {
		t.Error("a ring without the new key opened its message")
	}
	if got := old.KeyOf(byNew); got[0] != '?' {
		t.Errorf("KeyOf a key not held = %q, want ?tag", got)
	}
	tampered := bytes.Clone(byNew)
	tampered[len(tampered)-1] ^= 1
	if _, err := ring.Open(tampered); err == nil {
		t.Error("a tampered message opened")
	}
}

// A server's ring read from the key file learns the key that `pingan
// secret rotate` wrote to it when it first meets a value sealed with it.
func TestRingReloadsTheKeyFile(t *testing.T) {
	dir := t.TempDir()
	k1, k2 := newKey(t), newKey(t)
	path := filepath.Join(dir, KeyFile)
	if err := WriteRingFile(path, [][]byte{k1}); err != nil {
		t.Fatal(err)
	}
	server, src, err := OpenRing(dir, "")
	if err != nil || src.Env {
		t.Fatal(err, src)
	}
	if err := WriteRingFile(path, [][]byte{k2, k1}); err != nil {
		t.Fatal(err)
	}
	rotator, _, err := OpenRing(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := rotator.Seal([]byte("再次加密"))
	if got, err := server.Open(sealed); err != nil || string(got) != "再次加密" {
		t.Fatalf("server.Open after rotation = %q, %v", got, err)
	}
	if server.KeyID() != KeyID(k2) {
		t.Errorf("the server seals with %s after the reload, want the new key %s", server.KeyID(), KeyID(k2))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", fi.Mode(), err)
	}
	keys, src, err := FindRing(dir, FormatKeys([][]byte{k2, k1}))
	if err != nil || !src.Env || len(keys) != 2 || !bytes.Equal(keys[0], k2) {
		t.Errorf("FindRing from the environment = %d keys, %v, %v", len(keys), src, err)
	}
}
