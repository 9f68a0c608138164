package monthly_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/demo"
	"github.com/pingan-gov/pingan/monthly"
	"github.com/pingan-gov/pingan/paper"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
	"github.com/xuri/excelize/v2"
)

// history is a small demo city (黔江区) with a little more than a year of
// cases, so that its October has a month before and a year before.
var history = demo.Options{City: "500114", Seed: 7, Days: 400, Cases: 160, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, pingan.CST)}

func init() {
	if race {
		history.Cases = 70
	}
}

// TestMonthly builds the report of the city's October over a real history
// and checks it against the statistics it is read from, then writes it as
// XLSX and reads it back, and prints it and reads its text.
func TestMonthly(t *testing.T) {
	ctx := context.Background()
	clock := demo.NewClock()
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	city, err := demo.Seed(ctx, demo.Services{Units: db.Units, Users: db.Users, Categories: db.Categories, Grids: db.Grids,
		Cases: db.Cases, Stats: db.Stats, Escalator: db.Cases, Petitions: db.Petitions}, clock, history)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	assess := &fakeAssess{unit: city.Code}
	svc := monthly.Services{Stats: db.Stats, Cases: db.Cases, Units: db.Units, Categories: db.Categories, Schemes: assess, Assess: assess}
	// What is open is as at the store's clock, live again after the seeding.
	now := time.Now()

	if _, err := monthly.Build(ctx, svc, admin, city.Code, "2026-13", now); pingan.ErrorCode(err) != pingan.EINVALID || !hasField(err, "month") {
		t.Errorf("a bad month: %v, want EINVALID naming month", err)
	}
	r, err := monthly.Build(ctx, svc, admin, city.Code, "2026-10", now)
	if err != nil {
		t.Fatal(err)
	}

	// Without the handling units (a store that cannot break down by them)
	// the report goes without them.
	if r, err := monthly.Build(ctx, monthly.Services{Stats: noHandlers{db.Stats}, Cases: db.Cases, Units: db.Units}, admin, city.Code,
		"2026-10", now); err != nil || r.Handlers != nil || r.Rankings != nil || len(r.Categories) == 0 {
		t.Errorf("without the handling units: %v", err)
	}
	if len(r.Handlers) == 0 {
		t.Errorf("no handling units")
	}

	// The figures are the statistics'.
	stats := func(from, to time.Time) *pingan.Stats {
		st, err := db.Stats.Stats(ctx, admin, pingan.StatsQuery{Unit: city.Code, From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	oct, nov := time.Date(2026, 10, 1, 0, 0, 0, 0, pingan.CST), time.Date(2026, 11, 1, 0, 0, 0, 0, pingan.CST)
	cur, prev, yoy := stats(oct, nov), stats(oct.AddDate(0, -1, 0), oct), stats(oct.AddDate(-1, 0, 0), nov.AddDate(-1, 0, 0))
	if cur.Total == 0 || prev.Total == 0 || yoy.Total == 0 {
		t.Fatalf("the history is too thin: %d, %d, %d cases", cur.Total, prev.Total, yoy.Total)
	}
	fig := func(id string) monthly.Figure {
		f, ok := r.Figure(id)
		if !ok {
			t.Fatalf("no figure %s", id)
		}
		return f
	}
	if f := fig("reported"); f.Cur != float64(cur.Total) || f.Prev != float64(prev.Total) || f.YoY != float64(yoy.Total) {
		t.Errorf("reported %v/%v/%v, want %d/%d/%d", f.Cur, f.Prev, f.YoY, cur.Total, prev.Total, yoy.Total)
	}
	for _, id := range []string{"closed_on_time", "satisfaction", "settlement", "petition_reply"} {
		if f := fig(id); f.Cur != cur.Rates[id] || f.HasCur != (cur.Bases[id] > 0) || f.YoY != yoy.Rates[id] {
			t.Errorf("%s: %v (%v), want %v (base %d)", id, f.Cur, f.HasCur, cur.Rates[id], cur.Bases[id])
		}
	}
	if f := fig("disputes"); f.Cur != float64(cur.Bases["settlement"]) {
		t.Errorf("disputes accepted %v, want %d", f.Cur, cur.Bases["settlement"])
	}
	if len(r.Trend) != 12 || r.Trend[11].Month != "2026-10" || r.Trend[0].Month != "2025-11" {
		t.Fatalf("trend %+v", r.Trend)
	}
	var sum int64
	for _, p := range r.Trend {
		sum += p.Reported
	}
	if year := stats(oct.AddDate(0, -11, 0), nov); sum != int64(year.Total) || r.Trend[11].Reported != int64(cur.Total) {
		t.Errorf("the trend adds up to %d, the year holds %d", sum, year.Total)
	}
	if len(r.Units) == 0 || len(r.Kinds) == 0 || len(r.Categories) == 0 || len(r.Categories) > monthly.TopCategories {
		t.Errorf("breakdowns: %d units, %d kinds, %d categories", len(r.Units), len(r.Kinds), len(r.Categories))
	}
	if len(r.Rankings) != 2 || !r.Rankings[0].Published || r.Rankings[1].Published {
		t.Errorf("rankings %+v", r.Rankings)
	}
	if len(r.Issues) != 4 {
		t.Fatalf("issues %+v", r.Issues)
	}
	over := r.Issues[0]
	if want := min(int(r.Open.OverdueNow), monthly.MaxIssues); len(over.Items) != want ||
		r.Open.OverdueNow > monthly.MaxIssues && over.More != int(r.Open.OverdueNow)-monthly.MaxIssues {
		t.Errorf("overdue: %d listed, %d more; %d overdue now", len(over.Items), over.More, r.Open.OverdueNow)
	}
	for _, it := range over.Items {
		if it.DaysOverdue <= 0 || it.Number == "" || it.Title == "" || it.Unit == "" {
			t.Errorf("an overdue matter: %+v", it)
		}
	}
	summary := strings.Join(r.Summary(pingan.ZH), "")
	f := fig("reported")
	want := "本月共受理各类事项" + commas(cur.Total) + "件，同比" + updown(f.Cur, f.YoY) + "，环比" + updown(f.Cur, f.Prev)
	if !strings.HasPrefix(summary, want) {
		t.Errorf("summary %q, want it to begin %q", summary, want)
	}
	for _, want := range []string{"按期结案率", "「县（区）考核」本月考核第一名：", "「乡镇考核」本月考核结果尚未发布。",
		"截至" + now.In(pingan.CST).Format("2006年1月2日")} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary %q lacks %q", summary, want)
		}
	}

	// The workbook: its sheets, numbers as numbers.
	for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
		b, err := monthly.XLSX(lang, r)
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		names := x.GetSheetList()
		for _, sec := range []string{"summary", "figures", "trend", "kinds", "categories", "units", "ranking", "issues"} {
			if !contains(names, pingan.Text(lang, "monthly.sec."+sec)) {
				t.Errorf("%s: sheets %q lack %s", lang, names, sec)
			}
		}
		for _, name := range names {
			rows, _ := x.GetRows(name)
			for _, row := range rows {
				for _, c := range row {
					if strings.Contains(c, "monthly.") || strings.Contains(c, "%!") {
						t.Errorf("%s: sheet %s: %q", lang, name, c)
					}
				}
			}
		}
		figs := pingan.Text(lang, "monthly.sec.figures")
		rows, _ := x.GetRows(figs)
		// The title and three lines of filters, then the header.
		if len(rows) < 6 || rows[4][0] != pingan.Text(lang, "monthly.col.figure") || rows[4][5] != pingan.Text(lang, "monthly.col.yoy") {
			t.Fatalf("%s: figures %q", lang, rows)
		}
		numeric(t, x, figs, "B6", float64(cur.Total))
		numeric(t, x, figs, "C6", float64(prev.Total))
		numeric(t, x, figs, "E6", float64(yoy.Total))
		trend := pingan.Text(lang, "monthly.sec.trend")
		numeric(t, x, trend, "B17", float64(cur.Total))
		if m, _ := x.GetCellValue(trend, "A17"); m != "2026-10" {
			t.Errorf("%s: the trend's last month %q", lang, m)
		}
		x.Close()
	}

	// The PDF: the unit, the month, the figures and the summary.
	p := printer(t)
	for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
		b, err := monthly.PDF(p, lang, r)
		if err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("PINGAN_KEEP"); dir != "" {
			os.WriteFile(dir+"/monthly-"+string(lang)+".pdf", b, 0o644)
		}
		got := pdfText(t, b)
		wants := []string{r.UnitName, monthly.MonthWords(lang, "2026-10"), pingan.Text(lang, "monthly.sec.figures"), commas(cur.Total),
			pingan.Text(lang, "monthly.sec.issues"), pingan.Text(lang, "print.page", 1, "")}
		for _, s := range r.Summary(lang) {
			wants = append(wants, strings.Join(strings.Fields(s), ""))
		}
		for _, want := range wants {
			if want = strings.Join(strings.Fields(want), ""); !strings.Contains(got, want) {
				t.Errorf("%s: the PDF lacks %q", lang, want)
			}
		}
		if strings.Contains(got, "monthly.") || strings.Contains(got, "%!") {
			t.Errorf("%s: a message is missing in %s", lang, got)
		}
	}
}

