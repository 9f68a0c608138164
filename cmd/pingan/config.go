package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/files"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
)

// dbFlags are the flags of every command that opens the database.
type dbFlags struct {
	db, data string
	// files is the directory photos are kept in, sealed; DATA/files
	// when empty.
	files string
	// passwords are the argon2id costs of new password hashes; the
	// store's default when zero.
	passwords secret.Params
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", envOr("PINGAN_DB", ""), "数据库：SQLite 文件路径或 postgres:// 地址 (database: SQLite file or postgres:// URL; default DATA/pingan.db) [PINGAN_DB]")
	fs.StringVar(&f.data, "data", envOr("PINGAN_DATA", "./data"), "数据目录 (data directory) [PINGAN_DATA]")
	fs.StringVar(&f.files, "files", envOr("PINGAN_FILES", ""), "照片目录，加密存放；多台服务器须共用同一目录 (directory of the photos, sealed; servers sharing a database share it; default DATA/files) [PINGAN_FILES]")
}

// filesDir answers the directory of the photos: --files, or files in the
// data directory.
func (f *dbFlags) filesDir() string {
	if f.files != "" {
		return f.files
	}
	return filepath.Join(f.data, "files")
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
// key for personal data from PINGAN_SECRET_KEY or the data directory. With
// neither, a new key is written to the data directory only if the database
// holds nothing sealed yet; a key that does not open the database's
// personal data, or none for a database that holds some, refuses to start
// with a sentence saying which key is wanted and where it is looked for.
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
	photos, err := files.Open(f.filesDir())
	if err != nil {
		return nil, fmt.Errorf("无法创建照片目录 (cannot create the directory of the photos) %s: %w", f.filesDir(), err)
	}
	o := store.Options{
		DSN:            f.dsn(),
		Files:          photos,
		Clock:          clock,
		Logger:         slog.Default(),
		AutoMigrate:    migrate,
		PasswordParams: f.passwords,
	}
	ring, src, err := secret.OpenRing(f.data, os.Getenv(secret.KeyEnv)) // the key ring: secret/ring.go
	switch {
	case errors.Is(err, secret.ErrNoKey):
		o.NewKey = func() (pingan.Sealer, error) {
			if _, err := secret.CreateKeyFile(f.data); err != nil {
				return nil, err
			}
			slog.Info(fmt.Sprintf("新的数据密钥已写入 %s，请备份：丢失后个人信息无法解密 (a new data key was written to %s: back it up, without it the personal data cannot be read)",
				src.Path, src.Path))
			ring, _, err := secret.OpenRing(f.data, "")
			return ring, err
		}
	case err != nil:
		return nil, err
	default:
		o.Sealer = ring
	}
	db, err := store.Open(ctx, o)
	var ke *store.KeyError
	if errors.As(err, &ke) {
		return nil, keyRefusal(ke, src)
	}
	if err != nil || !migrate {
		return db, err
	}
	// Photos of earlier versions, kept in clear in the data directory or
	// sealed in the database, move to the file store, sealed.
	if _, err := db.ImportClearFiles(ctx, f.data); err != nil {
		db.Close()
		return nil, fmt.Errorf("无法迁移数据目录中的照片 (cannot move the photos of the data directory): %w", err)
	}
	if _, err := db.MoveFilesOut(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("无法将数据库中的照片移至照片目录 (cannot move the photos of the database to their directory): %w", err)
	}
	if _, err := db.IndexPeople(ctx); err != nil { // the blind index of earlier cases' people
		db.Close()
		return nil, err
	}
	if err := buildTallies(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// keyRefusal is the sentence a start refused for its key ends with: which
// key the database wants, which was given and from where, and where a key
// is looked for.
func keyRefusal(ke *store.KeyError, src secret.KeySource) error {
	want, wantEn := "最初加密这些数据的密钥", "the key that sealed it"
	if ke.Want != "" {
		want, wantEn = "指纹为 "+ke.Want+" 的密钥", "the key with fingerprint "+ke.Want
	}
	if ke.Missing {
		return fmt.Errorf("拒绝启动：数据库中有加密的个人信息，但没有找到密钥（环境变量 %s 未设置，%s 不存在），也不会生成新密钥；请把%s设为环境变量 %s 或放回%s "+
			"(refusing to start: the database holds sealed personal data and no key was found — %s is not set and %s does not exist — "+
			"and no new key is made; put %s in %s or back in %s)",
			secret.KeyEnv, src, want, secret.KeyEnv, src,
			secret.KeyEnv, src.English(), wantEn, secret.KeyEnv, src.English())
	}
	got, gotEn := "", ""
	if ke.Got != "" {
		got, gotEn = "（指纹 "+ke.Got+"）", ", fingerprint "+ke.Got+","
	}
	return fmt.Errorf("拒绝启动：来自%s 的密钥%s打不开数据库中的个人信息，需要%s；密钥先从环境变量 %s 读取，未设置时从文件 %s 读取 "+
		"(refusing to start: the key from %s%s does not open the database's personal data, which wants %s; "+
		"the key is read from the environment variable %s, or when that is not set from the file %s)",
		src, got, want, secret.KeyEnv, src.Path,
		src.English(), gotEn, wantEn, secret.KeyEnv, src.Path)
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	return fs.Parse(args)
}

// buildTallies builds the counters of the statistics when there are cases
// and no counters: once, after the upgrade that made them.
func buildTallies(ctx context.Context, db *store.DB) error {
	n, err := db.Stats.BuildTalliesIfEmpty(ctx, nil)
	if err != nil {
		return fmt.Errorf("无法建立统计计数器 (cannot build the counters of the statistics): %w", err)
	}
	if n > 0 {
		slog.Info("统计计数器已由案件建立 (the counters of the statistics were built from the cases)", "cases", n)
	}
	return nil
}
