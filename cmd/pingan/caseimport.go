package main

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/importer"
)

// importCases runs `pingan import cases FILE.xlsx|FILE.csv [--unit CODE]`:
// the work orders of a 12345 export (docs/import.md) become cases of
// source import, as a dispatcher of the centre of --unit (the top unit's
// by default), all of the file or none. A progress bar on stderr while the
// rows are written, then 新增 n · 已导入 n; the bad rows by number on stderr
// and a non-zero exit, nothing written.
func (e *cmdEnv) importCases(args []string) error {
	const usage = "用法 (usage): pingan import cases FILE.xlsx|FILE.csv [--unit CODE] [--db …]"
	var f dbFlags
	fs := flag.NewFlagSet("import cases", flag.ContinueOnError)
	f.register(fs)
	unit := fs.String("unit", "", "the unit whose centre imports (the top unit's by default)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New(usage)
	}
	file := pos[0]
	began := time.Now()
	r, err := os.Open(file)
	if err != nil {
		return err
	}
	defer r.Close()
	rows, err := importer.Cases(r, file)
	if err != nil {
		return rowErrors(file, err)
	}
	fmt.Fprintf(e.stderr, "读取 %s 条工单，正在校验并导入… (read %d work orders; checking and importing…)\n", thousands(len(rows)), len(rows))
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	op, err := db.CaseImports.Operator(e.ctx, *unit)
	if err != nil {
		return fmt.Errorf("--unit %s: %w", *unit, err)
	}
	bar := newProgress(e.stderr, "导入 (importing)", "rows")
	res, err := db.CaseImports.ImportCases(e.ctx, op, file, rows, bar.update)
	bar.finish()
	if err != nil {
		return rowErrors(file, err)
	}
	fmt.Fprintf(e.stderr, "导入完成：新增 %s · 已导入 %s，用时 %.1f 秒 (imported: %d created, %d imported before, in %.1fs)\n",
		thousands(res.Created), thousands(res.Already), time.Since(began).Seconds(), res.Created, res.Already, time.Since(began).Seconds())
	return nil
}

// rowErrors answers a refused file's error with each bad row on a line of
// its own, in the order of the rows: 第 7 行「诉求类别」：未知的诉求类别「…」.
func rowErrors(file string, err error) error {
	var pe *pingan.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return fmt.Errorf("%s: %w", file, err)
	}
	type line struct {
		row  int
		text string
	}
	var lines []line
	for _, k := range slices.Sorted(maps.Keys(pe.Fields)) {
		row, name := importer.RowField(pingan.ZH, k)
		lines = append(lines, line{row, name + "：" + pe.Fields[k].Text(pingan.ZH)})
	}
	slices.SortStableFunc(lines, func(a, b line) int { return a.row - b.row })
	msg := file + ": " + pe.Msg.Text(pingan.ZH) + " (" + pe.Msg.Text(pingan.EN) + ")"
	for _, l := range lines {
		msg += "\n  " + l.text
	}
	return errors.New(msg)
}
