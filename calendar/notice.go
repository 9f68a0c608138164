package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	lunar "github.com/6tail/lunar-go/calendar"
)

// This file reads the State Council General Office's yearly notice on
// holiday arrangements (国务院办公厅关于XXXX年部分节假日安排的通知) as an
// administrator pastes it, to add a year's arrangement.
//
// A notice is prose, but its arrangement lines have kept one shape since
// 2008: a section numeral, the holiday, a colon, then sentences (。) made of
// clauses (，；：), each of which is one of
//
//	2月15日（周日）至23日（周一）放假调休    days off: one day or a range
//	共9天 / 放假3天                         the number of days off, a check
//	与周末连休                              the days off run on into the weekend
//	4月6日（星期一）补休                     one more day off, after a weekend
//	2月14日（周六）、2月28日（周六）上班      make-up working days (调休上班)
//	不调休                                  nothing to do
//
// and, in the 2008–2009 wording, explanations that restate the above:
// "其中，1月1日为法定节假日，12月30日为公休日，12月29日（星期六）公休日调至
// 12月31日（星期一）". Those are checked against the days off, and a weekend
// day moved away by 调至 becomes a make-up working day. A sentence that
// starts with 鼓励 is advice (2024: 鼓励…安排职工在除夕休息), not an
// arrangement, and is skipped. A weekday or lunar date in parentheses
// after a date (周日, 星期六, 农历腊月二十八, 农历除夕) is checked against
// the date. Anything else on an arrangement line is reported as a problem:
// a line is either understood completely or refused.
//
// Holidays other than the seven of 《全国年节及纪念日放假办法》, such as the
// one-off day off for the 70th anniversary of the victory in the War of
// Resistance in 2015 (抗战胜利70周年纪念日, announced in a notice of its
// own), are reported as problems; such days have to be added to cn.json by
// hand.

// Notice is what ParseNotice read from the text of one notice.
type Notice struct {
	// Year is the year the notice is for: from its title
	// (关于2027年部分节假日安排) or, failing that, the year ParseNotice was
	// given.
	Year int
	// Days holds the days off (放假) and make-up working days (调休上班)
	// the notice sets, by their own calendar year: a notice for N that
	// starts 元旦 on 30 December puts those days under N-1. Names are those
	// of cn.json: 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆节. Weekend
	// days the holiday runs on into (与周末连休, or between a day off and
	// its 补休) are listed too. Days is complete only when Problems is
	// empty.
	Days map[int]Year
	// Problems lists every line that could not be read or was refused. It
	// is empty when the whole notice was understood; import nothing while
	// it is not.
	Problems []NoticeProblem
}

// NoticeProblem names one line of the pasted text and what is wrong with
// it, in Chinese, for the administrator.
type NoticeProblem struct {
	Line   int    // 1-based line number in the input text
	Text   string // the line as given, trimmed
	Reason string // e.g. "调休上班日 2027-02-10 是周三，不是周六或周日"
}

// String formats the problem for a list: 第 N 行：reason（text）.
func (p NoticeProblem) String() string {
	return fmt.Sprintf("第 %d 行：%s（%s）", p.Line, p.Reason, p.Text)
}

// ParseNotice reads the text of a notice. year is the year the
// administrator says it is for; 0 takes it from the title.
//
// It fails only when the text cannot be a notice at all: when neither the
// title nor year gives the year, when they disagree, or when no arrangement
// line (一、元旦：…) is found. Trouble with single lines is reported in
// Problems. Lines that are not arrangement lines — the title, the
// addressees, the preamble, the closing paragraphs, the signature and date
// — are ignored.
func ParseNotice(text string, year int) (*Notice, error) {
	titleYear := noticeTitleYear(text)
	switch {
	case year < 0:
		return nil, fmt.Errorf("年份 %d 无效", year)
	case year == 0 && titleYear == 0:
		return nil, errors.New("找不到通知的年份：标题中没有“关于XXXX年部分节假日安排”，也没有指定年份")
	case year == 0:
		year = titleYear
	case titleYear != 0 && titleYear != year:
		return nil, fmt.Errorf("通知标题是 %d 年的，与指定的 %d 年不一致", titleYear, year)
	}
	sections := noticeSections(text)
	if len(sections) == 0 {
		return nil, errors.New("没有找到任何安排条目（应以“一、元旦：”这样的序号开头）")
	}
	r := &noticeReader{year: year}
	for _, s := range sections {
		r.readSection(s)
	}
	return r.finish(sections), nil
}

// noticeTitleYear returns the year in the title "关于2027年部分节假日安排",
// which may be broken over two lines, or 0 if there is none.
func noticeTitleYear(text string) int {
	s := strings.Join(strings.Fields(noticeFold(text)), "")
	const before, after = "关于", "年部分节假日安排"
	for {
		i := strings.Index(s, after)
		if i < 0 {
			return 0
		}
		head := s[:i]
		if n := len(head) - 4; n >= 0 && noticeAllDigits(head[n:]) && strings.HasSuffix(head[:n], before) {
			y, _ := strconv.Atoi(head[n:])
			return y
		}
		s = s[i+len(after):]
	}
}

