package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// DisputeHistory is a small fixed history of disputes whose numbers are
// computed by hand (docs/disputes.md), for the tests of the counters and
// of the API: ten disputes of 0102 reported in 东北街 on 2 March 2026
// and dispatched to the township, made a people's mediation committee
// (调委会, OrgTownship), then worked on 13 March:
//
//	D1  agreement 4 Mar, 司法确认 confirmed, both terms performed
//	D2  agreement 5 Mar, 司法确认 confirmed, its term performed
//	D3  agreement 6 Mar, its term performed
//	D4  agreement 10 Mar, 司法确认 applied, its term due 12 Mar not performed
//	    (the deadline watch marks it due and raises it to the mediator)
//	D5  agreement 10 Mar, its term due in April
//	D6  agreement 10 Mar, its term due in April, 回访 found it performing
//	D7  mediation failed (调解不成), the parties told of 诉讼
//	D8  mediation failed, told of 仲裁; the 回访 found it settled
//	D9  mediation refused (拒绝调解), told of 诉讼
//	D10 still mediating: one session recorded
//
// It runs the deadline watch at 13 March 09:00, leaves the clock there
// and answers the cases in order.
func DisputeHistory(t testing.TB, db *store.DB, fx *Fixture, clock *Clock) []*pingan.Case {
	t.Helper()
	ctx := context.Background()
	if err := db.Units.SetUnitOrgType(ctx, fx.Admin, fx.Township.Code, pingan.OrgTownship); err != nil {
		t.Fatalf("org type: %v", err)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, pingan.CST) }
	act := func(u *pingan.User, id string, in pingan.ActionInput) {
		t.Helper()
		if _, err := db.Cases.Act(ctx, u, id, in); err != nil {
			t.Fatalf("%s %s: %v", in.Action, id, err)
		}
	}
	session := func(d int, result pingan.SessionResult) *pingan.MediationSession {
		return &pingan.MediationSession{HeldAt: day(d).Add(10 * time.Hour), Place: "天理良心调解室",
			Mediators: []string{"王调解员", "李调解员"}, Attendees: "双方当事人", RightsNotified: true,
			Record: "双方陈述事实与诉求，调解员释法明理", Result: result}
	}
	clock.Set(day(2).Add(9 * time.Hour))
	var out []*pingan.Case
	for i := range 10 {
		c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: fmt.Sprintf("邻里纠纷 D%d", i+1), Description: "相邻通行纠纷，双方协商未果", Unit: fx.Village.Code,
			Address: "富康社区", Location: &pingan.Location{Lat: 39.74, Lng: 98.51}})
		if err != nil {
			t.Fatalf("report: %v", err)
		}
		act(fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
		act(fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
		act(fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
		out = append(out, c)
	}
	clock.Set(day(13).Add(9 * time.Hour))
	agree := func(c *pingan.Case, signed int, dues ...time.Time) {
		terms := make([]pingan.Term, len(dues))
		for i, d := range dues {
			terms[i] = pingan.Term{Text: "赔偿修缮费用", By: "被申请人", How: "一次性转账", Due: d}
		}
		act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActMediate, Session: session(signed-1, pingan.SessionContinue)})
		act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Session: session(signed, pingan.SessionAgreement),
			Agreement: &pingan.Agreement{Written: true, Facts: "相邻通行纠纷", SignedOn: day(signed), Terms: terms,
				Mediators: []string{"王调解员"}}})
	}
	perform := func(c *pingan.Case, term, on int) {
		d := day(on)
		act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActPerform, Term: term, PerformedOn: &d})
	}
	confirm := func(c *pingan.Case, how pingan.Confirmation) {
		act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActConfirm, Confirmation: how})
	}
	revisit := func(c *pingan.Case, on int, r pingan.RevisitResult) {
		act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActRevisit,
			Revisit: &pingan.Revisit{On: day(on), Result: r, Note: "电话回访双方当事人"}})
	}
	april := time.Date(2026, 4, 15, 0, 0, 0, 0, pingan.CST)
	d := out
	agree(d[0], 4, day(8), day(11))
	confirm(d[0], pingan.ConfirmConfirmed)
	perform(d[0], 1, 8)
	perform(d[0], 2, 11)
	agree(d[1], 5, day(10))
	confirm(d[1], pingan.ConfirmConfirmed)
	perform(d[1], 1, 9)
	agree(d[2], 6, day(12))
	perform(d[2], 1, 12)
	agree(d[3], 10, day(12))
	confirm(d[3], pingan.ConfirmApplied)
	agree(d[4], 10, april)
	agree(d[5], 10, april)
	revisit(d[5], 12, pingan.RevisitPerforming)
	act(fx.Mediator, d[6].ID, pingan.ActionInput{Action: pingan.ActMediationFail, Session: session(11, pingan.SessionFailed),
		Reason: "双方分歧过大", Referral: pingan.ReferLitigation})
	act(fx.Mediator, d[7].ID, pingan.ActionInput{Action: pingan.ActMediationFail, Reason: "赔偿数额无法协商一致",
		Referral: pingan.ReferArbitration})
	revisit(d[7], 12, pingan.RevisitSettled)
	act(fx.Mediator, d[8].ID, pingan.ActionInput{Action: pingan.ActRefuseMediation, Reason: "被申请人拒绝调解",
		Referral: pingan.ReferLitigation})
	act(fx.Mediator, d[9].ID, pingan.ActionInput{Action: pingan.ActMediate, Session: session(12, pingan.SessionContinue)})
	if _, err := db.Cases.EscalateDue(ctx, clock.Now(), 100); err != nil {
		t.Fatalf("deadline watch: %v", err)
	}
	return out
}
