package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinary builds the real binary, imports units, adds a user, starts the
// server on port 0 with a temp data dir, logs in, files a case, reads it
// back and stops the server with SIGTERM.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pingan")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	units := filepath.Join(dir, "units.csv")
	os.WriteFile(units, []byte("code,name,level,parent_code\n620900,酒泉市,city,\n620902,肃州区,county,620900\n620902-ZZ,肃州区综治中心,centre,620902\n620902001,东北街街道,township,620902\n620902001002,民主街社区,village,620902001\n"), 0o600)
	// PINGAN_CALENDAR_PROVISIONAL is retired: an old deployment's setting
	// is logged and ignored.
	env := append(os.Environ(), "PINGAN_DATA="+data, "PINGAN_SECRET_KEY=", "PINGAN_CALENDAR_PROVISIONAL=1")
	runBin := func(stdin string, args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pingan %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := runBin("", "import", "units", units); !strings.Contains(out, "新增 5") {
		t.Fatalf("import: %s", out)
	}
	if out := runBin("", "import", "units", units); !strings.Contains(out, "未变 5") {
		t.Errorf("second import should change nothing: %s", out)
	}
	runBin("s3cret-pass\n", "user", "add", "--username", "disp", "--unit", "620902-ZZ", "--role", "dispatcher", "--password-stdin", "--name", "孙丽")
	grids := filepath.Join(dir, "grids.geojson")
	os.WriteFile(grids, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon",
		"coordinates":[[[98.50,39.74],[98.52,39.74],[98.52,39.76],[98.50,39.76],[98.50,39.74]]]},
		"properties":{"code":"620902001002001","name":"民主街第一网格","type":"community","unit":"620902001002","households":"312","population":845}}]}`), 0o600)
	if out := runBin("", "import", "grids", grids); !strings.Contains(out, "新增 1") {
		t.Fatalf("import grids: %s", out)
	}
	if fi, err := os.Stat(filepath.Join(data, "secret.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret key file: %v %v", fi, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	srv.Env = env
	stdout, _ := srv.StdoutPipe()
	var stderr bytes.Buffer
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v\n%s", err, stderr.String())
	}
	base := strings.TrimSpace(line[strings.Index(line, "http://"):])

	call := func(method, path, token, body string, want int) map[string]any {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, b)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	call("POST", "/api/v1/cases", "", `{}`, 401)
	session := call("POST", "/api/v1/session", "", `{"username":"disp","password":"s3cret-pass"}`, 201)
	token, _ := session["token"].(string)
	c := call("POST", "/api/v1/cases", token, `{"kind":"dispute","category":"0102","title":"楼上漏水","description":"楼上漏水，协商未果","unit":"620902001002","source":"hotline","reporter":{"name":"张三","phone":"13812345678"}}`, 201)
	id, _ := c["id"].(string)
	if !strings.HasPrefix(id, time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006")+"-620902-") {
		t.Fatalf("case id %q", id)
	}
	got := call("GET", "/api/v1/cases/"+id, token, "", 200)
	if got["status"] != "reported" || got["number"] != id {
		t.Errorf("case read back: %v", got)
	}
	// A report with a position lands in its grid; the grids answer as
	// GeoJSON that imports back without a change.
	c = call("POST", "/api/v1/cases", token, `{"kind":"dispute","category":"0102","title":"噪音","location":{"lat":39.75,"lng":98.51},"source":"hotline"}`, 201)
	if c["grid"] != "620902001002001" || c["unit"] != "620902001002" || c["ungridded"] != false {
		t.Errorf("placed in grid %v, unit %v, ungridded %v", c["grid"], c["unit"], c["ungridded"])
	}
	fc := call("GET", "/api/v1/grids?unit=620902", token, "", 200)
	if features, _ := fc["features"].([]any); fc["type"] != "FeatureCollection" || len(features) != 1 {
		t.Errorf("grids: %v", fc)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/grids?unit=620902", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	export, _ := io.ReadAll(res.Body)
	res.Body.Close()
	os.WriteFile(grids, export, 0o600)

	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Errorf("server did not stop cleanly on SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "PINGAN_CALENDAR_PROVISIONAL=1 已不再需要，已忽略") {
		t.Errorf("the retired setting was not logged:\n%s", stderr.String())
	}
	if out := runBin("", "import", "grids", grids); !strings.Contains(out, "没有变化") {
		t.Errorf("importing the grids the server answered: %s", out)
	}
}

func TestCalendarDue(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		// National Day 2025: 1–8 October off, Saturday 11 October worked:
		// 9, 10 and 11 October are the three working days after 30 September.
		{[]string{"--from", "2025-09-30T10:00:00+08:00", "--days", "3", "--unit", "working"}, "2025-10-11T23:59:59+08:00"},
		{[]string{"--from", "2025-09-28 09:00", "--days", "5", "--unit", "calendar"}, "2025-10-09T23:59:59+08:00"},
		{[]string{"--from", "2026-02-13T16:00:00+08:00", "--days", "24", "--unit", "hours"}, "2026-02-14T16:00:00+08:00"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"calendar", "due"}, tt.args...), nil, &out, io.Discard); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := strings.TrimSpace(out.String()); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.args, got, tt.want)
		}
	}
	for _, bad := range [][]string{{"--from", "yesterday", "--days", "1"}, {"--from", "2026-01-01", "--days", "0"}, {"--from", "2026-01-01", "--days", "2", "--unit", "weeks"}} {
		if err := run(context.Background(), append([]string{"calendar", "due"}, bad...), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
}

// skipSerialBuild skips, in -short mode, a test that builds a demo city one
// report after another: the README's race pass runs this package for its
// servers and clients, and these builds run in its first pass.
func skipSerialBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("a serial build of a demo city: runs in the full pass, skipped with -short")
	}
}
