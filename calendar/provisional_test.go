package calendar

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// TestStatutoryDates checks the computed lunar holidays and 清明 against the
// official notices: in every year since 2008 (when 清明, 端午 and 中秋
// became holidays) the day the rule computes for each of them is a day off
// of that name in the official data, and 春节 (正月初一) is off every year.
func TestStatutoryDates(t *testing.T) {
	c := Official()
	first, last := c.Years()
	for year := first; year <= last; year++ {
		check := map[string]time.Time{"春节": springFestival(year)[1]}
		if year >= 2008 {
			check["清明"] = qingming(year)[0]
			check["端午"] = lunarDay(5, 5)(year)[0]
			check["中秋"] = lunarDay(8, 15)(year)[0]
		}
		for name, d := range check {
			if working, _ := c.IsWorkingDay(d); working {
				t.Errorf("%d: %s computed on %s, which the notice does not give off", year, name, d.Format(time.DateOnly))
				continue
			}
			got, ok := c.holidays[key(d)]
			if !ok {
				continue // a weekend day inside the block, not listed
			}
			// A combined block is named for the other holiday on some days
			// (国庆节 on 1 October that is also 中秋).
			if got != name && !(name == "中秋" && got == "国庆节") {
				t.Errorf("%d: %s computed on %s, which the notice names %s", year, name, d.Format(time.DateOnly), got)
			}
		}
	}
}

// TestStatutoryKnownYears pins the rule's output for years outside the
// data, so that a change to the rule or to the lunar library shows.
func TestStatutoryKnownYears(t *testing.T) {
	tests := []struct {
		year int
		days []string // every day off, sorted
	}{
		// 2027: 除夕 5 Feb (Fri) – 初三 8 Feb (Mon), with 6–7 Feb on the
		// weekend made up on 9–10 Feb; 清明 5 Apr (Mon); 1–2 May on the
		// weekend, made up 3–4 May; 端午 9 Jun; 中秋 15 Sep; 2–3 Oct on the
		// weekend, made up 4–5 Oct.
		{2027, []string{"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
			"2027-04-05", "2027-05-01", "2027-05-02", "2027-05-03", "2027-05-04", "2027-06-09", "2027-09-15",
			"2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05"}},
	}
	for _, tt := range tests {
		got := slices.Sorted(maps.Keys(Statutory(tt.year).Holidays))
		if !slices.Equal(got, tt.days) {
			t.Errorf("Statutory(%d) =\n%v\nwant\n%v", tt.year, got, tt.days)
		}
	}
}

// TestProvisionalAgainstOfficial counts 2025 and 2026 — the years of the
// 2024 办法 whose notices are known — on the provisional rule, and compares
// with the notices: every day the rule gives off must be off in the notice
// (the core dates match), and a fixed sample of deadlines shows how far a
// provisional deadline can be from the official one.
func TestProvisionalAgainstOfficial(t *testing.T) {
	official := Official()
	for _, year := range []int{2025, 2026} {
		for d, name := range Statutory(year).Holidays {
			day, _ := time.ParseInLocation(time.DateOnly, d, cst)
			if _, ok := official.holidays[key(day)]; !ok {
				t.Errorf("%d: the rule gives %s (%s) off; the notice does not", year, d, name)
			}
		}
		// The calendar of the years before, with this year provisional.
		years := Shipped()
		for y := range years {
			if y >= year {
				delete(years, y)
			}
		}
		prov, err := New(years)
		if err != nil {
			t.Fatal(err)
		}
		if !prov.IsProvisional(year) {
			t.Fatalf("%d is not provisional", year)
		}
		// The sample: a deadline of 3, 5, 10, 15, 30 and 60 units from
		// 10:00 of every day of the year, in working and calendar days.
		n, differ, early, late := 0, 0, 0, 0
		var worstEarly, worstLate time.Duration
		for from := time.Date(year, 1, 1, 10, 0, 0, 0, cst); from.Year() == year; from = from.AddDate(0, 0, 1) {
			for _, u := range []Unit{WorkingDays, CalendarDays} {
				for _, days := range []int{3, 5, 10, 15, 30, 60} {
					want, err := official.Due(from, days, u)
					if err != nil || want.Year() != year {
						continue
					}
					got, err := prov.Due(from, days, u)
					if err != nil {
						t.Fatal(err)
					}
					n++
					switch d := want.Sub(got); {
					case d > 0:
						differ++
						early++
						worstEarly = max(worstEarly, d)
					case d < 0:
						differ++
						late++
						worstLate = max(worstLate, -d)
					}
				}
			}
		}
		t.Logf("%d: %d of %d sample deadlines differ (%d early by at most %v, %d late by at most %v)",
			year, differ, n, early, worstEarly, late, worstLate)
		// Early: the bridging days the rule cannot know (春节 2026: 9 days
		// off, 4 by law). Late: a last day that the notice makes a working
		// Saturday just before a block, which the rule sees as the start of
		// a rest stretch (2026-02-14: official, the 14th; provisional, the
		// 20th).
		if worstEarly > 5*24*time.Hour || worstLate > 8*24*time.Hour {
			t.Errorf("%d: provisional deadlines too far from the official ones", year)
		}
	}
}

