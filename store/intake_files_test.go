package store_test

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// filesIn counts the files of the file store directory.
func filesIn(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return n
}

// Photos travel with their report: kept in its transaction and attached
// to its first timeline entry; a refused report leaves no file behind,
// neither a report refused by its checks nor one rolled back after its
// photos were put.
func testPhotosWithTheReport(t *testing.T, e *env) {
	fx := e.fx
	a, b := pngPhoto("现场一"), pngPhoto("现场二")
	c, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Category: "FW01", Description: "路灯不亮，已经三天",
		Photos: []pingan.Upload{{Name: "a.png", Data: a}, {Name: "b.png", Data: b}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != pingan.KindService || c.Title != "路灯不亮，已经三天" {
		t.Errorf("kind %q and title %q, want them from the category and the description", c.Kind, c.Title)
	}
	first := e.timeline(t, c.ID)[0]
	if len(first.Attachments) != 2 || first.Attachments[0] != "sha256:"+sumOf(a) || first.Attachments[1] != "sha256:"+sumOf(b) {
		t.Fatalf("first timeline entry attachments %v", first.Attachments)
	}
	for _, p := range [][]byte{a, b} {
		if got, err := e.db.Cases.CaseFile(ctx, fx.CountyDispatcher, c.ID, sumOf(p)); err != nil || !bytes.Equal(got, p) {
			t.Errorf("photo served %q, %v", got, err)
		}
	}
	if n := filesIn(t, e.files); n != 2 {
		t.Fatalf("%d files kept for two photos", n)
	}

	// Refused by its checks: one answer naming every field, no file.
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Category: "NOPE", ResolvedOnSite: true,
		Photos: []pingan.Upload{{Name: "c.png", Data: pngPhoto("被拒的照片")}}})
	pe := wantCode(t, err, pingan.EINVALID)
	for _, f := range []string{"category", "title", "result"} {
		if _, ok := pe.Fields[f]; !ok {
			t.Errorf("the answer does not name %s: %v", f, pe)
		}
	}
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Category: "FW01", Title: "x",
		Photos: []pingan.Upload{{Name: "notes.txt", Data: []byte("not an image")}}})
	wantKey(t, wantCode(t, err, pingan.EINVALID), "photos", "photo.type")
	if n := filesIn(t, e.files); n != 2 {
		t.Errorf("%d files after refused reports, want 2", n)
	}

	// Rolled back after its photos were put: the idempotency key was used.
	key := "report-with-key"
	firstCase, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Category: "FW01", Title: "首次", IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Category: "FW01", Title: "重发", IdempotencyKey: key,
		Photos: []pingan.Upload{{Name: "d.png", Data: pngPhoto("重发的照片")}}})
	if err != nil || again.ID != firstCase.ID {
		t.Fatalf("the key's case: %v, %v", again, err)
	}
	if n := filesIn(t, e.files); n != 2 {
		t.Errorf("%d files after a report rolled back, want 2", n)
	}
	var rows int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM files`).Scan(&rows); err != nil || rows != 2 {
		t.Errorf("%d rows in files (%v), want 2", rows, err)
	}

	// Reports arriving together, through the group writer, each with a
	// photo of its own and one they share.
	var wg sync.WaitGroup
	shared := pngPhoto("共同的照片")
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			own := pngPhoto("并发" + strings.Repeat("+", i))
			_, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Category: "FW01", Title: "并发上报",
				Photos: []pingan.Upload{{Name: "own.png", Data: own}, {Name: "shared.png", Data: shared}}})
			if err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if n := filesIn(t, e.files); n != 2+12+1 {
		t.Errorf("%d files after 12 reports with 13 distinct photos, want %d", n, 2+12+1)
	}
	// A citizen's report takes the same path.
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Category: "FW01", Title: "群众", Unit: fx.Village.Code,
		Photos: []pingan.Upload{{Name: "e.png", Data: pngPhoto("群众的照片")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.db.Cases.CaseFile(ctx, fx.CountyDispatcher, receipt.Number, sumOf(pngPhoto("群众的照片"))); err != nil || len(got) == 0 {
		t.Errorf("citizen's photo: %v", err)
	}
	_, err = e.db.Public.FileCase(ctx, &pingan.NewCase{Category: "FW01", Unit: fx.County.Code,
		Photos: []pingan.Upload{{Name: "f.png", Data: pngPhoto("被拒的群众照片")}}})
	pe = wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "unit", "public.unit.bad")
	wantKey(t, pe, "title", "report.title.required")
	if n := filesIn(t, e.files); n != 2+12+1+1 {
		t.Errorf("%d files after a refused citizen's report", n)
	}
}

// Photos that earlier versions kept sealed in the database move to the
// file store, and are served the same before and after.
func testMoveFilesOut(t *testing.T, e *env) {
	c := e.report(t, e.fx.GridWorker, "")
	photo := pngPhoto("库中的照片")
	sum := sumOf(photo)
	sealed, err := e.db.Seal(photo)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.BulkExec(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (sum, content, size, stored_at) VALUES ($1, $2, $3, $4)`,
			sum, sealed, len(photo), e.clock.Now().Format(time.RFC3339Nano)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_files (region, case_id, sum) VALUES ($1, $2, $3)`, c.Region, c.ID, sum)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := e.db.Cases.CaseFile(ctx, e.fx.CountyDispatcher, c.ID, sum); err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("before: %q, %v", got, err)
	}
	if n, err := e.db.MoveFilesOut(ctx); err != nil || n != 1 {
		t.Fatalf("moved %d, %v", n, err)
	}
	var inRow int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM files WHERE content IS NOT NULL OR name IS NULL`).Scan(&inRow); err != nil || inRow != 0 {
		t.Errorf("%d rows still hold their content (%v)", inRow, err)
	}
	if got, err := e.db.Cases.CaseFile(ctx, e.fx.CountyDispatcher, c.ID, sum); err != nil || !bytes.Equal(got, photo) {
		t.Errorf("after: %q, %v", got, err)
	}
	if filesIn(t, e.files) != 1 {
		t.Errorf("%d files in the file store", filesIn(t, e.files))
	}
	if n, err := e.db.MoveFilesOut(ctx); err != nil || n != 0 {
		t.Errorf("a second run moved %d, %v", n, err)
	}
}

