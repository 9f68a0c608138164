package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/loadgen"
	"github.com/pingan-gov/pingan/mqtt"
	"github.com/pingan-gov/pingan/store"
)

// API keys of machine clients (pingan apikey), the MQTT subscription and
// the monitoring watch of pingan serve, and pingan bench readings
// (docs/monitoring.md).

const apikeyUsage = `用法 (usage):
  pingan apikey add --name N --unit CODE [--roles monitor|reporter[,ROLE]]   # 打印密钥，仅此一次 (prints the key, once)
      # monitor: 监测系统上报数据 (readings); reporter: Open311、12345 转办上报事件 (reports); 或账号的角色，管理员除外 (or an account's role but admin)
  pingan apikey list
  pingan apikey revoke --name N`

func (e *cmdEnv) apikeyCmd(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", apikeyUsage)
	}
	verb, rest := args[0], args[1:]
	var f dbFlags
	var name, unit, roles string
	fs := flag.NewFlagSet("apikey "+verb, flag.ContinueOnError)
	f.register(fs)
	switch verb {
	case "add":
		fs.StringVar(&name, "name", "", "密钥名称，如接入的系统名 (the key's name, such as the client system's)")
		fs.StringVar(&unit, "unit", "", "密钥代表的单位编码，只能访问其辖区 (the unit the key acts as; it sees that subtree)")
		fs.StringVar(&roles, "roles", "monitor", "角色，默认 monitor（监测接入，只能上报监测数据）(roles; monitor: send readings only)")
	case "revoke":
		fs.StringVar(&name, "name", "", "密钥名称 (the key's name)")
	case "list":
	default:
		return fmt.Errorf("未知的 apikey 子命令 (unknown subcommand) %q\n%s", verb, apikeyUsage)
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if verb != "list" && name == "" {
		return fmt.Errorf("--name 必填 (required)\n%s", apikeyUsage)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	switch verb {
	case "add":
		rs, err := pingan.ParseKeyRoles(roles)
		if err != nil {
			return err
		}
		k, key, err := db.APIKeys.Add(e.ctx, nil, name, unit, rs)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, key)
		fmt.Fprintf(e.stderr, "已新增接口密钥 %s（单位 %s），密钥只显示这一次，请妥善保存 (key %s added for unit %s; it is shown this once)\n",
			k.Name, k.UnitCode, k.Name, k.UnitCode)
	case "list":
		ks, err := db.APIKeys.List(e.ctx, nil)
		if err != nil {
			return err
		}
		for _, k := range ks {
			state, used := "有效 active", "-"
			if k.RevokedAt != nil {
				state = "已吊销 revoked " + k.RevokedAt.In(pingan.CST).Format("2006-01-02 15:04")
			}
			if k.LastUsed != nil {
				used = k.LastUsed.In(pingan.CST).Format("2006-01-02 15:04")
			}
			var rs []string
			for _, r := range k.Roles {
				rs = append(rs, string(r))
			}
			fmt.Fprintf(e.stdout, "%s\t%s…\t%s\t%s\t%s\t%s\n", k.Name, k.Prefix, k.UnitCode, strings.Join(rs, ","), used, state)
		}
	case "revoke":
		if err := db.APIKeys.Revoke(e.ctx, nil, name); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已吊销接口密钥 %s (key revoked)\n", name)
	}
	return nil
}

// monitorFlags are pingan serve's monitoring options.
type monitorFlags struct {
	broker, topic, clientID string
	retention               time.Duration
	state                   *brokerState // the subscription's, for the pages
}

func (f *monitorFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.broker, "mqtt", envOr("PINGAN_MQTT", ""), "订阅监测数据的 MQTT 服务器，如 tcp://127.0.0.1:1883；用户名、密码取自 PINGAN_MQTT_USERNAME、PINGAN_MQTT_PASSWORD (the MQTT broker readings come from; credentials from the environment) [PINGAN_MQTT]")
	fs.StringVar(&f.topic, "mqtt-topic", envOr("PINGAN_MQTT_TOPIC", "pingan/readings/#"), "订阅的主题 (the topic filter) [PINGAN_MQTT_TOPIC]")
	fs.StringVar(&f.clientID, "mqtt-client-id", envOr("PINGAN_MQTT_CLIENT_ID", mqtt.DefaultClientID()), "MQTT 客户端标识，重启后不变，服务器据此保留会话和未确认的消息；多台服务器各用其一 (the client id: the same across restarts, so the broker keeps the session and the unacknowledged messages; one per server) [PINGAN_MQTT_CLIENT_ID]")
	keep, _ := time.ParseDuration(envOr("PINGAN_READINGS_RETENTION", "2160h"))
	fs.DurationVar(&f.retention, "readings-retention", keep, "监测原始数据保留时长，小时汇总不删除 (how long raw readings are kept; hourly rollups stay) [PINGAN_READINGS_RETENTION]")
}

// brokerState answers the MQTT subscription's state to the pages
// (web.Config.Broker): none when pingan serve subscribes to nothing.
type brokerState struct {
	sub atomic.Pointer[mqtt.Subscriber]
}

