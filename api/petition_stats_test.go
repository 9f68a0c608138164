package api_test

import (
	"math"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/pingan-gov/pingan/store/storetest"
)

// TestPetitionStatsJSON reads the numbers of the fixed history of
// petitions (storetest.PetitionHistory, computed by hand in its comment and
// in the store's test PetitionNumbers) from GET /api/v1/stats, on both
// databases: the counts, the rates with their bases, by unit and by month.
func TestPetitionStatsJSON(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		petitionStatsJSON(t, newEnvAt(t, filepath.Join(t.TempDir(), "pingan.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		petitionStatsJSON(t, newEnvAt(t, storetest.PostgresDSN(t)))
	})
}

func petitionStatsJSON(t *testing.T, e *env) {
	storetest.PetitionHistory(t, e.db, e.fx, e.clock)
	// 11 petitions (13 people), 2 repeats, 1 越级; 3 letters, 2 replied; 7
	// decided, 6 on time; 4 answered, 3 on time; 2 复查, 1 changed; 1 复核,
	// none changed; 3 rated, 2 satisfied.
	check := func(what string, st map[string]any) {
		t.Helper()
		counts, _ := st["counts"].(map[string]any)
		for m, want := range map[string]float64{"petitions": 11, "petition_people": 13, "pet_repeats": 2, "pet_overreach": 1,
			"pet_letters": 3, "pet_letters_replied": 2, "pet_decided": 7, "pet_decided_on_time": 6, "pet_answered": 4,
			"pet_answered_on_time": 3, "pet_reviews": 2, "pet_review_changed": 1, "pet_rechecks": 1, "pet_recheck_changed": 0} {
			if got, _ := counts[m].(float64); got != want {
				t.Errorf("%s: counts.%s = %v, want %v", what, m, counts[m], want)
			}
		}
		rates, _ := st["rates"].(map[string]any)
		bases, _ := st["rate_bases"].(map[string]any)
		for id, want := range map[string][2]float64{"petition_timely": {6.0 / 7, 7}, "petition_on_time": {0.75, 4},
			"petition_reply": {2.0 / 3, 3}, "petition_repeat": {2.0 / 11, 11}, "petition_overreach": {1.0 / 11, 11},
			"petition_review_change": {0.5, 2}, "petition_recheck_change": {0, 1}, "petition_satisfaction": {2.0 / 3, 3}} {
			if got, _ := rates[id].(float64); math.Abs(got-want[0]) > 1e-9 {
				t.Errorf("%s: rates.%s = %v, want %v", what, id, rates[id], want[0])
			}
			if got, _ := bases[id].(float64); got != want[1] {
				t.Errorf("%s: rate_bases.%s = %v, want %v", what, id, bases[id], want[1])
			}
		}
	}
	a := e.do("GET", "/api/v1/stats?unit="+e.fx.County.Code+"&from=2026-03-01&to=2026-03-31&kind=petition&by=unit&series=month",
		e.fx.CountyDispatcher.Username, "")
	if a.status != http.StatusOK {
		t.Fatalf("stats: %d %s", a.status, a.raw)
	}
	check("county", a.body)
	rows, _ := a.body["breakdown"].([]any)
	found := false
	for _, r := range rows {
		row, _ := r.(map[string]any)
		if row["key"] == e.fx.Township.Code {
			found = true
			check("by unit", row)
		}
	}
	if !found {
		t.Errorf("by unit: no row of the township: %s", a.raw)
	}
	series, _ := a.body["series"].([]any)
	if len(series) != 1 {
		t.Fatalf("series: %d months, want March alone: %s", len(series), a.raw)
	}
	month, _ := series[0].(map[string]any)
	check("March", month)
}