// noHandlers is a StatsService that cannot break down by handling unit.
type noHandlers struct{ pingan.StatsService }

func (s noHandlers) StatsBy(ctx context.Context, actor *pingan.User, q pingan.StatsQuery, d pingan.StatsDim) ([]*pingan.Stats, error) {
	if d == pingan.ByHandler {
		return nil, pingan.Invalidf("by", "stats.by.unknown", string(d))
	}
	return s.StatsService.StatsBy(ctx, actor, q, d)
}

// fakeAssess answers two schemes of the unit: the county scheme published
// for the month, the township scheme a draft.
type fakeAssess struct {
	pingan.AssessService
	unit string
}

func (a *fakeAssess) Schemes(ctx context.Context, actor *pingan.User, year int) ([]*pingan.Scheme, error) {
	return []*pingan.Scheme{{ID: 1, Unit: a.unit, Year: year, Level: pingan.LevelCounty, Name: "县（区）考核"},
		{ID: 2, Unit: a.unit, Year: year, Level: pingan.LevelTownship, Name: "乡镇考核"},
		{ID: 3, Unit: "elsewhere", Year: year, Level: pingan.LevelTownship, Name: "别处的考核"}}, nil
}

func (a *fakeAssess) Scheme(ctx context.Context, actor *pingan.User, id int64, version int) (*pingan.Scheme, error) {
	return nil, pingan.E(pingan.ENOTFOUND, "not.found")
}

