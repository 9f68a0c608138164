package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatsVerifyRebuild: the counters of a demo city agree with a
// recount; one changed behind pingan's back is found and named; a rebuild
// mends it; counters emptied are built again at the next start.
func TestStatsVerifyRebuild(t *testing.T) {
	skipSerialBuild(t)
	t.Setenv("PINGAN_SECRET_KEY", "")
	dir := t.TempDir()
	if err := run(context.Background(), []string{"demo", "--no-serve", "--data", dir, "--city", "500114", "--days", "20",
		"--cases", "120", "--now", "2026-11-23"}, nil, new(bytes.Buffer), new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	stats := func(sub string) (string, error) {
		var out, errs bytes.Buffer
		err := run(context.Background(), []string{"stats", sub, "--data", dir}, strings.NewReader(""), &out, &errs)
		return out.String() + errs.String(), err
	}
	out, err := stats("verify")
	if err != nil || !strings.Contains(out, "一致") {
		t.Fatalf("verify of a fresh city: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "pingan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE tallies_month SET m_in_closed = m_in_closed + 3 WHERE node = '500114'`)
	out, err = stats("verify")
	if err == nil || !strings.Contains(out, "500114") || !strings.Contains(out, "in_closed") {
		t.Fatalf("verify after a counter was changed: %v\n%s", err, out)
	}
	if out, err = stats("rebuild"); err != nil || !strings.Contains(out, "重建") {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	if out, err = stats("verify"); err != nil {
		t.Fatalf("verify after the rebuild: %v\n%s", err, out)
	}
	// Emptied, as after the upgrade that made them: built at the next start.
	exec(`DELETE FROM tallies_day`)
	exec(`DELETE FROM tallies_month`)
	if err := run(context.Background(), []string{"migrate", "--data", dir}, nil, new(bytes.Buffer), new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	if out, err = stats("verify"); err != nil {
		t.Fatalf("verify after a start: %v\n%s", err, out)
	}
	if _, err := stats("recount"); err == nil {
		t.Error("an unknown subcommand ran")
	}
}
