package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// The security policy (安全策略, security.go): password rules, the idle
// time-out of the pages and one session per account, read and set by the
// security administrator. And the refusal of a bearer whose password has
// expired: it may sign in, and change the password on the pages, nothing
// else.

func (s *Server) routesSecurity() {
	if s.security == nil {
		return
	}
	s.authed("GET /api/v1/security/policy", s.may(pingan.CapAdminSecurity, s.getSecurityPolicy))
	s.authed("PUT /api/v1/security/policy", s.may(pingan.CapAdminSecurity, s.putSecurityPolicy))
}

// getSecurityPolicy answers GET /api/v1/security/policy.
func (s *Server) getSecurityPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.security.SecurityPolicy(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, p)
	return nil
}

// putSecurityPolicy replaces the policy (PUT /api/v1/security/policy) and
// answers it. Only a security administrator of the whole tree may (403);
// 400 names each bad field.
func (s *Server) putSecurityPolicy(w http.ResponseWriter, r *http.Request) error {
	var in pingan.SecurityPolicy
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if err := s.security.SetSecurityPolicy(withSource(r), userFrom(r.Context()), &in); err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, in)
	return nil
}

// passwordExpired answers pingan.ErrPasswordExpired (403) for an account
// whose password has expired, nil otherwise or without a policy.
func (s *Server) passwordExpired(r *http.Request, u *pingan.User) error {
	if s.security == nil || u == nil || u.ID <= 0 {
		return nil
	}
	expired, err := s.security.PasswordExpiredFor(r.Context(), u)
	if err != nil {
		return err
	}
	if expired {
		return pingan.ErrPasswordExpired
	}
	return nil
}
