package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// notice2027 is a made-up arrangement for 2027 that differs from the
// provisional rule where the tests look: 春节 from 5 to 11 February with
// 13 February (Sat) a make-up working day, and 4 January off.
var notice2027 = calendar.Year{
	Holidays: map[string]string{"2027-01-01": "元旦", "2027-01-04": "元旦",
		"2027-02-05": "春节", "2027-02-06": "春节", "2027-02-07": "春节", "2027-02-08": "春节",
		"2027-02-09": "春节", "2027-02-10": "春节", "2027-02-11": "春节"},
	Workdays: map[string]string{"2027-02-13": "春节"},
}

func TestRecount(t *testing.T) {
	old := calendar.Official() // 2027 provisional
	entered, err := old.With(map[int]calendar.Year{2027: notice2027})
	if err != nil {
		t.Fatal(err)
	}
	pol := pingan.Policy{Sign: pingan.Period{N: 2, Unit: "working"}, Resolve: pingan.Period{N: 30, Unit: "working"}}
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, pingan.CST)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	type step struct {
		at string
		in pingan.ActionInput
		by *pingan.User
	}
	tests := []struct {
		name     string
		reported string
		steps    []step
		policy   *pingan.Policy // the category's policy at recount; pol when nil
		watched  bool           // the watch acted on the current resolve deadline
		legacy   bool           // extensions recorded without their length
		keepSign bool           // the sign deadline stays though the new calendar moves it
		want     []string       // fields moved
		unsure   []string       // fields not recountable
	}{
		{name: "reported in December, due in February", reported: "2026-12-28 10:00",
			want: []string{"resolve_by"}},
		{name: "due before the year: nothing moves", reported: "2026-10-09 10:00"},
		{name: "dispatched across the new year", reported: "2026-12-30 10:00",
			steps: []step{{"2026-12-31 09:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-12-31 10:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher}},
			want: []string{"sign_by", "resolve_by"}},
		{name: "signed: its sign deadline is history", reported: "2026-12-30 10:00",
			steps: []step{{"2026-12-31 09:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-12-31 10:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher},
				{"2026-12-31 11:00", pingan.ActionInput{Action: pingan.ActSign}, deptHandler}},
			want: []string{"resolve_by"}, keepSign: true},
		{name: "extended", reported: "2026-11-20 10:00",
			steps: []step{{"2026-11-20 11:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-11-20 12:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher},
				{"2026-11-21 09:00", pingan.ActionInput{Action: pingan.ActSign}, deptHandler},
				{"2026-12-01 09:00", pingan.ActionInput{Action: pingan.ActExtend, Days: 20, Reason: "需要鉴定"}, townDispatcher}},
			want: []string{"resolve_by"}},
		{name: "extended, length not recorded", reported: "2026-11-20 10:00", legacy: true,
			steps: []step{{"2026-11-20 11:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-11-20 12:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher},
				{"2026-11-21 09:00", pingan.ActionInput{Action: pingan.ActSign}, deptHandler},
				{"2026-12-01 09:00", pingan.ActionInput{Action: pingan.ActExtend, Days: 20, Reason: "需要鉴定"}, townDispatcher}},
			want: []string{"resolve_by"}},
		{name: "extension asked and approved", reported: "2026-11-20 10:00",
			steps: []step{{"2026-11-20 11:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-11-20 12:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher},
				{"2026-11-21 09:00", pingan.ActionInput{Action: pingan.ActSign}, deptHandler},
				{"2026-12-01 09:00", pingan.ActionInput{Action: pingan.ActRequestExtend, Days: 20, Reason: "需要鉴定"}, deptHandler},
				{"2026-12-01 10:00", pingan.ActionInput{Action: pingan.ActApproveRequest}, townDispatcher}},
			want: []string{"resolve_by"}},
		{name: "suspension asked, approved and resumed", reported: "2026-11-20 10:00",
			steps: []step{{"2026-11-20 11:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-11-20 12:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher},
				{"2026-11-21 09:00", pingan.ActionInput{Action: pingan.ActSign}, deptHandler},
				{"2026-11-23 09:00", pingan.ActionInput{Action: pingan.ActRequestSuspend, Reason: "等待鉴定"}, deptHandler},
				{"2026-11-23 10:00", pingan.ActionInput{Action: pingan.ActApproveRequest}, townDispatcher},
				{"2026-12-30 09:00", pingan.ActionInput{Action: pingan.ActResume}, townDispatcher}},
			want: []string{"resolve_by"}},
		{name: "suspended and resumed", reported: "2026-11-20 10:00",
			steps: []step{{"2026-11-20 11:00", pingan.ActionInput{Action: pingan.ActAccept}, townDispatcher},
				{"2026-11-20 12:00", pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: dept.Code}, townDispatcher},
				{"2026-11-21 09:00", pingan.ActionInput{Action: pingan.ActSign}, deptHandler},
				{"2026-11-23 09:00", pingan.ActionInput{Action: pingan.ActSuspend, Reason: "等待鉴定"}, townDispatcher},
				{"2026-11-30 09:00", pingan.ActionInput{Action: pingan.ActResume, Reason: "鉴定已出"}, townDispatcher}},
			want: []string{"resolve_by"}},
		{name: "policy changed since: left alone", reported: "2026-12-28 10:00",
			policy: &pingan.Policy{Sign: pol.Sign, Resolve: pingan.Period{N: 20, Unit: "working"}},
			unsure: []string{"resolve_by"}},
		{name: "the watch acted on it: it stays", reported: "2026-12-28 10:00", watched: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &pingan.Case{ID: "2026-620902-000001", Kind: pingan.KindDispute, Category: "0102",
				Unit: village.Code, UnitPath: village.Path, ReportedBy: reporter.ID, ReportedAt: at(tt.reported)}
			env := Env{Now: c.ReportedAt, Calendar: old, Policy: pol, Parent: county, ToUnit: dept}
			first, err := Report(c, reporter, &pingan.NewCase{Title: "t"}, env)
			if err != nil {
				t.Fatal(err)
			}
			first.Seq = 1
			timeline := []*pingan.Action{first}
			for i, s := range tt.steps {
				env.Now = at(s.at)
				a, err := Apply(c, s.by, s.in, env)
				if err != nil {
					t.Fatalf("step %d %s: %v", i, s.in.Action, err)
				}
				a.Seq = i + 2
				if tt.legacy {
					a.Days = 0
				}
				timeline = append(timeline, a)
			}
			p := pol
			if tt.policy != nil {
				p = *tt.policy
			}
			renv := RecountEnv{Now: at("2026-12-31 18:00"), Policy: p, Old: old, New: entered, Actor: all}
			if tt.watched {
				w := *c.ResolveBy
				renv.Watched = &w
			}
			before := *c
			res, err := Recount(c, timeline, renv)
			if err != nil {
				t.Fatal(err)
			}
			var moved []string
			for _, ch := range res.Changes {
				moved = append(moved, ch.Field)
			}
			if strings.Join(moved, ",") != strings.Join(tt.want, ",") {
				t.Errorf("moved %v, want %v", moved, tt.want)
			}
			if strings.Join(res.Unrecountable, ",") != strings.Join(tt.unsure, ",") {
				t.Errorf("unrecountable %v, want %v", res.Unrecountable, tt.unsure)
			}
			if len(tt.want) == 0 {
				if res.Action != nil || !sameTime(c.ResolveBy, before.ResolveBy) || !sameTime(c.SignBy, before.SignBy) {
					t.Errorf("nothing should move: action %v, resolve %v → %v", res.Action, before.ResolveBy, c.ResolveBy)
				}
				return
			}
			// What moved is what the new calendar gives when the case is
			// played again from the start.
			fresh := &pingan.Case{ID: c.ID, Unit: c.Unit, UnitPath: c.UnitPath, ReportedBy: c.ReportedBy, ReportedAt: c.ReportedAt}
			fenv := Env{Now: fresh.ReportedAt, Calendar: entered, Policy: pol, Parent: county, ToUnit: dept}
			if _, err := Report(fresh, reporter, &pingan.NewCase{Title: "t"}, fenv); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.steps {
				fenv.Now = at(s.at)
				if _, err := Apply(fresh, s.by, s.in, fenv); err != nil {
					t.Fatal(err)
				}
			}
			if tt.keepSign {
				if !sameTime(c.SignBy, before.SignBy) || sameTime(fresh.SignBy, before.SignBy) {
					t.Errorf("sign_by %v, before %v, counted afresh %v", c.SignBy, before.SignBy, fresh.SignBy)
				}
				fresh.SignBy = c.SignBy
			}
			if !sameTime(c.ResolveBy, fresh.ResolveBy) || !sameTime(c.SignBy, fresh.SignBy) {
				t.Errorf("recounted resolve %v sign %v; counted afresh %v %v", c.ResolveBy, c.SignBy, fresh.ResolveBy, fresh.SignBy)
			}
			a := res.Action
			if a == nil || a.Action != pingan.ActRecount || a.ToStatus != c.Status || a.ActorID != all.ID ||
				!strings.HasPrefix(a.Note, "节假日安排更新，") || !strings.Contains(a.Note, "调整为") {
				t.Errorf("timeline entry %+v", a)
			}
		})
	}
}
