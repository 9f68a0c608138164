package web

import (
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// readCSV reads a downloaded CSV, failing unless it is UTF-8 with a BOM.
func readCSV(t *testing.T, res response) [][]string {
	t.Helper()
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %.300s", res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	body, ok := strings.CutPrefix(res.body, "\ufeff")
	if !ok {
		t.Fatal("no byte order mark: Excel would not read it as UTF-8")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var csvHrefRe = regexp.MustCompile(`id="(inbox|search)-export-csv" href="([^"]+)"`)

// TestExportCSV: the inbox and the search download as CSV what their
// workbooks hold — the header first, the same columns and cases, the
// reporter masked — the pages link to it with their query, and a title a
// spreadsheet would run as a formula stays text.
func TestExportCSV(t *testing.T) {
	t.Parallel()
	smallPages(t)
	e := newEnv(t)
	for range 9 {
		e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	}
	e.newCase(e.fx.GridWorker, "0102", "=HYPERLINK(\"x\")")
	d := e.login(e.fx.CountyDispatcher)
	page := d.get("/inbox?tab=register&q=%E6%BC%8F%E6%B0%B4")
	m := csvHrefRe.FindStringSubmatch(page.body)
	if m == nil || html.UnescapeString(m[2]) != "/inbox.csv?q=%E6%BC%8F%E6%B0%B4&tab=register" {
		t.Fatalf("the inbox's CSV link: %q", m)
	}
	rows := readCSV(t, d.get(html.UnescapeString(m[2])))
	tb := readTable(t, book(t, d.get("/inbox.xlsx?q=%E6%BC%8F%E6%B0%B4&tab=register")), "案件", "案件编号")
	if strings.Join(rows[0], ",") != strings.Join(tb.header, ",") {
		t.Errorf("header %q, want the workbook's %q", rows[0], tb.header)
	}
	if len(rows)-1 != 9 || len(tb.rows) != 9 {
		t.Fatalf("%d rows, the workbook %d: want the 9 cases of the search", len(rows)-1, len(tb.rows))
	}
	for i, r := range rows[1:] {
		if strings.Join(r, ",") != strings.Join(tb.rows[i], ",") {
			t.Errorf("row %d: %q, the workbook %q", i+1, r, tb.rows[i])
		}
	}
	phone := tb.col(t, "联系电话（脱敏）")
	if rows[1][phone] != "138****5678" || strings.Contains(strings.Join(rows[1], ","), "13812345678") {
		t.Errorf("phone %q, want it masked", rows[1][phone])
	}
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$`).MatchString(rows[1][tb.col(t, "上报时间")]) {
		t.Errorf("time %q, want yyyy-mm-dd hh:mm", rows[1][tb.col(t, "上报时间")])
	}

	// The search, and a title that starts like a formula.
	page = d.get("/search?q=HYPERLINK")
	m = csvHrefRe.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("the search has no CSV link")
	}
	rows = readCSV(t, d.get(html.UnescapeString(m[2])))
	if len(rows) != 2 || rows[1][1] != `'=HYPERLINK("x")` {
		t.Errorf("search rows %q: want the one case, its title inert", rows)
	}
	// A unit outside the jurisdiction answers 404 as the page does.
	if res := d.get("/inbox.csv?tab=all&unit=620921"); res.status != http.StatusNotFound {
		t.Errorf("another county's unit: %d", res.status)
	}
}

var matterHrefRe = regexp.MustCompile(`id="(backlog|led)-export(-csv)?" href="([^"]+)"`)

// TestExportMatters: the leaders' lists of petition matters (积案, 我的包案)
// download both ways with the page's filter, and name no petitioner.
func TestExportMatters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.newCase(e.fx.CountyDispatcher, "XF01", "征地补偿款未发放")
	e.act(e.fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActLead, Lead: e.fx.CountyLeader.ID})
	e.clock.Advance(100 * 24 * time.Hour)
	d := e.login(e.fx.CountyDispatcher)
	links := matterHrefRe.FindAllStringSubmatch(d.get("/petitions/backlog?lead=yes").body, -1)
	if len(links) != 2 || html.UnescapeString(links[1][3]) != "/petitions/backlog.csv?lead=yes" {
		t.Fatalf("the backlog's links: %q", links)
	}
	rows := readCSV(t, d.get(html.UnescapeString(links[1][3])))
	tb := readTable(t, book(t, d.get(html.UnescapeString(links[0][3]))), "信访积案", "编号")
	if len(rows) != 2 || len(tb.rows) != 1 || strings.TrimRight(strings.Join(rows[1], ","), ",") != strings.Join(tb.rows[0], ",") {
		t.Fatalf("csv %q, workbook %q", rows, tb.rows)
	}
	if rows[1][0] != c.Number || rows[1][1] != "征地补偿款未发放" || rows[1][tb.col(t, "包案领导")] != e.fx.CountyLeader.Name {
		t.Errorf("row %q", rows[1])
	}
	if all := strings.Join(rows[1], ","); strings.Contains(all, "张") || strings.Contains(all, "138") {
		t.Errorf("a matter's row names its petitioner: %q", all)
	}
	if rows := readCSV(t, d.get("/petitions/backlog.csv?lead=no")); len(rows) != 1 {
		t.Errorf("the unled: %q", rows)
	}
	leader := e.login(e.fx.CountyLeader)
	if rows := readCSV(t, leader.get("/petitions/led.csv")); len(rows) != 2 || rows[1][0] != c.Number {
		t.Errorf("the leader's matters: %q", rows)
	}
}
