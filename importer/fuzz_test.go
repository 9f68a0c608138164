package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan/internal/fuzzcheck"
)

// The readers of uploaded tables: a 12345 export as CSV and as XLSX
// (Cases) and the unit table (Units). They never panic, and refuse with
// the domain's error naming the file, the row or the cell.

func FuzzCasesCSV(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("工单号,来电时间,诉求内容\nGD1,2026-03-04 09:15,楼上漏水\nGD2,昨天,\"未闭合"))
	f.Add([]byte("\xef\xbb\xbf工单号,经度,纬度\nGD1,abc,91\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := Cases(bytes.NewReader(b), "export.csv"); err != nil {
			fuzzcheck.Refusal(t, err)
		}
	})
}

func FuzzCasesXLSX(f *testing.F) {
	x := excelize.NewFile()
	sh := x.GetSheetName(0)
	for i, row := range [][]any{{"市民服务热线工单"}, {"工单号", "来电时间", "诉求类别", "经度", "纬度", "诉求内容", "来电人", "联系电话"},
		{"GD100", "2026-03-04 09:15", "邻里纠纷", 98.505, 39.755, "楼上漏水", "王五", "13700001234"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sh, cell, &row); err != nil {
			f.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04 not a workbook"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := Cases(bytes.NewReader(b), "export.xlsx"); err != nil {
			fuzzcheck.Refusal(t, err)
		}
	})
}

func FuzzUnits(f *testing.F) {
	f.Add("code,name,level,parent_code\n620902,肃州区,county,620900\n620902001000,东北街街道,township,620902\n")
	f.Add("\ufeffname,code,parent_code,level\n富康社区,620902001001,620902001000,village\n")
	f.Add("code,name\n1,2\n")
	f.Add("code,name,level,parent_code\n\"620902,肃州区,county,\n")
	f.Add("code,name,level,parent_code\n620902,,planet,620902\n620902,x,county,\n")
	f.Fuzz(func(t *testing.T, text string) {
		units, err := Units(strings.NewReader(text))
		if err != nil {
			fuzzcheck.Refusal(t, err)
			return
		}
		for _, u := range units {
			if u.Code == "" {
				t.Fatalf("a unit without a code: %+v", u)
			}
		}
	})
}