func (a *fakeAssess) SaveScheme(ctx context.Context, actor *pingan.User, s *pingan.Scheme) (*pingan.Scheme, error) {
	return nil, pingan.E(pingan.EFORBIDDEN, "no")
}

func (a *fakeAssess) Assessment(ctx context.Context, actor *pingan.User, id int64, period string) (*pingan.Assessment, error) {
	if id != 1 {
		return &pingan.Assessment{Period: period, Status: pingan.AssessDraft}, nil
	}
	return &pingan.Assessment{Period: period, Status: pingan.AssessPublished, Results: []*pingan.Result{
		{Unit: "b", UnitName: "乙区", ParentName: "黔江区", Total: 88.5, Grade: "B", Band: pingan.BandYellow, Rank: 2, Peers: 2, PrevRank: 1},
		{Unit: "a", UnitName: "甲区", ParentName: "黔江区", Total: 93.25, Grade: "A", Band: pingan.BandGreen, Rank: 1, Peers: 2},
	}}, nil
}

func hasField(err error, field string) bool {
	var e *pingan.Error
	if !errors.As(err, &e) {
		return false
	}
	_, ok := e.Fields[field]
	return ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// commas answers n with thousands separators.
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// updown answers the change of cur on base as the summary says it.
func updown(cur, base float64) string {
	c := (cur - base) / base
	switch {
	case c > 0.0005:
		return "上升" + strconv.FormatFloat(c*100, 'f', 1, 64) + "%"
	case c < -0.0005:
		return "下降" + strconv.FormatFloat(-c*100, 'f', 1, 64) + "%"
	}
	return "持平"
}

// numeric fails unless the cell holds a number equal to want.
func numeric(t *testing.T, f *excelize.File, name, ref string, want float64) {
	t.Helper()
	if typ, _ := f.GetCellType(name, ref); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s: cell type %v, want a number", name, ref, typ)
	}
	raw, _ := f.GetCellValue(name, ref, excelize.Options{RawCellValue: true})
	if got, err := strconv.ParseFloat(raw, 64); err != nil || got != want {
		t.Errorf("%s!%s: %q, want %v", name, ref, raw, want)
	}
}

// printer answers a printer, or skips without a font to print with.
func printer(t *testing.T) *paper.Printer {
	t.Helper()
	p, err := paper.New(os.Getenv("PINGAN_FONT"))
	if err != nil {
		absent(t, "the font to print with: "+err.Error())
	}
	return p
}

// pdfText answers the text of a PDF without the spaces and line breaks of
// its layout, or skips without pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		absent(t, "pdftotext")
	}
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return regexp.MustCompile(`\s+`).ReplaceAllString(string(out), "")
}

// absent skips the test for what is missing, or fails it on CI.
func absent(t *testing.T, what string) {
	t.Helper()
	msg := "missing " + what + " (Debian: apt-get install " + paper.FontPackage + " poppler-utils)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// TestChangeText checks the changes as a table shows them: of a count in
// per cent, of a rate in percentage points, level, and without a base.
func TestChangeText(t *testing.T) {
	count := monthly.Figure{ID: "reported", Cur: 110, Prev: 100, YoY: 200, HasCur: true, HasPrev: true, HasYoY: true}
	rate := monthly.Figure{ID: "closed_on_time", Rate: true, Cur: 0.9, Prev: 0.9, YoY: 0.95, HasCur: true, HasPrev: true, HasYoY: true}
	for _, c := range []struct {
		f          monthly.Figure
		which, out string
	}{
		{count, "mom", "+10.0%"},
		{count, "yoy", "-45.0%"},
		{rate, "mom", "0.0个百分点"},
		{rate, "yoy", "-5.0个百分点"},
		{monthly.Figure{ID: "reported", Cur: 3, HasCur: true}, "mom", "—"},
	} {
		if got := c.f.ChangeText(pingan.ZH, c.which); got != c.out {
			t.Errorf("%s %s: %q, want %q", c.f.ID, c.which, got, c.out)
		}
	}
}
