package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Restore (恢复) puts a backup made by Backup back: on SQLite the copy of
// the database file into a new file, checked with PRAGMA integrity_check;
// on PostgreSQL the pg_dump archive into an empty database with
// pg_restore (a plain SQL dump with psql). Neither overwrites anything:
// the target file must not exist, the target schema must hold no table.
// Opening the store afterwards checks the key and brings the schema up to
// date.

// RestoreSQLite copies the backup from to the new database file to and
// checks it.
func RestoreSQLite(ctx context.Context, from, to string) error {
	if _, err := os.Stat(to); err == nil {
		return errors.New("store: " + pingan.Text(pingan.ZH, "backup.restore.exists", to))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.from", from), err)
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(to), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Chmod(0o600) // it holds sealed personal data and password hashes
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := checkSQLite(ctx, tmp.Name()); err != nil {
		return err
	}
	// Link rather than rename: a file that appeared at to meanwhile is
	// not replaced.
	if err := os.Link(tmp.Name(), to); err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.exists", to), err)
	}
	return nil
}

// checkSQLite runs PRAGMA integrity_check on the database file path.
func checkSQLite(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", sqliteDSN(path, sqliteCopier))
	if err != nil {
		return err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		if err == nil {
			err = errors.New(res)
		}
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.integrity", path), err)
	}
	return nil
}

// RestorePostgres restores the pg_dump archive (or plain SQL dump) from
// into the PostgreSQL database at dsn, whose schema (the first of its
// search_path, else public) must hold no table. It needs pg_restore (or
// psql) of the PostgreSQL client tools.
func RestorePostgres(ctx context.Context, from, dsn string) error {
	head := make([]byte, 5)
	f, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.from", from), err)
	}
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.from", from), err)
	}
	if err := checkEmptyPostgres(ctx, dsn); err != nil {
		return err
	}
	if string(head) == "PGDMP" {
		if err := checkArchiveSchema(ctx, from, dsn); err != nil {
			return err
		}
	}
	args, err := pgDumpArgs(dsn)
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "store.dsn.bad"), err)
	}
	dbname := args[len(args)-1] // --dbname=URL; a --schema before it is in the archive already
	prog, cmdArgs := "pg_restore", []string{"--no-owner", "--exit-on-error", dbname, from}
	if string(head) != "PGDMP" { // not a custom archive: plain SQL
		prog, cmdArgs = "psql", []string{"--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", dbname, "--file=" + from}
	}
	bin, err := exec.LookPath(prog)
	if err != nil {
		return errors.New("store: " + pingan.Text(pingan.ZH, "backup.restore.noprog", prog))
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, cmdArgs...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("store: %s: %w: %s", pingan.Text(pingan.ZH, "backup.restore.failed", prog, redactDSN(dsn)), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// targetSchema answers the schema a store at dsn opens: the first of its
// search_path, else public.
func targetSchema(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		if sp := strings.TrimSpace(strings.Split(u.Query().Get("search_path"), ",")[0]); sp != "" {
			return sp
		}
	}
	return "public"
}

// checkArchiveSchema refuses an archive of one named schema (a backup of
// a store whose DSN named a search_path) restored into a target whose
// search_path names another: pg_restore would write the tables into the
// archive's schema and the restored store would open an empty one.
func checkArchiveSchema(ctx context.Context, from, dsn string) error {
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		return errors.New("store: " + pingan.Text(pingan.ZH, "backup.restore.noprog", "pg_restore"))
	}
	out, err := exec.CommandContext(ctx, bin, "--list", from).Output()
	if err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.from", from), err)
	}
	var schemas []string
	for _, line := range strings.Split(string(out), "\n") {
		// 5; 2615 16386 SCHEMA - pingan_x postgres
		if f := strings.Fields(line); len(f) >= 6 && !strings.HasPrefix(line, ";") && f[3] == "SCHEMA" && f[4] == "-" {
			schemas = append(schemas, f[5])
		}
	}
	if want := targetSchema(dsn); len(schemas) == 1 && schemas[0] != want {
		return errors.New("store: " + pingan.Text(pingan.ZH, "backup.restore.schema", schemas[0], redactDSN(dsn), want, schemas[0]))
	}
	return nil
}

// checkEmptyPostgres refuses a database whose schema holds a table.
func checkEmptyPostgres(ctx context.Context, dsn string) error {
	schema := targetSchema(dsn)
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer c.Close()
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&n); err != nil {
		return fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.restore.connect", redactDSN(dsn)), err)
	}
	if n > 0 {
		return errors.New("store: " + pingan.Text(pingan.ZH, "backup.restore.notempty", redactDSN(dsn), schema, n))
	}
	return nil
}
