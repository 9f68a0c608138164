package importer

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/pingan-gov/pingan"
)

// MaxCaseFileBytes bounds a file of work orders.
const MaxCaseFileBytes = 64 << 20

// caseColumn is a column of the 12345 export form (工单) and the header
// texts it is known by: the exports of different hotline systems name the
// same column differently.
type caseColumn struct {
	key     string // the field of errors: rows[N].key
	aliases []string
}

var caseColumns = []caseColumn{
	{"hotline_no", []string{"工单编号", "工单号", "编号", "工单号码", "hotline_no"}},
	{"called_at", []string{"来电时间", "受理时间", "时间", "登记时间", "called_at"}},
	{"category", []string{"诉求类别", "事项分类", "类别", "诉求分类", "category"}},
	{"address", []string{"诉求地址", "事发地址", "地址", "事发地点", "address"}},
	{"lng", []string{"经度", "lng", "longitude"}},
	{"lat", []string{"纬度", "lat", "latitude"}},
	{"location", []string{"坐标", "位置", "location"}},
	{"content", []string{"诉求内容", "内容", "问题描述", "content"}},
	{"caller", []string{"来电人", "联系人", "姓名", "来电人姓名", "caller"}},
	{"phone", []string{"联系电话", "电话", "手机", "来电号码", "phone"}},
}

// caseColumnOf answers the column a header text names, or "".
func caseColumnOf(h string) string {
	h = strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(h, "\ufeff")), ""))
	for _, c := range caseColumns {
		for _, a := range c.aliases {
			if h == a {
				return c.key
			}
		}
	}
	return ""
}

// headerRows is how far down the header may be: exports put a title row
// (and a line of filters) above it.
const headerRows = 5

// Cases reads the work orders of a 12345 export: an XLSX workbook (its
// first sheet) or a CSV file (UTF-8 with or without a BOM, or GB18030 as
// Chinese Excel saves it), chosen by name's extension. The header is found
// in the first five rows by its names and their common aliases; a missing
// column is named (field file). Every bad cell is named by its row as a
// spreadsheet shows it and its column (rows[N].column); nothing is answered
// unless every row reads.
func Cases(r io.Reader, name string) ([]pingan.CaseImportRow, error) {
	var table [][]string
	var rowNo []int // each record's row as a spreadsheet numbers it
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		f, err := excelize.OpenReader(io.LimitReader(r, MaxCaseFileBytes))
		if err != nil {
			return nil, pingan.Invalidf("file", "caseimport.file.unreadable")
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, pingan.Invalidf("file", "caseimport.file.unreadable")
		}
		if table, err = f.GetRows(sheets[0], excelize.Options{RawCellValue: true}); err != nil {
			return nil, pingan.Invalidf("file", "caseimport.file.unreadable")
		}
		for i := range table {
			rowNo = append(rowNo, i+1)
		}
	case ".csv":
		b, err := io.ReadAll(io.LimitReader(r, MaxCaseFileBytes+1))
		if err != nil {
			return nil, err
		}
		if len(b) > MaxCaseFileBytes {
			return nil, pingan.Invalidf("file", "caseimport.file.large", MaxCaseFileBytes>>20)
		}
		if table, rowNo, err = readCSV(b); err != nil {
			return nil, err
		}
	default:
		return nil, pingan.Invalidf("file", "caseimport.file.type", filepath.Ext(name))
	}
	return caseRows(table, rowNo)
}

// DecodeText answers b as UTF-8: without its BOM, or decoded from GB18030
// (which covers GBK and GB2312) when it is not valid UTF-8.
func DecodeText(b []byte) ([]byte, error) {
	if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
		return rest, nil
	}
	if utf8.Valid(b) {
		return b, nil
	}
	return simplifiedchinese.GB18030.NewDecoder().Bytes(b)
}

// readCSV answers the records of a CSV file and the row each starts on as
// a spreadsheet shows it: a blank line is a row, a cell over several
// lines is one.
func readCSV(b []byte) ([][]string, []int, error) {
	b, err := DecodeText(b)
	if err != nil {
		return nil, nil, pingan.Invalidf("file", "caseimport.file.encoding")
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var table [][]string
	var rows []int
	row, end := 0, 0 // the last record's row and its last line
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		row += line - end // the blank lines between are rows too
		end = line
		for _, f := range rec {
			end += strings.Count(f, "\n")
		}
		table, rows = append(table, rec), append(rows, row)
	}
	return table, rows, nil
}

