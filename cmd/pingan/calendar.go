package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

const calendarUsage = `用法 (usage):
  pingan calendar due --from TIME --days N --unit working|calendar|hours [--db …]
  pingan calendar import FILE [--year YYYY] [--preview] [--db …]
  pingan calendar show YEAR [--db …]`

// calendarCmd runs the calendar subcommands: deadline arithmetic, entering
// a year's holiday arrangement, showing one.
func (e *cmdEnv) calendarCmd(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", calendarUsage)
	}
	switch args[0] {
	case "due":
		return e.calendarDue(args[1:])
	case "import":
		return e.calendarImport(args[1:])
	case "show":
		return e.calendarShow(args[1:])
	}
	return fmt.Errorf("未知的 calendar 子命令 (unknown subcommand) %q\n%s", args[0], calendarUsage)
}

// calendarOf answers the calendar in force for the database of f: the
// shipped data with the years entered there. Without a database (no --db,
// and no database file in the data directory) it is the shipped data.
func (e *cmdEnv) calendarOf(f dbFlags) (*calendar.Calendar, func(), error) {
	if f.db == "" {
		if _, err := os.Stat(f.dsn()); err != nil {
			return calendar.Official(), func() {}, nil
		}
	}
	db, err := f.open(e.ctx, pingan.SystemClock, false)
	if err != nil {
		return nil, nil, err
	}
	return db.Calendar.Calendar(), func() { db.Close() }, nil
}

// calendarDue prints a deadline counted on the calendar in force.
func (e *cmdEnv) calendarDue(args []string) error {
	var f dbFlags
	var from, unit string
	var days int
	fs := flag.NewFlagSet("calendar due", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&from, "from", "", "起算时间 (start), RFC 3339 or 2006-01-02 15:04 or 2006-01-02, +08:00")
	fs.IntVar(&days, "days", 0, "期限数量 (how many units)")
	fs.StringVar(&unit, "unit", "working", "working | calendar | hours")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	start, err := parseTime(from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	u, err := calendar.ParseUnit(unit)
	if err != nil {
		return fmt.Errorf("--unit: %w", err)
	}
	if days <= 0 {
		return fmt.Errorf("--days 须为正整数 (must be a positive number), got %d", days)
	}
	cal, done, err := e.calendarOf(f)
	if err != nil {
		return err
	}
	defer done()
	due, err := cal.Due(start, days, u)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, due.Format(time.RFC3339))
	if u != calendar.Hours && cal.Provisional(due) {
		fmt.Fprintf(e.stderr, "注意：%d 年的节假日安排尚未录入，此期限按法定节假日暂定，录入通知后会重新计算 (provisional: that year's arrangement has not been entered)\n", due.Year())
	}
	return nil
}

// calendarImport enters a year's arrangement from the State Council's
// notice (plain text) or from JSON, and recounts the open deadlines.
func (e *cmdEnv) calendarImport(args []string) error {
	var f dbFlags
	var year int
	var preview bool
	fs := flag.NewFlagSet("calendar import", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&year, "year", 0, "通知所属年份；缺省时从标题读取 (the year of the notice; read from its title when omitted)")
	fs.BoolVar(&preview, "preview", false, "只预览将要调整的期限，不写入 (show what would change, write nothing)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法 (usage): pingan calendar import FILE [--year YYYY] [--preview] [--db …]")
	}
	var data []byte
	if pos[0] == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return err
	}
	years, err := readArrangement(data, year)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	db, err := f.open(e.ctx, pingan.SystemClock, true)
	if err != nil {
		return err
	}
	defer db.Close()
	rc, err := db.Calendar.EnterHolidayYears(e.ctx, nil, years, preview)
	if err != nil {
		return err
	}
	verb := "已录入 (entered)"
	if preview {
		verb = "预览，未写入 (preview, nothing written)"
	}
	for _, y := range years {
		fmt.Fprintf(e.stderr, "%s %d 年：放假 %d 天，调休上班 %d 天\n", verb, y.Year, len(y.Holidays), len(y.Workdays))
	}
	fmt.Fprintf(e.stderr, "检查未结案件 %d 件，调整期限 %d 个（%d 件案件），无法按时间线重算而保留原值 %d 个 (examined %d open cases, moved %d deadlines of %d cases, kept %d)\n",
		rc.Examined, rc.Moved, rc.Cases, rc.Kept, rc.Examined, rc.Moved, rc.Cases, rc.Kept)
	for _, ch := range rc.Changes {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", ch.CaseID, ch.Field,
			ch.From.In(pingan.CST).Format(time.RFC3339), ch.To.In(pingan.CST).Format(time.RFC3339))
	}
	return nil
}

