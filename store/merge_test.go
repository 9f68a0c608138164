package store_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// Duplicates and links (合并重复件、关联案件), on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"MergeDuplicate", testMergeDuplicate},
		{"MergeRefused", testMergeRefused},
		{"MergeCrossConcurrent", testMergeCrossConcurrent},
		{"LinkUnlink", testLinkUnlink},
		{"MergeLinkJurisdiction", testMergeLinkJurisdiction},
		{"MergedNotWatched", testMergedNotWatched},
	}...)
}

// mergeIn is the input of a merge into the case id.
func mergeIn(id string) pingan.ActionInput {
	return pingan.ActionInput{Action: pingan.ActMerge, ToCase: id, Reason: "同一处漏水，重复上报"}
}

// wantMergeCode fails the test unless err has the code.
func wantMergeCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := pingan.ErrorCode(err); got != code {
		t.Errorf("%s: code %q, want %q (%v)", what, got, code, err)
	}
}

func testMergeDuplicate(t *testing.T, e *env) {
	fx := e.fx
	m := e.inProgress(t)
	d := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, d.ID, pingan.ActionInput{Action: pingan.ActAccept})
	got := e.act(t, fx.TownshipDispatcher, d.ID, mergeIn(m.ID))
	if got.Status != pingan.StatusMerged || got.MergedInto != m.ID {
		t.Fatalf("answer: %s into %q", got.Status, got.MergedInto)
	}
	dd, mm := e.find(t, d.ID), e.find(t, m.ID)
	if dd.Status != pingan.StatusMerged || dd.MergedInto != m.ID || len(dd.AllowedActions) == 0 {
		t.Errorf("duplicate read back: %s into %q", dd.Status, dd.MergedInto)
	}
	if mm.Status != pingan.StatusInProgress || mm.MergedInto != "" || len(mm.Merged) != 1 || mm.Merged[0] != d.ID {
		t.Errorf("main case read back: %s, merged %v", mm.Status, mm.Merged)
	}
	if mm.Version != m.Version+1 {
		t.Errorf("main case version %d, want %d", mm.Version, m.Version+1)
	}
	dl, ml := e.timeline(t, d.ID), e.timeline(t, m.ID)
	last, mlast := dl[len(dl)-1], ml[len(ml)-1]
	if last.Action != pingan.ActMerge || last.ToStatus != pingan.StatusMerged || !strings.Contains(last.Note, "并入 "+m.ID) ||
		!strings.Contains(last.Note, "重复上报") {
		t.Errorf("duplicate's entry %+v", last)
	}
	if mlast.Action != pingan.ActMerge || mlast.ToStatus != pingan.StatusInProgress || !strings.Contains(mlast.Note, "合并 "+d.ID) {
		t.Errorf("main case's entry %+v", mlast)
	}
	// A merged case is neither closed nor resolved in the statistics.
	st, err := e.db.Stats.Stats(ctx, fx.CountyLeader, wide(""))
	if err != nil {
		t.Fatal(err)
	}
	if st.ByStatus[pingan.StatusMerged] != 1 || st.Resolved != 0 || st.ByStatus[pingan.StatusClosed] != 0 {
		t.Errorf("stats: merged %d, resolved %d", st.ByStatus[pingan.StatusMerged], st.Resolved)
	}
	// Listed by the status filter.
	list, _, err := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{Status: []pingan.Status{pingan.StatusMerged}})
	if err != nil || len(list) != 1 || list[0].ID != d.ID {
		t.Errorf("filter by merged: %v, %v", list, err)
	}
}

