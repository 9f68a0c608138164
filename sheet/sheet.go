// Package sheet writes tables as Excel workbooks (XLSX) for people who
// paste pingan's numbers into their own reports: a title, the filters the
// table was read with as lines at the top ("单位：肃州区"), a bold header
// row frozen below them, and rows whose cells keep their type — numbers as
// numbers, rates as percentages, times as dates, text as text — in columns
// as wide as their content (a Chinese character counts twice).
//
// The package knows nothing of cases or statistics: the callers (the web
// pages, the JSON API) build the Sheets, in the reader's language, from
// what the services answer.
package sheet

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet is one table of a workbook.
type Sheet struct {
	// Name is the sheet's tab (at most 31 characters; []:*?/\ are
	// replaced); "Sheet" and its number when empty.
	Name string
	// Title is the first line, bold; none when empty.
	Title string
	// Filters are the lines under the title: what the table counts.
	Filters []Line
	// Header names the columns.
	Header []string
	// Rows are the table's rows, a cell per column.
	Rows [][]Cell
	// Notes are lines after the rows (e.g. that the list was cut).
	Notes []string
}

// Line is a filter line: "Label：Value".
type Line struct{ Label, Value string }

// kind is what a Cell holds.
type kind int

const (
	empty kind = iota
	text
	integer
	float
	rate
	date
)

// Cell is a value of a row. The zero Cell is an empty cell.
type Cell struct {
	k kind
	s string
	n float64
	i int64
	t time.Time
}

// Text is a text cell; an empty string leaves the cell empty.
func Text(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{k: text, s: s}
}

// Int is a whole number, shown with thousands separators.
func Int[N ~int | ~int64 | ~int32](n N) Cell { return Cell{k: integer, i: int64(n)} }

// Float is a number shown with two decimals.
func Float(f float64) Cell { return Cell{k: float, n: f} }

// Rate is a fraction (0.5) shown as a percentage with one decimal (50.0%).
func Rate(f float64) Cell { return Cell{k: rate, n: f} }

// NoRate is a rate with nothing to count: shown as "—".
func NoRate() Cell { return Cell{k: text, s: "—"} }

// Date is a point in time shown as yyyy-mm-dd hh:mm at its own wall clock
// (give it in China Standard Time); the zero time leaves the cell empty.
func Date(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{k: date, t: t}
}

// The number formats of the cells.
const (
	fmtInt   = 3 // #,##0
	fmtFloat = 4 // #,##0.00
	fmtRate  = "0.0%"
	fmtDate  = "yyyy-mm-dd hh:mm"
)

// Widths of columns, in characters.
const (
	minWidth = 6
	maxWidth = 60
)

// styles are the style ids of a workbook.
type styles struct {
	title, header, integer, float, rate, date int
}

// Write writes s, and the further sheets more, as one workbook to w.
func Write(w io.Writer, s Sheet, more ...Sheet) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, sh := range append([]Sheet{s}, more...) {
		name := sheetName(sh.Name, i+1, used)
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, name, sh, st); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	rateFmt, dateFmt := fmtRate, fmtDate
	for _, x := range []struct {
		id *int
		s  *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7ECF2"}},
			Border: []excelize.Border{{Type: "bottom", Color: "7F8C99", Style: 1}}}},
		{&st.integer, &excelize.Style{NumFmt: fmtInt}},
		{&st.float, &excelize.Style{NumFmt: fmtFloat}},
		{&st.rate, &excelize.Style{CustomNumFmt: &rateFmt}},
		{&st.date, &excelize.Style{CustomNumFmt: &dateFmt}},
	} {
		id, err := f.NewStyle(x.s)
		if err != nil {
			return st, err
		}
		*x.id = id
	}
	return st, nil
}

