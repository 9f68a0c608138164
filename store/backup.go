package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Backup writes a consistent copy of the database to the file to while the
// server runs: on SQLite a compacted copy of the database file (VACUUM
// INTO), which `--db FILE` opens as it is; on PostgreSQL a pg_dump archive
// (PostgresDump). It refuses to overwrite an existing file.
func (db *DB) Backup(ctx context.Context, to string) error {
	if db.dialect == Postgres {
		return PostgresDump(ctx, db.dsn, to)
	}
	if err := checkBackupTarget(to); err != nil {
		return err
	}
	// A connection of its own makes the copy in a read transaction, so
	// writers go on meanwhile.
	c, err := sql.Open("sqlite", sqliteDSN(db.dsn, sqliteCopier))
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `VACUUM INTO $1`, to); err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.backup.failed", to), err)
	}
	return os.Chmod(to, 0o600) // it holds sealed personal data and password hashes
}

// PostgresDump writes a pg_dump archive (custom format, for pg_restore) of
// the PostgreSQL database at dsn to the file to. It needs the pg_dump
// program of the PostgreSQL client tools, of the server's major version or
// later.
func PostgresDump(ctx context.Context, dsn, to string) error {
	if err := checkBackupTarget(to); err != nil {
		return err
	}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("store: " + pingan.Text(pingan.ZH, "store.backup.nopgdump"))
	}
	args, err := pgDumpArgs(dsn)
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.dsn.bad"), err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append([]string{"--format=custom", "--no-owner", "--file=" + to}, args...)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		os.Remove(to)
		return fmt.Errorf("store: %s: %w: %s", pingan.Text(pingan.ZH, "store.backup.pgdump", redactDSN(dsn)), err, strings.TrimSpace(stderr.String()))
	}
	return os.Chmod(to, 0o600)
}

func checkBackupTarget(to string) error {
	if to == "" {
		return errors.New("store: " + pingan.Text(pingan.ZH, "store.backup.nofile"))
	}
	if _, err := os.Stat(to); err == nil {
		return errors.New("store: " + pingan.Text(pingan.ZH, "store.backup.exists", to))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if dir := filepath.Dir(to); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.backup.mkdir", dir), err)
		}
	}
	return nil
}