// readArrangement reads a notice's text, or JSON: one year
// {"year": 2027, "holidays": {…}, "workdays": {…}}, or the shape of
// calendar/cn.json {"years": {"2027": {"holidays": …, "workdays": …}}}.
func readArrangement(data []byte, year int) ([]*pingan.HolidayYear, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		return readArrangementJSON(t, year)
	}
	n, err := calendar.ParseNotice(string(data), year)
	if err != nil {
		return nil, err
	}
	if len(n.Problems) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "通知有 %d 处无法读取或有误，未录入任何内容 (nothing entered):", len(n.Problems))
		for _, p := range n.Problems {
			fmt.Fprintf(&b, "\n  第 %d 行 (line %d): %s\n    %s", p.Line, p.Line, p.Reason, p.Text)
		}
		return nil, fmt.Errorf("%s", b.String())
	}
	text := string(data)
	var out []*pingan.HolidayYear
	for _, y := range slices.Sorted(maps.Keys(n.Days)) {
		d := n.Days[y]
		out = append(out, &pingan.HolidayYear{Year: y, Holidays: d.Holidays, Workdays: d.Workdays, Notice: text})
	}
	return out, nil
}

func readArrangementJSON(data []byte, year int) ([]*pingan.HolidayYear, error) {
	var one struct {
		Year     int                      `json:"year"`
		Holidays map[string]string        `json:"holidays"`
		Workdays map[string]string        `json:"workdays"`
		Years    map[string]calendar.Year `json:"years"`
		Source   string                   `json:"source"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&one); err != nil {
		return nil, fmt.Errorf("JSON 无法读取 (unreadable JSON): %w", err)
	}
	var out []*pingan.HolidayYear
	if len(one.Years) > 0 {
		for _, k := range slices.Sorted(maps.Keys(one.Years)) {
			y, err := strconv.Atoi(k)
			if err != nil {
				return nil, fmt.Errorf("年份 %q 不是数字 (the year key is not a number)", k)
			}
			if year != 0 && y != year {
				continue
			}
			out = append(out, &pingan.HolidayYear{Year: y, Holidays: one.Years[k].Holidays, Workdays: one.Years[k].Workdays})
		}
	} else {
		if one.Year == 0 {
			one.Year = year
		}
		if one.Year == 0 {
			return nil, fmt.Errorf("JSON 中没有年份：请给出 \"year\" 或用 --year (no year: give \"year\" or --year)")
		}
		out = append(out, &pingan.HolidayYear{Year: one.Year, Holidays: one.Holidays, Workdays: one.Workdays})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("JSON 中没有 %d 年的安排 (no arrangement for the year)", year)
	}
	return out, nil
}

// calendarShow prints one year: where its days come from, and each month
// as a grid with 休 for a day off and 班 for a make-up working day.
func (e *cmdEnv) calendarShow(args []string) error {
	var f dbFlags
	fs := flag.NewFlagSet("calendar show", flag.ContinueOnError)
	f.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法 (usage): pingan calendar show YEAR [--db …]")
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil {
		return fmt.Errorf("年份应为数字，如 2027 (the year must be a number): %q", pos[0])
	}
	cal, done, err := e.calendarOf(f)
	if err != nil {
		return err
	}
	defer done()
	if !cal.Covers(year) {
		return fmt.Errorf("工作日历不包含 %d 年 (the calendar does not cover %d)", year, year)
	}
	w := e.stdout
	if cal.IsProvisional(year) {
		fmt.Fprintf(w, "%d 年：暂定（尚未录入国务院节假日安排，按《全国年节及纪念日放假办法》的法定节假日计算，不含调休）\n", year)
		fmt.Fprintf(w, "%d: provisional (statutory holidays only, no make-up working days)\n\n", year)
	} else {
		fmt.Fprintf(w, "%d 年：国务院节假日安排 (official arrangement)\n\n", year)
	}
	fmt.Fprint(w, monthGrids(cal, year))
	arr := cal.Arrangement(year)
	fmt.Fprintln(w, "\n放假 (days off):")
	for _, d := range slices.Sorted(maps.Keys(arr.Holidays)) {
		fmt.Fprintf(w, "  %s %s\n", d, arr.Holidays[d])
	}
	if len(arr.Workdays) > 0 {
		fmt.Fprintln(w, "调休上班 (make-up working days):")
		for _, d := range slices.Sorted(maps.Keys(arr.Workdays)) {
			fmt.Fprintf(w, "  %s %s\n", d, arr.Workdays[d])
		}
	}
	return nil
}

// monthGrids draws the twelve months of year, Monday first.
func monthGrids(cal *calendar.Calendar, year int) string {
	arr := cal.Arrangement(year)
	var b strings.Builder
	for m := time.January; m <= time.December; m++ {
		fmt.Fprintf(&b, "%d 月\n 一  二  三  四  五  六  日\n", m)
		first := time.Date(year, m, 1, 0, 0, 0, 0, pingan.CST)
		b.WriteString(strings.Repeat("    ", (int(first.Weekday())+6)%7))
		for d := first; d.Month() == m; d = d.AddDate(0, 0, 1) {
			mark := " "
			key := d.Format(time.DateOnly)
			switch {
			case arr.Holidays[key] != "":
				mark = "休"
			case arr.Workdays[key] != "":
				mark = "班"
			}
			fmt.Fprintf(&b, "%2d%s", d.Day(), mark)
			if mark == " " {
				b.WriteString(" ")
			}
			if d.Weekday() == time.Sunday {
				b.WriteString("\n")
			}
		}
		b.WriteString("\n\n")
	}
	return b.String()
}
