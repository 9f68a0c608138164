package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/demo"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
)

// demoPasswords are the argon2id costs of the demo accounts' hashes. Every
// demo account has the same published password, so a costly hash would
// guard nothing, and the city has hundreds of accounts: at the full cost
// (about 35 ms each) they alone would take many seconds. Accounts made
// later, through the server, get the full cost.
var demoPasswords = secret.Params{Memory: 1024, Time: 1, Threads: 1}

// demo seeds the demo city, prints its accounts, and serves it.
func (e *cmdEnv) demo(args []string) error {
	var (
		f       serveFlags
		noServe bool
		seed    uint64
		days    int
		cases   int
		city    string
		now     string
		bulk    int
	)
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	f.register(fs)
	fs.BoolVar(&noServe, "no-serve", false, "只生成数据，不启动服务 (seed only, do not serve)")
	fs.StringVar(&city, "city", demo.DefaultCity, "演示城市：620900 酒泉、150800 巴彦淖尔、140500 晋城、420600 襄阳、500114 重庆市黔江区 (the reference city to build)")
	fs.Uint64Var(&seed, "seed", 2026, "随机种子：同一种子、同一截止日期生成同一座城市 (the same seed and --now build the same city)")
	fs.IntVar(&days, "days", 365, "历史天数 (days of history)")
	fs.IntVar(&cases, "cases", 0, "案件数（约），默认随城市规模而定 (about how many cases; by default it grows with the city)")
	fs.StringVar(&now, "now", "", "历史止于该日零时，如 2026-11-23（默认今天），也可给时刻 2026-11-20T15:00 (the history ends as the day begins, e.g. 2026-11-23, today by default; or at a time, 2026-11-20T15:00)")
	fs.IntVar(&bulk, "bulk", 0, "城市生成后再批量写入的案件数，如 10000000：每百万件约一年，含完整流转记录与统计计数 (cases to add in bulk after the city is built, with their timelines and counters; a year for each million)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	end, err := demoNow(now, time.Now())
	if err != nil {
		return err
	}
	f.passwords = demoPasswords
	clock := demo.NewClock()
	db, err := f.open(e.ctx, clock, true)
	if err != nil {
		return err
	}
	began := time.Now()
	// The history's deadline passes would log hundreds of lines; keep the
	// seeding quiet but for warnings.
	level := slog.SetLogLoggerLevel(slog.LevelWarn)
	c, err := demo.Seed(e.ctx, demoServices(db), clock, demo.Options{City: city, Seed: seed, Days: days, Cases: cases, Now: end})
	slog.SetLogLoggerLevel(level)
	if err != nil {
		db.Close()
		return err
	}
	took := time.Since(began).Seconds()
	if c.Existing {
		fmt.Fprintf(e.stderr, "演示城市 %s（%s）已存在，沿用现有数据 (the demo city exists; using it)\n", c.Name, c.Code)
		if c.Code != city {
			fmt.Fprintf(e.stderr, "要生成 %s，请换一个新的 --data 目录 (to build %s, use a new --data directory)\n", city, city)
		}
	} else {
		printDemoCity(e, c, took)
	}
	if bulk > 0 {
		// Into an existing city too, with the --seed it was built with:
		// the grids are laid out again from it.
		err = demoBulk(e, db, c.Code, seed, bulk, end, !c.Existing)
	}
	db.Close()
	if err != nil {
		return err
	}
	printDemoAccounts(e, c)
	if noServe {
		return nil
	}
	f.passwords = secret.Params{}
	if db, err = f.open(e.ctx, clock, false); err != nil {
		return err
	}
	defer db.Close()
	// The enterprises' monitoring system keeps reporting while the demo
	// serves; its first round goes in before the no-data watch starts.
	feed, err := demo.Feed(e.ctx, demoServices(db), clock.Now, time.Minute)
	if err != nil {
		return err
	}
	go func() {
		if err := feed(); err != nil {
			slog.Warn("demo readings stopped", "err", err)
		}
	}()
	if err := demoOpen311Key(e, db, c.Code, f.addr); err != nil {
		return err
	}
	if err := demoSignIn(e, db); err != nil {
		return err
	}
	return e.listenAndServe(db, f, clock)
}

// demoSignIn lets the demo's accounts sign in with their password alone,
// so that anyone may try every role without an authenticator app; a real
// deployment keeps the default (administrators and leaders enrol). Their
// passwords do not expire either: the accounts were made when the city's
// year of history began, so under the default policy (90 days) every one
// of them had to change its password at its first sign-in, and a load
// (pingan bench) was refused.
func demoSignIn(e *cmdEnv, db *store.DB) error {
	if err := db.Users.SetTOTPPolicy(e.ctx, nil, &pingan.TOTPPolicy{}); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "演示中不强制双因素认证；安全管理员可在 /admin/totp 设置需要它的角色 (two-factor sign-in is not required in the demo; the security administrator sets the roles that need it at /admin/totp)")
	p, err := db.Security.SecurityPolicy(e.ctx)
	if err != nil {
		return err
	}
	if p.ExpiryDays != 0 {
		p.ExpiryDays = 0
		if err := db.Security.SetSecurityPolicy(e.ctx, nil, p); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, "演示中密码不过期；安全管理员可在 /admin/security 设置有效天数 (passwords do not expire in the demo; the security administrator sets their lifetime at /admin/security)")
	return nil
}