// noticeFold turns full-width ASCII (：，（）１２) into half-width and the
// ideographic space into a space, so that one scanner reads both.
func noticeFold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func noticeAllDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// noticeLine is one line of the pasted text.
type noticeLine struct {
	num  int    // 1-based
	text string // trimmed, as given
}

func (l noticeLine) problem(format string, a ...any) NoticeProblem {
	return NoticeProblem{Line: l.num, Text: l.text, Reason: fmt.Sprintf(format, a...)}
}

// noticeSection is one numbered arrangement (一、元旦：…) with what was
// read from it.
type noticeSection struct {
	line   noticeLine   // the numbered line
	header string       // the holidays named before the colon
	bodies []noticeBody // the text after the colon, then continuation lines

	name     string // the holiday as cn.json names it; 国庆节 for 国庆节、中秋节
	combined bool   // 国庆节 and 中秋节 together: the 中秋 day is named 中秋

	blocks   []*noticeBlock
	workdays []noticeMark // 上班
	moved    []noticeMark // weekend days whose rest moved away (…公休日调至…)
	claims   []noticeMark // days an explanation says are off (为法定节假日, 照常公休)
	prev     noticeDay    // the last date read, for 3日 after 1月1日
}

// noticeBody is text of a section on one line, folded to half-width.
type noticeBody struct {
	line noticeLine
	text string
}

// noticeBlock is one run of days off (放假).
type noticeBlock struct {
	line      noticeLine // where the days off are given
	from, to  noticeDay
	count     int        // 共N天 or 放假N天; 0 if not given
	countLine noticeLine // where the count is given
	weekends  bool       // 与周末连休
	refused   bool       // a problem was reported; not imported
}

func (b *noticeBlock) contains(d noticeDay) bool {
	return !d.Before(b.from.Time) && !d.After(b.to.Time)
}

func (b *noticeBlock) len() int { return b.to.sub(b.from) + 1 }

// noticeMark is a day named on a line.
type noticeMark struct {
	line noticeLine
	day  noticeDay
}

// noticeSections finds the arrangement lines: those starting with a
// section numeral (一、…九、), each followed by any continuation lines, for
// text copied from pages that break a section after its colon or before
// its 上班 sentence. A continuation line starts with a date and speaks of
// 放假, 上班 or the like; any other line ends the section.
func noticeSections(text string) []*noticeSection {
	var sections []*noticeSection
	var cur *noticeSection
	for i, raw := range strings.Split(text, "\n") {
		l := noticeLine{num: i + 1, text: strings.TrimSpace(raw)}
		folded := noticeFold(l.text)
		if header, body, ok := noticeSectionStart(folded); ok {
			cur = &noticeSection{line: l, header: header}
			cur.bodies = append(cur.bodies, noticeBody{l, body})
			sections = append(sections, cur)
			continue
		}
		switch {
		case cur != nil && noticeContinues(folded):
			cur.bodies = append(cur.bodies, noticeBody{l, folded})
		case folded != "":
			cur = nil
		}
	}
	return sections
}

// noticeSectionStart splits "一、元旦：1月1日放假" into header 元旦 and its
// body. Some copies drop the colon; then the body starts at the first
// digit.
func noticeSectionStart(line string) (header, body string, ok bool) {
	rest := strings.TrimLeft(line, "一二三四五六七八九十")
	if len(rest) == len(line) {
		return "", "", false
	}
	if rest, ok = strings.CutPrefix(rest, "、"); !ok {
		return "", "", false
	}
	header, body, found := strings.Cut(rest, ":")
	if !found {
		i := strings.IndexFunc(rest, noticeIsDigit)
		if i < 0 {
			i = len(rest)
		}
		header, body = rest[:i], rest[i:]
	}
	return strings.TrimSpace(header), strings.TrimSpace(body), true
}

