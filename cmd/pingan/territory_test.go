package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/importer"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// runCmd runs the command in this process and answers its stderr.
func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return stderr.String(), err
}

// TestImportDivisions imports the official division tables of the demo's
// five cities: a progress line per 10% when stderr is not a terminal, and
// a second import that changes nothing and says so.
func TestImportDivisions(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	data := storetest.DataDir(t)
	out, err := runCmd(t, "import", "divisions", "../../demo/divisions", "--data", data) // a flag after the directory
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	units, err := importer.Divisions("../../demo/divisions", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "新增 " + thousands(len(units)); !strings.Contains(out, want) || !strings.Contains(out, "区划 (divisions): 省 5，市 5") {
		t.Errorf("first import does not say %q:\n%s", want, out)
	}
	if strings.Contains(out, "\r") {
		t.Error("\\r in the progress written to a file")
	}
	if n := strings.Count(out, "导入 (importing)"); n < 5 || n > 11 || !strings.Contains(out, "100.0%") || !strings.Contains(out, "units/s") {
		t.Errorf("%d progress lines:\n%s", n, out)
	}
	out, err = runCmd(t, "import", "divisions", "--data", data, "../../demo/divisions")
	if err != nil {
		t.Fatal(err)
	}
	if want := "没有变化：" + thousands(len(units)); !strings.Contains(out, want) {
		t.Errorf("second import does not say %q:\n%s", want, out)
	}
}

// TestImportDivisionsRefused: a bad row is named by file and row and
// nothing is read; a row that clashes with a stored unit is named by file
// and code, and nothing is written.
func TestImportDivisionsRefused(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	dir := t.TempDir()
	for _, name := range importer.DivisionFiles {
		b, err := os.ReadFile(filepath.Join("../../demo/divisions", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "villages.csv" {
			lines := strings.SplitN(string(b), "\n", 5)
			lines[3] = strings.Replace(lines[3], lines[3][:12], lines[3][:11]+"X", 1)
			b = []byte(strings.Join(lines, "\n"))
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	data := storetest.DataDir(t)
	out, err := runCmd(t, "import", "divisions", dir, "--data", data)
	if err == nil || !strings.Contains(describe(err), "villages.csv row 4") {
		t.Errorf("a bad row: %v\n%s", err, out)
	}

	// 140502001 is a township in the tables; here it is already a village.
	csv := filepath.Join(t.TempDir(), "units.csv")
	os.WriteFile(csv, []byte("code,name,level,parent_code\n140000,山西省,province,\n140500,晋城市,city,140000\n140502,城区,county,140500\n140502001,西街,village,140502\n"), 0o600)
	if out, err := runCmd(t, "import", "units", csv, "--data", data); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err = runCmd(t, "import", "divisions", "../../demo/divisions", "--data", data)
	if err == nil || !strings.Contains(describe(err), "streets.csv 140502001") || !strings.Contains(describe(err), "不支持变更已有单位的上级或层级") {
		t.Errorf("a clash with a stored unit: %v\n%s", err, out)
	}
	out, err = runCmd(t, "import", "units", csv, "--data", data)
	if err != nil || !strings.Contains(out, "未变 4") {
		t.Errorf("the refused import left something behind: %v\n%s", err, out)
	}
}

// TestImportGrids imports a GeoJSON file of grids twice, then a bad one.
func TestImportGrids(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "pingan.db")
	db := storetest.OpenWith(t, store.Options{DSN: dsn})
	fx := storetest.Seed(t, db)
	file := filepath.Join(dir, "grids.geojson")
	var buf bytes.Buffer
	if err := geo.WriteGrids(&buf, storetest.FixtureGrids(fx)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o600)
	t.Setenv("PINGAN_SECRET_KEY", "")
	out, err := runCmd(t, "import", "grids", file, "--db", dsn, "--data", dir)
	if err != nil || !strings.Contains(out, "新增 5") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	out, err = runCmd(t, "import", "grids", "--db", dsn, "--data", dir, file)
	if err != nil || !strings.Contains(out, "没有变化：5个网格") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	if n, _ := storetest.OpenWith(t, store.Options{DSN: dsn}).Grids.GridsLoaded(); n != 5 {
		t.Errorf("%d grids stored", n)
	}
	bad := strings.Replace(buf.String(), `"620902001002"`, `"620902001000"`, 1)
	os.WriteFile(file, []byte(bad), 0o600)
	_, err = runCmd(t, "import", "grids", file, "--db", dsn, "--data", dir)
	// The error comes wrapped with the file's name.
	var pe *pingan.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Fields["grid 620902001002-01 unit"].Text(pingan.ZH), "网格须属于村或社区") ||
		!strings.Contains(describe(err), "grid 620902001002-01 unit") {
		t.Errorf("a grid under a township: %v", err)
	}
	os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"code":"G1"}}]}`), 0o600)
	if _, err := runCmd(t, "import", "grids", file, "--db", dsn, "--data", dir); err == nil || !strings.Contains(describe(err), "feature 1 (G1) geometry: 没有几何图形") {
		t.Errorf("a feature without geometry: %v", err)
	}
	if _, err := runCmd(t, "import", "grids", filepath.Join(dir, "grids.csv"), "--db", dsn, "--data", dir); err == nil || !strings.Contains(err.Error(), "GeoJSON") {
		t.Errorf("a CSV file: %v", err)
	}
}

// TestImportAreas imports the known boundary of a township.
func TestImportAreas(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "pingan.db")
	db := storetest.OpenWith(t, store.Options{DSN: dsn})
	storetest.Seed(t, db)
	file := filepath.Join(dir, "areas.geojson")
	os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":`+string(storetest.Rect(98.58, 39.78, 98.70, 39.90))+
		`,"properties":{"code":"620902100000","name":"银达镇"}}]}`), 0o600)
	t.Setenv("PINGAN_SECRET_KEY", "")
	for _, want := range []string{"新增 1", "没有变化"} {
		out, err := runCmd(t, "import", "areas", file, "--db", dsn, "--data", dir)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("import areas: %v\n%s", err, out)
		}
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "导入", "units")
	for i := 0; i <= 1000; i += 7 {
		p.update(i, 1000)
	}
	p.update(1000, 1000)
	if n := strings.Count(buf.String(), "\n"); n != 11 {
		t.Errorf("%d lines, want one per 10%%:\n%s", n, buf.String())
	}
	buf.Reset()
	p = newProgress(&buf, "导入", "units")
	p.tty = true
	p.update(1, 2)
	p.update(2, 2)
	if s := buf.String(); !strings.HasPrefix(s, "\r") || strings.Count(s, "\n") != 1 || !strings.Contains(s, "100.0%") {
		t.Errorf("terminal: %q", s)
	}
	if got := thousands(665273); got != "665,273" {
		t.Errorf("thousands: %s", got)
	}
}
