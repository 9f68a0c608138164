package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestBulkLoadPutsCacheBack: a load's transactions give SQLite's writer a
// page cache of 256 MB; its end gives it back the cache it had, so that a
// server going on from the load does not keep the pages.
func TestBulkLoadPutsCacheBack(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t, filepath.Join(t.TempDir(), "pingan.db"))
	cache := func() int64 {
		t.Helper()
		var n int64
		if err := db.write.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := cache()
	load, err := db.BeginBulkLoad(ctx, BulkLoadOptions{DropIndexes: []string{"cases"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := load.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := cache(); n != bulkCacheSize {
		t.Fatalf("the load's cache_size %d, want %d", n, bulkCacheSize)
	}
	if err := load.End(ctx); err != nil {
		t.Fatal(err)
	}
	if n := cache(); n != before {
		t.Errorf("cache_size %d after the load, want %d as before it", n, before)
	}
}
