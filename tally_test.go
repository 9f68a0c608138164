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

// TestKindMeasures: a case of one kind counts nothing outside the
// measures of its kind, however much of the other kinds' facts it
// carries — what lets a reading of one kind add up those alone — and
// counts its own kind's measures.
func TestKindMeasures(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, CST)
	sat := Satisfied
	full := func(k Kind, st Status) *Case {
		return &Case{Kind: k, Status: st, ReportedAt: now.AddDate(0, 0, -3), ResolvedAt: &now, SignedAt: &now,
			Satisfaction: &sat, Sensitive: true, EscalationLevel: 1, Returns: 1, Reworks: 1, Reopens: 1, Overdue: true,
			Mediation: &Mediation{Outcome: OutcomeAgreement, AgreedAt: &now, Confirmation: ConfirmConfirmed,
				PerformDue: true, Settled: true, Terms: 1, TermsPerformed: 1},
			Petition: &Petition{PetitionFacts: PetitionFacts{Channel: PetitionLetter, People: 3}, DecidedOn: &now,
				AcceptedOn: &now, AnsweredOn: &now, Replied: true, ExtendedDays: 5, Level: 2,
				ReviewOpinion: OpinionChange, RecheckOpinion: OpinionRevoke, MergedAs: MergeRepeat},
			Hazard: &Hazard{Level: HazardMajor, Stage: HazardPassed, Round: 1, Rechecks: 1, Late: true, Listed: true}}
	}
	own := map[Kind]Measure{KindDispute: MAgreed, KindPetition: MPetLettersReplied, KindHazard: MHazardRectified}
	for _, k := range Kinds {
		ms := KindMeasures(k.Kind)
		counted := false
		for _, st := range []Status{StatusInProgress, StatusClosed, StatusMerged} {
			tl := CaseTally(full(k.Kind, st))
			for m, n := range tl {
				if n != 0 && ms&(1<<m) == 0 {
					t.Errorf("a %s case (%s) counts %s, outside the kind's measures", k.Kind, st, MeasureNames[m])
				}
			}
			if m, ok := own[k.Kind]; ok && tl[m] != 0 {
				counted = true
			}
		}
		if m, ok := own[k.Kind]; ok {
			if ms&(1<<m) == 0 || !counted {
				t.Errorf("kind %s: its own %s is not among its measures or never counted", k.Kind, MeasureNames[m])
			}
		}
	}
	if got := KindMeasures(KindService); got&MeasuresOf(MAgreed, MPetitions, MHazardMajor) != 0 ||
		got&MeasuresOf(MReported, MSatisfied, MHandleHours) != MeasuresOf(MReported, MSatisfied, MHandleHours) {
		t.Errorf("a service request's measures %b", got)
	}
}

// TestNewCountsRates: counts of some measures answer the rates over every
// kind those measures make, as NewStats does, and no other.
func TestNewCountsRates(t *testing.T) {
	var tl Tally
	for i := range tl {
		tl[i] = int64(3 + i%5)
	}
	tl[MReported] = 40
	ms := MeasuresOf(MReported, MInResolved, MInClosed, MInRejected, MInMerged, MSatisfied, MRated)
	got, all := NewCounts("u", time.Time{}, time.Time{}, &tl, ms), NewStats("u", time.Time{}, time.Time{}, &tl, nil)
	for _, id := range []string{"resolution", "closing", "satisfaction"} {
		if got.Rates[id] != all.Rates[id] || got.Bases[id] != all.Bases[id] || got.Bases[id] == 0 {
			t.Errorf("%s: %v over %d, want %v over %d", id, got.Rates[id], got.Bases[id], all.Rates[id], all.Bases[id])
		}
	}
	for id := range got.Rates {
		if !slices.Contains([]string{"resolution", "closing", "satisfaction"}, id) {
			t.Errorf("rate %s answered without its measures", id)
		}
	}
	if got.Total != 40 || len(got.Counts) != 7 {
		t.Errorf("total %d, counts %v", got.Total, got.Counts)
	}
}
