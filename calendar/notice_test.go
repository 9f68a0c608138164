package calendar

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The files in testdata/notices are the State Council General Office's
// yearly notices as published (国务院办公厅关于XXXX年部分节假日安排的通知),
// one per year, named for the year. See TestParseNoticeOfficial.

// noticeAmendment is a later notice that changed a year's arrangement after
// the yearly notice; cn.json follows it, so the comparison applies it on top
// of what the yearly notice says.
type noticeAmendment struct {
	source   string
	name     string   // the holiday whose days it replaces
	from, to string   // its days off
	workdays []string // its make-up working days
}

var noticeAmendments = map[int][]noticeAmendment{
	2015: {{
		source:   "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知（国发明电〔2015〕1号）",
		name:     "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
		from:     "2015-09-03",
		to:       "2015-09-05",
		workdays: []string{"2015-09-06"},
	}},
	2019: {{
		source:   "国务院办公厅关于调整2019年劳动节假期安排的通知（国办发明电〔2019〕2号）",
		name:     "劳动节",
		from:     "2019-05-01",
		to:       "2019-05-04",
		workdays: []string{"2019-04-28", "2019-05-05"},
	}},
	2020: {{
		// It extends 春节 to 2 February, which cancels 2月1日上班.
		source:   "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
		name:     "春节",
		from:     "2020-01-24",
		to:       "2020-02-02",
		workdays: []string{"2020-01-19"},
	}},
}

// noticeEntry is one day of an arrangement, flattened for comparison.
type noticeEntry struct {
	workday bool
	name    string
}

func (e noticeEntry) String() string {
	if e.workday {
		return e.name + "（上班）"
	}
	return e.name + "（放假）"
}

func noticeFlatten(years map[int]Year) map[string]noticeEntry {
	out := map[string]noticeEntry{}
	for _, y := range years {
		for d, name := range y.Holidays {
			out[d] = noticeEntry{name: name}
		}
		for d, name := range y.Workdays {
			out[d] = noticeEntry{workday: true, name: name}
		}
	}
	return out
}

func (a noticeAmendment) apply(t *testing.T, days map[string]noticeEntry) {
	t.Helper()
	for d, e := range days {
		if e.name == a.name {
			delete(days, d)
		}
	}
	for d := noticeMustDay(t, a.from); !d.After(noticeMustDay(t, a.to).Time); d = d.add(1) {
		days[d.String()] = noticeEntry{name: a.name}
	}
	for _, d := range a.workdays {
		days[d] = noticeEntry{workday: true, name: a.name}
	}
}

func noticeMustDay(t *testing.T, s string) noticeDay {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return noticeDay{d}
}

