package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// PetitionHistory is a small fixed history of petitions (信访) whose numbers
// are computed by hand (docs/petitions.md, "The numbers"), for the tests
// of the counters, the API and the dashboard. Eight petitions of XF01 are
// registered in 东北街 on 2 March 2026 by the township's centre and
// forwarded to the township; the county reviews (复查) and the city
// rechecks (复核):
//
//	P1  letter: forwarded, accepted, answered (support) on 10 Mar, the
//	    answer delivered by post; 复查 on 13 Mar changes it
//	P2  visit of 3 people: assigned (交办), accepted, answered (explain),
//	    delivered in person; 复查 upholds it, 复核 on 16 Mar upholds it
//	P3  letter: accepted 3 Mar, answered (not support) on 10 May, after its
//	    60 days; delivered by post; rated 基本满意
//	P4  online: forwarded; the township does not accept it (不予受理)
//	P5  letter: accepted, extended by 10 days, answered (support) on 10 May
//	    within the extension; not delivered; rated 不满意
//	P6  online: told of another route (告知) at once; rated 满意
//	P7  visit: forwarded on 20 Mar, after the office's 15 days
//	P8  visit: registered, nothing decided yet
//	R1  a letter of 12 Mar merged into P1 as a repeat (重复件)
//	R2  a visit of 12 Mar merged into P3 as a repeat
//	O1  a visit to the city on 3 Mar about P5, merged into it as 越级
//
// It leaves the clock at 10 May 2026 and answers P1 … P8.
func PetitionHistory(t testing.TB, db *store.DB, fx *Fixture, clock *Clock) []*pingan.Case {
	t.Helper()
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, pingan.CST) }
	n := map[pingan.DocKind]int{}
	doc := func(kind pingan.DocKind) *pingan.DocumentInput {
		n[kind]++
		return &pingan.DocumentInput{Number: pingan.DocNumber("东", kind, 2026, n[kind]), Body: kind.Title() + "\n\n信访人：你反映的信访事项已收悉。"}
	}
	act := func(u *pingan.User, c *pingan.Case, in pingan.ActionInput) *pingan.Case {
		t.Helper()
		after, err := db.Cases.Act(ctx, u, c.ID, in)
		if err != nil {
			t.Fatalf("%s %s: %v", in.Action, c.Title, err)
		}
		return after
	}
	report := func(u *pingan.User, title string, ch pingan.PetitionChannel, people int) *pingan.Case {
		t.Helper()
		received := pingan.DayOf(clock.Now())
		f := &pingan.PetitionFacts{Channel: ch, ReceivedOn: received, People: people}
		if ch == pingan.PetitionLetter {
			pm := received.AddDate(0, 0, -2)
			f.PostmarkedOn = &pm
		}
		source := map[pingan.PetitionChannel]pingan.Source{pingan.PetitionLetter: pingan.SourceLetter,
			pingan.PetitionVisit: pingan.SourceVisit}[ch]
		c, err := db.Cases.CreateCase(ctx, u, &pingan.NewCase{Kind: pingan.KindPetition, Category: "XF01", Title: title,
			Description: "信访人反映：" + title, Unit: fx.Village.Code, Address: "富康社区", Source: source,
			Location: &pingan.Location{Lat: 39.74, Lng: 98.51}, Petition: f,
			Reporter: &pingan.Person{Name: "信访人" + title, Phone: "13800000000"}})
		if err != nil {
			t.Fatalf("report %s: %v", title, err)
		}
		if c.Status == pingan.StatusReported && u == fx.TownshipDispatcher && title != "P6" && title != "P8" {
			c = act(u, c, pingan.ActionInput{Action: pingan.ActAccept})
		}
		return c
	}
	deliver := func(u *pingan.User, c *pingan.Case, kind pingan.DocKind, how pingan.SendMethod) *pingan.Case {
		t.Helper()
		rec, err := db.Petitions.Petition(ctx, u, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range rec.Documents {
			if d.Kind == kind && d.SentOn == nil {
				on := pingan.DayOf(clock.Now())
				return act(u, c, pingan.ActionInput{Action: pingan.ActDeliver, DocID: d.ID, On: &on, Method: how})
			}
		}
		t.Fatalf("%s: no %s to deliver", c.Title, kind)
		return nil
	}
	rate := func(c *pingan.Case, s pingan.Satisfaction) *pingan.Case {
		return act(fx.TownshipDispatcher, c, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: s})
	}
	disp, hand := fx.TownshipDispatcher, fx.TownshipHandler

	clock.Set(at(3, 2))
	p := make([]*pingan.Case, 8)
	for i, ch := range []pingan.PetitionChannel{pingan.PetitionLetter, pingan.PetitionVisit, pingan.PetitionLetter,
		pingan.PetitionOnline, pingan.PetitionLetter, pingan.PetitionOnline, pingan.PetitionVisit, pingan.PetitionVisit} {
		people := 1
		if i == 1 {
			people = 3
		}
		p[i] = report(disp, fmt.Sprintf("P%d", i+1), ch, people)
	}
	p[5] = act(disp, p[5], pingan.ActionInput{Action: pingan.ActInform, Referral: pingan.ReferLitigation,
		Reason: "属于民事纠纷，应通过诉讼解决", Document: doc(pingan.DocRoute)})

	clock.Set(at(3, 3))
	for i := range 5 {
		mode := pingan.ForwardTransfer
		if i == 1 {
			mode = pingan.ForwardAssign
		}
		p[i] = act(disp, p[i], pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code, ForwardMode: mode,
			Document: doc(pingan.DocForward)})
		p[i] = act(hand, p[i], pingan.ActionInput{Action: pingan.ActSign})
		if i == 3 {
			p[i] = act(hand, p[i], pingan.ActionInput{Action: pingan.ActPetitionRefuse, Reason: "已经依法处理终结",
				Document: doc(pingan.DocRefuse)})
			p[i] = act(disp, p[i], pingan.ActionInput{Action: pingan.ActClose})
			continue
		}
		p[i] = act(hand, p[i], pingan.ActionInput{Action: pingan.ActPetitionAccept, Document: doc(pingan.DocAccept)})
	}
	o1, err := db.Cases.CreateCase(ctx, fx.CityDispatcher, &pingan.NewCase{Kind: pingan.KindPetition, Category: "XF01",
		Title: "O1", Description: "越级走访反映 P5 事项", Unit: fx.Village.Code, Address: "富康社区", Source: pingan.SourceVisit,
		Location: &pingan.Location{Lat: 39.74, Lng: 98.51}, Reporter: &pingan.Person{Name: "信访人O1", Phone: "13800000001"}})
	if err != nil {
		t.Fatalf("report O1: %v", err)
	}
	act(fx.CityDispatcher, o1, pingan.ActionInput{Action: pingan.ActMerge, ToCase: p[4].ID, MergeAs: pingan.MergeOverreach,
		Reason: "所反映事项正在区县办理"})

	clock.Set(at(3, 10))
	p[0] = act(hand, p[0], pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionSupport, Result: "予以支持",
		Document: doc(pingan.DocAnswer)})
	p[1] = act(hand, p[1], pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionExplain, Result: "解释说明",
		Document: doc(pingan.DocAnswer)})
	for i, how := range []pingan.SendMethod{pingan.SendPost, pingan.SendInPerson} {
		p[i] = act(disp, p[i], pingan.ActionInput{Action: pingan.ActClose})
		p[i] = deliver(disp, p[i], pingan.DocAnswer, how)
	}
	p[4] = act(fx.CountyLeader, p[4], pingan.ActionInput{Action: pingan.ActPetitionExtend, Days: 10, Reason: "需现场测量",
		Document: doc(pingan.DocExtend)})

	clock.Set(at(3, 12))
	for _, m := range []struct {
		ch   pingan.PetitionChannel
		to   *pingan.Case
		name string
	}{{pingan.PetitionLetter, p[0], "R1"}, {pingan.PetitionVisit, p[2], "R2"}} {
		r := report(disp, m.name, m.ch, 1)
		act(disp, r, pingan.ActionInput{Action: pingan.ActMerge, ToCase: m.to.ID, MergeAs: pingan.MergeRepeat, Reason: "重复信访"})
	}
	p[5] = rate(p[5], pingan.Satisfied)

	clock.Set(at(3, 13))
	on := pingan.DayOf(clock.Now())
	for i, o := range []pingan.Opinion{pingan.OpinionChange, pingan.OpinionUphold} {
		p[i] = act(fx.CountyDispatcher, p[i], pingan.ActionInput{Action: pingan.ActRequestReview, On: &on, Reason: "对处理意见不服"})
		p[i] = act(fx.CountyDispatcher, p[i], pingan.ActionInput{Action: pingan.ActAnswer, Opinion: o, Document: doc(pingan.DocReviewAnswer)})
	}
	p[1] = deliver(fx.CountyDispatcher, p[1], pingan.DocReviewAnswer, pingan.SendInPerson)

	clock.Set(at(3, 16))
	on = pingan.DayOf(clock.Now())
	p[1] = act(fx.CityDispatcher, p[1], pingan.ActionInput{Action: pingan.ActRequestRecheck, On: &on, Reason: "对复查意见不服"})
	p[1] = act(fx.CityDispatcher, p[1], pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionUphold,
		Document: doc(pingan.DocRecheckAnswer)})

	clock.Set(at(3, 20))
	p[6] = act(disp, p[6], pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code, ForwardMode: pingan.ForwardTransfer,
		Document: doc(pingan.DocForward)})

	clock.Set(at(5, 10))
	p[2] = act(hand, p[2], pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionNotSupport, Result: "不予支持",
		Document: doc(pingan.DocAnswer)})
	p[4] = act(hand, p[4], pingan.ActionInput{Action: pingan.ActAnswer, Opinion: pingan.OpinionSupport, Result: "予以支持",
		Document: doc(pingan.DocAnswer)})
	for _, i := range []int{2, 4} {
		p[i] = act(disp, p[i], pingan.ActionInput{Action: pingan.ActClose})
	}
	p[2] = deliver(disp, p[2], pingan.DocAnswer, pingan.SendPost)
	p[2] = rate(p[2], pingan.BasicallySatisfied)
	p[4] = rate(p[4], pingan.Dissatisfied)
	return p
}
