package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestServeOnUnpublishedYears starts the server on days whose deadlines
// reach a year with no published holiday arrangement — 27 November 2026
// (2027 unpublished) and 20 December 2027 (2027 and 2028) — and files a
// case with a 60-day deadline: the server starts without any flag, the
// deadline is counted on the provisional rule and says so.
func TestServeOnUnpublishedYears(t *testing.T) {
	for _, day := range []time.Time{
		time.Date(2026, 11, 27, 10, 0, 0, 0, pingan.CST),
		time.Date(2027, 12, 20, 10, 0, 0, 0, pingan.CST),
	} {
		t.Run(day.Format(time.DateOnly), func(t *testing.T) {
			clock := storetest.NewClock(day)
			db := storetest.OpenWith(t, store.Options{Clock: clock})
			fx := storetest.Seed(t, db)
			cat := &pingan.Category{Code: "0199", Kind: pingan.KindDispute, Name: "其他纠纷",
				Policy: pingan.Policy{Sign: pingan.Period{N: 1, Unit: "working"}, Resolve: pingan.Period{N: 60, Unit: "calendar"}}}
			if err := db.Categories.SaveCategory(context.Background(), nil, cat); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			out, w := io.Pipe()
			e := &cmdEnv{ctx: ctx, stdin: strings.NewReader(""), stdout: w, stderr: io.Discard}
			f := serveFlags{dbFlags: dbFlags{data: t.TempDir()}, addr: "127.0.0.1:0", tick: time.Hour}
			done := make(chan error, 1)
			go func() { done <- e.listenAndServe(db, f, clock); w.Close() }()
			t.Cleanup(func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			})
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil {
				t.Fatalf("the server did not start: %v", err)
			}
			go io.Copy(io.Discard, out)
			base := strings.TrimSpace(strings.TrimPrefix(line, "pingan listening on "))

			call := func(method, path, token string, body any, into any) int {
				t.Helper()
				var r io.Reader
				if body != nil {
					b, _ := json.Marshal(body)
					r = bytes.NewReader(b)
				}
				req, _ := http.NewRequest(method, base+path, r)
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
				if into != nil {
					if err := json.Unmarshal(b, into); err != nil {
						t.Fatalf("%s %s: %v: %s", method, path, err, b)
					}
				}
				return res.StatusCode
			}
			var session struct{ Token string }
			if code := call("POST", "/api/v1/session", "", map[string]string{"username": fx.GridWorker.Username, "password": storetest.Password}, &session); code != 201 {
				t.Fatalf("login: %d", code)
			}
			var c struct {
				ResolveBy   time.Time `json:"resolve_by"`
				Provisional bool      `json:"resolve_by_provisional"`
			}
			in := map[string]any{"kind": "dispute", "category": "0199", "title": "两户因围墙归属起争执", "description": "已多次协商未果"}
			if code := call("POST", "/api/v1/cases", session.Token, in, &c); code != 201 {
				t.Fatalf("report: %d", code)
			}
			want, err := calendar.Official().Due(day, 60, calendar.CalendarDays)
			if err != nil {
				t.Fatal(err)
			}
			if !c.ResolveBy.Equal(want) || !c.Provisional {
				t.Errorf("resolve_by %v provisional %v; want %v, provisional", c.ResolveBy, c.Provisional, want)
			}
			var due struct {
				Due         string `json:"due"`
				Provisional bool   `json:"due_provisional"`
			}
			q := fmt.Sprintf("/api/v1/calendar/due?from=%s&days=60&unit=calendar", day.Format(time.DateOnly))
			if code := call("GET", q, session.Token, nil, &due); code != 200 || !due.Provisional {
				t.Errorf("calendar/due: %d %+v", code, due)
			}
		})
	}
}

// TestCalendarImportShow enters a year from the command line, as JSON and
// as a notice's text with a bad line (refused whole), and shows it.
func TestCalendarImportShow(t *testing.T) {
	data := storetest.DataDir(t)
	t.Setenv("PINGAN_DATA", data)
	t.Setenv("PINGAN_SECRET_KEY", "")
	runCmd := func(args ...string) (string, string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
		return out.String(), errb.String(), err
	}
	if _, _, err := runCmd("migrate"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd("calendar", "show", "2027")
	if err != nil || !strings.Contains(out, "2027 年：暂定") || !strings.Contains(out, "2027-02-06 春节") {
		t.Fatalf("show 2027 before: %v\n%s", err, out)
	}
	bad := filepath.Join(data, "bad.txt")
	os.WriteFile(bad, []byte("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：二月某日放假。\n"), 0o600)
	if _, _, err := runCmd("calendar", "import", bad); err == nil || !strings.Contains(err.Error(), "第 3 行") {
		t.Errorf("a notice with an unreadable line: %v", err)
	}
	good := filepath.Join(data, "2027.json")
	os.WriteFile(good, []byte(`{"year": 2027, "holidays": {"2027-01-01": "元旦", "2027-01-02": "元旦", "2027-01-03": "元旦"}, "workdays": {}}`), 0o600)
	if _, stderr, err := runCmd("calendar", "import", good); err != nil || !strings.Contains(stderr, "已录入 (entered) 2027 年：放假 3 天") {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	out, _, err = runCmd("calendar", "show", "2027")
	if err != nil || !strings.Contains(out, "国务院节假日安排") || strings.Contains(out, "春节") {
		t.Errorf("show 2027 after: %v\n%s", err, out)
	}
	// calendar due counts on the database's years: 2027 has no 春节 now.
	out, _, err = runCmd("calendar", "due", "--from", "2027-02-05", "--days", "1", "--unit", "working")
	if err != nil || strings.TrimSpace(out) != "2027-02-08T23:59:59+08:00" {
		t.Errorf("due on the entered year: %q %v", out, err)
	}
}
