package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// testStatsSeries: a series is Stats of each period, in one reading, over
// cases written in bulk; GridLoads adds up to the period's total.
func testStatsSeries(t *testing.T, e *env) {
	ctx, fx := context.Background(), e.fx
	storetest.BulkCases(t, e.db, fx, 3000, storetest.BulkOptions{Now: e.clock.Now()})
	first := time.Date(2025, 3, 1, 0, 0, 0, 0, pingan.CST)
	var bounds []time.Time
	for i := range 14 {
		bounds = append(bounds, first.AddDate(0, i, 0))
	}
	for _, c := range []struct {
		actor *pingan.User
		unit  string
	}{{fx.CityDispatcher, ""}, {fx.CityDispatcher, "620921"}, {fx.CountyDispatcher, ""}, {fx.CountyDispatcher, "620902001000"}} {
		series, err := e.db.Stats.StatsSeries(ctx, c.actor, c.unit, bounds)
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != 13 {
			t.Fatalf("%d stats for 14 bounds", len(series))
		}
		total := 0
		for i, got := range series {
			want, err := e.db.Stats.Stats(ctx, c.actor, c.unit, bounds[i], bounds[i+1])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q %s: series %+v, Stats %+v", c.actor.Username, c.unit, bounds[i].Format("2006-01"), got, want)
			}
			total += got.Total
		}
		if total == 0 {
			t.Errorf("%s %q: no cases in the series", c.actor.Username, c.unit)
		}
		all, err := e.db.Stats.Stats(ctx, c.actor, c.unit, bounds[0], bounds[13])
		if err != nil {
			t.Fatal(err)
		}
		loads, err := e.db.Stats.GridLoads(ctx, c.actor, c.unit, bounds[0], bounds[13])
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, n := range loads {
			sum += n
		}
		if sum != all.Total || all.Total != total {
			t.Errorf("%s %q: grid loads add to %d, Stats %d, series %d", c.actor.Username, c.unit, sum, all.Total, total)
		}
	}
	if _, err := e.db.Stats.GridLoads(ctx, fx.CountyDispatcher, "620921", time.Time{}, time.Time{}); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("grid loads of another county: %v", err)
	}
	if _, err := e.db.Stats.StatsSeries(ctx, fx.CityDispatcher, "", bounds[:1]); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("one bound: %v", err)
	}
	if _, err := e.db.Stats.StatsSeries(ctx, fx.CityDispatcher, "", []time.Time{bounds[1], bounds[0]}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("descending bounds: %v", err)
	}
}
