package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan"
)

// book opens a downloaded workbook, failing unless the answer is one.
func book(t *testing.T, res response) *excelize.File {
	t.Helper()
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %.300s", res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("Content-Type %q", ct)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// table is a sheet read back: the lines above the header, the header and
// the rows under it, and the sheet's row number of the header (1-based).
type table struct {
	lines     []string
	header    []string
	headerRow int
	rows      [][]string
}

// readTable reads sheet name, its header being the first row whose first
// cell is first.
func readTable(t *testing.T, f *excelize.File, name, first string) table {
	t.Helper()
	all, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range all {
		if len(r) > 0 && r[0] == first {
			tb := table{header: r, headerRow: i + 1, rows: all[i+1:]}
			for _, l := range all[:i] {
				if len(l) > 0 {
					tb.lines = append(tb.lines, l[0])
				}
			}
			return tb
		}
	}
	t.Fatalf("sheet %s has no header starting %q: %q", name, first, all)
	return table{}
}

// col answers the index of the column named name.
func (tb table) col(t *testing.T, name string) int {
	t.Helper()
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s in %q", name, tb.header)
	return -1
}

// hasLine fails unless a line above the header is want.
func (tb table) hasLine(t *testing.T, want string) {
	t.Helper()
	for _, l := range tb.lines {
		if l == want {
			return
		}
	}
	t.Errorf("no line %q above the header: %q", want, tb.lines)
}

// numericCell fails unless the cell at the table's row i (0-based under the
// header), column c, holds a number, and answers it.
func numericCell(t *testing.T, f *excelize.File, name string, tb table, i, c int) float64 {
	t.Helper()
	ref, _ := excelize.CoordinatesToCellName(c+1, tb.headerRow+1+i)
	typ, _ := f.GetCellType(name, ref)
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s is of type %v, want a number", name, ref, typ)
	}
	raw, _ := f.GetCellValue(name, ref, excelize.Options{RawCellValue: true})
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Errorf("%s!%s: %q is no number", name, ref, raw)
	}
	return n
}

