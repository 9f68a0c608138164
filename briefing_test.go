package pingan

import (
	"strings"
	"testing"
	"time"
)

// TestParseWeek reads ISO weeks to their Monday in China Standard Time,
// across the turn of a year and in a year of 53 weeks, and refuses the
// rest naming week; WeekOf is its inverse.
func TestParseWeek(t *testing.T) {
	for _, c := range []struct{ week, monday string }{
		{"2026-W48", "2026-11-23"},
		{"2026-W01", "2025-12-29"}, // 4 January 2026 is a Sunday
		{"2026-W10", "2026-03-02"},
		{"2020-W53", "2020-12-28"},
		{"2021-W01", "2021-01-04"},
	} {
		m, err := ParseWeek(c.week)
		if err != nil {
			t.Errorf("%s: %v", c.week, err)
			continue
		}
		if Day(m) != c.monday || m.Weekday() != time.Monday || m.Hour() != 0 || m.Location() != CST {
			t.Errorf("%s: %v, want the midnight of Monday %s", c.week, m, c.monday)
		}
		for d := range 7 {
			if w := WeekOf(m.Add(time.Duration(d)*24*time.Hour + 23*time.Hour)); w != c.week {
				t.Errorf("WeekOf(%s + %d days) = %s", c.monday, d, w)
			}
		}
	}
	// Sunday 23:30 in Beijing is Sunday 15:30 UTC: the same week.
	if w := WeekOf(time.Date(2026, 11, 29, 15, 30, 0, 0, time.UTC)); w != "2026-W48" {
		t.Errorf("Sunday night: %s", w)
	}
	if w := WeekOf(time.Date(2026, 11, 29, 16, 30, 0, 0, time.UTC)); w != "2026-W49" {
		t.Errorf("Monday 00:30 in Beijing: %s", w)
	}
	for _, bad := range []string{"", "2026-48", "2026-W4", "2026-W00", "2026-W54", "2021-W53", "26-W48", "2026-w48", "2026-W4x"} {
		if _, err := ParseWeek(bad); ErrorCode(err) != EINVALID || FieldTexts(err, ZH)["week"] == "" {
			t.Errorf("ParseWeek(%q) = %v, want invalid naming week", bad, err)
		}
	}
	if w := WeekBefore("2026-W02", 3); w != "2025-W51" {
		t.Errorf("three weeks before 2026-W02: %s", w)
	}
}

// TestTrendOf: this week's count against the weekly average of the weeks
// before, the direction, and the change in percent when there was
// anything before.
func TestTrendOf(t *testing.T) {
	for _, c := range []struct {
		week, before int64
		avg          float64
		dir          string
		pct          float64
		ok           bool
	}{
		{3, 4, 1, TrendUp, 200, true},
		{10, 40, 10, TrendFlat, 0, true},
		{5, 40, 10, TrendDown, -50, true},
		{7, 9, 2.25, TrendUp, 211.1, true},
		{0, 1, 0.25, TrendDown, -100, true},
		{2, 0, 0, TrendUp, 0, false},
		{0, 0, 0, TrendFlat, 0, false},
	} {
		avg, dir, pct, ok := TrendOf(c.week, c.before, BriefingTrendWeeks)
		if avg != c.avg || dir != c.dir || pct != c.pct || ok != c.ok {
			t.Errorf("TrendOf(%d, %d) = %v %s %v %v, want %v %s %v %v", c.week, c.before, avg, dir, pct, ok, c.avg, c.dir, c.pct, c.ok)
		}
		tr := NewTrend("kind", "dispute", "", c.week, c.before)
		if tr.Average != c.avg || tr.Dir != c.dir || tr.HasPct != c.ok {
			t.Errorf("NewTrend %+v", tr)
		}
	}
}

// TestMeetingValidate names each bad field of a meeting's record.
func TestMeetingValidate(t *testing.T) {
	monday, _ := ParseWeek("2026-W48")
	for _, c := range []struct {
		m      Meeting
		fields []string
	}{
		{Meeting{On: "2026-11-27", Chair: "区委政法委书记"}, nil},
		{Meeting{On: " 2026-11-23 ", Chair: " 区长 "}, nil},
		{Meeting{}, []string{"on", "chair"}},
		{Meeting{On: "2026-11-22", Chair: "x"}, []string{"on"}}, // before Monday
		{Meeting{On: "2026-11-28", Chair: "x"}, []string{"on"}}, // after today
		{Meeting{On: "2026/11/27", Chair: "x"}, []string{"on"}},
		{Meeting{On: "2026-11-27", Chair: strings.Repeat("长", MaxMeetingChair+1)}, []string{"chair"}},
		{Meeting{On: "2026-11-27", Chair: "x", Summary: strings.Repeat("要", MaxMeetingSummary+1)}, []string{"summary"}},
	} {
		m := c.m
		m.Normalize()
		var v Invalid
		m.Validate(&v, monday, "2026-11-27")
		got := FieldTexts(v.Err(), ZH)
		if len(got) != len(c.fields) {
			t.Errorf("%+v: %v, want %v", c.m, got, c.fields)
		}
		for _, f := range c.fields {
			if got[f] == "" {
				t.Errorf("%+v: %s not named in %v", c.m, f, got)
			}
		}
	}
}

// TestDecision: a decision needs a text and a lead unit; the task it
// becomes comes from a meeting, refers to the briefing and is titled by
// the decision's first line.
func TestDecision(t *testing.T) {
	var v Invalid
	d := NewDecision{CoUnits: []string{"a"}}
	d.Normalize()
	d.Validate(&v)
	if got := FieldTexts(v.Err(), ZH); got["text"] == "" || got["lead_unit"] == "" || len(got) != 2 {
		t.Errorf("empty decision: %v", got)
	}
	d = NewDecision{Text: " 开展涉房矛盾排查\n逐户登记 ", LeadUnit: "620902001000", CoUnits: []string{"620902-zjj", "", "620902001000", "620902-zjj"},
		Plan: TaskType13710, Task: true}
	d.Normalize()
	v = Invalid{}
	d.Validate(&v)
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	if len(d.CoUnits) != 1 || d.CoUnits[0] != "620902-zjj" {
		t.Errorf("co-units %v", d.CoUnits)
	}
	task := d.TaskOf(12)
	if task.Title != "开展涉房矛盾排查" || task.Content != d.Text || task.Source != TaskFromMeeting || task.Ref != "briefing:12" ||
		task.LeadUnit != d.LeadUnit || task.Type != TaskType13710 || len(task.CoUnits) != 1 {
		t.Errorf("task %+v", task)
	}
	long := NewDecision{Text: strings.Repeat("长", MaxTaskTitle+20), LeadUnit: "x"}
	if r := []rune(long.TaskOf(1).Title); len(r) != MaxTaskTitle {
		t.Errorf("title of %d characters", len(r))
	}
}