// demoKeyName names the demo's Open311 client.
const demoKeyName = "演示 Open311 客户端"

// demoOpen311Key makes the key of an Open311 client of the city (role
// reporter) and prints it with a first request to try: afresh at each
// start, since a key is kept as a hash only — the last start's is revoked.
func demoOpen311Key(e *cmdEnv, db *store.DB, city, addr string) error {
	keys, err := db.APIKeys.List(e.ctx, nil)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if strings.HasPrefix(k.Name, demoKeyName) && k.RevokedAt == nil {
			if err := db.APIKeys.Revoke(e.ctx, nil, k.Name); err != nil {
				return err
			}
		}
	}
	var salt [3]byte
	rand.Read(salt[:])
	name := fmt.Sprintf("%s %s-%x", demoKeyName, time.Now().In(pingan.CST).Format("0102"), salt)
	_, key, err := db.APIKeys.Add(e.ctx, nil, name, city, []pingan.Role{pingan.RoleReporter})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Open311 接入密钥「%s」(an Open311 client's key, role reporter; docs/open311.md):\n  %s\n", name, key)
	fmt.Fprintf(e.stdout, "  试一试 (try): curl http://%s/open311/v2/services.json\n", addr)
	return nil
}

// demoBulk adds n cases to the demo city in bulk (demo.Bulk), showing
// the cases written a second.
//
// The load drops the secondary indexes of cases and timelines and makes
// them again at its end when it at least doubles the cases; into a
// database made by this run (fresh), SQLite writes without journal and
// sync meanwhile, as said on stderr.
func demoBulk(e *cmdEnv, db *store.DB, city string, seed uint64, n int, end time.Time, fresh bool) error {
	began := time.Now()
	var have int
	err := db.BulkExec(e.ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(e.ctx, `SELECT count(*) FROM cases`).Scan(&have)
	})
	if err != nil {
		return err
	}
	var o store.BulkLoadOptions
	if n >= have {
		o.DropIndexes = []string{"cases", "actions"}
	}
	if fresh && db.Dialect() == store.SQLite {
		o.Unjournaled = true
		fmt.Fprintln(e.stderr, "新建的数据库：批量写入期间不写回滚日志、不同步磁盘，中途失败请删除后重来 (a new database: written without journal and sync during the load; if it fails, delete it and start again)")
	}
	load, err := db.BeginBulkLoad(e.ctx, o)
	if err != nil {
		return err
	}
	bar := newProgress(e.stderr, "批量写入案件 (writing cases)", "cases")
	begin := func(ctx context.Context) (demo.BulkTx, error) { return load.Begin(ctx) }
	res, err := demo.Bulk(e.ctx, demoServices(db), begin, demo.BulkOptions{City: city, Seed: seed, Cases: n, Now: end,
		Progress: bar.update, End: load.End})
	bar.finish()
	if err != nil {
		return err
	}
	took := time.Since(began).Seconds()
	var parts []string
	for _, s := range pingan.Statuses {
		parts = append(parts, fmt.Sprintf("%s %d", s.Label(), res.ByStatus[s]))
	}
	fmt.Fprintf(e.stderr, "已批量写入案件 %d 件、流转记录 %d 条，%s 至 %s 上报，用时 %.1f 秒（每秒 %.0f 件）：%s (cases and timeline entries written in bulk)\n",
		res.Cases, res.Actions, res.From.Format("2006-01-02"), res.To.Format("2006-01-02"), took, float64(res.Cases)/took, strings.Join(parts, "、"))
	// The load's batches leave a heap of garbage (1.9 GB of RSS once
	// 300,000 cases were written) that the collector would hand back to
	// the system over the next minute; a server that follows starts
	// without it.
	debug.FreeOSMemory()
	return nil
}

