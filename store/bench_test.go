package store_test

import (
	"fmt"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// BenchmarkRawInsert is the floor under CreateCase and the HTTP intake: a
// case row with its personal data sealed, one transaction each.
func BenchmarkRawInsert(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRawInsert(b, "") })
	b.Run("postgres", func(b *testing.B) { benchRawInsert(b, storetest.PostgresDSN(b)) })
}

func benchRawInsert(b *testing.B, dsn string) {
	db := storetest.OpenWith(b, store.Options{DSN: dsn})
	storetest.RawInsert(b, db, storetest.Seed(b, db))
}

// BenchmarkCreateCase is the whole report through the store: validation,
// numbering, sealing, workflow and the first timeline entry.
func BenchmarkCreateCase(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCreateCase(b, "") })
	b.Run("postgres", func(b *testing.B) { benchCreateCase(b, storetest.PostgresDSN(b)) })
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
