package workflow_test

import (
	"testing"

	"github.com/pingan-gov/pingan/workflow"
)

func TestEscalationTarget(t *testing.T) {
	const (
		province  = "/62/"
		city      = "/62/6209/"
		county    = "/62/6209/620902/"
		township  = "/62/6209/620902/001/"
		village   = "/62/6209/620902/001/001001/"
		village2  = "/62/6209/620902/001/001002/"
		township2 = "/62/6209/620902/100/"
		county2   = "/62/6209/620921/"
	)
	for _, tc := range []struct {
		name    string
		working []string
		want    string
	}{
		{"a village's own case (村→镇)", []string{village}, township},
		{"held by the village, its dispatcher escalates", []string{village, village}, township},
		{"a township's own case (镇→县)", []string{township}, county},
		{"a county's own case (县→市)", []string{county}, city},
		{"a city's own case (市→省)", []string{city}, province},
		{"at the top", []string{province}, ""},
		{"nothing working", nil, ""},
		{"a village's case handled by its township", []string{village, township}, county},
		{"a village's case the township's centre took in hand", []string{village, township}, county},
		{"a village's case handled by a county department", []string{village, county, county}, city},
		{"a village's case handled by another township", []string{village, township2}, county},
		{"a village's case handled by a neighbouring village", []string{village, village2}, township},
		{"a case held by the county, handled by a township", []string{county, township}, city},
		{"a case across two counties", []string{village, county2}, city},
		{"empty paths are no one", []string{"", village}, township},
	} {
		if got := workflow.EscalationTarget(tc.working...); got != tc.want {
			t.Errorf("%s: %v rises to %q, want %q", tc.name, tc.working, got, tc.want)
		}
	}
	if got := workflow.TargetCode(county); got != "620902" {
		t.Errorf("TargetCode(%q) = %q", county, got)
	}
	if got := workflow.TargetCode(""); got != "" {
		t.Errorf("TargetCode(\"\") = %q", got)
	}
}
