package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// Holiday arrangements (节假日安排): the working-day calendar deadlines are
// counted on, year by year, drawn as month grids. An administrator pastes
// the State Council General Office's yearly notice (国务院办公厅关于XXXX年
// 部分节假日安排的通知), previews what it sets and which open deadlines it
// would move, and confirms; or corrects one day. The store recounts the
// deadlines in the same transaction (时限重算). Only an administrator of
// the whole tree may change the calendar; the store says so to the others.

// Year states, as marked in the year selector.
const (
	yearOfficial    = "official"    // 官方: shipped with the program
	yearEntered     = "entered"     // 已录入: entered at run time
	yearProvisional = "provisional" // 暂定: counted on the provisional rule
)

// Kinds of day in the correction form.
var dayKinds = []string{"holiday", "workday", "ordinary"}

// holidayNames are the names the notices use (cn.json's), offered in the
// correction form.
var holidayNames = []string{"元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆节"}

// changesShown bounds the moved deadlines listed in a preview.
const changesShown = 20

type yearChoice struct {
	Year    int
	State   string
	Current bool
}

// dayCell is one day of a month grid; Day is 0 for the blanks before the
// first and after the last.
type dayCell struct {
	Day     int
	Date    string
	Off     bool // 休: a day off
	Work    bool // 班: a make-up working day
	Weekend bool
	Today   bool
	Name    string // the holiday's name
}

type monthGrid struct {
	Year, Month int
	Weeks       [][]dayCell
}

// holidayRow sums up one holiday of a year: its days off as ranges and its
// make-up working days.
type holidayRow struct {
	Name     string
	Off      []string
	Days     int
	Workdays []string
}

// yearView is one year drawn: its month grids and its holidays listed.
type yearView struct {
	Year     int
	Months   []*monthGrid
	Holidays []*holidayRow
}

// dayForm is the one-day correction form.
type dayForm struct {
	Date, Kind, Name string
	Errors           map[string]string
	Error            string
}

type holidaysData struct {
	Year    int
	State   string
	Entered *pingan.HolidayYear // who entered the year and when, if entered at run time
	Years   []yearChoice
	View    *yearView
	Kinds   []string
	Names   []string
	Day     dayForm
}

// noticeData is the preview of a pasted notice, and the form again.
type noticeData struct {
	Text     string
	YearText string
	Year     int // the notice's year, once read
	Errors   map[string]string
	Error    string // why the notice was not read, or why the store refused it
	Fields   []string
	Problems []calendar.NoticeProblem
	Years    []*yearView
	Recount  *pingan.Recount
	Changes  []changeRow
	More     int // moved deadlines not listed

	entries []*pingan.HolidayYear
	status  int // the store's refusal, as an HTTP status
}

// Ready reports whether the notice can be entered: read whole and accepted
// by the store's preview.
func (d *noticeData) Ready() bool {
	return d.Recount != nil && len(d.Problems) == 0 && d.Error == "" && len(d.Errors) == 0
}

type changeRow struct {
	CaseID   string
	Field    string // message key of the deadline's label
	From, To time.Time
}

// holidaysOnly answers 404 when no calendar service is configured.
func (s *Server) holidaysOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.holidays == nil {
			s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
			return
		}
		h(w, r)
	}
}

func (s *Server) adminHolidays(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	year := 0
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			s.fail(w, r, invalidField("year", "holidays.year.bad"))
			return
		}
		year = n
	}
	v := s.newView(r, "admin_holidays")
	// The result of a change, after its redirect (as the other pages' ?saved=).
	moved, _ := strconv.Atoi(q.Get("moved"))
	if y, err := strconv.Atoi(q.Get("entered")); err == nil {
		v.Notice = v.T("holidays.entered", y, moved)
	}
	if day := q.Get("corrected"); day != "" {
		if _, err := time.Parse(time.DateOnly, day); err == nil {
			v.Notice = v.T("holidays.corrected", day, moved)
		}
	}
	s.renderHolidays(w, r, v, year, &holidaysData{}, http.StatusOK)
}

