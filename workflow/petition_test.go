package workflow

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// The rows of petitions (petition.go): who may take each step at which
// stage, the statutory deadlines on the official calendar (across 春节 and
// 国庆 2026), and a matter walked from the letter to its 复核.

var (
	deptLeader = user(30, dept, pingan.RoleLeader)
	doc        = &pingan.DocumentInput{Number: "肃信转〔2026〕1号", Body: "经研究，现将有关事项告知如下。"}
)

// petitionIn answers a petition in status s at stage g, at level, held by
// the township, dispatched to the department once dispatched.
func petitionIn(s pingan.Status, g pingan.PetitionStage, level int) *pingan.Case {
	c := caseIn(s, false)
	c.Kind, c.Category = pingan.KindPetition, "XF01"
	received := pingan.DayOf(t0)
	c.Petition = &pingan.Petition{PetitionFacts: pingan.PetitionFacts{Channel: pingan.PetitionLetter, ReceivedOn: received, People: 1},
		Stage: g, Level: level}
	if level > 0 {
		c.AssignedUnit, c.AssignedPath = county.Code, county.Path
	}
	return c
}

// petitionInput answers a complete input of a petition's step.
func petitionInput(a pingan.ActionName, at time.Time) pingan.ActionInput {
	in := input(a)
	d := *doc
	in.Document = &d
	in.ForwardMode = pingan.ForwardAssign
	in.Referral = pingan.ReferLitigation
	in.Opinion = pingan.OpinionSupport
	in.Days = 20
	on := pingan.DayOf(at)
	in.On = &on
	in.Method = pingan.SendPost
	in.DocID = 7
	in.MergeAs = ""
	return in
}

// petitionEnv answers the environment of a step at now: the review unit
// is the county, the document 7 one issued at t0.
func petitionEnv(c *pingan.Case, now time.Time) Env {
	env := envAt(now)
	env.ReviewUnit = county
	if c.Petition != nil && c.Petition.Level > 0 {
		env.ReviewUnit = &pingan.Unit{Code: "6209", Level: pingan.LevelCity, Path: "/62/6209/"}
	}
	env.Document = &pingan.PetitionDocument{ID: 7, CaseID: c.ID, Kind: pingan.DocAnswer, Number: "肃信处〔2026〕3号", IssuedAt: t0, Level: c.Petition.Level}
	return env
}

