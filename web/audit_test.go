package web

import (
	"encoding/json"
	"net/http"
	"strings"
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
	if err != nil || total != 4 {
		t.Fatalf("%d download rows, want 4 (%v): %+v", total, err, rows)
	}
	got := map[string]*pingan.AuditRecord{}
	for _, r := range rows {
		var ev struct{ Path string }
		if err := json.Unmarshal([]byte(r.Detail), &ev); err != nil {
			t.Fatal(err)
		}
		got[strings.SplitN(ev.Path, "?", 2)[0]] = r
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
