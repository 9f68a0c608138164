package pingan

import (
	"slices"
	"testing"
	"time"
)

// TestTallyNodes: a case counts at each unit on its three paths, once,
// and at its grid.
func TestTallyNodes(t *testing.T) {
	c := &Case{UnitPath: "/62/6209/620902/620902001/", HoldingPath: "/62/6209/620902/620902-zz/",
		AssignedPath: "/62/6209/620902/620902-zjj/", Grid: "620902001001001"}
	want := []string{"62", "6209", "620902", "620902-zjj", "620902-zz", "620902001", "620902001001001"}
	if got := TallyNodes(c); !slices.Equal(got, want) {
		t.Errorf("nodes %v, want %v", got, want)
	}
}

// TestCaseTally: what a case counts follows its status and flags; a merged
// duplicate counts only as reported and merged.
func TestCaseTally(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, CST)
	sat := Dissatisfied
	closed := &Case{Status: StatusClosed, SignedAt: &now, Overdue: true, Satisfaction: &sat, Reworks: 1, EscalationLevel: 1}
	got := CaseTally(closed)
	for m, want := range map[Measure]int64{MReported: 1, MInClosed: 1, MSigned: 1, MSignedOnTime: 1, MOnTime: 0,
		MClosedOnTime: 0, MOverdue: 1, MDue: 1, MReworked: 1, MVerified: 1, MRated: 1, MSatisfied: 0, MDissatisfied: 1,
		MEscalated: 1, MInProgress: 0} {
		if got[m] != want {
			t.Errorf("closed case: %s = %d, want %d", MeasureNames[m], got[m], want)
		}
	}
	merged := *closed
	merged.Status = StatusMerged
	got = CaseTally(&merged)
	var want Tally
	want[MReported], want[MInMerged] = 1, 1
	if got != want {
		t.Errorf("merged case counts %v", got)
	}
	open := &Case{Status: StatusInProgress, Overdue: true, Suspended: true}
	if got := CaseTally(open); got[MDue] != 1 || got[MDeferred] != 1 {
		t.Errorf("open overdue suspended case: due %d, deferred %d", got[MDue], got[MDeferred])
	}
}

// TestTallyChange: a change adds the new counts and takes the old away at
// every node of either; a change of nothing counted changes nothing.
func TestTallyChange(t *testing.T) {
	at := time.Date(2026, 11, 27, 23, 30, 0, 0, CST)
	before := &Case{Region: "620902", Kind: KindDispute, Category: "0102", Source: SourceGridWorker, ReportedAt: at,
		Status: StatusAccepted, UnitPath: "/62/6209/620902/", HoldingPath: "/62/6209/620902/"}
	after := *before
	after.Status, after.AssignedPath = StatusDispatched, "/62/6209/620902/620902-zjj/"
	rows := TallyChange(before, &after)
	var nodes []string
	for _, r := range rows {
		nodes = append(nodes, r.Node)
		if r.Key.Day != "2026-11-27" {
			t.Errorf("day %s, want the day in China Standard Time", r.Key.Day)
		}
		want := Tally{}
		want[MInDispatched] = 1
		if r.Node != "620902-zjj" {
			want[MInAccepted] = -1
		} else {
			want[MReported] = 1
		}
		if r.T != want {
			t.Errorf("%s: %v, want %v", r.Node, r.T, want)
		}
	}
	if !slices.Equal(nodes, []string{"62", "6209", "620902", "620902-zjj"}) {
		t.Errorf("nodes %v", nodes)
	}
	same := *before
	same.Title = "another title"
	if rows := TallyChange(before, &same); len(rows) != 0 {
		t.Errorf("a change of nothing counted: %v", rows)
	}
}
