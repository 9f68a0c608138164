package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestAuditCommand: verify passes on an intact chain and names the row
// edited behind pingan's back, exiting non-zero; prune refuses a day
// within the retention, naming the flag.
func TestAuditCommand(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	data := storetest.DataDir(t)
	units := filepath.Join(data, "units.csv")
	os.WriteFile(units, []byte("code,name,level,parent_code\n620900,酒泉市,city,\n620902,肃州区,county,620900\n"), 0o600)
	if out, err := runCmd(t, "import", "units", units, "--data", data); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := runCmd(t, "apikey", "add", "--name", "监测平台", "--unit", "620902", "--data", data); err != nil { // an audited change
		t.Fatalf("%v\n%s", err, out)
	}
	audit := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		e := &cmdEnv{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
		err := e.auditCmd(append(args, "--data", data))
		return stdout.String(), err
	}
	withDB := func(fn func(ctx context.Context, db *sql.Tx) error) {
		db, err := (&dbFlags{data: data}).open(context.Background(), pingan.SystemClock, false)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Audit.Chain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if fn != nil {
			if err := db.BulkExec(context.Background(), func(tx *sql.Tx) error { return fn(context.Background(), tx) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Two rows: the import of the units and the key.
	out, err := audit("verify")
	if err != nil || !strings.Contains(out, "完好 (OK)") || !strings.Contains(out, "待入链 2 条") {
		t.Fatalf("verify before chaining: %v\n%s", err, out)
	}
	withDB(nil)
	if out, err := audit("verify"); err != nil || !strings.Contains(out, "完好 (OK)") || !strings.Contains(out, "已核验 2 条") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	withDB(func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE audit SET user_name = 'someone else' WHERE seq = 1`)
		return err
	})
	if out, err := audit("verify"); !errors.Is(err, errChainBroken) || !strings.Contains(out, "seq 1") || !strings.Contains(out, "edited") {
		t.Fatalf("verify an edited row: %v\n%s", err, out)
	}
	if _, err := audit("verify", "--anchor", "1:xyz"); err == nil || !strings.Contains(err.Error(), "--anchor") {
		t.Fatalf("a bad anchor: %v", err)
	}
	_, err = audit("prune", "--before", time.Now().Format(pingan.DayLayout))
	if pingan.ErrorCode(err) != pingan.EINVALID || !strings.Contains(err.Error(), "before") {
		t.Fatalf("prune within the retention: %v", err)
	}
	if _, err := audit("prune"); err == nil || !strings.Contains(err.Error(), "--before") {
		t.Fatalf("prune without a day: %v", err)
	}
}
