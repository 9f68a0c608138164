package store_test

import (
	"fmt"
	"testing"
	"time"

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
		_, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: fmt.Sprintf("楼上漏水邻里纠纷 %d", i), Reporter: reporter, Location: &pingan.Location{Lat: 39.74, Lng: 98.51}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkEnterHolidayYear enters the arrangement of 2027 over 2,000 open
// cases whose deadlines it moves, in one transaction with the recount and a
// timeline entry each; the iterations alternate two arrangements so that
// every one moves every deadline.
func BenchmarkEnterHolidayYear(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchEnterHolidayYear(b, "") })
	b.Run("postgres", func(b *testing.B) { benchEnterHolidayYear(b, storetest.PostgresDSN(b)) })
}

func benchEnterHolidayYear(b *testing.B, dsn string) {
	const open = 2000
	clock := storetest.NewClock(time.Date(2027, 1, 25, 10, 0, 0, 0, pingan.CST))
	db := storetest.OpenWith(b, store.Options{DSN: dsn, Clock: clock})
	fx := storetest.Seed(b, db)
	for i := range open {
		if _, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: fmt.Sprintf("楼上漏水邻里纠纷 %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	a, c := made2027(), made2027()
	c.Workdays = map[string]string{}
	moved := 0
	for i := 0; b.Loop(); i++ {
		y := a
		if i%2 == 1 {
			y = c
		}
		rc, err := db.Calendar.EnterHolidayYears(ctx, fx.Admin, []*pingan.HolidayYear{y}, false)
		if err != nil {
			b.Fatal(err)
		}
		if i > 0 && rc.Moved != open {
			b.Fatalf("moved %d of %d", rc.Moved, open)
		}
		moved += rc.Moved
	}
	b.ReportMetric(float64(moved)/b.Elapsed().Seconds(), "deadlines/s")
}

// BenchmarkFold is the folder's work for a report and the two steps after
// it (accept, dispatch): the journal's rows of 200 such cases, left by a
// stopped folder, moved into every counter table in one fold. Each
// iteration files them with the timer stopped and times the fold alone.
func BenchmarkFold(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchFold(b, "") })
	b.Run("postgres", func(b *testing.B) { benchFold(b, storetest.PostgresDSN(b)) })
}

func benchFold(b *testing.B, dsn string) {
	db := storetest.OpenWith(b, store.Options{DSN: dsn, Clock: storetest.NewClock(storetest.Epoch)})
	fx := storetest.Seed(b, db)
	db.HaltFolder()
	const cases = 200
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for i := range cases {
			c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
				Title: fmt.Sprintf("楼上漏水邻里纠纷 %d", i), Reporter: reporter, Location: &pingan.Location{Lat: 39.74, Lng: 98.51}})
			if err != nil {
				b.Fatal(err)
			}
			for _, in := range []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: fx.Township.Code}} {
				if _, err := db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, in); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StartTimer()
		if err := db.Stats.Fold(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*cases), "µs/case")
}
