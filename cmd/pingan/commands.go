package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// migrate brings the schema up to date.
func (e *cmdEnv) migrate(args []string) error {
	var f dbFlags
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(e.ctx); err != nil {
		return err
	}
	if err := buildTallies(e.ctx, db); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "数据库已是最新结构 (the schema is up to date)")
	warnMixedAdmins(e.ctx, db, e.stderr) // 三权分立 (admin_duties.go)
	return nil
}

// userAdd creates an account; the password comes from the first line of stdin.
func (e *cmdEnv) userAdd(args []string) error {
	var (
		f                          dbFlags
		username, unit, role, name string
		fromStdin                  bool
	)
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&username, "username", "", "登录名 (login name)")
	fs.StringVar(&unit, "unit", "", "所属单位代码 (unit code)")
	fs.StringVar(&role, "role", "", "角色，逗号分隔 (roles, comma separated)")
	fs.StringVar(&name, "name", "", "姓名 (full name)")
	fs.BoolVar(&fromStdin, "password-stdin", false, "从标准输入读取密码 (read the password from stdin)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !fromStdin {
		return fmt.Errorf("请用 --password-stdin 从标准输入提供密码，密码不应出现在命令行中 (pass the password on stdin with --password-stdin)")
	}
	roles, err := pingan.ParseRoles(role)
	if err != nil {
		return err
	}
	password, err := e.stdinPassword()
	if err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &pingan.User{Username: username, Name: name, UnitCode: unit, Roles: roles}
	if err := db.Users.CreateUser(e.ctx, u, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已创建用户 %s（%s，%s）(user created)\n", u.Username, u.UnitCode, role)
	return nil
}

// importCmd imports a file of units (CSV), grids or unit areas (GeoJSON),
// or the official division tables (a directory); see territory.go.
func (e *cmdEnv) importCmd(args []string) error {
	const usage = "用法 (usage): pingan import units FILE.csv | grids FILE.geojson | cases FILE.xlsx|FILE.csv | areas FILE.geojson | divisions DIR [--db …]"
	if len(args) == 0 {
		return fmt.Errorf(usage)
	}
	what, rest := args[0], args[1:]
	if what == "cases" { // the work orders of a 12345 export, with --unit (caseimport.go)
		return e.importCases(rest)
	}
	var f dbFlags
	fs := flag.NewFlagSet("import "+what, flag.ContinueOnError)
	f.register(fs)
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf(usage)
	}
	file := pos[0]
	switch what {
	case "grids":
		return e.importGrids(f, file)
	case "areas":
		return e.importAreas(f, file)
	case "divisions":
		return e.importDivisions(f, file)
	case "units":
		return e.importUnits(f, file)
	}
	return fmt.Errorf("未知的导入类型 (unknown import) %q：可选 units, grids, areas, divisions", what)
}

// parseTime reads RFC 3339, "2006-01-02 15:04[:05]" or "2006-01-02" (in
// +08:00 when no zone is given).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("必填 (required)")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(pingan.CST), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, pingan.CST); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).In(pingan.CST), nil
	}
	return time.Time{}, fmt.Errorf("无法识别的时间 (unrecognised time) %q；请用 2026-10-01T09:00:00+08:00 或 2026-10-01 09:00", s)
}

// backup writes a consistent copy of the database while the server runs.
func (e *cmdEnv) backup(args []string) error {
	var f dbFlags
	var to string
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&to, "to", "", "备份文件 (backup file)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if to == "" {
		return fmt.Errorf("--to 必填 (required): the file to write the backup to")
	}
	if f.postgres() {
		if err := store.PostgresDump(e.ctx, f.db, to); err != nil {
			return err
		}
	} else {
		db, err := f.open(e.ctx, pingan.SystemClock, false)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Backup(e.ctx, to); err != nil {
			return err
		}
	}
	// The photos after the database: a file is written before the row
	// that names it commits and never changes, so every photo the copy
	// of the database names is there to be copied.
	n, err := copyPhotos(f.filesDir(), to+".files")
	if err != nil {
		return fmt.Errorf("照片备份失败 (the photos were not backed up) %s: %w", to+".files", err)
	}
	fmt.Fprintf(e.stderr, "已备份到 %s，照片 %d 个备份到 %s (backup written; %d photos copied)\n", to, n, to+".files", n)
	return nil
}

// copyPhotos copies the directory of the photos from to the new directory
// to, file by file (sealed as they are), and answers how many it copied.
func copyPhotos(from, to string) (int, error) {
	if _, err := os.Stat(to); err == nil {
		return 0, fmt.Errorf("%s exists", to)
	}
	n := 0
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == from {
			return fs.SkipAll // no photos yet
		} else if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if strings.HasPrefix(d.Name(), ".") { // a write in progress
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o600); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}
