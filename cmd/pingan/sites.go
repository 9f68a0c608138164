package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// sitesCmd runs `pingan sites import FILE.xlsx --as USERNAME [--dry]`: the
// register of key sites (重点场所, docs/sites.md) read from a workbook and
// added or changed as the account named (an administrator, dispatcher or
// handler, in their jurisdiction), all rows in one transaction or none;
// --dry checks without writing.
func (e *cmdEnv) sitesCmd(args []string) error {
	const usage = "用法 (usage): pingan sites import FILE.xlsx --as USERNAME [--dry] [--db …]"
	if len(args) == 0 || args[0] != "import" {
		return errors.New(usage)
	}
	var f dbFlags
	fs := flag.NewFlagSet("sites import", flag.ContinueOnError)
	f.register(fs)
	as := fs.String("as", "", "the account that imports (its jurisdiction and role)")
	dry := fs.Bool("dry", false, "check the workbook without writing")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || *as == "" {
		return errors.New(usage)
	}
	file := pos[0]
	if ext := strings.ToLower(filepath.Ext(file)); ext != ".xlsx" {
		return fmt.Errorf("重点场所须从 XLSX 表格导入 (sites are imported from an XLSX workbook), got %q", ext)
	}
	r, err := os.Open(file)
	if err != nil {
		return err
	}
	defer r.Close()
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.Users.UserByUsername(e.ctx, *as)
	if err != nil {
		return fmt.Errorf("--as %s: %w", *as, err)
	}
	types, err := db.Sites.SiteTypes(e.ctx)
	if err != nil {
		return err
	}
	rows, err := sheet.ReadSites(r, types)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	res, err := db.Sites.ImportSites(e.ctx, u, rows, *dry)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	verb := "已导入 (imported)"
	if *dry {
		verb = "检查通过，未写入 (checked, nothing written)"
	}
	fmt.Fprintf(e.stdout, "%s：新增 %d 个，更新 %d 个 (%d added, %d changed)\n", verb, res.Added, res.Updated, res.Added, res.Updated)
	return nil
}