// renderHolidays shows year (the year whose notice is missing, else the
// current one, when 0).
func (s *Server) renderHolidays(w http.ResponseWriter, r *http.Request, v *view, year int, d *holidaysData, status int) {
	cal := s.cal.Calendar()
	now := s.clock.Now().In(pingan.CST)
	if year == 0 {
		year = now.Year()
		if y, ok := cal.MissingNotice(now); ok {
			year = y
		}
	}
	if !cal.Covers(year) {
		first, _ := cal.Years()
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "holidays.year.uncovered", year, first))
		return
	}
	entered, err := s.enteredYears(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Year, d.State, d.Entered = year, yearStateOf(cal, entered, year), entered[year]
	_, last := cal.Years()
	for y := last - 2; y <= last+2; y++ {
		d.Years = append(d.Years, yearChoice{Year: y, State: yearStateOf(cal, entered, y), Current: y == year})
	}
	if year < last-2 || year > last+2 {
		d.Years = append(d.Years, yearChoice{Year: year, State: d.State, Current: true})
		slices.SortFunc(d.Years, func(a, b yearChoice) int { return a.Year - b.Year })
	}
	d.View = drawYear(v, year, cal.Arrangement(year), nil, now)
	d.Kinds, d.Names = dayKinds, holidayNames
	if d.Day.Kind == "" {
		d.Day.Kind = "holiday"
	}
	v.Title, v.Nav, v.D = v.T("admin.holidays"), "admin", d
	s.renderStatus(w, r, v, status)
}

func (s *Server) enteredYears(r *http.Request) (map[int]*pingan.HolidayYear, error) {
	ys, err := s.holidays.HolidayYears(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[int]*pingan.HolidayYear, len(ys))
	for _, y := range ys {
		m[y.Year] = y
	}
	return m, nil
}

func yearStateOf(cal *calendar.Calendar, entered map[int]*pingan.HolidayYear, year int) string {
	switch {
	case entered[year] != nil:
		return yearEntered
	case cal.IsOfficial(year):
		return yearOfficial
	}
	return yearProvisional
}

// previewHolidays reads a pasted notice and shows what entering it would
// do, writing nothing.
func (s *Server) previewHolidays(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_holidays_preview")
	d := s.readNotice(r, v)
	if len(d.entries) > 0 {
		rc, err := s.holidays.EnterHolidayYears(r.Context(), userOf(r), d.entries, true)
		if err != nil && !s.refused(w, r, v, d, err) {
			return
		}
		d.show(rc)
	}
	s.renderPreview(w, r, v, d)
}

// enterHolidays enters a notice confirmed after its preview. The text is
// read again here: nothing the page carried is trusted.
func (s *Server) enterHolidays(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_holidays_preview")
	d := s.readNotice(r, v)
	if len(d.entries) > 0 {
		rc, err := s.holidays.EnterHolidayYears(r.Context(), userOf(r), d.entries, false)
		if err == nil {
			year := strconv.Itoa(d.Year)
			http.Redirect(w, r, "/admin/holidays?"+url.Values{"year": {year}, "entered": {year},
				"moved": {strconv.Itoa(rc.Moved)}}.Encode(), http.StatusSeeOther)
			return
		}
		if !s.refused(w, r, v, d, err) {
			return
		}
	}
	s.renderPreview(w, r, v, d)
}

// refused notes on d why the store refused the notice, and reports false
// when it failed otherwise (the error page is then shown).
func (s *Server) refused(w http.ResponseWriter, r *http.Request, v *view, d *noticeData, err error) bool {
	if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.EFORBIDDEN {
		s.fail(w, r, err)
		return false
	}
	d.Error, d.status = v.Message(err), statusOf(err)
	if len(v.fields(err)) > 0 {
		d.Fields = sortedFields(v, err)
	}
	return true
}

