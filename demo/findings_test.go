package demo

import (
	"context"
	"slices"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkFindings reads the small city's findings — the cases filed by the
// key sites' inspections and the patrols after the history — and finds
// them through the loop (findings.go): none reported more than a month
// before the end still waits as reported, most of the older ones are
// closed, and the hazards among them had their rectification ordered,
// reported done and rechecked.
func checkFindings(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	month := c.To.AddDate(0, -1, 0)
	statuses, sources := map[pingan.Status]int{}, map[pingan.Source]int{}
	stages := map[pingan.HazardStage]int{}
	var old, oldClosed, rechecked int
	f := pingan.CaseFilter{Limit: store.MaxLimit}
	for {
		page, next, err := db.Cases.FindCases(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page {
			if !slices.Contains(findingSources, x.Source) {
				continue
			}
			statuses[x.Status]++
			sources[x.Source]++
			if x.Hazard != nil {
				stages[x.Hazard.Stage]++
				if x.Hazard.Rechecks > 0 {
					rechecked++
				}
			}
			if !x.ReportedAt.Before(month) {
				continue
			}
			old++
			switch x.Status {
			case pingan.StatusReported:
				t.Errorf("finding %s (%s, reported %s) is still reported at the end", x.Number, x.Source, x.ReportedAt.Format("2006-01-02"))
			case pingan.StatusClosed, pingan.StatusRejected, pingan.StatusMerged:
				oldClosed++
			}
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	t.Logf("findings by source %v, status %v, hazard stages %v; %d reported over a month ago, %d of them closed; %d rechecked",
		sources, statuses, stages, old, oldClosed, rechecked)
	if old == 0 || 2*oldClosed < old || rechecked == 0 || stages[pingan.HazardPassed] == 0 {
		t.Errorf("the findings did not go through their loop: %d over a month old, %d of them closed, %d rechecked, stages %v", old, oldClosed, rechecked, stages)
	}
}
