package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestRestoreDrill is the restore drill (恢复演练) on both databases:
// cases with people and photos, a citizen's report with its query code, a
// webhook's secret; `pingan backup`; `pingan restore` into a fresh data
// directory or a fresh database; every case and every sealed value read
// back equal. Then the key is rotated, a second backup made and restored
// with the new ring, and the old key retired.
func TestRestoreDrill(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRestoreDrill(t, "", func(t *testing.T) string { return "" }) })
	t.Run("postgres", func(t *testing.T) {
		src := storetest.PostgresDSN(t) // skips without PINGAN_TEST_POSTGRES
		for _, prog := range []string{"pg_dump", "pg_restore"} {
			if _, err := exec.LookPath(prog); err != nil {
				t.Skipf("%s is not on PATH: the PostgreSQL restore drill needs the client tools (CI has them)", prog)
			}
		}
		// The backup of a store in a schema of its own restores into that
		// schema: the target's URL names it as the source's does.
		sp := "search_path=" + url.QueryEscape(mustQuery(t, src).Get("search_path"))
		testRestoreDrill(t, src, func(t *testing.T) string {
			dst := freshPostgres(t)
			// Without the search_path the restore is refused, naming it.
			if err := run(context.Background(), []string{"restore", "--from", lastBackup, "--db", dst, "--data", t.TempDir()},
				nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "search_path=") {
				t.Errorf("a restore into another schema than the backup's: %v, want a refusal naming search_path", err)
			}
			return dst + "&" + sp
		})
	})
}

