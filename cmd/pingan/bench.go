package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pingan-gov/pingan/demo"
	"github.com/pingan-gov/pingan/loadgen"
)

// benchUsers are the demo city's (酒泉) accounts the bench uses unless
// told otherwise: the showcase community's grid worker, the centre of its
// street (东北街街道综治中心) and the street's handler.
const (
	benchReporter   = "gridworker"
	benchDispatcher = "dongbei_centre"
	benchHandler    = "h_620902001"
)

// opNames are the operations' names in the table, Chinese first.
var opNames = map[string]string{
	loadgen.OpReport:   "上报 report",
	loadgen.OpAccept:   "受理 accept",
	loadgen.OpDispatch: "派遣 dispatch",
	loadgen.OpSign:     "签收 sign",
	loadgen.OpResolve:  "办结 resolve",
	loadgen.OpClose:    "结案 close",
	loadgen.OpDecide:   "受理信访事项 decide",
	"total":            "合计 total",
}

// bench drives a running server with reports (and walks some of them
// through the loop) and prints throughput and latencies per operation.
func (e *cmdEnv) bench(args []string) error {
	if len(args) > 0 && args[0] == "readings" { // 监测数据 (apikey.go)
		return e.benchReadings(args[1:])
	}
	var (
		cfg       loadgen.Config
		fromStdin bool
		asJSON    bool
	)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&cfg.URL, "url", envOr("PINGAN_BENCH_URL", "http://127.0.0.1:8080"), "服务器地址 (the server's address)")
	fs.StringVar(&cfg.Reporter.Username, "reporter", benchReporter, "上报的网格员账号 (the grid worker who reports)")
	fs.StringVar(&cfg.Dispatcher.Username, "dispatcher", benchDispatcher, "受理、派遣、结案的受理派遣员账号 (the dispatcher who accepts, dispatches and closes)")
	fs.StringVar(&cfg.Handler.Username, "handler", benchHandler, "签收、办结的处置人员账号 (the handler who signs and resolves)")
	fs.StringVar(&cfg.ToUnit, "to-unit", "", "派遣到的单位，默认处置人员所在单位 (the unit to dispatch to; the handler's by default)")
	fs.StringVar(&cfg.GridUnit, "grid-unit", "", "在该单位的网格内取位置，默认上报人所在单位 (draw positions in this unit's grids; the reporter's by default)")
	fs.BoolVar(&fromStdin, "password-stdin", false, "从标准输入读取密码：一行用于全部账号，或三行依次为上报人、受理派遣员、处置人员 (passwords on stdin: one line for all, or three: reporter, dispatcher, handler)")
	fs.IntVar(&cfg.Clients, "clients", 16, "并发客户端数，每个一个连接 (concurrent clients, one connection each)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "运行时长，0 为不限 (how long to run; 0: no limit)")
	fs.IntVar(&cfg.Count, "count", 0, "上报件数，先到者为准 (how many reports; whichever ends first)")
	fs.Float64Var(&cfg.Walk, "walk", 0.2, "走完受理→派遣→签收→办结→结案的上报比例 (the share of reports walked through accept → dispatch → sign → resolve → close)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "随机种子 (random seed)")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出结果 (print the result as JSON)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.Clients < 1 {
		return fmt.Errorf("--clients %d: 至少为 1 (at least 1)", cfg.Clients)
	}
	if err := e.benchPasswords(&cfg, fromStdin); err != nil {
		return err
	}
	cfg.Progress = func(p loadgen.Progress) {
		fmt.Fprintf(e.stderr, "已运行 %3.0f 秒，已上报 %d 件，当前 %.0f 件/秒 (elapsed %.0fs, %d reports, now %.0f/s)\n",
			p.Elapsed.Seconds(), p.Reports, p.Rate, p.Elapsed.Seconds(), p.Reports, p.Rate)
	}
	res, err := loadgen.Run(e.ctx, cfg)
	if res != nil {
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if jerr := enc.Encode(res); jerr != nil {
				return jerr
			}
		} else {
			printBench(e.stdout, res)
		}
	}
	return err
}

// benchPasswords fills in the accounts' passwords: from stdin when asked
// (one line for all three, or three lines), else PINGAN_BENCH_PASSWORD,
// else the demo's.
func (e *cmdEnv) benchPasswords(cfg *loadgen.Config, fromStdin bool) error {
	pw := []string{envOr("PINGAN_BENCH_PASSWORD", demo.Password)}
	if fromStdin {
		pw = nil
		sc := bufio.NewScanner(e.stdin)
		for len(pw) < 3 && sc.Scan() {
			pw = append(pw, strings.TrimRight(sc.Text(), "\r"))
		}
		if len(pw) == 0 || pw[0] == "" {
			return fmt.Errorf("标准输入没有密码 (no password on stdin)")
		}
	}
	at := func(i int) string {
		if i < len(pw) && pw[i] != "" {
			return pw[i]
		}
		return pw[0]
	}
	cfg.Reporter.Password, cfg.Dispatcher.Password, cfg.Handler.Password = at(0), at(1), at(2)
	return nil
}

// printBench writes the table of a run.
func printBench(w io.Writer, r *loadgen.Result) {
	fmt.Fprintf(w, "%d 个客户端，用时 %.1f 秒，上报 %d 件，走完流程 %d 件 (%d clients, %.1fs, %d reports, %d walked to closed)\n",
		r.Clients, r.Elapsed, r.Reports, r.Walked, r.Clients, r.Elapsed, r.Reports, r.Walked)
	table := [][]string{{"操作 operation", "成功 count", "错误 errors", "吞吐 per s", "p50 ms", "p95 ms", "p99 ms", "最大 max ms"}}
	row := func(s loadgen.OpStats) {
		f := func(x float64) string { return fmt.Sprintf("%.1f", x) }
		table = append(table, []string{opNames[s.Op], fmt.Sprint(s.Count), fmt.Sprint(s.Errors), f(s.PerSecond),
			f(s.P50), f(s.P95), f(s.P99), f(s.Max)})
	}
	for _, s := range r.Operations {
		row(s)
	}
	row(r.Total)
	writeTable(w, table) // aligned by display width, as user list
	for _, s := range r.Operations {
		if s.Errors == 0 {
			continue
		}
		statuses := make([]int, 0, len(s.ByStatus))
		for st := range s.ByStatus {
			statuses = append(statuses, st)
		}
		sort.Ints(statuses)
		parts := make([]string, len(statuses))
		for i, st := range statuses {
			name := fmt.Sprint(st)
			if st == 0 {
				name = "无应答 no answer"
			}
			parts[i] = fmt.Sprintf("%s ×%d", name, s.ByStatus[st])
		}
		fmt.Fprintf(w, "%s 错误 (errors): %s；最近一次 (last): %s\n", opNames[s.Op], strings.Join(parts, ", "), s.LastError)
	}
}