func codeOf(err error) string {
	var pe *pingan.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestPetitionRows: each step by who may and may not take it, at the
// stages that allow it and those that do not; the steps a petition does
// not take.
func TestPetitionRows(t *testing.T) {
	cityDisp := user(31, &pingan.Unit{Code: "6209", Path: "/62/6209/"}, pingan.RoleDispatcher)
	for _, tc := range []struct {
		action pingan.ActionName
		status pingan.Status
		stage  pingan.PetitionStage
		level  int
		actor  *pingan.User
		want   string
	}{
		{pingan.ActDispatch, pingan.StatusAccepted, pingan.StageRegistered, 0, townDispatcher, ""},
		{pingan.ActInform, pingan.StatusReported, pingan.StageRegistered, 0, townDispatcher, ""},
		{pingan.ActInform, pingan.StatusAccepted, pingan.StageRegistered, 0, leader, pingan.EFORBIDDEN},
		{pingan.ActInform, pingan.StatusInProgress, pingan.StageAccepted, 0, townDispatcher, pingan.ECONFLICT},
		{pingan.ActReject, pingan.StatusReported, pingan.StageRegistered, 0, townDispatcher, ""},
		{pingan.ActPetitionAccept, pingan.StatusInProgress, pingan.StageForwarded, 0, deptHandler, ""},
		{pingan.ActPetitionAccept, pingan.StatusInProgress, pingan.StageForwarded, 0, townDispatcher, pingan.EFORBIDDEN},
		{pingan.ActPetitionAccept, pingan.StatusInProgress, pingan.StageAccepted, 0, deptHandler, pingan.ECONFLICT},  // accepted already
		{pingan.ActPetitionAccept, pingan.StatusDispatched, pingan.StageForwarded, 0, deptHandler, pingan.ECONFLICT}, // not received (signed) yet
		{pingan.ActPetitionRefuse, pingan.StatusInProgress, pingan.StageForwarded, 0, deptHandler, ""},
		{pingan.ActPetitionExtend, pingan.StatusInProgress, pingan.StageAccepted, 0, townDispatcher, ""},
		{pingan.ActPetitionExtend, pingan.StatusInProgress, pingan.StageAccepted, 0, leader, ""},
		{pingan.ActPetitionExtend, pingan.StatusInProgress, pingan.StageAccepted, 0, deptHandler, pingan.EFORBIDDEN}, // approval is the 负责人's
		{pingan.ActPetitionExtend, pingan.StatusInProgress, pingan.StageForwarded, 0, townDispatcher, pingan.ECONFLICT},
		{pingan.ActAnswer, pingan.StatusInProgress, pingan.StageAccepted, 0, deptHandler, ""},
		{pingan.ActAnswer, pingan.StatusInProgress, pingan.StageForwarded, 0, deptHandler, pingan.ECONFLICT}, // not accepted yet
		{pingan.ActAnswer, pingan.StatusInProgress, pingan.StageReview, 1, countyDisp, ""},                   // the county's centre answers its 复查
		{pingan.ActAnswer, pingan.StatusInProgress, pingan.StageReview, 1, townDispatcher, pingan.EFORBIDDEN},
		{pingan.ActDeliver, pingan.StatusClosed, pingan.StageAnswered, 0, townDispatcher, ""},
		{pingan.ActDeliver, pingan.StatusResolved, pingan.StageAnswered, 0, deptHandler, ""},
		{pingan.ActDeliver, pingan.StatusClosed, pingan.StageAnswered, 0, viewer, pingan.EFORBIDDEN},
		{pingan.ActRequestReview, pingan.StatusClosed, pingan.StageAnswered, 0, countyDisp, ""},
		{pingan.ActRequestReview, pingan.StatusClosed, pingan.StageAnswered, 0, townDispatcher, pingan.EFORBIDDEN}, // the county is out of its reach
		{pingan.ActRequestReview, pingan.StatusClosed, pingan.StageReviewed, 1, countyDisp, pingan.ECONFLICT},
		{pingan.ActRequestReview, pingan.StatusClosed, pingan.StageNotAccepted, 0, countyDisp, pingan.ECONFLICT},
		{pingan.ActRequestRecheck, pingan.StatusClosed, pingan.StageReviewed, 1, cityDisp, ""},
		{pingan.ActRequestRecheck, pingan.StatusClosed, pingan.StageReviewed, 1, countyDisp, pingan.EFORBIDDEN}, // the city handles it
		{pingan.ActRequestRecheck, pingan.StatusClosed, pingan.StageRechecked, 2, cityDisp, pingan.ECONFLICT},   // final
		{pingan.ActLead, pingan.StatusInProgress, pingan.StageAccepted, 0, leader, ""},
		{pingan.ActLead, pingan.StatusInProgress, pingan.StageAccepted, 0, deptHandler, pingan.EFORBIDDEN},
		{pingan.ActResolve, pingan.StatusInProgress, pingan.StageAccepted, 0, deptHandler, pingan.ECONFLICT}, // answer instead
		{pingan.ActExtend, pingan.StatusInProgress, pingan.StageAccepted, 0, townDispatcher, pingan.ECONFLICT},
		{pingan.ActRequestExtend, pingan.StatusInProgress, pingan.StageAccepted, 0, deptHandler, pingan.ECONFLICT},
		{pingan.ActReopen, pingan.StatusClosed, pingan.StageAnswered, 0, townDispatcher, pingan.ECONFLICT}, // 复查 instead
	} {
		c := petitionIn(tc.status, tc.stage, tc.level)
		if tc.action == pingan.ActPetitionExtend || tc.action == pingan.ActAnswer {
			c.AssignedUnit, c.AssignedPath = dept.Code, dept.Path
			if tc.level > 0 {
				c.AssignedUnit, c.AssignedPath = county.Code, county.Path
			}
		}
		in := petitionInput(tc.action, t0.Add(2*time.Hour))
		if tc.level > 0 {
			in.Opinion = pingan.OpinionUphold
		}
		if tc.action == pingan.ActLead {
			in.Lead = leader.ID
		}
		env := petitionEnv(c, t0.Add(2*time.Hour))
		env.Lead = leader
		_, err := Apply(c, tc.actor, in, env)
		if got := codeOf(err); got != tc.want {
			t.Errorf("%s at %s/%s by %s: got %q (%v), want %q", tc.action, tc.status, tc.stage, tc.actor.Username, got, err, tc.want)
		}
		allowed := false
		for _, a := range Allowed(petitionIn(tc.status, tc.stage, tc.level), tc.actor) {
			allowed = allowed || a == tc.action
		}
		if tc.want == pingan.ECONFLICT && allowed {
			t.Errorf("%s at %s/%s: listed as allowed, but refused", tc.action, tc.status, tc.stage)
		}
	}
}

// day answers the end (23:59:59 CST) of the day given.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 0, pingan.CST) }

// TestPetitionDeadlines: every statutory period counted on the official
// calendar — the day it starts not counted, a last day on a holiday or a
// weekend moved to the next working day, a weekend made a working day
// (调休) counted as one.
func TestPetitionDeadlines(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, pingan.CST) }
	for _, tc := range []struct {
		name   string
		make   func() *pingan.Case
		action pingan.ActionName
		now    time.Time
		actor  *pingan.User
		edit   func(*pingan.ActionInput)
		want   time.Time
	}{
		{"forwarded across 国庆: 09-20 (a Sunday worked) + 15 = 10-05, a holiday → 10-08",
			func() *pingan.Case { return petitionIn(pingan.StatusAccepted, pingan.StageRegistered, 0) },
			pingan.ActDispatch, at(2026, 9, 20), townDispatcher, nil, day(2026, 10, 8)},
		{"accepted on 08-02 + 60 = 10-01, 国庆 → 10-08",
			func() *pingan.Case { return petitionIn(pingan.StatusInProgress, pingan.StageForwarded, 0) },
			pingan.ActPetitionAccept, at(2026, 8, 2), deptHandler, nil, day(2026, 10, 8)},
		{"extended from 09-10 by 30 = 10-10, a Saturday worked after 国庆",
			func() *pingan.Case {
				c := petitionIn(pingan.StatusInProgress, pingan.StageAccepted, 0)
				due := day(2026, 9, 10)
				c.ResolveBy = &due
				return c
			},
			pingan.ActPetitionExtend, at(2026, 9, 1), townDispatcher, func(in *pingan.ActionInput) { in.Days = 30 }, day(2026, 10, 10)},
		{"复查 received 01-20 + 30 = 02-19, 春节 → 02-24",
			func() *pingan.Case { return petitionIn(pingan.StatusClosed, pingan.StageAnswered, 0) },
			pingan.ActRequestReview, at(2026, 1, 25), countyDisp, func(in *pingan.ActionInput) {
				on := pingan.DayOf(at(2026, 1, 20))
				in.On = &on
			}, day(2026, 2, 24)},
		{"accepted by the centre with the registration corrected: received 09-25 + 15 = 10-10, a Saturday worked",
			func() *pingan.Case { return petitionIn(pingan.StatusReported, pingan.StageRegistered, 0) },
			pingan.ActAccept, at(2026, 9, 28), townDispatcher, func(in *pingan.ActionInput) {
				in.Petition = &pingan.PetitionFacts{Channel: pingan.PetitionVisit, ReceivedOn: at(2026, 9, 25), People: 6}
			}, day(2026, 10, 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.make()
			in := petitionInput(tc.action, tc.now)
			if tc.edit != nil {
				tc.edit(&in)
			}
			act, err := Apply(c, tc.actor, in, petitionEnv(c, tc.now))
			if err != nil {
				t.Fatal(err)
			}
			if c.ResolveBy == nil || !c.ResolveBy.Equal(tc.want) || act.Deadline == nil || !act.Deadline.Equal(tc.want) {
				t.Fatalf("resolve_by %v (entry %v), want %v", c.ResolveBy, act.Deadline, tc.want)
			}
			if f := in.Petition; f != nil {
				p := c.Petition
				if p.Channel != f.Channel || !p.ReceivedOn.Equal(pingan.DayOf(f.ReceivedOn)) || p.People != f.People || p.Stage != pingan.StageRegistered {
					t.Fatalf("registration %+v stage %s, want %+v registered", p.PetitionFacts, p.Stage, *f)
				}
			}
		})
	}

	// Registration: 15 days from the day received (a letter of 02-01):
	// 02-16 falls in 春节 (02-15 … 02-23), so 02-24.
	c := &pingan.Case{Kind: pingan.KindPetition, Category: "XF01", Unit: village.Code, UnitPath: village.Path,
		ReportedAt: at(2026, 2, 3),
		Petition:   &pingan.Petition{PetitionFacts: pingan.PetitionFacts{Channel: pingan.PetitionLetter, ReceivedOn: pingan.DayOf(at(2026, 2, 1)), People: 1}}}
	act, err := Report(c, reporter, &pingan.NewCase{Kind: pingan.KindPetition}, envAt(at(2026, 2, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if !c.ResolveBy.Equal(day(2026, 2, 24)) || !act.Deadline.Equal(day(2026, 2, 24)) || c.Petition.Stage != pingan.StageRegistered {
		t.Fatalf("registered: resolve_by %v stage %s, want 2026-02-24 registered", c.ResolveBy, c.Petition.Stage)
	}

	// The 30 days to ask for 复查 end, for an answer delivered on 01-20, on
	// 02-24 (02-19 is in 春节): a request that day needs no reason; for
	// one delivered 01-10 they ended on 02-09, and it does.
	for _, tc := range []struct {
		delivered time.Time
		late      bool
	}{{at(2026, 1, 20), false}, {at(2026, 1, 10), true}} {
		c := petitionIn(pingan.StatusClosed, pingan.StageAnswered, 0)
		d := pingan.DayOf(tc.delivered)
		c.Petition.DeliveredOn = &d
		in := petitionInput(pingan.ActRequestReview, at(2026, 2, 24))
		in.LateReason = ""
		_, err := Apply(c, countyDisp, in, petitionEnv(c, at(2026, 2, 24)))
		var pe *pingan.Error
		gotLate := errors.As(err, &pe) && pe.Fields["late_reason"].Key != ""
		if gotLate != tc.late || (!tc.late && err != nil) {
			t.Errorf("delivered %s, asked 02-24: %v, want late %v", d.Format("01-02"), err, tc.late)
		}
		if tc.late {
			in.LateReason = "春节期间住院治疗"
			if _, err := Apply(c, countyDisp, in, petitionEnv(c, at(2026, 2, 24))); err != nil {
				t.Errorf("late with its reason: %v", err)
			}
			if c.Petition.LateReason != "春节期间住院治疗" {
				t.Errorf("late reason not kept: %q", c.Petition.LateReason)
			}
		}
	}
}

// TestPetitionBadInput: what each step refuses, naming the field, with the
// case unchanged.
func TestPetitionBadInput(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	for _, tc := range []struct {
		name   string
		action pingan.ActionName
		status pingan.Status
		stage  pingan.PetitionStage
		actor  *pingan.User
		edit   func(*pingan.Case, *pingan.ActionInput)
		field  string // "" for a conflict
	}{
		{"a forward without its document's number", pingan.ActDispatch, pingan.StatusAccepted, pingan.StageRegistered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.Document.Number = " " }, "document.number"},
		{"a forward without a document", pingan.ActDispatch, pingan.StatusAccepted, pingan.StageRegistered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.Document = nil }, "document.number"},
		{"a forward neither 转送 nor 交办", pingan.ActDispatch, pingan.StatusAccepted, pingan.StageRegistered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.ForwardMode = "fax" }, "forward_mode"},
		{"an extension of 31 days", pingan.ActPetitionExtend, pingan.StatusInProgress, pingan.StageAccepted, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.Days = 31 }, "days"},
		{"a second extension", pingan.ActPetitionExtend, pingan.StatusInProgress, pingan.StageAccepted, townDispatcher,
			func(c *pingan.Case, _ *pingan.ActionInput) { c.Petition.ExtendedDays = 10 }, ""},
		{"an answer upholding at the first level", pingan.ActAnswer, pingan.StatusInProgress, pingan.StageAccepted, deptHandler,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.Opinion = pingan.OpinionUphold }, "opinion"},
		{"a 告知 without the route", pingan.ActInform, pingan.StatusAccepted, pingan.StageRegistered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.Referral = "" }, "referral"},
		{"a delivery before the document was issued", pingan.ActDeliver, pingan.StatusClosed, pingan.StageAnswered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { d := pingan.DayOf(t0).AddDate(0, 0, -1); in.On = &d }, "on"},
		{"a delivery in the future", pingan.ActDeliver, pingan.StatusClosed, pingan.StageAnswered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { d := pingan.DayOf(t0).AddDate(0, 0, 2); in.On = &d }, "on"},
		{"a delivery of another case's document", pingan.ActDeliver, pingan.StatusClosed, pingan.StageAnswered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) { in.DocID = 8 }, "doc_id"},
		{"a 复查 asked before the answer", pingan.ActRequestReview, pingan.StatusClosed, pingan.StageAnswered, countyDisp,
			func(c *pingan.Case, in *pingan.ActionInput) {
				a := pingan.DayOf(t0)
				c.Petition.AnsweredOn = &a
				d := a.AddDate(0, 0, -1)
				in.On = &d
			}, "on"},
		{"an accept correcting the registration to a day received in the future", pingan.ActAccept, pingan.StatusReported, pingan.StageRegistered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) {
				in.Petition = &pingan.PetitionFacts{Channel: pingan.PetitionVisit, ReceivedOn: t0.AddDate(0, 0, 2), People: 2}
			}, "petition.received_on"},
		{"a registration corrected by another step than accept", pingan.ActDispatch, pingan.StatusAccepted, pingan.StageRegistered, townDispatcher,
			func(_ *pingan.Case, in *pingan.ActionInput) {
				in.Petition = &pingan.PetitionFacts{Channel: pingan.PetitionVisit, ReceivedOn: t0, People: 2}
			}, "petition"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := petitionIn(tc.status, tc.stage, 0)
			in := petitionInput(tc.action, now)
			tc.edit(c, &in)
			before := *c
			beforeP := *c.Petition
			_, err := Apply(c, tc.actor, in, petitionEnv(c, now))
			var pe *pingan.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if tc.field == "" {
				if pe.Code != pingan.ECONFLICT {
					t.Fatalf("got %s %v, want a conflict", pe.Code, err)
				}
			} else if pe.Code != pingan.EINVALID || pe.Fields[tc.field].Key == "" {
				t.Fatalf("got %s %v, want invalid %s", pe.Code, pe.Fields, tc.field)
			}
			if c.Status != before.Status || *c.Petition != beforeP || c.ResolveBy != before.ResolveBy {
				t.Fatal("the case changed")
			}
		})
	}
}