func noticeContinues(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	if !noticeIsDigit(r) {
		return false
	}
	for _, w := range []string{"放假", "上班", "补休", "调休", "公休", "连休"} {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

func noticeIsDigit(r rune) bool { return r >= '0' && r <= '9' }

// noticeHolidays maps the holiday names a section header may use to the
// names cn.json uses.
var noticeHolidays = map[string]string{
	"元旦": "元旦",
	"春节": "春节",
	"清明": "清明", "清明节": "清明",
	"劳动节": "劳动节", "国际劳动节": "劳动节", "五一国际劳动节": "劳动节", "五一": "劳动节",
	"端午": "端午", "端午节": "端午",
	"中秋": "中秋", "中秋节": "中秋",
	"国庆": "国庆节", "国庆节": "国庆节", "十一": "国庆节",
}

// noticeQuotes removes the quotes of “五一”国际劳动节.
var noticeQuotes = strings.NewReplacer("“", "", "”", "", "\"", "", "‘", "", "’", "", "'", "")

// names sets the section's holiday from its header: one holiday, or 国庆节
// and 中秋节 together in either order.
func (s *noticeSection) names() (reason string, ok bool) {
	var names []string
	for part := range strings.SplitSeq(s.header, "、") {
		part = strings.TrimSpace(noticeQuotes.Replace(part))
		name, ok := noticeHolidays[part]
		if !ok {
			return fmt.Sprintf("无法识别的节日「%s」", part), false
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	switch {
	case len(names) == 1:
		s.name = names[0]
	case len(names) == 2 && slices.Contains(names, "国庆节") && slices.Contains(names, "中秋"):
		s.name, s.combined = "国庆节", true
	default:
		return fmt.Sprintf("不支持合并安排「%s」", s.header), false
	}
	return "", true
}

// dayName is the name of a day off of this section. In a combined
// 国庆节、中秋节 section the day that is 中秋 (the 15th of the 8th lunar
// month) is named 中秋 unless it is 1 October itself; every other day is
// 国庆节. This is how cn.json names them.
func (s *noticeSection) dayName(d noticeDay) string {
	if s.combined && d.midAutumn() && !(d.Month() == time.October && d.Day() == 1) {
		return "中秋"
	}
	return s.name
}

func (s *noticeSection) lastBlock() *noticeBlock {
	if len(s.blocks) == 0 {
		return nil
	}
	return s.blocks[len(s.blocks)-1]
}

// blockOf returns the section's block that holds d, or nil.
func (s *noticeSection) blockOf(d noticeDay) *noticeBlock {
	for _, b := range s.blocks {
		if b.contains(d) {
			return b
		}
	}
	return nil
}

// noticeReader reads the sections of one notice and collects problems.
type noticeReader struct {
	year     int
	problems []NoticeProblem
}

func (r *noticeReader) refuse(l noticeLine, format string, a ...any) {
	r.problems = append(r.problems, l.problem(format, a...))
}

func (r *noticeReader) readSection(s *noticeSection) {
	if reason, ok := s.names(); !ok {
		r.refuse(s.line, "%s", reason)
		return
	}
	before := len(r.problems)
	for _, b := range s.bodies {
		r.readBody(s, b)
	}
	if len(s.blocks) == 0 && len(r.problems) == before {
		r.refuse(s.line, "没有找到放假日期")
	}
}

// readBody reads the sentences of one line of a section, clause by clause.
// A clause of dates alone ("4月4日（清明节），为法定节假日") is read with
// the clause after it.
func (r *noticeReader) readBody(s *noticeSection, b noticeBody) {
	for _, sentence := range noticeSplit(scanNotice(b.text), noticeStop) {
		if first := sentence[0]; first.kind == noticeWord && strings.HasPrefix(first.text, "鼓励") {
			continue // advice, not an arrangement
		}
		var pending []noticeToken // a clause of dates alone
		for _, clause := range noticeSplit(sentence, noticeComma) {
			hasWord := slices.ContainsFunc(clause, func(t noticeToken) bool { return t.kind == noticeWord })
			switch {
			case !hasWord && pending != nil:
				r.readClause(s, b.line, pending)
				pending = clause
			case !hasWord:
				pending = clause
			default:
				r.readClause(s, b.line, slices.Concat(pending, clause))
				pending = nil
			}
		}
		if pending != nil {
			r.readClause(s, b.line, pending)
		}
	}
}

// noticePart is a run of dates or a word of a clause.
type noticePart struct {
	word  string
	spans []noticeSpan // nil for a word
}

// noticeSpan is one day (from == to) or a range of days.
type noticeSpan struct{ from, to noticeDay }

func (sp noticeSpan) single() bool { return sp.from == sp.to }

func (r *noticeReader) readClause(s *noticeSection, l noticeLine, toks []noticeToken) {
	parts, ok := r.parts(s, l, toks)
	if !ok {
		return
	}
	if len(parts) > 0 && parts[0].spans == nil {
		// 其中 introduces the 2008–2009 explanations.
		if parts[0].word = strings.TrimPrefix(parts[0].word, "其中"); parts[0].word == "" {
			parts = parts[1:]
		}
	}
	if len(parts) == 0 {
		return
	}
	var words strings.Builder
	for _, p := range parts {
		words.WriteString(p.word)
	}
	w := words.String()
	datesThen := func(word string) bool {
		return len(parts) == 2 && parts[0].spans != nil && parts[1].word == word
	}
	switch {
	case strings.Contains(w, "调至"):
		r.readMove(s, l, parts, toks)
	case datesThen("上班"):
		r.readWorkdays(s, l, parts[0].spans)
	case datesThen("补休"):
		r.readMakeUpDay(s, l, parts[0].spans)
	case len(parts) == 2 && parts[0].spans != nil && strings.HasPrefix(parts[1].word, "放假"):
		r.readDaysOff(s, l, parts[0].spans, parts[1].word, toks)
	case len(parts) == 1 && parts[0].spans == nil:
		r.readRemark(s, l, parts[0].word, toks)
	case strings.Contains(w, "上班") || strings.Contains(w, "放假") || strings.Contains(w, "补休"):
		r.refuse(l, "无法理解「%s」", noticeText(toks))
	case strings.Contains(w, "法定") || strings.Contains(w, "公休"):
		// An explanation: 为法定节假日, 为公休日, 照常公休.
		for _, p := range parts {
			s.claims = appendMarks(s.claims, l, p.spans)
		}
	default:
		r.refuse(l, "无法理解「%s」", noticeText(toks))
	}
}

// parts reads the dates of a clause, giving each its year and month, and
// groups them between its words.
func (r *noticeReader) parts(s *noticeSection, l noticeLine, toks []noticeToken) ([]noticePart, bool) {
	var parts []noticePart
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.kind == noticeWord {
			parts = append(parts, noticePart{word: t.text})
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].kind != noticeWord {
			j++
		}
		spans, ok := r.spans(s, l, toks[i:j])
		if !ok {
			return nil, false
		}
		parts = append(parts, noticePart{spans: spans})
		i = j
	}
	return parts, true
}

// spans reads "1月1日至3日、1月5日": dates joined by 、, each perhaps the
// start of a range.
func (r *noticeReader) spans(s *noticeSection, l noticeLine, toks []noticeToken) ([]noticeSpan, bool) {
	var spans []noticeSpan
	for i := 0; i < len(toks); i++ {
		if i > 0 {
			if toks[i].kind != noticeAnd || i+1 == len(toks) {
				r.refuse(l, "无法识别的日期「%s」", noticeText(toks))
				return nil, false
			}
			i++
		}
		if toks[i].kind != noticeDate {
			r.refuse(l, "无法识别的日期「%s」", noticeText(toks))
			return nil, false
		}
		from, ok := r.date(s, l, toks[i])
		if !ok {
			return nil, false
		}
		to := from
		if i+2 < len(toks) && toks[i+1].kind == noticeTo && toks[i+2].kind == noticeDate {
			if to, ok = r.date(s, l, toks[i+2]); !ok {
				return nil, false
			}
			if to.Before(from.Time) {
				r.refuse(l, "日期范围 %s 至 %s 的结束早于开始", from, to)
				return nil, false
			}
			i += 2
		}
		spans = append(spans, noticeSpan{from, to})
	}
	return spans, true
}

// date resolves a written date. 3日 takes the year and month of the date
// before it in the section, 1月3日 the notice's year — the year before for
// a December day in the 元旦 section (12月29日（星期六）上班 in the notice
// for 2008). A weekday or lunar date written beside it must be right.
func (r *noticeReader) date(s *noticeSection, l noticeLine, t noticeToken) (noticeDay, bool) {
	y, m := t.year, t.month
	switch {
	case m == 0 && s.prev.IsZero():
		r.refuse(l, "无法识别的日期「%s」：没有写月份", t.text)
		return noticeDay{}, false
	case m == 0:
		y, m = s.prev.Year(), int(s.prev.Month())
	case y == 0:
		y = r.year
		if s.name == "元旦" && m == 12 {
			y--
		}
	}
	d, ok := newNoticeDay(y, m, t.day)
	if !ok {
		r.refuse(l, "无法识别的日期「%s」", t.text)
		return noticeDay{}, false
	}
	if wd, ok := noticeWeekday(t.note); ok && wd != d.Weekday() {
		r.refuse(l, "日期 %s 是%s，不是文中所写的%s", d, d.weekdayName(), noticeWeekdayNames[wd])
	}
	if ld, ok := noticeLunarDate(t.note); ok && ld != d.lunarName() {
		r.refuse(l, "日期 %s 是农历%s，不是文中所写的农历%s", d, d.lunarName(), ld)
	}
	s.prev = d
	return d, true
}

// readDaysOff reads "2月15日至23日" before "放假", "放假调休", "放假公休" or
// "放假3天".
func (r *noticeReader) readDaysOff(s *noticeSection, l noticeLine, spans []noticeSpan, word string, toks []noticeToken) {
	if len(spans) != 1 {
		r.refuse(l, "放假日期应是一天或一段连续的日期：「%s」", noticeText(toks))
		return
	}
	b := &noticeBlock{line: l, from: spans[0].from, to: spans[0].to}
	rest := strings.TrimPrefix(word, "放假")
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "调休"), "公休")
	if rest != "" {
		n, ok := noticeCount(rest)
		if !ok {
			r.refuse(l, "无法理解「%s」", noticeText(toks))
			return
		}
		b.count, b.countLine = n, l
	}
	s.blocks = append(s.blocks, b)
}

// readRemark reads a clause without dates: 共N天, 与周末连休 or 不调休.
func (r *noticeReader) readRemark(s *noticeSection, l noticeLine, word string, toks []noticeToken) {
	if word == "不调休" {
		return
	}
	b := s.lastBlock()
	n, isCount := noticeCount(word)
	switch {
	case !isCount && word != "与周末连休":
		r.refuse(l, "无法理解「%s」", noticeText(toks))
	case b == nil:
		r.refuse(l, "「%s」前面没有放假日期", word)
	case isCount:
		b.count, b.countLine = n, l
	default:
		b.weekends = true
	}
}

// readWorkdays reads the make-up working days before 上班.
func (r *noticeReader) readWorkdays(s *noticeSection, l noticeLine, spans []noticeSpan) {
	for _, sp := range spans {
		if !sp.single() {
			r.refuse(l, "上班日应逐日列出，不能写成 %s 至 %s", sp.from, sp.to)
			continue
		}
		s.workdays = append(s.workdays, noticeMark{l, sp.from})
	}
}

// readMakeUpDay reads "4月6日（星期一）补休": one more day off, joined to
// the days off by a weekend (4月5日 is a Sunday in 2015).
func (r *noticeReader) readMakeUpDay(s *noticeSection, l noticeLine, spans []noticeSpan) {
	b := s.lastBlock()
	switch {
	case b == nil:
		r.refuse(l, "补休日前面没有放假日期")
		return
	case len(spans) != 1 || !spans[0].single():
		r.refuse(l, "补休日应是一天")
		return
	}
	d := spans[0].from
	var gapFrom, gapTo noticeDay // the days between the days off and d
	switch {
	case d.After(b.to.Time):
		gapFrom, gapTo = b.to.add(1), d.add(-1)
		b.to = d
	case d.Before(b.from.Time):
		gapFrom, gapTo = d.add(1), b.from.add(-1)
		b.from = d
	default:
		return
	}
	for g := gapFrom; !g.After(gapTo.Time); g = g.add(1) {
		if !g.weekend() {
			r.refuse(l, "补休日 %s 与放假日不相连：中间的 %s 是%s", d, g, g.weekdayName())
			b.refused = true
			return
		}
	}
}

// readMove reads the 2008–2009 wording "12月29日（星期六）公休日调至12月31日
// （星期一）": the rest of the days before 调至 moves to the days after it.
// A day it moves from that is not itself a day off becomes a make-up
// working day; the days it moves to must be days off.
func (r *noticeReader) readMove(s *noticeSection, l noticeLine, parts []noticePart, toks []noticeToken) {
	at := slices.IndexFunc(parts, func(p noticePart) bool { return strings.Contains(p.word, "调至") })
	var from, to []noticeSpan
	for i, p := range parts {
		if i < at {
			from = append(from, p.spans...)
		} else {
			to = append(to, p.spans...)
		}
	}
	if len(from) == 0 || len(to) == 0 {
		r.refuse(l, "无法理解「%s」", noticeText(toks))
		return
	}
	s.moved = appendMarks(s.moved, l, from)
	s.claims = appendMarks(s.claims, l, to)
}

// appendMarks appends the first and last day of each span.
func appendMarks(marks []noticeMark, l noticeLine, spans []noticeSpan) []noticeMark {
	for _, sp := range spans {
		marks = append(marks, noticeMark{l, sp.from})
		if !sp.single() {
			marks = append(marks, noticeMark{l, sp.to})
		}
	}
	return marks
}

// noticeCount reads 共8天 or 8天.
func noticeCount(s string) (int, bool) {
	s, ok := strings.CutSuffix(strings.TrimPrefix(s, "共"), "天")
	if !ok || !noticeAllDigits(s) || len(s) > 3 {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n > 0
}

// finish completes the blocks, checks the notice as a whole and builds the
// result.
func (r *noticeReader) finish(sections []*noticeSection) *Notice {
	workdays := noticeWorkdays(sections)
	worked := map[noticeDay]bool{}
	for _, w := range workdays {
		worked[w.day] = true
	}
	for _, s := range sections {
		for _, b := range s.blocks {
			if b.weekends {
				b.runOn(worked)
			}
			if b.refused {
				continue
			}
			if b.count > 0 && b.count != b.len() {
				r.refuse(b.countLine, "共 %d 天与列出的 %d 天不符", b.count, b.len())
			}
			r.checkYear(s, b)
		}
	}
	r.checkWorkdays(sections, workdays)
	r.checkOverlaps(sections)
	r.checkClaims(sections)

	days := map[int]Year{}
	yearOf := func(d noticeDay) Year {
		y, ok := days[d.Year()]
		if !ok {
			y = Year{Holidays: map[string]string{}, Workdays: map[string]string{}}
			days[d.Year()] = y
		}
		return y
	}
	for _, s := range sections {
		for _, b := range s.blocks {
			if b.refused {
				continue
			}
			for d := b.from; !d.After(b.to.Time); d = d.add(1) {
				yearOf(d).Holidays[d.String()] = s.dayName(d)
			}
		}
	}
	for _, w := range workdays {
		if !w.refused {
			yearOf(w.day).Workdays[w.day.String()] = w.section.name
		}
	}
	slices.SortStableFunc(r.problems, func(a, b NoticeProblem) int { return cmp.Compare(a.Line, b.Line) })
	return &Notice{Year: r.year, Days: days, Problems: r.problems}
}

// noticeWorkday is one make-up working day of the notice.
type noticeWorkday struct {
	noticeMark
	section *noticeSection
	refused bool
}

// noticeWorkdays gathers the make-up working days of all sections, each
// once: those listed before 上班 and those a weekend day's rest was moved
// away from (…公休日调至…) that are not days off themselves.
func noticeWorkdays(sections []*noticeSection) []*noticeWorkday {
	var all []*noticeWorkday
	seen := map[noticeDay]bool{}
	add := func(s *noticeSection, m noticeMark) {
		if !seen[m.day] {
			seen[m.day] = true
			all = append(all, &noticeWorkday{noticeMark: m, section: s})
		}
	}
	for _, s := range sections {
		for _, m := range s.workdays {
			add(s, m)
		}
		for _, m := range s.moved {
			if s.blockOf(m.day) == nil {
				add(s, m)
			}
		}
	}
	return all
}

// runOn extends the days off over the weekend next to them (与周末连休),
// stopping at a make-up working day.
func (b *noticeBlock) runOn(worked map[noticeDay]bool) {
	off := func(d noticeDay) bool { return d.weekend() && !worked[d] }
	for off(b.from.add(-1)) {
		b.from = b.from.add(-1)
	}
	for off(b.to.add(1)) {
		b.to = b.to.add(1)
	}
}

// inYear reports whether d may be set by this notice: a day of its year,
// or, for 元旦, a day of the last week of the December before.
func (r *noticeReader) inYear(s *noticeSection, d noticeDay) bool {
	if d.Year() == r.year {
		return true
	}
	return s.name == "元旦" && d.Year() == r.year-1 && d.Month() == time.December && d.Day() >= 25
}

func (r *noticeReader) checkYear(s *noticeSection, b *noticeBlock) {
	for _, d := range []noticeDay{b.from, b.to} {
		if !r.inYear(s, d) {
			r.refuse(b.line, "日期 %s 不在 %d 年内", d, r.year)
			b.refused = true
			return
		}
	}
}

// checkWorkdays refuses make-up working days outside the notice's year, on
// a weekday, or on a day off.
func (r *noticeReader) checkWorkdays(sections []*noticeSection, workdays []*noticeWorkday) {
	for _, w := range workdays {
		w.refused = !r.workdayOK(sections, w)
	}
}

func (r *noticeReader) workdayOK(sections []*noticeSection, w *noticeWorkday) bool {
	d := w.day
	switch {
	case !r.inYear(w.section, d):
		r.refuse(w.line, "日期 %s 不在 %d 年内", d, r.year)
		return false
	case !d.weekend():
		r.refuse(w.line, "调休上班日 %s 是%s，不是周六或周日", d, d.weekdayName())
		return false
	}
	for _, s := range sections {
		switch b := s.blockOf(d); {
		case b == nil:
			continue
		case b.len() > 1:
			r.refuse(w.line, "上班日 %s 在放假期间 %s 至 %s 之内", d, b.from, b.to)
		default:
			r.refuse(w.line, "日期 %s 既是放假日又是上班日", d)
		}
		return false
	}
	return true
}

// checkOverlaps refuses a day off listed twice, in one section or two.
func (r *noticeReader) checkOverlaps(sections []*noticeSection) {
	seen := map[noticeDay]*noticeSection{}
	for _, s := range sections {
		for _, b := range s.blocks {
			if b.refused {
				continue
			}
			for d := b.from; !d.After(b.to.Time); d = d.add(1) {
				if other, dup := seen[d]; dup {
					r.refuse(b.line, "日期 %s 已列在「%s」的放假期间中", d, other.header)
					b.refused = true
					break
				}
				seen[d] = s
			}
		}
	}
}

// checkClaims refuses an explanation that names a day off outside the
// section's days off.
func (r *noticeReader) checkClaims(sections []*noticeSection) {
	for _, s := range sections {
		for _, c := range s.claims {
			if s.blockOf(c.day) == nil && len(s.blocks) > 0 {
				r.refuse(c.line, "说明中的日期 %s 不在本节的放假期间内", c.day)
			}
		}
	}
}

// noticeDay is a calendar date. It is always midnight UTC, so that adding
// days is plain arithmetic and two noticeDays compare equal, also as map
// keys, exactly when they are the same date.
type noticeDay struct{ time.Time }

func newNoticeDay(y, m, d int) (noticeDay, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return noticeDay{}, false
	}
	return noticeDay{t}, true
}

func (d noticeDay) String() string         { return d.Format(time.DateOnly) }
func (d noticeDay) add(days int) noticeDay { return noticeDay{d.AddDate(0, 0, days)} }
func (d noticeDay) sub(e noticeDay) int    { return int(d.Time.Sub(e.Time).Hours() / 24) }
func (d noticeDay) weekdayName() string    { return noticeWeekdayNames[d.Weekday()] }

func (d noticeDay) weekend() bool {
	return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
}

func (d noticeDay) lunar() *lunar.Lunar {
	return lunar.NewSolarFromYmd(d.Year(), int(d.Month()), d.Day()).GetLunar()
}

// midAutumn reports whether d is 中秋, the 15th day of the 8th lunar month.
func (d noticeDay) midAutumn() bool {
	l := d.lunar()
	return l.GetMonth() == 8 && l.GetDay() == 15
}

// lunarName is d's lunar date as the notices write it: 腊月二十八, 正月初七,
// or 除夕 for the last day of the lunar year.
func (d noticeDay) lunarName() string {
	if next := d.add(1).lunar(); next.GetMonth() == 1 && next.GetDay() == 1 {
		return "除夕"
	}
	l := d.lunar()
	return noticeLunarWords.Replace(l.GetMonthInChinese() + "月" + l.GetDayInChinese())
}

// noticeLunarWords writes lunar dates one way: 冬月 and 腊月 rather than
// 十一月 and 十二月, 二十八 rather than 廿八.
var noticeLunarWords = strings.NewReplacer("十一月", "冬月", "十二月", "腊月", "廿", "二十")

// noticeLunarDate finds the lunar date in a date's parenthesis: 腊月二十八
// in "农历腊月二十八、周日", or 除夕. Other notes, such as 农历端午当日 or
// 即农历除夕至正月初六, are not dates of one day and are left alone.
func noticeLunarDate(note string) (string, bool) {
	_, after, ok := strings.Cut(note, "农历")
	if !ok {
		return "", false
	}
	if i := strings.IndexAny(after, "、,"); i >= 0 {
		after = after[:i]
	}
	after = noticeLunarWords.Replace(after)
	month, day, ok := strings.Cut(after, "月")
	if after == "除夕" || ok && month != "" && slices.Contains(noticeLunarDays, day) {
		return after, true
	}
	return "", false
}

var noticeLunarDays = []string{
	"初一", "初二", "初三", "初四", "初五", "初六", "初七", "初八", "初九", "初十",
	"十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
	"二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八", "二十九", "三十",
}

var noticeWeekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

var noticeWeekdayRunes = map[rune]time.Weekday{
	'日': time.Sunday, '天': time.Sunday, '一': time.Monday, '二': time.Tuesday,
	'三': time.Wednesday, '四': time.Thursday, '五': time.Friday, '六': time.Saturday,
}

// noticeWeekday finds the weekday in a date's parenthesis: 星期六, 周日,
// 星期天, as in "农历腊月二十八、周日".
func noticeWeekday(note string) (time.Weekday, bool) {
	for _, prefix := range []string{"星期", "礼拜", "周"} {
		for rest := note; ; {
			_, after, ok := strings.Cut(rest, prefix)
			if !ok {
				break
			}
			r, _ := utf8.DecodeRuneInString(after)
			if wd, ok := noticeWeekdayRunes[r]; ok {
				return wd, true
			}
			rest = after
		}
	}
	return 0, false
}

// noticeTokenKind classifies the pieces of an arrangement line.
type noticeTokenKind int

const (
	noticeWord  noticeTokenKind = iota // other text: 放假调休, 共3天, 上班
	noticeDate                         // 2018年12月30日, 1月1日 or 3日
	noticeTo                           // 至 or a dash between two dates
	noticeAnd                          // 、 between dates
	noticeComma                        // ， ； or ： ends a clause
	noticeStop                         // 。 ends a sentence
)

// noticeToken is a piece of an arrangement line.
type noticeToken struct {
	kind             noticeTokenKind
	text             string // as written, a date with its parenthesis
	year, month, day int    // of a date; 0 where not written
	note             string // a date's parenthesis: 星期六, 农历除夕、周二
}

// noticeText gives back the text of tokens, for messages.
func noticeText(toks []noticeToken) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
	}
	return b.String()
}

