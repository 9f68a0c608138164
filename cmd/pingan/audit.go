package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// errChainBroken is verify's answer when the chain does not hold: the
// command exits non-zero.
var errChainBroken = errors.New("审计链已被破坏 (the audit chain is broken)")

// anchorFlags collects --anchor SEQ:HASH, given any number of times.
type anchorFlags []pingan.AuditAnchor

func (a *anchorFlags) String() string { return "" }

func (a *anchorFlags) Set(s string) error {
	seq, hash, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || len(hash) != 64 {
		return fmt.Errorf("--anchor 须为 SEQ:HASH，如日志中的 audit anchor (must be SEQ:HASH, as the log's audit anchor writes it): %q", s)
	}
	*a = append(*a, pingan.AuditAnchor{Seq: n, Hash: strings.ToLower(hash)})
	return nil
}

// auditCmd runs `pingan audit verify [--anchor SEQ:HASH]…`, which walks
// the audit chain and names its first broken row, and `pingan audit prune
// --before YYYY-MM-DD [--retention-months N]`, which deletes the rows
// logged before the day, never within the retention (at least six months).
func (e *cmdEnv) auditCmd(args []string) error {
	const usage = "用法 (usage): pingan audit verify [--anchor SEQ:HASH]… | pingan audit prune --before YYYY-MM-DD [--retention-months 6] [--db …]"
	if len(args) == 0 {
		return errors.New(usage)
	}
	var f dbFlags
	fs := flag.NewFlagSet("audit "+args[0], flag.ContinueOnError)
	f.register(fs)
	switch args[0] {
	case "verify":
		var anchors anchorFlags
		fs.Var(&anchors, "anchor", "an anchor from the log (SEQ:HASH) to check the chain against; may be repeated")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return e.auditVerify(&f, anchors)
	case "prune":
		before := fs.String("before", "", "delete the rows logged before this day (YYYY-MM-DD)")
		months := fs.Int("retention-months", envInt("PINGAN_AUDIT_RETENTION_MONTHS", pingan.AuditRetentionMonths),
			"the retention of audit rows in months, at least 6 (PINGAN_AUDIT_RETENTION_MONTHS)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *before == "" {
			return errors.New("--before 必填 (required): " + usage)
		}
		db, err := f.open(e.ctx, pingan.SystemClock, true)
		if err != nil {
			return err
		}
		defer db.Close()
		n, err := db.Audit.Prune(e.ctx, *before, *months)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已清理 %d 条审计记录 (%d audit rows pruned)\n", n, n)
		return nil
	}
	return errors.New(usage)
}

// auditVerify walks the chain with progress on stderr.
func (e *cmdEnv) auditVerify(f *dbFlags, anchors anchorFlags) error {
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Audit.Verify(e.ctx, anchors, func(checked, head int64) {
		fmt.Fprintf(e.stderr, "\r已核验 %d / %d (verified)", checked, head)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stderr)
	fmt.Fprintf(e.stdout, "链 (chain): seq %d–%d, 已核验 %d 条 (rows verified), 锚点 %d 个 (anchors checked), 待入链 %d 条 (rows not yet chained)\n",
		v.StartSeq+1, v.HeadSeq, v.Checked, v.Anchors, v.Unchained)
	if v.Break != nil {
		fmt.Fprintf(e.stdout, "断裂于 seq %d (broken at seq %d): %s — %s\n", v.Break.Seq, v.Break.Seq, v.Break.Kind, v.Break.Why)
		return errChainBroken
	}
	fmt.Fprintln(e.stdout, "完好 (OK)")
	return nil
}

// envInt answers the environment variable name as a number, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(envOr(name, "")); err == nil {
		return n
	}
	return def
}
