package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// Two-factor sign-in (双因素认证) with time-based one-time passwords
// (TOTP, RFC 6238): HMAC-SHA-1, 6 digits, a step of 30 seconds, and a code
// of the step before or after the current one accepted as well, for a
// phone whose clock is a little off. The codes are made by
// github.com/pquerna/otp; this file only fixes its parameters, so that
// every authenticator app (which assumes these) agrees with the server.
const (
	TOTPPeriod = 30 * time.Second
	TOTPDigits = 6
	TOTPSkew   = 1 // steps either side of the current one
)

// totpSecretBytes is the size of a new secret: 160 bits, as RFC 4226
// recommends for HMAC-SHA-1.
const totpSecretBytes = 20

// NewTOTPSecret answers a new secret in base32 without padding, as
// authenticator apps take it typed.
func NewTOTPSecret() (string, error) {
	b := make([]byte, totpSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// TOTPURL answers the otpauth:// URL of a secret for an account, naming
// the issuer: what the QR code of an enrolment carries (the Key URI
// Format of Google Authenticator, which every app reads).
func TOTPURL(issuer, account, secret string) string {
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"},
		"digits": {strconv.Itoa(TOTPDigits)}, "period": {strconv.Itoa(int(TOTPPeriod / time.Second))}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: q.Encode()}
	return u.String()
}

// TOTPStep answers the number of the time step that holds t.
func TOTPStep(t time.Time) int64 {
	return t.Unix() / int64(TOTPPeriod/time.Second)
}

// TOTPCode answers the code of the base32 secret for the time step.
func TOTPCode(secret string, step int64) (string, error) {
	return totpCode(secret, step, otp.DigitsSix)
}

func totpCode(secret string, step int64, digits otp.Digits) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: digits, Algorithm: otp.AlgorithmSHA1})
}

// MatchTOTP reports whether code is the code of secret for a step within
// TOTPSkew of now's, and answers the latest such step; the caller refuses
// a step not later than the last one it accepted, so that a code is taken
// once. Spaces in code are ignored; anything but TOTPDigits digits is
// never a code.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	return MatchTOTPWithin(secret, code, now, TOTPSkew)
}

// MatchTOTPWithin is MatchTOTP within skew steps of now's: with a wider
// skew, it tells a code that has expired (or a phone whose clock is far
// off) from a wrong one.
func MatchTOTPWithin(secret, code string, now time.Time, skew int64) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != TOTPDigits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	cur := TOTPStep(now)
	for s := cur + skew; s >= cur-skew; s-- {
		want, err := TOTPCode(secret, s)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// RecoveryCodes is how many recovery codes (恢复码) an account is given.
const RecoveryCodes = 10

// NewRecoveryCodes answers n new recovery codes, each of 10 base32
// letters and digits (50 bits) in two groups: xxxxx-xxxxx.
func NewRecoveryCodes(n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		s := strings.ToLower(base32.StdEncoding.EncodeToString(b))[:10]
		out[i] = s[:5] + "-" + s[5:]
	}
	return out, nil
}

// RecoveryHash answers the hash a recovery code is kept as: SHA-256 of the
// code without dashes or spaces, in lower case. The codes are random and
// long enough that a fast hash keeps them.
func RecoveryHash(code string) string {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}
