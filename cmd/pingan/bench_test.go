package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/loadgen"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// benchServer serves the JSON API over a fresh SQLite store with the
// fixture city and its grids.
func benchServer(t *testing.T) (*store.DB, *storetest.Fixture, string) {
	t.Helper()
	db := storetest.Open(t)
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	srv := api.New(api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Grids: db.Grids,
		Calendar: db.Calendar, Holidays: db.Calendar, Logger: slog.New(slog.DiscardHandler),
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return db, fx, ts.URL
}

// benchArgs are the arguments of a run against the fixture's accounts.
// The duration is long: the count ends each run, however slow the machine.
func benchArgs(url string, more ...string) []string {
	return append([]string{"bench", "--url", url, "--reporter", "fk-grid", "--dispatcher", "dbj-dispatcher",
		"--handler", "dbj-handler", "--password-stdin", "--duration", "10m"}, more...)
}

// allCases answers every case in the store.
func allCases(t *testing.T, db *store.DB, admin *pingan.User) []*pingan.Case {
	t.Helper()
	var out []*pingan.Case
	f := pingan.CaseFilter{Limit: 200}
	for {
		page, next, err := db.Cases.FindCases(context.Background(), admin, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		f.Cursor = next
	}
}

// TestBench runs the bench against a server in the test: every report it
// counts is a case in the store, every case it walked is closed, and the
// table's counts add up.
func TestBench(t *testing.T) {
	db, fx, url := benchServer(t)
	var out, errs bytes.Buffer
	args := benchArgs(url, "--count", "200", "--clients", "8", "--walk", "0.5", "--seed", "7", "--json")
	if err := run(context.Background(), args, strings.NewReader(storetest.Password+"\n"), &out, &errs); err != nil {
		t.Fatalf("bench: %v\n%s", err, errs.String())
	}
	var res loadgen.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("the JSON output: %v\n%s", err, out.String())
	}
	byOp := map[string]loadgen.OpStats{}
	for _, s := range res.Operations {
		byOp[s.Op] = s
	}
	if len(byOp) != len(loadgen.Operations) {
		t.Fatalf("operations %v, want %v", res.Operations, loadgen.Operations)
	}

	cases := allCases(t, db, fx.Admin)
	if res.Reports != 200 || len(cases) != res.Reports || byOp[loadgen.OpReport].Count != res.Reports {
		t.Errorf("reports counted %d (report row %d), cases in the store %d, want 200 each",
			res.Reports, byOp[loadgen.OpReport].Count, len(cases))
	}
	closed, petitions, kinds := 0, 0, map[pingan.Kind]int{}
	for _, c := range cases {
		if c.Status == pingan.StatusClosed {
			closed++
			if c.Kind == pingan.KindPetition {
				// Walked through the regulation's steps: accepted and
				// answered, each with its document.
				petitions++
				if p := c.Petition; p == nil || p.Stage != pingan.StageAnswered || p.AcceptedOn == nil {
					t.Errorf("petition %s closed at stage %+v, want answered after its acceptance", c.ID, p)
				}
			}
		} else if c.Status != pingan.StatusReported {
			t.Errorf("case %s is %s: a walk stopped half-way", c.ID, c.Status)
		}
		if c.Grid == "" || c.Unit != fx.GridWorker.UnitCode {
			t.Errorf("case %s lies in grid %q of unit %s, want a grid of %s", c.ID, c.Grid, c.Unit, fx.GridWorker.UnitCode)
		}
		kinds[c.Kind]++
	}
	// With a share of 0.5 of 200, a walk of none or of all would mean the
	// share is not applied (the chance of either by luck is 2⁻²⁰⁰).
	if res.Walked == 0 || res.Walked == res.Reports || closed != res.Walked {
		t.Errorf("walked %d, closed in the store %d, of %d reports", res.Walked, closed, res.Reports)
	}
	for _, k := range pingan.Kinds {
		if kinds[k.Kind] == 0 {
			t.Errorf("no report of kind %s in 200: %v", k.Kind, kinds)
		}
	}

	sum, errors := 0, 0
	for _, op := range loadgen.Operations {
		s := byOp[op]
		sum += s.Count
		errors += s.Errors
		if s.Errors != 0 {
			t.Errorf("%s: %d errors %v (%s)", op, s.Errors, s.ByStatus, s.LastError)
		}
		switch want := res.Walked; {
		case op == loadgen.OpDecide:
			if s.Count != petitions || petitions == 0 {
				t.Errorf("%s counted %d, want one for each of the %d walked petitions (none is unlikely)", op, s.Count, petitions)
			}
		case op != loadgen.OpReport && s.Count != want:
			t.Errorf("%s counted %d, want one for each of the %d walked cases", op, s.Count, want)
		}
		if s.Count > 0 && !(s.P50 <= s.P95 && s.P95 <= s.P99 && s.P99 <= s.Max && s.Max > 0 && s.PerSecond > 0) {
			t.Errorf("%s: p50 %g p95 %g p99 %g max %g, %g/s", op, s.P50, s.P95, s.P99, s.Max, s.PerSecond)
		}
	}
	if res.Total.Count != sum || res.Total.Errors != errors || sum != res.Reports+5*res.Walked+petitions {
		t.Errorf("total %d (errors %d), the operations add up to %d (errors %d), reports %d + 5 × walked %d + petitions %d",
			res.Total.Count, res.Total.Errors, sum, errors, res.Reports, res.Walked, petitions)
	}
}

// TestBenchTable prints the table: a row per operation and the total.
func TestBenchTable(t *testing.T) {
	_, _, url := benchServer(t)
	var out, errs bytes.Buffer
	args := benchArgs(url, "--count", "10", "--clients", "2", "--walk", "1")
	if err := run(context.Background(), args, strings.NewReader(storetest.Password+"\n"), &out, &errs); err != nil {
		t.Fatalf("bench: %v\n%s", err, errs.String())
	}
	for _, row := range []string{"上报 report", "受理 accept", "派遣 dispatch", "签收 sign", "办结 resolve", "结案 close", "合计 total"} {
		if !strings.Contains(out.String(), row) {
			t.Errorf("the table has no row %q:\n%s", row, out.String())
		}
	}
	if !strings.Contains(out.String(), "10 reports, 10 walked") {
		t.Errorf("the summary line:\n%s", out.String())
	}
}

// TestBenchWrongPassword: a password the server refuses stops the bench
// before it starts, with an error naming the user.
func TestBenchWrongPassword(t *testing.T) {
	db, fx, url := benchServer(t)
	for _, tt := range []struct{ stdin, user string }{
		{"wrong\n", "fk-grid"},
		{storetest.Password + "\n" + storetest.Password + "\nwrong\n", "dbj-handler"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), benchArgs(url, "--count", "5"), strings.NewReader(tt.stdin), &out, &out)
		if err == nil || !strings.Contains(err.Error(), tt.user) || !strings.Contains(err.Error(), "401") {
			t.Errorf("passwords %q: %v, want a refused sign-in naming %s", tt.stdin, err, tt.user)
		}
	}
	if n := len(allCases(t, db, fx.Admin)); n != 0 {
		t.Errorf("%d cases filed after a refused sign-in", n)
	}
}

// TestBenchAllFail: when every report fails the bench stops early and
// says why, with the failures counted by status.
func TestBenchAllFail(t *testing.T) {
	_, _, url := benchServer(t)
	var out, errs bytes.Buffer
	// A viewer may not report: every report answers 403.
	args := []string{"bench", "--url", url, "--reporter", "sz-viewer", "--walk", "0", "--count", "5000", "--clients", "2",
		"--password-stdin", "--json"}
	err := run(context.Background(), args, strings.NewReader(storetest.Password+"\n"), &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("every report refused: %v, want an error with the status", err)
	}
	var res loadgen.Result
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil {
		t.Fatalf("the JSON output: %v\n%s", jerr, out.String())
	}
	rep := res.Operations[0]
	if rep.Count != 0 || rep.Errors == 0 || rep.Errors != rep.ByStatus[403] || rep.Errors >= 5000 {
		t.Errorf("report row: %d counted, %d errors %v; want only 403s, and a stop before 5000", rep.Count, rep.Errors, rep.ByStatus)
	}
}
