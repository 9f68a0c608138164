package sheet_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan/sheet"
)

var cst = time.FixedZone("CST", 8*3600)

func write(t *testing.T, s sheet.Sheet, more ...sheet.Sheet) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := sheet.Write(&buf, s, more...); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// numeric fails unless the cell holds a number (not text) equal to want.
func numeric(t *testing.T, f *excelize.File, name, ref string, want float64) {
	t.Helper()
	typ, err := f.GetCellType(name, ref)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s: cell type %v, want a number", ref, typ)
	}
	raw, _ := f.GetCellValue(name, ref, excelize.Options{RawCellValue: true})
	got, err := strconv.ParseFloat(raw, 64)
	if err != nil || got != want {
		t.Errorf("%s: %q, want %v", ref, raw, want)
	}
}

// format answers the number format of a cell: its custom format, or the
// built-in one's id.
func format(t *testing.T, f *excelize.File, name, ref string) (custom string, id int) {
	t.Helper()
	sid, err := f.GetCellStyle(name, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(sid)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		custom = *st.CustomNumFmt
	}
	return custom, st.NumFmt
}

// TestWriteCells writes one sheet of every kind of cell and reads it back:
// the title and the filter lines at the top, the header (bold, frozen) on
// the row after them, numbers numeric with their formats, a rate as 0.0%,
// a time as a date at its wall clock, text as text.
func TestWriteCells(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, cst)
	f := write(t, sheet.Sheet{Name: "案件", Title: "案件列表",
		Filters: []sheet.Line{{Label: "单位", Value: "肃州区"}, {Label: "Period", Value: "2026-11"}},
		Header:  []string{"编号", "件数", "平均", "办结率", "上报时间", "空"},
		Rows: [][]sheet.Cell{
			{sheet.Text("SZ20261127001"), sheet.Int(1234), sheet.Float(2.5), sheet.Rate(0.8125), sheet.Date(at), sheet.Text("")},
			{sheet.Text("00123"), sheet.Int(0), sheet.Float(0), sheet.NoRate(), sheet.Date(time.Time{}), {}},
		},
		Notes: []string{"列表已截断"}})
	const s = "案件"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != s {
		t.Fatalf("sheets %v", got)
	}
	want := map[string]string{"A1": "案件列表", "A2": "单位：肃州区", "A3": "Period: 2026-11", "A4": "编号", "F4": "空",
		"A5": "SZ20261127001", "A6": "00123", "D6": "—", "A7": "列表已截断"}
	for ref, w := range want {
		if got, _ := f.GetCellValue(s, ref); got != w {
			t.Errorf("%s: %q, want %q", ref, got, w)
		}
	}
	// The header: bold, and frozen with everything above it.
	sid, _ := f.GetCellStyle(s, "B4")
	if st, _ := f.GetStyle(sid); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("the header is not bold")
	}
	panes, err := f.GetPanes(s)
	if err != nil || !panes.Freeze || panes.YSplit != 4 || panes.TopLeftCell != "A5" {
		t.Errorf("panes %+v (%v), want frozen below row 4", panes, err)
	}
	// Text stays text, even when it looks like a number.
	if typ, _ := f.GetCellType(s, "A6"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("A6: type %v, want text", typ)
	}
	numeric(t, f, s, "B5", 1234)
	numeric(t, f, s, "C5", 2.5)
	numeric(t, f, s, "D5", 0.8125)
	numeric(t, f, s, "B6", 0)
	if _, id := format(t, f, s, "B5"); id != 3 {
		t.Errorf("B5: number format %d, want 3 (#,##0)", id)
	}
	if _, id := format(t, f, s, "C5"); id != 4 {
		t.Errorf("C5: number format %d, want 4 (#,##0.00)", id)
	}
	if custom, _ := format(t, f, s, "D5"); custom != "0.0%" {
		t.Errorf("D5: number format %q, want 0.0%%", custom)
	}
	if got, _ := f.GetCellValue(s, "D5"); got != "81.3%" {
		t.Errorf("D5 shows %q, want 81.3%%", got)
	}
	// The date: a number with the date format, at 09:30 of its own zone.
	if custom, _ := format(t, f, s, "E5"); custom != "yyyy-mm-dd hh:mm" {
		t.Errorf("E5: number format %q", custom)
	}
	raw, _ := f.GetCellValue(s, "E5", excelize.Options{RawCellValue: true})
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("E5: %q is no number", raw)
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil || got.Format("2006-01-02 15:04") != "2026-11-27 09:30" {
		t.Errorf("E5: %q is %v, want 2026-11-27 09:30", raw, got)
	}
	for _, ref := range []string{"F5", "E6", "F6"} {
		if v, _ := f.GetCellValue(s, ref); v != "" {
			t.Errorf("%s: %q, want empty", ref, v)
		}
	}
}

// TestWriteWidths fits each column to its widest content, a Chinese
// character counting twice, within bounds.
func TestWriteWidths(t *testing.T) {
	long := ""
	for range 100 {
		long += "长"
	}
	f := write(t, sheet.Sheet{Header: []string{"单位", "n", "x", "备注"},
		Rows: [][]sheet.Cell{{sheet.Text("肃州区住房和城乡建设局"), sheet.Int(7), sheet.Text("abcdefghijklmnopqrst"), sheet.Text(long)}}})
	s := f.GetSheetList()[0]
	for col, want := range map[string]float64{"A": 2*11 + 2, "B": 6, "C": 20 + 2, "D": 60} {
		if got, err := f.GetColWidth(s, col); err != nil || got != want {
			t.Errorf("column %s: width %v, want %v", col, got, want)
		}
	}
}

// TestWriteBook writes several sheets into one book, in order, with names
// made fit for a tab.
func TestWriteBook(t *testing.T) {
	f := write(t, sheet.Sheet{Name: "指标", Header: []string{"a"}, Rows: [][]sheet.Cell{{sheet.Int(1)}}},
		sheet.Sheet{Name: "下级/单位", Header: []string{"b"}, Rows: [][]sheet.Cell{{sheet.Int(2)}}},
		sheet.Sheet{Name: "指标", Header: []string{"c"}, Rows: [][]sheet.Cell{{sheet.Int(3)}}})
	got := f.GetSheetList()
	want := []string{"指标", "下级_单位", "指标(2)"}
	if len(got) != len(want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sheet %d: %q, want %q", i, got[i], want[i])
		}
		numeric(t, f, got[i], "A2", float64(i+1))
	}
}