// noticeShippedYears reads cn.json as it is in the repository.
func noticeShippedYears(t *testing.T) map[int]Year {
	t.Helper()
	data, err := os.ReadFile("cn.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Years map[string]Year `json:"years"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	years := map[int]Year{}
	for k, y := range f.Years {
		n, err := strconv.Atoi(k)
		if err != nil {
			t.Fatalf("cn.json: year %q", k)
		}
		years[n] = y
	}
	return years
}

// noticeShippedDays returns the days of cn.json that the notice for year sets:
// those of year, except the 元旦 days in its December (they come from the
// next year's notice), and the 元旦 days in the December before.
func noticeShippedDays(years map[int]Year, year int) map[string]noticeEntry {
	fromNext := func(d string, e noticeEntry) bool { return e.name == "元旦" && d[5:7] == "12" }
	out := map[string]noticeEntry{}
	for d, e := range noticeFlatten(map[int]Year{year: years[year]}) {
		if !fromNext(d, e) {
			out[d] = e
		}
	}
	for d, e := range noticeFlatten(map[int]Year{year - 1: years[year-1]}) {
		if fromNext(d, e) {
			out[d] = e
		}
	}
	return out
}

// TestParseNoticeOfficial reads every real notice in testdata and compares
// it with cn.json, holidays and make-up working days, names included.
//
// cn.json does not list every weekend day of a holiday block: it has
// 2019-04-06 and 04-07 for "4月5日放假，与周末连休" but not 2024-06-08 and
// 06-09 for "6月10日放假，与周末连休", nor 2011-06-05 inside "6月4日至6日放假
// 公休". Weekend days are rest days anyway, so a weekend day off that the
// notice gives and cn.json leaves out is not a difference; everything else
// is. The amendments above are applied before comparing.
func TestParseNoticeOfficial(t *testing.T) {
	files, err := filepath.Glob("testdata/notices/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Fatalf("found %d notices in testdata/notices, want at least 5", len(files))
	}
	shipped := noticeShippedYears(t)
	for _, file := range files {
		year, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(file), ".txt"))
		if err != nil {
			t.Fatalf("%s: name is not a year", file)
		}
		t.Run(strconv.Itoa(year), func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			n, err := ParseNotice(string(text), 0)
			if err != nil {
				t.Fatal(err)
			}
			if n.Year != year {
				t.Errorf("Year = %d, want %d from the title", n.Year, year)
			}
			for _, p := range n.Problems {
				t.Errorf("problem: %v", p)
			}
			got := noticeFlatten(n.Days)
			for _, a := range noticeAmendments[year] {
				t.Logf("applying %s", a.source)
				a.apply(t, got)
			}
			want := noticeShippedDays(shipped, year)
			for _, d := range slices.Sorted(maps.Keys(want)) {
				if g, ok := got[d]; !ok || g != want[d] {
					t.Errorf("%s: cn.json has %v, the notice gives %v", d, want[d], noticeDescribe(g, ok))
				}
			}
			var weekends []string
			for _, d := range slices.Sorted(maps.Keys(got)) {
				if _, ok := want[d]; ok {
					continue
				}
				if g := got[d]; !g.workday && noticeMustDay(t, d).weekend() {
					weekends = append(weekends, d)
					continue
				}
				t.Errorf("%s: the notice gives %v, cn.json has nothing", d, got[d])
			}
			if len(weekends) > 0 {
				t.Logf("weekend days off not in cn.json: %s", strings.Join(weekends, " "))
			}
		})
	}
}

func noticeDescribe(e noticeEntry, ok bool) string {
	if !ok {
		return "nothing"
	}
	return e.String()
}

// noticeRange lists the days from from to to, all named name.
func noticeRange(from, to, name string) map[string]string {
	m := map[string]string{}
	d, _ := time.Parse(time.DateOnly, from)
	end, _ := time.Parse(time.DateOnly, to)
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		m[d.Format(time.DateOnly)] = name
	}
	return m
}

// noticeNamed lists days, all named name.
func noticeNamed(name string, days ...string) map[string]string {
	m := map[string]string{}
	for _, d := range days {
		m[d] = name
	}
	return m
}