// sheetName answers name fit for a sheet's tab, unique in the book.
func sheetName(name string, n int, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Sheet" + strconv.Itoa(n)
	}
	if utf8.RuneCountInString(name) > 31 {
		name = string([]rune(name)[:31])
	}
	base := name
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := "(" + strconv.Itoa(i) + ")"
		r := []rune(base)
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		name = string(r) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// writeSheet streams sh into the sheet name of f.
func writeSheet(f *excelize.File, name string, sh Sheet, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	cols := len(sh.Header)
	for _, r := range sh.Rows {
		cols = max(cols, len(r))
	}
	// The widths first: a stream writes them before the rows.
	widths := make([]int, cols)
	for i, h := range sh.Header {
		widths[i] = textWidth(h)
	}
	for _, r := range sh.Rows {
		for i, c := range r {
			widths[i] = max(widths[i], c.width())
		}
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd+2, minWidth), maxWidth))); err != nil {
			return err
		}
	}
	// The header and everything above it stay in sight while scrolling
	// (a stream sets the panes before the rows).
	row := 1
	if header := len(sh.Filters) + 1 + min(len(sh.Title), 1); len(sh.Header) > 0 {
		below := cell(1, header+1)
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: below, ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}}}); err != nil {
			return err
		}
	}
	if sh.Title != "" {
		if err := sw.SetRow(cell(1, row), []any{excelize.Cell{StyleID: st.title, Value: sh.Title}}); err != nil {
			return err
		}
		row++
	}
	for _, l := range sh.Filters {
		if err := sw.SetRow(cell(1, row), []any{l.String()}); err != nil {
			return err
		}
		row++
	}
	if len(sh.Header) > 0 {
		vals := make([]any, len(sh.Header))
		for i, h := range sh.Header {
			vals[i] = excelize.Cell{StyleID: st.header, Value: h}
		}
		if err := sw.SetRow(cell(1, row), vals); err != nil {
			return err
		}
		row++
	}
	for _, r := range sh.Rows {
		vals := make([]any, len(r))
		for i, c := range r {
			vals[i] = c.value(st)
		}
		if err := sw.SetRow(cell(1, row), vals); err != nil {
			return err
		}
		row++
	}
	for _, n := range sh.Notes {
		if err := sw.SetRow(cell(1, row), []any{n}); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

// String is the line as written: "单位：肃州区", "Unit: Suzhou".
func (l Line) String() string {
	if l.Label == "" {
		return l.Value
	}
	sep := ": "
	if r, _ := utf8.DecodeLastRuneInString(l.Label); wide(r) {
		sep = "："
	}
	return l.Label + sep + l.Value
}

// value answers c as the stream writer takes it.
func (c Cell) value(st styles) any {
	switch c.k {
	case text:
		return c.s
	case integer:
		return excelize.Cell{StyleID: st.integer, Value: c.i}
	case float:
		if math.IsNaN(c.n) || math.IsInf(c.n, 0) {
			return nil
		}
		return excelize.Cell{StyleID: st.float, Value: c.n}
	case rate:
		if math.IsNaN(c.n) || math.IsInf(c.n, 0) {
			return nil
		}
		return excelize.Cell{StyleID: st.rate, Value: c.n}
	case date:
		// The wall clock of the time's own zone.
		t := time.Date(c.t.Year(), c.t.Month(), c.t.Day(), c.t.Hour(), c.t.Minute(), c.t.Second(), 0, time.UTC)
		return excelize.Cell{StyleID: st.date, Value: t}
	}
	return nil
}

// width answers the characters c takes as shown.
func (c Cell) width() int {
	switch c.k {
	case text:
		return textWidth(c.s)
	case integer:
		s := strconv.FormatInt(c.i, 10)
		return len(s) + (len(s)-1)/3 // with the separators
	case float:
		s := strconv.FormatFloat(c.n, 'f', 2, 64)
		return len(s) + (len(s)-4)/3
	case rate:
		return len(strconv.FormatFloat(c.n*100, 'f', 1, 64)) + 1
	case date:
		return len(fmtDate)
	}
	return 0
}

// textWidth answers the width of s in characters, a wide (CJK) character
// counting two; of a text of several lines, its longest.
func textWidth(s string) int {
	best := 0
	for line := range strings.SplitSeq(s, "\n") {
		n := 0
		for _, r := range line {
			n++
			if wide(r) {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// wide reports whether r takes two columns: Han, kana, Hangul, the CJK
// punctuation and the full-width forms.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6
}

func cell(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err) // col and row are at least 1
	}
	return name
}

// MediaType is the media type of an XLSX workbook (Content-Type).
const MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Attachment answers the Content-Disposition that downloads a workbook as
// file: the name in UTF-8 after RFC 5987 (filename*=UTF-8”…), and an
// ASCII one beside it for clients that read only that (the name's ASCII
// characters, "export" when none are left before the date).
func Attachment(file string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' || r == ';' {
			return -1
		}
		return r
	}, file)
	if strings.HasPrefix(ascii, "-") || strings.HasPrefix(ascii, ".") {
		ascii = "export" + ascii
	}
	var enc strings.Builder
	for _, b := range []byte(file) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, enc.String())
}
