package store_test

import (
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// Where a case goes when it is escalated (上报上级), for every level of the
// loop 村→镇→县→市 and every role that may escalate: the rule of
// docs/escalation.md, through Act, through the deadline watch and through
// the preview the case page shows. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"EscalationTargetByHand", testEscalationTargetByHand},
		{"EscalationTargetByWatch", testEscalationTargetByWatch},
	}...)
}

// wantEscalated escalates the case as u, having checked the preview, and
// fails unless it went to want.
func (e *env) wantEscalated(t *testing.T, u *pingan.User, id string, want *pingan.Unit) {
	t.Helper()
	preview, err := e.db.Cases.EscalationTarget(ctx, u, id)
	if err != nil {
		t.Fatalf("preview for %s: %v", u.Username, err)
	}
	if preview == nil || preview.Code != want.Code {
		t.Errorf("%s: the page would show the target %v, want %s %s", u.Username, preview, want.Code, want.Name)
	}
	c := e.act(t, u, id, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "超出本级处置能力"})
	if c.HoldingUnit != want.Code || c.Status != pingan.StatusAccepted || c.AssignedUnit != "" {
		t.Errorf("%s escalated to %s (status %s, assigned %q), want %s %s", u.Username, c.HoldingUnit, c.Status, c.AssignedUnit, want.Code, want.Name)
	}
	acts := e.timeline(t, id)
	if last := acts[len(acts)-1]; last.Action != pingan.ActEscalate || last.ToUnit != want.Code {
		t.Errorf("%s: timeline entry %+v", u.Username, last)
	}
}

// dispatched reports a case in the village, has the dispatcher accept and
// dispatch it to the unit, and the handler sign it.
func (e *env) dispatched(t *testing.T, dispatcher, handler *pingan.User, to string) *pingan.Case {
	t.Helper()
	c := e.report(t, e.fx.GridWorker, "")
	e.act(t, dispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, dispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: to})
	return e.act(t, handler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
}

func testEscalationTargetByHand(t *testing.T, e *env) {
	fx := e.fx
	villageDispatcher := e.addUser(t, "fk-dispatcher", fx.Village.Code, pingan.RoleDispatcher)

	// 村→镇: the community's own dispatcher sends its case to the township.
	c := e.report(t, fx.GridWorker, "")
	e.wantEscalated(t, villageDispatcher, c.ID, fx.Township)
	// 镇→县: the township's centre, now holding it, sends it to the county.
	e.wantEscalated(t, fx.TownshipDispatcher, c.ID, fx.County)
	// 县→市: the county's centre sends it to the city.
	e.wantEscalated(t, fx.CountyDispatcher, c.ID, fx.City)
	// 市→省: and the city's to the province, at the top.
	e.wantEscalated(t, fx.CityDispatcher, c.ID, fx.Province)
	top, err := e.db.Cases.EscalationTarget(ctx, fx.Admin, c.ID)
	if err != nil || top != nil {
		t.Errorf("above the top: %v %v", top, err)
	}

	// The township's centre escalating a community's case it took in hand
	// (held still at the community): to the county, not to itself.
	c = e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.wantEscalated(t, fx.TownshipDispatcher, c.ID, fx.County)

	// The township's handler, to whom its centre dispatched a community's
	// case: to the county, not to the township that handles it.
	c = e.dispatched(t, fx.TownshipDispatcher, fx.TownshipHandler, fx.Township.Code)
	e.wantEscalated(t, fx.TownshipHandler, c.ID, fx.County)

	// A county department, to which the county's centre dispatched a
	// community's case: to the city, never to the street office below the
	// county.
	c = e.dispatched(t, fx.CountyDispatcher, fx.CountyHandler, fx.CountyHousing.Code)
	e.wantEscalated(t, fx.CountyHandler, c.ID, fx.City)

	// The county's centre escalating a community's case: to the city.
	c = e.report(t, fx.GridWorker, "")
	e.wantEscalated(t, fx.CountyDispatcher, c.ID, fx.City)

	// A case the grid worker settled on the spot, sent back (返工) by the
	// county's centre and given to a department, is held still by the
	// community: the department's escalation goes to the city all the same.
	c = e.onSiteReworked(t)
	e.wantEscalated(t, fx.CountyHandler, c.ID, fx.City)
}

// onSiteReworked is a case resolved on the spot in the community, reworked
// by the county's centre and dispatched to the county's housing bureau,
// which signed it: held by the community, handled by the county.
func (e *env) onSiteReworked(t *testing.T) *pingan.Case {
	t.Helper()
	fx := e.fx
	c := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.ResolvedOnSite, n.Result = true, "当场劝解，双方同意" })
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRework, Reason: "当事人再次反映，需部门处理"})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	c = e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	if c.HoldingUnit != fx.Village.Code {
		t.Fatalf("the reworked case is held by %s", c.HoldingUnit)
	}
	return c
}

func testEscalationTargetByWatch(t *testing.T, e *env) {
	fx := e.fx
	// Reported and left: the community's case rises to the township.
	reported := e.report(t, fx.GridWorker, "")
	// In the hands of the township: it rises to the county, not to the
	// township that has it already.
	township := e.dispatched(t, fx.TownshipDispatcher, fx.TownshipHandler, fx.Township.Code)
	// In the hands of a county department: it rises to the city.
	county := e.dispatched(t, fx.CountyDispatcher, fx.CountyHandler, fx.CountyHousing.Code)
	// Held by the community, handled by a county department: to the city.
	reworked := e.onSiteReworked(t)

	now := due0102.Add(time.Hour)
	e.clock.Set(now)
	if n := escalate(t, e.db, now, 100); n != 4 {
		t.Fatalf("touched %d, want 4", n)
	}
	for _, tc := range []struct {
		id   string
		want *pingan.Unit
	}{{reported.ID, fx.Township}, {township.ID, fx.County}, {county.ID, fx.City}, {reworked.ID, fx.City}} {
		c := e.find(t, tc.id)
		if c.HoldingUnit != tc.want.Code || c.EscalationLevel != 1 {
			t.Errorf("%s rose to %s (level %d), want %s %s", tc.id, c.HoldingUnit, c.EscalationLevel, tc.want.Code, tc.want.Name)
		}
	}
}
