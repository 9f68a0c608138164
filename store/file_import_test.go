package store_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// testImportClearFiles: a photo an earlier version kept in clear under the
// data directory is moved into the database, sealed, and served again.
func testImportClearFiles(t *testing.T, e *env) {
	c := e.report(t, e.fx.GridWorker, "")
	photo := []byte("\xff\xd8\xff\xe0 a photo kept in clear by an earlier version")
	h := sha256.Sum256(photo)
	sum := hex.EncodeToString(h[:])
	dir := t.TempDir()
	clear := filepath.Join(dir, "files", sum[:2], sum)
	if err := os.MkdirAll(filepath.Dir(clear), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clear, photo, 0o640); err != nil {
		t.Fatal(err)
	}
	// What migration 0008 leaves for such a file: the reference, no content.
	if err := e.db.BulkExec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO case_files (region, case_id, sum) VALUES ($1, $2, $3)`, c.Region, c.ID, sum)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Cases.CaseFile(ctx, e.fx.CountyDispatcher, c.ID, sum); err == nil {
		t.Fatal("the file is served before it is moved")
	}
	n, err := e.db.ImportClearFiles(ctx, dir)
	if err != nil || n != 1 {
		t.Fatalf("moved %d, %v", n, err)
	}
	got, err := e.db.Cases.CaseFile(ctx, e.fx.CountyDispatcher, c.ID, sum)
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("served %q, %v", got, err)
	}
	if _, err := os.Stat(clear); !os.IsNotExist(err) {
		t.Errorf("the clear copy is still there: %v", err)
	}
	if n, err := e.db.ImportClearFiles(ctx, dir); err != nil || n != 0 {
		t.Errorf("a second run moved %d, %v", n, err)
	}
}
