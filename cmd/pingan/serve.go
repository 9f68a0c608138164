package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/monthly"
	"github.com/pingan-gov/pingan/open311"
	"github.com/pingan-gov/pingan/paper"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/web"
)

type serveFlags struct {
	dbFlags
	addr string
	tick time.Duration
	// secureCookies: "on", "off" or "auto" (on unless addr is loopback).
	secureCookies string
	notify        notifyFlags // the notices that leave pingan (notify.go)
	font          string      // the TrueType font of printed orders (web/print.go)

	// MQTT and the readings' retention (apikey.go).
	monitor monitorFlags

	edge edgeFlags // rate limits, trusted proxies, TLS (edge.go)
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.dbFlags.register(fs)
	f.notify.register(fs)
	f.monitor.register(fs)
	f.edge.register(fs)
	fs.StringVar(&f.font, "font", envOr("PINGAN_FONT", ""), "打印交办单、督办单所用的中文 TrueType 字体文件（默认 fonts-droid-fallback 的字体）(TrueType font with Chinese glyphs for printed orders; default: that of fonts-droid-fallback) [PINGAN_FONT]")
	fs.StringVar(&f.addr, "addr", envOr("PINGAN_ADDR", "127.0.0.1:8080"), "监听地址 (listen address) [PINGAN_ADDR]")
	tick, _ := time.ParseDuration(envOr("PINGAN_TICK", "1m"))
	fs.DurationVar(&f.tick, "tick", tick, "期限检查间隔 (how often deadlines are checked) [PINGAN_TICK]")
	fs.StringVar(&f.secureCookies, "secure-cookies", envOr("PINGAN_SECURE_COOKIES", "auto"),
		"Cookie 仅经 HTTPS 发送：on、off 或 auto（监听地址不是本机时为 on，适用于前置 TLS 代理）(mark cookies Secure: on, off, or auto — on unless the address is loopback) [PINGAN_SECURE_COOKIES]")
}

// secure reports whether cookies are to be marked Secure: always when
// asked, never when refused, and by default whenever the server listens
// beyond loopback, where a TLS-terminating proxy is expected in front.
func (f *serveFlags) secure() (bool, error) {
	switch strings.ToLower(strings.TrimSpace(f.secureCookies)) {
	case "on", "true", "1":
		return true, nil
	case "off", "false", "0":
		return false, nil
	case "auto", "":
		host, _, err := net.SplitHostPort(f.addr)
		if err != nil {
			return true, nil
		}
		if host == "localhost" {
			return false, nil
		}
		ip := net.ParseIP(host)
		return ip == nil || !ip.IsLoopback(), nil
	}
	return false, fmt.Errorf("--secure-cookies 应为 on、off 或 auto (want on, off or auto): %q", f.secureCookies)
}

func (e *cmdEnv) serve(args []string) error {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	warnMixedAdmins(e.ctx, db, e.stderr) // 三权分立 (admin_duties.go)
	return e.listenAndServe(db, f, pingan.SystemClock)
}