// demoNow answers the end of the demo's history: the midnight that starts
// the day given (2026-11-23), or the time given (2026-11-23T15:04,
// RFC 3339), or the midnight that starts today; never later than now.
func demoNow(s string, now time.Time) (time.Time, error) {
	now = now.In(pingan.CST)
	if s == "" {
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, pingan.CST), nil
	}
	var t time.Time
	err := fmt.Errorf("--now %q: 应为日期 2026-11-23 或时间 2026-11-23T15:04 (a date or a time)", s)
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02 15:04", time.RFC3339} {
		if p, perr := time.ParseInLocation(layout, s, pingan.CST); perr == nil {
			t, err = p, nil
			break
		}
	}
	if err != nil {
		return time.Time{}, err
	}
	if t.After(now) {
		return time.Time{}, fmt.Errorf("--now %s 晚于现在，历史不能写到将来 (--now is later than now)", s)
	}
	return t, nil
}

func printDemoCity(e *cmdEnv, c *demo.City, took float64) {
	fmt.Fprintf(e.stderr, "演示城市 %s（%s）已生成，用时 %.1f 秒 (demo city built in %.1fs)\n", c.Name, c.Code, took, took)
	total := 0
	for _, n := range c.Grids {
		total += n
	}
	fmt.Fprintf(e.stderr, "  单位 %d 个，网格 %d 个（社区 %d、农村 %d、专属 %d），账号 %d 个 (units, grids: community, village, dedicated; accounts)\n",
		c.Units, total, c.Grids[pingan.GridCommunity], c.Grids[pingan.GridVillage], c.Grids[pingan.GridDedicated], c.Users)
	var parts []string
	n := 0
	for _, s := range pingan.Statuses {
		parts = append(parts, fmt.Sprintf("%s %d", s.Label(), c.Cases[s]))
		n += c.Cases[s]
	}
	fmt.Fprintf(e.stderr, "  案件 %d 件，%s 至 %s 上报：%s (cases by status)\n", n,
		c.From.Format("2006-01-02"), c.To.Format("2006-01-02 15:04"), strings.Join(parts, "、"))
}

func printDemoAccounts(e *cmdEnv, c *demo.City) {
	fmt.Fprintf(e.stdout, "演示账号 (demo accounts) — 密码均为 (password for all): %s\n", demo.Password)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名 username\t角色 roles\t单位 unit\t姓名 name")
	for _, a := range c.Accounts {
		roles := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Username, strings.Join(roles, ","), a.Unit, a.Name)
	}
	tw.Flush()
	eg := func(prefix string) string {
		if ex := c.Examples[prefix]; ex != "" {
			return "（如 " + ex + "）"
		}
		return ""
	}
	fmt.Fprintf(e.stdout, "另有：其他综治中心的受理派遣员 d_<中心代码>%s；各部门和乡镇（街道）的处置人员 h_<单位代码>%s；其他县区的领导 l_<县区代码>%s；"+
		"每个村（社区）第1网格的网格员 g_<网格编码>%s。其余网格员不建账号，以免演示城市生成过慢。\n", eg("d_"), eg("h_"), eg("l_"), eg("g_"))
	fmt.Fprintln(e.stdout, "(Also a dispatcher d_<centre> for every other centre, a handler h_<unit> for every department and township, "+
		"a leader l_<county> for every other county, and the grid worker g_<grid> of the first grid of every village and community; "+
		"other grid workers have no accounts, which would only slow the demo down.)")
	if len(c.Crews) == 0 {
		return
	}
	fmt.Fprintln(e.stdout, "网格员样本：以下网格的网格长、网格员、网格辅助员均有账号 (sample grid crews with accounts)")
	tw = tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "网格 grid\t名称 name\t网格长 leader\t网格员 member\t网格辅助员 assistant")
	for _, g := range c.Crews {
		row := []string{g.Grid, g.Name, "", "", ""}
		for i, w := range g.Workers {
			if i < 3 {
				row[2+i] = w.Username
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

// demoServices are the store's services, for the demo to write through.
func demoServices(db *store.DB) demo.Services {
	return demo.Services{Units: db.Units, Users: db.Users, Categories: db.Categories, Grids: db.Grids,
		Cases: db.Cases, Stats: db.Stats, Escalator: db.Cases, Campaigns: db.Campaigns, Petitions: db.Petitions, Receptions: db.Receptions,
		Schemes: db.Schemes, Assess: db.Assess, Tasks: db.Tasks, Risks: db.Risks, Stability: db.Stability, Warnings: db.Warnings,
		Briefings: db.Briefings, Patrols: db.Patrols, Sites: db.Sites, Monitor: db.Monitor, Retention: db.Security}
}
