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
		return fmt.Errorf("store: 备份失败 (backup failed) %s: %w", to, err)
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
		return errors.New("store: 找不到 pg_dump，请安装 PostgreSQL 客户端工具 (pg_dump not found: install the PostgreSQL client tools)")
	}
	args, err := pgDumpArgs(dsn)
	if err != nil {
		return fmt.Errorf("store: 数据库地址无效 (bad database URL): %w", err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append([]string{"--format=custom", "--no-owner", "--file=" + to}, args...)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		os.Remove(to)
		return fmt.Errorf("store: pg_dump 失败 (pg_dump failed) %s: %w: %s", redactDSN(dsn), err, strings.TrimSpace(stderr.String()))
	}
	return os.Chmod(to, 0o600)
}

func checkBackupTarget(to string) error {
	if to == "" {
		return errors.New("store: 未指定备份文件 (no backup file given)")
	}
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("store: 备份文件已存在，不会覆盖 (the backup file exists; not overwriting) %s", to)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if dir := filepath.Dir(to); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("store: 无法创建备份目录 (cannot create the backup directory) %s: %w", dir, err)
		}
	}
	return nil
}