// caseRows reads the table: its header, then a work order a row.
func caseRows(table [][]string, rowNo []int) ([]pingan.CaseImportRow, error) {
	col := map[string]int{}
	start := -1
	for i := 0; i < len(table) && i < headerRows; i++ {
		found := map[string]int{}
		for j, cell := range table[i] {
			if k := caseColumnOf(cell); k != "" {
				if _, dup := found[k]; !dup {
					found[k] = j
				}
			}
		}
		if len(found) >= 3 {
			col, start = found, i+1
			break
		}
	}
	if start < 0 {
		return nil, pingan.Invalidf("file", "caseimport.header.none")
	}
	var v pingan.Invalid
	for _, need := range []struct{ key, name string }{{"hotline_no", "工单号"}, {"called_at", "来电时间"},
		{"category", "诉求类别"}, {"content", "诉求内容"}} {
		if _, ok := col[need.key]; !ok {
			v.Add("file", "caseimport.header.column", need.name)
		}
	}
	_, hasAddr := col["address"]
	_, hasLoc := col["location"]
	_, hasLng := col["lng"]
	_, hasLat := col["lat"]
	if hasLng != hasLat {
		v.Add("file", "caseimport.header.lnglat")
	}
	if !hasAddr && !hasLoc && !(hasLng && hasLat) {
		v.Add("file", "caseimport.header.place")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []pingan.CaseImportRow
	for i := start; i < len(table); i++ {
		rec := table[i]
		get := func(k string) string {
			if j, ok := col[k]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		n := rowNo[i]
		f := func(k string) string { return "rows[" + strconv.Itoa(n) + "]." + k }
		r := pingan.CaseImportRow{Row: n, HotlineNo: get("hotline_no"), Category: get("category"),
			Address: get("address"), Content: get("content")}
		if r.HotlineNo == "" {
			v.Add(f("hotline_no"), "field.required")
		}
		if r.Category == "" {
			v.Add(f("category"), "field.required")
		}
		if r.Content == "" {
			v.Add(f("content"), "field.required")
		}
		if s := get("called_at"); s == "" {
			v.Add(f("called_at"), "field.required")
		} else if t, ok := ParseCallTime(s); ok {
			r.CalledAt = t
		} else {
			v.Add(f("called_at"), "caseimport.time.bad", s)
		}
		loc, field, bad := location(get("location"), get("lng"), get("lat"))
		if bad != "" {
			v.Add(f(field), "caseimport.location.bad", bad)
		}
		r.Location = loc
		if r.Location == nil && r.Address == "" && bad == "" {
			v.Add(f("address"), "caseimport.place.none")
		}
		if name, phone := get("caller"), get("phone"); name != "" || phone != "" {
			r.Caller = &pingan.Person{Role: "reporter", Name: name, Phone: phone}
		}
		out = append(out, r)
		if len(out) > pingan.MaxCaseImportRows {
			return nil, pingan.Invalidf("file", "caseimport.rows.many", pingan.MaxCaseImportRows)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, pingan.Invalidf("file", "caseimport.rows.none")
	}
	return out, nil
}

// location reads a position from 坐标 ("lng,lat") or 经度 and 纬度: nil
// when none is given; the column and the text when one is no position.
func location(both, lng, lat string) (*pingan.Location, string, string) {
	field := "location"
	if both == "" {
		if lng == "" && lat == "" {
			return nil, "", ""
		}
		both, field = lng+","+lat, "lng"
		if lng == "" || lat == "" {
			return nil, field, both
		}
	}
	parts := strings.FieldsFunc(both, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == ';' })
	if len(parts) != 2 {
		return nil, field, both
	}
	x, err1 := strconv.ParseFloat(parts[0], 64)
	y, err2 := strconv.ParseFloat(parts[1], 64)
	if err1 != nil || err2 != nil || math.IsNaN(x) || math.IsNaN(y) || x < -180 || x > 180 || y < -90 || y > 90 || (x == 0 && y == 0) {
		return nil, field, both
	}
	return &pingan.Location{Lat: y, Lng: x}, "", ""
}

var zhDate = strings.NewReplacer("年", "-", "月", "-", "日", " ", "时", ":", "分", "", "/", "-", ".", "-", "T", " ")

var dateTime = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$`)

// ParseCallTime reads a call time in the forms exports use, in China
// Standard Time: 2026-03-04 09:15[:05], 2026/3/4 9:15, 2026年3月4日 9时15分,
// a date alone, or an Excel serial date (46085.385).
func ParseCallTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
		if f < 1 || f > 2958465 {
			return time.Time{}, false
		}
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, pingan.CST)
		return base.Add(time.Duration(math.Round(f*86400)) * time.Second), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(pingan.CST), true
	}
	m := dateTime.FindStringSubmatch(strings.TrimSpace(zhDate.Replace(s)))
	if m == nil {
		return time.Time{}, false
	}
	n := make([]int, 7)
	for i := 1; i <= 6; i++ {
		n[i], _ = strconv.Atoi(m[i])
	}
	if n[2] < 1 || n[2] > 12 || n[3] < 1 || n[3] > 31 || n[4] > 23 || n[5] > 59 || n[6] > 59 {
		return time.Time{}, false
	}
	t := time.Date(n[1], time.Month(n[2]), n[3], n[4], n[5], n[6], 0, pingan.CST)
	if t.Day() != n[3] { // 2 月 30 日
		return time.Time{}, false
	}
	return t, true
}

// RowField says a field of an import's error in words: rows[3].category →
// 第 3 行「诉求类别」; a field of the file as it is.
func RowField(lang pingan.Lang, k string) (row int, text string) {
	rest, ok := strings.CutPrefix(k, "rows[")
	if !ok {
		return 0, pingan.Text(lang, "caseimport.field.file")
	}
	n, field, _ := strings.Cut(rest, "].")
	row, _ = strconv.Atoi(n)
	return row, pingan.Text(lang, "caseimport.row", row, pingan.Text(lang, "caseimport.col."+field))
}
