package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// Rect answers the GeoJSON Polygon of the rectangle [w, e] × [s, n]
// (longitudes, latitudes), counter-clockwise.
func Rect(w, s, e, n float64) []byte {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
		w, s, e, s, e, n, w, n, w, s)
}

// FixtureGrids are grids over the fixture's villages, rectangles that share
// their borders:
//
//	620902001001-01 富康社区第一网格  lng 98.50–98.51, lat 39.75–39.76  (fk-grid works it)
//	620902001001-02 富康社区第二网格  lng 98.51–98.52, lat 39.75–39.76
//	620902001002-01 南苑社区第一网格  lng 98.52–98.53, lat 39.75–39.76
//	620902100001-01 银达村网格        lng 98.60–98.62, lat 39.80–39.82
//	620921100001-01 金塔村网格        lng 98.90–98.92, lat 40.00–40.02  (jt-grid works it)
//
// The position the suite reports by default, 39.74, 98.51, lies in none.
// workers are fx.GridWorker and fx.OtherGridWorker when fx is not nil.
func FixtureGrids(fx *Fixture) []*pingan.Grid {
	g := func(code, name string, typ pingan.GridType, unit string, geom []byte, households int) *pingan.Grid {
		return &pingan.Grid{Code: code, Name: name, Type: typ, Unit: unit, Geometry: geom, Households: households, Population: households * 27 / 10}
	}
	grids := []*pingan.Grid{
		g("620902001001-01", "富康社区第一网格", pingan.GridCommunity, "620902001001", Rect(98.50, 39.75, 98.51, 39.76), 320),
		g("620902001001-02", "富康社区第二网格", pingan.GridCommunity, "620902001001", Rect(98.51, 39.75, 98.52, 39.76), 290),
		g("620902001002-01", "南苑社区第一网格", pingan.GridCommunity, "620902001002", Rect(98.52, 39.75, 98.53, 39.76), 410),
		g("620902100001-01", "银达村网格", pingan.GridVillage, "620902100001", Rect(98.60, 39.80, 98.62, 39.82), 180),
		g("620921100001-01", "金塔村网格", pingan.GridVillage, "620921100001", Rect(98.90, 40.00, 98.92, 40.02), 150),
	}
	if fx != nil {
		grids[0].Workers = []pingan.GridWorker{{UserID: fx.GridWorker.ID, Name: fx.GridWorker.Name, Position: pingan.GridMember}}
		grids[4].Workers = []pingan.GridWorker{{UserID: fx.OtherGridWorker.ID, Name: fx.OtherGridWorker.Name, Position: pingan.GridLeader}}
	}
	return grids
}

// SeedGrids imports FixtureGrids(fx).
func SeedGrids(t testing.TB, db *store.DB, fx *Fixture) []*pingan.Grid {
	t.Helper()
	grids := FixtureGrids(fx)
	if _, err := db.Grids.ImportGrids(context.Background(), grids); err != nil {
		t.Fatalf("storetest: import grids: %v", err)
	}
	return grids
}