func (s *Server) renderPreview(w http.ResponseWriter, r *http.Request, v *view, d *noticeData) {
	status := d.status
	switch {
	case status != 0:
	case d.Ready():
		status = http.StatusOK
	default:
		status = http.StatusBadRequest
	}
	v.Title, v.Nav, v.D = v.T("admin.holidays"), "admin", d
	s.renderStatus(w, r, v, status)
}

// readNotice reads the form's notice text and year. The years it would
// enter are left in d.entries only when the whole notice was understood.
func (s *Server) readNotice(r *http.Request, v *view) *noticeData {
	d := &noticeData{Text: strings.TrimSpace(r.PostFormValue("text")), YearText: strings.TrimSpace(r.PostFormValue("year"))}
	var bad pingan.Invalid
	bad.Require("text", d.Text)
	year := 0
	if d.YearText != "" {
		n, err := strconv.Atoi(d.YearText)
		if err != nil || n < 1900 || n > 2999 {
			bad.Add("year", "holidays.year.format")
		}
		year = n
	}
	if err := bad.Err(); err != nil {
		d.Errors = v.fields(err)
		return d
	}
	n, err := calendar.ParseNotice(d.Text, year)
	if err != nil {
		d.Error = v.T("holidays.unreadable", err.Error())
		return d
	}
	d.Year, d.Problems = n.Year, n.Problems
	if len(n.Problems) > 0 {
		return d
	}
	cal := s.cal.Calendar()
	for _, y := range slices.Sorted(maps.Keys(n.Days)) {
		if y != n.Year && !cal.IsOfficial(y) {
			// Days at the edge of a year still counted provisionally
			// would enter that year with nothing else in it.
			d.Error = v.T("holidays.year.first", y)
			d.entries, d.Years = nil, nil
			return d
		}
		e := noticeYear(cal, n, y, d.Text)
		d.entries = append(d.entries, e)
		var months []int
		if y != n.Year {
			months = monthsOf(e, n.Days[y])
		}
		d.Years = append(d.Years, drawYear(v, y, calendar.Year{Holidays: e.Holidays, Workdays: e.Workdays}, months, v.now))
	}
	return d
}

// noticeYear answers the arrangement of year y once notice n is entered.
// The notice's own year is what it says, but for 元旦 days at the end of
// December, which the next year's notice sets and which are kept. Another
// year (a notice for N that starts 元旦 on 30 December N-1) keeps its
// arrangement and gains the notice's days.
func noticeYear(cal *calendar.Calendar, n *calendar.Notice, y int, text string) *pingan.HolidayYear {
	days := n.Days[y]
	e := &pingan.HolidayYear{Year: y, Holidays: map[string]string{}, Workdays: map[string]string{}, Notice: text}
	var kept calendar.Year
	if cal.IsOfficial(y) {
		kept = cal.Arrangement(y)
	}
	lateNewYear := func(d, name string) bool { return name == "元旦" && strings.HasPrefix(d, strconv.Itoa(y)+"-12-") }
	for d, name := range kept.Holidays {
		if y != n.Year || lateNewYear(d, name) {
			e.Holidays[d] = name
		}
	}
	for d, name := range kept.Workdays {
		if y != n.Year || lateNewYear(d, name) {
			e.Workdays[d] = name
		}
	}
	for d, name := range days.Holidays {
		e.Holidays[d] = name
		delete(e.Workdays, d)
	}
	for d, name := range days.Workdays {
		e.Workdays[d] = name
		delete(e.Holidays, d)
	}
	if y != n.Year {
		e.Notice = ""
	}
	return e
}

