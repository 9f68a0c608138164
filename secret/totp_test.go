package secret

import (
	"encoding/base32"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

// TestTOTPVectors checks the codes against RFC 6238 Appendix B (SHA-1,
// the 20-byte ASCII key "12345678901234567890"): the 8-digit codes of the
// table, and the 6 digits that the wrapper answers, which are their last
// six.
func TestTOTPVectors(t *testing.T) {
	key := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		step := TOTPStep(time.Unix(v.unix, 0))
		got8, err := totpCode(key, step, otp.DigitsEight)
		if err != nil || got8 != v.code {
			t.Errorf("T=%d: 8 digits %q, %v; want %s", v.unix, got8, err, v.code)
		}
		got6, err := TOTPCode(key, step)
		if err != nil || got6 != v.code[2:] {
			t.Errorf("T=%d: 6 digits %q, %v; want %s", v.unix, got6, err, v.code[2:])
		}
		if s, ok := MatchTOTP(key, v.code[2:], time.Unix(v.unix, 0)); !ok || s != step {
			t.Errorf("T=%d: MatchTOTP = %d, %v; want %d", v.unix, s, ok, step)
		}
	}
}

// TestMatchTOTPSkew accepts the steps next to now's and no further.
func TestMatchTOTPSkew(t *testing.T) {
	key, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_015, 0)
	cur := TOTPStep(now)
	for d := int64(-3); d <= 3; d++ {
		code, _ := TOTPCode(key, cur+d)
		s, ok := MatchTOTP(key, code, now)
		want := d >= -TOTPSkew && d <= TOTPSkew
		if ok != want || ok && s != cur+d {
			t.Errorf("step %+d: MatchTOTP = %d, %v; want accepted %v", d, s, ok, want)
		}
	}
	if code, _ := TOTPCode(key, cur-5); !func() bool { _, ok := MatchTOTPWithin(key, code, now, 10); return ok }() {
		t.Error("MatchTOTPWithin 10 steps refused a code of 5 steps ago")
	}
	for _, bad := range []string{"", "12345", "1234567", "12a456"} {
		if _, ok := MatchTOTP(key, bad, now); ok {
			t.Errorf("MatchTOTP(%q) accepted", bad)
		}
	}
}

func TestTOTPURL(t *testing.T) {
	got := TOTPURL("平安 pingan", "alice", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/%E5%B9%B3%E5%AE%89%20pingan:alice?algorithm=SHA1&digits=6&issuer=%E5%B9%B3%E5%AE%89+pingan&period=30&secret=JBSWY3DPEHPK3PXP"
	if got != want {
		t.Errorf("TOTPURL = %s\nwant     %s", got, want)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes(RecoveryCodes)
	if err != nil || len(codes) != RecoveryCodes {
		t.Fatalf("NewRecoveryCodes = %v, %v", codes, err)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Errorf("code %q: bad form or repeated", c)
		}
		seen[c] = true
	}
	if RecoveryHash(codes[0]) != RecoveryHash(" "+codes[0][:5]+codes[0][6:]) {
		t.Error("a code typed without its dash hashes otherwise")
	}
}