// everything answers every cell of every sheet, for looking for what must
// not be there.
func everything(f *excelize.File) string {
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

var tabCountRe = func(tab string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)id="tab-` + tab + `"[^>]*>.*?<span class="count">([0-9]+)`)
}

// smallPages makes a list's download read it seven cases at a time, so
// that a list of the tests spans several readings.
func smallPages(t *testing.T) {
	was := exportPage
	exportPage = 7
	t.Cleanup(func() { exportPage = was })
}

// TestExportInbox: an inbox tab downloads every case it counts — more than
// a page — with its filters as lines above a header frozen under them,
// times as dates, and the reporter masked; the page links to it with its
// query; a unit of another county answers 404.
func TestExportInbox(t *testing.T) {
	t.Parallel()
	smallPages(t)
	e := newEnv(t)
	for i := range 45 {
		e.clock.Set(e.clock.Now().Add(time.Minute))
		title := "邻里纠纷"
		if i%3 == 0 {
			title = "楼道堆物"
		}
		e.newCase(e.fx.GridWorker, "0102", title)
	}
	c := e.login(e.fx.CountyDispatcher)
	page := c.get("/inbox?tab=open&q=" + url.QueryEscape("邻里"))
	m := tabCountRe("open").FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no count on the tab 全部在办:\n%s", page.body)
	}
	count, _ := strconv.Atoi(m[1])
	if count != 30 {
		t.Fatalf("the tab counts %d, want 30", count)
	}
	mustContain(t, page.body, `id="inbox-export" href="/inbox.xlsx?q=%E9%82%BB%E9%87%8C&amp;tab=open"`)

	res := c.get("/inbox.xlsx?q=" + url.QueryEscape("邻里") + "&tab=open")
	f := book(t, res)
	day := e.clock.Now().In(pingan.CST).Format(time.DateOnly)
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("案件列表-"+day+".xlsx")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "案件" {
		t.Fatalf("sheets %v", got)
	}
	tb := readTable(t, f, "案件", "案件编号")
	if tb.lines[0] != "工作台案件列表" {
		t.Errorf("title %q", tb.lines[0])
	}
	tb.hasLine(t, "列表：全部在办")
	tb.hasLine(t, "单位："+e.fx.County.Name)
	tb.hasLine(t, "关键词：邻里")
	tb.hasLine(t, "件数：30")
	tb.hasLine(t, "导出人："+e.fx.CountyDispatcher.Name)
	if tb.headerRow != len(tb.lines)+1 {
		t.Errorf("the header is on row %d, want the row after the %d lines above it", tb.headerRow, len(tb.lines))
	}
	panes, _ := f.GetPanes("案件")
	if !panes.Freeze || panes.YSplit != tb.headerRow {
		t.Errorf("panes %+v: the header is not frozen", panes)
	}
	if len(tb.rows) != count {
		t.Errorf("the download holds %d cases, the tab counts %d", len(tb.rows), count)
	}
	for _, h := range []string{"标题", "类别", "种类", "状态", "紧急程度", "重大敏感", "发生地", "受理单位", "处置单位", "上报时间", "时限", "超期", "网格", "报告人（脱敏）", "联系电话（脱敏）"} {
		tb.col(t, h)
	}
	reported, name, phone := tb.col(t, "上报时间"), tb.col(t, "报告人（脱敏）"), tb.col(t, "联系电话（脱敏）")
	serial := numericCell(t, f, "案件", tb, 0, reported)
	if at, err := excelize.ExcelDateToTime(serial, false); err != nil || at.Format("2006-01-02 15:04") != e.clock.Now().In(pingan.CST).Format("2006-01-02 15:04") {
		t.Errorf("the newest case was reported at %v, want %v", at, e.clock.Now().In(pingan.CST))
	}
	if tb.rows[0][name] != "张**" || tb.rows[0][phone] != "138****5678" {
		t.Errorf("the reporter reads %q %q, want masked", tb.rows[0][name], tb.rows[0][phone])
	}
	all := everything(f)
	if strings.Contains(all, "张三丰") || strings.Contains(all, "13812345678") || strings.Contains(all, "楼道堆物") {
		t.Errorf("the download holds a whole name or phone number, or a case the filter leaves out")
	}

	// The unit of the dashboard's links; another county's answers 404.
	res = c.get("/inbox.xlsx?tab=all&unit=" + e.fx.Village.Code)
	f = book(t, res)
	tb = readTable(t, f, "案件", "案件编号")
	tb.hasLine(t, "单位："+e.fx.Village.Name)
	tb.hasLine(t, "件数：45")
	if len(tb.rows) != 45 {
		t.Errorf("the village's cases: %d rows, want 45", len(tb.rows))
	}
	// A list longer than the cap is cut there, and says so on its last line.
	was := exportCap
	exportCap = 10
	tb = readTable(t, book(t, c.get("/inbox.xlsx?tab=all")), "案件", "案件编号")
	exportCap = was
	if len(tb.rows) != 11 || !strings.Contains(tb.rows[10][0], "只导出了前 10 件") {
		t.Errorf("a list over the cap: %d rows, the last %q", len(tb.rows), tb.rows[len(tb.rows)-1])
	}
	if res := e.login(e.fx.OtherDispatcher).get("/inbox.xlsx?tab=all&unit=" + e.fx.Village.Code); res.status != http.StatusNotFound {
		t.Errorf("another county's unit: %d, want 404", res.status)
	}
	if res := c.get("/inbox.xlsx?tab=all&from=2026-13-01"); res.status != http.StatusBadRequest {
		t.Errorf("a bad date: %d, want 400", res.status)
	}
}

// TestExportSearch: a search downloads every case it finds — the count the
// page says, over several pages — and a search by a person shows the
// person masked in its filter line and nobody whole anywhere.
func TestExportSearch(t *testing.T) {
	t.Parallel()
	smallPages(t)
	e := newEnv(t)
	for i := range 45 {
		e.clock.Set(e.clock.Now().Add(time.Minute))
		title := "邻里纠纷"
		if i%3 == 0 {
			title = "楼道堆物"
		}
		e.newCase(e.fx.GridWorker, "0102", title)
	}
	c := e.login(e.fx.CountyDispatcher)
	page := c.get("/search?q=" + url.QueryEscape("邻里") + "&page=2")
	m := regexp.MustCompile(`共 ([0-9]+) 件`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no count on the search page")
	}
	count, _ := strconv.Atoi(m[1])
	mustContain(t, page.body, `id="search-export" href="/search.xlsx?q=%E9%82%BB%E9%87%8C"`)
	f := book(t, c.get("/search.xlsx?q="+url.QueryEscape("邻里")+"&page=2"))
	tb := readTable(t, f, "案件", "案件编号")
	if tb.lines[0] != "案件查询结果" {
		t.Errorf("title %q", tb.lines[0])
	}
	tb.hasLine(t, "关键词：邻里")
	if len(tb.rows) != count || count != 30 {
		t.Errorf("the download holds %d cases, the page counts %d (want 30)", len(tb.rows), count)
	}

	// By a person: the phone number found, masked in the line and the rows.
	f = book(t, c.get("/search.xlsx?person=13812345678"))
	tb = readTable(t, f, "案件", "案件编号")
	tb.hasLine(t, "当事人（脱敏）：138****5678")
	if len(tb.rows) != 45 {
		t.Errorf("by the phone number: %d rows, want 45", len(tb.rows))
	}
	if all := everything(f); strings.Contains(all, "13812345678") || strings.Contains(all, "张三丰") {
		t.Errorf("the download holds a whole name or phone number")
	}
	f = book(t, c.get("/search.xlsx?person="+url.QueryEscape("张三丰")))
	readTable(t, f, "案件", "案件编号").hasLine(t, "当事人（脱敏）：张**")
	if strings.Contains(everything(f), "张三丰") {
		t.Errorf("the download holds the name searched for")
	}
	// A viewer may not search by a person, here as on the page.
	if res := e.login(e.fx.Viewer).get("/search.xlsx?person=13812345678"); res.status != http.StatusForbidden {
		t.Errorf("a viewer by person: %d, want 403", res.status)
	}
}

// TestExportDashboard: the dashboard downloads its statistics as sheets
// 指标, 下级单位, 类别, 来源 and 趋势: counts numeric and equal to the
// statistics service's, rates as percentages; another county's unit
// answers 404.
func TestExportDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var last *pingan.Case
	for _, title := range []string{"楼道堆物", "邻里纠纷", "噪音扰民", "占道经营"} {
		last = e.newCase(e.fx.GridWorker, "0102", title)
	}
	e.act(e.fx.TownshipDispatcher, last.ID, pingan.ActionInput{Action: pingan.ActAccept})
	c := e.login(e.fx.CountyLeader)
	page := c.get("/dashboard?unit=" + e.fx.County.Code)
	mustContain(t, page.body, `id="dash-export" href="/dashboard.xlsx?unit=`+e.fx.County.Code+`"`)

	month := time.Date(e.clock.Now().In(pingan.CST).Year(), e.clock.Now().In(pingan.CST).Month(), 1, 0, 0, 0, 0, pingan.CST)
	want, err := e.db.Stats.Stats(context.Background(), e.fx.CountyLeader, pingan.StatsQuery{Unit: e.fx.County.Code,
		From: month, To: month.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	f := book(t, c.get("/dashboard.xlsx?unit="+e.fx.County.Code))
	sheets := f.GetSheetList()
	if strings.Join(sheets, ",") != "指标,下级单位,类别,来源,趋势" {
		t.Fatalf("sheets %v", sheets)
	}
	tb := readTable(t, f, "指标", "指标")
	tb.hasLine(t, "单位："+e.fx.County.Name)
	tb.hasLine(t, "期间："+month.Format(time.DateOnly)+" 至 "+month.AddDate(0, 1, -1).Format(time.DateOnly))
	for _, h := range []string{"本期", "上期（环比基数）", "去年同期（同比基数）", "本期分母"} {
		tb.col(t, h)
	}
	cur := tb.col(t, "本期")
	rowOf := func(label string) int {
		for i, r := range tb.rows {
			if r[0] == label {
				return i
			}
		}
		t.Fatalf("no row %s", label)
		return -1
	}
	if n := numericCell(t, f, "指标", tb, rowOf("上报数"), cur); int(n) != want.Total || want.Total != 4 {
		t.Errorf("上报数 %v, the service counts %d (want 4)", n, want.Total)
	}
	if n := numericCell(t, f, "指标", tb, rowOf("已受理"), cur); int64(n) != want.Counts["in_accepted"] {
		t.Errorf("已受理 %v, want %d", n, want.Counts["in_accepted"])
	}
	i := rowOf("办结率")
	if want.Bases["resolution"] == 0 {
		t.Fatal("the resolution rate has nothing to count")
	}
	if r := numericCell(t, f, "指标", tb, i, cur); r != want.Rates["resolution"] {
		t.Errorf("办结率 %v, want %v", r, want.Rates["resolution"])
	}
	ref, _ := excelize.CoordinatesToCellName(cur+1, tb.headerRow+1+i)
	sid, _ := f.GetCellStyle("指标", ref)
	if st, _ := f.GetStyle(sid); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0%" {
		t.Errorf("办结率 is not a percentage")
	}

	units := readTable(t, f, "下级单位", "编码")
	received := units.col(t, "受理量")
	var found bool
	for i, r := range units.rows {
		if r[1] == e.fx.Township.Name {
			found = true
			if n := numericCell(t, f, "下级单位", units, i, received); n != 4 {
				t.Errorf("%s received %v, want 4", r[1], n)
			}
		}
	}
	if !found {
		t.Errorf("no row of %s: %q", e.fx.Township.Name, units.rows)
	}
	trend := readTable(t, f, "趋势", "月份")
	if len(trend.rows) != 12 || trend.rows[11][0] != month.Format("2006-01") {
		t.Errorf("the trend: %q", trend.rows)
	}
	readTable(t, f, "类别", "编码")
	readTable(t, f, "来源", "编码")

	// The dashboard's filters narrow it and are named at the top.
	f = book(t, c.get("/dashboard.xlsx?unit="+e.fx.County.Code+"&kind=hazard"))
	tb = readTable(t, f, "指标", "指标")
	tb.hasLine(t, "种类："+pingan.Text(pingan.ZH, "kind.hazard"))
	if n := numericCell(t, f, "指标", tb, rowOf("上报数"), cur); n != 0 {
		t.Errorf("hazards reported: %v, want 0", n)
	}

	if res := e.login(e.fx.OtherDispatcher).get("/dashboard.xlsx?unit=" + e.fx.County.Code); res.status != http.StatusNotFound {
		t.Errorf("another county's unit: %d, want 404", res.status)
	}
}