func TestProvisionalCalendar(t *testing.T) {
	c := Official()
	_, last := c.Years()
	from := time.Date(last, 11, 27, 10, 0, 0, 0, CST)
	due, err := c.Due(from, 60, CalendarDays)
	if err != nil {
		t.Fatalf("60 days from 27 November of the last official year: %v", err)
	}
	if !c.Provisional(due) || c.Provisional(from) {
		t.Errorf("Provisional(%s) = %v, Provisional(%s) = %v", due, c.Provisional(due), from, c.Provisional(from))
	}
	// 1 January of the next year is off, 4 January an ordinary Monday.
	if ok, err := c.IsWorkingDay(time.Date(2027, 1, 1, 12, 0, 0, 0, CST)); err != nil || ok {
		t.Errorf("1 January 2027: working=%v err=%v", ok, err)
	}
	if ok, err := c.IsWorkingDay(time.Date(2027, 1, 4, 12, 0, 0, 0, CST)); err != nil || !ok {
		t.Errorf("4 January 2027: working=%v err=%v", ok, err)
	}
	// Entering the year makes it official; later years stay provisional.
	notice := Year{Holidays: map[string]string{"2027-01-01": "元旦", "2027-01-04": "元旦"}, Workdays: map[string]string{"2027-01-09": "元旦"}}
	with, err := c.With(map[int]Year{2027: notice})
	if err != nil {
		t.Fatal(err)
	}
	if !with.IsOfficial(2027) || !with.IsProvisional(2028) || with.Provisional(due) {
		t.Errorf("after With: official 2027 %v, provisional 2028 %v", with.IsOfficial(2027), with.IsProvisional(2028))
	}
	if ok, _ := with.IsWorkingDay(time.Date(2027, 1, 4, 12, 0, 0, 0, CST)); ok {
		t.Error("4 January 2027 entered as a holiday is a working day")
	}
	if ok, _ := with.IsWorkingDay(time.Date(2027, 1, 9, 12, 0, 0, 0, CST)); !ok {
		t.Error("Saturday 9 January 2027 entered as a make-up working day is a rest day")
	}
	// The entered year replaces the rule entirely: 春节 2027 is not off
	// until the notice says so.
	if ok, _ := with.IsWorkingDay(time.Date(2027, 2, 8, 12, 0, 0, 0, CST)); !ok {
		t.Error("a day of the rule survives in an entered year")
	}
	// A gap is refused; a replaced official year wins over the shipped one.
	if _, err := c.With(map[int]Year{2028: {}}); err == nil {
		t.Error("With accepted 2028 with 2027 missing")
	}
	changed, err := c.With(map[int]Year{2026: {Holidays: map[string]string{"2026-03-02": "测试"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := changed.IsWorkingDay(time.Date(2026, 2, 17, 12, 0, 0, 0, CST)); !ok {
		t.Error("the replaced year keeps the shipped 春节")
	}
	if ok, _ := changed.IsWorkingDay(time.Date(2026, 3, 2, 12, 0, 0, 0, CST)); ok {
		t.Error("the replaced year lacks its entered holiday")
	}
	if got := c.Arrangement(2026); len(got.Holidays) != 33 || len(got.Workdays) != 6 {
		t.Errorf("Arrangement(2026): %d holidays, %d workdays", len(got.Holidays), len(got.Workdays))
	}
}

func TestMissingNotice(t *testing.T) {
	c := Official()
	_, last := c.Years()
	tests := []struct {
		now  time.Time
		year int
		ok   bool
	}{
		{time.Date(last, 9, 30, 23, 0, 0, 0, CST), 0, false},
		{time.Date(last, 10, 1, 0, 0, 0, 0, CST), last + 1, true},
		{time.Date(last, 12, 31, 12, 0, 0, 0, CST), last + 1, true},
		{time.Date(last+1, 3, 1, 12, 0, 0, 0, CST), last + 1, true},
		{time.Date(last-1, 11, 1, 12, 0, 0, 0, CST), 0, false},
	}
	for _, tt := range tests {
		if y, ok := c.MissingNotice(tt.now); y != tt.year || ok != tt.ok {
			t.Errorf("MissingNotice(%s) = %d, %v; want %d, %v", tt.now, y, ok, tt.year, tt.ok)
		}
	}
}
