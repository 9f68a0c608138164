package main

import (
	"flag"
	"fmt"

	"github.com/pingan-gov/pingan"
)

// retentionCmd runs pingan retention run [--dry-run]: deletes the personal
// data of the closed cases past their kind's retention (个人信息保存期限,
// retention.go; docs/security.md "Retention of personal data"), as the
// server's daily pass does, and prints the cases per kind.
func (e *cmdEnv) retentionCmd(args []string) error {
	const usage = "用法 (usage): pingan retention run [--dry-run] [--data DIR] [--db …]"
	if len(args) == 0 || args[0] != "run" {
		return fmt.Errorf(usage)
	}
	var f dbFlags
	fs := flag.NewFlagSet("retention run", flag.ContinueOnError)
	f.register(fs)
	dry := fs.Bool("dry-run", false, "只统计，不删除 (count only, delete nothing)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Security.PurgePersonal(e.ctx, *dry)
	if rep != nil {
		e.printPurge(rep)
	}
	return err
}

// printPurge writes the cases per kind of rep, then the total.
func (e *cmdEnv) printPurge(rep *pingan.PurgeReport) {
	verb := "已删除个人信息的事件 (cases whose personal data was deleted)"
	if rep.DryRun {
		verb = "到期应删除个人信息的事件，未作改动 (cases whose personal data is due for deletion; dry run, nothing changed)"
	}
	fmt.Fprintln(e.stdout, verb)
	for _, k := range pingan.Kinds {
		fmt.Fprintf(e.stdout, "  %s (%s): %d\n", k.Name, k.Kind, rep.ByKind[k.Kind])
	}
	fmt.Fprintf(e.stdout, "合计 (total): %d\n", rep.Total)
}
