package store_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// BenchmarkRawInsert inserts single case rows with every column (personal
// data sealed) one transaction each: the floor under CreateCase and the HTTP
// intake.
func BenchmarkRawInsert(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRawInsert(b, "") })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.PostgresEnv) == "" {
			b.Skipf("set %s to run", storetest.PostgresEnv)
		}
		benchRawInsert(b, storetest.PostgresDSN(b))
	})
}

func benchRawInsert(b *testing.B, dsn string) {
	db := storetest.OpenWith(b, store.Options{DSN: dsn})
	fx := storetest.Seed(b, db)
	sealer := storetest.Sealer(b)
	rep, _ := sealer.Seal([]byte(`{"role":"reporter","name":"张三丰","phone":"13812345678"}`))
	now := storetest.Epoch
	due := now.Add(240 * time.Hour)
	c := &pingan.Case{Region: "620902", Kind: pingan.KindDispute, Category: "0102", Title: "楼上漏水邻里纠纷",
		Description: "楼上住户卫生间漏水，双方协商未果", Status: pingan.StatusReported, Location: &pingan.Location{Lat: 39.74, Lng: 98.51},
		Address: "富康社区3号楼", Unit: fx.Village.Code, UnitPath: fx.Village.Path, HoldingUnit: fx.Village.Code, HoldingPath: fx.Village.Path,
		Source: pingan.SourceGridWorker, ReportedBy: fx.GridWorker.ID, ReportedAt: now, ResolveBy: &due, UpdatedAt: now, Version: 1}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.ID = store.CaseID(2026, "620902", i+1)
		c.Number = c.ID
		if err := db.RawInsertCase(ctx, c, rep, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkCreateCase is the whole report through the store: validation,
// numbering, sealing, workflow and the first timeline entry.
func BenchmarkCreateCase(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCreateCase(b, "") })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.PostgresEnv) == "" {
			b.Skipf("set %s to run", storetest.PostgresEnv)
		}
		benchCreateCase(b, storetest.PostgresDSN(b))
	})
}

func benchCreateCase(b *testing.B, dsn string) {
	db := storetest.OpenWith(b, store.Options{DSN: dsn, Clock: storetest.NewClock(storetest.Epoch)})
	fx := storetest.Seed(b, db)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, err := db.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: fmt.Sprintf("楼上漏水邻里纠纷 %d", i), Reporter: reporter, Location: &pingan.Location{Lat: 39.74, Lng: 98.51}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
