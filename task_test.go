package pingan

import (
	"testing"
	"time"
)

// TestNewTaskValidate names each bad field of a task to issue.
func TestNewTaskValidate(t *testing.T) {
	ok := func() NewTask {
		return NewTask{Title: "整治", Source: TaskFromInstruction, LeadUnit: "620902001"}
	}
	cases := []struct {
		name  string
		edit  func(n *NewTask)
		field string
	}{
		{"good", func(n *NewTask) {}, ""},
		{"no title", func(n *NewTask) { n.Title = " " }, "title"},
		{"long title", func(n *NewTask) { n.Title = string(make([]rune, MaxTaskTitle+1)) }, "title"},
		{"no source", func(n *NewTask) { n.Source = "" }, "source"},
		{"unknown source", func(n *NewTask) { n.Source = "rumour" }, "source"},
		{"list without year", func(n *NewTask) { n.Source = TaskFromKeyList }, "list_year"},
		{"list with year", func(n *NewTask) { n.Source, n.ListYear = TaskFromKeyList, 2026 }, ""},
		{"no lead", func(n *NewTask) { n.LeadUnit = "" }, "lead_unit"},
		{"negative target", func(n *NewTask) { n.Target = -1 }, "target"},
		{"too many months", func(n *NewTask) { n.Months = MaxTaskMonths + 1 }, "months"},
		{"milestones forwards", func(n *NewTask) {
			n.Milestones = []NewMilestone{{Name: "一", Due: "2026-03-10", Share: 30}, {Name: "二", Due: "2026-04-10"}}
		}, ""},
		{"milestones backwards", func(n *NewTask) {
			n.Milestones = []NewMilestone{{Name: "一", Due: "2026-03-10"}, {Name: "二", Due: "2026-03-09"}}
		}, "milestones[1]"},
		{"milestones on one day", func(n *NewTask) {
			n.Milestones = []NewMilestone{{Name: "一", Due: "2026-03-10"}, {Name: "二", Due: "2026-03-10"}}
		}, "milestones[1]"},
		{"milestone before today", func(n *NewTask) { n.Milestones = []NewMilestone{{Name: "一", Due: "2026-03-01"}} }, "milestones[0]"},
		{"milestone not a day", func(n *NewTask) { n.Milestones = []NewMilestone{{Name: "一", Due: "3月10日"}} }, "milestones[0]"},
		{"milestone share", func(n *NewTask) { n.Milestones = []NewMilestone{{Name: "一", Due: "2026-03-10", Share: 101}} }, "milestones[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := ok()
			c.edit(&n)
			n.Normalize()
			var v Invalid
			n.Validate(&v, "2026-03-02")
			err := v.Err()
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", FieldTexts(err, ZH))
				}
				return
			}
			if _, named := FieldTexts(err, ZH)[c.field]; !named {
				t.Fatalf("want %s named, got %v", c.field, FieldTexts(err, ZH))
			}
		})
	}
}

func TestNewTaskNormalize(t *testing.T) {
	n := NewTask{Title: " x ", LeadUnit: "a", CoUnits: []string{"b", " a", "b", "", "c"}}
	n.Normalize()
	if n.Type != TaskType13710 || n.Title != "x" || len(n.CoUnits) != 2 || n.CoUnits[0] != "b" || n.CoUnits[1] != "c" {
		t.Fatalf("%+v", n)
	}
}

// TestExpectedProgress: 序时进度 counts working days after the day of issue.
func TestExpectedProgress(t *testing.T) {
	day := func(s string) time.Time { d, _ := ParseDay(s); return d.Add(10 * time.Hour) }
	weekdays := func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }
	issued, due := day("2026-03-02"), day("2026-03-13") // Monday to the Friday after: 9 working days
	cases := []struct {
		now  string
		want int
	}{
		{"2026-03-01", 0}, {"2026-03-02", 0}, {"2026-03-03", 11}, {"2026-03-06", 44},
		{"2026-03-07", 44}, {"2026-03-08", 44}, {"2026-03-09", 55}, {"2026-03-13", 100}, {"2026-04-01", 100},
	}
	for _, c := range cases {
		if got := ExpectedProgress(issued, due, day(c.now), weekdays); got != c.want {
			t.Errorf("%s: %d, want %d", c.now, got, c.want)
		}
	}
	if got := ExpectedProgress(day("2026-03-06"), day("2026-03-08"), day("2026-03-07"), weekdays); got != 100 {
		t.Errorf("a plan over a weekend alone: %d", got)
	}
}

func TestBehind(t *testing.T) {
	cases := []struct {
		p, e, pts int
		want      bool
	}{
		{50, 60, 0, false}, {49, 60, 0, true}, {0, 5, 0, false}, {40, 60, 30, false}, {29, 60, 30, true},
	}
	for _, c := range cases {
		if got := Behind(c.p, c.e, c.pts); got != c.want {
			t.Errorf("Behind(%d, %d, %d) = %v", c.p, c.e, c.pts, got)
		}
	}
}

func TestTaskProgress(t *testing.T) {
	k := Task{Target: 120, Quantity: 30, Percent: 99}
	if k.Progress() != 25 {
		t.Fatal(k.Progress())
	}
	k.Quantity = 200
	if k.Progress() != 100 {
		t.Fatal(k.Progress())
	}
	k = Task{Percent: 40, Expected: 70}
	if k.Lag() != 30 {
		t.Fatal(k.Lag())
	}
}