func testMergeRefused(t *testing.T, e *env) {
	fx := e.fx
	m := e.inProgress(t)
	d := e.report(t, fx.GridWorker, "")
	// Each rule, and nothing written by a refusal.
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, pingan.ActionInput{Action: pingan.ActMerge, ToCase: m.ID})
	wantMergeCode(t, "without a reason", err, pingan.EINVALID)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, pingan.ActionInput{Action: pingan.ActMerge, Reason: "重复"})
	wantMergeCode(t, "without to_case", err, pingan.EINVALID)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, mergeIn(d.ID))
	wantMergeCode(t, "into itself", err, pingan.EINVALID)
	_, err = e.db.Cases.Act(ctx, fx.TownshipHandler, m.ID, mergeIn(d.ID))
	wantMergeCode(t, "by a handler", err, pingan.EFORBIDDEN)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, mergeIn("2026-620902-999999"))
	wantMergeCode(t, "into no case", err, pingan.ENOTFOUND)
	// Into a rejected case.
	r := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, r.ID, pingan.ActionInput{Action: pingan.ActReject, Reason: "不属实"})
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, mergeIn(r.ID))
	wantMergeCode(t, "into a rejected case", err, pingan.ECONFLICT)
	// A resolved duplicate is not merged.
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, r.ID, mergeIn(m.ID))
	wantMergeCode(t, "a rejected duplicate", err, pingan.ECONFLICT)
	// A suspended duplicate is not merged.
	s := e.inProgress(t)
	e.act(t, fx.TownshipDispatcher, s.ID, pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待鉴定"})
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, s.ID, mergeIn(m.ID))
	wantMergeCode(t, "a suspended duplicate", err, pingan.ECONFLICT)
	if got := e.find(t, d.ID); got.Status != pingan.StatusReported || got.MergedInto != "" || got.Version != d.Version {
		t.Fatalf("refusals changed the duplicate: %s into %q", got.Status, got.MergedInto)
	}
	if got := e.find(t, m.ID); got.Version != m.Version || len(got.Merged) != 0 {
		t.Fatalf("refusals changed the main case")
	}
	// Into a case merged itself: refused, naming where it went.
	e.act(t, fx.TownshipDispatcher, d.ID, mergeIn(m.ID))
	d2 := e.report(t, fx.GridWorker, "")
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, d2.ID, mergeIn(d.ID))
	wantMergeCode(t, "into a merged case", err, pingan.ECONFLICT)
	if err == nil || !strings.Contains(err.Error(), m.ID) {
		t.Errorf("the refusal should name %s: %v", m.ID, err)
	}
	// A merged case is not merged again.
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, mergeIn(d2.ID))
	wantMergeCode(t, "merged again", err, pingan.ECONFLICT)
}

// testMergeCrossConcurrent: A into B while B into A, at once, many times:
// exactly one of each pair succeeds, the other is a conflict, and neither
// database deadlocks.
func testMergeCrossConcurrent(t *testing.T, e *env) {
	fx := e.fx
	for round := 0; round < 8; round++ {
		a := e.report(t, fx.GridWorker, "")
		b := e.report(t, fx.GridWorker, "")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, pair := range [][2]string{{a.ID, b.ID}, {b.ID, a.ID}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = e.db.Cases.Act(ctx, fx.TownshipDispatcher, pair[0], mergeIn(pair[1]))
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch pingan.ErrorCode(err) {
			case "":
				ok++
			case pingan.ECONFLICT:
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d merges succeeded (%v), want 1", round, ok, errs)
		}
		ga, gb := e.find(t, a.ID), e.find(t, b.ID)
		merged := 0
		for _, x := range []*pingan.Case{ga, gb} {
			if x.Status == pingan.StatusMerged {
				merged++
			}
		}
		if merged != 1 || (ga.MergedInto != b.ID && gb.MergedInto != a.ID) || (ga.MergedInto != "" && gb.MergedInto != "") {
			t.Fatalf("round %d: a %s into %q, b %s into %q", round, ga.Status, ga.MergedInto, gb.Status, gb.MergedInto)
		}
	}
}

func testLinkUnlink(t *testing.T, e *env) {
	fx := e.fx
	a := e.inProgress(t)
	b := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, b.ID, pingan.ActionInput{Action: pingan.ActReject, Reason: "不属实"}) // any status links
	// The assigned handler links from its side; both cases find it.
	e.act(t, fx.TownshipHandler, a.ID, pingan.ActionInput{Action: pingan.ActLink, ToCase: b.ID, Note: "同一楼栋"})
	for _, pair := range [][2]string{{a.ID, b.ID}, {b.ID, a.ID}} {
		got := e.find(t, pair[0])
		if len(got.Links) != 1 || got.Links[0].ID != pair[1] || got.LinksHidden != 0 {
			t.Errorf("links of %s: %+v", pair[0], got.Links)
		}
	}
	if got := e.find(t, a.ID).Links[0]; got.Title != b.Title || got.Status != pingan.StatusRejected || got.Unit != b.Unit {
		t.Errorf("link %+v", got)
	}
	if tl := e.timeline(t, b.ID); tl[len(tl)-1].Action != pingan.ActLink || !strings.Contains(tl[len(tl)-1].Note, a.ID) {
		t.Errorf("other case's entry %+v", tl[len(tl)-1])
	}
	// Twice, from either side: a conflict.
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, b.ID, pingan.ActionInput{Action: pingan.ActLink, ToCase: a.ID})
	wantMergeCode(t, "link twice", err, pingan.ECONFLICT)
	// A grid worker does not link.
	_, err = e.db.Cases.Act(ctx, fx.GridWorker, b.ID, pingan.ActionInput{Action: pingan.ActUnlink, ToCase: a.ID})
	wantMergeCode(t, "grid worker", err, pingan.EFORBIDDEN)
	// Undone from the other side, once.
	e.act(t, fx.Mediator, b.ID, pingan.ActionInput{Action: pingan.ActUnlink, ToCase: a.ID})
	if got := e.find(t, a.ID); len(got.Links) != 0 {
		t.Errorf("links after unlink: %+v", got.Links)
	}
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, a.ID, pingan.ActionInput{Action: pingan.ActUnlink, ToCase: b.ID})
	wantMergeCode(t, "unlink of none", err, pingan.ECONFLICT)
	for _, id := range []string{a.ID, b.ID} {
		if tl := e.timeline(t, id); tl[len(tl)-1].Action != pingan.ActUnlink {
			t.Errorf("%s: last entry %s, want unlink", id, tl[len(tl)-1].Action)
		}
	}
}