// noticeSplit splits tokens at separators of kind, dropping the separators
// and empty pieces.
func noticeSplit(toks []noticeToken, kind noticeTokenKind) [][]noticeToken {
	var out [][]noticeToken
	start := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i].kind != kind {
			continue
		}
		if i > start {
			out = append(out, toks[start:i])
		}
		start = i + 1
	}
	return out
}

// scanNotice splits the body of an arrangement line, folded to half-width,
// into tokens.
func scanNotice(s string) []noticeToken {
	sc := &noticeScanner{src: []rune(s)}
	for sc.pos < len(sc.src) {
		sc.scan()
	}
	sc.flush()
	return sc.toks
}

// noticeScanner is a small hand-written scanner: dates are the only
// structure inside a clause, and the rest is words.
type noticeScanner struct {
	src  []rune
	pos  int
	word []rune
	toks []noticeToken
}

func (sc *noticeScanner) scan() {
	r := sc.src[sc.pos]
	switch {
	case unicode.IsSpace(r):
		sc.pos++
	case r == '(':
		sc.paren()
	case r == '。':
		sc.punct(noticeStop)
	case r == ',' || r == ';' || r == ':':
		sc.punct(noticeComma)
	case r == '、':
		sc.punct(noticeAnd)
	case noticeIsDigit(r):
		sc.date()
	case strings.ContainsRune("至到-—–~", r) && sc.betweenDates():
		sc.punct(noticeTo)
	default:
		sc.word = append(sc.word, r)
		sc.pos++
	}
}

