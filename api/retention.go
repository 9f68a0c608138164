package api

import (
	"net/http"

	"github.com/pingan-gov/pingan"
)

// The retention of personal data (个人信息保存期限, retention.go): how many
// months after closing each kind's personal data is kept, read and set by
// the security administrator.

func (s *Server) routesRetention() {
	if _, ok := s.security.(pingan.RetentionService); !ok {
		return
	}
	s.authed("GET /api/v1/security/retention", s.may(pingan.CapAdminSecurity, s.getRetention))
	s.authed("PUT /api/v1/security/retention", s.may(pingan.CapAdminSecurity, s.putRetention))
}

// getRetention answers GET /api/v1/security/retention.
func (s *Server) getRetention(w http.ResponseWriter, r *http.Request) error {
	p, err := s.security.(pingan.RetentionService).RetentionPolicy(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, p)
	return nil
}

// putRetention replaces the months of every kind (PUT
// /api/v1/security/retention) and answers them. Only a security
// administrator of the whole tree may (403); 400 names each kind's field
// (months.dispute) below its minimum.
func (s *Server) putRetention(w http.ResponseWriter, r *http.Request) error {
	var in pingan.RetentionPolicy
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if err := s.security.(pingan.RetentionService).SetRetentionPolicy(withSource(r), userFrom(r.Context()), &in); err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, in)
	return nil
}
