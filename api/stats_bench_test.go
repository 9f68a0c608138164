package api_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/pingan-gov/pingan/store/storetest"
)

// BenchmarkStatsAPI is the server-side time of GET /api/v1/stats for the
// city dispatcher over PINGAN_BENCH_CASES cases written in bulk (2000
// unless set; the counters recounted after), on PostgreSQL when
// PINGAN_TEST_POSTGRES is set: a month, a year, a year by unit, a year by
// month, a range of days, and a year of one kind by category. It reports
// the median and the 95th percentile.
//
//	PINGAN_BENCH_CASES=1000000 go test -run '^$' -bench StatsAPI -benchtime 50x -timeout 60m ./api/
func BenchmarkStatsAPI(b *testing.B) {
	n := 2000
	if s := os.Getenv("PINGAN_BENCH_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dsn := filepath.Join(b.TempDir(), "bench.db")
	if os.Getenv(storetest.PostgresEnv) != "" {
		dsn = storetest.PostgresDSN(b)
	}
	e := newEnvAt(b, dsn)
	storetest.SeedGrids(b, e.db, e.fx)
	storetest.BulkCases(b, e.db, e.fx, n, storetest.BulkOptions{Now: e.clock.Now()})
	token := e.token("city-dispatcher")
	for _, q := range []struct{ name, query string }{
		{"month", ""},
		{"year", "from=2025-03-01&to=2026-02-28"},
		{"year-by-unit", "from=2025-03-01&to=2026-02-28&by=unit"},
		{"year-series", "from=2025-03-01&to=2026-02-28&series=month"},
		{"days", "from=2025-04-17&to=2025-09-08"},
		{"year-kind-by-category", "from=2025-03-01&to=2026-02-28&kind=dispute&by=category"},
	} {
		b.Run(q.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for b.Loop() {
				req := httptest.NewRequest("GET", "/api/v1/stats?"+q.query, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				start := time.Now()
				e.h.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", q.query, rec.Code, rec.Body.String())
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[min(len(times)-1, len(times)*95/100)]), "p95-ms")
			b.ReportMetric(float64(n), "cases")
		})
	}
}
