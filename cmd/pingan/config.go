package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
)

// dbFlags are the flags of every command that opens the database.
type dbFlags struct {
	db, data string
	// passwords are the argon2id costs of new password hashes; the
	// store's default when zero.
	passwords secret.Params
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", envOr("PINGAN_DB", ""), "数据库：SQLite 文件路径或 postgres:// 地址 (database: SQLite file or postgres:// URL; default DATA/pingan.db) [PINGAN_DB]")
	fs.StringVar(&f.data, "data", envOr("PINGAN_DATA", "./data"), "数据目录 (data directory) [PINGAN_DATA]")
}

// warnRetired logs, once per process, the environment variables that no
// longer do anything, so that an old deployment's settings are seen, not
// silently obeyed or refused.
var warnRetired = sync.OnceFunc(func() {
	if v, ok := os.LookupEnv("PINGAN_CALENDAR_PROVISIONAL"); ok {
		slog.Info("PINGAN_CALENDAR_PROVISIONAL=" + v + " 已不再需要，已忽略：未录入节假日安排的年份总是按法定节假日暂定计算 " +
			"(no longer needed, ignored: a year without an entered arrangement is always counted provisionally)")
	}
})

// dsn answers the database to open: --db, or pingan.db in the data directory.
func (f *dbFlags) dsn() string {
	if f.db != "" {
		return f.db
	}
	return filepath.Join(f.data, "pingan.db")
}

func (f *dbFlags) postgres() bool {
	return strings.HasPrefix(f.db, "postgres://") || strings.HasPrefix(f.db, "postgresql://")
}

// open opens (and with migrate, creates and migrates) the database, with the
// key for personal data from PINGAN_SECRET_KEY or the data directory.
func (f *dbFlags) open(ctx context.Context, clock pingan.Clock, migrate bool) (*store.DB, error) {
	warnRetired()
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return nil, fmt.Errorf("无法创建数据目录 (cannot create the data directory) %s: %w", f.data, err)
	}
	if !f.postgres() {
		if err := os.MkdirAll(filepath.Dir(f.dsn()), 0o700); err != nil {
			return nil, err
		}
	}
	key, err := secret.LoadKey(f.data, os.Getenv(secret.KeyEnv))
	if err != nil {
		return nil, err
	}
	sealer, err := secret.NewSealer(key)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, store.Options{
		DSN:            f.dsn(),
		Sealer:         sealer,
		Clock:          clock,
		Logger:         slog.Default(),
		AutoMigrate:    migrate,
		PasswordParams: f.passwords,
	})
	if err != nil {
		return nil, err
	}
	return db, nil
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	return fs.Parse(args)
}