// monthsOf answers the months of the notice's days in a year it touches
// only at its edge.
func monthsOf(e *pingan.HolidayYear, days calendar.Year) []int {
	set := map[int]bool{}
	for _, m := range []map[string]string{days.Holidays, days.Workdays} {
		for d := range m {
			if t, err := time.Parse(time.DateOnly, d); err == nil && t.Year() == e.Year {
				set[int(t.Month())] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// show notes what the store's preview would do, the first changes listed.
func (d *noticeData) show(rc *pingan.Recount) {
	if rc == nil {
		return
	}
	d.Recount = rc
	for i, ch := range rc.Changes {
		if i == changesShown {
			break
		}
		d.Changes = append(d.Changes, changeRow{CaseID: ch.CaseID, Field: "holidays.field." + ch.Field, From: ch.From, To: ch.To})
	}
	d.More = rc.Moved - len(d.Changes)
}

// correctHoliday changes one day of a year: a day off, a make-up working
// day, or an ordinary day. An official or entered year is changed from
// its arrangement; a provisional year starts empty, since its provisional
// days are a guess and not an arrangement.
func (s *Server) correctHoliday(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_holidays")
	f := dayForm{Date: strings.TrimSpace(r.PostFormValue("date")), Kind: r.PostFormValue("kind"),
		Name: strings.TrimSpace(r.PostFormValue("name"))}
	cal := s.cal.Calendar()
	var bad pingan.Invalid
	day, err := time.ParseInLocation(time.DateOnly, f.Date, pingan.CST)
	switch {
	case err != nil:
		bad.Add("date", "holidays.day.date.bad")
	case !cal.Covers(day.Year()):
		bad.Add("date", "holidays.day.date.uncovered")
	}
	if !slices.Contains(dayKinds, f.Kind) {
		bad.Add("kind", "holidays.day.kind.bad")
	}
	if f.Kind != "ordinary" {
		bad.Require("name", f.Name)
	}
	year := 0
	if err == nil {
		year = day.Year()
	}
	err = bad.Err()
	var rc *pingan.Recount
	if err == nil {
		var entered map[int]*pingan.HolidayYear
		if entered, err = s.enteredYears(r); err == nil {
			rc, err = s.holidays.EnterHolidayYears(r.Context(), userOf(r), []*pingan.HolidayYear{corrected(cal, entered[year], day, f)}, false)
		}
	}
	if err == nil {
		http.Redirect(w, r, "/admin/holidays?"+url.Values{"year": {strconv.Itoa(year)}, "corrected": {f.Date},
			"moved": {strconv.Itoa(rc.Moved)}}.Encode(), http.StatusSeeOther)
		return
	}
	if c := pingan.ErrorCode(err); c != pingan.EINVALID && c != pingan.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	// The store names the day (holidays.2027-02-10, workdays.…, years.2027):
	// all of it is about the date of the form.
	f.Errors = map[string]string{}
	for k, m := range v.fields(err) {
		switch k {
		case "date", "kind", "name":
			f.Errors[k] = m
		default:
			f.Errors["date"] = strings.TrimPrefix(f.Errors["date"]+"；"+m, "；")
		}
	}
	if len(f.Errors) == 0 {
		f.Error = v.Message(err)
	}
	s.renderHolidays(w, r, v, year, &holidaysData{Day: f}, statusOf(err))
}

// corrected answers day's year with the form's change applied.
func corrected(cal *calendar.Calendar, entered *pingan.HolidayYear, day time.Time, f dayForm) *pingan.HolidayYear {
	y := &pingan.HolidayYear{Year: day.Year(), Holidays: map[string]string{}, Workdays: map[string]string{}}
	if cal.IsOfficial(y.Year) {
		a := cal.Arrangement(y.Year)
		maps.Copy(y.Holidays, a.Holidays)
		maps.Copy(y.Workdays, a.Workdays)
	}
	if entered != nil {
		y.Notice = entered.Notice
	}
	delete(y.Holidays, f.Date)
	delete(y.Workdays, f.Date)
	switch f.Kind {
	case "holiday":
		y.Holidays[f.Date] = f.Name
	case "workday":
		y.Workdays[f.Date] = f.Name
	}
	return y
}

// drawYear draws the months of a year's arrangement (all twelve when
// months is empty) and lists its holidays.
func drawYear(v *view, year int, a calendar.Year, months []int, now time.Time) *yearView {
	if len(months) == 0 {
		months = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	}
	today := now.In(pingan.CST).Format(time.DateOnly)
	yv := &yearView{Year: year}
	for _, m := range months {
		g := &monthGrid{Year: year, Month: m}
		first := time.Date(year, time.Month(m), 1, 0, 0, 0, 0, pingan.CST)
		week := make([]dayCell, (int(first.Weekday())+6)%7) // Monday first
		for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
			key := d.Format(time.DateOnly)
			c := dayCell{Day: d.Day(), Date: key, Weekend: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday, Today: key == today}
			if name, ok := a.Holidays[key]; ok {
				c.Off, c.Name = true, name
			} else if name, ok := a.Workdays[key]; ok {
				c.Work, c.Name = true, name
			}
			week = append(week, c)
			if len(week) == 7 {
				g.Weeks, week = append(g.Weeks, week), nil
			}
		}
		if len(week) > 0 {
			g.Weeks = append(g.Weeks, append(week, make([]dayCell, 7-len(week))...))
		}
		yv.Months = append(yv.Months, g)
	}
	yv.Holidays = holidayRows(v, a)
	return yv
}

// holidayRows lists the holidays of an arrangement in the order of their
// first day, each with its days off as ranges.
func holidayRows(v *view, a calendar.Year) []*holidayRow {
	byName := map[string]*holidayRow{}
	var rows []*holidayRow
	row := func(name string) *holidayRow {
		if byName[name] == nil {
			byName[name] = &holidayRow{Name: name}
			rows = append(rows, byName[name])
		}
		return byName[name]
	}
	all := slices.Sorted(maps.Keys(a.Holidays))
	for _, d := range slices.Sorted(maps.Keys(a.Workdays)) {
		all = append(all, d)
	}
	slices.Sort(all)
	var start, prev time.Time
	var cur *holidayRow
	flush := func() {
		if cur == nil {
			return
		}
		if start.Equal(prev) {
			cur.Off = append(cur.Off, v.dayLabel(start))
		} else {
			cur.Off = append(cur.Off, v.T("holidays.range", v.dayLabel(start), v.dayLabel(prev)))
		}
		cur = nil
	}
	for _, key := range all {
		d, err := time.ParseInLocation(time.DateOnly, key, pingan.CST)
		if err != nil {
			continue
		}
		if name, ok := a.Workdays[key]; ok {
			r := row(name)
			r.Workdays = append(r.Workdays, v.dayLabel(d))
			continue
		}
		r := row(a.Holidays[key])
		r.Days++
		if cur == r && d.Sub(prev) <= 24*time.Hour {
			prev = d
			continue
		}
		flush()
		cur, start, prev = r, d, d
	}
	flush()
	return rows
}

// dayLabel formats a day as 2月13日（周六） or Sat 13 Feb.
func (v *view) dayLabel(d time.Time) string {
	wd := v.Weekdays()[(int(d.Weekday())+6)%7]
	return v.T("holidays.day.label", int(d.Month()), d.Day(), wd, d.Format("Jan"))
}

// Weekdays answers the short names of the weekdays, Monday first.
func (v *view) Weekdays() []string { return strings.Split(v.T("holidays.weekdays"), ",") }

// MonthName answers the name of a month.
func (v *view) MonthName(m int) string { return v.T("holidays.month", m, time.Month(m).String()) }

// noticeBanner sets the banner that asks an administrator to enter the
// notice of a year still counted provisionally (dashboard, inbox).
func (s *Server) noticeBanner(v *view) {
	if s.holidays == nil || v.User == nil || !v.User.Has(pingan.RoleAdmin) {
		return
	}
	if y, ok := s.cal.Calendar().MissingNotice(v.now); ok {
		v.MissingNotice = y
	}
}