// testMergeLinkJurisdiction: another county's case cannot be named as the
// main case nor linked, answered as a case that does not exist; a link the
// reader cannot see is counted, never named.
func testMergeLinkJurisdiction(t *testing.T, e *env) {
	fx := e.fx
	d := e.report(t, fx.GridWorker, "")
	o := e.report(t, fx.OtherGridWorker, "")
	missing := "2026-620902-999999"
	for _, in := range []pingan.ActionInput{mergeIn(o.ID), {Action: pingan.ActLink, ToCase: o.ID}} {
		_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, in)
		in.ToCase = missing
		_, err2 := e.db.Cases.Act(ctx, fx.TownshipDispatcher, d.ID, in)
		wantMergeCode(t, string(in.Action)+" another county's case", err, pingan.ENOTFOUND)
		if pingan.ErrorText(err, pingan.ZH) != strings.ReplaceAll(pingan.ErrorText(err2, pingan.ZH), missing, o.ID) {
			t.Errorf("%s: %q differs from the answer for no case %q", in.Action, pingan.ErrorText(err, pingan.ZH), pingan.ErrorText(err2, pingan.ZH))
		}
	}
	if got := e.find(t, o.ID); got.Version != o.Version {
		t.Errorf("another county's case changed")
	}
	// A link between a township case and a county department's: the
	// township's dispatcher sees one of them, the city's both.
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActLink, ToCase: d.ID})
	x := e.report(t, fx.CountyDispatcher, fx.Township2.Code)
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActLink, ToCase: x.ID})
	got, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Links) != 1 || got.Links[0].ID != d.ID || got.LinksHidden != 1 {
		t.Errorf("township dispatcher's links %+v, hidden %d", got.Links, got.LinksHidden)
	}
	if got := e.find(t, c.ID); len(got.Links) != 2 || got.LinksHidden != 0 {
		t.Errorf("admin's links %+v, hidden %d", got.Links, got.LinksHidden)
	}
}

// testMergedNotWatched: a merged case's deadlines do not run: the deadline
// watch passes it by, and it is not overdue now.
func testMergedNotWatched(t *testing.T, e *env) {
	fx := e.fx
	m := e.report(t, fx.GridWorker, "")
	d := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, d.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, d.ID, pingan.ActionInput{Action: pingan.ActSupervise, Note: "尽快", Deadline: ptrTime(e.clock.Now().Add(24 * time.Hour))})
	e.act(t, fx.TownshipDispatcher, d.ID, mergeIn(m.ID))
	late := d.ResolveBy.Add(240 * time.Hour)
	e.clock.Set(late)
	if _, err := e.db.Cases.EscalateDue(ctx, late, 100); err != nil {
		t.Fatal(err)
	}
	got := e.find(t, d.ID)
	if got.Status != pingan.StatusMerged || got.Overdue || got.EscalationLevel != 0 || got.OverdueAt(late) {
		t.Errorf("merged case watched: %s, overdue %v, level %d", got.Status, got.Overdue, got.EscalationLevel)
	}
	if mm := e.find(t, m.ID); !mm.Overdue {
		t.Errorf("the main case was not watched either (the test proves nothing)")
	}
	yes := true
	list, _, err := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{OverdueNow: &yes})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == d.ID {
			t.Errorf("a merged case is listed overdue now")
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