func noticeUnion(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

func noticeNone() map[string]string { return map[string]string{} }

func noticeEqualYears(a, b map[int]Year) bool {
	return maps.EqualFunc(a, b, func(x, y Year) bool {
		return maps.Equal(x.Holidays, y.Holidays) && maps.Equal(x.Workdays, y.Workdays)
	})
}

func noticeFormatYears(years map[int]Year) string {
	var b strings.Builder
	for _, y := range slices.Sorted(maps.Keys(years)) {
		fmt.Fprintf(&b, "\n%d 放假:", y)
		for _, d := range slices.Sorted(maps.Keys(years[y].Holidays)) {
			fmt.Fprintf(&b, " %s=%s", d, years[y].Holidays[d])
		}
		fmt.Fprintf(&b, "\n%d 上班:", y)
		for _, d := range slices.Sorted(maps.Keys(years[y].Workdays)) {
			fmt.Fprintf(&b, " %s=%s", d, years[y].Workdays[d])
		}
	}
	return b.String()
}

// TestParseNoticeFormats reads the wordings and layouts the notices have
// used. The 2008 and 2009 lines are quoted from those notices (their full
// texts were not found to put in testdata); cn.json agrees with each.
func TestParseNoticeFormats(t *testing.T) {
	tests := []struct {
		name string
		year int
		text string
		want map[int]Year
	}{{
		name: "full-width, 周",
		year: 2026,
		text: "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。",
		want: map[int]Year{2026: {
			Holidays: noticeRange("2026-02-15", "2026-02-23", "春节"),
			Workdays: noticeNamed("春节", "2026-02-14", "2026-02-28"),
		}},
	}, {
		name: "half-width",
		year: 2026,
		text: "二、春节:2月15日(农历腊月二十八、周日)至23日(农历正月初七、周一)放假调休,共9天。2月14日(周六)、2月28日(周六)上班。",
		want: map[int]Year{2026: {
			Holidays: noticeRange("2026-02-15", "2026-02-23", "春节"),
			Workdays: noticeNamed("春节", "2026-02-14", "2026-02-28"),
		}},
	}, {
		name: "full-width digits and spaces",
		year: 2026,
		text: "  二、 春节 ： ２月１５日 （ 周日 ） 至 ２３日 放假调休 ， 共９天 。 ２月１４日（周六）、 ２月２８日（周六） 上班 。\u3000",
		want: map[int]Year{2026: {
			Holidays: noticeRange("2026-02-15", "2026-02-23", "春节"),
			Workdays: noticeNamed("春节", "2026-02-14", "2026-02-28"),
		}},
	}, {
		name: "星期, a day without its month",
		year: 2010,
		text: "二、春节：2月13日至19日放假调休，共7天。2月20日（星期六）、21日（星期日）上班。",
		want: map[int]Year{2010: {
			Holidays: noticeRange("2010-02-13", "2010-02-19", "春节"),
			Workdays: noticeNamed("春节", "2010-02-20", "2010-02-21"),
		}},
	}, {
		name: "range into the next month",
		year: 2023,
		text: "四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。",
		want: map[int]Year{2023: {
			Holidays: noticeRange("2023-04-29", "2023-05-03", "劳动节"),
			Workdays: noticeNamed("劳动节", "2023-04-23", "2023-05-06"),
		}},
	}, {
		name: "across the year",
		year: 2019,
		text: "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。",
		want: map[int]Year{
			2018: {Holidays: noticeRange("2018-12-30", "2018-12-31", "元旦"), Workdays: noticeNamed("元旦", "2018-12-29")},
			2019: {Holidays: noticeNamed("元旦", "2019-01-01"), Workdays: noticeNone()},
		},
	}, {
		name: "与周末连休",
		year: 2019,
		text: "三、清明节：4月5日放假，与周末连休。",
		want: map[int]Year{2019: {Holidays: noticeRange("2019-04-05", "2019-04-07", "清明"), Workdays: noticeNone()}},
	}, {
		name: "与周末连休 back into December",
		year: 2024,
		text: "一、元旦：1月1日放假，与周末连休。",
		want: map[int]Year{
			2023: {Holidays: noticeRange("2023-12-30", "2023-12-31", "元旦"), Workdays: noticeNone()},
			2024: {Holidays: noticeNamed("元旦", "2024-01-01"), Workdays: noticeNone()},
		},
	}, {
		name: "补休 after a weekend",
		year: 2014,
		text: "三、清明节：4月5日放假，4月7日（星期一）补休。",
		want: map[int]Year{2014: {Holidays: noticeRange("2014-04-05", "2014-04-07", "清明"), Workdays: noticeNone()}},
	}, {
		name: "补休 the next day",
		year: 2017,
		text: "一、元旦：1月1日放假，1月2日（星期一）补休。",
		want: map[int]Year{2017: {Holidays: noticeRange("2017-01-01", "2017-01-02", "元旦"), Workdays: noticeNone()}},
	}, {
		name: "放假1天，不调休",
		year: 2025,
		text: "一、元旦：1月1日（周三）放假1天，不调休。",
		want: map[int]Year{2025: {Holidays: noticeNamed("元旦", "2025-01-01"), Workdays: noticeNone()}},
	}, {
		name: "国庆节、中秋节 with 中秋 on 1 October",
		year: 2020,
		text: "六、国庆节、中秋节：10月1日至8日放假调休，共8天。9月27日（星期日）、10月10日（星期六）上班。",
		want: map[int]Year{2020: {
			Holidays: noticeRange("2020-10-01", "2020-10-08", "国庆节"),
			Workdays: noticeNamed("国庆节", "2020-09-27", "2020-10-10"),
		}},
	}, {
		name: "中秋节、国庆节",
		year: 2023,
		text: "六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。",
		want: map[int]Year{2023: {
			Holidays: noticeUnion(noticeNamed("中秋", "2023-09-29"), noticeRange("2023-09-30", "2023-10-06", "国庆节")),
			Workdays: noticeNamed("国庆节", "2023-10-07", "2023-10-08"),
		}},
	}, {
		name: "advice is skipped",
		year: 2024,
		text: "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",
		want: map[int]Year{2024: {
			Holidays: noticeRange("2024-02-10", "2024-02-17", "春节"),
			Workdays: noticeNamed("春节", "2024-02-04", "2024-02-18"),
		}},
	}, {
		name: "body on the next line, 上班 on a third",
		year: 2012,
		text: "三、清明节：\n4月2日至4日放假调休，共3天。\n3月31日（星期六）、4月1日（星期日）上班。",
		want: map[int]Year{2012: {
			Holidays: noticeRange("2012-04-02", "2012-04-04", "清明"),
			Workdays: noticeNamed("清明", "2012-03-31", "2012-04-01"),
		}},
	}, {
		name: "2008: dash, 其中, 调至, the year before",
		year: 2008,
		text: "一、元旦：2007年12月30日—2008年1月1日放假，共3天。其中，1月1日（星期二）为法定节假日，12月30日（星期日）为公休日，12月29日（星期六）公休日调至12月31日（星期一），12月29日（星期六）上班。",
		want: map[int]Year{
			2007: {Holidays: noticeRange("2007-12-30", "2007-12-31", "元旦"), Workdays: noticeNamed("元旦", "2007-12-29")},
			2008: {Holidays: noticeNamed("元旦", "2008-01-01"), Workdays: noticeNone()},
		},
	}, {
		name: "2008: “五一”国际劳动节",
		year: 2008,
		text: "四、“五一”国际劳动节：5月1日—3日放假，共3天。其中，5月1日为法定节假日，5月3日（星期六）为公休日，5月4日（星期日）公休日调至5月2日（星期五），5月4日（星期日）上班。",
		want: map[int]Year{2008: {Holidays: noticeRange("2008-05-01", "2008-05-03", "劳动节"), Workdays: noticeNamed("劳动节", "2008-05-04")}},
	}, {
		name: "2008: 调至 without 上班 makes working days",
		year: 2008,
		text: "七、国庆节：9月29日—10月5日放假，共7天。其中，10月1日、2日、3日为法定节假日，9月27日（星期六）、9月28日（星期日）两个公休日调至9月29日（星期一）、30日（星期二），10月4日（星期六）、5日（星期日）照常公休。",
		want: map[int]Year{2008: {
			Holidays: noticeRange("2008-09-29", "2008-10-05", "国庆节"),
			Workdays: noticeNamed("国庆节", "2008-09-27", "2008-09-28"),
		}},
	}, {
		name: "2008: a date alone before 为法定节假日",
		year: 2008,
		text: "三、清明节：4月4日—6日放假，共3天。其中：4月4日（清明节），为法定节假日，4月5日（星期六）、4月6日（星期日）照常公休。",
		want: map[int]Year{2008: {Holidays: noticeRange("2008-04-04", "2008-04-06", "清明"), Workdays: noticeNone()}},
	}, {
		name: "2009: 国庆节、中秋节 in the long wording",
		year: 2009,
		text: "六、国庆节、中秋节：10月1日至8日放假，共8天。其中，10月1日（星期四）、10月2日（星期五）、10月3日（星期六）为国庆节法定节假日，10月4日（星期日）照常公休；10月3日（星期六）公休日及中秋节分别调至10月5日（星期一）、10月6日（星期二），9月27日（星期日）、10月10日（星期六）公休日调至10月7日（星期三）、10月8日（星期四）。9月27日（星期日）、10月10日（星期六）上班。",
		want: map[int]Year{2009: {
			Holidays: noticeUnion(noticeRange("2009-10-01", "2009-10-08", "国庆节"), noticeNamed("中秋", "2009-10-03")),
			Workdays: noticeNamed("国庆节", "2009-09-27", "2009-10-10"),
		}},
	}, {
		name: "2009: 春节 with lunar dates",
		year: 2009,
		text: "二、春节：1月25日至31日放假，共7天。其中，1月25日（星期日、农历除夕）、1月26日（星期一、农历正月初一）、1月27日（星期二、农历正月初二）为法定节假日，1月31日（星期六）照常公休；1月25日（星期日）公休日调至1月28日（星期三），1月24日（星期六）、2月1日（星期日）两个公休日调至1月29日（星期四）、1月30日（星期五）。1月24日（星期六）、2月1日（星期日）上班。",
		want: map[int]Year{2009: {Holidays: noticeRange("2009-01-25", "2009-01-31", "春节"), Workdays: noticeNamed("春节", "2009-01-24", "2009-02-01")}},
	}, {
		name: "2009: no colon after the holiday",
		year: 2009,
		text: "三、清明节4月4日至6日放假，共3天。其中，4月4日（星期六、农历清明当日）为法定节假日，4月5日（星期日）照常公休。4月4日（星期六）公休日调至4月6日（星期一）。",
		want: map[int]Year{2009: {Holidays: noticeRange("2009-04-04", "2009-04-06", "清明"), Workdays: noticeNone()}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNotice(tt.text, tt.year)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range n.Problems {
				t.Errorf("problem: %v", p)
			}
			if !noticeEqualYears(n.Days, tt.want) {
				t.Errorf("Days:%s\nwant:%s", noticeFormatYears(n.Days), noticeFormatYears(tt.want))
			}
		})
	}
}

// TestParseNoticeProblems checks that each rule refuses the line it should,
// with its reason. Every case is a notice for 2027 (1 January is a Friday).
func TestParseNoticeProblems(t *testing.T) {
	const title = "国务院办公厅关于2027年部分节假日安排的通知\n"
	tests := []struct {
		name string
		text string // after the title, so its first line is line 2
		want []NoticeProblem
	}{{
		name: "day off outside the year",
		text: "五、端午节：2028年6月9日至11日放假，共3天。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2028-06-09 不在 2027 年内"}},
	}, {
		name: "working day outside the year",
		text: "七、国庆节：10月1日至7日放假调休，共7天。2028年1月3日（周一）上班。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2028-01-03 不在 2027 年内"}},
	}, {
		name: "December before, outside 元旦",
		text: "二、春节：2026年12月31日至2027年1月2日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2026-12-31 不在 2027 年内"}},
	}, {
		name: "元旦 too early in December",
		text: "一、元旦：2026年12月20日至2027年1月1日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2026-12-20 不在 2027 年内"}},
	}, {
		name: "working day on a weekday",
		text: "二、春节：2月6日至12日放假调休，共7天。2月10日（周三）上班。",
		want: []NoticeProblem{{Line: 2, Reason: "调休上班日 2027-02-10 是周三，不是周六或周日"}},
	}, {
		name: "working day inside the days off",
		text: "七、国庆节：10月1日至7日放假调休，共7天。10月2日（周六）上班。",
		want: []NoticeProblem{{Line: 2, Reason: "上班日 2027-10-02 在放假期间 2027-10-01 至 2027-10-07 之内"}},
	}, {
		name: "one day both off and worked",
		text: "一、元旦：1月2日（周六）放假。1月2日（周六）上班。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2027-01-02 既是放假日又是上班日"}},
	}, {
		name: "working day off in another section",
		text: "一、元旦：1月1日至3日放假，共3天。\n二、春节：2月6日至12日放假。1月2日（周六）上班。",
		want: []NoticeProblem{{Line: 3, Reason: "上班日 2027-01-02 在放假期间 2027-01-01 至 2027-01-03 之内"}},
	}, {
		name: "day count",
		text: "七、国庆节：10月1日至7日放假调休，共8天。10月9日（周六）上班。",
		want: []NoticeProblem{{Line: 2, Reason: "共 8 天与列出的 7 天不符"}},
	}, {
		name: "day count in 放假N天",
		text: "一、元旦：1月1日放假3天。",
		want: []NoticeProblem{{Line: 2, Reason: "共 3 天与列出的 1 天不符"}},
	}, {
		name: "unreadable clause",
		text: "三、清明节：4月3日至5日放假，另行通知。",
		want: []NoticeProblem{{Line: 2, Reason: "无法理解「另行通知」"}},
	}, {
		name: "no date",
		text: "三、清明节：另行通知。",
		want: []NoticeProblem{{Line: 2, Reason: "无法理解「另行通知」"}},
	}, {
		name: "only working days",
		text: "三、清明节：4月3日（周六）上班。",
		want: []NoticeProblem{{Line: 2, Reason: "没有找到放假日期"}},
	}, {
		name: "impossible date",
		text: "三、清明节：4月31日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "无法识别的日期「4月31日」"}},
	}, {
		name: "range ends before it starts",
		text: "三、清明节：4月5日至3日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "日期范围 2027-04-05 至 2027-04-03 的结束早于开始"}},
	}, {
		name: "wrong weekday",
		text: "一、元旦：1月1日（周四）放假。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2027-01-01 是周五，不是文中所写的周四"}},
	}, {
		name: "wrong lunar date",
		text: "二、春节：2月6日（农历腊月二十八、周六）至12日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2027-02-06 是农历正月初一，不是文中所写的农历腊月二十八"}},
	}, {
		name: "wrong 除夕",
		text: "二、春节：2月6日（农历除夕）至12日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "日期 2027-02-06 是农历正月初一，不是文中所写的农历除夕"}},
	}, {
		name: "unknown holiday",
		text: "八、抗战胜利纪念日：9月3日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "无法识别的节日「抗战胜利纪念日」"}},
	}, {
		name: "unsupported combination",
		text: "一、元旦、春节：1月1日放假。",
		want: []NoticeProblem{{Line: 2, Reason: "不支持合并安排「元旦、春节」"}},
	}, {
		name: "补休 not next to the days off",
		text: "三、清明节：4月5日放假，4月7日（周三）补休。",
		want: []NoticeProblem{{Line: 2, Reason: "补休日 2027-04-07 与放假日不相连：中间的 2027-04-06 是周二"}},
	}, {
		name: "day off in two sections",
		text: "三、清明节：4月3日至5日放假。\n四、劳动节：4月5日放假。",
		want: []NoticeProblem{{Line: 3, Reason: "日期 2027-04-05 已列在「清明节」的放假期间中"}},
	}, {
		name: "explanation outside the days off",
		text: "四、劳动节：5月1日至3日放假，共3天。其中，5月4日为法定节假日。",
		want: []NoticeProblem{{Line: 2, Reason: "说明中的日期 2027-05-04 不在本节的放假期间内"}},
	}, {
		name: "line numbers among other lines",
		text: "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n" +
			"一、元旦：1月1日放假，与周末连休。\n" +
			"\n" +
			"二、春节：2月6日至12日放假调休，共7天。2月13日（周六）、2月10日（周三）上班。\n" +
			"三、清明节：4月3日至5日放假，共4天。\n" +
			"节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。",
		want: []NoticeProblem{
			{Line: 5, Reason: "调休上班日 2027-02-10 是周三，不是周六或周日"},
			{Line: 6, Reason: "共 4 天与列出的 3 天不符"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNotice(title+tt.text, 0)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(title+tt.text, "\n")
			for i := range tt.want {
				tt.want[i].Text = strings.TrimSpace(lines[tt.want[i].Line-1])
			}
			if !slices.Equal(n.Problems, tt.want) {
				t.Errorf("Problems:\n%s\nwant:\n%s", noticeFormatProblems(n.Problems), noticeFormatProblems(tt.want))
			}
		})
	}
}

