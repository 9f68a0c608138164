package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// restore puts a backup made by `pingan backup` into a new data directory
// (SQLite) or an empty database (--db postgres://…), with the photos
// backed up beside it (FILE.files), then opens it with the key, brings
// the schema up to date and opens every sealed value: a restore that
// cannot be read fails here, not on the first request.
func (e *cmdEnv) restore(args []string) error {
	var f dbFlags
	var from string
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	f.register(flags)
	flags.StringVar(&from, "from", "", "备份文件，由 pingan backup 写出 (the backup file written by pingan backup)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if from == "" {
		return fmt.Errorf("--from 必填 (required): the backup file to restore")
	}
	if err := emptyDir(f.filesDir()); err != nil {
		return err
	}
	if f.postgres() {
		if err := store.RestorePostgres(e.ctx, from, f.db); err != nil {
			return err
		}
	} else if err := store.RestoreSQLite(e.ctx, from, f.dsn()); err != nil {
		return err
	}
	if err := os.Remove(f.filesDir()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	n, err := copyPhotos(from+".files", f.filesDir())
	if err != nil {
		return fmt.Errorf("照片恢复失败 (the photos were not restored) %s: %w", from+".files", err)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true) // the key checked, the schema brought up to date
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.KeyStatus(e.ctx, true)
	if err != nil {
		return err
	}
	unreadable := 0
	for _, c := range rep.Columns {
		unreadable += c.Unreadable
	}
	cases := rep.Cases
	fmt.Fprintf(e.stderr, "已恢复：案件 %d 件，照片 %d 个，加密值摘要 %s (restored: %d cases, %d photos; digest of the sealed values %s)\n",
		cases, n, rep.Digest, cases, n, rep.Digest)
	if unreadable > 0 {
		return fmt.Errorf("恢复的数据中有 %d 个加密值无法解密：请用备份时的密钥环 (%d sealed values of the restore cannot be opened: use the key ring of the time of the backup)", unreadable, unreadable)
	}
	return nil
}

// emptyDir refuses a directory that holds anything; one that does not
// exist is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("照片目录 %s 不是空的，恢复不会覆盖它 (the directory of the photos %s is not empty: a restore does not overwrite it)", dir, dir)
	}
	return nil
}
