package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestImportCases imports a 12345 export into a temporary data directory:
// the progress on stderr and the summary; the same file again imports
// nothing; a file with an unknown category fails naming its row and writes
// nothing.
func TestImportCases(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "pingan.db")
	db := storetest.OpenWith(t, store.Options{DSN: dsn})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	db.Close()
	file := filepath.Join(dir, "12345.csv")
	csv := "\ufeff12345热线工单\n工单编号,来电时间,诉求类别,诉求地址,诉求内容,来电人,联系电话\n" +
		"GD1,2026-03-01 09:00,邻里纠纷,东北街街道富康社区,楼上漏水,张三,13812345678\n" +
		"GD2,2026/3/1 10:00,物业纠纷,南苑社区,停水,李四,13900001111\n"
	os.WriteFile(file, []byte(csv), 0o600)
	t.Setenv("PINGAN_SECRET_KEY", "")
	out, err := runCmd(t, "import", "cases", file, "--db", dsn, "--data", dir, "--unit", "620902")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "新增 2 · 已导入 0") || !strings.Contains(out, "导入 (importing)") || !strings.Contains(out, "100.0%") {
		t.Errorf("first import:\n%s", out)
	}
	out, err = runCmd(t, "import", "cases", "--db", dsn, "--data", dir, file) // as the top unit's centre
	if err != nil || !strings.Contains(out, "新增 0 · 已导入 2") {
		t.Errorf("second import: %v\n%s", err, out)
	}

	bad := strings.Replace(csv, "物业纠纷", "外星人入侵", 1)
	bad = strings.Replace(strings.Replace(bad, "GD2", "GD3", 1), "GD1", "GD4", 1)
	os.WriteFile(file, []byte(bad), 0o600)
	_, err = runCmd(t, "import", "cases", file, "--db", dsn, "--data", dir)
	if err == nil || !strings.Contains(err.Error(), "第 4 行「诉求类别」：未知的诉求类别「外星人入侵」") || strings.Contains(err.Error(), "第 3 行") {
		t.Errorf("a file with an unknown category: %v", err)
	}
	out, err = runCmd(t, "import", "cases", file, "--db", dsn, "--data", dir, "--unit", "nowhere")
	if err == nil || !strings.Contains(err.Error(), "--unit nowhere") {
		t.Errorf("an unknown unit: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", dsn) // the data directory's key seals the callers: count the rows
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n, sealed int
	if err := raw.QueryRow(`SELECT count(*), count(reporter_sealed) FROM cases WHERE source = 'import'`).Scan(&n, &sealed); err != nil || n != 2 || sealed != 2 {
		t.Errorf("%d cases imported (%d with a sealed caller), want 2 (%v)", n, sealed, err)
	}
}