func (sc *noticeScanner) flush() {
	if len(sc.word) > 0 {
		sc.toks = append(sc.toks, noticeToken{kind: noticeWord, text: string(sc.word)})
		sc.word = sc.word[:0]
	}
}

func (sc *noticeScanner) emit(t noticeToken) {
	sc.flush()
	sc.toks = append(sc.toks, t)
}

func (sc *noticeScanner) punct(kind noticeTokenKind) {
	sc.emit(noticeToken{kind: kind, text: string(sc.src[sc.pos])})
	sc.pos++
}

// betweenDates reports whether the rune at pos stands between a date and
// a number, as 至 in 1月1日至3日 (but not in 调至).
func (sc *noticeScanner) betweenDates() bool {
	if len(sc.word) > 0 || len(sc.toks) == 0 || sc.toks[len(sc.toks)-1].kind != noticeDate {
		return false
	}
	for _, r := range sc.src[sc.pos+1:] {
		if !unicode.IsSpace(r) {
			return noticeIsDigit(r)
		}
	}
	return false
}

// paren reads a parenthesis. After a date it is the date's note; elsewhere
// it is part of the word.
func (sc *noticeScanner) paren() {
	depth, end := 0, len(sc.src)
	for i := sc.pos; i < len(sc.src); i++ {
		if sc.src[i] == '(' {
			depth++
		} else if sc.src[i] == ')' {
			if depth--; depth == 0 {
				end = i + 1
				break
			}
		}
	}
	text := string(sc.src[sc.pos:end])
	sc.pos = end
	if n := len(sc.toks); len(sc.word) == 0 && n > 0 && sc.toks[n-1].kind == noticeDate && sc.toks[n-1].note == "" {
		last := &sc.toks[n-1]
		last.text += text
		last.note = strings.TrimSuffix(strings.TrimPrefix(text, "("), ")")
		return
	}
	sc.word = append(sc.word, []rune(text)...)
}

