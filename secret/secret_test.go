package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"name":"张三","phone":"13800138000"}`)
	a, err := s.Seal(msg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Seal(msg)
	if bytes.Equal(a, b) {
		t.Error("two seals of one message are equal: the nonce is not random")
	}
	if bytes.Contains(a, []byte("13800138000")) {
		t.Error("the plaintext shows in the sealed message")
	}
	got, err := s.Open(a)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	// Empty plaintext round-trips too.
	e, _ := s.Seal(nil)
	if got, err := s.Open(e); err != nil || len(got) != 0 {
		t.Errorf("Open(Seal(nil)) = %q, %v", got, err)
	}

	tampered := bytes.Clone(a)
	tampered[len(tampered)-1] ^= 1
	if _, err := s.Open(tampered); err != ErrOpen {
		t.Errorf("tampered: err = %v, want ErrOpen", err)
	}
	if _, err := s.Open(a[:5]); err != ErrOpen {
		t.Errorf("short: err = %v, want ErrOpen", err)
	}
	other, _ := GenerateKey()
	s2, _ := NewSealer(other)
	if _, err := s2.Open(a); err != ErrOpen {
		t.Errorf("other key: err = %v, want ErrOpen", err)
	}
	if _, err := NewSealer(key[:16]); err == nil {
		t.Error("NewSealer accepted a 16-byte key")
	}
}

func TestParseKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xab}, 32)
	for _, s := range []string{
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		base64.StdEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		" " + base64.StdEncoding.EncodeToString(key) + "\n",
	} {
		got, err := ParseKey(s)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "abc", hex.EncodeToString(key[:16]), base64.StdEncoding.EncodeToString(key[:31]), strings.Repeat("z", 64)} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse 电池", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash = %q", h)
	}
	if ok, err := CheckPassword(h, "correct horse 电池"); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := CheckPassword(h, "correct horse"); ok || err != nil {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
	h2, _ := HashPassword("correct horse 电池", TestParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}

	// Parameters come from the stored hash, so old hashes keep working
	// when the defaults change.
	hd, err := HashPassword("pw", Params{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hd, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("default hash = %q", hd)
	}
	if ok, _ := CheckPassword(hd, "pw"); !ok {
		t.Error("default-params hash does not verify")
	}

	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, err := CheckPassword(bad, "pw"); err != ErrHashFormat {
			t.Errorf("CheckPassword(%q) err = %v, want ErrHashFormat", bad, err)
		}
	}
	if _, err := HashPassword("pw", Params{Memory: 1, Time: 1, Threads: 1}); err == nil {
		t.Error("HashPassword accepted memory below 8 KiB per thread")
	}
}