func noticeFormatProblems(ps []NoticeProblem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\t%v\n", p)
	}
	return b.String()
}

// TestParseNoticeRefusedDaysNotImported checks that a refused day off or
// working day is left out of Days, while the rest is still read.
func TestParseNoticeRefusedDaysNotImported(t *testing.T) {
	text := "一、元旦：1月1日至3日放假，共3天。\n二、春节：2028年2月6日至12日放假。2月10日（周三）、2月13日（周六）上班。"
	n, err := ParseNotice(text, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Problems) != 2 {
		t.Errorf("Problems:\n%s\nwant 2", noticeFormatProblems(n.Problems))
	}
	want := map[int]Year{2027: {Holidays: noticeRange("2027-01-01", "2027-01-03", "元旦"), Workdays: noticeNamed("春节", "2027-02-13")}}
	if !noticeEqualYears(n.Days, want) {
		t.Errorf("Days:%s\nwant:%s", noticeFormatYears(n.Days), noticeFormatYears(want))
	}
}

func TestParseNoticeErrors(t *testing.T) {
	const section = "一、元旦：1月1日放假。"
	tests := []struct {
		name string
		text string
		year int
	}{
		{"title and year disagree", "国务院办公厅关于2027年部分节假日安排的通知\n" + section, 2026},
		{"no year", section, 0},
		{"negative year", section, -1},
		{"no section", "国务院办公厅关于2027年部分节假日安排的通知\n经国务院批准，现将2027年元旦放假安排通知如下。\n元旦：1月1日放假。", 0},
		{"empty", "", 2027},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, err := ParseNotice(tt.text, tt.year); err == nil {
				t.Errorf("ParseNotice = %+v, want an error", n)
			}
		})
	}
}

