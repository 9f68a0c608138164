package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkBriefings reads the small city's weekly 研判 as its assessor: a
// county and a township held a meeting in each of the last weeks, each
// with two decisions of which one became a task from the meeting; the
// record's figures are frozen at its meeting.
func checkBriefings(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	assessor, err := db.Users.UserByUsername(ctx, "assessor")
	if err != nil {
		t.Fatal(err)
	}
	units, err := db.Units.FindUnits(ctx, assessor, pingan.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	held := map[pingan.Level]int{}
	for _, u := range units {
		if u.Level != pingan.LevelCounty && u.Level != pingan.LevelTownship {
			continue
		}
		ws, err := db.Briefings.Briefings(ctx, assessor, u.Code, 9)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if !w.Held {
				continue
			}
			held[u.Level]++
			if w.Decisions != 2 || w.Tasks != 1 {
				t.Errorf("%s %s: %d decisions, %d tasks", u.Name, w.Week, w.Decisions, w.Tasks)
			}
			if held[u.Level] > 1 {
				continue
			}
			b, err := db.Briefings.Briefing(ctx, assessor, u.Code, w.Week)
			if err != nil {
				t.Fatal(err)
			}
			if !b.Held || b.Figures.At.After(b.To) || b.Figures.At.Before(b.From) || b.Decisions[0].TaskID == 0 {
				t.Errorf("%s %s: %+v, figures at %v", u.Name, w.Week, b, b.Figures.At)
				continue
			}
			task, _, err := db.Tasks.FindTask(ctx, assessor, b.Decisions[0].TaskID)
			if err != nil || task.Source != pingan.TaskFromMeeting {
				t.Errorf("the decision's task %v %+v", err, task)
			}
		}
	}
	t.Logf("weekly briefings held: %v", held)
	if held[pingan.LevelCounty] < 7 || held[pingan.LevelTownship] < 7 {
		t.Errorf("briefings held %v, want about eight weeks of a county and of a township", held)
	}
}
