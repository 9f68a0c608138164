package store_test

import (
	"testing"

	"github.com/pingan-gov/pingan"
)

// A petition reported without its registration (the public form, a 12345
// transfer) has it inferred at report; the centre's dispatcher corrects it
// when accepting: the case row is written whole, so the corrected channel,
// day received and people are kept and the 15 days count again from the
// day received. A day received in the future writes nothing.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PetitionAcceptCorrects", testPetitionAcceptCorrects},
	}...)
}

func testPetitionAcceptCorrects(t *testing.T, e *env) {
	fx := e.fx
	report := func(title string) *pingan.Case {
		t.Helper()
		c, err := e.db.Cases.CreateCase(ctx, nil, &pingan.NewCase{Kind: pingan.KindPetition, Category: "XF01", Title: title,
			Description: "小区围墙施工噪音扰民，多次反映未解决", Unit: fx.Village.Code})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != pingan.StatusReported || c.Petition == nil || c.Petition.Channel != pingan.PetitionOnline || c.ResolveBy == nil {
			t.Fatalf("reported: status %s petition %+v resolve by %v", c.Status, c.Petition, c.ResolveBy)
		}
		return c
	}
	today := pingan.DayOf(e.clock.Now())

	// Accepted with the day received three days earlier: the deadline moves.
	c := report("反映小区围墙施工噪音扰民问题")
	was := *c.ResolveBy
	received := today.AddDate(0, 0, -3)
	got := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept,
		Petition: &pingan.PetitionFacts{Channel: pingan.PetitionVisit, ReceivedOn: received, People: 4}})
	read, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*pingan.Case{got, read} {
		p := x.Petition
		if x.Status != pingan.StatusAccepted || p == nil || p.Channel != pingan.PetitionVisit || p.People != 4 ||
			!p.ReceivedOn.Equal(received) || p.Stage != pingan.StageRegistered {
			t.Fatalf("accepted: status %s petition %+v", x.Status, p)
		}
		if x.ResolveBy == nil || !x.ResolveBy.Before(was) {
			t.Fatalf("resolve by %v after the correction, was %v: it did not move earlier", x.ResolveBy, was)
		}
	}
	if !read.ResolveBy.Equal(*got.ResolveBy) {
		t.Fatalf("resolve by read back %v, answered %v", read.ResolveBy, got.ResolveBy)
	}

	// A day received in the future: 400 naming it, nothing written.
	c = report("反映农贸市场占道经营问题")
	before := len(e.timeline(t, c.ID))
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept,
		Petition: &pingan.PetitionFacts{Channel: pingan.PetitionVisit, ReceivedOn: today.AddDate(0, 0, 2), People: 2}})
	wantFields(t, err, "petition.received_on")
	read, err = e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if read.Status != pingan.StatusReported || read.Petition.Channel != pingan.PetitionOnline || read.Petition.People != 1 ||
		!read.ResolveBy.Equal(*c.ResolveBy) || len(e.timeline(t, c.ID)) != before {
		t.Fatalf("after a refused accept: status %s petition %+v resolve by %v", read.Status, read.Petition, read.ResolveBy)
	}
}
