package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Intake throughput: how many reports per second the whole stack takes —
// HTTP handler, bearer-token authentication, JSON decoding, validation,
// numbering, sealing, the case row, its first timeline entry and its
// idempotency key in one transaction — against the floor, a raw
// single-row insert of the same case into the same schema
// (storetest.RawInsert). Each runs on SQLite and, when
// PINGAN_TEST_POSTGRES names a database, on PostgreSQL, side by side:
//
//	go test -run '^$' -bench 'Intake|RawInsert|CreateCase' -benchtime 2s -count 3 ./api/ ./store/
//
// The target is intake ≥ 0.7 × raw insert. BenchmarkIntake is one client
// reporting one case after another; BenchmarkIntakeParallel is many
// clients at once, whose reports the store writes in shared transactions
// (group commit, store/group.go).

// onBoth runs bench on a fresh SQLite file and on a fresh PostgreSQL
// schema (skipped unless PINGAN_TEST_POSTGRES is set).
func onBoth(b *testing.B, bench func(b *testing.B, e *env)) {
	b.Run("sqlite", func(b *testing.B) { bench(b, newEnvAt(b, filepath.Join(b.TempDir(), "bench.db"))) })
	b.Run("postgres", func(b *testing.B) { bench(b, newEnvAt(b, storetest.PostgresDSN(b))) })
}

// intakeBody is a typical report from a grid worker's phone.
const intakeBody = `{"kind":"dispute","category":"0102","title":"邻居装修噪音扰民",
	"description":"富康社区 3 号楼 502 室连续多日晚间施工，影响休息，协商未果。",
	"address":"富康社区 3 号楼","location":{"lat":39.7446,"lng":98.5102},
	"reporter":{"role":"reporter","name":"王五","phone":"13712345678"}}`

func BenchmarkIntake(b *testing.B) {
	onBoth(b, func(b *testing.B, e *env) {
		token := e.token("fk-grid")
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			req := httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader(intakeBody))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatalf("report %d: %d %s", i, rec.Code, rec.Body.String())
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
}

// BenchmarkRawInsert inserts the case of BenchmarkIntake, one row per
// transaction, with a statement prepared once: the cost of the row alone.
func BenchmarkRawInsert(b *testing.B) {
	onBoth(b, func(b *testing.B, e *env) { storetest.RawInsert(b, e.db, e.fx) })
}

// BenchmarkIntakeParallel is BenchmarkIntake with 8 × GOMAXPROCS clients
// reporting at once (without idempotency keys): authentication and
// decoding overlap the writer, and reports that arrive together share a
// transaction.
func BenchmarkIntakeParallel(b *testing.B) {
	onBoth(b, func(b *testing.B, e *env) {
		token := e.token("fk-grid")
		b.ReportAllocs()
		b.SetParallelism(8)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader(intakeBody))
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				e.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusCreated {
					b.Errorf("report: %d %s", rec.Code, rec.Body.String())
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cases/s")
	})
}

// BenchmarkCreateCase calls the store's CreateCase directly with the same
// report: the difference to BenchmarkIntake is the cost of the HTTP layer.
func BenchmarkCreateCase(b *testing.B) {
	onBoth(b, func(b *testing.B, e *env) {
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "邻居装修噪音扰民",
				Description: "富康社区 3 号楼 502 室连续多日晚间施工，影响休息，协商未果。", Address: "富康社区 3 号楼",
				Location:       &pingan.Location{Lat: 39.7446, Lng: 98.5102},
				Reporter:       &pingan.Person{Role: "reporter", Name: "王五", Phone: "13712345678"},
				IdempotencyKey: fmt.Sprintf("bench-%d", i)}
			if _, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
}