// Migration 0009 moves the query codes that earlier versions kept inside
// the audit row of a citizen's report into their own table.
func testQueryCodesMoved(t *testing.T, e *env) {
	dsn := t.TempDir() + "/old.db"
	if strings.HasPrefix(e.dsn, "postgres") {
		dsn = storetest.PostgresDSN(t)
	}
	old, err := store.Open(ctx, store.Options{DSN: dsn, Sealer: storetest.Sealer(t), Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := old.MigrateTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	// The reporter is written as that version kept accounts: today's
	// accounts need the password rules of later migrations.
	if _, err := old.Units.ImportUnits(ctx, storetest.FixtureUnits()); err != nil {
		t.Fatal(err)
	}
	worker := &pingan.User{Username: "fk-grid", UnitCode: "620902001001", Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := old.SQL().QueryRowContext(ctx, `SELECT path FROM units WHERE code = $1`, worker.UnitCode).Scan(&worker.ScopePath); err != nil {
		t.Fatal(err)
	}
	if err := old.SQL().QueryRowContext(ctx, `INSERT INTO users (username, name, unit_code, roles, password_hash, created_at)
		VALUES ($1, '网格员', $2, 'grid_worker', 'x', $3) RETURNING id`, worker.Username, worker.UnitCode,
		e.clock.Now().Format(time.RFC3339Nano)).Scan(&worker.ID); err != nil {
		t.Fatal(err)
	}
	// So is the case, with its first timeline entry: today's intake also
	// writes audit columns of later migrations.
	c := &pingan.Case{ID: fmt.Sprintf("%04d-620902-000001", e.clock.Now().In(pingan.CST).Year()), Region: "620902"}
	at := e.clock.Now().Format(time.RFC3339Nano)
	if err := old.BulkExec(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (region, id, number, kind, category, title, status, unit_code, unit_path,
			holding_unit, holding_path, source, reported_by, reported_at, updated_at)
			VALUES ($1, $2, $2, 'service', 'FW01', '旧版本的群众上报', 'reported', $3, $4, $3, $4, 'citizen', $5, $6, $6)`,
			c.Region, c.ID, worker.UnitCode, worker.ScopePath, worker.ID, at); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO actions (region, case_id, seq, action, actor_id, actor_name, acted_at, to_status, to_unit)
			VALUES ($1, $2, 1, 'report', $3, '网格员', $4, 'reported', $5)`, c.Region, c.ID, worker.ID, at, worker.UnitCode)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c.Number = c.ID
	sealed, err := old.Seal([]byte("ABCD2345"))
	if err != nil {
		t.Fatal(err)
	}
	if err := old.BulkExec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit (region, logged_at, action, case_id, detail) VALUES ($1, $2, 'public_report', $3, $4)`,
			c.Region, e.clock.Now().Format(time.RFC3339Nano), c.ID, "query_code:"+base64.StdEncoding.EncodeToString(sealed))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pc, err := old.Public.PublicCase(ctx, c.Number, "abcd2345")
	if err != nil || pc.Number != c.Number {
		t.Fatalf("the moved code does not open the case: %v", err)
	}
	if _, err := old.Public.PublicCase(ctx, c.Number, "ABCD2346"); code(err) != pingan.ENOTFOUND {
		t.Errorf("a wrong code: %v", err)
	}
	var left int
	if err := old.SQL().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE detail LIKE 'query_code:%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d query codes left in the audit log (%v)", left, err)
	}
}