func TestParseNoticeYear(t *testing.T) {
	tests := []struct {
		name string
		text string
		year int
		want int
	}{
		{"from the title", "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假。", 0, 2027},
		{"title over two lines", "国务院办公厅关于2027年\n部分节假日安排的通知\n一、元旦：1月1日放假。", 0, 2027},
		{"title agrees", "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假。", 2027, 2027},
		{"no title", "一、元旦：1月1日放假。", 2027, 2027},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNotice(tt.text, tt.year)
			if err != nil {
				t.Fatal(err)
			}
			if n.Year != tt.want {
				t.Errorf("Year = %d, want %d", n.Year, tt.want)
			}
		})
	}
}

// FuzzParseNotice checks that no text makes the reader panic, and that
// every problem points at a line of the text.
func FuzzParseNotice(f *testing.F) {
	files, _ := filepath.Glob("testdata/notices/*.txt")
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(text))
	}
	f.Add("一、元旦：1月1日至9999年12月31日放假，共0天。(((")
	f.Fuzz(func(t *testing.T, text string) {
		n, err := ParseNotice(text, 2027)
		if err != nil {
			return
		}
		lines := strings.Count(text, "\n") + 1
		for _, p := range n.Problems {
			if p.Line < 1 || p.Line > lines || p.Reason == "" {
				t.Errorf("bad problem %+v", p)
			}
		}
	})
}
