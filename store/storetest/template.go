package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
)

// A fresh SQLite store is a copy of a migrated one: migrating takes most of
// a test's set-up (half a second, 37 migrations), copying a few
// milliseconds. The migrated database is kept in the system's temporary
// directory under a name made of the migrations' digest and the test key,
// built once by whichever test process first needs it and reused until
// a migration changes.

var template struct {
	once sync.Once
	path string
	err  error
}

// FreshSQLite answers the path of a new SQLite file in the test's
// temporary directory holding a migrated, empty database sealed with Key.
func FreshSQLite(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pingan.db")
	copyTemplate(t, path)
	return path
}

// DataDir answers a new data directory as `pingan migrate` leaves it: a
// migrated, empty database (pingan.db) and the key file holding Key. The
// commands' tests start from it instead of migrating each time.
func DataDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	copyTemplate(t, filepath.Join(dir, "pingan.db"))
	if err := secret.WriteRingFile(filepath.Join(dir, secret.KeyFile), [][]byte{Key}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyTemplate copies the migrated database sealed with Key to path.
func copyTemplate(t testing.TB, path string) {
	t.Helper()
	template.once.Do(func() { template.path, template.err = buildTemplate() })
	if template.err != nil {
		t.Fatalf("storetest: the migrated template: %v", template.err)
	}
	if err := copyFile(template.path, path); err != nil {
		t.Fatalf("storetest: copy the migrated template: %v", err)
	}
}

// buildTemplate answers the path of the migrated database, building it
// when it is not there: into a file of its own, renamed into place once
// closed, so that a process never copies half of one.
func buildTemplate() (string, error) {
	sum := sha256.Sum256(append([]byte(store.MigrationsDigest()), Key...))
	path := filepath.Join(os.TempDir(), "pingan-test-"+hex.EncodeToString(sum[:8])+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	dir, err := os.MkdirTemp("", "pingan-template-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	sealer, err := secret.NewSealer(Key)
	if err != nil {
		return "", err
	}
	building := filepath.Join(dir, "pingan.db")
	db, err := store.Open(context.Background(), store.Options{DSN: building, Sealer: sealer, PasswordParams: secret.TestParams,
		AutoMigrate: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", err
	}
	if err := db.Close(); err != nil {
		return "", err
	}
	for _, side := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(building + side); err == nil && fi.Size() > 0 && side == "-wal" {
			return "", fmt.Errorf("%s%s is left with %d bytes after the close", building, side, fi.Size())
		}
	}
	if err := copyFile(building, path+".part"+filepath.Base(dir)); err != nil {
		return "", err
	}
	return path, os.Rename(path+".part"+filepath.Base(dir), path)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
