package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/loadgen"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Readings throughput (docs/performance.md): POST /api/v1/readings over
// real HTTP (a listening server, loadgen's clients) into a SQLite file —
// key authentication, JSON, validation, the readings, the hourly rollups,
// each sensor's step through the thresholds, the counters and the audit
// row of each batch in one transaction:
//
//	go test -run '^$' -bench ReadingsHTTP -benchtime 200x ./api/
//
// b.N is the number of batches of 500; the target is 5,000 readings/s.
func BenchmarkReadingsHTTP(b *testing.B) {
	for _, clients := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			clock := storetest.NewClock(time.Now())
			db := storetest.OpenWith(b, store.Options{DSN: filepath.Join(b.TempDir(), "bench.db"), Clock: clock,
				Logger: slog.New(slog.DiscardHandler)})
			fx := storetest.Seed(b, db)
			storetest.SeedGrids(b, db, fx)
			e := &env{t: b, db: db, fx: fx, clock: clock, tokens: map[string]string{}}
			site, _ := sensorFixture(b, e)
			var codes []string
			for i := 0; i < 50; i++ { // 50 gas detectors, warning 20, alarm 50
				hi, alarm := 20.0, 50.0
				s, err := db.Monitor.SaveSensor(context.Background(), fx.CountyDispatcher, &pingan.Sensor{Site: site, Code: fmt.Sprintf("B-%02d", i),
					Name: "储罐", Quantity: pingan.QuantityGasLEL, Thresholds: pingan.Thresholds{WarnHigh: &hi, AlarmHigh: &alarm}})
				if err != nil {
					b.Fatal(err)
				}
				codes = append(codes, s.Code)
			}
			_, key, err := db.APIKeys.Add(context.Background(), nil, "bench", fx.County.Code, nil)
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(api.New(api.Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases,
				Stats: db.Stats, Monitor: db.Monitor, Keys: db.APIKeys, Clock: clock, Logger: slog.New(slog.DiscardHandler)}).Handler())
			defer srv.Close()
			b.ResetTimer()
			res, err := loadgen.RunReadings(context.Background(), loadgen.ReadingsConfig{URL: srv.URL, Key: key, Sensors: codes,
				Clients: clients, Batch: 500, Count: b.N * 500, Start: clock.Now().Add(-30 * 24 * time.Hour)})
			b.StopTimer()
			if err != nil || res.Errors > 0 || res.Readings != int64(b.N*500) {
				b.Fatalf("%+v %v", res, err)
			}
			b.ReportMetric(res.PerSecond, "readings/s")
			b.ReportMetric(res.P99, "p99-ms/batch")
			b.ReportMetric(0, "ns/op")
		})
	}
}