// listenAndServe serves the API and runs the background work until the
// context ends (SIGINT, SIGTERM), then shuts down gracefully.
func (e *cmdEnv) listenAndServe(db *store.DB, f serveFlags, clock pingan.Clock) error {
	logger := slog.Default()
	secure, err := f.secure()
	if err != nil {
		return err
	}
	if err := f.edge.prepare(); err != nil {
		return err
	}
	// Served over TLS here: every cookie Secure.
	secure = secure || f.edge.tls()
	f.monitor.brokerOf() // the subscription's state, shared with the pages
	apiServer := api.New(apiConfig(db, f, clock, logger))
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", apiServer.Handler())
	mux.Handle(api.DocsPath, apiServer.DocsHandler())                                      // the API's docs page, offline (api/apidocs.go)
	mux.Handle(api.DocsPath+"/", apiServer.DocsHandler())                                  // its script and style
	mux.Handle(open311.Prefix, open311.New(open311Config(db, f, clock, logger)).Handler()) // Open311 GeoReport v2 (docs/open311.md)
	// The pages people work in: 工作台, case pages, report forms, the
	// grid worker's phone page, 驾驶舱, administration and the citizens'
	// public pages.
	webServer := web.New(webConfig(db, f, clock, logger, secure, apiServer.ForgetSession))
	if _, err := paper.New(f.font); err != nil { // the pages still serve; printing answers this error
		logger.Warn(pingan.Text(pingan.ZH, "print.unavailable"), "err", err)
	}
	mux.Handle("/", webServer.Handler())

	stopNotify, err := f.notify.start(e.ctx, db, clock, f.tick, logger) // the bell's sign deadlines and the outbox
	if err != nil {
		return err
	}
	defer stopNotify()
	stopMonitor, err := f.monitor.start(e.ctx, db, clock, logger) // 监测: MQTT, no data, retention
	if err != nil {
		return err
	}
	defer stopMonitor()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("无法监听 (cannot listen on) %s: %w", f.addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	watch := &jobs.Deadlines{Escalator: db.Cases, Clock: clock, Interval: f.tick, Logger: logger}
	notice := &jobs.HolidayNotice{Calendar: db.Calendar, Clock: clock, Logger: logger}
	done := make(chan struct{})
	go func() { watch.Run(ctx); close(done) }()
	go notice.Run(ctx)
	go (&jobs.Tasks{Watch: db.Tasks, Clock: clock, Interval: f.tick, Logger: logger}).Run(ctx) // 督办事项: missed milestones
	go (&jobs.Warnings{Engine: db.Warnings, Clock: clock, Logger: logger}).Run(ctx)            // 预警: the engine and the overdue marks
	// 风险台账: the missed reviews.
	go (&jobs.RiskReviews{Watch: db.Risks, Clock: clock, Interval: f.tick, Logger: logger}).Run(ctx)
	go (&jobs.SiteInspections{Watch: db.Sites, Interval: f.tick, Logger: logger}).Run(ctx) // 重点场所: missed inspections
	go (&jobs.Webhooks{Outbox: db.Webhooks, Clock: clock, Logger: logger}).Run(ctx)        // 事件推送: the webhooks' outbox
	go (&jobs.Retention{Purger: db.Security, Logger: logger}).Run(ctx)                     // 个人信息保存期限: daily, in batches
	// 审计链: chains the audit rows within seconds, anchors the head daily,
	// and chains once more at shutdown before the server returns.
	chained := make(chan struct{})
	go func() { (&jobs.AuditChain{Trail: db.Audit, Logger: logger}).Run(ctx); close(chained) }()
	defer func() { <-chained }()
	go (&jobs.MonthlyReports{Services: monthly.Services{Stats: db.Stats, Cases: db.Cases, Units: db.Units, Schemes: db.Schemes,
		Assess: db.Assess, Categories: db.Categories}, Reports: db.Monthly, Calendar: db.Calendar, Font: f.font, Clock: clock, Logger: logger}).Run(ctx)

	errc := make(chan error, 1)
	if f.edge.tls() {
		fmt.Fprintf(e.stdout, "pingan listening on https://%s\n", ln.Addr())
		go func() { errc <- srv.ServeTLS(ln, f.edge.tlsCert, f.edge.tlsKey) }()
	} else {
		fmt.Fprintf(e.stdout, "pingan listening on http://%s\n", ln.Addr())
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		cancel()
		<-done
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	err = srv.Shutdown(shutdownCtx)
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// open311Config wires the store into the Open311 interface.
func open311Config(db *store.DB, f serveFlags, clock pingan.Clock, logger *slog.Logger) open311.Config {
	return open311.Config{Open311: db.Open311, Keys: db.APIKeys, Clock: clock, Log: logger,
		Limits: f.edge.shared(), Proxies: f.edge.trusted}
}

// apiConfig wires every service of the store into the API
// (TestServeWiresEveryService checks that none is left out).
func apiConfig(db *store.DB, f serveFlags, clock pingan.Clock, logger *slog.Logger) api.Config {
	return api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Grids: db.Grids,
		Calendar: db.Calendar, Holidays: db.Calendar, Campaigns: db.Campaigns,
		Mediation: db.Mediation, Settings: db.Settings, Clock: clock, Logger: logger,
		Petitions:  db.Petitions,
		Receptions: db.Receptions,
		Schemes:    db.Schemes, Assess: db.Assess,
		Monthly: db.Monthly, Font: f.font,
		Tasks:    db.Tasks,
		Warnings: db.Warnings, // 预警
		Risks:    db.Risks, Stability: db.Stability,
		Briefings: db.Briefings, // 周研判
		Patrols:   db.Patrols,   // 网格巡查
		Sites:     db.Sites,     // 重点场所, 检查
		// 监测数据, 接口密钥
		Monitor: db.Monitor, Keys: db.APIKeys,
		// 双因素认证 (api/totp.go)
		TOTP: db.Users,
		// 审计日志 (api/audit.go)
		AuditTrail: db.Audit,

		Security: db.Security,                              // 安全策略 (/security/policy)
		Limits:   f.edge.shared(), Proxies: f.edge.trusted, // 限流 (edge.go)
	}
}

// webConfig wires every service of the store into the pages; sessionEnded
// is the API's, so that signing out of the pages ends the API session too.
func webConfig(db *store.DB, f serveFlags, clock pingan.Clock, logger *slog.Logger, secure bool, sessionEnded func(string)) web.Config {
	return web.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Public: db.Public, Grids: db.Grids, Holidays: db.Calendar, Notifications: db.Notifications, Campaigns: db.Campaigns, Mediation: db.Mediation,
		Settings:     db.Settings, // the map under the grids (底图)
		Petitions:    db.Petitions,
		Receptions:   db.Receptions,
		Monthly:      db.Monthly,
		Tasks:        db.Tasks,   // 督办事项
		Schemes:      db.Schemes, // 考核, 排名晾晒
		Assess:       db.Assess,
		SessionEnded: sessionEnded,
		// The forms' anti-forgery key is derived from the data key, so
		// every server sharing the database accepts the others' forms.
		Secret: db.DerivedKey("web forms"), SecureCookies: secure,
		Calendar: db.Calendar, Clock: clock, Logger: logger, DataDir: f.data, Font: f.font,
		Risks: db.Risks, Stability: db.Stability, // 风险台账, 稳评
		Warnings:  db.Warnings,  // 预警
		Briefings: db.Briefings, // 周研判, the dashboard's 风险预警
		Patrols:   db.Patrols,   // 网格巡查: the phone pages, the points, the dashboard's coverage
		Sites:     db.Sites,     // 重点场所: the register, inspections, the dashboard's section
		// 监测: the site page's panel, the sensors, the subscription's state
		Monitor: db.Monitor, Broker: f.monitor.brokerOf(), Keys: db.APIKeys,
		Webhooks: db.Webhooks, // 事件推送 (/admin/webhooks)
		Security: db.Security, // 安全策略, one's own password (/admin/security, /account/password)

		// 审计日志 (/audit)
		AuditTrail: db.Audit,

		// 双因素认证 (/login/totp, /account/totp, /admin/totp)
		TOTP: db.Users,

		// 导入事件 (/admin/import-cases)
		CaseImports: db.CaseImports,
		Limits:      f.edge.shared(), Proxies: f.edge.trusted, // 限流 (edge.go)
	}
}
