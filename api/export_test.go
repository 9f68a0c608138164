package api

import "slices"

// Routes answers the patterns of every endpoint, in the order routes
// registers them, for the tests of package api_test that sweep them all.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }
