package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pingan-gov/pingan/demo"
)

// demo seeds the demo city, prints its accounts, and serves it.
func (e *cmdEnv) demo(args []string) error {
	var (
		f       serveFlags
		noServe bool
		seed    uint64
		days    int
	)
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	f.register(fs)
	fs.BoolVar(&noServe, "no-serve", false, "只生成数据，不启动服务 (seed only, do not serve)")
	fs.Uint64Var(&seed, "seed", 2026, "随机种子，同一种子生成同一座城市 (the same seed builds the same city)")
	fs.IntVar(&days, "days", 120, "历史天数 (days of history)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The demo must run on any day of the year: the year after the holiday
	// data is counted on the provisional rule, and the server says so.
	f.provisional = true
	clock := demo.NewClock()
	db, err := f.open(e.ctx, clock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	began := time.Now()
	// The history's deadline passes would log hundreds of lines; keep the
	// seeding quiet but for warnings.
	level := slog.SetLogLoggerLevel(slog.LevelWarn)
	accounts, seeded, err := demo.Seed(e.ctx, db, clock, demo.Options{Seed: seed, Days: days})
	slog.SetLogLoggerLevel(level)
	if err != nil {
		return err
	}
	if seeded {
		fmt.Fprintf(e.stderr, "演示城市已生成，用时 %.1f 秒 (demo city built in %.1fs)\n", time.Since(began).Seconds(), time.Since(began).Seconds())
	} else {
		fmt.Fprintln(e.stderr, "演示城市已存在，沿用现有数据 (the demo city exists; using it)")
	}
	fmt.Fprintf(e.stdout, "演示账号 (demo accounts) — 密码均为 (password for all): %s\n", demo.Password)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名 username\t角色 roles\t单位 unit\t姓名 name")
	for _, a := range accounts {
		roles := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Username, strings.Join(roles, ","), a.Unit, a.Name)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "每个部门和乡镇另有处置人员 h_<单位代码>（如 h_620902_ZJ），每个村（社区）另有网格员 g_<代码> (a handler for every department and township, a grid worker for every village)")
	if noServe {
		return nil
	}
	return e.listenAndServe(db, f, clock)
}
