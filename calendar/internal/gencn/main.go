// Command gencn converts the holiday data of the npm package chinese-days
// (file dist/chinese-days.json) into the project's own data file
// calendar/cn.json (节假日数据文件).
//
// Usage, from the repository root:
//
//	go run ./calendar/internal/gencn node_modules/chinese-days/dist/chinese-days.json > calendar/cn.json
//
// The input has three objects keyed by date "YYYY-MM-DD" with values
// "English name,中文名,N": "holidays" (statutory days off, 放假),
// "workdays" (make-up working days on a weekend, 调休上班) and "inLieuDays"
// (weekdays given off in exchange, 调休休息). The in-lieu days are all
// holidays as well, so they carry no extra information and are dropped.
//
// Days are grouped by their own calendar year, not by the year of the notice
// that announced them: a notice for year N sometimes places days off or
// make-up working days at the end of December of year N-1.
//
// The package's name and version are read from the package.json next to the
// dist directory when present; -source overrides the whole source line.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	source := flag.String("source", "", "text for the \"source\" field (default: derived from package.json)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gencn [-source TEXT] PATH/TO/chinese-days.json > calendar/cn.json")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if *source == "" {
		*source = sourceLine(packageVersion(path))
	}
	out, years, err := convert(raw, *source)
	if err != nil {
		fail(err)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "gencn: wrote years %d-%d\n", years[0], years[len(years)-1])
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gencn:", err)
	os.Exit(1)
}

// packageVersion returns "chinese-days 1.5.7" from the package.json beside
// the dist directory, or "chinese-days" when it cannot be read.
func packageVersion(jsonPath string) string {
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(jsonPath), "..", "package.json"))
	if err != nil {
		return "chinese-days"
	}
	var pkg struct{ Name, Version string }
	if json.Unmarshal(raw, &pkg) != nil || pkg.Name == "" || pkg.Version == "" {
		return "chinese-days"
	}
	return pkg.Name + " " + pkg.Version
}

func sourceLine(pkg string) string {
	return "State Council General Office yearly notices on holiday arrangements " +
		"(国务院办公厅关于部分节假日安排的通知), as collected by the npm package " +
		pkg + " (MIT licence, https://github.com/vsme/chinese-days)"
}

// Output mirrors the format read by package calendar.
type output struct {
	Source string          `json:"source"`
	Years  map[string]year `json:"years"`
}

type year struct {
	Holidays map[string]string `json:"holidays"` // date -> holiday name (放假)
	Workdays map[string]string `json:"workdays"` // date -> holiday made up for (调休上班)
}

// convert turns chinese-days.json into cn.json. It returns the file and the
// sorted list of years it covers; the years must be contiguous.
func convert(raw []byte, source string) ([]byte, []int, error) {
	var in struct {
		Holidays   map[string]string `json:"holidays"`
		Workdays   map[string]string `json:"workdays"`
		InLieuDays map[string]string `json:"inLieuDays"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&in); err != nil {
		return nil, nil, fmt.Errorf("decode input: %w", err)
	}
	if len(in.Holidays) == 0 {
		return nil, nil, fmt.Errorf("input has no holidays")
	}
	out := output{Source: source, Years: map[string]year{}}
	get := func(date string) (year, error) {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return year{}, fmt.Errorf("bad date %q: %w", date, err)
		}
		key := strconv.Itoa(d.Year())
		y, ok := out.Years[key]
		if !ok {
			y = year{Holidays: map[string]string{}, Workdays: map[string]string{}}
			out.Years[key] = y
		}
		return y, nil
	}
	for date, v := range in.Holidays {
		name, err := chineseName(v)
		if err != nil {
			return nil, nil, fmt.Errorf("holiday %s: %w", date, err)
		}
		y, err := get(date)
		if err != nil {
			return nil, nil, err
		}
		y.Holidays[date] = name
	}
	for date, v := range in.Workdays {
		name, err := chineseName(v)
		if err != nil {
			return nil, nil, fmt.Errorf("workday %s: %w", date, err)
		}
		if _, clash := in.Holidays[date]; clash {
			return nil, nil, fmt.Errorf("%s is both a holiday and a make-up working day", date)
		}
		d, _ := time.Parse(time.DateOnly, date)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return nil, nil, fmt.Errorf("make-up working day %s is a %s, not a weekend day", date, wd)
		}
		y, err := get(date)
		if err != nil {
			return nil, nil, err
		}
		y.Workdays[date] = name
	}
	for date := range in.InLieuDays {
		if _, ok := in.Holidays[date]; !ok {
			return nil, nil, fmt.Errorf("in-lieu day %s is not listed as a holiday", date)
		}
	}
	var years []int
	for k := range out.Years {
		n, _ := strconv.Atoi(k)
		years = append(years, n)
	}
	sort.Ints(years)
	for i := 1; i < len(years); i++ {
		if years[i] != years[i-1]+1 {
			return nil, nil, fmt.Errorf("no data for %d (years must be contiguous)", years[i-1]+1)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), years, nil
}

// chineseName picks 中文名 out of "English name,中文名,N". It counts from
// the end, so an English name containing a comma does no harm.
func chineseName(v string) (string, error) {
	parts := strings.Split(v, ",")
	if len(parts) < 3 || strings.TrimSpace(parts[len(parts)-2]) == "" {
		return "", fmt.Errorf("value %q is not \"English,中文,N\"", v)
	}
	return strings.TrimSpace(parts[len(parts)-2]), nil
}
