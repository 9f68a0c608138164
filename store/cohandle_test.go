package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// Co-handling (主办/协办) on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"CoHandling", testCoHandling},
		{"CoHandlingUnitsChecked", testCoHandlingUnitsChecked},
		{"CoHandlingNotPublic", testCoHandlingNotPublic},
	}...)
}

// testCoHandling: the county centre dispatches a case of 东北街 to its
// housing department with 东北街街道 and 银达镇 assisting; both sign and
// report, the department's resolve waits for them; a return withdraws them.
func testCoHandling(t *testing.T, e *env) {
	fx := e.fx
	ydHandler := e.addUser(t, "yd-handler", fx.Township2.Code, pingan.RoleHandler)
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code,
		AssistUnits: []string{fx.Township.Code, fx.Township2.Code}})

	got := e.find(t, c.ID)
	if len(got.Assists) != 2 || got.Assists[0].Unit != fx.Township.Code || got.Assists[1].Unit != fx.Township2.Code ||
		got.Assists[1].UnitName != fx.Township2.Name || got.Assists[0].State != pingan.AssistDispatched {
		t.Fatalf("assists after dispatch: %+v", got.Assists)
	}

	// 银达镇's handler does not see the case by jurisdiction, but assists it:
	// the case, its timeline, its personal data whole, and its 协办 inbox.
	seen, err := e.db.Cases.FindCase(ctx, ydHandler, c.ID)
	if err != nil {
		t.Fatalf("the assisting unit's handler reads the case: %v", err)
	}
	if !slices.Contains(seen.AllowedActions, pingan.ActAssistSign) || seen.PersonalMasked {
		t.Errorf("assisting handler: allowed %v, masked %v", seen.AllowedActions, seen.PersonalMasked)
	}
	if _, err := e.db.Cases.Timeline(ctx, ydHandler, c.ID); err != nil {
		t.Errorf("the assisting unit's handler reads the timeline: %v", err)
	}
	inbox, err := e.db.Cases.FindAssists(ctx, ydHandler, 0)
	if err != nil || len(inbox) != 1 || inbox[0].ID != c.ID || inbox[0].Assists[0].State != pingan.AssistDispatched || !inbox[0].PersonalMasked {
		t.Fatalf("协办 inbox: %v %+v", err, inbox)
	}
	// Lists do not change: the case is not in 银达镇's list.
	list, _, err := e.db.Cases.FindCases(ctx, ydHandler, pingan.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		if l.ID == c.ID {
			t.Errorf("the assisted case is in the assisting unit's list")
		}
	}
	// A third county's handler gets not_found, on the case and by acting.
	if _, err := e.db.Cases.FindCase(ctx, fx.OtherHandler, c.ID); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county reads the case: %v", err)
	}
	if _, err := e.db.Cases.Act(ctx, fx.OtherHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistSign}); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county signs: %v", err)
	}
	if inbox, _ := e.db.Cases.FindAssists(ctx, fx.OtherHandler, 0); len(inbox) != 0 {
		t.Errorf("another county's 协办 inbox: %v", inbox)
	}

	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistSign})
	e.act(t, ydHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistSign})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistReport, Result: "街道已约谈双方"})

	// The department may not resolve while 银达镇 has not reported.
	_, err = e.db.Cases.Act(ctx, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已维修"})
	if pingan.ErrorCode(err) != pingan.ECONFLICT || !strings.Contains(pingan.ErrorText(err, pingan.ZH), fx.Township2.Name) ||
		strings.Contains(pingan.ErrorText(err, pingan.ZH), fx.Township.Name) {
		t.Fatalf("resolve before every report: %v", err)
	}
	after := e.act(t, ydHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistReport, Result: "镇司法所已协助"})
	if after.Status != pingan.StatusInProgress {
		t.Errorf("an assist report moved the status to %s", after.Status)
	}
	got = e.find(t, c.ID)
	for _, as := range got.Assists {
		if as.State != pingan.AssistReported || as.SignedAt == nil || as.ReportedAt == nil || as.Result == "" {
			t.Errorf("assist after report: %+v", as)
		}
	}
	tl := e.timeline(t, c.ID)
	var named []string
	for _, a := range tl {
		if a.Action == pingan.ActAssistSign || a.Action == pingan.ActAssistReport {
			named = append(named, string(a.Action)+":"+a.ToUnit)
			if a.FromStatus != a.ToStatus {
				t.Errorf("entry %+v moves the status", a)
			}
		}
	}
	want := []string{"assist_sign:" + fx.Township.Code, "assist_sign:" + fx.Township2.Code,
		"assist_report:" + fx.Township.Code, "assist_report:" + fx.Township2.Code}
	if !slices.Equal(named, want) {
		t.Errorf("timeline entries %v, want %v", named, want)
	}
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已维修"})

	// Rework keeps the reports; a return withdraws them.
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRework, Reason: "仍漏水"})
	if got := e.find(t, c.ID); got.Assists[0].State != pingan.AssistReported || got.Assists[1].Result != "镇司法所已协助" {
		t.Errorf("assists after rework: %+v", got.Assists)
	}
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "需区里协调"})
	got = e.find(t, c.ID)
	for _, as := range got.Assists {
		if as.State != pingan.AssistWithdrawn {
			t.Errorf("assist after escalation: %+v", as)
		}
	}
	if _, err := e.db.Cases.FindCase(ctx, ydHandler, c.ID); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("a withdrawn assisting unit still reads the case: %v", err)
	}
	if inbox, _ := e.db.Cases.FindAssists(ctx, ydHandler, 0); len(inbox) != 0 {
		t.Errorf("withdrawn assist still in the inbox: %v", inbox)
	}
}

