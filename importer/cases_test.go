package importer

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan"
)

func cst(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, pingan.CST)
}

// Both encodings of the same export: a title row, the aliases of a second
// hotline system, a position as 坐标, a cell over two lines.
func TestCasesCSV(t *testing.T) {
	for _, file := range []string{"testdata/cases_utf8bom.csv", "testdata/cases_gb18030.csv"} {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := Cases(f, file)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 {
				t.Fatalf("rows %+v", rows)
			}
			a, b := rows[0], rows[1]
			if a.Row != 3 || a.HotlineNo != "GD001" || !a.CalledAt.Equal(cst(2026, 3, 4, 9, 15, 0)) || a.Category != "邻里纠纷" ||
				a.Address != "肃州区东北街街道富康社区" || a.Location == nil || a.Location.Lng != 98.505 || a.Location.Lat != 39.755 ||
				a.Content != "楼上漏水" || a.Caller == nil || a.Caller.Name != "张三" || a.Caller.Phone != "13812345678" {
				t.Errorf("row 3: %+v %+v %+v", a, a.Location, a.Caller)
			}
			if b.Row != 4 || !b.CalledAt.Equal(cst(2026, 3, 5, 10, 20, 30)) || b.Location != nil || !strings.Contains(b.Content, "\n至今未恢复") {
				t.Errorf("row 4: %+v", b)
			}
		})
	}
}

// rowKeys answers the fields of an EINVALID error.
func rowKeys(t *testing.T, err error) map[string]string {
	t.Helper()
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != pingan.EINVALID {
		t.Fatalf("err %v, want EINVALID", err)
	}
	out := map[string]string{}
	for k, m := range pe.Fields {
		out[k] = m.Key
	}
	return out
}

// Rows are numbered as a spreadsheet shows them: a blank line is a row, a
// cell over several lines is one; bad times and positions are named by row.
func TestCasesCSVRowNumbers(t *testing.T) {
	csv := "工单号,来电时间,诉求类别,诉求地址,经度,纬度,诉求内容\n" +
		"A1,2026-03-04 09:15,邻里纠纷,富康社区,,,\"两\n行\"\n" + // rows 2
		"\n" + // row 3, blank
		"A2,昨天下午,邻里纠纷,富康社区,,,噪音\n" + // row 4: a time no one can read
		"A3,2026-02-30 10:00,邻里纠纷,,98.5,,噪音\n" + // row 5: 30 February; a longitude alone
		"A4,2026-03-04,邻里纠纷,,abc,39.7,噪音\n" // row 6
	_, err := Cases(strings.NewReader(csv), "x.csv")
	got := rowKeys(t, err)
	want := map[string]string{"rows[4].called_at": "caseimport.time.bad", "rows[5].called_at": "caseimport.time.bad",
		"rows[5].lng": "caseimport.location.bad", "rows[6].lng": "caseimport.location.bad"}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if n, text := RowField(pingan.ZH, "rows[5].lng"); n != 5 || text != "第 5 行「经纬度」" {
		t.Errorf("RowField: %d %q", n, text)
	}
}

// A missing column is named; so is a file without a header.
func TestCasesHeader(t *testing.T) {
	_, err := Cases(strings.NewReader("工单号,来电时间,诉求地址,诉求内容\nA1,2026-03-04 09:00,富康社区,x\n"), "x.csv")
	if got := rowKeys(t, err); got["file"] != "caseimport.header.column" {
		t.Errorf("fields %v", got)
	}
	var pe *pingan.Error
	errors.As(err, &pe)
	if m := pe.Fields["file"]; len(m.Args) != 1 || m.Args[0] != "诉求类别" {
		t.Errorf("message %+v, want the column 诉求类别 named", m)
	}
	_, err = Cases(strings.NewReader("a,b\n1,2\n"), "x.csv")
	if got := rowKeys(t, err); got["file"] != "caseimport.header.none" {
		t.Errorf("fields %v", got)
	}
	_, err = Cases(strings.NewReader("x"), "x.txt")
	if got := rowKeys(t, err); got["file"] != "caseimport.file.type" {
		t.Errorf("fields %v", got)
	}
}

// A workbook: the first sheet, a title row, the call time as an Excel date
// cell, the position in 经度 and 纬度.
func TestCasesXLSX(t *testing.T) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "市民服务热线工单")
	for i, h := range []string{"工单号", "来电时间", "诉求类别", "诉求地址", "经度", "纬度", "诉求内容", "来电人", "联系电话"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		set(cell, h)
	}
	set("A3", "GD100")
	set("B3", time.Date(2026, 3, 4, 9, 15, 0, 0, time.UTC)) // Excel keeps no zone: the wall clock
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	f.SetCellStyle(sh, "B3", "B3", style)
	set("C3", "邻里纠纷")
	set("E3", 98.505)
	set("F3", 39.755)
	set("G3", "楼上漏水")
	set("H3", "王五")
	set("I3", "13700001234")
	set("A4", "GD101")
	set("B4", "2026年3月5日 14时30分")
	set("C4", "物业纠纷")
	set("D4", "南苑社区")
	set("G4", "停水")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := Cases(&b, "12345.XLSX")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	if r := rows[0]; r.Row != 3 || !r.CalledAt.Equal(cst(2026, 3, 4, 9, 15, 0)) || r.Location == nil || r.Location.Lat != 39.755 || r.Caller.Phone != "13700001234" {
		t.Errorf("row 3: %+v", r)
	}
	if r := rows[1]; r.Row != 4 || !r.CalledAt.Equal(cst(2026, 3, 5, 14, 30, 0)) || r.Address != "南苑社区" || r.Caller != nil {
		t.Errorf("row 4: %+v", r)
	}
	if _, err := Cases(strings.NewReader("not a workbook"), "x.xlsx"); rowKeys(t, err)["file"] != "caseimport.file.unreadable" {
		t.Errorf("a broken workbook: %v", err)
	}
}

func TestParseCallTime(t *testing.T) {
	for s, want := range map[string]time.Time{
		"2026-03-04 09:15":          cst(2026, 3, 4, 9, 15, 0),
		"2026-03-04 09:15:05":       cst(2026, 3, 4, 9, 15, 5),
		"2026/3/4 9:15":             cst(2026, 3, 4, 9, 15, 0),
		"2026.3.4":                  cst(2026, 3, 4, 0, 0, 0),
		"2026年3月4日 9时15分":           cst(2026, 3, 4, 9, 15, 0),
		"46085.385416666664":        cst(2026, 3, 4, 9, 15, 0),
		"2026-03-04T09:15:00+08:00": cst(2026, 3, 4, 9, 15, 0),
	} {
		got, ok := ParseCallTime(s)
		if !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "昨天", "2026-13-01", "2026-02-29 10:00", "2026-03-04 25:00", "0"} {
		if got, ok := ParseCallTime(s); ok {
			t.Errorf("%q read as %v", s, got)
		}
	}
}
