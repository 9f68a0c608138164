package main

import (
	"flag"
	"fmt"

	"github.com/pingan-gov/pingan"
)

const statsUsage = `用法 (usage):
  pingan stats verify [--db …] [--limit N]   # 统计计数器与重新计数逐项比对 (the counters against a full recount)
  pingan stats rebuild [--db …]              # 由案件重建统计计数器 (rebuild the counters from the cases)`

// statsCmd runs `pingan stats verify|rebuild`.
func (e *cmdEnv) statsCmd(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", statsUsage)
	}
	switch args[0] {
	case "verify":
		return e.statsVerify(args[1:])
	case "rebuild":
		return e.statsRebuild(args[1:])
	}
	return fmt.Errorf("未知的 stats 子命令 (unknown subcommand) %q\n%s", args[0], statsUsage)
}

// statsVerify recounts every case and reports each counter that differs;
// it fails when one does.
func (e *cmdEnv) statsVerify(args []string) error {
	var f dbFlags
	var limit int
	fs := flag.NewFlagSet("stats verify", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&limit, "limit", 20, "最多列出几处差异 (how many differences to list)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := newProgress(e.stderr, "核对 (verifying)", "cases")
	check, err := db.Stats.VerifyTallies(e.ctx, limit, func(done, total int64) { bar.update(int(done), int(total)) })
	bar.finish()
	if err != nil {
		return err
	}
	for _, d := range check.Counters {
		fmt.Fprintf(e.stdout, "计数不符 (counter differs): %s\n", d)
	}
	for _, d := range check.Rows {
		fmt.Fprintf(e.stdout, "案件 %s 记 %d 次%s，时间线有 %d 次 (case keeps %d × %s, its timeline has %d)\n",
			d.ID, d.Counted, d.Action.Label(), d.Timeline, d.Counted, d.Action, d.Timeline)
	}
	n := len(check.Counters) + len(check.Rows)
	if n == 0 {
		fmt.Fprintf(e.stdout, "统计计数器与 %s 件案件的重新计数一致 (the counters agree with a recount of %s cases)\n",
			thousands(int(check.Cases)), thousands(int(check.Cases)))
		return nil
	}
	more := ""
	if check.More {
		more = "，另有更多未列出 (and more not listed)"
	}
	return fmt.Errorf("统计计数器有 %d 处与重新计数不符%s；可运行 pingan stats rebuild 重建 (%d differences from a recount; pingan stats rebuild rebuilds them)", n, more, n)
}

// statsRebuild rebuilds the counters from the cases.
func (e *cmdEnv) statsRebuild(args []string) error {
	var f dbFlags
	fs := flag.NewFlagSet("stats rebuild", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := newProgress(e.stderr, "重建 (rebuilding)", "cases")
	n, err := db.Stats.RebuildTallies(e.ctx, func(done, total int64) { bar.update(int(done), int(total)) })
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已由 %s 件案件重建统计计数器 (the counters were rebuilt from %s cases)\n", thousands(int(n)), thousands(int(n)))
	return nil
}
