package store_test

import (
	"errors"
	"testing"

	"github.com/pingan-gov/pingan"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PetitionForwardOutOfReach", testPetitionForwardOutOfReach},
	}...)
}

// testPetitionForwardOutOfReach: the 信访部门 forwards a matter only to a
// unit in its reach. A forward to another county's town is a 400 naming
// to_unit, and nothing is written: no document, no number taken, no
// timeline entry, the stage as it was.
func testPetitionForwardOutOfReach(t *testing.T, e *env) {
	fx := e.fx
	c := e.reportPetition(t, "反映村道硬化工程拖欠工人工资", "620902198001010011", nil)
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	before := e.petitionRows(t, c.ID)
	year := e.clock.Now().In(pingan.CST).Year()
	lastBefore := e.docNumberLast(t, fx.Township.Code, pingan.DocForward, year)
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch,
		ToUnit: fx.OtherHandler.UnitCode, ForwardMode: pingan.ForwardTransfer,
		Document: doc(pingan.DocNumber("东", pingan.DocForward, year, lastBefore+1))})
	var pe *pingan.Error
	if !errors.As(err, &pe) || pe.Code != pingan.EINVALID || pe.Fields["to_unit"].Key == "" {
		t.Fatalf("a forward out of reach: %v, want a 400 naming to_unit", err)
	}
	if after := e.petitionRows(t, c.ID); after != before {
		t.Fatalf("written beside the case: %+v, was %+v", after, before)
	}
	if last := e.docNumberLast(t, fx.Township.Code, pingan.DocForward, year); last != lastBefore {
		t.Fatalf("a number was taken: %d, was %d", last, lastBefore)
	}
	read, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if read.Status != pingan.StatusAccepted || read.Petition == nil || read.Petition.Stage != pingan.StageRegistered || read.AssignedUnit != "" {
		t.Fatalf("after the refusal: %s at %+v, assigned %q", read.Status, read.Petition, read.AssignedUnit)
	}
}
