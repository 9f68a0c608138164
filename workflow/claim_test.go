package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// A case reported in a village waits in the 待受理 of every centre above it
// — the village's, the township's, the county's. Accepting it (受理) takes
// it: the accepting centre holds it from then on, and a second accept, from
// the same centre or another, is refused naming the centre that took it.

// reportedInVillage answers a reported case held by its village.
func reportedInVillage() *pingan.Case {
	due := t0.AddDate(0, 0, 14)
	return &pingan.Case{ID: "2026-620902-000002", Kind: pingan.KindDispute, Category: "0102", Status: pingan.StatusReported,
		Unit: village.Code, UnitPath: village.Path, HoldingUnit: village.Code, HoldingPath: village.Path,
		ReportedBy: reporter.ID, ReportedAt: t0, ResolveBy: &due}
}

var villageDisp = user(20, village, pingan.RoleDispatcher)

func TestAcceptTakesTheCase(t *testing.T) {
	tests := []struct {
		name     string
		actor    *pingan.User
		holding  *pingan.Unit // after the accept
		fromUnit string       // of the timeline entry: "" when the holder does not change
	}{
		{"the village's own centre keeps it", villageDisp, village, ""},
		{"the township's centre takes it", townDispatcher, township, village.Code},
		{"the county's centre takes it", countyDisp, county, village.Code},
		{"a user of a department with a county scope takes it for the county", all, county, village.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reportedInVillage()
			if !slices.Contains(Allowed(c, tt.actor), pingan.ActAccept) {
				t.Fatalf("accept not offered to %s", tt.actor.Username)
			}
			act, err := Apply(c, tt.actor, pingan.ActionInput{Action: pingan.ActAccept}, envAt(t0.Add(time.Hour)))
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != pingan.StatusAccepted || c.HoldingUnit != tt.holding.Code || c.HoldingPath != tt.holding.Path {
				t.Errorf("after accept: %s held by %s (%s), want %s", c.Status, c.HoldingUnit, c.HoldingPath, tt.holding.Code)
			}
			wantTo := ""
			if tt.fromUnit != "" {
				wantTo = tt.holding.Code
			}
			if act.FromUnit != tt.fromUnit || act.ToUnit != wantTo {
				t.Errorf("timeline entry from %q to %q, want %q to %q", act.FromUnit, act.ToUnit, tt.fromUnit, wantTo)
			}
			if c.Unit != village.Code || c.UnitPath != village.Path {
				t.Errorf("where it happened changed: %s", c.Unit)
			}
		})
	}
}

// TestSecondAcceptRefused: whichever centre accepts first, every later
// accept — from below, from above, from the same centre — is a conflict
// naming the centre that holds the case, and changes nothing.
func TestSecondAcceptRefused(t *testing.T) {
	dispatchers := []*pingan.User{villageDisp, townDispatcher, countyDisp}
	for _, first := range dispatchers {
		for _, second := range dispatchers {
			t.Run(first.Username+"/"+second.Username, func(t *testing.T) {
				c := reportedInVillage()
				env := envAt(t0.Add(time.Hour))
				if _, err := Apply(c, first, pingan.ActionInput{Action: pingan.ActAccept}, env); err != nil {
					t.Fatal(err)
				}
				holder := *c
				holdingUnit := map[string]*pingan.Unit{village.Code: village, township.Code: township, county.Code: county}[c.HoldingUnit]
				named := *holdingUnit
				named.Name = "受理中心" + holdingUnit.Code
				env.Holding = &named
				_, err := Apply(c, second, pingan.ActionInput{Action: pingan.ActAccept}, env)
				var e *pingan.Error
				if !errors.As(err, &e) || e.Code != pingan.ECONFLICT || !strings.HasPrefix(e.Msg.Key, "action.conflict.taken") {
					t.Fatalf("second accept: %v", err)
				}
				for _, lang := range []pingan.Lang{pingan.ZH, pingan.EN} {
					msg := pingan.ErrorText(err, lang)
					if !containsAll(msg, named.Name, string(pingan.StatusAccepted), string(pingan.ActAccept)) || strings.Contains(msg, "%!") {
						t.Errorf("%s: %q should name the centre that took the case, the status and the action", lang, msg)
					}
				}
				if c.HoldingUnit != holder.HoldingUnit || c.Status != holder.Status || c.HoldingPath != holder.HoldingPath {
					t.Errorf("a refused accept changed the case: %+v", c)
				}
			})
		}
	}
}

// TestTakenFromBelow: once a centre above took the case, the centre below
// still sees it (it happened there) but may no longer act as its holder.
func TestTakenFromBelow(t *testing.T) {
	c := reportedInVillage()
	env := envAt(t0.Add(time.Hour))
	if _, err := Apply(c, countyDisp, pingan.ActionInput{Action: pingan.ActAccept}, env); err != nil {
		t.Fatal(err)
	}
	for _, a := range []pingan.ActionName{pingan.ActDispatch, pingan.ActEscalate} {
		if slices.Contains(Allowed(c, townDispatcher), a) {
			t.Errorf("the township may still %s a case the county took", a)
		}
		in := input(a)
		if _, err := Apply(c, townDispatcher, in, env); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
			t.Errorf("township %s: %v, want forbidden", a, err)
		}
	}
	if !slices.Contains(Allowed(c, countyDisp), pingan.ActDispatch) {
		t.Errorf("the county may not dispatch the case it took: %v", Allowed(c, countyDisp))
	}
	// Without the holder's name at hand the refusal names its code.
	env.Holding = nil
	_, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActAccept}, env)
	if msg := pingan.ErrorText(err, pingan.ZH); pingan.ErrorCode(err) != pingan.ECONFLICT || !strings.Contains(msg, county.Code) {
		t.Errorf("accept of a taken case without the holder's name: %v", err)
	}
}

// TestAcceptRejectedIsPlainConflict: a case refused (不予受理) was taken
// by nobody; accepting it is the ordinary conflict.
func TestAcceptRejectedIsPlainConflict(t *testing.T) {
	c := reportedInVillage()
	env := envAt(t0.Add(time.Hour))
	if _, err := Apply(c, townDispatcher, pingan.ActionInput{Action: pingan.ActReject, Reason: "不属于受理范围"}, env); err != nil {
		t.Fatal(err)
	}
	_, err := Apply(c, countyDisp, pingan.ActionInput{Action: pingan.ActAccept}, env)
	var e *pingan.Error
	if !errors.As(err, &e) || e.Code != pingan.ECONFLICT || strings.HasPrefix(e.Msg.Key, "action.conflict.taken") {
		t.Fatalf("accepting a rejected case: %#v", err)
	}
}