// mustQuery answers the query of the URL dsn.
func mustQuery(t *testing.T, dsn string) url.Values {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// lastBackup is the backup the drill restores now.
var lastBackup string

// freshPostgres answers the DSN of a new empty database, dropped after
// the test.
func freshPostgres(t *testing.T) string {
	base := os.Getenv(storetest.PostgresEnv)
	b := make([]byte, 6)
	rand.Read(b)
	name := "pingan_restore_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return u.String()
}

func testRestoreDrill(t *testing.T, srcDSN string, fresh func(t *testing.T) string) {
	ctx := context.Background()
	t.Setenv(secret.KeyEnv, "")
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	src := &dbFlags{db: srcDSN, data: data, passwords: secret.TestParams}
	db, err := src.open(ctx, storetest.NewClock(storetest.Epoch), true)
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.Seed(t, db)
	reporter := &pingan.Person{Role: "reporter", Name: "张三丰", Phone: "13812345678", IDNumber: "620902199001011234"}
	parties := []pingan.Person{{Role: "respondent", Name: "李四", Phone: "13987654321"}}
	var ids []string
	for i, title := range []string{"楼上漏水", "噪音扰民", "占道经营"} {
		c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: title,
			Description: "演练案件", Address: "富康社区3号楼", Location: &pingan.Location{Lat: 39.74, Lng: 98.51},
			Reporter: reporter, Parties: parties,
			Photos: []pingan.Upload{{Name: "现场.png", Data: storetest.PNG(title + string(rune('0'+i)))}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	receipt, err := db.Public.FileCase(ctx, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "群众上报",
		Description: "市民上报的纠纷", Unit: fx.GridWorker.UnitCode, Address: "富康社区", Reporter: reporter,
		Photos: []pingan.Upload{{Name: "上报.png", Data: storetest.PNG("群众上报")}}})
	if err != nil {
		t.Fatal(err)
	}
	db.Webhooks.SetResolver(func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil // a public address, looked up nowhere
	})
	if _, _, err := db.Webhooks.Add(ctx, fx.SecAdmin, &pingan.NewWebhook{Name: "演练", URL: "https://example.org/hook",
		Unit: fx.SecAdmin.UnitCode, Events: []string{"case.created"}}); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	want := readAll(t, db, fx, ids)
	st, err := db.KeyStatus(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	drill := func(t *testing.T, name string, keys [][]byte) {
		backup := filepath.Join(tmp, name+".backup")
		lastBackup = backup
		if err := run(ctx, []string{"backup", "--db", srcDSN, "--data", data, "--to", backup}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(tmp, name+"-restored")
		if err := os.MkdirAll(target, 0o700); err != nil {
			t.Fatal(err)
		}
		// The key travels apart from the backup: the operator puts the
		// ring in the new data directory.
		if err := secret.WriteRingFile(filepath.Join(target, secret.KeyFile), keys); err != nil {
			t.Fatal(err)
		}
		dst := fresh(t)
		var stderr bytes.Buffer
		if err := run(ctx, []string{"restore", "--from", backup, "--db", dst, "--data", target}, nil, &bytes.Buffer{}, &stderr); err != nil {
			t.Fatalf("restore: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), st.Digest) {
			t.Errorf("restore says %q, want the digest %s", stderr.String(), st.Digest)
		}
		f := &dbFlags{db: dst, data: target, passwords: secret.TestParams}
		restored, err := f.open(ctx, storetest.NewClock(storetest.Epoch), false)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		if got := readAll(t, restored, fx, ids); !reflect.DeepEqual(got, want) {
			t.Errorf("restored cases differ:\n got %+v\nwant %+v", got, want)
		}
		if pc, err := restored.Public.PublicCase(ctx, receipt.Number, receipt.QueryCode); err != nil || pc == nil {
			t.Errorf("the citizen's query code does not open the restored case: %v", err)
		}
		rep, err := restored.KeyStatus(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Digest != st.Digest || rep.Cases != st.Cases {
			t.Errorf("restored digest %s (%d cases), want %s (%d)", rep.Digest, rep.Cases, st.Digest, st.Cases)
		}
		// Every value of the restore is sealed with the ring's first key:
		// before the rotation the only one, after it the new one.
		if rep.Current != secret.KeyID(keys[0]) || rep.Stale() != 0 {
			t.Errorf("the restore seals with %s and has %d values on another key, want every value on %s (%+v)",
				rep.Current, rep.Stale(), secret.KeyID(keys[0]), rep.Columns)
		}
		// A second restore into the same place is refused.
		if err := run(ctx, []string{"restore", "--from", backup, "--db", dst, "--data", target}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Error("a restore over a restored database was not refused")
		}
	}
	keyA, _, err := secret.FindRing(data, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("before rotation", func(t *testing.T) { drill(t, "a", keyA) })

	// Rotate: a new key seals, every value sealed again; status says none
	// is left on the old key; retire drops it from the key file.
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"secret", "rotate", "--db", srcDSN, "--data", data}, nil, &out, &errOut); err != nil {
		t.Fatalf("rotate: %v\n%s", err, errOut.String())
	}
	ring, _, err := secret.FindRing(data, "")
	if err != nil || len(ring) != 2 || !bytes.Equal(ring[1], keyA[0]) {
		t.Fatalf("the ring after rotate: %d keys, %v", len(ring), err)
	}
	if !strings.Contains(out.String(), "仍用旧密钥 (still on an old key): 0") {
		t.Errorf("rotate printed %q", out.String())
	}
	t.Run("after rotation", func(t *testing.T) { drill(t, "b", ring) })
	out.Reset()
	if err := run(ctx, []string{"secret", "retire", "--db", srcDSN, "--data", data}, nil, &out, &errOut); err != nil {
		t.Fatalf("retire: %v\n%s", err, errOut.String())
	}
	if ring, _, _ := secret.FindRing(data, ""); len(ring) != 1 || bytes.Equal(ring[0], keyA[0]) {
		t.Errorf("the ring after retire holds %d keys", len(ring))
	}
	out.Reset()
	if err := run(ctx, []string{"secret", "status", "--db", srcDSN, "--data", data}, nil, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "仍用旧密钥 (still on an old key): 0") {
		t.Errorf("status after retire: %v %q", err, out.String())
	}
}

// caseRead is what the drill compares of a case.
type caseRead struct {
	Title    string
	Reporter pingan.Person
	Parties  []pingan.Person
	Photo    int
}

// readAll reads the cases ids unmasked with their first photo.
func readAll(t *testing.T, db *store.DB, fx *storetest.Fixture, ids []string) []caseRead {
	t.Helper()
	ctx := context.Background()
	var out []caseRead
	for _, id := range ids {
		c, err := db.Cases.FindCase(ctx, fx.TownshipDispatcher, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		r := caseRead{Title: c.Title, Parties: c.Parties}
		if c.Reporter != nil {
			r.Reporter = *c.Reporter
		}
		acts, err := db.Cases.Timeline(ctx, fx.TownshipDispatcher, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acts {
			for _, ref := range a.Attachments {
				b, err := db.Cases.CaseFile(ctx, fx.TownshipDispatcher, id, strings.TrimPrefix(ref, "sha256:"))
				if err != nil {
					t.Fatalf("%s: photo %s: %v", id, ref, err)
				}
				r.Photo += len(b)
			}
		}
		out = append(out, r)
	}
	return out
}