// TestPetitionProcedure walks a letter from registration to its 复核: each
// step's stage, status, level, handling unit and deadline.
func TestPetitionProcedure(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, pingan.CST)
	c := &pingan.Case{ID: "2026-620902-000009", Kind: pingan.KindPetition, Category: "XF01", Unit: village.Code, UnitPath: village.Path,
		Petition: &pingan.Petition{PetitionFacts: pingan.PetitionFacts{Channel: pingan.PetitionLetter, ReceivedOn: pingan.DayOf(now).AddDate(0, 0, -2), People: 1}}}
	if _, err := Report(c, reporter, &pingan.NewCase{Kind: pingan.KindPetition}, envAt(now)); err != nil {
		t.Fatal(err)
	}
	c.HoldingUnit, c.HoldingPath = township.Code, township.Path
	cityUnit := &pingan.Unit{Code: "6209", Level: pingan.LevelCity, Path: "/62/6209/"}
	cityDisp := user(31, cityUnit, pingan.RoleDispatcher)
	step := func(days int, actor *pingan.User, a pingan.ActionName, edit func(*pingan.ActionInput), env func(Env) Env) {
		t.Helper()
		now = now.AddDate(0, 0, days)
		in := petitionInput(a, now)
		if edit != nil {
			edit(&in)
		}
		e := petitionEnv(c, now)
		e.Document.Level = c.Petition.Level
		e.Document.IssuedAt = now.Add(-time.Hour)
		if env != nil {
			e = env(e)
		}
		if _, err := Apply(c, actor, in, e); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	want := func(s pingan.Status, g pingan.PetitionStage, level int, unit string, due *time.Time) {
		t.Helper()
		p := c.Petition
		if c.Status != s || p.Stage != g || p.Level != level || c.AssignedUnit != unit {
			t.Fatalf("got %s/%s level %d at %q, want %s/%s level %d at %q", c.Status, p.Stage, p.Level, c.AssignedUnit, s, g, level, unit)
		}
		if due != nil && (c.ResolveBy == nil || !c.ResolveBy.Equal(*due)) {
			t.Fatalf("resolve_by %v, want %v", c.ResolveBy, *due)
		}
	}
	after := func(n int) *time.Time { d, _ := cal.Due(now, n, "calendar"); return &d }

	step(1, townDispatcher, pingan.ActAccept, nil, nil)
	want(pingan.StatusAccepted, pingan.StageRegistered, 0, "", nil)
	step(2, townDispatcher, pingan.ActDispatch, nil, nil)
	want(pingan.StatusDispatched, pingan.StageForwarded, 0, dept.Code, after(15))
	if c.Petition.ForwardMode != pingan.ForwardAssign || c.Petition.DecideLate {
		t.Fatalf("forward: %+v", c.Petition)
	}
	step(1, deptHandler, pingan.ActSign, nil, nil)
	step(20, deptHandler, pingan.ActPetitionAccept, nil, nil) // 21 days after the forward: late
	want(pingan.StatusInProgress, pingan.StageAccepted, 0, dept.Code, after(60))
	if !c.Petition.DecideLate || c.Petition.AcceptedOn == nil {
		t.Fatalf("a decision after its 15 days is late: %+v", c.Petition)
	}
	accepted := *c.ResolveBy
	step(10, leader, pingan.ActPetitionExtend, func(in *pingan.ActionInput) { in.Days = 30 }, nil)
	if ext, _ := cal.Extend(accepted, 30, "calendar"); !c.ResolveBy.Equal(ext) || c.Petition.ExtendedDays != 30 {
		t.Fatalf("extended to %v, want %v", c.ResolveBy, ext)
	}
	step(5, deptHandler, pingan.ActAnswer, func(in *pingan.ActionInput) { in.Opinion = pingan.OpinionNotSupport }, nil)
	want(pingan.StatusResolved, pingan.StageAnswered, 0, dept.Code, nil)
	if c.Petition.AnswerLate || c.Petition.Opinion != pingan.OpinionNotSupport {
		t.Fatalf("answered: %+v", c.Petition)
	}
	step(1, townDispatcher, pingan.ActClose, nil, nil)
	step(2, townDispatcher, pingan.ActDeliver, nil, nil)
	if c.Petition.DeliveredOn == nil || !c.Petition.Replied {
		t.Fatalf("delivered: %+v", c.Petition)
	}
	step(10, countyDisp, pingan.ActRequestReview, nil, nil)
	want(pingan.StatusInProgress, pingan.StageReview, 1, county.Code, after(30))
	step(20, countyDisp, pingan.ActAnswer, func(in *pingan.ActionInput) { in.Opinion = pingan.OpinionUphold }, nil)
	want(pingan.StatusResolved, pingan.StageReviewed, 1, county.Code, nil)
	if c.Petition.ReviewOpinion != pingan.OpinionUphold {
		t.Fatalf("review: %+v", c.Petition)
	}
	step(1, countyDisp, pingan.ActClose, nil, nil)
	step(1, countyDisp, pingan.ActDeliver, nil, nil)
	step(5, cityDisp, pingan.ActRequestRecheck, nil, func(e Env) Env {
		e.ReviewUnit = cityUnit
		return e
	})
	want(pingan.StatusInProgress, pingan.StageRecheck, 2, cityUnit.Code, after(30))
	due := *c.ResolveBy
	step(3, cityDisp, pingan.ActSuspend, nil, nil) // 听证
	step(7, cityDisp, pingan.ActResume, nil, nil)
	if shifted := due.AddDate(0, 0, 7); c.ResolveBy.Before(shifted) {
		t.Fatalf("the hearing's seven days do not count: resolve_by %v, want at least %v", c.ResolveBy, shifted)
	}
	step(10, cityDisp, pingan.ActAnswer, func(in *pingan.ActionInput) { in.Opinion = pingan.OpinionUphold }, nil)
	want(pingan.StatusResolved, pingan.StageRechecked, 2, cityUnit.Code, nil)
	if !c.Petition.Final() {
		t.Fatal("after 复核 the matter is final")
	}
	step(1, cityDisp, pingan.ActClose, nil, nil)
	_, err := Apply(c, cityDisp, petitionInput(pingan.ActRequestRecheck, now), petitionEnv(c, now))
	if codeOf(err) != pingan.ECONFLICT {
		t.Fatalf("a request after 复核: %v, want a conflict", err)
	}
}

