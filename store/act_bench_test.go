package store_test

import (
	"fmt"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// BenchmarkActStep is one step of a case's loop through the store: the
// case loaded and locked, the workflow, the case's new state, its timeline
// entry and what goes with it (the audit row, the bell, the webhooks'
// outbox), one transaction each. The step is a comment, which any status
// takes again and again.
func BenchmarkActStep(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchActStep(b, "") })
	b.Run("postgres", func(b *testing.B) { benchActStep(b, storetest.PostgresDSN(b)) })
}

func benchActStep(b *testing.B, dsn string) {
	db := storetest.OpenWith(b, store.Options{DSN: dsn, Clock: storetest.NewClock(storetest.Epoch)})
	fx := storetest.Seed(b, db)
	c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "楼上漏水邻里纠纷", Reporter: reporter, Location: &pingan.Location{Lat: 39.74, Lng: 98.51}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActComment,
			Note: fmt.Sprintf("已电话联系 %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}