// BrokerState answers the subscription's state, false when there is none.
func (b *brokerState) BrokerState() (pingan.BrokerState, bool) {
	if b == nil {
		return pingan.BrokerState{}, false
	}
	s := b.sub.Load()
	if s == nil {
		return pingan.BrokerState{}, false
	}
	return s.State(), true
}

// brokerOf answers the flags' holder of the subscription's state.
func (f *monitorFlags) brokerOf() *brokerState {
	if f.state == nil {
		f.state = &brokerState{}
	}
	return f.state
}

// start runs the monitoring watch and, with --mqtt, the subscription,
// until ctx ends; stop stores the messages taken and disconnects from the
// broker (the subscription outlives ctx so that it can).
func (f *monitorFlags) start(ctx context.Context, db *store.DB, clock pingan.Clock, logger *slog.Logger) (stop func(), err error) {
	go (&jobs.Monitor{Watch: db.Monitor, Clock: clock, Retention: f.retention, Logger: logger}).Run(ctx) // 监测: no data, retention
	if f.broker == "" {
		return func() {}, nil
	}
	sub, err := mqtt.Start(ctx, mqtt.Config{Broker: f.broker, Topic: f.topic, ClientID: f.clientID, Username: envOr("PINGAN_MQTT_USERNAME", ""),
		Password: envOr("PINGAN_MQTT_PASSWORD", ""), Monitor: db.Monitor, Clock: clock, Logger: logger,
		Actor: &pingan.User{Username: "mqtt", Name: pingan.Text(pingan.ZH, "monitor.mqtt.actor"), Roles: []pingan.Role{pingan.RoleMonitor}, ScopePath: "/"}})
	if err != nil {
		return nil, err
	}
	f.brokerOf().sub.Store(sub)
	return func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sub.Close(c)
	}, nil
}

// benchReadings drives a running server's POST /api/v1/readings and
// prints readings per second and the latency of a batch.
func (e *cmdEnv) benchReadings(args []string) error {
	var cfg loadgen.ReadingsConfig
	var sensors string
	var keyStdin, asJSON bool
	fs := flag.NewFlagSet("bench readings", flag.ContinueOnError)
	fs.StringVar(&cfg.URL, "url", envOr("PINGAN_BENCH_URL", "http://127.0.0.1:8080"), "服务器地址 (the server's address)")
	fs.StringVar(&sensors, "sensors", "", "监测点编码，逗号分隔 (sensor codes, comma-separated)")
	fs.BoolVar(&keyStdin, "key-stdin", false, "从标准输入读取接口密钥，否则取 PINGAN_BENCH_KEY (the API key on stdin; PINGAN_BENCH_KEY otherwise)")
	fs.IntVar(&cfg.Clients, "clients", 4, "并发客户端数 (concurrent clients)")
	fs.IntVar(&cfg.Batch, "batch", 500, "每批条数，至多 1000 (readings per request, at most 1000)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "运行时长 (how long to run)")
	fs.IntVar(&cfg.Count, "count", 0, "总条数，先到者为准 (readings in all; whichever ends first)")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出结果 (print the result as JSON)")
	var start string
	fs.StringVar(&start, "start", "", "第一批读数的时间，默认 60 天前；再次运行时换一个，否则都是重复 (the first readings' time; 60 days ago by default — change it for another run, or all are duplicates)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if start != "" {
		t, err := parseTime(start)
		if err != nil {
			return fmt.Errorf("--start: %w", err)
		}
		cfg.Start = t
	}
	cfg.Key = envOr("PINGAN_BENCH_KEY", "")
	if keyStdin {
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		cfg.Key = strings.TrimSpace(line)
	}
	for _, s := range strings.Split(sensors, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Sensors = append(cfg.Sensors, s)
		}
	}
	if cfg.Key == "" || len(cfg.Sensors) == 0 {
		return fmt.Errorf("需要接口密钥（--key-stdin 或 PINGAN_BENCH_KEY）和 --sensors (an API key and --sensors are required)")
	}
	cfg.Progress = func(p loadgen.ReadingsProgress) {
		fmt.Fprintf(e.stderr, "已运行 %3.0f 秒，已写入 %d 条，当前 %.0f 条/秒 (elapsed %.0fs, %d readings, now %.0f/s)\n",
			p.Elapsed.Seconds(), p.Readings, p.Rate, p.Elapsed.Seconds(), p.Readings, p.Rate)
	}
	res, err := loadgen.RunReadings(e.ctx, cfg)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(e.stdout, "%d 个客户端，每批 %d 条，%d 个监测点 (%d clients, batches of %d, %d sensors)\n", res.Clients, res.Batch, res.Sensors,
		res.Clients, res.Batch, res.Sensors)
	fmt.Fprintf(e.stdout, "写入 %d 条，%d 批，%.1f 秒：%.0f 条/秒 (readings/s)；重复 %d，错误 %d\n", res.Readings, res.Batches, res.Seconds,
		res.PerSecond, res.Duplicates, res.Errors)
	fmt.Fprintf(e.stdout, "每批延迟 (latency per batch) p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n", res.P50, res.P95, res.P99, res.Max)
	if res.FirstError != "" {
		fmt.Fprintf(e.stdout, "首个错误 (first error): %s\n", res.FirstError)
	}
	return nil
}
