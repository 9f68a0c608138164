package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkTasks: the small demo city has a year of supervised tasks, read by
// the city's assessor: 13710 tasks closed, some still running, missed
// milestones escalated, the city's key-task list with its quantified
// tasks, and the yearly list's counters agreeing with the tasks read.
func checkTasks(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	assessor, err := db.Users.UserByUsername(ctx, "assessor")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := db.Tasks.FindTasks(ctx, assessor, pingan.TaskFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	escalated, quantified, open, year := 0, 0, 0, 0
	for _, k := range ts {
		states[k.State]++
		if k.Escalated > 0 {
			escalated++
		}
		if k.Quantified {
			quantified++
			year = k.ListYear
		}
		if pingan.TaskOpen(k.State) && k.Quantified {
			open++
		}
	}
	t.Logf("%d tasks: %v, %d escalated, %d quantified", len(ts), states, escalated, quantified)
	if len(ts) < 8 || states[pingan.TaskClosed] < 4 || escalated == 0 || quantified == 0 || len(ts) >= 500 {
		t.Fatalf("the year of tasks: %d, %v, %d escalated, %d quantified", len(ts), states, escalated, quantified)
	}
	l, err := db.Tasks.TaskList(ctx, assessor, "", year)
	if err != nil {
		t.Fatal(err)
	}
	if q := l.Total.Quantified; q.Issued != int64(quantified) || q.Open != int64(open) {
		t.Errorf("the list's quantified %+v, read %d of which %d open", q, quantified, open)
	}
}
