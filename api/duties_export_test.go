package api

import "github.com/pingan-gov/pingan"

// RouteCapability answers the capability the description gives the route
// (its row of operations), and whether the route is public, for the test
// of the administrators' separated duties (admin_duties_test.go).
func RouteCapability(pattern string) (c pingan.Capability, public, ok bool) {
	for _, op := range operations {
		if op.pattern == pattern {
			return op.cap, op.public, true
		}
	}
	return "", false, false
}
