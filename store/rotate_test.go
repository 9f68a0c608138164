package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/files"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// ringStore opens another store on the test's database and file store
// with a ring of keys, the sealing key first.
func ringStore(t *testing.T, e *env, keys ...[]byte) *store.DB {
	t.Helper()
	r, err := secret.NewRing(keys...)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := files.Open(e.files)
	if err != nil {
		t.Fatal(err)
	}
	return storetest.OpenWith(t, store.Options{DSN: e.dsn, Clock: e.clock, Files: fs, Sealer: r})
}

// testKeyRotation rotates the data key while two writers file cases with
// people and photos — one that already seals with the new key, one still
// on the old key as a server not yet told — and finds every case whole,
// every value on the new key after a second run, the blind index
// rewritten, and the old key no longer needed.
func testKeyRotation(t *testing.T, e *env) {
	fx := e.fx
	newKey, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	photoOf := map[string]string{} // case id → the sum of its photo
	sumOf := func(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
	before := make([]*pingan.Case, 0, 30)
	for i := range 30 {
		photo := storetest.PNG(fmt.Sprint("现场", i))
		c := e.report(t, fx.GridWorker, "", withPersons, func(n *pingan.NewCase) {
			n.Photos = []pingan.Upload{{Name: "现场.png", Data: photo}}
		})
		before = append(before, c)
		photoOf[c.ID] = sumOf(photo)
	}
	rotator := ringStore(t, e, newKey, storetest.Key)
	oldOnly := ringStore(t, e, storetest.Key)
	st := must[*store.KeyReport](t)(rotator.KeyStatus(ctx, false))
	if st.Stale() < 90 { // 30 reporters, 30 parties, 30 photos
		t.Fatalf("stale before the rotation: %d", st.Stale())
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	var written []*pingan.Case
	writer := func(db *store.DB, tag string) {
		defer wg.Done()
		for i := range 15 {
			photo := storetest.PNG(tag + fmt.Sprint(i))
			c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
				Title: "轮换期间的纠纷 " + tag + fmt.Sprint(i), Description: "写于密钥轮换期间", Address: "富康社区3号楼",
				Location: &pingan.Location{Lat: 39.74, Lng: 98.51}, Reporter: reporter, Parties: slices.Clone(parties), // normalised in place
				Photos: []pingan.Upload{{Name: "p.png", Data: photo}}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			written = append(written, c)
			photoOf[c.ID] = sumOf(photo)
			mu.Unlock()
		}
	}
	wg.Add(3)
	go writer(rotator, "新")
	go writer(oldOnly, "旧")
	var first *store.KeyReport
	go func() {
		defer wg.Done()
		var err error
		if first, err = rotator.Rotate(ctx, nil); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if first.Resealed < 61 { // 30 cases (a row each), 30 photos, the canary
		t.Errorf("the first run sealed %d rows again, want at least 61", first.Resealed)
	}
	// A second run goes on where the values are: what the old server
	// wrote after the first run's last pass.
	second := must[*store.KeyReport](t)(rotator.Rotate(ctx, nil))
	if n := second.Stale(); n != 0 {
		t.Fatalf("after the second run %d values are not on the new key: %+v", n, second.Columns)
	}
	if second.StaleBy(secret.KeyID(storetest.Key)) != 0 || second.Current != secret.KeyID(newKey) {
		t.Errorf("report %+v", second)
	}

	// Nothing lost: a store with the new key alone reads every case, its
	// people and its photos; a search by phone number finds them (the
	// blind index under the new key's derived key).
	newOnly := ringStore(t, e, newKey)
	for _, c := range append(before, written...) {
		got, err := newOnly.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if got.Reporter == nil || *got.Reporter != *reporter || !reflect.DeepEqual(got.Parties, parties) {
			t.Errorf("%s: people %+v %+v", c.ID, got.Reporter, got.Parties)
		}
		sum := photoOf[c.ID]
		if _, err := newOnly.Cases.CaseFile(ctx, fx.TownshipDispatcher, c.ID, sum); err != nil {
			t.Errorf("%s: photo %s: %v", c.ID, sum, err)
		}
	}
	found, _, err := newOnly.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{Person: reporter.Phone, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(before) + len(written); len(found) != want {
		t.Errorf("a search by the reporter's phone found %d cases, want %d", len(found), want)
	}
	// The file store holds the photos sealed with the new key only: the
	// old copies are gone.
	var names []string
	filepath.WalkDir(e.files, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	if len(names) != len(before)+len(written) {
		t.Errorf("%d files in the file store, want %d", len(names), len(before)+len(written))
	}
	ring := must[*secret.Ring](t)(secret.NewRing(newKey))
	for _, p := range names {
		b, _ := os.ReadFile(p)
		if ring.KeyOf(b) != secret.KeyID(newKey) {
			t.Errorf("%s is sealed with %q", p, ring.KeyOf(b))
		}
	}
	// One audit row a run, with its counts.
	var n int
	var detail string
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*), max(detail) FROM audit WHERE action = 'key_rotate'`).Scan(&n, &detail); err != nil {
		t.Fatal(err)
	}
	if n != 2 || !regexp.MustCompile(`"resealed":\d+`).MatchString(detail) || !strings.Contains(detail, secret.KeyID(newKey)) {
		t.Errorf("audit: %d rows, %s", n, detail)
	}
	// A store with the old key alone no longer opens the database.
	if _, err := store.Open(ctx, store.Options{DSN: e.dsn, Sealer: must[*secret.Ring](t)(secret.NewRing(storetest.Key)), Clock: e.clock}); err == nil {
		t.Error("the old key alone opened the database after the rotation")
	}
}

// testKeyStatusDigest: the digest of the values in clear does not change
// when they are sealed again with another key.
func testKeyStatusDigest(t *testing.T, e *env) {
	e.report(t, e.fx.GridWorker, "", withPersons)
	newKey, _ := secret.GenerateKey()
	db := ringStore(t, e, newKey, storetest.Key)
	before := must[*store.KeyReport](t)(db.KeyStatus(ctx, true))
	must[*store.KeyReport](t)(db.Rotate(ctx, nil))
	after := must[*store.KeyReport](t)(db.KeyStatus(ctx, true))
	if before.Digest == "" || before.Digest != after.Digest {
		t.Errorf("digest %q before, %q after", before.Digest, after.Digest)
	}
	if before.Stale() == 0 || after.Stale() != 0 {
		t.Errorf("stale %d before, %d after", before.Stale(), after.Stale())
	}
}