// TestPetitionMerge: a repeat and a 越级 petition merged into their matter;
// the matter counts its repeats; into a matter 复核 ended, the note says it
// is not accepted again; 越级 into a finished matter is refused.
func TestPetitionMerge(t *testing.T) {
	now := t0.Add(time.Hour)
	for _, tc := range []struct {
		as         pingan.MergeAs
		mainStatus pingan.Status
		mainStage  pingan.PetitionStage
		want       string
		note       bool
	}{
		{"", pingan.StatusInProgress, pingan.StageAccepted, "", false},
		{pingan.MergeOverreach, pingan.StatusInProgress, pingan.StageAccepted, "", false},
		{pingan.MergeRepeat, pingan.StatusClosed, pingan.StageRechecked, "", true},
		{pingan.MergeOverreach, pingan.StatusClosed, pingan.StageAnswered, pingan.ECONFLICT, false},
	} {
		dup := petitionIn(pingan.StatusReported, pingan.StageRegistered, 0)
		main := petitionIn(tc.mainStatus, tc.mainStage, 0)
		main.ID = mainID
		in := petitionInput(pingan.ActMerge, now)
		in.ToCase, in.MergeAs = mainID, tc.as
		self, _, err := ApplyPair(dup, main, townDispatcher, in, petitionEnv(dup, now))
		if got := codeOf(err); got != tc.want {
			t.Fatalf("%s into %s: %v, want %q", tc.as, tc.mainStage, err, tc.want)
		}
		if err != nil {
			continue
		}
		as := tc.as
		if as == "" {
			as = pingan.MergeRepeat
		}
		if dup.Status != pingan.StatusMerged || dup.Petition.MergedAs != as || main.Petition.Repeats != 1 {
			t.Errorf("%s: dup %s %s, main repeats %d", tc.as, dup.Status, dup.Petition.MergedAs, main.Petition.Repeats)
		}
		if got := len(self.Note) > 0 && strings.Contains(self.Note, "第三十六条"); got != tc.note {
			t.Errorf("%s into %s: note %q", tc.as, tc.mainStage, self.Note)
		}
	}
}
