package main

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestRetentionCommand: pingan retention run --dry-run counts the closed
// cases past their retention by kind and changes nothing; run deletes
// their personal data and prints the same counts; a second run finds
// none; an open case is left alone.
func TestRetentionCommand(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	ctx := context.Background()
	data := storetest.DataDir(t)
	// Cases of 2020: one closed then, one still open.
	db, err := (&dbFlags{data: data}).open(ctx, storetest.NewClock(time.Date(2020, 1, 2, 10, 0, 0, 0, pingan.CST)), false)
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.Seed(t, db)
	var ids []string
	for range 2 {
		c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01", Title: "路灯坏了",
			Description: "小区门口路灯不亮", Address: "富康社区3号楼", Location: &pingan.Location{Lat: 39.74, Lng: 98.51},
			Reporter: &pingan.Person{Name: "赵小红", Phone: "13700001111"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if err := db.BulkExec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'closed', closed_at = reported_at WHERE id = $1`, ids[0])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	retention := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(ctx, append([]string{"retention"}, append(args, "--data", data)...), strings.NewReader(""), &stdout, &stderr)
		return stdout.String(), err
	}
	for range 2 {
		out, err := retention("run", "--dry-run")
		if err != nil || !strings.Contains(out, "dry run") || !strings.Contains(out, "(service): 1") || !strings.Contains(out, "合计 (total): 1") {
			t.Fatalf("dry run: %v\n%s", err, out)
		}
	}
	out, err := retention("run")
	if err != nil || strings.Contains(out, "dry run") || !strings.Contains(out, "(service): 1") || !strings.Contains(out, "(dispute): 0") {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if out, err := retention("run"); err != nil || !strings.Contains(out, "合计 (total): 0") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	db, err = (&dbFlags{data: data}).open(ctx, pingan.SystemClock, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, id := range ids {
		c, err := db.Cases.FindCase(ctx, fx.TownshipDispatcher, id)
		if err != nil {
			t.Fatal(err)
		}
		if purged := c.PersonalPurgedAt != nil; purged != (i == 0) || (c.Reporter == nil) != purged {
			t.Errorf("case %d: purged at %v, reporter %+v", i, c.PersonalPurgedAt, c.Reporter)
		}
	}
	if _, err := retention(); err == nil || !strings.Contains(err.Error(), "retention run") {
		t.Errorf("no subcommand: %v", err)
	}
}