// testCoHandlingUnitsChecked: a return withdraws the assists, the next
// dispatch names its own; assisting units outside the dispatcher's
// jurisdiction, the handling unit itself and repeats are refused naming
// assist_units; the assisting units hear of the dispatch.
func testCoHandlingUnitsChecked(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	for _, tt := range []struct {
		units []string
		bad   string
	}{
		{[]string{fx.CityPolice.Code}, fx.CityPolice.Code},       // above the county
		{[]string{fx.OtherTownship.Code}, fx.OtherTownship.Code}, // another county
		{[]string{fx.CountyHousing.Code}, fx.CountyHousing.Code}, // the handling unit
		{[]string{fx.Township.Code, fx.Township.Code}, fx.Township.Code},
	} {
		_, err := e.db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch,
			ToUnit: fx.CountyHousing.Code, AssistUnits: tt.units})
		if pingan.ErrorCode(err) != pingan.EINVALID || !strings.Contains(pingan.FieldTexts(err, pingan.EN)["assist_units"], tt.bad) {
			t.Errorf("dispatch with %v: %v", tt.units, err)
		}
	}
	if got := e.find(t, c.ID); got.Status != pingan.StatusAccepted || len(got.Assists) != 0 {
		t.Fatalf("a refused dispatch wrote: %s %+v", got.Status, got.Assists)
	}
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code,
		AssistUnits: []string{fx.Township.Code}})
	wantBell(t, e, fx.TownshipHandler, c.ID, string(pingan.NoticeDispatched))
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistSign})
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "非本单位职责"})
	if got := e.find(t, c.ID); len(got.Assists) != 1 || got.Assists[0].State != pingan.AssistWithdrawn {
		t.Fatalf("assists after return: %+v", got.Assists)
	}
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code,
		AssistUnits: []string{fx.CountyHousing.Code}})
	got := e.find(t, c.ID)
	if len(got.Assists) != 2 || got.Assists[0].State != pingan.AssistWithdrawn || got.Assists[1].Unit != fx.CountyHousing.Code ||
		got.Assists[1].State != pingan.AssistDispatched {
		t.Fatalf("assists after the second dispatch: %+v", got.Assists)
	}
	if _, err := e.db.Cases.Act(ctx, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActAssistSign}); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("the withdrawn assisting unit signs again: %v", err)
	}
}

// testCoHandlingNotPublic: a citizen following the case sees the dispatch,
// not the assisting units' steps, which are the units' coordination.
func testCoHandlingNotPublic(t *testing.T, e *env) {
	fx := e.fx
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Category: "FW01", Title: "路灯坏了", Description: "小区门口路灯不亮",
		Unit: fx.Village.Code})
	if err != nil {
		t.Fatal(err)
	}
	id := receipt.Number
	e.act(t, fx.CountyDispatcher, id, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, id, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code,
		AssistUnits: []string{fx.Township.Code}})
	e.act(t, fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActAssistSign})
	e.act(t, fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActAssistReport, Result: "街道已协助"})
	p, err := e.db.Public.PublicCase(ctx, receipt.Number, receipt.QueryCode)
	if err != nil {
		t.Fatal(err)
	}
	var steps []pingan.ActionName
	for _, s := range p.Steps {
		steps = append(steps, s.Action)
	}
	if !slices.Contains(steps, pingan.ActDispatch) || slices.Contains(steps, pingan.ActAssistSign) || slices.Contains(steps, pingan.ActAssistReport) {
		t.Errorf("public steps %v: want the dispatch, not the assists", steps)
	}
}