// date reads 2018年12月30日, 12月30日 or 30日. Digits that are not a date
// (共3天) are part of the word.
func (sc *noticeScanner) date() {
	start := sc.pos
	if t, ok := sc.readDate(); ok {
		t.text = string(sc.src[start:sc.pos])
		sc.emit(t)
		return
	}
	sc.pos = start
	for sc.pos < len(sc.src) && noticeIsDigit(sc.src[sc.pos]) {
		sc.word = append(sc.word, sc.src[sc.pos])
		sc.pos++
	}
}

// readDate reads numbers each followed by its unit, 年, 月 and 日 in that
// order, ending with 日; the year and month may be left out.
func (sc *noticeScanner) readDate() (noticeToken, bool) {
	t := noticeToken{kind: noticeDate}
	fields := [...]*int{&t.year, &t.month, &t.day}
	last := -1
	for {
		n, ok := sc.number()
		if !ok || sc.pos == len(sc.src) {
			return t, false
		}
		unit := slices.Index([]rune("年月日"), sc.src[sc.pos])
		if unit < 0 || last >= 0 && unit != last+1 {
			return t, false
		}
		sc.pos++
		*fields[unit] = n
		if unit == len(fields)-1 {
			return t, true
		}
		last = unit
	}
}

// number reads up to four digits.
func (sc *noticeScanner) number() (int, bool) {
	start := sc.pos
	for sc.pos < len(sc.src) && noticeIsDigit(sc.src[sc.pos]) {
		sc.pos++
	}
	digits := string(sc.src[start:sc.pos])
	if digits == "" || len(digits) > 4 {
		return 0, false
	}
	n, _ := strconv.Atoi(digits)
	return n, true
}
