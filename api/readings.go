package api

import (
	"io"
	"net/http"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
)

// Readings of monitoring systems (监测数据, docs/monitoring.md): POST
// /api/v1/readings with an API key of the role monitor.

// readingsPath is the route whose audit row is written per batch by the
// store, not per use of the key.
const readingsPath = "/api/v1/readings"

// authenticateKey answers the pseudo-user of an API key (pingan.APIKeyPrefix),
// or nil and nil for a token that is not one. Every use is audited with
// the key's name: the readings per batch (the store), anything else here.
func (s *Server) authenticateKey(r *http.Request, token string) (*pingan.User, error) {
	if s.keys == nil || !strings.HasPrefix(token, pingan.APIKeyPrefix) {
		return nil, nil
	}
	use := r.Method + " " + pingan.ShowText(r.URL.Path, 200)
	if r.URL.Path == readingsPath {
		use = ""
	}
	return s.keys.Authenticate(r.Context(), token, use)
}

// postReadings stores a batch: {"readings":[{"sensor","at","value"}, …]} →
// 200 {"accepted":n,"duplicates":m,"alarms":k}. More than 1,000 readings
// answer 413 naming readings; a bad reading 400 naming readings[i].field,
// and nothing of the batch is stored.
func (s *Server) postReadings(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return s.decodeError(err, nil)
	}
	if field, problem := jsonTextProblem(body); problem != "" {
		return pingan.BadTextError(field, problem)
	}
	rs, err := pingan.DecodeReadings(body, s.clock.Now())
	if pingan.TooManyReadings(err) {
		return &httpx.StatusError{Status: http.StatusRequestEntityTooLarge, Err: err.(*pingan.Error)}
	} else if err != nil {
		return err
	}
	res, err := s.monitor.Ingest(r.Context(), userFrom(r.Context()), rs)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, res)
	return nil
}
