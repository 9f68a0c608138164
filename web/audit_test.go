package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The audit page: the audit administrator finds a sign-in's row by
// account and event with its source, result and request id, sees the
// chain's state; a range longer than a year is refused naming the field,
// and so is its download; the downloads carry the rows and are themselves
// audited; no one else reaches the page.
func TestAuditPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.fx.Auditor)
	day := e.clock.Now().In(pingan.CST).Format(time.DateOnly)
	res := a.get("/audit?account=" + e.fx.Auditor.Username + "&action=login&from=" + day + "&to=" + day)
	if res.status != http.StatusOK {
		t.Fatalf("GET /audit: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, `id="audit-chain"`, `id="audit-rows"`, "审计链状态", "成功", `href="/audit"`, `id="audit-xlsx"`)
	if !strings.Contains(res.body, `<td class="mono">login</td>`) {
		t.Fatalf("no sign-in row:\n%s", res.body)
	}
	// The default is the last seven days, which hold the sign-in too.
	mustContain(t, a.get("/audit").body, `<td class="mono">login</td>`)

	long := "/audit?from=2024-01-01&to=" + day
	res = a.get(long)
	if res.status != http.StatusBadRequest {
		t.Fatalf("a long range: %d", res.status)
	}
	mustContain(t, res.body, "时间范围不能超过 366 天")
	mustNotContain(t, res.body, `id="audit-xlsx"`)
	if res := a.get("/audit.xlsx?from=2024-01-01&to=" + day); res.status != http.StatusBadRequest {
		t.Fatalf("a long export: %d", res.status)
	}
	if res := a.get("/audit.csv?to=" + day); res.status != http.StatusBadRequest || !strings.Contains(res.body, "请填写起始时间") {
		t.Fatalf("an export without a start: %d\n%s", res.status, res.body)
	}

	res = a.get("/audit.csv?action=login&from=" + day + "&to=" + day)
	if res.status != http.StatusOK || !strings.Contains(res.body, "login") || !strings.Contains(res.body, e.fx.Auditor.Name) {
		t.Fatalf("CSV: %d\n%s", res.status, res.body)
	}
	// The event by its name in the reader's language, and its code beside.
	if name := (&view{Lang: pingan.ZH}).AuditEvent("login"); name == "" || !strings.Contains(res.body, ","+name+",login,") {
		t.Errorf("the CSV does not name the event %q beside its code:\n%s", name, res.body)
	}
	if res := a.get("/audit.xlsx?from=" + day + "&to=" + day); res.status != http.StatusOK || !strings.HasPrefix(res.body, "PK") {
		t.Fatalf("XLSX: %d", res.status)
	}
	res = a.get("/audit?action=audit_export&from=" + day + "&to=" + day)
	if got := strings.Count(res.body, `<td class="mono">audit_export</td>`); got != 2 {
		t.Fatalf("%d export rows, want 2:\n%s", got, res.body)
	}

	for _, u := range []*pingan.User{e.fx.Admin, e.fx.SecAdmin, e.fx.CountyDispatcher} {
		c := e.login(u)
		if res := c.get("/audit"); res.status != http.StatusForbidden {
			t.Errorf("%s: GET /audit %d", u.Username, res.status)
		}
		if res := c.get("/audit.csv?from=" + day + "&to=" + day); res.status != http.StatusForbidden {
			t.Errorf("%s: GET /audit.csv %d", u.Username, res.status)
		}
		mustNotContain(t, c.get("/inbox").body, `href="/audit"`)
	}
}

// Each download — a list as XLSX or CSV, the statistics, a printed form —
// is one row of the audit trail with the account, the path, the case and
// the result; a page is not.
func TestDownloadsAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "楼道堆物")
	d := e.login(e.fx.CountyDispatcher)
	for _, path := range []string{"/inbox.xlsx", "/search.csv?q=楼道", "/dashboard.xlsx", "/cases/" + c.ID + "/print/summary.pdf", "/inbox"} {
		d.get(path)
	}
	day := e.clock.Now().Add(-time.Hour)
	rows, total, err := e.db.Audit.SearchAudit(t.Context(), e.fx.Auditor, pingan.AuditFilter{Action: "download",
		Account: e.fx.CountyDispatcher.Username, From: day, To: day.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*pingan.AuditRecord{}
	for _, r := range rows {
		var ev struct{ Path string }
		if err := json.Unmarshal([]byte(r.Detail), &ev); err != nil {
			t.Fatal(err)
		}
		got[strings.SplitN(ev.Path, "?", 2)[0]] = r
	}
	if total != 4 {
		t.Fatalf("%d download rows, want 4: %v", total, slices.Collect(maps.Keys(got)))
	}
	for _, p := range []string{"/inbox.xlsx", "/search.csv", "/dashboard.xlsx"} {
		if r := got[p]; r == nil || r.Result != pingan.AuditOK || r.Unit != e.fx.CountyDispatcher.UnitCode {
			t.Errorf("%s: %+v", p, r)
		}
	}
	if r := got["/cases/"+c.ID+"/print/summary.pdf"]; r == nil || r.CaseID != c.ID {
		t.Errorf("the print: %+v", r)
	}
}

// The row of a download is written before its first byte leaves: a file
// whose row cannot be written is not sent — the answer is an error page,
// with none of the file's headers — while a page is not held back, and a
// refused download is still answered when its row fails too.
func TestDownloadWithoutAuditRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.GridWorker, "0102", "楼道堆物")
	trail := &failingTrail{AuditTrailService: e.db.Audit}
	srv := New(Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats,
		Calendar: e.db.Calendar, AuditTrail: trail, Clock: e.clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	other := *e
	other.srv, other.ts = srv, ts
	d := other.login(e.fx.CountyDispatcher)

	for _, path := range []string{"/inbox.xlsx", "/search.csv?q=楼道", "/cases/" + c.ID + "/print/summary.pdf"} {
		res := d.get(path)
		if res.status != http.StatusInternalServerError || res.header.Get("Content-Disposition") != "" ||
			!strings.HasPrefix(res.header.Get("Content-Type"), "text/html") || strings.HasPrefix(res.body, "PK") || strings.HasPrefix(res.body, "%PDF") {
			t.Errorf("%s without its audit row: %d %v\n%.200s", path, res.status, res.header, res.body)
		}
	}
	if res := d.get("/cases/" + c.ID); res.status != http.StatusOK {
		t.Errorf("a page while the trail fails: %d", res.status)
	}
	if res := d.get("/cases/C-none/print/summary.pdf"); res.status != http.StatusNotFound {
		t.Errorf("a refused download while the trail fails: %d", res.status)
	}
	if n := trail.calls.Load(); n != 4 {
		t.Errorf("%d rows tried, want 4", n)
	}
}

// failingTrail is the store's audit trail whose downloads' rows cannot be
// written.
type failingTrail struct {
	pingan.AuditTrailService
	calls atomic.Int32
}

func (f *failingTrail) RecordDownload(context.Context, *pingan.User, string, string, int) error {
	f.calls.Add(1)
	return errors.New("the disk is full")
}
