package api

import (
	"net/http"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Two-factor sign-in (双因素认证, TOTP): POST /session answers a right
// password of an enrolled account 202 with a pending token instead of a
// session; POST /session/totp completes it with a code or a recovery code.
// A session whose role must use TOTP and which has not enrolled is refused
// 403 totp.required on every route but the sign-out, until the account
// enrolls on its page (/account/totp).

// totpRequest is the body of POST /session/totp.
type totpRequest struct {
	PendingToken string `json:"pending_token"`
	Code         string `json:"code"`
}

// awaitSecondFactor answers a pending sign-in: 202 with its token.
func (s *Server) awaitSecondFactor(w http.ResponseWriter, sess *pingan.Session) error {
	if s.totp == nil {
		return pingan.E(pingan.EUNAUTHORIZED, "totp.unavailable")
	}
	s.writeJSON(w, http.StatusAccepted, sessionAnswer{PendingToken: sess.Token, SecondFactor: "totp",
		ExpiresAt: sess.ExpiresAt.In(pingan.CST)})
	return nil
}

// completeSession is the second step: POST /api/v1/session/totp
// {"pending_token","code"} → 201 {"token","expires_at","user"}. A wrong,
// expired or reused code answers 401 naming the code and counts towards
// the lockout (429 once locked).
func (s *Server) completeSession(w http.ResponseWriter, r *http.Request) error {
	if s.totp == nil {
		return pingan.E(pingan.ENOTFOUND, "api.endpoint.unknown", pingan.ShowText(r.URL.Path, 200))
	}
	var in totpRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	var v pingan.Invalid
	if in.PendingToken == "" {
		v.Add("pending_token", "totp.pending.required")
	}
	if strings.TrimSpace(in.Code) == "" {
		v.Add("code", "totp.code.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	sess, err := s.totp.CompleteLogin(withSource(r), in.PendingToken, in.Code)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, sessionAnswer{Token: sess.Token, ExpiresAt: sess.ExpiresAt.In(pingan.CST), User: sess.User})
	return nil
}

// totpMissing refuses a session whose role must use TOTP and which has not
// enrolled, on every route but the sign-out.
func (s *Server) totpMissing(r *http.Request, u *pingan.User) error {
	if s.totp == nil || r.Pattern == signOutPattern {
		return nil
	}
	missing, err := s.totp.TOTPMissing(r.Context(), u)
	if err == nil && missing {
		err = pingan.E(pingan.EFORBIDDEN, "totp.required")
	}
	return err
}
