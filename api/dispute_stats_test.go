package api_test

import (
	"math"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/pingan-gov/pingan/store/storetest"
)

// TestDisputeStatsJSON reads the numbers of the fixed history of disputes
// (storetest.DisputeHistory, computed by hand in its comment and in the
// store's test DisputeNumbers) from GET /api/v1/stats, on both databases:
// the counts, the rates with their bases, the average days to an
// agreement, and the breakdown by mediation organisation.
func TestDisputeStatsJSON(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		disputeStatsJSON(t, newEnvAt(t, filepath.Join(t.TempDir(), "pingan.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		disputeStatsJSON(t, newEnvAt(t, storetest.PostgresDSN(t)))
	})
}

func disputeStatsJSON(t *testing.T, e *env) {
	storetest.DisputeHistory(t, e.db, e.fx, e.clock)
	a := e.do("GET", "/api/v1/stats?unit="+e.fx.County.Code+"&from=2026-03-01&to=2026-03-31&kind=dispute&by=org",
		e.fx.CountyDispatcher.Username, "")
	if a.status != http.StatusOK {
		t.Fatalf("stats: %d %s", a.status, a.raw)
	}
	// 10 disputes: 9 mediations ended, 6 agreements, 7 settled (the six and
	// one failed but settled at its 回访), 2 confirmed, 3 of the 4
	// agreements due performed, 33 days to the 6 agreements.
	check := func(what string, st map[string]any) {
		t.Helper()
		counts, _ := st["counts"].(map[string]any)
		for m, want := range map[string]float64{"reported": 10, "mediated": 9, "agreed": 6, "settled": 7, "confirmed": 2,
			"performed": 3, "perform_base": 4, "agreement_days": 33} {
			if got, _ := counts[m].(float64); got != want {
				t.Errorf("%s: counts.%s = %v, want %v", what, m, counts[m], want)
			}
		}
		rates, _ := st["rates"].(map[string]any)
		bases, _ := st["rate_bases"].(map[string]any)
		for id, want := range map[string][2]float64{"mediation_success": {6.0 / 9, 9}, "settlement": {0.7, 10}, "performance": {0.75, 4}} {
			if got, _ := rates[id].(float64); math.Abs(got-want[0]) > 1e-9 {
				t.Errorf("%s: rates.%s = %v, want %v", what, id, rates[id], want[0])
			}
			if got, _ := bases[id].(float64); got != want[1] {
				t.Errorf("%s: rate_bases.%s = %v, want %v", what, id, bases[id], want[1])
			}
		}
		if got, _ := st["avg_agreement_days"].(float64); got != 5.5 {
			t.Errorf("%s: avg_agreement_days = %v, want 5.5", what, st["avg_agreement_days"])
		}
	}
	check("county", a.body)
	if a.body["by"] != "org" {
		t.Errorf("by = %v", a.body["by"])
	}
	rows, _ := a.body["breakdown"].([]any)
	if len(rows) != 1 {
		t.Fatalf("by org: %d rows, want the township's committee alone: %s", len(rows), a.raw)
	}
	row, _ := rows[0].(map[string]any)
	if row["key"] != e.fx.Township.Code {
		t.Errorf("by org: key %v, want %s", row["key"], e.fx.Township.Code)
	}
	check("by org", row)
	if a := e.do("GET", "/api/v1/stats?unit="+e.fx.County.Code+"&by=orgs", e.fx.CountyDispatcher.Username, ""); a.status != http.StatusBadRequest {
		t.Errorf("by=orgs: %d, want 400", a.status)
	}
}
